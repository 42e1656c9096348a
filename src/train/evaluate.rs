//! The test evaluation: accuracy, loss, confusion matrix and per-class accuracy of a network.

use super::host::read;
use super::model::Net;
use super::trainer::Evaluation;
use crate::Result;
use crate::data::Dataset;
use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};

/// Accuracy, loss, confusion matrix and per-class accuracy of `net` on the test split of `data`
/// (at most `limit` samples; `None` = all).
pub async fn evaluate(
    net: &Net,
    data: &Dataset,
    device: &Device,
    limit: Option<usize>,
) -> Result<Evaluation> {
    let model = net.valid();
    let device = device.clone().without_autodiff();
    let split = &data.test;
    let n = limit.map_or(split.len(), |l| l.min(split.len()));
    let (f, classes) = (data.features(), data.classes as usize);
    let mut outs = Vec::new();
    let mut buf = Vec::new();
    for start in (0..n).step_by(500) {
        let idx: Vec<u32> = (start as u32..(start + 500).min(n) as u32).collect();
        data.batch(split, &idx, &mut buf);
        let x = Tensor::<2>::from_data(TensorData::new(buf.clone(), [idx.len(), f]), &device);
        outs.push(model.forward(x));
    }
    let logits = read(Tensor::cat(outs, 0).flatten(0, 1)).await?;
    let mut confusion = vec![vec![0u32; classes]; classes];
    let mut loss = 0.0;
    for (i, row) in logits.chunks(classes).enumerate() {
        let (pred, max) = row
            .iter()
            .enumerate()
            .fold((0, f32::MIN), |a, (j, &v)| if v > a.1 { (j, v) } else { a });
        let lse = max as f64
            + row
                .iter()
                .map(|&v| ((v - max) as f64).exp())
                .sum::<f64>()
                .ln();
        let truth = split.y[i] as usize;
        loss += lse - row[truth] as f64;
        confusion[truth][pred] += 1;
    }
    let correct: u32 = (0..classes).map(|c| confusion[c][c]).sum();
    let per_class_accuracy = confusion
        .iter()
        .enumerate()
        .map(|(c, r)| {
            let t: u32 = r.iter().sum();
            if t == 0 {
                f64::NAN
            } else {
                r[c] as f64 / t as f64
            }
        })
        .collect();
    Ok(Evaluation {
        accuracy: correct as f64 / n.max(1) as f64,
        loss: loss / n.max(1) as f64,
        samples: n,
        confusion,
        per_class_accuracy,
    })
}
