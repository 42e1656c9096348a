use super::layers::{choose, table, weight_layers};
use super::onnx::read;
use super::test_models::{self, Net, attr_int, attr_ints};
use crate::mapping::{Connectivity, Convention};

fn conn(n: u32, k: u32) -> Connectivity {
    let g = crate::graph::generate::ring(n, k).unwrap();
    Connectivity::from_graph(&g, false)
}

#[test]
fn mlp_layers_first_and_classifier_stay_dense() {
    let net = read(&test_models::mlp()).unwrap();
    let layers = weight_layers(&net).unwrap();
    let widths: Vec<_> = layers.iter().map(|l| (l.op, l.in_ch, l.out_ch)).collect();
    assert_eq!(
        widths,
        [
            ("Linear", 784, 256),
            ("Linear", 256, 256),
            ("Linear", 256, 128),
            ("Linear", 128, 10)
        ]
    );
    let rows = choose(&layers, 64, &[]).unwrap();
    let masked: Vec<_> = rows.iter().map(|r| (r.eligible, r.masked)).collect();
    assert_eq!(
        masked,
        [(true, false), (true, true), (true, true), (false, false)]
    );
    assert!(rows[3].note.as_deref().unwrap().contains("narrower"));
    let t = table(&net, "mlp", &conn(64, 4), &[], Convention::Exact).unwrap();
    let l = &t.accounting.layers[2];
    assert_eq!(
        (l.params_dense, l.params_pruned),
        (256 * 128 + 128, 256 * 128 * 4 / 64 + 128)
    );
    assert_eq!(t.accounting.layers[1].params_pruned, 256 * 256 * 4 / 64);
    assert_eq!(
        t.params,
        784 * 256 + 256 + 256 * 256 + 256 * 128 + 128 + 128 * 10 + 10
    );
    // A named layer stays dense; an unknown name is refused, naming the layers.
    let name = layers[1].name.clone();
    assert!(!choose(&layers, 64, &[name]).unwrap()[1].masked);
    let e = choose(&layers, 64, &["nope".into()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("no weight layer is named 'nope'"), "{e}");
}

#[test]
fn cnn_blocks_give_convs_with_their_output_sizes() {
    let net = read(&test_models::cnn()).unwrap();
    let layers = weight_layers(&net).unwrap();
    let convs: Vec<_> = layers
        .iter()
        .map(|l| (l.op, l.in_ch, l.out_ch, l.out_hw[0]))
        .collect();
    assert_eq!(
        convs,
        [
            ("Conv", 3, 64, 32),
            ("Conv", 64, 128, 16),
            ("Conv", 128, 128, 8),
            ("Linear", 128, 10, 1)
        ]
    );
    let t = table(&net, "cnn", &conn(64, 4), &[], Convention::Exact).unwrap();
    let masked: Vec<bool> = t.layers.iter().map(|r| r.masked).collect();
    assert_eq!(masked, [false, true, true, false]);
    let conv2 = t
        .accounting
        .layers
        .iter()
        .find(|r| r.name == layers[1].name)
        .unwrap();
    assert_eq!(conv2.params_pruned, 128 * 64 * 9 * 4 / 64 + 128);
    assert_eq!(conv2.flops_pruned, 2 * 128 * 64 * 9 * 4 / 64 * 16 * 16);
    let paper = table(&net, "cnn", &conn(64, 4), &[], Convention::Paper).unwrap();
    assert!(
        paper.accounting.layers.last().unwrap().flops_dense > 0,
        "BN, ReLU and pooling counted"
    );
}

#[test]
fn residual_and_concat_blocks_import() {
    let net = read(&test_models::residual_concat()).unwrap();
    let layers = weight_layers(&net).unwrap();
    assert_eq!(layers.len(), 7);
    let down = &layers[5];
    assert_eq!(
        (down.in_ch, down.out_hw),
        (64, [4, 4]),
        "the concat's 32 + 32 channels, 8 → 4"
    );
    assert_eq!(layers.last().unwrap().in_ch, 64);
}

fn refused(bytes: &[u8]) -> String {
    match read(bytes) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unsupported_truncated_and_external_files_are_refused_in_one_line() {
    let mut n = Net::new(&[8], 4);
    let h = n.gemm("x", 8, 8);
    n.node("LpNormalization", &[&h], vec![attr_int("axis", 1)]);
    let e = refused(&n.finish(&[1, 8]));
    assert!(
        e.starts_with("unsupported node 'LpNormalization_2' (op LpNormalization, inputs v1)"),
        "{e}"
    );
    assert!(!e.contains('\n'));

    let full = test_models::mlp();
    for cut in [1, full.len() / 3, full.len() - 1] {
        let e = refused(&full[..cut]);
        assert!(e.starts_with("not a readable ONNX model"), "cut {cut}: {e}");
    }
    assert!(refused(b"").contains("holds no graph"));

    let mut n = Net::new(&[8], 5);
    n.gemm("x", 8, 4);
    n.external = true;
    let e = refused(&n.finish(&[1, 4]));
    assert!(e.contains("external data files (tensor 'w0')"), "{e}");

    let mut n = Net::new(&[8], 6);
    n.gemm("x", 8, 4);
    n.opset = 8;
    assert!(refused(&n.finish(&[1, 4])).contains("opset 8"));
}

#[test]
fn lowering_keeps_the_weight_layers_and_joins() {
    use super::lower::lower;
    use super::net::Op;
    for (bytes, joins) in [
        (test_models::mlp(), 0),
        (test_models::cnn(), 0),
        (test_models::residual_concat(), 2),
    ] {
        let imported = read(&bytes).unwrap();
        let net = lower(&imported).unwrap();
        let names: Vec<_> = net.weight_steps().map(|(_, s)| s.name.clone()).collect();
        let layers: Vec<_> = weight_layers(&imported).unwrap();
        assert_eq!(
            names,
            layers.iter().map(|l| l.name.clone()).collect::<Vec<_>>()
        );
        for ((_, s), l) in net.weight_steps().zip(&layers) {
            let w = match &s.op {
                Op::Conv { weight, .. } | Op::Linear { weight, .. } => weight,
                _ => unreachable!(),
            };
            // [out, in / groups, ...] whatever the file's order.
            assert_eq!(
                (w.shape[0], w.shape[1] * l.groups),
                (l.out_ch, l.in_ch),
                "{}",
                l.name
            );
            assert_eq!(w.len(), w.shape.iter().product::<usize>());
        }
        let two = net
            .steps
            .iter()
            .filter(|s| matches!(s.op, Op::Add | Op::Concat) && s.inputs.len() == 2)
            .count();
        assert_eq!(two, joins);
        assert_eq!(net.shapes[net.output], [10]);
        assert_eq!(net.shapes.len(), net.steps.len() + 1);
    }
}

#[test]
fn lowering_refuses_what_the_steps_cannot_express() {
    use super::lower::lower;
    // A bias added as a separate constant: an Add that joins a constant.
    let mut n = Net::new(&[8], 7);
    let h = n.gemm("x", 8, 8);
    let c = n.init(&[8]);
    n.node("Add", &[&h, &c], vec![]);
    let e = lower(&read(&n.finish(&[1, 8])).unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("joins a constant"), "{e}");
    // A Reshape that is not a flatten.
    let mut n = Net::new(&[4, 2, 2], 8);
    let s = n.ints(&[0, 8, 2]);
    n.node("Reshape", &["x", &s], vec![]);
    let e = lower(&read(&n.finish(&[1, 8, 2])).unwrap())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(e.contains("Reshape"), "{e}");
}

/// Flat pixels made an image (how our own CNN export starts), then global pooling three ways
/// (GlobalMaxPool; ReduceMax without keepdims, as our export ends; ReduceMean with keepdims over
/// axes written from the end), joined as vectors.
#[test]
fn global_reductions_and_an_image_reshape_import() {
    use super::lower::lower;
    use super::net::Op;
    let mut n = Net::new(&[64], 9);
    let shape = n.ints(&[-1, 1, 8, 8]);
    let img = n.node("Reshape", &["x", &shape], vec![]);
    let h = n.conv(&img, 1, 8, 3, 1);
    let drop = |keep| vec![attr_ints("axes", &[2, 3]), attr_int("keepdims", keep)];
    let a = n.node("ReduceMax", &[&h], drop(0));
    let keep = vec![attr_ints("axes", &[-1, -2]), attr_int("keepdims", 1)];
    let b = n.node("ReduceMean", &[&h], keep);
    let b = n.node("Flatten", &[&b], vec![attr_int("axis", 1)]);
    let c = n.node("GlobalMaxPool", &[&h], vec![]);
    let c = n.node("Flatten", &[&c], vec![attr_int("axis", 1)]);
    let s = n.node("Sum", &[&a, &b, &c], vec![]);
    n.gemm(&s, 8, 10);
    let net = lower(&read(&n.finish(&[1, 10])).unwrap()).unwrap();
    let ops: Vec<String> = net
        .steps
        .iter()
        .map(|s| {
            format!("{:?}", s.op)
                .split([' ', '{', '('])
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        ops,
        [
            "Reshape",
            "Conv",
            "GlobalMaxPool",
            "Flatten",
            "GlobalAvgPool",
            "Flatten",
            "GlobalMaxPool",
            "Flatten",
            "Add",
            "Linear"
        ]
    );
    assert_eq!(net.steps[0].op, Op::Reshape { to: vec![1, 8, 8] });
    let size = |i: usize| net.shapes[net.steps[i].output].clone();
    assert_eq!(
        (size(2), size(3), size(8)),
        (vec![8, 1, 1], vec![8], vec![8])
    );

    // A reduction over other axes, and a reshape that is neither a vector nor an image.
    for (axes, what) in [(&[1][..], "ReduceMax"), (&[2][..], "ReduceMean")] {
        let mut n = Net::new(&[4, 2, 2], 10);
        n.node(
            what,
            &["x"],
            vec![attr_ints("axes", axes), attr_int("keepdims", 1)],
        );
        let e = lower(&read(&n.finish(&[1, 4])).unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("({what}) reduces other axes")), "{e}");
    }
}

#[test]
fn weights_that_do_not_fit_are_refused_not_indexed() {
    use super::lower::lower;
    // A Gemm whose weight has one dimension (found by fuzzing: it was indexed as two).
    let mut n = Net::new(&[8], 9);
    let w = n.init(&[8]);
    n.node("Gemm", &["x", &w], vec![]);
    let e = match read(&n.finish(&[1, 8])).and_then(|net| lower(&net)) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    assert!(!e.is_empty() && !e.contains('\n'), "{e}");
    // A BatchNorm with fewer statistics than channels.
    let mut n = Net::new(&[4, 2, 2], 10);
    let parts: Vec<String> = (0..4).map(|_| n.init(&[3])).collect();
    let refs: Vec<&str> = std::iter::once("x")
        .chain(parts.iter().map(String::as_str))
        .collect();
    n.node("BatchNormalization", &refs, vec![]);
    let e = match read(&n.finish(&[1, 4, 2, 2])).and_then(|net| lower(&net)) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    assert!(e.contains("do not fit") || e.contains("cannot read"), "{e}");
}
