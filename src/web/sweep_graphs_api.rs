//! A sweep's graphs and the order of its runs for the page, built in the sweep panel's own worker
//! (`www/sweep/graphs-worker.js`, feature `web-sweep-graphs`) by the code `rgp sweep` runs (`src/sweep/family.rs`),
//! so the app's family has the CLI's fingerprints and its runs come in the CLI's order.

use super::{js_error, to_js};
use crate::Result;
use crate::sweep::family::{self, FamilySpec, PlannedRun, SweepGraph, SweepGraphs};
use crate::sweep::results::Kind;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// What the page asks for: the family, the degree sweep, the training seeds and the baselines
/// (the random-regular baseline gets one random regular graph per seed).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphsRequest {
    pub family: FamilySpec,
    #[serde(default)]
    pub degrees: Vec<u32>,
    pub seeds: u32,
    #[serde(default)]
    pub baselines: Vec<Kind>,
}

#[derive(Serialize)]
pub struct GraphsReply {
    #[serde(flatten)]
    pub graphs: SweepGraphs,
    /// `randoms[s - 1]`: the random regular graph of seed `s`.
    pub randoms: Vec<SweepGraph>,
    /// Every run, in the order `rgp sweep` runs them, its graph by position.
    pub runs: Vec<PlannedRun>,
}

impl GraphsRequest {
    /// A request as the page sends it (JSON), checked: an error for anything else.
    pub fn parse(text: &str) -> Result<GraphsRequest> {
        let req: GraphsRequest = serde_json::from_str(text)
            .map_err(|e| crate::Error::new(format!("invalid sweep request: {e}")))?;
        req.family.validate()?;
        family::check_sweep_lists(req.seeds, &req.degrees)?;
        Ok(req)
    }
}

/// The graphs and runs of a [`GraphsRequest::parse`]d request; `report(done, total)` after each graph.
pub fn graphs(req: &GraphsRequest, report: &mut dyn FnMut(u32, u32)) -> Result<GraphsReply> {
    let graphs = family::sweep_graphs(&req.family, &req.degrees, report)?;
    let random_seeds = match req.baselines.contains(&Kind::RandomRegular) {
        true => req.seeds as u64,
        false => 0,
    };
    let randoms = (1..=random_seeds)
        .map(|seed| family::random_regular(req.family.nodes, req.family.degree, seed))
        .collect::<Result<Vec<_>>>()?;
    let runs = family::run_order(req.seeds, req.family.degree, &graphs, &req.baselines);
    Ok(GraphsReply {
        graphs,
        randoms,
        runs,
    })
}

/// Builds a sweep's graphs and plans its runs (`request`: `{family: {nodes, degree, graphs,
/// seed, iters}, degrees, seeds, baselines}` as JSON), calling `report(done, total)` after each
/// graph of the family and the degree sweep.
#[wasm_bindgen]
pub fn sweep_graphs(
    request: &str,
    report: &js_sys::Function,
) -> std::result::Result<JsValue, JsError> {
    let req = GraphsRequest::parse(request).map_err(js_error)?;
    let mut tell = |done: u32, total: u32| {
        let _ = report.call2(&JsValue::NULL, &done.into(), &total.into());
    };
    to_js(&graphs(&req, &mut tell).map_err(js_error)?)
}
