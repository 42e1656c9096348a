//! One image through a network: the class probabilities the page's "Try the network" shows for a
//! drawn or dropped digit. Inputs are standardised exactly as [`Dataset::batch`] does for training
//! and evaluation, so a drawing meets the network on the same scale as the test images.

use super::host::read;
use super::model::Net;
use crate::data::Dataset;
use crate::{Result, bail};
use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};

/// Softmax probabilities of `net` for one image of `data`'s shape: `pixels` in [0, 1] (full ink
/// 1, i.e. a byte pixel divided by the dataset's `max_value`), row-major, channel-first. Ink is
/// the light part, as in MNIST; on data whose images are mostly light (dark ink on paper: mean
/// above one half) the pixels are flipped to that polarity first.
pub async fn probabilities(
    net: &Net,
    data: &Dataset,
    device: &Device,
    pixels: &[f32],
) -> Result<Vec<f32>> {
    if data.column_norm.is_some() || data.hw == 0 {
        bail!("predictions take images; this network reads a table");
    }
    if pixels.len() != data.features() {
        bail!(
            "an image of {} pixels, but this network reads {} ({}×{}, {} channel(s))",
            pixels.len(),
            data.features(),
            data.hw,
            data.hw,
            data.channels
        );
    }
    if pixels.iter().any(|p| !p.is_finite()) {
        bail!("pixels must be finite numbers");
    }
    let inv_std = 1.0 / data.std;
    let paper = data.mean > 0.5;
    let x: Vec<f32> = pixels
        .iter()
        .map(|&p| {
            let p = p.clamp(0.0, 1.0);
            (if paper { 1.0 - p } else { p } - data.mean) * inv_std
        })
        .collect();
    let device = device.clone().without_autodiff();
    let x = Tensor::<2>::from_data(TensorData::new(x, [1, data.features()]), &device);
    let logits = read(net.valid().forward(x).flatten(0, 1)).await?;
    Ok(softmax(&logits))
}

/// Softmax in f64 (stable: shifted by the largest logit), back to f32.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::MIN, f32::max) as f64;
    let e: Vec<f64> = logits.iter().map(|&v| (v as f64 - max).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|v| (v / sum) as f32).collect()
}
