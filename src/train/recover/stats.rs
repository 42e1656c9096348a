//! Per-channel statistics of every weight layer's input and output on calibration images, from
//! the network's own forward pass (`Net::forward_traced`): what permutation scores and what
//! rescaling matches.

use crate::Result;
use crate::data::Dataset;
use crate::graph::Rng;
use crate::train::host::read;
use crate::train::model::Net;
use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};

/// Training images the statistics are taken on.
pub const CALIBRATION_IMAGES: usize = 512;
const BATCH: usize = 256;

/// One weight layer: its input channels' mean square, its output channels' mean and variance
/// (before any norm or activation).
#[derive(Clone, Debug, PartialEq)]
pub struct LayerStats {
    pub in_sq: Vec<f64>,
    pub out_mean: Vec<f64>,
    pub out_var: Vec<f64>,
}

/// The calibration images: a seeded sample of the training split.
pub fn calibration(data: &Dataset, seed: u64) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..data.train.len() as u32).collect();
    Rng::derive(seed, "calibration").shuffle(&mut idx);
    idx.truncate(CALIBRATION_IMAGES);
    idx
}

/// Sums per layer: Σx², then Σy, Σy² per channel, and the rows they cover.
#[derive(Default)]
struct Sums {
    widths: Vec<(usize, usize)>,
    rows: Vec<f64>,
    values: Vec<f64>,
}

/// Statistics of every weight layer of `net` on `data`'s training images `idx`.
pub async fn measure(
    net: &Net,
    data: &Dataset,
    idx: &[u32],
    device: &Device,
) -> Result<Vec<LayerStats>> {
    let model = net.valid();
    let device = device.clone().without_autodiff();
    let f = data.features();
    let mut sums = Sums::default();
    let mut buf = Vec::new();
    for chunk in idx.chunks(BATCH) {
        data.batch(&data.train, chunk, &mut buf);
        let x = Tensor::<2>::from_data(TensorData::new(buf.clone(), [chunk.len(), f]), &device);
        // Per layer, in forward order: its column sums, rows, input and output widths.
        let mut parts: Vec<(Tensor<1>, usize, usize, usize)> = Vec::new();
        let mut collect = |_: usize, x: Tensor<2>, y: Tensor<2>| {
            let ([rows, cin], [_, cout]) = (x.dims(), y.dims());
            let col = |t: Tensor<2>| t.sum_dim(0).flatten::<1>(0, 1);
            let v = Tensor::cat(
                vec![col(x.clone() * x), col(y.clone()), col(y.clone() * y)],
                0,
            );
            parts.push((v, rows, cin, cout));
        };
        let _ = model.forward_traced(x, Some(&mut collect));
        let all = read(Tensor::cat(parts.iter().map(|p| p.0.clone()).collect(), 0)).await?;
        if sums.widths.is_empty() {
            sums.widths = parts.iter().map(|p| (p.2, p.3)).collect();
            sums.rows = vec![0.0; parts.len()];
            sums.values = vec![0.0; all.len()];
        }
        for (k, p) in parts.iter().enumerate() {
            sums.rows[k] += p.1 as f64;
        }
        for (s, &v) in sums.values.iter_mut().zip(&all) {
            *s += v as f64;
        }
    }
    Ok(finish(&sums))
}

fn finish(s: &Sums) -> Vec<LayerStats> {
    let mut at = 0;
    s.widths
        .iter()
        .zip(&s.rows)
        .map(|(&(cin, cout), &rows)| {
            let mut take = |len: usize| {
                let v: Vec<f64> = s.values[at..at + len].iter().map(|x| x / rows).collect();
                at += len;
                v
            };
            let in_sq = take(cin);
            let out_mean = take(cout);
            let out_sq = take(cout);
            let out_var = out_mean
                .iter()
                .zip(&out_sq)
                .map(|(m, q)| (q - m * m).max(0.0))
                .collect();
            LayerStats {
                in_sq,
                out_mean,
                out_var,
            }
        })
        .collect()
}
