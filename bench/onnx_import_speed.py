"""Imported networks pruned by the graph: dense against packed ONNX exports, side by side.

    python3 bench/onnx_import_speed.py [--rgp PATH] [--net vgg|mlp] [--batch 64] [--reps 15]
                                       [--threads 0] [--nodes 64 --degree 4]

Builds the network with onnx.helper — `vgg`: the VGG-style CNN of python/onnx_models.py (ten 3×3
Conv-BN-ReLU, 64–256 channels, [N, 3, 32, 32] input); `mlp`: Gemm-ReLU 64-2048-2048-2048-10 —
random weights, exports it with `rgp export --layout dense` and `--layout packed` (first layer and
classifier dense by default), checks that both compute the same outputs, and times ONNX Runtime CPU
inference of the original and both exports, runs interleaved so all see the same machine load, same
session options. Prints a markdown table: median ms per batch, speed-up over the dense export,
file sizes.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import onnx_models  # noqa: E402


def session(path, threads):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads  # 0: one per core
    # Idle workers sleep instead of spinning: on a shared machine spinning fights the other load.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def timings(paths, x, reps, threads):
    """Median milliseconds per batch of each model, runs interleaved after a warm-up."""
    sessions = [session(p, threads) for p in paths]
    for s in sessions:
        for _ in range(2):
            s.run(None, {"x": x})
    times = [[] for _ in paths]
    for _ in range(reps):
        for t, s in zip(times, sessions):
            start = time.perf_counter()
            s.run(None, {"x": x})
            t.append(time.perf_counter() - start)
    return [statistics.median(t) * 1e3 for t in times]


def wide_mlp():
    """Gemm-ReLU 64-2048-2048-2048-10 (the widths of bench/onnx_speed.py's digits MLP)."""
    g = onnx_models.Graph(6)
    h = g.node("Flatten", ["x"], axis=1)
    for fin, fout in [(64, 2048), (2048, 2048), (2048, 2048)]:
        h = g.node("Relu", [g.gemm(h, fin, fout)])
    return g.model(g.gemm(h, 2048, 10), [64])


NETS = {"vgg": (onnx_models.vgg, (3, 32, 32)), "mlp": (wide_mlp, (64,))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rgp", default=os.environ.get("RGP", "target/release/rgp"))
    p.add_argument("--net", choices=list(NETS), default="vgg")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--reps", type=int, default=15)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--nodes", type=int, default=64)
    p.add_argument("--degree", type=int, default=4)
    a = p.parse_args()
    d = tempfile.mkdtemp()
    orig = os.path.join(d, f"{a.net}.onnx")
    build, shape = NETS[a.net]
    onnx.save(build(), orig)
    paths, info = {"original": orig}, {}
    for layout in ["dense", "packed"]:
        out = os.path.join(d, f"{a.net}.{layout}.onnx")
        args = [a.rgp, "export", "--weights", orig, "--format", "onnx", "--layout", layout,
                "--nodes", str(a.nodes), "--degree", str(a.degree), "--out", out]
        info[layout] = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        paths[layout] = out
    x = np.random.default_rng(0).standard_normal((a.batch, *shape)).astype(np.float32)
    ys = {k: session(v, a.threads).run(None, {"x": x})[0] for k, v in paths.items()}
    diff = float(np.max(np.abs(ys["packed"] - ys["dense"])))
    assert diff < 1e-3, f"packed and dense exports disagree by {diff}"
    ms = dict(zip(paths, timings(list(paths.values()), x, a.reps, a.threads)))
    size = {k: os.path.getsize(v) for k, v in paths.items()}
    print(f"{a.net}, batch {a.batch}, threads {a.threads or 'one per core'}, {a.nodes} nodes degree {a.degree}, "
          f"masked layers {info['packed']['masked_layers']} (packed: {len(info['packed']['packed'])}), "
          f"kept weights {info['packed']['kept_weights']:,} of {info['packed']['weights']:,}, "
          f"max |packed - dense| {diff:.2g}, ONNX Runtime {ort.__version__}, {os.cpu_count()} cores\n")
    print("| file | median ms / batch | speed-up vs dense export | size (bytes) | size vs dense export |")
    print("|---|---|---|---|---|")
    for k in paths:
        print(f"| {k} | {ms[k]:.1f} | {ms['dense'] / ms[k]:.2f}× | {size[k]:,} | {size[k] / size['dense']:.3f}× |")


if __name__ == "__main__":
    main()
