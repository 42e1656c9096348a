"""Five ONNX forms of one block-masked 3×3 convolution against the dense one, in ONNX Runtime, same run.

    python3 bench/packed_conv_forms.py [--channels 128] [--size 16] [--batch 64] [--nodes 64] [--degree 4] [--threads 2]

The packed export (src/import/pack.rs, src/model_file/onnx.rs) writes a masked conv whose blocks read at most
16 channels as depthwise terms: term t gathers, for every output channel, the t-th input channel its block
reads, a depthwise Conv weighs it, and the k·C/n terms are summed ("depthwise terms"); wider blocks as one
Gather (the input channels each output group reads) then one Conv with group = n ("grouped"), whose tiny groups
ONNX Runtime's CPU provider runs as one small GEMM per group and image. Three more forms tried: the terms as
one depthwise Conv then a ReduceSum, im2col by a one-hot depthwise Conv then one batched MatMul, and one
grouped Conv per neighbour (the graph's k perfect matchings) summed. Prints each form's median time, its
speed-up over dense and its largest difference from dense.
"""
import argparse
import time

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ap = argparse.ArgumentParser()
ap.add_argument("--channels", type=int, default=128)
ap.add_argument("--size", type=int, default=16)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--nodes", type=int, default=64)
ap.add_argument("--degree", type=int, default=4)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
rng = np.random.default_rng(0)
C, H, N, n, k = a.channels, a.size, a.batch, a.nodes, a.degree
g = C // n  # channels per group


def model(nodes, inits):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [N, C, H, H])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "conv", [x], [y], [numpy_helper.from_array(v, k) for k, v in inits.items()])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    return m.SerializeToString()


def timed(model_bytes, x, reps=20):
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    s = ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])
    s.run(None, {"x": x})
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        y = s.run(None, {"x": x})[0]
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)), y


def channels(groups):
    return np.concatenate([np.arange(j * g, (j + 1) * g) for j in groups]).astype(np.int64)


# A k-regular pattern of groups as k permutations with no repeat in a row: neighbour r of group i is
# perms[r][i] (the graph's k perfect matchings, which the per-neighbour form needs).
while True:
    perms = [rng.permutation(n) for _ in range(k)]
    if all(len({p[i] for p in perms}) == k for i in range(n)):
        break
nbr = [[p[i] for p in perms] for i in range(n)]
mask = np.zeros((C, C), np.float32)
for i in range(n):
    for j in nbr[i]:
        mask[i * g:(i + 1) * g, j * g:(j + 1) * g] = 1
W = rng.standard_normal((C, C, 3, 3)).astype(np.float32) * 0.05 * mask[:, :, None, None]
x = rng.standard_normal((N, C, H, H)).astype(np.float32)

forms = {"dense": model([helper.make_node("Conv", ["x", "w"], ["y"], pads=[1] * 4)], {"w": W})}

# The export's form: gather each group's k·g input channels, one Conv with group = n.
idx = np.concatenate([channels(nbr[i]) for i in range(n)])
blocks = np.stack([W[i * g:(i + 1) * g][:, channels(nbr[i])] for i in range(n)])  # [n, g, k·g, 3, 3]
forms["grouped"] = model(
    [helper.make_node("Gather", ["x", "idx"], ["h"], axis=1),
     helper.make_node("Conv", ["h", "w"], ["y"], pads=[1] * 4, group=n)],
    {"idx": idx, "w": blocks.reshape(C, k * g, 3, 3)})

# The export's form for blocks of at most 16 channels: term t = (neighbour r, channel b of its group).
nodes, inits = [], {}
for t in range(k * g):
    inits[f"d{t}"] = np.array([nbr[o // g][t // g] * g + t % g for o in range(C)], np.int64)
    inits[f"v{t}"] = W[np.arange(C), inits[f"d{t}"]][:, None]
    nodes += [helper.make_node("Gather", ["x", f"d{t}"], [f"e{t}"], axis=1),
              helper.make_node("Conv", [f"e{t}", f"v{t}"], [f"z{t}"], pads=[1] * 4, group=C)]
nodes.append(helper.make_node("Sum", [f"z{t}" for t in range(k * g)], ["y"]))
forms["depthwise terms"] = model(nodes, inits)

# The same terms as one depthwise Conv over all of them (T·C channels), then a ReduceSum over the terms.
T = k * g
forms["one depthwise + ReduceSum"] = model(
    [helper.make_node("Gather", ["x", "di"], ["dh"], axis=1),
     helper.make_node("Conv", ["dh", "dw"], ["dc"], pads=[1] * 4, group=T * C),
     helper.make_node("Reshape", ["dc", "ds"], ["dr"]),
     helper.make_node("ReduceSum", ["dr", "dax"], ["y"], keepdims=0)],
    {"di": np.concatenate([inits[f"d{t}"] for t in range(T)]),
     "dw": np.concatenate([inits[f"v{t}"] for t in range(T)]),
     "ds": np.array([N, T, C, H, H], np.int64), "dax": np.array([1], np.int64)})

# im2col by a one-hot depthwise Conv ([N, n·K, H, W], K = k·g·9), then [N, n, HW, K] × [n, K, g].
K = k * g * 9
onehot = np.zeros((n * K, 1, 3, 3), np.float32)
for c in range(n * k * g):
    for t in range(9):
        onehot[c * 9 + t, 0, t // 3, t % 3] = 1
forms["im2col"] = model(
    [helper.make_node("Gather", ["x", "idx"], ["h"], axis=1),
     helper.make_node("Conv", ["h", "onehot"], ["c"], pads=[1] * 4, group=n * k * g),
     helper.make_node("Reshape", ["c", "s1"], ["r"]),
     helper.make_node("Transpose", ["r"], ["t"], perm=[0, 1, 3, 2]),
     helper.make_node("MatMul", ["t", "wm"], ["o"]),
     helper.make_node("Transpose", ["o"], ["o2"], perm=[0, 1, 3, 2]),
     helper.make_node("Reshape", ["o2", "s2"], ["y"])],
    {"idx": idx, "onehot": onehot, "wm": blocks.reshape(n, g, K).transpose(0, 2, 1).copy(),
     "s1": np.array([N, n, K, H * H], np.int64), "s2": np.array([N, C, H, H], np.int64)})

# One grouped Conv (g → g per group) per neighbour r, on the channels permutation r brings, summed.
nodes, inits = [], {}
for r in range(k):
    inits[f"i{r}"] = channels([nbr[i][r] for i in range(n)])
    inits[f"w{r}"] = np.concatenate([blocks[i][:, r * g:(r + 1) * g] for i in range(n)])
    nodes += [helper.make_node("Gather", ["x", f"i{r}"], [f"h{r}"], axis=1),
              helper.make_node("Conv", [f"h{r}", f"w{r}"], [f"y{r}"], pads=[1] * 4, group=n)]
nodes.append(helper.make_node("Sum", [f"y{r}" for r in range(k)], ["y"]))
forms["per-neighbour"] = model(nodes, inits)

# Two interleaved rounds; each form's best.
best, out = {}, {}
for _ in range(2):
    for name, m in forms.items():
        t, out[name] = timed(m, x)
        best[name] = min(best.get(name, t), t)
print(f"C={C}, {H}x{H}, batch {N}, {k}/{n}, ONNX Runtime {ort.__version__}, {a.threads} threads")
for name in forms:
    diff = float(np.abs(out[name] - out["dense"]).max())
    print(f"{name:26s} {best[name] * 1e3:8.1f} ms  speed-up {best['dense'] / best[name]:5.2f}x  max diff {diff:.1e}")
