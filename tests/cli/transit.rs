//! `--mode transport` on the real Porto Alegre feeds (`tests/fixtures/transit/`,
//! r5r's example data) and walking network: the options it needs, the date
//! the feeds must cover, each refused with a French message that names the
//! option or the file, and nothing written.

use crate::util::{assert_exit, fixture, read_csv, Dir};

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
    let rows = read_csv(&dir.read("out/temps.csv"));
    assert_eq!(rows.len(), 4, "one row per pair");
    assert!(
        rows.iter().all(|r| r["temps_min"].parse::<f64>().is_ok()),
        "every pair reached: {rows:?}"
    );
}

fn num(s: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|_| panic!("« {s} » is not a number"))
}

/// A small GTFS folder over the mini territory: one bus line Amiens –
/// (halfway) – Péronne and back, every 10 minutes from 08:00 to 09:30 on
/// Monday 2026-12-07, 20 minutes between stops.
fn mini_feed(dir: &Dir) -> String {
    dir.write(
        "gtfs/agency.txt",
        "agency_id,agency_name,agency_url,agency_timezone\n\
         T,Test,https://example.org,Europe/Paris\n",
    );
    dir.write(
        "gtfs/stops.txt",
        "stop_id,stop_name,stop_lat,stop_lon\n\
         A,Amiens,49.8960,2.2951\n\
         B,Milieu,49.9140,2.6148\n\
         C,Péronne,49.9320,2.9345\n",
    );
    dir.write(
        "gtfs/routes.txt",
        "route_id,agency_id,route_short_name,route_type\nL,T,1,3\n",
    );
    dir.write(
        "gtfs/calendar.txt",
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
         S,1,0,0,0,0,0,0,20261207,20261207\n",
    );
    let mut trips = String::from("route_id,service_id,trip_id\n");
    let mut times = String::from("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n");
    for k in 0..10 {
        let start = 8 * 60 + 10 * k;
        for (dir_name, stops) in [("out", ["A", "B", "C"]), ("back", ["C", "B", "A"])] {
            let id = format!("{dir_name}{k}");
            trips.push_str(&format!("L,S,{id}\n"));
            for (n, stop) in stops.iter().enumerate() {
                let m = start + 20 * n;
                let t = format!("{:02}:{:02}:00", m / 60, m % 60);
                times.push_str(&format!("{id},{t},{t},{stop},{}\n", n + 1));
            }
        }
    }
    dir.write("gtfs/trips.txt", trips);
    dir.write("gtfs/stop_times.txt", times);
    dir.path().join("gtfs").display().to_string()
}

/// `distance --mode transport` measures the grid and the points by public
/// transport too (they were left without times, and `grille_temps.tif`
/// unwritten, when the run's measure was public transport): each point's
/// time is what `maillage temps --plus-proche` gives to the sites.
#[test]
fn distance_by_public_transport_measures_the_grid_and_the_points() {
    let dir = Dir::new();
    let gtfs = mini_feed(&dir);
    dir.write(
        "points.csv",
        "id,lon,lat\np1,2.6150,49.9138\np2,2.9347,49.9318\np3,2.9888,49.8030\n",
    );
    let f = |n: &str| fixture(&format!("mini/{n}")).display().to_string();
    let grid = fixture("network/mini_grid.osm.pbf").display().to_string();
    let transport = [
        "--reseau",
        &grid,
        "--mode",
        "transport",
        "--gtfs",
        &gtfs,
        "--depart",
        "2026-12-07T08:00",
        "--fenetre-min",
        "10",
        "--csv",
        "rfc4180",
        "--quiet",
    ];
    let (communes, zones, sites, classement) = (
        f("communes.geojson"),
        f("zones.csv"),
        f("sites.csv"),
        f("classement.csv"),
    );
    let mut a = vec![
        "distance",
        "--communes",
        &communes,
        "--zones",
        &zones,
        "--sites",
        &sites,
        "--classement",
        &classement,
        "--grid-m",
        "2000",
        "--points",
        "points.csv",
        "--out",
        "d",
    ];
    a.extend(transport);
    assert_exit(&dir.run(&a), 0);
    assert!(dir.path().join("d/grille_temps.tif").exists());
    let cells = read_csv(&dir.read("d/grille_distance.csv"));
    assert!(cells.iter().all(|r| r["mode"] == "transport"));
    assert!(cells.iter().any(|r| !r["temps_min"].is_empty()));

    // The sites as points, in site-id order; PER-A01 stands at Péronne's
    // town hall.
    dir.write(
        "sites_points.csv",
        "id,lon,lat\n\
         AMI-S00,2.295408,49.893422\n\
         HAM-P01,3.0733,49.7466\n\
         NOY-P01,3.0005,49.5809\n\
         NOY-S00,3.0005,49.5809\n\
         PER-A01,2.93478,49.929501\n",
    );
    let mut a = vec![
        "temps",
        "--origines",
        "points.csv",
        "--destinations",
        "sites_points.csv",
        "--plus-proche",
        "--out",
        "t",
    ];
    a.extend(transport);
    assert_exit(&dir.run(&a), 0);
    let want = read_csv(&dir.read("t/temps.csv"));
    let got = read_csv(&dir.read("d/points_distance.csv"));
    assert_eq!(got.len(), 3);
    let mut measured = 0;
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g["id"], w["origine"]);
        assert_eq!(g["mode"], "transport");
        assert_eq!(
            g["site_plus_proche_reseau"], w["destination"],
            "{}",
            g["id"]
        );
        assert_eq!(g["temps_min"].is_empty(), w["temps_min"].is_empty());
        if g["temps_min"].is_empty() {
            continue;
        }
        measured += 1;
        assert!(
            (num(&g["temps_min"]) - num(&w["temps_min"])).abs() <= 0.01 + 1e-9,
            "{}: {} in points_distance.csv, {} by maillage temps",
            g["id"],
            g["temps_min"],
            w["temps_min"]
        );
    }
    // p1, 22 km from any site, only by the bus; p2 on foot near Péronne's
    // town hall; p3 in Y, 8.7 km from any site, beyond 120 minutes.
    assert_eq!(measured, 2);
    assert_eq!(got[0]["site_plus_proche_reseau"], "PER-A01");
}
