//! Depth sweeps: the same sweep at several depths (`L` masked hidden-to-hidden layers), and
//! what they show together: at each depth the lowest-ASPL graph against the ring lattice
//! (difference with its 95% interval), and across every graph-masked run of every depth the
//! correlation of accuracy with ASPL, with reachability at the network's depth, and with
//! clustering. Computed from the rows and the graphs alone.

use super::results::{Kind, Row};
use super::stats::mean;
use super::summary::{Both, CONFOUND_NOTE, Gain, Group, both, gain, group};
use serde::Serialize;
use std::collections::HashMap;

/// Most depths in one depth sweep.
pub const MAX_DEPTHS: usize = 16;

/// The runs of one depth.
pub struct DepthRuns {
    pub depth: u32,
    pub rows: Vec<Row>,
    /// Reachability (`walk_reach` or, with residual connections, `path_reach`) at this depth,
    /// by graph fingerprint.
    pub reach: HashMap<String, f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepthStat {
    pub depth: u32,
    /// Lowest-ASPL graph, ring lattice (highest ASPL), random regular, dense.
    pub lowest: Option<Group>,
    pub ring: Option<Group>,
    pub random_regular: Option<Group>,
    pub dense: Option<Group>,
    pub lowest_reach: Option<f64>,
    pub ring_reach: Option<f64>,
    /// Lowest-ASPL minus ring, in accuracy points, Welch 95% interval.
    pub lowest_minus_ring: Option<Gain>,
    pub lowest_minus_random_regular: Option<Gain>,
}

/// Accuracy against one graph measure over the graph-masked runs of every depth: pooled, and
/// within depth (each run's accuracy minus its depth's mean, which removes what depth itself
/// does to accuracy).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Predictor {
    pub pooled: Both,
    pub within_depth: Both,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepthSummary {
    pub depths: Vec<DepthStat>,
    /// Graph-masked runs used by the correlations.
    pub runs: usize,
    pub accuracy_vs_aspl: Option<Predictor>,
    /// Reachability at the run's own depth.
    pub accuracy_vs_reach: Option<Predictor>,
    pub accuracy_vs_clustering: Option<Predictor>,
    /// Over the graph-masked runs: how tied the measures are to each other.
    pub aspl_vs_clustering: Option<Both>,
    pub aspl_vs_reach: Option<Both>,
    pub confound_note: &'static str,
}

pub fn summarize_depths(runs: &[DepthRuns]) -> DepthSummary {
    let depths = runs.iter().map(depth_stat).collect();
    // (aspl, reach, clustering, accuracy, accuracy − depth mean)
    let mut points: Vec<[f64; 5]> = Vec::new();
    for d in runs {
        let graphed: Vec<(&Row, f64)> = d
            .rows
            .iter()
            .filter(|r| r.kind.has_graph() && r.aspl.is_some() && r.clustering.is_some())
            .filter_map(|r| d.reach.get(&r.fingerprint).map(|&x| (r, x)))
            .collect();
        let m = mean(
            &graphed
                .iter()
                .map(|(r, _)| r.test_accuracy)
                .collect::<Vec<_>>(),
        );
        for (r, reach) in graphed {
            let (a, c) = (r.aspl.unwrap_or(0.0), r.clustering.unwrap_or(0.0));
            points.push([a, reach, c, r.test_accuracy, r.test_accuracy - m]);
        }
    }
    let col = |i: usize| points.iter().map(|p| p[i]).collect::<Vec<f64>>();
    let enough = points.len() >= 3;
    let predictor = |i: usize| {
        enough.then(|| Predictor {
            pooled: both(&col(i), &col(3)),
            within_depth: both(&col(i), &col(4)),
        })
    };
    DepthSummary {
        depths,
        runs: points.len(),
        accuracy_vs_aspl: predictor(0),
        accuracy_vs_reach: predictor(1),
        accuracy_vs_clustering: predictor(2),
        aspl_vs_clustering: enough.then(|| both(&col(0), &col(2))),
        aspl_vs_reach: enough.then(|| both(&col(0), &col(1))),
        confound_note: CONFOUND_NOTE,
    }
}

fn depth_stat(d: &DepthRuns) -> DepthStat {
    let family: Vec<&Row> = d.rows.iter().filter(|r| r.kind == Kind::Graph).collect();
    let lo = family.iter().filter_map(|r| r.graph).min();
    let hi = family
        .iter()
        .filter_map(|r| r.graph)
        .max()
        .filter(|&h| Some(h) != lo);
    let of_graph = |g: Option<u32>| {
        family
            .iter()
            .copied()
            .filter(|r| g.is_some() && r.graph == g)
            .collect::<Vec<&Row>>()
    };
    let of_kind = |k: Kind| d.rows.iter().filter(|r| r.kind == k).collect::<Vec<&Row>>();
    let (lowest, ring) = (of_graph(lo), of_graph(hi));
    let rr = of_kind(Kind::RandomRegular);
    let dense = of_kind(Kind::Dense);
    let grp = |rs: &[&Row]| (!rs.is_empty()).then(|| group(rs));
    let diff = |a: &[&Row], b: &[&Row]| (a.len() >= 2 && b.len() >= 2).then(|| gain(a, b));
    let reach_of = |rs: &[&Row]| {
        rs.first()
            .and_then(|r| d.reach.get(&r.fingerprint).copied())
    };
    DepthStat {
        depth: d.depth,
        lowest: grp(&lowest),
        ring: grp(&ring),
        random_regular: grp(&rr),
        dense: grp(&dense),
        lowest_reach: reach_of(&lowest),
        ring_reach: reach_of(&ring),
        lowest_minus_ring: diff(&lowest, &ring),
        lowest_minus_random_regular: diff(&lowest, &rr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: Kind, graph: Option<u32>, fp: &str, aspl: f64, seed: u64, acc: f64) -> Row {
        Row {
            kind,
            degree: 4,
            graph,
            aspl: graph.map(|_| aspl),
            clustering: graph.map(|_| aspl / 10.0),
            fingerprint: fp.into(),
            seed,
            test_accuracy: acc,
            train_loss: 0.1,
            seconds: 1.0,
        }
    }

    #[test]
    fn lowest_minus_ring_and_correlations_per_depth() {
        let runs: Vec<DepthRuns> = [2u32, 8]
            .iter()
            .map(|&l| {
                let mut rows = Vec::new();
                for seed in 1..=3 {
                    let s = seed as f64 / 1000.0;
                    // Deeper: the lowest-ASPL graph gains more over the ring.
                    let gap = if l == 2 { 0.01 } else { 0.05 };
                    rows.push(row(Kind::Graph, Some(0), "a", 3.0, seed, 0.9 + gap + s));
                    rows.push(row(Kind::Graph, Some(1), "b", 8.0, seed, 0.9 + s));
                    rows.push(row(Kind::Dense, None, "", 0.0, seed, 0.97));
                }
                let reach = HashMap::from([
                    ("a".to_string(), if l == 2 { 0.3 } else { 1.0 }),
                    ("b".to_string(), if l == 2 { 0.14 } else { 0.5 }),
                ]);
                DepthRuns {
                    depth: l,
                    rows,
                    reach,
                }
            })
            .collect();
        let s = summarize_depths(&runs);
        assert_eq!(s.runs, 12);
        let d: Vec<f64> = s
            .depths
            .iter()
            .map(|d| d.lowest_minus_ring.as_ref().unwrap().points)
            .collect();
        assert!(
            (d[0] - 1.0).abs() < 1e-9 && (d[1] - 5.0).abs() < 1e-9,
            "{d:?}"
        );
        assert_eq!(s.depths[1].lowest_reach, Some(1.0));
        assert!(s.depths[0].dense.is_some() && s.depths[0].random_regular.is_none());
        let aspl = s.accuracy_vs_aspl.unwrap();
        assert!(aspl.within_depth.pearson.r < -0.8, "{aspl:?}");
        assert!(s.accuracy_vs_reach.unwrap().within_depth.pearson.r > 0.5);
    }
}
