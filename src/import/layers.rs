//! The weight layers of an imported network, which of them carry the graph's mask, and their
//! parameters and FLOPs dense and kept (both conventions of `rgp mask`, src/mapping/accounting.rs).
//!
//! A Conv (one group) or a linear layer (Gemm, or MatMul with a constant weight) is eligible when
//! both its input and output widths are at least n; the first weight layer and the classifier stay
//! dense by default, as in the reference code; a user may turn masking off per layer.

use super::net::Net;
use super::onnx::Imported;
use super::shapes::{Shapes, infer};
use crate::mapping::arch::{Arch, Layer, LayerKind, Op};
use crate::mapping::{Accounting, Connectivity, Convention, account};
use crate::{Result, bail};
use onnx_ir::{ArgType, Argument, DType, Node, ValueSource};
use serde::Serialize;
use std::collections::HashSet;

/// One weight layer as the file has it.
#[derive(Clone, Debug, Serialize)]
pub struct WeightLayer {
    pub name: String,
    /// `Conv` or `Linear` (a Gemm, or a MatMul by a constant).
    pub op: &'static str,
    pub weight_shape: Vec<usize>,
    /// Input channels (features) across all groups.
    pub in_ch: usize,
    pub out_ch: usize,
    pub kernel: [usize; 2],
    pub stride: [usize; 2],
    pub groups: usize,
    /// Output height and width (1 × 1 for linear layers).
    pub out_hw: [usize; 2],
    pub bias: bool,
}

/// A layer's row in the table for a graph of `n` nodes.
#[derive(Clone, Debug, Serialize)]
pub struct LayerChoice {
    #[serde(flatten)]
    pub layer: WeightLayer,
    pub eligible: bool,
    /// Why it is not eligible, or why an eligible layer stays dense.
    pub note: Option<String>,
    pub masked: bool,
}

/// The constant weight's shape, of `rank` dimensions, none of them 0.
fn weight_shape(
    net: &Imported,
    node: &str,
    a: Option<&Argument>,
    rank: usize,
) -> Result<Vec<usize>> {
    let Some(shape) = a.and_then(|a| net.constant_shape(a)) else {
        bail!(
            "layer '{node}' has no constant weight (RGP Studio prunes weights stored in the file)"
        );
    };
    if shape.len() != rank || shape.contains(&0) {
        bail!(
            "layer '{node}' has a weight of shape {shape:?}; expected {rank} non-zero dimensions"
        );
    }
    Ok(shape)
}

/// Output [h, w] of a convolution.
fn spatial(shapes: &Shapes, node: &str, out: &Argument) -> Result<[usize; 2]> {
    match shapes.get(&out.name).map(Vec::as_slice) {
        Some([_, h, w]) => Ok([*h, *w]),
        _ => bail!(
            "the output size of layer '{node}' is not known (give the model input a fixed height and width)"
        ),
    }
}

impl WeightLayer {
    /// A linear layer of `inp` → `out` features whose weight is stored as `weight_shape`.
    pub fn linear(
        name: &str,
        weight_shape: Vec<usize>,
        inp: usize,
        out: usize,
        bias: bool,
    ) -> Self {
        WeightLayer {
            name: name.into(),
            op: "Linear",
            in_ch: inp,
            out_ch: out,
            kernel: [1, 1],
            stride: [1, 1],
            groups: 1,
            out_hw: [1, 1],
            bias,
            weight_shape,
        }
    }
}

fn linear(name: &str, w: Vec<usize>, transposed: bool, inputs: &[Argument]) -> WeightLayer {
    let (inp, out) = if transposed {
        (w[1], w[0])
    } else {
        (w[0], w[1])
    };
    let bias = inputs.len() > 2 && !inputs[2].is_optional();
    WeightLayer::linear(name, w, inp, out, bias)
}

/// The weight layers in the order of the file's nodes.
pub fn weight_layers(net: &Imported) -> Result<Vec<WeightLayer>> {
    let shapes = infer(net)?;
    let mut layers = Vec::new();
    for node in &net.graph.nodes {
        match node {
            Node::Conv2d(c) => {
                let w = weight_shape(net, &c.name, c.inputs.get(1), 4)?;
                let groups = c.config.groups.max(1);
                layers.push(WeightLayer {
                    name: c.name.clone(),
                    op: "Conv",
                    in_ch: w[1] * groups,
                    out_ch: w[0],
                    kernel: c.config.kernel_size,
                    stride: c.config.stride,
                    groups,
                    out_hw: spatial(&shapes, &c.name, &c.outputs[0])?,
                    bias: c.inputs.len() > 2 && !c.inputs[2].is_optional(),
                    weight_shape: w,
                });
            }
            Node::Linear(l) => {
                let w = weight_shape(net, &l.name, l.inputs.get(1), 2)?;
                layers.push(linear(&l.name, w, l.config.transpose_weight, &l.inputs));
            }
            Node::Gemm(g)
                if g.inputs
                    .get(1)
                    .is_some_and(|a| net.constant_shape(a).is_some()) =>
            {
                if g.config.trans_a != 0 {
                    bail!(
                        "layer '{}' (Gemm) transposes its input; RGP Studio reads Gemm with transA = 0",
                        g.name
                    );
                }
                let w = weight_shape(net, &g.name, g.inputs.get(1), 2)?;
                layers.push(linear(&g.name, w, g.config.trans_b != 0, &g.inputs));
            }
            Node::MatMul(m)
                if m.inputs
                    .get(1)
                    .is_some_and(|a| net.constant_shape(a).is_some()) =>
            {
                let w = weight_shape(net, &m.name, m.inputs.get(1), 2)?;
                layers.push(linear(&m.name, w, false, &m.inputs));
            }
            Node::MatMul(m) => bail!(
                "node '{}' (MatMul) multiplies two computed values; RGP Studio prunes MatMul only by a constant weight",
                m.name
            ),
            Node::Gemm(g) => bail!(
                "node '{}' (Gemm) has no constant weight; RGP Studio prunes weights stored in the file",
                g.name
            ),
            _ => {}
        }
    }
    if layers.is_empty() {
        bail!("the network has no Conv, Gemm or MatMul layer to prune");
    }
    Ok(layers)
}

/// Which layers carry an `n`-node mask: eligible ones but the first and the classifier, less the
/// layers named in `keep_dense`.
pub fn choose(layers: &[WeightLayer], n: usize, keep_dense: &[String]) -> Result<Vec<LayerChoice>> {
    if let Some(bad) = keep_dense
        .iter()
        .find(|k| !layers.iter().any(|l| &l.name == *k))
    {
        let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        bail!(
            "no weight layer is named '{bad}' (the layers: {})",
            names.join(", ")
        );
    }
    let last = layers.len() - 1;
    Ok(layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let why = if l.groups > 1 {
                Some(format!("grouped conv ({} groups) is kept dense", l.groups))
            } else if l.in_ch < n || l.out_ch < n {
                Some(format!(
                    "{} → {} is narrower than the graph's {n} nodes",
                    l.in_ch, l.out_ch
                ))
            } else {
                None
            };
            let eligible = why.is_none();
            let note = why.or_else(|| {
                if i == 0 {
                    Some("first layer: dense by default".into())
                } else if i == last {
                    Some("classifier: dense by default".into())
                } else if keep_dense.contains(&l.name) {
                    Some("dense by choice".into())
                } else {
                    None
                }
            });
            LayerChoice {
                layer: l.clone(),
                eligible,
                masked: eligible && note.is_none(),
                note,
            }
        })
        .collect())
}

fn elements(shapes: &Shapes, a: &Argument) -> u64 {
    shapes
        .get(&a.name)
        .map_or(0, |s| s.iter().map(|&d| d as u64).product())
}

pub(super) fn weight_op(r: &LayerChoice) -> Result<Op> {
    let l = &r.layer;
    if l.kernel[0] != l.kernel[1] || l.out_hw[0] != l.out_hw[1] {
        bail!(
            "layer '{}' has a {}×{} kernel or a {}×{} output; the accounting counts square ones only",
            l.name,
            l.kernel[0],
            l.kernel[1],
            l.out_hw[0],
            l.out_hw[1]
        );
    }
    Ok(Op::Weight(Layer {
        name: l.name.clone(),
        kind: if l.op == "Conv" {
            LayerKind::Conv
        } else {
            LayerKind::Linear
        },
        // Per group: what one output channel reads.
        in_ch: (l.in_ch / l.groups) as u32,
        out_ch: l.out_ch as u32,
        kernel: l.kernel[0] as u32,
        stride: l.stride[0] as u32,
        out_hw: l.out_hw[0] as u32,
        bias: l.bias,
        masked: r.masked,
        paper_conv: l.op == "Conv",
    }))
}

/// The masked network as the accounting sees it: weight layers (square kernels and outputs) and
/// the BatchNorm, ReLU and max-pooling work the paper convention counts, in the file's order.
pub fn arch(net: &Imported, name: &str, rows: &[LayerChoice]) -> Result<Arch> {
    let shapes = infer(net)?;
    let mut ops = Vec::new();
    let mut next = rows.iter();
    for node in &net.graph.nodes {
        match node {
            Node::Conv2d(_) | Node::Linear(_) | Node::Gemm(_) | Node::MatMul(_) => {
                ops.push(weight_op(next.next().expect("one row per weight layer"))?)
            }
            Node::BatchNormalization(b) => ops.push(Op::BatchNorm {
                elements: elements(&shapes, &b.outputs[0]),
                affine_channels: b
                    .inputs
                    .get(1)
                    .and_then(|a| a.value())
                    .map_or(0, |v| v.num_elements() as u32),
            }),
            Node::Relu(r) => ops.push(Op::Relu {
                elements: elements(&shapes, &r.outputs[0]),
            }),
            Node::MaxPool2d(p) => ops.push(Op::Pool {
                kernel: p.config.kernel_size[0] as u32,
                out_elements: elements(&shapes, &p.outputs[0]),
            }),
            _ => {}
        }
    }
    Ok(Arch {
        name: name.into(),
        ops,
    })
}

/// Float values the nodes read as constants, each counted once: the weights ONNX Runtime holds
/// once it has folded constant chains (a `ConstantOfShape` weight counts as its shape says).
pub fn params(net: &Imported) -> u64 {
    let mut seen = HashSet::new();
    let mut total = 0;
    for node in net
        .graph
        .nodes
        .iter()
        .filter(|n| !matches!(n, Node::Constant(_)))
    {
        for a in node.inputs() {
            let float = matches!(&a.ty, ArgType::Tensor(t) if matches!(t.dtype, DType::F32 | DType::F16 | DType::BF16 | DType::F64));
            // A value embedded in the node has no name: its data id says which it is.
            let key = match a.value_source {
                ValueSource::Static(id) => format!("#{id}"),
                _ => a.name.clone(),
            };
            if float && seen.insert(key) {
                total += net
                    .constant_shape(a)
                    .map_or(0, |s| s.iter().map(|&d| d as u64).product::<u64>());
            }
        }
    }
    total
}

/// The table `rgp inspect` and `rgp mask --onnx` print.
#[derive(Serialize)]
pub struct Table {
    pub opset: i64,
    pub file_nodes: usize,
    /// Constant float values (weights, biases, BatchNorm's four per channel), as ONNX Runtime
    /// holds them.
    pub params: u64,
    pub layers: Vec<LayerChoice>,
    pub accounting: Accounting,
}

/// The layer table of `net` under `conn`.
pub fn table(
    net: &Imported,
    name: &str,
    conn: &Connectivity,
    keep_dense: &[String],
    convention: Convention,
) -> Result<Table> {
    let layers = choose(&weight_layers(net)?, conn.n() as usize, keep_dense)?;
    let accounting = account(&arch(net, name, &layers)?, conn, convention)?;
    Ok(Table {
        opset: net.opset,
        file_nodes: net.file_nodes,
        params: params(net),
        layers,
        accounting,
    })
}

/// The layer table of `file` for `conn` (less `keep_dense`) and one mask per weight step of
/// `net`, the network lowered from `file`: `conn` where the table marks the layer masked.
pub fn masks<'a>(
    file: &Imported,
    net: &Net,
    conn: &'a Connectivity,
    keep_dense: &[String],
) -> Result<(Vec<LayerChoice>, Vec<Option<&'a Connectivity>>)> {
    let rows = choose(&weight_layers(file)?, conn.n() as usize, keep_dense)?;
    let masks = net
        .weight_steps()
        .map(
            |(_, s)| match rows.iter().find(|r| r.layer.name == s.name) {
                Some(r) => Ok(r.masked.then_some(conn)),
                None => bail!("layer '{}' is missing from the layer table", s.name),
            },
        )
        .collect::<Result<_>>()?;
    Ok((rows, masks))
}
