//! Masked training on the CPU backend (Burn flex): pruned weights stay exactly zero, the model
//! holds exactly the parameters the accounting says, and the MLP learns the digits.

#![cfg(feature = "train")]

use burn::module::Module;
use rgp::data::Dataset;
use rgp::graph::generate::ring;
use rgp::mapping::{Connectivity, MaskOptions};
use rgp::train::trainer::block_on;
use rgp::train::{Kernel, ModelKind, OptimizerKind, TrainConfig, Trainer, device};
use std::path::Path;

fn digits() -> Dataset {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz"))
        .unwrap();
    Dataset::digits(&bytes, 1).unwrap()
}

fn conn(n: u32, k: u32) -> Connectivity {
    Connectivity::from_graph(&ring(n, k).unwrap(), false)
}

fn trainer(cfg: TrainConfig, c: &Connectivity) -> Trainer {
    Trainer::new(cfg, digits(), c, device::cpu()).unwrap()
}

#[test]
fn pruned_weights_stay_exactly_zero_under_every_optimizer() {
    // Widths not divisible by n (70 over 16 groups: sizes 5 and 4), weight decay on.
    let c = conn(16, 4);
    for (model, optimizer, lr) in [
        (ModelKind::Mlp, OptimizerKind::Sgd, 0.1),
        (ModelKind::Mlp, OptimizerKind::Adam, 0.01),
        (ModelKind::Cnn, OptimizerKind::Sgd, 0.1),
        (ModelKind::Cnn, OptimizerKind::Adam, 0.01),
    ] {
        let cfg = TrainConfig {
            model,
            hidden: vec![70, 70, 70],
            channels: vec![18, 20, 17],
            optimizer,
            lr,
            weight_decay: 1e-2,
            batch: 64,
            kernel: Kernel::Masked,
            epochs: 1,
            // The MLP's first layer (64 inputs) can carry the mask too; a conv on 1 channel cannot.
            mask: MaskOptions {
                first_dense: model == ModelKind::Cnn,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut t = trainer(cfg, &c);
        let before = weights(&t);
        let (max0, count) = block_on(t.pruned_weight_check()).unwrap();
        assert_eq!(max0, 0.0);
        assert!(count > 0);
        let chunk = block_on(t.run(15)).unwrap();
        assert_eq!(chunk.steps, 15);
        let (max, count2) = block_on(t.pruned_weight_check()).unwrap();
        assert_eq!(
            (max, count2),
            (0.0, count),
            "{model:?} {optimizer:?}: a pruned weight moved"
        );
        // The kept weights did train.
        let after = weights(&t);
        let moved = before.iter().zip(&after).filter(|(a, b)| a != b).count();
        assert!(
            moved * 2 > after.iter().filter(|&&v| v != 0.0).count(),
            "{model:?} {optimizer:?}: kept weights frozen"
        );
    }
}

fn weights(t: &Trainer) -> Vec<f32> {
    t.model()
        .masked_layers()
        .into_iter()
        .flat_map(|(w, _)| block_on(rgp::train::host::read(w)).unwrap())
        .collect()
}

#[test]
fn model_parameters_match_the_accounting() {
    let c = conn(16, 4);
    for model in [ModelKind::Mlp, ModelKind::Cnn] {
        let cfg = TrainConfig {
            model,
            hidden: vec![40, 33],
            channels: vec![16, 20, 24],
            ..Default::default()
        };
        let t = trainer(cfg.clone(), &c);
        let acc = t.accounting().clone();
        // Burn stores masked weights densely: its count is the dense count, plus (for the CNN)
        // the BatchNorm running mean and variance, which Burn counts but which are not trained.
        let running: u64 = if model == ModelKind::Cnn {
            2 * cfg.channels.iter().map(|&c| c as u64).sum::<u64>()
        } else {
            0
        };
        assert_eq!(
            t.model().num_params() as u64,
            acc.params_dense + running,
            "{model:?}"
        );
        // The ones in the masks are exactly the kept weights.
        let ones: u64 = t
            .model()
            .masked_layers()
            .into_iter()
            .map(|(_, m)| {
                block_on(rgp::train::host::read(m))
                    .unwrap()
                    .iter()
                    .filter(|&&v| v == 1.0)
                    .count() as u64
            })
            .sum();
        let masked_rows = acc.layers.iter().filter(|r| r.masked);
        let kept: u64 = masked_rows
            .map(|r| {
                r.params_pruned
                    - if r.kind == "linear" {
                        r.out_ch as u64
                    } else {
                        0
                    }
            })
            .sum();
        assert_eq!(ones, kept, "{model:?}");
        // Dense baseline: no masks at all.
        let d = trainer(TrainConfig { dense: true, ..cfg }, &c);
        assert!(d.model().masked_layers().is_empty());
    }
    // The packed layout stores only the kept weights: 64 -> 64 -> 64 -> 10 over 16 groups of 4,
    // fc2 keeps 16 blocks of 4 outputs x (4 neighbours x 4 inputs) = 1024 weights.
    let t = trainer(
        TrainConfig {
            hidden: vec![64, 64],
            ..Default::default()
        },
        &c,
    );
    assert_eq!(t.model().packed_layers(), 1);
    assert_eq!(t.accounting().layers[1].params_pruned, 1024 + 64);
    assert_eq!(t.model().num_params() as u64, t.accounting().params_pruned);

    // MLP 64 -> 40 -> 33 -> 10 by hand: fc2 40x33 over 16 groups (40: 8 groups of 3, 8 of 2;
    // 33: 1 group of 3, 15 of 2); ring(16,4) node i reads i±1, i±2.
    let t = trainer(
        TrainConfig {
            hidden: vec![40, 33],
            ..Default::default()
        },
        &c,
    );
    let so = [3u64, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
    let si = [3u64, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2];
    let mut kept = 0;
    for i in 0..16i64 {
        for d in [-2i64, -1, 1, 2] {
            kept += so[i as usize] * si[(i + d).rem_euclid(16) as usize];
        }
    }
    // Σ over nodes of the neighbours' input sizes is 160; node 0 has one extra output: 2·160 + 10.
    assert_eq!(kept, 330);
    let a = t.accounting();
    assert_eq!(
        a.params_dense,
        (64 * 40 + 40) + (40 * 33 + 33) + (33 * 10 + 10)
    );
    assert_eq!(
        a.params_pruned,
        (64 * 40 + 40) + (kept + 33) + (33 * 10 + 10)
    );
}

#[test]
fn mlp_learns_digits_within_a_bounded_number_of_steps() {
    let cfg = TrainConfig {
        batch: 32,
        epochs: 10,
        seed: 3,
        ..Default::default()
    };
    let mut t = trainer(cfg, &conn(64, 4));
    assert!(t.total_steps() <= 450, "{} steps", t.total_steps());
    let mut first = None;
    let mut last = 0.0;
    while !t.done() {
        let c = block_on(t.run(50)).unwrap();
        first.get_or_insert(c.loss);
        last = c.loss;
    }
    let e = block_on(t.evaluate(None)).unwrap();
    assert!(
        last < first.unwrap() / 5.0,
        "loss {} -> {last}",
        first.unwrap()
    );
    assert!(e.accuracy >= 0.90, "test accuracy {}", e.accuracy);
    assert_eq!(e.samples, 359);
    assert_eq!(e.confusion.iter().flatten().sum::<u32>(), 359);
    let diag: u32 = (0..10).map(|i| e.confusion[i][i]).sum();
    assert!((diag as f64 / 359.0 - e.accuracy).abs() < 1e-12);
    assert!(
        e.per_class_accuracy
            .iter()
            .all(|&a| (0.0..=1.0).contains(&a))
    );
}

#[test]
fn same_seed_same_run_and_bad_configs_are_refused() {
    let cfg = TrainConfig {
        hidden: vec![64, 64],
        batch: 50,
        seed: 9,
        ..Default::default()
    };
    let mut a = trainer(cfg.clone(), &conn(64, 4));
    let mut b = trainer(cfg, &conn(64, 4));
    let (ca, cb) = (block_on(a.run(5)).unwrap(), block_on(b.run(5)).unwrap());
    assert_eq!(ca, cb);
    for (bad, want) in [
        (
            TrainConfig {
                lr: -1.0,
                ..Default::default()
            },
            "learning rate",
        ),
        (
            TrainConfig {
                batch: 0,
                ..Default::default()
            },
            "batch size",
        ),
        (
            TrainConfig {
                epochs: 0,
                ..Default::default()
            },
            "epochs",
        ),
        (
            TrainConfig {
                hidden: vec![],
                ..Default::default()
            },
            "hidden layers",
        ),
        (
            TrainConfig {
                hidden: vec![32, 32],
                ..Default::default()
            },
            "fc2",
        ),
    ] {
        let e = Trainer::new(bad, digits(), &conn(64, 4), device::cpu())
            .err()
            .expect(want);
        assert!(e.message().contains(want), "{e}");
    }
}

#[test]
fn packed_layout_computes_what_the_mask_computes() {
    // Same seed, same graph: the packed (gather + blocks) and W ⊙ M networks are the same
    // function and take the same steps, up to float summation order.
    let c = conn(16, 4);
    for (model, hidden, channels) in [
        (ModelKind::Mlp, vec![64, 64, 32], vec![]),
        (ModelKind::Cnn, vec![], vec![16, 32, 32]),
    ] {
        let cfg = TrainConfig {
            model,
            hidden,
            channels,
            batch: 64,
            epochs: 1,
            kernel: Kernel::Packed,
            ..Default::default()
        };
        let mut p = trainer(cfg.clone(), &c);
        let mut m = trainer(
            TrainConfig {
                kernel: Kernel::Masked,
                ..cfg
            },
            &c,
        );
        assert!(
            p.model().packed_layers() >= 2 && m.model().packed_layers() == 0,
            "{model:?}"
        );
        for _ in 0..3 {
            let (a, b) = (block_on(p.run(5)).unwrap(), block_on(m.run(5)).unwrap());
            assert!(
                (a.loss - b.loss).abs() <= 1e-3 * b.loss.abs().max(1.0),
                "{model:?}: {} vs {}",
                a.loss,
                b.loss
            );
        }
        let (ea, eb) = (
            block_on(p.evaluate(None)).unwrap(),
            block_on(m.evaluate(None)).unwrap(),
        );
        assert!(
            (ea.accuracy - eb.accuracy).abs() <= 0.02,
            "{model:?}: {} vs {}",
            ea.accuracy,
            eb.accuracy
        );
        // Unpacking the trained packed network (as the mask baselines do) keeps its function.
        let unpacked = block_on(p.model().to_masked(&device::cpu())).unwrap();
        assert_eq!(unpacked.packed_layers(), 0, "{model:?}");
        let mut u = trainer(
            TrainConfig {
                kernel: Kernel::Masked,
                ..p.config().clone()
            },
            &c,
        );
        u.set_model(unpacked).unwrap();
        let eu = block_on(u.evaluate(None)).unwrap();
        assert!(
            (ea.loss - eu.loss).abs() <= 1e-4 * ea.loss.abs().max(1.0)
                && (ea.accuracy - eu.accuracy).abs() <= 0.002,
            "{model:?}: packed {} / {}, unpacked {} / {}",
            ea.loss,
            ea.accuracy,
            eu.loss,
            eu.accuracy
        );
    }
}
