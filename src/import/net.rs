//! An imported network in our own terms: a list of steps over numbered values, each one of the
//! supported ops with its weights as plain f32 arrays. `lower` builds it from the parsed ONNX graph
//! (Identity and Dropout removed, Reshape to (N, -1) read as Flatten, ReduceMean and ReduceMax over
//! height and width as global pooling, Gemm's alpha and beta folded into its weights,
//! `ConstantOfShape` fills made real); the Burn interpreter, the predictor and the ONNX writers
//! (dense, packed) all start from it.

use crate::{Result, bail};
use serde::{Deserialize, Serialize};

/// A weight array in row-major order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

impl Tensor {
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Padding of a 2-d window: [top, left, bottom, right] (ONNX's `pads` order is
/// [top, left, bottom, right] too).
pub type Pads = [usize; 4];

/// One supported operation. Shapes follow ONNX: activations are [N, C, H, W] or [N, F].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Op {
    /// `weight` [out, in / groups, kh, kw], `bias` [out].
    Conv {
        weight: Tensor,
        bias: Option<Vec<f32>>,
        stride: [usize; 2],
        pads: Pads,
        dilation: [usize; 2],
        groups: usize,
    },
    /// `weight` [out, in] (PyTorch's order; a Gemm's alpha and beta are folded in), `bias` [out].
    Linear {
        weight: Tensor,
        bias: Option<Vec<f32>>,
    },
    /// Inference-mode batch normalisation over channels (axis 1).
    BatchNorm {
        scale: Vec<f32>,
        bias: Vec<f32>,
        mean: Vec<f32>,
        var: Vec<f32>,
        epsilon: f32,
    },
    Relu,
    LeakyRelu {
        alpha: f32,
    },
    Sigmoid,
    Tanh,
    MaxPool {
        kernel: [usize; 2],
        stride: [usize; 2],
        pads: Pads,
        dilation: [usize; 2],
        ceil: bool,
    },
    AvgPool {
        kernel: [usize; 2],
        stride: [usize; 2],
        pads: Pads,
        ceil: bool,
        count_include_pad: bool,
    },
    GlobalAvgPool,
    /// The largest value of each channel over height and width (ONNX GlobalMaxPool, ReduceMax).
    GlobalMaxPool,
    /// Element-wise sum of all inputs (ONNX Add and Sum, same shapes).
    Add,
    /// Concatenation along channels (axis 1).
    Concat,
    /// [N, ...] to [N, rest].
    Flatten,
    /// [N, ...] to [N, `to`...]: the same values in the same order (a Reshape that keeps the batch).
    Reshape {
        to: Vec<usize>,
    },
    /// Softmax over the last axis (only at the output).
    Softmax,
}

/// One step: `op` reads the values `inputs` and writes the value `output`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// The node's name as the parser gives it (also the layer table's name).
    pub name: String,
    pub op: Op,
    pub inputs: Vec<usize>,
    pub output: usize,
}

/// The network: value 0 is the input, of fixed size `shapes[0]` ([C, H, W] or [F]); steps are in
/// an order where every input is written before it is read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Net {
    pub steps: Vec<Step>,
    /// The value the network returns.
    pub output: usize,
    /// Each value's size, batch left out, by value number (value 0 is the input).
    pub shapes: Vec<Vec<usize>>,
}

/// Values in a value of size `shape` (None: more than a `usize`: a file can claim any size).
pub fn count(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |p, &d| p.checked_mul(d))
}

/// `1×28×28`: a value's size as messages write it.
pub fn dims(shape: &[usize]) -> String {
    shape
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("×")
}

/// Refuses a weight step whose weights do not fit the value it reads (`input`: its size).
fn check_fit(s: &Step, input: &[usize]) -> Result<()> {
    match (&s.op, input) {
        (
            Op::Conv {
                weight,
                bias,
                groups,
                ..
            },
            &[c, _, _],
        ) => {
            let out = weight.shape.first().copied().unwrap_or(0);
            let fits = weight.shape.len() == 4
                && weight.len() == weight.shape.iter().product::<usize>()
                && weight.shape[1] * groups == c
                && out > 0
                && out.is_multiple_of(*groups)
                && bias.as_ref().is_none_or(|b| b.len() == out);
            if !fits {
                bail!(
                    "Conv '{}' has a weight of shape {:?} for {c} input channels",
                    s.name,
                    weight.shape
                );
            }
        }
        (Op::Conv { .. }, _) => bail!(
            "Conv '{}' reads a value of size {input:?}; a convolution reads [C, H, W]",
            s.name
        ),
        (Op::Linear { weight, bias }, &[f]) => {
            let fits = matches!(weight.shape[..], [out, w] if w == f && weight.len() == out * f)
                && bias.as_ref().is_none_or(|b| b.len() == weight.shape[0]);
            if !fits {
                bail!(
                    "linear layer '{}' has a weight of shape {:?} for {f} inputs",
                    s.name,
                    weight.shape
                );
            }
        }
        (Op::Linear { .. }, _) => {
            bail!("layer '{}' reads a value that is not a vector", s.name)
        }
        (
            Op::BatchNorm {
                scale,
                bias,
                mean,
                var,
                ..
            },
            _,
        ) => {
            let c = input.first().copied().unwrap_or(0);
            if c == 0 || [scale, bias, mean, var].iter().any(|v| v.len() != c) {
                bail!(
                    "BatchNorm '{}' has statistics that do not fit its {c} channels",
                    s.name
                );
            }
        }
        _ => {}
    }
    Ok(())
}

impl Net {
    /// Every step reads values written before it (value 0 is the input) and writes one of known
    /// size, its weights fit what it reads, and the output is written: what the interpreter and
    /// the writers assume of a network, whether lowered from a file or built by hand.
    pub fn validate(&self) -> Result<()> {
        let mut written = vec![false; self.shapes.len()];
        if let Some(w) = written.first_mut() {
            *w = true;
        }
        for s in &self.steps {
            if s.inputs.is_empty()
                || s.inputs
                    .iter()
                    .any(|&v| !written.get(v).copied().unwrap_or(false))
            {
                bail!("step '{}' reads a value no earlier step writes", s.name);
            }
            check_fit(s, &self.shapes[s.inputs[0]])?;
            match written.get_mut(s.output) {
                Some(w) => *w = true,
                None => bail!("step '{}' writes a value of unknown shape", s.name),
            }
        }
        if !written.get(self.output).copied().unwrap_or(false) {
            bail!("no step writes the network's output");
        }
        Ok(())
    }

    /// The weight layers (Conv and Linear steps) in order: the rows of the layer table.
    pub fn weight_steps(&self) -> impl Iterator<Item = (usize, &Step)> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.op, Op::Conv { .. } | Op::Linear { .. }))
    }
}
