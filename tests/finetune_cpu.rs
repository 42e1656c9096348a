//! Fine-tuning from a model file on the CPU backend: a saved network reloads to exactly its
//! stored accuracy, the graph's mask zeroes exactly the pruned weights (which stay zero through
//! fine-tuning), and a file of another architecture is refused naming the tensor.

#![cfg(feature = "train")]

use rgp::data::Dataset;
use rgp::graph::generate::ring;
use rgp::mapping::{Connectivity, MaskOptions};
use rgp::model_file::{Dtype, Layout, encode};
use rgp::train::finetune::{self, MaskSource};
use rgp::train::trainer::block_on;
use rgp::train::{Kernel, ModelKind, TrainConfig, Trainer, device, weights};
use std::path::Path;

fn digits() -> Dataset {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz"))
        .unwrap();
    Dataset::digits(&bytes, 1).unwrap()
}

fn cfg(model: ModelKind, dense: bool, kernel: Kernel) -> TrainConfig {
    TrainConfig {
        model,
        hidden: vec![64, 64],
        channels: vec![16, 16],
        lr: 0.1,
        batch: 64,
        epochs: 2,
        dense,
        kernel,
        mask: MaskOptions::default(),
        ..Default::default()
    }
}

/// A trained dense network of `model`, saved as bytes, and its test accuracy.
fn pretrained(model: ModelKind, c: &Connectivity) -> (Vec<u8>, f64) {
    let mut t = Trainer::new(cfg(model, true, Kernel::Auto), digits(), c, device::cpu()).unwrap();
    while !t.done() {
        block_on(t.run(50)).unwrap();
    }
    let acc = block_on(t.evaluate(None)).unwrap().accuracy;
    let f = block_on(finetune::snapshot(&t, c, None, Some(acc))).unwrap();
    (encode(&f, Layout::Dense, Dtype::F32).unwrap(), acc)
}

#[test]
fn a_saved_network_reloads_to_its_stored_accuracy_and_prunes_exactly() {
    let c = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    for model in [ModelKind::Mlp, ModelKind::Cnn] {
        let (bytes, acc) = pretrained(model, &c);
        assert!(acc > 0.5, "{model:?} learned: {acc}");
        for kernel in [Kernel::Masked, Kernel::Packed] {
            let cfg = cfg(model, false, kernel);
            let mut data = digits();
            let file = finetune::read_for(&bytes, &cfg, &mut data).unwrap();
            assert_eq!(file.meta.test_accuracy, Some(acc));
            let mut ft = block_on(finetune::start(cfg, data, &c, device::cpu(), &file)).unwrap();
            assert_eq!(ft.pretrained.accuracy, acc, "{model:?} reloads exactly");
            // Kept weights are the pretrained ones; every pruned one is exactly zero.
            let (layers, _) =
                block_on(weights::export(ft.trainer.model(), &device::cpu())).unwrap();
            let mut pruned = 0;
            for (l, orig) in layers.iter().zip(&file.layers) {
                match &l.mask {
                    Some(m) => {
                        for ((w, o), &m) in l.weight.iter().zip(&orig.weight).zip(m) {
                            assert_eq!(*w, if m == 1 { *o } else { 0.0 });
                            pruned += (m == 0) as usize;
                        }
                    }
                    None => assert_eq!(l.weight, orig.weight),
                }
            }
            assert!(pruned > 0);
            while !ft.trainer.done() {
                block_on(ft.trainer.run(50)).unwrap();
            }
            let (max, _) = block_on(ft.trainer.pruned_weight_check()).unwrap();
            assert_eq!(max, 0.0, "pruned weights stay zero through fine-tuning");
            let after = block_on(ft.trainer.evaluate(None)).unwrap().accuracy;
            assert!(after > 0.5, "{model:?} {kernel:?} fine-tuned: {after}");
        }
    }
}

#[test]
fn magnitude_pruning_keeps_the_graphs_counts() {
    let c = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    let (bytes, _) = pretrained(ModelKind::Mlp, &c);
    let cfg = cfg(ModelKind::Mlp, false, Kernel::Masked);
    let mut data = digits();
    let file = finetune::read_for(&bytes, &cfg, &mut data).unwrap();
    let graph = block_on(finetune::start(
        cfg.clone(),
        data.clone(),
        &c,
        device::cpu(),
        &file,
    ))
    .unwrap();
    let mag = block_on(async {
        let prepared =
            finetune::prepare(cfg, data, &c, device::cpu(), &file, MaskSource::Magnitude).await?;
        finetune::measured(prepared).await
    })
    .unwrap();
    let count = |t: &Trainer| block_on(t.pruned_weight_check()).unwrap().1;
    assert_eq!(count(&graph.trainer), count(&mag.trainer));
    assert!(mag.pruned.accuracy >= graph.pruned.accuracy - 0.2);
}

#[test]
fn another_architecture_is_refused_naming_the_tensor() {
    let c = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    let (bytes, _) = pretrained(ModelKind::Mlp, &c);
    let mut other = cfg(ModelKind::Mlp, false, Kernel::Auto);
    other.hidden = vec![32, 64];
    let e = finetune::read_for(&bytes, &other, &mut digits())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("layers.0.weight") && e.contains("[32, 64]"),
        "{e}"
    );
    let cnn = cfg(ModelKind::Cnn, false, Kernel::Auto);
    let e = finetune::read_for(&bytes, &cnn, &mut digits())
        .unwrap_err()
        .to_string();
    assert!(e.contains("convs.0.weight"), "{e}");
}

/// The app measures a pretrained start after its first chunk: the numbers must be those of the
/// networks the run started from, not of the network training has changed since.
#[test]
fn a_start_measured_after_training_steps_reads_as_measured_before() {
    let c = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    let (bytes, _) = pretrained(ModelKind::Mlp, &c);
    for kernel in [Kernel::Masked, Kernel::Packed] {
        let cfg = cfg(ModelKind::Mlp, false, kernel);
        let mut data = digits();
        let file = finetune::read_for(&bytes, &cfg, &mut data).unwrap();
        let prepare = || {
            finetune::prepare(
                cfg.clone(),
                data.clone(),
                &c,
                device::cpu(),
                &file,
                MaskSource::Graph,
            )
        };
        let now = block_on(async { finetune::measured(prepare().await?).await }).unwrap();
        let (mut trainer, nets) = block_on(prepare()).unwrap();
        block_on(trainer.run(20)).unwrap();
        let trained = block_on(trainer.evaluate(None)).unwrap();
        let (pretrained, pruned) = block_on(nets.evaluate(&trainer)).unwrap();
        assert_eq!(pretrained, now.pretrained, "{kernel:?}");
        assert_eq!(pruned, now.pruned, "{kernel:?}");
        assert_ne!(
            trained, pruned,
            "{kernel:?}: the steps changed the trained network"
        );
    }
}
