//! Graph building and snapping on small ways written in memory.

use super::*;
use crate::base::TravelMode;
use crate::model::osm::RawWay;

/// Nodes on a line of latitude 50° N, `id` at longitude 2 + id/1000
/// (about 71.5 m apart).
fn line_nodes(ids: &[i64]) -> Vec<(i64, LonLat)> {
    ids.iter()
        .map(|&i| (i, LonLat::new(2.0 + i as f64 / 1000.0, 50.0)))
        .collect()
}

fn raw(nodes: Vec<(i64, LonLat)>, ways: Vec<RawWay>) -> RawOsm {
    let mut nodes = nodes;
    nodes.sort_by_key(|n| n.0);
    RawOsm {
        nodes,
        ways,
        files: vec![],
    }
}

fn arcs_between(net: &Network, a: i64, b: i64) -> usize {
    let (Some(u), Some(v)) = (net.node_of(a), net.node_of(b)) else {
        return 0;
    };
    net.out_arcs(u).filter(|x| x.node == v).count()
}

#[test]
fn network_arcs_follow_oneway_per_mode() {
    // A one-way block 1→2→3→4 closed by a two-way street 4–1: the loop is
    // strongly connected in every mode.
    let r = raw(
        line_nodes(&[1, 2, 3, 4]),
        vec![
            RawWay::new(
                10,
                &[1, 2, 3, 4],
                &[("highway", "residential"), ("oneway", "yes")],
            ),
            RawWay::new(11, &[4, 1], &[("highway", "residential")]),
        ],
    );
    let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
    assert_eq!((walk.node_count(), walk.arc_count()), (4, 8));
    assert_eq!(arcs_between(&walk, 2, 1), 1);
    for mode in [TravelMode::Velo, TravelMode::Voiture] {
        let net = Network::build(&r, mode, Speeds::default());
        assert_eq!((net.node_count(), net.arc_count()), (4, 5), "{mode}");
        assert_eq!(arcs_between(&net, 1, 2), 1, "{mode}");
        assert_eq!(arcs_between(&net, 2, 1), 0, "{mode}");
        assert_eq!(arcs_between(&net, 1, 4), 1, "{mode}");
    }
    // In-arcs mirror out-arcs.
    let car = Network::build(&r, TravelMode::Voiture, Speeds::default());
    let v2 = car.node_of(2).unwrap();
    let ins: Vec<i64> = car.in_arcs(v2).map(|a| car.osm_id(a.node)).collect();
    assert_eq!(ins, vec![1]);
}

#[test]
fn network_arc_times_come_from_geodesic_length_and_speed() {
    let r = raw(
        line_nodes(&[1, 2]),
        vec![RawWay::new(
            10,
            &[1, 2],
            &[("highway", "primary"), ("maxspeed", "72")],
        )],
    );
    let len = distance(LonLat::new(2.001, 50.0), LonLat::new(2.002, 50.0)).0;
    for (mode, kmh) in [
        (TravelMode::Marche, 4.5),
        (TravelMode::Velo, 15.0),
        (TravelMode::Voiture, 72.0),
    ] {
        let net = Network::build(&r, mode, Speeds::default());
        let a = net.out_arcs(0).next().unwrap();
        assert_eq!(u64::from(a.length_mm), (len * 1000.0).round() as u64);
        let expected_ms = len / (kmh / 3.6) * 1000.0;
        assert!((f64::from(a.time_ms) - expected_ms).abs() <= 0.5, "{mode}");
    }
}

#[test]
fn network_keeps_the_largest_component_and_counts_the_dropped_nodes() {
    // Main loop 1..=4 (two-way), an island 20–21, and a one-way spur 4→5
    // that cars and bicycles cannot leave.
    let mut nodes = line_nodes(&[1, 2, 3, 4, 5]);
    nodes.push((20, LonLat::new(2.5, 50.5)));
    nodes.push((21, LonLat::new(2.501, 50.5)));
    let r = raw(
        nodes,
        vec![
            RawWay::new(10, &[1, 2, 3, 4, 1], &[("highway", "residential")]),
            RawWay::new(11, &[4, 5], &[("highway", "service"), ("oneway", "yes")]),
            RawWay::new(12, &[20, 21], &[("highway", "residential")]),
        ],
    );
    let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
    assert_eq!(walk.node_count(), 5);
    assert_eq!(walk.stats().nodes_dropped, 2);
    assert_eq!(walk.stats().components, 2);
    assert!(walk.node_of(20).is_none() && walk.node_of(5).is_some());
    let car = Network::build(&r, TravelMode::Voiture, Speeds::default());
    assert_eq!(car.node_count(), 4);
    assert_eq!(car.stats().nodes_dropped, 3);
    assert!(car.node_of(5).is_none());
    // No arc leads out of the kept nodes.
    for v in 0..car.node_count() as u32 {
        assert!(car
            .out_arcs(v)
            .all(|a| (a.node as usize) < car.node_count()));
    }
}

#[test]
fn network_missing_nodes_cut_the_way() {
    // Node 3 lies outside the extract: 1–2 and 4–5 are not joined.
    let mut nodes = line_nodes(&[1, 2, 4, 5]);
    nodes.retain(|n| n.0 != 3);
    let r = raw(
        nodes,
        vec![RawWay::new(
            10,
            &[1, 2, 3, 4, 5],
            &[("highway", "residential")],
        )],
    );
    let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
    assert_eq!(walk.stats().missing_nodes, 1);
    assert_eq!(walk.node_count(), 2);
    assert_eq!(walk.stats().nodes_dropped, 2);
    // Equal components: the one with the lowest OSM ids is kept.
    assert_eq!(walk.osm_id(0), 1);
}

#[test]
fn network_snapping_within_and_beyond_the_limit() {
    let r = raw(
        line_nodes(&[1, 2, 3]),
        vec![RawWay::new(10, &[1, 2, 3], &[("highway", "residential")])],
    );
    let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
    // 0.001° of latitude north of node 2: about 111 m.
    let p = LonLat::new(2.002, 50.001);
    let d = distance(p, LonLat::new(2.002, 50.0)).0;
    let s = walk.snap(p, Meters(1000.0)).unwrap();
    assert_eq!(walk.osm_id(s.node), 2);
    assert_eq!(s.distance, Meters(d));
    assert_eq!(s.leg_ms, (d * 3600.0 / 4.5).round() as u64);
    assert_eq!(s.leg_mm, (d * 1000.0).round() as u64);
    assert!(walk.snap(p, Meters(d - 0.01)).is_none());
    assert!(walk.snap(p, Meters(d + 0.01)).is_some());
    // 1.2 km away: beyond the default 1,000 m.
    assert!(walk
        .snap(LonLat::new(2.002, 50.0108), Meters(1000.0))
        .is_none());
    // Cycling snaps at cycling speed; driving at walking speed.
    let bike = Network::build(&r, TravelMode::Velo, Speeds::default());
    assert_eq!(
        bike.snap(p, Meters(1000.0)).unwrap().leg_ms,
        (d * 3600.0 / 15.0).round() as u64
    );
    let car = Network::build(&r, TravelMode::Voiture, Speeds::default());
    assert_eq!(car.snap(p, Meters(1000.0)).unwrap().leg_ms, s.leg_ms);
    // A point exactly between nodes 1 and 2 goes to the lower node.
    let mid = LonLat::new(2.0015, 50.0);
    let tie = walk.snap(mid, Meters(1000.0)).unwrap();
    let (d1, d2) = (
        distance(mid, LonLat::new(2.001, 50.0)).0,
        distance(mid, LonLat::new(2.002, 50.0)).0,
    );
    let expected = if d1 <= d2 { 1 } else { 2 };
    assert_eq!(walk.osm_id(tie.node), expected);
}

#[test]
fn network_snapping_matches_a_scan() {
    // Seeded nodes around Porto Alegre (far from France: the snapping grid
    // works anywhere) against a brute-force scan.
    let mut rng = crate::seeded::SplitMix64(0x6e65_7477_6f72_6b00);
    let mut nodes = Vec::new();
    for i in 0..400 {
        nodes.push((
            i,
            LonLat::new(-51.25 + 0.1 * rng.next_f64(), -30.1 + 0.1 * rng.next_f64()),
        ));
    }
    // One way through every node in id order: a connected walking graph.
    let ids: Vec<i64> = (0..400).collect();
    let r = raw(
        nodes.clone(),
        vec![RawWay::new(1, &ids, &[("highway", "path")])],
    );
    let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
    assert_eq!(walk.node_count(), 400);
    for _ in 0..300 {
        let p = LonLat::new(
            -51.27 + 0.14 * rng.next_f64(),
            -30.12 + 0.14 * rng.next_f64(),
        );
        let (best_d, best_id) = nodes
            .iter()
            .map(|(id, q)| (distance(p, *q).0, *id))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .unwrap();
        match walk.snap(p, Meters(1000.0)) {
            Some(s) => {
                assert_eq!(walk.osm_id(s.node), best_id);
                assert_eq!(s.distance.0, best_d);
            }
            None => assert!(best_d > 1000.0, "{p:?}: {best_d}"),
        }
    }
}

#[test]
fn network_empty_when_no_way_is_open() {
    let r = raw(
        line_nodes(&[1, 2]),
        vec![RawWay::new(10, &[1, 2], &[("highway", "motorway")])],
    );
    let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
    assert!(walk.is_empty());
    assert_eq!(walk.stats().ways_used, 0);
    assert!(walk
        .snap(LonLat::new(2.001, 50.0), Meters(1000.0))
        .is_none());
}

/// The nearest node by brute force over all nodes: geodesic distance, ties
/// to the lowest node number.
fn brute_force_snap(net: &Network, p: LonLat) -> Option<(f64, u32)> {
    (0..net.node_count() as u32)
        .map(|v| (distance(p, net.position(v)).0, v))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
}

#[test]
fn network_snapping_grid_matches_brute_force() {
    let mut rng = crate::seeded::SplitMix64(0x6772_6964_2d73_6e61);
    // Three clusters: dense streets near Lille, sparse nodes astride the
    // antimeridian in Fiji, and a few near the North Pole; some nodes share
    // a position (ties to the lowest node).
    let mut pts: Vec<LonLat> = Vec::new();
    for _ in 0..3_000 {
        pts.push(LonLat::new(
            3.0 + 0.2 * rng.next_f64(),
            50.55 + 0.1 * rng.next_f64(),
        ));
    }
    for i in 0..50 {
        pts.push(pts[i * 7]);
    }
    let lille = pts.len();
    for _ in 0..300 {
        let lon = 179.9 + 0.2 * rng.next_f64();
        pts.push(LonLat::new(
            if lon > 180.0 { lon - 360.0 } else { lon },
            -17.0 + 0.2 * rng.next_f64(),
        ));
    }
    for _ in 0..100 {
        pts.push(LonLat::new(
            -180.0 + 360.0 * rng.next_f64(),
            89.9 + 0.09 * rng.next_f64(),
        ));
    }
    // Queries around each cluster (also well outside the nodes' box),
    // anywhere on Earth (mostly far beyond any limit), and exactly on
    // shared nodes (a tie at distance 0).
    let mut queries: Vec<LonLat> = Vec::new();
    for _ in 0..400 {
        queries.push(LonLat::new(
            2.9 + 0.4 * rng.next_f64(),
            50.45 + 0.3 * rng.next_f64(),
        ));
    }
    for _ in 0..150 {
        let lon = 179.85 + 0.3 * rng.next_f64();
        queries.push(LonLat::new(
            if lon > 180.0 { lon - 360.0 } else { lon },
            -17.05 + 0.3 * rng.next_f64(),
        ));
    }
    for _ in 0..50 {
        queries.push(LonLat::new(
            -180.0 + 360.0 * rng.next_f64(),
            89.7 + 0.3 * rng.next_f64(),
        ));
    }
    for _ in 0..30 {
        queries.push(LonLat::new(
            -180.0 + 360.0 * rng.next_f64(),
            -89.0 + 178.0 * rng.next_f64(),
        ));
    }
    for i in 0..20 {
        queries.push(pts[i * 7]);
    }
    let mut beyond = 0;
    // The Lille cluster alone (a fine grid), then all the nodes (a grid
    // spanning every longitude).
    for count in [lille, pts.len()] {
        let nodes: Vec<(i64, LonLat)> = (1..).zip(pts[..count].iter().copied()).collect();
        // One way through every node: one connected walking graph (arcs of
        // any length are fine here).
        let ids: Vec<i64> = nodes.iter().map(|n| n.0).collect();
        let r = raw(nodes, vec![RawWay::new(1, &ids, &[("highway", "path")])]);
        let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
        assert_eq!(walk.node_count(), count);
        for (i, p) in queries.iter().enumerate() {
            let nearest = brute_force_snap(&walk, *p);
            for max in [50.0, 1_000.0, 20_000.0, f64::INFINITY] {
                let expected = nearest.filter(|(d, _)| *d <= max);
                let got = walk.snap(*p, Meters(max));
                assert_eq!(
                    got.map(|s| (s.distance.0, s.node)),
                    expected,
                    "{count} nodes, query {i} {p:?}, max {max}"
                );
                beyond += usize::from(expected.is_none());
            }
        }
    }
    // The limit was exercised.
    assert!(beyond > 100, "{beyond}");
}

#[test]
fn network_backward_rows_are_the_sorted_reversed_arcs() {
    // The counting sort gives the rows of sorting every reversed arc by
    // (head, tail, time, length), on a real extract in every mode.
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/network/osm_saint_barthelemy.osm.pbf");
    let r = crate::load::osm::read_osm(&[path]).expect("fixture reads");
    for mode in [TravelMode::Marche, TravelMode::Velo, TravelMode::Voiture] {
        let net = Network::build(&r, mode, Speeds::default());
        let k = net.node_count();
        let mut reversed: Vec<(u32, u32, u32, u32)> = (0..k as u32)
            .flat_map(|v| {
                net.out_arcs(v)
                    .map(move |a| (a.node, v, a.time_ms, a.length_mm))
            })
            .collect();
        reversed.sort_unstable();
        assert_eq!(net.backward, Csr::from_sorted(k, &reversed), "{mode}");
        assert_eq!(net.backward.reversed(k), net.forward, "{mode}");
        for v in 0..k as u32 {
            assert!(net
                .in_arcs(v)
                .all(|a| net.out_arcs(a.node).any(|b| b.node == v)));
        }
    }
}

#[test]
fn network_arc_times_summary() {
    let r = raw(
        line_nodes(&[1, 2, 3]),
        vec![RawWay::new(10, &[1, 2, 3], &[("highway", "residential")])],
    );
    let walk = Network::build(&r, TravelMode::Marche, Speeds::default());
    let times: Vec<u32> = (0..3)
        .flat_map(|v| walk.out_arcs(v))
        .map(|a| a.time_ms)
        .collect();
    assert_eq!(times.len(), 4);
    let sum: u128 = times.iter().map(|&t| u128::from(t)).sum();
    assert_eq!(walk.arc_times_ms(), (*times.iter().min().unwrap(), sum));
    let empty = Network::build(
        &raw(line_nodes(&[1]), vec![]),
        TravelMode::Marche,
        Speeds::default(),
    );
    assert_eq!(empty.arc_times_ms(), (u32::MAX, 0));
}
