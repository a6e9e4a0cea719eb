//! `maillage scenario`: closing and opening sites on the embedded data.

use crate::util::{assert_exit, read_csv, Dir};

fn f(x: &str) -> f64 {
    x.parse().unwrap()
}

#[test]
fn closing_a_head_office_moves_its_communes_to_farther_sites() {
    let dir = Dir::new();
    assert_exit(
        &dir.run(&[
            "scenario",
            "--fermer",
            "02168-S00",
            "--csv",
            "rfc4180",
            "--out",
            "s",
        ]),
        0,
    );
    let rows = read_csv(&dir.read("s/scenario_communes.csv"));
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["site_avant"], "02168-S00", "{r:?}");
        assert_ne!(r["site_apres"], "02168-S00");
        assert!(
            f(&r["distance_apres_km"]) >= f(&r["distance_avant_km"]),
            "{r:?}"
        );
    }
    // The same communes as the distance table's: nearest site 02168-S00,
    // and no other site standing in them (the head office's address is in
    // Étampes-sur-Marne, 02292, which loses its only site).
    assert_exit(
        &dir.run(&[
            "distance",
            "--grille-m",
            "0",
            "--csv",
            "rfc4180",
            "--out",
            "d",
            "--quiet",
        ]),
        0,
    );
    let expected: Vec<String> = read_csv(&dir.read("d/communes.csv"))
        .into_iter()
        .filter(|c| c["site_plus_proche"] == "02168-S00" && f(&c["nb_sites_commune"]) <= 1.0)
        .map(|c| c["code_insee"].clone())
        .collect();
    let mut got: Vec<String> = rows.iter().map(|r| r["code_insee"].clone()).collect();
    got.sort();
    assert_eq!(got, expected);
    // Indicators: no coverage gained, no distance lowered.
    for r in read_csv(&dir.read("s/scenario_indicateurs.csv")) {
        let e = f(&r["ecart"]);
        if r["indicateur"].starts_with("distance") {
            assert!(e >= 0.0, "{r:?}");
        } else {
            assert!(e <= 0.0, "{r:?}");
        }
    }
}

#[test]
fn opening_a_site_at_a_town_hall_brings_that_commune_to_zero() {
    let dir = Dir::new();
    // Y (80829) has no site; its town hall, from the embedded communes.
    dir.write(
        "ajout.csv",
        "site_id,code_ml,nom,type,code_insee,lon,lat,statut,source\nNOUV-1,80620,Permanence de Y,permanence,80829,,,substitut,essai\n",
    );
    assert_exit(
        &dir.run(&[
            "scenario",
            "--ouvrir",
            "ajout.csv",
            "--csv",
            "rfc4180",
            "--out",
            "s",
        ]),
        0,
    );
    let rows = read_csv(&dir.read("s/scenario_communes.csv"));
    let y = rows
        .iter()
        .find(|r| r["code_insee"] == "80829")
        .expect("Y changes");
    assert_eq!(y["site_apres"], "NOUV-1");
    assert_eq!(y["distance_apres_km"], "0.000");
    for r in &rows {
        assert_eq!(r["site_apres"], "NOUV-1");
        assert!(f(&r["ecart_km"]) < 0.0, "{r:?}");
    }
}

#[test]
fn scenario_errors_and_determinism() {
    let dir = Dir::new();
    let out = dir.run(&["scenario", "--fermer", "02168-S00,NOPE-1"]);
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("aucun site n'a l'id NOPE-1"));
    let out = dir.run(&["scenario"]);
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ouvrir FICHIER et/ou --fermer"));
    dir.write(
        "double.csv",
        "site_id,code_ml,nom,type,code_insee,lon,lat,statut,source\n02168-S00,02168,x,siege,02168,,,reel,essai\n",
    );
    let out = dir.run(&["scenario", "--ouvrir", "double.csv"]);
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("« 02168-S00 » est ajouté deux fois"));
    assert!(!dir.path().join("outputs").exists());
    for (n, o) in [("1", "one"), ("4", "four")] {
        assert_exit(
            &dir.run_env(
                &["scenario", "--fermer", "59350-S00", "--out", o, "--quiet"],
                &[("RAYON_NUM_THREADS", n)],
            ),
            0,
        );
    }
    for f in ["scenario_indicateurs.csv", "scenario_communes.csv"] {
        assert_eq!(
            dir.read(&format!("one/{f}")),
            dir.read(&format!("four/{f}")),
            "{f}"
        );
    }
}
