//! A sweep's configuration, its graphs and the plan of runs: what a sweep is, before anything
//! trains (the configuration itself: [`super::config`]). The plan is seed-major, so an interrupted sweep holds whole seeds.

pub use super::config::SweepConfig;
use super::family::{self, GraphAt, SweepGraph, SweepGraphs};
use super::results::{Kind, Row, RunKey};
use crate::{Result, bail};
use std::collections::HashMap;

/// Builds the family and the degree sweep's graphs; `report(done, total)` after each graph.
pub fn build_graphs(cfg: &SweepConfig, report: &mut dyn FnMut(u32, u32)) -> Result<SweepGraphs> {
    family::sweep_graphs(&cfg.family, &cfg.degrees, report)
}

/// One training run of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub kind: Kind,
    pub degree: u32,
    /// The graph mask (graph kinds); `None` for dense and the non-graph baselines.
    pub graph: Option<SweepGraph>,
    pub seed: u64,
}

impl Job {
    pub fn key(&self) -> RunKey {
        RunKey {
            kind: self.kind,
            degree: self.degree,
            graph: self.graph.as_ref().map(|g| g.index),
            seed: self.seed,
        }
    }

    /// A short description for progress lines.
    pub fn label(&self) -> String {
        match (&self.graph, self.kind) {
            (Some(g), Kind::Graph) => format!("graph {} (ASPL {:.3})", g.index, g.aspl),
            (Some(g), _) => format!(
                "{} k={} (ASPL {:.3})",
                self.kind.as_str(),
                self.degree,
                g.aspl
            ),
            (None, _) => self.kind.as_str().to_string(),
        }
    }
}

/// Every run of the sweep, in [`family::run_order`].
pub fn plan(cfg: &SweepConfig, graphs: &SweepGraphs) -> Result<Vec<Job>> {
    let k = cfg.family.degree;
    let order = family::run_order(cfg.seeds, k, graphs, &cfg.baselines);
    order
        .into_iter()
        .map(|r| {
            let graph = match r.graph {
                None => None,
                Some(GraphAt::Family(i)) => Some(graphs.family[i].clone()),
                Some(GraphAt::Degree(i, j)) => Some(graphs.degrees[i][j].clone()),
                Some(GraphAt::Random(seed)) => {
                    Some(family::random_regular(cfg.family.nodes, k, seed)?)
                }
            };
            Ok(Job {
                kind: r.kind,
                degree: r.degree,
                graph,
                seed: r.seed,
            })
        })
        .collect()
}

/// Checks rows read from `file` against the plan's runs `jobs` (by key): each must be one of its
/// runs, made with its graph. `hint` ends the message when a row is not (what to do instead).
/// `rgp sweep run` and the shards share it, so both refuse the same files the same way.
pub fn check_rows(
    rows: &[Row],
    jobs: &HashMap<RunKey, &Job>,
    file: &str,
    hint: &str,
) -> Result<()> {
    for r in rows {
        let Some(j) = jobs.get(&r.key()) else {
            bail!(
                "{file} holds a run this sweep does not plan ({} seed {}); {hint}",
                r.kind.as_str(),
                r.seed
            );
        };
        if let Some(g) = j.graph.as_ref().filter(|g| g.fingerprint != r.fingerprint) {
            bail!(
                "{file} was made with other graphs ({} seed {}: graph {} has fingerprint {}, this sweep's is {})",
                r.kind.as_str(),
                r.seed,
                g.index,
                r.fingerprint,
                g.fingerprint
            );
        }
    }
    Ok(())
}
