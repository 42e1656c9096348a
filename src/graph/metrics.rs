//! Everything shown next to a graph: path statistics, the Moore lower bound and the gap to it,
//! clustering, and the reference analysis's Gradient-Resistance (GR) and AOPU.

use super::{AsplKernel, Graph};
use serde::{Deserialize, Serialize};

/// Layers and width of the MLP the reference AOPU is computed for.
pub const AOPU_LAYERS: u32 = 15;
pub const AOPU_CHANNELS: u32 = 64;
/// The reference analysis stops counting walk lengths after this many.
pub const GR_CAP: u32 = 101;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub nodes: u32,
    pub degree: u32,
    /// Average shortest path length over ordered pairs (infinite if disconnected).
    pub aspl: f64,
    /// 0 if disconnected.
    pub diameter: u32,
    /// Sum of distances over ordered pairs (0 if disconnected).
    pub distance_sum: u64,
    /// Lower bound on the ASPL of any k-regular graph on n nodes (Cerf et al. 1974).
    pub moore_bound: f64,
    /// Lower bound on the diameter.
    pub moore_diameter: u32,
    /// `aspl - moore_bound`.
    pub gap: f64,
    /// `gap / moore_bound`, in percent.
    pub gap_percent: f64,
    /// Average local clustering coefficient (networkx `average_clustering`).
    pub clustering: f64,
    /// Global transitivity (networkx `transitivity`).
    pub transitivity: f64,
    /// Mean and maximum Gradient-Resistance.
    pub gr_mean: f64,
    pub gr_max: u32,
    /// Average output-neuron parameter usage for an `AOPU_LAYERS`-layer, `AOPU_CHANNELS`-wide MLP.
    pub aopu: f64,
    /// `distance_histogram[d]` = number of ordered pairs at distance `d` (`[0]` = n).
    pub distance_histogram: Vec<u64>,
    pub fingerprint: String,
    /// Fraction of masked weights kept, k/n.
    pub kept_fraction: f64,
    /// `walk_reach[L-1]`: fraction of the n² ordered group pairs that `L` stacked masked layers
    /// connect, `(A^L)_ij > 0`; `path_reach` the same with residual connections, `(I+A)^L`
    /// (see [`super::reach`]). `L = 1..=16`.
    #[serde(default)]
    pub walk_reach: Vec<f64>,
    #[serde(default)]
    pub path_reach: Vec<f64>,
}

impl Metrics {
    pub fn compute(g: &Graph) -> Metrics {
        Self::compute_with(g, AOPU_LAYERS, AOPU_CHANNELS)
    }

    /// As [`Metrics::compute`], with the AOPU for an MLP of `layers` layers of `channels` units.
    pub fn compute_with(g: &Graph, layers: u32, channels: u32) -> Metrics {
        let (n, k) = (g.n(), g.k());
        let hist = AsplKernel::new().histogram(g);
        let (aspl, diameter, distance_sum) = match &hist {
            Some(h) => {
                let sum: u64 = h.iter().enumerate().map(|(d, &c)| d as u64 * c).sum();
                (
                    sum as f64 / (n as f64 * (n as f64 - 1.0)),
                    h.len() as u32 - 1,
                    sum,
                )
            }
            None => (f64::INFINITY, 0, 0),
        };
        let (moore_bound, moore_diameter) = moore_bound(n, k);
        let (clustering, transitivity) = clustering(g);
        let gr = gradient_resistance(g, layers, channels);
        let reach = super::reach(g, super::REACH_DEPTHS);
        Metrics {
            nodes: n,
            degree: k,
            aspl,
            diameter,
            distance_sum,
            moore_bound,
            moore_diameter,
            gap: aspl - moore_bound,
            gap_percent: 100.0 * (aspl - moore_bound) / moore_bound,
            clustering,
            transitivity,
            gr_mean: gr.mean,
            gr_max: gr.max,
            aopu: gr.aopu,
            distance_histogram: hist.unwrap_or_default(),
            fingerprint: g.fingerprint(),
            kept_fraction: k as f64 / n as f64,
            walk_reach: reach.walk,
            path_reach: reach.path,
        }
    }
}

/// Cerf–Cowan–Mullin–Stanton lower bound: at most `k (k-1)^(i-1)` nodes at distance `i`, so
/// fill the levels greedily. Returns `(ASPL bound, diameter bound)`.
pub fn moore_bound(n: u32, k: u32) -> (f64, u32) {
    let (sum, d) = moore_sum(n, k);
    (sum as f64 / (n as f64 - 1.0), d)
}

/// Per-node distance sum of the bound and the diameter bound (exact integers).
pub fn moore_sum(n: u32, k: u32) -> (u64, u32) {
    let mut left = n as u64 - 1; // nodes still to place
    let mut level_size = k as u64;
    let (mut sum, mut d) = (0u64, 0u32);
    while left > 0 {
        d += 1;
        let here = level_size.min(left);
        sum += d as u64 * here;
        left -= here;
        // k(k-1)^(d-1) grows fast; once it exceeds n it no longer matters.
        level_size = level_size.saturating_mul(k as u64 - 1).min(n as u64).max(1);
    }
    (sum, d)
}

/// Average clustering and transitivity. Triangles at `i` = edges among `i`'s neighbours.
pub fn clustering(g: &Graph) -> (f64, f64) {
    let k = g.k() as f64;
    let pairs = k * (k - 1.0) / 2.0; // per node, every node has degree k
    let mut local_sum = 0.0;
    let mut triangles = 0u64;
    for i in 0..g.n() {
        let ri = g.row(i);
        let twice: u64 = g
            .neighbors(i)
            .iter()
            .map(|&j| {
                ri.iter()
                    .zip(g.row(j))
                    .map(|(a, b)| (a & b).count_ones() as u64)
                    .sum::<u64>()
            })
            .sum();
        let t = twice / 2;
        triangles += t;
        local_sum += t as f64 / pairs;
    }
    let clustering = local_sum / g.n() as f64;
    let transitivity = triangles as f64 / (pairs * g.n() as f64);
    (clustering, transitivity)
}

/// Gradient-Resistance and AOPU as the reference analysis defines them.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientResistance {
    /// `per_node[i]`: first walk length `t` at which exactly-`t`-edge walks from `i` reach every
    /// node (capped at [`GR_CAP`]).
    pub per_node: Vec<u32>,
    pub mean: f64,
    pub max: u32,
    pub aopu: f64,
}

/// `W_t(i)` = nodes at the end of walks of exactly `t` edges from `i`; `GR(i)` = first `t` with
/// `|W_t(i)| = n`; `AOPU(i) = (L - GR(i))·C + Σ_{t<GR(i)} |W_t(i)|`, averaged over nodes (not
/// clamped when `GR > L`, as in the reference). All sources at once:
/// `W_{t+1}(i) = ∪_{j ∈ N(i)} W_t(j)`.
pub fn gradient_resistance(g: &Graph, layers: u32, channels: u32) -> GradientResistance {
    let n = g.n() as usize;
    let w = g.words();
    let full = g.n() as u64;
    // W_1(i) = N(i): the adjacency rows.
    let mut cur: Vec<u64> = (0..g.n()).flat_map(|i| g.row(i).to_vec()).collect();
    let mut nxt = vec![0u64; n * w];
    let mut gr = vec![0u32; n];
    let mut partial = vec![0u64; n]; // Σ_{t<GR} |W_t|
    let mut open = n;
    for t in 1..=GR_CAP {
        for i in 0..n {
            if gr[i] != 0 {
                continue;
            }
            let size: u64 = cur[i * w..][..w]
                .iter()
                .map(|x| x.count_ones() as u64)
                .sum();
            if size == full || t == GR_CAP {
                gr[i] = t;
                open -= 1;
            } else {
                partial[i] += size;
            }
        }
        if open == 0 {
            break;
        }
        for i in 0..n {
            let out = &mut nxt[i * w..][..w];
            out.fill(0);
            for &j in g.neighbors(i as u32) {
                for (o, x) in out.iter_mut().zip(&cur[j as usize * w..][..w]) {
                    *o |= x;
                }
            }
        }
        std::mem::swap(&mut cur, &mut nxt);
    }
    let aopu_sum: f64 = gr
        .iter()
        .zip(&partial)
        .map(|(&t, &p)| (layers as f64 - t as f64) * channels as f64 + p as f64)
        .sum();
    GradientResistance {
        mean: gr.iter().map(|&t| t as f64).sum::<f64>() / n as f64,
        max: gr.iter().copied().max().unwrap_or(0),
        aopu: aopu_sum / n as f64,
        per_node: gr,
    }
}
