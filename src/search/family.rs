//! Graph families the way the published RGP graphs were made (Adjacency/Generator.py):
//! T trajectories, each starting from the start graph (the ring lattice by default) and saving
//! the current graph before each of K−1 chained reference steps, so K graphs per trajectory
//! (the start graph appears once per trajectory). All graphs are kept and sorted by ASPL, ties
//! in (trajectory, step) order so the order is the same everywhere.
//!
//! The builder is resumable like [`Runner`](super::Runner): [`FamilyBuilder::step`] runs up to
//! `budget` more reference attempts.

use super::paper::Paper;
use super::{Walk, start_graph};
use crate::config::GraphConfig;
use crate::graph::{Graph, PathStats, Rng};
use crate::{Result, bail_at};
use serde::{Deserialize, Serialize};

/// Most graphs one family may hold.
pub const MAX_MEMBERS: u64 = 20_000;

/// Graphs per trajectory in the published 64-node families: 45/40/35/30/25 for k = 4/6/8/10/12,
/// 20 from k = 14 on (one fewer graph per degree step of 2).
pub fn reference_steps(k: u32) -> u32 {
    match k {
        0..=4 => 45,
        5..=13 => 45 - 5 * ((k - 3) / 2),
        _ => 20,
    }
}

#[derive(Clone, Debug)]
pub struct Member {
    pub trajectory: u32,
    /// Reference steps taken from the start graph (0 = the start graph).
    pub step: u32,
    pub stats: PathStats,
    pub graph: Graph,
}

impl Member {
    pub fn aspl(&self) -> f64 {
        self.stats.aspl(self.graph.n())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyProgress {
    pub iterations: u64,
    pub evaluations: u64,
    /// Trajectory being built (0-based); equals `trajectories` when done.
    pub trajectory: u32,
    pub trajectories: u32,
    pub graphs: usize,
    pub min_aspl: f64,
    pub max_aspl: f64,
    pub done: bool,
}

#[derive(Clone, Debug)]
pub struct FamilyBuilder {
    cfg: GraphConfig,
    start: Graph,
    trajectory: u32,
    walk: Option<(Walk, Paper)>,
    members: Vec<Member>,
    iterations: u64,
    evaluations: u64,
    done: bool,
}

impl FamilyBuilder {
    /// `cfg.trajectories` trajectories of `cfg.steps` graphs each, from `cfg.init`, with the
    /// reference rule's `direction`, intervals and `extreme` flag.
    pub fn new(cfg: &GraphConfig) -> Result<FamilyBuilder> {
        cfg.validate()?;
        Self::with_start(cfg, start_graph(cfg)?)
    }

    pub fn with_start(cfg: &GraphConfig, start: Graph) -> Result<FamilyBuilder> {
        check_family(cfg)?;
        let mut b = FamilyBuilder {
            cfg: cfg.clone(),
            start,
            trajectory: 0,
            walk: None,
            members: Vec::new(),
            iterations: 0,
            evaluations: 0,
            done: false,
        };
        b.open_trajectory()?;
        Ok(b)
    }

    /// Starts trajectory `self.trajectory`, saving its start graph.
    fn open_trajectory(&mut self) -> Result<()> {
        let tag = format!("family-{}", self.trajectory);
        let walk = Walk::new(self.start.clone(), Rng::derive(self.cfg.seed as u64, &tag))?;
        let mut steps_cfg = self.cfg.clone();
        steps_cfg.steps = self.cfg.steps - 1;
        let paper = Paper::new(&steps_cfg, &walk);
        self.save(&walk, 0);
        self.walk = Some((walk, paper));
        self.close_if_finished();
        Ok(())
    }

    fn save(&mut self, walk: &Walk, step: u32) {
        self.members.push(Member {
            trajectory: self.trajectory,
            step,
            stats: walk.stats,
            graph: walk.graph.clone(),
        });
    }

    /// Moves on when the open trajectory has taken all its steps.
    fn close_if_finished(&mut self) {
        while let Some((walk, paper)) = &self.walk {
            if !paper.finished() {
                return;
            }
            self.evaluations += walk.kernel.evaluations();
            self.walk = None;
            self.trajectory += 1;
            if self.trajectory >= self.cfg.trajectories {
                self.done = true;
                self.sort();
                return;
            }
            // Cannot fail: the start graph was checked for the first trajectory.
            let _ = self.open_trajectory();
        }
    }

    fn sort(&mut self) {
        self.members
            .sort_by_key(|m| (m.stats.sum, m.trajectory, m.step));
    }

    /// Runs up to `budget` more reference attempts.
    pub fn step(&mut self, budget: u64) -> FamilyProgress {
        for _ in 0..budget {
            if self.done || self.cfg.stop_after.is_some_and(|m| self.iterations >= m) {
                break;
            }
            let Some((walk, paper)) = &mut self.walk else {
                break;
            };
            paper.iterate(walk);
            self.iterations += 1;
            if paper.at_call_start() {
                let member = Member {
                    trajectory: self.trajectory,
                    step: paper.calls_done(),
                    stats: walk.stats,
                    graph: walk.graph.clone(),
                };
                self.members.push(member);
                self.close_if_finished();
            }
        }
        if !self.done && self.cfg.stop_after.is_some_and(|m| self.iterations >= m) {
            self.done = true;
            self.sort();
        }
        self.progress()
    }

    pub fn progress(&self) -> FamilyProgress {
        let (lo, hi) = self
            .members
            .iter()
            .map(|m| m.aspl())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
        FamilyProgress {
            iterations: self.iterations,
            evaluations: self.evaluations
                + self
                    .walk
                    .as_ref()
                    .map_or(0, |(w, _)| w.kernel.evaluations()),
            trajectory: self.trajectory,
            trajectories: self.cfg.trajectories,
            graphs: self.members.len(),
            min_aspl: lo,
            max_aspl: hi,
            done: self.done,
        }
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The graphs so far; sorted by ASPL once the family is done.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    pub fn into_members(self) -> Vec<Member> {
        self.members
    }
}

/// Builds a whole family.
pub fn build(cfg: &GraphConfig) -> Result<Vec<Member>> {
    let mut b = FamilyBuilder::new(cfg)?;
    while !b.is_done() {
        b.step(1 << 16);
    }
    Ok(b.into_members())
}

/// A family configuration's own rules on top of [`GraphConfig::validate`].
pub fn check_family(cfg: &GraphConfig) -> Result<()> {
    cfg.validate()?;
    if cfg.trajectories == 0 || cfg.steps == 0 {
        bail_at!(
            "steps",
            "a family needs at least one trajectory and one graph per trajectory"
        );
    }
    if cfg.trajectories as u64 * cfg.steps as u64 > MAX_MEMBERS {
        bail_at!(
            "trajectories",
            "a family holds at most {MAX_MEMBERS} graphs (asked for {} x {})",
            cfg.trajectories,
            cfg.steps
        );
    }
    Ok(())
}
