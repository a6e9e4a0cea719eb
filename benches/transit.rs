//! Benchmark of public transport times (issue 13) at the scale of
//! Hauts-de-France: a seeded synthetic walking grid over the region's
//! extent and a seeded synthetic timetable of about one million stop times
//! (the regional rail feed plus the urban networks is of that order), for
//! 3,782 origins and 962 sites, with a 60-minute window of departures.
//!
//! The walking grid: streets every 300 m in both directions (nodes at the
//! crossings), 667 × 667 nodes over 2.86° × 1.84° from (1.4° E, 48.85° N),
//! about 445,000 nodes; coarser than the real walking network (2 million
//! nodes), which only the walking legs (bounded to 15 minutes) and the one
//! walking-only field would feel.
//!
//! The timetable: 20,000 stops at seeded grid nodes; 560 bus lines of 25
//! stops along seeded walks of neighbouring stops (about 400 m apart, 80 s
//! between stops), both ways, every 20 to 40 minutes from 5:00 to 22:00;
//! 30 rail lines of 15 stations (3 to 8 km apart, 3 minutes to 5 minutes
//! between stations) every hour. Measured (criterion, 10 samples): the
//! preparation (routes and the transfers on foot between stops), and the
//! nearest site by public transport and walking for 100 of the 3,782 origins
//! with a 60-minute window; the whole 3,782 origins are timed once and
//! printed (`transit: 3,782 origines …`), being too long to sample ten times.

use std::sync::Arc;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use maillage::analysis::measure::Measure;
use maillage::analysis::transit::{Transit, TransitParams};
use maillage::base::TravelMode;
use maillage::base::{LonLat, Meters};
use maillage::index::network::{Network, Speeds};
use maillage::model::osm::{RawOsm, RawWay};
use maillage::model::transit::{Date, Timetable, TransitStop, TransitTrip};
use maillage::seeded::SplitMix64;

const SIDE: usize = 667;
const LON0: f64 = 1.4;
const LAT0: f64 = 48.85;
/// About 300 m at 50° N.
const DLON: f64 = 0.004_3;
const DLAT: f64 = 0.002_76;
const SEED: u64 = 0x0074_7261_6e73_6974;

fn position(r: usize, c: usize) -> LonLat {
    LonLat::new(LON0 + c as f64 * DLON, LAT0 + r as f64 * DLAT)
}

/// The walking grid as raw OSM data: one footway per row and column.
fn walking_grid() -> Network {
    let id = |r: usize, c: usize| (r * SIDE + c + 1) as i64;
    let mut nodes = Vec::with_capacity(SIDE * SIDE);
    for r in 0..SIDE {
        for c in 0..SIDE {
            nodes.push((id(r, c), position(r, c)));
        }
    }
    let mut ways = Vec::new();
    for k in 0..SIDE {
        let row: Vec<i64> = (0..SIDE).map(|c| id(k, c)).collect();
        let col: Vec<i64> = (0..SIDE).map(|r| id(r, k)).collect();
        ways.push(RawWay::new(
            1 + 2 * k as i64,
            &row,
            &[("highway", "footway")],
        ));
        ways.push(RawWay::new(
            2 + 2 * k as i64,
            &col,
            &[("highway", "footway")],
        ));
    }
    let raw = RawOsm {
        nodes,
        ways,
        files: vec![],
    };
    Network::build(&raw, TravelMode::Marche, Speeds::default())
}

fn pick(rng: &mut SplitMix64, n: usize) -> usize {
    ((rng.next_f64() * n as f64) as usize).min(n - 1)
}

/// The synthetic timetable (see the module documentation).
fn timetable() -> Timetable {
    let mut rng = SplitMix64(SEED);
    let n_stops = 20_000;
    let cells: Vec<(usize, usize)> = (0..n_stops)
        .map(|_| (pick(&mut rng, SIDE), pick(&mut rng, SIDE)))
        .collect();
    let stops: Vec<TransitStop> = cells
        .iter()
        .enumerate()
        .map(|(i, &(r, c))| TransitStop {
            id: format!("synth:{i}"),
            name: String::new(),
            position: position(r, c),
        })
        .collect();
    // Stops by grid cell of 4 × 4 nodes, to walk a line through neighbours.
    let mut by_cell: std::collections::BTreeMap<(usize, usize), Vec<u32>> = Default::default();
    for (i, &(r, c)) in cells.iter().enumerate() {
        by_cell.entry((r / 4, c / 4)).or_default().push(i as u32);
    }
    let mut trips = Vec::new();
    let mut add_line = |stops_of: Vec<u32>, hop: i32, headway: i32, first: i32| {
        for dir in 0..2 {
            let mut seq = stops_of.clone();
            if dir == 1 {
                seq.reverse();
            }
            let mut start = first;
            while start < 22 * 3600 {
                let times: Vec<i32> = (0..seq.len() as i32).map(|k| start + k * hop).collect();
                trips.push(TransitTrip {
                    id: format!("synth:{}", trips.len()),
                    route: "synth:r".into(),
                    stops: seq.clone(),
                    arrivals: times.clone(),
                    departures: times,
                });
                start += headway;
            }
        }
    };
    let mut rng2 = SplitMix64(SEED + 1);
    for _ in 0..560 {
        let (mut r, mut c) = (pick(&mut rng2, SIDE / 4), pick(&mut rng2, SIDE / 4));
        let mut line = Vec::new();
        while line.len() < 25 {
            if let Some(v) = by_cell.get(&(r, c)) {
                let s = v[pick(&mut rng2, v.len())];
                if !line.contains(&s) {
                    line.push(s);
                }
            }
            match pick(&mut rng2, 4) {
                0 => r = (r + 1).min(SIDE / 4 - 1),
                1 => r = r.saturating_sub(1),
                2 => c = (c + 1).min(SIDE / 4 - 1),
                _ => c = c.saturating_sub(1),
            }
        }
        let headway = 1200 + 60 * pick(&mut rng2, 21) as i32;
        add_line(line, 80, headway, 5 * 3600 + pick(&mut rng2, 1200) as i32);
    }
    for _ in 0..30 {
        let line: Vec<u32> = (0..15).map(|_| pick(&mut rng2, n_stops) as u32).collect();
        let hop = 180 + 10 * pick(&mut rng2, 12) as i32;
        add_line(line, hop, 3600, 5 * 3600 + pick(&mut rng2, 3600) as i32);
    }
    Timetable {
        date: Date::new(2026, 12, 7).expect("a date"),
        stops,
        trips,
        transfers: vec![],
        feeds: vec![],
    }
}

fn points(n: usize, seed: u64) -> Vec<LonLat> {
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|_| {
            LonLat::new(
                LON0 + (SIDE - 1) as f64 * DLON * rng.next_f64(),
                LAT0 + (SIDE - 1) as f64 * DLAT * rng.next_f64(),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let walk = Arc::new(walking_grid());
    let tt = timetable();
    let stop_times: usize = tt.trips.iter().map(|t| t.stops.len()).sum();
    eprintln!(
        "marche : {} nœuds ; horaires : {} arrêts, {} courses, {} passages",
        walk.node_count(),
        tt.stops.len(),
        tt.trips.len(),
        stop_times
    );
    let params = TransitParams {
        departure: 8 * 3600,
        window_min: 60,
        walk_max_s: 900,
        max_s: 7200,
        snap_max: Meters(1_000.0),
    };
    let origins = points(3_782, SEED + 2);
    let sites = points(962, SEED + 3);

    let mut g = c.benchmark_group("transit");
    g.sample_size(10);
    g.bench_function("prepare_20000_stops", |b| {
        b.iter(|| Transit::new(walk.clone(), &tt, params))
    });
    let transit = Transit::new(walk.clone(), &tt, params);
    g.bench_function("nearest_site_100_origins_window_60", |b| {
        b.iter(|| {
            Measure::Transit(&transit)
                .towards(&sites)
                .nearest(&origins[..100])
                .costs
                .iter()
                .flatten()
                .count()
        })
    });
    g.finish();

    let start = Instant::now();
    let all = Measure::Transit(&transit).towards(&sites).nearest(&origins);
    let reached = all.costs.iter().flatten().count();
    let mut minutes: Vec<f64> = all.costs.iter().flatten().map(|c| c.value).collect();
    minutes.sort_by(f64::total_cmp);
    eprintln!(
        "transit: 3,782 origines vers 962 sites, fenêtre de 60 min : {:.1} s ({} atteintes, temps médian {:.1} min)",
        start.elapsed().as_secs_f64(),
        reached,
        minutes.get(minutes.len() / 2).copied().unwrap_or(f64::NAN)
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
