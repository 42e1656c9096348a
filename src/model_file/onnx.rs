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
use onnx_ir::{
    AttributeProto, AttributeType, GraphProto, Message, ModelProto, NodeProto, TensorProto,
    TypeProto, ValueInfoProto,
};

/// ONNX's `TensorProto.DataType` codes (the parser keeps its enum private).
#[derive(Clone, Copy)]
pub(crate) enum DataType {
    Float = 1,
    Int64 = 7,
    Float16 = 10,
}

/// Operator set the graphs are written against (`ReduceMax` still takes `axes` as an attribute).
pub const OPSET: i64 = 13;
/// The IR version that goes with opset 13.
pub(crate) const IR_VERSION: i64 = 7;
/// Burn's `BatchNormConfig` default, which the trainer uses.
const BN_EPSILON: f32 = 1e-5;

/// Graph under construction: nodes in order, initializers, fresh value names.
pub(crate) struct Builder {
    pub(crate) nodes: Vec<NodeProto>,
    pub(crate) inits: Vec<TensorProto>,
    dtype: Dtype,
    count: usize,
}

pub(crate) fn attr_int(name: &str, v: i64) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::INT.into();
    a.i = v;
    a
}

pub(crate) fn attr_ints(name: &str, v: &[i64]) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::INTS.into();
    a.ints = v.to_vec();
    a
}

pub(crate) fn attr_float(name: &str, v: f32) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::FLOAT.into();
    a.f = v;
    a
}

fn dims(shape: &[usize]) -> Vec<i64> {
    shape.iter().map(|&d| d as i64).collect()
}

impl Builder {
    pub(crate) fn new(dtype: Dtype) -> Builder {
        Builder {
            nodes: Vec::new(),
            inits: Vec::new(),
            dtype,
            count: 0,
        }
    }

    fn tensor(&mut self, name: &str, shape: &[usize], dt: DataType, raw: Vec<u8>) {
        let mut t = TensorProto::new();
        t.name = name.into();
        t.dims = dims(shape);
        t.data_type = dt as i32;
        t.raw_data = raw.into();
        self.inits.push(t);
    }

    /// A float initializer named `name`; in half precision it is stored as FLOAT16 and cast
    /// back (ONNX Runtime folds the cast when it loads the model).
    pub(crate) fn floats(&mut self, name: &str, shape: &[usize], v: &[f32]) -> String {
        match self.dtype {
            Dtype::F32 => {
                let raw = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                self.tensor(name, shape, DataType::Float, raw);
            }
            Dtype::F16 => {
                let stored = format!("{name}.f16");
                let raw = v
                    .iter()
                    .flat_map(|&x| half::f16::from_f32(x).to_le_bytes())
                    .collect();
                self.tensor(&stored, shape, DataType::Float16, raw);
                self.node_named(
                    "Cast",
                    &[&stored],
                    vec![attr_int("to", DataType::Float as i64)],
                    name,
                );
            }
        }
        name.into()
    }

    pub(crate) fn ints(&mut self, name: &str, shape: &[usize], v: &[i64]) -> String {
        let raw = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        self.tensor(name, shape, DataType::Int64, raw);
        name.into()
    }

    pub(crate) fn node_named(
        &mut self,
        op: &str,
        inputs: &[&str],
        attrs: Vec<AttributeProto>,
        out: &str,
    ) {
        let mut n = NodeProto::new();
        n.op_type = op.into();
        n.name = format!("{op}_{}", self.nodes.len());
        n.input = inputs.iter().map(|s| s.to_string()).collect();
        n.output = vec![out.into()];
        n.attribute = attrs;
        self.nodes.push(n);
    }

    /// Appends a node and returns the name of its (single) output.
    pub(crate) fn node(&mut self, op: &str, inputs: &[&str], attrs: Vec<AttributeProto>) -> String {
        self.count += 1;
        let out = format!("t{}_{}", self.count, op.to_lowercase());
        self.node_named(op, inputs, attrs, &out);
        out
    }

    pub(crate) fn transpose(&mut self, h: &str) -> String {
        self.node("Transpose", &[h], vec![attr_ints("perm", &[1, 0])])
    }
}

/// The widest block (input channels read by one output channel) written as depthwise terms. ONNX
/// Runtime runs a depthwise conv in its fast NCHWc kernels, but a grouped conv whose groups are
/// not multiples of 16 channels as one small im2col GEMM per group and image. Measured on one 3×3
/// layer at 4/64 (bench/packed_conv_forms.py): at 4–16 channels a block the terms ran 1.7–4.2×
/// faster than the dense conv against 1.0–1.8× for the grouped conv; at 32 the grouped conv won.
const MAX_DEPTHWISE_TERMS: usize = 16;

/// A graph-masked conv over its kept weights only, for the model files' CNN and imported
/// networks alike. Blocks of at most `MAX_DEPTHWISE_TERMS` channels: depthwise terms — term `t`
/// gathers, for every output channel, the `t`-th input channel its block reads, a depthwise Conv
/// (`group = out`) weighs it, and the terms are summed. Wider blocks: one Gather of every block's
/// input channels and one Conv with `group = n`.
pub(crate) struct PackedConv<'a> {
    pub name: &'a str,
    /// The grouped form's weight: initializer `{name}.{weight}`.
    pub weight: &'a str,
    /// The input channels block by block (`n · block_in`; block `i` feeds outputs
    /// `i · out / n ..`).
    pub gather: &'a [i64],
    pub n: usize,
    /// The kept weights `[out, block_in, kh, kw]`, each output's in its block's gather order.
    pub blocks: &'a [f32],
    pub out: usize,
    pub kernel: [usize; 2],
}

impl PackedConv<'_> {
    /// Writes the conv reading `x` into `y` (`attrs(group)`: the conv's other attributes); the
    /// bias, if any, goes on the (first) Conv.
    pub(crate) fn write(
        &self,
        g: &mut Builder,
        x: &str,
        y: &str,
        attrs: impl Fn(usize) -> Vec<AttributeProto>,
        bias: Option<&[f32]>,
    ) {
        let [kh, kw] = self.kernel;
        let bi = self.gather.len() / self.n;
        let add_bias = |g: &mut Builder, ins: &mut Vec<String>| {
            if let Some(b) = bias {
                ins.push(g.floats(&format!("{}.bias", self.name), &[self.out], b));
            }
        };
        if bi > MAX_DEPTHWISE_TERMS {
            let idx = g.ints(
                &format!("{}.gather", self.name),
                &[self.gather.len()],
                self.gather,
            );
            let h = g.node("Gather", &[x, &idx], vec![attr_int("axis", 1)]);
            let shape = [self.out, bi, kh, kw];
            let w = g.floats(
                &format!("{}.{}", self.name, self.weight),
                &shape,
                self.blocks,
            );
            let mut ins = vec![h, w];
            add_bias(g, &mut ins);
            let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
            g.node_named("Conv", &refs, attrs(self.n), y);
            return;
        }
        let (out, kk, go) = (self.out, kh * kw, self.out / self.n);
        let terms: Vec<String> = (0..bi)
            .map(|t| {
                let idx: Vec<i64> = (0..out).map(|o| self.gather[(o / go) * bi + t]).collect();
                let w: Vec<f32> = (0..out)
                    .flat_map(|o| self.blocks[(o * bi + t) * kk..][..kk].iter().copied())
                    .collect();
                let idx = g.ints(&format!("{}.gather{t}", self.name), &[out], &idx);
                let h = g.node("Gather", &[x, &idx], vec![attr_int("axis", 1)]);
                let w = g.floats(&format!("{}.weight{t}", self.name), &[out, 1, kh, kw], &w);
                let mut ins = vec![h, w];
                if t == 0 {
                    add_bias(g, &mut ins);
                }
                let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
                g.node("Conv", &refs, attrs(out))
            })
            .collect();
        let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
        g.node_named("Sum", &refs, vec![], y);
    }
}

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
