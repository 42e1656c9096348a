//! A sweep's `graphs.json` (`rgp sweep run|merge`, the depth runs): any bytes either parse to
//! graphs that rebuild into graphs of their stated size, or are refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::sweep::family::SweepGraphs;

fuzz_target!(|data: &[u8]| {
    let Ok(graphs) = serde_json::from_slice::<SweepGraphs>(data) else { return };
    let pairs = graphs.degrees.iter().flatten();
    for g in graphs.family.iter().chain(pairs).take(16) {
        if let Ok(built) = g.graph() {
            assert_eq!(built.n(), g.nodes);
        }
    }
});
