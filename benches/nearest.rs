//! Benchmarks of the nearest-site search: building the index and querying it
//! for every commune of the embedded region, and for seeded random points.

use criterion::{criterion_group, criterion_main, Criterion};
use maillage::analysis::distance::nearest_sites;
use maillage::base::LonLat;
use maillage::index::SiteIndex;
use maillage::load::territory::{load_territory, DataPaths};
use maillage::warnings::Warnings;

/// Seeded points over the region's bounding box (SplitMix64).
fn random_points(n: usize, seed: u64) -> Vec<LonLat> {
    let mut rng = maillage::seeded::SplitMix64(seed);
    let mut next = move || rng.next_f64();
    (0..n)
        .map(|_| LonLat::new(1.38 + 2.8 * next(), 48.84 + 2.2 * next()))
        .collect()
}

fn bench(c: &mut Criterion) {
    let t =
        load_territory(&DataPaths::default(), &mut Warnings::new()).expect("embedded data loads");
    let sites: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
    let communes: Vec<LonLat> = t.communes.iter().map(|c| c.reference).collect();
    let index = SiteIndex::new(&sites);
    let points = random_points(100_000, 0x6d61_696c_6c61_6765);

    let mut g = c.benchmark_group("nearest");
    g.sample_size(10);
    g.bench_function("index_build_962_sites", |b| {
        b.iter(|| SiteIndex::new(&sites))
    });
    g.bench_function("communes_3782", |b| {
        b.iter(|| nearest_sites(&index, &communes))
    });
    g.bench_function("random_points_100k", |b| {
        b.iter(|| nearest_sites(&index, &points))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
