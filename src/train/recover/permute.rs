//! Channel permutation (Pool & Yu, NeurIPS 2021, here for a graph's block mask). A hidden
//! layer's units can be reordered — the producing layer's rows, bias and BatchNorm entries and
//! the consuming layer's columns alike — without changing what the dense network computes; the
//! order decides which units share a channel group, and so which graph node each group is and
//! which pretrained weights the mask keeps. With the other layers held, the best grouping of
//! one hidden layer is a linear assignment of its units to group slots (solved exactly);
//! sweeping the hidden layers until none changes climbs the kept saliency of the whole network.
//!
//! Only chains of layers are handled (our MLP and CNN). In a network with residual joins every
//! layer feeding one sum must share the sum's order, so the units of a residual stream form one
//! permutation shared by all its producers and consumers.

use super::assignment::min_cost;
use super::stats::LayerStats;
use crate::mapping::{Connectivity, compute_size, group_of};
use crate::model_file::{Layer, Norm};

/// A weight layer as the permutation sees it: row-major `[out, inp, kk]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub out: usize,
    pub inp: usize,
    pub kk: usize,
    pub masked: bool,
}

/// Widest hidden layer whose grouping is solved (the assignment is O(w³)); wider ones keep
/// their order.
pub const MAX_WIDTH: usize = 1024;
/// Sweeps over the hidden layers at most (each one never lowers the kept saliency).
const MAX_SWEEPS: usize = 8;

/// Per weight `[out, inp]`: W² summed over the kernel window times the input channel's mean
/// square on calibration images — the output energy the weight carries (the square of Wanda's
/// |W|·‖x‖), so a sum of saliencies is the energy a mask keeps.
pub fn saliency(l: &Layer, s: Shape, in_sq: &[f64]) -> Vec<f64> {
    let mut out = vec![0f64; s.out * s.inp];
    for (o, row) in out.chunks_mut(s.inp).enumerate() {
        for (i, v) in row.iter_mut().enumerate() {
            let w = &l.weight[(o * s.inp + i) * s.kk..][..s.kk];
            let e: f64 = w.iter().map(|&x| (x as f64) * (x as f64)).sum();
            *v = e * in_sq.get(i).unwrap_or(&1.0);
        }
    }
    out
}

/// Contiguous groups of a `w`-wide layer (the mask's own), or `None` when `w < n`.
fn contiguous(w: usize, n: u32) -> Option<Vec<u32>> {
    compute_size(w as u32, n).ok().map(|s| group_of(&s))
}

/// The grouping of every layer boundary: 0 is the input, `shapes.len()` the output (fixed),
/// the ones between are hidden layers (the ones [`plan`] chooses).
pub struct Groups(Vec<Option<Vec<u32>>>);

impl Groups {
    fn contiguous(shapes: &[Shape], n: u32) -> Groups {
        let widths = std::iter::once(shapes[0].inp).chain(shapes.iter().map(|s| s.out));
        Groups(widths.map(|w| contiguous(w, n)).collect())
    }

    /// Each hidden layer's units in their new order: sorted by group, then by index.
    pub fn orders(&self) -> Vec<Vec<usize>> {
        let hidden = &self.0[1..self.0.len() - 1];
        hidden
            .iter()
            .map(|g| {
                let mut o: Vec<usize> = (0..g.as_ref().map_or(0, Vec::len)).collect();
                if let Some(g) = g {
                    o.sort_by_key(|&u| (g[u], u));
                }
                o
            })
            .collect()
    }
}

/// `profit[u · n + g]`: the saliency unit `u` of boundary `h` keeps in the layers on both sides
/// when it sits in group `g`, the other boundaries' groups held.
fn profits(
    h: usize,
    shapes: &[Shape],
    sal: &[Vec<f64>],
    conn: &Connectivity,
    g: &Groups,
) -> Vec<f64> {
    let n = conn.n() as usize;
    let w = shapes[h - 1].out;
    let mut p = vec![0f64; w * n];
    // As a row of the layer before: the inputs it keeps in group g are those in row(g).
    if let (true, Some(gin)) = (shapes[h - 1].masked, &g.0[h - 1]) {
        let s = &sal[h - 1];
        let inp = shapes[h - 1].inp;
        let mut a = vec![0f64; n];
        for u in 0..w {
            a.fill(0.0);
            for (i, &gi) in gin.iter().enumerate() {
                a[gi as usize] += s[u * inp + i];
            }
            for gr in 0..n {
                p[u * n + gr] += conn
                    .row(gr as u32)
                    .iter()
                    .map(|&j| a[j as usize])
                    .sum::<f64>();
            }
        }
    }
    // As a column of the layer after: output group go reads it when g is in row(go).
    if let (true, Some(gout)) = (shapes[h].masked, &g.0[h + 1]) {
        let s = &sal[h];
        let mut c = vec![0f64; n * w];
        for (o, &go) in gout.iter().enumerate() {
            for u in 0..w {
                c[go as usize * w + u] += s[o * w + u];
            }
        }
        for go in 0..n {
            for &gr in conn.row(go as u32) {
                for u in 0..w {
                    p[u * n + gr as usize] += c[go * w + u];
                }
            }
        }
    }
    p
}

/// The kept saliency of units grouped by `groups` under `profit`.
fn total(profit: &[f64], n: usize, groups: &[u32]) -> f64 {
    groups
        .iter()
        .enumerate()
        .map(|(u, &g)| profit[u * n + g as usize])
        .sum()
}

/// The best grouping of one hidden layer given `profit`: units to group slots (each group as
/// many slots as the mask gives it).
fn solve(profit: &[f64], n: usize, slots: &[u32]) -> Vec<u32> {
    let w = slots.len();
    let mut cost = vec![0f64; w * w];
    for u in 0..w {
        for (s, &g) in slots.iter().enumerate() {
            cost[u * w + s] = -profit[u * n + g as usize];
        }
    }
    min_cost(&cost, w).into_iter().map(|s| slots[s]).collect()
}

/// Groups for every hidden layer that keep the most saliency under the mask, with the kept
/// saliency before and after (summed over masked layers).
pub fn plan(shapes: &[Shape], sal: &[Vec<f64>], conn: &Connectivity) -> (Groups, f64, f64) {
    let n = conn.n() as usize;
    let mut g = Groups::contiguous(shapes, conn.n());
    let before = kept(shapes, sal, conn, &g);
    for _ in 0..MAX_SWEEPS {
        let mut changed = false;
        for h in 1..shapes.len() {
            let Some(current) = &g.0[h] else { continue };
            if !(shapes[h - 1].masked || shapes[h].masked) || current.len() > MAX_WIDTH {
                continue;
            }
            let profit = profits(h, shapes, sal, conn, &g);
            let slots = contiguous(current.len(), conn.n()).expect("a grouped layer");
            let next = solve(&profit, n, &slots);
            // Strictly better only: ties would swap equal groupings back and forth.
            let (old, new) = (total(&profit, n, current), total(&profit, n, &next));
            if new > old + 1e-9 * old.abs().max(1e-30) {
                g.0[h] = Some(next);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let after = kept(shapes, sal, conn, &g);
    (g, before, after)
}

/// Saliency the masked layers keep under grouping `g`.
pub fn kept(shapes: &[Shape], sal: &[Vec<f64>], conn: &Connectivity, g: &Groups) -> f64 {
    let mut sum = 0.0;
    for (l, s) in shapes.iter().enumerate() {
        let (Some(gin), Some(gout)) = (&g.0[l], &g.0[l + 1]) else {
            continue;
        };
        if !s.masked {
            continue;
        }
        for (o, &go) in gout.iter().enumerate() {
            for (i, &gi) in gin.iter().enumerate() {
                if conn.has(go, gi) {
                    sum += sal[l][o * s.inp + i];
                }
            }
        }
    }
    sum
}

fn permute_rows<T: Copy>(v: &mut Vec<T>, order: &[usize], row: usize) {
    let old = std::mem::take(v);
    *v = order
        .iter()
        .flat_map(|&u| old[u * row..(u + 1) * row].iter().copied())
        .collect();
}

fn permute_columns<T: Copy>(v: &mut [T], order: &[usize], s: Shape) {
    let mut row = Vec::with_capacity(s.inp * s.kk);
    for r in v.chunks_mut(s.inp * s.kk) {
        row.clear();
        row.extend(
            order
                .iter()
                .flat_map(|&u| r[u * s.kk..(u + 1) * s.kk].iter().copied()),
        );
        r.copy_from_slice(&row);
    }
}

/// Reorders per-layer statistics as [`apply`] reorders the units: layer `l`'s inputs are hidden
/// layer `l`, its outputs hidden layer `l + 1`.
pub fn apply_to_stats(st: &mut [LayerStats], orders: &[Vec<usize>]) {
    for (h, order) in orders.iter().enumerate().map(|(i, o)| (i + 1, o)) {
        if order.iter().enumerate().all(|(p, &u)| p == u) {
            continue;
        }
        permute_rows(&mut st[h - 1].out_mean, order, 1);
        permute_rows(&mut st[h - 1].out_var, order, 1);
        permute_rows(&mut st[h].in_sq, order, 1);
    }
}

/// Reorders hidden layer `h`'s units (`orders[h - 1]`, new position → old unit) in the layer
/// before (rows, bias, mask, BatchNorm) and the layer after (columns, mask).
pub fn apply(layers: &mut [Layer], norms: &mut [Norm], shapes: &[Shape], orders: &[Vec<usize>]) {
    for (h, order) in orders.iter().enumerate().map(|(i, o)| (i + 1, o)) {
        if order.iter().enumerate().all(|(p, &u)| p == u) {
            continue;
        }
        let (before, after) = (shapes[h - 1], shapes[h]);
        let l = &mut layers[h - 1];
        permute_rows(&mut l.weight, order, before.inp * before.kk);
        if let Some(b) = &mut l.bias {
            permute_rows(b, order, 1);
        }
        if let Some(m) = &mut l.mask {
            permute_rows(m, order, before.inp * before.kk);
        }
        if let Some(nm) = norms.get_mut(h - 1) {
            for v in [
                &mut nm.weight,
                &mut nm.bias,
                &mut nm.running_mean,
                &mut nm.running_var,
            ] {
                permute_rows(v, order, 1);
            }
        }
        let l = &mut layers[h];
        permute_columns(&mut l.weight, order, after);
        if let Some(m) = &mut l.mask {
            permute_columns(m, order, after);
        }
    }
}
