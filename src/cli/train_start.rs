//! `rgp train --init-from`: the trainer that starts from a model file or an ONNX network, and
//! what the start measured.

use super::files::{is_onnx, read_file};
use super::train::{Args, PruneBy};
use crate::Result;
use crate::data::Dataset;
use crate::mapping::Connectivity;
use crate::train::finetune_onnx::{self, OnnxSource};
use crate::train::trainer::block_on;
use crate::train::{TrainConfig, Trainer, device, finetune};
use std::path::Path;

/// What a start from --init-from measured: the loaded and the pruned network's test accuracy,
/// and the permutation's kept saliency; from an ONNX network, what writing it back needs.
pub(super) struct StartReport {
    pub pretrained: f64,
    pub pruned: f64,
    pub kept_saliency: Option<[f64; 2]>,
    pub onnx: Option<OnnxSource>,
}

/// A fresh trainer, or one that starts from --init-from.
pub(super) fn start(
    a: &Args,
    cfg: TrainConfig,
    mut data: Dataset,
    conn: &Connectivity,
) -> Result<(Trainer, Option<StartReport>)> {
    let dev = block_on(device::device(a.train.backend()))?;
    let Some(path) = &a.init_from else {
        return Ok((Trainer::new(cfg, data, conn, dev)?, None));
    };
    let bytes = read_file(path)?;
    if is_onnx(path, &bytes) {
        return start_onnx(a, cfg, data, conn, dev, &bytes);
    }
    if !a.onnx_layers.keep_dense.is_empty() {
        crate::bail!("--keep-dense names layers of an ONNX network given with --init-from");
    }
    let file = finetune::read_for(&bytes, &cfg, &mut data)?;
    let mask = mask_source(a.prune);
    let ft = block_on(async {
        finetune::measured(finetune::prepare(cfg, data, conn, dev, &file, mask).await?).await
    })?;
    Ok(measured(ft))
}

fn mask_source(p: PruneBy) -> finetune::MaskSource {
    match p {
        PruneBy::Graph => finetune::MaskSource::Graph,
        PruneBy::Magnitude => finetune::MaskSource::Magnitude,
    }
}

/// The trainer of a start and what the start measured.
fn measured(ft: finetune::FineTune) -> (Trainer, Option<StartReport>) {
    let report = StartReport {
        pretrained: ft.pretrained.accuracy,
        pruned: ft.pruned.accuracy,
        kept_saliency: ft.kept_saliency,
        onnx: None,
    };
    (ft.trainer, Some(report))
}

/// [`start`] from an ONNX network.
fn start_onnx(
    a: &Args,
    cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    dev: burn::tensor::Device,
    bytes: &[u8],
) -> Result<(Trainer, Option<StartReport>)> {
    if let Some(p) = a.save.as_deref() {
        let safetensors = p.extension().is_some_and(|e| e == "safetensors");
        if !is_onnx(p, &[]) && !safetensors {
            crate::bail!(
                "an ONNX network is saved as ONNX or as a safetensors model file: name the --save file *.onnx or *.safetensors"
            );
        }
        finetune_onnx::check_save(!safetensors, a.layout, a.dtype)?;
        finetune_onnx::check_layout(a.prune == PruneBy::Magnitude, a.layout)?;
    }
    let in_file = |e: crate::Error| {
        let path = a.init_from.as_deref().unwrap_or(Path::new(""));
        crate::Error::new(format!("{}: {e}", path.display()))
    };
    let how = finetune_onnx::OnnxPruning {
        keep_dense: &a.onnx_layers.keep_dense,
        mask: mask_source(a.prune),
        scratch: false,
    };
    let start = finetune_onnx::start_onnx(cfg, data, conn, how, dev, bytes);
    let (ft, source) = block_on(start).map_err(in_file)?;
    let (trainer, mut report) = measured(ft);
    if let Some(r) = &mut report {
        r.onnx = Some(source);
    }
    Ok((trainer, report))
}
