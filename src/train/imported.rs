//! A user's imported network ([`crate::import::net::Net`]) as a Burn module built at run time:
//! its Conv and linear steps as the project's masked layers (`W ⊙ M` under the graph, or dense),
//! its BatchNorms as Burn's (running statistics loaded: evaluation uses them, training updates
//! them), the rest as functional ops over the values the steps number. Every value is held as
//! `[batch, C, H, W]`; a vector of `F` features is `[batch, F, 1, 1]`.

use super::host::read;
use super::imported_ops::{conv, conv_layer, fixed, norm_layer};
use super::layers::MaskedConv2d;
use super::packed::GraphLinear;
use crate::import::layers::masks;
use crate::import::lower::lower;
use crate::import::net::{Net, Op, Pads};
use crate::import::onnx;
use crate::mapping::Connectivity;
use crate::{Result, bail};
use burn::module::Module;
use burn::nn::BatchNorm;
use burn::tensor::{Device, Tensor};

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
        net.validate()?;
        if !matches!(net.shapes.first().map(Vec::len), Some(1 | 3)) {
            bail!(
                "the network's input has shape {:?}; RGP Studio reads [features] or [channels, height, width]",
                net.shapes.first()
            );
        }
        let (mut layers, mut norms, mut steps) = (Vec::new(), Vec::new(), Vec::new());
        for s in &net.steps {
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
                    let [out, inp] = weight.shape[..] else {
                        unreachable!("validate checked the weight's rank")
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

    /// The network of an ONNX file (`bytes`), dense or pruned by `conn` as the layer table
    /// chooses (less the layers `keep_dense` names).
    pub fn from_onnx(
        bytes: &[u8],
        prune: Option<(&Connectivity, &[String])>,
        packed: bool,
        device: &Device,
    ) -> Result<ImportedNet> {
        let file = onnx::read(bytes)?;
        let net = lower(&file)?;
        let Some((conn, keep_dense)) = prune else {
            return ImportedNet::new(&net, &vec![None; net.weight_steps().count()], false, device);
        };
        let (_, masks) = masks(&file, &net, conn, keep_dense)?;
        ImportedNet::new(&net, &masks, packed, device)
    }

    /// Every `W ⊙ M` layer's weights and mask, flattened ([`super::Net::masked_layers`]).
    pub fn masked_layers(&self) -> Vec<(Tensor<1>, Tensor<1>)> {
        let mut out = Vec::new();
        for l in &self.layers {
            match l {
                WeightLayer::Conv(c) => {
                    if let Some(m) = &c.mask {
                        out.push((c.weight.val().flatten(0, 3), m.clone().flatten(0, 3)));
                    }
                }
                WeightLayer::Linear(GraphLinear::Masked(l)) => {
                    if let Some(m) = &l.mask {
                        out.push((l.weight.val().flatten(0, 1), m.clone().flatten(0, 1)));
                    }
                }
                WeightLayer::Linear(GraphLinear::Packed(_)) => {}
            }
        }
        out
    }

    /// Kept weights per masked layer, in [`ImportedNet::masked_layers`] order, packed layers
    /// included; `Err` holds a packed layer's stored count, `Ok` a mask to count.
    pub fn kept_per_layer(&self) -> Vec<std::result::Result<Tensor<1>, usize>> {
        let stored = |t: Tensor<3>| t.dims().iter().product::<usize>();
        self.layers
            .iter()
            .filter_map(|l| match l {
                WeightLayer::Conv(c) => c.mask.clone().map(|m| Ok(m.flatten(0, 3))),
                WeightLayer::Linear(GraphLinear::Masked(l)) => {
                    l.mask.clone().map(|m| Ok(m.flatten(0, 1)))
                }
                WeightLayer::Linear(GraphLinear::Packed(p)) => Some(Err(stored(p.weight.val()))),
            })
            .collect()
    }

    /// The same network with every packed layer in the `W ⊙ M` form.
    pub async fn to_masked(&self, device: &Device) -> Result<ImportedNet> {
        let mut layers = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            layers.push(match l {
                WeightLayer::Conv(c) => WeightLayer::Conv(c.clone()),
                WeightLayer::Linear(g) => WeightLayer::Linear(g.to_masked(device).await?),
            });
        }
        Ok(ImportedNet {
            layers,
            norms: self.norms.clone(),
            plan: self.plan.clone(),
        })
    }

    /// `template` (the steps this network was built from) with this network's weights, read
    /// back from the device: what training changed, packed layers unpacked, pruned weights zero.
    pub async fn to_steps(&self, template: &Net, device: &Device) -> Result<Net> {
        let me = self.to_masked(device).await?;
        let mut net = template.clone();
        let (mut layers, mut norms) = (me.layers.iter(), me.norms.iter());
        for s in &mut net.steps {
            let missing = || crate::Error::new(format!("layer '{}' is not in the network", s.name));
            match &mut s.op {
                Op::Conv { weight, bias, .. } => {
                    let Some(WeightLayer::Conv(c)) = layers.next() else {
                        return Err(missing());
                    };
                    weight.data = read(c.effective_weight().flatten(0, 3)).await?;
                    if let Some(b) = &c.bias {
                        *bias = Some(read(b.val()).await?);
                    }
                }
                Op::Linear { weight, bias } => {
                    let Some(WeightLayer::Linear(GraphLinear::Masked(l))) = layers.next() else {
                        return Err(missing());
                    };
                    // Burn keeps [in, out]; the steps hold [out, in].
                    weight.data = read(l.effective_weight().transpose().flatten(0, 1)).await?;
                    *bias = Some(read(l.bias.val()).await?);
                }
                Op::BatchNorm {
                    scale,
                    bias,
                    mean,
                    var,
                    ..
                } => {
                    let n = norms.next().ok_or_else(missing)?;
                    *scale = read(n.gamma.val()).await?;
                    *bias = read(n.beta.val()).await?;
                    *mean = read(n.running_mean.value()).await?;
                    *var = read(n.running_var.value()).await?;
                }
                _ => {}
            }
        }
        net.validate()?;
        Ok(net)
    }

    /// Number of layers in the packed layout.
    pub fn packed_layers(&self) -> usize {
        self.layers
            .iter()
            .filter(|l| matches!(l, WeightLayer::Linear(GraphLinear::Packed(_))))
            .count()
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
