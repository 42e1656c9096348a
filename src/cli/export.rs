//! `rgp export`: a saved model file as ONNX (dense or packed graph) or as safetensors in the
//! other layout or dtype; or an imported ONNX network pruned by the graph in one shot, as ONNX
//! (dense or packed). Prints one JSON line describing what it wrote.

use super::files::{is_onnx, read_file, write_file};
use super::flags::GraphFlags;
use super::inspect::OnnxLayerFlags;
use crate::import::{layers, lower, saved, write};
use crate::model_file::{Dtype, Layout, decode, encode, onnx};
use crate::{Error, Result, bail};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Onnx,
    Safetensors,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model file (safetensors, as `rgp train --save` writes it), or an ONNX network of your own
    /// (`.onnx`), pruned by the graph the graph flags describe.
    #[arg(long)]
    pub weights: PathBuf,
    /// onnx: a graph ONNX Runtime runs (input `x` [N, features], output `logits`);
    /// safetensors: the model file again, re-encoded.
    #[arg(long, value_enum)]
    pub format: Format,
    /// dense: full weights, pruned ones zero; packed: only the kept blocks of each graph-masked
    /// layer (gather + batched MatMul / grouped conv in ONNX).
    #[arg(long, value_enum, default_value_t = Layout::default())]
    pub layout: Layout,
    /// Storage type of the weights (the ONNX graph computes in f32 either way).
    #[arg(long, value_enum, default_value_t = Dtype::default())]
    pub dtype: Dtype,
    /// Output file.
    #[arg(long)]
    pub out: PathBuf,
    /// ONNX input only: write the network unpruned (no layer masked), to check the export itself.
    #[arg(long)]
    pub no_mask: bool,
    #[command(flatten)]
    pub layers: OnnxLayerFlags,
    #[command(flatten)]
    pub graph: GraphFlags,
}

/// The imported network `bytes`, pruned by the graph, written as ONNX.
fn prune_onnx(a: &Args, bytes: &[u8]) -> Result<()> {
    if a.format != Format::Onnx || a.dtype != Dtype::F32 {
        bail!("an ONNX network is exported as ONNX in f32 (--format onnx --dtype f32)");
    }
    let at = |e: Error| Error::new(format!("{}: {e}", a.weights.display()));
    let imported = crate::import::onnx::read(bytes).map_err(at)?;
    let net = lower::lower(&imported).map_err(at)?;
    let (graph, conn) = match a.no_mask {
        true => (None, None),
        false => {
            let (g, c) = a.graph.build()?;
            (Some(g), Some(c))
        }
    };
    // The file says which graph pruned it.
    let meta = graph.as_ref().map_or_else(Vec::new, |g| {
        write::graph_meta(g.n(), g.k(), g.fingerprint(), None, None)
    });
    let masks = match &conn {
        Some(c) => {
            layers::masks(&imported, &net, c, &a.layers.keep_dense)
                .map_err(at)?
                .1
        }
        None => vec![None; net.weight_steps().count()],
    };
    let w = write::to_onnx(&net, &masks, a.layout, &meta).map_err(at)?;
    write_file(&a.out, &w.bytes)?;
    report(a, conn.as_ref(), &w);
    Ok(())
}

/// A saved imported network (`rgp train --init-from NET.onnx --save OUT.safetensors`) as ONNX,
/// pruned by the graph and masks in it.
fn saved_onnx(a: &Args, bytes: &[u8]) -> Result<()> {
    if a.format != Format::Onnx || a.dtype != Dtype::F32 {
        bail!("a saved imported network is exported as ONNX in f32 (--format onnx --dtype f32)");
    }
    let at = |e: Error| Error::new(format!("{}: {e}", a.weights.display()));
    let file = saved::decode(bytes).map_err(at)?;
    let w = write::to_onnx(&file.net, &file.masks(), a.layout, &file.meta_pairs()).map_err(at)?;
    write_file(&a.out, &w.bytes)?;
    report(a, file.conn.as_ref(), &w);
    Ok(())
}

/// The JSON line of an ONNX export of an imported network.
fn report(a: &Args, conn: Option<&crate::mapping::Connectivity>, w: &write::Written) {
    println!(
        "{}",
        serde_json::json!({
            "format": "onnx",
            "layout": a.layout,
            "nodes": conn.map(|c| c.n()),
            "degree": conn.map(|c| c.row_len() - u32::from(c.self_loops())),
            "masked_layers": w.masked.len(),
            "packed": w.packed,
            "dense_with_zeros": w.dense_with_zeros,
            "kept_weights": w.kept_weights,
            "weights": w.weights,
            "bytes": w.bytes.len(),
            "out": a.out,
        })
    );
}

pub fn run(a: Args) -> Result<()> {
    let bytes = read_file(&a.weights)?;
    if is_onnx(&a.weights, &bytes) {
        return prune_onnx(&a, &bytes);
    }
    if a.no_mask
        || !a.layers.keep_dense.is_empty()
        || a.graph.nodes.is_some()
        || a.graph.graph.is_some()
    {
        bail!(
            "{} is a model file: its graph is in it (--nodes, --graph, --keep-dense and --no-mask are for ONNX networks)",
            a.weights.display()
        );
    }
    if saved::is_saved_net(&bytes) {
        return saved_onnx(&a, &bytes);
    }
    let mut file = decode(&bytes, None)?;
    if a.layout == Layout::Packed && file.neighbors.is_none() {
        bail!(
            "{} has no graph (a dense network): there is nothing to pack; use --layout dense",
            a.weights.display()
        );
    }
    if a.dtype == Dtype::F16 {
        // The stored accuracy was measured on other weights once they are rounded.
        let before = file.clone();
        file.round_to_f16();
        if file != before {
            file.meta.test_accuracy = None;
        }
    }
    let bytes = match a.format {
        Format::Onnx => onnx::export(&file, a.layout, a.dtype)?,
        Format::Safetensors => encode(&file, a.layout, a.dtype)?,
    };
    write_file(&a.out, &bytes)?;
    println!(
        "{}",
        serde_json::json!({
            "format": format!("{:?}", a.format).to_lowercase(),
            "layout": a.layout,
            "dtype": a.dtype,
            "model": file.meta.arch.describe(),
            "kept_weights": file.kept_weights(),
            "bytes": bytes.len(),
            "out": a.out,
        })
    );
    Ok(())
}
