//! Simulated annealing on (diameter, distance sum), Graph Golf style.
//!
//! - Move: a random double-edge swap ([`Walk::propose`]).
//! - Energy: diameter first (a swap that raises the diameter is never kept, one that lowers it
//!   always is), then the distance sum over ordered pairs.
//! - Metropolis with the threshold drawn *before* evaluating: keep the swap when
//!   `sum_new <= sum_cur + T·ln(1/u)`. The kernel stops as soon as the sum is sure to exceed that
//!   threshold or the diameter to exceed the current one, so most rejections are cheap.
//! - Geometric cooling from `T_max` to `T_min` over the iteration budget. `T_min` accepts the
//!   smallest worsening (2) with probability 1e-4 (ODP). ODP's `T_max` accepts the largest
//!   worsening seen among probe swaps with probability 1/2; on our sizes that start is far
//!   hotter than useful (bench/anneal_tune.rs), so we start at a twentieth of it.
//!
//! The search ends early once it reaches the Moore bound.
//!
//! All transcendental math goes through `libm`, so x86_64 and wasm32 make the same choices.

use super::{Step, Walk};
use crate::config::GraphConfig;
use crate::graph::metrics::moore_sum;
use crate::graph::{Eval, Graph, PathStats, Rng, generate};
use crate::{Result, bail};

/// Probe swaps used to set the starting temperature.
const PROBES: u32 = 100;
/// `T_max` as a fraction of ODP's.
const START_SCALE: f64 = 0.05;

#[derive(Clone, Debug)]
pub struct Anneal {
    total: u64,
    /// Distance sum of the Moore bound: reaching it ends the search (nothing can be better).
    bound_sum: u64,
    t: u64,
    t_max: f64,
    t_min: f64,
    best: Graph,
    best_stats: PathStats,
}

impl Anneal {
    pub fn new(cfg: &GraphConfig, walk: &Walk) -> Result<Anneal> {
        let t_min = -2.0 / libm::log(1e-4);
        let t_max = start_temperature(cfg)?.max(t_min);
        Ok(Self::with_temperatures(cfg, walk, t_max, t_min))
    }

    /// An annealer with a given schedule (for tuning experiments).
    pub fn with_temperatures(cfg: &GraphConfig, walk: &Walk, t_max: f64, t_min: f64) -> Anneal {
        Anneal {
            total: cfg.iters,
            bound_sum: moore_sum(cfg.nodes, cfg.degree).0 * cfg.nodes as u64,
            t: 0,
            t_max,
            t_min,
            best: walk.graph.clone(),
            best_stats: walk.stats,
        }
    }

    /// `(T_max, T_min)`.
    pub fn temperatures(&self) -> (f64, f64) {
        (self.t_max, self.t_min)
    }

    pub fn finished(&self) -> bool {
        self.t >= self.total || self.best_stats.sum <= self.bound_sum
    }

    pub fn best(&self) -> &Graph {
        &self.best
    }

    pub fn best_stats(&self) -> PathStats {
        self.best_stats
    }

    /// Temperature at iteration `t` (distance-sum units).
    pub fn temperature(&self, t: u64) -> f64 {
        let x = t as f64 / self.total.max(1) as f64;
        self.t_max * libm::pow(self.t_min / self.t_max, x)
    }

    pub fn iterate(&mut self, walk: &mut Walk) -> Step {
        let temp = self.temperature(self.t);
        self.t += 1;
        let proposal = walk.propose();
        // Drawn for every iteration, so the stream does not depend on which proposals were valid.
        let u = 1.0 - walk.rng.unit(); // (0, 1]
        let kept = proposal.and_then(|s| {
            let slack = -temp * libm::log(u);
            let ceiling =
                walk.stats
                    .sum
                    .saturating_add(if slack < 1e18 { slack as u64 } else { u64::MAX });
            walk.apply(s);
            match walk.kernel.eval(&walk.graph, ceiling, walk.stats.diameter) {
                Eval::Done(st) if st.diameter < walk.stats.diameter || st.sum <= ceiling => {
                    walk.stats = st;
                    Some(s)
                }
                _ => {
                    walk.undo(s);
                    None
                }
            }
        });
        if kept.is_some() && better(walk.stats, self.best_stats) {
            self.best.clone_from(&walk.graph);
            self.best_stats = walk.stats;
        }
        Step {
            kept,
            finished: self.finished(),
        }
    }
}

/// Diameter first, then the distance sum.
pub fn better(a: PathStats, b: PathStats) -> bool {
    (a.diameter, a.sum) < (b.diameter, b.sum)
}

/// `T_max`: [`START_SCALE`] × the temperature at which the largest worsening among probe swaps
/// on a random graph of the same size is accepted with probability 1/2.
fn start_temperature(cfg: &GraphConfig) -> Result<f64> {
    let mut rng = Rng::derive(cfg.seed as u64, "anneal-temperature");
    let g = generate::random_with(cfg.nodes, cfg.degree, &mut rng)?;
    let mut walk = Walk::new(g, rng)?;
    let mut worst = 0u64;
    for _ in 0..PROBES {
        let Some(s) = walk.propose() else { continue };
        walk.apply(s);
        if let Eval::Done(st) = walk.kernel.eval(&walk.graph, u64::MAX, u32::MAX) {
            worst = worst.max(st.sum.saturating_sub(walk.stats.sum));
        }
        walk.undo(s);
    }
    Ok(START_SCALE * worst as f64 / core::f64::consts::LN_2)
}

/// Iteration budget that fills `limit_ms` on `clock`: runs the same configuration on shortened
/// schedules (doubling until one takes a fortieth of the limit) and extrapolates the rate.
pub fn iterations_for_time(
    cfg: &GraphConfig,
    start: &Graph,
    limit_ms: f64,
    t0: f64,
    clock: &mut dyn FnMut() -> f64,
) -> Result<u64> {
    if limit_ms <= 0.0 {
        bail!("the time limit must be positive");
    }
    let mut probe = cfg.clone();
    probe.stop_after = None;
    probe.iters = 2000;
    loop {
        let t = clock();
        let mut r = super::Runner::with_start(&probe, start.clone())?;
        while !r.is_done() {
            r.step(4096);
        }
        let took = (clock() - t).max(1e-3);
        let left = limit_ms - (clock() - t0);
        // A probe that reached the Moore bound ended early: longer probes would too.
        let hit_bound = r.progress().iterations < probe.iters;
        if took >= limit_ms / 40.0
            || left <= 0.0
            || hit_bound
            || probe.iters >= crate::config::MAX_ITERS / 2
        {
            let rate = probe.iters as f64 / took;
            let n = (rate * left.max(0.0) * 0.97) as u64;
            return Ok(n.clamp(1, crate::config::MAX_ITERS));
        }
        probe.iters *= 2;
    }
}
