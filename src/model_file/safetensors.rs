//! The safetensors encoding of a [`ModelFile`], dense or packed (docs/MODEL_FILES.md); reading
//! one back is [`super::safetensors_read`].

use super::{Dtype, FORMAT, Layer, Layout, Meta, ModelFile};
use crate::{Error, Result};
use safetensors::tensor::{Dtype as St, TensorView};

pub(super) fn f16_round(x: f32) -> f32 {
    half::f16::from_f32(x).to_f32()
}

/// One tensor to write: dtype, shape, little-endian bytes.
struct Out {
    name: String,
    dtype: St,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

fn floats(name: String, shape: Vec<usize>, v: &[f32], dtype: Dtype) -> Out {
    let (dtype, bytes) = match dtype {
        Dtype::F32 => (St::F32, v.iter().flat_map(|x| x.to_le_bytes()).collect()),
        Dtype::F16 => (
            St::F16,
            v.iter()
                .flat_map(|&x| half::f16::from_f32(x).to_le_bytes())
                .collect(),
        ),
    };
    Out {
        name,
        dtype,
        shape,
        bytes,
    }
}

/// Gather table of a packed layer: block `i` reads input channels `rows[i]` × group width.
pub(super) fn gather(rows: &[Vec<u32>], group_in: usize) -> Vec<usize> {
    rows.iter()
        .flat_map(|r| {
            r.iter()
                .flat_map(move |&j| j as usize * group_in..(j as usize + 1) * group_in)
        })
        .collect()
}

/// Packed blocks of a layer whose mask is exactly the graph's block mask, or `None`.
pub(super) fn pack(
    l: &Layer,
    out: usize,
    inp: usize,
    kk: usize,
    rows: &[Vec<u32>],
) -> Option<Vec<f32>> {
    let n = rows.len();
    let mask = l.mask.as_ref()?;
    if n == 0 || !out.is_multiple_of(n) || !inp.is_multiple_of(n) {
        return None;
    }
    let (go, gi) = (out / n, inp / n);
    let g = gather(rows, gi);
    let bi = g.len() / n;
    let mut expect = vec![0u8; out * inp * kk];
    let mut blocks = Vec::with_capacity(out * bi * kk);
    for o in 0..out {
        for &c in &g[(o / go) * bi..][..bi] {
            let at = (o * inp + c) * kk;
            expect[at..at + kk].fill(1);
            blocks.extend_from_slice(&l.weight[at..at + kk]);
        }
    }
    (expect == *mask).then_some(blocks)
}

fn metadata(m: &Meta, layout: Layout, dtype: Dtype) -> Vec<(String, String)> {
    let widths: Vec<String> = m.arch.widths.iter().map(|w| w.to_string()).collect();
    let mut h = Vec::new();
    let mut put = |k: &str, v: String| h.push((k.to_string(), v));
    put("format", FORMAT.into());
    put("format_version", super::FORMAT_VERSION.to_string());
    put("layout", format!("{layout:?}").to_lowercase());
    put("dtype", format!("{dtype:?}").to_lowercase());
    put("architecture", m.arch.model.as_str().into());
    put("widths", widths.join(","));
    put("inputs", m.arch.inputs.to_string());
    put("input_hw", m.arch.input_hw.to_string());
    put("classes", m.arch.classes.to_string());
    put("dataset", m.dataset.clone());
    put("input_max", m.input_max.to_string());
    put("input_mean", m.input_mean.to_string());
    put("input_std", m.input_std.to_string());
    match &m.columns {
        None => put(
            "normalisation",
            "x = (pixel / input_max - input_mean) / input_std, row-major pixels".into(),
        ),
        Some(c) => {
            put(
                "normalisation",
                "x = (value - mean) / std per column, in input_columns' order".into(),
            );
            put(
                "input_columns",
                serde_json::to_string(c).unwrap_or_default(),
            );
        }
    }
    let opt = |v: Option<String>| v.unwrap_or_default();
    put("nodes", opt(m.nodes.map(|v| v.to_string())));
    put("degree", opt(m.degree.map(|v| v.to_string())));
    put("fingerprint", opt(m.fingerprint.clone()));
    put("link", opt(m.link.clone()));
    put("test_accuracy", opt(m.test_accuracy.map(|v| v.to_string())));
    h
}

/// Encodes a validated model file.
pub fn encode(f: &ModelFile, layout: Layout, dtype: Dtype) -> Result<Vec<u8>> {
    let specs = f.meta.arch.weight_layer_list()?;
    let mut outs = Vec::new();
    let rows = f.neighbors.as_deref();
    for (l, s) in f.layers.iter().zip(&specs) {
        let packed = match (layout, rows) {
            (Layout::Packed, Some(r)) => pack(l, s.out, s.inp, s.kk(), r),
            _ => None,
        };
        match packed {
            Some(b) => {
                let n = rows.map_or(1, |r| r.len());
                let bi = b.len() / (s.out * s.kk());
                let shape = match s.kind {
                    crate::mapping::LayerKind::Linear => vec![n, s.out / n, bi],
                    crate::mapping::LayerKind::Conv => vec![s.out, bi, s.kernel, s.kernel],
                };
                outs.push(floats(format!("{}.blocks", s.name), shape, &b, dtype));
            }
            None => {
                outs.push(floats(
                    format!("{}.weight", s.name),
                    s.shape(),
                    &l.weight,
                    dtype,
                ));
                if let Some(m) = &l.mask {
                    outs.push(Out {
                        name: format!("{}.mask", s.name),
                        dtype: St::U8,
                        shape: s.shape(),
                        bytes: m.clone(),
                    });
                }
            }
        }
        if let Some(b) = &l.bias {
            outs.push(floats(format!("{}.bias", s.name), vec![s.out], b, dtype));
        }
    }
    for (i, n) in f.norms.iter().enumerate() {
        for (what, v) in [
            ("weight", &n.weight),
            ("bias", &n.bias),
            ("running_mean", &n.running_mean),
            ("running_var", &n.running_var),
        ] {
            outs.push(floats(format!("norms.{i}.{what}"), vec![v.len()], v, dtype));
        }
    }
    if let Some(rows) = rows {
        let n = rows.len();
        let r = rows.first().map_or(0, |r| r.len());
        let table: Vec<u8> = rows
            .iter()
            .flatten()
            .flat_map(|&j| (j as i32).to_le_bytes())
            .collect();
        outs.push(Out {
            name: "graph.neighbors".into(),
            dtype: St::I32,
            shape: vec![n, r],
            bytes: table,
        });
        if layout == Layout::Dense {
            let mut adj = vec![0u8; n * n];
            for (i, row) in rows.iter().enumerate() {
                for &j in row.iter().filter(|&&j| j as usize != i) {
                    adj[i * n + j as usize] = 1;
                }
            }
            outs.push(Out {
                name: "graph.adjacency".into(),
                dtype: St::U8,
                shape: vec![n, n],
                bytes: adj,
            });
        }
    }
    let views = outs
        .iter()
        .map(|o| {
            TensorView::new(o.dtype, o.shape.clone(), &o.bytes)
                .map(|v| (o.name.clone(), v))
                .map_err(|e| Error::new(format!("cannot encode tensor {}: {e}", o.name)))
        })
        .collect::<Result<Vec<_>>>()?;
    // The map type follows the crate's std/no_std build, hence the collect.
    let info = metadata(&f.meta, layout, dtype).into_iter().collect();
    safetensors::serialize(views, Some(info))
        .map_err(|e| Error::new(format!("cannot encode the model file: {e}")))
}
