//! `maillage temps` on the Saint-Barthélemy extract.

use crate::util::{assert_exit, fixture, read_csv, Dir};

/// Five places of Saint-Barthélemy and a point at sea, 10 km off the coast.
const ORIGINS: &str = "id,lon,lat
gustavia,-62.8500,17.8960
saint_jean,-62.8300,17.9050
lorient,-62.8150,17.9010
grand_cul_de_sac,-62.7950,17.9060
colombier,-62.8700,17.9230
au_large,-62.7000,17.8000
";

/// The airport and Anse de Toiny; `;` and decimal commas on purpose.
const DESTINATIONS: &str = "id;lon;lat
aeroport;-62,8440;17,9040
anse_toiny;-62,7920;17,8960
";

fn network() -> String {
    fixture("network/osm_saint_barthelemy.osm.pbf")
        .display()
        .to_string()
}

fn run_temps(dir: &Dir, extra: &[&str]) -> std::process::Output {
    dir.write("o.csv", ORIGINS);
    dir.write("d.csv", DESTINATIONS);
    let net = network();
    let mut args = vec![
        "temps",
        "--origines",
        "o.csv",
        "--destinations",
        "d.csv",
        "--reseau",
        &net,
        "--csv",
        "rfc4180",
        "--out",
        "res",
    ];
    args.extend_from_slice(extra);
    dir.run(&args)
}

fn num(row: &std::collections::BTreeMap<String, String>, col: &str) -> f64 {
    row[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col}: {row:?}"))
}

#[test]
fn temps_long_form_walking() {
    let dir = Dir::new();
    let out = run_temps(&dir, &["--mode", "marche"]);
    assert_exit(&out, 0);
    let text = dir.read("res/temps.csv");
    assert!(text.starts_with("origine,destination,temps_min,distance_reseau_km\r\n"));
    let rows = read_csv(&text);
    // Five origins on the island × two destinations; the point at sea is
    // not measured and is named in the warning.
    assert_eq!(rows.len(), 10);
    assert!(rows.iter().all(|r| r["origine"] != "au_large"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 × point à plus de 1000 m du réseau (marche) : non mesuré")
            && stderr.contains("au_large"),
        "{stderr}"
    );
    assert!(
        stderr.contains("nœuds hors de la plus grande composante écartés"),
        "{stderr}"
    );
    for r in &rows {
        // Walking: network and snapping legs at 4.5 km/h, so the time is
        // the length at that speed (to the rounding of the columns).
        let (t, km) = (num(r, "temps_min"), num(r, "distance_reseau_km"));
        assert!((t - km / 4.5 * 60.0).abs() <= 0.02, "{r:?}");
        assert!(t > 0.0, "{r:?}");
    }
    // Gustavia to the airport: about 2 km by the streets, further than
    // the 1.1 km as the crow flies.
    let g = rows
        .iter()
        .find(|r| r["origine"] == "gustavia" && r["destination"] == "aeroport")
        .unwrap();
    assert!((1.1..4.0).contains(&num(g, "distance_reseau_km")), "{g:?}");

    // A bound keeps exactly the pairs within it.
    let out = run_temps(&dir, &["--mode", "marche", "--trajet-max-min", "45"]);
    assert_exit(&out, 0);
    let bounded = read_csv(&dir.read("res/temps.csv"));
    let within: Vec<_> = rows
        .iter()
        .filter(|r| num(r, "temps_min") <= 45.0)
        .collect();
    assert_eq!(bounded.len(), within.len());
    assert!(bounded.len() < rows.len() && !bounded.is_empty());
    for (a, b) in bounded.iter().zip(within) {
        assert_eq!(a, b);
    }
}

#[test]
fn temps_nearest_by_car_and_determinism() {
    let dir = Dir::new();
    let long = run_temps(&dir, &["--mode", "voiture"]);
    assert_exit(&long, 0);
    let all = read_csv(&dir.read("res/temps.csv"));
    let out = run_temps(&dir, &["--mode", "voiture", "--plus-proche"]);
    assert_exit(&out, 0);
    let text = dir.read("res/temps.csv");
    let rows = read_csv(&text);
    // One row per origin, in the order of the file.
    let ids: Vec<&str> = rows.iter().map(|r| r["origine"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "gustavia",
            "saint_jean",
            "lorient",
            "grand_cul_de_sac",
            "colombier",
            "au_large"
        ]
    );
    // The point at sea: empty cells, and a warning naming it.
    let sea = &rows[5];
    assert!(sea["destination"].is_empty() && sea["temps_min"].is_empty());
    assert!(sea["distance_reseau_km"].is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("(voiture) : non mesuré") && stderr.contains("au_large"),
        "{stderr}"
    );
    // Each origin's nearest destination is the fastest of the long form.
    for r in &rows[..5] {
        let best = all
            .iter()
            .filter(|a| a["origine"] == r["origine"])
            .min_by(|a, b| num(a, "temps_min").total_cmp(&num(b, "temps_min")))
            .unwrap();
        assert_eq!(r["destination"], best["destination"], "{r:?}");
        assert_eq!(r["temps_min"], best["temps_min"]);
        assert_eq!(r["distance_reseau_km"], best["distance_reseau_km"]);
    }
    // Driving beats walking.
    let walk = run_temps(&dir, &["--mode", "marche", "--plus-proche"]);
    assert_exit(&walk, 0);
    let walk = read_csv(&dir.read("res/temps.csv"));
    for (c, w) in rows[..5].iter().zip(&walk) {
        assert!(num(c, "temps_min") < num(w, "temps_min"), "{c:?} {w:?}");
    }
    // Same bytes whatever the number of threads.
    let net = network();
    let args = [
        "temps",
        "--origines",
        "o.csv",
        "--destinations",
        "d.csv",
        "--reseau",
        &net,
        "--mode",
        "velo",
        "--out",
        "t",
    ];
    let one = dir.run_env(&args, &[("RAYON_NUM_THREADS", "1")]);
    assert_exit(&one, 0);
    let one = std::fs::read(dir.path().join("t/temps.csv")).unwrap();
    let eight = dir.run_env(&args, &[("RAYON_NUM_THREADS", "8")]);
    assert_exit(&eight, 0);
    let eight = std::fs::read(dir.path().join("t/temps.csv")).unwrap();
    assert_eq!(one, eight);
    // French CSV by default: BOM, `;`, decimal comma.
    assert!(one.starts_with("\u{feff}origine;destination;temps_min;distance_reseau_km".as_bytes()));
}

#[test]
fn temps_bad_network_files_exit_1_naming_the_file() {
    let dir = Dir::new();
    dir.write("o.csv", ORIGINS);
    dir.write("d.csv", DESTINATIONS);
    dir.write("pas_un_pbf.osm.pbf", "id,lon,lat\n1,2.3,49.9\n");
    let bytes = std::fs::read(fixture("network/osm_saint_barthelemy.osm.pbf")).unwrap();
    dir.write("coupe.osm.pbf", &bytes[..bytes.len() * 2 / 3]);
    for (file, says) in [
        (
            "pas_un_pbf.osm.pbf",
            "n'est pas un fichier OpenStreetMap PBF",
        ),
        ("coupe.osm.pbf", "tronqué"),
        ("absent.osm.pbf", "fichier introuvable"),
    ] {
        let out = dir.run(&[
            "temps",
            "--origines",
            "o.csv",
            "--destinations",
            "d.csv",
            "--reseau",
            file,
            "--mode",
            "marche",
            "--out",
            "res",
        ]);
        assert_exit(&out, 1);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("erreur") && stderr.contains(file) && stderr.contains(says),
            "{file}: {stderr}"
        );
        assert!(!dir.path().join("res/temps.csv").exists(), "{file}");
    }
    // A good extract followed by a bad one is refused too.
    let net = network();
    let out = dir.run(&[
        "temps",
        "--origines",
        "o.csv",
        "--destinations",
        "d.csv",
        "--reseau",
        &net,
        "--reseau",
        "coupe.osm.pbf",
        "--mode",
        "marche",
    ]);
    assert_exit(&out, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("coupe.osm.pbf"));
}

#[test]
fn temps_help_is_french_with_examples() {
    let out = Dir::new().run(&["temps", "--help"]);
    assert_exit(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Temps de parcours sur un réseau routier OpenStreetMap",
        "plus grande composante",
        "--plus-proche",
        "--rattachement-max-m",
        "Exemples",
        "maillage temps --origines",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    for english in ["Possible values", "[default", "Usage:", "Examples"] {
        assert!(!text.contains(english), "{english}:\n{text}");
    }
}

#[test]
fn temps_nearest_within_a_bound_leaves_empty_cells_with_a_warning() {
    let dir = Dir::new();
    let all = run_temps(&dir, &["--mode", "voiture", "--plus-proche"]);
    assert_exit(&all, 0);
    let all = read_csv(&dir.read("res/temps.csv"));
    let out = run_temps(
        &dir,
        &[
            "--mode",
            "voiture",
            "--plus-proche",
            "--trajet-max-min",
            "5",
        ],
    );
    assert_exit(&out, 0);
    let rows = read_csv(&dir.read("res/temps.csv"));
    assert_eq!(rows.len(), all.len());
    let mut beyond = Vec::new();
    for (a, b) in all.iter().zip(&rows) {
        if a["temps_min"].is_empty() {
            assert!(b["temps_min"].is_empty());
        } else if num(a, "temps_min") <= 5.0 {
            assert_eq!(a, b);
        } else {
            assert!(
                b["destination"].is_empty() && b["temps_min"].is_empty(),
                "{b:?}"
            );
            beyond.push(a["origine"].clone());
        }
    }
    assert!(!beyond.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{} × aucune destination à moins de 5 min (voiture) : cellules vides",
            beyond.len()
        )) && stderr.contains(&beyond[0]),
        "{stderr}"
    );
}

#[test]
fn temps_refuses_destinations_it_cannot_measure() {
    let dir = Dir::new();
    dir.write("o.csv", ORIGINS);
    dir.write("vide.csv", "id,lon,lat\n");
    dir.write("en_mer.csv", "id,lon,lat\nbouee,-62.7000,17.8000\n");
    let net = network();
    for (file, says) in [
        ("vide.csv", "aucune destination dans le fichier"),
        (
            "en_mer.csv",
            "aucune destination à moins de 1000 m du réseau",
        ),
    ] {
        let out = dir.run(&[
            "temps",
            "--origines",
            "o.csv",
            "--destinations",
            file,
            "--reseau",
            &net,
            "--mode",
            "velo",
        ]);
        assert_exit(&out, 1);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(file) && stderr.contains(says), "{stderr}");
    }
}

/// `maillage reseau` then `temps --reseau FILE`: the same temps.csv as from
/// the extract, for every mode; a file cut short, altered, of another format
/// version, mixed with an extract or prepared at another speed is refused,
/// naming the file, and nothing is written.
#[test]
fn temps_prepared_network_round_trip_and_refusals() {
    let dir = Dir::new();
    let net = network();
    let out = dir.run(&["reseau", "--osm", &net, "--out", "sbh.reseau"]);
    assert_exit(&out, 0);
    for mode in ["marche", "velo", "voiture"] {
        let from_pbf = run_temps(&dir, &["--mode", mode, "--plus-proche"]);
        assert_exit(&from_pbf, 0);
        let expected = dir.read("res/temps.csv");
        std::fs::remove_dir_all(dir.path().join("res")).unwrap();
        let from_file = dir.run(&[
            "temps",
            "--origines",
            "o.csv",
            "--destinations",
            "d.csv",
            "--reseau",
            "sbh.reseau",
            "--csv",
            "rfc4180",
            "--out",
            "res",
            "--mode",
            mode,
            "--plus-proche",
        ]);
        assert_exit(&from_file, 0);
        assert_eq!(dir.read("res/temps.csv"), expected, "{mode}");
        std::fs::remove_dir_all(dir.path().join("res")).unwrap();
    }
    let bytes = std::fs::read(dir.path().join("sbh.reseau")).unwrap();
    dir.write("coupe.reseau", &bytes[..bytes.len() / 2]);
    let mut altered = bytes.clone();
    let at = bytes.len() * 2 / 3;
    altered[at] ^= 1;
    dir.write("altere.reseau", &altered);
    let mut stale = bytes.clone();
    stale[16] = stale[16].wrapping_add(1);
    dir.write("ancien.reseau", &stale);
    let refused = |reseau: &[&str], extra: &[&str], says: &str, names: &str| {
        let mut args = vec!["temps", "--origines", "o.csv", "--destinations", "d.csv"];
        for r in reseau {
            args.extend(["--reseau", r]);
        }
        args.extend(["--mode", "marche", "--out", "res"]);
        args.extend_from_slice(extra);
        let out = dir.run(&args);
        assert_exit(&out, 1);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("erreur") && stderr.contains(names) && stderr.contains(says),
            "{reseau:?}: {stderr}"
        );
        assert!(!dir.path().join("res/temps.csv").exists(), "{reseau:?}");
    };
    refused(&["coupe.reseau"], &[], "tronqué", "coupe.reseau");
    refused(&["altere.reseau"], &[], "corrompu", "altere.reseau");
    refused(&["ancien.reseau"], &[], "périmé", "ancien.reseau");
    refused(
        &["sbh.reseau", &net],
        &[],
        "ne se fusionne pas",
        "sbh.reseau",
    );
    refused(
        &["sbh.reseau"],
        &["--vitesse-marche-kmh", "5"],
        "préparez-le à nouveau avec maillage reseau --vitesse-marche-kmh 5",
        "sbh.reseau",
    );
}
