"""ONNX Runtime on an imported network and its exports by `rgp export` (docs/MODEL_FILES.md).

    python3 check_onnx_export.py --dense D.onnx --packed P.onnx [--original O.onnx --unpruned U.onnx]
                                 [--batch 8] [--atol 1e-4]

One random input of the input's shape (batch dimension free) through every file given: the unpruned
export computes what the original does, the packed export what the dense one does, and the pruned
ones differ from the original. Exits 1 naming the pair that disagrees.
"""

import argparse
import sys

import numpy as np
import onnxruntime as ort


def run(path, x=None, batch=8):
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    i = s.get_inputs()[0]
    if x is None:
        shape = [batch] + [d if isinstance(d, int) else 1 for d in i.shape[1:]]
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    return x, s.run(None, {i.name: x})[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--original")
    p.add_argument("--unpruned")
    p.add_argument("--dense", required=True)
    p.add_argument("--packed", required=True)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--atol", type=float, default=1e-4)
    a = p.parse_args()
    x, dense = run(a.dense, batch=a.batch)
    _, packed = run(a.packed, x)
    checks = [("packed", "dense", packed, dense, True)]
    if a.original:
        _, orig = run(a.original, x)
        checks.append(("dense", "original", dense, orig, False))
        if a.unpruned:
            _, plain = run(a.unpruned, x)
            checks.append(("unpruned", "original", plain, orig, True))
    for name, ref, y, want, equal in checks:
        diff = float(np.max(np.abs(y - want))) if y.shape == want.shape else float("inf")
        if equal != (diff <= a.atol):
            verb = "differs from" if equal else "equals"
            sys.exit(f"FAIL: {a.dense}: {name} {verb} {ref} (max |diff| {diff:.3g}, atol {a.atol})")
    print(f"  {a.dense}: packed = dense (max |diff| {np.max(np.abs(packed - dense)):.2g})"
          + (", unpruned = original, pruned differs" if a.unpruned else ""))


if __name__ == "__main__":
    main()
