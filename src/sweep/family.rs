//! The graphs a sweep trains: for one (n, k), a family spanning ASPL from the ring lattice
//! (highest) down to the annealed minimum (lowest), with the members in between reached by the
//! `target` search at evenly spaced ASPLs; and, for a degree sweep, the best (annealed) and worst
//! (ring) graph of each degree. Everything is seeded, so a sweep rebuilds the same graphs.

use super::results::Kind;
use crate::config::{GraphConfig, Init, SearchKind};
use crate::graph::{AsplKernel, Graph, Metrics, generate};
use crate::search::Runner;
use crate::{Result, bail};
use serde::{Deserialize, Serialize};

/// Most graphs one ASPL family may hold.
pub const MAX_GRAPHS: u32 = 64;
/// Most seeds and degrees a sweep may ask for.
pub const MAX_SEEDS: u32 = 100;
/// Training seeds per graph and baseline when a sweep does not say.
pub const DEFAULT_SEEDS: u32 = 3;
pub const MAX_DEGREES: usize = 32;

/// The lists a sweep runs over: 1..=[`MAX_SEEDS`] training seeds and at most [`MAX_DEGREES`]
/// degrees (each degree's own rule is the family's). The CLI's sweep and the page's ask this.
pub fn check_sweep_lists(seeds: u32, degrees: &[u32]) -> Result<()> {
    if !(1..=MAX_SEEDS).contains(&seeds) {
        bail!("seeds must be between 1 and {MAX_SEEDS} (got {seeds})");
    }
    if degrees.len() > MAX_DEGREES {
        bail!(
            "at most {MAX_DEGREES} degrees in a degree sweep (got {})",
            degrees.len()
        );
    }
    Ok(())
}

/// How the sweep's graphs are searched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FamilySpec {
    pub nodes: u32,
    pub degree: u32,
    /// Members of the ASPL family (≥ 2: the annealed minimum and the ring).
    pub graphs: u32,
    /// Seed of every search.
    pub seed: u32,
    /// Iteration budget of the anneal (the minimum) and of each target search.
    pub iters: u64,
}

impl Default for FamilySpec {
    fn default() -> Self {
        FamilySpec {
            nodes: 64,
            degree: 4,
            graphs: 6,
            seed: 1,
            iters: 200_000,
        }
    }
}

/// One graph of a sweep and the numbers a results table needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepGraph {
    /// Position in the family sorted by ASPL: 0 = lowest (the annealed minimum).
    pub index: u32,
    pub nodes: u32,
    pub degree: u32,
    pub aspl: f64,
    pub diameter: u32,
    pub clustering: f64,
    pub fingerprint: String,
    /// How it was made: `anneal`, `target 5.2370`, `ring`, `random`.
    pub origin: String,
    /// The ASPL asked for (the target search), or the ASPL itself.
    pub requested_aspl: f64,
    /// Neighbour table (n × k), enough to rebuild the graph.
    pub table: Vec<u32>,
}

impl SweepGraph {
    pub fn new(index: u32, graph: &Graph, origin: String, requested_aspl: f64) -> SweepGraph {
        let m = Metrics::compute(graph);
        SweepGraph {
            index,
            nodes: graph.n(),
            degree: graph.k(),
            aspl: m.aspl,
            diameter: m.diameter,
            clustering: m.clustering,
            fingerprint: m.fingerprint,
            origin,
            requested_aspl,
            table: graph.table().to_vec(),
        }
    }

    /// Rebuilds the graph from its neighbour table.
    pub fn graph(&self) -> Result<Graph> {
        let k = self.degree as usize;
        // The table comes from a file (graphs.json): its shape is checked before it is read.
        if k == 0 || self.table.len() != self.nodes as usize * k {
            bail!(
                "sweep graph {} has degree {} and {} table entries; expected degree ≥ 1 and nodes × degree entries",
                self.index,
                self.degree,
                self.table.len()
            );
        }
        let mut edges = Vec::with_capacity(self.table.len() / 2);
        for (i, row) in self.table.chunks(k).enumerate() {
            edges.extend(
                row.iter()
                    .filter(|&&j| (i as u32) < j)
                    .map(|&j| (i as u32, j)),
            );
        }
        Graph::from_edges(self.nodes, &edges)
    }
}

impl FamilySpec {
    pub fn validate(&self) -> Result<()> {
        self.search_config(SearchKind::None, 0.0).validate()?;
        if !(2..=MAX_GRAPHS).contains(&self.graphs) {
            bail!(
                "a sweep family needs between 2 and {MAX_GRAPHS} graphs (got {})",
                self.graphs
            );
        }
        if self.iters == 0 {
            bail!("the search budget (iters) must be positive");
        }
        Ok(())
    }

    fn search_config(&self, search: SearchKind, target: f64) -> GraphConfig {
        GraphConfig {
            nodes: self.nodes,
            degree: self.degree,
            init: Init::Ring,
            seed: self.seed,
            search,
            iters: self.iters,
            target_aspl: target,
            tolerance: 0.01,
            ..GraphConfig::default()
        }
    }

    /// The annealed minimum-ASPL graph.
    pub fn annealed(&self) -> Result<Graph> {
        finish(Runner::new(&self.search_config(SearchKind::Anneal, 0.0))?)
    }

    /// The graph the `target` search reaches from the ring for the requested ASPL.
    pub fn targeted(&self, aspl: f64) -> Result<Graph> {
        finish(Runner::new(&self.search_config(SearchKind::Target, aspl))?)
    }

    /// The requested ASPLs of the family, lowest first: the annealed minimum, evenly spaced
    /// targets, the ring.
    pub fn targets(&self, lowest: f64, highest: f64) -> Vec<f64> {
        let g = self.graphs as f64 - 1.0;
        (0..self.graphs)
            .map(|i| lowest + (highest - lowest) * i as f64 / g)
            .collect()
    }
}

fn finish(mut r: Runner) -> Result<Graph> {
    while !r.is_done() {
        r.step(1 << 14);
    }
    Ok(r.result().clone())
}

/// Builds the ASPL family, calling `report(done, total)` after each graph. Index 0 is the
/// annealed minimum, the last index the ring lattice; members in between are sorted by the ASPL
/// they reached.
pub fn aspl_family(spec: &FamilySpec, report: &mut dyn FnMut(u32, u32)) -> Result<Vec<SweepGraph>> {
    spec.validate()?;
    let total = spec.graphs;
    let ring = generate::ring(spec.nodes, spec.degree)?;
    let best = spec.annealed()?;
    report(1, total);
    let (lo, hi) = (aspl_of(&best), aspl_of(&ring));
    let targets = spec.targets(lo, hi);
    let mut out = vec![SweepGraph::new(0, &best, "anneal".into(), lo)];
    for (i, &t) in targets.iter().enumerate().take(total as usize - 1).skip(1) {
        let g = spec.targeted(t)?;
        out.push(SweepGraph::new(i as u32, &g, format!("target {t:.4}"), t));
        report(i as u32 + 1, total);
    }
    out.push(SweepGraph::new(total - 1, &ring, "ring".into(), hi));
    report(total, total);
    // A target search can overshoot past a neighbour; keep the list in ASPL order.
    out.sort_by(|a, b| a.aspl.total_cmp(&b.aspl).then(a.index.cmp(&b.index)));
    for (i, g) in out.iter_mut().enumerate() {
        g.index = i as u32;
    }
    Ok(out)
}

/// The graphs of a sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepGraphs {
    /// The ASPL family at the sweep's degree, lowest ASPL first.
    pub family: Vec<SweepGraph>,
    /// Degree sweep: `[annealed, ring]` of every other degree.
    pub degrees: Vec<[SweepGraph; 2]>,
}

/// The family at `spec`'s degree and the degree sweep's `[annealed, ring]` pair of every other
/// degree in `degrees` (ascending, once each); `report(done, total)` after each graph.
pub fn sweep_graphs(
    spec: &FamilySpec,
    degrees: &[u32],
    report: &mut dyn FnMut(u32, u32),
) -> Result<SweepGraphs> {
    let mut others: Vec<u32> = degrees
        .iter()
        .copied()
        .filter(|&k| k != spec.degree)
        .collect();
    others.sort_unstable();
    others.dedup();
    let total = spec.graphs + 2 * others.len() as u32;
    let family = aspl_family(spec, &mut |d, _| report(d, total))?;
    let mut pairs = Vec::new();
    for (i, &k) in others.iter().enumerate() {
        pairs.push(degree_pair(&FamilySpec {
            degree: k,
            ..spec.clone()
        })?);
        report(spec.graphs + 2 * (i as u32 + 1), total);
    }
    Ok(SweepGraphs {
        family,
        degrees: pairs,
    })
}

/// Best (annealed, index 0) and worst (ring, index 1) graph of one degree.
pub fn degree_pair(spec: &FamilySpec) -> Result<[SweepGraph; 2]> {
    spec.search_config(SearchKind::None, 0.0).validate()?;
    let ring = generate::ring(spec.nodes, spec.degree)?;
    let best = spec.annealed()?;
    Ok([
        SweepGraph::new(0, &best, "anneal".into(), aspl_of(&best)),
        SweepGraph::new(1, &ring, "ring".into(), aspl_of(&ring)),
    ])
}

/// A random regular graph (pairing model, no search) for one seed: the "random regular" baseline.
pub fn random_regular(nodes: u32, degree: u32, seed: u64) -> Result<SweepGraph> {
    let g = generate::random(nodes, degree, seed)?;
    let a = aspl_of(&g);
    Ok(SweepGraph::new(0, &g, "random".into(), a))
}

fn aspl_of(g: &Graph) -> f64 {
    AsplKernel::new()
        .stats(g)
        .map_or(f64::INFINITY, |s| s.aspl(g.n()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graph_file_with_degree_zero_or_a_short_table_is_refused() {
        let good = random_regular(8, 3, 1).unwrap();
        assert!(good.graph().is_ok());
        for (degree, table) in [
            (0, good.table.clone()),
            (0, vec![]),
            (3, good.table[..5].to_vec()),
        ] {
            let bad = SweepGraph {
                degree,
                table,
                ..good.clone()
            };
            let e = bad.graph().unwrap_err().to_string();
            assert!(e.contains("expected degree ≥ 1"), "{e}");
        }
    }

    #[test]
    fn runs_come_seed_by_seed_family_then_degrees_then_baselines() {
        let spec = FamilySpec {
            nodes: 16,
            degree: 4,
            graphs: 2,
            seed: 1,
            iters: 2_000,
        };
        let graphs = sweep_graphs(&spec, &[6], &mut |_, _| {}).unwrap();
        let runs = run_order(2, 4, &graphs, &[Kind::RandomRegular, Kind::Dense]);
        let one = |kind, degree, graph, seed| PlannedRun {
            kind,
            degree,
            graph,
            seed,
        };
        let seed = |s| {
            vec![
                one(Kind::Graph, 4, Some(GraphAt::Family(0)), s),
                one(Kind::Graph, 4, Some(GraphAt::Family(1)), s),
                one(Kind::DegreeBest, 6, Some(GraphAt::Degree(0, 0)), s),
                one(Kind::DegreeWorst, 6, Some(GraphAt::Degree(0, 1)), s),
                one(Kind::Dense, 4, None, s),
                one(Kind::RandomRegular, 4, Some(GraphAt::Random(s)), s),
            ]
        };
        assert_eq!(runs, [seed(1), seed(2)].concat());
        let json = serde_json::to_string(&runs[2]).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"degree-best","degree":6,"graph":{"degree":[0,0]},"seed":1}"#
        );
    }

    #[test]
    fn family_spans_ring_to_annealed_evenly() {
        let spec = FamilySpec {
            nodes: 32,
            degree: 4,
            graphs: 5,
            seed: 3,
            iters: 20_000,
        };
        let mut calls = 0;
        let f = aspl_family(&spec, &mut |_, _| calls += 1).unwrap();
        assert_eq!(calls, 5);
        assert_eq!(f.len(), 5);
        assert_eq!(f[4].origin, "ring");
        assert_eq!(f[0].origin, "anneal");
        // Ring of 32 nodes, degree 4: ASPL 4.387 (exactly 4.3870967...).
        assert!((f[4].aspl - 136.0 / 31.0).abs() < 1e-9, "{}", f[4].aspl);
        for w in f.windows(2) {
            assert!(w[0].aspl <= w[1].aspl);
        }
        let step = (f[4].aspl - f[0].aspl) / 4.0;
        for g in &f[1..4] {
            assert!(
                (g.aspl - g.requested_aspl).abs() < step / 4.0,
                "{} asked {}",
                g.aspl,
                g.requested_aspl
            );
            assert_eq!(g.graph().unwrap().fingerprint(), g.fingerprint);
        }
        // Seeded: the same spec gives the same graphs.
        let again = aspl_family(&spec, &mut |_, _| {}).unwrap();
        assert_eq!(again, f);
        assert!(
            aspl_family(
                &FamilySpec {
                    graphs: 1,
                    ..spec.clone()
                },
                &mut |_, _| {}
            )
            .is_err()
        );
    }
}

/// Where a run's graph is: a member of the family, one of a degree-sweep pair
/// (`[pair, 0 = annealed | 1 = ring]`), or the random regular graph of a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GraphAt {
    Family(usize),
    Degree(usize, usize),
    Random(u64),
}

/// One run of a sweep, its graph by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PlannedRun {
    pub kind: Kind,
    pub degree: u32,
    pub graph: Option<GraphAt>,
    pub seed: u64,
}

/// Every run of a sweep, seed by seed (so an interrupted sweep holds whole seeds): the family,
/// the degree sweep, then the baselines in `Kind::BASELINES` order (dense before magnitude
/// pruning, which starts from it). The order `rgp sweep` and the page both run.
pub fn run_order(
    seeds: u32,
    degree: u32,
    graphs: &SweepGraphs,
    baselines: &[Kind],
) -> Vec<PlannedRun> {
    let mut runs = Vec::new();
    for seed in 1..=seeds as u64 {
        let run = |kind, degree, graph| PlannedRun {
            kind,
            degree,
            graph,
            seed,
        };
        for i in 0..graphs.family.len() {
            runs.push(run(Kind::Graph, degree, Some(GraphAt::Family(i))));
        }
        for (i, pair) in graphs.degrees.iter().enumerate() {
            runs.push(run(
                Kind::DegreeBest,
                pair[0].degree,
                Some(GraphAt::Degree(i, 0)),
            ));
            runs.push(run(
                Kind::DegreeWorst,
                pair[1].degree,
                Some(GraphAt::Degree(i, 1)),
            ));
        }
        for b in Kind::BASELINES
            .into_iter()
            .filter(|b| baselines.contains(b))
        {
            let graph = (b == Kind::RandomRegular).then_some(GraphAt::Random(seed));
            runs.push(run(b, degree, graph));
        }
    }
    runs
}
