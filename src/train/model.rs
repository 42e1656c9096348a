//! The two networks the app trains: an MLP and a small CNN, masked or dense, optionally deep
//! (see [`Deep`]): residual connections and, for the MLP, BatchNorm after each hidden layer.

#[cfg(feature = "onnx")]
use super::imported::ImportedNet;
use super::layers::{MaskedConv2d, MaskedLinear, RELU_GAIN};
use super::packed::{GraphConv, GraphLinear};
use crate::Result;
use crate::graph::Rng;
use crate::mapping::{CnnSpec, Connectivity, MaskOptions, MlpSpec};
use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

#[derive(Module, Debug)]
pub struct Mlp {
    pub layers: Vec<GraphLinear>,
    /// BatchNorm after every hidden layer (before its ReLU), or empty. Per feature, so it passes
    /// no signal between groups and the mask's reachability stays exact.
    pub norms: Vec<BatchNorm>,
    /// Skip connections around the hidden layers whose input and output widths match.
    pub residual: bool,
}

/// Options of the deep variants; the default is the plain network.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deep {
    pub residual: bool,
    /// MLP only (the CNN always normalises).
    pub norm: bool,
}

/// `(h + f(h)) / √2`: the identity path keeps every input group reachable (paths of at most L
/// edges instead of walks of exactly L), and the scale keeps the activations' second moment
/// from doubling at every layer (2^16 at depth 16) without changing the initialisation.
fn residual<const D: usize>(h: Tensor<D>, f: Tensor<D>) -> Tensor<D> {
    (h + f).mul_scalar(std::f32::consts::FRAC_1_SQRT_2)
}

/// Receives a weight layer's index, input and output in [`Net::forward_traced`].
pub type Tracer<'a> = Option<&'a mut dyn FnMut(usize, Tensor<2>, Tensor<2>)>;

/// `[b, c, h, w]` as `[b·h·w, c]`: one row per position, one column per channel.
fn channels_last(t: Tensor<4>) -> Tensor<2> {
    let [b, c, h, w] = t.dims();
    t.swap_dims(1, 3).reshape([b * w * h, c])
}

#[derive(Module, Debug)]
pub struct Cnn {
    pub convs: Vec<GraphConv>,
    /// BatchNorm after every conv (batch statistics in training, running ones in evaluation).
    pub norms: Vec<BatchNorm>,
    pub head: GraphLinear,
    /// Input image side and channels (1 grey, 3 RGB; channel-first).
    pub hw: usize,
    pub in_ch: usize,
    /// Skip connections around the stride-1 convs whose input and output widths match.
    pub residual: bool,
}

// One network per trainer: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum Net {
    Mlp(Mlp),
    Cnn(Cnn),
    /// A user's network read from an ONNX file (`rgp train --init-from FILE.onnx`).
    #[cfg(feature = "onnx")]
    Imported(ImportedNet),
}

impl Net {
    /// Builds the MLP; `conn = None` gives the dense baseline, `packed` the gather + block
    /// layout for masked layers whose widths `n` divides (for the CNN: `(linear, conv)`). Weights come from
    /// `Rng::derive(seed, "init")`, so every backend and platform starts from the same network.
    pub fn mlp(
        spec: &MlpSpec,
        conn: Option<&Connectivity>,
        opts: &MaskOptions,
        packed: bool,
        seed: u64,
        device: &Device,
    ) -> Result<Net> {
        Self::mlp_deep(spec, conn, opts, packed, seed, Deep::default(), device)
    }

    /// [`Net::mlp`] with the deep-variant options (residual connections, BatchNorm).
    pub fn mlp_deep(
        spec: &MlpSpec,
        conn: Option<&Connectivity>,
        opts: &MaskOptions,
        packed: bool,
        seed: u64,
        deep: Deep,
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
                GraphLinear::new(
                    l.in_ch as usize,
                    l.out_ch as usize,
                    c,
                    packed,
                    gain,
                    &mut rng,
                    device,
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let norms = if deep.norm {
            spec.hidden
                .iter()
                .map(|&w| BatchNormConfig::new(w as usize).init(device))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Net::Mlp(Mlp {
            layers,
            norms,
            residual: deep.residual,
        }))
    }

    pub fn cnn(
        spec: &CnnSpec,
        conn: Option<&Connectivity>,
        opts: &MaskOptions,
        packed: (bool, bool),
        seed: u64,
        device: &Device,
    ) -> Result<Net> {
        Self::cnn_deep(spec, conn, opts, packed, seed, Deep::default(), device)
    }

    /// [`Net::cnn`] with residual connections around its stride-1 convs when `deep.residual`.
    pub fn cnn_deep(
        spec: &CnnSpec,
        conn: Option<&Connectivity>,
        opts: &MaskOptions,
        packed: (bool, bool),
        seed: u64,
        deep: Deep,
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
                    convs.push(GraphConv::new(
                        l.in_ch as usize,
                        l.out_ch as usize,
                        l.kernel as usize,
                        l.stride as usize,
                        l.bias,
                        c,
                        packed.1,
                        RELU_GAIN,
                        &mut rng,
                        device,
                    )?);
                    norms.push(BatchNormConfig::new(l.out_ch as usize).init(device));
                }
                crate::mapping::LayerKind::Linear => {
                    head = Some(GraphLinear::new(
                        l.in_ch as usize,
                        l.out_ch as usize,
                        c,
                        packed.0,
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
            in_ch: spec.in_ch as usize,
            residual: deep.residual,
        }))
    }

    /// Logits `[batch, classes]` for flattened images `[batch, channels·hw·hw]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.forward_traced(x, None)
    }

    /// [`Net::forward`] that hands every weight layer's input and output (before any norm or
    /// activation) to `trace` as `[rows, channels]`, with the layer's index: what recovery's
    /// statistics read (`recover::stats`).
    pub fn forward_traced(&self, x: Tensor<2>, mut trace: Tracer) -> Tensor<2> {
        let tracing = trace.is_some();
        let mut seen = |i: usize, x: &Tensor<2>, y: &Tensor<2>| {
            if let Some(t) = trace.as_mut() {
                t(i, x.clone(), y.clone());
            }
        };
        match self {
            Net::Mlp(m) => {
                let last = m.layers.len() - 1;
                let mut h = x;
                for (i, l) in m.layers.iter().enumerate() {
                    // Hidden-to-hidden layers only (digits' 64 inputs can match a width of 64).
                    let skip = (m.residual && i > 0).then(|| h.clone());
                    let input = tracing.then(|| h.clone());
                    let mut z = l.forward(h);
                    if let Some(input) = input {
                        seen(i, &input, &z);
                    }
                    if i == last {
                        return z;
                    }
                    if let Some(norm) = m.norms.get(i) {
                        // BatchNorm reads [batch, channels, …]: a length-1 trailing axis.
                        let [b, w] = z.dims();
                        z = norm.forward(z.reshape([b, w, 1])).reshape([b, w]);
                    }
                    let z = relu(z);
                    h = match skip {
                        Some(s) if s.dims() == z.dims() => residual(s, z),
                        _ => z,
                    };
                }
                h
            }
            Net::Cnn(c) => {
                let [b, _] = x.dims();
                let mut h: Tensor<4> = x.reshape([b, c.in_ch, c.hw, c.hw]);
                for (i, (conv, norm)) in c.convs.iter().zip(&c.norms).enumerate() {
                    let skip = c.residual.then(|| h.clone());
                    let input = tracing.then(|| channels_last(h.clone()));
                    let z = conv.forward(h);
                    if let Some(input) = input {
                        seen(i, &input, &channels_last(z.clone()));
                    }
                    let z = relu(norm.forward(z));
                    h = match skip {
                        Some(s) if s.dims() == z.dims() => residual(s, z),
                        _ => z,
                    };
                }
                let [b, ch, hh, ww] = h.dims();
                // Global max pooling: on 28×28 digits most positions are background, and their
                // average drowns the few that see ink (global average pooling learned ~5× slower).
                let pooled: Tensor<2> = h.reshape([b, ch, hh * ww]).max_dim(2).reshape([b, ch]);
                let logits = c.head.forward(pooled.clone());
                seen(c.convs.len(), &pooled, &logits);
                logits
            }
            // No trace: recovery, which reads one, is for the built-in networks.
            #[cfg(feature = "onnx")]
            Net::Imported(m) => m.logits(x),
        }
    }

    /// Every `W ⊙ M` layer's weights and mask, flattened (for checks and tests). Packed layers
    /// store no pruned weights and do not appear here.
    pub fn masked_layers(&self) -> Vec<(Tensor<1>, Tensor<1>)> {
        let mut out = Vec::new();
        let mut lin = |l: &GraphLinear| {
            if let GraphLinear::Masked(MaskedLinear {
                weight,
                mask: Some(m),
                ..
            }) = l
            {
                out.push((weight.val().flatten(0, 1), m.clone().flatten(0, 1)));
            }
        };
        match self {
            Net::Mlp(m) => m.layers.iter().for_each(&mut lin),
            Net::Cnn(c) => {
                lin(&c.head);
                for conv in &c.convs {
                    if let GraphConv::Masked(MaskedConv2d {
                        weight,
                        mask: Some(m),
                        ..
                    }) = conv
                    {
                        out.push((weight.val().flatten(0, 3), m.clone().flatten(0, 3)));
                    }
                }
            }
            #[cfg(feature = "onnx")]
            Net::Imported(m) => out.extend(m.masked_layers()),
        }
        out
    }

    /// The same network with every packed layer in the `W ⊙ M` form (for baselines that
    /// replace masks, and for checks that read masks).
    pub async fn to_masked(&self, device: &Device) -> Result<Net> {
        Ok(match self {
            Net::Mlp(m) => {
                let mut layers = Vec::with_capacity(m.layers.len());
                for l in &m.layers {
                    layers.push(l.to_masked(device).await?);
                }
                Net::Mlp(Mlp {
                    layers,
                    norms: m.norms.clone(),
                    residual: m.residual,
                })
            }
            Net::Cnn(c) => {
                let mut convs = Vec::with_capacity(c.convs.len());
                for l in &c.convs {
                    convs.push(l.to_masked(device).await?);
                }
                Net::Cnn(Cnn {
                    convs,
                    norms: c.norms.clone(),
                    head: c.head.to_masked(device).await?,
                    hw: c.hw,
                    in_ch: c.in_ch,
                    residual: c.residual,
                })
            }
            #[cfg(feature = "onnx")]
            Net::Imported(m) => Net::Imported(m.to_masked(device).await?),
        })
    }

    /// Number of layers in the packed (gather + blocks) layout.
    pub fn packed_layers(&self) -> usize {
        let lin = |l: &GraphLinear| matches!(l, GraphLinear::Packed(_)) as usize;
        match self {
            Net::Mlp(m) => m.layers.iter().map(lin).sum(),
            Net::Cnn(c) => {
                lin(&c.head)
                    + c.convs
                        .iter()
                        .filter(|v| matches!(v, GraphConv::Packed(_)))
                        .count()
            }
            #[cfg(feature = "onnx")]
            Net::Imported(m) => m.packed_layers(),
        }
    }
}
