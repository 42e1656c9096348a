//! The graph core: k-regular graphs, their generators, the bit-parallel ASPL kernel and metrics.

pub mod aspl;
pub mod generate;
pub mod metrics;
pub mod reach;
pub mod regular;
pub mod rng;

pub use aspl::{AsplKernel, Eval, PathStats};
pub use metrics::Metrics;
pub use reach::{REACH_DEPTHS, Reach, reach};
pub use regular::{Graph, MAX_NODES, MIN_NODES, check_size};
pub use rng::Rng;
