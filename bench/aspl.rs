//! Criterion benchmark of the ASPL kernel (throughput in evaluations/s).
use criterion::{Criterion, criterion_group, criterion_main};
use rgp::graph::{AsplKernel, generate};
use std::hint::black_box;

fn kernel(c: &mut Criterion) {
    for (n, k) in [(64u32, 4u32), (64, 8), (128, 8), (256, 16), (512, 16)] {
        let g = generate::ring(n, k).unwrap();
        let mut kern = AsplKernel::new();
        c.bench_function(&format!("aspl_ring_{n}_{k}"), |b| {
            b.iter(|| kern.stats(black_box(&g)))
        });
    }
}

criterion_group!(benches, kernel);
criterion_main!(benches);
