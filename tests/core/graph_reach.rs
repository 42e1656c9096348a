//! Reachability at depth against values worked out by hand, and against a dense matrix power.
//!
//! Ring lattice, n nodes, k = 2h: one step moves by ±1..±h. For L ≥ 2 and h ≥ 2 the sums of L
//! such steps cover every integer in [-Lh, Lh] (0 = 1 - 1, ±1 = 2 - 1, …), so node i reaches
//! min(n, 2Lh + 1) nodes by walks of exactly L edges; for L = 1 only its k neighbours (no
//! self-loop). Paths of at most L edges reach min(n, 2Lh + 1) for every L ≥ 1.
//! n = 64, k = 4: walk = 4/64, 9/64, 13/64, …, (4L+1)/64, 1 from L = 16 (the diameter);
//! path = (4L+1)/64 capped at 1.
//!
//! Complete bipartite K_{k,k} (k-regular on 2k nodes): a walk of odd length joins opposite sides,
//! of even length the same side (i = j included), 2k² of the 4k² pairs either way, so
//! walk = 1/2 at every L (the set alternates, its size does not). Paths: L = 1 gives the node
//! itself and the k opposite nodes, (k+1)/2k; from L = 2 every pair, 1.
//!
//! Cycle C_8 (ring, k = 2, bipartite): walks of length L reach the L+1 displacements
//! -L, -L+2, …, L, i.e. min(L+1, 4) residues: 2/8, 3/8, 4/8, 4/8, …

use rgp::graph::generate::ring;
use rgp::graph::{Graph, Metrics, REACH_DEPTHS, reach};

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (l, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() < 1e-12, "L = {}: {x} vs {y}", l + 1);
    }
}

#[test]
fn ring_lattice_64_4() {
    let g = ring(64, 4).unwrap();
    let r = reach(&g, 16);
    let path: Vec<f64> = (1..=16)
        .map(|l| (4 * l + 1).min(64) as f64 / 64.0)
        .collect();
    let mut walk = path.clone();
    walk[0] = 4.0 / 64.0;
    close(&r.walk, &walk);
    close(&r.path, &path);
    assert_eq!(r.walk[15], 1.0);
    assert!(r.walk[14] < 1.0);
}

#[test]
fn ring_lattice_wraps() {
    // n = 20, k = 6 (h = 3): 2Lh + 1 = 6L + 1 ≥ 20 from L = 4.
    let r = reach(&ring(20, 6).unwrap(), 6);
    close(
        &r.path,
        &[7.0 / 20.0, 13.0 / 20.0, 19.0 / 20.0, 1.0, 1.0, 1.0],
    );
    close(
        &r.walk,
        &[6.0 / 20.0, 13.0 / 20.0, 19.0 / 20.0, 1.0, 1.0, 1.0],
    );
}

fn complete_bipartite(k: u32) -> Graph {
    let mut e = Vec::new();
    for u in 0..k {
        for v in k..2 * k {
            e.push((u, v));
        }
    }
    Graph::from_edges(2 * k, &e).unwrap()
}

#[test]
fn complete_bipartite_k_k() {
    for k in [2, 3, 5, 32] {
        let r = reach(&complete_bipartite(k), 8);
        close(&r.walk, &[0.5; 8]);
        let mut path = vec![1.0; 8];
        path[0] = (k + 1) as f64 / (2 * k) as f64;
        close(&r.path, &path);
    }
}

#[test]
fn cycle_is_bipartite() {
    let r = reach(&ring(8, 2).unwrap(), 6);
    close(&r.walk, &[0.25, 0.375, 0.5, 0.5, 0.5, 0.5]);
    close(&r.path, &[0.375, 0.625, 0.875, 1.0, 1.0, 1.0]);
}

/// Boolean `(A^L)` and `((I+A)^L)` by dense integer products, on random graphs whose sizes
/// straddle a 64-bit word boundary.
#[test]
fn matches_dense_matrix_powers() {
    for (n, k, seed) in [(10, 3, 1), (64, 4, 2), (65, 4, 3), (130, 5, 4)] {
        let g = rgp::graph::generate::random(n, k, seed).unwrap();
        let n = n as usize;
        let a: Vec<u8> = g.adjacency();
        let mul = |x: &[u8], ident: bool| -> Vec<u8> {
            let mut y = vec![0u8; n * n];
            for i in 0..n {
                for m in 0..n {
                    if x[i * n + m] == 0 {
                        continue;
                    }
                    for j in 0..n {
                        if a[m * n + j] != 0 || (ident && m == j) {
                            y[i * n + j] = 1;
                        }
                    }
                }
            }
            y
        };
        let frac = |x: &[u8]| x.iter().filter(|&&v| v != 0).count() as f64 / (n * n) as f64;
        let mut walk = a.clone();
        let mut path = a.clone();
        for i in 0..n {
            path[i * n + i] = 1;
        }
        let r = reach(&g, 7);
        for l in 0..7 {
            if l > 0 {
                walk = mul(&walk, false);
                path = mul(&path, true);
            }
            assert_eq!(r.walk[l], frac(&walk), "n {n} walk L = {}", l + 1);
            assert_eq!(r.path[l], frac(&path), "n {n} path L = {}", l + 1);
        }
    }
}

#[test]
fn in_the_metrics() {
    let m = Metrics::compute(&ring(64, 4).unwrap());
    assert_eq!(m.walk_reach.len(), REACH_DEPTHS as usize);
    assert_eq!(m.path_reach.len(), REACH_DEPTHS as usize);
    assert_eq!(m.path_reach[0], 5.0 / 64.0);
    // Paths of at most L edges: the distance histogram's running sum.
    let mut within = 0u64;
    for (l, &p) in m.path_reach.iter().enumerate() {
        within += m.distance_histogram.get(l + 1).copied().unwrap_or(0)
            + if l == 0 { m.distance_histogram[0] } else { 0 };
        assert_eq!(p, within as f64 / 4096.0, "L = {}", l + 1);
    }
}
