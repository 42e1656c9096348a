//! A training run saved between two chunks (the page's move of a run to WebGPU, `RGPRUN01`): any
//! bytes either decode to a header and one list of values per stated parameter, each of its
//! shape, that encode and decode again to the same, or are refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::model_file::checkpoint::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let Ok((header, values, optim)) = decode(data) else { return };
    assert_eq!(values.len(), header.params.len());
    for (p, v) in header.params.iter().zip(&values) {
        assert_eq!(v.len(), p.shape.iter().product::<usize>());
    }
    let bytes = encode(&header, &values, optim).expect("a decoded checkpoint encodes");
    let (h2, v2, o2) = decode(&bytes).expect("a checkpoint this code wrote decodes");
    assert_eq!(serde_json::to_value(&h2).unwrap(), serde_json::to_value(&header).unwrap());
    assert_eq!(o2, optim);
    let bits = |v: &[Vec<f32>]| v.iter().flatten().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&v2), bits(&values));
});
