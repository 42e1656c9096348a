//! The imported network's ops, each on a hand-built [`Net`] against numbers worked out by hand
//! or by a direct loop.

use super::device::cpu;
use super::imported::ImportedNet;
use crate::import::net::{Net, Op, Step, Tensor as W};
use crate::mapping::{Connectivity, mask_matrix};
use burn::module::Module;
use burn::tensor::{Tensor, TensorData};

/// A chain of steps: step `i` reads value `i` (or what `inputs` names) and writes `i + 1`.
fn chain(shapes: Vec<Vec<usize>>, ops: Vec<(Op, Vec<usize>)>) -> Net {
    let steps = ops
        .into_iter()
        .enumerate()
        .map(|(i, (op, inputs))| Step {
            name: format!("s{i}"),
            op,
            inputs: if inputs.is_empty() { vec![i] } else { inputs },
            output: i + 1,
        })
        .collect::<Vec<_>>();
    Net {
        output: steps.len(),
        steps,
        shapes,
    }
}

fn run_masked(net: &Net, masks: &[Option<&Connectivity>], packed: bool, x: &[f32]) -> Vec<f32> {
    let m = ImportedNet::new(net, masks, packed, &cpu())
        .unwrap()
        .valid();
    let size = m.input_size();
    let device = cpu().without_autodiff();
    let rows = x.len() / size;
    let t = Tensor::<2>::from_data(TensorData::new(x.to_vec(), [rows, size]), &device);
    m.forward(t).into_data().try_into_vec::<f32>().unwrap()
}

fn run(net: &Net, x: &[f32]) -> Vec<f32> {
    let masks = vec![None; net.weight_steps().count()];
    run_masked(net, &masks, false, x)
}

fn close(a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-5, "{a:?} vs {b:?}");
    }
}

fn conv(
    weight: W,
    pads: [usize; 4],
    stride: [usize; 2],
    dilation: [usize; 2],
    groups: usize,
) -> Op {
    Op::Conv {
        weight,
        bias: None,
        stride,
        pads,
        dilation,
        groups,
    }
}

#[test]
fn conv_with_asymmetric_padding() {
    // 2×2 input, a 2×2 kernel of ones, one row of padding on top and one column on the right.
    let w = W {
        shape: vec![1, 1, 2, 2],
        data: vec![1.0; 4],
    };
    let net = chain(
        vec![vec![1, 2, 2], vec![1, 2, 2]],
        vec![(conv(w, [1, 0, 0, 1], [1, 1], [1, 1], 1), vec![])],
    );
    close(&run(&net, &[1.0, 2.0, 3.0, 4.0]), &[3.0, 2.0, 10.0, 6.0]);
}

/// Direct loops: `x` [c, h, w], `w` [o, c / groups, kh, kw].
#[allow(clippy::too_many_arguments)]
fn direct_conv(
    x: &[f32],
    [c, h, wd]: [usize; 3],
    w: &W,
    [t, l, _, _]: [usize; 4],
    [sh, sw]: [usize; 2],
    [dh, dw]: [usize; 2],
    groups: usize,
    [oh, ow]: [usize; 2],
) -> Vec<f32> {
    let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3]);
    let mut y = vec![0f32; o * oh * ow];
    for oc in 0..o {
        let g = oc / (o / groups);
        for (i, j) in (0..oh).flat_map(|i| (0..ow).map(move |j| (i, j))) {
            let mut s = 0.0;
            for (ci, a, b) in
                (0..cg).flat_map(|ci| (0..kh).flat_map(move |a| (0..kw).map(move |b| (ci, a, b))))
            {
                let (r, q) = (
                    (i * sh + a * dh) as isize - t as isize,
                    (j * sw + b * dw) as isize - l as isize,
                );
                if r >= 0 && q >= 0 && (r as usize) < h && (q as usize) < wd {
                    let xc = g * cg + ci;
                    s += x[(xc * h + r as usize) * wd + q as usize]
                        * w.data[((oc * cg + ci) * kh + a) * kw + b];
                }
            }
            y[(oc * oh + i) * ow + j] = s;
        }
    }
    debug_assert_eq!(c, cg * groups);
    y
}

#[test]
fn conv_with_stride_dilation_groups_and_uneven_pads() {
    let mut rng = crate::graph::Rng::new(7);
    let mut draw = |n: usize| (0..n).map(|_| rng.unit() as f32 - 0.5).collect::<Vec<_>>();
    let w = W {
        shape: vec![4, 1, 3, 2],
        data: draw(24),
    };
    let x = draw(2 * 5 * 6);
    let (pads, stride, dil) = ([1, 0, 2, 1], [2, 1], [1, 2]);
    // Height (5 + 3 - 3) / 2 + 1 = 3, width (6 + 1 - 3) / 1 + 1 = 5.
    let want = direct_conv(&x, [2, 5, 6], &w, pads, stride, dil, 2, [3, 5]);
    let net = chain(
        vec![vec![2, 5, 6], vec![4, 3, 5]],
        vec![(conv(w, pads, stride, dil, 2), vec![])],
    );
    close(&run(&net, &x), &want);
}

#[test]
fn batch_norm_uses_the_running_statistics() {
    let bn = Op::BatchNorm {
        scale: vec![2.0, 0.5],
        bias: vec![1.0, -1.0],
        mean: vec![3.0, -2.0],
        var: vec![4.0, 0.25],
        epsilon: 0.0,
    };
    let net = chain(vec![vec![2], vec![2]], vec![(bn, vec![])]);
    // (5 − 3) / 2 · 2 + 1 = 3; (−1 + 2) / 0.5 · 0.5 − 1 = 0.
    close(&run(&net, &[5.0, -1.0, 3.0, -2.0]), &[3.0, 0.0, 1.0, -1.0]);
}

fn neg_grid(n: usize) -> Vec<f32> {
    (0..n).map(|i| -1.0 - i as f32).collect()
}

#[test]
fn max_pool_pads_with_minus_infinity() {
    // 4×4 of −1 … −16, 3×3 windows, stride 2, one cell of padding all round: 2×2.
    let pool = Op::MaxPool {
        kernel: [3, 3],
        stride: [2, 2],
        pads: [1, 1, 1, 1],
        dilation: [1, 1],
        ceil: false,
    };
    let net = chain(vec![vec![1, 4, 4], vec![1, 2, 2]], vec![(pool, vec![])]);
    close(&run(&net, &neg_grid(16)), &[-1.0, -2.0, -5.0, -6.0]);
    // Uneven: padding only at the bottom and right of a 3×3, 2×2 windows.
    let pool = Op::MaxPool {
        kernel: [2, 2],
        stride: [2, 2],
        pads: [0, 0, 1, 1],
        dilation: [1, 1],
        ceil: false,
    };
    let net = chain(vec![vec![1, 3, 3], vec![1, 2, 2]], vec![(pool, vec![])]);
    close(&run(&net, &neg_grid(9)), &[-1.0, -3.0, -7.0, -9.0]);
}

#[test]
fn max_pool_in_ceil_mode_keeps_the_partial_window() {
    let pool = Op::MaxPool {
        kernel: [2, 2],
        stride: [2, 2],
        pads: [0; 4],
        dilation: [1, 1],
        ceil: true,
    };
    let net = chain(vec![vec![1, 5, 5], vec![1, 3, 3]], vec![(pool, vec![])]);
    let x: Vec<f32> = (0..25).map(|i| i as f32).collect();
    close(&run(&net, &x), &[6., 8., 9., 16., 18., 19., 21., 23., 24.]);
}

#[test]
fn average_pool_counts_padding_or_not() {
    let pool = |count_include_pad| Op::AvgPool {
        kernel: [2, 2],
        stride: [1, 1],
        pads: [1, 1, 0, 0],
        ceil: false,
        count_include_pad,
    };
    let shapes = vec![vec![1, 2, 2], vec![1, 2, 2]];
    let x = [1.0, 2.0, 3.0, 4.0];
    let net = chain(shapes.clone(), vec![(pool(true), vec![])]);
    close(&run(&net, &x), &[0.25, 0.75, 1.0, 2.5]);
    let net = chain(shapes, vec![(pool(false), vec![])]);
    close(&run(&net, &x), &[1.0, 1.5, 2.0, 2.5]);
}

#[test]
fn branches_join_by_add_and_concat_then_pool_flatten_and_softmax() {
    // x [2, 1, 2] → relu (1), sigmoid (2), add (3) = relu + sigmoid, concat (4) of x and 3,
    // global average (5) [4, 1, 1], flatten (6) [4], softmax (7).
    let shapes = vec![
        vec![2, 1, 2],
        vec![2, 1, 2],
        vec![2, 1, 2],
        vec![2, 1, 2],
        vec![4, 1, 2],
        vec![4, 1, 1],
        vec![4],
        vec![4],
    ];
    let ops = vec![
        (Op::Relu, vec![0]),
        (Op::Sigmoid, vec![0]),
        (Op::Add, vec![1, 2]),
        (Op::Concat, vec![0, 3]),
        (Op::GlobalAvgPool, vec![]),
        (Op::Flatten, vec![]),
        (Op::Softmax, vec![]),
    ];
    let net = chain(shapes, ops);
    let x = [1.0f32, -2.0, 0.5, 3.0];
    let s = |v: f32| 1.0 / (1.0 + (-v).exp());
    let joined: Vec<f32> = x.iter().map(|&v| v.max(0.0) + s(v)).collect();
    let all: Vec<f32> = x.iter().chain(&joined).copied().collect();
    let means: Vec<f32> = all.chunks(2).map(|p| (p[0] + p[1]) / 2.0).collect();
    let total: f32 = means.iter().map(|m| m.exp()).sum();
    let want: Vec<f32> = means.iter().map(|m| m.exp() / total).collect();
    close(&run(&net, &x), &want);
    // Logits leave the final Softmax out.
    let m = ImportedNet::new(&net, &[], false, &cpu()).unwrap().valid();
    assert!(m.ends_in_softmax());
    let t = Tensor::<2>::from_data(
        TensorData::new(x.to_vec(), [1, 4]),
        &cpu().without_autodiff(),
    );
    close(
        &m.logits(t).into_data().try_into_vec::<f32>().unwrap(),
        &means,
    );
}

#[test]
fn masked_linear_keeps_the_graphs_blocks_packed_or_not() {
    let g = crate::graph::generate::ring(4, 2).unwrap();
    let c = Connectivity::from_graph(&g, false);
    let (out, inp) = (8, 8);
    let data: Vec<f32> = (0..out * inp).map(|i| (i % 7) as f32 - 3.0).collect();
    let lin = Op::Linear {
        weight: W {
            shape: vec![out, inp],
            data: data.clone(),
        },
        bias: Some((0..out).map(|i| i as f32).collect()),
    };
    let net = chain(
        vec![vec![inp], vec![out], vec![out]],
        vec![(lin, vec![]), (Op::LeakyRelu { alpha: 0.1 }, vec![])],
    );
    let x: Vec<f32> = (0..inp).map(|i| i as f32 * 0.25 - 1.0).collect();
    let m = mask_matrix(&c, out as u32, inp as u32).unwrap();
    let want: Vec<f32> = (0..out)
        .map(|o| {
            (0..inp)
                .map(|i| data[o * inp + i] * m[o * inp + i] * x[i])
                .sum::<f32>()
                + o as f32
        })
        .map(|v| if v < 0.0 { 0.1 * v } else { v })
        .collect();
    close(&run_masked(&net, &[Some(&c)], false, &x), &want);
    close(&run_masked(&net, &[Some(&c)], true, &x), &want);
    assert_ne!(run(&net, &x), want, "the mask changes the output");
}

#[test]
fn wrong_mask_count_is_refused() {
    let net = chain(vec![vec![2], vec![2]], vec![(Op::Tanh, vec![])]);
    let e = ImportedNet::new(&net, &[None], false, &cpu()).unwrap_err();
    assert!(
        e.to_string()
            .contains("1 masks given for a network of 0 weight layers")
    );
    close(&run(&net, &[0.5, -1.0]), &[0.5f32.tanh(), (-1.0f32).tanh()]);
    let mut bad = net.clone();
    bad.steps[0].inputs = vec![1];
    let e = ImportedNet::new(&bad, &[], false, &cpu()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "step 's0' reads a value no earlier step writes"
    );
}
