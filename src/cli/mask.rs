//! `rgp mask`: parameter and FLOP accounting of a masked architecture, as JSON. Also holds the
//! graph flags `rgp train` shares (`--graph FILE`, or the search flags of `rgp graph`).

use crate::config::{GraphConfig, Init, SearchKind};
use crate::graph::Graph;
use crate::mapping::arch::build;
use crate::mapping::{ArchName, CnnSpec, Connectivity, Convention, MaskOptions, MlpSpec, account};
use crate::{Result, bail};
use std::path::PathBuf;

/// How to get the graph that is mapped onto the network.
#[derive(clap::Args, Debug, Clone)]
pub struct GraphFlags {
    /// Number of nodes n (channel groups per layer; default 64).
    #[arg(long)]
    pub nodes: Option<u32>,
    /// Degree k: every group reads k others, k/n of the weights kept (default 4).
    #[arg(long)]
    pub degree: Option<u32>,
    /// Read the graph from a file (.json, .csv or .npy, as `rgp graph` writes) instead of
    /// building one.
    #[arg(long)]
    pub graph: Option<PathBuf>,
    /// Start graph.
    #[arg(long, value_enum)]
    pub init: Option<Init>,
    /// Search that lowers the ASPL (as in `rgp graph`; default anneal).
    #[arg(long, value_enum)]
    pub search: Option<SearchKind>,
    /// Seed of the graph search.
    #[arg(long)]
    pub graph_seed: Option<u32>,
    /// Iteration budget of the search (`anneal`, `target`).
    #[arg(long)]
    pub iters: Option<u64>,
    /// Chained reference steps (`paper`).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Requested ASPL (`target` search).
    #[arg(long)]
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
                let g = super::graph::read_graph(path)?;
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

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Architecture: mlp, cnn (ours, 28×28 input), vgg16_bn, resnet18, resnet56 (the reference
    /// CIFAR variants, 32×32 input).
    #[arg(long, default_value = "mlp")]
    pub arch: String,
    /// `exact`: what the masked network holds and computes; `paper`: the reference `cal_flops`.
    #[arg(long, default_value = "exact")]
    pub convention: String,
    #[command(flatten)]
    pub graph: GraphFlags,
    /// MLP hidden widths, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "256,256,256")]
    pub hidden: Vec<u32>,
    /// CNN conv widths, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "64,64,64")]
    pub channels: Vec<u32>,
    /// Output classes.
    #[arg(long, default_value_t = 10)]
    pub classes: u32,
    /// Mask the first layer too (it is dense by default).
    #[arg(long)]
    pub mask_first: bool,
    /// Mask the last layer too (it is dense by default).
    #[arg(long)]
    pub mask_last: bool,
}

pub fn run(a: Args) -> Result<()> {
    let name: ArchName = a.arch.parse()?;
    let convention: Convention = a.convention.parse()?;
    if !(1..=100_000).contains(&a.classes) {
        bail!("--classes must be between 1 and 100000 (got {})", a.classes);
    }
    if let Some(w) = a
        .hidden
        .iter()
        .chain(&a.channels)
        .find(|&&w| w == 0 || w > 1 << 16)
    {
        bail!("layer widths must be between 1 and 65536 (got {w})");
    }
    let (_, conn) = a.graph.build()?;
    let opts = MaskOptions {
        first_dense: !a.mask_first,
        last_dense: !a.mask_last,
        self_loops: a.graph.self_loops,
    };
    let mlp = MlpSpec {
        inputs: 784,
        hidden: a.hidden,
        classes: a.classes,
    };
    let cnn = CnnSpec {
        in_ch: 1,
        input_hw: 28,
        channels: a.channels,
        classes: a.classes,
    };
    // The paper convention reproduces what `cal_flops` measured (its default, fully masked layout).
    let arch = build(
        name,
        &mlp,
        &cnn,
        a.classes,
        &opts,
        convention == Convention::Paper,
    )?;
    let acc = account(&arch, &conn, convention)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&acc).expect("accounting serialises")
    );
    Ok(())
}
