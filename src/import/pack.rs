//! One weight layer of an imported network as ONNX nodes: unpruned, masked (pruned weights zero)
//! or packed (only the kept weights, in the `n` blocks of `mapping::PackedBlocks`).
//!
//! Packed conv: the model files' `PackedConv` (depthwise terms, summed, where a block reads at
//! most 16 input channels; else a Gather of the channels each block reads and a `Conv` with
//! `group = n` over `[out, row_len · group_in, kh, kw]`). Packed linear layer: the
//! gathered input `[N, n · block_in]` as `[n, N, block_in]`, one batched `MatMul` by the blocks
//! `[n, block_in, group_out]`, back to `[N, out]` (+ bias). Output channels keep their order, so
//! the layers after it read the same values as in the dense file.

use super::net::{Net, Op, Step, Tensor};
use super::write::conv_attrs;
use crate::mapping::{Connectivity, PackedBlocks, mask_matrix};
use crate::model_file::Layout;
use crate::model_file::onnx::{Builder, PackedConv, attr_int, attr_ints};
use crate::{Result, bail};

/// What one weight layer wrote.
pub(super) struct LayerWritten {
    pub kept: u64,
    pub weights: u64,
    pub packed: bool,
}

/// Names the node just added after its step (the layer table reads it back under that name).
fn name_last(g: &mut Builder, name: &str) {
    if let Some(n) = g.nodes.last_mut() {
        n.name = name.into();
    }
}

/// Appends the bias (if any) as an input of the weight node.
fn with_bias(g: &mut Builder, s: &Step, mut inputs: Vec<String>, b: Option<&[f32]>) -> Vec<String> {
    if let Some(b) = b {
        inputs.push(g.floats(&format!("{}.bias", s.name), &[b.len()], b));
    }
    inputs
}

/// `weight` with the pruned entries of an `out × in` mask zeroed (each entry spans `kk` values).
fn zeroed(weight: &Tensor, mask: &[f32], kk: usize) -> Vec<f32> {
    weight
        .data
        .chunks(kk)
        .zip(mask)
        .flat_map(|(w, &m)| w.iter().map(move |x| x * m))
        .collect()
}

/// The input channels of a packed layer, block by block, as int64.
fn gather_index(p: &PackedBlocks) -> Vec<i64> {
    p.gather.iter().map(|&c| c as i64).collect()
}

/// The layer's mask and its packing (when `n` divides both widths and the layout asks for it).
fn masking(
    s: &Step,
    conn: &Connectivity,
    out: usize,
    inp: usize,
    layout: Layout,
) -> Result<(Vec<f32>, Option<PackedBlocks>)> {
    let n = conn.n() as usize;
    if out < n || inp < n {
        bail!(
            "layer '{}' ({inp} → {out}) is narrower than the graph's {n} nodes: it cannot carry the mask",
            s.name
        );
    }
    let m = mask_matrix(conn, out as u32, inp as u32)?;
    let p = match layout {
        Layout::Packed => PackedBlocks::new(conn, out as u32, inp as u32)?,
        Layout::Dense => None,
    };
    Ok((m, p))
}

fn conv(
    g: &mut Builder,
    s: &Step,
    x: &str,
    y: &str,
    inp: usize,
    conn: Option<&Connectivity>,
    layout: Layout,
) -> Result<LayerWritten> {
    let Op::Conv {
        weight,
        bias,
        stride,
        pads,
        dilation,
        groups,
    } = &s.op
    else {
        bail!("step '{}' is not a Conv", s.name);
    };
    // Net::validate checked the weights against what the layer reads.
    let [out, _, kh, kw] = weight.shape[..] else {
        bail!("Conv '{}' has a weight of shape {:?}", s.name, weight.shape);
    };
    let (kernel, kk) = ([kh, kw], kh * kw);
    let attrs = |groups| conv_attrs(kernel, *stride, *pads, *dilation, groups);
    let whole = weight.len() as u64;
    let Some(conn) = conn else {
        let w = g.floats(&format!("{}.weight", s.name), &weight.shape, &weight.data);
        let ins = with_bias(g, s, vec![x.into(), w], bias.as_deref());
        let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
        g.node_named("Conv", &refs, attrs(*groups), y);
        name_last(g, &s.name);
        return Ok(LayerWritten {
            kept: whole,
            weights: whole,
            packed: false,
        });
    };
    if *groups != 1 {
        bail!(
            "layer '{}' is a grouped conv ({groups} groups): it cannot carry the mask",
            s.name
        );
    }
    let (m, p) = masking(s, conn, out, inp, layout)?;
    let kept = conn.kept(out as u32, inp as u32)? * kk as u64;
    if let Some(p) = &p {
        let conv = PackedConv {
            name: &s.name,
            weight: "weight",
            gather: &gather_index(p),
            n: p.n as usize,
            blocks: &p.pack(&weight.data, inp, kk),
            out,
            kernel,
        };
        conv.write(g, x, y, attrs, bias.as_deref());
    } else {
        let w = g.floats(
            &format!("{}.weight", s.name),
            &weight.shape,
            &zeroed(weight, &m, kk),
        );
        let ins = with_bias(g, s, vec![x.into(), w], bias.as_deref());
        let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
        g.node_named("Conv", &refs, attrs(1), y);
    }
    name_last(g, &s.name);
    Ok(LayerWritten {
        kept,
        weights: whole,
        packed: p.is_some(),
    })
}

/// The packed linear layer, channel-major as the model files' packed MLP (src/model_file/onnx.rs):
/// `[N, in]` transposed to `[in, N]` = `[n, group_in, N]`, whole groups gathered by the neighbour
/// table (each one contiguous copy) → `[n, block_in, N]`, one batched MatMul by the blocks
/// `[n, group_out, block_in]` → `[out, N]`, transposed back. Gathering columns of `[N, in]`
/// instead copies one float at a time and made the layer slower than the dense one.
fn packed_linear(g: &mut Builder, s: &Step, x: &str, w: &[f32], p: &PackedBlocks) -> String {
    let (n, bi, go) = (p.n as usize, p.block_in() as usize, p.group_out as usize);
    let gi = p.group_in as usize;
    let kept = p.pack(w, n * gi, 1);
    let rows = p.row_len as usize;
    // The neighbour table: the input group each block reads, block by block.
    let table: Vec<i64> = p
        .gather
        .chunks(gi)
        .map(|c| (c[0] as usize / gi) as i64)
        .collect();
    let table = g.ints(&format!("{}.neighbors", s.name), &[n, rows], &table);
    let shape = |g: &mut Builder, what: &str, v: &[i64]| {
        g.ints(&format!("{}.{what}", s.name), &[v.len()], v)
    };
    let groups = shape(g, "group_shape", &[n as i64, gi as i64, -1]);
    let split = shape(g, "block_shape", &[n as i64, bi as i64, -1]);
    let join = shape(g, "out_shape", &[(n * go) as i64, -1]);
    let blocks = g.floats(&format!("{}.weight", s.name), &[n, go, bi], &kept);
    let h = g.node("Transpose", &[x], vec![attr_ints("perm", &[1, 0])]);
    let h = g.node("Reshape", &[&h, &groups], vec![]);
    let h = g.node("Gather", &[&h, &table], vec![attr_int("axis", 0)]);
    let h = g.node("Reshape", &[&h, &split], vec![]);
    let h = g.node("MatMul", &[&blocks, &h], vec![]);
    name_last(g, &s.name);
    let h = g.node("Reshape", &[&h, &join], vec![]);
    g.node("Transpose", &[&h], vec![attr_ints("perm", &[1, 0])])
}

fn linear(
    g: &mut Builder,
    s: &Step,
    x: &str,
    y: &str,
    inp: usize,
    conn: Option<&Connectivity>,
    layout: Layout,
) -> Result<LayerWritten> {
    let Op::Linear { weight, bias } = &s.op else {
        bail!("step '{}' is not a linear layer", s.name);
    };
    let [out, _] = weight.shape[..] else {
        bail!(
            "linear layer '{}' has a weight of shape {:?}",
            s.name,
            weight.shape
        );
    };
    let whole = weight.len() as u64;
    let (values, kept, packed) = match conn {
        None => (weight.data.clone(), whole, None),
        Some(conn) => {
            let (m, p) = masking(s, conn, out, inp, layout)?;
            let kept = conn.kept(out as u32, inp as u32)?;
            (zeroed(weight, &m, 1), kept, p)
        }
    };
    if let Some(p) = &packed {
        let h = packed_linear(g, s, x, &weight.data, p);
        match bias {
            Some(b) => {
                let b = g.floats(&format!("{}.bias", s.name), &[out], b);
                g.node_named("Add", &[&h, &b], vec![], y);
            }
            None => g.node_named("Identity", &[&h], vec![], y),
        }
    } else {
        let w = g.floats(&format!("{}.weight", s.name), &weight.shape, &values);
        let ins = with_bias(g, s, vec![x.into(), w], bias.as_deref());
        let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
        g.node_named("Gemm", &refs, vec![attr_int("transB", 1)], y);
        name_last(g, &s.name);
    }
    Ok(LayerWritten {
        kept,
        weights: whole,
        packed: packed.is_some(),
    })
}

/// Writes weight step `s` (reading `x`, writing `y`) with `conn` as its mask, if any.
pub(super) fn weight_layer(
    g: &mut Builder,
    net: &Net,
    s: &Step,
    x: &str,
    y: &str,
    conn: Option<&Connectivity>,
    layout: Layout,
) -> Result<LayerWritten> {
    let from = net.shapes.get(s.inputs[0]).map(Vec::as_slice);
    match (&s.op, from) {
        (Op::Conv { .. }, Some([c, _, _])) => conv(g, s, x, y, *c, conn, layout),
        (Op::Linear { .. }, Some([f])) => linear(g, s, x, y, *f, conn, layout),
        (_, shape) => bail!(
            "layer '{}' reads a value of size {shape:?}; RGP Studio writes convolutions over [C, H, W] and linear layers over [F]",
            s.name
        ),
    }
}
