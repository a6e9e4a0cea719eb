//! Sites files: one that leaves Missions Locales without any site is said
//! so, and `--sites-ml` replaces one Mission Locale's sites only (issue 23,
//! case 4).

use crate::util::{assert_exit, read_csv, Dir};

const HEADER: &str = "site_id,code_ml,nom,type,code_insee,lon,lat,statut,source\n";

/// The young people within 5 km in the région, from `couverture.csv`.
fn region_5km(dir: &Dir, out: &str) -> (u64, u64) {
    let rows = read_csv(&dir.read(&format!("{out}/couverture.csv")));
    let r = rows
        .iter()
        .find(|r| {
            r["type_perimetre"] == "region" && r["categorie"] == "toutes" && r["rayon_km"] == "5.0"
        })
        .unwrap();
    (
        r["jeunes_16_25_couverts"].parse().unwrap(),
        r["jeunes_16_25"].parse().unwrap(),
    )
}

#[test]
fn a_sites_file_that_empties_missions_locales_is_said_so() {
    let dir = Dir::new();
    // The two sites a director of Arras knows.
    dir.write(
        "deux_sites.csv",
        format!(
            "{HEADER}A1,62041,Maison de l'emploi d'Arras,siege,62041,,,reel,test\n\
             A2,62041,Permanence de Bapaume,permanence,62080,,,reel,test\n"
        ),
    );
    let out = dir.run(&[
        "couverture",
        "--sites",
        "deux_sites.csv",
        "--csv",
        "rfc4180",
        "--out",
        "r",
    ]);
    assert_exit(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("41 × Mission Locale des zones sans aucun site dans le fichier des sites"),
        "{err}"
    );
    assert!(err.contains("--sites-ml"), "{err}");
    // The embedded data raise no such warning.
    let out = dir.run(&["couverture", "--csv", "rfc4180", "--out", "e"]);
    assert_exit(&out, 0);
    assert!(
        out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("sans aucun site")
    );
}

#[test]
fn sites_ml_replaces_one_mission_locale_and_keeps_the_others() {
    let dir = Dir::new();
    dir.write(
        "arras.csv",
        format!(
            "{HEADER}A1,62041,Maison de l'emploi d'Arras,siege,62041,,,reel,test\n\
             A2,62041,Permanence de Bapaume,permanence,62080,,,reel,test\n"
        ),
    );
    let out = dir.run(&["couverture", "--csv", "rfc4180", "--out", "before"]);
    assert_exit(&out, 0);
    let out = dir.run(&[
        "couverture",
        "--sites-ml",
        "62041=arras.csv",
        "--csv",
        "rfc4180",
        "--out",
        "after",
    ]);
    assert_exit(&out, 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("sans aucun site"), "{err}");
    let (b, total) = region_5km(&dir, "before");
    let (a, total_after) = region_5km(&dir, "after");
    assert_eq!(total, total_after);
    // Arras loses 36 of its 38 sites; the other 41 Missions Locales keep
    // theirs: the région loses a little, far from what --sites loses.
    assert!(a < b && a as f64 > 0.95 * b as f64, "{b} → {a}");
    // Arras' own rows: the ML is measured on its two sites.
    let arras = |out: &str| {
        read_csv(&dir.read(&format!("{out}/couverture.csv")))
            .into_iter()
            .find(|r| {
                r["type_perimetre"] == "ml"
                    && r["code_perimetre"] == "62041"
                    && r["categorie"] == "toutes"
                    && r["rayon_km"] == "5.0"
            })
            .unwrap()["jeunes_16_25_couverts"]
            .parse::<u64>()
            .unwrap()
    };
    assert!(arras("after") < arras("before"));
    // The same by the ML's name, whatever the case and accents.
    let out = dir.run(&[
        "couverture",
        "--sites-ml",
        "maison de l'emploi et des métiers en pays d'artois=arras.csv",
        "--csv",
        "rfc4180",
        "--out",
        "by_name",
    ]);
    assert_exit(&out, 0);
    assert_eq!(
        dir.read("by_name/couverture.csv"),
        dir.read("after/couverture.csv")
    );
}

#[test]
fn sites_ml_refuses_a_site_of_another_mission_locale() {
    let dir = Dir::new();
    dir.write(
        "arras.csv",
        format!(
            "{HEADER}A1,62041,Maison de l'emploi d'Arras,siege,62041,,,reel,test\n\
             L1,59350,Lille,antenne,59350,,,reel,test\n"
        ),
    );
    let out = dir.run(&["couverture", "--sites-ml", "62041=arras.csv", "--out", "r"]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("arras.csv")
            && err.contains("ligne 3")
            && err.contains("code_ml")
            && err.contains("62041"),
        "{err}"
    );
    let out = dir.run(&["couverture", "--sites-ml", "arras.csv", "--out", "r"]);
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("CODE=FICHIER"));
    assert!(!dir.path().join("r").exists());
}
