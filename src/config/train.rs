//! The training configuration: what decides a training run, natively and in the browser. Plain
//! data (no Burn), so the settings schema and the small wasm modules can read its defaults.

use crate::mapping::{CnnSpec, MaskOptions, MlpSpec, ModelKind};
use crate::{Error, Result, bail, bail_at};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The backend a run trains on. The CLI spells them as [`FromStr`] does (`flex`, `webgpu` and `gpu` are aliases).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Burn flex.
    #[cfg_attr(feature = "cli", value(alias = "flex"))]
    Cpu,
    /// WebGPU in the browser; Vulkan, Metal or GL natively.
    #[cfg_attr(feature = "cli", value(aliases = ["webgpu", "gpu"]))]
    Wgpu,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Wgpu => "wgpu",
        }
    }
}

impl FromStr for BackendKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<BackendKind> {
        match s {
            "cpu" | "flex" => Ok(BackendKind::Cpu),
            "wgpu" | "webgpu" | "gpu" => Ok(BackendKind::Wgpu),
            _ => bail!("unknown backend '{s}' (expected cpu or wgpu)"),
        }
    }
}

/// How masked layers compute (see `train::packed`). Both give the same network from the same seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Kernel {
    /// Chosen per backend by measurement (docs/BENCHMARKS.md, "Training benchmarks"): on the CPU backend
    /// packed linear layers and `W ⊙ M` convolutions, on wgpu the other way round.
    #[default]
    Auto,
    /// Gather + dense blocks wherever `n` divides the widths.
    Packed,
    /// `W ⊙ M` everywhere.
    Masked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    /// SGD with momentum 0.9 and a cosine learning rate (the paper's recipe).
    #[default]
    Sgd,
    /// Adam with the same cosine schedule.
    Adam,
}

impl OptimizerKind {
    /// The initial learning rate when none is given (fine-tuning too): the default
    /// configuration's for SGD, 0.001 for Adam.
    pub fn default_lr(self) -> f64 {
        match self {
            OptimizerKind::Sgd => TrainConfig::default().lr,
            OptimizerKind::Adam => 1e-3,
        }
    }
}

/// How a pretrained network is brought back after its graph mask, before fine-tuning
/// (`train::recover`; docs/FINETUNING.md has the study behind the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Recovery {
    /// The mask alone.
    None,
    /// Channel permutation: which hidden units form which group (and so which graph node each
    /// group is), chosen so the mask keeps the most salient pretrained weights. The dense
    /// network computes the same function.
    Permute,
    /// Each masked layer's outputs brought back to the dense network's per-unit mean and spread
    /// on calibration images (MLP: the layer's weights and bias; CNN: its BatchNorm statistics).
    Rescale,
    /// Both: the study's best.
    #[default]
    PermuteRescale,
}

impl Recovery {
    pub const ALL: [Recovery; 4] = [
        Recovery::None,
        Recovery::Permute,
        Recovery::Rescale,
        Recovery::PermuteRescale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Recovery::None => "none",
            Recovery::Permute => "permute",
            Recovery::Rescale => "rescale",
            Recovery::PermuteRescale => "permute-rescale",
        }
    }

    /// What a form shows for it.
    pub fn label(self) -> &'static str {
        match self {
            Recovery::None => "mask only",
            Recovery::Permute => "permute channels",
            Recovery::Rescale => "rescale units",
            Recovery::PermuteRescale => "permute + rescale",
        }
    }

    pub fn permutes(self) -> bool {
        matches!(self, Recovery::Permute | Recovery::PermuteRescale)
    }

    pub fn rescales(self) -> bool {
        matches!(self, Recovery::Rescale | Recovery::PermuteRescale)
    }
}

/// Everything that decides a training run; part of the app's shareable URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    pub model: ModelKind,
    /// MLP hidden widths (each ≥ nodes when masked).
    pub hidden: Vec<u32>,
    /// CNN conv widths (each masked one ≥ nodes).
    pub channels: Vec<u32>,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub momentum: f64,
    pub weight_decay: f64,
    pub batch: u32,
    pub epochs: u32,
    pub seed: u64,
    /// Train the dense baseline (no mask anywhere).
    pub dense: bool,
    /// How masked layers compute: packed (gather + dense blocks, only kept weights stored and
    /// multiplied; where `n` divides the widths) or `W ⊙ M`.
    pub kernel: Kernel,
    pub mask: MaskOptions,
    /// Deep variant: `L > 0` replaces `hidden` (MLP) or `channels` (CNN) by `L + 1` copies of
    /// its first width, so `L` hidden-to-hidden layers carry the mask (with the default dense
    /// first and last layers). 0 keeps the lists as given.
    #[serde(skip_serializing_if = "is_zero")]
    pub depth: u32,
    /// Skip connections `(h + f(h)) / √2` around equal-width (stride-1) hidden layers.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub residual: bool,
    /// MLP: BatchNorm after every hidden layer (the CNN always has it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub norm: bool,
    /// A pretrained start's recovery from the graph mask (ignored from scratch).
    pub recover: Recovery,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            model: ModelKind::Mlp,
            hidden: vec![256, 256, 256],
            channels: vec![64, 64, 64],
            optimizer: OptimizerKind::Sgd,
            lr: 0.05,
            momentum: 0.9,
            weight_decay: 5e-4,
            batch: 128,
            epochs: 3,
            seed: 1,
            dense: false,
            kernel: Kernel::Auto,
            mask: MaskOptions::default(),
            depth: 0,
            residual: false,
            norm: false,
            recover: Recovery::default(),
        }
    }
}

impl TrainConfig {
    /// A configuration as JSON (the page's training requests): a missing or null `lr` takes the
    /// optimizer's default ([`OptimizerKind::default_lr`]), as a CLI run without `--lr` does —
    /// so a link with `optimizer=adam` and no `lr` trains Adam at Adam's rate, not SGD's.
    pub fn from_json(text: &str) -> Result<TrainConfig> {
        let bad = |e: serde_json::Error| Error::new(format!("invalid training configuration: {e}"));
        let mut v: serde_json::Value = serde_json::from_str(text).map_err(bad)?;
        if let Some(o) = v.as_object_mut()
            && o.get("lr").is_none_or(serde_json::Value::is_null)
        {
            // An optimizer that is not one is reported by the full parse below.
            let k = o
                .get("optimizer")
                .and_then(|x| serde_json::from_value::<OptimizerKind>(x.clone()).ok())
                .unwrap_or_default();
            o.insert("lr".into(), serde_json::json!(k.default_lr()));
        }
        serde_json::from_value(v).map_err(bad)
    }
}

pub const MAX_EPOCHS: u32 = 1000;
pub const MAX_BATCH: u32 = 8192;
pub const MAX_WIDTH: u32 = 4096;
/// Most hidden-to-hidden layers of a deep variant (`depth`).
pub const MAX_DEPTH: u32 = 32;

impl TrainConfig {
    pub fn validate(&self) -> Result<()> {
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 10.0) {
            bail_at!("lr", "learning rate must be in (0, 10] (got {})", self.lr);
        }
        if !(self.momentum.is_finite() && (0.0..1.0).contains(&self.momentum)) {
            bail!("momentum must be in [0, 1) (got {})", self.momentum);
        }
        if !(self.weight_decay.is_finite() && (0.0..=1.0).contains(&self.weight_decay)) {
            bail!("weight decay must be in [0, 1] (got {})", self.weight_decay);
        }
        if !(1..=MAX_BATCH).contains(&self.batch) {
            bail_at!(
                "batch",
                "batch size must be between 1 and {MAX_BATCH} (got {})",
                self.batch
            );
        }
        if !(1..=MAX_EPOCHS).contains(&self.epochs) {
            bail_at!(
                "epochs",
                "epochs must be between 1 and {MAX_EPOCHS} (got {})",
                self.epochs
            );
        }
        if self.depth > MAX_DEPTH {
            bail_at!(
                "depth",
                "depth must be between 0 and {MAX_DEPTH} (got {})",
                self.depth
            );
        }
        let given = match self.model {
            ModelKind::Mlp => &self.hidden,
            ModelKind::Cnn => &self.channels,
        };
        if given.is_empty() || (self.depth == 0 && given.len() > 16) {
            bail!(
                "the model needs between 1 and 16 hidden layers (got {}; --depth allows more)",
                given.len()
            );
        }
        let widths = &self.widths(given);
        if let Some(w) = widths.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            bail!("layer widths must be between 1 and {MAX_WIDTH} (got {w})");
        }
        Ok(())
    }

    /// `given` itself, or `depth + 1` copies of its first width.
    fn widths(&self, given: &[u32]) -> Vec<u32> {
        match (self.depth, given.first()) {
            (0, _) | (_, None) => given.to_vec(),
            (l, Some(&w)) => vec![w; l as usize + 1],
        }
    }

    pub fn mlp_spec(&self, inputs: u32, classes: u32) -> MlpSpec {
        MlpSpec {
            inputs,
            hidden: self.widths(&self.hidden),
            classes,
        }
    }

    /// A table has no image shape (`hw` 0): only the MLP reads it.
    pub fn check_input(&self, name: &str, hw: u32, features: usize) -> Result<()> {
        if self.model == ModelKind::Cnn && hw == 0 {
            bail_at!(
                "model",
                "the CNN needs images; '{name}' is a table of {features} features: train the MLP on it"
            );
        }
        Ok(())
    }

    /// The CNN for `in_ch`-channel images of side `hw`.
    pub fn cnn_spec(&self, in_ch: u32, hw: u32, classes: u32) -> CnnSpec {
        CnnSpec {
            in_ch,
            input_hw: hw,
            channels: self.widths(&self.channels),
            classes,
        }
    }
}
