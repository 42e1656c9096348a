//! A sweep's graphs for the page, built in the graph worker by the code `rgp sweep` runs
//! (`src/sweep/family.rs`), so the app's family has the CLI's fingerprints.

use super::{js_error, to_js};
use crate::Result;
use crate::sweep::family::{self, FamilySpec, SweepGraph, SweepGraphs};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// What the page asks for: the family, the degree sweep and, for the random-regular baseline,
/// one random regular graph per training seed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GraphsRequest {
    family: FamilySpec,
    #[serde(default)]
    degrees: Vec<u32>,
    #[serde(default)]
    random_seeds: u32,
}

#[derive(Serialize)]
struct GraphsReply {
    #[serde(flatten)]
    graphs: SweepGraphs,
    /// `randoms[s - 1]`: the random regular graph of seed `s`.
    randoms: Vec<SweepGraph>,
}

fn graphs(req: &GraphsRequest, report: &mut dyn FnMut(u32, u32)) -> Result<GraphsReply> {
    if req.random_seeds > family::MAX_SEEDS {
        crate::bail!(
            "at most {} seeds (got {})",
            family::MAX_SEEDS,
            req.random_seeds
        );
    }
    if req.degrees.len() > family::MAX_DEGREES {
        crate::bail!(
            "at most {} degrees in a degree sweep (got {})",
            family::MAX_DEGREES,
            req.degrees.len()
        );
    }
    let graphs = family::sweep_graphs(&req.family, &req.degrees, report)?;
    let randoms = (1..=req.random_seeds as u64)
        .map(|seed| family::random_regular(req.family.nodes, req.family.degree, seed))
        .collect::<Result<Vec<_>>>()?;
    Ok(GraphsReply { graphs, randoms })
}

/// Builds a sweep's graphs (`request`: `{family: {nodes, degree, graphs, seed, iters}, degrees,
/// random_seeds}` as JSON), calling `report(done, total)` after each graph of the family and
/// the degree sweep.
#[wasm_bindgen]
pub fn sweep_graphs(
    request: &str,
    report: &js_sys::Function,
) -> std::result::Result<JsValue, JsError> {
    let req: GraphsRequest = serde_json::from_str(request)
        .map_err(|e| JsError::new(&format!("invalid sweep request: {e}")))?;
    let mut tell = |done: u32, total: u32| {
        let _ = report.call2(&JsValue::NULL, &done.into(), &total.into());
    };
    to_js(&graphs(&req, &mut tell).map_err(js_error)?)
}
