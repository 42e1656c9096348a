//! Walk to a requested ASPL from either side: keep a random swap when it brings the distance sum
//! no farther from the target (ties kept, so the walk can cross plateaus), stop once the ASPL is
//! within the tolerance. The result is the graph closest to the target seen.

use super::{Step, Walk};
use crate::config::GraphConfig;
use crate::graph::metrics::moore_bound;
use crate::graph::{Eval, Graph, PathStats};
use crate::{Result, bail};

#[derive(Clone, Debug)]
pub struct Target {
    goal: f64,
    tolerance: f64,
    /// The goal as a distance sum over ordered pairs.
    goal_sum: f64,
    pairs: f64,
    total: u64,
    t: u64,
    reached: bool,
    best: Graph,
    best_stats: PathStats,
}

impl Target {
    pub fn new(cfg: &GraphConfig, walk: &Walk) -> Result<Target> {
        let (bound, _) = moore_bound(cfg.nodes, cfg.degree);
        if cfg.target_aspl < bound - cfg.tolerance {
            bail!(
                "target ASPL {} is below {:.4}, the lowest any {}-regular graph on {} nodes can have",
                cfg.target_aspl,
                bound,
                cfg.degree,
                cfg.nodes
            );
        }
        let n = walk.graph.n() as f64;
        let pairs = n * (n - 1.0);
        let mut t = Target {
            goal: cfg.target_aspl,
            tolerance: cfg.tolerance,
            goal_sum: cfg.target_aspl * pairs,
            pairs,
            total: cfg.iters,
            t: 0,
            reached: false,
            best: walk.graph.clone(),
            best_stats: walk.stats,
        };
        t.reached = t.within(walk.stats);
        Ok(t)
    }

    fn within(&self, s: PathStats) -> bool {
        (s.sum as f64 / self.pairs - self.goal).abs() <= self.tolerance
    }

    fn miss(&self, s: PathStats) -> f64 {
        (s.sum as f64 - self.goal_sum).abs()
    }

    pub fn finished(&self) -> bool {
        self.reached || self.t >= self.total
    }

    /// True when the result is within the tolerance of the target.
    pub fn reached(&self) -> bool {
        self.reached
    }

    pub fn best(&self) -> &Graph {
        &self.best
    }

    pub fn best_stats(&self) -> PathStats {
        self.best_stats
    }

    pub fn iterate(&mut self, walk: &mut Walk) -> Step {
        self.t += 1;
        let kept = walk.propose().and_then(|s| {
            let miss = self.miss(walk.stats);
            // A sum above goal + miss is farther away whatever the rest of the levels hold.
            // Saturating: a goal beyond every graph (found by fuzzing) must not wrap to 0.
            let ceiling = ((self.goal_sum + miss) as u64).saturating_add(1);
            walk.apply(s);
            match walk.kernel.eval(&walk.graph, ceiling, u32::MAX) {
                Eval::Done(st) if self.miss(st) <= miss => {
                    walk.stats = st;
                    Some(s)
                }
                _ => {
                    walk.undo(s);
                    None
                }
            }
        });
        if kept.is_some() && self.miss(walk.stats) < self.miss(self.best_stats) {
            self.best.clone_from(&walk.graph);
            self.best_stats = walk.stats;
            self.reached = self.within(walk.stats);
        }
        Step {
            kept,
            finished: self.finished(),
        }
    }
}
