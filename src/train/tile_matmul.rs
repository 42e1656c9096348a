//! The linear layers' matmul on the wgpu backend: a kernel of our own. Burn 0.22 picks its
//! matmul kernel inside the backend (cubek-matmul's `Auto`, which falls back to `SimpleUnit` on
//! adapters without cooperative matrices); on a software WebGPU adapter that ran a training step
//! slower than TensorFlow.js's. Ours keeps a 4×4 output tile per invocation in sixteen scalar
//! registers, with no shared memory and no barrier, and reads both operands through their strides,
//! so the backward pass's transposed operands are read in place. On the CPU (flex) the extension
//! is Burn's own matmul; the linear layers use this op only on wgpu (`layers.rs`).

use crate::mapping::Connectivity;
use burn::backend::autodiff::checkpoint::{base::Checkpointer, strategy::CheckpointStrategy};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, binary};
use burn::backend::autodiff::{Autodiff, NodeId};
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::backend::{Backend, Flex, backend_extension};
use burn::tensor::{Device, Int, Tensor, TensorData};

/// `lhs [m, k] · rhs [k, n]`, both 2-D.
#[backend_extension(Cube: cfg(feature = "wgpu"), Flex, Autodiff, Fusion: cfg(feature = "web-train"))]
pub trait TileMatmul: Backend {
    #[fusion(dtype = lhs, shape = {
        let (l, r) = (lhs.clone(), rhs.clone());
        burn::tensor::Shape::new([l[0], r[1]])
    })]
    fn tile_matmul(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `lhs · rhs` where `rhs [k, n]` is zero outside the graph's blocks: with `g` nodes, output
    /// column group `c / (n/g)` reads only the row blocks `blocks[group]` of `k/g` rows each.
    #[fusion(dtype = lhs, shape = {
        let (l, r) = (lhs.clone(), rhs.clone());
        burn::tensor::Shape::new([l[0], r[1]])
    })]
    fn block_matmul(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        blocks: IntTensor<Self>,
    ) -> FloatTensor<Self>;
}

/// `lhs · rhs` with the tiled kernel on wgpu (Burn's matmul elsewhere), differentiable.
pub fn matmul(lhs: Tensor<2>, rhs: Tensor<2>) -> Tensor<2> {
    Tensor::from_dispatch(<burn::backend::Dispatch as TileMatmul>::tile_matmul(
        lhs.into_dispatch(),
        rhs.into_dispatch(),
    ))
}

/// `x · w` for a masked layer's `w = W ⊙ M` whose mask is the graph's blocks (`table` from
/// [`block_table`]): on wgpu only the kept blocks are multiplied, forward and for `d x`.
pub fn block_matmul(x: Tensor<2>, w: Tensor<2>, table: Tensor<2, Int>) -> Tensor<2> {
    Tensor::from_dispatch(<burn::backend::Dispatch as TileMatmul>::block_matmul(
        x.into_dispatch(),
        w.into_dispatch(),
        table.into_dispatch(),
    ))
}

/// The neighbour table `[n, row_len]` of an `inp → out` layer masked by `c`, when the blocked
/// kernel can use it: `n` divides both widths into groups of a multiple of 4 channels (the
/// kernel's tile), and the graph is symmetric (so `d x` reads the same table transposed).
pub fn block_table(
    c: &Connectivity,
    inp: usize,
    out: usize,
    device: &Device,
) -> Option<Tensor<2, Int>> {
    let n = c.n() as usize;
    let fits = |w: usize| n > 0 && w.is_multiple_of(n) && (w / n).is_multiple_of(TILE);
    let symmetric = (0..c.n()).all(|i| c.row(i).iter().all(|&j| c.has(j, i)));
    if !fits(inp) || !fits(out) || !symmetric || c.row_len() == 0 {
        return None;
    }
    let table: Vec<i32> = (0..c.n())
        .flat_map(|i| c.row(i).iter().map(|&j| j as i32))
        .collect();
    let data = TensorData::new(table, [n, c.row_len() as usize]);
    Some(Tensor::from_data(data, device))
}

/// Output tile per invocation is `TILE × TILE`.
const TILE: usize = 4;

impl TileMatmul for Flex {
    fn tile_matmul(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>) -> FloatTensor<Self> {
        Self::float_matmul(lhs, rhs)
    }

    fn block_matmul(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        _blocks: IntTensor<Self>,
    ) -> FloatTensor<Self> {
        Self::float_matmul(lhs, rhs)
    }
}

impl<B: Backend + TileMatmul, C: CheckpointStrategy> TileMatmul for Autodiff<B, C> {
    fn tile_matmul(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>) -> FloatTensor<Self> {
        #[derive(Debug)]
        struct TileMatmulBackward;

        impl<B: Backend + TileMatmul> Backward<B, 2> for TileMatmulBackward {
            type State = (Option<NodeId>, Option<NodeId>);

            fn backward(
                self,
                ops: Ops<Self::State, 2>,
                grads: &mut Gradients,
                checkpointer: &mut Checkpointer,
            ) {
                let (lhs, rhs) = ops.state;
                let lhs = lhs.map(|id| checkpointer.retrieve_node_output(id));
                let rhs = rhs.map(|id| checkpointer.retrieve_node_output(id));
                // d lhs = g · rhsᵀ, d rhs = lhsᵀ · g: transposes are stride swaps, read in place.
                binary::<B, _, _>(
                    ops.parents,
                    ops.node,
                    grads,
                    |g| B::tile_matmul(g, B::float_transpose(rhs.expect("rhs kept"))),
                    |g| B::tile_matmul(B::float_transpose(lhs.expect("lhs kept")), g),
                );
            }
        }

        let (lhs_tracked, rhs_tracked) = (lhs.is_tracked(), rhs.is_tracked());
        match TileMatmulBackward
            .prepare::<C>([lhs.node(), rhs.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let lhs_state = rhs_tracked.then(|| prep.checkpoint(&lhs));
                let rhs_state = lhs_tracked.then(|| prep.checkpoint(&rhs));
                let out = B::tile_matmul(lhs.into_primitive(), rhs.into_primitive());
                prep.finish((lhs_state, rhs_state), out)
            }
            OpsKind::UnTracked(prep) => {
                prep.finish(B::tile_matmul(lhs.into_primitive(), rhs.into_primitive()))
            }
        }
    }

    fn block_matmul(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        blocks: IntTensor<Self>,
    ) -> FloatTensor<Self> {
        #[derive(Debug)]
        struct BlockMatmulBackward;

        impl<B: Backend + TileMatmul> Backward<B, 2> for BlockMatmulBackward {
            type State = (Option<NodeId>, Option<NodeId>, IntTensor<B>);

            fn backward(
                self,
                ops: Ops<Self::State, 2>,
                grads: &mut Gradients,
                checkpointer: &mut Checkpointer,
            ) {
                let (lhs, rhs, blocks) = ops.state;
                let lhs = lhs.map(|id| checkpointer.retrieve_node_output(id));
                let rhs = rhs.map(|id| checkpointer.retrieve_node_output(id));
                // d lhs = g · rhsᵀ reads the same blocks (the graph is symmetric); d rhs is
                // dense here and the mask's own backward zeroes its pruned entries.
                binary::<B, _, _>(
                    ops.parents,
                    ops.node,
                    grads,
                    |g| B::block_matmul(g, B::float_transpose(rhs.expect("rhs kept")), blocks),
                    |g| B::tile_matmul(B::float_transpose(lhs.expect("lhs kept")), g),
                );
            }
        }

        let (lhs_tracked, rhs_tracked) = (lhs.is_tracked(), rhs.is_tracked());
        match BlockMatmulBackward
            .prepare::<C>([lhs.node(), rhs.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let lhs_state = rhs_tracked.then(|| prep.checkpoint(&lhs));
                let rhs_state = lhs_tracked.then(|| prep.checkpoint(&rhs));
                let out =
                    B::block_matmul(lhs.into_primitive(), rhs.into_primitive(), blocks.clone());
                prep.finish((lhs_state, rhs_state, blocks), out)
            }
            OpsKind::UnTracked(prep) => prep.finish(B::block_matmul(
                lhs.into_primitive(),
                rhs.into_primitive(),
                blocks,
            )),
        }
    }
}

#[cfg(feature = "wgpu")]
mod cube {
    use super::TileMatmul;
    use burn::backend::tensor::FloatTensor;
    use burn_cubecl::CubeBackend;
    use burn_cubecl::kernel::untile;
    use burn_cubecl::ops::numeric::empty_device_dtype;
    use burn_cubecl::tensor::CubeTensor;
    use cubecl::prelude::*;

    use super::TILE;
    use burn::backend::tensor::IntTensor;
    use burn::tensor::DType;
    use burn_cubecl::kernel::cast;

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
    /// `col / col_group` reads the `k_block` rows of each block its row of `blocks` names.
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
}
