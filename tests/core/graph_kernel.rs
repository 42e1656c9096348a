//! The bit-parallel kernel against a plain BFS, and closed forms on ring lattices.

use super::reference::bfs_sum;
use rgp::graph::{AsplKernel, Graph, generate};

#[test]
fn ring_lattice_matches_bfs_and_published_values() {
    let mut kern = AsplKernel::new();
    // Published ring ASPLs for n = 64 (the reference code's graph files).
    for (k, want) in [
        (4, 8.381),
        (6, 5.762),
        (8, 4.444),
        (10, 3.667),
        (16, 2.476),
        (20, 2.095),
    ] {
        let g = generate::ring(64, k).unwrap();
        let s = kern.stats(&g).unwrap();
        assert_eq!(Some((s.sum, s.diameter)), bfs_sum(&g));
        assert!((s.aspl(64) - want).abs() < 5e-4, "k={k}: {}", s.aspl(64));
    }
}

#[test]
fn ring_lattice_closed_form() {
    // Ring lattice with half-degree h on n nodes: the distance to the node at circular offset d
    // is ceil(d / h).
    let mut kern = AsplKernel::new();
    for (n, k) in [
        (10u32, 2u32),
        (64, 4),
        (65, 4),
        (128, 8),
        (200, 6),
        (1000, 10),
    ] {
        let h = k / 2;
        let per_node: u64 = (1..n).map(|d| d.min(n - d).div_ceil(h) as u64).sum();
        let s = kern.stats(&generate::ring(n, k).unwrap()).unwrap();
        assert_eq!(s.sum, per_node * n as u64, "n={n} k={k}");
    }
}

#[test]
fn odd_degree_ring_is_regular_and_connected() {
    let mut kern = AsplKernel::new();
    for (n, k) in [(64u32, 5u32), (10, 3), (100, 7)] {
        let g = generate::ring(n, k).unwrap();
        g.check().unwrap();
        assert_eq!(g.k(), k);
        assert_eq!(kern.stats(&g).map(|s| (s.sum, s.diameter)), bfs_sum(&g));
    }
}

#[test]
fn disconnected_is_detected() {
    // Two disjoint 4-cycles.
    let e = [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 0),
        (4, 5),
        (5, 6),
        (6, 7),
        (7, 4),
    ];
    let g = Graph::from_edges(8, &e).unwrap();
    assert_eq!(AsplKernel::new().stats(&g), None);
    assert_eq!(bfs_sum(&g), None);
}
