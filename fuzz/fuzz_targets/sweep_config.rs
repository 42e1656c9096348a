//! A sweep's `sweep.json` (`rgp sweep run|merge|report` and the shards): any JSON either gives a
//! configuration that validates and reads back as itself, or is refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::sweep::plan::SweepConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(cfg) = serde_json::from_slice::<SweepConfig>(data) else { return };
    if cfg.validate().is_err() {
        return;
    }
    let text = serde_json::to_string(&cfg).expect("a configuration serialises");
    let back: SweepConfig = serde_json::from_str(&text).expect("a configuration this code wrote reads back");
    assert_eq!(back, cfg);
});
