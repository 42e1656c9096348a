//! Every user setting, with one owner each: the graph configuration ([`graph`]), the training
//! configuration ([`train`]) and the settings schema ([`schema`]) that the CLI, the links and
//! the page's forms read their keys, defaults, ranges and help from.

pub mod graph;
pub mod schema;
pub mod train;

pub use graph::{Direction, GraphConfig, Init, MAX_ITERS, MAX_STEPS, MAX_TRAJECTORIES, SearchKind};
