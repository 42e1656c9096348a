//! All-sources BFS on bitsets (the Graph Golf / ODP "matrix" method): row `i` of the state is the
//! set of nodes within distance `L` of `i`; one level ORs each node's row with its k neighbours'
//! rows. Cost per level: `n·k·W` word ORs and `n·W` popcounts, `W = ceil(n/64)`.
//! The level at which nothing grows tells us the graph is disconnected, for free.

use super::{Graph, MAX_NODES};

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
    /// wasm32: the neighbour table as byte offsets of rows (see `lanes`).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    offsets: Vec<u32>,
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
            // wasm32 ORs rows in 128-bit lanes, so its rows are an even number of words.
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            3 => self.run::<3>(g, job),
            3..=4 => self.run::<4>(g, job),
            5..=6 => self.run::<6>(g, job),
            7..=8 => self.run::<8>(g, job),
            9..=12 => self.run::<12>(g, job),
            _ => self.run::<16>(g, job),
        }
    }

    /// Level 1 is read off the adjacency bitsets; each later level ORs the open rows with
    /// their neighbours' rows. A row that reaches every node is written to both buffers and
    /// closed, so the last levels touch only the nodes of high eccentricity.
    ///
    /// On x86_64 it is inlined into the dispatch functions, whose target features it needs. On
    /// wasm32 each row width is a function of its own: the engine compiles the optimised code
    /// of a function once it is hot, and one width at a time is compiled much sooner than all.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline(never))]
    fn run<const W: usize>(&mut self, g: &Graph, mut job: Job) -> Eval {
        let n = g.n() as usize;
        let k = g.k() as usize;
        let words = g.words();
        let total = (n * n) as u64;
        // Rows past n are never read; rows below n are written before they are read.
        for buf in [&mut self.cur, &mut self.nxt] {
            if buf.len() != ROWS * W {
                buf.clear();
                buf.resize(ROWS * W, 0);
            }
        }
        let mut full = [0u64; W];
        for (i, f) in full.iter_mut().enumerate().take(words) {
            let bits = n - 64 * i;
            *f = if bits >= 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
        }
        // Level 1: the adjacency rows. A node's own bit is left out: level 2 ORs in the rows of
        // its neighbours, which all hold it.
        {
            let cur: &mut [[u64; W]] = as_rows_mut(&mut self.cur);
            // wasm32 copies a row wider than 64 bytes with a `memory.copy`, a call out of the
            // module; word by word is faster there.
            let whole = cfg!(not(target_family = "wasm")) || W <= 8;
            for (i, row) in cur[..n].iter_mut().enumerate() {
                let src = g.row(i as u32);
                match <&[u64; W]>::try_from(src) {
                    Ok(src) if whole => *row = *src,
                    _ => {
                        for (w, x) in row.iter_mut().enumerate() {
                            *x = src.get(w).copied().unwrap_or(0);
                        }
                    }
                }
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
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let offsets = W
            .is_multiple_of(2)
            .then(|| lanes::Offsets::<W>::new(&mut self.offsets, table));
        while reached < total {
            let lower = sum + (level as u64 + 1) * (total - reached);
            if lower > job.max_sum || level >= job.max_diameter {
                return Eval::Cut;
            }
            level += 1;
            let (cur, nxt) = (rows::<W>(&self.cur), rows_mut::<W>(&mut self.nxt));
            let closed_before = (n - self.open.len()) as u64;
            let mut count = 0u64;
            let mut kept = 0;
            self.closing.clear();
            let open = &mut self.open[..];
            let closing = &mut self.closing;
            for idx in 0..open.len() {
                let i = open[idx];
                let at = i as usize * k;
                let out = &mut nxt[node(i)];
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                let c = match offsets {
                    Some(o) => lanes::reach(cur, i, o.slice(at, k), out),
                    None => reach(cur, i, &table[at..at + k], out),
                };
                #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
                let c = reach(cur, i, &table[at..at + k], out);
                count += c as u64;
                if c as usize == n {
                    closing.push(i);
                } else {
                    open[kept] = i;
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
            let cur = rows_mut::<W>(&mut self.cur);
            fill_rows(cur, &self.closing, &full);
            std::mem::swap(&mut self.cur, &mut self.nxt);
        }
        Eval::Done(PathStats {
            sum,
            diameter: level,
        })
    }
}

/// Sets the rows of nodes `which` to `full`.
#[inline(always)]
fn fill_rows<const W: usize>(rows: &mut Rows<W>, which: &[u32], full: &[u64; W]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if W.is_multiple_of(2) {
        return lanes::fill_rows(rows, which, full);
    }
    for &i in which {
        rows[node(i)] = *full;
    }
}

/// Row `i` ORed with its neighbours' rows, written to `out`; returns its number of set bits.
#[inline(always)]
fn reach<const W: usize>(cur: &Rows<W>, i: u32, nbrs: &[u32], out: &mut [u64; W]) -> u32 {
    let mut acc = cur[node(i)];
    for &j in nbrs {
        // One-word rows: the checked index keeps LLVM from turning the k ORs into a gather
        // loop, which is slower for the small k of these graphs.
        let r = if W == 1 {
            &cur[j as usize]
        } else {
            &cur[node(j)]
        };
        for w in 0..W {
            acc[w] |= r[w];
        }
    }
    *out = acc;
    acc.iter().map(|a| a.count_ones()).sum()
}

/// The row OR in wasm32's 128-bit lanes. Left to itself, LLVM keeps the accumulator in 64-bit
/// scalars and packs and unpacks a vector around every OR.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use super::{Rows, node};
    use core::arch::wasm32::*;

    /// Lane `h` of a row of `W` words, `W` even.
    #[inline(always)]
    fn load<const W: usize>(row: &[u64; W], h: usize) -> v128 {
        assert!(2 * h + 1 < W);
        // SAFETY: words 2h and 2h+1 are inside the row (checked above, folded away for the
        // constant h of the unrolled loops); v128_load reads unaligned.
        unsafe { v128_load(row.as_ptr().add(2 * h).cast()) }
    }

    #[inline(always)]
    fn store<const W: usize>(row: &mut [u64; W], h: usize, x: v128) {
        assert!(2 * h + 1 < W);
        // SAFETY: as in `load`.
        unsafe { v128_store(row.as_mut_ptr().add(2 * h).cast(), x) }
    }

    /// One lane at a time: row by row, LLVM turns the copy of a wide row into a `memory.copy`,
    /// which the engine runs as a call out of the module.
    #[inline(always)]
    pub fn fill_rows<const W: usize>(rows: &mut Rows<W>, which: &[u32], full: &[u64; W]) {
        for h in 0..W / 2 {
            let x = load(full, h);
            for &i in which {
                store(&mut rows[node(i)], h, x);
            }
        }
    }

    /// Lanes kept in registers at once: wider rows take several passes over the neighbours
    /// (one pass of eight lanes was 10% slower at 1024 nodes).
    const PASS: usize = 4;

    /// The neighbour table as byte offsets of rows in a [`Rows`] buffer: no mask or shift per
    /// neighbour in the innermost loop. Only [`Offsets::new`] makes them, each
    /// `node(j) * size_of::<[u64; W]>()`, the start of a row, so [`Offsets::row`] needs no bounds
    /// check.
    #[derive(Clone, Copy)]
    pub struct Offsets<'a, const W: usize>(&'a [u32]);

    impl<'a, const W: usize> Offsets<'a, W> {
        pub fn new(buf: &'a mut Vec<u32>, table: &[u32]) -> Self {
            buf.clear();
            buf.extend(
                table
                    .iter()
                    .map(|&j| (node(j) * size_of::<[u64; W]>()) as u32),
            );
            Offsets(buf)
        }

        /// Entries `at..at + len`.
        #[inline(always)]
        pub fn slice(self, at: usize, len: usize) -> Self {
            Offsets(&self.0[at..at + len])
        }

        /// The row at offset `o`, an entry (not bounds-checked).
        #[inline(always)]
        fn row(rows: &Rows<W>, o: u32) -> &[u64; W] {
            let o = o as usize;
            debug_assert!(o.is_multiple_of(size_of::<[u64; W]>()) && o < size_of::<Rows<W>>());
            // SAFETY: the entries of an `Offsets` are byte offsets of rows below ROWS (see
            // `new`), so the row lies inside `rows`.
            unsafe { &*rows.as_ptr().cast::<u8>().add(o).cast::<[u64; W]>() }
        }
    }

    // Indexed loops over `acc` keep the accumulators in v128 registers.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    pub fn reach<const W: usize>(
        cur: &Rows<W>,
        i: u32,
        nbrs: Offsets<W>,
        out: &mut [u64; W],
    ) -> u32 {
        let lanes = W / 2;
        let row = &cur[node(i)];
        let mut c = 0;
        let mut first = 0;
        while first < lanes {
            let m = PASS.min(lanes - first);
            let mut acc = [u64x2_splat(0); PASS];
            for h in 0..m {
                acc[h] = load(row, first + h);
            }
            for &o in nbrs.0 {
                let r = Offsets::row(cur, o);
                for h in 0..m {
                    acc[h] = v128_or(acc[h], load(r, first + h));
                }
            }
            for h in 0..m {
                store(out, first + h, acc[h]);
                c += u64x2_extract_lane::<0>(acc[h]).count_ones()
                    + u64x2_extract_lane::<1>(acc[h]).count_ones();
            }
            first += PASS;
        }
        c
    }
}

/// A scratch buffer as `ROWS` rows of `W` words. Node numbers are below `MAX_NODES = ROWS`, a
/// power of two, so [`node`] maps them into range without a bounds check.
type Rows<const W: usize> = [[u64; W]; ROWS];
const ROWS: usize = MAX_NODES as usize;
const _: () = assert!(ROWS.is_power_of_two());

/// Row index of node `i` (the mask changes nothing for a valid node; it lets the compiler drop
/// the bounds check in the innermost loop).
#[inline(always)]
fn node(i: u32) -> usize {
    i as usize & (ROWS - 1)
}

fn rows<const W: usize>(v: &[u64]) -> &Rows<W> {
    as_rows(v)
        .first_chunk()
        .expect("scratch buffers hold ROWS rows")
}

fn rows_mut<const W: usize>(v: &mut [u64]) -> &mut Rows<W> {
    as_rows_mut(v)
        .first_chunk_mut()
        .expect("scratch buffers hold ROWS rows")
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
