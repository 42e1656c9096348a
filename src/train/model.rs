//! The two networks the app trains: an MLP and a small CNN, masked or dense.

use super::layers::{MaskedConv2d, MaskedLinear, RELU_GAIN};
use crate::Result;
use crate::graph::Rng;
use crate::mapping::{CnnSpec, Connectivity, MaskOptions, MlpSpec};
use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

#[derive(Module, Debug)]
pub struct Mlp {
    pub layers: Vec<MaskedLinear>,
}

#[derive(Module, Debug)]
pub struct Cnn {
    pub convs: Vec<MaskedConv2d>,
    /// BatchNorm after every conv (batch statistics in training, running ones in evaluation).
    pub norms: Vec<BatchNorm>,
    pub head: MaskedLinear,
    /// Input image side.
    pub hw: usize,
}

#[derive(Module, Debug)]
pub enum Net {
    Mlp(Mlp),
    Cnn(Cnn),
}

impl Net {
    /// Builds the MLP; `conn = None` gives the dense baseline. Weights come from
    /// `Rng::derive(seed, "init")`, so every backend and platform starts from the same network.
    pub fn mlp(
        spec: &MlpSpec,
        conn: Option<&Connectivity>,
        opts: &MaskOptions,
        seed: u64,
        device: &Device,
    ) -> Result<Net> {
        let arch = spec.arch(opts)?;
        let mut rng = Rng::derive(seed, "init");
        let count = arch.layers().count();
        let layers = arch
            .layers()
            .enumerate()
            .map(|(i, l)| {
                let gain = if i + 1 == count { 1.0 } else { RELU_GAIN };
                let c = if l.masked { conn } else { None };
                MaskedLinear::new(
                    l.in_ch as usize,
                    l.out_ch as usize,
                    c,
                    gain,
                    &mut rng,
                    device,
                )
            })
            .collect::<Result<_>>()?;
        Ok(Net::Mlp(Mlp { layers }))
    }

    pub fn cnn(
        spec: &CnnSpec,
        conn: Option<&Connectivity>,
        opts: &MaskOptions,
        seed: u64,
        device: &Device,
    ) -> Result<Net> {
        let arch = spec.arch(opts)?;
        let mut rng = Rng::derive(seed, "init");
        let mut convs = Vec::new();
        let mut norms = Vec::new();
        let mut head = None;
        for l in arch.layers() {
            let c = if l.masked { conn } else { None };
            match l.kind {
                crate::mapping::LayerKind::Conv => {
                    convs.push(MaskedConv2d::new(
                        l.in_ch as usize,
                        l.out_ch as usize,
                        l.kernel as usize,
                        l.stride as usize,
                        l.bias,
                        c,
                        RELU_GAIN,
                        &mut rng,
                        device,
                    )?);
                    norms.push(BatchNormConfig::new(l.out_ch as usize).init(device));
                }
                crate::mapping::LayerKind::Linear => {
                    head = Some(MaskedLinear::new(
                        l.in_ch as usize,
                        l.out_ch as usize,
                        c,
                        1.0,
                        &mut rng,
                        device,
                    )?)
                }
            }
        }
        let head = head.expect("the CNN layout ends with a linear head");
        Ok(Net::Cnn(Cnn {
            convs,
            norms,
            head,
            hw: spec.input_hw as usize,
        }))
    }

    /// Logits `[batch, classes]` for flattened images `[batch, hw·hw]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Net::Mlp(m) => {
                let last = m.layers.len() - 1;
                let mut h = x;
                for (i, l) in m.layers.iter().enumerate() {
                    h = l.forward(h);
                    if i < last {
                        h = relu(h);
                    }
                }
                h
            }
            Net::Cnn(c) => {
                let [b, _] = x.dims();
                let mut h: Tensor<4> = x.reshape([b, 1, c.hw, c.hw]);
                for (conv, norm) in c.convs.iter().zip(&c.norms) {
                    h = relu(norm.forward(conv.forward(h)));
                }
                let [b, ch, hh, ww] = h.dims();
                // Global average pooling.
                let pooled: Tensor<2> = h.reshape([b, ch, hh * ww]).mean_dim(2).reshape([b, ch]);
                c.head.forward(pooled)
            }
        }
    }

    /// Every masked layer's effective weights and mask, flattened (for checks and tests).
    pub fn masked_layers(&self) -> Vec<(Tensor<1>, Tensor<1>)> {
        let mut out = Vec::new();
        let mut lin = |l: &MaskedLinear| {
            if let Some(m) = &l.mask {
                out.push((l.weight.val().flatten(0, 1), m.clone().flatten(0, 1)));
            }
        };
        match self {
            Net::Mlp(m) => m.layers.iter().for_each(&mut lin),
            Net::Cnn(c) => {
                lin(&c.head);
                for conv in &c.convs {
                    if let Some(m) = &conv.mask {
                        out.push((conv.weight.val().flatten(0, 3), m.clone().flatten(0, 3)));
                    }
                }
            }
        }
        out
    }
}
