//! A pretrained network recovered from its graph mask before fine-tuning (`--recover`, link key
//! `recover`; docs/FINETUNING.md has the study). The block mask keeps k of every n input groups
//! of each hidden unit, so a masked pretrained network keeps weights chosen by position, not by
//! importance, and every activation shrinks about n/k times: right after masking the default MLP
//! guesses. Two repairs, which compound:
//! - **permutation** (`permute.rs`): regroup each hidden layer's units so the mask keeps the most
//!   salient weights; the dense network computes the same function;
//! - **rescaling**: bring each masked layer's outputs back to the dense network's per-unit mean
//!   and standard deviation on calibration images, layer by layer, each layer matched with the
//!   ones before it already repaired. Where a BatchNorm follows the layer (the CNN), its running
//!   statistics are recomputed instead (EagleEye's adaptive BatchNorm), which normalises alike.

pub mod assignment;
pub mod permute;
pub mod stats;

use super::model::Net;
use super::trainer::arch_of;
use super::{Recovery, TrainConfig, weights};
use crate::Result;
use crate::data::Dataset;
use crate::mapping::Connectivity;
use crate::model_file::{Layer, ModelFile, Norm};
use burn::tensor::Device;
use permute::Shape;
use stats::LayerStats;

/// The recovered weights, to load into the masked network.
pub struct Recovered {
    pub layers: Vec<Layer>,
    pub norms: Vec<Norm>,
    /// With permutation: the saliency the mask keeps, before and after (sum over masked layers).
    pub kept_saliency: Option<[f64; 2]>,
}

/// Every weight layer of `cfg`'s network on `data` as the permutation sees it.
pub fn shapes(cfg: &TrainConfig, data: &Dataset) -> Result<Vec<Shape>> {
    Ok(arch_of(cfg, data)?
        .layers()
        .map(|l| Shape {
            out: l.out_ch as usize,
            inp: l.in_ch as usize,
            kk: (l.kernel * l.kernel) as usize,
            masked: l.masked && !cfg.dense,
        })
        .collect())
}

/// `file`'s weights recovered by `cfg.recover` for the graph `conn`. `pretrained` is the file's
/// network, dense; `masked` the network of `cfg` with the mask (its weights are replaced).
pub async fn recover(
    file: &ModelFile,
    cfg: &TrainConfig,
    data: &Dataset,
    conn: &Connectivity,
    (pretrained, masked): (&Net, &Net),
    device: &Device,
) -> Result<Recovered> {
    if cfg.recover == Recovery::None {
        return Ok(Recovered {
            layers: file.layers.clone(),
            norms: file.norms.clone(),
            kept_saliency: None,
        });
    }
    let shapes = shapes(cfg, data)?;
    let idx = stats::calibration(data, cfg.seed);
    let (mut layers, mut norms) = (file.layers.clone(), file.norms.clone());
    // The dense network's statistics, once: a permutation only reorders them.
    let mut dense = stats::measure(pretrained, data, &idx, device).await?;
    let mut kept_saliency = None;
    if cfg.recover.permutes() {
        let orders;
        (orders, kept_saliency) = permutation(&shapes, &layers, &dense, conn);
        permute::apply(&mut layers, &mut norms, &shapes, &orders);
        permute::apply_to_stats(&mut dense, &orders);
    }
    if cfg.recover.rescales() {
        for l in (0..shapes.len()).filter(|&l| shapes[l].masked) {
            let net = weights::load(masked, &layers, &norms, device).await?;
            let now = stats::measure(&net, data, &idx, device).await?;
            match norms.get_mut(l) {
                Some(norm) => recalibrate(norm, &now[l]),
                None => rescale(&mut layers[l], shapes[l], &dense[l], &now[l]),
            }
        }
    }
    Ok(Recovered {
        layers,
        norms,
        kept_saliency,
    })
}

/// Each hidden layer's new unit order (new position → old unit) for `layers` with the dense
/// network's statistics `st`, and the saliency the mask keeps before and after.
pub fn permutation(
    shapes: &[Shape],
    layers: &[Layer],
    st: &[LayerStats],
    conn: &Connectivity,
) -> (Vec<Vec<usize>>, Option<[f64; 2]>) {
    let sal: Vec<Vec<f64>> = (0..shapes.len())
        .map(|l| match shapes[l].masked {
            true => permute::saliency(&layers[l], shapes[l], &st[l].in_sq),
            false => Vec::new(),
        })
        .collect();
    let (groups, before, after) = permute::plan(shapes, &sal, conn);
    (groups.orders(), Some([before, after]))
}

/// Per output unit `z → a·z + b` folded into the weights and bias so that the unit's mean and
/// variance on the calibration images become the target's. A unit that is constant there is
/// only shifted.
pub fn rescale(layer: &mut Layer, s: Shape, target: &LayerStats, now: &LayerStats) {
    let row = s.inp * s.kk;
    for o in 0..s.out {
        let (vt, vn) = (target.out_var[o], now.out_var[o]);
        let a = if vn > 1e-12 && vt > 0.0 {
            (vt / vn).sqrt()
        } else {
            1.0
        };
        let shift = target.out_mean[o] - a * now.out_mean[o];
        for w in &mut layer.weight[o * row..(o + 1) * row] {
            *w = (*w as f64 * a) as f32;
        }
        if let Some(b) = &mut layer.bias {
            b[o] = (b[o] as f64 * a + shift) as f32;
        }
    }
}

/// The BatchNorm after a masked layer normalises by what that layer now outputs.
pub fn recalibrate(norm: &mut Norm, now: &LayerStats) {
    norm.running_mean = now.out_mean.iter().map(|&v| v as f32).collect();
    norm.running_var = now.out_var.iter().map(|&v| v as f32).collect();
}
