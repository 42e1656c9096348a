//! Integration tests of the graph engine, its files, the mappings, the data readers, model files
//! and the CLI's graph commands: one test binary (one link of the crate, not one per file).
//! A file per subject; run one with `cargo test --release --test core SUBJECT::`.

mod cli_graph;
mod data_idx;
mod data_images;
mod data_table;
mod documented;
mod fuzz_regressions;
mod graph_fingerprints;
mod graph_kernel;
mod graph_metrics;
mod graph_properties;
mod graph_reach;
mod io_import;
mod io_numpy;
mod io_roundtrip;
mod mapping_accounting;
mod model_file;
mod moments;
mod reference;
#[cfg(feature = "cli")]
#[path = "../common/run_cli.rs"]
mod run_cli;
mod search_family;
mod search_properties;
mod search_runner;
