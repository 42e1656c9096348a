//! Fresh weights for a user's imported network: the race's from-scratch lane trains the file's
//! architecture, pruned by the same graph, from random weights instead of the file's — the
//! plain alternative that fine-tuning the file's weights has to beat.

use super::layers::RELU_GAIN;
use crate::graph::Rng;
use crate::import::net::{Net, Op};
use crate::mapping::{Connectivity, mask_matrix};
use crate::{Result, bail};

/// `net` with every weight layer redrawn from `Rng::derive(seed, "imported-scratch")`: Kaiming
/// uniform, each output's bound from its kept fan-in under its mask (as the built-in masked
/// layers are initialised), gain √2 (1 for the last layer, the classifier); biases zero; every
/// BatchNorm reset (scale 1, shift 0, running mean 0, running variance 1). `masks` holds one
/// mask (or `None`, dense) per weight step, as [`super::imported::ImportedNet::new`] takes them.
pub fn fresh_weights(net: &Net, masks: &[Option<&Connectivity>], seed: u64) -> Result<Net> {
    let mut rng = Rng::derive(seed, "imported-scratch");
    let mut out = net.clone();
    let last = net.weight_steps().count().saturating_sub(1);
    let mut layer = 0;
    for s in &mut out.steps {
        match &mut s.op {
            Op::Conv { weight, bias, .. } | Op::Linear { weight, bias } => {
                let gain = if layer == last { 1.0 } else { RELU_GAIN };
                let mask = masks.get(layer).copied().flatten();
                weight.data = redrawn(&weight.shape, mask, gain, &mut rng)?;
                if let Some(b) = bias {
                    b.fill(0.0);
                }
                layer += 1;
            }
            Op::BatchNorm {
                scale,
                bias,
                mean,
                var,
                ..
            } => {
                scale.fill(1.0);
                bias.fill(0.0);
                mean.fill(0.0);
                var.fill(1.0);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Random weights of `shape` (`[out, in, kh, kw]` or `[out, in]`), pruned positions zero.
fn redrawn(
    shape: &[usize],
    mask: Option<&Connectivity>,
    gain: f64,
    rng: &mut Rng,
) -> Result<Vec<f32>> {
    let (out, inp) = match shape {
        [out, inp, ..] if *out > 0 && *inp > 0 => (*out, *inp),
        _ => bail!("a weight of shape {shape:?} cannot be redrawn"),
    };
    let per_out: usize = shape[1..].iter().product();
    let window = per_out / inp;
    let kept = match mask {
        Some(c) => mask_matrix(c, out as u32, inp as u32)?,
        None => vec![1.0; out * inp],
    };
    let mut w = Vec::with_capacity(out * per_out);
    for row in kept.chunks(inp) {
        let fan_in = row.iter().filter(|&&m| m != 0.0).count() * window;
        let bound = gain * (3.0 / fan_in.max(1) as f64).sqrt();
        for &m in row {
            for _ in 0..window {
                let v = (2.0 * rng.unit() - 1.0) * bound;
                w.push(if m != 0.0 { v as f32 } else { 0.0 });
            }
        }
    }
    Ok(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::net::{Step, Tensor};

    fn linear(name: &str, out: usize, inp: usize, input: usize, output: usize) -> Step {
        Step {
            name: name.into(),
            op: Op::Linear {
                weight: Tensor {
                    shape: vec![out, inp],
                    data: vec![0.5; out * inp],
                },
                bias: Some(vec![0.25; out]),
            },
            inputs: vec![input],
            output,
        }
    }

    #[test]
    fn redrawn_weights_follow_the_seed_and_the_kept_fan_in() {
        let net = Net {
            steps: vec![linear("a", 8, 8, 0, 1), linear("b", 3, 8, 1, 2)],
            output: 2,
            shapes: vec![vec![8], vec![8], vec![3]],
        };
        let dense = fresh_weights(&net, &[None, None], 7).unwrap();
        assert_eq!(dense, fresh_weights(&net, &[None, None], 7).unwrap());
        assert_ne!(dense, fresh_weights(&net, &[None, None], 8).unwrap());
        let Op::Linear { weight, bias } = &dense.steps[0].op else {
            unreachable!()
        };
        let bound = (RELU_GAIN * (3.0f64 / 8.0).sqrt()) as f32;
        assert!(weight.data.iter().all(|w| w.abs() <= bound && *w != 0.5));
        assert_eq!(bias.as_deref(), Some(&[0.0; 8][..]));
        // Under a 2-regular graph on 4 nodes an output reads half its inputs: those kept are
        // drawn for a fan-in of 4, the rest are zero.
        let ring =
            Connectivity::from_rows(vec![vec![1, 3], vec![0, 2], vec![1, 3], vec![0, 2]]).unwrap();
        let masked = fresh_weights(&net, &[Some(&ring), None], 7).unwrap();
        let Op::Linear { weight, .. } = &masked.steps[0].op else {
            unreachable!()
        };
        let zeros = weight.data.iter().filter(|w| **w == 0.0).count();
        assert_eq!(zeros, 32);
        let bound = (RELU_GAIN * (3.0f64 / 4.0).sqrt()) as f32;
        assert!(weight.data.iter().all(|w| w.abs() <= bound));
    }
}
