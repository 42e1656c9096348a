//! Running a sweep: its configuration, the graphs, the plan of runs, and the training of each
//! run with the same [`Trainer`] as `rgp train`. A run is driven chunk by chunk
//! ([`Executor::start`], [`Executor::advance`], [`Executor::finish`]) so the browser can show
//! progress and stop between chunks; natively [`run_dir`] runs a whole sweep into a folder,
//! appending one CSV row per run and skipping the runs already there.

use super::family::{self, FamilySpec, SweepGraph};
use super::results::{Kind, Row, RunKey};
use super::start::{self, StartFile};
use super::summary::Summary;
#[cfg(not(target_family = "wasm"))]
use super::summary::summarize;
use crate::data::Dataset;
use crate::mapping::Connectivity;
use crate::model_file::ModelFile;
use crate::train::custom_masks::{magnitude_pruned, random_unstructured};
use crate::train::{BackendKind, Chunk, Net, TrainConfig, Trainer};
use crate::{Result, bail};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most seeds and degrees a sweep may ask for.
pub const MAX_SEEDS: u32 = 100;
pub const MAX_DEGREES: usize = 32;

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
}

impl Default for SweepConfig {
    fn default() -> Self {
        let train = TrainConfig::default();
        SweepConfig {
            dataset: "digits".into(),
            limit_train: None,
            family: FamilySpec::default(),
            degrees: Vec::new(),
            seeds: 3,
            finetune_epochs: train.epochs,
            finetune_lr: train.lr / 10.0,
            train,
            baselines: Kind::BASELINES.to_vec(),
            backend: BackendKind::Cpu,
            start: None,
        }
    }
}

impl SweepConfig {
    pub fn validate(&self) -> Result<()> {
        self.family.validate()?;
        self.train.validate()?;
        if !(1..=MAX_SEEDS).contains(&self.seeds) {
            bail!(
                "seeds must be between 1 and {MAX_SEEDS} (got {})",
                self.seeds
            );
        }
        if self.degrees.len() > MAX_DEGREES {
            bail!(
                "at most {MAX_DEGREES} degrees in a degree sweep (got {})",
                self.degrees.len()
            );
        }
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
            start::check_baselines(&self.baselines)?;
        }
        if !(1..=crate::train::MAX_EPOCHS).contains(&self.finetune_epochs) {
            bail!(
                "fine-tune epochs must be between 1 and {} (got {})",
                crate::train::MAX_EPOCHS,
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

    fn train_config(&self, seed: u64, dense: bool) -> TrainConfig {
        TrainConfig {
            seed,
            dense,
            ..self.train.clone()
        }
    }
}

/// The graphs of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepGraphs {
    /// The ASPL family at the sweep's degree, lowest ASPL first.
    pub family: Vec<SweepGraph>,
    /// Degree sweep: `[annealed, ring]` of every other degree.
    pub degrees: Vec<[SweepGraph; 2]>,
}

/// Builds the family and the degree sweep's graphs; `report(done, total)` after each graph.
pub fn build_graphs(cfg: &SweepConfig, report: &mut dyn FnMut(u32, u32)) -> Result<SweepGraphs> {
    let others: Vec<u32> = extra_degrees(cfg);
    let total = cfg.family.graphs + 2 * others.len() as u32;
    let family = family::aspl_family(&cfg.family, &mut |d, _| report(d, total))?;
    let mut degrees = Vec::new();
    for (i, &k) in others.iter().enumerate() {
        degrees.push(family::degree_pair(&FamilySpec {
            degree: k,
            ..cfg.family.clone()
        })?);
        report(cfg.family.graphs + 2 * (i as u32 + 1), total);
    }
    Ok(SweepGraphs { family, degrees })
}

/// Degrees of the degree sweep other than the family's own, ascending, without repeats.
fn extra_degrees(cfg: &SweepConfig) -> Vec<u32> {
    let mut d: Vec<u32> = cfg
        .degrees
        .iter()
        .copied()
        .filter(|&k| k != cfg.family.degree)
        .collect();
    d.sort_unstable();
    d.dedup();
    d
}

/// One training run of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub kind: Kind,
    pub degree: u32,
    /// The graph mask (graph kinds); `None` for dense and the non-graph baselines.
    pub graph: Option<SweepGraph>,
    pub seed: u64,
}

impl Job {
    pub fn key(&self) -> RunKey {
        RunKey {
            kind: self.kind,
            degree: self.degree,
            graph: self.graph.as_ref().map(|g| g.index),
            seed: self.seed,
        }
    }

    /// A short description for progress lines.
    pub fn label(&self) -> String {
        match (&self.graph, self.kind) {
            (Some(g), Kind::Graph) => format!("graph {} (ASPL {:.3})", g.index, g.aspl),
            (Some(g), _) => format!(
                "{} k={} (ASPL {:.3})",
                self.kind.as_str(),
                self.degree,
                g.aspl
            ),
            (None, _) => self.kind.as_str().to_string(),
        }
    }
}

/// Every run of the sweep, seed by seed (so an interrupted sweep holds whole seeds): the family,
/// the degree sweep, then the baselines (dense before magnitude pruning, which starts from it).
pub fn plan(cfg: &SweepConfig, graphs: &SweepGraphs) -> Result<Vec<Job>> {
    let k = cfg.family.degree;
    let mut jobs = Vec::new();
    for seed in 1..=cfg.seeds as u64 {
        for g in &graphs.family {
            jobs.push(Job {
                kind: Kind::Graph,
                degree: k,
                graph: Some(g.clone()),
                seed,
            });
        }
        for [best, ring] in &graphs.degrees {
            for (kind, g) in [(Kind::DegreeBest, best), (Kind::DegreeWorst, ring)] {
                jobs.push(Job {
                    kind,
                    degree: g.degree,
                    graph: Some(g.clone()),
                    seed,
                });
            }
        }
        for &b in &Kind::BASELINES {
            if !cfg.baselines.contains(&b) {
                continue;
            }
            let graph = match b {
                Kind::RandomRegular => Some(family::random_regular(cfg.family.nodes, k, seed)?),
                _ => None,
            };
            jobs.push(Job {
                kind: b,
                degree: k,
                graph,
                seed,
            });
        }
    }
    Ok(jobs)
}

/// A run in progress.
pub struct ActiveRun {
    pub job: Job,
    trainer: Trainer,
    started_ms: f64,
    last_epoch_start: u64,
    loss_sum: f64,
    loss_steps: u64,
}

impl ActiveRun {
    pub fn done(&self) -> bool {
        self.trainer.done()
    }
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
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
    start: Option<ModelFile>,
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

    /// Starts every run from the model file `bytes` (the sweep's `start`): refuses a network
    /// of another architecture, and normalises the inputs as that network expects.
    pub fn start_from(&mut self, bytes: &[u8]) -> Result<()> {
        self.start = Some(crate::train::finetune::read_for(
            bytes,
            &self.cfg.train,
            &mut self.data,
        )?);
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
            ex.start_from(&start::read(s)?)?;
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
        let last_epoch_start = trainer
            .total_steps()
            .saturating_sub(trainer.steps_per_epoch());
        Ok(ActiveRun {
            job,
            trainer,
            started_ms,
            last_epoch_start,
            loss_sum: 0.0,
            loss_steps: 0,
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
        let before = run.trainer.step_count();
        let c = run.trainer.run(max_steps).await?;
        if before >= run.last_epoch_start && c.steps > 0 {
            run.loss_sum += c.loss * c.steps as f64;
            run.loss_steps += c.steps as u64;
        }
        Ok(c)
    }

    /// Evaluates a finished run on the test set and returns its row.
    pub async fn finish(&mut self, run: ActiveRun) -> Result<Row> {
        if !run.trainer.done() {
            bail!("the run has not finished training");
        }
        let e = run.trainer.evaluate(None).await?;
        let job = run.job;
        if job.kind == Kind::Dense && self.cfg.baselines.contains(&Kind::Magnitude) {
            self.dense.insert(job.seed, run.trainer.model().clone());
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
            train_loss: run.loss_sum / run.loss_steps.max(1) as f64,
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
    use super::results::parse_csv;
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
    for r in &rows {
        if let Some(j) = by_key.get(&r.key())
            && let Some(g) = &j.graph
            && g.fingerprint != r.fingerprint
        {
            bail!(
                "results.csv in {} was made with other graphs ({} {} has fingerprint {}, this sweep's is {}); use another --out",
                out.display(),
                r.kind.as_str(),
                g.index,
                r.fingerprint,
                g.fingerprint
            );
        }
    }
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
        report(Event::Done {
            number,
            total,
            row: &row,
        });
        done(row)?;
    }
    Ok(())
}

/// `summary.json`: the configuration, the graphs (without their tables) and the summary.
#[derive(Serialize)]
pub struct SummaryFile<'a> {
    pub config: &'a SweepConfig,
    pub graphs: Vec<GraphInfo>,
    pub summary: &'a Summary,
}

#[derive(Serialize)]
pub struct GraphInfo {
    pub kind: &'static str,
    pub index: u32,
    pub degree: u32,
    pub aspl: f64,
    pub diameter: u32,
    pub clustering: f64,
    pub fingerprint: String,
    pub origin: String,
    /// Reachability at depths 1..=16 (see [`crate::graph::reach`]): walks of exactly L edges
    /// (a plain stack of L masked layers) and paths of at most L (a residual stack).
    pub walk_reach: Vec<f64>,
    pub path_reach: Vec<f64>,
}

pub fn graph_info(g: &SweepGraphs) -> Vec<GraphInfo> {
    let info = |kind, s: &SweepGraph| {
        let r = s
            .graph()
            .map(|g| crate::graph::reach(&g, crate::graph::REACH_DEPTHS))
            .unwrap_or(crate::graph::Reach {
                walk: Vec::new(),
                path: Vec::new(),
            });
        GraphInfo {
            kind,
            index: s.index,
            degree: s.degree,
            aspl: s.aspl,
            diameter: s.diameter,
            clustering: s.clustering,
            fingerprint: s.fingerprint.clone(),
            origin: s.origin.clone(),
            walk_reach: r.walk,
            path_reach: r.path,
        }
    };
    let mut out: Vec<GraphInfo> = g.family.iter().map(|s| info("graph", s)).collect();
    for [b, w] in &g.degrees {
        out.push(info("degree-best", b));
        out.push(info("degree-worst", w));
    }
    out
}

/// The first key whose value differs, for the resume error.
#[cfg(not(target_family = "wasm"))]
pub(crate) fn first_difference(a: &serde_json::Value, b: &serde_json::Value) -> String {
    match (a.as_object(), b.as_object()) {
        (Some(x), Some(y)) => {
            for (k, v) in x {
                if y.get(k) != Some(v) {
                    let inner = first_difference(v, y.get(k).unwrap_or(&serde_json::Value::Null));
                    return if inner.is_empty() {
                        k.clone()
                    } else {
                        format!("{k}.{inner}")
                    };
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .cloned()
                .unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// Pretty JSON, newline-terminated, for the files a sweep writes.
#[cfg(not(target_family = "wasm"))]
pub(crate) fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("sweep files serialise");
    s.push('\n');
    s
}
