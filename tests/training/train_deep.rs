//! Deep variants: `depth` builds L masked hidden-to-hidden layers, residual connections and
//! BatchNorm train on the digits fixture, and the default network is unchanged.

#![cfg(feature = "train")]

use rgp::data::Dataset;
use rgp::graph::generate::ring;
use rgp::mapping::Connectivity;
use rgp::train::device::cpu;
use rgp::train::trainer::block_on;
use rgp::train::{Kernel, ModelKind, Net, TrainConfig, Trainer};
use std::path::Path;

fn digits() -> Dataset {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz");
    Dataset::digits(&std::fs::read(path).unwrap(), 1).unwrap()
}

fn train(cfg: TrainConfig) -> (f64, usize, usize) {
    let conn = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    let mut t = Trainer::new(cfg, digits(), &conn, cpu()).unwrap();
    block_on(async {
        while !t.done() {
            t.run(50).await.unwrap();
        }
        let masked = t.model().masked_layers().len();
        let norms = match t.model() {
            Net::Mlp(m) => m.norms.len(),
            Net::Cnn(c) => c.norms.len(),
            Net::Imported(m) => m.norms.len(),
        };
        (t.evaluate(None).await.unwrap().accuracy, masked, norms)
    })
}

#[test]
fn deep_mlps_train_with_and_without_residual_and_norm() {
    for (residual, norm) in [(false, false), (false, true), (true, false), (true, true)] {
        let cfg = TrainConfig {
            hidden: vec![32],
            depth: 6,
            residual,
            norm,
            kernel: Kernel::Masked,
            epochs: 3,
            batch: 64,
            ..TrainConfig::default()
        };
        let (acc, masked, norms) = train(cfg);
        assert_eq!(masked, 6, "six masked hidden-to-hidden layers");
        assert_eq!(norms, if norm { 7 } else { 0 });
        assert!(acc > 0.6, "residual {residual} norm {norm}: {acc}");
    }
}

#[test]
fn deep_cnn_has_six_masked_convs_and_trains() {
    let cfg = TrainConfig {
        model: ModelKind::Cnn,
        channels: vec![16],
        depth: 6,
        residual: true,
        kernel: Kernel::Masked,
        epochs: 2,
        batch: 64,
        ..TrainConfig::default()
    };
    let (acc, masked, norms) = train(cfg);
    assert_eq!((masked, norms), (6, 7));
    assert!(acc > 0.5, "{acc}");
}

#[test]
fn defaults_are_the_shallow_networks() {
    let d = TrainConfig::default();
    assert_eq!((d.depth, d.residual, d.norm), (0, false, false));
    assert_eq!(d.mlp_spec(64, 10).hidden, vec![256, 256, 256]);
    // The defaults serialise as before (no new keys in links and sweep.json).
    let j = serde_json::to_value(&d).unwrap();
    for k in ["depth", "residual", "norm"] {
        assert!(j.get(k).is_none(), "{k}");
    }
    let bad = TrainConfig { depth: 33, ..d };
    assert!(bad.validate().unwrap_err().message().contains("depth"));
}
