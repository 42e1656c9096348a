//! `rgp predict`: logits of a saved model for inputs given as a `.npy` matrix (N × features,
//! float32, already normalised as the file's metadata says). Writes N × classes float32 logits.

use super::files::{read_file, write_file};
use super::flags::DeviceFlags;
use crate::io::npy;
use crate::model_file::decode;
use crate::train::trainer::block_on;
use crate::train::{device, weights};
use crate::{Result, bail};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model file (safetensors, as `rgp train --save` or `rgp export` writes it).
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
}

pub fn run(a: Args) -> Result<()> {
    let file = decode(&read_file(&a.weights)?, None)?;
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
