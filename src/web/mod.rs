//! The wasm-bindgen API the browser app calls.
//!
//! - [`graph_api`] (feature `web-graph`): the graph engine for the graph worker. Small, no Burn:
//!   it is the module the page loads first.
//! - [`config_check`] (feature `web-graph`): the engine's check of a page's configuration.
//! - [`sweep_api`] (feature `web-sweep`): the sweep's results file and statistics, a small module
//!   of its own that only the sweep panel loads.
//! - [`sweep_graphs_api`] (feature `web-sweep-graphs`): a sweep's graphs, by `src/sweep/family.rs`,
//!   in a module of their own for the sweep panel's worker, so the graph module stays small.
//! - [`train_api`] (feature `web-train`, or `web-train-cpu` without wgpu): masked training, loaded
//!   lazily by the training panel; [`model_info`]: a model file's graph checked against the one on show;
//!   [`user_data`]: the user's images or table, decoded by the browser, as a dataset;
//!   [`onnx_api`]: a user's ONNX network laid out as the layer table under the graph on show.

#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
pub mod calibrate;
#[cfg(feature = "web-graph")]
pub mod config_check;
#[cfg(feature = "web-graph")]
pub mod graph_api;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
pub mod model_info;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
pub mod onnx_api;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
mod start_report;
#[cfg(feature = "web-sweep")]
pub mod sweep_api;
#[cfg(feature = "web-sweep-graphs")]
pub mod sweep_graphs_api;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
pub mod train_api;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
mod train_inputs;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
pub mod user_data;

use wasm_bindgen::{JsError, JsValue};

/// Plain JS objects (not `Map`s), 64-bit integers as numbers.
pub(crate) fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// A JS `Error` carrying the one-line [`crate::Error`] message.
#[cfg(any(
    feature = "web-graph",
    feature = "web-sweep-graphs",
    feature = "web-train",
    feature = "web-train-cpu"
))]
pub(crate) fn js_error(e: crate::Error) -> JsError {
    JsError::new(e.message())
}

/// Bytes of the module's linear memory (graph or training module). It only grows (wasm memory is
/// never returned), so a reading that keeps rising across searches or runs is a leak: the page
/// shows the training module's after every run, and the soak test holds both flat.
#[cfg(all(
    target_arch = "wasm32",
    any(
        feature = "web-graph",
        feature = "web-train",
        feature = "web-train-cpu"
    )
))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}
