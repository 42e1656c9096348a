//! The linear layers' matmul on the wgpu backend: a kernel of our own. Burn 0.22 picks its
//! matmul kernel inside the backend (cubek-matmul's `Auto`, which falls back to `SimpleUnit` on
//! adapters without cooperative matrices); on a software WebGPU adapter that ran a training step
//! slower than TensorFlow.js's. Ours keeps a 4×4 output tile per invocation in sixteen scalar
//! registers, with no shared memory and no barrier, and reads both operands through their strides,
//! so the backward pass's transposed operands are read in place; a masked layer's variant
//! (`block_matmul`) reads only the graph's kept blocks. The kernels are in `tile_kernels.rs`. On
//! the CPU (flex) the extension is Burn's own matmul; the linear layers use these ops only on wgpu
//! (`layers.rs`).

use crate::mapping::Connectivity;
use burn::backend::autodiff::checkpoint::{base::Checkpointer, strategy::CheckpointStrategy};
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind, binary};
use burn::backend::autodiff::{Autodiff, NodeId};
use burn::backend::ops::FloatTensorOps;
use burn::backend::tensor::{FloatTensor, IntTensor};
use burn::backend::{Backend, Flex, backend_extension};
#[cfg(feature = "web-train")]
use burn::tensor::Shape;
use burn::tensor::{Device, Int, Tensor, TensorData};

/// `lhs [m, k] · rhs [k, n]`, both 2-D.
#[backend_extension(Cube: cfg(feature = "wgpu"), Flex, Autodiff, Fusion: cfg(feature = "web-train"))]
pub trait TileMatmul: Backend {
    #[fusion(dtype = lhs, shape = product_shape(lhs, rhs))]
    fn tile_matmul(lhs: FloatTensor<Self>, rhs: FloatTensor<Self>) -> FloatTensor<Self>;

    /// `lhs · rhs` where `rhs [k, n]` is zero outside the graph's blocks: with `g` nodes, output
    /// column group `c / (n/g)` reads only the row blocks `blocks[group]` of `k/g` rows each.
    #[fusion(dtype = lhs, shape = product_shape(lhs, rhs))]
    fn block_matmul(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        blocks: IntTensor<Self>,
    ) -> FloatTensor<Self>;
}

/// The shape of `lhs [m, k] · rhs [k, n]` (fusion records it before the op runs).
#[cfg(feature = "web-train")]
fn product_shape(lhs: &Shape, rhs: &Shape) -> Shape {
    Shape::new([lhs[0], rhs[1]])
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
pub(super) const TILE: usize = 4;

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
        differentiable::<B, C>(lhs, rhs, None)
    }

    fn block_matmul(
        lhs: FloatTensor<Self>,
        rhs: FloatTensor<Self>,
        blocks: IntTensor<Self>,
    ) -> FloatTensor<Self> {
        differentiable::<B, C>(lhs, rhs, Some(blocks))
    }
}

/// `B::tile_matmul` (no table) or `B::block_matmul`.
fn forward<B: TileMatmul>(
    lhs: FloatTensor<B>,
    rhs: FloatTensor<B>,
    blocks: Option<IntTensor<B>>,
) -> FloatTensor<B> {
    match blocks {
        Some(b) => B::block_matmul(lhs, rhs, b),
        None => B::tile_matmul(lhs, rhs),
    }
}

/// Both ops under autodiff: d lhs = g · rhsᵀ (the same blocks: the graph is symmetric),
/// d rhs = lhsᵀ · g, dense (a masked layer's `W ⊙ M` backward zeroes the pruned entries).
/// Transposes are stride swaps, read in place.
fn differentiable<B: Backend + TileMatmul, C: CheckpointStrategy>(
    lhs: FloatTensor<Autodiff<B, C>>,
    rhs: FloatTensor<Autodiff<B, C>>,
    blocks: Option<IntTensor<B>>,
) -> FloatTensor<Autodiff<B, C>> {
    #[derive(Debug)]
    struct MatmulBackward;

    impl<B: Backend + TileMatmul> Backward<B, 2> for MatmulBackward {
        type State = (Option<NodeId>, Option<NodeId>, Option<IntTensor<B>>);

        fn backward(
            self,
            ops: Ops<Self::State, 2>,
            grads: &mut Gradients,
            checkpointer: &mut Checkpointer,
        ) {
            let (lhs, rhs, blocks) = ops.state;
            let lhs = lhs.map(|id| checkpointer.retrieve_node_output(id));
            let rhs = rhs.map(|id| checkpointer.retrieve_node_output(id));
            binary::<B, _, _>(
                ops.parents,
                ops.node,
                grads,
                |g| forward::<B>(g, B::float_transpose(rhs.expect("rhs kept")), blocks),
                |g| B::tile_matmul(B::float_transpose(lhs.expect("lhs kept")), g),
            );
        }
    }

    let (lhs_tracked, rhs_tracked) = (lhs.is_tracked(), rhs.is_tracked());
    match MatmulBackward
        .prepare::<C>([lhs.node(), rhs.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(mut prep) => {
            let lhs_state = rhs_tracked.then(|| prep.checkpoint(&lhs));
            let rhs_state = lhs_tracked.then(|| prep.checkpoint(&rhs));
            let out = forward::<B>(lhs.into_primitive(), rhs.into_primitive(), blocks.clone());
            prep.finish((lhs_state, rhs_state, blocks), out)
        }
        OpsKind::UnTracked(prep) => prep.finish(forward::<B>(
            lhs.into_primitive(),
            rhs.into_primitive(),
            blocks,
        )),
    }
}
