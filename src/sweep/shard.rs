//! Sweeps that outgrow one machine. A sweep is a list of independent runs:
//!
//! - [`plan_dir`] writes the configuration, the graphs (searched once, here) and the run list
//!   (`sweep.json`, `graphs.json`, `plan.csv`) into a folder every machine can read;
//! - [`run_shard`] runs shard `I` of `N` — every `N`-th run from `I`, in plan order — appending
//!   each finished run to `shards/I-of-N.csv`; run again, it skips the runs already there, so a
//!   crashed shard reruns only its missing runs;
//! - [`merge_dir`] gathers the shard files into `results.csv` and `summary.json`, in plan order,
//!   exactly as one process would have written them (timings aside).
//!
//! A magnitude-pruning run goes to the shard of its seed's dense run: it starts from that dense
//! network, which the shard then trains once instead of twice.

use super::family::{SweepGraph, SweepGraphs};
use super::files::{SummaryFile, first_difference, graph_info, pretty};
use super::plan::{Job, SweepConfig, build_graphs, check_rows, plan};
use super::results::{HEADER, Kind, Row, RunKey, parse_csv, to_csv};
use super::run::{Event, Executor, run_appending};
use super::summary::{Summary, summarize};
use crate::data::Dataset;
use crate::{Error, Result, bail};
use burn::tensor::Device;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Most shards of one sweep.
pub const MAX_SHARDS: u32 = 10_000;

impl Shard {
    /// `I/N`, or `env/N`: `I` from `SLURM_ARRAY_TASK_ID` (minus `SLURM_ARRAY_TASK_MIN`, so
    /// `--array=1-N` works too) or Kubernetes' `JOB_COMPLETION_INDEX`.
    pub fn parse(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard> {
        let bad = || {
            Error::new(format!(
                "--shard '{}' is not I/N or env/N (e.g. 0/4)",
                s.chars().take(30).collect::<String>()
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if !(1..=MAX_SHARDS).contains(&count) {
            bail!("the shard count must be between 1 and {MAX_SHARDS} (got {count})");
        }
        let index: u32 = if i.trim() == "env" {
            let num = |k: &str| -> Result<Option<u32>> {
                env(k)
                    .map(|v| {
                        v.trim()
                            .parse()
                            .map_err(|_| Error::new(format!("{k}='{v}' is not a whole number")))
                    })
                    .transpose()
            };
            match (num("SLURM_ARRAY_TASK_ID")?, num("JOB_COMPLETION_INDEX")?) {
                (Some(id), _) => id
                    .checked_sub(num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0))
                    .ok_or_else(|| {
                        Error::new("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")
                    })?,
                (None, Some(id)) => id,
                (None, None) => bail!(
                    "--shard env/N needs SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment"
                ),
            }
        } else {
            i.trim().parse().map_err(|_| bad())?
        };
        if index >= count {
            bail!("shard index {index} is outside 0..{count}");
        }
        Ok(Shard { index, count })
    }

    pub fn file_name(&self) -> String {
        format!("{}-of-{}.csv", self.index, self.count)
    }
}

fn io(what: &str, p: &Path, e: std::io::Error) -> Error {
    Error::new(format!("cannot {what} {}: {e}", p.display()))
}

fn read(p: &Path) -> Result<String> {
    std::fs::read_to_string(p).map_err(|e| io("read", p, e))
}

fn write(p: &Path, text: &str) -> Result<()> {
    super::results::write_atomic(p, text.as_bytes()).map_err(|e| io("write", p, e))
}

/// Writes `sweep.json`, `graphs.json` and `plan.csv` (index, shard-independent key and graph
/// fingerprint of every run). Planning again with the same configuration is allowed (the
/// files come out the same); another configuration in the same folder is an error.
pub fn plan_dir(cfg: &SweepConfig, dir: &Path, report: &mut dyn FnMut(Event)) -> Result<Vec<Job>> {
    cfg.validate()?;
    std::fs::create_dir_all(dir).map_err(|e| io("create", dir, e))?;
    let cfg_path = dir.join("sweep.json");
    if cfg_path.exists() {
        let old = load_config(dir)?;
        if old != *cfg {
            bail!(
                "{} holds another sweep ({}); plan into another folder",
                dir.display(),
                first_difference(
                    &serde_json::to_value(&old).unwrap_or_default(),
                    &serde_json::to_value(cfg).unwrap_or_default()
                )
            );
        }
    }
    write(&cfg_path, &pretty(cfg))?;
    let graphs = build_graphs(cfg, &mut |done, total| {
        report(Event::Graphs { done, total })
    })?;
    write(&dir.join("graphs.json"), &pretty(&graphs))?;
    let jobs = plan(cfg, &graphs)?;
    let mut text = String::from("index,kind,degree,graph,seed,fingerprint\n");
    for (i, j) in jobs.iter().enumerate() {
        let g = j.graph.as_ref();
        text.push_str(&format!(
            "{i},{},{},{},{},{}\n",
            j.kind.as_str(),
            j.degree,
            g.map_or(String::new(), |g| g.index.to_string()),
            j.seed,
            g.map_or("", |g| g.fingerprint.as_str())
        ));
    }
    write(&dir.join("plan.csv"), &text)?;
    Ok(jobs)
}

fn load_config(dir: &Path) -> Result<SweepConfig> {
    let p = dir.join("sweep.json");
    if !p.exists() {
        bail!(
            "{} has no sweep.json: run `rgp sweep plan --out {}` first",
            dir.display(),
            dir.display()
        );
    }
    let cfg: SweepConfig = serde_json::from_str(&read(&p)?)
        .map_err(|e| Error::new(format!("{} is not a sweep configuration: {e}", p.display())))?;
    cfg.validate()?;
    Ok(cfg)
}

/// The planned sweep in `dir`: its configuration, graphs and runs.
pub fn load_plan(dir: &Path) -> Result<(SweepConfig, SweepGraphs, Vec<Job>)> {
    let cfg = load_config(dir)?;
    let p = dir.join("graphs.json");
    let graphs: SweepGraphs = serde_json::from_str(&read(&p)?)
        .map_err(|e| Error::new(format!("{} is not a sweep's graphs: {e}", p.display())))?;
    for g in graphs.family.iter().chain(graphs.degrees.iter().flatten()) {
        check_graph(g)?;
    }
    let jobs = plan(&cfg, &graphs)?;
    let planned = read(&dir.join("plan.csv"))?
        .lines()
        .count()
        .saturating_sub(1);
    if planned != jobs.len() {
        bail!(
            "plan.csv in {} lists {planned} runs but its configuration gives {}; plan again",
            dir.display(),
            jobs.len()
        );
    }
    Ok((cfg, graphs, jobs))
}

/// A graph read back from a file must be the one its fingerprint names.
fn check_graph(g: &SweepGraph) -> Result<()> {
    let fp = g.graph()?.fingerprint();
    if fp != g.fingerprint {
        bail!(
            "graphs.json: graph {} has fingerprint {fp}, not the recorded {}",
            g.index,
            g.fingerprint
        );
    }
    Ok(())
}

/// The shard (of `count`) that runs each job: round robin over the plan, magnitude pruning
/// with its seed's dense run.
pub fn assign(jobs: &[Job], count: u32) -> Vec<u32> {
    let dense: HashMap<u64, u32> = jobs
        .iter()
        .enumerate()
        .filter(|(_, j)| j.kind == Kind::Dense)
        .map(|(i, j)| (j.seed, i as u32 % count))
        .collect();
    jobs.iter()
        .enumerate()
        .map(|(i, j)| match (j.kind, dense.get(&j.seed)) {
            (Kind::Magnitude, Some(&s)) => s,
            _ => i as u32 % count,
        })
        .collect()
}

/// Rows of a results file, with a torn last line dropped and every graph run checked against
/// the plan's fingerprints.
fn read_rows(path: &Path, jobs: &HashMap<RunKey, &Job>) -> Result<Vec<Row>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let rows =
        parse_csv(&read(path)?).map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
    check_rows(
        &rows,
        jobs,
        &path.display().to_string(),
        "was it planned again with other settings?",
    )?;
    Ok(rows)
}

/// Runs the jobs of `shard` not yet in its file; returns `(planned for this shard, run now)`.
pub fn run_shard(
    dir: &Path,
    shard: Shard,
    data: Dataset,
    device: Device,
    report: &mut dyn FnMut(Event),
) -> Result<(usize, usize)> {
    let (cfg, graphs, jobs) = load_plan(dir)?;
    let by_key: HashMap<RunKey, &Job> = jobs.iter().map(|j| (j.key(), j)).collect();
    let shards = dir.join("shards");
    std::fs::create_dir_all(&shards).map_err(|e| io("create", &shards, e))?;
    let path = shards.join(shard.file_name());
    let rows = read_rows(&path, &by_key)?;
    // Rewrite from the rows read: drops a line torn when the shard was killed mid-write.
    write(&path, &to_csv(&rows))?;
    let done: HashSet<RunKey> = rows.iter().map(|r| r.key()).collect();
    let mine: Vec<&Job> = jobs
        .iter()
        .zip(assign(&jobs, shard.count))
        .filter(|(_, s)| *s == shard.index)
        .map(|(j, _)| j)
        .collect();
    let todo: Vec<&Job> = mine
        .iter()
        .copied()
        .filter(|j| !done.contains(&j.key()))
        .collect();
    report(Event::Plan {
        total: mine.len(),
        skipped: mine.len() - todo.len(),
    });
    let mut ex = Executor::native(&cfg, data, &graphs, device)?;
    let total = todo.len();
    run_appending(&mut ex, todo, &path, report, &mut |_| Ok(()))?;
    Ok((mine.len(), total))
}

/// The shard files of `dir`, sorted by name.
fn shard_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let shards = dir.join("shards");
    if !shards.is_dir() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&shards)
        .map_err(|e| io("read", &shards, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    files.sort();
    Ok(files)
}

/// Gathers every shard's rows into `results.csv` (plan order) and `summary.json`. Every planned
/// run must be present; a run found in several files keeps its first row.
pub fn merge_dir(dir: &Path) -> Result<Summary> {
    let (cfg, graphs, jobs) = load_plan(dir)?;
    let by_key: HashMap<RunKey, &Job> = jobs.iter().map(|j| (j.key(), j)).collect();
    let mut found: HashMap<RunKey, Row> = HashMap::new();
    for f in shard_files(dir)? {
        for r in read_rows(&f, &by_key)? {
            found.entry(r.key()).or_insert(r);
        }
    }
    let missing: Vec<&Job> = jobs
        .iter()
        .filter(|j| !found.contains_key(&j.key()))
        .collect();
    if let Some(first) = missing.first() {
        bail!(
            "{} of {} planned runs are missing from {}/shards (first: {} seed {}); run their shards again",
            missing.len(),
            jobs.len(),
            dir.display(),
            first.label(),
            first.seed
        );
    }
    let rows: Vec<Row> = jobs.iter().filter_map(|j| found.remove(&j.key())).collect();
    debug_assert!(to_csv(&rows).starts_with(HEADER));
    write(&dir.join("results.csv"), &to_csv(&rows))?;
    let s = summarize(&rows, cfg.family.nodes, cfg.family.degree);
    let doc = SummaryFile {
        config: &cfg,
        graphs: graph_info(&graphs),
        summary: &s,
    };
    write(&dir.join("summary.json"), &pretty(&doc))?;
    Ok(s)
}
