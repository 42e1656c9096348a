//! `rgp train`: train a masked (or dense) MLP or CNN on digits, MNIST or Fashion-MNIST with the
//! same code the browser runs. JSON on stdout, a progress line on stderr.

use super::files::{read_file, write_file};
use super::mask::GraphFlags;
use crate::data::{Dataset, DatasetName, load_dir};
use crate::mapping::Connectivity;
use crate::mapping::MaskOptions;
use crate::model_file::{Dtype, Layout, encode};
use crate::train::trainer::{Evaluation, block_on};
use crate::train::{BackendKind, Kernel, ModelKind, OptimizerKind, TrainConfig, Trainer, device};
use crate::train::{finetune, weights};
use crate::{Error, Result, bail};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Model: mlp or cnn.
    #[arg(long, default_value = "mlp")]
    pub model: String,
    /// Dataset: digits (the 8×8 fixture), mnist or fashion.
    #[arg(long, default_value = "digits")]
    pub dataset: String,
    /// Folder with the four IDX files (default data/<dataset>, or data/<dataset>-quick with --quick).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Use the quick subset (first 6000 training and 1000 test images).
    #[arg(long)]
    pub quick: bool,
    #[command(flatten)]
    pub graph: GraphFlags,
    #[arg(long, default_value_t = 3)]
    pub epochs: u32,
    #[arg(long, default_value_t = 128)]
    pub batch: u32,
    /// Initial learning rate (cosine schedule to zero); default 0.05 for sgd, 0.001 for adam,
    /// with --init-from too (fine-tuning).
    #[arg(long)]
    pub lr: Option<f64>,
    /// sgd (momentum 0.9, the paper's recipe) or adam.
    #[arg(long, default_value = "sgd")]
    pub optimizer: String,
    #[arg(long, default_value_t = 0.9)]
    pub momentum: f64,
    #[arg(long, default_value_t = 5e-4)]
    pub weight_decay: f64,
    /// Seed of the weights and the batch order.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// cpu (Burn flex) or wgpu.
    #[arg(long, default_value = "cpu")]
    pub backend: String,
    /// Train the dense baseline instead of the masked network.
    #[arg(long)]
    pub dense: bool,
    /// Masked-layer kernel: auto (by backend), packed (gather + dense blocks, only kept weights
    /// computed; where n divides the widths) or masked (W ⊙ M everywhere).
    #[arg(long, default_value = "auto")]
    pub kernel: String,
    /// MLP hidden widths, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "256,256,256")]
    pub hidden: Vec<u32>,
    /// CNN conv widths, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "64,64,64")]
    pub channels: Vec<u32>,
    /// Deep variant: L masked hidden-to-hidden layers of the first --hidden (--channels) width.
    #[arg(long, default_value_t = 0)]
    pub depth: u32,
    /// Residual connections around equal-width hidden layers.
    #[arg(long)]
    pub residual: bool,
    /// MLP: BatchNorm after every hidden layer.
    #[arg(long)]
    pub norm: bool,
    /// Mask the first / last layer too (dense by default).
    #[arg(long)]
    pub mask_first: bool,
    #[arg(long)]
    pub mask_last: bool,
    /// Use only the first N training images.
    #[arg(long)]
    pub limit_train: Option<usize>,
    /// Start from this model file (dense or pruned, same architecture): the graph's mask is
    /// applied to its weights, then training continues (fine-tuning).
    #[arg(long)]
    pub init_from: Option<PathBuf>,
    /// With --init-from: prune by the graph's mask, or by one-shot magnitude pruning at the
    /// graph's per-layer kept counts.
    #[arg(long, value_enum, default_value_t = PruneBy::Graph)]
    pub prune: PruneBy,
    /// Save the trained network to this model file (safetensors).
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Layout of the saved file: dense (masks kept) or packed (only kept weights).
    #[arg(long, value_enum, default_value_t = Layout::Dense)]
    pub layout: Layout,
    /// Storage type of the saved weights (f16 halves the file; its accuracy is re-measured).
    #[arg(long, value_enum, default_value_t = Dtype::F32)]
    pub dtype: Dtype,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PruneBy {
    Graph,
    Magnitude,
}

#[derive(Serialize)]
struct EpochRow {
    epoch: u32,
    train_loss: f64,
    train_accuracy: f64,
    test_accuracy: f64,
    seconds: f64,
}

#[derive(Serialize)]
struct Output<'a> {
    model: ModelKind,
    /// With --init-from: the loaded network's test accuracy, and right after masking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pretrained_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pruned_accuracy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    saved: Option<Saved>,
    dataset: &'a str,
    backend: &'a str,
    dense: bool,
    test_accuracy: f64,
    test_loss: f64,
    train_loss: f64,
    train_accuracy: f64,
    images_per_sec: f64,
    seconds: f64,
    steps: u64,
    params_dense: u64,
    params_pruned: u64,
    flops_dense: u64,
    flops_pruned: u64,
    pruned_weights_max_abs: f32,
    packed_layers: usize,
    graph: GraphInfo,
    config: &'a TrainConfig,
    history: Vec<EpochRow>,
    per_class_accuracy: &'a [f64],
    confusion: &'a [Vec<u32>],
}

#[derive(Serialize)]
struct GraphInfo {
    nodes: u32,
    degree: u32,
    fingerprint: String,
    self_loops: bool,
}

fn repo_path(rel: &str) -> PathBuf {
    let p = PathBuf::from(rel);
    if p.exists() {
        p
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
    }
}

/// Loads a dataset by name the way the command line finds it.
pub fn load_dataset(
    name: DatasetName,
    dir: Option<&Path>,
    quick: bool,
    seed: u64,
) -> Result<Dataset> {
    match name {
        DatasetName::Digits => {
            let path = dir.map_or_else(
                || repo_path("fixtures/digits.csv.gz"),
                |d| d.join("digits.csv.gz"),
            );
            let bytes = std::fs::read(&path)
                .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
            Dataset::digits(&bytes, seed)
        }
        _ => {
            let dir = match dir {
                Some(d) => d.to_path_buf(),
                None => repo_path(&format!(
                    "data/{}{}",
                    name.as_str(),
                    if quick { "-quick" } else { "" }
                )),
            };
            if !dir.is_dir() {
                bail!(
                    "{} not found: run scripts/fetch-data.sh first (or give --data-dir)",
                    dir.display()
                );
            }
            load_dir(name.as_str(), &dir)
        }
    }
}

pub fn run(a: Args) -> Result<()> {
    let model = match a.model.as_str() {
        "mlp" => ModelKind::Mlp,
        "cnn" => ModelKind::Cnn,
        m => bail!("unknown model '{m}' (expected mlp or cnn)"),
    };
    let optimizer = match a.optimizer.as_str() {
        "sgd" => OptimizerKind::Sgd,
        "adam" => OptimizerKind::Adam,
        o => bail!("unknown optimizer '{o}' (expected sgd or adam)"),
    };
    let backend: BackendKind = a.backend.parse()?;
    let kernel = match a.kernel.as_str() {
        "auto" => Kernel::Auto,
        "packed" => Kernel::Packed,
        "masked" => Kernel::Masked,
        k => bail!("unknown kernel '{k}' (expected auto, packed or masked)"),
    };
    let dataset: DatasetName = a.dataset.parse()?;
    let cfg = TrainConfig {
        model,
        hidden: a.hidden.clone(),
        channels: a.channels.clone(),
        optimizer,
        // Fine-tuning too: at 4/64-16/64 a fifth of these rates recovered less (README, "Fine-tuning").
        lr: a.lr.unwrap_or(match optimizer {
            OptimizerKind::Adam => 1e-3,
            OptimizerKind::Sgd => 0.05,
        }),
        momentum: a.momentum,
        weight_decay: a.weight_decay,
        batch: a.batch,
        epochs: a.epochs,
        seed: a.seed,
        dense: a.dense,
        kernel,
        mask: MaskOptions {
            first_dense: !a.mask_first,
            last_dense: !a.mask_last,
            self_loops: a.graph.self_loops,
        },
        depth: a.depth,
        residual: a.residual,
        norm: a.norm,
    };
    cfg.validate()?;
    let mut data = load_dataset(dataset, a.data_dir.as_deref(), a.quick, a.seed)?;
    if let Some(n) = a.limit_train {
        let t = data.test.len();
        data.truncate(n.max(1), t);
    }
    let (graph, conn) = a.graph.build()?;
    let dev = block_on(device::device(backend))?;
    let (mut t, start_accs) = match &a.init_from {
        None => (Trainer::new(cfg, data, &conn, dev)?, None),
        Some(path) => {
            let file = finetune::read_for(&read_file(path)?, &cfg, &mut data)?;
            let mask = match a.prune {
                PruneBy::Graph => finetune::MaskSource::Graph,
                PruneBy::Magnitude => finetune::MaskSource::Magnitude,
            };
            let ft = block_on(finetune::start_with(cfg, data, &conn, dev, &file, mask))?;
            let accs = (ft.pretrained.accuracy, ft.pruned.accuracy);
            (ft.trainer, Some(accs))
        }
    };

    let mut bar = Bar::new(a.quiet);
    let mut history = Vec::new();
    let (mut train_secs, mut seen) = (0.0, 0u64);
    let (mut loss_sum, mut acc_sum, mut steps_in_epoch) = (0.0, 0.0, 0u64);
    let start = Instant::now();
    let mut last_eval: Option<Evaluation> = None;
    let chunk = 20;
    while !t.done() {
        let t0 = Instant::now();
        let c = block_on(t.run(chunk))?;
        train_secs += t0.elapsed().as_secs_f64();
        seen += c.steps as u64 * t.batch() as u64;
        loss_sum += c.loss * c.steps as f64;
        acc_sum += c.train_accuracy * c.steps as f64;
        steps_in_epoch += c.steps as u64;
        let rate = seen as f64 / train_secs.max(1e-9);
        let left = (c.total_steps - c.step) as f64 * t.batch() as f64 / rate;
        bar.show(&c, rate, left, last_eval.as_ref().map(|e| e.accuracy));
        if c.epoch_end || c.done {
            let e = block_on(t.evaluate(None))?;
            history.push(EpochRow {
                epoch: c.epoch.round() as u32,
                train_loss: loss_sum / steps_in_epoch.max(1) as f64,
                train_accuracy: acc_sum / steps_in_epoch.max(1) as f64,
                test_accuracy: e.accuracy,
                seconds: start.elapsed().as_secs_f64(),
            });
            (loss_sum, acc_sum, steps_in_epoch) = (0.0, 0.0, 0);
            last_eval = Some(e);
        }
    }
    bar.finish();
    let e = match last_eval {
        Some(e) => e,
        None => block_on(t.evaluate(None))?,
    };
    let (pruned_max, _) = block_on(t.pruned_weight_check())?;
    let saved = match &a.save {
        Some(path) => {
            let g = finetune::GraphMeta {
                fingerprint: graph.fingerprint(),
                link: a.graph.graph.is_none().then(|| a.graph.config().link()),
                degree: graph.k(),
            };
            Some(save(&t, &conn, g, e.accuracy, path, a.layout, a.dtype)?)
        }
        None => None,
    };
    let acc = t.accounting();
    let last = history.last();
    let out = Output {
        model,
        pretrained_accuracy: start_accs.map(|s| s.0),
        pruned_accuracy: start_accs.map(|s| s.1),
        saved,
        dataset: dataset.as_str(),
        backend: backend.as_str(),
        dense: t.config().dense,
        test_accuracy: e.accuracy,
        test_loss: e.loss,
        train_loss: last.map_or(f64::NAN, |h| h.train_loss),
        train_accuracy: last.map_or(f64::NAN, |h| h.train_accuracy),
        images_per_sec: seen as f64 / train_secs.max(1e-9),
        seconds: start.elapsed().as_secs_f64(),
        steps: t.step_count(),
        params_dense: acc.params_dense,
        params_pruned: acc.params_pruned,
        flops_dense: acc.flops_dense,
        flops_pruned: acc.flops_pruned,
        pruned_weights_max_abs: pruned_max,
        packed_layers: t.model().packed_layers(),
        graph: GraphInfo {
            nodes: graph.n(),
            degree: graph.k(),
            fingerprint: graph.fingerprint(),
            self_loops: conn.self_loops(),
        },
        config: t.config(),
        history,
        per_class_accuracy: &e.per_class_accuracy,
        confusion: &e.confusion,
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&out).expect("output serialises")
    );
    Ok(())
}

#[derive(Serialize)]
struct Saved {
    path: PathBuf,
    layout: Layout,
    dtype: Dtype,
    bytes: usize,
    sha256: String,
    /// Test accuracy of the network as stored (differs from the trained one only through f16).
    test_accuracy: f64,
}

/// Writes the trainer's network; with f16 the stored network is re-evaluated, so the accuracy
/// in the file is the one loading it gives.
fn save(
    t: &Trainer,
    conn: &Connectivity,
    g: finetune::GraphMeta,
    accuracy: f64,
    path: &Path,
    layout: Layout,
    dtype: Dtype,
) -> Result<Saved> {
    let mut f = block_on(finetune::snapshot(t, conn, Some(g), Some(accuracy)))?;
    if dtype == Dtype::F16 {
        f.round_to_f16();
        let net = block_on(weights::load(t.model(), &f.layers, &f.norms, t.device()))?;
        let e = block_on(crate::train::trainer::evaluate(
            &net,
            t.dataset(),
            t.device(),
            None,
        ))?;
        f.meta.test_accuracy = Some(e.accuracy);
    }
    let bytes = encode(&f, layout, dtype)?;
    write_file(path, &bytes)?;
    Ok(Saved {
        path: path.to_path_buf(),
        layout,
        dtype,
        bytes: bytes.len(),
        sha256: super::files::sha256_hex(&bytes),
        test_accuracy: f.meta.test_accuracy.unwrap_or(accuracy),
    })
}

/// One progress line on stderr: redrawn in place on a terminal, otherwise printed every 2 s.
struct Bar {
    quiet: bool,
    tty: bool,
    last: Option<Instant>,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        Bar {
            quiet,
            tty: std::io::stderr().is_terminal(),
            last: None,
        }
    }

    fn show(&mut self, c: &crate::train::Chunk, rate: f64, left: f64, test: Option<f64>) {
        let every = if self.tty { 0.1 } else { 2.0 };
        if self.quiet || (!c.done && self.last.is_some_and(|t| t.elapsed().as_secs_f64() < every)) {
            return;
        }
        self.last = Some(Instant::now());
        let frac = c.step as f64 / c.total_steps.max(1) as f64;
        let filled = (frac * 20.0).round() as usize;
        let test = test.map_or(String::from("  -  "), |a| format!("{:.1}%", a * 100.0));
        let line = format!(
            "[{}{}] epoch {:.2}  loss {:.4}  train {:.1}%  test {}  {:.0} img/s  {:.0}s left",
            "#".repeat(filled),
            "-".repeat(20 - filled),
            c.epoch,
            c.loss,
            c.train_accuracy * 100.0,
            test,
            rate,
            left.max(0.0)
        );
        let mut err = std::io::stderr();
        if self.tty {
            let _ = write!(err, "\r{line}\x1b[K");
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.tty && !self.quiet {
            eprintln!();
        }
    }
}
