"""Packed against dense model files: file sizes and ONNX Runtime inference time, side by side.

    cargo build --release --bin rgp && python3 bench/onnx_speed.py [--reps 40] [--random]

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
    # name, rgp train flags, (inputs, widths, classes, dataset) for --random
    (
        "MLP 64-2048-2048-2048-10, digits, k/n = 4/64",
        "--dataset digits --model mlp --hidden 2048,2048,2048 --nodes 64 --degree 4 --epochs 1",
        (64, [2048] * 3, 10, "digits"),
    ),
    (
        "MLP 784-256-256-256-10 (default), MNIST, k/n = 4/64",
        "--dataset mnist --quick --model mlp --hidden 256,256,256 --nodes 64 --degree 4 --epochs 1 --limit-train 2000",
        (784, [256] * 3, 10, "mnist"),
    ),
]


def random_model(path, inputs, widths, classes, dataset, n=64, k=4):
    """A packed model file written by numpy: random weights, the ring lattice as the graph (size
    and speed depend on the shapes only). Hidden-to-hidden layers are packed, as rgp trains them."""
    from safetensors.numpy import save_file

    rng = np.random.default_rng(0)
    f = lambda *s: (rng.standard_normal(s) * 0.05).astype(np.float32)  # noqa: E731
    ring = np.array([sorted((i + d) % n for d in (1, 2, -1, -2)[:k]) for i in range(n)], np.int32)
    dims = [inputs] + widths + [classes]
    t = {"graph.neighbors": ring}
    for i in range(len(dims) - 1):
        out, inp = dims[i + 1], dims[i]
        if 0 < i < len(dims) - 2:
            t[f"layers.{i}.blocks"] = f(n, out // n, k * inp // n)
        else:
            t[f"layers.{i}.weight"] = f(out, inp)
        t[f"layers.{i}.bias"] = f(out)
    hw = int(round(inputs**0.5))
    meta = dict(format="rgp-studio-model", format_version="1", architecture="mlp", widths=",".join(map(str, widths)),
                inputs=str(inputs), input_hw=str(hw), classes=str(classes), dataset=dataset,
                input_max="255" if dataset != "digits" else "16", input_mean="0", input_std="1")
    save_file(t, path, metadata=meta)


def rgp(*args):
    subprocess.run([RGP, *args], check=True, stdout=subprocess.DEVNULL)


def timings(paths, x, reps, threads):
    """Median seconds per run of each model, runs interleaved after a warm-up."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads  # 0: ONNX Runtime's default (one per core)
    # Idle workers sleep instead of spinning: on a shared machine spinning threads fight the other
    # load and make the many small ops of the packed graph look slow.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sessions = [ort.InferenceSession(p, opts, providers=["CPUExecutionProvider"]) for p in paths]
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


def bench(name, flags, shape, work, reps, random):
    base = os.path.join(work, name.split(",")[0].replace(" ", "_"))
    model = base + ".safetensors"
    if random:
        random_model(model, *shape)
    else:
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
    mb = lambda b: f"{b / 1e6:.2f} MB"  # noqa: E731
    sd, sp = size[("dense", "safetensors")], size[("packed", "safetensors")]
    rows = []
    for threads in (0, 1):
        td, tp = timings([files[("dense", "onnx")], files[("packed", "onnx")]], x, reps, threads)
        rows.append(
            f"| {name} | {mb(sd)} | {mb(sp)} ({sp / sd:.3f}×) | {threads or os.cpu_count()} "
            f"| {td * 1e3:.1f} ms | {tp * 1e3:.1f} ms | **{td / tp:.1f}×** | {diff:.0e} |"
        )
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--random", action="store_true", help="random weights written by numpy instead of rgp train")
    a = ap.parse_args()
    print(
        f"onnxruntime {ort.__version__}, {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at start), "
        f"batch 256, median of {a.reps} interleaved runs"
    )
    print()
    print("| network | dense file | packed file | threads | ONNX dense | ONNX packed | speed-up | max logit diff |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as work:
        for name, flags, shape in NETS:
            print(bench(name, flags, shape, work, a.reps, a.random), flush=True)


if __name__ == "__main__":
    main()
