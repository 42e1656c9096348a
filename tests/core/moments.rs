//! What every dataset reader's tests check: the training inputs, as the model receives them
//! (`Dataset::batch`), come out standardised.

use rgp::data::Dataset;

/// Mean and variance of every `stride`-th input of the training split from `first` on (one
/// table column: `first` = column, `stride` = columns; all the pixels: 0, 1).
pub fn train_moments(d: &Dataset, first: usize, stride: usize) -> (f64, f64) {
    let idx: Vec<u32> = (0..d.train.len() as u32).collect();
    let mut buf = Vec::new();
    d.batch(&d.train, &idx, &mut buf);
    let vals: Vec<f64> = buf
        .iter()
        .skip(first)
        .step_by(stride)
        .map(|&v| v as f64)
        .collect();
    let mean = vals.iter().sum::<f64>() / vals.len() as f64;
    let var = vals.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / vals.len() as f64;
    (mean, var)
}
