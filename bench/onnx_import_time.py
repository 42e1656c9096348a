"""Reading a 100 MB ONNX file natively: `rgp inspect` (parse, sizes, layer table) wall time and
peak memory against the file's size.

    python3 bench/onnx_import_time.py [--reps 5]     (RGP=path/to/rgp, default target/release/rgp)

Writes python/onnx_models.py's `vgg16_large` (about 100 MB of f32 weights) to a temporary folder,
runs `rgp inspect` on it `reps` times and prints a markdown row: file size, median and best wall
time, peak resident memory and its ratio to the file. Targets: ≤ 3 s, ≤ 3× the file.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

RGP = os.environ.get("RGP", "target/release/rgp")
HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, os.path.join(HERE, "..", "python", "onnx_models.py"), d, "vgg16_large"], check=True)
        path = os.path.join(d, "vgg16_large.onnx")
        size = os.path.getsize(path)
        times, peak = [], 0
        for _ in range(a.reps):
            t0 = time.perf_counter()
            p = subprocess.Popen([RGP, "inspect", path, "--nodes", "64", "--degree", "4", "--search", "none"],
                                 stdout=subprocess.DEVNULL)
            # This child's own peak resident set (Linux: KiB), not the model writer's.
            _, status, usage = os.wait4(p.pid, 0)
            times.append(time.perf_counter() - t0)
            if status != 0:
                sys.exit(f"rgp inspect failed ({status})")
            peak = max(peak, usage.ru_maxrss * 1024)
    print("| file | `rgp inspect` median | best | peak memory | peak / file |")
    print("|---|---|---|---|---|")
    print(f"| {size / 1e6:.1f} MB | {statistics.median(times):.2f} s | {min(times):.2f} s | "
          f"{peak / 1e6:.0f} MB | {peak / size:.2f}× |")


if __name__ == "__main__":
    main()
