//! Exports the pinned-fingerprint check to JavaScript without any glue: `pinned_rows()` and
//! `check_row(i)` (1 when row `i` gives its pinned graph and ASPL), and `kernel_mismatches()`,
//! the ASPL kernel against a plain BFS on every row width (the wasm32 build has its own SIMD
//! code for the kernel's row operations).

use rgp::graph::{AsplKernel, Graph, generate};

#[allow(dead_code)]
mod reference {
    include!("../../../tests/core/reference.rs");
}
use reference::bfs_hist;

#[allow(dead_code)]
mod pinned {
    include!("../../../tests/core/graph_fingerprints.rs");
}

#[unsafe(no_mangle)]
pub extern "C" fn pinned_rows() -> u32 {
    pinned::PINNED.len() as u32
}

#[unsafe(no_mangle)]
pub extern "C" fn check_row(i: u32) -> u32 {
    (i < pinned_rows() && pinned::check_row(i as usize).is_ok()) as u32
}

/// Sizes covering row widths 1 to 16 words (n not a multiple of 64 included), checked with
/// one kernel in turn so that its buffers are reused across widths; then two disjoint rings.
#[unsafe(no_mangle)]
pub extern "C" fn kernel_mismatches() -> u32 {
    let mut kern = AsplKernel::new();
    let mut bad = 0;
    for (n, k) in [
        (64u32, 4u32),
        (65, 4),
        (127, 6),
        (128, 8),
        (190, 6),
        (256, 16),
        (320, 10),
        (400, 6),
        (512, 16),
        (600, 10),
        (777, 4),
        (1024, 8),
        (300, 250),
        (64, 4),
    ] {
        let g = generate::random(n, k, 11).expect("valid size");
        let h = bfs_hist(&g);
        let sum = h
            .as_ref()
            .map(|h| h.iter().enumerate().map(|(d, &c)| d as u64 * c).sum());
        let stats = kern.stats(&g);
        if kern.histogram(&g) != h || stats.map(|s| s.sum) != sum {
            bad += 1;
        }
    }
    let two_rings: Vec<(u32, u32)> = (0..200u32)
        .map(|i| (i, (i + 1) % 100 + i / 100 * 100))
        .collect();
    let g = Graph::from_edges(200, &two_rings).expect("2-regular");
    if kern.stats(&g).is_some() || bfs_hist(&g).is_some() {
        bad += 1;
    }
    bad
}
