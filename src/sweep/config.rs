//! A sweep's configuration: what `sweep.json` holds and what must stay the same for a sweep to
//! be resumed or sharded. Free of Burn, so the file's parser is fuzzed on its own
//! (`fuzz/fuzz_targets/sweep_config.rs`).

use super::family::{DEFAULT_SEEDS, FamilySpec, check_sweep_lists};
use super::results::Kind;
use crate::config::train::{BackendKind, MAX_EPOCHS, TrainConfig};
use crate::data::UserData;
use crate::{Result, bail};
use serde::{Deserialize, Serialize};

/// Everything that decides a sweep. `seeds`, `degrees` and `baselines` may grow when a sweep is
/// resumed; the rest must stay the same (see [`SweepConfig::identity`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SweepConfig {
    /// Dataset name as given (`digits`, `mnist`, `fashion`, `mnist-quick`, `fashion-quick`).
    pub dataset: String,
    /// Training images used (`None` = all).
    pub limit_train: Option<usize>,
    pub family: FamilySpec,
    /// Degree sweep: for each degree, its annealed and ring graphs.
    pub degrees: Vec<u32>,
    /// Training seeds 1..=seeds for every graph and baseline.
    pub seeds: u32,
    /// Model and recipe (its `seed` and `dense` are set per run).
    pub train: TrainConfig,
    pub baselines: Vec<Kind>,
    /// Magnitude pruning: epochs and initial learning rate of the fine-tune (cosine to zero).
    pub finetune_epochs: u32,
    pub finetune_lr: f64,
    pub backend: BackendKind,
    /// Fine-tuning sweeps: every run starts from this model file, pruned by its mask, and
    /// trains with `train`'s recipe (magnitude too; None: random weights).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<StartFile>,
    /// The user's own data instead of `dataset` (which then names its kind: images, table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<UserData>,
}

impl Default for SweepConfig {
    fn default() -> Self {
        let train = TrainConfig::default();
        SweepConfig {
            dataset: "digits".into(),
            limit_train: None,
            family: FamilySpec::default(),
            degrees: Vec::new(),
            seeds: DEFAULT_SEEDS,
            finetune_epochs: train.epochs,
            finetune_lr: SweepConfig::default_finetune_lr(train.lr),
            train,
            baselines: Kind::BASELINES.to_vec(),
            backend: BackendKind::Cpu,
            start: None,
            user_data: None,
        }
    }
}

impl SweepConfig {
    /// The magnitude baseline's fine-tuning rate when none is given: a tenth of the training rate.
    pub fn default_finetune_lr(train_lr: f64) -> f64 {
        train_lr / 10.0
    }

    pub fn validate(&self) -> Result<()> {
        self.family.validate()?;
        self.train.validate()?;
        check_sweep_lists(self.seeds, &self.degrees)?;
        for &k in &self.degrees {
            FamilySpec {
                degree: k,
                ..self.family.clone()
            }
            .validate()
            .map_err(|e| crate::Error::new(format!("degree sweep: {e}")))?;
        }
        if let Some(k) = self.baselines.iter().find(|k| !Kind::BASELINES.contains(k)) {
            bail!("'{}' is not a baseline", k.as_str());
        }
        if self.start.is_some() {
            check_baselines(&self.baselines)?;
        }
        if !(1..=MAX_EPOCHS).contains(&self.finetune_epochs) {
            bail!(
                "fine-tune epochs must be between 1 and {} (got {})",
                MAX_EPOCHS,
                self.finetune_epochs
            );
        }
        if !(self.finetune_lr.is_finite() && self.finetune_lr > 0.0 && self.finetune_lr <= 10.0) {
            bail!(
                "fine-tune learning rate must be in (0, 10] (got {})",
                self.finetune_lr
            );
        }
        Ok(())
    }

    /// The part that must match for a sweep to be resumed: everything except the lists that may
    /// grow (seeds, degrees, baselines).
    pub fn identity(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("the configuration serialises");
        if let Some(o) = v.as_object_mut() {
            for k in ["seeds", "degrees", "baselines"] {
                o.remove(k);
            }
        }
        v
    }

    pub fn train_config(&self, seed: u64, dense: bool) -> TrainConfig {
        TrainConfig {
            seed,
            dense,
            ..self.train.clone()
        }
    }
}

/// The model file a sweep starts from: where it is, and its SHA-256 (checked before any run,
/// so a resumed or sharded sweep fine-tunes the very network it was planned with).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartFile {
    pub path: String,
    pub sha256: String,
}

impl StartFile {
    /// A user's ONNX network (a file named so) rather than a model file of the built-in networks.
    pub fn is_onnx(&self) -> bool {
        std::path::Path::new(&self.path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("onnx"))
    }
}

/// Whether a baseline can start from pretrained weights (a model file or an ONNX network):
/// random-unstructured draws fresh ones.
pub fn applies(kind: Kind) -> bool {
    kind != Kind::RandomUnstructured
}

pub fn check_baselines(baselines: &[Kind]) -> Result<()> {
    match baselines.iter().find(|k| !applies(**k)) {
        Some(k) => bail!(
            "the {} baseline draws fresh weights, so a sweep from a pretrained network cannot run it (use --baselines dense,random-regular,magnitude)",
            k.as_str()
        ),
        None => Ok(()),
    }
}
