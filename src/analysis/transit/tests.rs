//! The range RAPTOR against a plain connection scan written here, on
//! seeded timetables over a synthetic street grid, and each rule of the
//! model on small cases made for it.
//!
//! The reference (Dibbelt, Pajor, Strasser, Wagner, *Connection Scan
//! Algorithm*, 2018) routes each departure minute on its own: connections
//! sorted by departure, a trip usable once boarded, transfers relaxed as
//! soon as a vehicle reaches a stop; then the median is taken by sorting.
//! It shares with the router only the walking legs (the walking router is
//! checked against its own reference in `travel/tests.rs`).

use super::*;
use crate::index::network::Speeds;
use crate::model::osm::{RawOsm, RawWay};
use crate::model::transit::{Date, MinTransfer, TransitStop, TransitTrip};
use crate::seeded::SplitMix64;
use std::sync::Arc;

/// A street grid of `n × n` nodes about 100 m apart (footways), from
/// longitude 2 and latitude 50.
fn grid(n: i64) -> Network {
    let id = |x: i64, y: i64| y * n + x + 1;
    let mut nodes = Vec::new();
    for y in 0..n {
        for x in 0..n {
            nodes.push((
                id(x, y),
                LonLat::new(2.0 + x as f64 * 0.0014, 50.0 + y as f64 * 0.0009),
            ));
        }
    }
    let mut ways = Vec::new();
    for k in 0..n {
        let row: Vec<i64> = (0..n).map(|x| id(x, k)).collect();
        let col: Vec<i64> = (0..n).map(|y| id(k, y)).collect();
        ways.push(RawWay::new(1 + 2 * k, &row, &[("highway", "footway")]));
        ways.push(RawWay::new(2 + 2 * k, &col, &[("highway", "footway")]));
    }
    ways.sort_by_key(|w| w.id);
    let raw = RawOsm {
        nodes,
        ways,
        files: vec![],
    };
    Network::build(&raw, TravelMode::Marche, Speeds::default())
}

fn stop(i: usize, p: LonLat) -> TransitStop {
    TransitStop {
        id: format!("t:{i}"),
        name: String::new(),
        position: p,
    }
}

fn trip(k: usize, stops: Vec<u32>, times: Vec<i32>) -> TransitTrip {
    TransitTrip {
        id: format!("t:{k}"),
        route: "t:r".into(),
        stops,
        arrivals: times.clone(),
        departures: times,
    }
}

fn timetable(stops: Vec<TransitStop>, trips: Vec<TransitTrip>) -> Timetable {
    Timetable {
        date: Date::new(2019, 5, 13).unwrap(),
        stops,
        trips,
        transfers: vec![],
        feeds: vec![],
    }
}

fn params(departure: i32, window_min: u32) -> TransitParams {
    TransitParams {
        departure,
        window_min,
        walk_max_s: 900,
        max_s: 7200,
        snap_max: Meters(500.0),
    }
}

/// The reference's walking legs and connections for one timetable and
/// one set of destinations, built once from their own searches.
struct Reference {
    p: TransitParams,
    stops: Vec<Option<Snap>>,
    /// Per stop: (other stop, seconds), with `transfers.txt` applied.
    foot: Vec<Vec<(usize, i32)>>,
    same: Vec<Option<i32>>,
    /// Per stop: (destination, seconds).
    egress: Vec<Vec<(usize, i32)>>,
    /// (departure, arrival, trip, from, to), sorted.
    conns: Vec<(i32, i32, usize, u32, u32)>,
    trips: usize,
    destinations: usize,
}

fn secs(ms: u64) -> i32 {
    ((ms + 500) / 1000) as i32
}

fn walks(walk: &Network, from: &Snap, to: &[Option<Snap>], max_s: u32) -> Vec<(usize, i32)> {
    let targets = Targets::new(walk, to);
    let max = Some(u64::from(max_s) * 1000);
    one_to_many(walk, from, to, &targets, max, &mut Scratch::default())
        .into_iter()
        .map(|t| (t.destination, secs(t.time_ms)))
        .collect()
}

impl Reference {
    fn new(walk: &Network, tt: &Timetable, p: TransitParams, destinations: &[LonLat]) -> Self {
        let snap = |q: LonLat| walk.snap(q, p.snap_max);
        let stops: Vec<Option<Snap>> = tt.stops.iter().map(|s| snap(s.position)).collect();
        let dests: Vec<Option<Snap>> = destinations.iter().map(|d| snap(*d)).collect();
        let mut foot: Vec<Vec<(usize, i32)>> = stops
            .par_iter()
            .enumerate()
            .map(|(s, sn)| {
                sn.as_ref().map_or_else(Vec::new, |sn| {
                    walks(walk, sn, &stops, p.walk_max_s)
                        .into_iter()
                        .filter(|(q, _)| *q != s)
                        .collect()
                })
            })
            .collect();
        let mut same: Vec<Option<i32>> = vec![Some(0); tt.stops.len()];
        for t in &tt.transfers {
            let (a, b) = (t.from as usize, t.to as usize);
            if a == b {
                same[a] = t.seconds.map(|x| x as i32);
            } else {
                let k = foot[a].iter().position(|(q, _)| *q == b);
                match (t.seconds, k) {
                    (None, Some(k)) => {
                        foot[a].remove(k);
                    }
                    (Some(m), Some(k)) => foot[a][k].1 = foot[a][k].1.max(m as i32),
                    (Some(m), None) => foot[a].push((b, m as i32)),
                    (None, None) => {}
                }
            }
        }
        let egress: Vec<Vec<(usize, i32)>> = stops
            .par_iter()
            .map(|sn| {
                sn.as_ref()
                    .map_or_else(Vec::new, |sn| reverse_walks(walk, sn, &dests, p.walk_max_s))
            })
            .collect();
        let mut conns = Vec::new();
        for (k, t) in tt.trips.iter().enumerate() {
            for i in 1..t.stops.len() {
                conns.push((
                    t.departures[i - 1],
                    t.arrivals[i],
                    k,
                    t.stops[i - 1],
                    t.stops[i],
                ));
            }
        }
        conns.sort();
        Reference {
            p,
            stops,
            foot,
            same,
            egress,
            conns,
            trips: tt.trips.len(),
            destinations: destinations.len(),
        }
    }

    /// A connection scan per departure minute, transit only (at least one
    /// trip), then the median as the module defines it.
    fn medians(&self, walk: &Network, origin: LonLat) -> Vec<Option<i32>> {
        let p = &self.p;
        let o = walk.snap(origin, p.snap_max).unwrap();
        let access = walks(walk, &o, &self.stops, p.walk_max_s);
        let n = self.stops.len();
        let w_n = p.departures();
        let mut samples = vec![vec![i32::MAX; w_n]; self.destinations];
        #[allow(clippy::needless_range_loop)]
        for w in 0..w_n {
            let tau = p.departure + 60 * w as i32;
            let mut board = vec![i32::MAX; n];
            let mut vehicle = vec![i32::MAX; n];
            let mut on = vec![false; self.trips];
            for &(st, a) in &access {
                board[st] = board[st].min(tau + a);
            }
            for &(dep, arr, k, from, to) in &self.conns {
                if dep < tau {
                    continue;
                }
                if on[k] || board[from as usize] <= dep {
                    on[k] = true;
                    let to = to as usize;
                    if arr < vehicle[to] {
                        vehicle[to] = arr;
                        if let Some(m) = self.same[to] {
                            board[to] = board[to].min(arr + m);
                        }
                        for &(q, wk) in &self.foot[to] {
                            board[q] = board[q].min(arr + wk);
                        }
                    }
                }
            }
            for (st, eg) in self.egress.iter().enumerate() {
                if vehicle[st] == i32::MAX {
                    continue;
                }
                for &(d, e) in eg {
                    let t = vehicle[st] + e - tau;
                    if t <= p.max_s as i32 && t < samples[d][w] {
                        samples[d][w] = t;
                    }
                }
            }
        }
        // R5: index round(0.5 × n) of the sorted times (Java rounds half up).
        let index = if w_n == 1 {
            0
        } else {
            (0.5 * w_n as f64).round() as usize
        };
        samples
            .into_iter()
            .map(|mut v| {
                v.sort();
                let t = v[index.min(w_n - 1)];
                (t != i32::MAX).then_some(t)
            })
            .collect()
    }
}

/// Walks from a stop to the destinations, searched forward from the stop
/// (the router searches backward from each destination: both give the
/// same costs).
fn reverse_walks(
    walk: &Network,
    stop: &Snap,
    dests: &[Option<Snap>],
    max_s: u32,
) -> Vec<(usize, i32)> {
    walks(walk, stop, dests, max_s)
}

fn reference(
    walk: &Network,
    tt: &Timetable,
    p: &TransitParams,
    origin: LonLat,
    destinations: &[LonLat],
) -> Vec<Option<i32>> {
    Reference::new(walk, tt, *p, destinations).medians(walk, origin)
}

/// Seeded stops on the grid and trips through them: several lines, each run
/// many times a morning in both directions, with dwell and running times.
fn random_timetable(seed: u64, walk: &Network) -> (Timetable, Vec<LonLat>) {
    let mut rng = SplitMix64(seed);
    let n_nodes = walk.node_count();
    let stops: Vec<TransitStop> = (0..60)
        .map(|i| {
            let v = (rng.next_f64() * n_nodes as f64) as u32;
            let q = walk.position(v);
            stop(
                i,
                LonLat::new(
                    q.lon + 0.0002 * rng.next_f64(),
                    q.lat + 0.0002 * rng.next_f64(),
                ),
            )
        })
        .collect();
    let mut trips = Vec::new();
    for _line in 0..12 {
        let len = 3 + (rng.next_f64() * 8.0) as usize;
        let seq: Vec<u32> = (0..len).map(|_| (rng.next_f64() * 60.0) as u32).collect();
        let hops: Vec<i32> = (1..len)
            .map(|_| 60 + (rng.next_f64() * 400.0) as i32)
            .collect();
        let headway = 300 + (rng.next_f64() * 900.0) as i32;
        for dir in 0..2 {
            let mut s = seq.clone();
            let mut h = hops.clone();
            if dir == 1 {
                s.reverse();
                h.reverse();
            }
            let mut start = 6 * 3600 + (rng.next_f64() * 1200.0) as i32;
            while start < 10 * 3600 {
                let mut times = vec![start];
                for &d in &h {
                    times.push(times.last().unwrap() + d);
                }
                trips.push(trip(trips.len(), s.clone(), times));
                start += headway;
            }
        }
    }
    let mut tt = timetable(stops, trips);
    // Some transfer rules.
    tt.transfers = vec![
        MinTransfer {
            from: 0,
            to: 0,
            seconds: Some(240),
        },
        MinTransfer {
            from: 1,
            to: 2,
            seconds: Some(1500),
        },
        MinTransfer {
            from: 3,
            to: 3,
            seconds: None,
        },
    ];
    let places: Vec<LonLat> = (0..25)
        .map(|_| {
            let v = (rng.next_f64() * n_nodes as f64) as u32;
            walk.position(v)
        })
        .collect();
    (tt, places)
}

#[test]
fn range_raptor_matches_a_connection_scan_per_minute() {
    let walk = Arc::new(grid(30));
    let mut compared = 0;
    let mut reached = 0;
    for seed in 1..=4 {
        let (tt, places) = random_timetable(seed, &walk);
        for (window, departure) in [(0, 7 * 3600), (1, 7 * 3600 + 600), (30, 7 * 3600 + 1800)] {
            let p = params(departure, window);
            let transit = Transit::new(walk.clone(), &tt, p);
            let egress = transit.egress(&places);
            let mut ws = Workspace::default();
            for &o in &places[..8] {
                let snap = walk.snap(o, p.snap_max).unwrap();
                let got = transit.transit_medians(&snap, &egress, &mut ws);
                let want = reference(&walk, &tt, &p, o, &places);
                assert_eq!(got, want, "seed {seed}, window {window}, origin {o:?}");
                compared += got.len();
                reached += got.iter().flatten().count();
            }
        }
    }
    assert!(
        reached > compared / 3,
        "only {reached} of {compared} reached"
    );
}

/// Two stops 1.4 km apart on the grid's bottom row (nodes 0 and 14), one
/// bus between them.
fn one_bus(times: &[i32]) -> (Arc<Network>, Timetable) {
    let walk = Arc::new(grid(16));
    let a = walk.position(0);
    let b = walk.position(14);
    let trips = times
        .iter()
        .enumerate()
        .map(|(k, &t)| trip(k, vec![0, 1], vec![t, t + 120]))
        .collect();
    (walk, timetable(vec![stop(0, a), stop(1, b)], trips))
}

#[test]
fn boarding_at_the_departure_second_is_allowed() {
    let (walk, tt) = one_bus(&[8 * 3600]);
    let p = params(8 * 3600, 0);
    let t = Transit::new(walk.clone(), &tt, p);
    let dest = [walk.position(14)];
    let e = t.egress(&dest);
    let at_stop = walk.snap(walk.position(0), p.snap_max).unwrap();
    let mut ws = Workspace::default();
    // At the stop at 8:00:00, the bus leaves at 8:00:00: boarded.
    assert_eq!(t.transit_medians(&at_stop, &e, &mut ws), vec![Some(120)]);
    // A second later, no bus.
    let late = Transit::new(walk.clone(), &tt, params(8 * 3600 + 1, 0));
    assert_eq!(late.transit_medians(&at_stop, &e, &mut ws), vec![None]);
}

#[test]
fn walking_alone_beats_a_late_bus_and_counts_whatever_its_length() {
    // The bus comes 40 minutes after the departure: walking the 1.4 km
    // (about 19 minutes at 4.5 km/h) is faster, and longer than the
    // 15-minute limit on legs to and from stops.
    let (walk, tt) = one_bus(&[8 * 3600 + 2400]);
    let p = params(8 * 3600, 0);
    let t = Transit::new(walk.clone(), &tt, p);
    let dest = [walk.position(14)];
    let e = t.egress(&dest);
    let o = walk.snap(walk.position(0), p.snap_max).unwrap();
    let mut ws = Workspace::default();
    let bus = t.transit_medians(&o, &e, &mut ws)[0].unwrap();
    assert_eq!(bus, 2400 + 120);
    let both = t.times(&o, &e, 7200, &mut ws)[0].unwrap() as f64 / 1000.0;
    let crow = crate::geom::distance(walk.position(0), walk.position(14)).0;
    assert!(
        both < 1200.0 && both >= crow / (4.5 / 3.6) - 1.0,
        "{both} s"
    );
}

#[test]
fn the_window_reports_the_median_departure() {
    // Buses at 8:10 and 8:40; departures 8:00 … 8:59 from the stop: the
    // times are 10…1 min then 30…1 min then 20…… min to the next morning
    // (none: unreachable within the window's trips after 8:40).
    let (walk, tt) = one_bus(&[8 * 3600 + 600, 8 * 3600 + 2400]);
    let p = params(8 * 3600, 60);
    let t = Transit::new(walk.clone(), &tt, p);
    let dest = [walk.position(14)];
    let e = t.egress(&dest);
    let o = walk.snap(walk.position(0), p.snap_max).unwrap();
    let mut ws = Workspace::default();
    let got = t.transit_medians(&o, &e, &mut ws)[0];
    // Per minute m (0..60): wait to the next bus + 120 s ride.
    let mut v: Vec<i32> = (0..60)
        .map(|m| {
            let now = 60 * m;
            if now <= 600 {
                600 - now + 120
            } else if now <= 2400 {
                2400 - now + 120
            } else {
                i32::MAX
            }
        })
        .collect();
    v.sort();
    assert_eq!(got, Some(v[30]));
    // 19 minutes out of 60 are unreachable: the median is still a time.
    assert!(v[30] < i32::MAX);
}

#[test]
fn transfers_honour_the_feed_minimum_and_forbidden_ones() {
    // Bus 0 from stop 0 to stop 1 arrives 8:02; bus 1 leaves stop 1 at
    // 8:03 for stop 2. A 60 s same-stop minimum lets the transfer happen; a
    // 120 s one makes it miss; a forbidden transfer makes stop 2
    // unreachable.
    // Stops at the grid's corners (0, 0), (14, 0) and (14, 14): more than
    // 15 minutes on foot from one another.
    let walk = Arc::new(grid(16));
    let stops = vec![
        stop(0, walk.position(0)),
        stop(1, walk.position(14)),
        stop(2, walk.position(238)),
    ];
    let trips = vec![
        trip(0, vec![0, 1], vec![8 * 3600, 8 * 3600 + 120]),
        trip(1, vec![1, 2], vec![8 * 3600 + 180, 8 * 3600 + 300]),
    ];
    let dest = [walk.position(238)];
    let o = walk.snap(walk.position(0), Meters(500.0)).unwrap();
    let mut ws = Workspace::default();
    for (rule, want) in [(Some(60), Some(300)), (Some(120), None), (None, None)] {
        let mut tt = timetable(stops.clone(), trips.clone());
        tt.transfers = vec![MinTransfer {
            from: 1,
            to: 1,
            seconds: rule,
        }];
        let t = Transit::new(walk.clone(), &tt, params(8 * 3600, 0));
        let e = t.egress(&dest);
        assert_eq!(t.transit_medians(&o, &e, &mut ws), vec![want], "{rule:?}");
    }
}

#[test]
fn trips_longer_than_the_limit_are_unreachable() {
    let (walk, tt) = one_bus(&[8 * 3600 + 1800]);
    let mut p = params(8 * 3600, 0);
    let dest = [walk.position(14)];
    let o = walk.snap(walk.position(0), p.snap_max).unwrap();
    let mut ws = Workspace::default();
    p.max_s = 1920;
    let t = Transit::new(walk.clone(), &tt, p);
    let e = t.egress(&dest);
    assert_eq!(t.transit_medians(&o, &e, &mut ws), vec![Some(1920)]);
    p.max_s = 1919;
    let t = Transit::new(walk.clone(), &tt, p);
    let e = t.egress(&dest);
    assert_eq!(t.transit_medians(&o, &e, &mut ws), vec![None]);
}

/// The real Porto Alegre feeds (EPTC buses, Trensurb rail) and walking
/// network: for seeded hexagons, the median times by public transport to
/// the hexagons with healthcare agree with the connection scan, every one
/// (a gap of one second would fail).
#[test]
fn porto_alegre_feeds_agree_with_the_connection_scan() {
    use std::path::Path;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let raw = crate::load::osm::read_osm(&[root.join("network/poa_osm.pbf")]).unwrap();
    let walk = Arc::new(Network::build(&raw, TravelMode::Marche, Speeds::default()));
    let date = Date::new(2019, 5, 13).unwrap();
    let feeds = [
        root.join("transit/poa_eptc.zip"),
        root.join("transit/poa_trensurb.zip"),
    ];
    let mut warnings = crate::warnings::Warnings::new();
    let tt = crate::load::gtfs::read_gtfs(&feeds, date, &mut warnings).unwrap();
    let text = std::fs::read_to_string(root.join("network/poa_hexgrid.csv")).unwrap();
    let hexes: Vec<(LonLat, bool)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let p = LonLat::new(f[1].parse().unwrap(), f[2].parse().unwrap());
            (p, f[6].parse::<u32>().unwrap_or(0) > 0)
        })
        .collect();
    let health: Vec<LonLat> = hexes.iter().filter(|h| h.1).map(|h| h.0).collect();
    assert!(health.len() > 100, "{}", health.len());
    // The EPTC sample feed runs from 11:00 to 16:00 only: the r5r examples
    // leave at 14:00.
    let p = TransitParams {
        departure: 14 * 3600,
        window_min: 10,
        walk_max_s: 900,
        max_s: 7200,
        snap_max: Meters(1000.0),
    };
    let transit = Transit::new(walk.clone(), &tt, p);
    let egress = transit.egress(&health);
    let reference = Reference::new(&walk, &tt, p, &health);
    let mut rng = SplitMix64(2019);
    let mut ws = Workspace::default();
    let (mut pairs, mut reached) = (0, 0);
    while pairs < 40 * health.len() {
        let (o, _) = hexes[(rng.next_f64() * hexes.len() as f64) as usize];
        let Some(snap) = walk.snap(o, p.snap_max) else {
            continue;
        };
        let got = transit.transit_medians(&snap, &egress, &mut ws);
        let want = reference.medians(&walk, o);
        assert_eq!(got, want, "origin {o:?}");
        pairs += got.len();
        reached += got.iter().flatten().count();
    }
    assert!(reached > pairs / 2, "{reached} of {pairs} reached");
    eprintln!("{reached} of {pairs} pairs reached by public transport, all equal to the reference");
}
