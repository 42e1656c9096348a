//! ONNX export of a [`ModelFile`] (docs/MODEL_FILES.md, "ONNX graphs"), opset 13.
//!
//! Dense layout: `Gemm` and `Conv` over the full weights (pruned entries zero). Packed layout:
//! every graph-masked layer multiplies only its kept weights — a linear layer gathers whole input
//! groups by the neighbour table and runs one batched `MatMul` over the `n` blocks; a conv is
//! `PackedConv`: depthwise terms, summed, where a block reads at most 16 channels, else a Gather
//! of the blocks' input channels and a grouped `Conv` (`group = n`). The packed MLP
//! works channel-major (`[C, B]`): each gathered group is one contiguous `group_in × B` copy, and
//! the stored blocks `[n, group_out, block_in]` are the `MatMul`'s left operand as they are; it
//! transposes once on the way in and once on the way out.
//!
//! Both graphs take `x`, float32 `[N, features]` (normalised as the file's metadata says), and
//! return `logits`, float32 `[N, classes]`; `N` is free.

use super::arch::WeightLayer;
use super::safetensors::{gather, pack};
use super::{Dtype, Layout, ModelFile};
use crate::mapping::{LayerKind, ModelKind};
use crate::{Error, Result, bail};
use onnx_ir::{AttributeProto, GraphProto, Message, ModelProto, TypeProto, ValueInfoProto};

pub(crate) use super::onnx_builder::{Builder, DataType, attr_float, attr_int, attr_ints};
pub(crate) use super::onnx_packed_conv::PackedConv;

/// Operator set the graphs are written against (`ReduceMax` still takes `axes` as an attribute).
pub const OPSET: i64 = 13;
/// The IR version that goes with opset 13.
pub(crate) const IR_VERSION: i64 = 7;
/// Burn's `BatchNormConfig` default, which the trainer uses.
const BN_EPSILON: f32 = 1e-5;

/// `attrs` with the conv's `group`.
fn with_group(attrs: &[AttributeProto], group: usize) -> Vec<AttributeProto> {
    let mut a = attrs.to_vec();
    a.push(attr_int("group", group as i64));
    a
}

/// The gather indices of a packed layer (input channels block by block), as int64.
fn gather_index(rows: &[Vec<u32>], inp: usize) -> Vec<i64> {
    gather(rows, inp / rows.len())
        .into_iter()
        .map(|c| c as i64)
        .collect()
}

/// Linear layer on `[B, C]` activations: `Gemm(h, W, b, transB = 1)`.
fn dense_linear(g: &mut Builder, h: &str, s: &WeightLayer, w: &[f32], b: Option<&[f32]>) -> String {
    let w = g.floats(&format!("{}.weight", s.name), &s.shape(), w);
    let mut inputs = vec![h.to_string(), w];
    if let Some(b) = b {
        inputs.push(g.floats(&format!("{}.bias", s.name), &[s.out], b));
    }
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    g.node("Gemm", &refs, vec![attr_int("transB", 1)])
}

/// Linear layer on channel-major `[C, B]` activations: `Gemm(W, h, b[out, 1])`.
fn dense_linear_cm(
    g: &mut Builder,
    h: &str,
    s: &WeightLayer,
    w: &[f32],
    b: Option<&[f32]>,
) -> String {
    let w = g.floats(&format!("{}.weight", s.name), &s.shape(), w);
    let mut inputs = vec![w, h.to_string()];
    if let Some(b) = b {
        inputs.push(g.floats(&format!("{}.bias", s.name), &[s.out, 1], b));
    }
    let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    g.node("Gemm", &refs, vec![])
}

/// Packed linear layer on `[C, B]`: view the input as `[n, group_in, B]`, gather whole groups by
/// the neighbour table → `[n, k, group_in, B]` = `[n, block_in, B]`, multiply by the blocks
/// `[n, group_out, block_in]` → `[n, group_out, B]` = `[out, B]` (+ bias).
fn packed_linear_cm(
    g: &mut Builder,
    h: &str,
    s: &WeightLayer,
    blocks: &[f32],
    rows: &[Vec<u32>],
    b: Option<&[f32]>,
) -> String {
    let (n, r) = (rows.len(), rows[0].len());
    let (gi, bi) = (s.inp / n, r * (s.inp / n));
    let table: Vec<i64> = rows.iter().flatten().map(|&j| j as i64).collect();
    let table = g.ints(&format!("{}.neighbors", s.name), &[n, r], &table);
    let shape = |g: &mut Builder, what: &str, v: &[i64]| {
        g.ints(&format!("{}.{what}", s.name), &[v.len()], v)
    };
    let groups = shape(g, "group_shape", &[n as i64, gi as i64, -1]);
    let split = shape(g, "block_shape", &[n as i64, bi as i64, -1]);
    let join = shape(g, "out_shape", &[s.out as i64, -1]);
    let w = g.floats(&format!("{}.blocks", s.name), &[n, s.out / n, bi], blocks);
    let x = g.node("Reshape", &[h, &groups], vec![]);
    let x = g.node("Gather", &[&x, &table], vec![attr_int("axis", 0)]);
    let x = g.node("Reshape", &[&x, &split], vec![]);
    let y = g.node("MatMul", &[&w, &x], vec![]);
    let y = g.node("Reshape", &[&y, &join], vec![]);
    match b {
        Some(b) => {
            let b = g.floats(&format!("{}.bias", s.name), &[s.out, 1], b);
            g.node("Add", &[&y, &b], vec![])
        }
        None => y,
    }
}

/// The MLP: linear layers with ReLU between them.
fn mlp(
    g: &mut Builder,
    f: &ModelFile,
    specs: &[WeightLayer],
    packed: &[Option<Vec<f32>>],
) -> String {
    let channel_major = packed.iter().any(Option::is_some);
    let mut h = "x".to_string();
    if channel_major {
        h = g.transpose(&h);
    }
    for (i, (l, s)) in f.layers.iter().zip(specs).enumerate() {
        let b = l.bias.as_deref();
        h = match (&packed[i], channel_major) {
            (Some(blocks), _) => {
                let rows = f
                    .neighbors
                    .as_deref()
                    .expect("packed layers come with a graph");
                packed_linear_cm(g, &h, s, blocks, rows, b)
            }
            (None, true) => dense_linear_cm(g, &h, s, &l.weight, b),
            (None, false) => dense_linear(g, &h, s, &l.weight, b),
        };
        if i + 1 < specs.len() {
            h = g.node("Relu", &[&h], vec![]);
        }
    }
    if channel_major {
        h = g.transpose(&h);
    }
    h
}

/// The CNN: 3×3 convs (no bias) → BatchNorm → ReLU, global max pooling, linear head.
fn cnn(
    g: &mut Builder,
    f: &ModelFile,
    specs: &[WeightLayer],
    packed: &[Option<Vec<f32>>],
) -> Result<String> {
    let (hw, c) = (
        f.meta.arch.input_hw as i64,
        f.meta.arch.in_channels() as i64,
    );
    let shape = g.ints("input_shape", &[4], &[-1, c, hw, hw]);
    let mut h = g.node("Reshape", &["x", &shape], vec![]);
    let convs = specs.len() - 1;
    if f.norms.len() != convs {
        bail!(
            "the CNN has {convs} convs but {} BatchNorm layers",
            f.norms.len()
        );
    }
    for (i, (l, s)) in f.layers.iter().zip(specs).take(convs).enumerate() {
        let pad = (s.kernel / 2) as i64;
        let attrs = vec![
            attr_ints("kernel_shape", &[s.kernel as i64, s.kernel as i64]),
            attr_ints("pads", &[pad; 4]),
            attr_ints("strides", &[s.stride as i64, s.stride as i64]),
        ];
        h = match &packed[i] {
            Some(blocks) => {
                let rows = f
                    .neighbors
                    .as_deref()
                    .expect("packed layers come with a graph");
                let y = format!("{}.conv", s.name);
                let conv = PackedConv {
                    name: &s.name,
                    weight: "blocks",
                    gather: &gather_index(rows, s.inp),
                    n: rows.len(),
                    blocks,
                    out: s.out,
                    kernel: [s.kernel; 2],
                };
                conv.write(g, &h, &y, |group| with_group(&attrs, group), None);
                y
            }
            None => {
                let w = g.floats(&format!("{}.weight", s.name), &s.shape(), &l.weight);
                g.node("Conv", &[&h, &w], attrs)
            }
        };
        let n = &f.norms[i];
        let c = [s.out];
        let p = |w: &str| format!("norms.{i}.{w}");
        let scale = g.floats(&p("weight"), &c, &n.weight);
        let bias = g.floats(&p("bias"), &c, &n.bias);
        let mean = g.floats(&p("running_mean"), &c, &n.running_mean);
        let var = g.floats(&p("running_var"), &c, &n.running_var);
        h = g.node(
            "BatchNormalization",
            &[&h, &scale, &bias, &mean, &var],
            vec![attr_float("epsilon", BN_EPSILON)],
        );
        h = g.node("Relu", &[&h], vec![]);
    }
    h = g.node(
        "ReduceMax",
        &[&h],
        vec![attr_ints("axes", &[2, 3]), attr_int("keepdims", 0)],
    );
    let (l, s) = (&f.layers[convs], &specs[convs]);
    Ok(match &packed[convs] {
        Some(blocks) => {
            let rows = f
                .neighbors
                .as_deref()
                .expect("packed layers come with a graph");
            let t = g.transpose(&h);
            let y = packed_linear_cm(g, &t, s, blocks, rows, l.bias.as_deref());
            g.transpose(&y)
        }
        None => dense_linear(g, &h, s, &l.weight, l.bias.as_deref()),
    })
}

fn value_info(name: &str, features: u32) -> ValueInfoProto {
    let mut ty = TypeProto::new();
    let t = ty.mut_tensor_type();
    t.elem_type = DataType::Float as i32;
    let shape = t.shape.mut_or_insert_default();
    shape.dim.push(Default::default());
    shape.dim[0].set_dim_param("N".into());
    shape.dim.push(Default::default());
    shape.dim[1].set_dim_value(features as i64);
    let mut v = ValueInfoProto::new();
    v.name = name.into();
    v.type_ = Some(ty).into();
    v
}

/// What the model says about itself (ONNX `metadata_props`), as (key, value) pairs.
fn metadata(f: &ModelFile, layout: Layout) -> [(&'static str, String); 11] {
    let m = &f.meta;
    let opt = |v: Option<String>| v.unwrap_or_default();
    [
        ("format", "rgp-studio-model".to_string()),
        ("format_version", super::FORMAT_VERSION.to_string()),
        ("layout", format!("{layout:?}").to_lowercase()),
        ("architecture", m.arch.describe()),
        ("dataset", m.dataset.clone()),
        ("normalisation", m.normalisation()),
        ("nodes", opt(m.nodes.map(|v| v.to_string()))),
        ("degree", opt(m.degree.map(|v| v.to_string()))),
        ("fingerprint", opt(m.fingerprint.clone())),
        ("link", opt(m.link.clone())),
        ("test_accuracy", opt(m.test_accuracy.map(|v| v.to_string()))),
    ]
}

/// Encodes `f` (already validated) as an ONNX model. Weights are stored in `dtype`; the graph
/// computes in float32 either way.
pub fn export(f: &ModelFile, layout: Layout, dtype: Dtype) -> Result<Vec<u8>> {
    let specs = f.meta.arch.weight_layer_list()?;
    if f.layers.len() != specs.len() {
        bail!(
            "expected {} weight layers, the model has {}",
            specs.len(),
            f.layers.len()
        );
    }
    // The same layers the packed safetensors layout stores as blocks.
    let packed: Vec<Option<Vec<f32>>> = f
        .layers
        .iter()
        .zip(&specs)
        .map(|(l, s)| match (layout, f.neighbors.as_deref()) {
            (Layout::Packed, Some(rows)) => pack(l, s.out, s.inp, s.kk(), rows),
            _ => None,
        })
        .collect();
    let mut g = Builder::new(dtype);
    let out = match f.meta.arch.model {
        ModelKind::Mlp => mlp(&mut g, f, &specs, &packed),
        ModelKind::Cnn => {
            if specs.last().map(|s| s.kind) != Some(LayerKind::Linear) {
                bail!("the CNN must end in a linear head");
            }
            cnn(&mut g, f, &specs, &packed)?
        }
    };
    // Name the graph's result: the last node wrote it.
    let last = g
        .nodes
        .last_mut()
        .ok_or_else(|| Error::new("the network has no layers"))?;
    debug_assert_eq!(last.output[0], out);
    last.output[0] = "logits".into();

    let mut graph = GraphProto::new();
    graph.name = f.meta.arch.describe();
    graph.node = g.nodes;
    graph.initializer = g.inits;
    graph.input = vec![value_info("x", f.meta.arch.inputs)];
    graph.output = vec![value_info("logits", f.meta.arch.classes)];
    let mut model = ModelProto::new();
    model.ir_version = IR_VERSION;
    // The entry types of these lists are private to the parser: pushed as defaults, then filled.
    model.opset_import.push(Default::default());
    model.opset_import[0].version = OPSET;
    model.producer_name = "rgp-studio".into();
    model.producer_version = env!("CARGO_PKG_VERSION").into();
    model.graph = Some(graph).into();
    for (key, value) in metadata(f, layout) {
        model.metadata_props.push(Default::default());
        let e = model.metadata_props.last_mut().expect("just pushed");
        e.key = key.into();
        e.value = value;
    }
    model
        .write_to_bytes()
        .map_err(|e| Error::new(format!("cannot encode the ONNX model: {e}")))
}

#[cfg(test)]
#[path = "onnx_tests.rs"]
pub(crate) mod tests;
