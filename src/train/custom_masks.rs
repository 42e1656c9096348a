//! Masks that do not come from a graph, for the sweep's baselines at equal sparsity:
//!
//! - [`random_unstructured`]: in every layer the graph masks, the same number of kept weights
//!   at uniformly random positions (seeded), freshly initialised for their kept fan-in;
//! - [`magnitude_pruned`]: a trained dense network keeps, in each of those layers, its
//!   largest-magnitude weights, as many as the graph mask keeps there (one shot, per layer).
//!
//! Both return a [`Net`] whose masked layers carry the new masks, in the `W ⊙ M` form (such
//! masks are not block-regular, so they cannot be packed; a packed reference is unpacked first);
//! [`Trainer::set_model`](crate::train::Trainer::set_model) trains it. Weight positions are individual weights (a conv
//! keeps single kernel taps, not whole channel pairs): these are unstructured baselines.

use super::host::read;
use super::layers::{MaskedConv2d, MaskedLinear, RELU_GAIN};
use super::model::Net;
use super::packed::{GraphConv, GraphLinear};
use crate::graph::Rng;
use crate::{Result, bail};
use burn::module::Param;
use burn::tensor::{Device, Tensor, TensorData};

/// A masked layer's weights and mask as host data, in Burn's storage layout (`[in, out]` for a
/// linear layer, `[out, in, k, k]` for a conv).
struct HostLayer {
    weight: Vec<f32>,
    mask: Option<Vec<f32>>,
    dims: Vec<usize>,
    /// Output units, and the output unit of every storage position.
    outputs: usize,
    output_of: fn(usize, &[usize]) -> usize,
}

fn linear_output(i: usize, dims: &[usize]) -> usize {
    i % dims[1]
}

fn conv_output(i: usize, dims: &[usize]) -> usize {
    i / (dims[1] * dims[2] * dims[3])
}

async fn host_linear(l: &MaskedLinear) -> Result<HostLayer> {
    let dims = l.weight.val().dims();
    Ok(HostLayer {
        weight: read(l.weight.val().flatten(0, 1)).await?,
        mask: match &l.mask {
            Some(m) => Some(read(m.clone().flatten(0, 1)).await?),
            None => None,
        },
        dims: dims.to_vec(),
        outputs: dims[1],
        output_of: linear_output,
    })
}

async fn host_conv(l: &MaskedConv2d) -> Result<HostLayer> {
    let dims = l.weight.val().dims();
    Ok(HostLayer {
        weight: read(l.weight.val().flatten(0, 3)).await?,
        mask: match &l.mask {
            Some(m) => Some(read(m.clone().flatten(0, 3)).await?),
            None => None,
        },
        dims: dims.to_vec(),
        outputs: dims[0],
        output_of: conv_output,
    })
}

fn kept(mask: &[f32]) -> usize {
    mask.iter().filter(|&&v| v != 0.0).count()
}

/// A mask with exactly `keep` ones at uniformly random positions (partial Fisher–Yates).
fn random_mask(len: usize, keep: usize, rng: &mut Rng) -> Vec<f32> {
    let mut idx: Vec<u32> = (0..len as u32).collect();
    for i in 0..keep.min(len) {
        let j = i + rng.below((len - i) as u32) as usize;
        idx.swap(i, j);
    }
    let mut m = vec![0f32; len];
    for &i in &idx[..keep.min(len)] {
        m[i as usize] = 1.0;
    }
    m
}

/// Kaiming-uniform weights for `mask`, each output's bound from its kept fan-in (as the graph
/// masked layers do), pruned positions zero.
fn init_for_mask(h: &HostLayer, mask: &[f32], gain: f64, rng: &mut Rng) -> Vec<f32> {
    let mut fan_in = vec![0usize; h.outputs];
    for (i, &m) in mask.iter().enumerate() {
        if m != 0.0 {
            fan_in[(h.output_of)(i, &h.dims)] += 1;
        }
    }
    mask.iter()
        .enumerate()
        .map(|(i, &m)| {
            let bound = gain * (3.0 / fan_in[(h.output_of)(i, &h.dims)].max(1) as f64).sqrt();
            let v = (2.0 * rng.unit() - 1.0) * bound;
            if m != 0.0 { v as f32 } else { 0.0 }
        })
        .collect()
}

/// The `keep` largest |w| (ties to the lower position) as a 0/1 mask.
fn magnitude_mask(w: &[f32], keep: usize) -> Vec<f32> {
    let mut idx: Vec<u32> = (0..w.len() as u32).collect();
    idx.sort_by(|&a, &b| {
        w[b as usize]
            .abs()
            .total_cmp(&w[a as usize].abs())
            .then(a.cmp(&b))
    });
    let mut m = vec![0f32; w.len()];
    for &i in &idx[..keep.min(w.len())] {
        m[i as usize] = 1.0;
    }
    m
}

/// New weights and mask for a layer (weights, mask: same layout and shape as `dims`).
fn set_linear(l: &mut MaskedLinear, w: Vec<f32>, m: Vec<f32>, dims: &[usize], device: &Device) {
    let t = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, dims.to_vec()), device);
    l.weight = Param::from_tensor(t(w));
    l.mask = Some(t(m));
    // Not the graph's blocks any more: the wgpu matmul must read every weight.
    l.blocks = None;
}

fn set_conv(l: &mut MaskedConv2d, w: Vec<f32>, m: Vec<f32>, dims: &[usize], device: &Device) {
    let t = |v: Vec<f32>| Tensor::<4>::from_data(TensorData::new(v, dims.to_vec()), device);
    l.weight = Param::from_tensor(t(w));
    l.mask = Some(t(m));
}

/// New `(weights, mask)` for one layer: `src` is the layer whose weights are used, `reference`
/// the same layer of the graph-masked network (it carries the graph mask), `gain` its
/// initialisation gain. Returns `None` to keep the layer as it is.
type Remap<'a> = dyn FnMut(&HostLayer, &HostLayer, f64) -> Option<(Vec<f32>, Vec<f32>)> + 'a;

/// A `W ⊙ M` layer as the baselines read and rewrite it.
trait HostForm {
    fn is_masked(&self) -> bool;
    async fn host(&self) -> Result<HostLayer>;
    fn set(&mut self, w: Vec<f32>, m: Vec<f32>, dims: &[usize], device: &Device);
}

impl HostForm for MaskedLinear {
    fn is_masked(&self) -> bool {
        self.mask.is_some()
    }
    async fn host(&self) -> Result<HostLayer> {
        host_linear(self).await
    }
    fn set(&mut self, w: Vec<f32>, m: Vec<f32>, dims: &[usize], device: &Device) {
        set_linear(self, w, m, dims, device)
    }
}

impl HostForm for MaskedConv2d {
    fn is_masked(&self) -> bool {
        self.mask.is_some()
    }
    async fn host(&self) -> Result<HostLayer> {
        host_conv(self).await
    }
    fn set(&mut self, w: Vec<f32>, m: Vec<f32>, dims: &[usize], device: &Device) {
        set_conv(self, w, m, dims, device)
    }
}

/// Rebuilds `sl` by `f` where `rl`, the same layer of the reference network, carries a mask.
async fn remap_layer<L: HostForm>(
    (rl, sl): (&L, &mut L),
    gain: f64,
    f: &mut Remap<'_>,
    device: &Device,
) -> Result<()> {
    if !rl.is_masked() {
        return Ok(());
    }
    let (rh, sh) = (rl.host().await?, sl.host().await?);
    check_same(&rh, &sh)?;
    if let Some((w, m)) = f(&sh, &rh, gain) {
        sl.set(w, m, &sh.dims, device);
    }
    Ok(())
}

/// Gain √2 for a hidden layer, 1 for the last (the classifier).
fn gain_of(i: usize, count: usize) -> f64 {
    if i + 1 == count { 1.0 } else { RELU_GAIN }
}

/// A copy of `source` in which every layer that `reference` masks is rebuilt by `f`; everything
/// else (biases, normalisation, unmasked layers) is `source`'s.
async fn remap(reference: &Net, source: &Net, device: &Device, f: &mut Remap<'_>) -> Result<Net> {
    let mut net = source.clone();
    match (reference, &mut net) {
        (Net::Mlp(r), Net::Mlp(s)) => {
            if r.layers.len() != s.layers.len() {
                bail!("the two networks have different layer counts");
            }
            let count = r.layers.len();
            for (i, (rl, sl)) in r.layers.iter().zip(&mut s.layers).enumerate() {
                let pair = (masked_lin(rl)?, masked_lin_mut(sl)?);
                remap_layer(pair, gain_of(i, count), f, device).await?;
            }
        }
        (Net::Cnn(r), Net::Cnn(s)) => {
            if r.convs.len() != s.convs.len() {
                bail!("the two networks have different layer counts");
            }
            for (rl, sl) in r.convs.iter().zip(&mut s.convs) {
                let pair = (masked_conv(rl)?, masked_conv_mut(sl)?);
                remap_layer(pair, RELU_GAIN, f, device).await?;
            }
            let head = (masked_lin(&r.head)?, masked_lin_mut(&mut s.head)?);
            remap_layer(head, 1.0, f, device).await?;
        }
        #[cfg(feature = "onnx")]
        (Net::Imported(r), Net::Imported(s)) => {
            use super::imported::WeightLayer;
            if r.layers.len() != s.layers.len() {
                bail!("the two networks have different layer counts");
            }
            let count = r.layers.len();
            for (i, (rl, sl)) in r.layers.iter().zip(&mut s.layers).enumerate() {
                let gain = gain_of(i, count);
                match (rl, sl) {
                    (WeightLayer::Conv(rl), WeightLayer::Conv(sl)) => {
                        remap_layer((rl, sl), gain, f, device).await?
                    }
                    (WeightLayer::Linear(rl), WeightLayer::Linear(sl)) => {
                        let pair = (masked_lin(rl)?, masked_lin_mut(sl)?);
                        remap_layer(pair, gain, f, device).await?
                    }
                    _ => bail!("the two networks' layers differ in kind"),
                }
            }
        }
        _ => bail!("the two networks are of different kinds"),
    }
    Ok(net)
}

/// The `W ⊙ M` form of a layer (callers unpack packed networks first).
fn masked_lin(l: &GraphLinear) -> Result<&MaskedLinear> {
    match l {
        GraphLinear::Masked(m) => Ok(m),
        GraphLinear::Packed(_) => {
            bail!("a packed layer reached the mask baselines (unpack the network first)")
        }
    }
}

fn masked_lin_mut(l: &mut GraphLinear) -> Result<&mut MaskedLinear> {
    match l {
        GraphLinear::Masked(m) => Ok(m),
        GraphLinear::Packed(_) => {
            bail!("a packed layer reached the mask baselines (unpack the network first)")
        }
    }
}

fn masked_conv(l: &GraphConv) -> Result<&MaskedConv2d> {
    match l {
        GraphConv::Masked(m) => Ok(m),
        GraphConv::Packed(_) => {
            bail!("a packed layer reached the mask baselines (unpack the network first)")
        }
    }
}

fn masked_conv_mut(l: &mut GraphConv) -> Result<&mut MaskedConv2d> {
    match l {
        GraphConv::Masked(m) => Ok(m),
        GraphConv::Packed(_) => {
            bail!("a packed layer reached the mask baselines (unpack the network first)")
        }
    }
}

fn check_same(a: &HostLayer, b: &HostLayer) -> Result<()> {
    if a.dims != b.dims {
        bail!("layer shapes differ: {:?} and {:?}", a.dims, b.dims);
    }
    Ok(())
}

/// Kept weights of every layer the graph masks, in [`Net::masked_layers`] order (packed layers
/// included: their stored weights are the kept ones).
pub async fn kept_per_layer(net: &Net) -> Result<Vec<usize>> {
    let mut out = Vec::new();
    let lin = |l: &GraphLinear| match l {
        GraphLinear::Masked(m) => m.mask.clone().map(|m| m.flatten(0, 1)).map(Ok),
        GraphLinear::Packed(p) => Some(Err(p.weight.val().dims().iter().product::<usize>())),
    };
    let conv = |l: &GraphConv| match l {
        GraphConv::Masked(m) => m.mask.clone().map(|m| m.flatten(0, 3)).map(Ok),
        GraphConv::Packed(p) => Some(Err(p.weight.val().dims().iter().product::<usize>())),
    };
    let layers: Vec<_> = match net {
        Net::Mlp(m) => m.layers.iter().filter_map(lin).collect(),
        Net::Cnn(c) => lin(&c.head)
            .into_iter()
            .chain(c.convs.iter().filter_map(conv))
            .collect(),
        #[cfg(feature = "onnx")]
        Net::Imported(m) => m.kept_per_layer(),
    };
    for l in layers {
        out.push(match l {
            Ok(mask) => kept(&read(mask).await?),
            Err(stored) => stored,
        });
    }
    Ok(out)
}

/// The random-unstructured baseline: every layer that `reference` masks gets a mask with the
/// same number of kept weights at random positions (from `Rng::derive(seed, "unstructured")`)
/// and fresh Kaiming weights for it; the rest is `reference` as built.
pub async fn random_unstructured(reference: &Net, seed: u64, device: &Device) -> Result<Net> {
    let reference = &reference.to_masked(device).await?;
    let mut rng = Rng::derive(seed, "unstructured");
    let mut f = |src: &HostLayer, rh: &HostLayer, gain: f64| {
        let m = rh.mask.as_ref()?;
        let mask = random_mask(m.len(), kept(m), &mut rng);
        let weight = init_for_mask(src, &mask, gain, &mut rng);
        Some((weight, mask))
    };
    remap(reference, reference, device, &mut f).await
}

/// One-shot magnitude pruning: every layer that `reference` masks keeps the largest-|w| weights
/// of the trained `dense` network, as many as `reference` keeps there; biases, normalisation and
/// the unmasked layers stay as trained.
pub async fn magnitude_pruned(dense: &Net, reference: &Net, device: &Device) -> Result<Net> {
    let reference = &reference.to_masked(device).await?;
    let dense = &dense.to_masked(device).await?;
    let mut f = |src: &HostLayer, rh: &HostLayer, _gain: f64| {
        let mask = magnitude_mask(&src.weight, kept(rh.mask.as_ref()?));
        let weight = src.weight.iter().zip(&mask).map(|(w, k)| w * k).collect();
        Some((weight, mask))
    };
    remap(reference, dense, device, &mut f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_masks_keep_exactly_and_vary_with_the_seed() {
        let a = random_mask(1000, 137, &mut Rng::derive(1, "t"));
        let b = random_mask(1000, 137, &mut Rng::derive(2, "t"));
        assert_eq!(kept(&a), 137);
        assert_eq!(kept(&b), 137);
        assert_ne!(a, b);
        assert_eq!(a, random_mask(1000, 137, &mut Rng::derive(1, "t")));
    }

    #[test]
    fn magnitude_mask_keeps_the_largest() {
        let w = [0.1, -0.9, 0.3, 0.0, -0.3, 0.8];
        assert_eq!(magnitude_mask(&w, 3), vec![0.0, 1.0, 1.0, 0.0, 0.0, 1.0]);
        assert_eq!(kept(&magnitude_mask(&w, 10)), 6);
    }
}
