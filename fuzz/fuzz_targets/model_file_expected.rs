//! Model files loaded into a configured network (the page's Load weights, `rgp train --init-from`,
//! `rgp predict`, `rgp export`): `decode(bytes, Some(expected))`. The first byte picks the network
//! (an MLP or a CNN on 8×8 digits, as the seeds hold); the file either decodes to that network's
//! layers, each of its shape, or is refused with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rgp::mapping::ModelKind;
use rgp::model_file::{ArchSpec, Meta, decode};

fn expected(pick: u8) -> Meta {
    let (model, widths) = match pick % 4 {
        0 => (ModelKind::Mlp, vec![16, 16]),
        1 => (ModelKind::Cnn, vec![8, 8]),
        2 => (ModelKind::Mlp, vec![8]),
        _ => (ModelKind::Mlp, vec![16, 16, 16]),
    };
    Meta {
        arch: ArchSpec { model, inputs: 64, input_hw: 8, classes: 10, widths },
        nodes: Some(4),
        degree: Some(2),
        fingerprint: None,
        link: None,
        dataset: "digits".into(),
        input_max: 16.0,
        input_mean: 0.3,
        input_std: 0.38,
        columns: None,
        test_accuracy: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else { return };
    let want = expected(pick);
    let Ok(f) = decode(file, Some(&want)) else { return };
    let specs = want.arch.weight_layer_list().expect("the expected network is valid");
    assert_eq!(f.layers.len(), specs.len());
    for (l, s) in f.layers.iter().zip(&specs) {
        assert_eq!(l.weight.len(), s.shape().iter().product::<usize>(), "{}", s.name);
    }
});
