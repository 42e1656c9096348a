//! Subcommands of `rgp`. Each module owns its arguments and prints JSON on stdout, progress on
//! stderr; every user error comes back as one [`crate::Error`] line and exit code 2.

use clap::{Parser, Subcommand};

#[cfg(feature = "train")]
pub mod data;
pub mod export;
pub mod family;
pub mod files;
pub mod flags;
pub mod graph;
pub mod images;
pub mod inspect;
pub mod mask;
#[cfg(feature = "train")]
pub mod predict;
pub mod progress;
pub mod settings;
#[cfg(feature = "train")]
pub mod sweep;
#[cfg(feature = "train")]
pub mod train;
#[cfg(feature = "train")]
mod train_start;

#[derive(Parser, Debug)]
#[command(
    name = "rgp",
    version,
    about = "Regular-graph pruning: graphs, masks and training"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// The subcommands' flag sets differ in size; the enum is parsed once per process.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build a k-regular graph, optionally search it to lower (or raise) its ASPL, and export it.
    Graph(graph::Args),
    /// Build a family of graphs the way the published RGP graphs were made, sorted by ASPL.
    Family(family::Args),
    /// Parameter and FLOP accounting of a masked architecture.
    Mask(mask::Args),
    /// A network's weight layers (ONNX or our model files): which carry the mask, params and FLOPs.
    Inspect(inspect::Args),
    /// Train a masked (or dense) model on a real dataset.
    #[cfg(feature = "train")]
    Train(train::Args),
    /// A saved model as ONNX (dense or packed graph) or re-encoded safetensors.
    Export(export::Args),
    /// Accuracy-vs-ASPL sweep over a graph family, with baselines.
    #[cfg(feature = "train")]
    Sweep(sweep::Args),
    /// Every setting of links, forms and flags, as JSON: link key, default, range, help.
    Settings(settings::Args),
    /// Logits of a saved model for a .npy matrix of inputs.
    #[cfg(feature = "train")]
    Predict(predict::Args),
}

pub fn run(cli: Cli) -> crate::Result<()> {
    match cli.command {
        Command::Graph(a) => graph::run(a),
        Command::Family(a) => family::run(a),
        Command::Mask(a) => mask::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Export(a) => export::run(a),
        Command::Settings(a) => settings::run(a),
        #[cfg(feature = "train")]
        Command::Train(a) => train::run(a),
        #[cfg(feature = "train")]
        Command::Sweep(a) => sweep::run(a),
        #[cfg(feature = "train")]
        Command::Predict(a) => predict::run(a),
    }
}
