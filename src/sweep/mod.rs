//! Accuracy-vs-ASPL sweeps: a graph family trained with several seeds, baselines at equal
//! sparsity, and the statistics that summarise them.
//!
//! - [`family`]: the graphs (ring lattice to annealed minimum, evenly spread in ASPL; the degree
//!   sweep's best and worst graphs; random regular graphs);
//! - [`results`]: one CSV row per run, read back to resume;
//! - [`summary`]: correlations, gains and baselines, from the rows alone;
//! - [`stats`]: Pearson, Spearman and Welch with intervals;
//! - [`run`] (feature `train`): the plan of runs and the training of each.

pub mod family;
pub mod results;
#[cfg(feature = "train")]
pub mod run;
pub mod stats;
pub mod summary;
