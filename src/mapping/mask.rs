//! Block masks: `M[out, in] = B[g(out), g(in)]`, where `B` is the graph's adjacency (zero
//! diagonal, as in the reference code) or, for the ablation, the adjacency plus self-loops.

use super::groups::{compute_size, offsets};
use crate::graph::Graph;
use crate::{Result, bail};

/// Which node groups feed which: row `i` lists (sorted) the input groups that output group `i`
/// reads. Built once from the graph and shared by every masked layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connectivity {
    n: u32,
    self_loops: bool,
    rows: Vec<Vec<u32>>,
}

impl Connectivity {
    pub fn from_graph(g: &Graph, self_loops: bool) -> Connectivity {
        let rows = (0..g.n())
            .map(|i| {
                let mut r = g.neighbors(i).to_vec();
                if self_loops {
                    r.push(i);
                }
                r.sort_unstable();
                r
            })
            .collect();
        Connectivity {
            n: g.n(),
            self_loops,
            rows,
        }
    }

    /// From a neighbour table as a file stores it (row `i`: the input groups output group `i`
    /// reads): rows of one length, sorted, without repeats, naming groups below `n`; a group
    /// reading itself marks the self-loop variant.
    pub fn from_rows(rows: Vec<Vec<u32>>) -> Result<Connectivity> {
        let n = rows.len();
        let len = rows.first().map_or(0, Vec::len);
        if n == 0 || len == 0 || u32::try_from(n).is_err() {
            bail!("the graph's neighbour table is empty");
        }
        for (i, r) in rows.iter().enumerate() {
            let fits = r.len() == len
                && r.windows(2).all(|w| w[0] < w[1])
                && r.iter().all(|&j| (j as usize) < n);
            if !fits {
                bail!(
                    "row {i} of the graph's neighbour table is not {len} sorted, distinct groups below {n}"
                );
            }
        }
        let self_loops = rows
            .iter()
            .enumerate()
            .any(|(i, r)| r.binary_search(&(i as u32)).is_ok());
        Ok(Connectivity {
            n: n as u32,
            self_loops,
            rows,
        })
    }

    /// The neighbour table, row by row.
    pub fn rows(&self) -> &[Vec<u32>] {
        &self.rows
    }

    /// All-ones connectivity (every group reads every group): the dense layer as a mask.
    pub fn complete(n: u32) -> Connectivity {
        Connectivity {
            n,
            self_loops: true,
            rows: (0..n).map(|_| (0..n).collect()).collect(),
        }
    }

    pub fn n(&self) -> u32 {
        self.n
    }

    pub fn self_loops(&self) -> bool {
        self.self_loops
    }

    /// Input groups read by output group `i`.
    pub fn row(&self, i: u32) -> &[u32] {
        &self.rows[i as usize]
    }

    /// Ones per row: `k`, or `k + 1` with self-loops.
    pub fn row_len(&self) -> u32 {
        self.rows[0].len() as u32
    }

    /// Kept fraction of a masked layer whose widths `n` divides: `row_len / n`.
    pub fn kept_fraction(&self) -> f64 {
        self.row_len() as f64 / self.n as f64
    }

    pub fn has(&self, i: u32, j: u32) -> bool {
        self.rows[i as usize].binary_search(&j).is_ok()
    }

    /// Number of kept weights per kernel position of an `out × in` layer:
    /// `Σ_ij B[i,j] · size_out(i) · size_in(j)`, exact for any widths ≥ n.
    pub fn kept(&self, out_ch: u32, in_ch: u32) -> Result<u64> {
        let so = compute_size(out_ch, self.n)?;
        let si = compute_size(in_ch, self.n)?;
        Ok(self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| so[i] as u64 * r.iter().map(|&j| si[j as usize] as u64).sum::<u64>())
            .sum())
    }
}

/// The `out_ch × in_ch` 0/1 mask, row-major (`m[o * in_ch + i]`). A conv layer uses the same
/// matrix broadcast over its kernel window.
pub fn mask_matrix(c: &Connectivity, out_ch: u32, in_ch: u32) -> Result<Vec<f32>> {
    let so = compute_size(out_ch, c.n())?;
    let si = compute_size(in_ch, c.n())?;
    let (oo, oi) = (offsets(&so), offsets(&si));
    let mut m = vec![0f32; out_ch as usize * in_ch as usize];
    for g in 0..c.n() {
        for o in oo[g as usize]..oo[g as usize + 1] {
            let row = &mut m[o as usize * in_ch as usize..][..in_ch as usize];
            for &j in c.row(g) {
                row[oi[j as usize] as usize..oi[j as usize + 1] as usize].fill(1.0);
            }
        }
    }
    Ok(m)
}

/// The paper's "accelerate" layout: when `n` divides both widths every output group reads the
/// same number of equally sized input groups, so the kept weights pack into `n` dense blocks of
/// `group_out × (row_len · group_in)`, and the inputs each block reads are one gather away.
/// Only kept weights are stored and multiplied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackedBlocks {
    pub n: u32,
    pub group_in: u32,
    pub group_out: u32,
    pub row_len: u32,
    /// `n · row_len · group_in` input-channel indices: block `i` reads
    /// `gather[i * row_len * group_in ..][.. row_len * group_in]`.
    pub gather: Vec<u32>,
}

impl PackedBlocks {
    /// `None` when the widths are not multiples of `n` (then the masked dense form is used).
    pub fn new(c: &Connectivity, out_ch: u32, in_ch: u32) -> Result<Option<PackedBlocks>> {
        let n = c.n();
        if out_ch < n || in_ch < n {
            bail!(
                "a masked layer needs at least {n} channels on each side (got {in_ch} -> {out_ch})"
            );
        }
        if !out_ch.is_multiple_of(n) || !in_ch.is_multiple_of(n) {
            return Ok(None);
        }
        let (gi, go) = (in_ch / n, out_ch / n);
        let mut gather = Vec::with_capacity((n * c.row_len() * gi) as usize);
        for i in 0..n {
            for &j in c.row(i) {
                gather.extend(j * gi..(j + 1) * gi);
            }
        }
        Ok(Some(PackedBlocks {
            n,
            group_in: gi,
            group_out: go,
            row_len: c.row_len(),
            gather,
        }))
    }

    /// Inputs per block: `row_len · group_in`.
    pub fn block_in(&self) -> u32 {
        self.row_len * self.group_in
    }

    /// The kept weights of row-major `[out, inp, kk]` weights in `[n, group_out, block_in, kk]`
    /// order: block `i`, its output `o'`, its `r`-th neighbour group's input `t`, position `p`.
    pub fn pack(&self, w: &[f32], inp: usize, kk: usize) -> Vec<f32> {
        let (n, go, bi) = (
            self.n as usize,
            self.group_out as usize,
            self.block_in() as usize,
        );
        let mut out = Vec::with_capacity(n * go * bi * kk);
        for i in 0..n {
            for o in 0..go {
                let row = i * go + o;
                for &c in &self.gather[i * bi..(i + 1) * bi] {
                    out.extend_from_slice(&w[(row * inp + c as usize) * kk..][..kk]);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::generate::ring;

    #[test]
    fn mask_follows_the_adjacency() {
        let g = ring(8, 2).unwrap();
        let c = Connectivity::from_graph(&g, false);
        // 11 outputs, 10 inputs over 8 groups: sizes [2,2,2,1,1,1,1,1] and [2,2,1,...].
        let m = mask_matrix(&c, 11, 10).unwrap();
        let gout = crate::mapping::group_of(&compute_size(11, 8).unwrap());
        let gin = crate::mapping::group_of(&compute_size(10, 8).unwrap());
        for o in 0..11 {
            for i in 0..10 {
                let want = g.has_edge(gout[o], gin[i]);
                assert_eq!(m[o * 10 + i] == 1.0, want, "o={o} i={i}");
            }
        }
        let ones = m.iter().filter(|&&x| x == 1.0).count() as u64;
        assert_eq!(ones, c.kept(11, 10).unwrap());
        // The diagonal block is empty without self-loops, full with them.
        assert_eq!(m[0], 0.0);
        let m2 = mask_matrix(&Connectivity::from_graph(&g, true), 11, 10).unwrap();
        assert_eq!(m2[0], 1.0);
    }

    #[test]
    fn packed_gather_lists_neighbour_channels() {
        let g = ring(4, 2).unwrap();
        let c = Connectivity::from_graph(&g, false);
        let p = PackedBlocks::new(&c, 8, 12).unwrap().unwrap();
        assert_eq!((p.group_in, p.group_out, p.row_len), (3, 2, 2));
        // Node 0 reads nodes 1 and 3: input channels 3..6 and 9..12.
        assert_eq!(&p.gather[..6], &[3, 4, 5, 9, 10, 11]);
        assert!(PackedBlocks::new(&c, 9, 12).unwrap().is_none());
        assert!(PackedBlocks::new(&c, 3, 12).is_err());
    }
}
