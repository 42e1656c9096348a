//! The reference `PathOptimizer` (graph/optimizer.py), rule for rule.
//!
//! One call runs at most n(n−1) attempts. An attempt draws s1, s2 uniformly, t1 and t2 as
//! uniform neighbours, skips degenerate or existing-edge cases, swaps (s1,t1),(s2,t2) →
//! (s1,t2),(s2,t1), undoes a swap that disconnects the graph, and otherwise compares the new ASPL
//! with `before`, the ASPL at the start of the call (never updated within a call):
//! - `min`: undo if it rose, or fell by more than `interval_up`; if it fell by a step inside
//!   (down, up), return at once (unless `extreme`); otherwise keep it and go on;
//! - `max`: the mirror image;
//! - `random`: undo unless |Δ| is inside (down, up); the first such swap ends the call.
//!
//! `steps` calls are chained. One iteration of the [`Runner`](super::Runner) is one attempt.

use super::{Step, Walk};
use crate::config::{Direction, GraphConfig};
use crate::graph::Eval;

#[derive(Clone, Debug)]
pub struct Paper {
    direction: Direction,
    down: f64,
    up: f64,
    extreme: bool,
    calls: u32,
    calls_done: u32,
    attempts_per_call: u64,
    attempts: u64,
    /// Distance sum at the start of the current call.
    before_sum: u64,
}

/// Outcome of one attempt inside a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Skipped, disconnected or undone.
    Rejected,
    /// Kept; the call goes on.
    Kept([u32; 4]),
    /// Kept, and the call returns.
    Returned([u32; 4]),
}

impl Paper {
    pub fn new(cfg: &GraphConfig, walk: &Walk) -> Paper {
        let n = walk.graph.n() as u64;
        Paper {
            direction: cfg.direction,
            down: cfg.interval_down,
            up: cfg.interval_up,
            extreme: cfg.extreme,
            calls: cfg.steps,
            calls_done: 0,
            attempts_per_call: n * (n - 1),
            attempts: 0,
            before_sum: walk.stats.sum,
        }
    }

    pub fn finished(&self) -> bool {
        self.calls_done >= self.calls
    }

    /// Calls completed so far.
    pub fn calls_done(&self) -> u32 {
        self.calls_done
    }

    /// One attempt; the step's `finished` is set when the last call ends.
    pub fn iterate(&mut self, walk: &mut Walk) -> Step {
        let r = self.attempt(walk);
        self.attempts += 1;
        if matches!(r, Attempt::Returned(_)) || self.attempts >= self.attempts_per_call {
            self.end_call(walk);
        }
        Step {
            kept: match r {
                Attempt::Kept(s) | Attempt::Returned(s) => Some(s),
                Attempt::Rejected => None,
            },
            finished: self.finished(),
        }
    }

    /// True when the last [`Paper::iterate`] ended a call (the family saves a graph then).
    pub fn at_call_start(&self) -> bool {
        self.attempts == 0
    }

    fn end_call(&mut self, walk: &Walk) {
        self.calls_done += 1;
        self.attempts = 0;
        self.before_sum = walk.stats.sum;
    }

    fn attempt(&mut self, walk: &mut Walk) -> Attempt {
        let g = &walk.graph;
        let (n, k) = (g.n(), g.k());
        let s1 = walk.rng.below(n);
        let s2 = walk.rng.below(n);
        let t1 = g.neighbors(s1)[walk.rng.below(k) as usize];
        let t2 = g.neighbors(s2)[walk.rng.below(k) as usize];
        if s1 == s2 || t1 == t2 || s1 == t2 || s2 == t1 || g.has_edge(s1, t2) || g.has_edge(s2, t1)
        {
            return Attempt::Rejected;
        }
        let swap = [s1, t1, s2, t2];
        let pairs = n as f64 * (n as f64 - 1.0);
        let before = self.before_sum as f64 / pairs;
        // Largest distance sum that could still be kept; anything above is cut early.
        let ceiling = match self.direction {
            Direction::Min => self.before_sum,
            Direction::Max | Direction::Random => ((before + self.up) * pairs) as u64 + 2,
        };
        walk.apply(swap);
        let stats = match walk.kernel.eval(&walk.graph, ceiling, u32::MAX) {
            Eval::Done(s) => s,
            Eval::Cut | Eval::Disconnected => {
                walk.undo(swap);
                return Attempt::Rejected;
            }
        };
        let after = stats.sum as f64 / pairs;
        let window = |d: f64| self.down < d && d < self.up;
        let verdict = match self.direction {
            Direction::Min | Direction::Max => {
                // `gain` is the change in the searched direction.
                let gain = if self.direction == Direction::Min {
                    before - after
                } else {
                    after - before
                };
                if gain < 0.0 || gain > self.up {
                    None
                } else if window((after - before).abs()) && !self.extreme {
                    Some(true)
                } else {
                    Some(false)
                }
            }
            Direction::Random => window((after - before).abs()).then_some(true),
        };
        match verdict {
            None => {
                walk.undo(swap);
                Attempt::Rejected
            }
            Some(ends) => {
                walk.stats = stats;
                if ends {
                    Attempt::Returned(swap)
                } else {
                    Attempt::Kept(swap)
                }
            }
        }
    }
}
