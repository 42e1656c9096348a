//! Training the runs of a sweep with the same [`Trainer`] as `rgp train`. A run is driven chunk
//! by chunk ([`Executor::start`], [`Executor::advance`], [`Executor::finish`]) so the browser can
//! show progress and stop between chunks; natively [`run_dir`] runs a whole sweep into a folder,
//! appending one CSV row per run and skipping the runs already there.

use super::family::SweepGraphs;
#[cfg(not(target_family = "wasm"))]
use super::files::{SummaryFile, first_difference, graph_info, pretty};
use super::plan::{Job, SweepConfig};
#[cfg(not(target_family = "wasm"))]
use super::plan::{build_graphs, check_rows, plan};
use super::results::{Kind, Row};
use super::start::{self, Start};
#[cfg(not(target_family = "wasm"))]
use super::summary::{Summary, summarize};
use crate::data::Dataset;
use crate::mapping::Connectivity;
use crate::train::custom_masks::{magnitude_pruned, random_unstructured};
#[cfg(feature = "onnx")]
#[cfg(feature = "onnx")]
use crate::train::finetune_onnx::{OnnxPruning, looks_like_onnx, prepare_onnx};
use crate::train::{Chunk, Net, Session, TrainConfig, Trainer};
use crate::{Result, bail};
use burn::tensor::Device;
use std::collections::HashMap;

/// A run in progress: the same [`Session`] as `rgp train` and the browser step, evaluated once,
/// at the end.
pub struct ActiveRun {
    pub job: Job,
    session: Session,
    started_ms: f64,
}

impl ActiveRun {
    pub fn done(&self) -> bool {
        self.session.done()
    }
    pub fn trainer(&self) -> &Trainer {
        self.session.trainer()
    }
}

/// Trains the runs of one sweep on one dataset and device.
pub struct Executor {
    cfg: SweepConfig,
    data: Dataset,
    device: Device,
    /// The lowest-ASPL graph: the mask whose per-layer sparsity the non-graph baselines match.
    reference: Connectivity,
    /// Trained dense networks by seed, kept for magnitude pruning.
    dense: HashMap<u64, Net>,
    /// The pretrained network every run starts from ([`Executor::start_from`]).
    start: Option<Start>,
    clock: Box<dyn FnMut() -> f64>,
}

/// Steps per chunk when a whole run is driven at once.
const CHUNK: u32 = 50;

impl Executor {
    /// `clock` returns milliseconds (any origin); it times the runs.
    pub fn new(
        cfg: SweepConfig,
        data: Dataset,
        graphs: &SweepGraphs,
        device: Device,
        clock: Box<dyn FnMut() -> f64>,
    ) -> Result<Executor> {
        cfg.validate()?;
        let Some(best) = graphs.family.first() else {
            bail!("the sweep has no graphs");
        };
        let reference = Connectivity::from_graph(&best.graph()?, cfg.train.mask.self_loops);
        Ok(Executor {
            cfg,
            data,
            device,
            reference,
            dense: HashMap::new(),
            start: None,
            clock,
        })
    }

    /// Starts every run from the model file `bytes` (the sweep's `start`; a baseline that draws
    /// fresh weights is refused): refuses a network
    /// of another architecture, and normalises the inputs as that network expects; or from an
    /// ONNX network's bytes (refused when it does not fit the data; the data keeps its own
    /// normalisation).
    pub async fn start_from(&mut self, bytes: &[u8]) -> Result<()> {
        start::check_baselines(&self.cfg.baselines)?;
        #[cfg(feature = "onnx")]
        if looks_like_onnx(bytes) {
            // A network that does not fit the data is refused now, not at the first run.
            let (cfg, data) = (self.cfg.train_config(1, true), self.data.clone());
            let device = self.device.clone();
            let how = OnnxPruning::by_graph(&[]);
            prepare_onnx(cfg, data, &self.reference, how, device, bytes).await?;
            self.start = Some(Start::Onnx(bytes.to_vec()));
            return Ok(());
        }
        let file = crate::train::finetune::read_for(bytes, &self.cfg.train, &mut self.data)?;
        self.start = Some(Start::Model(Box::new(file)));
        Ok(())
    }

    /// A native executor for `cfg`, started from its start file when it has one.
    #[cfg(not(target_family = "wasm"))]
    pub(crate) fn native(
        cfg: &SweepConfig,
        data: Dataset,
        graphs: &SweepGraphs,
        device: Device,
    ) -> Result<Executor> {
        let t0 = std::time::Instant::now();
        let clock = Box::new(move || t0.elapsed().as_secs_f64() * 1e3);
        let mut ex = Executor::new(cfg.clone(), data, graphs, device, clock)?;
        if let Some(s) = &cfg.start {
            crate::train::trainer::block_on(ex.start_from(&start::read(s)?))?;
        }
        Ok(ex)
    }

    pub fn config(&self) -> &SweepConfig {
        &self.cfg
    }

    fn trainer(&self, cfg: TrainConfig, conn: &Connectivity) -> Result<Trainer> {
        Trainer::new(cfg, self.data.clone(), conn, self.device.clone())
    }

    /// Builds the run's network (for magnitude pruning this trains the dense network first
    /// when this executor has not trained it already).
    pub async fn start(&mut self, job: Job) -> Result<ActiveRun> {
        let started_ms = (self.clock)();
        let seed = job.seed;
        let trainer = if let Some(file) = &self.start {
            let conn = match &job.graph {
                Some(g) => Connectivity::from_graph(&g.graph()?, self.cfg.train.mask.self_loops),
                None => self.reference.clone(),
            };
            let cfg = self.cfg.train_config(seed, job.kind == Kind::Dense);
            let data = self.data.clone();
            start::trainer(job.kind, cfg, data, &conn, self.device.clone(), file).await?
        } else {
            self.fresh(&job).await?
        };
        Ok(ActiveRun {
            job,
            session: Session::new(trainer),
            started_ms,
        })
    }

    /// The trainer of a run from random weights.
    async fn fresh(&mut self, job: &Job) -> Result<Trainer> {
        let seed = job.seed;
        Ok(match job.kind {
            Kind::Graph | Kind::DegreeBest | Kind::DegreeWorst | Kind::RandomRegular => {
                let Some(g) = &job.graph else {
                    bail!("a {} run needs a graph", job.kind.as_str());
                };
                let conn = Connectivity::from_graph(&g.graph()?, self.cfg.train.mask.self_loops);
                self.trainer(self.cfg.train_config(seed, false), &conn)?
            }
            Kind::Dense => self.trainer(self.cfg.train_config(seed, true), &self.reference)?,
            Kind::RandomUnstructured => {
                let mut t = self.trainer(self.cfg.train_config(seed, false), &self.reference)?;
                let net = random_unstructured(t.model(), seed, &self.device).await?;
                t.set_model(net)?;
                t
            }
            Kind::Magnitude => {
                let dense = match self.dense.remove(&seed) {
                    Some(n) => n,
                    None => {
                        let mut t =
                            self.trainer(self.cfg.train_config(seed, true), &self.reference)?;
                        while !t.done() {
                            t.run(CHUNK).await?;
                        }
                        t.model().clone()
                    }
                };
                let mut cfg = self.cfg.train_config(seed, false);
                cfg.epochs = self.cfg.finetune_epochs;
                cfg.lr = self.cfg.finetune_lr;
                let mut t = self.trainer(cfg, &self.reference)?;
                let net = magnitude_pruned(&dense, t.model(), &self.device).await?;
                t.set_model(net)?;
                t
            }
        })
    }

    /// Up to `max_steps` more steps (a chunk never crosses an epoch end).
    pub async fn advance(&mut self, run: &mut ActiveRun, max_steps: u32) -> Result<Chunk> {
        Ok(run.session.advance(max_steps).await?.chunk)
    }

    /// Evaluates a finished run on the test set and returns its row.
    pub async fn finish(&mut self, mut run: ActiveRun) -> Result<Row> {
        if !run.session.done() {
            bail!("the run has not finished training");
        }
        let e = run.session.evaluation().await?;
        // The mean loss of the last epoch.
        let train_loss = run.session.last_epoch_loss();
        let job = run.job;
        if job.kind == Kind::Dense && self.cfg.baselines.contains(&Kind::Magnitude) {
            self.dense
                .insert(job.seed, run.session.trainer().model().clone());
        }
        let g = job.graph.as_ref();
        Ok(Row {
            kind: job.kind,
            degree: job.degree,
            graph: g.map(|g| g.index),
            aspl: g.map(|g| g.aspl),
            clustering: g.map(|g| g.clustering),
            fingerprint: g.map_or(String::new(), |g| g.fingerprint.clone()),
            seed: job.seed,
            test_accuracy: e.accuracy,
            train_loss,
            seconds: ((self.clock)() - run.started_ms) / 1e3,
        })
    }

    /// Runs one job to the end; `report` sees every chunk.
    pub async fn run(&mut self, job: Job, report: &mut dyn FnMut(&Chunk)) -> Result<Row> {
        let mut r = self.start(job).await?;
        while !r.done() {
            let c = self.advance(&mut r, CHUNK).await?;
            report(&c);
        }
        self.finish(r).await
    }
}

/// What [`run_dir`] reports.
pub enum Event<'a> {
    Graphs {
        done: u32,
        total: u32,
    },
    /// `skipped` runs were already in results.csv.
    Plan {
        total: usize,
        skipped: usize,
    },
    Start {
        number: usize,
        total: usize,
        job: &'a Job,
    },
    Chunk {
        number: usize,
        total: usize,
        job: &'a Job,
        chunk: &'a Chunk,
    },
    Done {
        number: usize,
        total: usize,
        row: &'a Row,
    },
}

/// Runs a sweep into `out`: `sweep.json` (the configuration), `graphs.json` (the graphs, with
/// their neighbour tables), `results.csv` (one row per run, appended as runs finish) and
/// `summary.json` (rewritten after every run). Runs already in `results.csv` are skipped, so an
/// interrupted sweep picks up where it stopped.
#[cfg(not(target_family = "wasm"))]
pub fn run_dir(
    cfg: &SweepConfig,
    data: Dataset,
    device: Device,
    out: &std::path::Path,
    report: &mut dyn FnMut(Event),
) -> Result<Summary> {
    use super::results::{RunKey, parse_csv};
    use crate::Error;

    cfg.validate()?;
    let io = |what: &str, p: &std::path::Path, e: std::io::Error| {
        Error::new(format!("cannot {what} {}: {e}", p.display()))
    };
    std::fs::create_dir_all(out).map_err(|e| io("create", out, e))?;

    let cfg_path = out.join("sweep.json");
    if cfg_path.exists() {
        let text = std::fs::read_to_string(&cfg_path).map_err(|e| io("read", &cfg_path, e))?;
        let old: SweepConfig = serde_json::from_str(&text).map_err(|e| {
            Error::new(format!(
                "{} is not a sweep configuration: {e}",
                cfg_path.display()
            ))
        })?;
        if old.identity() != cfg.identity() {
            bail!(
                "{} holds a sweep with a different configuration ({}); use another --out",
                out.display(),
                first_difference(&old.identity(), &cfg.identity())
            );
        }
    }
    super::results::write_atomic(&cfg_path, pretty(cfg).as_bytes())
        .map_err(|e| io("write", &cfg_path, e))?;

    let graphs = build_graphs(cfg, &mut |done, total| {
        report(Event::Graphs { done, total })
    })?;
    let graphs_path = out.join("graphs.json");
    super::results::write_atomic(&graphs_path, pretty(&graphs).as_bytes())
        .map_err(|e| io("write", &graphs_path, e))?;

    let csv_path = out.join("results.csv");
    let mut rows = if csv_path.exists() {
        let text = std::fs::read_to_string(&csv_path).map_err(|e| io("read", &csv_path, e))?;
        parse_csv(&text)?
    } else {
        Vec::new()
    };
    let jobs = plan(cfg, &graphs)?;
    let by_key: HashMap<RunKey, &Job> = jobs.iter().map(|j| (j.key(), j)).collect();
    // As the shards do: a row this plan does not hold is refused, not summarised beside it.
    check_rows(
        &rows,
        &by_key,
        &format!("results.csv in {}", out.display()),
        "seeds, degrees and baselines may grow on a resume, not shrink: use the earlier ones or another --out",
    )?;
    // Rewrite the file from the rows read, which also drops a line torn by an interruption.
    super::results::write_atomic(&csv_path, super::results::to_csv(&rows).as_bytes())
        .map_err(|e| io("write", &csv_path, e))?;

    let done: std::collections::HashSet<RunKey> = rows.iter().map(|r| r.key()).collect();
    let todo: Vec<&Job> = jobs.iter().filter(|j| !done.contains(&j.key())).collect();
    report(Event::Plan {
        total: jobs.len(),
        skipped: jobs.len() - todo.len(),
    });

    let summary_path = out.join("summary.json");
    let write_summary = |rows: &[Row]| -> Result<Summary> {
        let s = summarize(rows, cfg.family.nodes, cfg.family.degree);
        let doc = SummaryFile {
            config: cfg,
            graphs: graph_info(&graphs),
            summary: &s,
        };
        super::results::write_atomic(&summary_path, pretty(&doc).as_bytes())
            .map_err(|e| io("write", &summary_path, e))?;
        Ok(s)
    };

    let mut ex = Executor::native(cfg, data, &graphs, device)?;
    let mut summary = write_summary(&rows)?;
    run_appending(&mut ex, todo, &csv_path, report, &mut |row| {
        rows.push(row);
        summary = write_summary(&rows)?;
        Ok(())
    })?;
    Ok(summary)
}

/// Runs `todo` in order, appending each finished row to `csv` as soon as it exists (a killed
/// process loses at most the run in flight) and then handing it to `done`.
#[cfg(not(target_family = "wasm"))]
pub(crate) fn run_appending(
    ex: &mut Executor,
    todo: Vec<&Job>,
    csv: &std::path::Path,
    report: &mut dyn FnMut(Event),
    done: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    use std::io::Write;
    let io = |what: &str, e: std::io::Error| {
        crate::Error::new(format!("cannot {what} {}: {e}", csv.display()))
    };
    let total = todo.len();
    for (i, job) in todo.into_iter().enumerate() {
        let number = i + 1;
        report(Event::Start { number, total, job });
        let row = crate::train::trainer::block_on(ex.run(job.clone(), &mut |c| {
            report(Event::Chunk {
                number,
                total,
                job,
                chunk: c,
            })
        }))?;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(csv)
            .map_err(|e| io("open", e))?;
        writeln!(f, "{}", row.to_csv()).map_err(|e| io("write", e))?;
        // Each finished run reaches the disk before the next starts: a power cut loses at most
        // the run in flight (a torn last line is dropped on resume).
        f.sync_data().map_err(|e| io("write", e))?;
        report(Event::Done {
            number,
            total,
            row: &row,
        });
        done(row)?;
    }
    Ok(())
}
