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

/// Scratch buffers for repeated evaluations.
#[derive(Clone, Debug, Default)]
pub struct AsplKernel {
    cur: Vec<u64>,
    nxt: Vec<u64>,
    /// Rows whose reach is not yet every node, and those that got there this level.
    open: Vec<u32>,
    closing: Vec<u32>,
    evaluations: u64,
}

/// Per-evaluation limits and output.
struct Job<'a> {
    max_sum: u64,
    max_diameter: u32,
    hist: Option<&'a mut Vec<u64>>,
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

    /// Evaluation with an early exit: returns [`Eval::Cut`] as soon as the distance sum is sure
    /// to exceed `max_sum`, or the diameter to exceed `max_diameter`. A `Done` result may still
    /// have a sum above `max_sum` (the bound is only checked between levels).
    pub fn eval(&mut self, g: &Graph, max_sum: u64, max_diameter: u32) -> Eval {
        self.evaluations += 1;
        self.dispatch(
            g,
            Job {
                max_sum,
                max_diameter,
                hist: None,
            },
        )
    }

    /// Number of ordered pairs at each distance `0..=diameter` (`hist[0] = n`), or `None` if
    /// disconnected.
    pub fn histogram(&mut self, g: &Graph) -> Option<Vec<u64>> {
        let mut hist = vec![g.n() as u64];
        let job = Job {
            max_sum: u64::MAX,
            max_diameter: u32::MAX,
            hist: Some(&mut hist),
        };
        matches!(self.dispatch(g, job), Eval::Done(_)).then_some(hist)
    }

    /// Picks the row width (a const generic, so the word loops unroll) and, on x86_64, a build
    /// of the loop with the hardware popcount (and AVX2 for wide rows) when the CPU has them.
    fn dispatch(&mut self, g: &Graph, job: Job) -> Eval {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("popcnt")
            {
                // SAFETY: the CPU supports the features the function is compiled for.
                return unsafe { self.dispatch_avx2(g, job) };
            }
            if std::arch::is_x86_feature_detected!("popcnt") {
                // SAFETY: as above.
                return unsafe { self.dispatch_popcnt(g, job) };
            }
        }
        self.dispatch_portable(g, job)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt")]
    unsafe fn dispatch_avx2(&mut self, g: &Graph, job: Job) -> Eval {
        self.dispatch_portable(g, job)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn dispatch_popcnt(&mut self, g: &Graph, job: Job) -> Eval {
        self.dispatch_portable(g, job)
    }

    #[inline(always)]
    fn dispatch_portable(&mut self, g: &Graph, job: Job) -> Eval {
        match g.words() {
            1 => self.run::<1>(g, job),
            2 => self.run::<2>(g, job),
            3 => self.run::<3>(g, job),
            4 => self.run::<4>(g, job),
            5..=6 => self.run::<6>(g, job),
            7..=8 => self.run::<8>(g, job),
            9..=12 => self.run::<12>(g, job),
            _ => self.run::<16>(g, job),
        }
    }

    /// Level 1 is read off the adjacency bitsets; each later level ORs the open rows with
    /// their neighbours' rows. A row that reaches every node is written to both buffers and
    /// closed, so the last levels touch only the nodes of high eccentricity.
    #[inline(always)]
    fn run<const W: usize>(&mut self, g: &Graph, mut job: Job) -> Eval {
        let n = g.n() as usize;
        let k = g.k() as usize;
        let words = g.words();
        let total = (n * n) as u64;
        self.cur.clear();
        self.cur.resize(n * W, 0);
        self.nxt.clear();
        self.nxt.resize(n * W, 0);
        let mut full = [0u64; W];
        for (i, f) in full.iter_mut().enumerate().take(words) {
            let bits = n - 64 * i;
            *f = if bits >= 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
        }
        {
            let cur: &mut [[u64; W]] = as_rows_mut(&mut self.cur);
            for (i, row) in cur.iter_mut().enumerate() {
                row[..words].copy_from_slice(g.row(i as u32));
                row[i / 64] |= 1u64 << (i % 64);
            }
        }
        self.open.clear();
        self.open.extend(0..n as u32);
        let mut reached = (n + n * k) as u64;
        let mut sum = (n * k) as u64;
        if let Some(h) = job.hist.as_deref_mut() {
            h.push((n * k) as u64);
        }
        let mut level = 1u32;
        let table = g.table();
        while reached < total {
            let lower = sum + (level as u64 + 1) * (total - reached);
            if lower > job.max_sum || level >= job.max_diameter {
                return Eval::Cut;
            }
            level += 1;
            let (cur, nxt) = (as_rows::<W>(&self.cur), as_rows_mut::<W>(&mut self.nxt));
            let closed_before = (n - self.open.len()) as u64;
            let mut count = 0u64;
            let mut kept = 0;
            self.closing.clear();
            for idx in 0..self.open.len() {
                let i = self.open[idx] as usize;
                let mut acc = cur[i];
                for &j in &table[i * k..(i + 1) * k] {
                    let r = &cur[j as usize];
                    for w in 0..W {
                        acc[w] |= r[w];
                    }
                }
                let mut c = 0u32;
                for a in &acc {
                    c += a.count_ones();
                }
                count += c as u64;
                nxt[i] = acc;
                if c as usize == n {
                    self.closing.push(i as u32);
                } else {
                    self.open[kept] = i as u32;
                    kept += 1;
                }
            }
            let now = count + closed_before * n as u64;
            if now == reached {
                return Eval::Disconnected;
            }
            sum += level as u64 * (now - reached);
            if let Some(h) = job.hist.as_deref_mut() {
                h.push(now - reached);
            }
            reached = now;
            self.open.truncate(kept);
            // A closed row is never recomputed, so both buffers must hold it.
            let cur = as_rows_mut::<W>(&mut self.cur);
            for &i in &self.closing {
                cur[i as usize] = full;
            }
            std::mem::swap(&mut self.cur, &mut self.nxt);
        }
        Eval::Done(PathStats {
            sum,
            diameter: level,
        })
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
