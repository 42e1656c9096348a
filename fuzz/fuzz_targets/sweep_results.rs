//! A sweep's `results.csv` and shard files (`rgp sweep run|merge|report`, the page's sweep
//! import): any text either parses to rows whose values are in range, which write out and read
//! back the same, or is refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::sweep::results::{parse_csv, to_csv};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rows) = parse_csv(text) else { return };
    for r in &rows {
        assert!((0.0..=1.0).contains(&r.test_accuracy), "accepted accuracy {}", r.test_accuracy);
        assert!(r.seconds >= 0.0 && r.seconds.is_finite(), "accepted seconds {}", r.seconds);
    }
    let again = parse_csv(&to_csv(&rows)).expect("rows this code wrote read back");
    assert_eq!(again.len(), rows.len());
});
