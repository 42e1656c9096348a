//! The graph configuration shared by the CLI, the browser app and shareable links.
//! Errors name the link key of the setting at fault (`Error::field`).
//! Every field has a default and a validated range; the same configuration gives the same graph
//! on every platform (all randomness flows from `seed`).

use crate::graph::check_size;
use crate::{Result, bail_at};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// Ring lattice (the reference start, maximum ASPL).
    #[default]
    Ring,
    /// Random regular graph (pairing model), connected.
    Random,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum SearchKind {
    /// Keep the start graph.
    None,
    /// The reference `PathOptimizer`, `steps` chained calls.
    Paper,
    /// Simulated annealing on (diameter, ASPL).
    #[default]
    Anneal,
    /// Reach `target_aspl` within `tolerance`, from either side.
    Target,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Min,
    Max,
    Random,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraphConfig {
    pub nodes: u32,
    pub degree: u32,
    pub init: Init,
    pub seed: u32,
    pub search: SearchKind,
    /// `paper`: search direction.
    pub direction: Direction,
    /// `paper`: number of chained `PathOptimizer` calls (each up to n(n-1) attempts).
    pub steps: u32,
    /// `paper`: accepted ASPL change window (the published graphs used 0.05 / 0.2).
    pub interval_down: f64,
    pub interval_up: f64,
    /// `paper`: the reference `--extreme` flag (never return early).
    pub extreme: bool,
    /// `anneal` / `target`: iteration budget (one iteration = one proposed swap).
    pub iters: u64,
    /// `target`: the requested ASPL and the accepted distance to it.
    pub target_aspl: f64,
    pub tolerance: f64,
    /// Iterations after which a user stopped the search; a link then reproduces the stopped graph.
    pub stop_after: Option<u64>,
    /// `family`: independent trajectories (the published families used 6); each keeps `steps`
    /// graphs.
    pub trajectories: u32,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            nodes: 64,
            degree: 4,
            init: Init::Ring,
            seed: 1,
            search: SearchKind::Anneal,
            direction: Direction::Min,
            steps: 45,
            interval_down: 0.05,
            interval_up: 0.2,
            extreme: false,
            iters: 200_000,
            target_aspl: 4.0,
            tolerance: 0.01,
            stop_after: None,
            trajectories: 6,
        }
    }
}

pub const MAX_STEPS: u32 = 10_000;
pub const MAX_ITERS: u64 = 1_000_000_000;
pub const MAX_TRAJECTORIES: u32 = 1_000;

impl GraphConfig {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<()> {
        check_size(self.nodes, self.degree)?;
        if self.steps > MAX_STEPS {
            bail_at!(
                "steps",
                "steps must be at most {MAX_STEPS} (got {})",
                self.steps
            );
        }
        if self.iters > MAX_ITERS {
            bail_at!(
                "iters",
                "iters must be at most {MAX_ITERS} (got {})",
                self.iters
            );
        }
        if self.trajectories > MAX_TRAJECTORIES {
            bail_at!(
                "trajectories",
                "trajectories must be at most {MAX_TRAJECTORIES} (got {})",
                self.trajectories
            );
        }
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        if !ok(self.interval_down)
            || !ok(self.interval_up)
            || self.interval_down >= self.interval_up
        {
            bail_at!(
                "interval_up",
                "intervals must satisfy 0 <= interval_down < interval_up (got {} and {})",
                self.interval_down,
                self.interval_up
            );
        }
        if self.search == SearchKind::Target
            && !(self.target_aspl.is_finite() && self.target_aspl >= 1.0)
        {
            bail_at!(
                "target_aspl",
                "target ASPL must be a number >= 1 (got {})",
                self.target_aspl
            );
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            bail_at!(
                "tolerance",
                "tolerance must be a positive number (got {})",
                self.tolerance
            );
        }
        Ok(())
    }

    /// Kept fraction of the masked weights, k/n.
    pub fn kept_fraction(&self) -> f64 {
        self.degree as f64 / self.nodes as f64
    }
}
