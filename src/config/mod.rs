//! The configurations that decide a run, as plain data: the graph's ([`graph`]) and the
//! training's ([`train`]). The settings schema over them and the sweep's is `crate::settings`
//! (a layer above, since it also reads the search's and the sweep's limits).

pub mod graph;
pub mod train;

pub use graph::{Direction, GraphConfig, Init, MAX_ITERS, MAX_STEPS, MAX_TRAJECTORIES, SearchKind};
