//! `rgp export`: a saved model file as ONNX (dense or packed graph) or as safetensors in the
//! other layout or dtype. Prints one JSON line describing what it wrote.

use super::files::{read_file, write_file};
use crate::model_file::{Dtype, Layout, decode, encode, onnx};
use crate::{Result, bail};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Onnx,
    Safetensors,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model file (safetensors, as `rgp train --save` writes it).
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
}

pub fn run(a: Args) -> Result<()> {
    let mut file = decode(&read_file(&a.weights)?, None)?;
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
