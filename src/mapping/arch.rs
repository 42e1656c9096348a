//! Layer lists of the networks we account for: our MLP and CNN (the ones the app trains) and the
//! reference code's CIFAR architectures (`vgg16_bn`, `cResNet18`, `resnet56`, 32×32 input).

use super::reference_nets;
use crate::{Error, Result, bail};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    Linear,
    Conv,
}

/// One weight layer. Spatial sizes are square; a linear layer has `kernel = 1`, `out_hw = 1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    pub name: String,
    pub kind: LayerKind,
    pub in_ch: u32,
    pub out_ch: u32,
    pub kernel: u32,
    pub stride: u32,
    /// Output height (= width).
    pub out_hw: u32,
    pub bias: bool,
    /// Carries the graph mask (otherwise dense).
    pub masked: bool,
    /// The reference code would build this layer as a conv (its MLPs are 1×1 convs), so its
    /// `cal_flops` scales it by d/n; a real `nn.Linear` (ResNet56's fc) is not scaled there.
    pub paper_conv: bool,
}

impl Layer {
    pub fn weights(&self) -> u64 {
        self.in_ch as u64 * self.out_ch as u64 * (self.kernel * self.kernel) as u64
    }
    pub fn positions(&self) -> u64 {
        (self.out_hw * self.out_hw) as u64
    }
}

/// Everything the reference `cal_flops` hooks see, in forward order. The reference archs' BatchNorm
/// is non-affine (no parameters) as in the reference runs; ours is affine (`channels` scales and
/// shifts). Only `nn.ReLU` modules count (not `F.relu`), and adaptive pooling is not hooked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Weight(Layer),
    BatchNorm { elements: u64, affine_channels: u32 },
    Relu { elements: u64 },
    Pool { kernel: u32, out_elements: u64 },
}

/// The two networks the app and `rgp train` build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    #[default]
    Mlp,
    Cnn,
}

impl ModelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelKind::Mlp => "mlp",
            ModelKind::Cnn => "cnn",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arch {
    pub name: String,
    pub ops: Vec<Op>,
}

impl Arch {
    pub fn layers(&self) -> impl Iterator<Item = &Layer> {
        self.ops
            .iter()
            .filter_map(|o| if let Op::Weight(l) = o { Some(l) } else { None })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum ArchName {
    Mlp,
    Cnn,
    #[cfg_attr(feature = "cli", value(name = "vgg16_bn"))]
    Vgg16Bn,
    Resnet18,
    Resnet56,
}

impl FromStr for ArchName {
    type Err = Error;
    fn from_str(s: &str) -> Result<ArchName> {
        Ok(match s {
            "mlp" => ArchName::Mlp,
            "cnn" => ArchName::Cnn,
            "vgg16_bn" => ArchName::Vgg16Bn,
            "resnet18" => ArchName::Resnet18,
            "resnet56" => ArchName::Resnet56,
            _ => bail!(
                "unknown architecture '{s}' (expected mlp, cnn, vgg16_bn, resnet18 or resnet56)"
            ),
        })
    }
}

/// Which layers carry the mask. First and last layers are dense by default, as in the
/// reference experiments (`--first-layer-dense --last-layer-dense`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaskOptions {
    pub first_dense: bool,
    pub last_dense: bool,
    /// Add the diagonal (group `i` feeds group `i`): the ablation; the reference has none.
    pub self_loops: bool,
}

impl Default for MaskOptions {
    fn default() -> Self {
        MaskOptions {
            first_dense: true,
            last_dense: true,
            self_loops: false,
        }
    }
}

/// `inputs → hidden[0] → … → hidden[last] → classes`, ReLU between layers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MlpSpec {
    pub inputs: u32,
    pub hidden: Vec<u32>,
    pub classes: u32,
}

impl MlpSpec {
    pub fn arch(&self, opts: &MaskOptions) -> Result<Arch> {
        if self.hidden.is_empty() {
            bail!("the MLP needs at least one hidden layer");
        }
        let widths: Vec<u32> = std::iter::once(self.inputs)
            .chain(self.hidden.iter().copied())
            .chain([self.classes])
            .collect();
        let last = widths.len() - 2;
        let mut ops = Vec::new();
        for i in 0..=last {
            let masked = !(i == 0 && opts.first_dense || i == last && opts.last_dense);
            ops.push(Op::Weight(Layer {
                name: format!("fc{}", i + 1),
                kind: LayerKind::Linear,
                in_ch: widths[i],
                out_ch: widths[i + 1],
                kernel: 1,
                stride: 1,
                out_hw: 1,
                bias: true,
                masked,
                paper_conv: true,
            }));
            if i < last {
                ops.push(Op::Relu {
                    elements: widths[i + 1] as u64,
                });
            }
        }
        Ok(Arch {
            name: "mlp".into(),
            ops,
        })
    }
}

/// 3×3 convs (padding 1; stride 2 for the first two, 1 after), each followed by BatchNorm and
/// ReLU, then global max pooling and a linear head. The first conv is dense by default; the
/// rest carry the mask.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CnnSpec {
    pub in_ch: u32,
    pub input_hw: u32,
    pub channels: Vec<u32>,
    pub classes: u32,
}

impl CnnSpec {
    pub fn stride(i: usize) -> u32 {
        if i < 2 { 2 } else { 1 }
    }

    pub fn arch(&self, opts: &MaskOptions) -> Result<Arch> {
        if self.channels.is_empty() {
            bail!("the CNN needs at least one conv layer");
        }
        let mut ops = Vec::new();
        let (mut c, mut hw) = (self.in_ch, self.input_hw);
        for (i, &out) in self.channels.iter().enumerate() {
            let s = Self::stride(i);
            hw = (hw - 1) / s + 1;
            ops.push(Op::Weight(Layer {
                name: format!("conv{}", i + 1),
                kind: LayerKind::Conv,
                in_ch: c,
                out_ch: out,
                kernel: 3,
                stride: s,
                out_hw: hw,
                bias: false,
                masked: !(i == 0 && opts.first_dense),
                paper_conv: true,
            }));
            let elements = out as u64 * (hw * hw) as u64;
            ops.push(Op::BatchNorm {
                elements,
                affine_channels: out,
            });
            ops.push(Op::Relu { elements });
            c = out;
        }
        ops.push(Op::Weight(Layer {
            name: "fc".into(),
            kind: LayerKind::Linear,
            in_ch: c,
            out_ch: self.classes,
            kernel: 1,
            stride: 1,
            out_hw: 1,
            bias: true,
            masked: !opts.last_dense,
            paper_conv: false,
        }));
        Ok(Arch {
            name: "cnn".into(),
            ops,
        })
    }
}

/// Builds the layer list of `name`. `mlp` and `cnn` use the given specs; the reference
/// architectures are the CIFAR variants (3×32×32 input, `classes` outputs).
///
/// `reference_layout`: build exactly what the reference `cal_flops` script measured (run with
/// its defaults: no dense first/last flags, so no classifier bias); otherwise the layout the
/// reference experiments trained, with `opts` choosing the dense layers.
pub fn build(
    name: ArchName,
    mlp: &MlpSpec,
    cnn: &CnnSpec,
    classes: u32,
    opts: &MaskOptions,
    reference_layout: bool,
) -> Result<Arch> {
    let opts = if reference_layout {
        MaskOptions {
            first_dense: false,
            last_dense: false,
            ..*opts
        }
    } else {
        *opts
    };
    match name {
        ArchName::Mlp => mlp.arch(&opts),
        ArchName::Cnn => cnn.arch(&opts),
        ArchName::Vgg16Bn => Ok(reference_nets::vgg16_bn(classes, &opts)),
        ArchName::Resnet18 => Ok(reference_nets::resnet18(classes, &opts)),
        ArchName::Resnet56 => Ok(reference_nets::resnet56(classes)),
    }
}
