//! `rgp inspect` of the project's own model files: the layer table an ONNX file gets
//! (src/import/layers.rs), here read from what the file holds — a saved imported network's steps,
//! or a built-in network's architecture — with the file's own masks and graph.

use super::layers::{LayerChoice, WeightLayer, choose, weight_op};
use super::net::{Net, Op};
use super::saved::SavedNet;
use crate::mapping::arch::{self, Arch};
use crate::mapping::{Accounting, Connectivity, Convention, LayerKind, account};
use crate::model_file::{FORMAT, IMPORTED_FORMAT, ModelFile};
use crate::{Result, bail};
use serde::Serialize;

/// The table of one model file.
#[derive(Serialize)]
pub struct FileTable {
    /// The file's own `format`: a built-in network's or a saved imported one's.
    pub format: &'static str,
    /// Float values stored (weights, biases, BatchNorm's four per channel; masks left out).
    pub params: u64,
    /// Weights the masks keep, counted from the stored masks themselves.
    pub kept_weights: u64,
    pub layers: Vec<LayerChoice>,
    /// Dense and kept counts under the file's graph; absent when masks are stored without a
    /// graph (pruned by other means than a graph, e.g. by magnitude).
    pub accounting: Option<Accounting>,
}

/// What a file without a graph (nothing masked) is tabled against: the graph the flags give.
pub struct Fallback<'a> {
    pub conn: &'a Connectivity,
    pub convention: Convention,
}

/// Marks a row as the file stores it: masked or not, whatever the default choice was.
fn as_stored(mut r: LayerChoice, masked: bool) -> LayerChoice {
    r.masked = masked;
    if masked {
        r.note = None;
    } else if r.note.is_none() {
        r.note = Some("dense in this file".into());
    }
    r
}

/// Rows for `layers` under `conn`, each masked as `masked` says.
fn rows(layers: &[WeightLayer], conn: &Connectivity, masked: &[bool]) -> Result<Vec<LayerChoice>> {
    if masked.len() != layers.len() {
        bail!(
            "the file marks {} layers masked or dense; the network has {}",
            masked.len(),
            layers.len()
        );
    }
    Ok(choose(layers, conn.n() as usize, &[])?
        .into_iter()
        .zip(masked)
        .map(|(r, &m)| as_stored(r, m))
        .collect())
}

fn len(shape: &[usize]) -> u64 {
    shape.iter().map(|&d| d as u64).product()
}

/// Weights a graph-masked layer of weight shape `[out, in, …]` keeps.
fn kept_weights(conn: &Connectivity, shape: &[usize]) -> Result<u64> {
    Ok(conn.kept(shape[0] as u32, shape[1] as u32)? * len(&shape[2..]))
}

/// A saved imported network's weight steps as the table's layers (weights in `[out, in]` order).
fn step_layers(net: &Net) -> Result<Vec<WeightLayer>> {
    net.weight_steps()
        .map(|(_, s)| {
            let out_hw = match net.shapes.get(s.output).map(Vec::as_slice) {
                Some(&[_, h, w]) => [h, w],
                _ => [1, 1],
            };
            Ok(match &s.op {
                Op::Conv {
                    weight,
                    bias,
                    stride,
                    groups,
                    ..
                } => {
                    let &[out, inp, kh, kw] = weight.shape.as_slice() else {
                        bail!("Conv '{}' has a weight of shape {:?}", s.name, weight.shape);
                    };
                    WeightLayer {
                        name: s.name.clone(),
                        op: "Conv",
                        weight_shape: weight.shape.clone(),
                        in_ch: inp * groups,
                        out_ch: out,
                        kernel: [kh, kw],
                        stride: *stride,
                        groups: *groups,
                        out_hw,
                        bias: bias.is_some(),
                    }
                }
                Op::Linear { weight, bias } => {
                    let &[out, inp] = weight.shape.as_slice() else {
                        bail!(
                            "Linear '{}' has a weight of shape {:?}",
                            s.name,
                            weight.shape
                        );
                    };
                    WeightLayer::linear(&s.name, weight.shape.clone(), inp, out, bias.is_some())
                }
                _ => unreachable!("weight_steps yields Conv and Linear steps only"),
            })
        })
        .collect()
}

/// The accounting's view of a saved network: its weight layers and the BatchNorm, ReLU and
/// max-pooling work the paper convention counts, in step order (as `layers::arch` reads a file).
fn step_arch(net: &Net, rows: &[LayerChoice]) -> Result<Arch> {
    let elements = |v: usize| net.shapes.get(v).map_or(0, |s| len(s));
    let mut next = rows.iter();
    let mut ops = Vec::new();
    for s in &net.steps {
        ops.push(match &s.op {
            Op::Conv { .. } | Op::Linear { .. } => {
                weight_op(next.next().expect("one row per weight step"))?
            }
            Op::BatchNorm { scale, .. } => arch::Op::BatchNorm {
                elements: elements(s.output),
                affine_channels: scale.len() as u32,
            },
            Op::Relu => arch::Op::Relu {
                elements: elements(s.output),
            },
            Op::MaxPool { kernel, .. } => arch::Op::Pool {
                kernel: kernel[0] as u32,
                out_elements: elements(s.output),
            },
            _ => continue,
        });
    }
    Ok(Arch {
        name: IMPORTED_FORMAT.into(),
        ops,
    })
}

/// The table of a saved imported network (`rgp train --init-from NET.onnx --save OUT.safetensors`).
pub fn saved_table(s: &SavedNet, fallback: Fallback) -> Result<FileTable> {
    let conn = s.conn.as_ref().unwrap_or(fallback.conn);
    let layers = rows(&step_layers(&s.net)?, conn, &s.masked)?;
    let accounting = account(&step_arch(&s.net, &layers)?, conn, fallback.convention)?;
    let (mut params, mut kept) = (0, 0);
    let mut masked = s.masked.iter();
    for st in &s.net.steps {
        match &st.op {
            Op::Conv { weight, bias, .. } | Op::Linear { weight, bias } => {
                let w = weight.len() as u64;
                params += w + bias.as_ref().map_or(0, |b| b.len() as u64);
                kept += if masked.next() == Some(&true) {
                    kept_weights(conn, &weight.shape)?
                } else {
                    w
                };
            }
            Op::BatchNorm { scale, .. } => params += 4 * scale.len() as u64,
            _ => {}
        }
    }
    Ok(FileTable {
        format: IMPORTED_FORMAT,
        params,
        kept_weights: kept,
        layers,
        accounting: Some(accounting),
    })
}

/// The table of a built-in network's model file (MLP or CNN, dense or packed, as decoded): its
/// layers named and masked as the file stores them.
pub fn model_table(f: &ModelFile, fallback: Fallback) -> Result<FileTable> {
    let mut net = f.meta.arch.arch()?;
    let conn = match &f.neighbors {
        Some(rows) => Some(Connectivity::from_rows(rows.clone())?),
        None => None,
    };
    let table_conn = conn.as_ref().unwrap_or(fallback.conn);
    let masked: Vec<bool> = f.layers.iter().map(|l| l.mask.is_some()).collect();
    let weights = net.ops.iter_mut().filter_map(|o| match o {
        arch::Op::Weight(l) => Some(l),
        _ => None,
    });
    let mut layers = Vec::new();
    for ((l, stored), &m) in weights.zip(&f.layers).zip(&masked) {
        // The accounting counts what the file stores, not the default placement of masks.
        l.masked = m;
        let k = l.kernel as usize;
        let (op, weight_shape) = match l.kind {
            LayerKind::Conv => ("Conv", vec![l.out_ch as usize, l.in_ch as usize, k, k]),
            LayerKind::Linear => ("Linear", vec![l.out_ch as usize, l.in_ch as usize]),
        };
        layers.push(WeightLayer {
            name: stored.name.clone(),
            op,
            weight_shape,
            in_ch: l.in_ch as usize,
            out_ch: l.out_ch as usize,
            kernel: [k, k],
            stride: [l.stride as usize; 2],
            groups: 1,
            out_hw: [l.out_hw as usize; 2],
            bias: l.bias,
        });
    }
    let rows = rows(&layers, table_conn, &masked)?;
    // Masks without a graph came from elsewhere: the graph's counts would not describe them.
    let accounting = if masked.contains(&true) && conn.is_none() {
        None
    } else {
        Some(account(&net, table_conn, fallback.convention)?)
    };
    let size = |v: &Vec<f32>| v.len() as u64;
    let params = f
        .layers
        .iter()
        .map(|l| size(&l.weight) + l.bias.as_ref().map_or(0, size))
        .chain(f.norms.iter().map(|n| 4 * size(&n.weight)))
        .sum();
    Ok(FileTable {
        format: FORMAT,
        params,
        kept_weights: f.kept_weights() as u64,
        layers: rows,
        accounting,
    })
}

#[cfg(test)]
#[path = "file_table_tests.rs"]
mod tests;
