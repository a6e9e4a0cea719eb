//! `maillage report` on the embedded region and on small fixtures.

use std::collections::BTreeMap;

use geographiclib_rs::{Geodesic, InverseGeodesic};

use crate::util::{assert_exit, fixture, read_csv, Dir};

/// Town-hall points of the embedded communes, read independently of the
/// library (plain JSON), keyed by INSEE code; `None` where there is none.
fn mairies() -> BTreeMap<String, Option<(f64, f64)>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/communes.geojson"
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let m = p["mairie"]
                .as_array()
                .map(|a| (a[0].as_f64().unwrap(), a[1].as_f64().unwrap()));
            (p["code_insee"].as_str().unwrap().to_string(), m)
        })
        .collect()
}

/// The embedded sites, read with the csv crate: id → (lon, lat).
fn sites() -> Vec<(String, f64, f64)> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sites.csv")).unwrap();
    read_csv(&text)
        .into_iter()
        .map(|r| {
            (
                r["site_id"].clone(),
                r["lon"].parse().unwrap(),
                r["lat"].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn report_gives_every_commune_its_true_nearest_site() {
    let dir = Dir::new();
    let out = dir.run(&["report", "--csv", "rfc4180", "--out", "res", "--quiet"]);
    assert_exit(&out, 0);
    let rows = read_csv(&dir.read("res/communes.csv"));
    assert_eq!(rows.len(), 3782);
    let mairies = mairies();
    let sites = sites();
    assert_eq!(sites.len(), 962);
    let g = Geodesic::wgs84();
    let mut checked = 0;
    for r in &rows {
        let code = &r["code_insee"];
        assert_eq!(code.len(), 5, "INSEE code keeps its leading zero: {code}");
        // Communes without a usable town-hall point are measured from an
        // interior point; they are checked by the fixture tests.
        let Some((lon, lat)) = mairies[code].filter(|_| r["point_de_mesure"] == "mairie") else {
            assert!(
                r["point_de_mesure"].starts_with("point intérieur"),
                "{code}"
            );
            continue;
        };
        // Brute force over all 962 sites with Karney's geodesic.
        let dists: Vec<(f64, &str)> = sites
            .iter()
            .map(|(id, slon, slat)| {
                let d: f64 = g.inverse(lat, lon, *slat, *slon);
                (d, id.as_str())
            })
            .collect();
        // Sites within 1 mm of the minimum are tied; the smallest id wins.
        let min = dists.iter().map(|d| d.0).fold(f64::INFINITY, f64::min);
        let mut tied: Vec<(f64, &str)> = dists
            .iter()
            .copied()
            .filter(|(d, _)| *d <= min + 0.001)
            .collect();
        tied.sort_by(|a, b| a.1.cmp(b.1));
        let best = tied[0];
        let ties: Vec<&str> = tied[1..].iter().map(|(_, id)| *id).collect();
        assert_eq!(r["site_plus_proche"], best.1, "commune {code}");
        let got_km: f64 = r["distance_km"].parse().unwrap();
        assert!(
            (got_km - best.0 / 1000.0).abs() <= 0.0005 + 1e-9,
            "commune {code}: {got_km} km vs {} m",
            best.0
        );
        assert_eq!(r["sites_ex_aequo"], ties.join("|"), "commune {code}");
        checked += 1;
    }
    // 5 communes have no town-hall point and 177 a misplaced one (see
    // geodata/PROVENANCE.md): all others are checked here.
    assert_eq!(checked, 3782 - 182);
}

#[test]
fn french_csv_by_default() {
    let dir = Dir::new();
    assert_exit(&dir.run(&["report", "--out", "res", "--quiet"]), 0);
    let bytes = std::fs::read(dir.path().join("res/communes.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcode_insee;nom;departement;code_ml;"));
    let text = String::from_utf8(bytes).unwrap();
    let abbecourt = text
        .lines()
        .find(|l| l.starts_with("02001;"))
        .expect("02001 keeps its leading zero");
    let fields: Vec<&str> = abbecourt.split(';').collect();
    assert_eq!(fields[1], "Abbécourt");
    assert!(
        fields[13].contains(','),
        "decimal comma in distance_km: {abbecourt}"
    );
}

#[test]
fn small_fixture_matches_hand_computed_distances() {
    // Three real communes and three sites; expected distances computed with
    // GeographicLib (Python) by tests/fixtures/mini/README.md's command.
    let dir = Dir::new();
    let out = dir.run(&[
        "report",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--communes",
        fixture("mini/communes.geojson").to_str().unwrap(),
        "--sites",
        fixture("mini/sites.csv").to_str().unwrap(),
        "--classement",
        fixture("mini/classement.csv").to_str().unwrap(),
        "--zones",
        fixture("mini/zones.csv").to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    let rows = read_csv(&dir.read("res/communes.csv"));
    let expected = read_csv(&std::fs::read_to_string(fixture("mini/expected.csv")).unwrap());
    assert_eq!(rows.len(), expected.len());
    for (r, e) in rows.iter().zip(&expected) {
        assert_eq!(r["code_insee"], e["code_insee"]);
        assert_eq!(
            r["site_plus_proche"], e["site_plus_proche"],
            "{}",
            e["code_insee"]
        );
        let (got, want): (f64, f64) = (
            r["distance_km"].parse().unwrap(),
            e["distance_km"].parse().unwrap(),
        );
        assert!(
            (got - want).abs() <= 0.0005,
            "{}: {got} vs {want}",
            e["code_insee"]
        );
        assert_eq!(
            r["site_dans_commune"], e["site_dans_commune"],
            "{}",
            e["code_insee"]
        );
        assert_eq!(r["classement"], e["classement"]);
        assert_eq!(
            r["sites_ex_aequo"], e["sites_ex_aequo"],
            "{}",
            e["code_insee"]
        );
    }
}

#[test]
fn bad_site_type_is_named_and_leaves_no_output() {
    let dir = Dir::new();
    let sites = dir.write(
        "sites.csv",
        "site_id;code_ml;nom;type;code_insee;lon;lat\nS1;59350;Lille;siege;59350;3.0703;50.6304\nS2;59350;Fives;bureau;59350;3.09;50.63\n",
    );
    let out = dir.run(&["report", "--sites", sites.to_str().unwrap(), "--out", "res"]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sites.csv : ligne 3 (S2) : champ « type » : attendu siege, antenne ou permanence, trouvé « bureau »"),
        "{err}"
    );
    assert!(
        !dir.path().join("res").exists(),
        "no output folder on failure"
    );
}

#[test]
fn failed_run_keeps_previous_outputs() {
    let dir = Dir::new();
    assert_exit(&dir.run(&["report", "--out", "res", "--quiet"]), 0);
    let before = dir.read("res/communes.csv");
    let bad = dir.write(
        "sites.csv",
        "site_id,code_ml,type,lon,lat\nS1,59350,siege,700000,6600000\n",
    );
    let out = dir.run(&["report", "--out", "res", "--sites", bad.to_str().unwrap()]);
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Lambert-93"));
    assert_eq!(dir.read("res/communes.csv"), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("res"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sites_given_by_commune_code_only_take_the_town_hall_point() {
    let dir = Dir::new();
    let sites = dir.write(
        "sites.csv",
        "site_id;code_ml;type;code_insee;lon;lat\nS1;80021;siege;80021;;\n",
    );
    let out = dir.run(&[
        "report",
        "--sites",
        sites.to_str().unwrap(),
        "--out",
        "res",
        "--csv",
        "rfc4180",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let rows = read_csv(&dir.read("res/communes.csv"));
    let amiens = rows.iter().find(|r| r["code_insee"] == "80021").unwrap();
    assert_eq!(amiens["site_plus_proche"], "S1");
    assert_eq!(amiens["distance_km"], "0.000");
    assert_eq!(amiens["site_dans_commune"], "true");
}

/// The tables, the workbook, layers and raster of `maillage report` on the embedded data,
/// by SHA-256 (`tests/golden/report_sha256.txt`). The maps, the page and the
/// manifest are left out: the page gains sections as the product grows and
/// the manifest lists the page's hash. A change of any figure shows here;
/// `UPDATE_GOLDEN=1 cargo test` rewrites the list, and the diff is reviewed
/// in the commit with the reason for the change.
#[test]
fn report_outputs_match_the_golden_hashes() {
    use sha2::{Digest, Sha256};
    let dir = Dir::new();
    let out = dir.run(&["report", "--out", "res", "--quiet"]);
    assert_exit(&out, 0);
    let mut got = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("res"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            [".csv", ".geojson", ".gpkg", ".tif", ".xlsx"]
                .iter()
                .any(|x| n.ends_with(x))
        })
        .collect();
    names.sort();
    for n in names {
        let bytes = std::fs::read(dir.path().join("res").join(&n)).unwrap();
        got.push(format!("{:x}  {n}", Sha256::digest(&bytes)));
    }
    let got = got.join("\n") + "\n";
    let golden =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report_sha256.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &got).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    crate::eqnice!(want, got);
}
