//! The JSON document of a graph. Top-level keys a reader can rely on: `nodes`, `degree`,
//! `seed`, `aspl`, `diameter`, `moore_bound`, `gap`, `clustering`, `transitivity`, `gr`,
//! `aopu`, `evaluations`, `elapsed_ms`, `fingerprint`, `edges` (`[u, v]`, u < v), plus the full
//! metrics, the search counters and the configuration that reproduces the graph.

use crate::config::GraphConfig;
use crate::graph::{Graph, Metrics};
use crate::search::Progress;
use crate::{Result, bail};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "rgp-graph/1";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GraphDocument {
    pub format: String,
    pub seed: u32,
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Mean Gradient-Resistance (the reference column "GradientInfluenceMean").
    pub gr: f64,
    pub iterations: u64,
    pub evaluations: u64,
    pub accepted: u64,
    /// Wall time of the search, when known.
    pub elapsed_ms: Option<f64>,
    pub config: GraphConfig,
    pub progress: Progress,
    pub edges: Vec<[u32; 2]>,
}

pub fn document(
    cfg: &GraphConfig,
    graph: &Graph,
    progress: &Progress,
    elapsed_ms: Option<f64>,
) -> GraphDocument {
    let metrics = Metrics::compute(graph);
    GraphDocument {
        format: FORMAT.to_string(),
        seed: cfg.seed,
        gr: metrics.gr_mean,
        metrics,
        iterations: progress.iterations,
        evaluations: progress.evaluations,
        accepted: progress.accepted,
        elapsed_ms,
        config: cfg.clone(),
        progress: progress.clone(),
        edges: graph.edges().into_iter().map(|(u, v)| [u, v]).collect(),
    }
}

pub fn to_json_with_elapsed(
    cfg: &GraphConfig,
    graph: &Graph,
    progress: &Progress,
    elapsed_ms: Option<f64>,
) -> String {
    // Serialising plain data to a string cannot fail.
    serde_json::to_string(&document(cfg, graph, progress, elapsed_ms)).unwrap_or_default()
}

/// Reads any JSON object with `nodes` and `edges` (a list of `[u, v]`); a `config` written by
/// [`to_json_with_elapsed`] comes back too, checked against the graph.
pub fn read(bytes: &[u8]) -> Result<(Graph, Option<GraphConfig>)> {
    let v: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => bail!("the JSON file is malformed: {e}"),
    };
    let Some(obj) = v.as_object() else {
        bail!("the JSON file must hold an object with \"nodes\" and \"edges\"");
    };
    let Some(n) = obj.get("nodes").and_then(|x| x.as_u64()) else {
        bail!("the JSON object needs \"nodes\", a whole number");
    };
    if n > crate::graph::MAX_NODES as u64 {
        bail!(
            "the graph has {n} nodes; at most {} are supported",
            crate::graph::MAX_NODES
        );
    }
    let Some(list) = obj.get("edges").and_then(|x| x.as_array()) else {
        bail!("the JSON object needs \"edges\", a list of [u, v] pairs");
    };
    let mut edges = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let pair = e.as_array().filter(|a| a.len() == 2).and_then(|a| {
            let u = a[0].as_u64().filter(|&x| x <= u32::MAX as u64)?;
            let v = a[1].as_u64().filter(|&x| x <= u32::MAX as u64)?;
            Some((u as u32, v as u32))
        });
        match pair {
            Some(p) => edges.push(p),
            None => bail!("edge {i} is not a pair of node numbers [u, v]"),
        }
    }
    let g = super::graph_from_edge_list(n as u32, &edges)?;
    let cfg = match obj.get("config") {
        None | Some(serde_json::Value::Null) => None,
        Some(c) => {
            let cfg: GraphConfig = match serde_json::from_value(c.clone()) {
                Ok(c) => c,
                Err(e) => bail!("the JSON \"config\" is invalid: {e}"),
            };
            cfg.validate()?;
            if (cfg.nodes, cfg.degree) != (g.n(), g.k()) {
                bail!(
                    "the JSON \"config\" says {} nodes of degree {}, the edges make {} and {}",
                    cfg.nodes,
                    cfg.degree,
                    g.n(),
                    g.k()
                );
            }
            Some(cfg)
        }
    };
    Ok((g, cfg))
}
