//! Reading an ONNX file: the message is decoded once to refuse what we cannot run (external
//! weights, ops outside the supported set) with one line naming the first offender, then handed to
//! `onnx-ir`, which infers shapes and folds constant chains (Shape-Gather-Unsqueeze-Concat).

use super::net::count;
use crate::{Error, Result, bail};
use onnx_ir::{Argument, Message, ModelProto, Node, OnnxGraph, OnnxGraphBuilder};
use std::collections::HashMap;

/// The ops a network may use (ONNX's default domain). Anything else is refused by name.
pub const SUPPORTED_OPS: &[&str] = &[
    "Conv",
    "Gemm",
    "MatMul",
    "Relu",
    "LeakyRelu",
    "Sigmoid",
    "Tanh",
    "BatchNormalization",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "ReduceMean",
    "ReduceMax",
    "Add",
    "Sum",
    "Concat",
    "Flatten",
    "Reshape",
    "Dropout",
    "Identity",
    "Softmax",
    "Constant",
    "ConstantOfShape",
    "Shape",
    "Gather",
    "Unsqueeze",
];

/// The lowest opset we read (older files use attributes since moved to inputs).
pub const MIN_OPSET: i64 = 9;

/// An imported network: the parsed graph and what the file itself says.
pub struct Imported {
    pub graph: OnnxGraph,
    /// The default domain's opset the file declares.
    pub opset: i64,
    /// Nodes in the file, before any folding.
    pub file_nodes: usize,
    /// Values a `ConstantOfShape` fills, by name: their shapes (older exports store large weights
    /// so; the parser leaves them as nodes).
    filled: HashMap<String, Vec<usize>>,
}

impl Imported {
    /// Values all `ConstantOfShape` weights hold once made real (None: more than a `usize`).
    pub fn filled_elements(&self) -> Option<usize> {
        self.filled.values().try_fold(0usize, |acc, shape| {
            let n = count(shape)?;
            acc.checked_add(n)
        })
    }

    /// The shape of a constant value: stored, or filled by a `ConstantOfShape` of constant shape.
    pub fn constant_shape(&self, a: &Argument) -> Option<Vec<usize>> {
        match a.value() {
            Some(v) => Some(v.shape().iter().copied().collect()),
            None => self.filled.get(&a.name).cloned(),
        }
    }
}

/// The outputs of `ConstantOfShape` nodes whose shape is a constant, with that shape.
fn filled_values(graph: &OnnxGraph) -> HashMap<String, Vec<usize>> {
    let mut filled = HashMap::new();
    for node in &graph.nodes {
        if let Node::ConstantOfShape(c) = node {
            let shape = c.inputs.first().and_then(|a| a.value()).and_then(|v| {
                let dims = v.as_slice::<i64>().ok()?;
                dims.iter()
                    .map(|&d| usize::try_from(d).ok())
                    .collect::<Option<Vec<usize>>>()
            });
            if let (Some(shape), Some(out)) = (shape, c.outputs.first()) {
                filled.insert(out.name.clone(), shape);
            }
        }
    }
    filled
}

/// ONNX's `TensorProto.DataLocation.EXTERNAL`.
const EXTERNAL: i32 = 1;

/// Whether `bytes` start as an ONNX file does (protobuf's tag of field 1, `ir_version`) and not
/// as a safetensors file does (its header's 8-byte length, then `{`).
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x08) && bytes.get(8) != Some(&b'{')
}

/// Reads an ONNX model from its bytes (the whole file).
pub fn read(bytes: &[u8]) -> Result<Imported> {
    read_owned(bytes.to_vec())
}

/// [`read`] from bytes it may keep: the check below reads the weights in place rather than
/// copying them (a file of 100 MB is held about three times at the peak, not four).
pub fn read_owned(bytes: Vec<u8>) -> Result<Imported> {
    let buffer = bytes::Bytes::from(bytes);
    let checked = check(&buffer)?;
    parse(checked, || OnnxGraphBuilder::new().parse_bytes(&buffer))
}

/// [`read`] of the file at `path`, whose content the caller has read as `bytes`: checked from
/// those, which are then dropped, and parsed from a second reading by the parser itself, so a
/// file of 100 MB peaks at about twice its size. Errors name no path (the caller does).
pub fn read_path(path: &std::path::Path, bytes: Vec<u8>) -> Result<Imported> {
    let checked = check(&bytes::Bytes::from(bytes))?;
    parse(checked, || OnnxGraphBuilder::new().parse_file(path))
}

/// Runs the parser on a checked file (`checked`: its opset and node count).
fn parse(
    (opset, file_nodes): (i64, usize),
    run: impl FnOnce() -> std::result::Result<OnnxGraph, onnx_ir::Error>,
) -> Result<Imported> {
    // The parser checks what it reads with assertions in places; a file that trips one is refused
    // like any other bad file (natively; the wasm modules abort on a panic).
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
        .map_err(|_| Error::new("cannot read the ONNX graph: the parser rejected it"))?;
    let graph = parsed.map_err(|e| {
        Error::new(format!(
            "cannot read the ONNX graph: {}",
            one_line(&e.to_string())
        ))
    })?;
    Ok(Imported {
        filled: filled_values(&graph),
        graph,
        opset,
        file_nodes,
    })
}

/// Refuses, in one line, what we cannot run; returns the opset and the number of nodes.
fn check(buffer: &bytes::Bytes) -> Result<(i64, usize)> {
    let model = ModelProto::parse_from_tokio_bytes(buffer).map_err(|e| {
        Error::new(format!(
            "not a readable ONNX model ({e}): is the file complete?"
        ))
    })?;
    let graph = model
        .graph
        .as_ref()
        .ok_or_else(|| Error::new("the ONNX file holds no graph"))?;
    if graph.node.is_empty() {
        bail!("the ONNX file's graph has no nodes");
    }
    let opset = model
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map(|o| o.version)
        .ok_or_else(|| Error::new("the ONNX file declares no opset of the default domain"))?;
    if opset < MIN_OPSET {
        bail!(
            "the ONNX file uses opset {opset}; RGP Studio reads opset {MIN_OPSET} and later (re-export it with a newer opset)"
        );
    }
    if let Some(t) = graph
        .initializer
        .iter()
        .find(|t| t.data_location.value() == EXTERNAL || !t.external_data.is_empty())
    {
        bail!(
            "the ONNX file keeps its weights in external data files (tensor '{}'); save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))",
            t.name
        );
    }
    if let Some(n) = graph.node.iter().find(|n| {
        !(n.domain.is_empty() || n.domain == "ai.onnx")
            || !SUPPORTED_OPS.contains(&n.op_type.as_str())
    }) {
        let domain = if n.domain.is_empty() {
            String::new()
        } else {
            format!("{}.", n.domain)
        };
        bail!(
            "unsupported node '{}' (op {domain}{}, inputs {}): RGP Studio imports {}",
            n.name,
            n.op_type,
            if n.input.is_empty() {
                "none".to_string()
            } else {
                n.input.join(", ")
            },
            SUPPORTED_OPS.join(", ")
        );
    }
    Ok((opset, graph.node.len()))
}

fn one_line(s: &str) -> String {
    s.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}
