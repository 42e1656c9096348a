//! The measured work, shared by the wasm module and the native binary:
//! - `anneal`: `rgp graph --init random --seed S --search anneal --iters I` (what the app's
//!   benchmark times), returning the kernel evaluations it ran;
//! - `stats`: full (uncut) kernel evaluations of the seeded random graph.
//!
//! Both leave a checksum behind (`check()`), so the driver can tell that wasm32 and x86_64 did
//! the same work.

use rgp::config::{GraphConfig, Init, SearchKind};
use rgp::graph::{AsplKernel, generate};
use std::sync::atomic::{AtomicU64, Ordering};

static CHECK: AtomicU64 = AtomicU64::new(0);

/// Evaluations run by an anneal of `iters` iterations from the seeded random (n, k) graph.
pub fn anneal(n: u32, k: u32, seed: u32, iters: u64) -> u64 {
    let cfg = GraphConfig {
        nodes: n,
        degree: k,
        init: Init::Random,
        seed,
        search: SearchKind::Anneal,
        iters,
        ..GraphConfig::default()
    };
    let (g, p) = rgp::search::run(&cfg, None).expect("valid configuration");
    let fp = u64::from_str_radix(&g.fingerprint(), 16).expect("hex");
    CHECK.store(fp, Ordering::Relaxed);
    p.evaluations
}

/// Runs `reps` full evaluations of the seeded random (n, k) graph; returns `reps`.
pub fn stats(n: u32, k: u32, seed: u32, reps: u64) -> u64 {
    let g = generate::random(n, k, seed as u64).expect("valid size");
    let mut kern = AsplKernel::new();
    let mut sum = 0u64;
    for _ in 0..reps {
        let s = kern.stats(std::hint::black_box(&g)).expect("connected");
        sum = sum.wrapping_add(s.sum ^ s.diameter as u64);
    }
    CHECK.store(sum, Ordering::Relaxed);
    reps
}

pub fn check() -> u64 {
    CHECK.load(Ordering::Relaxed)
}

// Plain exports for Node (numbers as f64: exact up to 2^53, enough for counts and iterations).
#[cfg(target_family = "wasm")]
mod exports {
    #[unsafe(no_mangle)]
    pub extern "C" fn bench_anneal(n: u32, k: u32, seed: u32, iters: f64) -> f64 {
        super::anneal(n, k, seed, iters as u64) as f64
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn bench_stats(n: u32, k: u32, seed: u32, reps: f64) -> f64 {
        super::stats(n, k, seed, reps as u64) as f64
    }

    /// The low and high halves of the last checksum.
    #[unsafe(no_mangle)]
    pub extern "C" fn bench_check_lo() -> u32 {
        super::check() as u32
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn bench_check_hi() -> u32 {
        (super::check() >> 32) as u32
    }
}
