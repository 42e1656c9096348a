//! A sweep's configuration, its graphs and the plan of runs: what a sweep is, before anything
//! trains. The plan is seed-major, so an interrupted sweep holds whole seeds.

use super::family::{
    self, DEFAULT_SEEDS, FamilySpec, GraphAt, MAX_DEGREES, MAX_SEEDS, SweepGraph, SweepGraphs,
};
use super::results::{Kind, Row, RunKey};
use super::start::{self, StartFile};
use crate::train::{BackendKind, TrainConfig};
use crate::{Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Everything that decides a sweep. `seeds`, `degrees` and `baselines` may grow when a sweep is
/// resumed; the rest must stay the same (see [`SweepConfig::identity`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SweepConfig {
    /// Dataset name as given (`digits`, `mnist`, `fashion`, `mnist-quick`, `fashion-quick`).
    pub dataset: String,
    /// Training images used (`None` = all).
    pub limit_train: Option<usize>,
    pub family: FamilySpec,
    /// Degree sweep: for each degree, its annealed and ring graphs.
    pub degrees: Vec<u32>,
    /// Training seeds 1..=seeds for every graph and baseline.
    pub seeds: u32,
    /// Model and recipe (its `seed` and `dense` are set per run).
    pub train: TrainConfig,
    pub baselines: Vec<Kind>,
    /// Magnitude pruning: epochs and initial learning rate of the fine-tune (cosine to zero).
    pub finetune_epochs: u32,
    pub finetune_lr: f64,
    pub backend: BackendKind,
    /// Fine-tuning sweeps: every run starts from this model file, pruned by its mask, and
    /// trains with `train`'s recipe (magnitude too; None: random weights).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<StartFile>,
}

impl Default for SweepConfig {
    fn default() -> Self {
        let train = TrainConfig::default();
        SweepConfig {
            dataset: "digits".into(),
            limit_train: None,
            family: FamilySpec::default(),
            degrees: Vec::new(),
            seeds: DEFAULT_SEEDS,
            finetune_epochs: train.epochs,
            finetune_lr: train.lr / 10.0,
            train,
            baselines: Kind::BASELINES.to_vec(),
            backend: BackendKind::Cpu,
            start: None,
        }
    }
}

impl SweepConfig {
    pub fn validate(&self) -> Result<()> {
        self.family.validate()?;
        self.train.validate()?;
        if !(1..=MAX_SEEDS).contains(&self.seeds) {
            bail!(
                "seeds must be between 1 and {MAX_SEEDS} (got {})",
                self.seeds
            );
        }
        if self.degrees.len() > MAX_DEGREES {
            bail!(
                "at most {MAX_DEGREES} degrees in a degree sweep (got {})",
                self.degrees.len()
            );
        }
        for &k in &self.degrees {
            FamilySpec {
                degree: k,
                ..self.family.clone()
            }
            .validate()
            .map_err(|e| crate::Error::new(format!("degree sweep: {e}")))?;
        }
        if let Some(k) = self.baselines.iter().find(|k| !Kind::BASELINES.contains(k)) {
            bail!("'{}' is not a baseline", k.as_str());
        }
        if self.start.is_some() {
            start::check_baselines(&self.baselines)?;
        }
        if !(1..=crate::train::MAX_EPOCHS).contains(&self.finetune_epochs) {
            bail!(
                "fine-tune epochs must be between 1 and {} (got {})",
                crate::train::MAX_EPOCHS,
                self.finetune_epochs
            );
        }
        if !(self.finetune_lr.is_finite() && self.finetune_lr > 0.0 && self.finetune_lr <= 10.0) {
            bail!(
                "fine-tune learning rate must be in (0, 10] (got {})",
                self.finetune_lr
            );
        }
        Ok(())
    }

    /// The part that must match for a sweep to be resumed: everything except the lists that may
    /// grow (seeds, degrees, baselines).
    pub fn identity(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("the configuration serialises");
        if let Some(o) = v.as_object_mut() {
            for k in ["seeds", "degrees", "baselines"] {
                o.remove(k);
            }
        }
        v
    }

    pub(crate) fn train_config(&self, seed: u64, dense: bool) -> TrainConfig {
        TrainConfig {
            seed,
            dense,
            ..self.train.clone()
        }
    }
}

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
