//! Every analysis by travel time on a road network (`--reseau`, `--mode`):
//! the whole report on the mini territory with the synthetic street grid
//! laid over it (`scripts/make-mini-network`), each table checked against
//! the per-commune times of `communes.csv`; a placement in minutes against
//! a brute force over the times `maillage temps` gives; thresholds in the
//! wrong unit refused.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{assert_exit, fixture, mini_layers, read_csv, Dir};

fn grid() -> String {
    fixture("network/mini_grid.osm.pbf").display().to_string()
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("« {s} » is not a number"))
}

/// The time of a commune's nearest site in minutes, or none when a site
/// stands in it (cost zero) — `None` for an unmeasured commune.
fn cost(r: &BTreeMap<String, String>) -> Option<f64> {
    if r["site_dans_commune"] == "true" {
        return Some(0.0);
    }
    (!r["temps_min"].is_empty()).then(|| num(&r["temps_min"]))
}

#[test]
fn report_by_bicycle_measures_every_analysis_in_minutes() {
    let dir = Dir::new();
    let mut args: Vec<String> = vec!["report".into()];
    args.extend(mini_layers());
    let g = grid();
    args.extend(
        [
            "--reseau", &g, "--mode", "velo", "--csv", "rfc4180", "--out", "out", "--quiet",
        ]
        .map(String::from),
    );
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_exit(&dir.run(&a), 0);
    for f in [
        "communes.csv",
        "qpv.csv",
        "couverture.csv",
        "distances_synthese.csv",
        "hotspots.csv",
        "hotspots_communes.csv",
        "bassins.csv",
        "placement.csv",
        "placement_bilan.csv",
        "placement_synthese.csv",
        "grille_distance.csv",
        "grille_distance.tif",
        "grille_temps.tif",
        "carte_distances.png",
        "carte_placement.svg",
        "synthese.html",
        "maillage.gpkg",
        "manifest.json",
    ] {
        assert!(dir.path().join("out").join(f).exists(), "{f} missing");
    }
    let communes = read_csv(&dir.read("out/communes.csv"));
    assert_eq!(communes.len(), 4);
    assert!(communes.iter().all(|r| r["mode"] == "velo"));
    let costs: Vec<Option<f64>> = communes.iter().map(cost).collect();
    let jeunes: Vec<u64> = communes
        .iter()
        .map(|r| r["jeunes_16_25"].parse().unwrap())
        .collect();

    // Coverage: the default thresholds in minutes, each count from the times.
    let coverage = read_csv(&dir.read("out/couverture.csv"));
    assert!(!coverage[0].contains_key("rayon_km"));
    let region: Vec<_> = coverage
        .iter()
        .filter(|r| r["type_perimetre"] == "region" && r["categorie"] == "toutes")
        .collect();
    let thresholds: Vec<f64> = region.iter().map(|r| num(&r["seuil_min"])).collect();
    assert_eq!(thresholds, [15.0, 30.0, 45.0, 60.0]);
    let mut seen_uncovered = false;
    for r in &region {
        let s = num(&r["seuil_min"]);
        let covered: Vec<usize> = (0..4)
            .filter(|&i| costs[i].is_some_and(|c| c <= s))
            .collect();
        seen_uncovered |= covered.len() < 4;
        assert_eq!(num(&r["lieux_couverts"]) as usize, covered.len(), "{s} min");
        let j: u64 = covered.iter().map(|&i| jeunes[i]).sum();
        assert_eq!(num(&r["jeunes_16_25_couverts"]) as u64, j, "{s} min");
    }
    assert!(
        seen_uncovered,
        "the test wants a commune beyond a threshold"
    );

    // Hotspots: no site in the commune and its nearest site beyond 15 min.
    let hot = read_csv(&dir.read("out/hotspots_communes.csv"));
    for (r, c) in hot.iter().zip(&communes) {
        assert_eq!(r["code_insee"], c["code_insee"]);
        let want = cost(c).is_none_or(|t| t > 15.0);
        assert_eq!(
            r["commune_point_chaud"] == "true",
            want,
            "{}",
            c["code_insee"]
        );
    }
    let clusters = read_csv(&dir.read("out/hotspots.csv"));
    assert!(!clusters.is_empty());
    assert!(clusters[0].contains_key("temps_site_min"));

    // The weighted mean time of the young people to their nearest site.
    let summary = read_csv(&dir.read("out/distances_synthese.csv"));
    let row = summary
        .iter()
        .find(|r| {
            r["type_perimetre"] == "region"
                && r["categorie"] == "toutes"
                && r["ponderation"] == "jeunes_16_25"
        })
        .unwrap();
    let (mut sum, mut weight) = (0.0, 0.0);
    for (r, &j) in communes.iter().zip(&jeunes) {
        sum += num(&r["temps_min"]) * j as f64;
        weight += j as f64;
    }
    assert!((num(&row["temps_moyen_min"]) - sum / weight).abs() < 0.006);

    // The proposal's radius is 20 minutes, and the page and manifest say so.
    let bilan = read_csv(&dir.read("out/placement_bilan.csv"));
    let radius = bilan
        .iter()
        .find(|r| r["indicateur"] == "seuil_min")
        .unwrap();
    assert_eq!(
        (num(&radius["valeur"]), radius["unite"].as_str()),
        (20.0, "min")
    );
    let manifest: serde_json::Value = serde_json::from_str(&dir.read("out/manifest.json")).unwrap();
    let p = &manifest["parameters"];
    assert_eq!(p["mode"], "velo");
    assert_eq!(p["radius_min"], serde_json::json!([15.0, 30.0, 45.0, 60.0]));
    assert_eq!(
        p["apl_bands_min"],
        "10:1,15:0.6666666666666666,20:0.3333333333333333"
    );
    assert!(p.get("radius_km").is_none());
    let page = dir.read("out/synthese.html");
    assert!(page.contains("Part des jeunes à moins de 15 min à vélo d&#39;un site"));
    assert!(page.contains("Temps moyen des jeunes jusqu&#39;au site le plus proche à vélo"));
}

#[test]
fn thresholds_in_the_wrong_unit_are_refused() {
    let dir = Dir::new();
    let g = grid();
    let out = dir.run(&["coverage", "--seuils-min", "15", "--out", "o"]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--seuils-min") && err.contains("--radius-km"),
        "{err}"
    );
    let out = dir.run(&[
        "hotspots",
        "--reseau",
        &g,
        "--mode",
        "marche",
        "--reach-km",
        "3",
        "--out",
        "o",
    ]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--reach-km") && err.contains("--reach-min"),
        "{err}"
    );
    assert!(!dir.path().join("o").exists(), "nothing written");
}

/// The placement by network inside one Mission Locale (Cœur de Picardie,
/// whose communes the grid covers) is the best choice of two town halls:
/// every pair is tried on the times `maillage temps` gives between the
/// town halls, with the existing sites' times of `communes.csv`.
#[test]
fn placement_by_network_is_the_best_pair_by_brute_force() {
    let dir = Dir::new();
    let g = grid();
    let net = ["--reseau", g.as_str(), "--mode", "velo"];
    let mut a = vec![
        "distance", "--grid-m", "0", "--csv", "rfc4180", "--out", "d", "--quiet",
    ];
    a.extend(net);
    assert_exit(&dir.run(&a), 0);
    let communes: Vec<_> = read_csv(&dir.read("d/communes.csv"))
        .into_iter()
        .filter(|r| r["code_ml"] == "60471")
        .collect();
    assert!(communes.len() > 100);
    let mut points = String::from("id,lon,lat\n");
    for r in &communes {
        points.push_str(&format!(
            "{},{},{}\n",
            r["code_insee"], r["lon_mesure"], r["lat_mesure"]
        ));
    }
    dir.write("mairies.csv", points);
    let mut a = vec![
        "temps",
        "--origines",
        "mairies.csv",
        "--destinations",
        "mairies.csv",
        "--max-min",
        "30",
        "--csv",
        "rfc4180",
        "--out",
        "t",
        "--quiet",
    ];
    a.extend(net);
    assert_exit(&dir.run(&a), 0);
    let mut times: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in read_csv(&dir.read("t/temps.csv")) {
        if !r["temps_min"].is_empty() {
            times.insert(
                (r["origine"].clone(), r["destination"].clone()),
                num(&r["temps_min"]),
            );
        }
    }
    let before: Vec<Option<f64>> = communes.iter().map(cost).collect();
    // A radius no time lies within 0.01 min of (the files round to 0.01).
    let mut radius = 12.5;
    let all = || {
        times
            .values()
            .copied()
            .chain(before.iter().flatten().copied())
    };
    while all().any(|t| (t - radius).abs() <= 0.011) {
        radius += 0.037;
    }
    let codes: Vec<&String> = communes.iter().map(|r| &r["code_insee"]).collect();
    let jeunes: Vec<u64> = communes
        .iter()
        .map(|r| r["jeunes_16_25"].parse().unwrap())
        .collect();
    let covered_by = |j: usize| -> BTreeSet<usize> {
        (0..codes.len())
            .filter(|&i| {
                i == j
                    || times
                        .get(&(codes[i].clone(), codes[j].clone()))
                        .is_some_and(|&t| t <= radius)
            })
            .collect()
    };
    let sets: Vec<BTreeSet<usize>> = (0..codes.len()).map(covered_by).collect();
    let covered_before: BTreeSet<usize> = (0..codes.len())
        .filter(|&i| before[i].is_some_and(|t| t <= radius))
        .collect();
    let value = |chosen: &[usize]| -> u64 {
        let mut c = covered_before.clone();
        for &j in chosen {
            c.extend(&sets[j]);
        }
        c.iter().map(|&i| jeunes[i]).sum()
    };
    let mut best = 0;
    for x in 0..codes.len() {
        for y in x + 1..codes.len() {
            best = best.max(value(&[x, y]));
        }
    }
    let r = format!("{radius}");
    let mut a = vec![
        "placement",
        "--k",
        "2",
        "--ml",
        "60471",
        "--radius-min",
        &r,
        "--exact",
        "--csv",
        "rfc4180",
        "--out",
        "p",
        "--quiet",
    ];
    a.extend(net);
    assert_exit(&dir.run(&a), 0);
    let bilan = read_csv(&dir.read("p/placement_bilan.csv"));
    let get = |k: &str| num(&bilan.iter().find(|r| r["indicateur"] == k).unwrap()["valeur"]);
    assert_eq!(get("couvert_avant") as u64, value(&[]));
    assert_eq!(get("couvert_apres") as u64, best);
    assert!(best > value(&[]), "the test wants a useful placement");
    let placed = read_csv(&dir.read("p/placement.csv"));
    let chosen: Vec<usize> = placed
        .iter()
        .map(|r| codes.iter().position(|c| **c == r["code_insee"]).unwrap())
        .collect();
    assert_eq!(value(&chosen), best);
}
