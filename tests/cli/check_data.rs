//! `maillage check-data` against the reports' figures.

use crate::util::{assert_exit, Dir};

#[test]
fn embedded_data_reconciles_with_the_reports() {
    let dir = Dir::new();
    let out = dir.run(&["check-data", "--out", "res"]);
    assert_exit(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = |id: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no line for {id} in\n{stdout}"))
            .to_string()
    };
    assert!(line("zrr").ends_with("ok"), "{}", line("zrr"));
    assert!(line("missions_locales").ends_with("ok"));
    assert!(line("sites_antenne").ends_with("ok"));
    assert!(line("jeunes_16_25").contains("768524"));
    assert!(
        line("qpv").contains("202")
            && line("qpv").contains("204")
            && line("qpv").contains("écart expliqué")
    );
    assert!(
        line("communes_couvertes").contains("3782")
            && line("communes_couvertes").contains("écart expliqué")
    );
    assert!(line("qpv_59").ends_with("ok"));
    assert!(line("ic_pacea_region").contains("écart expliqué"));
    assert!(!stdout.contains("NON EXPLIQUÉ"), "{stdout}");
    assert!(dir.read("res/controle_donnees.csv").contains("zrr;"));
}

#[test]
fn an_unexplained_difference_fails() {
    let dir = Dir::new();
    let reference = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/chiffres_cles.csv"
    ))
    .unwrap();
    // The report says 34 ZRR communes; pretend it said 35.
    let changed = reference.replacen(
        "maintenues en ZRR,region,34,",
        "maintenues en ZRR,region,35,",
        1,
    );
    assert_ne!(changed, reference);
    let f = dir.write("ref.csv", changed);
    let out = dir.run(&[
        "check-data",
        "--reference",
        f.to_str().unwrap(),
        "--out",
        "res",
    ]);
    assert_exit(&out, 3);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ÉCART NON EXPLIQUÉ"));
}

#[test]
fn an_explanation_holds_only_for_the_documented_value() {
    // Drop one QPV: the data now gives 203, not the documented 204.
    let dir = Dir::new();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/qpv.geojson"))
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["features"].as_array_mut().unwrap().pop();
    let f = dir.write("qpv.geojson", v.to_string());
    let out = dir.run(&["check-data", "--qpv", f.to_str().unwrap(), "--out", "res"]);
    assert_exit(&out, 3);
}
