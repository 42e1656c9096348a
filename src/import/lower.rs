//! From the parsed ONNX graph to our [`Net`]: every node of the supported set becomes one step
//! (or none: Identity and Dropout pass their input on, constants are read by the nodes that use
//! them), weights are read as f32, and anything the steps cannot express exactly is refused in one
//! line naming the node.

use super::lower_values::{floats, linear_weight, optional_floats, pads};
use super::net::{Net, Op, Step};
use super::onnx::Imported;
use super::shapes::{batch, conv_window, global_axes, infer, pool_window, reshaped};
use crate::{Error, Result, bail};
use onnx_ir::node::batch_norm::BatchNormConfig;
use onnx_ir::node::reduce::ReduceConfig;
use onnx_ir::node::reshape::ReshapeInput;
use onnx_ir::{Argument, Node};
use std::collections::HashMap;

/// Values by name while the steps are built.
struct Lowering<'a> {
    net: &'a Imported,
    ids: HashMap<String, usize>,
    shapes: Vec<Vec<usize>>,
    sizes: super::shapes::Shapes,
    steps: Vec<Step>,
}

impl Lowering<'_> {
    /// The value a node reads: known by name (a computed value), else refused.
    fn value(&self, node: &str, a: &Argument) -> Result<usize> {
        self.ids.get(&a.name).copied().ok_or_else(|| {
            Error::new(format!(
                "node '{node}' reads '{}', which is neither the input nor computed before it",
                a.name
            ))
        })
    }

    /// The node's computed inputs (constants left out).
    fn computed(&self, node: &Node) -> Result<Vec<usize>> {
        node.inputs()
            .iter()
            .filter(|a| a.value().is_none() && self.net.constant_shape(a).is_none())
            .filter(|a| !a.is_optional())
            .map(|a| self.value(node.name(), a))
            .collect()
    }

    fn size(&self, a: &Argument) -> Vec<usize> {
        self.sizes.get(&a.name).cloned().unwrap_or_default()
    }

    fn push(&mut self, node: &Node, op: Op, inputs: Vec<usize>) {
        let out = &node.outputs()[0];
        let id = self.shapes.len();
        // A Softmax keeps its (flattened) input's size.
        let size = match op {
            Op::Softmax => self.shapes[inputs[0]].clone(),
            _ => self.size(out),
        };
        self.shapes.push(size);
        self.ids.insert(out.name.clone(), id);
        self.steps.push(Step {
            name: node.name().to_string(),
            op,
            inputs,
            output: id,
        });
    }

    /// A Flatten step of `from` before `node` (named after it); returns the new value.
    fn flatten(&mut self, node: &Node, from: usize) -> usize {
        let id = self.shapes.len();
        self.shapes.push(vec![self.shapes[from].iter().product()]);
        self.steps.push(Step {
            name: format!("{}_flatten", node.name()),
            op: Op::Flatten,
            inputs: vec![from],
            output: id,
        });
        id
    }

    /// A step whose result `node`'s output holds flattened (a reduction without keepdims): the
    /// step writes [C, 1, 1] and a Flatten after it gives [C].
    fn push_flat(&mut self, node: &Node, op: Op, inputs: Vec<usize>) {
        let id = self.shapes.len();
        let c = self.shapes[inputs[0]].first().copied().unwrap_or(0);
        self.shapes.push(vec![c, 1, 1]);
        self.steps.push(Step {
            name: node.name().to_string(),
            op,
            inputs,
            output: id,
        });
        let flat = self.flatten(node, id);
        self.ids.insert(node.outputs()[0].name.clone(), flat);
    }

    /// The input's [h, w] (for `same` padding).
    fn hw(&self, node: &Node) -> [usize; 2] {
        match self.size(&node.inputs()[0]).as_slice() {
            [_, h, w] => [*h, *w],
            _ => [0, 0],
        }
    }

    fn single(&self, node: &Node) -> Result<Vec<usize>> {
        let ins = self.computed(node)?;
        if ins.len() != 1 {
            bail!(
                "node '{}' ({}) reads {} computed values; expected one",
                node.name(),
                kind(node),
                ins.len()
            );
        }
        Ok(ins)
    }
}

/// The op's name for messages.
fn kind(node: &Node) -> String {
    node.node_type().to_string()
}

/// The step `node` becomes (None: a pass-through or a constant).
fn op(l: &Lowering, node: &Node) -> Result<Option<Op>> {
    let net = l.net;
    Ok(Some(match node {
        Node::Conv2d(c) => conv(l, node, c)?,
        Node::Linear(n) => Op::Linear {
            weight: linear_weight(
                &n.name,
                floats(net, &n.name, n.inputs.get(1))?,
                n.config.transpose_weight,
                1.0,
            )?,
            bias: optional_floats(net, &n.name, n.inputs.get(2))?,
        },
        Node::MatMul(m) => Op::Linear {
            weight: linear_weight(&m.name, floats(net, &m.name, m.inputs.get(1))?, false, 1.0)?,
            bias: None,
        },
        Node::Gemm(g) => gemm(l, g)?,
        Node::BatchNormalization(b) => {
            let epsilon = match &b.config {
                BatchNormConfig::Static(c) => c.epsilon,
                BatchNormConfig::Runtime(c) => c.epsilon,
            } as f32;
            let part = |i: usize| floats(net, &b.name, b.inputs.get(i)).map(|t| t.data);
            Op::BatchNorm {
                scale: part(1)?,
                bias: part(2)?,
                mean: part(3)?,
                var: part(4)?,
                epsilon,
            }
        }
        Node::Relu(_) => Op::Relu,
        Node::LeakyRelu(r) => Op::LeakyRelu {
            alpha: r.config.alpha as f32,
        },
        Node::Sigmoid(_) => Op::Sigmoid,
        Node::Tanh(_) => Op::Tanh,
        Node::MaxPool2d(p) => max_pool(l, node, p),
        Node::AveragePool2d(p) => avg_pool(l, node, p)?,
        Node::GlobalAveragePool(_) => Op::GlobalAvgPool,
        Node::GlobalMaxPool(_) => Op::GlobalMaxPool,
        Node::ReduceMax(r) => global_reduce(l, node, &r.config, Op::GlobalMaxPool)?,
        Node::ReduceMean(r) => global_reduce(l, node, &r.config, Op::GlobalAvgPool)?,
        Node::Add(_) | Node::Sum(_) => Op::Add,
        Node::Concat(c) => {
            if c.config.axis != 1 {
                bail!(
                    "node '{}' (Concat) joins along axis {}; RGP Studio joins channels (axis 1)",
                    c.name,
                    c.config.axis
                );
            }
            Op::Concat
        }
        Node::Flatten(f) => {
            if f.config.axis != 1 {
                bail!(
                    "node '{}' (Flatten) flattens from axis {}; RGP Studio reads Flatten from axis 1",
                    f.name,
                    f.config.axis
                );
            }
            Op::Flatten
        }
        Node::Reshape(r) => reshape(l, r)?,
        Node::Softmax(s) => {
            // Axes count the batch; the sizes leave it out. Before opset 13 Softmax flattens
            // every axis from `axis` on (axis 1: all classes, whatever the rank); from 13 it is over
            // one axis, which holds all classes when the others are 1 ([N, 1000, 1, 1]).
            let size = l.size(&s.inputs[0]);
            let over_all = if net.opset < 13 {
                s.config.axis == 1
            } else {
                let wide: Vec<usize> = (1..=size.len()).filter(|&a| size[a - 1] != 1).collect();
                wide.is_empty() && s.config.axis == size.len() || wide == [s.config.axis]
            };
            if !over_all || s.config.axis == 0 {
                bail!(
                    "node '{}' (Softmax) is not over the classes; RGP Studio reads Softmax over all but the batch axis",
                    s.name
                );
            }
            Op::Softmax
        }
        Node::Identity(_) | Node::Dropout(_) => return Ok(None),
        Node::Constant(_)
        | Node::ConstantOfShape(_)
        | Node::Shape(_)
        | Node::Gather(_)
        | Node::Unsqueeze(_) => return Ok(None),
        other => bail!(
            "node '{}' ({}) is outside what RGP Studio runs",
            other.name(),
            kind(other)
        ),
    }))
}

/// A ReduceMax or ReduceMean over height and width: global pooling (`pool`); other axes refused.
fn global_reduce(l: &Lowering, node: &Node, c: &ReduceConfig, pool: Op) -> Result<Op> {
    let image = l.size(&node.inputs()[0]).len() == 3;
    if !image || !global_axes(c) {
        bail!(
            "node '{}' ({}) reduces other axes than height and width; RGP Studio reads it over axes 2 and 3 of an image",
            node.name(),
            kind(node)
        );
    }
    Ok(pool)
}

/// Whether `node` is a reduction that drops the axes it reduces (keepdims 0).
fn drops_dims(node: &Node) -> bool {
    match node {
        Node::ReduceMax(r) => !r.config.keepdims,
        Node::ReduceMean(r) => !r.config.keepdims,
        _ => false,
    }
}

fn conv(l: &Lowering, node: &Node, c: &onnx_ir::node::conv2d::Conv2dNode) -> Result<Op> {
    let cfg = &c.config;
    Ok(Op::Conv {
        weight: floats(l.net, &c.name, c.inputs.get(1))?,
        bias: optional_floats(l.net, &c.name, c.inputs.get(2))?,
        stride: cfg.stride,
        pads: pads(&conv_window(cfg), l.hw(node)),
        dilation: cfg.dilation,
        groups: cfg.groups.max(1),
    })
}

fn max_pool(l: &Lowering, node: &Node, p: &onnx_ir::node::max_pool2d::MaxPool2dNode) -> Op {
    let c = &p.config;
    Op::MaxPool {
        kernel: c.kernel_size,
        stride: c.strides,
        pads: pads(&pool_window!(c), l.hw(node)),
        dilation: c.dilation,
        ceil: c.ceil_mode,
    }
}

fn avg_pool(
    l: &Lowering,
    node: &Node,
    p: &onnx_ir::node::avg_pool2d::AveragePool2dNode,
) -> Result<Op> {
    let c = &p.config;
    if c.dilation.iter().any(|&d| d > 1) {
        bail!(
            "node '{}' (AveragePool) is dilated; RGP Studio reads undilated average pooling",
            p.name
        );
    }
    Ok(Op::AvgPool {
        kernel: c.kernel_size,
        stride: c.strides,
        pads: pads(&pool_window!(c), l.hw(node)),
        ceil: c.ceil_mode,
        count_include_pad: c.count_include_pad,
    })
}

fn gemm(l: &Lowering, g: &onnx_ir::node::gemm::GemmNode) -> Result<Op> {
    let c = &g.config;
    if c.trans_a != 0 {
        bail!(
            "layer '{}' (Gemm) transposes its input; RGP Studio reads Gemm with transA = 0",
            g.name
        );
    }
    let weight = linear_weight(
        &g.name,
        floats(l.net, &g.name, g.inputs.get(1))?,
        c.trans_b != 0,
        c.alpha,
    )?;
    let out = weight.shape[0];
    let bias = match optional_floats(l.net, &g.name, g.inputs.get(2))? {
        Some(b) if b.len() == out => Some(b.iter().map(|x| x * c.beta).collect()),
        Some(b) if b.len() == 1 => Some(vec![b[0] * c.beta; out]),
        Some(b) => bail!(
            "layer '{}' (Gemm) adds a bias of {} values to {out} outputs; RGP Studio reads a bias per output",
            g.name,
            b.len()
        ),
        None => None,
    };
    Ok(Op::Linear { weight, bias })
}

/// A Reshape that keeps the batch: to (N, -1), PyTorch's `x.view(x.size(0), -1)`, a Flatten; or to
/// (N, C, H, W), an image (a network that reads its pixels flat).
fn reshape(l: &Lowering, r: &onnx_ir::node::reshape::ReshapeNode) -> Result<Op> {
    let to = match &r.config.shape {
        // A file exported at a fixed batch (ResNet-50's [1, 2048]) names that batch.
        ReshapeInput::Static(s) => reshaped(&l.size(&r.inputs[0]), s, batch(l.net)),
        // A shape computed at run time (the batch read by Shape-Gather, then -1): a flatten when
        // the result has two dimensions.
        ReshapeInput::Runtime(_) if r.outputs[0].ty.rank() == 2 => return Ok(Op::Flatten),
        ReshapeInput::Runtime(_) => None,
    };
    match to {
        Some(to) if to.len() == 1 => Ok(Op::Flatten),
        Some(to) if to.len() == 3 => Ok(Op::Reshape { to }),
        _ => bail!(
            "node '{}' (Reshape) does not keep the batch and make a vector or an image; RGP Studio reads Reshape to (N, -1) or (N, C, H, W)",
            r.name
        ),
    }
}

/// Values all `ConstantOfShape` weights may hold together (1 GiB as f32; VGG-19's 143 M fit).
pub const MAX_FILLED: usize = 1 << 28;

/// Lowers the parsed graph of `net`.
pub fn lower(net: &Imported) -> Result<Net> {
    // Filled weights cost memory the file does not: a few bytes can ask for gigabytes.
    if net.filled_elements().is_none_or(|n| n > MAX_FILLED) {
        bail!(
            "the ONNX file's ConstantOfShape weights would hold more than {MAX_FILLED} values; RGP Studio fills at most that"
        );
    }
    let sizes = infer(net)?;
    let Some(input) = net.graph.inputs.first() else {
        bail!("the ONNX graph has no input");
    };
    if net.graph.inputs.len() > 1 {
        bail!(
            "the ONNX graph has {} inputs; RGP Studio reads networks with one input",
            net.graph.inputs.len()
        );
    }
    let mut l = Lowering {
        net,
        ids: HashMap::from([(input.name.clone(), 0)]),
        shapes: vec![sizes.get(&input.name).cloned().unwrap_or_default()],
        sizes,
        steps: Vec::new(),
    };
    for node in &net.graph.nodes {
        let Some(o) = op(&l, node)? else {
            // A pass-through: its output is its input.
            if matches!(node, Node::Identity(_) | Node::Dropout(_)) {
                let v = l.single(node)?[0];
                l.ids.insert(node.outputs()[0].name.clone(), v);
            }
            continue;
        };
        let inputs = match o {
            Op::Add | Op::Concat => {
                let ins = l.computed(node)?;
                if ins.len() != node.inputs().len() {
                    bail!(
                        "node '{}' ({}) joins a constant; RGP Studio joins computed values only",
                        node.name(),
                        kind(node)
                    );
                }
                ins
            }
            // A Softmax over [N, C, 1, 1] reads the flattened value: ours is over [N, C].
            Op::Softmax if l.shapes[l.single(node)?[0]].len() > 1 => {
                let flat = l.flatten(node, l.single(node)?[0]);
                vec![flat]
            }
            _ => l.single(node)?,
        };
        if inputs.is_empty() {
            bail!(
                "node '{}' ({}) reads no computed value",
                node.name(),
                kind(node)
            );
        }
        if drops_dims(node) {
            l.push_flat(node, o, inputs);
        } else {
            l.push(node, o, inputs);
        }
    }
    let Some(out) = net.graph.outputs.first() else {
        bail!("the ONNX graph has no output");
    };
    let output = l.value("output", out)?;
    let net = Net {
        steps: l.steps,
        output,
        shapes: l.shapes,
    };
    net.validate()?;
    Ok(net)
}
