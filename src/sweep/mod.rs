//! Accuracy-vs-ASPL sweeps: a graph family trained with several seeds, baselines at equal
//! sparsity, and the statistics that summarise them.

pub mod stats;
