//! Metrics against closed forms, brute force and the reference analysis's published values.

use rgp::graph::metrics::{clustering, gradient_resistance, moore_bound, moore_sum};
use rgp::graph::{Graph, Metrics, generate};

fn petersen() -> Graph {
    let mut e = Vec::new();
    for i in 0..5 {
        e.push((i, (i + 1) % 5)); // outer cycle
        e.push((i, i + 5)); // spokes
        e.push((5 + i, 5 + (i + 2) % 5)); // inner pentagram
    }
    Graph::from_edges(10, &e).unwrap()
}

fn complete(n: u32) -> Graph {
    let e: Vec<_> = (0..n)
        .flat_map(|u| (u + 1..n).map(move |v| (u, v)))
        .collect();
    Graph::from_edges(n, &e).unwrap()
}

#[test]
fn moore_bound_closed_forms() {
    // Values from the Moore-bound recurrence of Cerf et al. (1974).
    for (n, k, aspl, d) in [
        (64u32, 4u32, 2.857143, 4u32),
        (64, 8, 1.873016, 2),
        (64, 16, 1.746032, 2),
        (128, 8, 2.433071, 3),
        (256, 16, 1.937255, 2),
        (512, 16, 2.467710, 3),
        (16, 4, 1.733333, 2),
        (32, 4, 2.354839, 3),
        (128, 4, 3.433071, 4),
        (512, 8, 2.966732, 4),
    ] {
        let (b, dd) = moore_bound(n, k);
        assert!((b - aspl).abs() < 5e-7, "({n},{k}): {b}");
        assert_eq!(dd, d);
    }
    // Diameter-2 regime: 2 - k/(n-1).
    for k in [8u32, 12, 16, 36] {
        assert!((moore_bound(64, k).0 - (2.0 - k as f64 / 63.0)).abs() < 1e-12);
    }
    // Unordered pair sums in the table: sum_lb = n · per-node sum / 2.
    assert_eq!(moore_sum(64, 4).0 * 64 / 2, 5760);
    assert_eq!(moore_sum(512, 16).0 * 512 / 2, 322816);
}

#[test]
fn moore_graphs_meet_the_bound() {
    // Petersen (Moore graph of degree 3) and complete graphs have gap 0.
    for g in [petersen(), complete(9), complete(4)] {
        let m = Metrics::compute(&g);
        assert_eq!(m.gap, 0.0, "{g:?}");
        assert_eq!(m.diameter, m.moore_diameter);
    }
    let m = Metrics::compute(&petersen());
    assert!((m.aspl - 15.0 / 9.0).abs() < 1e-12);
    assert_eq!(m.clustering, 0.0); // girth 5
    assert_eq!(m.distance_histogram, vec![10, 30, 60]);
}

#[test]
fn ring_lattice_clustering_closed_form() {
    // Ring lattice with half-degree h: C = 3(h-1) / (2(2h-1)) (Watts–Strogatz, p = 0).
    for (n, k) in [(64u32, 4u32), (64, 8), (100, 10), (500, 20)] {
        let h = (k / 2) as f64;
        let want = 3.0 * (h - 1.0) / (2.0 * (2.0 * h - 1.0));
        let (c, t) = clustering(&generate::ring(n, k).unwrap());
        assert!(
            (c - want).abs() < 1e-12 && (t - want).abs() < 1e-12,
            "({n},{k}): {c} {t}"
        );
    }
}

#[test]
fn clustering_matches_brute_force() {
    for seed in 0..5 {
        let g = generate::random(40, 6, seed).unwrap();
        let n = g.n();
        let (mut local, mut tri, mut triples) = (0.0, 0u64, 0u64);
        for i in 0..n {
            let nb = g.neighbors(i);
            let mut links = 0u64;
            for a in 0..nb.len() {
                for b in a + 1..nb.len() {
                    links += g.has_edge(nb[a], nb[b]) as u64;
                }
            }
            let pairs = (nb.len() * (nb.len() - 1) / 2) as u64;
            local += links as f64 / pairs as f64;
            tri += links;
            triples += pairs;
        }
        let (c, t) = clustering(&g);
        assert!((c - local / n as f64).abs() < 1e-12);
        assert!((t - tri as f64 / triples as f64).abs() < 1e-12);
    }
}

#[test]
fn gradient_resistance_reference_values() {
    // The reference analysis code gives the 64_4 ring GR 16 / 16 and AOPU 430.
    let gr = gradient_resistance(&generate::ring(64, 4).unwrap(), 15, 64);
    assert_eq!((gr.mean, gr.max, gr.aopu), (16.0, 16, 430.0));
    // K_n: W_1 = all but i, W_2 = all: GR = 2, AOPU = (15 - 2)·64 + (n - 1).
    let gr = gradient_resistance(&complete(9), 15, 64);
    assert_eq!((gr.mean, gr.max, gr.aopu), (2.0, 2, 13.0 * 64.0 + 8.0));
    // Bipartite graphs never cover every node with walks of one exact length: capped at 101,
    // and the reference adds |W_t| for t = 1..=100 (an 8-cycle: 2 nodes for t=1, 3 for t=2,
    // then 4).
    let cycle: Vec<_> = (0..8).map(|i| (i, (i + 1) % 8)).collect();
    let gr = gradient_resistance(&Graph::from_edges(8, &cycle).unwrap(), 15, 64);
    assert_eq!(gr.max, 101);
    assert_eq!(gr.aopu, (15.0 - 101.0) * 64.0 + 2.0 + 3.0 + 98.0 * 4.0);
}

#[test]
fn gradient_resistance_matches_the_reference_loop() {
    // Direct transcription of gradient_infuence_cal on a few random graphs.
    for seed in 0..4 {
        let g = generate::random(50, 4, seed).unwrap();
        let n = g.n() as usize;
        let gr = gradient_resistance(&g, 15, 64);
        let mut aopu = 0.0;
        for node in 0..n {
            let mut set = vec![false; n];
            set[node] = true;
            let (mut temp, mut influence, mut index) = (0usize, 0usize, 0u32);
            while influence != n {
                temp += influence;
                let mut next = vec![false; n];
                for (u, _) in set.iter().enumerate().filter(|x| *x.1) {
                    for &v in g.neighbors(u as u32) {
                        next[v as usize] = true;
                    }
                }
                set = next;
                influence = set.iter().filter(|&&x| x).count();
                index += 1;
                if index > 100 {
                    break;
                }
            }
            assert_eq!(gr.per_node[node], index);
            aopu += (15.0 - index as f64) * 64.0 + temp as f64;
        }
        assert!((gr.aopu - aopu / n as f64).abs() < 1e-9);
    }
}

#[test]
fn metrics_of_the_ring() {
    let m = Metrics::compute(&generate::ring(64, 4).unwrap());
    assert!((m.aspl - 8.380952380952381).abs() < 1e-12);
    assert_eq!(m.diameter, 16);
    assert_eq!(m.kept_fraction, 4.0 / 64.0);
    assert_eq!(m.distance_histogram.iter().sum::<u64>(), 64 * 64);
    assert_eq!((m.gr_mean, m.gr_max, m.aopu), (16.0, 16, 430.0));
    assert!((m.gap - (m.aspl - m.moore_bound)).abs() < 1e-15);
}
