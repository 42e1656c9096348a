//! The 8×8 digits file (`rgp train --dataset digits --data-dir`), raw or gzip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((x, y)) = rgp::data::parse_digits_csv(data) {
        assert_eq!(x.len(), 64 * y.len());
        assert!(x.iter().all(|&p| p <= 16) && y.iter().all(|&l| l <= 9));
    }
});
