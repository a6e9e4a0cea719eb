//! `maillage basins`: proposal and sizing.

use std::collections::{BTreeMap, BTreeSet};

use maillage::analysis::adjacency::commune_adjacency;
use maillage::analysis::basins::{basins_from_units, epci_units, propose_basins};
use maillage::load::territory::{load_territory, DataPaths};
use maillage::warnings::Warnings;

use crate::util::{assert_exit, read_csv, Dir};

/// The proposal's basins are made of whole EPCI, and each is in one piece:
/// a walk over the communes' adjacency inside a basin reaches all of it.
#[test]
fn proposed_basins_are_contiguous_whole_epci() {
    let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
    let adjacency = commune_adjacency(&t.frame, &t.communes);
    let units = epci_units(&t, &adjacency);
    assert_eq!(
        units.len(),
        92,
        "EPCI of Hauts-de-France in the embedded data"
    );
    let basin = propose_basins(&t, &units, &adjacency, 10);
    let basins = basins_from_units(&units, &basin);
    assert_eq!(basins.names.len(), 10);
    // Whole EPCI: every commune of an EPCI is in its EPCI's basin.
    let mut of_epci: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in t.communes.iter().enumerate() {
        let b = basins.of_commune[i].expect("every commune in a basin");
        let siren = c.epci_siren.as_deref().unwrap();
        assert_eq!(*of_epci.entry(siren).or_insert(b), b, "EPCI {siren} split");
    }
    for b in 0..10 {
        let members: Vec<usize> = (0..t.communes.len())
            .filter(|&i| basins.of_commune[i] == Some(b))
            .collect();
        assert!(!members.is_empty());
        // A plain breadth-first walk, written here, not the library's.
        let mut seen = BTreeSet::from([members[0]]);
        let mut queue = std::collections::VecDeque::from([members[0]]);
        while let Some(i) = queue.pop_front() {
            for &j in &adjacency[i] {
                if basins.of_commune[j] == Some(b) && seen.insert(j) {
                    queue.push_back(j);
                }
            }
        }
        assert_eq!(seen.len(), members.len(), "basin {b} is in pieces");
    }
    // Deterministic: the same proposal twice.
    assert_eq!(basin, propose_basins(&t, &units, &adjacency, 10));
}

/// The Region's table by EPCI (SIREN → basin), with an EPCI in two basins
/// and a SIREN no commune has: every commune placed once, the split EPCI
/// shared by the neighbours rule, both reported.
#[test]
fn a_basin_table_by_epci_places_every_commune_once() {
    let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
    let mut sirens: Vec<&str> = t
        .communes
        .iter()
        .filter_map(|c| c.epci_siren.as_deref())
        .collect();
    sirens.sort();
    sirens.dedup();
    // Two basins: the first half of the EPCI in A, the rest in B; the
    // middle EPCI in both.
    let mid = sirens.len() / 2;
    let mut csv = String::from("siren_epci;nom_epci;bassin\n");
    for (k, s) in sirens.iter().enumerate() {
        csv.push_str(&format!(
            "{s};EPCI {k};{}\n",
            if k < mid { "A" } else { "B" }
        ));
    }
    csv.push_str(&format!("{};EPCI {mid};A\n", sirens[mid]));
    csv.push_str("999999999;Ailleurs;B\n");
    let dir = Dir::new();
    dir.write("bassins_epci.csv", csv);
    let out = dir.run(&[
        "bassins",
        "--bassins",
        "bassins_epci.csv",
        "--csv",
        "rfc4180",
        "--out",
        "res",
    ]);
    assert_exit(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bassins_epci.csv : 1 × EPCI dans plusieurs bassins")
            && err.contains(&format!("SIREN {} : B / A", sirens[mid])),
        "{err}"
    );
    assert!(
        err.contains("1 × EPCI inconnu des communes chargées"),
        "{err}"
    );
    assert!(!err.contains("commune absente"), "{err}");
    let communes = read_csv(&dir.read("res/bassins_communes.csv"));
    assert_eq!(communes.len(), t.communes.len());
    for (r, c) in communes.iter().zip(&t.communes) {
        let siren = c.epci_siren.as_deref().unwrap();
        let k = sirens.binary_search(&siren).unwrap();
        let want = if k < mid { "A" } else { "B" };
        if k != mid {
            assert_eq!(r["bassin"], want, "{}", c.code);
        } else {
            assert!(matches!(r["bassin"].as_str(), "A" | "B"));
        }
    }
    let rows = read_csv(&dir.read("res/bassins.csv"));
    assert_eq!(rows.len(), 2);
    let total: u64 = rows
        .iter()
        .map(|r| r["jeunes_16_25"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 768_524);
    // The balance column: each basin's gap to the mean size.
    for r in &rows {
        let j: f64 = r["jeunes_16_25"].parse().unwrap();
        let gap: f64 = r["ecart_relatif_moyenne_jeunes"].parse().unwrap();
        assert!((gap - (j / (768_524.0 / 2.0) - 1.0)).abs() < 1e-4);
    }
}

#[test]
fn basin_sizes_add_up_and_a_basin_file_round_trips() {
    let dir = Dir::new();
    assert_exit(
        &dir.run(&["bassins", "--csv", "rfc4180", "--out", "res", "--quiet"]),
        0,
    );
    let rows = read_csv(&dir.read("res/bassins.csv"));
    assert_eq!(rows.len(), 10);
    let sum = |col: &str| {
        rows.iter()
            .map(|r| r[col].parse::<f64>().unwrap())
            .sum::<f64>()
    };
    assert_eq!(sum("jeunes_16_25"), 768_524.0);
    assert_eq!(sum("nb_communes"), 3782.0);
    assert_eq!(sum("sieges") + sum("antennes") + sum("permanences"), 962.0);
    // Demand: young people followed × share with mobility support, by
    // département (2024 key indicators), spread over the basins.
    let expected =
        55_690.0 * 0.306 + 28_458.0 * 0.214 + 9_912.0 * 0.296 + 12_448.0 * 0.205 + 8_601.0 * 0.176;
    assert!(
        (sum("demande_appui_mobilite_estimee") - expected).abs() <= 5.0,
        "{}",
        sum("demande_appui_mobilite_estimee")
    );
    assert!((sum("jeunes_accompagnes_estimes") - 115_109.0).abs() <= 5.0);
    // Every ML in at least one basin (an ML may straddle two EPCI-made basins).
    let mls: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r["missions_locales"].split('|'))
        .collect();
    assert_eq!(mls.len(), 42);
    // The commune list, given back as a file, gives the same sizes.
    let f = dir.path().join("res/bassins_communes.csv");
    assert_exit(
        &dir.run(&[
            "bassins",
            "--bassins",
            f.to_str().unwrap(),
            "--csv",
            "rfc4180",
            "--out",
            "again",
            "--quiet",
        ]),
        0,
    );
    let again = read_csv(&dir.read("again/bassins.csv"));
    for (a, b) in rows.iter().zip(&again) {
        assert_eq!(a["jeunes_16_25"], b["jeunes_16_25"]);
        assert_eq!(
            a["demande_appui_mobilite_estimee"],
            b["demande_appui_mobilite_estimee"]
        );
        assert_eq!(b["statut"], "fichier");
    }
}

/// `geodata/communes.geojson` with only the communes `keep` accepts.
fn communes_subset(dir: &Dir, name: &str, mut keep: impl FnMut(&str) -> bool) -> usize {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/communes.geojson"
    ))
    .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = v["features"].as_array_mut().unwrap();
    features.retain(|f| keep(f["properties"]["code_insee"].as_str().unwrap()));
    let n = features.len();
    dir.write(name, serde_json::to_string(&v).unwrap());
    n
}

/// The young people followed and the demand of every basin of `out`, with
/// their young people.
fn followed_by_basin(dir: &Dir, out: &str) -> Vec<(String, f64, f64, f64)> {
    read_csv(&dir.read(&format!("{out}/bassins.csv")))
        .into_iter()
        .map(|r| {
            (
                r["bassin"].clone(),
                r["jeunes_16_25"].parse().unwrap(),
                r["jeunes_accompagnes_estimes"].parse().unwrap_or(0.0),
                r["demande_appui_mobilite_estimee"].parse().unwrap_or(0.0),
            )
        })
        .collect()
}

/// A part of a département gets the young people followed in proportion to
/// its young people, not the whole département's (issue 23, case 2): on
/// the 230 communes of the Mission Locale of Arras, 14,959 young people
/// followed for 13,793 young people before.
#[test]
fn a_part_of_a_departement_gets_its_share_of_the_followed() {
    let dir = Dir::new();
    let zones = read_csv(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/zones_ml.csv"))
            .unwrap(),
    );
    let arras: BTreeSet<String> = zones
        .iter()
        .filter(|r| r["code_ml"] == "62041")
        .map(|r| r["code_insee"].clone())
        .collect();
    assert_eq!(
        communes_subset(&dir, "arras.geojson", |c| arras.contains(c)),
        230
    );
    let out = dir.run(&[
        "bassins",
        "--communes",
        "arras.geojson",
        "--nombre-bassins",
        "1",
        "--csv",
        "rfc4180",
        "--out",
        "a",
    ]);
    assert_exit(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("département chargé en partie"), "{err}");
    let rows = followed_by_basin(&dir, "a");
    assert_eq!(rows.len(), 1);
    let (_, jeunes, followed, demand) = rows[0].clone();
    assert!(
        followed <= jeunes,
        "{followed} followed for {jeunes} young people"
    );
    assert!(followed > 0.0 && demand > 0.0 && demand < followed);
    // In proportion: the Pas-de-Calais' 28,458 young people followed (2024
    // report) × (young people of Arras / young people of the Pas-de-Calais),
    // read back from a run on the whole region.
    let ml = dir.run(&["couverture", "--csv", "rfc4180", "--out", "c"]);
    assert_exit(&ml, 0);
    let cov = read_csv(&dir.read("c/couverture.csv"));
    let jeunes_of = |kind: &str, code: &str| -> f64 {
        cov.iter()
            .find(|r| {
                r["type_perimetre"] == kind
                    && r["code_perimetre"] == code
                    && r["categorie"] == "toutes"
            })
            .unwrap()["jeunes_16_25"]
            .parse()
            .unwrap()
    };
    // The 230 communes loaded alone hold their census count scaled by the
    // region's factor (model::youth): exactly census_youth_total of their
    // tenths. Each commune's share is the floor or the ceiling of the same
    // scaled count in both runs, so the two totals differ by at most one
    // person per commune.
    let census = read_csv(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/geodata/jeunes_15_24_rp2022.csv"
        ))
        .unwrap(),
    );
    let tenths: u64 = census
        .iter()
        .filter(|r| arras.contains(&r["code_insee"]))
        .map(|r| (r["jeunes_15_24_rp2022"].parse::<f64>().unwrap() * 10.0).round() as u64)
        .sum();
    assert_eq!(
        jeunes,
        maillage::model::youth::census_youth_total(tenths) as f64
    );
    assert!(
        (jeunes - jeunes_of("ml", "62041")).abs() <= 230.0,
        "{jeunes}"
    );
    let expected = 28_458.0 * jeunes / jeunes_of("departement", "62");
    assert!(
        (followed - expected).abs() <= 1.0,
        "{followed} vs {expected}"
    );
}

/// On random parts of the region, no basin has more young people followed
/// than young people.
#[test]
fn no_part_has_more_followed_than_young_people() {
    let dir = Dir::new();
    let mut state: u64 = 0x6261_7373_696e_7321;
    for k in 0..4 {
        let name = format!("part{k}.geojson");
        // About a commune in three, by a seeded generator.
        let kept = communes_subset(&dir, &name, |_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % 3 == 0
        });
        assert!(kept > 900 && kept < 1600, "{kept}");
        let out_dir = format!("p{k}");
        let out = dir.run(&[
            "bassins",
            "--communes",
            &name,
            "--csv",
            "rfc4180",
            "--out",
            &out_dir,
        ]);
        assert_exit(&out, 0);
        for (basin, jeunes, followed, demand) in followed_by_basin(&dir, &out_dir) {
            assert!(
                followed <= jeunes && demand <= followed,
                "{basin}: {jeunes} {followed} {demand}"
            );
        }
    }
}
