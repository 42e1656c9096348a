//! `rgp predict`'s input (a 2-D `.npy` matrix, N × features): any bytes either read to N × F
//! finite values, which write out and read back the same, or are refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::io::npy::{read_f32_matrix, write_f32_matrix};

fuzz_target!(|data: &[u8]| {
    let Ok((rows, cols, x)) = read_f32_matrix(data) else { return };
    assert_eq!(x.len(), rows * cols);
    assert!(x.iter().all(|v| v.is_finite()));
    let back = read_f32_matrix(&write_f32_matrix(rows, cols, &x)).expect("a matrix this code wrote reads back");
    assert_eq!(back, (rows, cols, x));
});
