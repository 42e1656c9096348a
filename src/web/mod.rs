//! The wasm-bindgen API the browser app calls.
//!
//! - [`graph_api`] (feature `web-graph`): the graph engine for the graph worker. Small, no Burn:
//!   it is the module the page loads first.
//! - [`sweep_graphs_api`] (feature `web-graph`): a sweep's graphs, by `src/sweep/family.rs`.
//! - [`sweep_api`] (feature `web-sweep`): the sweep's results file and statistics, a small module
//!   of its own that only the sweep panel loads.
//! - [`train_api`] (feature `web-train`, or `web-train-cpu` without wgpu): masked training, loaded
//!   lazily by the training panel.

#[cfg(feature = "web-graph")]
pub mod graph_api;
#[cfg(feature = "web-sweep")]
pub mod sweep_api;
#[cfg(feature = "web-graph")]
pub mod sweep_graphs_api;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
pub mod train_api;
