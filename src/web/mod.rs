//! The wasm-bindgen API the browser app calls.
//!
//! - [`graph_api`] (feature `web-graph`): the graph engine for the graph worker. Small, no Burn:
//!   it is the module the page loads first.
//! - [`train_api`] (feature `web-train`, or `web-train-cpu` without wgpu): masked training, loaded
//!   lazily by the training panel.

#[cfg(feature = "web-graph")]
pub mod graph_api;
#[cfg(any(feature = "web-train", feature = "web-train-cpu"))]
pub mod train_api;
