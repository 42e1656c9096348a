//! The k-regular simple undirected graph: a neighbour table (`n × k`, slot-indexed so a swap is
//! O(k)) plus one bitset row per node (O(1) edge test, and the rows the ASPL kernel ORs together).

use crate::{Error, Result, bail, bail_at};

pub const MIN_NODES: u32 = 4;
pub const MAX_NODES: u32 = 1024;

/// Equality is equality of labelled graphs (same edges); the slot order of the neighbour table
/// is not compared.
#[derive(Clone, Debug)]
pub struct Graph {
    n: u32,
    k: u32,
    /// `adj[i * k + s]` is the neighbour of node `i` in slot `s`.
    adj: Vec<u32>,
    /// Words per bitset row: `ceil(n / 64)`.
    words: usize,
    /// `bits[i * words ..][..words]` is the neighbour set of node `i`.
    bits: Vec<u64>,
}

impl PartialEq for Graph {
    fn eq(&self, other: &Self) -> bool {
        (self.n, self.k) == (other.n, other.k) && self.bits == other.bits
    }
}

impl Eq for Graph {}

/// Checks `(n, k)` against the limits every part of the product shares.
pub fn check_size(n: u32, k: u32) -> Result<()> {
    if !(MIN_NODES..=MAX_NODES).contains(&n) {
        bail_at!(
            "nodes",
            "nodes must be between {MIN_NODES} and {MAX_NODES} (got {n})"
        );
    }
    if k < 2 || k >= n {
        bail_at!(
            "degree",
            "degree must be between 2 and nodes-1 = {} (got {k})",
            n - 1
        );
    }
    if !(n as u64 * k as u64).is_multiple_of(2) {
        bail_at!(
            "degree",
            "nodes x degree must be even for a regular graph to exist (got {n} x {k})"
        );
    }
    Ok(())
}

impl Graph {
    /// Builds a graph from an edge list, checking that it is simple and k-regular.
    /// (Connectivity is a property of the search, checked by the ASPL kernel, not required here.)
    pub fn from_edges(n: u32, edges: &[(u32, u32)]) -> Result<Graph> {
        if !(MIN_NODES..=MAX_NODES).contains(&n) {
            bail!("nodes must be between {MIN_NODES} and {MAX_NODES} (got {n})");
        }
        let words = n.div_ceil(64) as usize;
        let mut bits = vec![0u64; n as usize * words];
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); n as usize];
        for &(u, v) in edges {
            if u >= n || v >= n {
                bail!("edge ({u}, {v}) names a node outside 0..{n}");
            }
            if u == v {
                bail!("self-loop at node {u}");
            }
            let (wu, bu) = (u as usize * words + v as usize / 64, v % 64);
            if bits[wu] >> bu & 1 == 1 {
                bail!("edge ({u}, {v}) appears twice");
            }
            bits[wu] |= 1 << bu;
            bits[v as usize * words + u as usize / 64] |= 1 << (u % 64);
            lists[u as usize].push(v);
            lists[v as usize].push(u);
        }
        let k = lists[0].len() as u32;
        if let Some((i, l)) = lists.iter().enumerate().find(|(_, l)| l.len() as u32 != k) {
            bail!(
                "graph is not regular: node 0 has degree {k} but node {i} has degree {}",
                l.len()
            );
        }
        check_size(n, k)?;
        let adj = lists.into_iter().flatten().collect();
        Ok(Graph {
            n,
            k,
            adj,
            words,
            bits,
        })
    }

    pub fn n(&self) -> u32 {
        self.n
    }

    pub fn k(&self) -> u32 {
        self.k
    }

    pub fn words(&self) -> usize {
        self.words
    }

    pub fn neighbors(&self, i: u32) -> &[u32] {
        let k = self.k as usize;
        &self.adj[i as usize * k..][..k]
    }

    /// The whole neighbour table, row-major `n × k`.
    pub fn table(&self) -> &[u32] {
        &self.adj
    }

    /// Bitset row of node `i` (`words()` words).
    pub fn row(&self, i: u32) -> &[u64] {
        &self.bits[i as usize * self.words..][..self.words]
    }

    pub fn has_edge(&self, u: u32, v: u32) -> bool {
        self.bits[u as usize * self.words + v as usize / 64] >> (v % 64) & 1 == 1
    }

    /// Sorted edge list, each edge as `(u, v)` with `u < v`.
    pub fn edges(&self) -> Vec<(u32, u32)> {
        let mut e: Vec<(u32, u32)> = (0..self.n)
            .flat_map(|u| {
                self.neighbors(u)
                    .iter()
                    .filter(move |&&v| u < v)
                    .map(move |&v| (u, v))
            })
            .collect();
        e.sort_unstable();
        e
    }

    pub fn edge_count(&self) -> usize {
        self.n as usize * self.k as usize / 2
    }

    /// Dense 0/1 adjacency matrix, row-major `n × n`.
    pub fn adjacency(&self) -> Vec<u8> {
        let n = self.n as usize;
        let mut m = vec![0u8; n * n];
        for u in 0..self.n {
            for &v in self.neighbors(u) {
                m[u as usize * n + v as usize] = 1;
            }
        }
        m
    }

    /// Double-edge swap: removes `(s1, t1)` and `(s2, t2)`, adds `(s1, t2)` and `(s2, t1)`.
    /// Degrees are unchanged. The caller guarantees the old edges exist and the new ones do not
    /// (see [`Graph::can_swap`]). Applying the same call with `t1` and `t2` exchanged undoes it.
    pub fn swap(&mut self, s1: u32, t1: u32, s2: u32, t2: u32) {
        debug_assert!(self.can_swap(s1, t1, s2, t2));
        self.replace(s1, t1, t2);
        self.replace(t1, s1, s2);
        self.replace(s2, t2, t1);
        self.replace(t2, s2, s1);
    }

    /// Undoes `swap(s1, t1, s2, t2)`.
    pub fn unswap(&mut self, s1: u32, t1: u32, s2: u32, t2: u32) {
        self.swap(s1, t2, s2, t1);
    }

    /// True when `swap(s1, t1, s2, t2)` keeps the graph simple: both old edges exist, the four
    /// endpoints make two distinct edges, and neither new edge exists yet.
    pub fn can_swap(&self, s1: u32, t1: u32, s2: u32, t2: u32) -> bool {
        s1 != s2
            && t1 != t2
            && s1 != t2
            && s2 != t1
            && self.has_edge(s1, t1)
            && self.has_edge(s2, t2)
            && !self.has_edge(s1, t2)
            && !self.has_edge(s2, t1)
    }

    /// In `u`'s row, replaces neighbour `old` by `new` (same slot) and updates both bitsets.
    fn replace(&mut self, u: u32, old: u32, new: u32) {
        let k = self.k as usize;
        let row = &mut self.adj[u as usize * k..][..k];
        let slot = row
            .iter()
            .position(|&x| x == old)
            .expect("swap: edge to remove is missing");
        row[slot] = new;
        let base = u as usize * self.words;
        self.bits[base + old as usize / 64] &= !(1u64 << (old % 64));
        self.bits[base + new as usize / 64] |= 1u64 << (new % 64);
    }

    /// A stable fingerprint of the graph: FNV-1a (64-bit) over `n`, `k` and the sorted edge
    /// list as little-endian `u32`s, printed as 16 hex digits. Two places that show the same
    /// fingerprint hold the same labelled graph.
    pub fn fingerprint(&self) -> String {
        let mut h = crate::fingerprint::Fnv64::default();
        h.u32(self.n);
        h.u32(self.k);
        for (u, v) in self.edges() {
            h.u32(u);
            h.u32(v);
        }
        h.hex()
    }

    /// Checks the internal invariants (regular, simple, symmetric, bitsets match the table).
    /// Used by tests and after imports; cheap enough to call anywhere.
    pub fn check(&self) -> Result<()> {
        for u in 0..self.n {
            let nb = self.neighbors(u);
            let count: u32 = self.row(u).iter().map(|w| w.count_ones()).sum();
            if count != self.k {
                return Err(Error::new(format!(
                    "node {u}: bitset has {count} bits, expected {}",
                    self.k
                )));
            }
            for &v in nb {
                if v == u || !self.has_edge(u, v) || !self.has_edge(v, u) {
                    return Err(Error::new(format!(
                        "node {u}: neighbour {v} is inconsistent"
                    )));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(n: u32) -> Graph {
        let e: Vec<_> = (0..n).map(|i| (i, (i + 1) % n)).collect();
        Graph::from_edges(n, &e).unwrap()
    }

    #[test]
    fn builds_and_answers_edges() {
        let g = cycle(6);
        assert_eq!((g.n(), g.k()), (6, 2));
        assert!(g.has_edge(0, 1) && g.has_edge(1, 0) && g.has_edge(0, 5));
        assert!(!g.has_edge(0, 2));
        assert_eq!(g.edges().len(), 6);
        g.check().unwrap();
    }

    #[test]
    fn swap_and_undo() {
        let mut g = cycle(8);
        let before = g.clone();
        assert!(g.can_swap(0, 1, 4, 5));
        g.swap(0, 1, 4, 5);
        g.check().unwrap();
        assert!(g.has_edge(0, 5) && g.has_edge(4, 1) && !g.has_edge(0, 1));
        g.unswap(0, 1, 4, 5);
        assert_eq!(g.edges(), before.edges());
        assert_eq!(g.fingerprint(), before.fingerprint());
    }

    #[test]
    fn rejects_bad_edge_lists() {
        assert!(
            Graph::from_edges(4, &[(0, 0)])
                .unwrap_err()
                .message()
                .contains("self-loop")
        );
        assert!(
            Graph::from_edges(4, &[(0, 1), (1, 0)])
                .unwrap_err()
                .message()
                .contains("twice")
        );
        assert!(
            Graph::from_edges(4, &[(0, 9)])
                .unwrap_err()
                .message()
                .contains("outside")
        );
        let e =
            Graph::from_edges(5, &[(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (0, 2)]).unwrap_err();
        assert!(e.message().contains("not regular"));
    }

    #[test]
    fn size_checks() {
        assert!(check_size(64, 4).is_ok());
        assert!(check_size(3, 2).is_err());
        assert!(check_size(2000, 4).is_err());
        assert!(check_size(64, 64).is_err());
        assert!(check_size(63, 3).unwrap_err().message().contains("even"));
    }
}
