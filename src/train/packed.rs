//! The paper's "accelerate" layout as Burn layers: because every node of a regular graph has
//! the same number of neighbours, the kept weights of a masked layer pack into `n` dense blocks
//! (`group_out × row_len·group_in`), and the inputs each block reads are one gather away.
//! Forward is gather → batched matmul (or grouped convolution); only kept weights are stored,
//! multiplied and trained, so a k/n mask costs k/n of the dense layer's FLOPs. Used when `n`
//! divides both widths; it computes exactly what [`MaskedLinear`]/[`MaskedConv2d`] compute
//! from the same seed (up to float summation order).

use super::layers::{MaskedConv2d, MaskedLinear, init_weights};
use crate::Result;
use crate::graph::Rng;
use crate::mapping::{Connectivity, PackedBlocks, mask_matrix};
use burn::module::{Module, Param};
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Int, Tensor, TensorData};

/// Packs row-major `[out, in, kk]` weights into `[n, group_out, block_in, kk]` order: block `i`,
/// its output `o'`, its `r`-th neighbour group's input `t`, kernel position `p`.
fn pack(w: &[f32], p: &PackedBlocks, inp: usize, kk: usize) -> Vec<f32> {
    let (n, go, bi) = (p.n as usize, p.group_out as usize, p.block_in() as usize);
    let mut out = Vec::with_capacity(n * go * bi * kk);
    for i in 0..n {
        for o in 0..go {
            let row = i * go + o;
            for &c in &p.gather[i * bi..(i + 1) * bi] {
                out.extend_from_slice(&w[(row * inp + c as usize) * kk..][..kk]);
            }
        }
    }
    out
}

fn gather_tensor(p: &PackedBlocks, device: &Device) -> Tensor<1, Int> {
    let idx: Vec<i32> = p.gather.iter().map(|&c| c as i32).collect();
    let len = idx.len();
    Tensor::from_data(TensorData::new(idx, [len]), device)
}

/// `y = blocks(x[gather]) + b`; weights `[n, block_in, group_out]`.
#[derive(Module, Debug)]
pub struct PackedLinear {
    pub weight: Param<Tensor<3>>,
    pub bias: Param<Tensor<1>>,
    pub gather: Tensor<1, Int>,
}

impl PackedLinear {
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [b, _] = x.dims();
        let [n, bi, go] = self.weight.dims();
        let g = x
            .select(1, self.gather.clone())
            .reshape([b, n, bi])
            .swap_dims(0, 1);
        let y = g
            .matmul(self.weight.val())
            .swap_dims(0, 1)
            .reshape([b, n * go]);
        y + self.bias.val().unsqueeze_dim(0)
    }
}

/// Grouped convolution over gathered channels; weights `[n·group_out, block_in, k, k]`.
#[derive(Module, Debug)]
pub struct PackedConv2d {
    pub weight: Param<Tensor<4>>,
    pub bias: Option<Param<Tensor<1>>>,
    pub gather: Tensor<1, Int>,
    pub groups: usize,
    pub stride: usize,
    pub padding: usize,
}

impl PackedConv2d {
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let x = x.select(1, self.gather.clone());
        let opts = ConvOptions::new([self.stride; 2], [self.padding; 2], [1, 1], self.groups);
        conv2d(
            x,
            self.weight.val(),
            self.bias.as_ref().map(|b| b.val()),
            opts,
        )
    }
}

/// A linear layer under the graph: masked (`W ⊙ M`, any widths, or dense) or packed.
#[derive(Module, Debug)]
pub enum GraphLinear {
    Masked(MaskedLinear),
    Packed(PackedLinear),
}

impl GraphLinear {
    /// Packed when `packed` is asked for, the layer is masked and `n` divides both widths.
    pub fn new(
        inp: usize,
        out: usize,
        conn: Option<&Connectivity>,
        packed: bool,
        gain: f64,
        rng: &mut Rng,
        device: &Device,
    ) -> Result<GraphLinear> {
        let blocks = match conn {
            Some(c) if packed => PackedBlocks::new(c, out as u32, inp as u32)?,
            _ => None,
        };
        let (Some(p), Some(c)) = (blocks, conn) else {
            return Ok(GraphLinear::Masked(MaskedLinear::new(
                inp, out, conn, gain, rng, device,
            )?));
        };
        let m = mask_matrix(c, out as u32, inp as u32)?;
        let w = init_weights(out, inp, 1, Some(&m), gain, rng);
        let packed = pack(&w, &p, inp, 1);
        let (n, go, bi) = (p.n as usize, p.group_out as usize, p.block_in() as usize);
        // [n, go, bi] → [n, bi, go] for x·W.
        let weight =
            Tensor::<3>::from_data(TensorData::new(packed, [n, go, bi]), device).swap_dims(1, 2);
        Ok(GraphLinear::Packed(PackedLinear {
            weight: Param::from_tensor(weight),
            bias: Param::from_tensor(Tensor::zeros([out], device)),
            gather: gather_tensor(&p, device),
        }))
    }

    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            GraphLinear::Masked(l) => l.forward(x),
            GraphLinear::Packed(l) => l.forward(x),
        }
    }
}

/// A conv layer under the graph: masked (`W ⊙ M`) or packed (gather + grouped conv).
#[derive(Module, Debug)]
pub enum GraphConv {
    Masked(MaskedConv2d),
    Packed(PackedConv2d),
}

impl GraphConv {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        inp: usize,
        out: usize,
        kernel: usize,
        stride: usize,
        bias: bool,
        conn: Option<&Connectivity>,
        packed: bool,
        gain: f64,
        rng: &mut Rng,
        device: &Device,
    ) -> Result<GraphConv> {
        let blocks = match conn {
            Some(c) if packed => PackedBlocks::new(c, out as u32, inp as u32)?,
            _ => None,
        };
        let (Some(p), Some(c)) = (blocks, conn) else {
            let l = MaskedConv2d::new(inp, out, kernel, stride, bias, conn, gain, rng, device)?;
            return Ok(GraphConv::Masked(l));
        };
        let kk = kernel * kernel;
        let m = mask_matrix(c, out as u32, inp as u32)?;
        let w = init_weights(out, inp, kk, Some(&m), gain, rng);
        let packed = pack(&w, &p, inp, kk);
        let (n, go, bi) = (p.n as usize, p.group_out as usize, p.block_in() as usize);
        let shape = [n * go, bi, kernel, kernel];
        Ok(GraphConv::Packed(PackedConv2d {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(packed, shape), device)),
            bias: bias.then(|| Param::from_tensor(Tensor::zeros([out], device))),
            gather: gather_tensor(&p, device),
            groups: n,
            stride,
            padding: kernel / 2,
        }))
    }

    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        match self {
            GraphConv::Masked(l) => l.forward(x),
            GraphConv::Packed(l) => l.forward(x),
        }
    }
}
