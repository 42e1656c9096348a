//! The wgpu side of [`super::tile_matmul`]: the cubecl kernels and their launches. Each
//! invocation keeps a 4×4 output tile in sixteen scalar registers (a private array spills on a
//! software adapter), with no shared memory and no barrier, and reads both operands through their
//! strides.

use super::tile_matmul::{TILE, TileMatmul};
use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::tensor::DType;
use burn_cubecl::CubeBackend;
use burn_cubecl::kernel::{cast, untile};
use burn_cubecl::ops::numeric::empty_device_dtype;
use burn_cubecl::tensor::CubeTensor;
use cubecl::prelude::*;

/// Invocations per workgroup.
const GROUP_X: u32 = 16;
const GROUP_Y: u32 = 4;

/// One 4×4 tile of `out = lhs · rhs`. Out-of-range rows and columns are read clamped to the
/// last one (in bounds, result discarded) so the inner loop has no branch.
#[cube(launch_unchecked)]
fn tile_matmul_kernel(lhs: &Tensor<f32>, rhs: &Tensor<f32>, out: &mut Tensor<f32>) {
    let (m, n, k) = (out.shape(0), out.shape(1), lhs.shape(1));
    let row = ABSOLUTE_POS_Y as usize * 4;
    let col = ABSOLUTE_POS_X as usize * 4;
    if row >= m || col >= n {
        terminate!();
    }
    let (sa0, sa1, sb0, sb1) = (lhs.stride(0), lhs.stride(1), rhs.stride(0), rhs.stride(1));
    let a0 = row * sa0;
    let a1 = clamp_max(row + 1, m - 1) * sa0;
    let a2 = clamp_max(row + 2, m - 1) * sa0;
    let a3 = clamp_max(row + 3, m - 1) * sa0;
    let b0 = col * sb1;
    let b1 = clamp_max(col + 1, n - 1) * sb1;
    let b2 = clamp_max(col + 2, n - 1) * sb1;
    let b3 = clamp_max(col + 3, n - 1) * sb1;
    let mut c00 = 0.0f32;
    let mut c01 = 0.0f32;
    let mut c02 = 0.0f32;
    let mut c03 = 0.0f32;
    let mut c10 = 0.0f32;
    let mut c11 = 0.0f32;
    let mut c12 = 0.0f32;
    let mut c13 = 0.0f32;
    let mut c20 = 0.0f32;
    let mut c21 = 0.0f32;
    let mut c22 = 0.0f32;
    let mut c23 = 0.0f32;
    let mut c30 = 0.0f32;
    let mut c31 = 0.0f32;
    let mut c32 = 0.0f32;
    let mut c33 = 0.0f32;
    for i in 0..k {
        let (ka, kb) = (i * sa1, i * sb0);
        let (x0, x1, x2, x3) = (lhs[a0 + ka], lhs[a1 + ka], lhs[a2 + ka], lhs[a3 + ka]);
        let (y0, y1, y2, y3) = (rhs[kb + b0], rhs[kb + b1], rhs[kb + b2], rhs[kb + b3]);
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
    }
    store_row(out, row, col, n, c00, c01, c02, c03);
    if row + 1 < m {
        store_row(out, row + 1, col, n, c10, c11, c12, c13);
    }
    if row + 2 < m {
        store_row(out, row + 2, col, n, c20, c21, c22, c23);
    }
    if row + 3 < m {
        store_row(out, row + 3, col, n, c30, c31, c32, c33);
    }
}

/// [`tile_matmul_kernel`] over the kept row blocks of `rhs` only: the tile's column group
/// `col / col_group` reads the `k_block` rows of each block its row of `blocks` names. (A copy of
/// the dense kernel's loop body, not a shared helper: on a software adapter the speed is in how
/// the sixteen accumulators compile, and this form is the one measured.)
#[cube(launch_unchecked)]
fn block_matmul_kernel(
    lhs: &Tensor<f32>,
    rhs: &Tensor<f32>,
    blocks: &Tensor<i32>,
    out: &mut Tensor<f32>,
) {
    let (m, n) = (out.shape(0), out.shape(1));
    let (groups, deg) = (blocks.shape(0), blocks.shape(1));
    let (k_block, col_group) = (lhs.shape(1) / groups, n / groups);
    let row = ABSOLUTE_POS_Y as usize * 4;
    let col = ABSOLUTE_POS_X as usize * 4;
    if row >= m || col >= n {
        terminate!();
    }
    let (sa0, sa1, sb0, sb1) = (lhs.stride(0), lhs.stride(1), rhs.stride(0), rhs.stride(1));
    let a0 = row * sa0;
    let a1 = clamp_max(row + 1, m - 1) * sa0;
    let a2 = clamp_max(row + 2, m - 1) * sa0;
    let a3 = clamp_max(row + 3, m - 1) * sa0;
    let (b0, b1, b2, b3) = (col * sb1, (col + 1) * sb1, (col + 2) * sb1, (col + 3) * sb1);
    let mut c00 = 0.0f32;
    let mut c01 = 0.0f32;
    let mut c02 = 0.0f32;
    let mut c03 = 0.0f32;
    let mut c10 = 0.0f32;
    let mut c11 = 0.0f32;
    let mut c12 = 0.0f32;
    let mut c13 = 0.0f32;
    let mut c20 = 0.0f32;
    let mut c21 = 0.0f32;
    let mut c22 = 0.0f32;
    let mut c23 = 0.0f32;
    let mut c30 = 0.0f32;
    let mut c31 = 0.0f32;
    let mut c32 = 0.0f32;
    let mut c33 = 0.0f32;
    let group = col / col_group;
    for t in 0..deg {
        let first =
            usize::cast_from(blocks[group * blocks.stride(0) + t * blocks.stride(1)]) * k_block;
        for i in first..first + k_block {
            let (ka, kb) = (i * sa1, i * sb0);
            let (x0, x1, x2, x3) = (lhs[a0 + ka], lhs[a1 + ka], lhs[a2 + ka], lhs[a3 + ka]);
            let (y0, y1, y2, y3) = (rhs[kb + b0], rhs[kb + b1], rhs[kb + b2], rhs[kb + b3]);
            c00 += x0 * y0;
            c01 += x0 * y1;
            c02 += x0 * y2;
            c03 += x0 * y3;
            c10 += x1 * y0;
            c11 += x1 * y1;
            c12 += x1 * y2;
            c13 += x1 * y3;
            c20 += x2 * y0;
            c21 += x2 * y1;
            c22 += x2 * y2;
            c23 += x2 * y3;
            c30 += x3 * y0;
            c31 += x3 * y1;
            c32 += x3 * y2;
            c33 += x3 * y3;
        }
    }
    store_row(out, row, col, n, c00, c01, c02, c03);
    if row + 1 < m {
        store_row(out, row + 1, col, n, c10, c11, c12, c13);
    }
    if row + 2 < m {
        store_row(out, row + 2, col, n, c20, c21, c22, c23);
    }
    if row + 3 < m {
        store_row(out, row + 3, col, n, c30, c31, c32, c33);
    }
}

/// Writes up to four values of one output row (fewer at the right edge).
#[cube]
#[allow(clippy::too_many_arguments)]
fn store_row(
    out: &mut Tensor<f32>,
    row: usize,
    col: usize,
    n: usize,
    v0: f32,
    v1: f32,
    v2: f32,
    v3: f32,
) {
    let base = row * out.stride(0);
    let s = out.stride(1);
    out[base + col * s] = v0;
    if col + 1 < n {
        out[base + (col + 1) * s] = v1;
    }
    if col + 2 < n {
        out[base + (col + 2) * s] = v2;
    }
    if col + 3 < n {
        out[base + (col + 3) * s] = v3;
    }
}

/// The output `[m, n]` of `lhs [m, k] · rhs [k, n]` and the launch grid of its tiles.
fn output(lhs: &CubeTensor, rhs: &CubeTensor) -> (CubeTensor, CubeCount) {
    let (m, k) = (lhs.meta.shape()[0], lhs.meta.shape()[1]);
    let n = rhs.meta.shape()[1];
    assert_eq!(
        rhs.meta.shape()[0],
        k,
        "tile_matmul: inner dimensions differ"
    );
    let out = empty_device_dtype(
        lhs.client.clone(),
        lhs.device.clone(),
        burn::tensor::Shape::new([m, n]),
        lhs.dtype,
    );
    let groups = |len: usize, per: u32| len.div_ceil(TILE * per as usize).max(1) as u32;
    (
        out,
        CubeCount::Static(groups(n, GROUP_X), groups(m, GROUP_Y), 1),
    )
}

impl TileMatmul for CubeBackend {
    fn tile_matmul(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>) -> FloatTensor<Self> {
        let (lhs, rhs) = (untile(lhs), untile(rhs));
        let (out, count) = output(&lhs, &rhs);
        // Safety: every index the kernel reads is clamped into its operand, and it writes
        // only inside `out`'s shape.
        unsafe {
            tile_matmul_kernel::launch_unchecked(
                &out.client,
                count,
                CubeDim::new_2d(GROUP_X, GROUP_Y),
                lhs.into_tensor_arg(),
                rhs.into_tensor_arg(),
                out.clone().into_tensor_arg(),
            );
        }
        out
    }

    fn block_matmul(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        blocks: IntTensor<Self>,
    ) -> FloatTensor<Self> {
        let (lhs, rhs) = (untile(lhs), untile(rhs));
        let blocks = match blocks.dtype {
            DType::I32 => untile(blocks),
            _ => cast(untile(blocks), DType::I32),
        };
        let (out, count) = output(&lhs, &rhs);
        // Safety: `block_table` made the table (indices below the node count; widths that
        // the node count divides into groups of a multiple of the tile), so every read is
        // inside its operand; writes stay inside `out`'s shape.
        unsafe {
            block_matmul_kernel::launch_unchecked(
                &out.client,
                count,
                CubeDim::new_2d(GROUP_X, GROUP_Y),
                lhs.into_tensor_arg(),
                rhs.into_tensor_arg(),
                blocks.into_tensor_arg(),
                out.clone().into_tensor_arg(),
            );
        }
        out
    }
}
