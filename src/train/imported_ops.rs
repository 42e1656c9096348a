//! The imported network's layers built from the file's weights, and its steps' functional ops
//! (convolution with the file's geometry, activations, pooling, joins).

use super::layers::MaskedConv2d;
use crate::import::net::{Op, Pads, Tensor as Weights};
use crate::mapping::{Connectivity, mask_matrix};
use crate::{Result, bail};
use burn::module::{Param, RunningState};
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::tensor::activation::{leaky_relu, relu, sigmoid, softmax};
use burn::tensor::module::{avg_pool2d, conv2d, max_pool2d};
use burn::tensor::ops::{AvgPoolOptions, ConvOptions, MaxPoolOptions, PadMode};
use burn::tensor::{Device, Tensor, TensorData};

/// A conv from the file's weights `[out, in / groups, kh, kw]`, under `conn` when given.
pub(super) fn conv_layer(
    weight: &Weights,
    bias: Option<&Vec<f32>>,
    groups: usize,
    conn: Option<&Connectivity>,
    name: &str,
    device: &Device,
) -> Result<MaskedConv2d> {
    let [out, inp, kh, kw] = weight.shape[..] else {
        bail!("layer '{name}' has a weight of rank {}", weight.shape.len());
    };
    let mask = match conn {
        Some(_) if groups > 1 => bail!("layer '{name}' is a grouped conv: it cannot carry a mask"),
        Some(c) => {
            let m = mask_matrix(c, out as u32, inp as u32)?;
            let full: Vec<f32> = m
                .iter()
                .flat_map(|&v| std::iter::repeat_n(v, kh * kw))
                .collect();
            Some(full)
        }
        None => None,
    };
    let shape = [out, inp, kh, kw];
    let t = |v: Vec<f32>| Tensor::<4>::from_data(TensorData::new(v, shape), device);
    let w = match &mask {
        Some(m) => weight.data.iter().zip(m).map(|(w, m)| w * m).collect(),
        None => weight.data.clone(),
    };
    Ok(MaskedConv2d {
        weight: Param::from_tensor(t(w)),
        bias: bias.map(|b| {
            Param::from_tensor(Tensor::from_data(TensorData::new(b.clone(), [out]), device))
        }),
        mask: mask.map(t),
        stride: 1,
        padding: 0,
    })
}

/// Burn's BatchNorm with the file's scale, bias and running statistics.
pub(super) fn norm_layer(
    [scale, bias, mean, var]: [&Vec<f32>; 4],
    epsilon: f32,
    device: &Device,
) -> BatchNorm {
    let t = |v: &Vec<f32>| Tensor::<1>::from_data(TensorData::new(v.clone(), [v.len()]), device);
    let n = BatchNormConfig::new(scale.len()).init(device);
    BatchNorm {
        // ONNX allows 0 (Burn's config does not).
        epsilon: epsilon as f64,
        gamma: Param::from_tensor(t(scale)),
        beta: Param::from_tensor(t(bias)),
        running_mean: RunningState::new(t(mean)),
        running_var: RunningState::new(t(var)),
        ..n
    }
}

/// A conv with the file's geometry; asymmetric padding is applied to the input first.
pub(super) fn conv(
    c: &MaskedConv2d,
    x: Tensor<4>,
    stride: [usize; 2],
    pads: Pads,
    dilation: [usize; 2],
    groups: usize,
) -> Tensor<4> {
    let [t, l, bo, r] = pads;
    let (x, padding) = if t == bo && l == r {
        (x, [t, l])
    } else {
        (x.pad([(t, bo), (l, r)], PadMode::Constant(0.0)), [0, 0])
    };
    let opts = ConvOptions::new(stride, padding, dilation, groups);
    conv2d(
        x,
        c.effective_weight(),
        c.bias.as_ref().map(|b| b.val()),
        opts,
    )
}

/// A weightless op on `inputs`; `rank` is the first input's rank without the batch, `out` the
/// output's shape as held.
pub(super) fn fixed(
    op: &Op,
    mut inputs: Vec<Tensor<4>>,
    rank: usize,
    out: [usize; 4],
) -> Tensor<4> {
    let pairs = |p: Pads| [(p[0], p[2]), (p[1], p[3])];
    let x = inputs[0].clone();
    match op {
        Op::Relu => relu(x),
        Op::LeakyRelu { alpha } => leaky_relu(x, *alpha as f64),
        Op::Sigmoid => sigmoid(x),
        Op::Tanh => x.tanh(),
        Op::MaxPool {
            kernel,
            stride,
            pads,
            dilation,
            ceil,
        } => {
            let o = MaxPoolOptions::new(*kernel)
                .with_stride(*stride)
                .with_padding_pairs(pairs(*pads))
                .with_dilation(*dilation)
                .with_ceil_mode(*ceil);
            max_pool2d(x, o)
        }
        Op::AvgPool {
            kernel,
            stride,
            pads,
            ceil,
            count_include_pad,
        } => {
            let o = AvgPoolOptions::new(*kernel)
                .with_stride(*stride)
                .with_padding_pairs(pairs(*pads))
                .with_count_include_pad(*count_include_pad)
                .with_ceil_mode(*ceil);
            avg_pool2d(x, o)
        }
        Op::GlobalAvgPool => x.mean_dim(3).mean_dim(2),
        Op::GlobalMaxPool => x.max_dim(3).max_dim(2),
        Op::Add => {
            let first = inputs.remove(0);
            inputs.into_iter().fold(first, |a, b| a + b)
        }
        Op::Concat => Tensor::cat(inputs, 1),
        Op::Flatten | Op::Reshape { .. } => x.reshape(out),
        // The last axis: features for a vector, the width for an image.
        Op::Softmax => softmax(x, if rank == 1 { 1 } else { 3 }),
        Op::Conv { .. } | Op::Linear { .. } | Op::BatchNorm { .. } => {
            unreachable!("weight steps are not fixed ops")
        }
    }
}
