//! Fine-tuning an imported ONNX network on the digits fixture: pruned by the graph where the layer
//! table masks, trained by the common trainer, its pruned weights held at zero.

use super::finetune::start_onnx;
use super::trainer::block_on;
use super::{Kernel, TrainConfig, device};
use crate::data::Dataset;
use crate::graph::generate::ring;
use crate::import::test_models::{Net, attr_int, attr_ints};
use crate::mapping::Connectivity;

fn digits() -> Dataset {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz");
    Dataset::digits(&std::fs::read(path).unwrap(), 1).unwrap()
}

/// Conv-BN-ReLU twice (1 → 16 → 16 channels), max pooling, global average pooling, a Gemm head:
/// digits-sized (1×8×8, 10 classes), random weights.
fn small_cnn() -> Vec<u8> {
    let mut n = Net::new(&[1, 8, 8], 5);
    let mut h = "x".to_string();
    for (cin, cout) in [(1, 16), (16, 16)] {
        h = n.conv(&h, cin, cout, 3, 1);
        h = n.bn(&h, cout);
        h = n.node("Relu", &[&h], vec![]);
    }
    let pool = vec![
        attr_ints("kernel_shape", &[2, 2]),
        attr_ints("strides", &[2, 2]),
    ];
    h = n.node("MaxPool", &[&h], pool);
    h = n.node("GlobalAveragePool", &[&h], vec![]);
    h = n.node("Flatten", &[&h], vec![attr_int("axis", 1)]);
    n.gemm(&h, 16, 10);
    n.finish(&[1, 10])
}

fn cfg(kernel: Kernel) -> TrainConfig {
    TrainConfig {
        epochs: 3,
        batch: 32,
        lr: 0.05,
        kernel,
        ..Default::default()
    }
}

#[test]
fn an_imported_cnn_fine_tunes_above_its_pruned_accuracy() {
    let c = Connectivity::from_graph(&ring(8, 2).unwrap(), false);
    let ft = block_on(start_onnx(
        cfg(Kernel::Masked),
        digits(),
        &c,
        &[],
        device::cpu(),
        &small_cnn(),
    ))
    .unwrap();
    // The second conv (16 → 16) carries the mask; the first and the classifier stay dense.
    assert_eq!(ft.trainer.model().masked_layers().len(), 1);
    let acc = ft.trainer.accounting();
    assert!(acc.params_pruned < acc.params_dense);
    let mut t = ft.trainer;
    while !t.done() {
        block_on(t.run(50)).unwrap();
    }
    let trained = block_on(t.evaluate(None)).unwrap().accuracy;
    assert!(
        trained > ft.pruned.accuracy + 0.2,
        "{trained} after fine-tuning, {} pruned",
        ft.pruned.accuracy
    );
    let (max_pruned, count) = block_on(t.pruned_weight_check()).unwrap();
    assert!(count > 0);
    assert_eq!(max_pruned, 0.0, "pruned weights stay zero");
}

#[test]
fn a_network_that_does_not_fit_the_data_is_refused_in_one_line() {
    let c = Connectivity::from_graph(&ring(8, 2).unwrap(), false);
    let cnn = crate::import::test_models::cnn();
    let e = block_on(start_onnx(
        cfg(Kernel::Auto),
        digits(),
        &c,
        &[],
        device::cpu(),
        &cnn,
    ))
    .err()
    .expect("a 3×32×32 network does not fit digits");
    assert_eq!(
        e.to_string(),
        "the model expects 3×32×32 inputs and 10 classes; digits has 1×8×8 inputs and 10 classes"
    );
}
