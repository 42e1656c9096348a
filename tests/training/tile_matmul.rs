//! The linear layers' matmul kernel on wgpu (natively: lavapipe) gives Burn's matmul's values and
//! gradients, for shapes that are not multiples of its 4×4 tile and for transposed operands.
//! Skipped, with a message saying why, only when no adapter exists.

#![cfg(feature = "wgpu")]

use burn::tensor::{Device, Distribution, Tensor, TensorData};
use rgp::graph::generate::ring;
use rgp::mapping::{Connectivity, mask_matrix};
use rgp::train::tile_matmul::{block_matmul, block_table, matmul};
use rgp::train::{device, trainer::block_on};

fn wgpu() -> Option<Device> {
    match block_on(device::wgpu()) {
        Ok(d) => Some(d),
        Err(e) => {
            eprintln!("SKIPPED: no wgpu adapter on this machine ({e})");
            None
        }
    }
}

fn host(t: Tensor<2>) -> Vec<f32> {
    block_on(t.into_data_async())
        .unwrap()
        .try_to_vec::<f32>()
        .unwrap()
}

fn assert_close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= 1e-4 * (1.0 + y.abs()),
            "{what}[{i}]: {x} against {y}"
        );
    }
}

#[test]
fn values_match_burns_matmul_for_ragged_and_transposed_shapes() {
    let Some(dev) = wgpu() else { return };
    for (m, k, n) in [
        (1, 1, 1),
        (5, 7, 3),
        (4, 4, 4),
        (130, 784, 10),
        (128, 256, 256),
        (3, 0, 2),
    ] {
        let a = Tensor::<2>::random([m, k], Distribution::Uniform(-1.0, 1.0), &dev);
        let b = Tensor::<2>::random([k, n], Distribution::Uniform(-1.0, 1.0), &dev);
        let want = host(a.clone().matmul(b.clone()));
        assert_close(
            &host(matmul(a.clone(), b.clone())),
            &want,
            &format!("{m}×{k}·{k}×{n}"),
        );
        // (a·b)ᵀ = bᵀ·aᵀ, both operands transposed views (strides swapped, nothing copied).
        let got = matmul(b.transpose(), a.transpose()).transpose();
        assert_close(
            &host(got),
            &want,
            &format!("{m}×{k}·{k}×{n} from transposed views"),
        );
    }
}

#[test]
fn gradients_match_burns_matmul() {
    let Some(dev) = wgpu() else { return };
    let data = |r: usize, c: usize, s: f32| {
        let v: Vec<f32> = (0..r * c).map(|i| (i as f32 * s).sin()).collect();
        TensorData::new(v, [r, c])
    };
    let grads = |ours: bool| {
        let a = Tensor::<2>::from_data(data(33, 18, 0.7), &dev).require_grad();
        let b = Tensor::<2>::from_data(data(18, 11, 1.3), &dev).require_grad();
        let y = if ours {
            matmul(a.clone(), b.clone())
        } else {
            a.clone().matmul(b.clone())
        };
        let w = Tensor::<2>::from_data(data(33, 11, 0.3), &dev);
        let g = (y * w).sum().backward();
        (host(a.grad(&g).unwrap()), host(b.grad(&g).unwrap()))
    };
    let (ours, burn) = (grads(true), grads(false));
    assert_close(&ours.0, &burn.0, "d lhs");
    assert_close(&ours.1, &burn.1, "d rhs");
}

#[test]
fn the_cpu_extension_is_burns_matmul() {
    let dev = device::cpu();
    let a = Tensor::<2>::random([9, 5], Distribution::Uniform(-1.0, 1.0), &dev);
    let b = Tensor::<2>::random([5, 6], Distribution::Uniform(-1.0, 1.0), &dev);
    assert_eq!(host(matmul(a.clone(), b.clone())), host(a.matmul(b)));
}

/// `x · (W ⊙ M)` with the graph's block table against the dense product, and both gradients
/// through the mask, for equal and unequal group widths.
#[test]
fn blocked_product_and_gradients_match_the_dense_masked_product() {
    let Some(dev) = wgpu() else { return };
    let c = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    for (inp, out) in [(64, 64), (128, 64), (64, 128)] {
        let table = block_table(&c, inp, out, &dev).expect("widths fit the tile");
        let mask = mask_matrix(&c, out as u32, inp as u32).unwrap();
        let mask = Tensor::<2>::from_data(TensorData::new(mask, [out, inp]), &dev).transpose();
        let x0 = Tensor::<2>::random([37, inp], Distribution::Uniform(-1.0, 1.0), &dev).to_data();
        let w0 = TensorData::new(
            (0..inp * out).map(|i| (i as f32 * 0.37).sin()).collect(),
            [inp, out],
        );
        let run = |blocked: bool| {
            let x = Tensor::<2>::from_data(x0.clone(), &dev).require_grad();
            let w = Tensor::<2>::from_data(w0.clone(), &dev).require_grad();
            let we = w.clone() * mask.clone();
            let y = if blocked {
                block_matmul(x.clone(), we, table.clone())
            } else {
                x.clone().matmul(we)
            };
            let g = (y.clone() * y.clone()).sum().backward();
            (
                host(y),
                host(x.grad(&g).unwrap()),
                host(w.grad(&g).unwrap()),
            )
        };
        let (ours, dense) = (run(true), run(false));
        // It reads only the kept blocks: the unmasked weights give the masked product.
        let (x, w) = (
            Tensor::from_data(x0.clone(), &dev),
            Tensor::from_data(w0, &dev),
        );
        let unmasked = host(block_matmul(x, w, table.clone()));
        assert_close(
            &unmasked,
            &dense.0,
            &format!("{inp} → {out}: unmasked weights"),
        );
        let what = format!("{inp} → {out}");
        assert_close(&ours.0, &dense.0, &format!("{what}: y"));
        assert_close(&ours.1, &dense.1, &format!("{what}: d x"));
        assert_close(&ours.2, &dense.2, &format!("{what}: d W"));
    }
}

#[test]
fn no_block_table_where_the_groups_do_not_fit_the_tile() {
    let dev = device::cpu();
    let c = Connectivity::from_graph(&ring(16, 4).unwrap(), false);
    assert!(block_table(&c, 64, 64, &dev).is_some());
    assert!(
        block_table(&c, 40, 64, &dev).is_none(),
        "16 does not divide 40"
    );
    assert!(
        block_table(&c, 32, 64, &dev).is_none(),
        "groups of 2 channels"
    );
}
