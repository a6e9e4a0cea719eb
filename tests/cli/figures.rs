//! One rule per figure: every output that states a figure for the same
//! perimeter states the same figure (issue 23, case 1). The mean distance of
//! the young people to their nearest site, a commune with a site standing in
//! it counted at 0 km, is read from `distances_synthese.csv`,
//! `placement_synthese.csv` (before), `scenario_indicateurs.csv` (before)
//! and the page's key figures, for the région, every département and every
//! Mission Locale they give.

use std::collections::BTreeMap;

use crate::util::{assert_exit, read_csv, Dir};

/// `a` and `b` agree at the coarser of the two precisions shown (half a
/// unit of the last decimal of the coarser one).
fn agree(a: &str, b: &str) -> bool {
    let decimals = |s: &str| s.split_once('.').map_or(0, |(_, d)| d.len());
    let step = 10f64.powi(-(decimals(a).min(decimals(b)) as i32));
    let (x, y): (f64, f64) = (a.parse().unwrap(), b.parse().unwrap());
    (x - y).abs() <= step / 2.0 + 1e-9
}

#[test]
fn every_output_gives_the_same_mean_distance_for_a_perimeter() {
    let dir = Dir::new();
    let out = dir.run(&[
        "rapport",
        "--grille-m",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "r",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    // A scenario's "before" is today's network.
    let out = dir.run(&[
        "scenario",
        "--fermer",
        "02168-S00",
        "--csv",
        "rfc4180",
        "--out",
        "s",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    // (perimeter type, code) → the mean as each output writes it.
    let mut by: BTreeMap<(String, String), Vec<(&str, String)>> = BTreeMap::new();
    for r in read_csv(&dir.read("r/distances_synthese.csv")) {
        if r["categorie"] == "toutes" && r["ponderation"] == "jeunes_16_25" {
            by.entry((r["type_perimetre"].clone(), r["code_perimetre"].clone()))
                .or_default()
                .push(("distances_synthese.csv", r["distance_moyenne_km"].clone()));
        }
    }
    for r in read_csv(&dir.read("r/placement_synthese.csv")) {
        by.entry((r["perimetre"].clone(), r["code"].clone()))
            .or_default()
            .push((
                "placement_synthese.csv",
                r["distance_moyenne_jeunes_avant_km"].clone(),
            ));
    }
    for r in read_csv(&dir.read("s/scenario_indicateurs.csv")) {
        if r["indicateur"] == "distance_moyenne_jeunes_km" {
            by.entry((r["perimetre"].clone(), r["code"].clone()))
                .or_default()
                .push(("scenario_indicateurs.csv", r["avant"].clone()));
        }
    }
    // The page's key figures: région and départements, in the header's order.
    let html = dir.read("r/synthese.html");
    let key = &html[html.find("<table class=\"key\">").unwrap()..];
    let key = &key[..key.find("</table>").unwrap()];
    let heads: Vec<String> = key
        .split("<th>")
        .skip(2)
        .map(|h| h[..h.find("</th>").unwrap()].to_string())
        .collect();
    let row = key
        .split("<tr>")
        .find(|r| r.contains("Distance moyenne des jeunes"))
        .expect("the key figures give the mean distance");
    let cells: Vec<String> = row
        .split("<td class=\"n\">")
        .skip(1)
        .map(|c| {
            c[..c.find("</td>").unwrap()]
                .replace('\u{a0}', "")
                .replace(',', ".")
        })
        .collect();
    let departements: BTreeMap<String, String> = read_csv(&dir.read("r/distances_synthese.csv"))
        .into_iter()
        .filter(|r| r["type_perimetre"] == "departement")
        .map(|r| (r["nom_perimetre"].clone(), r["code_perimetre"].clone()))
        .collect();
    for (h, c) in heads.iter().zip(&cells) {
        let key = if h == "Région" {
            ("region".to_string(), "32".to_string())
        } else {
            ("departement".to_string(), departements[h].clone())
        };
        by.entry(key)
            .or_default()
            .push(("synthese.html", c.clone()));
    }
    let mut checked = 0;
    for ((kind, code), values) in &by {
        if kind == "ml" {
            assert!(values.len() >= 3, "ML {code}: {values:?}");
        }
        for (file, v) in &values[1..] {
            assert!(
                agree(&values[0].1, v),
                "{kind} {code}: {} says {}, {file} says {v}",
                values[0].0,
                values[0].1
            );
        }
        checked += 1;
    }
    // The région, 5 départements, 42 Missions Locales.
    assert_eq!(checked, 48, "{:?}", by.keys().collect::<Vec<_>>());
    assert!(by[&("region".into(), "32".into())].len() == 4);
}
