//! Layer lists of the networks we account for: our MLP and CNN (the ones the app trains) and the
//! reference code's CIFAR architectures (`vgg16_bn`, `cResNet18`, `resnet56`, 32×32 input).

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
        ArchName::Vgg16Bn => Ok(vgg16_bn(classes, &opts)),
        ArchName::Resnet18 => Ok(resnet18(classes, &opts)),
        ArchName::Resnet56 => Ok(resnet56(classes)),
    }
}

struct Builder {
    ops: Vec<Op>,
    hw: u32,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn conv(
        &mut self,
        name: String,
        i: u32,
        o: u32,
        k: u32,
        stride: u32,
        bias: bool,
        masked: bool,
    ) {
        self.hw = (self.hw - 1) / stride + 1;
        self.ops.push(Op::Weight(Layer {
            name,
            kind: LayerKind::Conv,
            in_ch: i,
            out_ch: o,
            kernel: k,
            stride,
            out_hw: self.hw,
            bias,
            masked,
            paper_conv: true,
        }));
    }
    fn elems(&self, c: u32) -> u64 {
        c as u64 * (self.hw * self.hw) as u64
    }
    fn bn(&mut self, c: u32) {
        let e = self.elems(c);
        self.ops.push(Op::BatchNorm {
            elements: e,
            affine_channels: 0,
        });
    }
    fn relu(&mut self, c: u32) {
        let e = self.elems(c);
        self.ops.push(Op::Relu { elements: e });
    }
}

/// VGG16 with BatchNorm (config D) as in the reference `models/vgg.py`: 13 3×3 convs, max pools,
/// adaptive average pool to 1×1, then two 512×512 1×1 convs and the 1×1 classifier.
pub fn vgg16_bn(classes: u32, opts: &MaskOptions) -> Arch {
    const CFG: [u32; 18] = [
        64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0,
    ];
    let mut b = Builder {
        ops: Vec::new(),
        hw: 32,
    };
    let (mut c, mut idx) = (3, 0);
    for &v in &CFG {
        if v == 0 {
            b.hw /= 2;
            let e = b.elems(c);
            b.ops.push(Op::Pool {
                kernel: 2,
                out_elements: e,
            });
        } else {
            idx += 1;
            let masked = !(idx == 1 && opts.first_dense);
            b.conv(format!("features.conv{idx}"), c, v, 3, 1, false, masked);
            b.bn(v);
            b.relu(v);
            c = v;
        }
    }
    b.hw = 1; // AdaptiveAvgPool2d(1): not hooked by cal_flops.
    for i in 1..=2 {
        b.conv(format!("classifier.conv{i}"), 512, 512, 1, 1, false, true);
        b.relu(512);
    }
    // With --last-layer-dense the classifier is a plain nn.Conv2d, which has a bias.
    b.conv(
        "classifier.out".into(),
        512,
        classes,
        1,
        1,
        opts.last_dense,
        !opts.last_dense,
    );
    Arch {
        name: "vgg16_bn".into(),
        ops: b.ops,
    }
}

/// cResNet18 (`models/resnet_cifar.py`): 3×3 stem, BasicBlocks [2,2,2,2] of widths
/// 64/128/256/512 with 1×1-conv shortcuts, adaptive average pool, 1×1-conv classifier.
/// Its ReLUs are `F.relu`, which `cal_flops` does not see.
pub fn resnet18(classes: u32, opts: &MaskOptions) -> Arch {
    let mut b = Builder {
        ops: Vec::new(),
        hw: 32,
    };
    b.conv("conv1".into(), 3, 64, 3, 1, false, !opts.first_dense);
    b.bn(64);
    let mut inp = 64;
    for (stage, planes) in [64u32, 128, 256, 512].into_iter().enumerate() {
        for blk in 0..2 {
            let stride = if stage > 0 && blk == 0 { 2 } else { 1 };
            let p = format!("layer{}.{blk}", stage + 1);
            let hw_in = b.hw;
            b.conv(format!("{p}.conv1"), inp, planes, 3, stride, false, true);
            b.bn(planes);
            b.conv(format!("{p}.conv2"), planes, planes, 3, 1, false, true);
            b.bn(planes);
            if stride != 1 || inp != planes {
                let hw_out = b.hw;
                b.hw = hw_in;
                b.conv(format!("{p}.shortcut"), inp, planes, 1, stride, false, true);
                debug_assert_eq!(b.hw, hw_out);
                b.bn(planes);
            }
            inp = planes;
        }
    }
    b.hw = 1;
    b.conv(
        "fc".into(),
        512,
        classes,
        1,
        1,
        opts.last_dense,
        !opts.last_dense,
    );
    Arch {
        name: "resnet18".into(),
        ops: b.ops,
    }
}

/// ResNet56 (`models/resnet56.py`, from HRank): dense 3→16 stem, three stages of nine
/// BasicBlocks (16/32/64 channels, option-A zero-pad shortcuts), dense `nn.Linear` head.
/// Stem and head are always dense there (the reference needs `--nodes 16`).
pub fn resnet56(classes: u32) -> Arch {
    let mut b = Builder {
        ops: Vec::new(),
        hw: 32,
    };
    b.conv("conv1".into(), 3, 16, 3, 1, false, false);
    b.bn(16);
    b.relu(16);
    let mut inp = 16;
    for (stage, planes) in [16u32, 32, 64].into_iter().enumerate() {
        for blk in 0..9 {
            let stride = if stage > 0 && blk == 0 { 2 } else { 1 };
            let p = format!("layer{}.{blk}", stage + 1);
            b.conv(format!("{p}.conv1"), inp, planes, 3, stride, false, true);
            b.bn(planes);
            b.relu(planes);
            b.conv(format!("{p}.conv2"), planes, planes, 3, 1, false, true);
            b.bn(planes);
            b.relu(planes);
            inp = planes;
        }
    }
    b.ops.push(Op::Weight(Layer {
        name: "fc".into(),
        kind: LayerKind::Linear,
        in_ch: 64,
        out_ch: classes,
        kernel: 1,
        stride: 1,
        out_hw: 1,
        bias: true,
        masked: false,
        paper_conv: false,
    }));
    Arch {
        name: "resnet56".into(),
        ops: b.ops,
    }
}
