//! Property tests: swaps keep the graph simple and k-regular, the bit-parallel kernel agrees with
//! a plain BFS (also with early cut-offs and on disconnected graphs), generators are seeded.

use super::reference::bfs_hist;
use proptest::prelude::*;
use rgp::graph::{AsplKernel, Eval, Graph, Rng, generate};

fn sum_of(h: &[u64]) -> u64 {
    h.iter().enumerate().map(|(d, &c)| d as u64 * c).sum()
}

/// Sizes with n·k even, across every kernel row width (n up to 1024).
fn size() -> impl Strategy<Value = (u32, u32)> {
    (4u32..=300, 2u32..=12)
        .prop_map(|(n, k)| (n, k.min(n - 1)))
        .prop_map(|(n, k)| if (n * k) % 2 == 1 { (n + 1, k) } else { (n, k) })
}

/// `count` random double-edge swaps (no connectivity check): may disconnect the graph.
fn scramble(g: &mut Graph, rng: &mut Rng, count: u32) {
    let (n, k) = (g.n(), g.k());
    for _ in 0..count {
        let (s1, s2) = (rng.below(n), rng.below(n));
        let t1 = g.neighbors(s1)[rng.below(k) as usize];
        let t2 = g.neighbors(s2)[rng.below(k) as usize];
        if g.can_swap(s1, t1, s2, t2) {
            g.swap(s1, t1, s2, t2);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn swaps_keep_the_graph_simple_and_regular((n, k) in size(), seed in any::<u64>(), swaps in 0u32..400) {
        let mut g = generate::random(n, k, seed).unwrap();
        let before = g.clone();
        let mut rng = Rng::new(seed);
        let mut log = Vec::new();
        for _ in 0..swaps {
            let (s1, s2) = (rng.below(n), rng.below(n));
            let t1 = g.neighbors(s1)[rng.below(k) as usize];
            let t2 = g.neighbors(s2)[rng.below(k) as usize];
            if g.can_swap(s1, t1, s2, t2) {
                g.swap(s1, t1, s2, t2);
                log.push([s1, t1, s2, t2]);
            }
        }
        g.check().unwrap();
        prop_assert_eq!(g.k(), k);
        prop_assert_eq!(g.edges().len(), (n * k / 2) as usize);
        // Undoing in reverse order restores the graph exactly, slot order included.
        for s in log.iter().rev() {
            g.unswap(s[0], s[1], s[2], s[3]);
        }
        prop_assert_eq!(g.table(), before.table());
    }

    #[test]
    fn kernel_equals_plain_bfs((n, k) in size(), seed in any::<u64>(), swaps in 0u32..50) {
        let mut g = generate::ring(n, k).unwrap();
        scramble(&mut g, &mut Rng::new(seed), swaps);
        let mut kern = AsplKernel::new();
        let want = bfs_hist(&g);
        prop_assert_eq!(kern.histogram(&g), want.clone());
        match (kern.stats(&g), want) {
            (Some(s), Some(h)) => {
                prop_assert_eq!(s.sum, sum_of(&h));
                prop_assert_eq!(s.diameter as usize, h.len() - 1);
            }
            (None, None) => {}
            (got, want) => prop_assert!(false, "kernel {:?} vs bfs {:?}", got, want),
        }
    }

    #[test]
    fn cut_offs_never_lie((n, k) in size(), seed in any::<u64>(), slack in 0u64..2000, dmax in 1u32..8) {
        let g = generate::random(n, k, seed).unwrap();
        let h = bfs_hist(&g).unwrap();
        let (sum, diam) = (sum_of(&h), h.len() as u32 - 1);
        let max_sum = sum.saturating_sub(1000) + slack;
        match AsplKernel::new().eval(&g, max_sum, dmax) {
            Eval::Done(s) => {
                prop_assert_eq!((s.sum, s.diameter), (sum, diam));
                prop_assert!(diam <= dmax);
            }
            Eval::Cut => prop_assert!(sum > max_sum || diam > dmax),
            Eval::Disconnected => prop_assert!(false, "connected graph reported disconnected"),
        }
    }

    #[test]
    fn random_graphs_are_seeded_connected_and_regular((n, k) in size(), seed in any::<u64>()) {
        let a = generate::random(n, k, seed).unwrap();
        let b = generate::random(n, k, seed).unwrap();
        prop_assert_eq!(a.table(), b.table());
        prop_assert_eq!(a.fingerprint(), b.fingerprint());
        a.check().unwrap();
        prop_assert_eq!(a.k(), k);
        prop_assert!(bfs_hist(&a).is_some());
    }
}

#[test]
fn kernel_matches_bfs_on_every_row_width() {
    // Row widths 1..16 words, dense and sparse, including n not a multiple of 64.
    let mut kern = AsplKernel::new();
    for (n, k) in [
        (64u32, 4u32),
        (65, 4),
        (127, 6),
        (128, 8),
        (190, 7 - 1),
        (256, 16),
        (320, 5 * 2),
        (400, 3 * 2),
        (512, 16),
        (600, 10),
        (777, 4),
        (1024, 8),
        (1024, 1000),
        (100, 99),
        (300, 250),
    ] {
        let g = generate::random(n, k, 11).unwrap();
        let h = bfs_hist(&g).unwrap();
        let s = kern.stats(&g).unwrap();
        assert_eq!(
            (s.sum, s.diameter as usize),
            (sum_of(&h), h.len() - 1),
            "({n},{k})"
        );
        assert_eq!(kern.histogram(&g).unwrap(), h);
    }
}

#[test]
fn different_seeds_give_different_graphs() {
    let fps: std::collections::HashSet<String> = (0..20)
        .map(|s| generate::random(64, 4, s).unwrap().fingerprint())
        .collect();
    assert_eq!(fps.len(), 20);
}

#[test]
fn random_graphs_look_uniform() {
    // In a uniform random 4-regular graph on 64 nodes the expected number of triangles is about
    // (k-1)^3 / 6 = 4.5; a biased generator (say, one that favours local edges) is far off.
    let mut total = 0.0;
    let runs = 200;
    for s in 0..runs {
        let g = generate::random(64, 4, s).unwrap();
        let m = rgp::graph::Metrics::compute(&g);
        total += m.transitivity * 64.0 * 6.0 / 3.0; // triangles = T · (n·k(k-1)/2) / 3
    }
    let mean = total / runs as f64;
    assert!((3.5..5.5).contains(&mean), "mean triangles {mean}");
}
