//! Formula injection: a text read from an input that a spreadsheet would
//! take for a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
//! written behind an apostrophe in the CSV tables; numbers are not.

use std::collections::BTreeMap;

use crate::util::{assert_exit, fixture, Dir};

/// Reads a French CSV (BOM, `;`) written by maillage into header-keyed rows.
fn read_french(text: &str) -> Vec<BTreeMap<String, String>> {
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .map(str::to_string)
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn formula_like_names_and_ids_are_written_behind_an_apostrophe() {
    let dir = Dir::new();
    // The mini territory with formula-like names: the communes' in the
    // GeoJSON, two site ids, and point ids. Leading tabs and carriage
    // returns are trimmed by the readers; what follows them is guarded.
    let names = [
        ("80021", r#"=HYPERLINK("http://x","Amiens")"#),
        ("60471", "\t=1+2"),
        ("80620", "\r-Péronne"),
        ("80829", "-1+1"),
    ];
    let mut communes: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("mini/communes.geojson")).unwrap())
            .unwrap();
    for f in communes["features"].as_array_mut().unwrap() {
        let code = f["properties"]["code_insee"].as_str().unwrap().to_string();
        let name = names.iter().find(|(c, _)| *c == code).unwrap().1;
        f["properties"]["nom"] = name.into();
    }
    let communes = dir.write("communes.geojson", communes.to_string());
    let sites = std::fs::read_to_string(fixture("mini/sites.csv"))
        .unwrap()
        .replace("AMI-S00", "+33 3 22 00 00 00")
        .replace("HAM-P01", "@SUM(1)");
    let sites = dir.write("sites.csv", sites);
    let points = dir.write(
        "points.csv",
        "id;lon;lat\n=1+1;2,2954;49,8934\n\"\t@A1\";2,2954;49,8934\n-5;-1,553621;47,218371\n",
    );
    let out = dir.run(&[
        "distance",
        "--communes",
        communes.to_str().unwrap(),
        "--sites",
        sites.to_str().unwrap(),
        "--zones",
        fixture("mini/zones.csv").to_str().unwrap(),
        "--classement",
        fixture("mini/classement.csv").to_str().unwrap(),
        "--points",
        points.to_str().unwrap(),
        "--grid-m",
        "2000",
        "--out",
        "res",
        "--quiet",
    ]);
    assert_exit(&out, 0);

    let rows = read_french(&dir.read("res/communes.csv"));
    let by_code: BTreeMap<&str, &BTreeMap<String, String>> =
        rows.iter().map(|r| (r["code_insee"].as_str(), r)).collect();
    assert_eq!(
        by_code["80021"]["nom"],
        r#"'=HYPERLINK("http://x","Amiens")"#
    );
    assert_eq!(by_code["60471"]["nom"], "'=1+2");
    assert_eq!(by_code["80620"]["nom"], "'-Péronne");
    assert_eq!(by_code["80829"]["nom"], "'-1+1");
    assert_eq!(by_code["80021"]["site_plus_proche"], "'+33 3 22 00 00 00");
    assert_eq!(by_code["80829"]["site_plus_proche"], "'@SUM(1)");
    // Numbers are numbers: the population and the coordinates as before.
    assert_eq!(by_code["80021"]["population"], "134057");
    assert_eq!(by_code["80021"]["lon_mesure"], "2,295408");

    let points = read_french(&dir.read("res/points_distance.csv"));
    let ids: Vec<&str> = points.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["'=1+1", "'@A1", "'-5"]);
    assert_eq!(points[0]["site_plus_proche"], "'+33 3 22 00 00 00");
    // A negative longitude is a number, written without an apostrophe.
    assert_eq!(points[2]["lon"], "-1,553621");
    assert_eq!(points[2]["lat"], "47,218371");

    // The streamed grid: the site ids of its cells.
    let grid = read_french(&dir.read("res/grille_distance.csv"));
    assert!(grid
        .iter()
        .any(|r| r["site_plus_proche"] == "'+33 3 22 00 00 00"));
    assert!(grid.iter().all(
        |r| !r["site_plus_proche"].starts_with('+') && !r["site_plus_proche"].starts_with('@')
    ));

    // No text cell of any table starts like a formula.
    for name in [
        "communes.csv",
        "points_distance.csv",
        "grille_distance.csv",
        "distances_synthese.csv",
    ] {
        for row in read_french(&dir.read(&format!("res/{name}"))) {
            for (column, v) in &row {
                let text = v.parse::<f64>().is_err() && v.replace(',', ".").parse::<f64>().is_err();
                assert!(
                    !(text && v.starts_with(['=', '+', '-', '@', '\t', '\r'])),
                    "{name}, {column}: {v:?}"
                );
            }
        }
    }
}
