//! A sweep's `sweep.json` (`rgp sweep plan|run|merge`, the shards, a resumed sweep): any bytes
//! either give a configuration that validates and reads back as itself (its resume identity
//! too), or are refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::sweep::config::SweepConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(cfg) = serde_json::from_slice::<SweepConfig>(data) else { return };
    if cfg.validate().is_err() {
        return;
    }
    let text = serde_json::to_string(&cfg).expect("a configuration serialises");
    let back: SweepConfig = serde_json::from_str(&text).expect("a configuration this code wrote reads back");
    assert_eq!(back, cfg);
    assert_eq!(back.identity(), cfg.identity());
    back.validate().expect("a valid configuration stays valid");
});
