//! Sweeps that fine-tune: every run starts from one pretrained model file (`rgp sweep --start
//! pretrained` or `--init-from FILE`) or a user's ONNX network (`--init-from NET.onnx`), pruned
//! by its run's mask, then trained with the sweep's recipe — so the ASPL question is asked of
//! fine-tuning, and of the user's own network, as well as of training from scratch.

pub use super::config::{StartFile, applies, check_baselines};
use super::results::Kind;
use crate::Result;
use crate::data::Dataset;
use crate::mapping::Connectivity;
use crate::model_file::ModelFile;
use crate::train::finetune::{self, MaskSource};
use crate::train::{TrainConfig, Trainer};
use burn::tensor::Device;

/// What every run of a fine-tuning sweep starts from.
pub enum Start {
    /// A model file of the built-in networks.
    Model(Box<ModelFile>),
    /// A user's ONNX network (its bytes), pruned where its layer table masks.
    #[cfg(feature = "onnx")]
    Onnx(Vec<u8>),
}

/// The trainer of one run: the start's network pruned by `conn`'s mask — for the magnitude
/// baseline by one-shot magnitude pruning at `conn`'s per-layer kept counts; a dense `cfg`
/// keeps every weight.
pub async fn trainer(
    kind: Kind,
    cfg: TrainConfig,
    data: Dataset,
    conn: &Connectivity,
    device: Device,
    start: &Start,
) -> Result<Trainer> {
    let mask = match kind {
        Kind::Magnitude => MaskSource::Magnitude,
        _ => MaskSource::Graph,
    };
    // A sweep reports its runs' trained accuracy only: the start is not measured.
    match start {
        Start::Model(file) => Ok(finetune::prepare(cfg, data, conn, device, file, mask)
            .await?
            .0),
        #[cfg(feature = "onnx")]
        Start::Onnx(bytes) => {
            use crate::train::finetune_onnx::{OnnxPruning, prepare_onnx};
            let how = OnnxPruning {
                keep_dense: &[],
                mask,
                scratch: false,
            };
            Ok(prepare_onnx(cfg, data, conn, how, device, bytes).await?.0)
        }
    }
}

/// The bytes of the start file (native sweeps read it from its path).
#[cfg(not(target_family = "wasm"))]
pub fn read(s: &StartFile) -> Result<Vec<u8>> {
    std::fs::read(&s.path).map_err(|e| {
        crate::Error::new(format!(
            "cannot read the sweep's start file {}: {e}",
            s.path
        ))
    })
}
