//! Edge-swap searches over k-regular graphs, resumable in chunks.
//!
//! A [`Runner`] holds the whole state of one search. [`Runner::step`] runs up to `budget` more
//! iterations (one iteration = one proposed swap, or one attempt of the reference rule), so the
//! browser worker can report every ~50 ms and stop at any point. The result never depends on how
//! the budget is chunked, and [`GraphConfig::stop_after`] reproduces a search stopped by hand.
//!
//! - `paper`: the reference `PathOptimizer` rule ([`paper`]);
//! - `anneal`: simulated annealing on (diameter, distance sum) ([`anneal`]);
//! - `target`: walk to a requested ASPL from either side ([`target`]);
//! - [`family`]: T trajectories × K chained reference steps, as the published graphs were made.

pub mod anneal;
pub mod family;
pub mod paper;
pub mod target;

use crate::config::{GraphConfig, Init, SearchKind};
use crate::graph::{AsplKernel, Graph, PathStats, Rng, generate};
use crate::{Result, bail};
use serde::{Deserialize, Serialize};

/// A snapshot of a search, cheap to take after every chunk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Iterations run (proposed swaps / reference attempts).
    pub iterations: u64,
    /// ASPL evaluations run (invalid proposals cost none).
    pub evaluations: u64,
    /// Swaps kept.
    pub accepted: u64,
    /// The graph the search is on now.
    pub aspl: f64,
    pub diameter: u32,
    /// The graph the search returns: the best so far for `anneal`, the current graph for `paper`
    /// (as the reference returns it), the closest so far for `target`.
    pub best_aspl: f64,
    pub best_diameter: u32,
    pub done: bool,
    /// `[s1, t1, s2, t2]` of the last kept swap: edges (s1,t1), (s2,t2) became (s1,t2), (s2,t1).
    pub last_swap: Option<[u32; 4]>,
}

/// A graph under search, its exact path statistics, and the search's random stream.
#[derive(Clone, Debug)]
pub struct Walk {
    pub graph: Graph,
    pub stats: PathStats,
    pub kernel: AsplKernel,
    pub rng: Rng,
}

impl Walk {
    /// Starts a walk; the graph must be connected.
    pub fn new(graph: Graph, rng: Rng) -> Result<Walk> {
        let mut kernel = AsplKernel::new();
        let Some(stats) = kernel.stats(&graph) else {
            bail!("the start graph is disconnected");
        };
        Ok(Walk {
            graph,
            stats,
            kernel,
            rng,
        })
    }

    pub fn aspl(&self) -> f64 {
        self.stats.aspl(self.graph.n())
    }

    /// Draws a random double-edge swap the way Graph Golf's 2-opt does: two random edges
    /// (u0,v0), (u1,v1) by node and slot, rejoined at random as u0–v1/u1–v0 or u0–u1/v0–v1.
    /// Returns `[s1, t1, s2, t2]` for [`Graph::swap`], or `None` if it would not keep the graph
    /// simple. Always makes the same five draws.
    pub fn propose(&mut self) -> Option<[u32; 4]> {
        let (n, k) = (self.graph.n(), self.graph.k());
        let u0 = self.rng.below(n);
        let v0 = self.graph.neighbors(u0)[self.rng.below(k) as usize];
        let u1 = self.rng.below(n);
        let v1 = self.graph.neighbors(u1)[self.rng.below(k) as usize];
        let s = if self.rng.below(2) == 0 {
            [u0, v0, u1, v1]
        } else {
            [u0, v0, v1, u1]
        };
        self.graph.can_swap(s[0], s[1], s[2], s[3]).then_some(s)
    }

    pub fn apply(&mut self, s: [u32; 4]) {
        self.graph.swap(s[0], s[1], s[2], s[3]);
    }

    pub fn undo(&mut self, s: [u32; 4]) {
        self.graph.unswap(s[0], s[1], s[2], s[3]);
    }
}

/// What one iteration did.
#[derive(Clone, Copy, Debug, Default)]
pub struct Step {
    /// The swap kept, if any.
    pub kept: Option<[u32; 4]>,
    /// The search has nothing more to do.
    pub finished: bool,
}

#[derive(Clone, Debug)]
enum Engine {
    Keep,
    Paper(paper::Paper),
    Anneal(anneal::Anneal),
    Target(target::Target),
}

/// One resumable search.
#[derive(Clone, Debug)]
pub struct Runner {
    cfg: GraphConfig,
    engine: Engine,
    walk: Walk,
    iterations: u64,
    accepted: u64,
    last_swap: Option<[u32; 4]>,
    done: bool,
}

/// The start graph of a configuration: the ring lattice or a seeded random graph.
pub fn start_graph(cfg: &GraphConfig) -> Result<Graph> {
    match cfg.init {
        Init::Ring => generate::ring(cfg.nodes, cfg.degree),
        Init::Random => generate::random(cfg.nodes, cfg.degree, cfg.seed as u64),
    }
}

impl Runner {
    /// Validates `cfg` and builds its start graph.
    pub fn new(cfg: &GraphConfig) -> Result<Runner> {
        cfg.validate()?;
        Self::with_start(cfg, start_graph(cfg)?)
    }

    /// Searches from a given graph (an imported one) instead of `cfg.init`.
    pub fn with_start(cfg: &GraphConfig, start: Graph) -> Result<Runner> {
        cfg.validate()?;
        if (start.n(), start.k()) != (cfg.nodes, cfg.degree) {
            bail!(
                "the start graph has {} nodes of degree {}, the configuration asks for {} and {}",
                start.n(),
                start.k(),
                cfg.nodes,
                cfg.degree
            );
        }
        let walk = Walk::new(start, Rng::derive(cfg.seed as u64, "search"))?;
        let engine = match cfg.search {
            SearchKind::None => Engine::Keep,
            SearchKind::Paper => Engine::Paper(paper::Paper::new(cfg, &walk)),
            SearchKind::Anneal => Engine::Anneal(anneal::Anneal::new(cfg, &walk)?),
            SearchKind::Target => Engine::Target(target::Target::new(cfg, &walk)?),
        };
        let mut r = Runner {
            cfg: cfg.clone(),
            engine,
            walk,
            iterations: 0,
            accepted: 0,
            last_swap: None,
            done: false,
        };
        r.done = r.engine_finished() || r.cfg.stop_after == Some(0);
        Ok(r)
    }

    fn engine_finished(&self) -> bool {
        match &self.engine {
            Engine::Keep => true,
            Engine::Paper(p) => p.finished(),
            Engine::Anneal(a) => a.finished(),
            Engine::Target(t) => t.finished(),
        }
    }

    /// Runs up to `budget` more iterations and reports where the search stands.
    pub fn step(&mut self, budget: u64) -> Progress {
        for _ in 0..budget {
            if self.done {
                break;
            }
            let s = match &mut self.engine {
                Engine::Keep => Step {
                    kept: None,
                    finished: true,
                },
                Engine::Paper(p) => p.iterate(&mut self.walk),
                Engine::Anneal(a) => a.iterate(&mut self.walk),
                Engine::Target(t) => t.iterate(&mut self.walk),
            };
            self.iterations += 1;
            if let Some(sw) = s.kept {
                self.accepted += 1;
                self.last_swap = Some(sw);
            }
            self.done = s.finished || self.cfg.stop_after.is_some_and(|m| self.iterations >= m);
        }
        self.progress()
    }

    pub fn progress(&self) -> Progress {
        let n = self.walk.graph.n();
        let best = self.result_stats();
        Progress {
            iterations: self.iterations,
            evaluations: self.walk.kernel.evaluations(),
            accepted: self.accepted,
            aspl: self.walk.aspl(),
            diameter: self.walk.stats.diameter,
            best_aspl: best.aspl(n),
            best_diameter: best.diameter,
            done: self.done,
            last_swap: self.last_swap,
        }
    }

    /// The graph the search returns (what users export).
    pub fn result(&self) -> &Graph {
        match &self.engine {
            Engine::Anneal(a) => a.best(),
            Engine::Target(t) => t.best(),
            Engine::Keep | Engine::Paper(_) => &self.walk.graph,
        }
    }

    fn result_stats(&self) -> PathStats {
        match &self.engine {
            Engine::Anneal(a) => a.best_stats(),
            Engine::Target(t) => t.best_stats(),
            Engine::Keep | Engine::Paper(_) => self.walk.stats,
        }
    }

    /// The graph the search is on now (for live views).
    pub fn current(&self) -> &Graph {
        &self.walk.graph
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    pub fn config(&self) -> &GraphConfig {
        &self.cfg
    }
}

/// A finished (or time-limited) search.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub graph: Graph,
    pub progress: Progress,
    /// The configuration that reproduces `graph` exactly: for a time-limited anneal it carries
    /// the iteration budget the time allowed, and `stop_after` is set when the clock stopped it.
    pub config: GraphConfig,
    pub elapsed_ms: f64,
}

/// Iterations between clock reads and progress reports.
const CHUNK: u64 = 512;

/// Runs `cfg` (from `start`, or from `cfg.init`) to completion, or until `time_limit_ms` has
/// passed on `clock` (milliseconds, any origin). With a time limit, `anneal` first measures its
/// speed on a shortened schedule and sizes its iteration budget to the time left, so the cooling
/// schedule fits the time; other searches simply stop when time is up. `report` sees every chunk.
pub fn run_with_clock(
    cfg: &GraphConfig,
    start: Option<Graph>,
    time_limit_ms: Option<u64>,
    clock: &mut dyn FnMut() -> f64,
    report: &mut dyn FnMut(&Progress),
) -> Result<Outcome> {
    let t0 = clock();
    let mut cfg = cfg.clone();
    cfg.validate()?;
    let start = match start {
        Some(g) => g,
        None => start_graph(&cfg)?,
    };
    if let (Some(limit), SearchKind::Anneal) = (time_limit_ms, cfg.search) {
        cfg.iters = anneal::iterations_for_time(&cfg, &start, limit as f64, t0, clock)?;
    }
    let mut runner = Runner::with_start(&cfg, start)?;
    while !runner.is_done() {
        let p = runner.step(CHUNK);
        report(&p);
        if let Some(limit) = time_limit_ms
            && !p.done
            && clock() - t0 >= limit as f64
        {
            cfg.stop_after = Some(p.iterations);
            break;
        }
    }
    let mut progress = runner.progress();
    progress.done = true;
    Ok(Outcome {
        graph: runner.result().clone(),
        progress,
        config: cfg,
        elapsed_ms: clock() - t0,
    })
}

/// Runs `cfg` to completion (or for `time_limit_ms`) and returns the result graph.
/// Time limits need a clock: on `wasm32` use [`Runner::step`] or [`run_with_clock`].
pub fn run(cfg: &GraphConfig, time_limit_ms: Option<u64>) -> Result<(Graph, Progress)> {
    let o = match time_limit_ms {
        None => run_with_clock(cfg, None, None, &mut || 0.0, &mut |_| {})?,
        Some(_) => run_with_clock(cfg, None, time_limit_ms, &mut wall_clock()?, &mut |_| {})?,
    };
    Ok((o.graph, o.progress))
}

#[cfg(not(target_family = "wasm"))]
fn wall_clock() -> Result<impl FnMut() -> f64> {
    let t = std::time::Instant::now();
    Ok(move || t.elapsed().as_secs_f64() * 1e3)
}

#[cfg(target_family = "wasm")]
fn wall_clock() -> Result<fn() -> f64> {
    bail!("time limits need a clock on this platform: use run_with_clock")
}
