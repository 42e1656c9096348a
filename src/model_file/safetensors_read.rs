//! Reading a safetensors model file (docs/MODEL_FILES.md): every tensor is checked against the
//! architecture, and the first that does not fit is named.

use super::safetensors::gather;
use super::{ArchSpec, FORMAT, Layer, Meta, ModelFile, Norm};
use crate::io::graph_from_matrix;
use crate::mapping::ModelKind;
use crate::{Error, Result, bail};
use safetensors::tensor::{Dtype as St, SafeTensors, TensorView};
use std::collections::{BTreeSet, HashMap};

fn parse<T: std::str::FromStr>(h: &HashMap<String, String>, key: &str) -> Result<T> {
    let v = h
        .get(key)
        .ok_or_else(|| Error::new(format!("the file's metadata lacks '{key}'")))?;
    v.parse()
        .map_err(|_| Error::new(format!("the file's metadata '{key}' is not valid: '{v}'")))
}

/// A table's columns (`input_columns`, JSON), absent for images ([`ModelFile::validate`] checks them).
fn columns(h: &HashMap<String, String>) -> Result<Option<crate::data::ColumnNorm>> {
    let Some(text) = h.get("input_columns").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    serde_json::from_str(text).map(Some).map_err(|e| {
        Error::new(format!(
            "the file's metadata 'input_columns' is not readable: {e}"
        ))
    })
}

fn parse_opt<T: std::str::FromStr>(h: &HashMap<String, String>, key: &str) -> Result<Option<T>> {
    match h.get(key).map(String::as_str) {
        None | Some("") => Ok(None),
        Some(_) => parse(h, key).map(Some),
    }
}

/// The file's own description, when it was written by this project: its header only, no tensor
/// read (what a page checks before it uses a file).
pub fn read_meta(bytes: &[u8]) -> Result<Option<Meta>> {
    let (_, m) = SafeTensors::read_metadata(bytes)
        .map_err(|e| Error::new(format!("not a safetensors file: {e}")))?;
    let Some(h) = m.metadata() else {
        return Ok(None);
    };
    let h: HashMap<String, String> = h.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let h = &h;
    if h.get("format").map(String::as_str) == Some(super::IMPORTED_FORMAT) {
        bail!(
            "the file holds a network imported from ONNX, not a built-in one: rgp predict, rgp export and rgp inspect read it"
        );
    }
    if h.get("format").map(String::as_str) != Some(FORMAT) {
        return Ok(None);
    }
    let version: u32 = parse(h, "format_version")?;
    if version > super::FORMAT_VERSION {
        bail!(
            "the file is format version {version}; this build reads up to {}",
            super::FORMAT_VERSION
        );
    }
    let model = match h.get("architecture").map(String::as_str) {
        Some("mlp") => ModelKind::Mlp,
        Some("cnn") => ModelKind::Cnn,
        other => bail!("the file's architecture {other:?} is not mlp or cnn"),
    };
    let widths = h
        .get("widths")
        .map(String::as_str)
        .unwrap_or("")
        .split(',')
        .map(|w| w.trim().parse::<u32>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| Error::new("the file's metadata 'widths' is not a list of numbers"))?;
    Ok(Some(Meta {
        arch: ArchSpec {
            model,
            inputs: parse(h, "inputs")?,
            input_hw: parse(h, "input_hw")?,
            classes: parse(h, "classes")?,
            widths,
        },
        nodes: parse_opt(h, "nodes")?,
        degree: parse_opt(h, "degree")?,
        fingerprint: h.get("fingerprint").filter(|s| !s.is_empty()).cloned(),
        link: h.get("link").filter(|s| !s.is_empty()).cloned(),
        dataset: h.get("dataset").cloned().unwrap_or_default(),
        input_max: parse(h, "input_max")?,
        input_mean: parse(h, "input_mean")?,
        input_std: parse(h, "input_std")?,
        columns: columns(h)?,
        test_accuracy: parse_opt(h, "test_accuracy")?,
    }))
}

/// Reads tensors by name, remembering which were used.
struct Reader<'a> {
    st: SafeTensors<'a>,
    used: BTreeSet<String>,
    arch: String,
}

impl<'a> Reader<'a> {
    fn get(&mut self, name: &str) -> Option<TensorView<'a>> {
        let t = self.st.tensor(name).ok()?;
        self.used.insert(name.to_string());
        Some(t)
    }

    fn shape_err(&self, name: &str, got: &[usize], want: &[usize]) -> Error {
        Error::new(format!(
            "tensor {name} has shape {got:?}; a {} needs {want:?}",
            self.arch
        ))
    }

    fn floats(&mut self, name: &str, want: &[usize]) -> Result<Option<Vec<f32>>> {
        let arch = self.arch.clone();
        let Some(t) = self.get(name) else {
            return Ok(None);
        };
        if t.shape() != want {
            return Err(Error::new(format!(
                "tensor {name} has shape {:?}; a {arch} needs {want:?}",
                t.shape()
            )));
        }
        let d = t.data();
        Ok(Some(match t.dtype() {
            St::F32 => d
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            St::F16 => d
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            other => bail!("tensor {name} is {other:?}; expected F32 or F16"),
        }))
    }

    fn required(&mut self, name: &str, want: &[usize]) -> Result<Vec<f32>> {
        self.floats(name, want)?.ok_or_else(|| {
            Error::new(format!(
                "tensor {name} is missing (a {} needs it, shape {want:?})",
                self.arch
            ))
        })
    }

    fn mask(&mut self, name: &str, want: &[usize]) -> Result<Option<Vec<u8>>> {
        let Some(t) = self.get(name) else {
            return Ok(None);
        };
        if t.shape() != want {
            let got = t.shape().to_vec();
            return Err(self.shape_err(name, &got, want));
        }
        match t.dtype() {
            St::U8 | St::BOOL => Ok(Some(t.data().to_vec())),
            other => bail!("tensor {name} is {other:?}; a mask is U8 or BOOL"),
        }
    }

    /// The neighbour table, checked to be a connected k-regular graph (rows may include the
    /// node itself when the masks kept the diagonal).
    fn neighbors(&mut self) -> Result<Option<Vec<Vec<u32>>>> {
        let Some(t) = self.get("graph.neighbors") else {
            return Ok(None);
        };
        // Zero-size tensors are valid safetensors: a table of no columns (or rows) is refused
        // here, before any row is looked up.
        let (&[n, r], dtype) = (t.shape(), t.dtype()) else {
            bail!(
                "tensor graph.neighbors must be n x k (got shape {:?})",
                t.shape()
            );
        };
        if n == 0 || r == 0 {
            bail!("tensor graph.neighbors must be n x k with n, k ≥ 1 (got shape [{n}, {r}])");
        }
        let vals: Vec<i64> = match dtype {
            St::I32 => t
                .data()
                .chunks_exact(4)
                .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64)
                .collect(),
            St::I64 => t
                .data()
                .chunks_exact(8)
                .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
                .collect(),
            other => bail!("tensor graph.neighbors is {other:?}; expected I32 or I64"),
        };
        if let Some(v) = vals.iter().find(|&&v| v < 0 || v >= n as i64) {
            bail!("graph.neighbors names node {v}, outside 0..{n}");
        }
        let rows: Vec<Vec<u32>> = vals
            .chunks(r.max(1))
            .map(|c| c.iter().map(|&v| v as u32).collect())
            .collect();
        let self_loops = rows.first().is_some_and(|r0| r0.contains(&0));
        for (i, row) in rows.iter().enumerate() {
            if row.windows(2).any(|w| w[0] >= w[1]) {
                bail!("graph.neighbors row {i} is not strictly increasing");
            }
            if row.contains(&(i as u32)) != self_loops {
                bail!("graph.neighbors row {i} differs from row 0 in keeping its own node");
            }
        }
        let has = |i: usize, j: usize| i != j && rows[i].binary_search(&(j as u32)).is_ok();
        graph_from_matrix(n, |i, j| if has(i, j) { 1.0 } else { 0.0 })
            .map_err(|e| Error::new(format!("graph.neighbors is not a usable graph: {e}")))?;
        Ok(Some(rows))
    }
}

/// Unpacks `[out, block_in, kk]` blocks into dense weights and their mask.
fn unpack(b: &[f32], rows: &[Vec<u32>], out: usize, inp: usize, kk: usize) -> (Vec<f32>, Vec<u8>) {
    let n = rows.len();
    let (go, gi) = (out / n, inp / n);
    let g = gather(rows, gi);
    let bi = g.len() / n;
    let (mut w, mut m) = (vec![0f32; out * inp * kk], vec![0u8; out * inp * kk]);
    for o in 0..out {
        for (t, &c) in g[(o / go) * bi..][..bi].iter().enumerate() {
            let (src, dst) = ((o * bi + t) * kk, (o * inp + c) * kk);
            w[dst..dst + kk].copy_from_slice(&b[src..src + kk]);
            m[dst..dst + kk].fill(1);
        }
    }
    (w, m)
}

fn layer(
    rd: &mut Reader,
    s: &super::arch::WeightLayer,
    rows: Option<&[Vec<u32>]>,
) -> Result<Layer> {
    let blocks_name = format!("{}.blocks", s.name);
    let (weight, mask) = if rd.st.tensor(&blocks_name).is_ok() {
        let Some(rows) = rows else {
            bail!("tensor {blocks_name} needs graph.neighbors, which the file lacks");
        };
        let n = rows.len();
        let r = rows[0].len();
        if !s.out.is_multiple_of(n) || !s.inp.is_multiple_of(n) {
            bail!(
                "tensor {blocks_name}: {n} groups do not divide the layer's {} x {} channels",
                s.out,
                s.inp
            );
        }
        let bi = r * (s.inp / n);
        let want = match s.kind {
            crate::mapping::LayerKind::Linear => vec![n, s.out / n, bi],
            crate::mapping::LayerKind::Conv => vec![s.out, bi, s.kernel, s.kernel],
        };
        let b = rd.required(&blocks_name, &want)?;
        let (w, m) = unpack(&b, rows, s.out, s.inp, s.kk());
        (w, Some(m))
    } else {
        let w = rd.required(&format!("{}.weight", s.name), &s.shape())?;
        let m = rd.mask(&format!("{}.mask", s.name), &s.shape())?;
        (w, m)
    };
    let bias = if s.bias {
        Some(rd.required(&format!("{}.bias", s.name), &[s.out])?)
    } else {
        None
    };
    Ok(Layer {
        name: s.name.clone(),
        weight,
        bias,
        mask,
    })
}

/// Decodes a model file. `expected` (the app's or the command's current network) supplies the
/// architecture and input normalisation when the file has no metadata of ours (e.g. saved from
/// PyTorch under the documented names); when given, the file must match it.
pub fn decode(bytes: &[u8], expected: Option<&Meta>) -> Result<ModelFile> {
    let own = read_meta(bytes)?;
    let meta = match (own, expected) {
        (Some(m), _) => m,
        (None, Some(e)) => e.clone(),
        (None, None) => bail!(
            "the file has no RGP Studio metadata; its architecture is unknown (load it into a configured network instead)"
        ),
    };
    let arch = expected.map_or(&meta.arch, |e| &e.arch);
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| Error::new(format!("not a safetensors file: {e}")))?;
    let mut rd = Reader {
        st,
        used: BTreeSet::new(),
        arch: arch.describe(),
    };
    let rows = rd.neighbors()?;
    let mut layers = Vec::new();
    for s in arch.weight_layer_list()? {
        layers.push(layer(&mut rd, &s, rows.as_deref())?);
    }
    let mut norms = Vec::new();
    for i in 0..arch.norm_layers() {
        let c = [arch.widths[i] as usize];
        let mut get = |w: &str| rd.required(&format!("norms.{i}.{w}"), &c);
        norms.push(Norm {
            weight: get("weight")?,
            bias: get("bias")?,
            running_mean: get("running_mean")?,
            running_var: get("running_var")?,
        });
    }
    rd.get("graph.adjacency");
    let names: Vec<String> = rd.st.names().into_iter().map(String::from).collect();
    if let Some(extra) = names.iter().find(|n| !rd.used.contains(*n)) {
        bail!("unexpected tensor {extra} (not part of a {})", rd.arch);
    }
    let mut f = ModelFile {
        meta: Meta {
            arch: arch.clone(),
            ..meta
        },
        layers,
        norms,
        neighbors: rows,
    };
    f.validate()?;
    Ok(f)
}
