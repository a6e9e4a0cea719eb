//! `--mode transport` from the command line: on the real Porto Alegre feeds
//! (`tests/fixtures/transit/`, r5r's example data) and walking network, the
//! options it needs and the date the feeds must cover, each refused with a
//! French message naming the option or the file, and nothing written; on
//! the mini territory with a small GTFS folder, the grid and the points
//! measured by public transport; on the Porto Alegre test territory
//! (`tests/fixtures/poa/`, outside France), the whole report and a
//! placement, and the territory's labels.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{
    assert_exit, assert_network_report, fixture, measuring_points, read_csv, CoverBrute, Dir,
};

fn walk_network() -> String {
    fixture("network/poa_osm.pbf").display().to_string()
}

fn feed(name: &str) -> String {
    fixture(&format!("transit/{name}")).display().to_string()
}

/// A few hexagon centroids of `network/poa_hexgrid.csv` as origins and
/// destinations of `maillage temps`.
fn points(dir: &Dir) {
    dir.write(
        "origines.csv",
        "id,lon,lat\n\
         a,-51.2118666785315,-30.1005760100267\n\
         b,-51.1582459466033,-30.0538460280879\n",
    );
    dir.write(
        "destinations.csv",
        "id,lon,lat\n\
         s1,-51.191993,-30.060682\n\
         s2,-51.195194,-30.064572\n",
    );
}

/// Runs `maillage temps` with `extra` options, expects exit status 1, and
/// returns stderr; the output folder must not exist afterwards.
fn refused(extra: &[&str]) -> String {
    let dir = Dir::new();
    points(&dir);
    let net = walk_network();
    let mut args = vec![
        "temps",
        "--origines",
        "origines.csv",
        "--destinations",
        "destinations.csv",
        "--reseau",
        &net,
        "--out",
        "out",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = dir.run(&args);
    assert_exit(&out, 1);
    assert!(
        !dir.path().join("out").exists(),
        "nothing written for {extra:?}"
    );
    assert!(out.stdout.is_empty(), "{extra:?}: nothing on stdout");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn transport_without_timetables_departure_or_a_covered_date_is_refused() {
    let eptc = feed("poa_eptc.zip");
    let trensurb = feed("poa_trensurb.zip");

    let err = refused(&["--mode", "transport", "--depart", "2019-05-13T14:00"]);
    assert!(
        err.contains("--gtfs") && err.contains("donnez les horaires"),
        "{err}"
    );

    let err = refused(&["--mode", "transport", "--gtfs", &eptc]);
    assert!(
        err.contains("--depart") && err.contains("donnez le jour et l'heure du départ"),
        "{err}"
    );

    // Both feeds run from April to July 2019: a day of 2021 is in neither.
    let err = refused(&[
        "--mode",
        "transport",
        "--gtfs",
        &eptc,
        "--gtfs",
        &trensurb,
        "--depart",
        "2021-05-13T14:00",
    ]);
    assert!(
        err.contains("poa_eptc.zip")
            && err.contains("2021-05-13")
            && err.contains("hors de la période")
            && err.contains("du 2019-04-15 au 2019-07-15"),
        "{err}"
    );

    // Timetables without public transport.
    for mode in ["marche", "velo", "voiture"] {
        let err = refused(&["--mode", mode, "--gtfs", &eptc]);
        assert!(
            err.contains("--gtfs") && err.contains("qu'avec --mode transport"),
            "{mode}: {err}"
        );
    }
}

/// The same points, options complete: the run succeeds and writes its table
/// (so the refusals above are about the missing piece, not the points).
#[test]
fn transport_with_every_option_measures_the_points() {
    let dir = Dir::new();
    points(&dir);
    let net = walk_network();
    let (eptc, trensurb) = (feed("poa_eptc.zip"), feed("poa_trensurb.zip"));
    let out = dir.run(&[
        "temps",
        "--origines",
        "origines.csv",
        "--destinations",
        "destinations.csv",
        "--reseau",
        &net,
        "--mode",
        "transport",
        "--gtfs",
        &eptc,
        "--gtfs",
        &trensurb,
        "--depart",
        "2019-05-13T14:00",
        "--fenetre-min",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "out",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let rows = read_csv(&dir.read("out/temps.csv"));
    assert_eq!(rows.len(), 4, "one row per pair");
    assert!(
        rows.iter().all(|r| r["temps_min"].parse::<f64>().is_ok()),
        "every pair reached: {rows:?}"
    );
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("« {s} » is not a number"))
}

/// A small GTFS folder over the mini territory: one bus line Amiens –
/// (halfway) – Péronne and back, every 10 minutes from 08:00 to 09:30 on
/// Monday 2026-12-07, 20 minutes between stops.
fn mini_feed(dir: &Dir) -> String {
    dir.write(
        "gtfs/agency.txt",
        "agency_id,agency_name,agency_url,agency_timezone\n\
         T,Test,https://example.org,Europe/Paris\n",
    );
    dir.write(
        "gtfs/stops.txt",
        "stop_id,stop_name,stop_lat,stop_lon\n\
         A,Amiens,49.8960,2.2951\n\
         B,Milieu,49.9140,2.6148\n\
         C,Péronne,49.9320,2.9345\n",
    );
    dir.write(
        "gtfs/routes.txt",
        "route_id,agency_id,route_short_name,route_type\nL,T,1,3\n",
    );
    dir.write(
        "gtfs/calendar.txt",
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
         S,1,0,0,0,0,0,0,20261207,20261207\n",
    );
    let mut trips = String::from("route_id,service_id,trip_id\n");
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for k in 0..10 {
        let start = 8 * 60 + 10 * k;
        for (dir_name, stops) in [("out", ["A", "B", "C"]), ("back", ["C", "B", "A"])] {
            let id = format!("{dir_name}{k}");
            trips.push_str(&format!("L,S,{id}\n"));
            for (n, stop) in stops.iter().enumerate() {
                let m = start + 20 * n;
                let t = format!("{:02}:{:02}:00", m / 60, m % 60);
                times.push_str(&format!("{id},{t},{t},{stop},{}\n", n + 1));
            }
        }
    }
    dir.write("gtfs/trips.txt", trips);
    dir.write("gtfs/stop_times.txt", times);
    dir.path().join("gtfs").display().to_string()
}

/// `distance --mode transport` measures the grid and the points by public
/// transport too (they were left without times, and `grille_temps.tif`
/// unwritten, when the run's measure was public transport): each point's
/// time is what `maillage temps --plus-proche` gives to the sites.
#[test]
fn distance_by_public_transport_measures_the_grid_and_the_points() {
    let dir = Dir::new();
    let gtfs = mini_feed(&dir);
    dir.write(
        "points.csv",
        "id,lon,lat\np1,2.6150,49.9138\np2,2.9347,49.9318\np3,2.9888,49.8030\n",
    );
    let f = |n: &str| fixture(&format!("mini/{n}")).display().to_string();
    let grid = fixture("network/mini_grid.osm.pbf").display().to_string();
    let transport = [
        "--reseau",
        &grid,
        "--mode",
        "transport",
        "--gtfs",
        &gtfs,
        "--depart",
        "2026-12-07T08:00",
        "--fenetre-min",
        "10",
        "--csv",
        "rfc4180",
        "--quiet",
    ];
    let (communes, zones, sites, classement) = (
        f("communes.geojson"),
        f("zones.csv"),
        f("sites.csv"),
        f("classement.csv"),
    );
    let mut a = vec![
        "distance",
        "--communes",
        &communes,
        "--zones",
        &zones,
        "--sites",
        &sites,
        "--classement",
        &classement,
        "--grille-m",
        "2000",
        "--points",
        "points.csv",
        "--out",
        "d",
    ];
    a.extend(transport);
    assert_exit(&dir.run(&a), 0);
    assert!(dir.path().join("d/grille_temps.tif").exists());
    let cells = read_csv(&dir.read("d/grille_distance.csv"));
    assert!(cells.iter().all(|r| r["mode"] == "transport"));
    assert!(cells.iter().any(|r| !r["temps_min"].is_empty()));

    // The sites as points, in site-id order; PER-A01 stands at Péronne's
    // town hall.
    dir.write(
        "sites_points.csv",
        "id,lon,lat\n\
         AMI-S00,2.295408,49.893422\n\
         HAM-P01,3.0733,49.7466\n\
         NOY-P01,3.0005,49.5809\n\
         NOY-S00,3.0005,49.5809\n\
         PER-A01,2.93478,49.929501\n",
    );
    let mut a = vec![
        "temps",
        "--origines",
        "points.csv",
        "--destinations",
        "sites_points.csv",
        "--plus-proche",
        "--out",
        "t",
    ];
    a.extend(transport);
    assert_exit(&dir.run(&a), 0);
    let want = read_csv(&dir.read("t/temps.csv"));
    let got = read_csv(&dir.read("d/points_distance.csv"));
    assert_eq!(got.len(), 3);
    let mut measured = 0;
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g["id"], w["origine"]);
        assert_eq!(g["mode"], "transport");
        assert_eq!(
            g["site_plus_proche_reseau"], w["destination"],
            "{}",
            g["id"]
        );
        assert_eq!(g["temps_min"].is_empty(), w["temps_min"].is_empty());
        if g["temps_min"].is_empty() {
            continue;
        }
        measured += 1;
        assert!(
            (num(&g["temps_min"]) - num(&w["temps_min"])).abs() <= 0.01 + 1e-9,
            "{}: {} in points_distance.csv, {} by maillage temps",
            g["id"],
            g["temps_min"],
            w["temps_min"]
        );
    }
    // p1, 22 km from any site, only by the bus; p2 on foot near Péronne's
    // town hall; p3 in Y, 8.7 km from any site, beyond 120 minutes.
    assert_eq!(measured, 2);
    assert_eq!(got[0]["site_plus_proche_reseau"], "PER-A01");
}

// ---------------------------------------------------------------------------
// The Porto Alegre test territory (`tests/fixtures/poa/`, built by
// `scripts/make-poa-territory`): every analysis by public transport.
// The territory lies at 30° S: its layers are checked around the communes'
// median (`base::frame::Window`) and measured in a local conic
// (`base::frame::Frame`).
// ---------------------------------------------------------------------------

fn poa_layers() -> Vec<String> {
    let f = |n: &str| fixture(&format!("poa/{n}")).display().to_string();
    [
        ("--communes", "communes.geojson"),
        ("--zones", "zones.csv"),
        ("--classement", "classement.csv"),
        ("--sites", "sites.csv"),
        ("--missions-locales", "missions_locales.csv"),
        ("--qpv", "qpv.geojson"),
    ]
    .into_iter()
    .flat_map(|(o, n)| [o.to_string(), f(n)])
    .collect()
}

/// The options of a run by public transport on the real feeds.
fn transport(window_min: &str) -> Vec<String> {
    [
        "--reseau",
        &walk_network(),
        "--mode",
        "transport",
        "--gtfs",
        &feed("poa_eptc.zip"),
        "--gtfs",
        &feed("poa_trensurb.zip"),
        "--depart",
        "2019-05-13T14:00",
        "--fenetre-min",
        window_min,
        "--csv",
        "rfc4180",
    ]
    .map(String::from)
    .to_vec()
}

fn run_ok(dir: &Dir, args: &[String]) {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_exit(&dir.run(&a), 0);
}

/// The cost of a commune's nearest site in minutes: zero when a site
/// stands in it, none when it is not measured.
fn cost(r: &BTreeMap<String, String>) -> Option<f64> {
    if r["site_dans_commune"] == "true" {
        return Some(0.0);
    }
    (!r["temps_min"].is_empty()).then(|| num(&r["temps_min"]))
}

/// The fixture's sites as `maillage temps` points, in site-id order.
fn site_points() -> String {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(fixture("poa/sites.csv"))
        .unwrap();
    let mut rows: Vec<(String, String, String)> = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[5].to_string(), rec[6].to_string())
        })
        .collect();
    rows.sort();
    let mut s = String::from("id,lon,lat\n");
    for (id, lon, lat) in rows {
        s.push_str(&format!("{id},{lon},{lat}\n"));
    }
    s
}

/// Whether a time printed to 0.01 min is certainly within, certainly
/// beyond, or too close to tell from a bound `s` (the true time lies
/// within 0.005 min of the printed one).
fn within(t: Option<f64>, s: f64) -> Option<bool> {
    match t {
        None => Some(false),
        Some(t) if t + 0.005 <= s => Some(true),
        Some(t) if t - 0.005 > s => Some(false),
        Some(_) => None,
    }
}

#[test]
fn report_by_public_transport_on_the_porto_alegre_territory() {
    let dir = Dir::new();
    let mut args: Vec<String> = vec!["rapport".into()];
    args.extend(poa_layers());
    args.extend(transport("10"));
    // The grid by public transport is asked for explicitly (one routing per cell).
    args.extend(["--grille-m", "400", "--out", "out", "--quiet"].map(String::from));
    args.extend(["--territoire", "Porto Alegre (test)"].map(String::from));
    run_ok(&dir, &args);
    assert_network_report(&dir.path().join("out"));
    assert_labels_of(&dir.path().join("out"), "Porto Alegre (test)");
    let communes = read_csv(&dir.read("out/communes.csv"));
    assert_eq!(communes.len(), 1124);
    assert!(communes.iter().all(|r| r["mode"] == "transport"));
    assert!(communes[0].contains_key("temps_min"));
    assert!(communes[0].contains_key("aucun_trajet_vers_un_site"));

    // temps_min is what `maillage temps --plus-proche` gives from the same
    // measuring points to the sites, with the same options.
    dir.write("mesure.csv", measuring_points(&communes));
    dir.write("sites_points.csv", site_points());
    let mut a: Vec<String> = [
        "temps",
        "--origines",
        "mesure.csv",
        "--destinations",
        "sites_points.csv",
        "--plus-proche",
        "--out",
        "t",
        "--quiet",
    ]
    .map(String::from)
    .to_vec();
    a.extend(transport("10"));
    run_ok(&dir, &a);
    let nearest: BTreeMap<String, BTreeMap<String, String>> = read_csv(&dir.read("t/temps.csv"))
        .into_iter()
        .map(|r| (r["origine"].clone(), r))
        .collect();
    assert_eq!(nearest.len(), communes.len());
    let mut measured = 0;
    for r in &communes {
        let (got, want) = (&r["temps_min"], &nearest[&r["code_insee"]]["temps_min"]);
        assert_eq!(got.is_empty(), want.is_empty(), "{}", r["code_insee"]);
        if !got.is_empty() {
            measured += 1;
            assert!(
                (num(got) - num(want)).abs() <= 0.01 + 1e-9,
                "{}: {got} in communes.csv, {want} by maillage temps",
                r["code_insee"]
            );
        }
    }
    assert!(measured > 1100, "{measured} communes measured");
    let costs: Vec<Option<f64>> = communes.iter().map(cost).collect();
    let jeunes: Vec<u64> = communes
        .iter()
        .map(|r| r["jeunes_16_25"].parse().unwrap())
        .collect();

    // Coverage at each threshold: the communes within it, from the times
    // (a commune whose printed time is within 0.005 min of the threshold
    // may fall either side).
    let coverage = read_csv(&dir.read("out/couverture.csv"));
    let region: Vec<_> = coverage
        .iter()
        .filter(|r| r["type_perimetre"] == "territoire" && r["categorie"] == "toutes")
        .collect();
    let thresholds: Vec<f64> = region.iter().map(|r| num(&r["seuil_min"])).collect();
    assert_eq!(thresholds, [15.0, 30.0, 45.0, 60.0]);
    let mut seen_uncovered = false;
    for r in &region {
        let s = num(&r["seuil_min"]);
        let sure: Vec<usize> = (0..communes.len())
            .filter(|&i| within(costs[i], s) == Some(true))
            .collect();
        let open: Vec<usize> = (0..communes.len())
            .filter(|&i| within(costs[i], s).is_none())
            .collect();
        assert!(open.len() <= 2, "{s} min: {} times too close", open.len());
        let n = num(&r["lieux_couverts"]) as usize;
        assert!(
            (sure.len()..=sure.len() + open.len()).contains(&n),
            "{s} min: {n} covered, {} certain, {} too close to tell",
            sure.len(),
            open.len()
        );
        seen_uncovered |= n < communes.len();
        let j_sure: u64 = sure.iter().map(|&i| jeunes[i]).sum();
        let j_open: u64 = open.iter().map(|&i| jeunes[i]).sum();
        let j = num(&r["jeunes_16_25_couverts"]) as u64;
        assert!(
            (j_sure..=j_sure + j_open).contains(&j),
            "{s} min: {j} young"
        );
        if open.is_empty() {
            assert_eq!(n, sure.len(), "{s} min");
        }
    }
    assert!(
        seen_uncovered,
        "the test wants a commune beyond a threshold"
    );

    // Hotspots: no site in the commune and its nearest site beyond the
    // default reach of 15 minutes (or none).
    let hot = read_csv(&dir.read("out/hotspots_communes.csv"));
    assert_eq!(hot.len(), communes.len());
    let mut flagged = 0;
    for ((h, c), &t) in hot.iter().zip(&communes).zip(&costs) {
        assert_eq!(h["code_insee"], c["code_insee"]);
        let is_hot = h["commune_point_chaud"] == "true";
        flagged += usize::from(is_hot);
        if let Some(inside) = within(t, 15.0) {
            assert_eq!(is_hot, !inside, "{}", c["code_insee"]);
        }
    }
    assert!(
        flagged > 0 && flagged < communes.len(),
        "{flagged} hotspots"
    );

    // The page's headline: the communes without any trip, and their young.
    let none: Vec<usize> = (0..communes.len())
        .filter(|&i| communes[i]["aucun_trajet_vers_un_site"] == "true")
        .collect();
    for &i in &none {
        assert_eq!(communes[i]["site_dans_commune"], "false");
        assert!(communes[i]["temps_min"].is_empty());
    }
    let young: u64 = none.iter().map(|&i| jeunes[i]).sum();
    let page = dir.read("out/synthese.html");
    let headline = format!(
        "<strong>{} communes ({} jeunes de 16 à 25 ans)</strong> n'ont aucun trajet",
        none.len(),
        young
    );
    assert!(page.contains(&headline), "{headline}");
    assert!(page.contains("le lundi 13 mai 2019, départs de 14 h 00 à 14 h 09 (temps médian)"));

    // The manifest: the departure, the window and the feeds' SHA-256.
    let manifest: serde_json::Value = serde_json::from_str(&dir.read("out/manifest.json")).unwrap();
    let p = &manifest["parameters"];
    assert_eq!(p["mode"], "transport");
    assert_eq!(p["depart"], "2019-05-13T14:00");
    assert_eq!(p["fenetre_min"], 10);
    let gtfs: BTreeMap<String, String> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["role"] == "gtfs")
        .map(|i| {
            (
                i["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                i["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let sha = |name: &str| {
        use sha2::Digest;
        let bytes = std::fs::read(fixture(&format!("transit/{name}"))).unwrap();
        format!("{:x}", sha2::Sha256::digest(bytes))
    };
    assert_eq!(gtfs.len(), 2);
    for name in ["poa_eptc.zip", "poa_trensurb.zip"] {
        assert_eq!(gtfs[name], sha(name), "{name}");
    }
}

/// The placement by public transport inside one pseudo-Mission Locale (the
/// north-west quadrant, 235 hexagons) is the best choice of two town halls:
/// every pair is tried on the times `maillage temps --mode transport` gives
/// between the town halls, with the existing sites' times of
/// `communes.csv`.
#[test]
fn placement_by_public_transport_is_the_best_pair_by_brute_force() {
    const ML: &str = "98561";
    let dir = Dir::new();
    let mut a: Vec<String> = ["distance", "--grille-m", "0", "--out", "d", "--quiet"]
        .map(String::from)
        .to_vec();
    a.extend(poa_layers());
    a.extend(transport("10"));
    run_ok(&dir, &a);
    let communes: Vec<_> = read_csv(&dir.read("d/communes.csv"))
        .into_iter()
        .filter(|r| r["code_ml"] == ML)
        .collect();
    assert_eq!(communes.len(), 235);
    dir.write("mairies.csv", measuring_points(&communes));
    let mut a: Vec<String> = [
        "temps",
        "--origines",
        "mairies.csv",
        "--destinations",
        "mairies.csv",
        "--out",
        "t",
        "--quiet",
    ]
    .map(String::from)
    .to_vec();
    a.extend(transport("10"));
    run_ok(&dir, &a);
    let mut times: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in read_csv(&dir.read("t/temps.csv")) {
        if !r["temps_min"].is_empty() {
            times.insert(
                (r["origine"].clone(), r["destination"].clone()),
                num(&r["temps_min"]),
            );
        }
    }
    assert!(times.len() > 40_000, "{} pairs reached", times.len());
    let before: Vec<Option<f64>> = communes.iter().map(cost).collect();
    // A radius half-way between two hundredths of a minute that no printed
    // time rounds next to: each time is then certainly within or beyond it.
    let printed: BTreeSet<i64> = times
        .values()
        .chain(before.iter().flatten())
        .map(|t| (t * 100.0).round() as i64)
        .collect();
    let k = (1000..2000)
        .find(|k| !printed.contains(k) && !printed.contains(&(k + 1)))
        .expect("a radius between 10 and 20 minutes away from every time");
    let radius = (k as f64 + 0.5) / 100.0;
    let codes: Vec<&String> = communes.iter().map(|r| &r["code_insee"]).collect();
    let brute = CoverBrute::new(&communes, &times, &before, radius);
    let best = brute.best_pair();
    let r = format!("{radius}");
    let mut a: Vec<String> = [
        "implantation",
        "--nombre",
        "2",
        "--ml",
        ML,
        "--rayon-min",
        &r,
        "--exact",
        "--out",
        "p",
        "--quiet",
    ]
    .map(String::from)
    .to_vec();
    a.extend(poa_layers());
    a.extend(transport("10"));
    run_ok(&dir, &a);
    let bilan = read_csv(&dir.read("p/placement_bilan.csv"));
    let get = |k: &str| num(&bilan.iter().find(|r| r["indicateur"] == k).unwrap()["valeur"]);
    assert_eq!(get("seuil_min"), radius);
    assert_eq!(get("couvert_avant") as u64, brute.value(&[]));
    assert_eq!(get("couvert_apres") as u64, best);
    assert!(best > brute.value(&[]), "the test wants a useful placement");
    let placed = read_csv(&dir.read("p/placement.csv"));
    assert_eq!(placed.len(), 2);
    let chosen: Vec<usize> = placed
        .iter()
        .map(|r| codes.iter().position(|c| **c == r["code_insee"]).unwrap())
        .collect();
    assert_eq!(brute.value(&chosen), best);
}

/// No output of a run outside the reports' région names Hauts-de-France or
/// its départements as the territory: the tables name the territory given,
/// the page's title and key figures too, the départements by their codes.
fn assert_labels_of(out: &std::path::Path, name: &str) {
    let mut names: Vec<_> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            ["csv", "geojson", "html", "json", "svg"]
                .iter()
                .any(|x| p.extension().is_some_and(|e| e == *x))
        })
        .collect();
    names.sort();
    assert!(names.len() > 15, "{names:?}");
    for p in &names {
        let text = std::fs::read_to_string(p).unwrap();
        for word in [
            "Hauts-de-France",
            "Somme",
            "Pas-de-Calais",
            "dans la région",
        ] {
            assert!(!text.contains(word), "{} says « {word} »", p.display());
        }
    }
    let coverage = read_csv(&std::fs::read_to_string(out.join("couverture.csv")).unwrap());
    let top: BTreeSet<(&str, &str, &str)> = coverage
        .iter()
        .filter(|r| r["type_perimetre"] != "departement" && r["type_perimetre"] != "ml")
        .map(|r| {
            (
                r["type_perimetre"].as_str(),
                r["code_perimetre"].as_str(),
                r["nom_perimetre"].as_str(),
            )
        })
        .collect();
    assert_eq!(top, BTreeSet::from([("territoire", "", name)]));
    // The pseudo-départements 98 and 99 are not French: named by their code.
    let deps: BTreeSet<&str> = coverage
        .iter()
        .filter(|r| r["type_perimetre"] == "departement")
        .map(|r| r["nom_perimetre"].as_str())
        .collect();
    assert_eq!(deps, BTreeSet::from(["98", "99"]));
    let page = std::fs::read_to_string(out.join("synthese.html")).unwrap();
    assert!(page.contains(&format!(
        "<title>Maillage des Missions Locales du territoire « {name} »"
    )));
    assert!(
        page.contains("<th>Territoire</th><th>98</th><th>99</th>"),
        "key figures' heading"
    );
    // Young people: the reports' share, labelled as applied outside their région.
    let communes = read_csv(&std::fs::read_to_string(out.join("communes.csv")).unwrap());
    assert!(communes
        .iter()
        .all(|r| r["jeunes_16_25_source"] == "estimation hors région"));
    let pop: u64 = communes
        .iter()
        .map(|r| r["population"].parse::<u64>().unwrap())
        .sum();
    let jeunes: u64 = communes
        .iter()
        .map(|r| r["jeunes_16_25"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(jeunes, (pop * 768_524 + 6_003_815 / 2) / 6_003_815);
    // The basins: no département rate, said in the column (empty, not 0).
    let basins = read_csv(&std::fs::read_to_string(out.join("bassins.csv")).unwrap());
    for b in &basins {
        assert_eq!(b["demande_appui_mobilite_estimee"], "");
        assert_eq!(b["communes_sans_taux_departemental"], b["nb_communes"]);
    }
}

/// Points of a territory outside France: those inside it are measured
/// (streamed, as the crow flies, against a brute force over the sites with
/// Karney's distance), a point in France is refused, naming it, and nothing
/// is written.
#[test]
fn points_of_a_territory_outside_france_are_checked_against_it() {
    let dir = Dir::new();
    dir.write(
        "pts.csv",
        "id,lon,lat\na,-51.2118666785315,-30.1005760100267\nb,-51.1582459466033,-30.0538460280879\n",
    );
    let mut args: Vec<String> = ["distance", "--points", "pts.csv", "--grille-m", "0"]
        .map(String::from)
        .to_vec();
    args.extend(poa_layers());
    args.extend(["--csv", "rfc4180", "--out", "out", "--quiet"].map(String::from));
    run_ok(&dir, &args);
    let rows = read_csv(&dir.read("out/points_distance.csv"));
    assert_eq!(rows.len(), 2);
    let sites_text = std::fs::read_to_string(fixture("poa/sites.csv")).unwrap();
    let sites: Vec<(f64, f64)> = sites_text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[5].parse().unwrap(), f[6].parse().unwrap())
        })
        .collect();
    for (r, (lon, lat)) in rows.iter().zip([
        (-51.2118666785315, -30.1005760100267),
        (-51.1582459466033, -30.0538460280879),
    ]) {
        let best = sites
            .iter()
            .map(|&(slon, slat)| geodesic_km(lon, lat, slon, slat))
            .fold(f64::INFINITY, f64::min);
        let got: f64 = r["distance_km"].parse().unwrap();
        assert!((got - best).abs() < 0.0006, "{got} vs {best}");
    }

    dir.write(
        "far.csv",
        "id,lon,lat\na,-51.2118666785315,-30.1005760100267\nparis,2.35,48.85\n",
    );
    args[2] = "far.csv".into();
    let n = args.len();
    args[n - 2] = "out2".into();
    let out = dir.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("far.csv") && err.contains("paris") && err.contains("hors du territoire"),
        "{err}"
    );
    assert!(!dir.path().join("out2").exists());
}

/// Karney's geodesic distance in km (WGS84), through maillage's own
/// reference, which its tests check against GeographicLib.
fn geodesic_km(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    maillage::geom::distance(
        maillage::base::LonLat::new(lon1, lat1),
        maillage::base::LonLat::new(lon2, lat2),
    )
    .0 / 1000.0
}
