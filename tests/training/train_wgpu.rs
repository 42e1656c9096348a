//! The same masked training on Burn's wgpu backend (natively: Vulkan via mesa's lavapipe on a
//! machine without a GPU). Skipped, with a message saying why, only when no adapter exists.

#![cfg(feature = "wgpu")]

use rgp::data::Dataset;
use rgp::graph::generate::ring;
use rgp::mapping::Connectivity;
use rgp::train::trainer::block_on;
use rgp::train::{TrainConfig, Trainer, device};
use std::path::Path;

#[test]
fn mlp_trains_on_wgpu_and_pruned_weights_stay_zero() {
    let dev = match block_on(device::wgpu()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!(
                "SKIPPED: no wgpu adapter on this machine ({e}); install mesa-vulkan-drivers for lavapipe"
            );
            return;
        }
    };
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz"))
        .unwrap();
    let data = Dataset::digits(&bytes, 1).unwrap();
    let c = Connectivity::from_graph(&ring(64, 4).unwrap(), false);
    let cfg = TrainConfig {
        batch: 64,
        epochs: 4,
        ..Default::default()
    };
    let mut t = Trainer::new(cfg, data, &c, dev).unwrap();
    let mut losses = Vec::new();
    while !t.done() {
        losses.push(block_on(t.run(25)).unwrap().loss);
    }
    let e = block_on(t.evaluate(None)).unwrap();
    assert!(
        losses.last().unwrap() < &(losses[0] / 3.0),
        "loss {losses:?}"
    );
    assert!(e.accuracy > 0.85, "test accuracy {}", e.accuracy);
    assert_eq!(block_on(t.pruned_weight_check()).unwrap().0, 0.0);
}
