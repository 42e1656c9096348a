//! Fine-tuning an imported ONNX network on the digits fixture: pruned by the graph where the layer
//! table masks, trained by the common trainer, its pruned weights held at zero.

use super::finetune::MaskSource;
use super::finetune_onnx::{OnnxPruning, OnnxSource, export_onnx, start_onnx};
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
    let (ft, source) = block_on(start_onnx(
        cfg(Kernel::Masked),
        digits(),
        &c,
        OnnxPruning::by_graph(&[]),
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
    written_back_as_trained(&t, &c, &source);
}

/// The trained network written as ONNX (dense and packed) and read back computes what the
/// trainer's network computes; the file says how its inputs are normalised.
fn written_back_as_trained(t: &super::Trainer, c: &Connectivity, source: &OnnxSource) {
    use crate::import::{lower::lower, onnx};
    use crate::model_file::Layout;
    use burn::module::Module;
    use burn::tensor::{Tensor, TensorData};
    let d = t.device();
    let x: Vec<f32> = (0..4 * 64)
        .map(|i| ((i * 37) % 17) as f32 / 8.0 - 1.0)
        .collect();
    let x = || Tensor::<2>::from_data(TensorData::new(x.clone(), [4, 64]), d);
    let outputs = |n: &super::Net| {
        let y = n.valid().forward(x()).into_data();
        y.try_into_vec::<f32>().unwrap()
    };
    let want = outputs(t.model());
    let meta = [("nodes", "8".to_string())];
    let dense = block_on(export_onnx(t, c, source, Layout::Dense, &meta)).unwrap();
    let packed = block_on(export_onnx(t, c, source, Layout::Packed, &meta)).unwrap();
    assert_eq!(packed.packed.len(), 1, "the masked conv is written packed");
    assert!(packed.bytes.len() < dense.bytes.len());
    // Our importer reads the dense file (the packed one's gathers are ONNX Runtime's to check:
    // tests/model_interop.sh).
    let file = onnx::read(&dense.bytes).unwrap();
    let net = super::imported::ImportedNet::new(&lower(&file).unwrap(), &[None; 3], false, d);
    let got = outputs(&super::Net::Imported(net.unwrap()));
    let worst = want
        .iter()
        .zip(&got)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(worst < 1e-4, "outputs differ by {worst}");
    for w in [&dense, &packed] {
        let text = String::from_utf8_lossy(&w.bytes);
        assert!(text.contains("input_std") && text.contains("normalisation"));
    }
}

#[test]
fn a_network_that_does_not_fit_the_data_is_refused_in_one_line() {
    let c = Connectivity::from_graph(&ring(8, 2).unwrap(), false);
    let cnn = crate::import::test_models::cnn();
    let e = block_on(start_onnx(
        cfg(Kernel::Auto),
        digits(),
        &c,
        OnnxPruning::by_graph(&[]),
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

/// The race's other lanes on an imported network: magnitude pruning keeps, in the masked layer,
/// as many of the file's weights as the graph keeps, the largest, and writes back dense only; the
/// from-scratch lane prunes the same architecture by the graph but starts from fresh weights.
#[test]
fn an_imported_cnn_prunes_by_magnitude_and_starts_from_scratch() {
    let c = Connectivity::from_graph(&ring(8, 2).unwrap(), false);
    let start = |mask, scratch| {
        let how = OnnxPruning {
            keep_dense: &[],
            mask,
            scratch,
        };
        block_on(start_onnx(
            cfg(Kernel::Auto),
            digits(),
            &c,
            how,
            device::cpu(),
            &small_cnn(),
        ))
    };
    let (graph, _) = start(MaskSource::Graph, false).unwrap();
    let (magnitude, source) = start(MaskSource::Magnitude, false).unwrap();
    let (scratch, _) = start(MaskSource::Graph, true).unwrap();
    let kept = |ft: &super::finetune::FineTune| {
        block_on(super::custom_masks::kept_per_layer(ft.trainer.model())).unwrap()
    };
    assert_eq!(kept(&magnitude), kept(&graph));
    assert_eq!(kept(&scratch), kept(&graph));
    let weights = |ft: &super::finetune::FineTune| {
        let (w, m) = ft.trainer.model().masked_layers().remove(0);
        let v = |t: burn::tensor::Tensor<1>| t.into_data().try_into_vec::<f32>().unwrap();
        (v(w), v(m))
    };
    let ((wg, mg), (wm, mm), (ws, ms)) = (weights(&graph), weights(&magnitude), weights(&scratch));
    assert_ne!(
        mm, mg,
        "magnitude pruning keeps single weights, not the graph's blocks"
    );
    assert_eq!(ms, mg, "the scratch lane is pruned by the same graph");
    assert_ne!(ws, wg, "the scratch lane's weights are fresh");
    let smallest_kept = (0..wm.len()).filter(|&i| mm[i] != 0.0).map(|i| wm[i].abs());
    assert!(smallest_kept.fold(f32::MAX, f32::min) > 0.0);
    assert!(source.by_magnitude && !source.masked.contains(&true));
    // Pruned by magnitude, the network is written dense (its zeros kept), never packed.
    let meta = [("nodes", "8".to_string())];
    let t = &magnitude.trainer;
    let packed = block_on(export_onnx(
        t,
        &c,
        &source,
        crate::model_file::Layout::Packed,
        &meta,
    ));
    assert!(
        packed
            .err()
            .unwrap()
            .to_string()
            .starts_with("a network pruned by magnitude")
    );
    block_on(export_onnx(
        t,
        &c,
        &source,
        crate::model_file::Layout::Dense,
        &meta,
    ))
    .unwrap();
}

/// An imported run saved between two chunks and resumed from its file goes on bit for bit, in
/// the layout it had; a run pruned by magnitude does not move.
#[test]
fn an_imported_run_resumed_from_its_file_goes_on_bit_for_bit() {
    use super::finetune_onnx::{prepare_onnx, resume_onnx};
    use super::session::Session;
    let c = Connectivity::from_graph(&ring(8, 2).unwrap(), false);
    let (file, how) = (small_cnn(), OnnxPruning::by_graph(&[]));
    let cfg = cfg(Kernel::Auto);
    let prepared = prepare_onnx(cfg.clone(), digits(), &c, how, device::cpu(), &file);
    let mut kept = Session::new(block_on(prepared).unwrap().0);
    while kept.trainer().step_count() < 20 {
        block_on(kept.advance(7)).unwrap();
    }
    let saved = block_on(kept.checkpoint()).unwrap();
    let at = (device::cpu(), &file[..]);
    let resume = resume_onnx(cfg.clone(), digits(), &c, how, at, &saved);
    let (mut resumed, _) = block_on(resume).unwrap();
    assert_eq!(resumed.trainer().step_count(), kept.trainer().step_count());
    let losses = |s: &mut Session| {
        let mut out = Vec::new();
        while !s.done() {
            out.push(block_on(s.advance(9)).unwrap().chunk.loss);
        }
        out
    };
    assert_eq!(losses(&mut kept), losses(&mut resumed));
    let magnitude = OnnxPruning {
        mask: MaskSource::Magnitude,
        ..how
    };
    let at = (device::cpu(), &file[..]);
    let e = block_on(resume_onnx(cfg, digits(), &c, magnitude, at, &saved)).err();
    assert_eq!(
        e.unwrap().to_string(),
        "a run pruned by magnitude cannot move to another backend"
    );
}
