//! Property test: whatever the size, seed, start and search, every state a search keeps is
//! simple, k-regular and connected, and its reported ASPL is exact.

use super::reference::bfs_sum;
use proptest::prelude::*;
use rgp::config::{Direction, GraphConfig, Init, SearchKind};
use rgp::search::Runner;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn every_kept_state_is_regular_and_connected(
        n in 6u32..80,
        k in 2u32..6,
        seed in any::<u32>(),
        random_start in any::<bool>(),
        kind in 0usize..5,
    ) {
        let k = k.min(n - 1);
        let n = if (n * k) % 2 == 1 { n + 1 } else { n };
        let (search, direction) = [
            (SearchKind::Paper, Direction::Min),
            (SearchKind::Paper, Direction::Max),
            (SearchKind::Paper, Direction::Random),
            (SearchKind::Anneal, Direction::Min),
            (SearchKind::Target, Direction::Min),
        ][kind];
        let cfg = GraphConfig {
            nodes: n,
            degree: k,
            seed,
            init: if random_start { Init::Random } else { Init::Ring },
            search,
            direction,
            steps: 3,
            iters: 400,
            extreme: seed % 2 == 0,
            target_aspl: rgp::graph::metrics::moore_bound(n, k).0 + 0.3,
            ..GraphConfig::default()
        };
        let mut r = Runner::new(&cfg).unwrap();
        let pairs = n as f64 * (n as f64 - 1.0);
        let mut seen = 0;
        while !r.is_done() && seen < 300 {
            let before = r.progress().accepted;
            let p = r.step(1);
            if p.accepted > before {
                seen += 1;
                let g = r.current();
                g.check().unwrap();
                prop_assert_eq!(g.k(), k);
                let sum = bfs_sum(g).map(|(s, _)| s);
                prop_assert!(sum.is_some(), "disconnected after a kept swap");
                prop_assert_eq!(sum.unwrap() as f64 / pairs, p.aspl);
            }
        }
        let result = r.result();
        prop_assert!(bfs_sum(result).is_some());
        prop_assert_eq!(bfs_sum(result).unwrap().0 as f64 / pairs, r.progress().best_aspl);
    }
}
