//! Every analysis by travel time on a road network (`--reseau`, `--mode`):
//! the whole report on the mini territory with the synthetic street grid
//! laid over it (`scripts/make-mini-network`), each table checked against
//! the per-commune times of `communes.csv`; a placement in minutes against
//! a brute force over the times `maillage temps` gives; thresholds in the
//! wrong unit refused.

use std::collections::BTreeMap;

use crate::util::{
    assert_exit, assert_network_report, fixture, measuring_points, mini_layers, mini_site_points,
    read_csv, CoverBrute, Dir,
};

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
    let mut args: Vec<String> = vec!["rapport".into()];
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
    assert_network_report(&dir.path().join("out"));
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
        .filter(|r| r["type_perimetre"] == "territoire" && r["categorie"] == "toutes")
        .collect();
    // The mini territory is two départements' towns: named after them.
    assert!(region.iter().all(|r| r["nom_perimetre"] == "Oise et Somme"));
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
            r["type_perimetre"] == "territoire"
                && r["categorie"] == "toutes"
                && r["ponderation"] == "jeunes_16_25"
        })
        .unwrap();
    // A commune with a site standing in it counts 0 (one rule per figure).
    let (mut sum, mut weight) = (0.0, 0.0);
    for (r, &j) in communes.iter().zip(&jeunes) {
        let t = if r["site_dans_commune"] == "true" {
            0.0
        } else {
            num(&r["temps_min"])
        };
        sum += t * j as f64;
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
    let out = dir.run(&["couverture", "--seuils-min", "15", "--out", "o"]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--seuils-min") && err.contains("--rayons-km"),
        "{err}"
    );
    let out = dir.run(&[
        "points-chauds",
        "--reseau",
        &g,
        "--mode",
        "marche",
        "--portee-km",
        "3",
        "--out",
        "o",
    ]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--portee-km") && err.contains("--portee-min"),
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
    // The synthetic grid reaches 114 of the ML's 120 communes (87.6 % of its
    // young people): the analyses go on with those it measures.
    let partial = "--partiel";
    let mut a = vec![
        "distance",
        "--ml",
        "60471",
        "--grille-m",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "d",
        "--quiet",
        partial,
    ];
    a.extend(net);
    assert_exit(&dir.run(&a), 0);
    let communes: Vec<_> = read_csv(&dir.read("d/communes.csv"))
        .into_iter()
        .filter(|r| r["code_ml"] == "60471")
        .collect();
    assert!(communes.len() > 100);
    dir.write("mairies.csv", measuring_points(&communes));
    let mut a = vec![
        "temps",
        "--origines",
        "mairies.csv",
        "--destinations",
        "mairies.csv",
        "--trajet-max-min",
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
    let brute = CoverBrute::new(&communes, &times, &before, radius);
    let best = brute.best_pair();
    let r = format!("{radius}");
    let mut a = vec![
        "implantation",
        "--nombre",
        "2",
        "--ml",
        "60471",
        "--rayon-min",
        &r,
        "--exact",
        "--csv",
        "rfc4180",
        "--out",
        "p",
        "--quiet",
        partial,
    ];
    a.extend(net);
    assert_exit(&dir.run(&a), 0);
    let bilan = read_csv(&dir.read("p/placement_bilan.csv"));
    let get = |k: &str| num(&bilan.iter().find(|r| r["indicateur"] == k).unwrap()["valeur"]);
    assert_eq!(get("couvert_avant") as u64, brute.value(&[]));
    assert_eq!(get("couvert_apres") as u64, best);
    assert!(best > brute.value(&[]), "the test wants a useful placement");
    let placed = read_csv(&dir.read("p/placement.csv"));
    let chosen: Vec<usize> = placed
        .iter()
        .map(|r| codes.iter().position(|c| **c == r["code_insee"]).unwrap())
        .collect();
    assert_eq!(brute.value(&chosen), best);
}

/// A small feed over the mini territory, written as a folder of GTFS files:
/// one bus line from Y's town hall to the Ham permanence (HAM-P01), every
/// 30 minutes from 14:05, 12 minutes' ride, on Mondays of 2026-12.
fn mini_feed(dir: &Dir) -> String {
    dir.write(
        "gtfs/stops.txt",
        "stop_id,stop_name,stop_lat,stop_lon\n\
         Y,Y mairie,49.803016,2.988852\n\
         HAM,Ham,49.7466,3.0733\n",
    );
    dir.write(
        "gtfs/calendar.txt",
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
         LUN,1,0,0,0,0,0,0,20261201,20261231\n",
    );
    let mut trips = String::from("route_id,service_id,trip_id\n");
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for k in 0..6 {
        let m = 5 + 30 * k;
        let (h, mm) = (14 + m / 60, m % 60);
        trips.push_str(&format!("L1,LUN,T{k}\n"));
        times.push_str(&format!(
            "T{k},{h:02}:{mm:02}:00,{h:02}:{mm:02}:00,Y,1\nT{k},{h:02}:{:02}:00,{h:02}:{:02}:00,HAM,2\n",
            mm + 12,
            mm + 12
        ));
    }
    dir.write("gtfs/trips.txt", trips);
    dir.write("gtfs/stop_times.txt", times);
    dir.path().join("gtfs").display().to_string()
}

/// The report by public transport on the mini territory: communes.csv's
/// times are those `maillage temps --mode transport --plus-proche` gives
/// from the same points to the same sites; coverage and hotspots follow
/// them; with a limit shorter than the trip, Y has no trip to any site and
/// the table and the page say so.
#[test]
fn report_by_public_transport_follows_the_times_of_temps() {
    let dir = Dir::new();
    let feed = mini_feed(&dir);
    let g = grid();
    let run = |extra: &[&str], out: &str| {
        let mut args: Vec<String> = vec!["rapport".into()];
        args.extend(mini_layers());
        args.extend(
            [
                "--reseau",
                &g,
                "--mode",
                "transport",
                "--gtfs",
                &feed,
                "--depart",
                "2026-12-07T14:00",
                "--fenetre-min",
                "10",
                "--csv",
                "rfc4180",
                "--out",
                out,
                "--quiet",
            ]
            .map(String::from),
        );
        args.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        dir.run(&a)
    };
    assert_exit(&run(&[], "out"), 0);
    let communes = read_csv(&dir.read("out/communes.csv"));
    assert!(communes.iter().all(|r| r["mode"] == "transport"));
    assert!(communes.iter().all(|r| r["distance_reseau_km"].is_empty()));
    // The same points and sites through `maillage temps`.
    dir.write("o.csv", measuring_points(&communes));
    dir.write("d.csv", mini_site_points(&communes));
    let out = dir.run(&[
        "temps",
        "--origines",
        "o.csv",
        "--destinations",
        "d.csv",
        "--reseau",
        &g,
        "--mode",
        "transport",
        "--gtfs",
        &feed,
        "--depart",
        "2026-12-07T14:00",
        "--fenetre-min",
        "10",
        "--plus-proche",
        "--csv",
        "rfc4180",
        "--out",
        "t",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let temps = read_csv(&dir.read("t/temps.csv"));
    for (c, t) in communes.iter().zip(&temps) {
        assert_eq!(c["code_insee"], t["origine"]);
        assert_eq!(c["temps_min"], t["temps_min"], "{}", c["code_insee"]);
        assert_eq!(c["site_plus_proche_reseau"], t["destination"]);
    }
    // Y reaches the Ham permanence by the bus: faster than walking there.
    let y = communes
        .iter()
        .find(|r| r["code_insee"] == "80829")
        .unwrap();
    assert_eq!(y["site_plus_proche_reseau"], "HAM-P01");
    let y_min = num(&y["temps_min"]);
    assert!(y_min < 60.0, "{y_min}");
    assert_eq!(y["aucun_trajet_vers_un_site"], "false");
    // Coverage at the default thresholds, from the times.
    let coverage = read_csv(&dir.read("out/couverture.csv"));
    for r in coverage
        .iter()
        .filter(|r| r["type_perimetre"] == "region" && r["categorie"] == "toutes")
    {
        let s = num(&r["seuil_min"]);
        let n = communes
            .iter()
            .filter(|c| cost(c).is_some_and(|t| t <= s))
            .count();
        assert_eq!(num(&r["lieux_couverts"]) as usize, n, "{s} min");
    }
    // A limit shorter than Y's trip: no trip to any site, said in the table
    // and at the top of the page.
    let limit = format!("{}", (y_min - 1.0).floor().max(1.0));
    assert_exit(&run(&["--trajet-max-min", &limit], "short"), 0);
    let short = read_csv(&dir.read("short/communes.csv"));
    let y = short.iter().find(|r| r["code_insee"] == "80829").unwrap();
    assert_eq!(y["temps_min"], "");
    assert_eq!(y["aucun_trajet_vers_un_site"], "true");
    assert_eq!(
        short
            .iter()
            .filter(|r| r["aucun_trajet_vers_un_site"] == "true")
            .count(),
        1
    );
    let page = dir.read("short/synthese.html");
    assert!(
        page.contains("<strong>1 commune (")
            && page.contains("</strong> n'a aucun trajet vers un site"),
        "headline missing"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&dir.read("short/manifest.json")).unwrap();
    assert_eq!(manifest["parameters"]["depart"], "2026-12-07T14:00");
    assert_eq!(manifest["parameters"]["mode"], "transport");
}

/// A network that measures a few communes of the region stops the run,
/// unless `--partiel` is given; then every table says how much of each row
/// was measured and the page says the figures are partial (issue 23,
/// case 5: it exited 0 with 3,232 communes unmeasured and one warning line).
#[test]
fn a_network_that_measures_too_little_stops_the_run_unless_partial() {
    let dir = Dir::new();
    let g = grid();
    let out = dir.run(&[
        "rapport",
        "--reseau",
        &g,
        "--mode",
        "velo",
        "--grille-m",
        "0",
        "--out",
        "r",
    ]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ne mesure que")
            && err.contains("--partiel")
            && err.contains("communes sur 3\u{a0}782"),
        "{err}"
    );
    assert!(!dir.path().join("r").exists(), "nothing written");
    let out = dir.run(&[
        "rapport",
        "--reseau",
        &g,
        "--mode",
        "velo",
        "--grille-m",
        "0",
        "--partiel",
        "--csv",
        "rfc4180",
        "--out",
        "p",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let share = |file: &str, column: &str| -> Vec<f64> {
        read_csv(&dir.read(&format!("p/{file}")))
            .iter()
            .filter_map(|r| r[column].parse::<f64>().ok())
            .collect()
    };
    for (file, column) in [
        ("couverture.csv", "part_jeunes_16_25_mesures"),
        ("bassins.csv", "part_jeunes_16_25_mesures"),
        ("distances_synthese.csv", "part_poids_mesure"),
    ] {
        let v = share(file, column);
        assert!(!v.is_empty(), "{file} has no {column}");
        assert!(v.iter().all(|x| (0.0..=1.0).contains(x)), "{file}");
        assert!(v.iter().any(|&x| x < 0.95), "{file}: {v:?}");
    }
    let region = read_csv(&dir.read("p/couverture.csv"))
        .into_iter()
        .find(|r| r["type_perimetre"] == "region" && r["categorie"] == "toutes")
        .unwrap();
    let measured: u64 = region["jeunes_16_25_mesures"].parse().unwrap();
    let all: u64 = region["jeunes_16_25"].parse().unwrap();
    assert!(measured < all / 10, "{measured} of {all}");
    let page = dir.read("p/synthese.html");
    assert!(page.contains("Chiffres partiels"), "the page says so");
    // As the crow flies there is nothing to measure partly.
    let out = dir.run(&["couverture", "--partiel", "--out", "v"]);
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--partiel ne sert qu'avec un réseau"));
}

/// A placement that places fewer sites than asked says why and what to try,
/// in French agreed with its counts: one site of four on the mini territory
/// by bicycle (one candidate only brings anyone within 20 min), none of ten
/// on the region at 25 km (everyone is within it already).
#[test]
fn a_short_placement_says_why_in_words_that_agree() {
    let dir = Dir::new();
    let g = grid();
    let mut a: Vec<&str> = vec![
        "implantation",
        "--nombre",
        "4",
        "--csv",
        "rfc4180",
        "--out",
        "m",
    ];
    let layers = mini_layers();
    a.extend(layers.iter().map(String::as_str));
    a.extend(["--reseau", g.as_str(), "--mode", "velo"]);
    let out = dir.run(&a);
    assert_exit(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr).replace('\u{a0}', " ");
    let placed = read_csv(&dir.read("m/placement.csv")).len();
    assert_eq!(placed, 1, "{err}");
    assert!(err.contains("placement : 1 site, "), "{err}");
    assert!(
        err.contains(
            "1 nouvelle permanence placée sur les 4 demandées : seul 1 candidat met de \
             nouveaux jeunes à moins de 20 min d'un site. Essayez un rayon plus petit (--rayon-min)"
        ),
        "{err}"
    );

    let out = dir.run(&[
        "implantation",
        "--rayon-km",
        "25",
        "--csv",
        "rfc4180",
        "--out",
        "r",
    ]);
    assert_exit(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(read_csv(&dir.read("r/placement.csv")).is_empty());
    assert!(
        err.contains(
            "aucune nouvelle permanence placée sur les 10 demandées : tous les jeunes du \
             périmètre sont déjà à moins de 25 km d'un site"
        ),
        "{err}"
    );
    assert!(err.contains("(par exemple --rayon-km 3)"), "{err}");
}
