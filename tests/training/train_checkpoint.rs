//! A run saved between two chunks and resumed goes on as if it had never stopped: on the CPU the
//! same losses bit for bit, on wgpu (how the page moves a CPU run to WebGPU) the same within
//! float noise; damaged or foreign bytes are refused with an error.

#![cfg(feature = "train")]

use rgp::data::Dataset;
use rgp::graph::generate::ring;
use rgp::mapping::Connectivity;
use rgp::train::trainer::block_on;
use rgp::train::{ModelKind, OptimizerKind, Session, TrainConfig, Trainer, device};
use std::path::Path;

fn digits() -> Dataset {
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/digits.csv.gz"))
        .unwrap();
    Dataset::digits(&bytes, 1).unwrap()
}

fn conn() -> Connectivity {
    Connectivity::from_graph(&ring(16, 4).unwrap(), false)
}

fn config(model: ModelKind, optimizer: OptimizerKind, norm: bool) -> TrainConfig {
    TrainConfig {
        model,
        hidden: vec![64, 64],
        channels: vec![16, 16],
        optimizer,
        lr: if optimizer == OptimizerKind::Adam {
            0.01
        } else {
            0.1
        },
        batch: 64,
        epochs: 3,
        norm,
        ..TrainConfig::default()
    }
}

/// Losses of the chunks `session` runs to the end, `steps` at a time.
fn losses(session: &mut Session, steps: u32) -> Vec<f64> {
    let mut out = Vec::new();
    while !session.done() {
        out.push(block_on(session.advance(steps)).unwrap().chunk.loss);
    }
    out
}

/// A session trained `first` steps (crossing an epoch's end), then its checkpoint.
fn started(cfg: &TrainConfig, first: u32) -> (Session, Vec<u8>) {
    let mut s = Session::new(Trainer::new(cfg.clone(), digits(), &conn(), device::cpu()).unwrap());
    while s.trainer().step_count() < first as u64 {
        block_on(s.advance(7)).unwrap();
    }
    let bytes = block_on(s.checkpoint()).unwrap();
    (s, bytes)
}

#[test]
fn resumed_on_the_cpu_goes_on_bit_for_bit() {
    for (model, optimizer, norm) in [
        (ModelKind::Mlp, OptimizerKind::Sgd, false),
        (ModelKind::Mlp, OptimizerKind::Adam, true),
        (ModelKind::Cnn, OptimizerKind::Sgd, false),
    ] {
        let cfg = config(model, optimizer, norm);
        let (mut kept, bytes) = started(&cfg, 35);
        let mut resumed = block_on(Session::resume(
            cfg.clone(),
            digits(),
            &conn(),
            device::cpu(),
            &bytes,
        ))
        .unwrap();
        assert_eq!(resumed.trainer().step_count(), kept.trainer().step_count());
        assert_eq!(
            resumed.history(),
            kept.history(),
            "{model:?}: the finished epochs come along"
        );
        let (a, b) = (losses(&mut kept, 9), losses(&mut resumed, 9));
        assert_eq!(a, b, "{model:?} {optimizer:?}: the resumed run differs");
        assert_eq!(resumed.history(), kept.history());
    }
}

#[test]
fn resumed_on_wgpu_goes_on_within_float_noise() {
    let dev = match block_on(device::wgpu()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("SKIPPED: no wgpu adapter on this machine ({e})");
            return;
        }
    };
    let cfg = config(ModelKind::Mlp, OptimizerKind::Sgd, false);
    let (mut kept, bytes) = started(&cfg, 35);
    let mut moved = block_on(Session::resume(cfg, digits(), &conn(), dev, &bytes)).unwrap();
    let (a, b) = (losses(&mut kept, 9), losses(&mut moved, 9));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(
            (x - y).abs() <= 1e-3 * x.abs().max(1.0),
            "cpu {a:?}\nwgpu {b:?}"
        );
    }
    let (max, _) = block_on(moved.trainer().pruned_weight_check()).unwrap();
    assert_eq!(max, 0.0, "pruned weights stay zero after the move");
}

#[test]
fn damaged_or_foreign_checkpoints_are_refused() {
    let cfg = config(ModelKind::Mlp, OptimizerKind::Sgd, false);
    let (_, bytes) = started(&cfg, 10);
    let resume = |cfg: TrainConfig, b: &[u8]| {
        block_on(Session::resume(cfg, digits(), &conn(), device::cpu(), b))
            .err()
            .map(|e| e.to_string())
    };
    // Cut in the header or the values, or in the optimizer record at the end.
    for cut in [0, 5, 12, 40, bytes.len() / 2, bytes.len() - 1] {
        let e = resume(cfg.clone(), &bytes[..cut]).expect("a truncated checkpoint is refused");
        let ours = e.contains("not a saved training run");
        assert!(
            ours || e.contains("saved optimizer state is unreadable"),
            "{e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
    }
    let other = TrainConfig {
        seed: cfg.seed + 1,
        ..cfg.clone()
    };
    let e = resume(other, &bytes).expect("another configuration is refused");
    assert!(e.contains("another configuration"), "{e}");
}

/// The checkpoint fuzz target's seeds (`fuzz/corpus/checkpoint`) are whole checkpoints of this
/// code, each of which resumes: a seed the layout no longer reads would leave the fuzzer to
/// explore only the first bytes. `RGP_WRITE_SEEDS=1` writes them again after a layout change.
#[test]
fn the_fuzz_seeds_are_checkpoints_this_code_resumes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/checkpoint");
    let small = |model, optimizer, norm| TrainConfig {
        hidden: vec![16, 16],
        channels: vec![16, 16],
        epochs: 1,
        ..config(model, optimizer, norm)
    };
    if std::env::var_os("RGP_WRITE_SEEDS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, model, optimizer, norm) in [
            ("mlp-sgd", ModelKind::Mlp, OptimizerKind::Sgd, false),
            ("mlp-adam-norm", ModelKind::Mlp, OptimizerKind::Adam, true),
        ] {
            let (_, bytes) = started(&small(model, optimizer, norm), 3);
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
    let mut seeds = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        let (header, _, _) = rgp::model_file::checkpoint::decode(&bytes).unwrap();
        let resumed = block_on(Session::resume(
            header.config,
            digits(),
            &conn(),
            device::cpu(),
            &bytes,
        ));
        assert!(resumed.is_ok());
        seeds += 1;
    }
    assert!(seeds >= 2, "fuzz/corpus/checkpoint holds {seeds} seeds");
}
