//! Flag groups that several subcommands share, declared once and flattened into each
//! (`#[command(flatten)]`): the graph mapped onto the network ([`GraphFlags`]: `rgp mask`,
//! `rgp train`), the layer widths and masked end layers ([`LayerFlags`]: `rgp mask`, and through
//! [`TrainFlags`] `rgp train` and `rgp sweep`), the model and training recipe ([`TrainFlags`])
//! and the backend ([`DeviceFlags`]: also `rgp predict`). Defaults, and the values an enum flag
//! accepts, come from the configuration types (`GraphConfig`, `TrainConfig`); only the settings
//! no configuration owns (the backend) have their default here.

use super::files::read_graph;
use crate::config::train::TrainConfig;
use crate::config::{GraphConfig, Init, SearchKind};
use crate::graph::Graph;
use crate::mapping::{Connectivity, MaskOptions};
use crate::{Result, bail};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The name a command line gives an enum value (`anneal`, `ring`, …).
pub fn value_name<E: clap::ValueEnum>(e: E) -> String {
    e.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default()
}

/// A flag's help from the settings schema (`src/settings/mod.rs`): the label and help line the
/// page's form shows, and, where another setting decides the default, that rule. A flag may add
/// what only the command line has after it; `tests` checks every flag with a schema key.
pub fn schema_help(key: &str) -> String {
    let Some(s) = crate::settings::setting(key) else {
        return String::new();
    };
    let mut text = match s.help {
        "" => s.label.to_string(),
        h => format!("{}: {h}", s.label),
    };
    if let Some(by) = &s.def_by {
        let rule = format!(" (default by --{}: {})", by["key"], by["values"]);
        text += &rule.replace('"', "");
    }
    text
}

/// [`schema_help`] with the schema's default, for a flag whose unset value clap cannot show.
pub fn schema_help_default(key: &str) -> String {
    let def = crate::settings::setting(key).map_or(String::new(), |s| s.def.to_string());
    format!("{} (default {})", schema_help(key), def.trim_matches('"'))
}

/// How to get the graph that is mapped onto the network. The flags are optional so that a
/// `--graph FILE` is checked only against the ones given; unset, they take
/// [`GraphConfig::default`]'s values.
#[derive(clap::Args, Debug, Clone)]
pub struct GraphFlags {
    #[arg(long, help = schema_help_default("nodes"))]
    pub nodes: Option<u32>,
    #[arg(long, help = schema_help_default("degree"))]
    pub degree: Option<u32>,
    /// Read the graph from a file (.json, .csv or .npy, as `rgp graph` writes) instead of
    /// building one.
    #[arg(long)]
    pub graph: Option<PathBuf>,
    #[arg(long, value_enum, help = schema_help_default("init"))]
    pub init: Option<Init>,
    #[arg(long, value_enum, help = schema_help_default("search"))]
    pub search: Option<SearchKind>,
    #[arg(long, help = schema_help_default("seed"))]
    pub graph_seed: Option<u32>,
    #[arg(long, help = schema_help_default("iters"))]
    pub iters: Option<u64>,
    #[arg(long, help = schema_help_default("steps"))]
    pub steps: Option<u32>,
    #[arg(long, help = schema_help("target_aspl"))]
    pub target_aspl: Option<f64>,
    /// Add self-loops (group i also reads group i): the ablation.
    #[arg(long)]
    pub self_loops: bool,
}

impl GraphFlags {
    pub fn config(&self) -> GraphConfig {
        let d = GraphConfig::default();
        GraphConfig {
            nodes: self.nodes.unwrap_or(d.nodes),
            degree: self.degree.unwrap_or(d.degree),
            init: self.init.unwrap_or(d.init),
            seed: self.graph_seed.unwrap_or(d.seed),
            search: self.search.unwrap_or(if self.target_aspl.is_some() {
                SearchKind::Target
            } else {
                d.search
            }),
            iters: self.iters.unwrap_or(d.iters),
            steps: self.steps.unwrap_or(d.steps),
            target_aspl: self.target_aspl.unwrap_or(d.target_aspl),
            ..d
        }
    }

    /// The graph (from the file, or built and searched) and its connectivity.
    pub fn build(&self) -> Result<(Graph, Connectivity)> {
        let g = match &self.graph {
            Some(path) => {
                let g = read_graph(path)?;
                for (flag, given, actual) in [
                    ("--nodes", self.nodes, g.n()),
                    ("--degree", self.degree, g.k()),
                ] {
                    if let Some(x) = given.filter(|&x| x != actual) {
                        bail!(
                            "{flag} {x} does not match the graph in {} ({actual})",
                            path.display()
                        );
                    }
                }
                g
            }
            None => crate::search::run(&self.config(), None)?.0,
        };
        let c = Connectivity::from_graph(&g, self.self_loops);
        Ok((g, c))
    }
}

/// A list default as the flag is written (`256,256,256`), made once per process.
fn comma_list(cell: &'static OnceLock<String>, list: fn() -> Vec<u32>) -> &'static str {
    cell.get_or_init(|| {
        let items: Vec<String> = list().iter().map(u32::to_string).collect();
        items.join(",")
    })
}

fn hidden_default() -> &'static str {
    static CELL: OnceLock<String> = OnceLock::new();
    comma_list(&CELL, || TrainConfig::default().hidden)
}

fn channels_default() -> &'static str {
    static CELL: OnceLock<String> = OnceLock::new();
    comma_list(&CELL, || TrainConfig::default().channels)
}

/// The layer widths and which end layers carry the mask.
#[derive(clap::Args, Debug, Clone)]
pub struct LayerFlags {
    /// MLP hidden widths, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = hidden_default())]
    pub hidden: Vec<u32>,
    /// CNN conv widths, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = channels_default())]
    pub channels: Vec<u32>,
    /// Mask the first layer too (it is dense by default).
    #[arg(long)]
    pub mask_first: bool,
    /// Mask the last layer too (it is dense by default).
    #[arg(long)]
    pub mask_last: bool,
}

impl LayerFlags {
    pub fn mask(&self, self_loops: bool) -> MaskOptions {
        MaskOptions {
            first_dense: !self.mask_first,
            last_dense: !self.mask_last,
            self_loops,
        }
    }
}

#[cfg(feature = "train")]
pub use training::{DeviceFlags, TrainFlags};

#[cfg(feature = "train")]
mod training {
    use super::{LayerFlags, schema_help};
    use crate::config::train::{OptimizerKind, Recovery, TrainConfig};
    use crate::mapping::ModelKind;
    use crate::train::BackendKind;

    /// Where the network computes. The default is the command line's own (the app picks by
    /// what the browser offers).
    #[derive(clap::Args, Debug, Clone)]
    pub struct DeviceFlags {
        /// Backend.
        #[arg(long, value_enum, default_value_t = BackendKind::Cpu)]
        pub backend: BackendKind,
    }

    /// The model and the training recipe, as `rgp train` and every run of `rgp sweep` take them.
    #[derive(clap::Args, Debug, Clone)]
    pub struct TrainFlags {
        #[arg(long, value_enum, default_value_t = TrainConfig::default().model, help = schema_help("model"))]
        pub model: ModelKind,
        #[command(flatten)]
        pub layers: LayerFlags,
        #[arg(long, default_value_t = TrainConfig::default().depth, help = schema_help("depth"))]
        pub depth: u32,
        #[arg(long, help = schema_help("residual"))]
        pub residual: bool,
        #[arg(long, help = schema_help("norm"))]
        pub norm: bool,
        #[arg(long, default_value_t = TrainConfig::default().epochs, help = schema_help("epochs"))]
        pub epochs: u32,
        #[arg(long, default_value_t = TrainConfig::default().batch, help = schema_help("batch"))]
        pub batch: u32,
        #[arg(long, help = schema_help("lr"))]
        pub lr: Option<f64>,
        #[arg(long, value_enum, default_value_t = TrainConfig::default().optimizer, help = schema_help("optimizer"))]
        pub optimizer: OptimizerKind,
        /// SGD momentum.
        #[arg(long, default_value_t = TrainConfig::default().momentum)]
        pub momentum: f64,
        /// Weight decay.
        #[arg(long, default_value_t = TrainConfig::default().weight_decay)]
        pub weight_decay: f64,
        #[command(flatten)]
        pub device: DeviceFlags,
        /// Use only the first N training images.
        #[arg(long)]
        pub limit_train: Option<usize>,
        #[arg(long, value_enum, default_value_t = TrainConfig::default().recover, help = schema_help("recover"))]
        pub recover: Recovery,
    }

    impl TrainFlags {
        /// --lr, or the optimizer's default.
        pub fn lr(&self) -> f64 {
            self.lr.unwrap_or(self.optimizer.default_lr())
        }

        pub fn backend(&self) -> BackendKind {
            self.device.backend
        }

        /// The training configuration these flags describe; the settings they do not hold
        /// (seed, dense, kernel) as [`TrainConfig::default`] has them.
        pub fn config(&self, self_loops: bool) -> TrainConfig {
            TrainConfig {
                model: self.model,
                hidden: self.layers.hidden.clone(),
                channels: self.layers.channels.clone(),
                optimizer: self.optimizer,
                lr: self.lr(),
                momentum: self.momentum,
                weight_decay: self.weight_decay,
                batch: self.batch,
                epochs: self.epochs,
                mask: self.layers.mask(self_loops),
                depth: self.depth,
                residual: self.residual,
                norm: self.norm,
                recover: self.recover,
                ..TrainConfig::default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> Command {
        let argv = std::iter::once("rgp").chain(args.iter().copied());
        Cli::try_parse_from(argv).expect("parses").command
    }

    #[test]
    fn unset_graph_flags_are_the_default_configuration() {
        let Command::Mask(a) = parse(&["mask"]) else {
            panic!("not mask")
        };
        assert_eq!(a.graph.config(), GraphConfig::default());
        let d = TrainConfig::default();
        assert_eq!(a.layers.mask(false), d.mask);
        assert_eq!((a.layers.hidden, a.layers.channels), (d.hidden, d.channels));
    }

    #[cfg(feature = "train")]
    #[test]
    fn unset_train_flags_are_the_default_configuration() {
        let Command::Train(a) = parse(&["train"]) else {
            panic!("not train")
        };
        let cfg = TrainConfig {
            seed: a.seed,
            dense: a.dense,
            kernel: a.kernel,
            ..a.train.config(a.graph.self_loops)
        };
        assert_eq!(cfg, TrainConfig::default());
        assert_eq!(a.train.backend(), crate::train::BackendKind::Cpu);
    }

    #[cfg(feature = "train")]
    #[test]
    fn enum_flags_take_their_spellings_and_aliases() {
        use crate::config::train::{Kernel, OptimizerKind};
        use crate::mapping::ModelKind;
        use crate::train::BackendKind;
        for (spelling, want) in [
            ("cpu", BackendKind::Cpu),
            ("flex", BackendKind::Cpu),
            ("wgpu", BackendKind::Wgpu),
            ("webgpu", BackendKind::Wgpu),
            ("gpu", BackendKind::Wgpu),
        ] {
            let Command::Sweep(a) = parse(&["sweep", "--out", "o", "--backend", spelling]) else {
                panic!("not sweep")
            };
            assert_eq!(a.sweep.train.backend(), want, "{spelling}");
        }
        let Command::Train(a) = parse(&[
            "train",
            "--model",
            "cnn",
            "--optimizer",
            "adam",
            "--kernel",
            "packed",
            "--channels",
            "16,32",
        ]) else {
            panic!("not train")
        };
        assert_eq!(a.train.model, ModelKind::Cnn);
        assert_eq!(a.train.optimizer, OptimizerKind::Adam);
        assert_eq!(a.train.lr(), OptimizerKind::Adam.default_lr());
        assert_eq!(a.kernel, Kernel::Packed);
        assert_eq!(a.train.layers.channels, [16, 32]);
    }

    /// Every flag that sets a schema setting shows the page's label and help for it (the
    /// schema's declaration), whatever it adds after.
    #[test]
    fn flag_help_is_the_schemas_label_and_help() {
        use clap::CommandFactory;
        // Flags named otherwise than their link key.
        fn key_of<'a>(sub: &str, flag: &'a str) -> &'a str {
            match (sub, flag) {
                ("train", "seed") => "train_seed",
                (_, "graph_seed") => "seed",
                (_, f) => f,
            }
        }
        let cli = Cli::command();
        let mut checked = 0;
        for sub in ["graph", "family", "mask", "train"] {
            // `train` exists with the `train` feature only.
            let Some(cmd) = cli.find_subcommand(sub) else {
                continue;
            };
            for arg in cmd.get_arguments() {
                let key = key_of(sub, arg.get_id().as_str());
                let Some(s) = crate::settings::setting(key) else {
                    continue;
                };
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                assert!(
                    help.starts_with(&schema_help(key)) && help.starts_with(s.label),
                    "rgp {sub} --{}: '{help}' does not start with the schema's '{}'",
                    arg.get_id(),
                    schema_help(key)
                );
                checked += 1;
            }
        }
        let want = if cfg!(feature = "train") { 58 } else { 32 };
        assert_eq!(checked, want, "flags checked");
    }
}
