//! `maillage hotspots`: estimates, clusters and their invariants.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{assert_exit, read_csv, Dir};

#[test]
fn hotspot_clusters_hold_only_unreached_communes_and_add_up() {
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
        ]),
        0,
    );
    let communes: BTreeMap<String, BTreeMap<String, String>> =
        read_csv(&dir.read("res/communes.csv"))
            .into_iter()
            .map(|r| (r["code_insee"].clone(), r))
            .collect();
    let est = read_csv(&dir.read("res/hotspots_communes.csv"));
    assert_eq!(est.len(), 3782);
    let mut out_of_reach_total = 0.0;
    let mut hot = BTreeSet::new();
    for e in &est {
        let c = &communes[&e["code_insee"]];
        let jeunes: f64 = e["jeunes_16_25"].parse().unwrap();
        let non_mobiles: f64 = e["jeunes_non_mobiles"].parse().unwrap();
        assert!(
            (non_mobiles - 0.32 * jeunes).abs() <= 0.05 + 1e-9,
            "{}",
            e["code_insee"]
        );
        let no_site = c["nb_sites_commune"] == "0";
        let far = c["distance_km"].parse::<f64>().unwrap() > 3.0;
        assert_eq!(
            e["commune_point_chaud"] == "true",
            no_site && far,
            "{}",
            e["code_insee"]
        );
        if no_site && far {
            hot.insert(e["code_insee"].clone());
            out_of_reach_total += e["jeunes_non_mobiles_hors_portee"].parse::<f64>().unwrap();
        } else {
            assert_eq!(e["jeunes_non_mobiles_hors_portee"], "0.0");
        }
    }
    assert!(hot.len() > 100, "{} hotspot communes", hot.len());
    let clusters = read_csv(&dir.read("res/hotspots.csv"));
    let mut in_clusters = BTreeSet::new();
    let mut sum = 0.0;
    let mut prev = f64::INFINITY;
    for (r, cl) in clusters.iter().enumerate() {
        assert_eq!(cl["rang"], (r + 1).to_string());
        let v: f64 = cl["jeunes_non_mobiles_hors_portee"].parse().unwrap();
        assert!(v <= prev, "ranked by non-mobile young people");
        prev = v;
        sum += v;
        let members: Vec<&str> = cl["codes_insee"].split('|').collect();
        assert_eq!(members.len().to_string(), cl["nb_communes"]);
        let mls: BTreeSet<&str> = members
            .iter()
            .map(|m| communes[*m]["code_ml"].as_str())
            .collect();
        assert_eq!(mls.len(), 1, "a cluster stays within one ML");
        for m in members {
            assert!(hot.contains(m), "{m} is not a hotspot");
            assert!(in_clusters.insert(m.to_string()), "{m} in two clusters");
        }
    }
    assert_eq!(in_clusters, hot, "every hotspot commune is in a cluster");
    // Each figure is written to 0.1: allow half a unit of rounding per figure.
    let rounding = 0.05 * (hot.len() + clusters.len()) as f64;
    assert!(
        (sum - out_of_reach_total).abs() <= rounding,
        "{sum} vs {out_of_reach_total}"
    );
    let geo: serde_json::Value = serde_json::from_str(&dir.read("res/hotspots.geojson")).unwrap();
    assert_eq!(geo["features"].as_array().unwrap().len(), clusters.len());
}

#[test]
fn bad_rate_is_refused() {
    let dir = Dir::new();
    let out = dir.run(&["points-chauds", "--part-non-mobiles", "32", "--out", "res"]);
    assert_exit(&out, 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--part-non-mobiles"), "{err}");
    assert!(err.contains("une part est comprise entre 0 et 1"), "{err}");
}
