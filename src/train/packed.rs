//! The paper's "accelerate" layout as Burn layers: because every node of a regular graph has
//! the same number of neighbours, the kept weights of a masked layer pack into `n` dense blocks
//! (`group_out × row_len·group_in`), and the inputs each block reads are one gather away.
//! Forward is gather → batched matmul (or grouped convolution); only kept weights are stored,
//! multiplied and trained, so a k/n mask costs k/n of the dense layer's FLOPs. Used when `n`
//! divides both widths; it computes exactly what [`MaskedLinear`]/[`MaskedConv2d`] compute
//! from the same seed (up to float summation order).

use super::host::read;
use super::layers::{MaskedConv2d, MaskedLinear, init_weights};
use crate::graph::Rng;
use crate::mapping::{Connectivity, PackedBlocks, mask_matrix};
use crate::{Error, Result};
use burn::module::{Module, Param};
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Int, Tensor, TensorData};

fn gather_tensor(p: &PackedBlocks, device: &Device) -> Tensor<1, Int> {
    let idx: Vec<i32> = p.gather.iter().map(|&c| c as i32).collect();
    let len = idx.len();
    Tensor::from_data(TensorData::new(idx, [len]), device)
}

/// Reads the gather indices back to the host.
pub(crate) async fn read_gather(g: &Tensor<1, Int>) -> Result<Vec<usize>> {
    let d = g
        .clone()
        .into_data_async()
        .await
        .map_err(|e| Error::new(format!("reading data from the device failed: {e}")))?;
    d.try_into_vec_as::<i64>()
        .map(|v| v.into_iter().map(|c| c as usize).collect())
        .map_err(|e| Error::new(format!("unexpected tensor data: {e:?}")))
}

/// Unpacks row-major `[out, block_in, kk]` packed weights (output `o` in block `o / group_out`)
/// into dense `[out, inp, kk]` weights and their 0/1 mask.
fn unpack(w: &[f32], gather: &[usize], out: usize, inp: usize, kk: usize) -> (Vec<f32>, Vec<f32>) {
    let bi = w.len() / (out * kk);
    let go = out / (gather.len() / bi);
    let (mut dense, mut mask) = (vec![0f32; out * inp * kk], vec![0f32; out * inp * kk]);
    for o in 0..out {
        for (t, &c) in gather[(o / go) * bi..][..bi].iter().enumerate() {
            let (src, dst) = ((o * bi + t) * kk, (o * inp + c) * kk);
            dense[dst..dst + kk].copy_from_slice(&w[src..src + kk]);
            mask[dst..dst + kk].fill(1.0);
        }
    }
    (dense, mask)
}

/// `y = blocks(x[gather]) + b`; weights `[n, block_in, group_out]`.
#[derive(Module, Debug)]
pub struct PackedLinear {
    pub weight: Param<Tensor<3>>,
    pub bias: Param<Tensor<1>>,
    pub gather: Tensor<1, Int>,
    /// Input width of the layer (the gather reads from it).
    pub inputs: usize,
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

    /// The same layer in the `W ⊙ M` form (same function, pruned weights stored as zeros).
    pub async fn to_masked(&self, device: &Device) -> Result<MaskedLinear> {
        let [n, _, go] = self.weight.dims();
        let (out, inp) = (n * go, self.inputs);
        // [n, bi, go] → [n, go, bi]: row-major [out, block_in].
        let w = read(self.weight.val().swap_dims(1, 2).flatten(0, 2)).await?;
        let (dense, mask) = unpack(&w, &read_gather(&self.gather).await?, out, inp, 1);
        let t = |v: Vec<f32>| {
            Tensor::<2>::from_data(TensorData::new(v, [out, inp]), device).transpose()
        };
        Ok(MaskedLinear {
            weight: Param::from_tensor(t(dense)),
            bias: Param::from_tensor(self.bias.val().detach()),
            mask: Some(t(mask)),
            blocks: None,
        })
    }
}

/// Grouped convolution over gathered channels; weights `[n·group_out, block_in, k, k]`.
#[derive(Module, Debug)]
pub struct PackedConv2d {
    pub weight: Param<Tensor<4>>,
    pub bias: Option<Param<Tensor<1>>>,
    pub gather: Tensor<1, Int>,
    /// Input channels of the layer (the gather reads from them).
    pub inputs: usize,
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

    /// The same layer in the `W ⊙ M` form (same function, pruned weights stored as zeros).
    pub async fn to_masked(&self, device: &Device) -> Result<MaskedConv2d> {
        let [out, bi, k, _] = self.weight.dims();
        let (inp, kk) = (self.inputs, k * k);
        let w = read(self.weight.val().flatten(0, 3)).await?;
        let (dense, mask) = unpack(&w, &read_gather(&self.gather).await?, out, inp, kk);
        debug_assert_eq!(w.len(), out * bi * kk);
        let t = |v: Vec<f32>| Tensor::<4>::from_data(TensorData::new(v, [out, inp, k, k]), device);
        Ok(MaskedConv2d {
            weight: Param::from_tensor(t(dense)),
            bias: self
                .bias
                .as_ref()
                .map(|b| Param::from_tensor(b.val().detach())),
            mask: Some(t(mask)),
            stride: self.stride,
            padding: self.padding,
        })
    }
}

/// A linear layer under the graph: masked (`W ⊙ M`, any widths, or dense) or packed.
#[derive(Module, Debug)]
// A network has a handful of layers: the size gap (the masked layer's block table) costs nothing.
#[allow(clippy::large_enum_variant)]
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
        Ok(Self::packed(
            &w,
            Tensor::zeros([out], device),
            &p,
            inp,
            device,
        ))
    }

    /// The packed layer of row-major `[out, inp]` weights `w` (only the kept ones are taken).
    fn packed(
        w: &[f32],
        bias: Tensor<1>,
        p: &PackedBlocks,
        inp: usize,
        device: &Device,
    ) -> GraphLinear {
        let (n, go, bi) = (p.n as usize, p.group_out as usize, p.block_in() as usize);
        // [n, go, bi] → [n, bi, go] for x·W.
        let weight =
            Tensor::<3>::from_data(TensorData::new(p.pack(w, inp, 1), [n, go, bi]), device)
                .swap_dims(1, 2);
        GraphLinear::Packed(PackedLinear {
            weight: Param::from_tensor(weight),
            bias: Param::from_tensor(bias),
            gather: gather_tensor(p, device),
            inputs: inp,
        })
    }

    /// The layer with given weights (row-major `[out, in]`) and bias, under `conn` when given
    /// (weights outside the mask dropped); packed as [`GraphLinear::new`] decides.
    pub fn from_weights(
        w: &[f32],
        bias: Option<&[f32]>,
        out: usize,
        inp: usize,
        conn: Option<&Connectivity>,
        packed: bool,
        device: &Device,
    ) -> Result<GraphLinear> {
        let bias = match bias {
            Some(b) => Tensor::from_data(TensorData::new(b.to_vec(), [out]), device),
            None => Tensor::zeros([out], device),
        };
        let blocks = match conn {
            Some(c) if packed => PackedBlocks::new(c, out as u32, inp as u32)?,
            _ => None,
        };
        if let Some(p) = blocks {
            return Ok(Self::packed(w, bias, &p, inp, device));
        }
        let m = conn
            .map(|c| mask_matrix(c, out as u32, inp as u32))
            .transpose()?;
        let kept: Vec<f32> = match &m {
            Some(m) => w.iter().zip(m).map(|(w, m)| w * m).collect(),
            None => w.to_vec(),
        };
        // Row-major [out, in] → Burn's [in, out].
        let t = |v: Vec<f32>| {
            Tensor::<2>::from_data(TensorData::new(v, [out, inp]), device).transpose()
        };
        Ok(GraphLinear::Masked(MaskedLinear {
            weight: Param::from_tensor(t(kept)),
            bias: Param::from_tensor(bias),
            mask: m.map(t),
            blocks: conn.and_then(|c| super::tile_matmul::block_table(c, inp, out, device)),
        }))
    }

    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            GraphLinear::Masked(l) => l.forward(x),
            GraphLinear::Packed(l) => l.forward(x),
        }
    }

    /// This layer in the `W ⊙ M` form.
    pub async fn to_masked(&self, device: &Device) -> Result<GraphLinear> {
        Ok(match self {
            GraphLinear::Masked(l) => GraphLinear::Masked(l.clone()),
            GraphLinear::Packed(l) => GraphLinear::Masked(l.to_masked(device).await?),
        })
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
        let packed = p.pack(&w, inp, kk);
        let (n, go, bi) = (p.n as usize, p.group_out as usize, p.block_in() as usize);
        let shape = [n * go, bi, kernel, kernel];
        Ok(GraphConv::Packed(PackedConv2d {
            weight: Param::from_tensor(Tensor::from_data(TensorData::new(packed, shape), device)),
            bias: bias.then(|| Param::from_tensor(Tensor::zeros([out], device))),
            gather: gather_tensor(&p, device),
            inputs: inp,
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

    /// This layer in the `W ⊙ M` form.
    pub async fn to_masked(&self, device: &Device) -> Result<GraphConv> {
        Ok(match self {
            GraphConv::Masked(l) => GraphConv::Masked(l.clone()),
            GraphConv::Packed(l) => GraphConv::Masked(l.to_masked(device).await?),
        })
    }
}
