//! Structure of the exported graphs, read back through the same message types. The numbers
//! they compute are checked against `rgp predict` and numpy by ONNX Runtime in
//! tests/model_interop.sh.

use super::*;
use crate::mapping::ModelKind;
use crate::model_file::{ArchSpec, Layer, Meta, Norm};
use onnx_ir::TensorProto;

/// Ring of 4 nodes, degree 2.
fn ring() -> Vec<Vec<u32>> {
    vec![vec![1, 3], vec![0, 2], vec![1, 3], vec![0, 2]]
}

/// Mask of a layer whose block `i` reads input groups `rows[i]`.
fn block_mask(rows: &[Vec<u32>], out: usize, inp: usize, kk: usize) -> Vec<u8> {
    let n = rows.len();
    let (go, gi) = (out / n, inp / n);
    let mut m = vec![0u8; out * inp * kk];
    for o in 0..out {
        for &j in &rows[o / go] {
            for c in j as usize * gi..(j as usize + 1) * gi {
                m[(o * inp + c) * kk..][..kk].fill(1);
            }
        }
    }
    m
}

fn layer(
    name: &str,
    out: usize,
    inp: usize,
    kk: usize,
    bias: bool,
    mask: Option<Vec<u8>>,
) -> Layer {
    let mut weight: Vec<f32> = (0..out * inp * kk)
        .map(|i| (i as f32 * 0.37).sin())
        .collect();
    if let Some(m) = &mask {
        weight.iter_mut().zip(m).for_each(|(w, &m)| *w *= m as f32);
    }
    Layer {
        name: name.into(),
        weight,
        bias: bias.then(|| (0..out).map(|i| i as f32 * 0.1).collect()),
        mask,
    }
}

fn meta(model: ModelKind, inputs: u32, hw: u32, widths: Vec<u32>) -> Meta {
    Meta {
        arch: ArchSpec {
            model,
            inputs,
            input_hw: hw,
            classes: 3,
            widths,
        },
        nodes: Some(4),
        degree: Some(2),
        fingerprint: None,
        link: None,
        dataset: "digits".into(),
        input_max: 16.0,
        input_mean: 0.0,
        input_std: 1.0,
        columns: None,
        test_accuracy: None,
    }
}

/// MLP 8-8-8-3 whose middle layer carries the ring's block mask.
pub(crate) fn mlp() -> ModelFile {
    ModelFile {
        meta: meta(ModelKind::Mlp, 8, 0, vec![8, 8]),
        layers: vec![
            layer("layers.0", 8, 8, 1, true, None),
            layer(
                "layers.1",
                8,
                8,
                1,
                true,
                Some(block_mask(&ring(), 8, 8, 1)),
            ),
            layer("layers.2", 3, 8, 1, true, None),
        ],
        norms: vec![],
        neighbors: Some(ring()),
    }
}

/// CNN on 4×4 images, convs 4,8, head 8 → 3; the second conv carries the ring's block mask.
pub(crate) fn cnn() -> ModelFile {
    let norm = |c: usize| Norm {
        weight: vec![1.5; c],
        bias: vec![0.1; c],
        running_mean: vec![0.2; c],
        running_var: vec![0.9; c],
    };
    ModelFile {
        meta: meta(ModelKind::Cnn, 16, 4, vec![4, 8]),
        layers: vec![
            layer("convs.0", 4, 1, 9, false, None),
            layer(
                "convs.1",
                8,
                4,
                9,
                false,
                Some(block_mask(&ring(), 8, 4, 9)),
            ),
            layer("head", 3, 8, 1, true, None),
        ],
        norms: vec![norm(4), norm(8)],
        neighbors: Some(ring()),
    }
}

fn read(f: &ModelFile, layout: Layout, dtype: Dtype) -> ModelProto {
    let mut f = f.clone();
    f.validate().expect("hand-built model is valid");
    ModelProto::parse_from_bytes(&export(&f, layout, dtype).unwrap()).unwrap()
}

fn ops(m: &ModelProto) -> Vec<String> {
    m.graph.node.iter().map(|n| n.op_type.clone()).collect()
}

fn init<'a>(m: &'a ModelProto, name: &str) -> Option<&'a TensorProto> {
    m.graph.initializer.iter().find(|t| t.name == name)
}

fn floats(t: &TensorProto) -> Vec<f32> {
    t.raw_data
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

#[test]
fn dense_mlp_is_gemm_and_relu_with_free_batch() {
    let m = read(&mlp(), Layout::Dense, Dtype::F32);
    assert_eq!(ops(&m), ["Gemm", "Relu", "Gemm", "Relu", "Gemm"]);
    assert_eq!(m.opset_import[0].version, OPSET);
    assert!(m.graph.input[0].type_.has_tensor_type(), "a tensor");
    let io = |v: &ValueInfoProto| (v.name.clone(), v.type_.tensor_type().shape.dim.clone());
    let (name, d) = io(&m.graph.input[0]);
    assert_eq!(name, "x");
    assert_eq!(d[0].dim_param(), "N");
    assert!(d[1].has_dim_value() && d[1].dim_value() == 8);
    let (name, d) = io(&m.graph.output[0]);
    assert_eq!((name.as_str(), d[1].dim_value()), ("logits", 3));
    assert_eq!(m.graph.node.last().unwrap().output[0], "logits");
    // Pruned weights are stored as zeros in the dense layout.
    let w = floats(init(&m, "layers.1.weight").unwrap());
    assert_eq!(w.iter().filter(|&&v| v == 0.0).count(), 8 * 8 / 2);
}

#[test]
fn packed_mlp_multiplies_only_the_kept_blocks() {
    let f = mlp();
    let m = read(&f, Layout::Packed, Dtype::F32);
    assert_eq!(
        ops(&m),
        [
            "Transpose",
            "Gemm",
            "Relu",
            "Reshape",
            "Gather",
            "Reshape",
            "MatMul",
            "Reshape",
            "Add",
            "Relu",
            "Gemm",
            "Transpose"
        ]
    );
    assert!(init(&m, "layers.1.weight").is_none());
    let blocks = init(&m, "layers.1.blocks").unwrap();
    assert_eq!(blocks.dims, [4, 2, 4]);
    // Whole groups are gathered by the neighbour table: block 0 (outputs 0, 1) reads groups 1
    // and 3, i.e. input channels 2, 3, 6, 7.
    let table = init(&m, "layers.1.neighbors").unwrap();
    assert_eq!(table.dims, [4, 2]);
    let idx: Vec<i64> = table
        .raw_data
        .chunks_exact(8)
        .map(|b| i64::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(idx, [1, 3, 0, 2, 1, 3, 0, 2]);
    let w = &f.layers[1].weight;
    assert_eq!(&floats(blocks)[..4], [w[2], w[3], w[6], w[7]]);
}

#[test]
fn cnn_dense_and_packed_graphs() {
    let m = read(&cnn(), Layout::Dense, Dtype::F32);
    assert_eq!(
        ops(&m),
        [
            "Reshape",
            "Conv",
            "BatchNormalization",
            "Relu",
            "Conv",
            "BatchNormalization",
            "Relu",
            "ReduceMax",
            "Gemm"
        ]
    );
    // The masked conv's blocks read two channels: two depthwise terms, summed.
    let m = read(&cnn(), Layout::Packed, Dtype::F32);
    let convs: Vec<_> = m
        .graph
        .node
        .iter()
        .filter(|n| n.op_type == "Conv")
        .collect();
    assert_eq!(convs.len(), 3);
    let group = convs[1]
        .attribute
        .iter()
        .find(|a| a.name == "group")
        .unwrap();
    assert_eq!(group.i, 8);
    assert_eq!(init(&m, "convs.1.weight1").unwrap().dims, [8, 1, 3, 3]);
    assert_eq!(init(&m, "convs.1.gather1").unwrap().dims, [8]);
    let ops = ops(&m);
    let count = |op: &str| ops.iter().filter(|o| o.as_str() == op).count();
    assert_eq!((count("Gather"), count("Sum")), (2, 1), "{ops:?}");
}

#[test]
fn half_precision_stores_float16_and_casts() {
    let m = read(&mlp(), Layout::Packed, Dtype::F16);
    let t = init(&m, "layers.1.blocks.f16").unwrap();
    assert_eq!(t.data_type, DataType::Float16 as i32);
    assert_eq!(t.raw_data.len(), 4 * 2 * 4 * 2);
    assert!(
        m.graph
            .node
            .iter()
            .any(|n| n.op_type == "Cast" && n.output[0] == "layers.1.blocks")
    );
}

#[test]
fn layouts_without_a_graph_fall_back_to_dense() {
    let mut f = mlp();
    f.neighbors = None;
    assert_eq!(
        ops(&read(&f, Layout::Packed, Dtype::F32)),
        ["Gemm", "Relu", "Gemm", "Relu", "Gemm"]
    );
}
