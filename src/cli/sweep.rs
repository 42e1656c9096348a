//! `rgp sweep`: accuracy against ASPL over a graph family, with baselines at equal sparsity.
//! Writes `sweep.json`, `graphs.json`, `results.csv` and `summary.json` into `--out`, prints the
//! summary on stdout and progress on stderr. Resumable: runs already in `results.csv` are skipped.
//! `--depths 2,4,8` runs the sweep at each depth into `OUT/depth-L/` and writes
//! `OUT/depth-summary.json`. Across machines: `rgp sweep plan --out DIR …`, then
//! `rgp sweep run --dir DIR --shard I/N` on each (see [`crate::sweep::shard`]), then
//! `rgp sweep merge --dir DIR`.

use super::data::{DEFAULT_DATASET, UserDataFlags, limit_train, load_dataset, load_user_data};
use super::files::{read_file, sha256_hex};
use super::flags::TrainFlags;
use crate::data::DatasetName;
use crate::sweep::depth_run::{check_depths, run_depths};
use crate::sweep::family::{DEFAULT_SEEDS, FamilySpec};
use crate::sweep::plan::SweepConfig;
use crate::sweep::results::Kind;
use crate::sweep::run::{Event, run_dir};
use crate::sweep::shard::{Shard, merge_dir, plan_dir, run_shard};
use crate::sweep::start::StartFile;
use crate::train::trainer::block_on;
use crate::train::{Kernel, TrainConfig, device};
use crate::{Result, bail};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// The flat form (`rgp sweep --out DIR …`, one process) or one of the subcommands.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Step>,
    #[command(flatten)]
    pub sweep: SweepArgs,
}

// `plan` carries every sweep flag; the enum is parsed once per process.
#[allow(clippy::large_enum_variant)]
#[derive(clap::Subcommand, Debug)]
pub enum Step {
    /// Write the configuration, graphs and run list (plan.csv) into --out, for `sweep run`.
    Plan(SweepArgs),
    /// Run shard I of N of a planned sweep (every N-th run from I), resumable.
    Run(RunArgs),
    /// Gather the shards' results into results.csv and summary.json.
    Merge(MergeArgs),
}

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// The planned sweep's folder (shared by every machine).
    #[arg(long)]
    pub dir: PathBuf,
    /// I/N (0-based), or env/N to take I from SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN)
    /// or JOB_COMPLETION_INDEX.
    #[arg(long)]
    pub shard: String,
    /// Folder with the dataset on this machine (default data/<dataset>).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[arg(long)]
    pub quiet: bool,
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    #[arg(long)]
    pub dir: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// Dataset: digits (the 8×8 fixture), mnist, fashion, mnist-quick or fashion-quick (the
    /// first 6000 training and 1000 test images).
    #[arg(long, default_value = DEFAULT_DATASET.as_str())]
    pub dataset: String,
    /// Folder with the four IDX files (default data/<dataset>).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[command(flatten)]
    pub user_data: UserDataFlags,
    /// Nodes n of every graph.
    #[arg(long, default_value_t = FamilySpec::default().nodes)]
    pub nodes: u32,
    /// Degree k of the ASPL family (and the sparsity of the baselines).
    #[arg(long, default_value_t = FamilySpec::default().degree)]
    pub degree: u32,
    /// Degree sweep: the annealed and the ring graph of each degree, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub degrees: Vec<u32>,
    /// Graphs in the ASPL family, ring lattice to annealed minimum.
    #[arg(long, default_value_t = FamilySpec::default().graphs)]
    pub graphs: u32,
    /// Training seeds per graph and baseline (1..=S).
    #[arg(long, default_value_t = DEFAULT_SEEDS)]
    pub seeds: u32,
    /// Seed of the graph searches.
    #[arg(long, default_value_t = FamilySpec::default().seed)]
    pub graph_seed: u32,
    /// Iteration budget of each graph search.
    #[arg(long, default_value_t = FamilySpec::default().iters)]
    pub iters: u64,
    /// Baselines: all, none, or a list of dense, random-unstructured, random-regular, magnitude.
    #[arg(long, default_value = "all")]
    pub baselines: String,
    #[command(flatten)]
    pub train: TrainFlags,
    /// Magnitude pruning: fine-tune epochs after pruning (default: --epochs).
    #[arg(long)]
    pub finetune_epochs: Option<u32>,
    /// Magnitude pruning: fine-tune learning rate (default: a tenth of --lr).
    #[arg(long)]
    pub finetune_lr: Option<f64>,
    /// Start every run from random weights (scratch) or from the pretrained network of the
    /// model and dataset (models/pretrained/, scripts/pretrain.sh): pruned by the run's mask,
    /// then fine-tuned with --epochs and --lr.
    #[arg(long, value_enum, default_value_t = Start::Scratch)]
    pub start: Start,
    /// Start every run from this model file (implies --start pretrained).
    #[arg(long)]
    pub init_from: Option<PathBuf>,
    /// Depth sweep: the whole sweep at each depth, into OUT/depth-L/, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub depths: Vec<u32>,
    /// Add self-loops to every graph mask (the ablation).
    #[arg(long)]
    pub self_loops: bool,
    /// Output folder (created; an existing sweep there is resumed).
    #[arg(long, required = true)]
    pub out: Option<PathBuf>,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Random weights (training from scratch).
    Scratch,
    /// The pretrained dense network (fine-tuning).
    Pretrained,
}

/// The model file a sweep starts from, with its SHA-256; None from scratch.
fn start_file(a: &SweepArgs, dataset: Option<DatasetName>) -> Result<Option<StartFile>> {
    let path = match (&a.init_from, a.start, dataset) {
        (Some(p), _, _) => p.clone(),
        (None, Start::Scratch, _) => return Ok(None),
        (None, Start::Pretrained, None) => bail!(
            "--start pretrained with your own data needs --init-from FILE (the built-in pretrained networks know MNIST and Fashion-MNIST only)"
        ),
        (None, Start::Pretrained, Some(dataset)) => {
            let p = PathBuf::from(format!(
                "models/pretrained/{}-{}.safetensors",
                a.train.model.as_str(),
                dataset.as_str()
            ));
            if !p.exists() {
                bail!(
                    "no pretrained {} for {} at {} (run scripts/pretrain.sh, or give --init-from FILE)",
                    a.train.model.as_str(),
                    dataset.as_str(),
                    p.display()
                );
            }
            p
        }
    };
    Ok(Some(StartFile {
        sha256: sha256_hex(&read_file(&path)?),
        path: path.display().to_string(),
    }))
}

/// Refuses to run a planned sweep whose start file changed since it was planned.
fn check_start(cfg: &SweepConfig) -> Result<()> {
    if let Some(s) = &cfg.start {
        let now = sha256_hex(&read_file(std::path::Path::new(&s.path))?);
        if now != s.sha256 {
            bail!(
                "{} changed since the sweep was planned (SHA-256 {}…, planned {}…)",
                s.path,
                &now[..12],
                &s.sha256[..12.min(s.sha256.len())]
            );
        }
    }
    Ok(())
}

/// `all`, `none` or a comma-separated list.
pub fn parse_baselines(s: &str) -> Result<Vec<Kind>> {
    match s.trim() {
        "all" => Ok(Kind::BASELINES.to_vec()),
        "none" | "" => Ok(Vec::new()),
        list => {
            let mut out = Vec::new();
            for part in list.split(',') {
                let k: Kind = part.trim().parse()?;
                if !Kind::BASELINES.contains(&k) {
                    bail!(
                        "'{}' is not a baseline (expected all, none, or a list of dense, random-unstructured, random-regular, magnitude)",
                        part.trim()
                    );
                }
                if !out.contains(&k) {
                    out.push(k);
                }
            }
            Ok(out)
        }
    }
}

/// `mnist-quick` → (mnist, quick).
pub fn parse_dataset(s: &str) -> Result<(DatasetName, bool)> {
    let (name, quick) = match s.strip_suffix("-quick") {
        Some(base) => (base, true),
        None => (s, false),
    };
    let d: DatasetName = name.parse().map_err(|_| {
        crate::Error::new(format!(
            "unknown dataset '{}' (expected digits, mnist, fashion, mnist-quick or fashion-quick)",
            s.chars().take(40).collect::<String>()
        ))
    })?;
    if quick && d == DatasetName::Digits {
        bail!("digits has no quick subset (it is small already)");
    }
    Ok((d, quick))
}

pub fn config(a: &SweepArgs) -> Result<SweepConfig> {
    let user_data = a.user_data.source();
    let dataset = match &user_data {
        Some(u) => u.kind.as_str().to_string(),
        None => a.dataset.clone(),
    };
    let builtin = match user_data {
        Some(_) => None,
        None => Some(parse_dataset(&a.dataset)?.0),
    };
    let start = start_file(a, builtin)?;
    let mut baselines = parse_baselines(&a.baselines)?;
    if start.is_some() && a.baselines.trim() == "all" {
        baselines.retain(|k| crate::sweep::start::applies(*k));
    }
    let lr = a.train.lr();
    let cfg = SweepConfig {
        dataset,
        user_data,
        limit_train: a.train.limit_train,
        family: FamilySpec {
            nodes: a.nodes,
            degree: a.degree,
            graphs: a.graphs,
            seed: a.graph_seed,
            iters: a.iters,
        },
        degrees: a.degrees.clone(),
        seeds: a.seeds,
        train: TrainConfig {
            // The random and magnitude baselines re-mask the W ⊙ M layers.
            kernel: Kernel::Masked,
            ..a.train.config(a.self_loops)
        },
        baselines,
        finetune_epochs: a.finetune_epochs.unwrap_or(a.train.epochs),
        finetune_lr: a
            .finetune_lr
            .unwrap_or(SweepConfig::default_finetune_lr(lr)),
        backend: a.train.backend(),
        start,
    };
    cfg.validate()?;
    Ok(cfg)
}

/// The sweep's dataset (the digits split is fixed, seed 1, so every run sees the same test set).
/// The user's data is split with seed 1 too.
fn load(cfg: &SweepConfig, data_dir: Option<&std::path::Path>) -> Result<crate::data::Dataset> {
    let mut data = match &cfg.user_data {
        Some(u) => load_user_data(u, 1)?.data,
        None => {
            let (name, quick) = parse_dataset(&cfg.dataset)?;
            load_dataset(name, data_dir, quick, 1)?
        }
    };
    limit_train(&mut data, cfg.limit_train);
    Ok(data)
}

fn print<T: serde::Serialize>(v: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(v).expect("the summary serialises")
    );
}

pub fn run(a: Args) -> Result<()> {
    match a.command {
        None => run_flat(a.sweep),
        Some(Step::Plan(s)) => {
            if !s.depths.is_empty() {
                bail!("plan one folder per depth (--depth L) for a sharded depth sweep");
            }
            let cfg = config(&s)?;
            let out = s.out.clone().unwrap_or_default();
            let mut log = Log::new(s.quiet);
            let jobs = plan_dir(&cfg, &out, &mut |e| log.event(e))?;
            print(&serde_json::json!({ "dir": out, "runs": jobs.len() }));
            Ok(())
        }
        Some(Step::Run(r)) => {
            let shard = Shard::parse(&r.shard, &|k| std::env::var(k).ok())?;
            let (cfg, _, _) = crate::sweep::shard::load_plan(&r.dir)?;
            check_start(&cfg)?;
            let data = load(&cfg, r.data_dir.as_deref())?;
            let dev = block_on(device::device(cfg.backend))?;
            let mut log = Log::new(r.quiet);
            let (planned, ran) = run_shard(&r.dir, shard, data, dev, &mut |e| log.event(e))?;
            print(&serde_json::json!({
                "shard": shard.index, "of": shard.count, "runs": planned, "ran_now": ran
            }));
            Ok(())
        }
        Some(Step::Merge(m)) => {
            print(&merge_dir(&m.dir)?);
            Ok(())
        }
    }
}

fn run_flat(a: SweepArgs) -> Result<()> {
    let cfg = config(&a)?;
    check_depths(&a.depths)?;
    let data = load(&cfg, a.data_dir.as_deref())?;
    let dev = block_on(device::device(cfg.backend))?;
    let out = a.out.clone().unwrap_or_default();
    let mut log = Log::new(a.quiet);
    if a.depths.is_empty() {
        print(&run_dir(&cfg, data, dev, &out, &mut |e| log.event(e))?);
    } else {
        let mut last = 0;
        let s = run_depths(&cfg, &a.depths, data, dev, &out, &mut |l, e| {
            if l != last {
                last = l;
                log.line(&format!("depth {l}"));
            }
            log.event(e)
        })?;
        print(&s);
    }
    Ok(())
}

/// Progress on stderr: one line per run, and a live chunk line on a terminal.
struct Log {
    quiet: bool,
    tty: bool,
    started: Instant,
    last: Option<Instant>,
}

impl Log {
    fn new(quiet: bool) -> Log {
        Log {
            quiet,
            tty: std::io::stderr().is_terminal(),
            started: Instant::now(),
            last: None,
        }
    }

    fn line(&mut self, text: &str) {
        if self.quiet {
            return;
        }
        let mut err = std::io::stderr();
        if self.tty {
            let _ = writeln!(err, "\r{text}\x1b[K");
        } else {
            let _ = writeln!(err, "{text}");
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::Graphs { done, total } => {
                if done == total {
                    self.line(&format!("graphs: {total} built"));
                }
            }
            Event::Plan { total, skipped } => self.line(&format!(
                "plan: {total} runs, {skipped} already in results.csv, {} to run",
                total - skipped
            )),
            Event::Start { number, total, job } => self.line(&format!(
                "[{number}/{total}] {} seed {} ...",
                job.label(),
                job.seed
            )),
            Event::Chunk { chunk, .. } => {
                if self.quiet || !self.tty {
                    return;
                }
                if self.last.is_some_and(|t| t.elapsed().as_secs_f64() < 0.2) {
                    return;
                }
                self.last = Some(Instant::now());
                let _ = write!(
                    std::io::stderr(),
                    "\r  epoch {:.2}  loss {:.4}  train {:.1}%\x1b[K",
                    chunk.epoch,
                    chunk.loss,
                    chunk.train_accuracy * 100.0
                );
            }
            Event::Done { number, total, row } => {
                let elapsed = self.started.elapsed().as_secs_f64();
                let left = elapsed / number as f64 * (total - number) as f64;
                self.line(&format!(
                    "[{number}/{total}] done: test {:.2}%  loss {:.4}  {:.1}s  (~{:.0} min left)",
                    row.test_accuracy * 100.0,
                    row.train_loss,
                    row.seconds,
                    left / 60.0
                ));
            }
        }
    }
}
