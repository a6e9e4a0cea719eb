//! The router against an independent Dijkstra on the real extracts, and the
//! tie and bound rules on small graphs.
//!
//! The reference below builds its own adjacency lists straight from the raw
//! ways (a `HashMap` from OSM node id to index, `f64` seconds and metres per
//! arc, no rounding, no component filtering, no CSR) and runs a textbook
//! `BinaryHeap` Dijkstra; it shares with the router only the way rules
//! ([`rules::way_use`], tested on their own) and the geodesic function.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use super::*;
use crate::base::TravelMode;
use crate::base::{LonLat, Meters};
use crate::geom::distance;
use crate::index::network::{rules, Speeds};
use crate::load::osm::read_osm;
use crate::model::osm::{RawOsm, RawWay};
use crate::seeded::SplitMix64;

fn extract(name: &str) -> &'static RawOsm {
    static SBH: OnceLock<RawOsm> = OnceLock::new();
    static POA: OnceLock<RawOsm> = OnceLock::new();
    let cell = if name.starts_with("osm_saint") {
        &SBH
    } else {
        &POA
    };
    cell.get_or_init(|| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/network")
            .join(name);
        read_osm(&[p]).expect("fixture reads")
    })
}

const SBH: &str = "osm_saint_barthelemy.osm.pbf";
const POA: &str = "poa_osm.pbf";

/// The independent reference graph.
struct Reference {
    index: HashMap<i64, usize>,
    ids: Vec<i64>,
    pos: Vec<LonLat>,
    /// `adj[u]`: (v, seconds, metres).
    adj: Vec<Vec<(usize, f64, f64)>>,
}

impl Reference {
    fn new(raw: &RawOsm, mode: TravelMode, speeds: Speeds) -> Self {
        let pos_of: HashMap<i64, LonLat> = raw.nodes.iter().copied().collect();
        let mut r = Reference {
            index: HashMap::new(),
            ids: Vec::new(),
            pos: Vec::new(),
            adj: Vec::new(),
        };
        for w in &raw.ways {
            let Some(u) = rules::way_use(w, mode, speeds) else {
                continue;
            };
            let mps = u.speed_kmh / 3.6;
            for pair in w.nodes.windows(2) {
                let (Some(&pa), Some(&pb)) = (pos_of.get(&pair[0]), pos_of.get(&pair[1])) else {
                    continue;
                };
                if pair[0] == pair[1] {
                    continue;
                }
                let (a, b) = (r.node(pair[0], pa), r.node(pair[1], pb));
                let m = distance(pa, pb).0;
                if u.forward {
                    r.adj[a].push((b, m / mps, m));
                }
                if u.backward {
                    r.adj[b].push((a, m / mps, m));
                }
            }
        }
        r
    }

    fn node(&mut self, id: i64, p: LonLat) -> usize {
        if let Some(&i) = self.index.get(&id) {
            return i;
        }
        self.index.insert(id, self.ids.len());
        self.ids.push(id);
        self.pos.push(p);
        self.adj.push(Vec::new());
        self.ids.len() - 1
    }

    /// Seconds and arc count from the sources (node, initial seconds) to
    /// every node.
    fn dijkstra(&self, sources: &[(usize, f64)]) -> Vec<(f64, usize)> {
        #[derive(PartialEq)]
        struct Item(f64, usize, usize);
        impl Eq for Item {}
        impl PartialOrd for Item {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }
        impl Ord for Item {
            fn cmp(&self, o: &Self) -> Ordering {
                o.0.total_cmp(&self.0)
            }
        }
        let mut dist = vec![(f64::INFINITY, 0); self.ids.len()];
        let mut heap = BinaryHeap::new();
        for &(s, t0) in sources {
            if t0 < dist[s].0 {
                dist[s] = (t0, 0);
                heap.push(Item(t0, s, 0));
            }
        }
        while let Some(Item(t, u, hops)) = heap.pop() {
            if t > dist[u].0 {
                continue;
            }
            for &(v, dt, _) in &self.adj[u] {
                if t + dt < dist[v].0 {
                    dist[v] = (t + dt, hops + 1);
                    heap.push(Item(t + dt, v, hops + 1));
                }
            }
        }
        dist
    }
}

fn same_times_as_reference(file: &str, mode: TravelMode, pairs: usize, seed: u64) {
    let raw = extract(file);
    let speeds = Speeds::default();
    let net = Network::build(raw, mode, speeds);
    let reference = Reference::new(raw, mode, speeds);
    assert!(
        net.node_count() > 100,
        "{file} {mode}: {}",
        net.node_count()
    );
    let st = net.stats();
    eprintln!(
        "{file} {mode}: {} ways used of {}, {} nodes and {} arcs kept, {} nodes dropped \
         in {} smaller components, {} missing node references",
        st.ways_used,
        st.ways_read,
        net.node_count(),
        net.arc_count(),
        st.nodes_dropped,
        st.components - 1,
        st.missing_nodes
    );
    let mut rng = SplitMix64(seed);
    let pick = |rng: &mut SplitMix64| (rng.next_f64() * net.node_count() as f64) as u32;
    let snap_at = |v: u32| Snap {
        node: v,
        distance: Meters(0.0),
        leg_ms: 0,
        leg_mm: 0,
    };
    let mut checked = 0;
    for _ in 0..pairs / 10 {
        let o = pick(&mut rng);
        let dests: Vec<Option<Snap>> = (0..10).map(|_| Some(snap_at(pick(&mut rng)))).collect();
        let targets = Targets::new(&net, &dests);
        let trips = one_to_many(
            &net,
            &snap_at(o),
            &dests,
            &targets,
            None,
            &mut Scratch::default(),
        );
        // Every kept node reaches every other one.
        assert_eq!(trips.len(), 10, "{file} {mode}");
        let from = reference.index[&net.osm_id(o)];
        let dist = reference.dijkstra(&[(from, 0.0)]);
        for t in &trips {
            let d = dests[t.destination].unwrap().node;
            let (secs, hops) = dist[reference.index[&net.osm_id(d)]];
            // Arc times are rounded to the millisecond: at most 0.5 ms per arc.
            let tol = 0.001 * (hops as f64 + 2.0);
            let got = t.time_ms as f64 / 1000.0;
            assert!(
                (got - secs).abs() <= tol,
                "{file} {mode}: {} → {}: {got} s, reference {secs} s ({hops} arcs)",
                net.osm_id(o),
                net.osm_id(d)
            );
            // The path is never shorter than the straight line.
            let crow = distance(net.position(o), net.position(d)).0;
            assert!(t.length_mm as f64 / 1000.0 >= crow - 0.01 * (hops as f64 + 1.0));
            checked += 1;
        }
    }
    assert_eq!(checked, pairs);
}

#[test]
fn network_router_matches_reference_dijkstra_saint_barthelemy() {
    for (mode, seed) in [
        (TravelMode::Marche, 1),
        (TravelMode::Velo, 2),
        (TravelMode::Voiture, 3),
    ] {
        same_times_as_reference(SBH, mode, 300, seed);
    }
}

#[test]
fn network_router_matches_reference_dijkstra_porto_alegre() {
    for (mode, seed) in [
        (TravelMode::Marche, 4),
        (TravelMode::Velo, 5),
        (TravelMode::Voiture, 6),
    ] {
        same_times_as_reference(POA, mode, 200, seed);
    }
}

/// Hexagon centroids and school counts of `poa_hexgrid.csv`.
fn hexagons() -> Vec<(String, LonLat, u32)> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/network/poa_hexgrid.csv");
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,lon,lat,population,schools,jobs,healthcare"
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                LonLat::new(f[1].parse().unwrap(), f[2].parse().unwrap()),
                f[4].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn network_porto_alegre_walk_to_nearest_school_matches_reference() {
    let raw = extract(POA);
    let speeds = Speeds::default();
    let net = Network::build(raw, TravelMode::Marche, speeds);
    let hex = hexagons();
    assert_eq!(hex.len(), 1227);
    let schools: Vec<LonLat> = hex.iter().filter(|h| h.2 > 0).map(|h| h.1).collect();
    assert!(!schools.is_empty());
    let max = Meters(1000.0);
    let dests: Vec<Option<Snap>> = schools.iter().map(|p| net.snap(*p, max)).collect();
    let field = nearest_destinations(&net, &dests, None);

    // The reference: its own largest connected component (breadth-first
    // search), snapping by scanning every node of it, f64 Dijkstra from all
    // the schools at once.
    let reference = Reference::new(raw, TravelMode::Marche, speeds);
    let mut comp = vec![usize::MAX; reference.ids.len()];
    let mut sizes = Vec::new();
    for s in 0..comp.len() {
        if comp[s] != usize::MAX {
            continue;
        }
        let c = sizes.len();
        let (mut queue, mut size) = (vec![s], 0);
        comp[s] = c;
        while let Some(u) = queue.pop() {
            size += 1;
            for &(v, _, _) in &reference.adj[u] {
                if comp[v] == usize::MAX {
                    comp[v] = c;
                    queue.push(v);
                }
            }
        }
        sizes.push(size);
    }
    let main = (0..sizes.len()).max_by_key(|&c| sizes[c]).unwrap();
    assert_eq!(sizes[main], net.node_count());
    let members: Vec<usize> = (0..comp.len()).filter(|&v| comp[v] == main).collect();
    let walk_mps = speeds.walk_kmh / 3.6;
    // A scan of every member: a flat-Earth distance first, the geodesic
    // for those within 1 % (+ 1 m) of the flat minimum.
    let snap_ref = |p: LonLat| -> Option<(usize, f64)> {
        let k = p.lat.to_radians().cos();
        let flat = |q: LonLat| {
            let (dx, dy) = ((q.lon - p.lon) * k, q.lat - p.lat);
            (dx * dx + dy * dy).sqrt() * 111_195.0
        };
        let lowest = members
            .iter()
            .map(|&v| flat(reference.pos[v]))
            .fold(f64::INFINITY, f64::min);
        members
            .iter()
            .filter(|&&v| flat(reference.pos[v]) <= lowest * 1.01 + 1.0)
            .map(|&v| (v, distance(p, reference.pos[v]).0))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .filter(|(_, d)| *d <= max.0)
    };
    let sources: Vec<(usize, f64)> = schools
        .iter()
        .filter_map(|p| snap_ref(*p).map(|(v, d)| (v, d / walk_mps)))
        .collect();
    let dist = reference.dijkstra(&sources);

    let mut gaps = Vec::new();
    let mut measured = 0;
    for (id, p, _) in &hex {
        let ours = net.snap(*p, max).and_then(|s| field.trip(&s, None));
        let theirs = snap_ref(*p).map(|(v, d)| dist[v].0 + d / walk_mps);
        assert_eq!(ours.is_some(), theirs.is_some(), "hexagon {id}");
        if let (Some(o), Some(t)) = (ours, theirs) {
            measured += 1;
            let o = o.time_ms as f64 / 1000.0;
            gaps.push(if t > 0.0 { (o - t).abs() / t } else { o });
        }
    }
    gaps.sort_by(f64::total_cmp);
    let median = gaps[gaps.len() / 2];
    let worst = gaps[gaps.len() - 1];
    eprintln!(
        "Porto Alegre, walking to the nearest school: {measured} of {} hexagons measured, \
         {} schools, median relative gap {:.6} %, largest {:.6} %",
        hex.len(),
        schools.len(),
        median * 100.0,
        worst * 100.0
    );
    assert!(measured > 1100, "{measured}");
    assert!(median < 0.03, "median gap {median}");
}

/// Nodes 1..=n on a line of latitude 50° N about 71.5 m apart, one
/// two-way footway through them.
fn line(n: i64) -> Network {
    let raw = RawOsm {
        nodes: (1..=n)
            .map(|i| (i, LonLat::new(2.0 + i as f64 / 1000.0, 50.0)))
            .collect(),
        ways: vec![RawWay::new(
            1,
            &(1..=n).collect::<Vec<_>>(),
            &[("highway", "footway")],
        )],
        files: vec![],
    };
    Network::build(&raw, TravelMode::Marche, Speeds::default())
}

fn at(net: &Network, osm: i64) -> Snap {
    Snap {
        node: net.node_of(osm).unwrap(),
        distance: Meters(0.0),
        leg_ms: 0,
        leg_mm: 0,
    }
}

#[test]
fn network_nearest_ties_go_to_the_first_destination() {
    let net = line(5);
    // Destinations at both ends, node 3 in the middle.
    let d = [Some(at(&net, 5)), Some(at(&net, 1))];
    let field = nearest_destinations(&net, &d, None);
    let mid = field.trip(&at(&net, 3), None).unwrap();
    let left = field.time_ms[net.node_of(2).unwrap() as usize];
    let right = field.time_ms[net.node_of(4).unwrap() as usize];
    // Equal times only if both halves round to the same milliseconds;
    // whichever is faster must win, and a tie goes to index 0.
    let t1 = field.trip(&at(&net, 1), None).unwrap();
    assert_eq!(t1.destination, 1);
    assert_eq!(t1.time_ms, 0);
    let from_0 = one_to_many(
        &net,
        &at(&net, 3),
        &d,
        &Targets::new(&net, &d),
        None,
        &mut Scratch::default(),
    );
    let (to5, to1) = (from_0[0].time_ms, from_0[1].time_ms);
    let expected = if to1 < to5 { 1 } else { 0 };
    assert_eq!(mid.destination, expected, "{to5} {to1} {left} {right}");
    // Two destinations on one node: the first listed wins.
    let d = [Some(at(&net, 2)), Some(at(&net, 2))];
    let field = nearest_destinations(&net, &d, None);
    assert!(field.destination.iter().all(|&x| x == 0));
    // A destination not snapped is left out.
    let d = [None, Some(at(&net, 4))];
    let field = nearest_destinations(&net, &d, None);
    assert!(field.destination.iter().all(|&x| x == 1));
    // None at all: nothing reached.
    let field = nearest_destinations(&net, &[None], None);
    assert!(field.trip(&at(&net, 1), None).is_none());
}

#[test]
fn network_legs_and_bounds_are_honoured() {
    let net = line(6);
    let leg = |osm: i64, ms: u64, mm: u64| Snap {
        leg_ms: ms,
        leg_mm: mm,
        ..at(&net, osm)
    };
    let dests = [Some(leg(6, 10_000, 12_500))];
    let origin = leg(1, 4_000, 5_000);
    let field = nearest_destinations(&net, &dests, None);
    let trip = field.trip(&origin, None).unwrap();
    let network_ms: u64 = (1..6)
        .map(|i| {
            net.out_arcs(net.node_of(i).unwrap())
                .find(|a| net.osm_id(a.node) == i + 1)
                .unwrap()
                .time_ms as u64
        })
        .sum();
    assert_eq!(trip.time_ms, 4_000 + network_ms + 10_000);
    let same = one_to_many(
        &net,
        &origin,
        &dests,
        &Targets::new(&net, &dests),
        None,
        &mut Scratch::default(),
    );
    assert_eq!(same, vec![trip]);
    // Bounds: one millisecond short leaves it out, the exact time keeps it.
    let exact = Some(trip.time_ms);
    let short = Some(trip.time_ms - 1);
    assert_eq!(field.trip(&origin, exact), Some(trip));
    assert_eq!(field.trip(&origin, short), None);
    assert_eq!(
        nearest_destinations(&net, &dests, exact).trip(&origin, exact),
        Some(trip)
    );
    assert_eq!(
        nearest_destinations(&net, &dests, short).trip(&origin, short),
        None
    );
    let t = Targets::new(&net, &dests);
    let mut s = Scratch::default();
    assert_eq!(
        one_to_many(&net, &origin, &dests, &t, exact, &mut s),
        vec![trip]
    );
    assert!(one_to_many(&net, &origin, &dests, &t, short, &mut s).is_empty());
}

#[test]
fn network_many_to_many_agrees_with_nearest_and_threads() {
    let raw = extract(SBH);
    let net = Network::build(raw, TravelMode::Voiture, Speeds::default());
    let mut rng = SplitMix64(7);
    let mut point = || {
        Some(at_node(
            &net,
            (rng.next_f64() * net.node_count() as f64) as u32,
        ))
    };
    let origins: Vec<Option<Snap>> = (0..60).map(|_| point()).chain([None]).collect();
    let dests: Vec<Option<Snap>> = (0..8).map(|_| point()).collect();
    let run = |threads: usize, max: Option<u64>| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| many_to_many(&net, &origins, &dests, max))
    };
    let all = run(1, None);
    assert_eq!(all, run(4, None));
    // Searching from the destinations gives the same trips as from the
    // origins, bounded or not (more origins than destinations here, so
    // `many_to_many` goes backward).
    for max in [None, Some(4 * 60_000)] {
        let forward = many_to_many_from(&net, &origins, &dests, max, Direction::Forward);
        let backward = many_to_many_from(&net, &origins, &dests, max, Direction::Backward);
        assert_eq!(forward, backward);
        assert_eq!(forward, run(2, max));
    }
    let field = nearest_destinations(&net, &dests, None);
    for (o, trips) in origins.iter().zip(&all) {
        let Some(o) = o else {
            assert!(trips.is_empty());
            continue;
        };
        assert_eq!(trips.len(), dests.len());
        let best = trips
            .iter()
            .min_by_key(|t| (t.time_ms, t.destination))
            .copied();
        let near = field.trip(o, None);
        assert_eq!(
            near.map(|t| (t.time_ms, t.destination)),
            best.map(|t| (t.time_ms, t.destination))
        );
    }
    // Bounded: exactly the unbounded trips within the bound.
    let bound = 5 * 60_000;
    let bounded = run(3, Some(bound));
    for (a, b) in all.iter().zip(&bounded) {
        let within: Vec<Trip> = a.iter().filter(|t| t.time_ms <= bound).copied().collect();
        assert_eq!(&within, b);
    }
    assert!(bounded.iter().map(Vec::len).sum::<usize>() < all.iter().map(Vec::len).sum::<usize>());
}

fn at_node(_net: &Network, v: u32) -> Snap {
    Snap {
        node: v,
        distance: Meters(0.0),
        leg_ms: 0,
        leg_mm: 0,
    }
}

/// The analyses' "destinations within reach" ([`crate::analysis::measure::
/// Measure::within`], which the accessibility cost table and the placement
/// use) against the reference: for seeded points on Saint-Barthélemy by
/// bicycle, a destination is listed exactly when the reference time (both
/// snapping legs at the snapping speed, plus the reference path) is within
/// the reach, with that time; points away from a bound by less than the
/// rounding are not judged.
#[test]
fn measure_within_matches_reference_dijkstra() {
    use crate::analysis::measure::Measure;
    let raw = extract(SBH);
    let speeds = Speeds::default();
    let net = Network::build(raw, TravelMode::Velo, speeds);
    let reference = Reference::new(raw, TravelMode::Velo, speeds);
    let (lon0, lat0, lon1, lat1) = raw.nodes.iter().fold(
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN),
        |(a, b, c, d), (_, p)| (a.min(p.lon), b.min(p.lat), c.max(p.lon), d.max(p.lat)),
    );
    let mut rng = SplitMix64(99);
    let mut point = || {
        LonLat::new(
            lon0 + (lon1 - lon0) * rng.next_f64(),
            lat0 + (lat1 - lat0) * rng.next_f64(),
        )
    };
    let origins: Vec<LonLat> = (0..60).map(|_| point()).collect();
    let destinations: Vec<LonLat> = (0..20).map(|_| point()).collect();
    let snap_max = Meters(500.0);
    let reaches: Vec<f64> = (0..origins.len()).map(|i| 4.0 + (i % 8) as f64).collect();
    let measure = Measure::Network {
        net: &net,
        snap_max,
    };
    let (rows, lost) = measure.within(&origins, &reaches, &destinations);
    let snaps: Vec<Option<Snap>> = origins.iter().map(|p| net.snap(*p, snap_max)).collect();
    let dest: Vec<Option<Snap>> = destinations
        .iter()
        .map(|p| net.snap(*p, snap_max))
        .collect();
    assert_eq!(
        lost,
        (0..origins.len())
            .filter(|&i| snaps[i].is_none())
            .collect::<Vec<_>>()
    );
    let mut listed = 0;
    for (i, o) in snaps.iter().enumerate() {
        let Some(o) = o else {
            assert!(rows[i].is_empty());
            continue;
        };
        let from = reference.index[&net.osm_id(o.node)];
        let dist = reference.dijkstra(&[(from, o.leg_ms as f64 / 1000.0)]);
        for (j, d) in dest.iter().enumerate() {
            let got = rows[i].iter().find(|(k, _)| *k == j).map(|(_, m)| *m);
            let Some(d) = d else {
                assert_eq!(got, None, "destination {j} is not on the network");
                continue;
            };
            let (secs, hops) = dist[reference.index[&net.osm_id(d.node)]];
            let want = (secs + d.leg_ms as f64 / 1000.0) / 60.0;
            let tol = 0.001 * (hops as f64 + 3.0) / 60.0;
            if (want - reaches[i]).abs() <= tol {
                continue;
            }
            match got {
                Some(m) => {
                    assert!(want <= reaches[i], "{i} → {j}: {want} min listed");
                    assert!((m - want).abs() <= tol, "{i} → {j}: {m} vs {want} min");
                    listed += 1;
                }
                None => assert!(want > reaches[i], "{i} → {j}: {want} min missing"),
            }
        }
    }
    assert!(listed > 20, "only {listed} pairs within reach");
}

/// The packed search (keys `time << shift | destination`, radix heap)
/// gives exactly the fields of the tuple search on the real extracts, in
/// every mode: many destinations (some on one node, some unsnapped, random
/// legs, ties in time), unbounded and bounded.
#[test]
fn network_nearest_packed_matches_tuples() {
    for (file, seed) in [(SBH, 11), (POA, 12)] {
        let raw = extract(file);
        for mode in [TravelMode::Marche, TravelMode::Velo, TravelMode::Voiture] {
            let net = Network::build(raw, mode, Speeds::default());
            let mut rng = SplitMix64(seed);
            let n = net.node_count();
            let mut dests: Vec<Option<Snap>> = (0..300)
                .map(|i| {
                    if i % 17 == 0 {
                        return None;
                    }
                    let v = (rng.next_f64() * n as f64) as u32;
                    // Every third leg zero: ties in time between nodes.
                    let ms = if i % 3 == 0 {
                        0
                    } else {
                        (rng.next_f64() * 90_000.0) as u64
                    };
                    Some(Snap {
                        node: v,
                        distance: Meters(0.0),
                        leg_ms: ms,
                        leg_mm: ms + (rng.next_f64() * 5_000.0) as u64,
                    })
                })
                .collect();
            // Same node, same time, another length; and a duplicate.
            let first = dests[1].expect("snapped");
            dests.push(Some(Snap {
                leg_mm: first.leg_mm / 2,
                ..first
            }));
            dests.push(dests[2]);
            for max in [None, Some(0), Some(60_000), Some(6 * 60_000)] {
                let p = packing(&net, &dests, max).expect("fits");
                assert_eq!(p.shift, 9);
                let tuples = nearest_tuples(&net, &dests, max);
                assert!(
                    nearest_packed(&net, &dests, max, p) == tuples,
                    "{file} {mode} {max:?}"
                );
                assert_eq!(nearest_destinations(&net, &dests, max), tuples);
                // Windows of one key (as when some arc takes 0 ms), and
                // windows as wide as the least arc time allows.
                for min_arc_ms in [0, p.min_arc_ms / 2] {
                    let q = Packing { min_arc_ms, ..p };
                    assert!(
                        nearest_packed(&net, &dests, max, q) == tuples,
                        "{file} {mode} {max:?} {q:?}"
                    );
                }
            }
            // One destination (no destination bits) and none at all.
            for d in [&dests[1..2], &[][..]] {
                let p = packing(&net, d, None).expect("fits");
                assert_eq!(p.shift, 0);
                assert!(nearest_packed(&net, d, None, p) == nearest_tuples(&net, d, None));
            }
        }
    }
}

/// Arcs of 0 ms (two nodes under a millimetre apart): the packed search takes
/// one key at a time, and still finds the shortest of the equally fast
/// paths.
#[test]
fn network_nearest_packed_with_instant_arcs() {
    // 1 – 2 – 3 on a line, node 4 under a millimetre from node 2, joined to 1, 2
    // and 3: from 3, the paths through 2 and through 4 take the same
    // milliseconds.
    let p = |lon: f64| LonLat::new(lon, 50.0);
    let raw = RawOsm {
        nodes: vec![
            (1, p(2.001)),
            (2, p(2.002)),
            (3, p(2.003)),
            (4, p(2.002 + 5e-9)),
        ],
        ways: vec![
            RawWay::new(1, &[1, 2, 3], &[("highway", "footway")]),
            RawWay::new(2, &[1, 4, 3], &[("highway", "footway")]),
            RawWay::new(3, &[2, 4], &[("highway", "footway")]),
        ],
        files: vec![],
    };
    let net = Network::build(&raw, TravelMode::Marche, Speeds::default());
    assert_eq!(net.node_count(), 4);
    let dests = [Some(at(&net, 3)), Some(at(&net, 1)), Some(at(&net, 3))];
    let p = packing(&net, &dests, None).expect("fits");
    assert_eq!(p.min_arc_ms, 0);
    let tuples = nearest_tuples(&net, &dests, None);
    assert_eq!(nearest_packed(&net, &dests, None, p), tuples);
    assert_eq!(nearest_destinations(&net, &dests, None), tuples);
}

/// Label times that could reach 2^62 with the destination bits: the
/// search falls back to the tuples, with the same answer.
#[test]
fn network_nearest_falls_back_on_huge_legs() {
    let net = line(6);
    let huge = Snap {
        leg_ms: 1 << 60,
        ..at(&net, 6)
    };
    let dests = [Some(huge), Some(at(&net, 1)), None];
    assert_eq!(packing(&net, &dests, None), None);
    // A bound brings the keys back in range.
    assert_eq!(
        packing(&net, &dests, Some(1 << 40)).map(|p| p.shift),
        Some(2)
    );
    let field = nearest_destinations(&net, &dests, None);
    assert_eq!(field, nearest_tuples(&net, &dests, None));
    assert_eq!(field.time_ms[net.node_of(6).unwrap() as usize] >> 59, 0);
    assert!(field.destination.iter().all(|&d| d == 1));
    let alone = nearest_destinations(&net, &dests[..1], None);
    assert_eq!(alone.time_ms[net.node_of(6).unwrap() as usize], 1 << 60);
    assert!(alone.destination.iter().all(|&d| d == 0));
}

/// The radix heap pops what a binary heap pops, for seeded monotone
/// pushes (keys never below the last popped, many equal keys).
#[test]
fn radix_heap_pops_in_key_order() {
    let mut rng = SplitMix64(0x0072_6164_6978);
    let mut radix = RadixHeap::default();
    let mut binary: BinaryHeap<std::cmp::Reverse<u64>> = BinaryHeap::new();
    let mut last = 0u64;
    let mut popped = 0;
    for step in 0..200_000u32 {
        if rng.next_f64() < 0.55 {
            // Small steps, big jumps, and the same key again.
            let r = rng.next_f64();
            let key = if r < 0.2 {
                last
            } else if r < 0.9 {
                last + (rng.next_f64() * 1_000.0) as u64
            } else {
                last + (rng.next_f64() * 1e15) as u64
            };
            radix.push(key, step);
            binary.push(std::cmp::Reverse(key));
        } else {
            let a = radix.pop().map(|e| e.0);
            let b = binary.pop().map(|e| e.0);
            assert_eq!(a, b, "step {step}");
            if let Some(k) = a {
                assert!(k >= last);
                last = k;
                popped += 1;
            }
        }
    }
    while let Some(std::cmp::Reverse(b)) = binary.pop() {
        assert_eq!(radix.pop().map(|e| e.0), Some(b));
    }
    assert_eq!(radix.pop(), None);
    assert!(popped > 50_000);
    // Keys at the top of the range.
    let mut top = RadixHeap::default();
    for key in [u64::MAX, 1 << 63, 0, u64::MAX - 1] {
        top.push(key, 0);
    }
    let order: Vec<u64> = std::iter::from_fn(|| top.pop().map(|e| e.0)).collect();
    assert_eq!(order, vec![0, 1 << 63, u64::MAX - 1, u64::MAX]);
}
