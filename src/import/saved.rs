//! An imported network as a safetensors model file (docs/MODEL_FILES.md, "Imported networks"):
//! `rgp train --init-from NET.onnx --save OUT.safetensors` writes it, `rgp predict` and
//! `rgp export` read it. The file keeps the imported architecture: the lowered steps as JSON in
//! the metadata (`steps`, their weights left out), every weight as an f32 tensor named after its
//! step's index (`steps.{i}.weight`, `.bias`; BatchNorm's `.scale`, `.shift`, `.mean`, `.var`),
//! which weight layers the graph masks (`masked_steps`) and the graph's neighbour table
//! (`graph.neighbors`). Pruned weights are stored as zeros: the mask always wins.

use super::net::{Net, Op};
use super::net_shapes::infer;
use crate::mapping::{Connectivity, mask_matrix};
use crate::model_file::{FORMAT_VERSION, IMPORTED_FORMAT};
use crate::{Error, Result, bail};
use safetensors::tensor::{Dtype as St, SafeTensors, TensorView};
use std::collections::HashMap;

/// The metadata keys this file format writes for itself (and the ONNX writer's `layout`); every
/// other key is the run's (data set, normalisation, graph, accuracy: what `finetune_onnx` and
/// `graph_meta` write) and is carried as it is, on to an ONNX export.
const OWN_KEYS: [&str; 5] = [
    "format",
    "format_version",
    "steps",
    "masked_steps",
    "layout",
];

/// A saved imported network.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedNet {
    pub net: Net,
    /// Per weight step (Conv and Linear, in order): whether the graph masks it.
    pub masked: Vec<bool>,
    /// The graph's groups (needed when any layer is masked).
    pub conn: Option<Connectivity>,
    /// The run's metadata, key, value pairs (keys of [`OWN_KEYS`] left out).
    pub meta: Vec<(String, String)>,
}

impl SavedNet {
    /// One mask per weight step, as the ONNX writer and the interpreter take them.
    pub fn masks(&self) -> Vec<Option<&Connectivity>> {
        self.masked
            .iter()
            .map(|&m| if m { self.conn.as_ref() } else { None })
            .collect()
    }

    /// The metadata as the ONNX writer takes it.
    pub fn meta_pairs(&self) -> Vec<(&str, String)> {
        self.meta
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect()
    }

    /// Checks the masks against the network and zeroes every pruned weight.
    fn apply_masks(&mut self) -> Result<()> {
        let layers = self.net.weight_steps().count();
        if self.masked.len() != layers {
            bail!(
                "{} mask flags for a network of {layers} weight layers",
                self.masked.len()
            );
        }
        let flags = self.masked.clone();
        // The weight steps with their weights and groups, in order.
        let steps = self.net.steps.iter_mut().filter_map(|s| match &mut s.op {
            Op::Conv { weight, groups, .. } => Some((&s.name, weight, *groups)),
            Op::Linear { weight, .. } => Some((&s.name, weight, 1)),
            _ => None,
        });
        for ((name, weight, groups), masked) in steps.zip(flags) {
            if !masked {
                continue;
            }
            let Some(conn) = &self.conn else {
                bail!("layer '{name}' is masked but the file holds no graph");
            };
            let (out, inp) = match weight.shape[..] {
                [o, i, ..] if groups == 1 => (o, i),
                _ => bail!("layer '{name}' cannot carry the graph's mask"),
            };
            let too_big = |v: usize| u32::try_from(v).is_err();
            if too_big(out) || too_big(inp) {
                bail!("layer '{name}' is too wide for a mask");
            }
            let mask = mask_matrix(conn, out as u32, inp as u32)
                .map_err(|e| Error::new(format!("layer '{name}': {e}")))?;
            let kk = weight.len() / (out * inp).max(1);
            for (w, &m) in weight.data.chunks_mut(kk.max(1)).zip(&mask) {
                if m == 0.0 {
                    w.fill(0.0);
                }
            }
        }
        Ok(())
    }
}

/// One stored vector of a step: its name in the file, its values and, for a weight, its shape
/// (the others are vectors of their own length).
struct Part<'a> {
    what: &'static str,
    shape: Option<Vec<usize>>,
    data: &'a mut Vec<f32>,
}

/// The vectors a step stores, in the file's names.
fn parts(op: &mut Op) -> Vec<Part<'_>> {
    let plain = |(what, data)| Part {
        what,
        shape: None,
        data,
    };
    match op {
        Op::Conv { weight, bias, .. } | Op::Linear { weight, bias } => {
            let shape = Some(weight.shape.clone());
            let mut p = vec![Part {
                what: "weight",
                shape,
                data: &mut weight.data,
            }];
            p.extend(bias.as_mut().map(|b| plain(("bias", b))));
            p
        }
        Op::BatchNorm {
            scale,
            bias,
            mean,
            var,
            ..
        } => [
            ("scale", scale),
            ("shift", bias),
            ("mean", mean),
            ("var", var),
        ]
        .into_iter()
        .map(plain)
        .collect(),
        _ => Vec::new(),
    }
}

/// The steps with their weights left out (shapes and bias presence kept): the `steps` metadata.
fn outline(net: &Net) -> Net {
    let mut n = net.clone();
    for s in &mut n.steps {
        parts(&mut s.op).into_iter().for_each(|p| p.data.clear());
    }
    n
}

/// Encodes `saved` (its pruned weights zeroed first).
pub fn encode(saved: &SavedNet) -> Result<Vec<u8>> {
    let mut saved = saved.clone();
    saved.net.validate()?;
    saved.apply_masks()?;
    let mut outs: Vec<(String, St, Vec<usize>, Vec<u8>)> = Vec::new();
    for (i, s) in saved.net.steps.iter_mut().enumerate() {
        for p in parts(&mut s.op) {
            let shape = p.shape.unwrap_or_else(|| vec![p.data.len()]);
            let bytes = p.data.iter().flat_map(|x| x.to_le_bytes()).collect();
            outs.push((format!("steps.{i}.{}", p.what), St::F32, shape, bytes));
        }
    }
    if let Some(c) = &saved.conn {
        let rows = c.rows();
        let bytes = rows
            .iter()
            .flatten()
            .flat_map(|&j| (j as i32).to_le_bytes())
            .collect();
        outs.push((
            "graph.neighbors".into(),
            St::I32,
            vec![rows.len(), rows[0].len()],
            bytes,
        ));
    }
    let masked: Vec<usize> = saved
        .net
        .weight_steps()
        .zip(&saved.masked)
        .filter(|(_, m)| **m)
        .map(|((i, _), _)| i)
        .collect();
    let mut info: HashMap<String, String> = saved
        .meta
        .iter()
        .filter(|(k, _)| !OWN_KEYS.contains(&k.as_str()))
        .cloned()
        .collect();
    info.insert("format".into(), IMPORTED_FORMAT.into());
    info.insert("format_version".into(), FORMAT_VERSION.to_string());
    info.insert(
        "steps".into(),
        serde_json::to_string(&outline(&saved.net)).map_err(|e| Error::new(e.to_string()))?,
    );
    info.insert(
        "masked_steps".into(),
        serde_json::to_string(&masked).map_err(|e| Error::new(e.to_string()))?,
    );
    let views = outs
        .iter()
        .map(|(name, dtype, shape, bytes)| {
            TensorView::new(*dtype, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| Error::new(format!("cannot encode tensor {name}: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    safetensors::serialize(views, Some(info.into_iter().collect()))
        .map_err(|e| Error::new(format!("cannot encode the model file: {e}")))
}

/// The file's metadata when it is a saved imported network (its header only).
fn header(bytes: &[u8]) -> Option<HashMap<String, String>> {
    let (_, m) = SafeTensors::read_metadata(bytes).ok()?;
    let h: HashMap<String, String> = m
        .metadata()
        .as_ref()?
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (h.get("format").map(String::as_str) == Some(IMPORTED_FORMAT)).then_some(h)
}

/// Whether `bytes` are a saved imported network (by its header; the tensors are not read).
pub fn is_saved_net(bytes: &[u8]) -> bool {
    header(bytes).is_some()
}

/// One f32 tensor's values, of shape `want`.
fn floats(st: &SafeTensors, name: &str, want: &[usize]) -> Result<Vec<f32>> {
    let t = st
        .tensor(name)
        .map_err(|_| Error::new(format!("the file lacks tensor {name}")))?;
    if t.dtype() != St::F32 || t.shape() != want {
        bail!(
            "tensor {name} is {:?} {:?}; the network needs F32 {want:?}",
            t.dtype(),
            t.shape()
        );
    }
    let v: Vec<f32> = t
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    if v.iter().any(|x| !x.is_finite()) {
        bail!("tensor {name} holds a value that is not finite");
    }
    Ok(v)
}

/// A 1-d tensor of whatever length the file has (the network's check sizes it).
fn vector(st: &SafeTensors, name: &str) -> Result<Vec<f32>> {
    let len = match st.tensor(name) {
        Ok(t) if t.shape().len() == 1 => t.shape()[0],
        Ok(_) => bail!("tensor {name} is not a vector"),
        Err(_) => bail!("the file lacks tensor {name}"),
    };
    floats(st, name, &[len])
}

/// Fills step `i`'s weights from the file.
fn fill(st: &SafeTensors, i: usize, op: &mut Op) -> Result<()> {
    for p in parts(op) {
        let name = format!("steps.{i}.{}", p.what);
        *p.data = match &p.shape {
            Some(shape) => floats(st, &name, shape)?,
            None => vector(st, &name)?,
        };
    }
    Ok(())
}

/// The graph's neighbour table, when the file has one.
fn graph(st: &SafeTensors) -> Result<Option<Connectivity>> {
    let Ok(t) = st.tensor("graph.neighbors") else {
        return Ok(None);
    };
    let [_, r] = t.shape() else {
        bail!("tensor graph.neighbors is not a table");
    };
    if t.dtype() != St::I32 || *r == 0 {
        bail!("tensor graph.neighbors is not an I32 table of groups");
    }
    let ids: Vec<i32> = t
        .data()
        .chunks_exact(4)
        .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let rows = ids
        .chunks(*r)
        .map(|row| {
            row.iter()
                .map(|&j| {
                    u32::try_from(j)
                        .map_err(|_| Error::new("tensor graph.neighbors holds a negative group"))
                })
                .collect()
        })
        .collect::<Result<Vec<Vec<u32>>>>()?;
    Connectivity::from_rows(rows).map(Some)
}

/// Reads a saved imported network: every tensor checked against the steps, the steps' sizes
/// recomputed, the masks applied; the first thing that does not fit is named.
pub fn decode(bytes: &[u8]) -> Result<SavedNet> {
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| Error::new(format!("not a safetensors file: {e}")))?;
    let Some(h) = header(bytes) else {
        bail!(
            "the file is not a network imported from ONNX (its metadata lacks format '{IMPORTED_FORMAT}')"
        );
    };
    let version: u32 = h
        .get("format_version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(u32::MAX);
    if version > FORMAT_VERSION {
        bail!("the file's format version is not one this build reads (up to {FORMAT_VERSION})");
    }
    let json = |key: &str| h.get(key).map(String::as_str).unwrap_or("");
    let mut net: Net = serde_json::from_str(json("steps"))
        .map_err(|e| Error::new(format!("the file's metadata 'steps' is not readable: {e}")))?;
    for (i, s) in net.steps.iter_mut().enumerate() {
        fill(&st, i, &mut s.op)?;
    }
    let sizes = infer(&net)?;
    if let Some(v) = (0..sizes.len()).find(|&v| sizes[v] != net.shapes[v]) {
        bail!(
            "the file says value {v} has size {:?}; its steps make {:?}",
            net.shapes[v],
            sizes[v]
        );
    }
    net.validate()?;
    let at: Vec<usize> = serde_json::from_str(json("masked_steps")).map_err(|e| {
        Error::new(format!(
            "the file's metadata 'masked_steps' is not readable: {e}"
        ))
    })?;
    if let Some(i) = at
        .iter()
        .find(|&&i| !net.weight_steps().any(|(j, _)| j == i))
    {
        bail!("the file masks step {i}, which is not a weight layer");
    }
    let masked = net.weight_steps().map(|(i, _)| at.contains(&i)).collect();
    // Sorted by key: the same file reads back the same, whatever the map's order.
    let mut meta: Vec<(String, String)> = h
        .into_iter()
        .filter(|(k, _)| !OWN_KEYS.contains(&k.as_str()))
        .collect();
    meta.sort();
    let mut saved = SavedNet {
        net,
        masked,
        conn: graph(&st)?,
        meta,
    };
    saved.apply_masks()?;
    Ok(saved)
}

#[cfg(test)]
#[path = "saved_tests.rs"]
mod tests;
