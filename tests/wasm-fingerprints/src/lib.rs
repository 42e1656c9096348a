//! Exports the pinned-fingerprint check to JavaScript without any glue: `pinned_rows()` and
//! `check_row(i)` (1 when row `i` gives its pinned graph and ASPL).

#[allow(dead_code)]
mod pinned {
    include!("../../../tests/graph_fingerprints.rs");
}

#[unsafe(no_mangle)]
pub extern "C" fn pinned_rows() -> u32 {
    pinned::PINNED.len() as u32
}

#[unsafe(no_mangle)]
pub extern "C" fn check_row(i: u32) -> u32 {
    (i < pinned_rows() && pinned::check_row(i as usize).is_ok()) as u32
}
