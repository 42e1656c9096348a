//! What every graph import must give back when it accepts a file: a simple, regular, connected
//! graph that survives export and re-import unchanged.

use rgp::graph::{AsplKernel, Graph};
use rgp::io;

pub fn check_accepted(g: &Graph) {
    let (n, k) = (g.n(), g.k());
    assert!(
        k >= 1 && k < n,
        "accepted a graph of {n} nodes and degree {k}"
    );
    for u in 0..n {
        assert!(!g.has_edge(u, u), "accepted a self-loop at {u}");
        let degree = (0..n).filter(|&v| g.has_edge(u, v)).count();
        assert_eq!(degree, k as usize, "node {u} has degree {degree}, not {k}");
    }
    assert!(
        AsplKernel::new().stats(g).is_some(),
        "accepted a disconnected graph"
    );
    let fp = g.fingerprint();
    for (bytes, name) in [
        (io::to_csv(g).into_bytes(), "g.csv"),
        (io::to_npy(g), "g.npy"),
    ] {
        let (back, _) = io::import(&bytes, name).expect("an export reads back");
        assert_eq!(
            back.fingerprint(),
            fp,
            "{name} round trip changed the graph"
        );
    }
}
