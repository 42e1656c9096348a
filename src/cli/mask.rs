//! `rgp mask`: parameter and FLOP accounting of a masked architecture, as JSON.

use super::flags::{GraphFlags, LayerFlags};
use super::inspect::{OnnxLayerFlags, table_json};
use crate::mapping::arch::build;
use crate::mapping::{ArchName, CnnSpec, Convention, MlpSpec, account};
use crate::{Result, bail};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Architecture: mlp, cnn (ours, 28×28 input), vgg16_bn, resnet18, resnet56 (the reference
    /// CIFAR variants, 32×32 input).
    #[arg(long, value_enum, default_value_t = ArchName::Mlp)]
    pub arch: ArchName,
    /// `exact`: what the masked network holds and computes; `paper`: the reference `cal_flops`.
    #[arg(long, value_enum, default_value_t = Convention::default())]
    pub convention: Convention,
    #[command(flatten)]
    pub graph: GraphFlags,
    #[command(flatten)]
    pub layers: LayerFlags,
    /// Output classes.
    #[arg(long, default_value_t = 10)]
    pub classes: u32,
    /// An ONNX network instead of `--arch`: its weight layers' table (as `rgp inspect` prints it).
    #[arg(long, conflicts_with = "arch")]
    pub onnx: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub onnx_layers: OnnxLayerFlags,
}

pub fn run(a: Args) -> Result<()> {
    if let Some(file) = &a.onnx {
        println!(
            "{}",
            table_json(file, &a.graph, &a.onnx_layers, a.convention)?
        );
        return Ok(());
    }
    if !a.onnx_layers.keep_dense.is_empty() {
        bail!("--keep-dense names layers of an ONNX network: give it with --onnx FILE");
    }
    let (name, convention) = (a.arch, a.convention);
    if !(1..=100_000).contains(&a.classes) {
        bail!("--classes must be between 1 and 100000 (got {})", a.classes);
    }
    if let Some(w) = a
        .layers
        .hidden
        .iter()
        .chain(&a.layers.channels)
        .find(|&&w| w == 0 || w > 1 << 16)
    {
        bail!("layer widths must be between 1 and 65536 (got {w})");
    }
    let (_, conn) = a.graph.build()?;
    let opts = a.layers.mask(a.graph.self_loops);
    let mlp = MlpSpec {
        inputs: 784,
        hidden: a.layers.hidden,
        classes: a.classes,
    };
    let cnn = CnnSpec {
        in_ch: 1,
        input_hw: 28,
        channels: a.layers.channels,
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
