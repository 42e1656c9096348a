//! The reference architectures `rgp mask` accounts (the CIFAR variants the paper pruned):
//! VGG16-BN, ResNet18 and ResNet56, built layer by layer as the reference code builds them.

use super::arch::{Arch, Layer, LayerKind, MaskOptions, Op};

pub(super) struct Builder {
    pub(super) ops: Vec<Op>,
    pub(super) hw: u32,
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
