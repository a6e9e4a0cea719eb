//! `maillage coverage` against an independent brute-force computation.

use std::collections::BTreeMap;

use geographiclib_rs::{Geodesic, InverseGeodesic};

use crate::util::{assert_exit, read_csv, Dir};

#[test]
fn coverage_agrees_with_brute_force_on_the_region() {
    let dir = Dir::new();
    assert_exit(
        &dir.run(&[
            "rapport",
            "--grille-m",
            "0",
            "--csv",
            "rfc4180",
            "--out",
            "res",
            "--quiet",
            "--rayons-km",
            "3,5,10",
        ]),
        0,
    );
    let communes = read_csv(&dir.read("res/communes.csv"));
    let sites_text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sites.csv")).unwrap();
    let sites: Vec<(String, f64, f64)> = read_csv(&sites_text)
        .into_iter()
        .map(|r| {
            (
                r["code_insee"].clone(),
                r["lon"].parse().unwrap(),
                r["lat"].parse().unwrap(),
            )
        })
        .collect();
    let g = Geodesic::wgs84();
    // Brute force: every commune against every site with Karney's geodesic,
    // from the point the commune is measured from.
    let mut expected: BTreeMap<(String, String, u32), (u64, u64, u64)> = BTreeMap::new();
    for c in &communes {
        let (lon, lat): (f64, f64) = (
            c["lon_mesure"].parse().unwrap(),
            c["lat_mesure"].parse().unwrap(),
        );
        let inside = sites.iter().any(|(code, _, _)| code == &c["code_insee"]);
        let min = sites
            .iter()
            .map(|(_, slon, slat)| -> f64 { g.inverse(lat, lon, *slat, *slon) })
            .fold(f64::INFINITY, f64::min);
        let pop: u64 = c["population"].parse().unwrap();
        let jeunes: u64 = c["jeunes_16_25"].parse().unwrap();
        let cat = match c["classement"].as_str() {
            "FRR" | "FRR_PLUS" => "FRR",
            "ZRR_MAINTENUE" => "ZRR",
            _ => "autre",
        };
        for r in [3u32, 5, 10] {
            let covered = inside || min <= f64::from(r) * 1000.0;
            for key in [
                ("32".to_string(), "toutes"),
                ("32".to_string(), cat),
                (c["departement"].clone(), "toutes"),
            ] {
                let e = expected.entry((key.0, key.1.to_string(), r)).or_default();
                e.0 += 1;
                if covered {
                    e.1 += pop;
                    e.2 += jeunes;
                }
            }
        }
    }
    let rows = read_csv(&dir.read("res/couverture.csv"));
    let mut checked = 0;
    for ((scope, cat, r), (n, pop, jeunes)) in &expected {
        let row = rows
            .iter()
            .find(|x| {
                &x["code_perimetre"] == scope
                    && &x["categorie"] == cat
                    && x["rayon_km"] == format!("{r}.0")
            })
            .unwrap_or_else(|| panic!("no row {scope} {cat} {r}"));
        assert_eq!(row["lieux"], n.to_string(), "{scope} {cat} {r}");
        assert_eq!(
            row["population_couverte"],
            pop.to_string(),
            "{scope} {cat} {r}"
        );
        assert_eq!(
            row["jeunes_16_25_couverts"],
            jeunes.to_string(),
            "{scope} {cat} {r}"
        );
        checked += 1;
    }
    // Region × (toutes, FRR, ZRR, autre) and 5 départements, at 3 radii.
    assert_eq!(checked, 3 * (4 + 5));
}

#[test]
fn coverage_grows_with_the_radius() {
    let dir = Dir::new();
    assert_exit(
        &dir.run(&[
            "couverture",
            "--csv",
            "rfc4180",
            "--out",
            "res",
            "--rayons-km",
            "1,2,5,10,20",
        ]),
        0,
    );
    let rows = read_csv(&dir.read("res/couverture.csv"));
    let mut last: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for r in &rows {
        if r["categorie"] == "QPV" {
            continue;
        }
        let key = (
            r["type_perimetre"].clone(),
            r["code_perimetre"].clone(),
            r["categorie"].clone(),
        );
        let v: u64 = r["population_couverte"].parse().unwrap();
        if let Some(prev) = last.insert(key.clone(), v) {
            assert!(v >= prev, "{key:?}: {v} < {prev}");
        }
    }
}

#[test]
fn bad_radius_is_refused_before_any_work() {
    let dir = Dir::new();
    let out = dir.run(&["couverture", "--rayons-km", "5,0", "--out", "res"]);
    // A bad option value is a usage error (exit 2), refused by the parser
    // before anything is loaded.
    assert_exit(&out, 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--rayons-km"), "{err}");
    assert!(
        err.contains("0 km : une distance doit être un nombre de km positif"),
        "{err}"
    );
    assert!(!dir.path().join("res").exists());
}

/// Warnings are for the user's files: the embedded data give none (their
/// defects are corrected, and their measuring points decided, by
/// `scripts/rebuild-geodata`).
#[test]
fn the_embedded_data_give_no_warning() {
    let dir = Dir::new();
    let out = dir.run(&["couverture", "--out", "res"]);
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("avertissement"), "{stderr}");
}

/// A French decimal typed with a comma is not read as two radii: `7,5`
/// measured at 5 and 7 km before (issue 23, case 3).
#[test]
fn a_french_decimal_is_refused_with_both_readings() {
    let dir = Dir::new();
    let out = dir.run(&["couverture", "--rayons-km", "7,5", "--out", "res"]);
    assert_exit(&out, 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pour 7,5 km écrivez 7.5 ; pour deux rayons, dans l'ordre : 5,7"),
        "{err}"
    );
    assert!(!dir.path().join("res").exists(), "nothing written");
    // Two radii in order are two radii.
    let out = dir.run(&[
        "couverture",
        "--rayons-km",
        "5,7",
        "--csv",
        "rfc4180",
        "--out",
        "ok",
    ]);
    assert_exit(&out, 0);
    let rows = crate::util::read_csv(&dir.read("ok/couverture.csv"));
    let radii: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["rayon_km"].as_str()).collect();
    assert_eq!(radii.into_iter().collect::<Vec<_>>(), ["5.0", "7.0"]);
}
