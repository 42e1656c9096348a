//! An imported network in our own terms: a list of steps over numbered values, each one of the
//! supported ops with its weights as plain f32 arrays. `lower` builds it from the parsed ONNX graph
//! (Identity and Dropout removed, Reshape to (N, -1) read as Flatten, Gemm's alpha and beta folded
//! into its weights, `ConstantOfShape` fills made real); the Burn interpreter, the predictor and
//! the ONNX writers (dense, packed) all start from it.

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
    /// Element-wise sum of all inputs (ONNX Add and Sum, same shapes).
    Add,
    /// Concatenation along channels (axis 1).
    Concat,
    /// [N, ...] to [N, rest].
    Flatten,
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

impl Net {
    /// The weight layers (Conv and Linear steps) in order: the rows of the layer table.
    pub fn weight_steps(&self) -> impl Iterator<Item = (usize, &Step)> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.op, Op::Conv { .. } | Op::Linear { .. }))
    }
}
