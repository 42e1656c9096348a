//! Throughput of the ASPL kernel and of the search loops on seeded random graphs, one JSON line
//! per graph (read by bench/vs_networkx.py). Single thread.
//!
//! cargo bench --no-default-features --bench kernel_rate -- [--seconds S] [--npy FILE]... [N K SEED]...

use rgp::config::{GraphConfig, Init, SearchKind};
use rgp::graph::{AsplKernel, Graph, generate};
use rgp::search::Runner;
use std::time::Instant;

/// CPU time of this thread in seconds (Linux `schedstat`), so that other processes on a busy
/// machine do not count against us; wall time elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? * 1e-9)
}

/// Calls `f` in rounds until `seconds` of CPU time have passed; returns (calls, seconds).
fn timed(seconds: f64, mut f: impl FnMut() -> u64) -> (u64, f64) {
    let wall = Instant::now();
    let now = || cpu_seconds().unwrap_or_else(|| wall.elapsed().as_secs_f64());
    let t0 = now();
    let mut calls = 0;
    while now() - t0 < seconds {
        calls += f();
    }
    (calls, now() - t0)
}

fn measure(g: &Graph, seed: u32, seconds: f64) -> String {
    let (n, k) = (g.n(), g.k());
    let mut kern = AsplKernel::new();
    let stats = kern.stats(g).expect("connected");
    let (evals, secs) = timed(seconds, || {
        for _ in 0..64 {
            std::hint::black_box(kern.stats(std::hint::black_box(g)));
        }
        64
    });
    let search = |kind: SearchKind| {
        let cfg = GraphConfig {
            nodes: n,
            degree: k,
            init: Init::Random,
            seed,
            search: kind,
            steps: rgp::config::MAX_STEPS,
            extreme: true, // the reference rule without early returns: a steady attempt stream
            iters: rgp::config::MAX_ITERS,
            ..GraphConfig::default()
        };
        let mut r = Runner::with_start(&cfg, g.clone()).expect("valid");
        let (iters, secs) = timed(seconds, || r.step(256).iterations.min(1) * 256);
        let p = r.progress();
        (iters as f64 / secs, p.evaluations as f64 / secs)
    };
    let (anneal_it, anneal_ev) = search(SearchKind::Anneal);
    let (paper_it, paper_ev) = search(SearchKind::Paper);
    format!(
        "{{\"n\":{n},\"k\":{k},\"seed\":{seed},\"fingerprint\":\"{}\",\"aspl\":{},\"evals_per_s\":{:.1},\
         \"anneal_iters_per_s\":{anneal_it:.1},\"anneal_evals_per_s\":{anneal_ev:.1},\
         \"paper_attempts_per_s\":{paper_it:.1},\"paper_evals_per_s\":{paper_ev:.1}}}",
        g.fingerprint(),
        stats.aspl(n),
        evals as f64 / secs
    )
}

fn main() {
    let mut seconds = 1.0;
    let mut graphs: Vec<(Graph, u32)> = Vec::new();
    let mut nums: Vec<u32> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--seconds S")
            }
            "--npy" => {
                let path = args.next().expect("--npy FILE");
                let bytes = std::fs::read(&path).expect("readable file");
                let (g, _) = rgp::io::import(&bytes, &path).expect("valid graph");
                graphs.push((g, 0));
            }
            x => nums.push(x.parse().expect("N K SEED triples")),
        }
    }
    if nums.is_empty() && graphs.is_empty() {
        nums = vec![64, 4, 1, 64, 8, 1, 128, 8, 1, 256, 16, 1, 512, 16, 1];
    }
    for t in nums.chunks(3) {
        let &[n, k, seed] = t else {
            panic!("N K SEED triples")
        };
        graphs.push((
            generate::random(n, k, seed as u64).expect("valid size"),
            seed,
        ));
    }
    for (g, seed) in &graphs {
        println!("{}", measure(g, *seed, seconds));
    }
}
