//! Model files: a trained (or pruned) network as plain host data, independent of Burn, and its
//! safetensors encoding in two layouts (docs/MODEL_FILES.md). `rgp train --save`, `rgp predict`,
//! `rgp export`, the app's "Download model" / "Load weights" and the pretrained networks all go
//! through [`ModelFile`].
//!
//! Weights are kept row-major in PyTorch's layouts (`[out, in]` for a linear layer,
//! `[out, in, k, k]` for a conv) so the file reads the same in numpy, PyTorch and here.

mod arch;
pub mod checkpoint;
#[cfg(feature = "onnx")]
pub mod onnx;
#[cfg(feature = "onnx")]
mod onnx_builder;
#[cfg(feature = "onnx")]
mod onnx_packed_conv;
mod safetensors;
mod safetensors_read;

pub use arch::{ArchSpec, TensorSpec};
pub use safetensors::encode;
pub use safetensors_read::{decode, read_meta};

use crate::{Result, bail};
use serde::{Deserialize, Serialize};

/// File format version written into every file's metadata.
pub const FORMAT_VERSION: u32 = 1;

/// The `format` of a built-in network's file (MLP or CNN, dense or packed).
pub const FORMAT: &str = "rgp-studio-model";

/// The `format` of a saved network imported from ONNX (`import::saved`): its own architecture,
/// not one of the built-in networks.
pub const IMPORTED_FORMAT: &str = "rgp-studio-imported";

/// How the masked layers are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Every weight, pruned entries exactly zero, plus each masked layer's mask.
    #[default]
    Dense,
    /// Per graph-masked layer the `n` dense blocks of kept weights and the graph's neighbour
    /// table: the file grows with the kept weights only.
    Packed,
}

/// Storage type of the floating-point tensors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    #[default]
    F32,
    /// Half precision: half the size; loading widens to f32.
    F16,
}

/// What the file says about itself (safetensors `__metadata__`, all values strings there).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub arch: ArchSpec,
    /// Graph the masks came from (absent for a dense network).
    pub nodes: Option<u32>,
    pub degree: Option<u32>,
    pub fingerprint: Option<String>,
    /// App link (`#v=1&...`) that reproduces the graph.
    pub link: Option<String>,
    pub dataset: String,
    /// Input normalisation: `x = (pixel / max_value - mean) / std`, pixels in row-major order.
    pub input_max: f32,
    pub input_mean: f32,
    pub input_std: f32,
    /// A table's network: its feature columns in input order, each standardised as
    /// `x = (value - mean) / std` (then `input_max` 1, `input_mean` 0, `input_std` 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<crate::data::ColumnNorm>,
    /// Test accuracy of the network as stored (after any f16 rounding), when measured.
    pub test_accuracy: Option<f64>,
}

impl Meta {
    /// How the network's inputs are normalised, in words and numbers (a table's columns as JSON).
    pub fn normalisation(&self) -> String {
        normalisation(
            self.input_max,
            self.input_mean,
            self.input_std,
            self.columns.as_ref(),
        )
    }
}

/// How a network's inputs are normalised, in words and numbers (a table's columns as JSON).
pub fn normalisation(
    max: f32,
    mean: f32,
    std: f32,
    columns: Option<&crate::data::ColumnNorm>,
) -> String {
    match columns {
        None => format!("x = (pixel / {max} - {mean}) / {std}, row-major pixels"),
        Some(c) => format!(
            "x = (value - mean) / std per column: {}",
            serde_json::to_string(c).unwrap_or_default()
        ),
    }
}

/// One weight layer in forward order: `layers.{i}` of the MLP, `convs.{i}` then `head` of the CNN.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    /// Tensor name prefix.
    pub name: String,
    /// Row-major `[out, in, k, k]` (k = 1 for linear layers).
    pub weight: Vec<f32>,
    pub bias: Option<Vec<f32>>,
    /// 0/1 per weight, same shape as `weight` (absent: dense layer).
    pub mask: Option<Vec<u8>>,
}

/// BatchNorm parameters and running statistics (CNN), named `norms.{i}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Norm {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub running_mean: Vec<f32>,
    pub running_var: Vec<f32>,
}

/// A whole network.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFile {
    pub meta: Meta,
    pub layers: Vec<Layer>,
    pub norms: Vec<Norm>,
    /// The graph's neighbour table, rows sorted (when the masks came from a graph).
    pub neighbors: Option<Vec<Vec<u32>>>,
}

impl ModelFile {
    /// Checks every tensor against the architecture: names, sizes, finite values, 0/1 masks;
    /// pruned weights are zeroed (a mask always wins over the weight stored under it).
    pub fn validate(&mut self) -> Result<()> {
        let specs = self.meta.arch.tensors()?;
        if self.layers.len() != self.meta.arch.weight_layers() {
            bail!(
                "expected {} weight layers, the file has {}",
                self.meta.arch.weight_layers(),
                self.layers.len()
            );
        }
        for (l, s) in self
            .layers
            .iter_mut()
            .zip(specs.iter().filter(|s| s.is_weight()))
        {
            check_len(&s.name, &l.weight, s.len())?;
            check_finite(&s.name, &l.weight)?;
            if let Some(b) = &l.bias {
                check_finite(&format!("{}.bias", l.name), b)?;
            }
            if let Some(m) = &l.mask {
                if m.len() != l.weight.len() {
                    bail!(
                        "tensor {}.mask has {} values, expected {}",
                        l.name,
                        m.len(),
                        l.weight.len()
                    );
                }
                if let Some(v) = m.iter().find(|&&v| v > 1) {
                    bail!(
                        "tensor {}.mask holds {v}; a mask holds only 0 and 1",
                        l.name
                    );
                }
                for (w, &m) in l.weight.iter_mut().zip(m) {
                    if m == 0 {
                        *w = 0.0;
                    }
                }
            }
        }
        for (i, n) in self.norms.iter().enumerate() {
            for (what, v) in [
                ("weight", &n.weight),
                ("bias", &n.bias),
                ("running_mean", &n.running_mean),
                ("running_var", &n.running_var),
            ] {
                check_finite(&format!("norms.{i}.{what}"), v)?;
            }
            if n.running_var.iter().any(|&v| v < 0.0) {
                bail!("tensor norms.{i}.running_var holds a negative variance");
            }
        }
        let m = &self.meta;
        let usable = m.input_std.is_finite()
            && m.input_std > 0.0
            && m.input_mean.is_finite()
            && m.input_max.is_finite()
            && m.input_max > 0.0;
        if !usable {
            bail!(
                "the file's input normalisation is not usable (max, mean and std must be finite, max and std positive)"
            );
        }
        if let Some(c) = &m.columns {
            let n = m.arch.inputs as usize;
            let usable = c.names.len() == n
                && c.mean.len() == n
                && c.std.len() == n
                && c.mean.iter().all(|v| v.is_finite())
                && c.std.iter().all(|v| v.is_finite() && *v > 0.0);
            if !usable {
                bail!(
                    "the file's input_columns do not give one name, finite mean and positive deviation for each of its {n} inputs"
                );
            }
        }
        Ok(())
    }

    /// Weights kept (non-zero mask entries, or all weights of dense layers).
    pub fn kept_weights(&self) -> usize {
        self.layers
            .iter()
            .map(|l| {
                l.mask
                    .as_ref()
                    .map_or(l.weight.len(), |m| m.iter().filter(|&&v| v != 0).count())
            })
            .sum()
    }

    /// Rounds every floating-point tensor to half precision and back, so the host copy computes
    /// exactly what an f16 file loads as.
    pub fn round_to_f16(&mut self) {
        let r = |v: &mut Vec<f32>| v.iter_mut().for_each(|x| *x = safetensors::f16_round(*x));
        for l in &mut self.layers {
            r(&mut l.weight);
            if let Some(b) = &mut l.bias {
                r(b);
            }
        }
        for n in &mut self.norms {
            r(&mut n.weight);
            r(&mut n.bias);
            r(&mut n.running_mean);
            r(&mut n.running_var);
        }
    }
}

fn check_len(name: &str, v: &[f32], want: usize) -> Result<()> {
    if v.len() != want {
        bail!("tensor {name} has {} values, expected {want}", v.len());
    }
    Ok(())
}

fn check_finite(name: &str, v: &[f32]) -> Result<()> {
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        bail!(
            "tensor {name} holds a non-finite value ({}) at index {i}",
            v[i]
        );
    }
    Ok(())
}
