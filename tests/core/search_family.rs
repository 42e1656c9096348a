//! The family builder: K graphs per trajectory from the ring, sorted by ASPL, resumable.

use rgp::config::{Direction, GraphConfig, SearchKind};
use rgp::graph::generate;
use rgp::search::family::{FamilyBuilder, build, reference_steps};

fn cfg(k: u32, trajectories: u32, steps: u32) -> GraphConfig {
    GraphConfig {
        nodes: 64,
        degree: k,
        search: SearchKind::Paper,
        trajectories,
        steps,
        seed: 3,
        ..GraphConfig::default()
    }
}

#[test]
fn family_is_sorted_and_holds_the_ring_once_per_trajectory() {
    let c = cfg(4, 3, 8);
    let fam = build(&c).unwrap();
    assert_eq!(fam.len(), 24);
    assert!(fam.windows(2).all(|w| w[0].stats.sum <= w[1].stats.sum));
    let ring = generate::ring(64, 4).unwrap();
    let rings: Vec<_> = fam.iter().filter(|m| m.step == 0).collect();
    assert_eq!(rings.len(), 3);
    assert!(rings.iter().all(|m| m.graph == ring));
    // The rings (maximum ASPL) sort last.
    assert!(fam[21..].iter().all(|m| m.step == 0));
    // Along a trajectory the ASPL falls by steps of at most interval_up.
    for t in 0..3 {
        let mut path: Vec<_> = fam.iter().filter(|m| m.trajectory == t).collect();
        path.sort_by_key(|m| m.step);
        assert_eq!(path.len(), 8);
        for w in path.windows(2) {
            let drop = w[0].aspl() - w[1].aspl();
            assert!((0.0..=c.interval_up).contains(&drop), "{drop}");
        }
    }
}

#[test]
fn family_is_resumable_in_any_chunks() {
    let c = cfg(6, 2, 5);
    let whole = build(&c).unwrap();
    let mut b = FamilyBuilder::new(&c).unwrap();
    let mut budget = 1;
    while !b.is_done() {
        b.step(budget);
        budget = budget * 3 % 997 + 1;
    }
    let p = b.progress();
    assert_eq!(p.graphs, 10);
    let chunked = b.into_members();
    for (a, b) in whole.iter().zip(&chunked) {
        assert_eq!(
            (a.trajectory, a.step, a.stats),
            (b.trajectory, b.step, b.stats)
        );
        assert_eq!(a.graph, b.graph);
    }
}

#[test]
fn odd_degree_family_searches_upwards() {
    let mut c = cfg(5, 2, 4);
    c.direction = Direction::Max;
    let fam = build(&c).unwrap();
    let start = fam.iter().find(|m| m.step == 0).unwrap().aspl();
    assert!(fam.iter().all(|m| m.aspl() >= start));
}

#[test]
fn reference_graph_counts() {
    let counts: Vec<u32> = [4, 6, 8, 10, 12, 14, 16, 20]
        .iter()
        .map(|&k| 6 * reference_steps(k))
        .collect();
    assert_eq!(counts, [270, 240, 210, 180, 150, 120, 120, 120]);
}
