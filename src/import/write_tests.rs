use super::to_onnx;
use crate::import::layers::weight_layers;
use crate::import::lower::lower;
use crate::import::net::{Net, Op};
use crate::import::onnx::read;
use crate::import::test_models;
use crate::mapping::{Connectivity, mask_matrix};
use crate::model_file::Layout;
use onnx_ir::{Message, ModelProto, TensorProto};

/// The file's nodes (op types) and its initializers by name, as written.
fn proto(bytes: &[u8]) -> (Vec<String>, Vec<TensorProto>) {
    let m = ModelProto::parse_from_bytes(bytes).unwrap();
    let g = m.graph.unwrap();
    (
        g.node.iter().map(|n| n.op_type.clone()).collect(),
        g.initializer,
    )
}

fn floats(t: &TensorProto) -> Vec<f32> {
    t.raw_data
        .chunks(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect()
}

fn conn(n: u32, k: u32) -> Connectivity {
    let g = crate::graph::generate::ring(n, k).unwrap();
    Connectivity::from_graph(&g, false)
}

fn net(bytes: &[u8]) -> Net {
    lower(&read(bytes).unwrap()).unwrap()
}

/// The steps without their names (the parser names nodes its own way).
fn unnamed(net: &Net) -> Net {
    let mut n = net.clone();
    n.steps.iter_mut().for_each(|s| s.name.clear());
    n
}

#[test]
fn unpruned_export_reads_back_as_the_same_network() {
    for bytes in [
        test_models::mlp(),
        test_models::cnn(),
        test_models::residual_concat(),
    ] {
        let before = net(&bytes);
        let none = vec![None; before.weight_steps().count()];
        let w = to_onnx(&before, &none, Layout::Dense, &[]).unwrap();
        assert!(w.masked.is_empty());
        assert_eq!(w.kept_weights, w.weights);
        let again = read(&w.bytes).unwrap();
        assert_eq!(unnamed(&lower(&again).unwrap()), unnamed(&before));
        let (a, b) = (
            weight_layers(&again).unwrap(),
            weight_layers(&read(&bytes).unwrap()).unwrap(),
        );
        let shape = |l: &crate::import::layers::WeightLayer| {
            (
                l.op,
                l.weight_shape.clone(),
                l.in_ch,
                l.out_ch,
                l.kernel,
                l.stride,
                l.groups,
                l.out_hw,
                l.bias,
            )
        };
        assert_eq!(
            a.iter().map(shape).collect::<Vec<_>>(),
            b.iter().map(shape).collect::<Vec<_>>()
        );
    }
}

/// The cnn test model (3 → 64 → 128 → 128 convs, a 128 → 10 head) with its two middle convs
/// masked by a 4-regular ring on 64 nodes.
fn masked_cnn(layout: Layout) -> (Net, Connectivity, super::Written) {
    let before = net(&test_models::cnn());
    let c = conn(64, 4);
    let masks = [None, Some(&c), Some(&c), None];
    let w = to_onnx(&before, &masks, layout, &[]).unwrap();
    (before, c.clone(), w)
}

fn conv_weight(net: &Net, i: usize) -> (Vec<usize>, Vec<f32>, usize) {
    match &net.weight_steps().nth(i).unwrap().1.op {
        Op::Conv { weight, groups, .. } => (weight.shape.clone(), weight.data.clone(), *groups),
        _ => panic!("not a conv"),
    }
}

#[test]
fn dense_export_zeroes_exactly_the_pruned_weights() {
    let (before, c, w) = masked_cnn(Layout::Dense);
    let after = net(&w.bytes);
    assert_eq!(w.masked.len(), 2);
    assert!(w.packed.is_empty() && w.dense_with_zeros.is_empty());
    let (shape, orig, _) = conv_weight(&before, 1);
    let (shape2, kept, groups) = conv_weight(&after, 1);
    assert_eq!((shape2, groups), (shape.clone(), 1));
    let m = mask_matrix(&c, 128, 64).unwrap();
    for (i, (a, b)) in orig.iter().zip(&kept).enumerate() {
        let want = if m[i / 9] == 1.0 { *a } else { 0.0 };
        assert_eq!(*b, want, "weight {i}");
    }
    assert_eq!(
        kept.iter().filter(|&&x| x != 0.0).count() as u64,
        c.kept(128, 64).unwrap() * 9
    );
}

fn init<'a>(inits: &'a [TensorProto], name: &str) -> &'a TensorProto {
    inits.iter().find(|t| t.name == name).unwrap()
}

#[test]
fn packed_conv_holds_only_the_kept_weights() {
    let (before, c, w) = masked_cnn(Layout::Packed);
    assert_eq!(w.packed.len(), 2);
    let (_, orig, _) = conv_weight(&before, 1);
    let name = &before.weight_steps().nth(1).unwrap().1.name;
    let (ops, inits) = proto(&w.bytes);
    // 64 → 128 over 64 nodes: one input and two output channels a node, four neighbours; a block
    // reads four channels, so the conv is four depthwise terms (a Gather each), summed; the next
    // masked conv (128 channels in) eight.
    let count = |op: &str| ops.iter().filter(|o| o.as_str() == op).count();
    assert_eq!((count("Gather"), count("Sum")), (12, 2), "{ops:?}");
    let mut stored = 0;
    // Output channel 5 is node 2's: it reads nodes 0, 1, 3, 4 (the ring's neighbours) in order.
    for (t, inp) in [0, 1, 3, 4].into_iter().enumerate() {
        let wt = init(&inits, &format!("{name}.weight{t}"));
        assert_eq!(wt.dims, [128, 1, 3, 3]);
        let values = floats(wt);
        assert_eq!(values[5 * 9..][..9], orig[(5 * 64 + inp) * 9..][..9]);
        stored += values.len() as u64;
        let idx = init(&inits, &format!("{name}.gather{t}"));
        let at5 = i64::from_le_bytes(idx.raw_data[5 * 8..][..8].try_into().unwrap());
        assert_eq!((idx.dims.as_slice(), at5), (&[128][..], inp as i64));
    }
    assert_eq!(stored, c.kept(128, 64).unwrap() * 9);
    let dense = masked_cnn(Layout::Dense).2;
    assert_eq!(w.kept_weights, dense.kept_weights);
    assert!(
        w.bytes.len() * 3 < dense.bytes.len(),
        "{} vs {}",
        w.bytes.len(),
        dense.bytes.len()
    );
}

#[test]
fn packed_conv_with_wide_blocks_is_one_grouped_conv() {
    let before = net(&test_models::cnn());
    // 8 nodes: a block of the 64 → 128 conv reads 4 neighbours × 8 channels = 32 channels.
    let c = conn(8, 4);
    let w = to_onnx(
        &before,
        &[None, Some(&c), Some(&c), None],
        Layout::Packed,
        &[],
    )
    .unwrap();
    let (_, orig, _) = conv_weight(&before, 1);
    let name = &before.weight_steps().nth(1).unwrap().1.name;
    let (ops, inits) = proto(&w.bytes);
    assert_eq!(
        ops.iter().filter(|o| o.as_str() == "Gather").count(),
        2,
        "{ops:?}"
    );
    let t = init(&inits, &format!("{name}.weight"));
    assert_eq!(t.dims, [128, 32, 3, 3]);
    let blocks = floats(t);
    assert_eq!(blocks.len() as u64, c.kept(128, 64).unwrap() * 9);
    // Output channel 17 is node 1's (16 outputs a node): its first block channel is node 0's
    // channel 0 (the ring's first neighbour of node 1).
    assert_eq!(blocks[(17 * 32) * 9..][..9], orig[(17 * 64) * 9..][..9]);
    assert_eq!(init(&inits, &format!("{name}.gather")).dims, [256]);
}

#[test]
fn packed_linear_layers_and_widths_the_graph_does_not_divide() {
    let before = net(&test_models::mlp());
    // 784-256-256-128-10: the middle layers masked.
    let middle = |c: &Connectivity| {
        to_onnx(
            &before,
            &[None, Some(c), Some(c), None],
            Layout::Packed,
            &[],
        )
        .unwrap()
    };
    let c = conn(16, 4);
    let w = middle(&c);
    assert_eq!(w.packed.len(), 2);
    let (ops, inits) = proto(&w.bytes);
    assert_eq!(
        ops.iter().filter(|o| o.as_str() == "MatMul").count(),
        2,
        "{ops:?}"
    );
    let name = &before.weight_steps().nth(2).unwrap().1.name;
    let t = inits
        .iter()
        .find(|t| t.name == format!("{name}.weight"))
        .unwrap();
    // 256 → 128 over 16 nodes: blocks of 8 outputs and 4 · 16 inputs.
    assert_eq!(t.dims, [16, 8, 64]);
    // 12 nodes divide none of 256 and 128: both stay dense with zeros, and say so.
    let c = conn(12, 4);
    let w = middle(&c);
    assert!(w.packed.is_empty());
    assert_eq!(w.dense_with_zeros.len(), 2);
    assert_eq!(
        w.kept_weights,
        784 * 256 + c.kept(256, 256).unwrap() + c.kept(128, 256).unwrap() + 1280
    );
    assert!(!proto(&w.bytes).0.contains(&"Gather".to_string()));
}

#[test]
fn bad_masks_are_refused_in_one_line() {
    let before = net(&test_models::cnn());
    let c = conn(64, 4);
    let e = to_onnx(&before, &[None, Some(&c)], Layout::Dense, &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("2 masks for a network of 4 weight layers"),
        "{e}"
    );
    // The head (128 → 10) is narrower than 64 nodes; the first conv reads 3 channels.
    for masks in [[None, None, None, Some(&c)], [Some(&c), None, None, None]] {
        let e = to_onnx(&before, &masks, Layout::Packed, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("narrower than the graph's 64 nodes"), "{e}");
        assert!(!e.contains('\n'));
    }
}

#[test]
fn a_weight_that_does_not_fit_its_input_is_refused() {
    let mut bad = net(&test_models::cnn());
    let (i, _) = bad.weight_steps().nth(1).unwrap();
    if let Op::Conv { weight, .. } = &mut bad.steps[i].op {
        weight.shape[1] = 32;
        weight.data.truncate(weight.data.len() / 2);
    }
    let c = conn(16, 4);
    for layout in [Layout::Dense, Layout::Packed] {
        let e = to_onnx(&bad, &[None, Some(&c), None, None], layout, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("for 64 input channels"), "{e}");
    }
}
