//! Masked layers. The mask is a constant tensor (not a parameter, never trained); the forward
//! pass uses `weight * mask`, so a pruned weight gets exactly zero gradient. Pruned weights are
//! also zero from initialisation, so they stay exactly zero under SGD with momentum, Adam and
//! weight decay (all of which map a zero weight with zero gradient to zero).

use crate::Result;
use crate::graph::Rng;
use crate::mapping::{Connectivity, mask_matrix};
use burn::module::{Module, Param};
use burn::tensor::module::{conv2d, linear};
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Int, Tensor, TensorData};

/// ReLU gain for Kaiming initialisation; the output layer uses 1.
pub const RELU_GAIN: f64 = std::f64::consts::SQRT_2;

/// Kaiming-uniform weights for an `out × in` (× `kk` kernel positions) layer under `mask`
/// (row-major `out × in`, `None` = dense). Each output's bound uses its *kept* fan-in,
/// `gain · sqrt(3 / fan_in)`, so a pruned layer starts with the same activation scale as a
/// dense one. Every entry is drawn (pruned ones then zeroed) so dense and pruned runs with one
/// seed share their kept weights' random draws.
pub(crate) fn init_weights(
    out: usize,
    inp: usize,
    kk: usize,
    mask: Option<&[f32]>,
    gain: f64,
    rng: &mut Rng,
) -> Vec<f32> {
    let mut w = vec![0f32; out * inp * kk];
    for o in 0..out {
        let row = mask.map(|m| &m[o * inp..(o + 1) * inp]);
        let kept = row
            .map_or(inp, |r| r.iter().filter(|&&v| v != 0.0).count())
            .max(1);
        let bound = gain * (3.0 / (kept * kk) as f64).sqrt();
        for i in 0..inp {
            let keep = row.is_none_or(|r| r[i] != 0.0);
            for p in 0..kk {
                let v = (2.0 * rng.unit() - 1.0) * bound;
                w[(o * inp + i) * kk + p] = if keep { v as f32 } else { 0.0 };
            }
        }
    }
    w
}

/// `y = x · (W ⊙ M) + b`, `W` and `M` stored `[in, out]` (Burn's layout).
#[derive(Module, Debug)]
pub struct MaskedLinear {
    pub weight: Param<Tensor<2>>,
    pub bias: Param<Tensor<1>>,
    pub mask: Option<Tensor<2>>,
    /// The graph's neighbour table `[n, row_len]` when the mask is exactly the graph's blocks and
    /// the wgpu matmul may skip the pruned ones (`tile_matmul::block_table`); `None`: dense matmul.
    pub blocks: Option<Tensor<2, Int>>,
}

impl MaskedLinear {
    /// `conn = None` builds a dense layer.
    pub fn new(
        inp: usize,
        out: usize,
        conn: Option<&Connectivity>,
        gain: f64,
        rng: &mut Rng,
        device: &Device,
    ) -> Result<MaskedLinear> {
        let m = conn
            .map(|c| mask_matrix(c, out as u32, inp as u32))
            .transpose()?;
        let w = init_weights(out, inp, 1, m.as_deref(), gain, rng);
        // Row-major [out, in] → Burn's [in, out].
        let t = |v: Vec<f32>| {
            Tensor::<2>::from_data(TensorData::new(v, [out, inp]), device).transpose()
        };
        Ok(MaskedLinear {
            weight: Param::from_tensor(t(w)),
            bias: Param::from_tensor(Tensor::zeros([out], device)),
            mask: m.map(t),
            blocks: conn.and_then(|c| super::tile_matmul::block_table(c, inp, out, device)),
        })
    }

    pub fn effective_weight(&self) -> Tensor<2> {
        match &self.mask {
            Some(m) => self.weight.val() * m.clone(),
            None => self.weight.val(),
        }
    }

    /// On wgpu the matmul is our tiled kernel (`tile_matmul.rs`), on the CPU Burn's `linear`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        if super::device::is_cpu(&x.device()) {
            return linear(x, self.effective_weight(), Some(self.bias.val()));
        }
        let w = self.effective_weight();
        let y = match &self.blocks {
            Some(b) => super::tile_matmul::block_matmul(x, w, b.clone()),
            None => super::tile_matmul::matmul(x, w),
        };
        y + self.bias.val().unsqueeze()
    }
}

/// 3×3 (or `k`×`k`) convolution with padding `k/2` and weight `W ⊙ M`, `W` stored
/// `[out, in, k, k]`; the mask repeats the `out × in` block mask over the kernel window.
#[derive(Module, Debug)]
pub struct MaskedConv2d {
    pub weight: Param<Tensor<4>>,
    pub bias: Option<Param<Tensor<1>>>,
    pub mask: Option<Tensor<4>>,
    pub stride: usize,
    pub padding: usize,
}

impl MaskedConv2d {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        inp: usize,
        out: usize,
        kernel: usize,
        stride: usize,
        bias: bool,
        conn: Option<&Connectivity>,
        gain: f64,
        rng: &mut Rng,
        device: &Device,
    ) -> Result<MaskedConv2d> {
        let kk = kernel * kernel;
        let m = conn
            .map(|c| mask_matrix(c, out as u32, inp as u32))
            .transpose()?;
        let w = init_weights(out, inp, kk, m.as_deref(), gain, rng);
        let shape = [out, inp, kernel, kernel];
        let mask = m.map(|m| {
            let full: Vec<f32> = m.iter().flat_map(|&v| std::iter::repeat_n(v, kk)).collect();
            Tensor::<4>::from_data(TensorData::new(full, shape), device)
        });
        Ok(MaskedConv2d {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(w, shape), device)),
            bias: bias.then(|| Param::from_tensor(Tensor::zeros([out], device))),
            mask,
            stride,
            padding: kernel / 2,
        })
    }

    pub fn effective_weight(&self) -> Tensor<4> {
        match &self.mask {
            Some(m) => self.weight.val() * m.clone(),
            None => self.weight.val(),
        }
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let opts = ConvOptions::new([self.stride; 2], [self.padding; 2], [1, 1], 1);
        conv2d(
            x,
            self.effective_weight(),
            self.bias.as_ref().map(|b| b.val()),
            opts,
        )
    }
}
