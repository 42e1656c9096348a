"""Checks that `rgp predict` runs imported ONNX networks as ONNX Runtime does.

    python3 python/check_onnx_predict.py RGP OUTDIR

For every test network of onnx_models.py, on random inputs: `rgp predict --weights NET.onnx`
must equal ONNX Runtime on the file, and `rgp predict ... --nodes 8 --degree 2` (the network
pruned by that graph) must equal ONNX Runtime on a copy of the file whose masked layers' weights
are zeroed here, from the graph `rgp graph` writes and the layers `rgp inspect` marks masked.
Both within --tol (absolute). One line per network; exit 1 on a mismatch.
"""

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx_models  # noqa: E402

GRAPH = ["--nodes", "8", "--degree", "2", "--search", "none"]


def rgp(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def ort_run(model_bytes, x):
    import onnxruntime as ort

    sess = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]


def group_mask(adj, out_ch, in_ch):
    """[out, in] 0/1: output group g reads the input groups adjacent to g (src/mapping/mask.rs)."""
    n = adj.shape[0]

    def groups(c):
        q, r = divmod(c, n)
        return np.repeat(np.arange(n), [q + 1 if i < r else q for i in range(n)])

    return adj[np.ix_(groups(out_ch), groups(in_ch))].astype(np.float32)


def pruned(model, table, adj):
    """`model` with the weights outside the mask of every masked layer set to zero."""
    m = onnx.ModelProto()
    m.CopyFrom(model)
    inits = {t.name: t for t in m.graph.initializer}
    weights = [n for n in m.graph.node if n.op_type in ("Conv", "Gemm", "MatMul") and n.input[1] in inits]
    assert len(weights) == len(table), (len(weights), len(table))
    for node, row in zip(weights, table):
        if not row["masked"]:
            continue
        t = inits[node.input[1]]
        w = numpy_helper.to_array(t).copy()
        trans_b = any(a.name == "transB" and a.i for a in node.attribute)
        if node.op_type == "Conv" or trans_b:  # [out, in, ...]
            mask = group_mask(adj, w.shape[0], w.shape[1])
            w *= mask.reshape(mask.shape + (1,) * (w.ndim - 2))
        else:  # [in, out]
            w *= group_mask(adj, w.shape[1], w.shape[0]).T
        t.CopyFrom(numpy_helper.from_array(w, t.name))
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rgp")
    ap.add_argument("dir")
    ap.add_argument("--tol", type=float, default=1e-4)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    rgp(a.rgp, "graph", *GRAPH, "--format", "npy", "--out", os.path.join(a.dir, "g.npy"))
    adj = np.load(os.path.join(a.dir, "g.npy")) != 0
    ok = True
    for name, build in onnx_models.MODELS.items():
        model = build()
        path = os.path.join(a.dir, f"{name}.onnx")
        onnx.save(model, path)
        dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim[1:]]
        x = rng.standard_normal([5] + dims).astype(np.float32)
        xp, yp = os.path.join(a.dir, "x.npy"), os.path.join(a.dir, "y.npy")
        np.save(xp, x)
        table = json.loads(rgp(a.rgp, "inspect", path, *GRAPH))["layers"]
        masked = sum(r["masked"] for r in table)
        errors, wants = [], []
        for flags, reference in [([], model), (GRAPH, pruned(model, table, adj))]:
            rgp(a.rgp, "predict", "--weights", path, "--input", xp, "--out", yp, *flags)
            wants.append(ort_run(reference.SerializeToString(), x))
            got = np.load(yp)
            errors.append(float(np.abs(got - wants[-1]).max()) if got.shape == wants[-1].shape else float("inf"))
        # The mask must change what the network computes, or the pruned comparison says nothing.
        good = max(errors) <= a.tol and masked > 0 and float(np.abs(wants[0] - wants[1]).max()) > 100 * a.tol
        ok &= good
        print(f"  {name}: max |rgp - ORT| {errors[0]:.1e} dense, {errors[1]:.1e} pruned ({masked} masked layers)"
              + ("" if good else "  MISMATCH"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
