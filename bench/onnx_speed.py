"""Packed against dense model files: file sizes and ONNX Runtime inference time, side by side.

    cargo build --release --bin rgp && python3 bench/onnx_speed.py [--reps 30]

Trains each network briefly with `rgp train --save` (the weights' values do not matter for size
or speed), exports both layouts, and times batch-256 inference in ONNX Runtime (CPU), dense and
packed runs interleaved so both see the same machine load; prints a markdown table.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import onnxruntime as ort

RGP = os.environ.get("RGP", "target/release/rgp")

NETS = [
    # name, rgp train flags
    (
        "MLP 64-2048-2048-2048-10, digits, k/n = 4/64",
        "--dataset digits --model mlp --hidden 2048,2048,2048 --nodes 64 --degree 4 --epochs 1",
    ),
    (
        "MLP 784-256-256-256-10 (default), MNIST, k/n = 4/64",
        "--dataset mnist --quick --model mlp --hidden 256,256,256 --nodes 64 --degree 4 --epochs 1 --limit-train 2000",
    ),
]


def rgp(*args):
    subprocess.run([RGP, *args], check=True, stdout=subprocess.DEVNULL)


def timings(paths, x, reps):
    """Median seconds per run of each model, runs interleaved after a warm-up."""
    sessions = [ort.InferenceSession(p, providers=["CPUExecutionProvider"]) for p in paths]
    feeds = [{s.get_inputs()[0].name: x} for s in sessions]
    for s, f in zip(sessions, feeds):
        for _ in range(3):
            s.run(None, f)
    times = [[] for _ in paths]
    for _ in range(reps):
        for i, (s, f) in enumerate(zip(sessions, feeds)):
            t = time.perf_counter()
            s.run(None, f)
            times[i].append(time.perf_counter() - t)
    return [statistics.median(t) for t in times]


def bench(name, flags, work, reps):
    base = os.path.join(work, name.split(",")[0].replace(" ", "_"))
    model = base + ".safetensors"
    rgp("train", *flags.split(), "--quiet", "--save", model)
    files = {}
    for layout in ("dense", "packed"):
        for fmt, ext in (("safetensors", "safetensors"), ("onnx", "onnx")):
            out = f"{base}.{layout}.{ext}"
            rgp("export", "--weights", model, "--format", fmt, "--layout", layout, "--out", out)
            files[(layout, fmt)] = out
    size = {k: os.path.getsize(v) for k, v in files.items()}
    sess = ort.InferenceSession(files[("dense", "onnx")], providers=["CPUExecutionProvider"])
    features = sess.get_inputs()[0].shape[1]
    x = np.random.default_rng(0).standard_normal((256, features)).astype(np.float32)
    # Same logits from both graphs before timing them.
    ref = [ort.InferenceSession(files[(l, "onnx")]).run(None, {"x": x})[0] for l in ("dense", "packed")]
    diff = float(np.max(np.abs(ref[0] - ref[1])))
    td, tp = timings([files[("dense", "onnx")], files[("packed", "onnx")]], x, reps)
    mb = lambda b: f"{b / 1e6:.2f} MB"  # noqa: E731
    return (
        f"| {name} | {mb(size[('dense', 'safetensors')])} | {mb(size[('packed', 'safetensors')])} "
        f"({size[('packed', 'safetensors')] / size[('dense', 'safetensors')]:.3f}×) "
        f"| {td * 1e3:.2f} ms | {tp * 1e3:.2f} ms | {td / tp:.1f}× | {diff:.1e} |"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=30)
    a = ap.parse_args()
    print(f"onnxruntime {ort.__version__}, {os.cpu_count()} CPUs, batch 256, median of {a.reps} interleaved runs")
    print()
    print("| network | dense file | packed file | ONNX dense | ONNX packed | speed-up | max logit diff |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for name, flags in NETS:
            print(bench(name, flags, work, a.reps), flush=True)


if __name__ == "__main__":
    main()
