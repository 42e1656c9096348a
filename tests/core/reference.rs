// The plain breadth-first search the fast ASPL kernel and the searches are checked against:
// one copy, for the core tests and the wasm32 fingerprint check (which includes this file).

use rgp::graph::Graph;
use std::collections::VecDeque;

/// Distance histogram over ordered pairs (`h[d]`: pairs at distance `d`, trailing zeros
/// dropped); `None` if the graph is disconnected.
pub fn bfs_hist(g: &Graph) -> Option<Vec<u64>> {
    let n = g.n() as usize;
    let mut hist = vec![0u64; n];
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
        for &d in &dist {
            if d == u32::MAX {
                return None;
            }
            hist[d as usize] += 1;
        }
    }
    while hist.last() == Some(&0) {
        hist.pop();
    }
    Some(hist)
}

/// Distance sum over ordered pairs and the diameter; `None` if disconnected.
pub fn bfs_sum(g: &Graph) -> Option<(u64, u32)> {
    let h = bfs_hist(g)?;
    let sum = h.iter().enumerate().map(|(d, &c)| d as u64 * c).sum();
    Some((sum, h.len().saturating_sub(1) as u32))
}
