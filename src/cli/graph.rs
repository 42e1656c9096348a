//! `rgp graph`: build a k-regular graph, search it, export it. JSON on stdout, progress on
//! stderr, `error: <one line>` and exit 2 for any bad input.

use super::files::{GraphFormat, read_graph};
use super::flags::{schema_help, schema_help_default, value_name};
use super::progress::Meter;
use crate::config::{Direction, GraphConfig, Init, SearchKind};
use crate::graph::Graph;
use crate::search;
use crate::{Error, Result, bail, io};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn search_help() -> String {
    let d = value_name(GraphConfig::default().search);
    format!(
        "{} (default {d}; target when --target-aspl is given; none with --import)",
        schema_help("search")
    )
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, help = schema_help_default("nodes"))]
    pub nodes: Option<u32>,
    #[arg(long, help = schema_help_default("degree"))]
    pub degree: Option<u32>,
    #[arg(long, value_enum, help = schema_help_default("init"))]
    pub init: Option<Init>,
    #[arg(long, help = schema_help_default("seed"))]
    pub seed: Option<u32>,
    #[arg(long, value_enum, help = search_help())]
    pub search: Option<SearchKind>,
    #[arg(long, value_enum, help = schema_help_default("direction"))]
    pub direction: Option<Direction>,
    #[arg(long, help = schema_help_default("steps"))]
    pub steps: Option<u32>,
    #[arg(long, help = schema_help_default("iters"))]
    pub iters: Option<u64>,
    /// Time budget in milliseconds: `anneal` fits its cooling schedule to it, other searches
    /// stop when it runs out. The output's `config` reproduces the result exactly.
    #[arg(long)]
    pub time_ms: Option<u64>,
    #[arg(long, help = schema_help("target_aspl"))]
    pub target_aspl: Option<f64>,
    #[arg(long, help = schema_help_default("tolerance"))]
    pub tolerance: Option<f64>,
    #[arg(long, help = schema_help_default("interval_down"))]
    pub interval_down: Option<f64>,
    #[arg(long, help = schema_help_default("interval_up"))]
    pub interval_up: Option<f64>,
    #[arg(long, help = schema_help("extreme"))]
    pub extreme: bool,
    #[arg(long, help = schema_help("stop_after"))]
    pub stop_after: Option<u64>,
    /// Export format; `json` and `csv` go to stdout without --out, `npy` needs --out.
    #[arg(long, value_enum, default_value_t = GraphFormat::Json)]
    pub format: GraphFormat,
    /// Write the export here (the JSON document still goes to stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Start from a graph file (.npy, .csv or .json) instead of --init.
    #[arg(long)]
    pub import: Option<PathBuf>,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
}

impl Args {
    /// The configuration these arguments describe; `imported` fixes n and k.
    pub fn config(&self, imported: Option<&Graph>) -> Result<GraphConfig> {
        let d = GraphConfig::default();
        let (nodes, degree) = match imported {
            Some(g) => {
                for (flag, given, actual) in [
                    ("--nodes", self.nodes, g.n()),
                    ("--degree", self.degree, g.k()),
                ] {
                    if given.is_some_and(|x| x != actual) {
                        bail!(
                            "{flag} {} does not match the imported graph ({actual})",
                            given.unwrap_or(0)
                        );
                    }
                }
                (g.n(), g.k())
            }
            None => (
                self.nodes.unwrap_or(d.nodes),
                self.degree.unwrap_or(d.degree),
            ),
        };
        let search = self.search.unwrap_or(if self.target_aspl.is_some() {
            SearchKind::Target
        } else if imported.is_some() {
            SearchKind::None
        } else {
            d.search
        });
        let cfg = GraphConfig {
            nodes,
            degree,
            init: self.init.unwrap_or(d.init),
            seed: self.seed.unwrap_or(d.seed),
            search,
            direction: self.direction.unwrap_or(d.direction),
            steps: self.steps.unwrap_or(d.steps),
            interval_down: self.interval_down.unwrap_or(d.interval_down),
            interval_up: self.interval_up.unwrap_or(d.interval_up),
            extreme: self.extreme,
            iters: self.iters.unwrap_or(d.iters),
            target_aspl: self.target_aspl.unwrap_or(d.target_aspl),
            tolerance: self.tolerance.unwrap_or(d.tolerance),
            stop_after: self.stop_after,
            trajectories: d.trajectories,
        };
        cfg.validate()?;
        Ok(cfg)
    }
}

pub fn run(args: Args) -> Result<()> {
    if args.format == GraphFormat::Npy && args.out.is_none() {
        bail!("--format npy writes a binary file: give --out FILE");
    }
    if args.time_ms == Some(0) {
        bail!("--time-ms must be positive");
    }
    let imported = match &args.import {
        Some(path) => Some(read_graph(path)?),
        None => None,
    };
    let cfg = args.config(imported.as_ref())?;
    // Open the output first, so a bad path fails before a long search.
    let mut out_file = match &args.out {
        Some(path) => Some(
            std::fs::File::create(path)
                .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let started = Instant::now();
    let mut meter = Meter::new(args.quiet);
    let clock_start = Instant::now();
    let outcome = search::run_with_clock(
        &cfg,
        imported,
        args.time_ms,
        &mut || clock_start.elapsed().as_secs_f64() * 1e3,
        &mut |p| meter.report(p),
    )?;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
    meter.finish(&outcome.progress, elapsed_ms);
    let miss = (outcome.progress.best_aspl - cfg.target_aspl).abs();
    if cfg.search == SearchKind::Target && miss > cfg.tolerance {
        eprintln!(
            "note: target ASPL {} not reached within {}; the closest graph found has {:.6}",
            cfg.target_aspl, cfg.tolerance, outcome.progress.best_aspl
        );
    }
    let json = io::to_json_with_elapsed(
        &outcome.config,
        &outcome.graph,
        &outcome.progress,
        Some(elapsed_ms),
    );
    match (&args.out, args.format) {
        (None, GraphFormat::Csv) => print!("{}", io::to_csv(&outcome.graph)),
        (None, _) => println!("{json}"),
        (Some(path), format) => {
            let bytes = match format {
                GraphFormat::Json => json.clone().into_bytes(),
                GraphFormat::Csv => io::to_csv(&outcome.graph).into_bytes(),
                GraphFormat::Npy => io::to_npy(&outcome.graph),
            };
            if let Some(f) = out_file.as_mut() {
                f.write_all(&bytes)
                    .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
            }
            println!("{json}");
        }
    }
    Ok(())
}
