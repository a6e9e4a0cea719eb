//! A Mission Locale director's own answer (issue 22): every command scoped
//! to one Mission Locale, département or EPCI, names wherever a person
//! reads, things found by name, one placement default, hotspot clusters a
//! director can act on.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{assert_exit, read_csv, Dir};

type Row = BTreeMap<String, String>;

fn rows(dir: &Dir, file: &str) -> Vec<Row> {
    read_csv(&dir.read(file))
}

/// The 230 communes of the Mission Locale of Arras (62041), from the zones.
fn arras_communes() -> BTreeSet<String> {
    read_csv(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/zones_ml.csv"))
            .unwrap(),
    )
    .into_iter()
    .filter(|r| r["code_ml"] == "62041")
    .map(|r| r["code_insee"].clone())
    .collect()
}

#[test]
fn a_report_for_one_mission_locale_by_name_seat_or_code() {
    let dir = Dir::new();
    let out = dir.run(&[
        "rapport",
        "--grille-m",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "region",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let arras = arras_communes();
    assert_eq!(arras.len(), 230);
    let regional: Vec<Row> = rows(&dir, "region/couverture.csv")
        .into_iter()
        .filter(|r| r["type_perimetre"] == "ml" && r["code_perimetre"] == "62041")
        .collect();
    assert!(!regional.is_empty());
    let mut pages = Vec::new();
    for (k, ml) in ["pays d'artois", "ARRAS", "62041"].iter().enumerate() {
        let o = format!("ml{k}");
        let out = dir.run(&[
            "rapport",
            "--ml",
            ml,
            "--grille-m",
            "0",
            "--csv",
            "rfc4180",
            "--out",
            &o,
            "--quiet",
        ]);
        assert_exit(&out, 0);
        // Its communes, all of them, and none other.
        let communes: BTreeSet<String> = rows(&dir, &format!("{o}/communes.csv"))
            .into_iter()
            .map(|r| r["code_insee"].clone())
            .collect();
        assert_eq!(communes, arras, "--ml {ml}");
        // Its coverage rows are the regional run's rows for 62041.
        assert_eq!(
            rows(&dir, &format!("{o}/couverture.csv")),
            regional,
            "--ml {ml}"
        );
        // Its maps, named by its code.
        assert!(dir
            .path()
            .join(format!("{o}/carte_distances_62041.png"))
            .exists());
        // Its page, titled with its name, with its communes and sites.
        let page = dir.read(&format!("{o}/synthese.html"));
        assert!(
            page.contains("<h1>Maillage territorial : Maison de l&#39;Emploi et des Métiers en Pays d&#39;Artois (Mission Locale)</h1>"),
            "{}",
            &page[..page.len().min(3000)]
        );
        assert!(page.contains("id=\"communes-ml\"") && page.contains("id=\"sites-ml\""));
        pages.push(page);
    }
    assert_eq!(pages[0], pages[2]);
    // The page's communes table: the 230 communes, farthest first.
    let page = &pages[0];
    let section =
        &page[page.find("id=\"communes-ml\"").unwrap()..page.find("id=\"sites-ml\"").unwrap()];
    assert_eq!(section.matches("<tr><td>").count(), 230);
}

#[test]
fn a_placement_for_one_mission_locale_stays_inside_it() {
    let dir = Dir::new();
    let arras = arras_communes();
    let out = dir.run(&[
        "implantation",
        "--ml",
        "arras",
        "--nombre",
        "2",
        "--csv",
        "rfc4180",
        "--out",
        "p",
    ]);
    assert_exit(&out, 0);
    let placed = rows(&dir, "p/placement.csv");
    assert_eq!(
        placed.len(),
        2,
        "two permanences placed with the 5 km default"
    );
    for r in &placed {
        assert!(arras.contains(&r["code_insee"]), "{r:?}");
    }
    let bilan = rows(&dir, "p/placement_bilan.csv");
    let radius = bilan
        .iter()
        .find(|r| r["indicateur"] == "rayon_km")
        .unwrap();
    assert_eq!(radius["valeur"], "5.000");
    // The map's proposal too.
    let out = dir.run(&[
        "carte",
        "--ml",
        "Arras",
        "--type",
        "implantation",
        "--format",
        "svg",
        "--out",
        "m",
    ]);
    assert_exit(&out, 0);
    let svg = dir.read("m/carte_placement_62041.svg");
    let names: Vec<String> = rows(&dir, "p/placement.csv")
        .iter()
        .map(|r| r["nom"].clone())
        .collect();
    assert!(!svg.contains("Craywick"), "a village near Dunkerque");
    assert!(names.iter().all(|n| !n.is_empty()));
}

#[test]
fn unknown_names_get_a_few_suggestions_the_right_one_among_them() {
    let dir = Dir::new();
    for (typed, right) in [
        ("Arass", "Pays d&#39;Artois (62041"),
        ("Grand Arras", "(62041"),
        ("Amiems", "Amiénois"),
        ("Lile", "Lille Avenirs"),
        ("Beauvai", "Beauvaisis"),
    ] {
        let out = dir.run(&["couverture", "--ml", typed, "--out", "x"]);
        assert_exit(&out, 1);
        let err = String::from_utf8_lossy(&out.stderr).replace('\'', "&#39;");
        assert!(err.contains("vouliez-vous dire"), "{typed}: {err}");
        let after = &err[err.find("vouliez-vous dire").unwrap()..];
        assert!(
            after.matches(" ; ").count() <= 2,
            "{typed}: at most three: {err}"
        );
        assert!(after.contains(right), "{typed}: {err}");
        assert!(
            !err.contains("Missions Locales connues"),
            "never the whole list"
        );
    }
    for (typed, right) in [("62041-A5", "62041-A05"), ("02168-S0", "02168-S00")] {
        let out = dir.run(&["scenario", "--fermer", typed, "--out", "x"]);
        assert_exit(&out, 1);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "aucun site n'a l'id {typed} ; vouliez-vous dire : {right}"
            )),
            "{err}"
        );
    }
    for (option, typed, right) in [
        ("--departement", "Somm", "Somme (80)"),
        ("--epci", "Arras", "Arras"),
    ] {
        let out = dir.run(&["couverture", option, typed, "--out", "x"]);
        let err = String::from_utf8_lossy(&out.stderr);
        if out.status.code() == Some(0) {
            continue;
        }
        assert!(err.contains(right), "{option} {typed}: {err}");
    }
}

#[test]
fn hotspot_clusters_stay_in_one_mission_locale_and_within_bounds() {
    let dir = Dir::new();
    let out = dir.run(&["points-chauds", "--csv", "rfc4180", "--out", "h"]);
    assert_exit(&out, 0);
    let clusters = rows(&dir, "h/hotspots.csv");
    assert!(clusters.len() > 100);
    let communes: BTreeMap<String, Row> = rows(&dir, "h/hotspots_communes.csv")
        .into_iter()
        .map(|r| (r["code_insee"].clone(), r))
        .collect();
    let out = dir.run(&[
        "distance",
        "--grille-m",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "d",
    ]);
    assert_exit(&out, 0);
    let reference: BTreeMap<String, (f64, f64)> = rows(&dir, "d/communes.csv")
        .into_iter()
        .map(|r| {
            let p = (
                r["lon_mesure"].parse().unwrap(),
                r["lat_mesure"].parse().unwrap(),
            );
            (r["code_insee"].clone(), p)
        })
        .collect();
    for c in &clusters {
        let codes: Vec<&str> = c["codes_insee"].split('|').collect();
        assert!(
            codes.len() <= 25,
            "cluster {} has {} communes",
            c["rang"],
            codes.len()
        );
        let mls: BTreeSet<&str> = codes
            .iter()
            .map(|k| communes[*k]["code_ml"].as_str())
            .collect();
        assert_eq!(
            mls.len(),
            1,
            "cluster {} crosses Missions Locales",
            c["rang"]
        );
        let g = geographiclib_rs::Geodesic::wgs84();
        for a in &codes {
            for b in &codes {
                let (pa, pb) = (reference[*a], reference[*b]);
                let d: f64 = geographiclib_rs::InverseGeodesic::inverse(&g, pa.1, pa.0, pb.1, pb.0);
                assert!(
                    d <= 15_000.0 + 1e-6,
                    "cluster {}: {a}–{b} {d:.0} m",
                    c["rang"]
                );
            }
        }
        // Its mean and largest distances are its communes'.
        let mean: f64 = c["distance_moyenne_jeunes_km"].parse().unwrap();
        let max: f64 = c["distance_max_km"].parse().unwrap();
        assert!(mean <= max + 1e-9 && max > 0.0);
    }
}
