"""Checks that a model gives the same logits everywhere.

    python3 python/check_roundtrip.py --x X.npy --y Y.npy MODEL.safetensors [MORE.safetensors] A.onnx [B.onnx ...] [Z.npy ...]

Y.npy are the logits `rgp predict --weights MODEL --input X.npy --out Y.npy` wrote. Every
.safetensors file is run by the numpy forward pass (rgp_model.py), every .onnx file by ONNX
Runtime; a .npy file holds logits computed elsewhere (`rgp predict` on another file); each must
match Y within --tol (absolute). Prints one line per file; exit 1 on a mismatch.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rgp_model  # noqa: E402


def run_onnx(path, x):
    import onnxruntime as ort

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    if inp.type != "tensor(float)" or len(inp.shape) != 2 or isinstance(inp.shape[0], int):
        raise ValueError(f"{path}: first input is {inp.type} {inp.shape}, expected float32 [N, features]")
    return sess.run(None, {inp.name: x})[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--x", required=True, help="inputs, float32 N x features (.npy)")
    ap.add_argument("--y", required=True, help="logits from rgp predict, float32 N x classes (.npy)")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("files", nargs="+", help=".safetensors (numpy), .onnx (ONNX Runtime) or .npy (logits) files")
    a = ap.parse_args()
    x, y = np.load(a.x), np.load(a.y)
    if x.dtype != np.float32 or y.dtype != np.float32 or x.ndim != 2 or y.shape[0] != x.shape[0]:
        sys.exit(f"X must be float32 N x features and Y float32 N x classes (got {x.dtype} {x.shape}, {y.dtype} {y.shape})")
    ok = True
    for path in a.files:
        if path.endswith(".onnx"):
            got, how = run_onnx(path, x), "onnxruntime"
        elif path.endswith(".npy"):
            got, how = np.load(path), "given"
        else:
            got, how = rgp_model.forward(rgp_model.load(path), x), "numpy"
        if got.shape != y.shape:
            print(f"FAIL {path} ({how}): logits shape {got.shape}, rgp predict gave {y.shape}")
            ok = False
            continue
        diff = float(np.max(np.abs(got.astype(np.float64) - y)))
        agree = float(np.mean(got.argmax(1) == y.argmax(1)))
        good = diff <= a.tol
        ok &= good
        print(f"{'ok  ' if good else 'FAIL'} {path} ({how}): max |logit diff| {diff:.2e}, same class {agree:.0%}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
