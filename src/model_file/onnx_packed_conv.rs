//! A graph-masked conv written over its kept weights only (docs/MODEL_FILES.md, "ONNX graphs").

use super::onnx_builder::{Builder, attr_int};
use onnx_ir::AttributeProto;

/// The widest block (input channels read by one output channel) written as depthwise terms. ONNX
/// Runtime runs a depthwise conv in its fast NCHWc kernels, but a grouped conv whose groups are
/// not multiples of 16 channels as one small im2col GEMM per group and image. Measured on one 3×3
/// layer at 4/64 (bench/packed_conv_forms.py): at 4–16 channels a block the terms ran 1.7–4.2×
/// faster than the dense conv against 1.0–1.8× for the grouped conv; at 32 the grouped conv won.
const MAX_DEPTHWISE_TERMS: usize = 16;

/// A graph-masked conv over its kept weights only, for the model files' CNN and imported
/// networks alike. Blocks of at most `MAX_DEPTHWISE_TERMS` channels: depthwise terms — term `t`
/// gathers, for every output channel, the `t`-th input channel its block reads, a depthwise Conv
/// (`group = out`) weighs it, and the terms are summed. Wider blocks: one Gather of every block's
/// input channels and one Conv with `group = n`.
pub(crate) struct PackedConv<'a> {
    pub name: &'a str,
    /// The grouped form's weight: initializer `{name}.{weight}`.
    pub weight: &'a str,
    /// The input channels block by block (`n · block_in`; block `i` feeds outputs
    /// `i · out / n ..`).
    pub gather: &'a [i64],
    pub n: usize,
    /// The kept weights `[out, block_in, kh, kw]`, each output's in its block's gather order.
    pub blocks: &'a [f32],
    pub out: usize,
    pub kernel: [usize; 2],
}

impl PackedConv<'_> {
    /// Writes the conv reading `x` into `y` (`attrs(group)`: the conv's other attributes); the
    /// bias, if any, goes on the (first) Conv.
    pub(crate) fn write(
        &self,
        g: &mut Builder,
        x: &str,
        y: &str,
        attrs: impl Fn(usize) -> Vec<AttributeProto>,
        bias: Option<&[f32]>,
    ) {
        let [kh, kw] = self.kernel;
        let bi = self.gather.len() / self.n;
        let add_bias = |g: &mut Builder, ins: &mut Vec<String>| {
            if let Some(b) = bias {
                ins.push(g.floats(&format!("{}.bias", self.name), &[self.out], b));
            }
        };
        if bi > MAX_DEPTHWISE_TERMS {
            let idx = g.ints(
                &format!("{}.gather", self.name),
                &[self.gather.len()],
                self.gather,
            );
            let h = g.node("Gather", &[x, &idx], vec![attr_int("axis", 1)]);
            let shape = [self.out, bi, kh, kw];
            let w = g.floats(
                &format!("{}.{}", self.name, self.weight),
                &shape,
                self.blocks,
            );
            let mut ins = vec![h, w];
            add_bias(g, &mut ins);
            let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
            g.node_named("Conv", &refs, attrs(self.n), y);
            return;
        }
        let (out, kk, go) = (self.out, kh * kw, self.out / self.n);
        let terms: Vec<String> = (0..bi)
            .map(|t| {
                let idx: Vec<i64> = (0..out).map(|o| self.gather[(o / go) * bi + t]).collect();
                let w: Vec<f32> = (0..out)
                    .flat_map(|o| self.blocks[(o * bi + t) * kk..][..kk].iter().copied())
                    .collect();
                let idx = g.ints(&format!("{}.gather{t}", self.name), &[out], &idx);
                let h = g.node("Gather", &[x, &idx], vec![attr_int("axis", 1)]);
                let w = g.floats(&format!("{}.weight{t}", self.name), &[out, 1, kh, kw], &w);
                let mut ins = vec![h, w];
                if t == 0 {
                    add_bias(g, &mut ins);
                }
                let refs: Vec<&str> = ins.iter().map(String::as_str).collect();
                g.node("Conv", &refs, attrs(out))
            })
            .collect();
        let refs: Vec<&str> = terms.iter().map(String::as_str).collect();
        g.node_named("Sum", &refs, vec![], y);
    }
}
