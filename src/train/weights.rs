//! Between Burn networks and [`ModelFile`]s: reading a trained network's weights out (every
//! layer unpacked to row-major `[out, in(, k, k)]`), and putting a file's weights into a network
//! built for the current graph — which applies that graph's mask, the step that turns a
//! pretrained dense network into a pruned one.

use super::host::read;
use super::layers::{MaskedConv2d, MaskedLinear};
use super::model::{Cnn, Mlp, Net};
use super::packed::{GraphConv, GraphLinear, PackedConv2d, PackedLinear, read_gather};
use crate::mapping::{CnnSpec, MlpSpec, ModelKind};
use crate::model_file::{ArchSpec, Layer, Norm};
use crate::{Result, bail};
use burn::module::{Module, Param, RunningState};
use burn::nn::BatchNorm;
use burn::tensor::{Device, Tensor, TensorData};

/// Model files hold the built-in networks; an imported one is saved as ONNX.
#[cfg(feature = "onnx")]
const IMPORTED: &str =
    "a network imported from ONNX is not saved as a model file (export it as ONNX)";

fn mask_bytes(m: Vec<f32>) -> Vec<u8> {
    m.into_iter().map(|v| (v != 0.0) as u8).collect()
}

async fn linear_out(l: &MaskedLinear, name: String) -> Result<Layer> {
    // Burn stores [in, out]; files hold PyTorch's [out, in].
    let t = |x: Tensor<2>| x.transpose().flatten(0, 1);
    Ok(Layer {
        name,
        weight: read(t(l.weight.val())).await?,
        bias: Some(read(l.bias.val()).await?),
        mask: match &l.mask {
            Some(m) => Some(mask_bytes(read(t(m.clone())).await?)),
            None => None,
        },
    })
}

async fn conv_out(l: &MaskedConv2d, name: String) -> Result<Layer> {
    Ok(Layer {
        name,
        weight: read(l.weight.val().flatten(0, 3)).await?,
        bias: match &l.bias {
            Some(b) => Some(read(b.val()).await?),
            None => None,
        },
        mask: match &l.mask {
            Some(m) => Some(mask_bytes(read(m.clone().flatten(0, 3)).await?)),
            None => None,
        },
    })
}

async fn norm_out(n: &BatchNorm) -> Result<Norm> {
    Ok(Norm {
        weight: read(n.gamma.val()).await?,
        bias: read(n.beta.val()).await?,
        running_mean: read(n.running_mean.value()).await?,
        running_var: read(n.running_var.value()).await?,
    })
}

fn as_masked_linear(l: &GraphLinear) -> &MaskedLinear {
    match l {
        GraphLinear::Masked(l) => l,
        GraphLinear::Packed(_) => unreachable!("to_masked unpacked every layer"),
    }
}

/// Every weight layer (forward order) and BatchNorm of `net`, as host data.
pub async fn export(net: &Net, device: &Device) -> Result<(Vec<Layer>, Vec<Norm>)> {
    let net = net.to_masked(device).await?;
    let (mut layers, mut norms) = (Vec::new(), Vec::new());
    match &net {
        Net::Mlp(m) => {
            for (i, l) in m.layers.iter().enumerate() {
                layers.push(linear_out(as_masked_linear(l), format!("layers.{i}")).await?);
            }
        }
        Net::Cnn(c) => {
            for (i, l) in c.convs.iter().enumerate() {
                let GraphConv::Masked(l) = l else {
                    unreachable!("to_masked unpacked every layer")
                };
                layers.push(conv_out(l, format!("convs.{i}")).await?);
            }
            layers.push(linear_out(as_masked_linear(&c.head), "head".into()).await?);
            for n in &c.norms {
                norms.push(norm_out(n).await?);
            }
        }
        #[cfg(feature = "onnx")]
        Net::Imported(_) => bail!("{IMPORTED}"),
    }
    Ok((layers, norms))
}

fn check_shape(name: &str, got: usize, want: usize) -> Result<()> {
    if got != want {
        bail!("tensor {name}.weight has {got} values; the network needs {want}");
    }
    Ok(())
}

/// A linear layer of the built network with `l`'s weights (masked by the layer's own mask).
async fn linear_in(g: &GraphLinear, l: &Layer, device: &Device) -> Result<GraphLinear> {
    let bias = |b: &Option<Vec<f32>>, out: usize| -> Tensor<1> {
        match b {
            Some(b) => Tensor::from_data(TensorData::new(b.clone(), [out]), device),
            None => Tensor::zeros([out], device),
        }
    };
    Ok(match g {
        GraphLinear::Masked(m) => {
            let [inp, out] = m.weight.val().dims();
            check_shape(&l.name, l.weight.len(), inp * out)?;
            let w = Tensor::<2>::from_data(TensorData::new(l.weight.clone(), [out, inp]), device)
                .transpose();
            let w = match &m.mask {
                Some(mask) => w * mask.clone(),
                None => w,
            };
            GraphLinear::Masked(MaskedLinear {
                weight: Param::from_tensor(w),
                bias: Param::from_tensor(bias(&l.bias, out)),
                mask: m.mask.clone(),
                blocks: m.blocks.clone(),
            })
        }
        GraphLinear::Packed(p) => {
            let [n, bi, go] = p.weight.val().dims();
            let (out, inp) = (n * go, p.inputs);
            check_shape(&l.name, l.weight.len(), out * inp)?;
            let gather = read_gather(&p.gather).await?;
            let blocks = pack_blocks(&l.weight, &gather, out, inp, bi, 1);
            let w = Tensor::<3>::from_data(TensorData::new(blocks, [n, go, bi]), device)
                .swap_dims(1, 2);
            GraphLinear::Packed(PackedLinear {
                weight: Param::from_tensor(w),
                bias: Param::from_tensor(bias(&l.bias, out)),
                gather: p.gather.clone(),
                inputs: p.inputs,
            })
        }
    })
}

/// Packs row-major `[out, inp, kk]` weights: output `o` of block `o / group_out` keeps the
/// `block_in` inputs that block gathers.
fn pack_blocks(
    w: &[f32],
    gather: &[usize],
    out: usize,
    inp: usize,
    bi: usize,
    kk: usize,
) -> Vec<f32> {
    let n = gather.len() / bi;
    let go = out / n;
    let mut v = Vec::with_capacity(out * bi * kk);
    for o in 0..out {
        for &c in &gather[(o / go) * bi..][..bi] {
            v.extend_from_slice(&w[(o * inp + c) * kk..][..kk]);
        }
    }
    v
}

async fn conv_in(g: &GraphConv, l: &Layer, device: &Device) -> Result<GraphConv> {
    let bias_of = |b: &Option<Vec<f32>>, out: usize| {
        b.as_ref().map(|b| {
            Param::from_tensor(Tensor::<1>::from_data(
                TensorData::new(b.clone(), [out]),
                device,
            ))
        })
    };
    Ok(match g {
        GraphConv::Masked(m) => {
            let dims = m.weight.val().dims();
            check_shape(&l.name, l.weight.len(), dims.iter().product())?;
            let w = Tensor::<4>::from_data(TensorData::new(l.weight.clone(), dims), device);
            let w = match &m.mask {
                Some(mask) => w * mask.clone(),
                None => w,
            };
            GraphConv::Masked(MaskedConv2d {
                weight: Param::from_tensor(w),
                bias: m.bias.as_ref().and(bias_of(&l.bias, dims[0])),
                mask: m.mask.clone(),
                stride: m.stride,
                padding: m.padding,
            })
        }
        GraphConv::Packed(p) => {
            let [out, bi, k, _] = p.weight.val().dims();
            let (inp, kk) = (p.inputs, k * k);
            check_shape(&l.name, l.weight.len(), out * inp * kk)?;
            let gather = read_gather(&p.gather).await?;
            let blocks = pack_blocks(&l.weight, &gather, out, inp, bi, kk);
            GraphConv::Packed(PackedConv2d {
                weight: Param::from_tensor(Tensor::from_data(
                    TensorData::new(blocks, [out, bi, k, k]),
                    device,
                )),
                bias: p.bias.as_ref().and(bias_of(&l.bias, out)),
                gather: p.gather.clone(),
                inputs: p.inputs,
                groups: p.groups,
                stride: p.stride,
                padding: p.padding,
            })
        }
    })
}

fn norm_in(old: &BatchNorm, n: &Norm, device: &Device) -> BatchNorm {
    let t = |v: &Vec<f32>| Tensor::<1>::from_data(TensorData::new(v.clone(), [v.len()]), device);
    BatchNorm {
        gamma: Param::from_tensor(t(&n.weight)),
        beta: Param::from_tensor(t(&n.bias)),
        running_mean: RunningState::new(t(&n.running_mean)),
        running_var: RunningState::new(t(&n.running_var)),
        ..old.clone()
    }
}

/// `net` (built for the current graph, masked or dense, packed or not) with the weights of
/// `layers`/`norms`; every masked layer keeps only the weights its mask keeps.
pub async fn load(net: &Net, layers: &[Layer], norms: &[Norm], device: &Device) -> Result<Net> {
    let count = |want: usize| -> Result<()> {
        if layers.len() != want {
            bail!(
                "the file has {} weight layers; the network has {want}",
                layers.len()
            );
        }
        Ok(())
    };
    Ok(match net {
        Net::Mlp(m) => {
            count(m.layers.len())?;
            let mut out = Vec::with_capacity(layers.len());
            for (g, l) in m.layers.iter().zip(layers) {
                out.push(linear_in(g, l, device).await?);
            }
            Net::Mlp(Mlp {
                layers: out,
                norms: m.norms.clone(),
                residual: m.residual,
            })
        }
        Net::Cnn(c) => {
            count(c.convs.len() + 1)?;
            if norms.len() != c.norms.len() {
                bail!(
                    "the file has {} BatchNorm layers; the network has {}",
                    norms.len(),
                    c.norms.len()
                );
            }
            let mut convs = Vec::with_capacity(c.convs.len());
            for (g, l) in c.convs.iter().zip(layers) {
                convs.push(conv_in(g, l, device).await?);
            }
            let head = linear_in(&c.head, &layers[c.convs.len()], device).await?;
            let norms = c
                .norms
                .iter()
                .zip(norms)
                .map(|(o, n)| norm_in(o, n, device))
                .collect();
            Net::Cnn(Cnn {
                convs,
                norms,
                head,
                hw: c.hw,
                in_ch: c.in_ch,
                residual: c.residual,
            })
        }
        #[cfg(feature = "onnx")]
        Net::Imported(_) => bail!("{IMPORTED}"),
    })
}

/// A dense network of `arch` (weights to be loaded), for prediction from a file alone.
pub fn dense_net(arch: &ArchSpec, device: &Device) -> Result<Net> {
    let opts = crate::mapping::MaskOptions::default();
    match arch.model {
        ModelKind::Mlp => {
            let spec = MlpSpec {
                inputs: arch.inputs,
                hidden: arch.widths.clone(),
                classes: arch.classes,
            };
            Net::mlp(&spec, None, &opts, false, 1, device)
        }
        ModelKind::Cnn => {
            let spec = CnnSpec {
                in_ch: arch.in_channels(),
                input_hw: arch.input_hw,
                channels: arch.widths.clone(),
                classes: arch.classes,
            };
            Net::cnn(&spec, None, &opts, (false, false), 1, device)
        }
    }
}

/// Logits `rows × classes` (row-major) of `net` for row-major inputs `rows × cols`, in batches.
pub async fn logits(
    net: &Net,
    x: &[f32],
    rows: usize,
    cols: usize,
    device: &Device,
) -> Result<Vec<f32>> {
    let model = net.valid();
    let device = device.clone().without_autodiff();
    let mut out = Vec::new();
    for start in (0..rows).step_by(500) {
        let end = (start + 500).min(rows);
        let batch = x[start * cols..end * cols].to_vec();
        let t = Tensor::<2>::from_data(TensorData::new(batch, [end - start, cols]), &device);
        out.extend(read(model.forward(t).flatten(0, 1)).await?);
    }
    Ok(out)
}
