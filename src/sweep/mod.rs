//! Accuracy-vs-ASPL sweeps: a graph family trained with several seeds, baselines at equal
//! sparsity, and the statistics that summarise them.
//!
//! - [`family`]: the graphs (ring lattice to annealed minimum, evenly spread in ASPL; the degree
//!   sweep's best and worst graphs; random regular graphs);
//! - [`results`]: one CSV row per run, read back to resume;
//! - [`summary`]: correlations, gains and baselines, from the rows alone;
//! - [`stats`]: Pearson, Spearman and Welch with intervals;
//! - [`config`]: a sweep's configuration (`sweep.json`);
//! - [`plan`] (feature `train`): a sweep's graphs and plan of runs;
//! - [`run`] (feature `train`): the training of each run;
//! - [`files`] (feature `train`): `summary.json` and the helpers that write sweep files;
//! - [`shard`] (native): plan, run shard I of N, merge — sweeps spread over machines;
//! - [`depth`]: the same sweep at several depths, and what reachability predicts;
//! - [`start`] (feature `train`): sweeps that fine-tune one pretrained network.

pub mod config;
pub mod depth;
#[cfg(all(feature = "train", not(target_family = "wasm")))]
pub mod depth_run;
pub mod family;
#[cfg(feature = "train")]
pub mod files;
#[cfg(feature = "train")]
pub mod plan;
pub mod results;
#[cfg(feature = "train")]
pub mod run;
#[cfg(all(feature = "train", not(target_family = "wasm")))]
pub mod shard;
#[cfg(feature = "train")]
pub mod start;
pub mod stats;
pub mod summary;
