use super::layers::{choose, table, weight_layers};
use super::onnx::read;
use super::test_models::{self, Net, attr_int};
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
