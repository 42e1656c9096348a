//! RGP Studio: regular-graph pruning (Chen et al., arXiv 2110.15192).
//!
//! The crate is layered so that the graph engine builds and tests in seconds:
//! - [`graph`]: k-regular graphs, the bit-parallel ASPL kernel, generators and metrics;
//! - [`search`]: edge-swap searches (the reference rule, annealing, target ASPL);
//! - [`io`]: JSON / CSV / `.npy` export and validated import;
//! - [`mapping`]: graph → channel-group masks, parameter and FLOP accounting;
//! - [`data`]: IDX and digits dataset parsing;
//! - [`model_file`]: trained networks as safetensors files (dense or packed layout);
//! - [`train`] (feature `train`): masked Burn models and the training loop;
//! - [`web`] (features `web-graph`, `web-train`): the wasm-bindgen API used by the browser app.

pub mod config;
pub mod data;
pub mod error;
pub mod fingerprint;
pub mod graph;
#[cfg(feature = "onnx")]
pub mod import;
pub mod io;
pub mod mapping;
pub mod model_file;
pub mod search;
pub mod settings;
pub mod sweep;

pub use error::{Error, Result};

#[cfg(feature = "cli")]
pub mod cli;

#[cfg(feature = "train")]
pub mod train;

#[cfg(any(
    feature = "web-graph",
    feature = "web-train",
    feature = "web-sweep",
    feature = "web-sweep-graphs"
))]
pub mod web;
