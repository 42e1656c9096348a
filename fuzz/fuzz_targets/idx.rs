//! The IDX reader (MNIST, Fashion-MNIST files fetched or given with --data-dir), raw or gzip:
//! inputs that start with the gzip magic go through the decoder, the others are read raw. A first
//! byte 0xff reads the rest as an images + labels pair instead of one file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::data::idx::{images_and_labels, parse_idx};

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((&0xff, rest)) if rest.len() >= 2 => {
            // A pair of files: the second byte tells where the labels start.
            let cut = (rest[0] as usize * rest.len() / 256).min(rest.len() - 1) + 1;
            if let Ok((side, split)) = images_and_labels("fuzz", &rest[1..cut], &rest[cut..]) {
                let px = (side * side) as usize;
                assert_eq!(split.x.len(), split.y.len() * px);
                assert!(split.y.iter().all(|&l| l <= 9));
            }
        }
        _ => {
            if let Ok(idx) = parse_idx(data) {
                let want: u64 = idx.dims.iter().map(|&d| d as u64).product();
                assert_eq!(
                    idx.data.len() as u64,
                    want,
                    "data length differs from the header"
                );
            }
        }
    }
});
