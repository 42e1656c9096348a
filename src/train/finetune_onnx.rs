//! Fine-tuning a user's ONNX network: read the file, prune it by the graph where the layer table
//! masks, hand it to a [`Trainer`], and write the trained network back as ONNX (dense with zeros,
//! or packed). The CLI (`rgp train --init-from NET.onnx`) and the tab both start here.

use super::checkpoint::SavedRun;
use super::custom_masks::magnitude_pruned;
use super::finetune::{FineTune, MaskSource, StartNets, measured};
use super::imported::ImportedNet;
use super::imported_init::fresh_weights;
use super::model::Net;
use super::session::Session;
use super::{Recovery, TrainConfig, Trainer};
use crate::data::Dataset;
use crate::import::net::{Net as Steps, dims};
use crate::import::saved::SavedNet;
use crate::import::write::{Written, to_onnx};
use crate::import::{layers, lower::lower, onnx};
use crate::mapping::{Connectivity, Convention, account};
use crate::model_file::{Dtype, Layout, normalisation};
use crate::{Result, bail};
use burn::tensor::Device;

/// Whether a start file's bytes are an ONNX network (not a model file).
pub use crate::import::onnx::looks_like as looks_like_onnx;

/// What a run started from an ONNX file keeps to write its network back: the lowered file (its
/// steps, the start's weights) and which weight steps carry the graph's mask (none when
/// `by_magnitude`: those masks are unstructured, and the network is written dense, zeros kept).
#[derive(Clone, Debug)]
pub struct OnnxSource {
    pub steps: Steps,
    pub masked: Vec<bool>,
    pub by_magnitude: bool,
}

/// The network `net` would be for `data`, or why not in one line.
fn check_fits(net: &ImportedNet, data: &Dataset) -> Result<()> {
    let input = &net.plan.shapes[0];
    let ours = match input.len() {
        3 => vec![data.channels as usize, data.hw as usize, data.hw as usize],
        _ => vec![data.features()],
    };
    if *input != ours || net.output_size() != data.classes as usize {
        bail!(
            "the model expects {} inputs and {} classes; {} has {} inputs and {} classes",
            dims(input),
            net.output_size(),
            data.name,
            dims(&ours),
            data.classes
        );
    }
    Ok(())
}

/// How an ONNX start is pruned: the eligible layers the user keeps dense, what prunes the rest
/// (the graph's mask, or one-shot magnitude pruning at its per-layer kept counts), and whether
/// the file's weights are replaced by fresh ones (`scratch`: the same pruned architecture from
/// random weights, the race's from-scratch lane).
#[derive(Clone, Copy, Debug)]
pub struct OnnxPruning<'a> {
    pub keep_dense: &'a [String],
    pub mask: MaskSource,
    pub scratch: bool,
}

impl<'a> OnnxPruning<'a> {
    /// Pruned by the graph, less `keep_dense`, from the file's weights.
    pub fn by_graph(keep_dense: &'a [String]) -> OnnxPruning<'a> {
        OnnxPruning {
            keep_dense,
            mask: MaskSource::Graph,
            scratch: false,
        }
    }
}

/// A trainer whose network is the ONNX file's (`bytes`), pruned where the layer table masks as
/// `how` says (dense with `cfg.dense`), with the file's network and the pruned one kept for
/// [`StartNets::evaluate`], and what writing it back needs. The data keeps its own
/// normalisation; no recovery runs.
pub async fn prepare_onnx(
    cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    how: OnnxPruning<'_>,
    device: Device,
    bytes: &[u8],
) -> Result<(Trainer, StartNets, OnnxSource)> {
    let packing = cfg.kernel.packing(&device);
    prepare_onnx_as(cfg, data, conn, how, (device, packing), bytes).await
}

/// [`prepare_onnx`] in the layout `packing` (a run moved from another backend keeps its own).
pub async fn prepare_onnx_as(
    mut cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    how: OnnxPruning<'_>,
    (device, packing): (Device, (bool, bool)),
    bytes: &[u8],
) -> Result<(Trainer, StartNets, OnnxSource)> {
    if how.scratch && how.mask != MaskSource::Graph {
        bail!("magnitude pruning needs the file's weights: it cannot start from scratch");
    }
    let file = onnx::read(bytes)?;
    let mut steps = lower(&file)?;
    let unmasked = vec![None; steps.weight_steps().count()];
    let dense = ImportedNet::new(&steps, &unmasked, false, &device)?;
    check_fits(&dense, &data)?;
    let (rows, masks) = layers::masks(&file, &steps, conn, how.keep_dense)?;
    let arch = layers::arch(&file, &data.name, &rows)?;
    let accounting = account(&arch, conn, Convention::Exact)?;
    if how.scratch {
        steps = fresh_weights(&steps, &masks, cfg.seed)?;
    }
    // A dense run keeps every weight, whatever prunes the others.
    let by_magnitude = how.mask == MaskSource::Magnitude && !cfg.dense;
    // Magnitude masks are not the graph's blocks: those layers stay in the `W ⊙ M` form.
    let packing = if by_magnitude {
        (false, false)
    } else {
        packing
    };
    let used = if cfg.dense { unmasked } else { masks };
    let masked = used.iter().map(|m| m.is_some() && !by_magnitude).collect();
    let pruned = match cfg.dense && !how.scratch {
        true => dense.clone(),
        false => ImportedNet::new(&steps, &used, packing.0, &device)?,
    };
    let pruned = match by_magnitude {
        false => Net::Imported(pruned),
        true => {
            let dense = Net::Imported(dense.clone());
            magnitude_pruned(&dense, &Net::Imported(pruned), &device).await?
        }
    };
    cfg.recover = Recovery::None;
    let pretrained = Net::Imported(dense);
    let trainer = Trainer::with_net(cfg, data, pruned.clone(), accounting, device, packing)?;
    let nets = StartNets::new(pretrained, pruned, None);
    let source = OnnxSource {
        steps,
        masked,
        by_magnitude,
    };
    Ok((trainer, nets, source))
}

/// [`prepare_onnx`]'s trainer with both networks measured now (the CLI reports them first).
pub async fn start_onnx(
    cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    how: OnnxPruning<'_>,
    device: Device,
    bytes: &[u8],
) -> Result<(FineTune, OnnxSource)> {
    let (trainer, nets, source) = prepare_onnx(cfg, data, conn, how, device, bytes).await?;
    Ok((measured((trainer, nets)).await?, source))
}

/// A run of the ONNX network `bytes` that [`crate::train::session::Session::checkpoint`] saved
/// (`checkpoint`), continued on `device`: the network rebuilt from its file in the layout the run
/// had, then given the saved weights and optimizer state. Only a run pruned by the graph moves
/// (magnitude masks are not rebuilt from the file).
pub async fn resume_onnx(
    cfg: TrainConfig,
    mut data: Dataset,
    conn: &Connectivity,
    how: OnnxPruning<'_>,
    (device, bytes): (Device, &[u8]),
    checkpoint: &[u8],
) -> Result<(Session, OnnxSource)> {
    if how.mask != MaskSource::Graph {
        bail!("a run pruned by magnitude cannot move to another backend");
    }
    let saved = SavedRun::open(checkpoint, &mut data)?;
    let at = (device.clone(), saved.packing());
    let (trainer, _, source) = prepare_onnx_as(cfg, data, conn, how, at, bytes).await?;
    Ok((saved.into_session(trainer, &device)?, source))
}

/// The files a network imported from ONNX saves as, one rule for the command line and the tab:
/// ONNX (`onnx`), dense or packed, or the saved imported network (dense safetensors); all f32.
pub fn check_save(onnx: bool, layout: Layout, dtype: Dtype) -> Result<()> {
    if dtype != Dtype::F32 || (!onnx && layout != Layout::Dense) {
        bail!(
            "a network imported from ONNX is saved in f32, as ONNX (dense or packed) or as a dense safetensors file (a saved imported network is dense f32; rgp export writes it packed as ONNX)"
        );
    }
    Ok(())
}

/// A network pruned by magnitude is written dense: it has no blocks to pack.
pub fn check_layout(by_magnitude: bool, layout: Layout) -> Result<()> {
    if by_magnitude && layout == Layout::Packed {
        bail!(
            "a network pruned by magnitude keeps single weights, not the graph's blocks: it is written dense (pruned weights zero), not packed"
        );
    }
    Ok(())
}

/// The trainer's network (started from `source`) as a saved imported network, its masked layers
/// under `conn`; `meta` (key, value pairs, e.g. the graph) goes with it beside the inputs'
/// normalisation, which the trained network expects.
pub async fn saved_net(
    trainer: &Trainer,
    conn: &Connectivity,
    source: &OnnxSource,
    meta: &[(&str, String)],
) -> Result<SavedNet> {
    let Net::Imported(net) = trainer.model() else {
        bail!("this run's network was not imported from ONNX");
    };
    let d = trainer.dataset();
    let mut all = vec![
        ("dataset".to_string(), d.name.clone()),
        (
            "normalisation".into(),
            normalisation(d.max_value, d.mean, d.std, d.column_norm.as_ref()),
        ),
        ("input_max".into(), d.max_value.to_string()),
        ("input_mean".into(), d.mean.to_string()),
        ("input_std".into(), d.std.to_string()),
    ];
    all.extend(meta.iter().map(|(k, v)| (k.to_string(), v.clone())));
    Ok(SavedNet {
        net: net.to_steps(&source.steps, trainer.device()).await?,
        masked: source.masked.clone(),
        conn: source.masked.contains(&true).then(|| conn.clone()),
        meta: all,
    })
}

/// The trainer's network written as ONNX in `layout` ([`saved_net`]'s network and metadata).
pub async fn export_onnx(
    trainer: &Trainer,
    conn: &Connectivity,
    source: &OnnxSource,
    layout: Layout,
    meta: &[(&str, String)],
) -> Result<Written> {
    check_layout(source.by_magnitude, layout)?;
    let saved = saved_net(trainer, conn, source, meta).await?;
    to_onnx(&saved.net, &saved.masks(), layout, &saved.meta_pairs())
}
