//! Parameters and FLOPs per layer, dense against pruned, in two conventions:
//!
//! - `exact`: counts what the masked network really holds and computes. A masked layer keeps
//!   `Σ_ij B[i,j]·size_out(i)·size_in(j)` weights per kernel position (exact for any widths ≥ n),
//!   biases and BatchNorm scales/shifts stay dense, and FLOPs are 2 × multiply-adds of the weight
//!   layers (per image).
//! - `paper`: the reference `utils/cal_flops.py`, so our numbers sit beside the published ones:
//!   every parameter tensor (dense stem and classifier included) is scaled to `int(numel·d/n)`;
//!   conv FLOPs `(2·k²·c_in + bias)·c_out·h·w` are scaled by d/n, `nn.Linear` FLOPs are not;
//!   BatchNorm adds 2 and ReLU 1 per input element, max pooling k² per output element.

use super::arch::{Arch, Layer, LayerKind, Op};
use super::mask::Connectivity;
use crate::{Result, bail};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Convention {
    #[default]
    Exact,
    Paper,
}

impl FromStr for Convention {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Convention> {
        match s {
            "exact" => Ok(Convention::Exact),
            "paper" => Ok(Convention::Paper),
            _ => bail!("unknown convention '{s}' (expected exact or paper)"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerRow {
    pub name: String,
    /// `linear`, `conv`, `batchnorm` (affine parameters of our CNN), or `other` (the paper
    /// convention's BatchNorm/ReLU/pooling total).
    pub kind: String,
    pub in_ch: u32,
    pub out_ch: u32,
    pub kernel: u32,
    pub out_hw: u32,
    pub masked: bool,
    pub params_dense: u64,
    pub params_pruned: u64,
    pub flops_dense: u64,
    pub flops_pruned: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Accounting {
    pub arch: String,
    pub convention: Convention,
    pub nodes: u32,
    /// Ones per mask row: the degree, plus one with self-loops.
    pub degree: u32,
    pub params_dense: u64,
    pub params_pruned: u64,
    pub flops_dense: u64,
    pub flops_pruned: u64,
    pub layers: Vec<LayerRow>,
}

impl Accounting {
    pub fn params_ratio(&self) -> f64 {
        self.params_pruned as f64 / self.params_dense as f64
    }
    pub fn flops_ratio(&self) -> f64 {
        self.flops_pruned as f64 / self.flops_dense as f64
    }
}

fn row(l: &Layer, masked: bool, pd: u64, pp: u64, fd: u64, fp: u64) -> LayerRow {
    LayerRow {
        name: l.name.clone(),
        kind: match l.kind {
            LayerKind::Linear => "linear",
            LayerKind::Conv => "conv",
        }
        .into(),
        in_ch: l.in_ch,
        out_ch: l.out_ch,
        kernel: l.kernel,
        out_hw: l.out_hw,
        masked,
        params_dense: pd,
        params_pruned: pp,
        flops_dense: fd,
        flops_pruned: fp,
    }
}

/// Accounts `arch` under `conn` (the shared connectivity) in the given convention.
pub fn account(arch: &Arch, conn: &Connectivity, convention: Convention) -> Result<Accounting> {
    let layers = match convention {
        Convention::Exact => exact(arch, conn)?,
        Convention::Paper => paper(arch, conn),
    };
    let sum = |f: fn(&LayerRow) -> u64| layers.iter().map(f).sum();
    Ok(Accounting {
        arch: arch.name.clone(),
        convention,
        nodes: conn.n(),
        degree: conn.row_len(),
        params_dense: sum(|r| r.params_dense),
        params_pruned: sum(|r| r.params_pruned),
        flops_dense: sum(|r| r.flops_dense),
        flops_pruned: sum(|r| r.flops_pruned),
        layers,
    })
}

fn exact(arch: &Arch, conn: &Connectivity) -> Result<Vec<LayerRow>> {
    let n = conn.n();
    let mut rows = Vec::new();
    let mut prev: Option<&Layer> = None;
    for op in &arch.ops {
        match op {
            Op::Weight(l) => {
                let kk = (l.kernel * l.kernel) as u64;
                let bias = if l.bias { l.out_ch as u64 } else { 0 };
                let kept = if l.masked {
                    if l.in_ch < n || l.out_ch < n {
                        bail!(
                            "layer {} ({} -> {} channels) cannot carry a {n}-node mask: each side needs at least {n}",
                            l.name,
                            l.in_ch,
                            l.out_ch
                        );
                    }
                    conn.kept(l.out_ch, l.in_ch)? * kk
                } else {
                    l.weights()
                };
                let (fd, fp) = (2 * l.weights() * l.positions(), 2 * kept * l.positions());
                rows.push(row(l, l.masked, l.weights() + bias, kept + bias, fd, fp));
                prev = Some(l);
            }
            Op::BatchNorm {
                affine_channels, ..
            } if *affine_channels > 0 => {
                let p = 2 * *affine_channels as u64;
                let name = prev.map_or("bn".to_string(), |l| format!("{}.bn", l.name));
                rows.push(LayerRow {
                    name,
                    kind: "batchnorm".into(),
                    in_ch: *affine_channels,
                    out_ch: *affine_channels,
                    kernel: 0,
                    out_hw: prev.map_or(0, |l| l.out_hw),
                    masked: false,
                    params_dense: p,
                    params_pruned: p,
                    flops_dense: 0,
                    flops_pruned: 0,
                });
            }
            _ => {}
        }
    }
    Ok(rows)
}

fn paper(arch: &Arch, conn: &Connectivity) -> Vec<LayerRow> {
    let (d, n) = (conn.row_len() as f64, conn.n() as f64);
    // `int(p.numel() * degree / nodes)`, per parameter tensor.
    let scaled = |numel: u64| (numel as f64 * d / n) as u64;
    let mut rows = Vec::new();
    let mut other = 0u64;
    for op in &arch.ops {
        match op {
            Op::Weight(l) => {
                let bias = if l.bias { l.out_ch as u64 } else { 0 };
                let pd = l.weights() + bias;
                let pp = scaled(l.weights()) + if l.bias { scaled(bias) } else { 0 };
                let (fd, fp) = if l.paper_conv {
                    let f = ((2 * l.in_ch as u64 * (l.kernel * l.kernel) as u64 + l.bias as u64)
                        * l.out_ch as u64
                        * l.positions()) as f64;
                    (f.round() as u64, (f * d / n).round() as u64)
                } else {
                    let f = 2 * l.weights() + bias;
                    (f, f)
                };
                rows.push(row(l, true, pd, pp, fd, fp));
            }
            Op::BatchNorm { elements, .. } => other += 2 * elements,
            Op::Relu { elements } => other += elements,
            Op::Pool {
                kernel,
                out_elements,
            } => other += (kernel * kernel) as u64 * out_elements,
        }
    }
    rows.push(LayerRow {
        name: "batchnorm+relu+pool".into(),
        kind: "other".into(),
        in_ch: 0,
        out_ch: 0,
        kernel: 0,
        out_hw: 0,
        masked: false,
        params_dense: 0,
        params_pruned: 0,
        flops_dense: other,
        flops_pruned: other,
    });
    rows
}
