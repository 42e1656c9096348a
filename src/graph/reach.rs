//! Reachability at depth: which group pairs a stack of masked layers connects.
//!
//! A stack of `L` layers that all use the mask of graph `A` (no skip connections) lets output
//! group `j` see input group `i` only if `A` has a walk of exactly `L` edges from `i` to `j`,
//! i.e. `(A^L)_ij > 0`. With residual connections every layer also passes its input on, so the
//! condition becomes `((I + A)^L)_ij > 0`: a path of at most `L` edges. Both are counted over
//! all `n²` ordered pairs, `i = j` included.
//!
//! Each step ORs the bitset rows of a node's neighbours (row `i` of `A·R` is the OR of the rows
//! `R_m` over the neighbours `m` of `i`, and `A·R = R·A` for `R` a polynomial in `A`):
//! `n · k · n/64` word operations per step.

use super::Graph;

/// Depths `L = 1..=REACH_DEPTHS` reported in the metrics.
pub const REACH_DEPTHS: u32 = 16;

/// `walk[L-1]`: fraction of ordered pairs joined by a walk of exactly `L` edges;
/// `path[L-1]`: the same for paths of at most `L` edges.
#[derive(Clone, Debug, PartialEq)]
pub struct Reach {
    pub walk: Vec<f64>,
    pub path: Vec<f64>,
}

/// Reachability for `L = 1..=depths`.
pub fn reach(g: &Graph, depths: u32) -> Reach {
    let (n, w) = (g.n() as usize, g.words());
    let pairs = (n * n) as f64;
    // L = 1: walks are the edges themselves; paths add the diagonal.
    let mut walk: Vec<u64> = (0..n as u32).flat_map(|i| g.row(i).to_vec()).collect();
    let mut path = walk.clone();
    for i in 0..n {
        path[i * w + i / 64] |= 1 << (i % 64);
    }
    let mut out = Reach {
        walk: Vec::with_capacity(depths as usize),
        path: Vec::with_capacity(depths as usize),
    };
    let mut next = vec![0u64; n * w];
    for l in 1..=depths {
        if l > 1 {
            step(g, &walk, &mut next, false);
            std::mem::swap(&mut walk, &mut next);
            step(g, &path, &mut next, true);
            std::mem::swap(&mut path, &mut next);
        }
        out.walk.push(ones(&walk) as f64 / pairs);
        out.path.push(ones(&path) as f64 / pairs);
    }
    out
}

/// `next = A · cur` (with `keep`: `(I + A) · cur`), rows as bitsets of `words` words.
fn step(g: &Graph, cur: &[u64], next: &mut [u64], keep: bool) {
    let w = g.words();
    for i in 0..g.n() as usize {
        let row = &mut next[i * w..(i + 1) * w];
        if keep {
            row.copy_from_slice(&cur[i * w..(i + 1) * w]);
        } else {
            row.fill(0);
        }
        for &m in g.neighbors(i as u32) {
            let src = &cur[m as usize * w..(m as usize + 1) * w];
            for (a, b) in row.iter_mut().zip(src) {
                *a |= b;
            }
        }
    }
}

fn ones(bits: &[u64]) -> u64 {
    bits.iter().map(|x| x.count_ones() as u64).sum()
}
