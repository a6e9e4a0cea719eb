//! Benchmarks of the road network (issue 12) at the size of Hauts-de-France's
//! walking network: a seeded synthetic grid of about 2 million nodes, made
//! of raw OSM ways and nodes in memory and built by the same
//! [`Network::build`] as a real extract (way rules, geodesic arc lengths,
//! largest component, snapping grid). Measured: the graph build; the
//! nearest of 962 seeded sites by network for 3,782 seeded points (snapping
//! both, then one multi-source search); one bounded 60-minute one-to-many
//! search from a point to the 962 sites, walking and cycling; and reading
//! the walking graph back from the bytes of its prepared file
//! (`maillage reseau`).
//!
//! The grid: streets every 300 m, each block drawn with two shape nodes, so
//! nodes lie 100 m apart (jittered by up to 20 m) and, as in OSM, most of
//! them have two neighbours (2.3 million nodes, of which the walking graph
//! keeps 2.0 million, with 2.3 million edges); over 2.86° of longitude and
//! 1.84° of latitude from (1.4° E, 48.85° N), about the region's extent. Streets are cut into ways of 10 blocks, 4 % of them
//! left out, with a mix of `highway` values, some one-way or private, and
//! 1 % motorways that walking and cycling leave out.

use criterion::{criterion_group, criterion_main, Criterion};
use maillage::analysis::travel::{nearest_destinations, one_to_many, Scratch, Targets};
use maillage::base::TravelMode;
use maillage::base::{LonLat, Meters};
use maillage::index::network::{format, Network, Speeds};
use maillage::model::osm::{RawOsm, RawWay};
use maillage::seeded::SplitMix64;

/// Nodes per street; streets run along every third row and column.
const SIDE: usize = 2_044;
const STREET_EVERY: usize = 3;
const LON0: f64 = 1.4;
const LAT0: f64 = 48.85;
/// About 100 m at 50° N.
const DLON: f64 = 0.001_4;
const DLAT: f64 = 0.000_9;
/// Node steps per way: 10 blocks of 3 steps.
const STEPS_PER_WAY: usize = 30;
const SEED: u64 = 0x7265_7365_6175;

/// The seeded grid as raw OSM data (see the module documentation).
fn grid(seed: u64) -> RawOsm {
    let mut rng = SplitMix64(seed);
    let id = |r: usize, c: usize| (r * SIDE + c + 1) as i64;
    let mut nodes = Vec::new();
    for r in 0..SIDE {
        for c in 0..SIDE {
            if r % STREET_EVERY != 0 && c % STREET_EVERY != 0 {
                continue;
            }
            let jx = (rng.next_f64() - 0.5) * 0.4 * DLON;
            let jy = (rng.next_f64() - 0.5) * 0.4 * DLAT;
            nodes.push((
                id(r, c),
                LonLat::new(LON0 + c as f64 * DLON + jx, LAT0 + r as f64 * DLAT + jy),
            ));
        }
    }
    let kinds: [&[(&str, &str)]; 8] = [
        &[("highway", "residential")],
        &[("highway", "residential"), ("oneway", "yes")],
        &[("highway", "tertiary")],
        &[("highway", "unclassified")],
        &[("highway", "footway")],
        &[("highway", "track")],
        &[("highway", "service"), ("access", "private")],
        &[("highway", "secondary"), ("maxspeed", "70")],
    ];
    let mut ways = Vec::new();
    let mut way_id = 1i64;
    for horizontal in [true, false] {
        for line in (0..SIDE).step_by(STREET_EVERY) {
            let mut start = 0;
            while start + 1 < SIDE {
                let end = (start + STEPS_PER_WAY).min(SIDE - 1);
                let x = rng.next_f64();
                if x >= 0.04 {
                    let refs: Vec<i64> = (start..=end)
                        .map(|k| if horizontal { id(line, k) } else { id(k, line) })
                        .collect();
                    let tags: &[(&str, &str)] = if x < 0.05 {
                        &[("highway", "motorway")]
                    } else {
                        kinds[(rng.next_f64() * kinds.len() as f64) as usize]
                    };
                    ways.push(RawWay::new(way_id, &refs, tags));
                }
                way_id += 1;
                start = end;
            }
        }
    }
    ways.sort_by_key(|w| w.id);
    RawOsm {
        nodes,
        ways,
        files: vec![],
    }
}

/// Seeded points over the grid's extent.
fn points(n: usize, seed: u64) -> Vec<LonLat> {
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|_| {
            LonLat::new(
                LON0 + rng.next_f64() * DLON * (SIDE - 1) as f64,
                LAT0 + rng.next_f64() * DLAT * (SIDE - 1) as f64,
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let raw = grid(SEED);
    let speeds = Speeds::default();
    let walk = Network::build(&raw, TravelMode::Marche, speeds);
    let bike = Network::build(&raw, TravelMode::Velo, speeds);
    let origins = points(3_782, SEED + 1);
    let sites = points(962, SEED + 2);
    let snap_max = Meters(1_000.0);
    let snap_all = |net: &Network, pts: &[LonLat]| -> Vec<_> {
        pts.iter().map(|p| net.snap(*p, snap_max)).collect()
    };
    eprintln!(
        "grille : {} nœuds, {} voies ; marche : {} nœuds, {} arcs ({} écartés) ; vélo : {} nœuds, {} arcs ({} écartés)",
        raw.nodes.len(),
        raw.ways.len(),
        walk.node_count(),
        walk.arc_count(),
        walk.stats().nodes_dropped,
        bike.node_count(),
        bike.arc_count(),
        bike.stats().nodes_dropped,
    );

    let mut g = c.benchmark_group("network");
    g.sample_size(10);
    g.bench_function("build_marche_2m_nodes", |b| {
        b.iter(|| Network::build(&raw, TravelMode::Marche, speeds))
    });
    // The prepared file (`maillage reseau`) of the walking graph, decoded
    // from memory: checksum, checks, backward rows and snapping grid.
    let prepared = format::encode(std::slice::from_ref(&walk), speeds, &[]);
    eprintln!("réseau préparé (marche) : {} octets", prepared.len());
    g.bench_function("prepared_file_read_marche", |b| {
        b.iter(|| format::decode(&prepared, Some(TravelMode::Marche)).map(|p| p.networks.len()))
    });
    g.bench_function("nearest_site_3782_points_962_sites", |b| {
        b.iter(|| {
            let s = snap_all(&walk, &sites);
            let field = nearest_destinations(&walk, &s, None);
            origins
                .iter()
                .filter_map(|p| field.trip(&walk.snap(*p, snap_max)?, None))
                .count()
        })
    });
    for (name, net) in [
        ("one_to_many_60min_marche", &walk),
        ("one_to_many_60min_velo", &bike),
    ] {
        let s = snap_all(net, &sites);
        let targets = Targets::new(net, &s);
        let from = net
            .snap(origins[0], snap_max)
            .expect("the first point is snapped");
        let mut scratch = Scratch::default();
        g.bench_function(name, |b| {
            b.iter(|| one_to_many(net, &from, &s, &targets, Some(3_600_000), &mut scratch).len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
