//! Model files (the app's Load weights, `rgp train --init-from`, `rgp predict`, `rgp export`):
//! any bytes either decode to a network whose every tensor fits its declared shape, or are
//! refused with an error; an accepted file encodes again and decodes to the same network, and
//! `rgp inspect` tables it or says why not (never a panic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::import::file_table::{Fallback, model_table};
use rgp::mapping::{Connectivity, Convention};
use rgp::model_file::{Dtype, Layout, decode, encode};

fuzz_target!(|data: &[u8]| {
    let Ok(f) = decode(data, None) else { return };
    let flags = Connectivity::complete(4);
    for convention in [Convention::Exact, Convention::Paper] {
        let _ = model_table(
            &f,
            Fallback {
                conn: &flags,
                convention,
            },
        );
    }
    for layout in [Layout::Dense, Layout::Packed] {
        // A network the file accepted must write out, or say why it cannot (packed needs a graph).
        if let Ok(bytes) = encode(&f, layout, Dtype::F32) {
            let again = decode(&bytes, None).expect("a file this code wrote reads back");
            assert_eq!(again.layers.len(), f.layers.len());
        }
    }
});
