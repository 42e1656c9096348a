//! The sweep's results file and statistics for the page: a small wasm module of its own (feature
//! `web-sweep`), loaded by the sweep panel on the main thread, compiled from the code that writes
//! `rgp sweep`'s `results.csv` and `summary.json`, so the app's are the CLI's. Rows cross the
//! boundary as plain JS objects with the columns of `results.csv`.

use super::to_js;
use crate::sweep::results::{Row, to_csv};
use crate::sweep::summary::{CONFOUND_NOTE, summarize};
use wasm_bindgen::prelude::*;

fn rows_from(rows: JsValue) -> Result<Vec<Row>, JsError> {
    serde_wasm_bindgen::from_value(rows)
        .map_err(|e| JsError::new(&format!("unreadable sweep runs: {e}")))
}

/// The summary of `rows` (correlations, gains, baselines) for a sweep on `nodes` nodes whose
/// family has degree `degree`: the `summary` of `summary.json`.
#[wasm_bindgen]
pub fn sweep_summary(rows: JsValue, nodes: u32, degree: u32) -> Result<JsValue, JsError> {
    to_js(&summarize(&rows_from(rows)?, nodes, degree))
}

/// `results.csv` for `rows`, byte for byte as `rgp sweep` writes it.
#[wasm_bindgen]
pub fn sweep_csv(rows: JsValue) -> Result<String, JsError> {
    Ok(to_csv(&rows_from(rows)?))
}

/// The sentence every sweep report carries about ASPL and clustering moving together.
#[wasm_bindgen]
pub fn sweep_confound_note() -> String {
    CONFOUND_NOTE.to_string()
}
