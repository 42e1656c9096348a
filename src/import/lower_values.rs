//! The values the lowering reads from the file: constant weights as f32 (a `ConstantOfShape` fill
//! made real), a window's padding with `same` auto-padding resolved, a linear layer's weight in
//! PyTorch's [out, in] order.

use super::net::{Pads, Tensor};
use super::onnx::Imported;
use super::shapes::Window;
use crate::{Error, Result, bail};
use onnx_ir::padding::{AutoPad, PaddingConfig2d};
use onnx_ir::{Argument, Node, TensorDataExt};

/// The values of a constant input, as f32 (a `ConstantOfShape` fill made real).
pub(super) fn floats(net: &Imported, node: &str, a: Option<&Argument>) -> Result<Tensor> {
    let Some(a) = a else {
        bail!("node '{node}' lacks a weight input");
    };
    if let Some(v) = a.value() {
        let data = v
            .to_f32_vec()
            .map_err(|e| Error::new(format!("node '{node}': weight '{}': {e:?}", a.name)))?;
        return Ok(Tensor {
            shape: v.shape().to_vec(),
            data,
        });
    }
    let fill = net.graph.nodes.iter().find_map(|n| match n {
        Node::ConstantOfShape(c) if c.outputs.first().is_some_and(|o| o.name == a.name) => {
            Some(c.config.value.as_ref().map_or(Ok(0.0), |v| v.scalar_f32()))
        }
        _ => None,
    });
    match (fill, net.constant_shape(a)) {
        (Some(Ok(x)), Some(shape)) => Ok(Tensor {
            data: vec![x; shape.iter().product()],
            shape,
        }),
        _ => bail!(
            "node '{node}' reads '{}' as a weight, but it is computed, not stored in the file",
            a.name
        ),
    }
}

pub(super) fn optional_floats(
    net: &Imported,
    node: &str,
    a: Option<&Argument>,
) -> Result<Option<Vec<f32>>> {
    match a {
        Some(a) if !a.is_optional() => Ok(Some(floats(net, node, Some(a))?.data)),
        _ => Ok(None),
    }
}

/// [top, left, bottom, right]; `same` auto-padding resolved for the input size `hw`.
pub(super) fn pads(w: &Window, hw: [usize; 2]) -> Pads {
    match w.auto {
        AutoPad::SameUpper | AutoPad::SameLower => {
            let total = |i: usize| {
                let s = w.s[i].max(1);
                let out = hw[i].div_ceil(s);
                let span = w.d[i]
                    .max(1)
                    .saturating_mul(w.k[i].max(1) - 1)
                    .saturating_add(1);
                out.saturating_sub(1)
                    .saturating_mul(s)
                    .saturating_add(span)
                    .saturating_sub(hw[i])
            };
            let (th, tw) = (total(0), total(1));
            if matches!(w.auto, AutoPad::SameUpper) {
                [th / 2, tw / 2, th - th / 2, tw - tw / 2]
            } else {
                [th - th / 2, tw - tw / 2, th / 2, tw / 2]
            }
        }
        _ => match w.pad {
            PaddingConfig2d::Valid => [0; 4],
            PaddingConfig2d::Explicit(t, l, b, r) => [*t, *l, *b, *r],
        },
    }
}

/// A linear layer's weight as [out, in]; `transposed` says the file stores it so already.
pub(super) fn linear_weight(node: &str, w: Tensor, transposed: bool, scale: f32) -> Result<Tensor> {
    let &[rows, cols] = w.shape.as_slice() else {
        bail!(
            "layer '{node}' has a weight of shape {:?}; a linear layer's weight has two dimensions",
            w.shape
        );
    };
    if w.data.len() != rows * cols {
        bail!(
            "layer '{node}': its weight holds {} values for a shape of {rows}×{cols}",
            w.data.len()
        );
    }
    let mut out = w.clone();
    if !transposed {
        out.shape = vec![cols, rows];
        for r in 0..rows {
            for c in 0..cols {
                out.data[c * rows + r] = w.data[r * cols + c];
            }
        }
    }
    if scale != 1.0 {
        out.data.iter_mut().for_each(|x| *x *= scale);
    }
    Ok(out)
}
