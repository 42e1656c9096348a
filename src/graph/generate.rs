//! Start graphs. `ring` is the reference code's start (maximum ASPL for even k); `random` is a
//! near-uniform random regular graph.

use super::{Graph, check_size};
use crate::Result;

/// Ring lattice: node `i` joined to its `k/2` nearest neighbours on each side
/// (`first_regular_graph`). For odd `k` (then `n` is even) the reference code's
/// `last_regular_graph`: the complement of the ring lattice of degree `n-1-k`.
pub fn ring(n: u32, k: u32) -> Result<Graph> {
    check_size(n, k)?;
    let edges = if k % 2 == 0 {
        ring_edges(n, k / 2)
    } else {
        let m = (n - 1 - k) / 2;
        // Complement of the ring lattice with half-degree m: join pairs at circular distance > m.
        let mut e = Vec::new();
        for u in 0..n {
            for v in u + 1..n {
                let d = (v - u).min(n - (v - u));
                if d > m {
                    e.push((u, v));
                }
            }
        }
        e
    };
    Graph::from_edges(n, &edges)
}

fn ring_edges(n: u32, half: u32) -> Vec<(u32, u32)> {
    let mut e = Vec::with_capacity((n * half) as usize);
    for u in 0..n {
        for d in 1..=half {
            let v = (u + d) % n;
            e.push((u.min(v), u.max(v)));
        }
    }
    e
}
