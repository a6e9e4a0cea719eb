//! `maillage distance`: QPV, grid, points, summaries; determinism.

use crate::util::{assert_exit, read_csv, Dir};

#[test]
fn distance_writes_qpv_grid_points_and_summaries() {
    let dir = Dir::new();
    let pts = dir.write("points.csv", "id;lon;lat\nJ1;2,2954;49,8934\nJ2;3.5;50.0\n");
    let out = dir.run(&[
        "distance",
        "--grid-m",
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
    assert_eq!(region["poids"], "6003283");
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
            &["report", "--grid-m", "1000", "--out", "one", "--quiet"],
            &[("RAYON_NUM_THREADS", "1")],
        ),
        0,
    );
    assert_exit(
        &dir.run_env(
            &["report", "--grid-m", "1000", "--out", "four", "--quiet"],
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
    for n in names {
        let a = std::fs::read(dir.path().join("one").join(&n)).unwrap();
        let b = std::fs::read(dir.path().join("four").join(&n)).unwrap();
        assert!(a == b, "{n} differs between 1 and 4 threads");
    }
}
