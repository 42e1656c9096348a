//! The files a sweep folder holds besides its rows: `summary.json`'s layout and the helpers that
//! write sweep files and explain a refused resume.

use super::family::{SweepGraph, SweepGraphs};
use super::plan::SweepConfig;
use super::summary::Summary;
use serde::Serialize;

/// `summary.json`: the configuration, the graphs (without their tables) and the summary.
#[derive(Serialize)]
pub struct SummaryFile<'a> {
    pub config: &'a SweepConfig,
    pub graphs: Vec<GraphInfo>,
    pub summary: &'a Summary,
}

#[derive(Serialize)]
pub struct GraphInfo {
    pub kind: &'static str,
    pub index: u32,
    pub degree: u32,
    pub aspl: f64,
    pub diameter: u32,
    pub clustering: f64,
    pub fingerprint: String,
    pub origin: String,
    /// Reachability at depths 1..=16 (see [`crate::graph::reach`]): walks of exactly L edges
    /// (a plain stack of L masked layers) and paths of at most L (a residual stack).
    pub walk_reach: Vec<f64>,
    pub path_reach: Vec<f64>,
}

pub fn graph_info(g: &SweepGraphs) -> Vec<GraphInfo> {
    let info = |kind, s: &SweepGraph| {
        let r = s
            .graph()
            .map(|g| crate::graph::reach(&g, crate::graph::REACH_DEPTHS))
            .unwrap_or(crate::graph::Reach {
                walk: Vec::new(),
                path: Vec::new(),
            });
        GraphInfo {
            kind,
            index: s.index,
            degree: s.degree,
            aspl: s.aspl,
            diameter: s.diameter,
            clustering: s.clustering,
            fingerprint: s.fingerprint.clone(),
            origin: s.origin.clone(),
            walk_reach: r.walk,
            path_reach: r.path,
        }
    };
    let mut out: Vec<GraphInfo> = g.family.iter().map(|s| info("graph", s)).collect();
    for [b, w] in &g.degrees {
        out.push(info("degree-best", b));
        out.push(info("degree-worst", w));
    }
    out
}

/// The first key whose value differs, for the resume error.
#[cfg(not(target_family = "wasm"))]
pub(crate) fn first_difference(a: &serde_json::Value, b: &serde_json::Value) -> String {
    match (a.as_object(), b.as_object()) {
        (Some(x), Some(y)) => {
            for (k, v) in x {
                if y.get(k) != Some(v) {
                    let inner = first_difference(v, y.get(k).unwrap_or(&serde_json::Value::Null));
                    return if inner.is_empty() {
                        k.clone()
                    } else {
                        format!("{k}.{inner}")
                    };
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .cloned()
                .unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// Pretty JSON, newline-terminated, for the files a sweep writes.
#[cfg(not(target_family = "wasm"))]
pub(crate) fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("sweep files serialise");
    s.push('\n');
    s
}
