//! Model files (the app's Load weights, `rgp train --init-from`, `rgp predict`, `rgp export`):
//! any bytes either decode to a network whose every tensor fits its declared shape, or are
//! refused with an error; an accepted file encodes again and decodes to the same network.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::model_file::{Dtype, Layout, decode, encode};

fuzz_target!(|data: &[u8]| {
    let Ok(f) = decode(data, None) else { return };
    for layout in [Layout::Dense, Layout::Packed] {
        // A network the file accepted must write out, or say why it cannot (packed needs a graph).
        if let Ok(bytes) = encode(&f, layout, Dtype::F32) {
            let again = decode(&bytes, None).expect("a file this code wrote reads back");
            assert_eq!(again.layers.len(), f.layers.len());
        }
    }
});
