//! The graph engine as the graph worker (`www/graph-worker.js`) sees it.
//!
//! Configurations cross the boundary as JSON text (`GraphConfig`, unknown keys refused);
//! structured results ([`Progress`], [`Metrics`]) as plain JS objects; graphs as
//! a `Uint32Array` neighbour table (`n × k`, row-major). Every failure is a JS `Error` carrying
//! the one-line [`crate::Error`] message; nothing here panics on what a page or a file hands it.

use super::config_check::check_family_in_tab;
use super::{js_error, to_js};
use crate::config::GraphConfig;
use crate::graph::{Graph, Metrics};
use crate::search::family::{FamilyBuilder, Member};
use crate::search::{Progress, Runner};
use crate::{Error, io};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Reads a configuration from JSON and validates it: the path every configuration from a page
/// or a link takes (plain Rust, so the fuzz target in `fuzz/` calls it natively).
pub fn config_from_json_str(json: &str) -> crate::Result<GraphConfig> {
    let cfg: GraphConfig = serde_json::from_str(json)
        .map_err(|e| Error::new(format!("invalid configuration: {e}")))?;
    cfg.validate()?;
    Ok(cfg)
}

fn config_from_json(json: &str) -> Result<GraphConfig, JsError> {
    config_from_json_str(json).map_err(js_error)
}

#[wasm_bindgen(start)]
fn start() {
    // A bug's panic message reaches the console instead of a bare "unreachable".
    console_error_panic_hook::set_once();
}

/// The crate version (the same as `rgp --version`).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Search counters of a graph that no search produced (imported, family member).
fn still(g: &Graph) -> Progress {
    let m = crate::graph::AsplKernel::new().stats(g);
    let (aspl, diameter) = m.map_or((f64::INFINITY, 0), |s| (s.aspl(g.n()), s.diameter));
    Progress {
        iterations: 0,
        evaluations: 0,
        accepted: 0,
        aspl,
        diameter,
        best_aspl: aspl,
        best_diameter: diameter,
        done: true,
        last_swap: None,
    }
}

/// One graph with the configuration and counters that made it: for the views and for export.
#[wasm_bindgen]
pub struct GraphView {
    graph: Graph,
    config: GraphConfig,
    progress: Progress,
    elapsed_ms: Option<f64>,
}

#[wasm_bindgen]
impl GraphView {
    pub fn n(&self) -> u32 {
        self.graph.n()
    }

    pub fn k(&self) -> u32 {
        self.graph.k()
    }

    /// The neighbour table, `n × k` row-major.
    pub fn table(&self) -> Vec<u32> {
        self.graph.table().to_vec()
    }

    pub fn fingerprint(&self) -> String {
        self.graph.fingerprint()
    }

    /// Every metric of the metrics panel ([`Metrics`]).
    pub fn metrics(&self) -> Result<JsValue, JsError> {
        to_js(&Metrics::compute(&self.graph))
    }

    /// The configuration that made this graph, as JSON.
    pub fn config(&self) -> String {
        serde_json::to_string(&self.config).unwrap_or_default()
    }

    /// Wall time of the search that made it (goes into the JSON export).
    pub fn set_elapsed_ms(&mut self, ms: f64) {
        self.elapsed_ms = ms.is_finite().then_some(ms);
    }

    /// The file contents of an export: `json`, `csv` or `npy`.
    pub fn export(&self, format: &str) -> Result<Vec<u8>, JsError> {
        Ok(match format {
            "json" => {
                io::to_json_with_elapsed(&self.config, &self.graph, &self.progress, self.elapsed_ms)
                    .into_bytes()
            }
            "csv" => io::to_csv(&self.graph).into_bytes(),
            "npy" => io::to_npy(&self.graph),
            _ => {
                return Err(JsError::new(&format!(
                    "unknown export format '{format}' (expected json, csv or npy)"
                )));
            }
        })
    }
}

/// One resumable search: the start graph of a configuration and the edge swaps that follow.
#[wasm_bindgen]
pub struct Search {
    runner: Runner,
}

#[wasm_bindgen]
impl Search {
    /// Validates the configuration (JSON) and builds its start graph.
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Search, JsError> {
        let cfg = config_from_json(config_json)?;
        let runner = Runner::new(&cfg).map_err(js_error)?;
        Ok(Search { runner })
    }

    /// Runs up to `budget` more iterations; returns the [`Progress`].
    pub fn step(&mut self, budget: u32) -> Result<JsValue, JsError> {
        let p: Progress = self.runner.step(budget as u64);
        to_js(&p)
    }

    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.runner.progress())
    }

    /// Iterations run so far (cheaper than `progress()`).
    pub fn iterations(&self) -> f64 {
        self.runner.progress().iterations as f64
    }

    pub fn is_done(&self) -> bool {
        self.runner.is_done()
    }

    pub fn n(&self) -> u32 {
        self.runner.current().n()
    }

    pub fn k(&self) -> u32 {
        self.runner.current().k()
    }

    /// Neighbour table of the graph being searched (for live drawing).
    pub fn current_table(&self) -> Vec<u32> {
        self.runner.current().table().to_vec()
    }

    /// The graph the search returns so far (the best one for `anneal`). Its configuration
    /// carries `stop_after` when the search has not finished, so its link reproduces it.
    pub fn result(&self) -> GraphView {
        let mut config = self.runner.config().clone();
        let progress = self.runner.progress();
        if !progress.done {
            config.stop_after = Some(progress.iterations);
        }
        GraphView {
            graph: self.runner.result().clone(),
            config,
            progress,
            elapsed_ms: None,
        }
    }
}

/// A graph family built stepwise ([`FamilyBuilder`]); members are listed sorted by ASPL (ties in
/// trajectory, step order), as the engine sorts a finished family.
#[wasm_bindgen]
pub struct Family {
    builder: FamilyBuilder,
    config: GraphConfig,
}

#[derive(Serialize)]
struct MemberSummary {
    /// Position in the sorted list (what `member` takes).
    index: u32,
    trajectory: u32,
    step: u32,
    aspl: f64,
    diameter: u32,
    fingerprint: String,
}

impl Family {
    fn sorted(&self) -> Vec<&Member> {
        let mut m: Vec<&Member> = self.builder.members().iter().collect();
        m.sort_by_key(|m| (m.stats.sum, m.trajectory, m.step));
        m
    }
}

#[wasm_bindgen]
impl Family {
    /// `config.trajectories` trajectories of `config.steps` graphs each (the reference rule with
    /// the configuration's direction, intervals and `extreme`).
    #[wasm_bindgen(constructor)]
    pub fn new(config_json: &str) -> Result<Family, JsError> {
        let cfg = config_from_json(config_json)?;
        check_family_in_tab(&cfg).map_err(js_error)?;
        let builder = FamilyBuilder::new(&cfg).map_err(js_error)?;
        Ok(Family {
            builder,
            config: cfg,
        })
    }

    /// Runs up to `budget` more reference attempts; returns the family's progress.
    pub fn step(&mut self, budget: u32) -> Result<JsValue, JsError> {
        to_js(&self.builder.step(budget as u64))
    }

    pub fn progress(&self) -> Result<JsValue, JsError> {
        to_js(&self.builder.progress())
    }

    pub fn count(&self) -> u32 {
        self.builder.members().len() as u32
    }

    /// The members so far, sorted by ASPL.
    pub fn members(&self) -> Result<JsValue, JsError> {
        let n = self.builder.members().first().map_or(1, |m| m.graph.n());
        let list: Vec<MemberSummary> = self
            .sorted()
            .into_iter()
            .enumerate()
            .map(|(i, m)| MemberSummary {
                index: i as u32,
                trajectory: m.trajectory,
                step: m.step,
                aspl: m.stats.aspl(n),
                diameter: m.stats.diameter,
                fingerprint: m.graph.fingerprint(),
            })
            .collect();
        to_js(&list)
    }

    /// Member `index` of the sorted list.
    pub fn member(&self, index: u32) -> Result<GraphView, JsError> {
        let sorted = self.sorted();
        let Some(m) = sorted.get(index as usize) else {
            return Err(JsError::new(&format!(
                "the family has {} graphs; there is no graph {}",
                sorted.len(),
                index as u64 + 1
            )));
        };
        let mut progress = still(&m.graph);
        progress.iterations = self.builder.progress().iterations;
        Ok(GraphView {
            graph: m.graph.clone(),
            config: self.config.clone(),
            progress,
            elapsed_ms: None,
        })
    }
}

/// Reads a graph file (`.json`, `.csv` or `.npy`; `name` gives the format) and validates it:
/// square, symmetric, zero diagonal, 0/1, regular, connected.
#[wasm_bindgen]
pub fn import_graph(bytes: &[u8], name: &str) -> Result<GraphView, JsError> {
    let (graph, config) = io::import(bytes, name).map_err(js_error)?;
    let config = config.unwrap_or_else(|| GraphConfig {
        nodes: graph.n(),
        degree: graph.k(),
        search: crate::config::SearchKind::None,
        ..GraphConfig::default()
    });
    let progress = still(&graph);
    Ok(GraphView {
        graph,
        config,
        progress,
        elapsed_ms: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::generate;

    #[test]
    fn counters_of_a_graph_without_search() {
        let g = generate::ring(8, 2).unwrap();
        let p = still(&g);
        assert_eq!(p.diameter, 4);
        assert!((p.aspl - 16.0 / 7.0).abs() < 1e-12);
        assert!(p.done && p.iterations == 0 && p.last_swap.is_none());
    }
}
