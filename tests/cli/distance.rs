//! `maillage distance`: QPV, grid, points, summaries, accessibility scores;
//! determinism.

use std::collections::BTreeMap;

use geographiclib_rs::{Geodesic, InverseGeodesic};

use crate::util::{assert_exit, measuring_points, mini_layers, mini_site_points, read_csv, Dir};

#[test]
fn distance_writes_qpv_grid_points_and_summaries() {
    let dir = Dir::new();
    let pts = dir.write("points.csv", "id;lon;lat\nJ1;2,2954;49,8934\nJ2;3.5;50.0\n");
    let out = dir.run(&[
        "distance",
        "--grille-m",
        "2000",
        "--points",
        pts.to_str().unwrap(),
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let qpv = read_csv(&dir.read("res/qpv.csv"));
    assert_eq!(qpv.len(), 204);
    for q in &qpv {
        let shares: f64 = ["0_5", "5_10", "10_15", "15_20", "20_plus"]
            .iter()
            .map(|b| q[&format!("part_surface_{b}_km")].parse::<f64>().unwrap())
            .sum();
        assert!(
            (shares - 1.0).abs() < 0.003,
            "{}: shares sum to {shares}",
            q["code_qp"]
        );
    }
    let grid = read_csv(&dir.read("res/grille_distance.csv"));
    // 31,800 km² of region in 4 km² cells: about 7,950 cells.
    assert!((7_500..8_500).contains(&grid.len()), "{} cells", grid.len());
    let points = read_csv(&dir.read("res/points_distance.csv"));
    assert_eq!(points.len(), 2);
    assert_eq!(points[0]["code_insee"], "80021", "J1 is in Amiens");
    let synth = read_csv(&dir.read("res/distances_synthese.csv"));
    let region = synth
        .iter()
        .find(|r| {
            r["type_perimetre"] == "region"
                && r["categorie"] == "toutes"
                && r["ponderation"] == "population"
        })
        .unwrap();
    assert_eq!(region["poids"], "6003815");
    let (median, p90): (f64, f64) = (
        region["distance_mediane_km"].parse().unwrap(),
        region["distance_p90_km"].parse().unwrap(),
    );
    assert!(median <= p90);
}

#[test]
fn outputs_are_identical_whatever_the_number_of_threads() {
    let dir = Dir::new();
    assert_exit(
        &dir.run_env(
            &[
                "rapport",
                "--grille-m",
                "1000",
                "--ecrire-couts-acces",
                "--out",
                "one",
                "--quiet",
            ],
            &[("RAYON_NUM_THREADS", "1")],
        ),
        0,
    );
    assert_exit(
        &dir.run_env(
            &[
                "rapport",
                "--grille-m",
                "1000",
                "--ecrire-couts-acces",
                "--out",
                "four",
                "--quiet",
            ],
            &[("RAYON_NUM_THREADS", "4")],
        ),
        0,
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("one"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    assert!(names.iter().any(|n| n == "couts_acces.csv"), "{names:?}");
    // The manifest records --out and the timings, which differ here; the
    // rest of it is compared in layers::every_output_is_the_same_with_1_or_4_threads.
    for n in names.into_iter().filter(|n| n != "manifest.json") {
        let a = std::fs::read(dir.path().join("one").join(&n)).unwrap();
        let b = std::fs::read(dir.path().join("four").join(&n)).unwrap();
        assert!(a == b, "{n} differs between 1 and 4 threads");
    }
}

/// The embedded sites, read with the csv crate: id → (type, code_insee).
fn site_kinds() -> BTreeMap<String, (String, String)> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sites.csv")).unwrap();
    read_csv(&text)
        .into_iter()
        .map(|r| {
            (
                r["site_id"].clone(),
                (r["type"].clone(), r["code_insee"].clone()),
            )
        })
        .collect()
}

/// The documented default supply of a kind of site.
fn default_supply(kind: &str) -> f64 {
    match kind {
        "siege" => 1.0,
        "antenne" => 0.5,
        "permanence" => 0.2,
        other => panic!("unexpected site type {other}"),
    }
}

#[test]
fn access_columns_hand_out_the_supply_of_every_site() {
    let dir = Dir::new();
    let out = dir.run(&[
        "distance",
        "--grille-m",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let rows = read_csv(&dir.read("res/communes.csv"));
    assert_eq!(rows.len(), 3782);
    // The supply the region offers, from the sites file: 42 head offices,
    // 184 antennes and 736 permanences give 42 + 92 + 147.2 = 281.2.
    let sites = site_kinds();
    let offered: f64 = sites.values().map(|(k, _)| default_supply(k)).sum();
    assert!((offered - 281.2).abs() < 1e-9, "{offered}");
    for col in ["acces_2sfca", "acces_e2sfca", "acces_apl"] {
        let mut handed = 0.0;
        for r in &rows {
            let text = &r[col];
            assert_eq!(
                text.split('.').nth(1).map(str::len),
                Some(3),
                "{col}: {text}"
            );
            let a: f64 = text.parse().unwrap();
            assert!((0.0..100.0).contains(&a), "{} {col} = {a}", r["code_insee"]);
            handed += a * r["jeunes_16_25"].parse::<f64>().unwrap() / 10_000.0;
        }
        // Every site has young people within its catchment here, so the
        // scores weighted by young people add up to the whole supply (up to
        // the rounding of each score to 0.0005 per 10,000).
        assert!(
            (handed - offered).abs() < 768_524.0 * 0.0005 / 10_000.0 + 1e-6,
            "{col}: {handed} vs {offered}"
        );
    }
    // The 2SFCA is positive exactly where a site stands within 10 km.
    let mut zeros = 0;
    for r in &rows {
        let d: f64 = r["distance_km"].parse().unwrap();
        if (d - 10.0).abs() < 0.001 {
            continue;
        }
        let a: f64 = r["acces_2sfca"].parse().unwrap();
        let reach = d <= 10.0 || r["site_dans_commune"] == "true";
        assert_eq!(a > 0.0, reach, "{} at {d} km: {a}", r["code_insee"]);
        zeros += usize::from(!reach);
    }
    assert!(zeros > 0, "some communes have no site within 10 km");
    let lille = rows.iter().find(|r| r["code_insee"] == "59350").unwrap();
    assert!(lille["acces_apl"].parse::<f64>().unwrap() > 0.0);
}

/// Recomputes a floating-catchment score from the written cost table:
/// `bands` are (upper bound in m, weight), bounds included.
fn recompute(
    costs: &[(String, String, f64)],
    supply: &BTreeMap<String, f64>,
    demand: &BTreeMap<String, f64>,
    bands: &[(f64, f64)],
) -> BTreeMap<String, f64> {
    let w = |d: f64| bands.iter().find(|(b, _)| d <= *b).map_or(0.0, |(_, w)| *w);
    let mut site_demand: BTreeMap<&str, f64> = BTreeMap::new();
    for (c, s, d) in costs {
        *site_demand.entry(s).or_default() += demand[c] * w(*d);
    }
    let mut score: BTreeMap<String, f64> = demand.keys().map(|c| (c.clone(), 0.0)).collect();
    for (c, s, d) in costs {
        let total = site_demand[s.as_str()];
        if total > 0.0 && w(*d) > 0.0 {
            *score.get_mut(c).unwrap() += supply[s] / total * w(*d) * 10_000.0;
        }
    }
    score
}

#[test]
fn access_scores_follow_from_the_written_cost_table() {
    let dir = Dir::new();
    let out = dir.run(&[
        "distance",
        "--grille-m",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--quiet",
        "--ecrire-couts-acces",
        "--acces-km",
        "8",
        "--poids-sites",
        "permanence=1/3",
    ]);
    assert_exit(&out, 0);
    let sites = site_kinds();
    let communes = read_csv(&dir.read("res/communes.csv"));
    let measure: BTreeMap<String, (f64, f64)> = communes
        .iter()
        .map(|r| {
            (
                r["code_insee"].clone(),
                (
                    r["lon_mesure"].parse().unwrap(),
                    r["lat_mesure"].parse().unwrap(),
                ),
            )
        })
        .collect();
    let costs: Vec<(String, String, f64)> = read_csv(&dir.read("res/couts_acces.csv"))
        .into_iter()
        .map(|r| {
            (
                r["code_insee"].clone(),
                r["site_id"].clone(),
                r["distance_m"].parse().unwrap(),
            )
        })
        .collect();
    assert!(costs.len() > 100_000, "{} pairs", costs.len());
    // Each pair: a site standing in the commune at 0, any other at its
    // geodesic distance (Karney), within the 20 km of the APL bands.
    let g = Geodesic::wgs84();
    let site_pos: BTreeMap<String, (f64, f64)> = read_csv(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sites.csv"))
            .unwrap(),
    )
    .into_iter()
    .map(|r| {
        (
            r["site_id"].clone(),
            (r["lon"].parse().unwrap(), r["lat"].parse().unwrap()),
        )
    })
    .collect();
    for (k, (c, s, d)) in costs.iter().enumerate() {
        if sites[s].1 == *c {
            assert_eq!(*d, 0.0, "{c} {s}");
            continue;
        }
        assert!(*d > 0.0 && *d <= 20_000.0, "{c} {s} {d}");
        if k % 50 == 0 {
            let ((lon, lat), (slon, slat)) = (measure[c], site_pos[s]);
            let exact: f64 = g.inverse(lat, lon, slat, slon);
            // lon/lat_mesure are written to 6 decimals (≤ 0.08 m off).
            assert!((d - exact).abs() < 0.2, "{c} {s}: {d} vs {exact}");
        }
    }
    let scores = read_csv(&dir.read("res/scores_acces.csv"));
    let demand: BTreeMap<String, f64> = scores
        .iter()
        .map(|r| (r["code_insee"].clone(), r["jeunes_16_25"].parse().unwrap()))
        .collect();
    let supply: BTreeMap<String, f64> = sites
        .iter()
        .map(|(id, (k, _))| {
            let w = if k == "permanence" {
                1.0 / 3.0
            } else {
                default_supply(k)
            };
            (id.clone(), w)
        })
        .collect();
    for (col, bands) in [
        ("acces_2sfca", vec![(8_000.0, 1.0)]),
        (
            "acces_e2sfca",
            vec![(5_000.0, 1.0), (10_000.0, 0.68), (15_000.0, 0.22)],
        ),
        (
            "acces_apl",
            vec![
                (10_000.0, 1.0),
                (15_000.0, 2.0 / 3.0),
                (20_000.0, 1.0 / 3.0),
            ],
        ),
    ] {
        let want = recompute(&costs, &supply, &demand, &bands);
        for r in &scores {
            let got: f64 = r[col].parse().unwrap();
            let w = want[&r["code_insee"]];
            assert!(
                (got - w).abs() < 1e-9,
                "{} {col}: {got} vs {w}",
                r["code_insee"]
            );
        }
    }
}

#[test]
fn bad_access_options_are_usage_errors_naming_the_option() {
    let dir = Dir::new();
    for (args, needle) in [
        (["--acces-km", "0"], "attendu une distance positive en km"),
        (
            ["--acces-tranches-km", "10:1,5:0.5"],
            "les bornes des tranches doivent croître",
        ),
        (["--apl-tranches-km", "10:2"], "au plus égal à 1"),
        (["--apl-tranches-km", "10-1"], "KM:POIDS"),
        (["--poids-sites", "bureau=1"], "n'est pas un type de site"),
    ] {
        let mut all = vec!["distance", "--out", "res"];
        all.extend(args);
        let out = dir.run(&all);
        assert_exit(&out, 2);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(args[0]) && err.contains(needle),
            "{args:?}: {err}"
        );
        assert!(!dir.path().join("res").exists());
    }
}

/// A user who asks for points gets their points, not the 200 m grid of the
/// whole region; `--grid-m` still adds it.
#[test]
fn points_alone_compute_no_grid_unless_asked() {
    let dir = Dir::new();
    let pts = dir.write("points.csv", "id,lon,lat\nJ1,2.2954,49.8934\n");
    let out = dir.run(&[
        "distance",
        "--points",
        pts.to_str().unwrap(),
        "--out",
        "a",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    assert!(dir.path().join("a/points_distance.csv").exists());
    assert!(!dir.path().join("a/grille_distance.csv").exists());
    assert!(!dir.path().join("a/grille_distance.tif").exists());
    let out = dir.run(&[
        "distance",
        "--points",
        pts.to_str().unwrap(),
        "--grille-m",
        "5000",
        "--out",
        "b",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    assert!(dir.path().join("b/grille_distance.csv").exists());
}

/// The embedded communes with neither town hall nor given measuring point,
/// so that every commune is measured from a point maillage derives from its
/// polygon.
fn communes_without_points() -> serde_json::Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/communes.geojson"
    ))
    .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in v["features"].as_array_mut().unwrap() {
        let p = f["properties"].as_object_mut().unwrap();
        for k in ["mairie", "point_de_mesure", "lon_mesure", "lat_mesure"] {
            p.remove(k);
        }
    }
    v
}

/// Writes the communes as IGN ships them: a Lambert-93 shapefile, to the
/// millimetre, with an ESRI `.prj` and a UTF-8 `.dbf`.
fn write_lambert93_shapefile(communes: &serde_json::Value, path: &std::path::Path) {
    use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
    use shapefile::{Point, Polygon, PolygonRing};
    let table = TableWriterBuilder::new()
        .add_character_field(FieldName::try_from("INSEE_COM").unwrap(), 5)
        .add_character_field(FieldName::try_from("NOM").unwrap(), 80)
        .add_numeric_field(FieldName::try_from("POPULATION").unwrap(), 10, 0);
    let mut w = shapefile::Writer::from_path(path, table).unwrap();
    let l93 = |c: &serde_json::Value| {
        let p = maillage::base::lambert::LAMBERT_93.project(maillage::base::LonLat::new(
            c[0].as_f64().unwrap(),
            c[1].as_f64().unwrap(),
        ));
        Point::new(
            (p.x * 1000.0).round() / 1000.0,
            (p.y * 1000.0).round() / 1000.0,
        )
    };
    for f in communes["features"].as_array().unwrap() {
        let g = &f["geometry"];
        let polygons = match g["type"].as_str().unwrap() {
            "MultiPolygon" => g["coordinates"].as_array().unwrap().clone(),
            _ => vec![g["coordinates"].clone()],
        };
        let mut rings = Vec::new();
        for poly in &polygons {
            for (k, ring) in poly.as_array().unwrap().iter().enumerate() {
                let pts: Vec<Point> = ring.as_array().unwrap().iter().map(l93).collect();
                rings.push(if k == 0 {
                    PolygonRing::Outer(pts)
                } else {
                    PolygonRing::Inner(pts)
                });
            }
        }
        let p = &f["properties"];
        let mut r = Record::default();
        r.insert(
            "INSEE_COM".into(),
            FieldValue::Character(p["code_insee"].as_str().map(str::to_string)),
        );
        r.insert(
            "NOM".into(),
            FieldValue::Character(p["nom"].as_str().map(str::to_string)),
        );
        r.insert(
            "POPULATION".into(),
            FieldValue::Numeric(p["population"].as_f64()),
        );
        w.write_shape_and_record(&Polygon::with_rings(rings), &r)
            .unwrap();
    }
    drop(w);
    std::fs::write(
        path.with_extension("prj"),
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/shp/communes_l93.prj"
        ))
        .unwrap(),
    )
    .unwrap();
    std::fs::write(path.with_extension("cpg"), "UTF-8").unwrap();
}

/// Issue: the same communes as GeoJSON (WGS84) and as an IGN-style
/// Lambert-93 shapefile gave 24 of 3,782 communes measuring points up to
/// 450 m apart, and distances up to 361 m apart (Bernay-en-Ponthieu,
/// 80087), because the point inside the polygon was computed in the
/// coordinates the file came in. Every commune here is measured from such a
/// point.
#[test]
fn communes_in_lambert93_or_wgs84_give_the_same_distances() {
    let dir = Dir::new();
    let communes = communes_without_points();
    dir.write("communes.geojson", serde_json::to_vec(&communes).unwrap());
    write_lambert93_shapefile(&communes, &dir.path().join("communes_l93.shp"));
    let mut tables = Vec::new();
    for (file, out) in [("communes.geojson", "a"), ("communes_l93.shp", "b")] {
        let o = dir.run(&[
            "distance",
            "--communes",
            file,
            "--grille-m",
            "0",
            "--csv",
            "rfc4180",
            "--out",
            out,
        ]);
        assert_exit(&o, 0);
        tables.push(read_csv(&dir.read(&format!("{out}/communes.csv"))));
    }
    let (a, b) = (&tables[0], &tables[1]);
    assert_eq!(a.len(), 3782);
    assert_eq!(a.len(), b.len());
    let g = Geodesic::wgs84();
    let (mut worst_point, mut worst_distance) = ((0.0, String::new()), (0.0, String::new()));
    for (ra, rb) in a.iter().zip(b) {
        let code = &ra["code_insee"];
        assert_eq!(code, &rb["code_insee"]);
        let f = |r: &BTreeMap<String, String>, k: &str| r[k].parse::<f64>().unwrap();
        let apart: f64 = g.inverse(
            f(ra, "lat_mesure"),
            f(ra, "lon_mesure"),
            f(rb, "lat_mesure"),
            f(rb, "lon_mesure"),
        );
        let d = (f(ra, "distance_km") - f(rb, "distance_km")).abs() * 1000.0;
        if apart > worst_point.0 {
            worst_point = (apart, code.clone());
        }
        if d > worst_distance.0 {
            worst_distance = (d, code.clone());
        }
    }
    // Points are written to 1e-6° (0.1 m), distances to the metre.
    assert!(
        worst_point.0 <= 0.5 && worst_distance.0 <= 1.0 + 1e-6,
        "measuring points up to {:.1} m apart ({}), distances up to {:.1} m ({})",
        worst_point.0,
        worst_point.1,
        worst_distance.0,
        worst_distance.1
    );
}

/// With `--reseau` and a mode, communes.csv and qpv.csv gain the nearest
/// site by the network, the time and the length; the figures are those
/// `maillage temps --plus-proche` gives from the same points to the same
/// sites, walking time is length at 4.5 km/h, and no path is shorter than
/// the straight line to the nearest site. Without a network nothing changes.
#[test]
fn a_road_network_adds_travel_times_to_the_communes() {
    let dir = Dir::new();
    let grid = crate::util::fixture("network/mini_grid.osm.pbf");
    let mut args: Vec<String> = vec!["distance".into(), "--grille-m".into(), "0".into()];
    args.extend(mini_layers());
    let run = |extra: &[&str], out: &str| {
        let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
        a.extend(extra);
        a.extend(["--csv", "rfc4180", "--out", out, "--quiet"]);
        dir.run(&a)
    };
    assert_exit(&run(&[], "plain"), 0);
    let out = run(
        &["--reseau", grid.to_str().unwrap(), "--mode", "marche"],
        "walk",
    );
    assert_exit(&out, 0);
    let plain = read_csv(&dir.read("plain/communes.csv"));
    assert!(!plain[0].contains_key("temps_min"));
    let walk = read_csv(&dir.read("walk/communes.csv"));
    assert_eq!(walk.len(), 4);
    // The sites and the communes' measuring points as `maillage temps` reads them.
    let dest = mini_site_points(&walk);
    dir.write("o.csv", measuring_points(&walk));
    dir.write("d.csv", dest);
    let out = dir.run(&[
        "temps",
        "--origines",
        "o.csv",
        "--destinations",
        "d.csv",
        "--reseau",
        grid.to_str().unwrap(),
        "--mode",
        "marche",
        "--plus-proche",
        "--csv",
        "rfc4180",
        "--out",
        "temps",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let temps = read_csv(&dir.read("temps/temps.csv"));
    for (r, t) in walk.iter().zip(&temps) {
        assert_eq!(r["mode"], "marche");
        assert_eq!(
            r["site_plus_proche_reseau"], t["destination"],
            "{}",
            r["code_insee"]
        );
        assert_eq!(r["temps_min"], t["temps_min"]);
        assert_eq!(r["distance_reseau_km"], t["distance_reseau_km"]);
        let (min, km, crow): (f64, f64, f64) = (
            r["temps_min"].parse().unwrap(),
            r["distance_reseau_km"].parse().unwrap(),
            r["distance_km"].parse().unwrap(),
        );
        assert!(
            (min - km / 4.5 * 60.0).abs() < 0.02,
            "{min} min for {km} km"
        );
        assert!(
            km >= crow - 0.001,
            "{km} km by the network, {crow} km straight"
        );
    }
    // QPV outside the grid are reported, not given a made-up time.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    let qpv = read_csv(&dir.read("walk/qpv.csv"));
    assert!(qpv.iter().all(|q| q.contains_key("temps_min")));
    // The prepared network gives the same table as the extract.
    let out = dir.run(&[
        "reseau",
        "--osm",
        grid.to_str().unwrap(),
        "--out",
        "grille.maillage",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let prepared = dir.path().join("grille.maillage");
    assert_exit(
        &run(
            &["--reseau", prepared.to_str().unwrap(), "--mode", "marche"],
            "prep",
        ),
        0,
    );
    assert_eq!(dir.read("prep/communes.csv"), dir.read("walk/communes.csv"));
    // A mode needs a network, and a network a mode.
    let out = run(&["--mode", "velo"], "x");
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--mode velo : donnez le réseau"));
    let out = run(&["--reseau", grid.to_str().unwrap()], "y");
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--reseau sans --mode"));
}
