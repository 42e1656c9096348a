//! The linear layers' matmul kernel on wgpu (natively: lavapipe) gives Burn's matmul's values and
//! gradients, for shapes that are not multiples of its 4×4 tile and for transposed operands.
//! Skipped, with a message saying why, only when no adapter exists.

#![cfg(feature = "wgpu")]

use burn::tensor::{Device, Distribution, Tensor, TensorData};
use rgp::train::tile_matmul::matmul;
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
        // The same product from transposed views (strides swapped, nothing copied).
        let (at, bt) = (a.transpose(), b.transpose());
        let got = matmul(at.transpose(), bt.transpose());
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
