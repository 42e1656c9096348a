//! An imported network written back as ONNX (opset 13), pruned by the graph: input `x` float32
//! `[N, ...]`, output `y`. Dense layout: every layer as it is, each masked layer's pruned weights
//! zero. Packed layout: each masked layer whose widths the graph's `n` divides multiplies only its
//! kept weights (`src/import/pack.rs`); the other masked layers stay dense with zeros.

use super::net::{Net, Op, Step};
use super::pack;
use crate::mapping::Connectivity;
use crate::model_file::Dtype;
use crate::model_file::Layout;
use crate::model_file::onnx::{
    Builder, DataType, IR_VERSION, OPSET, attr_float, attr_int, attr_ints,
};
use crate::{Error, Result, bail};
use onnx_ir::{AttributeProto, GraphProto, Message, ModelProto, TypeProto, ValueInfoProto};
use serde::Serialize;

/// What `to_onnx` wrote.
#[derive(Debug, Serialize)]
pub struct Written {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// Layers carrying the graph's mask.
    pub masked: Vec<String>,
    /// Masked layers written packed (only their kept weights).
    pub packed: Vec<String>,
    /// Masked layers the packed layout leaves dense with zeros (`n` does not divide a width).
    pub dense_with_zeros: Vec<String>,
    /// Weights (biases left out) the masks keep, over all weight layers.
    pub kept_weights: u64,
    /// Weights of the unpruned network.
    pub weights: u64,
}

/// The name of value `v` in the written graph.
fn value(net: &Net, v: usize) -> String {
    if v == 0 {
        "x".into()
    } else if v == net.output {
        "y".into()
    } else {
        format!("v{v}")
    }
}

fn i64s(v: &[usize]) -> Vec<i64> {
    v.iter().map(|&d| d as i64).collect()
}

/// The attributes of a Conv.
pub(super) fn conv_attrs(
    kernel: [usize; 2],
    stride: [usize; 2],
    pads: [usize; 4],
    dilation: [usize; 2],
    groups: usize,
) -> Vec<AttributeProto> {
    vec![
        attr_ints("kernel_shape", &i64s(&kernel)),
        attr_ints("strides", &i64s(&stride)),
        attr_ints("pads", &i64s(&pads)),
        attr_ints("dilations", &i64s(&dilation)),
        attr_int("group", groups as i64),
    ]
}

/// A step that is not a weight layer: one node.
fn plain(g: &mut Builder, s: &Step, ins: &[String], out: &str) -> Result<()> {
    let (op, attrs): (&str, Vec<AttributeProto>) = match &s.op {
        Op::BatchNorm {
            scale,
            bias,
            mean,
            var,
            epsilon,
        } => {
            let c = [scale.len()];
            let mut names = vec![ins[0].clone()];
            for (what, v) in [
                ("scale", scale),
                ("bias", bias),
                ("mean", mean),
                ("var", var),
            ] {
                names.push(g.floats(&format!("{}.{what}", s.name), &c, v));
            }
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let attrs = vec![attr_float("epsilon", *epsilon)];
            g.node_named("BatchNormalization", &refs, attrs, out);
            return Ok(());
        }
        Op::Reshape { to } => {
            let mut shape = vec![-1];
            shape.extend(i64s(to));
            let shape = g.ints(&format!("{}.shape", s.name), &[shape.len()], &shape);
            g.node_named("Reshape", &[&ins[0], &shape], vec![], out);
            return Ok(());
        }
        Op::Relu => ("Relu", vec![]),
        Op::LeakyRelu { alpha } => ("LeakyRelu", vec![attr_float("alpha", *alpha)]),
        Op::Sigmoid => ("Sigmoid", vec![]),
        Op::Tanh => ("Tanh", vec![]),
        Op::MaxPool {
            kernel,
            stride,
            pads,
            dilation,
            ceil,
        } => (
            "MaxPool",
            vec![
                attr_ints("kernel_shape", &i64s(kernel)),
                attr_ints("strides", &i64s(stride)),
                attr_ints("pads", &i64s(pads)),
                attr_ints("dilations", &i64s(dilation)),
                attr_int("ceil_mode", *ceil as i64),
            ],
        ),
        Op::AvgPool {
            kernel,
            stride,
            pads,
            ceil,
            count_include_pad,
        } => (
            "AveragePool",
            vec![
                attr_ints("kernel_shape", &i64s(kernel)),
                attr_ints("strides", &i64s(stride)),
                attr_ints("pads", &i64s(pads)),
                attr_int("ceil_mode", *ceil as i64),
                attr_int("count_include_pad", *count_include_pad as i64),
            ],
        ),
        Op::GlobalAvgPool => ("GlobalAveragePool", vec![]),
        Op::GlobalMaxPool => ("GlobalMaxPool", vec![]),
        Op::Add if ins.len() == 2 => ("Add", vec![]),
        Op::Add => ("Sum", vec![]),
        Op::Concat => ("Concat", vec![attr_int("axis", 1)]),
        Op::Flatten => ("Flatten", vec![attr_int("axis", 1)]),
        Op::Softmax => ("Softmax", vec![attr_int("axis", -1)]),
        Op::Conv { .. } | Op::Linear { .. } => bail!("step '{}' is a weight layer", s.name),
    };
    let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
    g.node_named(op, &refs, attrs, out);
    Ok(())
}

fn value_info(name: &str, shape: &[usize]) -> ValueInfoProto {
    let mut ty = TypeProto::new();
    let t = ty.mut_tensor_type();
    t.elem_type = DataType::Float as i32;
    let s = t.shape.mut_or_insert_default();
    s.dim.push(Default::default());
    s.dim[0].set_dim_param("N".into());
    for &d in shape {
        s.dim.push(Default::default());
        s.dim
            .last_mut()
            .expect("just pushed")
            .set_dim_value(d as i64);
    }
    let mut v = ValueInfoProto::new();
    v.name = name.into();
    v.type_ = Some(ty).into();
    v
}

fn model(net: &Net, g: Builder, layout: Layout, meta: &[(&str, String)]) -> Result<Vec<u8>> {
    let mut graph = GraphProto::new();
    graph.name = format!("rgp-{}", format!("{layout:?}").to_lowercase());
    graph.node = g.nodes;
    graph.initializer = g.inits;
    graph.input = vec![value_info("x", &net.shapes[0])];
    graph.output = vec![value_info("y", &net.shapes[net.output])];
    let mut m = ModelProto::new();
    m.ir_version = IR_VERSION;
    // The entry type of this list is private to the parser: pushed as a default, then filled.
    m.opset_import.push(Default::default());
    m.opset_import[0].version = OPSET;
    m.producer_name = "rgp-studio".into();
    m.producer_version = env!("CARGO_PKG_VERSION").into();
    m.graph = Some(graph).into();
    let layout = ("layout", format!("{layout:?}").to_lowercase());
    for (key, value) in std::iter::once(&layout).chain(meta) {
        m.metadata_props.push(Default::default());
        let e = m.metadata_props.last_mut().expect("just pushed");
        e.key = key.to_string();
        e.value = value.clone();
    }
    m.write_to_bytes()
        .map_err(|e| Error::new(format!("cannot encode the ONNX model: {e}")))
}

/// The graph that pruned a network (`nodes` groups, `degree`, its fingerprint and link) and its
/// test accuracy, as [`to_onnx`]'s metadata.
pub fn graph_meta(
    nodes: u32,
    degree: u32,
    fingerprint: String,
    link: Option<String>,
    test_accuracy: Option<f64>,
) -> Vec<(&'static str, String)> {
    let mut meta = vec![
        ("nodes", nodes.to_string()),
        ("degree", degree.to_string()),
        ("fingerprint", fingerprint),
    ];
    meta.extend(link.map(|l| ("link", l)));
    meta.extend(test_accuracy.map(|a| ("test_accuracy", a.to_string())));
    meta
}

/// Writes `net` with `masks[i]` on its `i`-th weight layer (Conv or Linear, in order; `None`:
/// unpruned) in `layout`, with `meta` (and the layout) as the model's metadata.
pub fn to_onnx(
    net: &Net,
    masks: &[Option<&Connectivity>],
    layout: Layout,
    meta: &[(&str, String)],
) -> Result<Written> {
    let layers = net.weight_steps().count();
    if masks.len() != layers {
        bail!(
            "{} masks for a network of {layers} weight layers",
            masks.len()
        );
    }
    if net.output == 0 || net.output >= net.shapes.len() {
        bail!("the network computes nothing: its output is its input");
    }
    net.validate()?;
    let mut g = Builder::new(Dtype::F32);
    let mut w = Written {
        bytes: Vec::new(),
        masked: Vec::new(),
        packed: Vec::new(),
        dense_with_zeros: Vec::new(),
        kept_weights: 0,
        weights: 0,
    };
    let mut next_mask = masks.iter();
    for s in &net.steps {
        let ins: Vec<String> = s.inputs.iter().map(|&v| value(net, v)).collect();
        let out = value(net, s.output);
        if !matches!(s.op, Op::Conv { .. } | Op::Linear { .. }) {
            plain(&mut g, s, &ins, &out)?;
            continue;
        }
        let mask = *next_mask.next().expect("one mask per weight layer");
        let r = pack::weight_layer(&mut g, net, s, &ins[0], &out, mask, layout)?;
        w.kept_weights += r.kept;
        w.weights += r.weights;
        if mask.is_some() {
            w.masked.push(s.name.clone());
            if r.packed {
                w.packed.push(s.name.clone());
            } else if layout == Layout::Packed {
                w.dense_with_zeros.push(s.name.clone());
            }
        }
    }
    w.bytes = model(net, g, layout, meta)?;
    Ok(w)
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
