//! Schedule experiments for the annealer (not a reported benchmark).
//! cargo bench --no-default-features --bench anneal_tune -- N K ITERS TMAX_SCALE TMIN SEEDS
//! (TMAX_SCALE multiplies the default starting temperature.)
use rgp::config::{GraphConfig, Init, SearchKind};
use rgp::graph::Rng;
use rgp::search::anneal::Anneal;
use rgp::search::{Walk, start_graph};

fn main() {
    let a: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let n: u32 = a[0].parse().unwrap();
    let k: u32 = a[1].parse().unwrap();
    let iters: u64 = a[2].parse().unwrap();
    let scale: f64 = a[3].parse().unwrap();
    let tmin: f64 = a[4].parse().unwrap();
    let seeds: u32 = a[5].parse().unwrap();
    let mut res = Vec::new();
    for seed in 1..=seeds {
        let cfg = GraphConfig {
            nodes: n,
            degree: k,
            init: Init::Random,
            search: SearchKind::Anneal,
            seed,
            iters,
            ..GraphConfig::default()
        };
        let g = start_graph(&cfg).unwrap();
        let mut walk = Walk::new(g, Rng::derive(seed as u64, "search")).unwrap();
        let base = Anneal::new(&cfg, &walk).unwrap();
        let (tmax, _) = base.temperatures();
        let mut an = Anneal::with_temperatures(&cfg, &walk, tmax * scale, tmin);
        while !an.finished() {
            an.iterate(&mut walk);
        }
        res.push(an.best_stats().aspl(n));
        eprintln!(
            "seed {seed} tmax {:.2} best {:.5} d{}",
            tmax * scale,
            an.best_stats().aspl(n),
            an.best_stats().diameter
        );
    }
    let mean = res.iter().sum::<f64>() / res.len() as f64;
    let min = res.iter().cloned().fold(f64::INFINITY, f64::min);
    println!("n={n} k={k} iters={iters} scale={scale} tmin={tmin}: mean {mean:.5} min {min:.5}");
}
