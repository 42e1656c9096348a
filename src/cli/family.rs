//! `rgp family`: T trajectories × K chained reference steps from the ring lattice, the way the
//! published RGP graphs were made. Writes `M0` (lowest ASPL) … `M{N-1}` plus `index.csv`
//! (sorted by ASPL) into a folder; a JSON summary goes to stdout, progress to stderr.

use super::files::{GraphFormat, write_file};
use super::flags::schema_help;
use super::progress::Meter;
use crate::config::{Direction, GraphConfig, Init, SearchKind};
use crate::graph::Metrics;
use crate::search::Progress;
use crate::search::family::{FamilyBuilder, reference_steps};
use crate::{Error, Result, bail, io};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value_t = GraphConfig::default().nodes, help = schema_help("nodes"))]
    pub nodes: u32,
    #[arg(long, default_value_t = GraphConfig::default().degree, help = schema_help("degree"))]
    pub degree: u32,
    #[arg(long, default_value_t = GraphConfig::default().trajectories, help = schema_help("trajectories"))]
    pub trajectories: u32,
    #[arg(long, help = format!("{} (default: the published count for the degree, 45 for k=4 down to 20 for k>=14)", schema_help("steps")))]
    pub steps: Option<u32>,
    #[arg(long, default_value_t = GraphConfig::default().seed, help = schema_help("seed"))]
    pub seed: u32,
    #[arg(long, value_enum, default_value_t = GraphConfig::default().init, help = schema_help("init"))]
    pub init: Init,
    #[arg(long, value_enum, help = format!("{} (default: min for even k, max for odd k, as published)", schema_help("direction")))]
    pub direction: Option<Direction>,
    #[arg(long, default_value_t = GraphConfig::default().interval_down, help = schema_help("interval_down"))]
    pub interval_down: f64,
    #[arg(long, default_value_t = GraphConfig::default().interval_up, help = schema_help("interval_up"))]
    pub interval_up: f64,
    #[arg(long, help = schema_help("extreme"))]
    pub extreme: bool,
    /// Folder to write the graphs and index.csv into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// File format of each graph.
    #[arg(long, value_enum, default_value_t = GraphFormat::Npy)]
    pub format: GraphFormat,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Serialize)]
struct Summary {
    nodes: u32,
    degree: u32,
    seed: u32,
    trajectories: u32,
    steps: u32,
    graphs: usize,
    min_aspl: f64,
    max_aspl: f64,
    iterations: u64,
    evaluations: u64,
    elapsed_ms: f64,
    out: String,
    index: String,
    config: GraphConfig,
}

/// The configuration the flags describe (always the reference search).
fn config(args: &Args) -> GraphConfig {
    GraphConfig {
        nodes: args.nodes,
        degree: args.degree,
        init: args.init,
        seed: args.seed,
        search: SearchKind::Paper,
        direction: args.direction.unwrap_or(if args.degree.is_multiple_of(2) {
            Direction::Min
        } else {
            Direction::Max
        }),
        steps: args.steps.unwrap_or(reference_steps(args.degree)),
        interval_down: args.interval_down,
        interval_up: args.interval_up,
        extreme: args.extreme,
        trajectories: args.trajectories,
        ..GraphConfig::default()
    }
}

/// Writes every member as `M{i}.{ext}` and the index (sorted by ASPL); returns the index path.
fn write_members(args: &Args, cfg: &GraphConfig, builder: &FamilyBuilder) -> Result<PathBuf> {
    let ext = args.format.ext();
    let mut index = String::from(
        "name,aspl,diameter,trajectory,step,clustering,transitivity,gr_mean,aopu,fingerprint\n",
    );
    for (i, m) in builder.members().iter().enumerate() {
        let name = format!("M{i}.{ext}");
        let bytes = match args.format {
            GraphFormat::Npy => io::to_npy(&m.graph),
            GraphFormat::Csv => io::to_csv(&m.graph).into_bytes(),
            GraphFormat::Json => {
                let p = Progress {
                    iterations: 0,
                    evaluations: 0,
                    accepted: 0,
                    aspl: m.aspl(),
                    diameter: m.stats.diameter,
                    best_aspl: m.aspl(),
                    best_diameter: m.stats.diameter,
                    done: true,
                    last_swap: None,
                };
                io::to_json(cfg, &m.graph, &p).into_bytes()
            }
        };
        write_file(&args.out.join(&name), &bytes)?;
        let mx = Metrics::compute(&m.graph);
        index.push_str(&format!(
            "{name},{:.6},{},{},{},{:.6},{:.6},{:.4},{:.4},{}\n",
            m.aspl(),
            m.stats.diameter,
            m.trajectory,
            m.step,
            mx.clustering,
            mx.transitivity,
            mx.gr_mean,
            mx.aopu,
            mx.fingerprint
        ));
    }
    let index_path = args.out.join("index.csv");
    write_file(&index_path, index.as_bytes())?;
    Ok(index_path)
}

pub fn run(args: Args) -> Result<()> {
    let cfg = config(&args);
    let mut builder = FamilyBuilder::new(&cfg)?;
    if args.out.exists() && !args.out.is_dir() {
        bail!("--out {} exists and is not a folder", args.out.display());
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Error::new(format!("cannot create {}: {e}", args.out.display())))?;
    let started = Instant::now();
    let mut meter = Meter::new(args.quiet);
    while !builder.is_done() {
        let f = builder.step(1 << 14);
        meter.report(&Progress {
            iterations: f.iterations,
            evaluations: f.evaluations,
            accepted: f.graphs as u64,
            aspl: f.min_aspl,
            diameter: 0,
            best_aspl: f.min_aspl,
            best_diameter: 0,
            done: f.done,
            last_swap: None,
        });
    }
    let progress = builder.progress();
    let index_path = write_members(&args, &cfg, &builder)?;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1e3;
    if !args.quiet {
        eprintln!(
            "done: {} graphs, ASPL {:.4} to {:.4}, in {:.0} ms",
            progress.graphs, progress.min_aspl, progress.max_aspl, elapsed_ms
        );
    }
    let summary = Summary {
        nodes: cfg.nodes,
        degree: cfg.degree,
        seed: cfg.seed,
        trajectories: cfg.trajectories,
        steps: cfg.steps,
        graphs: progress.graphs,
        min_aspl: progress.min_aspl,
        max_aspl: progress.max_aspl,
        iterations: progress.iterations,
        evaluations: progress.evaluations,
        elapsed_ms,
        out: args.out.display().to_string(),
        index: index_path.display().to_string(),
        config: cfg,
    };
    println!("{}", serde_json::to_string(&summary).unwrap_or_default());
    Ok(())
}
