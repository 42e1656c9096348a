//! All-sources BFS on bitsets (the Graph Golf / ODP "matrix" method): row `i` of the state is the
//! set of nodes within distance `L` of `i`; one level ORs each node's row with its k neighbours'
//! rows. Cost per level: `n·k·W` word ORs and `n·W` popcounts, `W = ceil(n/64)`.
//! The level at which nothing grows tells us the graph is disconnected, for free.

use super::Graph;

/// Exact path statistics of a connected graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathStats {
    /// Sum of distances over ordered pairs `i != j`.
    pub sum: u64,
    pub diameter: u32,
}

impl PathStats {
    /// ASPL = sum / (n (n-1)).
    pub fn aspl(&self, n: u32) -> f64 {
        self.sum as f64 / (n as f64 * (n as f64 - 1.0))
    }
}

/// Result of one bounded evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eval {
    Done(PathStats),
    /// Some pair is unreachable.
    Disconnected,
    /// Stopped early: the distance sum is certainly above the caller's bound.
    Cut,
}

/// Scratch buffers for repeated evaluations of graphs with the same `n`.
#[derive(Clone, Debug, Default)]
pub struct AsplKernel {
    cur: Vec<u64>,
    nxt: Vec<u64>,
    evaluations: u64,
}

impl AsplKernel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of evaluations run so far (for evaluations/s readouts).
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// Full evaluation: `None` if the graph is disconnected.
    pub fn stats(&mut self, g: &Graph) -> Option<PathStats> {
        match self.eval(g, u64::MAX, u32::MAX) {
            Eval::Done(s) => Some(s),
            _ => None,
        }
    }

    /// Evaluation with an early exit: returns [`Eval::Cut`] as soon as the distance sum is sure to
    /// exceed `max_sum`, or the diameter to exceed `max_diameter`.
    pub fn eval(&mut self, g: &Graph, max_sum: u64, max_diameter: u32) -> Eval {
        self.evaluations += 1;
        match g.words() {
            1 => self.run::<1>(g, max_sum, max_diameter, None),
            2 => self.run::<2>(g, max_sum, max_diameter, None),
            3..=4 => self.run::<4>(g, max_sum, max_diameter, None),
            5..=8 => self.run::<8>(g, max_sum, max_diameter, None),
            _ => self.run::<16>(g, max_sum, max_diameter, None),
        }
    }

    /// Number of ordered pairs at each distance `0..=diameter` (`hist[0] = n`), or `None` if
    /// disconnected.
    pub fn histogram(&mut self, g: &Graph) -> Option<Vec<u64>> {
        let mut hist = vec![g.n() as u64];
        let r = match g.words() {
            1 => self.run::<1>(g, u64::MAX, u32::MAX, Some(&mut hist)),
            2 => self.run::<2>(g, u64::MAX, u32::MAX, Some(&mut hist)),
            3..=4 => self.run::<4>(g, u64::MAX, u32::MAX, Some(&mut hist)),
            5..=8 => self.run::<8>(g, u64::MAX, u32::MAX, Some(&mut hist)),
            _ => self.run::<16>(g, u64::MAX, u32::MAX, Some(&mut hist)),
        };
        matches!(r, Eval::Done(_)).then_some(hist)
    }

    fn run<const W: usize>(
        &mut self,
        g: &Graph,
        max_sum: u64,
        max_diameter: u32,
        mut hist: Option<&mut Vec<u64>>,
    ) -> Eval {
        let n = g.n() as usize;
        let k = g.k() as usize;
        let total = (n * n) as u64;
        self.cur.clear();
        self.cur.resize(n * W, 0);
        self.nxt.resize(n * W, 0);
        for i in 0..n {
            self.cur[i * W + i / 64] = 1u64 << (i % 64);
        }
        let table = g.table();
        let mut reached = n as u64;
        let mut sum = 0u64;
        let mut level = 0u32;
        loop {
            level += 1;
            let cur: &[[u64; W]] = as_rows(&self.cur);
            let nxt: &mut [[u64; W]] = as_rows_mut(&mut self.nxt);
            let mut count = 0u64;
            for i in 0..n {
                let mut acc = cur[i];
                for &j in &table[i * k..(i + 1) * k] {
                    let r = &cur[j as usize];
                    for (a, x) in acc.iter_mut().zip(r) {
                        *a |= x;
                    }
                }
                for w in 0..W {
                    count += acc[w].count_ones() as u64;
                }
                nxt[i] = acc;
            }
            if count == reached {
                return Eval::Disconnected;
            }
            sum += level as u64 * (count - reached);
            if let Some(h) = hist.as_deref_mut() {
                h.push(count - reached);
            }
            reached = count;
            std::mem::swap(&mut self.cur, &mut self.nxt);
            if reached == total {
                return Eval::Done(PathStats {
                    sum,
                    diameter: level,
                });
            }
            // Every pair still unreached is at distance > level.
            let lower = sum + (level as u64 + 1) * (total - reached);
            if lower > max_sum || level >= max_diameter {
                return Eval::Cut;
            }
        }
    }
}

fn as_rows<const W: usize>(v: &[u64]) -> &[[u64; W]] {
    let (rows, rest) = v.as_chunks::<W>();
    debug_assert!(rest.is_empty());
    rows
}

fn as_rows_mut<const W: usize>(v: &mut [u64]) -> &mut [[u64; W]] {
    let (rows, rest) = v.as_chunks_mut::<W>();
    debug_assert!(rest.is_empty());
    rows
}
