//! `maillage basins`: proposal and sizing.

use std::collections::{BTreeMap, BTreeSet};

use maillage::analysis::adjacency::commune_adjacency;
use maillage::analysis::basins::{ml_adjacency, propose_basins};
use maillage::load::territory::{load_territory, DataPaths};
use maillage::warnings::Warnings;

use crate::util::{assert_exit, read_csv, Dir};

#[test]
fn proposed_basins_are_contiguous_whole_ml_territories() {
    let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
    let adj = ml_adjacency(&t, &commune_adjacency(&t.communes));
    let basin = propose_basins(&t, &adj, 10);
    assert_eq!(basin.iter().copied().collect::<BTreeSet<_>>().len(), 10);
    for b in 0..10 {
        let members: Vec<usize> = (0..basin.len()).filter(|&m| basin[m] == b).collect();
        // Walk the ML adjacency inside the basin from its first member.
        let mut seen = BTreeSet::from([members[0]]);
        let mut stack = vec![members[0]];
        while let Some(m) = stack.pop() {
            for &n in &adj[m] {
                if basin[n] == b && seen.insert(n) {
                    stack.push(n);
                }
            }
        }
        assert_eq!(seen.len(), members.len(), "basin {b} is not contiguous");
    }
    // Deterministic: the same proposal twice.
    assert_eq!(basin, propose_basins(&t, &adj, 10));
}

#[test]
fn basin_sizes_add_up_and_a_basin_file_round_trips() {
    let dir = Dir::new();
    assert_exit(
        &dir.run(&["basins", "--csv", "rfc4180", "--out", "res", "--quiet"]),
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
    // Every ML in exactly one basin.
    let mut mls = BTreeMap::new();
    for r in &rows {
        for m in r["missions_locales"].split('|') {
            assert!(
                mls.insert(m.to_string(), r["bassin"].clone()).is_none(),
                "ML {m} in two basins"
            );
        }
    }
    assert_eq!(mls.len(), 42);
    // The commune list, given back as a file, gives the same sizes.
    let f = dir.path().join("res/bassins_communes.csv");
    assert_exit(
        &dir.run(&[
            "basins",
            "--basins",
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
