//! Graph import from a `.csv` file (the app's Open button, `rgp` commands that read graphs).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((g, _)) = rgp::io::import(data, "graph.csv") {
        common::check_accepted(&g);
    }
});
