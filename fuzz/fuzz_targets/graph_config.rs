//! The graph configuration as JSON text: what the graph worker hands the wasm module for every
//! search, family and link (`config_from_json_str`, behind `check_config`, `Search`, `Family`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::search::Runner;
use rgp::web::config_check::problem_of;
use rgp::web::graph_api::config_from_json_str;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The page's check (family rules and the tab's memory included) never panics either.
    let _ = problem_of(text, true);
    let Ok(cfg) = config_from_json_str(text) else {
        return;
    };
    // What the module writes back reads back as the same configuration.
    let again = serde_json::to_string(&cfg).expect("a configuration serialises");
    assert_eq!(config_from_json_str(&again).expect("reads back"), cfg);
    // A valid configuration starts a search without panicking (small graphs: the budget of one
    // input stays in milliseconds).
    if cfg.nodes <= 48 {
        if let Ok(mut run) = Runner::new(&cfg) {
            run.step(64);
        }
    }
});
