//! Fine-tuning a user's ONNX network: read the file, prune it by the graph where the layer table
//! masks, hand it to a [`Trainer`], and write the trained network back as ONNX (dense with zeros,
//! or packed). The CLI (`rgp train --init-from NET.onnx`) and the tab both start here.

use super::finetune::{FineTune, MaskSource, StartNets, measured};
use super::imported::ImportedNet;
use super::model::Net;
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
/// steps, the file's weights) and which weight steps carry the graph's mask.
#[derive(Clone, Debug)]
pub struct OnnxSource {
    pub steps: Steps,
    pub masked: Vec<bool>,
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

/// A trainer whose network is the ONNX file's (`bytes`), pruned by `conn` where the layer table
/// masks (less `keep_dense`; dense with `cfg.dense`), with the file's network and the pruned one
/// kept for [`StartNets::evaluate`], and what writing it back needs. The data keeps its own
/// normalisation; no recovery runs. Only the graph's mask prunes it: `mask` magnitude is refused
/// (magnitude pruning knows the built-in networks' layers only).
pub fn prepare_onnx(
    mut cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    (keep_dense, mask): (&[String], MaskSource),
    device: Device,
    bytes: &[u8],
) -> Result<(Trainer, StartNets, OnnxSource)> {
    if mask != MaskSource::Graph {
        bail!(
            "an ONNX network is pruned by the graph: magnitude pruning knows the built-in networks only"
        );
    }
    let file = onnx::read(bytes)?;
    let steps = lower(&file)?;
    let unmasked = vec![None; steps.weight_steps().count()];
    let dense = ImportedNet::new(&steps, &unmasked, false, &device)?;
    check_fits(&dense, &data)?;
    let (rows, masks) = layers::masks(&file, &steps, conn, keep_dense)?;
    let arch = layers::arch(&file, &data.name, &rows)?;
    let accounting = account(&arch, conn, Convention::Exact)?;
    let packing = cfg.kernel.packing(&device);
    let (pruned, masked) = match cfg.dense {
        true => (dense.clone(), vec![false; masks.len()]),
        false => (
            ImportedNet::new(&steps, &masks, packing.0, &device)?,
            masks.iter().map(Option::is_some).collect(),
        ),
    };
    cfg.recover = Recovery::None;
    let (pretrained, pruned) = (Net::Imported(dense), Net::Imported(pruned));
    let trainer = Trainer::with_net(cfg, data, pruned.clone(), accounting, device, packing)?;
    let nets = StartNets::new(pretrained, pruned, None);
    Ok((trainer, nets, OnnxSource { steps, masked }))
}

/// [`prepare_onnx`]'s trainer with both networks measured now (the CLI reports them first).
pub async fn start_onnx(
    cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    layers: (&[String], MaskSource),
    device: Device,
    bytes: &[u8],
) -> Result<(FineTune, OnnxSource)> {
    let (trainer, nets, source) = prepare_onnx(cfg, data, conn, layers, device, bytes)?;
    Ok((measured((trainer, nets)).await?, source))
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
    let saved = saved_net(trainer, conn, source, meta).await?;
    to_onnx(&saved.net, &saved.masks(), layout, &saved.meta_pairs())
}
