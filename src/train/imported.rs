//! A user's imported network ([`crate::import::net::Net`]) as a Burn module built at run time:
//! its Conv and linear steps as the project's masked layers (`W ⊙ M` under the graph, or dense),
//! its BatchNorms as Burn's (running statistics loaded: evaluation uses them, training updates
//! them), the rest as functional ops over the values the steps number. Every value is held as
//! `[batch, C, H, W]`; a vector of `F` features is `[batch, F, 1, 1]`.

use super::layers::MaskedConv2d;
use super::packed::GraphLinear;
use crate::import::net::{Net, Op, Pads};
use crate::mapping::{Connectivity, mask_matrix};
use crate::{Result, bail};
use burn::module::{Module, Param, RunningState};
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::tensor::activation::{leaky_relu, relu, sigmoid, softmax};
use burn::tensor::module::{avg_pool2d, conv2d, max_pool2d};
use burn::tensor::ops::{AvgPoolOptions, ConvOptions, MaxPoolOptions, PadMode};
use burn::tensor::{Device, Tensor, TensorData};

/// A weight layer of the imported network.
#[derive(Module, Debug)]
// A network has a handful of layers: the size gap between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum WeightLayer {
    Conv(MaskedConv2d),
    Linear(GraphLinear),
}

/// What a step does, its weights left in the module.
#[derive(Clone, Debug)]
pub enum Kind {
    /// `layer` indexes [`ImportedNet::layers`]; the conv's geometry is here (the layer's own
    /// `stride` and `padding` fields are not read).
    Conv {
        layer: usize,
        stride: [usize; 2],
        pads: Pads,
        dilation: [usize; 2],
        groups: usize,
    },
    Linear {
        layer: usize,
    },
    /// `norm` indexes [`ImportedNet::norms`].
    Norm {
        norm: usize,
    },
    /// A weightless op of [`Op`].
    Fixed(Op),
}

/// One step of the plan: `kind` reads `inputs` and writes `output`.
#[derive(Clone, Debug)]
pub struct PlanStep {
    pub kind: Kind,
    pub inputs: Vec<usize>,
    pub output: usize,
}

/// The order of the steps and the shapes they work on (no weights).
#[derive(Clone, Debug)]
pub struct Plan {
    pub steps: Vec<PlanStep>,
    pub output: usize,
    /// Each value's shape, batch left out (value 0 is the input).
    pub shapes: Vec<Vec<usize>>,
}

#[derive(Module, Debug)]
pub struct ImportedNet {
    /// The Conv and linear steps in the network's order (the rows of the layer table).
    pub layers: Vec<WeightLayer>,
    pub norms: Vec<BatchNorm>,
    #[module(skip)]
    pub plan: Plan,
}

fn elements(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// A conv from the file's weights `[out, in / groups, kh, kw]`, under `conn` when given.
fn conv_layer(
    weight: &crate::import::net::Tensor,
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
fn norm_layer(
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

impl ImportedNet {
    /// The network `net` with one mask (or `None`, dense) per weight step, in the order of
    /// [`Net::weight_steps`]; `packed` puts masked linear layers whose widths the graph's size
    /// divides in the gather + blocks layout.
    pub fn new(
        net: &Net,
        masks: &[Option<&Connectivity>],
        packed: bool,
        device: &Device,
    ) -> Result<ImportedNet> {
        let count = net.weight_steps().count();
        if masks.len() != count {
            bail!(
                "{} masks given for a network of {count} weight layers",
                masks.len()
            );
        }
        if !matches!(net.shapes.first().map(Vec::len), Some(1 | 3)) {
            bail!(
                "the network's input has shape {:?}; RGP Studio reads [features] or [channels, height, width]",
                net.shapes.first()
            );
        }
        let (mut layers, mut norms, mut steps) = (Vec::new(), Vec::new(), Vec::new());
        for s in &net.steps {
            let rank = |v: usize| net.shapes.get(v).map_or(0, Vec::len);
            let kind = match &s.op {
                Op::Conv {
                    weight,
                    bias,
                    stride,
                    pads,
                    dilation,
                    groups,
                } => {
                    let conn = masks[layers.len()];
                    let conv = conv_layer(weight, bias.as_ref(), *groups, conn, &s.name, device)?;
                    layers.push(WeightLayer::Conv(conv));
                    Kind::Conv {
                        layer: layers.len() - 1,
                        stride: *stride,
                        pads: *pads,
                        dilation: *dilation,
                        groups: *groups,
                    }
                }
                Op::Linear { weight, bias } => {
                    if s.inputs.iter().any(|&v| rank(v) != 1) {
                        bail!("layer '{}' reads a value that is not a vector", s.name);
                    }
                    let [out, inp] = weight.shape[..] else {
                        bail!(
                            "layer '{}' has a weight of rank {}",
                            s.name,
                            weight.shape.len()
                        );
                    };
                    let conn = masks[layers.len()];
                    let b = bias.as_deref();
                    let l =
                        GraphLinear::from_weights(&weight.data, b, out, inp, conn, packed, device)?;
                    layers.push(WeightLayer::Linear(l));
                    Kind::Linear {
                        layer: layers.len() - 1,
                    }
                }
                Op::BatchNorm {
                    scale,
                    bias,
                    mean,
                    var,
                    epsilon,
                } => {
                    if scale.is_empty() {
                        bail!("BatchNorm '{}' has no channels", s.name);
                    }
                    norms.push(norm_layer([scale, bias, mean, var], *epsilon, device));
                    Kind::Norm {
                        norm: norms.len() - 1,
                    }
                }
                op => Kind::Fixed(op.clone()),
            };
            steps.push(PlanStep {
                kind,
                inputs: s.inputs.clone(),
                output: s.output,
            });
        }
        Ok(ImportedNet {
            layers,
            norms,
            plan: Plan {
                steps,
                output: net.output,
                shapes: net.shapes.clone(),
            },
        })
    }

    /// The input's size per example (features, or channels·height·width).
    pub fn input_size(&self) -> usize {
        elements(&self.plan.shapes[0])
    }

    /// The output's size per example (the classes).
    pub fn output_size(&self) -> usize {
        elements(&self.plan.shapes[self.plan.output])
    }

    /// The network's output `[batch, classes]` for flattened inputs `[batch, input_size]`, a
    /// final Softmax included (what ONNX Runtime returns).
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.run(x, false)
    }

    /// [`ImportedNet::forward`] without a final Softmax: the logits training reads.
    pub fn logits(&self, x: Tensor<2>) -> Tensor<2> {
        self.run(x, true)
    }

    /// Whether the network ends in a Softmax (left out by [`ImportedNet::logits`]).
    pub fn ends_in_softmax(&self) -> bool {
        self.plan
            .steps
            .iter()
            .any(|s| s.output == self.plan.output && matches!(s.kind, Kind::Fixed(Op::Softmax)))
    }

    fn run(&self, x: Tensor<2>, logits: bool) -> Tensor<2> {
        let [b, _] = x.dims();
        let plan = &self.plan;
        let shape4 = |s: &[usize]| match *s {
            [c, h, w] => [b, c, h, w],
            _ => [b, elements(s), 1, 1],
        };
        let mut values: Vec<Option<Tensor<4>>> = vec![None; plan.shapes.len()];
        values[0] = Some(x.reshape(shape4(&plan.shapes[0])));
        let mut result = plan.output;
        for s in &plan.steps {
            let arg = |i: usize| {
                values[s.inputs[i]]
                    .clone()
                    .expect("the steps read values written before them")
            };
            if logits && s.output == plan.output && matches!(s.kind, Kind::Fixed(Op::Softmax)) {
                result = s.inputs[0];
                break;
            }
            let y = match &s.kind {
                Kind::Conv {
                    layer,
                    stride,
                    pads,
                    dilation,
                    groups,
                } => {
                    let WeightLayer::Conv(c) = &self.layers[*layer] else {
                        unreachable!("a Conv step indexes a conv layer")
                    };
                    conv(c, arg(0), *stride, *pads, *dilation, *groups)
                }
                Kind::Linear { layer } => {
                    let WeightLayer::Linear(l) = &self.layers[*layer] else {
                        unreachable!("a linear step indexes a linear layer")
                    };
                    let y = l.forward(arg(0).flatten(1, 3));
                    let [b, f] = y.dims();
                    y.reshape([b, f, 1, 1])
                }
                Kind::Norm { norm } => self.norms[*norm].forward(arg(0)),
                Kind::Fixed(op) => {
                    let inputs = (0..s.inputs.len()).map(arg).collect();
                    let rank = plan.shapes[s.inputs[0]].len();
                    fixed(op, inputs, rank, shape4(&plan.shapes[s.output]))
                }
            };
            values[s.output] = Some(y);
        }
        let out = values[result].take().expect("the output is written");
        out.reshape([b, elements(&plan.shapes[result])])
    }
}

/// A conv with the file's geometry; asymmetric padding is applied to the input first.
fn conv(
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
fn fixed(op: &Op, mut inputs: Vec<Tensor<4>>, rank: usize, out: [usize; 4]) -> Tensor<4> {
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
        Op::Add => {
            let first = inputs.remove(0);
            inputs.into_iter().fold(first, |a, b| a + b)
        }
        Op::Concat => Tensor::cat(inputs, 1),
        Op::Flatten => x.reshape(out),
        // The last axis: features for a vector, the width for an image.
        Op::Softmax => softmax(x, if rank == 1 { 1 } else { 3 }),
        Op::Conv { .. } | Op::Linear { .. } | Op::BatchNorm { .. } => {
            unreachable!("weight steps are not fixed ops")
        }
    }
}
