//! Saved imported networks (`rgp predict` and `rgp export` of `rgp train --init-from NET.onnx
//! --save OUT.safetensors`): any bytes are refused with one line or read into steps whose sizes
//! follow from them, with masks that fit; an accepted file encodes again and reads back the same,
//! and `rgp inspect` tables it or says why not (never a panic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::import::file_table::{Fallback, saved_table};
use rgp::import::saved::{decode, encode};
use rgp::mapping::{Connectivity, Convention};

fuzz_target!(|data: &[u8]| {
    let Ok(saved) = decode(data) else { return };
    let flags = Connectivity::complete(4);
    for convention in [Convention::Exact, Convention::Paper] {
        let _ = saved_table(
            &saved,
            Fallback {
                conn: &flags,
                convention,
            },
        );
    }
    let bytes = encode(&saved).expect("a network this code read writes out");
    assert_eq!(
        decode(&bytes).expect("a file this code wrote reads back"),
        saved
    );
});
