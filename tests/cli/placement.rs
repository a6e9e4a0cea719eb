//! `maillage place`: the library's answer against exhaustive search with an
//! independent geodesic, and the command's files, errors and determinism.

use geographiclib_rs::{Geodesic, InverseGeodesic};
use maillage::analysis::basics::Basics;
use maillage::analysis::measure::Measure;
use maillage::analysis::placement::{
    mairie_candidates, place, Method, Model, Objective, PlacementParams,
};
use maillage::load::territory::{load_territory, DataPaths};
use maillage::model::Territory;
use maillage::warnings::Warnings;

use crate::util::{assert_exit, read_csv, Dir};

fn territory() -> Territory {
    load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap()
}

/// Karney's distance in metres between two communes' measuring points.
fn karney(t: &Territory, a: usize, b: (f64, f64)) -> f64 {
    let p = t.communes[a].reference;
    Geodesic::wgs84().inverse(p.lat, p.lon, b.1, b.0)
}

/// Distance from each commune of `ml` to its nearest existing site, zero when
/// a site is declared in the commune, by brute force.
fn existing_distances(t: &Territory, communes: &[usize]) -> Vec<f64> {
    communes
        .iter()
        .map(|&i| {
            let code = &t.communes[i].code;
            if t.sites.iter().any(|s| s.commune.as_ref() == Some(code)) {
                return 0.0;
            }
            t.sites
                .iter()
                .map(|s| karney(t, i, (s.position.lon, s.position.lat)))
                .fold(f64::INFINITY, f64::min)
        })
        .collect()
}

/// All subsets of `0..n` with `k` elements.
fn subsets(n: usize, k: usize, from: usize, cur: &mut Vec<usize>, f: &mut impl FnMut(&[usize])) {
    if cur.len() == k {
        f(cur);
        return;
    }
    for j in from..n {
        cur.push(j);
        subsets(n, k, j + 1, cur, f);
        cur.pop();
    }
}

/// The ML with the most young people farther than `r` metres from any site.
fn worst_ml(t: &Territory, b: &Basics, r: f64) -> usize {
    let mut far = vec![0u64; t.missions_locales.len()];
    for i in 0..t.communes.len() {
        let d = b.nearest[i]
            .as_ref()
            .map_or(f64::INFINITY, |n| n.distance.0);
        if b.sites_in_commune[i] == 0 && d > r {
            far[t.ml_of_commune[i]] += t.jeunes[i];
        }
    }
    (0..far.len())
        .max_by_key(|&m| (far[m], usize::MAX - m))
        .unwrap()
}

#[test]
fn covering_placement_is_the_exhaustive_optimum_on_one_ml() {
    let t = territory();
    let b = Basics::new(&t);
    let r = 3_000.0;
    let ml = worst_ml(&t, &b, r);
    let communes: Vec<usize> = (0..t.communes.len())
        .filter(|&i| t.ml_of_commune[i] == ml)
        .collect();
    let d0 = existing_distances(&t, &communes);
    // Independent coverage: candidate = town hall of commune c; it covers
    // commune i of the ML if i is c or within r of i's measuring point.
    let uncovered: Vec<usize> = (0..communes.len()).filter(|&a| d0[a] > r).collect();
    let covers: Vec<Vec<usize>> = communes
        .iter()
        .map(|&c| {
            let p = t.communes[c].reference;
            uncovered
                .iter()
                .copied()
                .filter(|&a| communes[a] == c || karney(&t, communes[a], (p.lon, p.lat)) <= r)
                .collect()
        })
        .collect();
    let useful: Vec<usize> = (0..communes.len())
        .filter(|&c| !covers[c].is_empty())
        .collect();
    let k = 3;
    assert!(useful.len() > k + 5, "the test needs a real choice");
    let mut best = 0u64;
    let mut hit = vec![false; communes.len()];
    subsets(useful.len(), k, 0, &mut Vec::new(), &mut |s| {
        hit.iter_mut().for_each(|h| *h = false);
        let mut v = 0;
        for &u in s {
            for &a in &covers[useful[u]] {
                if !hit[a] {
                    hit[a] = true;
                    v += t.jeunes[communes[a]];
                }
            }
        }
        best = best.max(v);
    });
    let before: u64 = (0..communes.len())
        .filter(|&a| d0[a] <= r)
        .map(|a| t.jeunes[communes[a]])
        .sum();
    let params = PlacementParams {
        model: Model::Mclp,
        objective: Objective::Jeunes,
        k,
        radius: maillage::base::Cost::Length(maillage::base::Meters(r)),
        scope: maillage::model::Scope::Ml(ml),
        exact_nodes: None,
    };
    let p = place(&t, &b, &Measure::Geodesic, &mairie_candidates(&t), &params).unwrap();
    assert_eq!(p.objective_before, before as f64);
    assert_eq!(
        p.objective_after,
        (before + best) as f64,
        "{}",
        t.missions_locales[ml].nom
    );
    assert_eq!(p.objective_bound, p.objective_after, "optimum proven");
    assert_eq!(p.placed.len(), k);
    // The gains add up to the objective, and each site's newly covered young
    // people are its gain (the objective is young people).
    let sum: f64 = p.placed.iter().map(|x| x.gain).sum();
    assert_eq!(sum, best as f64);
    for x in &p.placed {
        assert_eq!(x.gain, x.jeunes_covered as f64);
    }
    // The after state agrees: covered young people of the ML.
    let after: u64 = communes
        .iter()
        .filter(|&&i| p.after[i].covered)
        .map(|&i| t.jeunes[i])
        .sum();
    assert_eq!(after, before + best);
}

#[test]
fn p_median_placement_is_the_exhaustive_optimum_on_one_ml() {
    let t = territory();
    let b = Basics::new(&t);
    let ml = worst_ml(&t, &b, 5_000.0);
    let communes: Vec<usize> = (0..t.communes.len())
        .filter(|&i| t.ml_of_commune[i] == ml)
        .collect();
    let d0 = existing_distances(&t, &communes);
    let n = communes.len();
    // dist[c][a]: from commune a to the town hall of commune c.
    let dist: Vec<Vec<f64>> = communes
        .iter()
        .map(|&c| {
            let p = t.communes[c].reference;
            (0..n)
                .map(|a| {
                    if communes[a] == c {
                        0.0
                    } else {
                        karney(&t, communes[a], (p.lon, p.lat))
                    }
                })
                .collect()
        })
        .collect();
    let k = 2;
    let cost = |s: &[usize]| -> f64 {
        (0..n)
            .map(|a| {
                let d = s.iter().map(|&c| dist[c][a]).fold(d0[a], f64::min);
                t.jeunes[communes[a]] as f64 * d / 1000.0
            })
            .sum()
    };
    let mut best = f64::INFINITY;
    subsets(n, k, 0, &mut Vec::new(), &mut |s| best = best.min(cost(s)));
    let params = PlacementParams {
        model: Model::PMedian,
        objective: Objective::Jeunes,
        k,
        radius: maillage::base::Cost::km(5.0),
        scope: maillage::model::Scope::Ml(ml),
        exact_nodes: Some(100_000),
    };
    let p = place(&t, &b, &Measure::Geodesic, &mairie_candidates(&t), &params).unwrap();
    assert!(matches!(p.method, Method::Exact { .. }));
    // Geodesic codes agree within millimetres: weighted by young people,
    // well under 1e-6 of the total.
    let tol = 1e-6 * best;
    assert!(
        (p.objective_after - best).abs() <= tol,
        "{} vs exhaustive {best}",
        p.objective_after
    );
    assert!(p.objective_bound <= p.objective_after + tol);
    assert!((p.objective_before - cost(&[])).abs() <= tol);
}

#[test]
fn place_writes_its_tables_and_they_agree() {
    let dir = Dir::new();
    let out = dir.run(&[
        "implantation",
        "--nombre",
        "4",
        "--rayon-km",
        "5",
        "--csv",
        "rfc4180",
        "--out",
        "res",
    ]);
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("placement : 4 sites"), "{stderr}");
    let rows = read_csv(&dir.read("res/placement.csv"));
    assert_eq!(rows.len(), 4);
    let mut cumul = 0i64;
    for (r, row) in rows.iter().enumerate() {
        assert_eq!(row["rang"], (r + 1).to_string());
        assert!(row["candidat"].starts_with("mairie-"));
        assert_eq!(row["candidat"], format!("mairie-{}", row["code_insee"]));
        cumul += row["gain"].parse::<i64>().unwrap();
        assert_eq!(row["cumul"].parse::<i64>().unwrap(), cumul);
        assert_eq!(row["gain"], row["jeunes_nouvellement_couverts"]);
    }
    // Gains never increase down the ranking.
    let gains: Vec<i64> = rows.iter().map(|r| r["gain"].parse().unwrap()).collect();
    assert!(gains.windows(2).all(|w| w[0] >= w[1]), "{gains:?}");
    let bilan: std::collections::BTreeMap<String, String> =
        read_csv(&dir.read("res/placement_bilan.csv"))
            .into_iter()
            .map(|r| (r["indicateur"].clone(), r["valeur"].clone()))
            .collect();
    let before: i64 = bilan["couvert_avant"].parse().unwrap();
    let after: i64 = bilan["couvert_apres"].parse().unwrap();
    assert_eq!(after - before, cumul);
    assert!(bilan["borne_couvert_apres"].parse::<i64>().unwrap() >= after);
    let synth = read_csv(&dir.read("res/placement_synthese.csv"));
    let region = synth.iter().find(|r| r["perimetre"] == "region").unwrap();
    assert_eq!(region["jeunes_couverts_avant"], before.to_string());
    assert_eq!(region["jeunes_couverts_apres"], after.to_string());
    let mls = synth.iter().filter(|r| r["perimetre"] == "ml").count();
    assert_eq!(mls, 42);
    // Distances never rise.
    for r in &synth {
        let b: f64 = r["distance_moyenne_jeunes_avant_km"].parse().unwrap();
        let a: f64 = r["distance_moyenne_jeunes_apres_km"].parse().unwrap();
        assert!(a <= b, "{r:?}");
    }
}

#[test]
fn place_is_deterministic_across_thread_counts() {
    let dir = Dir::new();
    for (threads, out) in [("1", "one"), ("4", "four")] {
        assert_exit(
            &dir.run_env(
                &[
                    "implantation",
                    "--nombre",
                    "8",
                    "--rayon-km",
                    "4",
                    "--modele",
                    "p-median",
                    "--out",
                    out,
                    "--quiet",
                ],
                &[("RAYON_NUM_THREADS", threads)],
            ),
            0,
        );
    }
    for f in [
        "placement.csv",
        "placement_bilan.csv",
        "placement_synthese.csv",
    ] {
        assert_eq!(
            dir.read(&format!("one/{f}")),
            dir.read(&format!("four/{f}")),
            "{f}"
        );
    }
}

#[test]
fn candidates_from_a_file_and_france_services() {
    let dir = Dir::new();
    dir.write(
        "locaux.csv",
        "id;lon;lat;nom\nL1;3,6266;49,9015;Salle des fêtes\nL2;2,30;49,89;Local Amiens\n",
    );
    assert_exit(
        &dir.run(&[
            "implantation",
            "--nombre",
            "2",
            "--rayon-km",
            "5",
            "--candidats",
            "locaux.csv",
            "--csv",
            "rfc4180",
            "--out",
            "a",
            "--quiet",
        ]),
        0,
    );
    let rows = read_csv(&dir.read("a/placement.csv"));
    assert!(rows.len() <= 2);
    assert!(rows
        .iter()
        .all(|r| r["candidat"] == "L1" || r["candidat"] == "L2"));
    assert_exit(
        &dir.run(&[
            "implantation",
            "--nombre",
            "3",
            "--rayon-km",
            "5",
            "--candidats",
            "france-services",
            "--csv",
            "rfc4180",
            "--out",
            "b",
            "--quiet",
        ]),
        0,
    );
    let rows = read_csv(&dir.read("b/placement.csv"));
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["candidat"].starts_with("fs-")),
        "{rows:?}"
    );
}

#[test]
fn bad_placement_requests_are_refused_with_a_clear_message() {
    let dir = Dir::new();
    let check = |args: &[&str], needle: &str, code: i32| {
        let out = dir.run(args);
        assert_exit(&out, code);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(
            !dir.path().join("outputs").exists(),
            "{args:?} wrote outputs"
        );
    };
    check(
        &["implantation", "--nombre", "0"],
        "--nombre 0 : demandez au moins un nouveau site",
        1,
    );
    check(
        &["implantation", "--rayon-km", "0"],
        "« 0 » : 0 km : une distance doit être",
        2,
    );
    check(&["implantation", "--rayon-km=-2"], "positif", 2);
    check(
        &["implantation", "--rayon-km", "5,10"],
        "cette commande prend un seul rayon",
        1,
    );
    check(
        &["implantation", "--ml", "99999"],
        "--ml 99999 : aucune Mission Locale n'a ce code, ce nom ou cette ville de siège",
        1,
    );
    check(
        &["implantation", "--nombre", "x"],
        "erreur : --nombre <N> « x »",
        2,
    );
    check(
        &["implantation", "--modele", "p-centre"],
        "valeurs possibles : couverture-max, p-mediane",
        2,
    );
    dir.write("deux.csv", "id,lon,lat\nA,2.3,49.9\nB,2.4,49.95\n");
    check(
        &["implantation", "--nombre", "3", "--candidats", "deux.csv"],
        "k = 3 dépasse les 2 candidats",
        1,
    );
    dir.write(
        "double.csv",
        "id,lon,lat\nA,2.3,49.9\nB,2.4,49.95\nA,2.5,50.0\n",
    );
    check(
        &["implantation", "--candidats", "double.csv", "--nombre", "1"],
        "double.csv : ligne 4 : champ « id » : « A » figure déjà à la ligne 2 : chaque id doit être unique",
        1,
    );
    dir.write("sans.csv", "code,x\n1,2\n");
    check(
        &["implantation", "--candidats", "sans.csv", "--nombre", "1"],
        "attendu les colonnes id, lon et lat",
        1,
    );
    check(
        &["implantation", "--candidats", "absent.csv", "--nombre", "1"],
        "absent.csv",
        1,
    );
    dir.write("vide.csv", "id,lon,lat\n");
    check(
        &["implantation", "--candidats", "vide.csv", "--nombre", "1"],
        "aucun candidat : le fichier a un en-tête mais aucune ligne",
        1,
    );
}

/// `--ml` takes the code, the name or the town of the head office, whatever
/// the case and accents; `place` is the old name of the command.
#[test]
fn ml_is_named_by_code_name_or_head_office_town() {
    let dir = Dir::new();
    let mut tables = Vec::new();
    for (k, (cmd, ml)) in [
        ("implantation", "62041"),
        ("placement", "ARRAS"),
        (
            "place",
            "maison de l'emploi et des metiers en pays d'Artois",
        ),
    ]
    .iter()
    .enumerate()
    {
        let out_dir = format!("r{k}");
        let out = dir.run(&[
            cmd,
            "--nombre",
            "2",
            "--rayon-km",
            "3",
            "--ml",
            ml,
            "--out",
            &out_dir,
            "--quiet",
        ]);
        assert_exit(&out, 0);
        tables.push(dir.read(&format!("{out_dir}/placement.csv")));
    }
    assert!(tables[0].contains("62041"), "{}", tables[0]);
    assert_eq!(tables[0], tables[1]);
    assert_eq!(tables[0], tables[2]);
}
