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

#[test]
fn the_page_s_changes_file_gives_what_add_and_remove_give() {
    let dir = Dir::new();
    // Open a permanence at Y's town hall (by its INSEE code alone), close
    // the head office of Château-Thierry: the page's export.
    dir.write(
        "changements.csv",
        "\u{feff}action;id;code_insee;type;nom\r\nouvrir;;80829;mairie;Mairie de Y\r\nfermer;02168-S00;02292;site;Siège\r\n",
    );
    // The same with --add (the town hall is the commune's reference point)
    // and --remove, the site named as the page names it.
    dir.write(
        "ajout.csv",
        "site_id,code_ml,nom,type,code_insee,lon,lat,statut,source\nmairie-80829,80620,Mairie de Y,permanence,80829,,,substitut,essai\n",
    );
    for (out, args) in [
        ("a", vec!["--changements", "changements.csv"]),
        ("b", vec!["--add", "ajout.csv", "--remove", "02168-S00"]),
    ] {
        let mut a = vec!["scenario", "--csv", "rfc4180", "--out", out, "--quiet"];
        a.extend(args);
        assert_exit(&dir.run(&a), 0);
    }
    for f in ["scenario_indicateurs.csv", "scenario_communes.csv"] {
        assert_eq!(
            dir.read(&format!("a/{f}")),
            dir.read(&format!("b/{f}")),
            "{f}"
        );
    }
    let rows = read_csv(&dir.read("a/scenario_communes.csv"));
    let y = rows.iter().find(|r| r["code_insee"] == "80829").unwrap();
    assert_eq!(
        (y["site_apres"].as_str(), y["distance_apres_km"].as_str()),
        ("mairie-80829", "0.000")
    );
}

#[test]
fn the_changes_file_opens_france_services_and_qpv_points_and_names_bad_lines() {
    let dir = Dir::new();
    // France services n° 4 (Le Nouvion-en-Thiérache, 02558, which has a
    // site already), the QPV Bellevue of Villers-Saint-Paul (60684, which
    // has none): the commune goes to 0, by the permanence of that id.
    dir.write(
        "ok.csv",
        "action,id,code_insee\nouvrir,fs-4,02558\nouvrir,qpv-QN06005M,\nfermer,59350-S00,\n",
    );
    let out = dir.run(&[
        "scenario",
        "--changements",
        "ok.csv",
        "--csv",
        "rfc4180",
        "--out",
        "s",
    ]);
    assert_exit(&out, 0);
    let rows = read_csv(&dir.read("s/scenario_communes.csv"));
    let v = rows
        .iter()
        .find(|r| r["code_insee"] == "60684")
        .expect("60684 changes");
    assert_eq!(
        (v["site_apres"].as_str(), v["distance_apres_km"].as_str()),
        ("qpv-QN06005M", "0.000")
    );
    assert!(rows.iter().any(|r| r["site_avant"] == "59350-S00"));
    for (text, expected) in [
        (
            "action;id\nouvrir;mairie-99999\n",
            "bad.csv : ligne 2 : champ « id » : aucun point candidat « mairie-99999 »",
        ),
        (
            "action;id\nfermer;NOPE\n",
            "bad.csv : ligne 2 : champ « id » : aucun site n'a l'id « NOPE »",
        ),
        (
            "action;id;code_insee\nouvrir;fs-4;59350\n",
            "ligne 2 : champ « code_insee » : le point « fs-4 » est dans la commune",
        ),
        (
            "action;id\nouvrir;mairie-80829\nouvrir;mairie-80829\n",
            "ligne 3 : champ « id » : le point « mairie-80829 » est déjà ouvert plus haut",
        ),
        (
            "action;id\ndéplacer;X\n",
            "ligne 2 : champ « action » : attendu ouvrir ou fermer, trouvé « déplacer »",
        ),
        ("action;id\n", "aucun changement"),
    ] {
        dir.write("bad.csv", text);
        let out = dir.run(&["scenario", "--changements", "bad.csv", "--out", "bad"]);
        assert_exit(&out, 1);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{text:?}: {err}");
        assert!(!dir.path().join("bad").exists());
    }
}

/// The terminal says the change at every threshold (not only the middle
/// one, where closing a permanence changed nothing it could show), with the
/// figures of scenario_indicateurs.csv.
#[test]
fn the_terminal_says_the_change_at_every_threshold() {
    let dir = Dir::new();
    let out = dir.run(&[
        "scenario",
        "--fermer",
        "62041-P001",
        "--ml",
        "62041",
        "--csv",
        "rfc4180",
        "--out",
        "s",
    ]);
    assert_exit(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr).replace('\u{a0}', "");
    let rows = read_csv(&dir.read("s/scenario_indicateurs.csv"));
    let mut said = 0;
    for km in ["5", "10", "15", "20"] {
        let r = rows
            .iter()
            .find(|r| {
                r["perimetre"] == "ml" && r["indicateur"] == format!("jeunes_a_moins_de_{km}_km")
            })
            .unwrap();
        let (before, after) = (f(&r["avant"]) as i64, f(&r["apres"]) as i64);
        let d = after - before;
        let gap = match d {
            d if d > 0 => format!("+{d}"),
            d if d < 0 => format!("−{}", -d),
            _ => "0".into(),
        };
        let line = format!("jeunes à moins de {km} km : {before} → {after} ({gap})");
        assert!(err.contains(&line), "{line} not in:\n{err}");
        said += usize::from(d != 0);
    }
    assert!(said >= 1, "closing the permanence changes nothing: {err}");
    assert!(err.contains("changent de site le plus proche"));
}
