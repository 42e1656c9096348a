//! Each value's size (batch left out) through the supported ops, from the input's fixed sizes:
//! `onnx-ir` leaves some unknown (after a Concat, a Reshape), and the layer table needs every
//! convolution's output height and width.

use super::net::count;
use super::onnx::Imported;
use crate::{Result, bail};
use onnx_ir::node::conv2d::Conv2dConfig;
use onnx_ir::node::reduce::{ReduceAxes, ReduceConfig};
use onnx_ir::node::reshape::ReshapeInput;
use onnx_ir::padding::{AutoPad, PaddingConfig2d};
use onnx_ir::{ArgType, Argument, Node};
use std::collections::HashMap;

/// Sizes by value name, batch dimension left out.
pub type Shapes = HashMap<String, Vec<usize>>;

fn known(a: &Argument) -> Option<Vec<usize>> {
    match &a.ty {
        // The batch dimension may be symbolic; every other one must be fixed.
        ArgType::Tensor(t) => t.static_shape.as_ref()?.get(1..)?.iter().copied().collect(),
        _ => None,
    }
}

/// Output length of a window of `k` (dilation `d`) sliding by `s` over `n` padded by `pad`.
pub(super) fn window(
    n: usize,
    k: usize,
    s: usize,
    d: usize,
    pad: usize,
    auto: &AutoPad,
    ceil: bool,
) -> usize {
    let s = s.max(1);
    match auto {
        AutoPad::SameUpper | AutoPad::SameLower => n.div_ceil(s),
        _ => {
            let span = d.max(1).saturating_mul(k.max(1) - 1).saturating_add(1);
            let room = n.saturating_add(pad).saturating_sub(span);
            if ceil {
                room.div_ceil(s) + 1
            } else {
                room / s + 1
            }
        }
    }
}

fn pads(p: &PaddingConfig2d) -> [usize; 2] {
    match p {
        PaddingConfig2d::Valid => [0, 0],
        PaddingConfig2d::Explicit(t, l, b, r) => [t.saturating_add(*b), l.saturating_add(*r)],
    }
}

/// A sliding window: kernel, stride, dilation, padding, and whether a partial window counts.
pub(super) struct Window<'a> {
    pub k: [usize; 2],
    pub s: [usize; 2],
    pub d: [usize; 2],
    pub pad: &'a PaddingConfig2d,
    pub auto: &'a AutoPad,
    pub ceil: bool,
}

/// The window of a convolution.
pub(super) fn conv_window(cfg: &Conv2dConfig) -> Window<'_> {
    Window {
        k: cfg.kernel_size,
        s: cfg.stride,
        d: cfg.dilation,
        pad: &cfg.padding,
        auto: &cfg.auto_pad,
        ceil: false,
    }
}

/// The sizes after window `w` over `input` ([C, H, W]) with `c_out` channels.
fn windowed(name: &str, input: &[usize], c_out: usize, w: Window) -> Result<Vec<usize>> {
    let [_, h, wd] = input else {
        bail!(
            "layer '{name}' reads a value of {} dimensions; expected channels, height, width",
            input.len()
        );
    };
    let [ph, pw] = pads(w.pad);
    Ok(vec![
        c_out,
        window(*h, w.k[0], w.s[0], w.d[0], ph, w.auto, w.ceil),
        window(*wd, w.k[1], w.s[1], w.d[1], pw, w.auto, w.ceil),
    ])
}

/// The window of a pooling config (max and average pooling have the same fields, two types).
macro_rules! pool_window {
    ($c:expr) => {
        $crate::import::shapes::Window {
            k: $c.kernel_size,
            s: $c.strides,
            d: $c.dilation,
            pad: &$c.padding,
            auto: &$c.auto_pad,
            ceil: $c.ceil_mode,
        }
    };
}
pub(super) use pool_window;

/// A pooling's output: its input's channels over the window.
fn pooled(name: &str, first: Option<&Vec<usize>>, w: Window) -> Result<Option<Vec<usize>>> {
    first.map(|x| windowed(name, x, x[0], w)).transpose()
}

/// The input's batch when the file fixes it (ResNet-50's exports name batch 1).
pub(super) fn batch(net: &Imported) -> Option<usize> {
    net.graph
        .inputs
        .first()?
        .ty
        .static_shape()?
        .first()
        .copied()
        .flatten()
}

/// All of `x` as one vector.
fn flat(x: &[usize]) -> Option<Vec<usize>> {
    count(x).map(|n| vec![n])
}

/// Whether a reduction runs over height and width of an [N, C, H, W] value, and only those.
pub(super) fn global_axes(c: &ReduceConfig) -> bool {
    matches!(&c.axes, ReduceAxes::Static(a) if a.len() == 2 && a.contains(&2) && a.contains(&3))
}

/// A global reduction's output: [C, 1, 1], or [C] without keepdims (None: not over H and W).
fn global_reduced(first: Option<&Vec<usize>>, c: &ReduceConfig) -> Option<Vec<usize>> {
    match first?.as_slice() {
        [ch, _, _] if global_axes(c) && c.keepdims => Some(vec![*ch, 1, 1]),
        [ch, _, _] if global_axes(c) => Some(vec![*ch]),
        _ => None,
    }
}

/// The sizes a Reshape to `spec` (ONNX's target shape, batch first: 0 copies the input's axis,
/// -1 takes what is left) gives `input` (batch left out), when it keeps the batch and the count of
/// values: the batch axis is 0, -1 or the file's fixed `batch`. None for any other reshape.
pub(super) fn reshaped(input: &[usize], spec: &[i64], batch: Option<usize>) -> Option<Vec<usize>> {
    let (&b, rest) = spec.split_first()?;
    if !(b == 0 || b == -1 || usize::try_from(b).ok() == batch) || rest.is_empty() {
        return None;
    }
    let total = count(input)?;
    let mut free = None;
    let mut dims = Vec::with_capacity(rest.len());
    for (i, &d) in rest.iter().enumerate() {
        dims.push(match d {
            0 => *input.get(i)?,
            -1 if free.is_none() && b != -1 => {
                free = Some(i);
                1
            }
            d => usize::try_from(d).ok().filter(|&d| d > 0)?,
        });
    }
    let known = count(&dims)?;
    if let Some(i) = free {
        (known > 0 && total % known == 0).then(|| dims[i] = total / known)?;
    }
    (count(&dims) == Some(total)).then_some(dims)
}

/// The size of `node`'s output from its inputs' sizes (None: not a tensor we follow).
fn output(net: &Imported, node: &Node, shapes: &Shapes) -> Result<Option<Vec<usize>>> {
    let ins = node.inputs();
    let weight = || ins.get(1).and_then(|a| net.constant_shape(a));
    let first = ins.first().and_then(|a| shapes.get(&a.name)).cloned();
    Ok(match node {
        Node::Constant(_)
        | Node::ConstantOfShape(_)
        | Node::Shape(_)
        | Node::Gather(_)
        | Node::Unsqueeze(_) => None,
        Node::Conv2d(c) => {
            let w = weight().and_then(|s| s.first().copied());
            match (&first, w) {
                (Some(x), Some(co)) => Some(windowed(&c.name, x, co, conv_window(&c.config))?),
                _ => None,
            }
        }
        Node::MaxPool2d(p) => pooled(&p.name, first.as_ref(), pool_window!(p.config))?,
        Node::AveragePool2d(p) => pooled(&p.name, first.as_ref(), pool_window!(p.config))?,
        Node::GlobalAveragePool(_) | Node::GlobalMaxPool(_) => first
            .as_ref()
            .and_then(|x| x.first())
            .map(|&c| vec![c, 1, 1]),
        Node::ReduceMax(r) => global_reduced(first.as_ref(), &r.config),
        Node::ReduceMean(r) => global_reduced(first.as_ref(), &r.config),
        Node::Concat(c) => {
            let parts: Option<Vec<Vec<usize>>> =
                ins.iter().map(|a| shapes.get(&a.name).cloned()).collect();
            parts.and_then(|p| {
                let axis = c.config.axis.checked_sub(1)?;
                let mut s = p.first()?.clone();
                *s.get_mut(axis)? = p
                    .iter()
                    .try_fold(0usize, |acc, q| acc.checked_add(*q.get(axis)?))?;
                Some(s)
            })
        }
        // A Reshape to an image keeps its sizes; any other is read as a flatten (lower refuses
        // what is neither).
        Node::Reshape(r) => match (&r.config.shape, first.as_ref()) {
            (ReshapeInput::Static(s), Some(x)) => reshaped(x, s, batch(net))
                .filter(|to| to.len() == 3)
                .or_else(|| flat(x)),
            (_, x) => x.and_then(|x| flat(x)),
        },
        Node::Flatten(_) => first.as_ref().and_then(|x| flat(x)),
        // Weights are [out, in] when transposed, else [in, out] (checked as 2-d by the layer table).
        Node::Gemm(g) => {
            weight().and_then(|s| s.get(usize::from(g.config.trans_b == 0)).map(|&d| vec![d]))
        }
        Node::Linear(l) => weight().and_then(|s| {
            s.get(usize::from(!l.config.transpose_weight))
                .map(|&d| vec![d])
        }),
        Node::MatMul(_) => weight().and_then(|s| s.last().map(|&d| vec![d])),
        // Element-wise ops (activations, BatchNorm, Dropout, Identity, Softmax, Add, Sum): the
        // widest input's size.
        _ => ins
            .iter()
            .filter_map(|a| shapes.get(&a.name))
            .max_by_key(|s| s.len())
            .cloned(),
    })
}

/// Every dynamic value's size, in the graph's order.
pub fn infer(net: &Imported) -> Result<Shapes> {
    let mut shapes = Shapes::new();
    for i in &net.graph.inputs {
        let Some(s) = known(i) else {
            bail!(
                "the model input '{}' has no fixed size (export it with fixed channels, height and width)",
                i.name
            );
        };
        shapes.insert(i.name.clone(), s);
    }
    for node in &net.graph.nodes {
        let out = output(net, node, &shapes)?;
        if let Some(o) = node.outputs().first()
            && let Some(s) = out.or_else(|| known(o))
        {
            shapes.insert(o.name.clone(), s);
        }
    }
    Ok(shapes)
}
