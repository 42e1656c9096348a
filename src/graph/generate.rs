//! Start graphs. `ring` is the reference code's start (maximum ASPL for even k); `random` is a
//! near-uniform random regular graph.

use super::{AsplKernel, Graph, Rng, check_size};
use crate::Result;

/// Ring lattice: node `i` joined to its `k/2` nearest neighbours on each side
/// (`first_regular_graph`). For odd `k` (then `n` is even) the reference code's
/// `last_regular_graph`: the complement of the ring lattice of degree `n-1-k`.
pub fn ring(n: u32, k: u32) -> Result<Graph> {
    check_size(n, k)?;
    let edges = if k.is_multiple_of(2) {
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

/// Restarts of the pairing model before falling back to randomising the ring by swaps.
const PAIRING_RESTARTS: u32 = 200;

/// A random connected k-regular graph; the same `seed` gives the same graph on every platform.
///
/// Steger–Wormald pairing: draw two free stubs uniformly and join them when the edge is new and
/// not a loop; restart when no such pair is left, and restart when the result is disconnected.
/// This is asymptotically uniform for k = o(n^{1/3}) and close to uniform beyond. Dense degrees
/// (k > (n-1)/2) are drawn as the complement of a sparse random graph. If pairing keeps failing
/// (rare, dense cases), the ring lattice is randomised by connected double-edge swaps instead.
pub fn random(n: u32, k: u32, seed: u64) -> Result<Graph> {
    random_with(n, k, &mut Rng::derive(seed, "random-graph"))
}

/// [`random`] drawing from a caller's stream.
pub fn random_with(n: u32, k: u32, rng: &mut Rng) -> Result<Graph> {
    check_size(n, k)?;
    let complement = 2 * k > n - 1;
    let d = if complement { n - 1 - k } else { k };
    for _ in 0..PAIRING_RESTARTS {
        let Some(mut edges) = pairing(n, d, rng) else {
            continue;
        };
        if complement {
            edges = complement_of(n, &edges);
        }
        if is_connected(n, &edges) {
            return Graph::from_edges(n, &edges);
        }
    }
    randomised_ring(n, k, rng)
}

/// A random `d`-regular simple graph as an edge list, or `None` when the pairing got stuck.
fn pairing(n: u32, d: u32, rng: &mut Rng) -> Option<Vec<(u32, u32)>> {
    let words = n.div_ceil(64) as usize;
    let mut adj = vec![0u64; n as usize * words];
    let has = |adj: &[u64], u: u32, v: u32| {
        adj[u as usize * words + v as usize / 64] >> (v % 64) & 1 == 1
    };
    let mut stubs: Vec<u32> = (0..n)
        .flat_map(|u| std::iter::repeat_n(u, d as usize))
        .collect();
    let mut edges = Vec::with_capacity(stubs.len() / 2);
    let mut misses = 0u32;
    while !stubs.is_empty() {
        let len = stubs.len() as u32;
        let i = rng.below(len) as usize;
        let j = rng.below(len) as usize;
        let (u, v) = (stubs[i], stubs[j]);
        if i == j || u == v || has(&adj, u, v) {
            misses += 1;
            // Many misses in a row: check that some suitable pair is left at all.
            if misses >= 64 {
                if !any_suitable(&stubs, |u, v| u != v && !has(&adj, u, v)) {
                    return None;
                }
                misses = 0;
            }
            continue;
        }
        misses = 0;
        adj[u as usize * words + v as usize / 64] |= 1 << (v % 64);
        adj[v as usize * words + u as usize / 64] |= 1 << (u % 64);
        edges.push((u.min(v), u.max(v)));
        // Remove the higher index first so the lower one stays valid.
        let (a, b) = (i.max(j), i.min(j));
        stubs.swap_remove(a);
        stubs.swap_remove(b);
    }
    Some(edges)
}

fn any_suitable(stubs: &[u32], ok: impl Fn(u32, u32) -> bool) -> bool {
    let mut nodes: Vec<u32> = stubs.to_vec();
    nodes.sort_unstable();
    nodes.dedup();
    nodes
        .iter()
        .enumerate()
        .any(|(a, &u)| nodes[a + 1..].iter().any(|&v| ok(u, v)))
}

fn complement_of(n: u32, edges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut present = vec![false; (n * n) as usize];
    for &(u, v) in edges {
        present[(u * n + v) as usize] = true;
    }
    let mut out = Vec::new();
    for u in 0..n {
        for v in u + 1..n {
            if !present[(u * n + v) as usize] {
                out.push((u, v));
            }
        }
    }
    out
}

fn is_connected(n: u32, edges: &[(u32, u32)]) -> bool {
    // Union–find with path halving.
    let mut parent: Vec<u32> = (0..n).collect();
    fn find(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            p[x as usize] = p[p[x as usize] as usize];
            x = p[x as usize];
        }
        x
    }
    let mut parts = n;
    for &(u, v) in edges {
        let (a, b) = (find(&mut parent, u), find(&mut parent, v));
        if a != b {
            parent[a as usize] = b;
            parts -= 1;
        }
    }
    parts == 1
}

/// Fallback: the ring lattice after `10 · edges` connected double-edge swaps (the Markov chain
/// Graph Golf uses to start from a random graph).
fn randomised_ring(n: u32, k: u32, rng: &mut Rng) -> Result<Graph> {
    let mut g = ring(n, k)?;
    let mut kernel = AsplKernel::new();
    let swaps = 10 * g.edge_count() as u64;
    let mut done = 0u64;
    let mut tries = 0u64;
    while done < swaps && tries < 100 * swaps {
        tries += 1;
        let (s1, s2) = (rng.below(n), rng.below(n));
        let t1 = g.neighbors(s1)[rng.below(k) as usize];
        let t2 = g.neighbors(s2)[rng.below(k) as usize];
        if !g.can_swap(s1, t1, s2, t2) {
            continue;
        }
        g.swap(s1, t1, s2, t2);
        if kernel.stats(&g).is_some() {
            done += 1;
        } else {
            g.unswap(s1, t1, s2, t2);
        }
    }
    Ok(g)
}
