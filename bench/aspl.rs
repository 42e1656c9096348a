//! Criterion benchmark of the ASPL kernel (one full evaluation) on the seeded random graphs the
//! throughput tables use, and of one annealing iteration (propose, evaluate with cut-off, keep or
//! undo). `cargo bench --no-default-features --bench aspl`
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rgp::config::{GraphConfig, Init, MAX_ITERS, SearchKind};
use rgp::graph::{AsplKernel, generate};
use rgp::search::Runner;
use std::hint::black_box;

const SIZES: [(u32, u32); 5] = [(64, 4), (64, 8), (128, 8), (256, 16), (512, 16)];

fn kernel(c: &mut Criterion) {
    let mut group = c.benchmark_group("aspl_random");
    group.throughput(Throughput::Elements(1));
    for (n, k) in SIZES {
        let g = generate::random(n, k, 1).unwrap();
        let mut kern = AsplKernel::new();
        group.bench_function(format!("{n}_{k}"), |b| b.iter(|| kern.stats(black_box(&g))));
    }
    group.finish();
}

fn anneal_iteration(c: &mut Criterion) {
    let mut group = c.benchmark_group("anneal_iteration");
    group.throughput(Throughput::Elements(1));
    for (n, k) in SIZES {
        let cfg = GraphConfig {
            nodes: n,
            degree: k,
            init: Init::Random,
            search: SearchKind::Anneal,
            iters: MAX_ITERS,
            ..GraphConfig::default()
        };
        let mut r = Runner::new(&cfg).unwrap();
        group.bench_function(format!("{n}_{k}"), |b| b.iter(|| r.step(1)));
    }
    group.finish();
}

criterion_group!(benches, kernel, anneal_iteration);
criterion_main!(benches);
