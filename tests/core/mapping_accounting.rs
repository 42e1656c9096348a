//! Parameter and FLOP accounting: hand-worked small models (exact convention) and the reference
//! code's published `Flops_and_Params.csv` (paper convention) as the oracle.

use rgp::graph::generate::ring;
use rgp::mapping::arch::build;
use rgp::mapping::reference_nets::{resnet18, resnet56, vgg16_bn};
use rgp::mapping::{
    CnnSpec, Connectivity, Convention, MaskOptions, MlpSpec, account, compute_size, group_of,
    mask_matrix,
};

fn conn(n: u32, k: u32) -> Connectivity {
    if k == n {
        Connectivity::complete(n)
    } else {
        Connectivity::from_graph(&ring(n, k).unwrap(), false)
    }
}

#[test]
fn group_sizes_and_masks_for_widths_not_divisible_by_n() {
    let c = conn(64, 4);
    for (out, inp) in [(100u32, 70u32), (64, 65), (130, 200), (64, 64)] {
        let so = compute_size(out, 64).unwrap();
        assert_eq!(so.iter().sum::<u32>(), out);
        assert!(so.iter().all(|&s| s == out / 64 || s == out.div_ceil(64)));
        let m = mask_matrix(&c, out, inp).unwrap();
        assert_eq!(m.len(), (out * inp) as usize);
        // Every output row keeps exactly the channels of its group's 4 neighbour groups.
        let si = compute_size(inp, 64).unwrap();
        let go = group_of(&so);
        for o in 0..out as usize {
            let want: u32 = c.row(go[o]).iter().map(|&j| si[j as usize]).sum();
            let have = m[o * inp as usize..][..inp as usize]
                .iter()
                .filter(|&&v| v == 1.0)
                .count();
            assert_eq!(have as u32, want, "row {o} of {out}x{inp}");
        }
    }
    assert!(mask_matrix(&c, 63, 64).is_err());
}

#[test]
fn mlp_counts_worked_by_hand() {
    // 10 -> 6 -> 6 -> 3, nodes 4, the 4-cycle. Groups of 6: [2,2,1,1].
    // fc2 keeps 2·(2+1) + 2·(2+1) + 1·(2+1) + 1·(2+1) = 18 of 36 weights.
    let spec = MlpSpec {
        inputs: 10,
        hidden: vec![6, 6],
        classes: 3,
    };
    let a = account(
        &spec.arch(&MaskOptions::default()).unwrap(),
        &conn(4, 2),
        Convention::Exact,
    )
    .unwrap();
    let p: Vec<_> = a
        .layers
        .iter()
        .map(|r| (r.params_dense, r.params_pruned))
        .collect();
    assert_eq!(p, vec![(66, 66), (42, 24), (21, 21)]);
    assert_eq!((a.params_dense, a.params_pruned), (129, 111));
    assert_eq!((a.flops_dense, a.flops_pruned), (228, 192));

    // 10 -> 6 -> 5 -> 3: fc2 6 -> 5, out groups [2,1,1,1]: 2·3 + 1·3 + 1·3 + 1·3 = 15 weights.
    let spec = MlpSpec {
        inputs: 10,
        hidden: vec![6, 5],
        classes: 3,
    };
    let a = account(
        &spec.arch(&MaskOptions::default()).unwrap(),
        &conn(4, 2),
        Convention::Exact,
    )
    .unwrap();
    assert_eq!(
        (a.layers[1].params_dense, a.layers[1].params_pruned),
        (35, 20)
    );
    // Masking the first layer too: 10 inputs as [3,3,2,2].
    let opts = MaskOptions {
        first_dense: false,
        ..Default::default()
    };
    let a = account(&spec.arch(&opts).unwrap(), &conn(4, 2), Convention::Exact).unwrap();
    // out [2,2,1,1] x neighbour input sums: node0 reads 1,3 -> 3+2; node1 reads 0,2 -> 3+2; ...
    assert_eq!(a.layers[0].params_pruned, (2 * 5 + 2 * 5 + 5 + 5) + 6);
}

#[test]
fn cnn_counts_worked_by_hand() {
    // 1x8x8 -> conv 1->4 (stride 2, 4x4) -> BN -> conv 4->6 (stride 2, 2x2) -> BN -> GAP -> fc 6->3.
    // Convs have no bias (BatchNorm follows); each BN has a scale and a shift per channel.
    // conv2 groups: out [2,2,1,1], in [1,1,1,1]; every node reads 2 groups: 2·6 = 12 of 24 per tap.
    let spec = CnnSpec {
        in_ch: 1,
        input_hw: 8,
        channels: vec![4, 6],
        classes: 3,
    };
    let a = account(
        &spec.arch(&MaskOptions::default()).unwrap(),
        &conn(4, 2),
        Convention::Exact,
    )
    .unwrap();
    let rows: Vec<_> = a
        .layers
        .iter()
        .map(|r| {
            (
                r.kind.as_str(),
                r.out_hw,
                r.params_dense,
                r.params_pruned,
                r.flops_dense,
                r.flops_pruned,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("conv", 4, 36, 36, 1152, 1152),
            ("batchnorm", 4, 8, 8, 0, 0),
            ("conv", 2, 216, 108, 1728, 864),
            ("batchnorm", 2, 12, 12, 0, 0),
            ("linear", 1, 21, 21, 36, 36)
        ]
    );
    assert_eq!(
        (
            a.params_dense,
            a.params_pruned,
            a.flops_dense,
            a.flops_pruned
        ),
        (293, 185, 2916, 2052)
    );
}

#[test]
fn self_loops_add_the_diagonal() {
    let spec = MlpSpec {
        inputs: 64,
        hidden: vec![64, 64],
        classes: 10,
    };
    let arch = spec.arch(&MaskOptions::default()).unwrap();
    let g = ring(64, 4).unwrap();
    let a = account(
        &arch,
        &Connectivity::from_graph(&g, false),
        Convention::Exact,
    )
    .unwrap();
    let b = account(
        &arch,
        &Connectivity::from_graph(&g, true),
        Convention::Exact,
    )
    .unwrap();
    assert_eq!(a.layers[1].params_pruned, 4 * 64 + 64);
    assert_eq!(b.layers[1].params_pruned, 5 * 64 + 64);
}

#[test]
fn masked_layer_narrower_than_n_is_an_error() {
    let spec = MlpSpec {
        inputs: 784,
        hidden: vec![32, 32],
        classes: 10,
    };
    let e = account(
        &spec.arch(&MaskOptions::default()).unwrap(),
        &conn(64, 4),
        Convention::Exact,
    )
    .unwrap_err();
    assert!(e.message().contains("fc2"), "{e}");
}

/// `round(x * 1e-6, 2)` as the reference script wrote its CSV.
fn mega(x: u64) -> f64 {
    (x as f64 * 1e-6 * 100.0).round() / 100.0
}

fn check(name: &str, a: &rgp::mapping::Accounting, params: f64, flops: f64) {
    assert!(
        (mega(a.params_pruned) - params).abs() < 1e-9
            && (mega(a.flops_pruned) - flops).abs() < 1e-9,
        "{name} d={}: got {}M / {}M, published {params}M / {flops}M",
        a.degree,
        mega(a.params_pruned),
        mega(a.flops_pruned)
    );
}

#[test]
#[allow(clippy::approx_constant)] // 3.14 is a published table entry, not π
fn paper_convention_matches_the_published_table() {
    let opts = MaskOptions::default();
    let degrees = [4, 6, 8, 10, 12, 14, 16, 18, 20, 64];
    let r18_p = [0.7, 1.05, 1.4, 1.74, 2.09, 2.44, 2.79, 3.14, 3.49, 11.16];
    let r18_f = [
        70.66, 105.37, 140.08, 174.8, 209.51, 244.23, 278.94, 313.65, 348.37, 1112.07,
    ];
    let vgg_p = [0.95, 1.43, 1.9, 2.38, 2.86, 3.33, 3.81, 4.29, 4.76, 15.24];
    let vgg_f = [
        40.17, 59.78, 79.39, 98.99, 118.6, 138.21, 157.82, 177.43, 197.03, 628.41,
    ];
    let ref_opts = MaskOptions {
        first_dense: false,
        last_dense: false,
        ..opts
    };
    for (i, &d) in degrees.iter().enumerate() {
        let c = conn(64, d);
        check(
            "cResNet18",
            &account(&resnet18(10, &ref_opts), &c, Convention::Paper).unwrap(),
            r18_p[i],
            r18_f[i],
        );
        check(
            "vgg16_bn",
            &account(&vgg16_bn(10, &ref_opts), &c, Convention::Paper).unwrap(),
            vgg_p[i],
            vgg_f[i],
        );
    }
    let r56_p = [0.21, 0.32, 0.42, 0.53, 0.64, 0.85];
    let r56_f = [64.34, 95.71, 127.08, 158.46, 189.83, 252.57];
    for (i, &d) in [4, 6, 8, 10, 12, 16].iter().enumerate() {
        check(
            "resnet56",
            &account(&resnet56(10), &conn(16, d), Convention::Paper).unwrap(),
            r56_p[i],
            r56_f[i],
        );
    }
    // CIFAR-100 rows (100 classes).
    check(
        "cResNet18/100",
        &account(&resnet18(100, &ref_opts), &conn(64, 64), Convention::Paper).unwrap(),
        11.21,
        1112.17,
    );
    check(
        "vgg16_bn/100",
        &account(&vgg16_bn(100, &ref_opts), &conn(64, 20), Convention::Paper).unwrap(),
        4.78,
        197.06,
    );
    check(
        "resnet56/100",
        &account(&resnet56(100), &conn(16, 8), Convention::Paper).unwrap(),
        0.43,
        127.1,
    );
    // `build` with the reference layout gives the same thing as the direct constructors.
    let mlp = MlpSpec {
        inputs: 784,
        hidden: vec![256],
        classes: 10,
    };
    let cnn = CnnSpec {
        in_ch: 1,
        input_hw: 28,
        channels: vec![64],
        classes: 10,
    };
    let a = build(rgp::mapping::ArchName::Vgg16Bn, &mlp, &cnn, 10, &opts, true).unwrap();
    check(
        "vgg16_bn via build",
        &account(&a, &conn(64, 4), Convention::Paper).unwrap(),
        0.95,
        40.17,
    );
}

#[test]
fn exact_convention_on_the_reference_architectures() {
    // With n dividing every masked width, exact pruned weights are exactly k/n of the masked ones.
    let opts = MaskOptions::default();
    let c = conn(64, 4);
    let a = account(&vgg16_bn(10, &opts), &c, Convention::Exact).unwrap();
    let masked_dense: u64 = a
        .layers
        .iter()
        .filter(|r| r.masked)
        .map(|r| r.params_dense)
        .sum();
    let masked_kept: u64 = a
        .layers
        .iter()
        .filter(|r| r.masked)
        .map(|r| r.params_pruned)
        .sum();
    assert_eq!(masked_kept * 16, masked_dense);
    // Stem (3 input channels) and the classifier stay dense.
    assert!(!a.layers[0].masked && !a.layers.last().unwrap().masked);
    assert_eq!(a.layers.last().unwrap().params_dense, 512 * 10 + 10);
    // ResNet56 with 16 nodes: stem and fc dense, 54 masked 3x3 convs.
    let a = account(&resnet56(10), &conn(16, 4), Convention::Exact).unwrap();
    assert_eq!(a.layers.iter().filter(|r| r.masked).count(), 54);
    assert_eq!(a.params_dense, 848_954); // no BN parameters: non-affine, as the reference trains
    // A masked cResNet18 stem cannot take a 64-node mask.
    let e = account(
        &resnet18(
            10,
            &MaskOptions {
                first_dense: false,
                ..opts
            },
        ),
        &c,
        Convention::Exact,
    )
    .unwrap_err();
    assert!(e.message().contains("conv1"));
}
