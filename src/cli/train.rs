//! `rgp train`: train a masked (or dense) MLP or CNN on digits, MNIST or Fashion-MNIST with the
//! same code the browser runs. JSON on stdout, a progress line on stderr.

use super::data::{DEFAULT_DATASET, UserDataFlags, limit_train, load_dataset, load_user_data};
use super::files::{is_onnx, sha256_hex, write_file};
use super::flags::{GraphFlags, TrainFlags};
use super::inspect::OnnxLayerFlags;
use super::train_start::{StartReport, start};
use crate::data::{Dataset, DatasetName, Skipped};
use crate::graph::Graph;
use crate::import::{saved, write::graph_meta};
use crate::mapping::{Connectivity, ModelKind};
use crate::model_file::{Dtype, Layout, encode};
use crate::train::trainer::{Evaluation, block_on};
use crate::train::{Kernel, Session, TrainConfig, Trainer};
use crate::train::{finetune, finetune_onnx, weights};
use crate::{Result, bail};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    // A built-in dataset; your own data is --images or --table.
    #[arg(long, value_enum, default_value_t = DEFAULT_DATASET, help = super::flags::schema_help("dataset"))]
    pub dataset: DatasetName,
    /// Folder with the four IDX files (default data/<dataset>, or data/<dataset>-quick with --quick).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Use the quick subset (first 6000 training and 1000 test images).
    #[arg(long)]
    pub quick: bool,
    #[command(flatten)]
    pub user_data: UserDataFlags,
    #[command(flatten)]
    pub graph: GraphFlags,
    #[command(flatten)]
    pub train: TrainFlags,
    #[arg(long, default_value_t = TrainConfig::default().seed, help = super::flags::schema_help("train_seed"))]
    pub seed: u64,
    #[arg(long, help = super::flags::schema_help("dense"))]
    pub dense: bool,
    /// Masked-layer kernel.
    #[arg(long, value_enum, default_value_t = TrainConfig::default().kernel)]
    pub kernel: Kernel,
    /// Start from this model file (dense or pruned, same architecture): the graph's mask is
    /// applied to its weights, then training continues (fine-tuning). An ONNX network (`.onnx`)
    /// is pruned where `rgp inspect` marks its layers masked.
    #[arg(long)]
    pub init_from: Option<PathBuf>,
    #[command(flatten)]
    pub onnx_layers: OnnxLayerFlags,
    /// With --init-from: prune by the graph's mask, or by one-shot magnitude pruning at the
    /// graph's per-layer kept counts.
    #[arg(long, value_enum, default_value_t = PruneBy::Graph)]
    pub prune: PruneBy,
    /// Save the trained network to this model file (safetensors); a network started from ONNX
    /// saves as `*.onnx` (dense or packed) or `*.safetensors` (its architecture kept in the file).
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Layout of the saved file: dense (masks kept) or packed (only kept weights).
    #[arg(long, value_enum, default_value_t = Layout::default())]
    pub layout: Layout,
    /// Storage type of the saved weights (f16 halves the file; its accuracy is re-measured).
    #[arg(long, value_enum, default_value_t = Dtype::default())]
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
    /// With --init-from and a permuting --recover: the saliency (W² times the input's mean
    /// square) the mask keeps, summed over masked layers, before and after the permutation.
    #[serde(skip_serializing_if = "Option::is_none")]
    kept_saliency: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    saved: Option<Saved>,
    dataset: &'a str,
    /// Class names in label order.
    classes: &'a [String],
    train_samples: usize,
    test_samples: usize,
    /// Rows (or files) of the user's data left out, each with its reason.
    skipped: &'a [Skipped],
    /// The user's data's fingerprint (the tab's link records it as `data_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    data_id: Option<String>,
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
    history: &'a [EpochRow],
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

/// The run's configuration: the shared flags, then this command's own.
fn config(a: &Args) -> Result<TrainConfig> {
    let cfg = TrainConfig {
        seed: a.seed,
        dense: a.dense,
        kernel: a.kernel,
        ..a.train.config(a.graph.self_loops)
    };
    cfg.validate()?;
    Ok(cfg)
}

/// What the training loop measured.
struct Trained {
    history: Vec<EpochRow>,
    last_eval: Evaluation,
    images_per_sec: f64,
    /// When the training loop started (the output's `seconds` run to the output).
    started: Instant,
}

/// Trains to the end with the run loop every driver shares (`train::Session`), evaluating
/// after every epoch (not counted in the training time), with a progress bar.
fn train(t: Trainer, quiet: bool) -> Result<(Trainer, Trained)> {
    let mut bar = Bar::new(quiet);
    let batch = t.batch() as u64;
    let mut session = Session::new(t);
    let mut history = Vec::new();
    let (mut train_secs, mut seen) = (0.0, 0u64);
    let start = Instant::now();
    while !session.done() {
        let t0 = Instant::now();
        let a = block_on(session.advance(20))?;
        train_secs += t0.elapsed().as_secs_f64();
        let c = &a.chunk;
        seen += c.steps as u64 * batch;
        let rate = seen as f64 / train_secs.max(1e-9);
        let left = (c.total_steps - c.step) as f64 * batch as f64 / rate;
        bar.show(c, rate, left, session.last_evaluation().map(|e| e.accuracy));
        if a.ended.is_some() {
            let e = block_on(session.evaluate_epoch())?;
            history.push(EpochRow {
                epoch: e.epoch,
                train_loss: e.train_loss,
                train_accuracy: e.train_accuracy,
                test_accuracy: e.test_accuracy.unwrap_or(f64::NAN),
                seconds: start.elapsed().as_secs_f64(),
            });
        }
    }
    bar.finish();
    let last_eval = block_on(session.evaluation())?;
    let trained = Trained {
        history,
        last_eval,
        images_per_sec: seen as f64 / train_secs.max(1e-9),
        started: start,
    };
    Ok((session.into_trainer(), trained))
}

/// The built-in dataset, or the user's data with what of it was left out and its fingerprint.
fn load_data(a: &Args) -> Result<(Dataset, Vec<Skipped>, Option<String>)> {
    if let Some(src) = a.user_data.source() {
        if a.quick {
            crate::bail!(
                "--quick picks a built-in dataset's subset; it does not apply to --images or --table"
            );
        }
        let u = load_user_data(&src, a.seed)?;
        return Ok((u.data, u.skipped, Some(u.data_id)));
    }
    let data = load_dataset(a.dataset, a.data_dir.as_deref(), a.quick, a.seed)?;
    Ok((data, Vec::new(), None))
}

pub fn run(a: Args) -> Result<()> {
    let cfg = config(&a)?;
    let (mut data, skipped, data_id) = load_data(&a)?;
    limit_train(&mut data, a.train.limit_train);
    let (graph, conn) = a.graph.build()?;
    let (t, start_accs) = start(&a, cfg, data, &conn)?;
    let (t, trained) = train(t, a.quiet)?;
    let saved = match &a.save {
        Some(path) => {
            let g = finetune::GraphMeta {
                fingerprint: graph.fingerprint(),
                link: a
                    .graph
                    .graph
                    .is_none()
                    .then(|| crate::settings::graph_link(&a.graph.config())),
                degree: graph.k(),
            };
            let accuracy = trained.last_eval.accuracy;
            let onnx = start_accs.as_ref().and_then(|s| s.onnx.as_ref());
            Some(match onnx {
                Some(source) => save_onnx(&t, &conn, source, g, accuracy, path, &a)?,
                None => save(&t, &conn, g, accuracy, path, a.layout, a.dtype)?,
            })
        }
        None => None,
    };
    let mut out = output(&a, &t, &graph, &conn, start_accs, saved, &trained)?;
    out.skipped = &skipped;
    out.data_id = data_id;
    println!(
        "{}",
        serde_json::to_string_pretty(&out).expect("output serialises")
    );
    Ok(())
}

fn output<'a>(
    a: &'a Args,
    t: &'a Trainer,
    graph: &Graph,
    conn: &Connectivity,
    start_accs: Option<StartReport>,
    saved: Option<Saved>,
    trained: &'a Trained,
) -> Result<Output<'a>> {
    let (pruned_max, _) = block_on(t.pruned_weight_check())?;
    let acc = t.accounting();
    let e = &trained.last_eval;
    let last = trained.history.last();
    Ok(Output {
        model: a.train.model,
        pretrained_accuracy: start_accs.as_ref().map(|s| s.pretrained),
        pruned_accuracy: start_accs.as_ref().map(|s| s.pruned),
        kept_saliency: start_accs.and_then(|s| s.kept_saliency),
        saved,
        dataset: a
            .user_data
            .source()
            .map_or(a.dataset.as_str(), |s| s.kind.as_str()),
        classes: &t.dataset().class_names,
        train_samples: t.dataset().train.len(),
        test_samples: t.dataset().test.len(),
        skipped: &[],
        data_id: None,
        backend: a.train.backend().as_str(),
        dense: t.config().dense,
        test_accuracy: e.accuracy,
        test_loss: e.loss,
        train_loss: last.map_or(f64::NAN, |h| h.train_loss),
        train_accuracy: last.map_or(f64::NAN, |h| h.train_accuracy),
        images_per_sec: trained.images_per_sec,
        seconds: trained.started.elapsed().as_secs_f64(),
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
        history: &trained.history,
        per_class_accuracy: &e.per_class_accuracy,
        confusion: &e.confusion,
    })
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
        sha256: sha256_hex(&bytes),
        test_accuracy: f.meta.test_accuracy.unwrap_or(accuracy),
    })
}

/// Writes the trainer's network, imported from ONNX, back as ONNX (`--layout` dense or packed).
fn save_onnx(
    t: &Trainer,
    conn: &Connectivity,
    source: &finetune_onnx::OnnxSource,
    g: finetune::GraphMeta,
    accuracy: f64,
    path: &Path,
    a: &Args,
) -> Result<Saved> {
    if a.dtype != Dtype::F32 {
        bail!("an ONNX network is saved in f32 (--dtype f32)");
    }
    let (fingerprint, link) = (g.fingerprint, g.link);
    let meta = graph_meta(conn.n(), g.degree, fingerprint, link, Some(accuracy));
    // A *.safetensors name keeps the imported architecture in a model file (import::saved).
    let bytes = match is_onnx(path, &[]) {
        true => block_on(finetune_onnx::export_onnx(t, conn, source, a.layout, &meta))?.bytes,
        false => saved::encode(&block_on(finetune_onnx::saved_net(t, conn, source, &meta))?)?,
    };
    write_file(path, &bytes)?;
    Ok(Saved {
        path: path.to_path_buf(),
        layout: a.layout,
        dtype: a.dtype,
        bytes: bytes.len(),
        sha256: sha256_hex(&bytes),
        test_accuracy: accuracy,
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
