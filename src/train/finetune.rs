//! Starting from a trained network: load a model file, measure it, prune it by the current
//! graph, measure again, and hand the pruned network to a [`Trainer`] to fine-tune. The CLI
//! (`rgp train --init-from`), sweeps (`--start pretrained`) and the app all start here.

use super::custom_masks::magnitude_pruned;
use super::model::Net;
use super::trainer::{Evaluation, Trainer, build_net, evaluate};
use super::{ModelKind, TrainConfig, recover, weights};
use crate::data::Dataset;
use crate::mapping::Connectivity;
use crate::model_file::{ArchSpec, Meta, ModelFile, decode};
use crate::{Result, bail};
use burn::tensor::Device;

/// The file description a network of `cfg` on `data` would have: what a file without our
/// metadata is read as, and what a file with it must match.
pub fn expected_meta(cfg: &TrainConfig, data: &Dataset) -> Meta {
    Meta {
        arch: arch_spec(cfg, data),
        nodes: None,
        degree: None,
        fingerprint: None,
        link: None,
        dataset: data.name.clone(),
        input_max: data.max_value,
        input_mean: data.mean,
        input_std: data.std,
        columns: data.column_norm.clone(),
        test_accuracy: None,
    }
}

pub fn arch_spec(cfg: &TrainConfig, data: &Dataset) -> ArchSpec {
    ArchSpec {
        model: cfg.model,
        inputs: data.features() as u32,
        input_hw: data.hw,
        classes: data.classes,
        // The widths the network really has (a deep variant repeats the first one).
        widths: match cfg.model {
            ModelKind::Mlp => cfg.mlp_spec(0, 0).hidden,
            ModelKind::Cnn => cfg.cnn_spec(1, 0, 0).channels,
        },
    }
}

/// Decodes `bytes` as a network of `cfg` on `data` (refusing any other architecture, naming the
/// first tensor that does not fit) and makes `data` normalise its inputs as the file's network
/// was trained to expect.
pub fn read_for(bytes: &[u8], cfg: &TrainConfig, data: &mut Dataset) -> Result<ModelFile> {
    if cfg.residual || cfg.norm {
        bail!("model files do not hold residual or normalised networks yet (--residual, --norm)");
    }
    let expected = expected_meta(cfg, data);
    let f = decode(bytes, Some(&expected))?;
    if f.meta.input_max != data.max_value {
        bail!(
            "the file's network reads pixels up to {}, this dataset's go up to {}",
            f.meta.input_max,
            data.max_value
        );
    }
    data.mean = f.meta.input_mean;
    data.std = f.meta.input_std;
    match (&f.meta.columns, &mut data.column_norm) {
        (None, None) => {}
        (Some(file), Some(ours)) if file.names == ours.names => *ours = file.clone(),
        (Some(file), Some(ours)) => bail!(
            "the file's network reads the columns {:?}, this table has {:?}",
            file.names,
            ours.names
        ),
        (Some(_), None) => bail!("the file's network was trained on a table, not on images"),
        (None, Some(_)) => bail!("the file's network was trained on images, not on a table"),
    }
    Ok(f)
}

/// A trainer whose network is `file`'s, pruned by `conn` (unless `cfg.dense`), with the test
/// accuracy of the file's network as loaded and right after pruning.
pub struct FineTune {
    pub trainer: Trainer,
    pub pretrained: Evaluation,
    pub pruned: Evaluation,
    /// With a permuting recovery: the saliency the mask keeps, before and after.
    pub kept_saliency: Option<[f64; 2]>,
}

/// Which mask prunes the pretrained network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskSource {
    /// The graph's block mask (RGP, ring, random regular: whichever graph `conn` holds).
    Graph,
    /// One-shot magnitude pruning: each masked layer keeps its largest-magnitude pretrained
    /// weights, as many as the graph's mask keeps there.
    Magnitude,
}

pub async fn start(
    cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    device: Device,
    file: &ModelFile,
) -> Result<FineTune> {
    measured(prepare(cfg, data, conn, device, file, MaskSource::Graph).await?).await
}

/// [`prepare`]'s trainer with both networks measured now (the CLI reports them before training).
pub async fn measured((trainer, nets): (Trainer, StartNets)) -> Result<FineTune> {
    let (pretrained, pruned) = nets.evaluate(&trainer).await?;
    Ok(FineTune {
        trainer,
        pretrained,
        pruned,
        kept_saliency: nets.kept_saliency,
    })
}

/// The file's network as loaded and as pruned, not yet measured: the app measures them after
/// the first training chunk, so the two test passes are not on the way to the first step.
pub struct StartNets {
    pretrained: Net,
    pruned: Net,
    /// With a permuting recovery: the saliency the mask keeps, before and after.
    pub kept_saliency: Option<[f64; 2]>,
}

impl StartNets {
    pub(super) fn new(pretrained: Net, pruned: Net, kept_saliency: Option<[f64; 2]>) -> StartNets {
        StartNets {
            pretrained,
            pruned,
            kept_saliency,
        }
    }

    /// The file's network as loaded (dense): what a prediction compares the pruned one with.
    pub fn pretrained(&self) -> &Net {
        &self.pretrained
    }

    /// Test evaluations of the pretrained and the just-pruned network, on `trainer`'s data (its
    /// normalisation is the file's) and device.
    pub async fn evaluate(&self, trainer: &Trainer) -> Result<(Evaluation, Evaluation)> {
        let (data, device) = (trainer.dataset(), trainer.device());
        Ok((
            evaluate(&self.pretrained, data, device, None).await?,
            evaluate(&self.pruned, data, device, None).await?,
        ))
    }
}

/// A trainer whose network is `file`'s pruned by `mask` (unless `cfg.dense`) — by the graph,
/// after `cfg.recover` repaired the weights for that mask — with both networks kept for
/// [`StartNets::evaluate`] (a pruned copy shares its tensors until trained).
pub async fn prepare(
    cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    device: Device,
    file: &ModelFile,
    mask: MaskSource,
) -> Result<(Trainer, StartNets)> {
    let dense = build_net(&cfg, &data, None, &device)?;
    let pretrained = weights::load(&dense, &file.layers, &file.norms, &device).await?;
    let mut trainer = Trainer::new(cfg, data, conn, device.clone())?;
    let mut kept_saliency = None;
    let net = match mask {
        MaskSource::Graph if trainer.config().dense => {
            weights::load(trainer.model(), &file.layers, &file.norms, &device).await?
        }
        MaskSource::Graph => {
            let (cfg, data) = (trainer.config(), trainer.dataset());
            let nets = (&pretrained, trainer.model());
            let r = recover::recover(file, cfg, data, conn, nets, &device).await?;
            kept_saliency = r.kept_saliency;
            weights::load(trainer.model(), &r.layers, &r.norms, &device).await?
        }
        MaskSource::Magnitude => magnitude_pruned(&pretrained, trainer.model(), &device).await?,
    };
    trainer.set_model(net.clone())?;
    Ok((trainer, StartNets::new(pretrained, net, kept_saliency)))
}

/// The graph behind a pruned network, for the file's metadata and neighbour table.
pub struct GraphMeta {
    pub fingerprint: String,
    pub link: Option<String>,
    pub degree: u32,
}

/// The trainer's current network as a model file (masked layers with their masks; the
/// neighbour table of `conn` when the network is pruned by it).
pub async fn snapshot(
    trainer: &Trainer,
    conn: &Connectivity,
    graph: Option<GraphMeta>,
    test_accuracy: Option<f64>,
) -> Result<ModelFile> {
    let data = trainer.dataset();
    let c = trainer.config();
    if c.residual || c.norm {
        bail!("model files do not hold residual or normalised networks yet (--residual, --norm)");
    }
    let (layers, norms) = weights::export(trainer.model(), trainer.device()).await?;
    let pruned = !trainer.config().dense && graph.is_some();
    let g = graph.filter(|_| pruned);
    let mut meta = expected_meta(trainer.config(), data);
    meta.test_accuracy = test_accuracy;
    if let Some(g) = &g {
        meta.nodes = Some(conn.n());
        meta.degree = Some(g.degree);
        meta.fingerprint = Some(g.fingerprint.clone());
        meta.link = g.link.clone();
    }
    let neighbors = g.map(|_| (0..conn.n()).map(|i| conn.row(i).to_vec()).collect());
    let mut f = ModelFile {
        meta,
        layers,
        norms,
        neighbors,
    };
    f.validate()?;
    Ok(f)
}
