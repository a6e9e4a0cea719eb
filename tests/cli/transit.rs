//! `--mode transport` on the real Porto Alegre feeds (`tests/fixtures/transit/`,
//! r5r's example data) and walking network: the options it needs, the date
//! the feeds must cover, each refused with a French message that names the
//! option or the file, and nothing written.

use crate::util::{assert_exit, fixture, Dir};

fn walk_network() -> String {
    fixture("network/poa_osm.pbf").display().to_string()
}

fn feed(name: &str) -> String {
    fixture(&format!("transit/{name}")).display().to_string()
}

/// A few hexagon centroids of `network/poa_hexgrid.csv` as origins and
/// destinations of `maillage temps`.
fn points(dir: &Dir) {
    dir.write(
        "origines.csv",
        "id,lon,lat\n\
         a,-51.2118666785315,-30.1005760100267\n\
         b,-51.1582459466033,-30.0538460280879\n",
    );
    dir.write(
        "destinations.csv",
        "id,lon,lat\n\
         s1,-51.191993,-30.060682\n\
         s2,-51.195194,-30.064572\n",
    );
}

/// Runs `maillage temps` with `extra` options, expects exit status 1, and
/// returns stderr; the output folder must not exist afterwards.
fn refused(extra: &[&str]) -> String {
    let dir = Dir::new();
    points(&dir);
    let net = walk_network();
    let mut args = vec![
        "temps",
        "--origines",
        "origines.csv",
        "--destinations",
        "destinations.csv",
        "--reseau",
        &net,
        "--out",
        "out",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let out = dir.run(&args);
    assert_exit(&out, 1);
    assert!(
        !dir.path().join("out").exists(),
        "nothing written for {extra:?}"
    );
    assert!(out.stdout.is_empty(), "{extra:?}: nothing on stdout");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn transport_without_timetables_departure_or_a_covered_date_is_refused() {
    let eptc = feed("poa_eptc.zip");
    let trensurb = feed("poa_trensurb.zip");

    let err = refused(&["--mode", "transport", "--depart", "2019-05-13T14:00"]);
    assert!(
        err.contains("--gtfs") && err.contains("donnez les horaires"),
        "{err}"
    );

    let err = refused(&["--mode", "transport", "--gtfs", &eptc]);
    assert!(
        err.contains("--depart") && err.contains("donnez le jour et l'heure du départ"),
        "{err}"
    );

    // Both feeds run from April to July 2019: a day of 2021 is in neither.
    let err = refused(&[
        "--mode",
        "transport",
        "--gtfs",
        &eptc,
        "--gtfs",
        &trensurb,
        "--depart",
        "2021-05-13T14:00",
    ]);
    assert!(
        err.contains("poa_eptc.zip")
            && err.contains("2021-05-13")
            && err.contains("hors de la période")
            && err.contains("du 2019-04-15 au 2019-07-15"),
        "{err}"
    );

    // Timetables without public transport.
    for mode in ["marche", "velo", "voiture"] {
        let err = refused(&["--mode", mode, "--gtfs", &eptc]);
        assert!(
            err.contains("--gtfs") && err.contains("qu'avec --mode transport"),
            "{mode}: {err}"
        );
    }
}

/// The same points, options complete: the run succeeds and writes its table
/// (so the refusals above are about the missing piece, not the points).
#[test]
fn transport_with_every_option_measures_the_points() {
    let dir = Dir::new();
    points(&dir);
    let net = walk_network();
    let (eptc, trensurb) = (feed("poa_eptc.zip"), feed("poa_trensurb.zip"));
    let out = dir.run(&[
        "temps",
        "--origines",
        "origines.csv",
        "--destinations",
        "destinations.csv",
        "--reseau",
        &net,
        "--mode",
        "transport",
        "--gtfs",
        &eptc,
        "--gtfs",
        &trensurb,
        "--depart",
        "2019-05-13T14:00",
        "--fenetre-min",
        "0",
        "--csv",
        "rfc4180",
        "--out",
        "out",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let rows = crate::util::read_csv(&dir.read("out/temps.csv"));
    assert_eq!(rows.len(), 4, "one row per pair");
    assert!(
        rows.iter().all(|r| r["temps_min"].parse::<f64>().is_ok()),
        "every pair reached: {rows:?}"
    );
}
