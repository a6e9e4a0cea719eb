//! `maillage check-data` against the reports' figures.

use crate::util::{assert_exit, Dir};

/// The line of check-data's output for the check `id` (its first word).
fn check_line(stdout: &str, id: &str) -> String {
    stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no line for {id} in\n{stdout}"))
        .to_string()
}

#[test]
fn embedded_data_reconciles_with_the_reports() {
    let dir = Dir::new();
    let out = dir.run(&["controle", "--out", "res"]);
    assert_exit(&out, 0);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = |id: &str| check_line(&stdout, id);
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
        "controle",
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
    let out = dir.run(&["controle", "--qpv", f.to_str().unwrap(), "--out", "res"]);
    assert_exit(&out, 3);
}

/// On a territory that is not the reports' région (the mini territory: four
/// towns of the Oise and the Somme), check-data says so, leaves the région's
/// figures unchecked, and still compares the départements present.
#[test]
fn another_territory_is_said_and_only_its_perimeters_are_compared() {
    let dir = Dir::new();
    let mut args = vec!["controle".to_string()];
    args.extend(crate::util::mini_layers());
    args.extend(["--out".to_string(), "res".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dir.run(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Le territoire chargé (Oise et Somme) n'est pas celui des rapports"),
        "{stdout}"
    );
    let line = |id: &str| check_line(&stdout, id);
    // Region figures: not compared with four towns.
    assert!(
        line("zrr").contains("non vérifié (périmètre du rapport absent"),
        "{}",
        line("zrr")
    );
    assert!(line("communes_couvertes").contains("non vérifié"));
    // The Somme's are compared (its QPV: the embedded layer, all ten).
    assert!(line("qpv_80").ends_with("ok"), "{}", line("qpv_80"));
    assert!(line("qpv_59").contains("non vérifié (périmètre du rapport absent"));
    // The report's internal checks still hold.
    assert!(line("ic_pacea_region").contains("écart expliqué"));
    assert_exit(&out, 0);
}
