//! Property test: whatever the size, seed, start and search, every state a search keeps is
//! simple, k-regular and connected, and its reported ASPL is exact.

use proptest::prelude::*;
use rgp::config::{Direction, GraphConfig, Init, SearchKind};
use rgp::search::Runner;
use std::collections::VecDeque;

fn bfs_sum(g: &rgp::graph::Graph) -> Option<u64> {
    let n = g.n() as usize;
    let mut sum = 0u64;
    for s in 0..n {
        let mut dist = vec![u32::MAX; n];
        dist[s] = 0;
        let mut q = VecDeque::from([s as u32]);
        while let Some(u) = q.pop_front() {
            for &v in g.neighbors(u) {
                if dist[v as usize] == u32::MAX {
                    dist[v as usize] = dist[u as usize] + 1;
                    q.push_back(v);
                }
            }
        }
        if dist.contains(&u32::MAX) {
            return None;
        }
        sum += dist.iter().map(|&d| d as u64).sum::<u64>();
    }
    Some(sum)
}

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
                let sum = bfs_sum(g);
                prop_assert!(sum.is_some(), "disconnected after a kept swap");
                prop_assert_eq!(sum.unwrap() as f64 / pairs, p.aspl);
            }
        }
        let result = r.result();
        prop_assert!(bfs_sum(result).is_some());
        prop_assert_eq!(bfs_sum(result).unwrap() as f64 / pairs, r.progress().best_aspl);
    }
}
