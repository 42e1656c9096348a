//! `rgp predict`: logits of a saved model for inputs given as a `.npy` matrix (N × features,
//! float32, already normalised as the file's metadata says). Writes N × classes float32 logits.
//! An ONNX network (`.onnx`, or a file that reads as one) takes `[N, ...]` inputs in its own
//! input scale and gives what the file's graph returns; `--nodes`/`--graph` prune it first by the
//! graph, as `rgp inspect` lists.

use super::files::{is_onnx, read_file, write_file};
use super::flags::{DeviceFlags, GraphFlags};
use super::inspect::OnnxLayerFlags;
use crate::import::net::dims;
use crate::import::saved;
use crate::io::npy;
use crate::model_file::decode;
use crate::train::imported::ImportedNet;
use crate::train::trainer::block_on;
use crate::train::{device, weights};
use crate::{Error, Result, bail};
use burn::module::Module;
use burn::tensor::{Tensor, TensorData};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model file (safetensors, as `rgp train --save` or `rgp export` writes it), or an ONNX
    /// network (`.onnx`).
    #[arg(long)]
    pub weights: PathBuf,
    /// Inputs: a 2-D `.npy` array, N × features.
    #[arg(long)]
    pub input: PathBuf,
    /// Output `.npy` file for the N × classes logits.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub device: DeviceFlags,
    /// ONNX only: with --nodes or --graph, the network pruned by that graph.
    #[command(flatten)]
    pub graph: GraphFlags,
    #[command(flatten)]
    pub layers: OnnxLayerFlags,
}

pub fn run(a: Args) -> Result<()> {
    let bytes = read_file(&a.weights)?;
    let prune = a.graph.nodes.is_some() || a.graph.graph.is_some();
    if is_onnx(&a.weights, &bytes) {
        return run_onnx(&a, &bytes, prune);
    }
    if prune || !a.layers.keep_dense.is_empty() {
        bail!(
            "--nodes, --graph and --keep-dense prune an ONNX network; a model file holds its own masks"
        );
    }
    if saved::is_saved_net(&bytes) {
        return run_saved(&a, &bytes);
    }
    let file = decode(&bytes, None)?;
    let (rows, cols, x) = npy::read_f32_matrix(&read_file(&a.input)?)?;
    let arch = &file.meta.arch;
    if cols != arch.inputs as usize {
        bail!(
            "the inputs have {cols} features per row; the model ({}) reads {}",
            arch.describe(),
            arch.inputs
        );
    }
    let dev = block_on(device::device(a.device.backend))?;
    let net = weights::dense_net(arch, &dev)?;
    let net = block_on(weights::load(&net, &file.layers, &file.norms, &dev))?;
    let logits = block_on(weights::logits(&net, &x, rows, cols, &dev))?;
    write_file(
        &a.out,
        &npy::write_f32_matrix(rows, arch.classes as usize, &logits),
    )?;
    println!(
        "{}",
        serde_json::json!({
            "rows": rows,
            "classes": arch.classes,
            "model": arch.describe(),
            "out": a.out,
        })
    );
    Ok(())
}

fn run_onnx(a: &Args, bytes: &[u8], prune: bool) -> Result<()> {
    let in_file = |e: Error| Error::new(format!("{}: {e}", a.weights.display()));
    let conn = if prune {
        Some(a.graph.build()?.1)
    } else if !a.layers.keep_dense.is_empty() {
        bail!(
            "--keep-dense names layers to leave unpruned: give the graph with --nodes or --graph"
        );
    } else {
        None
    };
    let dev = block_on(device::device(a.device.backend))?;
    let prune = conn.as_ref().map(|c| (c, a.layers.keep_dense.as_slice()));
    let net = ImportedNet::from_onnx(bytes, prune, false, &dev).map_err(in_file)?;
    run_imported(a, &net, &dev, conn.is_some())
}

/// A saved imported network (`rgp train --init-from NET.onnx --save OUT.safetensors`): its own
/// masks, pruned weights already zero.
fn run_saved(a: &Args, bytes: &[u8]) -> Result<()> {
    let in_file = |e: Error| Error::new(format!("{}: {e}", a.weights.display()));
    let saved = saved::decode(bytes).map_err(in_file)?;
    let dev = block_on(device::device(a.device.backend))?;
    let net = ImportedNet::new(&saved.net, &saved.masks(), false, &dev).map_err(in_file)?;
    run_imported(a, &net, &dev, saved.masked.contains(&true))
}

/// Logits of an imported network for `--input`, `[N, ...]` in the network's own input scale.
fn run_imported(
    a: &Args,
    net: &ImportedNet,
    dev: &burn::tensor::Device,
    pruned: bool,
) -> Result<()> {
    let (shape, x) = npy::read_f32_batch(&read_file(&a.input)?)?;
    let want = &net.plan.shapes[0];
    let (rows, cols) = (shape[0], x.len() / shape[0].max(1));
    // A flat [N, features] matrix fits any input of that many values.
    if cols != net.input_size() || (shape.len() > 2 && shape[1..] != want[..]) {
        bail!(
            "the inputs are {:?} per row; the network reads {}",
            &shape[1..],
            dims(want)
        );
    }
    let model = net.valid();
    let device = dev.clone().without_autodiff();
    let mut out = Vec::with_capacity(rows * net.output_size());
    for start in (0..rows).step_by(256) {
        let end = (start + 256).min(rows);
        let batch = TensorData::new(x[start * cols..end * cols].to_vec(), [end - start, cols]);
        let y = model.forward(Tensor::<2>::from_data(batch, &device));
        out.extend(block_on(crate::train::host::read(y.flatten(0, 1)))?);
    }
    write_file(
        &a.out,
        &npy::write_f32_matrix(rows, net.output_size(), &out),
    )?;
    println!(
        "{}",
        serde_json::json!({
            "rows": rows,
            "classes": net.output_size(),
            "model": format!("ONNX, {} inputs", dims(want)),
            "pruned": pruned,
            "out": a.out,
        })
    );
    Ok(())
}
