//! One image through a network (the page's "Try the network"): the probabilities sum to 1, and
//! their most likely class is the class the test evaluation counts for that image, for a trained
//! pruned network and for the dense network a pretrained start keeps.

#![cfg(feature = "train")]

use rgp::data::Dataset;
use rgp::graph::generate::ring;
use rgp::mapping::Connectivity;
use rgp::model_file::{Dtype, Layout, encode};
use rgp::train::finetune::{self, MaskSource};
use rgp::train::predict::probabilities;
use rgp::train::trainer::{block_on, evaluate};
use rgp::train::{Net, Recovery, TrainConfig, Trainer, device};
use std::path::Path;

fn digits() -> Dataset {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz"))
        .unwrap();
    Dataset::digits(&bytes, 1).unwrap()
}

fn cfg(dense: bool) -> TrainConfig {
    TrainConfig {
        hidden: vec![64, 64],
        lr: 0.1,
        batch: 64,
        epochs: 2,
        dense,
        recover: Recovery::None,
        ..Default::default()
    }
}

/// The class the evaluation predicts for test image `i` (its confusion matrix over that image alone).
fn evaluated_class(net: &Net, data: &Dataset, i: usize) -> usize {
    let mut one = data.clone();
    let f = one.features();
    let x: Vec<u8> = match &data.test.x {
        rgp::data::Inputs::Bytes(x) => x[i * f..(i + 1) * f].to_vec(),
        _ => unreachable!("digits are bytes"),
    };
    one.test = rgp::data::Split::bytes(x, vec![data.test.y[i] as u8]);
    let e = block_on(evaluate(net, &one, &device::cpu(), None)).unwrap();
    let row = &e.confusion[data.test.y[i] as usize];
    row.iter().position(|&c| c == 1).unwrap()
}

/// Checks `net`'s probabilities on the first test images against the evaluation's classes.
fn agrees_with_evaluation(net: &Net, data: &Dataset) {
    let f = data.features();
    let rgp::data::Inputs::Bytes(x) = &data.test.x else {
        unreachable!("digits are bytes")
    };
    for i in 0..8 {
        let pixels: Vec<f32> = x[i * f..(i + 1) * f]
            .iter()
            .map(|&p| p as f32 / data.max_value)
            .collect();
        let p = block_on(probabilities(net, data, &device::cpu(), &pixels)).unwrap();
        assert_eq!(p.len(), data.classes as usize);
        let sum: f32 = p.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5, "probabilities sum to {sum}");
        assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
        let best = (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(best, evaluated_class(net, data, i), "test image {i}");
    }
}

#[test]
fn predictions_are_probabilities_and_match_the_evaluation() {
    let c = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    // A dense network trained, saved and loaded back as a pretrained start.
    let mut t = Trainer::new(cfg(true), digits(), &c, device::cpu()).unwrap();
    while !t.done() {
        block_on(t.run(50)).unwrap();
    }
    let f = block_on(finetune::snapshot(&t, &c, None, None)).unwrap();
    let bytes = encode(&f, Layout::Dense, Dtype::F32).unwrap();
    let mut data = digits();
    let file = finetune::read_for(&bytes, &cfg(false), &mut data).unwrap();
    let (mut ft, nets) = block_on(finetune::prepare(
        cfg(false),
        data.clone(),
        &c,
        device::cpu(),
        &file,
        MaskSource::Graph,
    ))
    .unwrap();
    agrees_with_evaluation(nets.pretrained(), &data);
    block_on(ft.run(20)).unwrap();
    agrees_with_evaluation(ft.model(), &data);

    // Wrong sizes and tables are refused with a line, never a panic.
    let e = block_on(probabilities(ft.model(), &data, &device::cpu(), &[0.0; 10])).unwrap_err();
    assert!(e.to_string().contains("10 pixels"), "{e}");
}
