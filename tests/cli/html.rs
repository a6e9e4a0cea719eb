//! `synthese.html`: self-contained (no address but the SVG namespace), names
//! from the input files escaped in the markup and in the script data, the
//! key figures taken from the tables. The page in a real browser is checked
//! by `scripts/browser-test` (run by `.ci/run`).

use crate::util::{assert_exit, fixture, read_csv, Dir};

const HOSTILE: &str = "<script>alert(1)</script> & \"Saint-Œil\"\u{2028}l'Abbaye";

/// The mini fixture with a hostile commune name and a hostile ML name.
fn hostile_report(dir: &Dir) -> String {
    let communes = std::fs::read_to_string(fixture("mini/communes.geojson"))
        .unwrap()
        .replacen(
            "\"nom\":\"Noyon\"",
            &format!("\"nom\":{}", serde_json::json!(HOSTILE)),
            1,
        );
    assert!(communes.contains("Saint-Œil"), "the fixture changed");
    dir.write("communes.geojson", communes);
    let zones = std::fs::read_to_string(fixture("mini/zones.csv"))
        .unwrap()
        .replace("60-ML NOYON", "\"60-ML <b>NOYON</b> & Cie\"");
    dir.write("zones.csv", zones);
    let out = dir.run(&[
        "report",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--quiet",
        "--communes",
        "communes.geojson",
        "--zones",
        "zones.csv",
        "--sites",
        fixture("mini/sites.csv").to_str().unwrap(),
        "--classement",
        fixture("mini/classement.csv").to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    dir.read("res/synthese.html")
}

#[test]
fn names_from_input_files_are_escaped() {
    let dir = Dir::new();
    let html = hostile_report(&dir);
    // One script element of ours with data, one with code, nothing else.
    assert_eq!(
        html.matches("<script").count(),
        2,
        "unexpected script element"
    );
    assert!(!html.contains("<b>NOYON"), "ML name not escaped");
    assert!(
        !html.contains('\u{2028}'),
        "raw line separator left in the page"
    );
    // The data keeps the name, escaped for a script element.
    assert!(
        html.contains(
            r#"\u003cscript\u003ealert(1)\u003c/script\u003e \u0026 \"Saint-Œil\"\u2028l'Abbaye"#
        ),
        "the commune's name is not in the map data"
    );
    // The placement table names the candidate town hall: escaped markup.
    if html.contains("Saint-Œil") {
        for line in html.split("<td>").filter(|l| l.contains("Saint-Œil")) {
            assert!(
                line.contains("&lt;script&gt;") || line.contains("\\u003c"),
                "{line}"
            );
        }
    }
}

#[test]
fn the_page_is_self_contained_and_its_figures_come_from_the_tables() {
    let dir = Dir::new();
    let out = dir.run(&[
        "report", "--csv", "rfc4180", "--out", "res", "--grid-m", "0", "--quiet",
    ]);
    assert_exit(&out, 0);
    let html = dir.read("res/synthese.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // No address anywhere but the SVG namespace: no stylesheet, script,
    // image or font is fetched.
    let addresses: Vec<&str> = html
        .match_indices("://")
        .map(|(i, _)| &html[i.saturating_sub(4)..(i + 22).min(html.len())])
        .collect();
    assert_eq!(
        addresses,
        vec!["http://www.w3.org/2000/svg"],
        "{addresses:?}"
    );
    for tag in ["<link", "<img", "<iframe", "src=", "@import", "url("] {
        assert!(!html.contains(tag), "{tag} in the page");
    }
    assert!(
        html.contains("Sites : substitut."),
        "stand-in sites not declared"
    );

    // Key figures: the region's young people within 5 km, from couverture.csv.
    let cov = read_csv(&dir.read("res/couverture.csv"));
    let region5 = cov
        .iter()
        .find(|r| {
            r["type_perimetre"] == "region" && r["rayon_km"] == "5.0" && r["categorie"] == "toutes"
        })
        .expect("region at 5 km");
    let share: f64 = region5["jeunes_16_25_couverts"].parse::<f64>().unwrap()
        / region5["jeunes_16_25"].parse::<f64>().unwrap();
    let want = format!("{:.1} %", 100.0 * share).replace('.', ",");
    let row = html
        .split("<tr>")
        .find(|r| r.contains("Part des jeunes à moins de 5 km"))
        .expect("the 5 km row");
    assert!(
        row.contains(&format!("<td class=\"n\">{want}</td>")),
        "{want} not in {row}"
    );
    // The map has one path per commune and its data one row per commune.
    let communes = read_csv(&dir.read("res/communes.csv"));
    assert_eq!(html.matches("<path data-i=").count(), communes.len());
    // Every proposed permanence is in the placement table.
    for r in read_csv(&dir.read("res/placement.csv")) {
        let name = r["nom"].replace('\'', "&#39;");
        assert!(html.contains(&format!("<td>{name}</td>")), "{name}");
    }
}
