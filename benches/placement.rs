//! Benchmarks of the placement of new sites on the embedded region: the
//! whole `place` (problem building, greedy, swaps, bound, LP) for maximal
//! covering at 5 and 10 km and for p-median.

use criterion::{criterion_group, criterion_main, Criterion};
use maillage::analysis::basics::Basics;
use maillage::analysis::measure::Measure;
use maillage::analysis::placement::{mairie_candidates, place, Model, Objective, PlacementParams};
use maillage::load::territory::{load_territory, DataPaths};
use maillage::warnings::Warnings;

fn bench(c: &mut Criterion) {
    let t =
        load_territory(&DataPaths::default(), &mut Warnings::new()).expect("embedded data loads");
    let b = Basics::new(&t);
    let candidates = mairie_candidates(&t);
    let params = |model, km| PlacementParams {
        model,
        objective: Objective::Jeunes,
        k: 10,
        radius: maillage::base::Cost::km(km),
        scope: maillage::model::Scope::Region,
        exact_nodes: None,
    };
    let mut g = c.benchmark_group("placement");
    g.sample_size(10);
    for (name, model, km) in [
        ("mclp_k10_r10km", Model::Mclp, 10.0),
        ("mclp_k10_r5km", Model::Mclp, 5.0),
        ("p_median_k10", Model::PMedian, 5.0),
    ] {
        let p = params(model, km);
        g.bench_function(name, |bch| {
            bch.iter(|| place(&t, &b, &Measure::Geodesic, &candidates, &p).expect("placement runs"))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
