//! What a sweep shows, computed from its rows alone (so a partial or downloaded `results.csv`
//! gives the same summary): accuracy per graph (mean ± sd over seeds), Pearson and Spearman
//! correlation of accuracy with ASPL and with clustering (over runs and over per-graph means),
//! the ASPL–clustering correlation of the family itself, the lowest-ASPL graph against the
//! ring, the baselines, and the degree sweep.

use super::results::{Kind, Row};
use super::stats::{Correlation, Difference, mean, pearson, sd, spearman, welch};
use serde::Serialize;
use std::collections::BTreeMap;

/// Said wherever accuracy is set against clustering.
pub const CONFOUND_NOTE: &str = "ASPL and clustering fall together in these families (edge swaps \
that shorten paths also break triangles), so a correlation of accuracy with either one is also \
a correlation with the other; these sweeps cannot tell which of the two matters.";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Both {
    pub pearson: Correlation,
    pub spearman: Correlation,
}

pub(crate) fn both(x: &[f64], y: &[f64]) -> Both {
    Both {
        pearson: pearson(x, y),
        spearman: spearman(x, y),
    }
}

/// A correlation over every run (n = graphs × seeds) and over the per-graph means (n = graphs).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Against {
    pub runs: Both,
    pub means: Both,
}

/// Accuracy of one group of runs (one graph, one baseline), in [0, 1].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    pub runs: usize,
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    /// Mean ASPL / clustering of the masks (graph masks only).
    pub aspl: Option<f64>,
    pub clustering: Option<f64>,
}

pub(crate) fn group(rows: &[&Row]) -> Group {
    let acc: Vec<f64> = rows.iter().map(|r| r.test_accuracy).collect();
    let avg = |f: fn(&Row) -> Option<f64>| {
        let v: Vec<f64> = rows.iter().filter_map(|r| f(r)).collect();
        (!v.is_empty()).then(|| mean(&v))
    };
    Group {
        runs: acc.len(),
        mean: mean(&acc),
        sd: sd(&acc),
        min: acc.iter().copied().fold(f64::INFINITY, f64::min),
        max: acc.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        aspl: avg(|r| r.aspl),
        clustering: avg(|r| r.clustering),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GraphStat {
    pub index: u32,
    pub fingerprint: String,
    #[serde(flatten)]
    pub accuracy: Group,
}

/// `a − b` in accuracy points (×100) with Welch's 95% interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Gain {
    pub points: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub p: f64,
}

pub(crate) fn gain(a: &[&Row], b: &[&Row]) -> Gain {
    let acc = |rs: &[&Row]| {
        rs.iter()
            .map(|r| 100.0 * r.test_accuracy)
            .collect::<Vec<_>>()
    };
    let Difference {
        diff,
        ci_low,
        ci_high,
        p,
        ..
    } = welch(&acc(a), &acc(b));
    Gain {
        points: diff,
        ci_low,
        ci_high,
        p,
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BestVsRing {
    pub best_index: u32,
    pub ring_index: u32,
    pub best: Group,
    pub ring: Group,
    /// Lowest-ASPL graph minus ring lattice.
    pub gain: Gain,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Baseline {
    pub kind: String,
    #[serde(flatten)]
    pub accuracy: Group,
    /// This baseline minus the lowest-ASPL graph.
    pub minus_best: Option<Gain>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DegreeStat {
    pub degree: u32,
    pub kept_fraction: f64,
    /// The annealed (lowest-ASPL) graph and the ring lattice of this degree.
    pub best: Option<Group>,
    pub worst: Option<Group>,
    pub gain: Option<Gain>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub runs: usize,
    pub nodes: u32,
    pub degree: u32,
    /// The ASPL family, lowest ASPL first.
    pub graphs: Vec<GraphStat>,
    pub accuracy_vs_aspl: Option<Against>,
    pub accuracy_vs_clustering: Option<Against>,
    /// Over the family's graphs: how confounded the two are.
    pub aspl_vs_clustering: Option<Both>,
    pub confound_note: &'static str,
    pub best_vs_ring: Option<BestVsRing>,
    pub baselines: Vec<Baseline>,
    pub degrees: Vec<DegreeStat>,
}

/// Summarises the rows of a sweep over `nodes` nodes whose family has degree `degree`.
pub fn summarize(rows: &[Row], nodes: u32, degree: u32) -> Summary {
    let family: Vec<&Row> = rows
        .iter()
        .filter(|r| r.kind == Kind::Graph && r.degree == degree && r.graph.is_some())
        .collect();
    let mut by_graph: ByGraph = BTreeMap::new();
    for r in &family {
        by_graph.entry(r.graph.unwrap_or(0)).or_default().push(r);
    }
    let graphs: Vec<GraphStat> = by_graph
        .iter()
        .map(|(&index, rs)| GraphStat {
            index,
            fingerprint: rs[0].fingerprint.clone(),
            accuracy: group(rs),
        })
        .collect();
    let aspl_vs_clustering = {
        let (x, y): (Vec<f64>, Vec<f64>) = graphs
            .iter()
            .filter_map(|s| Some((s.accuracy.aspl?, s.accuracy.clustering?)))
            .unzip();
        (x.len() >= 2).then(|| both(&x, &y))
    };
    // The lowest- and highest-ASPL members (index 0 and the last index when complete).
    let ends = (
        graphs.first().map(|g| g.index),
        graphs.last().map(|g| g.index),
    );
    let best_vs_ring = match ends {
        (Some(b), Some(w)) if b != w => Some(BestVsRing {
            best_index: b,
            ring_index: w,
            best: group(&by_graph[&b]),
            ring: group(&by_graph[&w]),
            gain: gain(&by_graph[&b], &by_graph[&w]),
        }),
        _ => None,
    };
    Summary {
        runs: rows.len(),
        nodes,
        degree,
        accuracy_vs_aspl: against(&family, &graphs, |r| r.aspl, |s| s.accuracy.aspl),
        accuracy_vs_clustering: against(
            &family,
            &graphs,
            |r| r.clustering,
            |s| s.accuracy.clustering,
        ),
        aspl_vs_clustering,
        confound_note: CONFOUND_NOTE,
        best_vs_ring,
        baselines: baselines(rows, degree, &by_graph, ends),
        degrees: degree_stats(rows, nodes, degree, &by_graph, ends),
        graphs,
    }
}

/// The family's runs by graph index.
type ByGraph<'a> = BTreeMap<u32, Vec<&'a Row>>;

/// Accuracy against a graph property, over the runs and over the graphs' means.
fn against(
    family: &[&Row],
    graphs: &[GraphStat],
    f: fn(&Row) -> Option<f64>,
    g: fn(&GraphStat) -> Option<f64>,
) -> Option<Against> {
    let runs: Vec<(f64, f64)> = family
        .iter()
        .filter_map(|r| f(r).map(|x| (x, r.test_accuracy)))
        .collect();
    let means: Vec<(f64, f64)> = graphs
        .iter()
        .filter_map(|s| g(s).map(|x| (x, s.accuracy.mean)))
        .collect();
    if means.len() < 2 {
        return None;
    }
    let split = |v: &[(f64, f64)]| v.iter().copied().unzip::<f64, f64, Vec<_>, Vec<_>>();
    let ((rx, ry), (mx, my)) = (split(&runs), split(&means));
    Some(Against {
        runs: both(&rx, &ry),
        means: both(&mx, &my),
    })
}

/// The ring and every baseline of the family's degree, against the lowest-ASPL graph.
fn baselines(
    rows: &[Row],
    degree: u32,
    by_graph: &ByGraph,
    (lowest, highest): (Option<u32>, Option<u32>),
) -> Vec<Baseline> {
    let best_rows: Vec<&Row> = lowest.map_or(Vec::new(), |i| by_graph[&i].clone());
    let ring_rows: Vec<&Row> = highest.map_or(Vec::new(), |i| by_graph[&i].clone());
    let mut out = Vec::new();
    let mut add = |kind: &str, rs: Vec<&Row>| {
        if rs.is_empty() {
            return;
        }
        out.push(Baseline {
            kind: kind.into(),
            accuracy: group(&rs),
            minus_best: (!best_rows.is_empty()).then(|| gain(&rs, &best_rows)),
        });
    };
    add("ring", ring_rows);
    for k in Kind::BASELINES {
        add(
            k.as_str(),
            rows.iter()
                .filter(|r| r.kind == k && r.degree == degree)
                .collect(),
        );
    }
    out
}

/// The degree sweep: the annealed and the ring graph of each degree (the family's own degree
/// from its lowest- and highest-ASPL members).
fn degree_stats(
    rows: &[Row],
    nodes: u32,
    degree: u32,
    by_graph: &ByGraph,
    ends: (Option<u32>, Option<u32>),
) -> Vec<DegreeStat> {
    let mut degrees: BTreeMap<u32, (Vec<&Row>, Vec<&Row>)> = BTreeMap::new();
    for r in rows {
        match r.kind {
            Kind::DegreeBest => degrees.entry(r.degree).or_default().0.push(r),
            Kind::DegreeWorst => degrees.entry(r.degree).or_default().1.push(r),
            _ => {}
        }
    }
    if let (Some(b), Some(w)) = ends
        && b != w
    {
        let e = degrees.entry(degree).or_default();
        e.0.extend(by_graph[&b].iter().copied());
        e.1.extend(by_graph[&w].iter().copied());
    }
    degrees
        .into_iter()
        .map(|(k, (best, worst))| DegreeStat {
            degree: k,
            kept_fraction: k as f64 / nodes as f64,
            best: (!best.is_empty()).then(|| group(&best)),
            worst: (!worst.is_empty()).then(|| group(&worst)),
            gain: (!best.is_empty() && !worst.is_empty()).then(|| gain(&best, &worst)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: Kind, degree: u32, graph: Option<u32>, seed: u64, acc: f64) -> Row {
        Row {
            kind,
            degree,
            graph,
            aspl: graph.map(|g| 3.0 + g as f64),
            clustering: graph.map(|g| 0.1 * g as f64 * g as f64),
            fingerprint: String::new(),
            seed,
            test_accuracy: acc,
            train_loss: 0.1,
            seconds: 1.0,
        }
    }

    #[test]
    fn summary_of_a_small_sweep() {
        let mut rows = Vec::new();
        for g in 0..3u32 {
            for s in 1..=2u64 {
                rows.push(r(
                    Kind::Graph,
                    4,
                    Some(g),
                    s,
                    0.9 - 0.01 * g as f64 + 0.001 * s as f64,
                ));
            }
        }
        rows.push(r(Kind::Dense, 4, None, 1, 0.95));
        rows.push(r(Kind::Dense, 4, None, 2, 0.96));
        rows.push(r(Kind::DegreeBest, 8, Some(0), 1, 0.93));
        let s = summarize(&rows, 16, 4);
        assert_eq!(s.runs, 9);
        assert_eq!(s.graphs.len(), 3);
        assert!((s.graphs[1].accuracy.mean - 0.8915).abs() < 1e-12);
        let a = s.accuracy_vs_aspl.as_ref().unwrap();
        assert_eq!((a.runs.pearson.n, a.means.pearson.n), (6, 3));
        assert!((a.means.pearson.r + 1.0).abs() < 1e-12);
        assert!((s.aspl_vs_clustering.as_ref().unwrap().spearman.r - 1.0).abs() < 1e-12);
        let b = s.best_vs_ring.as_ref().unwrap();
        assert_eq!((b.best_index, b.ring_index), (0, 2));
        assert!((b.gain.points - 2.0).abs() < 1e-9);
        assert_eq!(s.baselines[0].kind, "ring");
        assert_eq!(s.baselines[1].kind, "dense");
        assert!((s.baselines[1].minus_best.as_ref().unwrap().points - 5.35).abs() < 1e-9);
        // Degree 4 from the family, degree 8 from its own rows (no ring run yet).
        assert_eq!(s.degrees.len(), 2);
        assert_eq!(s.degrees[0].degree, 4);
        assert!(s.degrees[1].worst.is_none() && s.degrees[1].gain.is_none());
        assert_eq!(s.degrees[1].kept_fraction, 0.5);
        // Empty input: nothing to say, nothing panics.
        let e = summarize(&[], 16, 4);
        assert!(e.accuracy_vs_aspl.is_none() && e.best_vs_ring.is_none() && e.baselines.is_empty());
    }
}
