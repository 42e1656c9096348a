#!/usr/bin/env python3
"""Counts the float parameters of ONNX models, as a reference for `rgp inspect`.

    python/zoo_params.py FILE.onnx...        one JSON object per file, one per line

For each file it prints the opset, the data inputs (graph inputs that are not initializers)
with their shapes, the op types used, and these counts of float elements:

  file_initializer_params   the float initializers stored in the file that some node reads
  constant_of_shape_params  float tensors made by ConstantOfShape from a constant shape (the
                            "light" test models of the onnx package keep every large weight so:
                            a ConstantOfShape node fed by a `<name>__SHAPE` initializer)
  params                    the two added up: the model's parameters
  weight_layer_params       the part of `params` read by Conv, ConvTranspose, Gemm, MatMul
  batchnorm_params          the part read by BatchNormalization (scale, bias, mean, var)
  unused_initializer_params float initializers no node reads (not in `params`)

and under "ort" what ONNX Runtime itself holds. It loads the model twice and each time writes
the graph it loaded (SessionOptions.optimized_model_filepath); the float elements of that
graph's initializers are counted:
  initializer_params         every graph optimization off: the stored weights as loaded
  folded_initializer_params  the basic level with the rewrites that merge or share weights
                             turned off (FUSIONS below): constant folding has made each
                             ConstantOfShape weight an initializer, so this equals `params`
and output_shapes, from one run on zeros. For a model whose weights are all stored,
initializer_params == folded_initializer_params == params.

The ONNX files are read with a small protobuf wire-format reader below (only the fields this
needs), so nothing beyond onnxruntime and numpy is required (python/requirements.txt).
"""
import json
import os
import sys
import tempfile

# TensorProto.DataType: the floating-point ones counted as parameters.
FLOAT_TYPES = {1: "float32", 10: "float16", 11: "float64", 16: "bfloat16"}
DTYPE_NAMES = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
               7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "float64",
               12: "uint32", 13: "uint64", 16: "bfloat16"}
WEIGHT_OPS = {"Conv", "ConvTranspose", "Gemm", "MatMul"}


# --- protobuf wire format ------------------------------------------------------------------
def _varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def fields(buf):
    """Yields (field_number, wire_type, value) of one message; value is an int or a memoryview."""
    i, n = 0, len(buf)
    while i < n:
        key, i = _varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(buf, i)
        elif wt == 1:
            v, i = int.from_bytes(buf[i:i + 8], "little"), i + 8
        elif wt == 2:
            ln, i = _varint(buf, i)
            v, i = buf[i:i + ln], i + ln
        elif wt == 5:
            v, i = int.from_bytes(buf[i:i + 4], "little"), i + 4
        else:
            raise ValueError(f"unsupported wire type {wt}")
        yield num, wt, v


def _ints(wt, v):
    """A repeated int64 field: one varint, or a packed run of them."""
    if wt == 0:
        return [v]
    out, i = [], 0
    while i < len(v):
        x, i = _varint(v, i)
        out.append(x - (1 << 64) if x >= 1 << 63 else x)
    return out


def _str(v):
    return bytes(v).decode("utf-8")


def parse_tensor(buf):
    t = {"dims": [], "data_type": 0, "name": "", "raw": None, "int64": [], "external": False}
    for num, wt, v in fields(buf):
        if num == 1:
            t["dims"] += _ints(wt, v)
        elif num == 2:
            t["data_type"] = v
        elif num == 7:
            t["int64"] += _ints(wt, v)
        elif num == 8:
            t["name"] = _str(v)
        elif num == 9:
            t["raw"] = v
        elif num == 13:
            t["external"] = True
        elif num == 14:
            t["external"] = t["external"] or v == 1
    return t


def parse_value_info(buf):
    name, dtype, shape = "", None, None
    for num, _, v in fields(buf):
        if num == 1:
            name = _str(v)
        elif num == 2:
            for tn, _, tv in fields(v):
                if tn == 1:  # tensor_type
                    for sn, _, sv in fields(tv):
                        if sn == 1:
                            dtype = DTYPE_NAMES.get(sv, sv)
                        elif sn == 2:
                            shape = []
                            for dn, _, dv in fields(sv):
                                if dn == 1:
                                    dim = None
                                    for en, _, ev in fields(dv):
                                        dim = ev if en == 1 else _str(ev) if en == 2 else dim
                                    shape.append(dim)
    return {"name": name, "dtype": dtype, "shape": shape}


def parse_node(buf):
    node = {"inputs": [], "outputs": [], "op_type": "", "attrs": {}}
    for num, _, v in fields(buf):
        if num == 1:
            node["inputs"].append(_str(v))
        elif num == 2:
            node["outputs"].append(_str(v))
        elif num == 4:
            node["op_type"] = _str(v)
        elif num == 5:
            aname, tensor = "", None
            for an, _, av in fields(v):
                if an == 1:
                    aname = _str(av)
                elif an == 5:
                    tensor = parse_tensor(av)
            node["attrs"][aname] = tensor
    return node


def parse_model(data):
    m = {"ir_version": None, "opset": {}, "producer": "", "nodes": [], "initializers": [],
         "inputs": [], "outputs": []}
    graph = None
    for num, _, v in fields(memoryview(data)):
        if num == 1:
            m["ir_version"] = v
        elif num == 2:
            m["producer"] = _str(v)
        elif num == 7:
            graph = v
        elif num == 8:
            domain, version = "", None
            for on, _, ov in fields(v):
                domain = _str(ov) if on == 1 else domain
                version = ov if on == 2 else version
            m["opset"][domain or "ai.onnx"] = version
    if graph is None:
        raise ValueError("no graph in the model")
    for num, _, v in fields(graph):
        if num == 1:
            m["nodes"].append(parse_node(v))
        elif num == 5:
            m["initializers"].append(parse_tensor(v))
        elif num == 11:
            m["inputs"].append(parse_value_info(v))
        elif num == 12:
            m["outputs"].append(parse_value_info(v))
    return m


def numel(dims):
    n = 1
    for d in dims:
        n *= d
    return n


# --- counting ------------------------------------------------------------------------------
def count(m):
    inits = {t["name"]: t for t in m["initializers"]}
    used = {name for node in m["nodes"] for name in node["inputs"]}
    used |= {o["name"] for o in m["outputs"]}
    floats = {}  # name -> element count of every float tensor that is a parameter
    unused = 0  # float initializers that no node reads (ONNX Runtime drops them on load)
    for t in m["initializers"]:
        if t["data_type"] in FLOAT_TYPES:
            if t["name"] in used:
                floats[t["name"]] = numel(t["dims"])
            else:
                unused += numel(t["dims"])
    file_params = sum(floats.values())

    cos_params = 0
    for node in m["nodes"]:
        if node["op_type"] != "ConstantOfShape" or not node["inputs"]:
            continue
        shape = inits.get(node["inputs"][0])
        if shape is None:
            continue  # shape computed at run time: not a parameter
        dims = shape["int64"]
        if not dims and shape["raw"] is not None:
            raw = bytes(shape["raw"])
            dims = [int.from_bytes(raw[k:k + 8], "little", signed=True)
                    for k in range(0, len(raw), 8)]
        value = node["attrs"].get("value")
        if (value["data_type"] if value else 1) in FLOAT_TYPES:
            floats[node["outputs"][0]] = numel(dims)
            cos_params += numel(dims)

    weight = bn = 0
    seen = set()
    for node in m["nodes"]:
        for name in node["inputs"]:
            if name in floats and name not in seen:
                if node["op_type"] in WEIGHT_OPS:
                    weight += floats[name]
                    seen.add(name)
                elif node["op_type"] == "BatchNormalization":
                    bn += floats[name]
                    seen.add(name)
    return file_params, cos_params, weight, bn, unused


# Graph rewrites of ONNX Runtime's basic level that merge or share initializers; with them off,
# its constant folding still turns each ConstantOfShape of a constant shape into an initializer.
FUSIONS = ["ConvBNFusion", "ConvAddFusion", "ConvMulFusion", "ConstantSharing",
           "CommonSubexpressionElimination", "MatMulAddFusion", "GemmTransposeFusion"]


def _ort_initializers(path, level):
    """(count, float elements) of the initializers in the graph ONNX Runtime loaded."""
    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "loaded.onnx")
        so = ort.SessionOptions()
        so.graph_optimization_level = level
        so.optimized_model_filepath = out
        so.log_severity_level = 3  # no warnings about unused initializers
        sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"],
                                    disabled_optimizers=FUSIONS)
        with open(out, "rb") as f:
            loaded = parse_model(f.read())
    params = sum(numel(t["dims"]) for t in loaded["initializers"]
                 if t["data_type"] in FLOAT_TYPES)
    return sess, len(loaded["initializers"]), params


def ort_check(path, data_inputs):
    import numpy as np
    import onnxruntime as ort

    sess, n_init, init_params = _ort_initializers(
        path, ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    _, n_folded, folded_params = _ort_initializers(
        path, ort.GraphOptimizationLevel.ORT_ENABLE_BASIC)
    feeds = {}
    types = {"tensor(float)": np.float32, "tensor(double)": np.float64,
             "tensor(float16)": np.float16, "tensor(int64)": np.int64, "tensor(int32)": np.int32}
    wanted = {i["name"] for i in data_inputs}
    for i in sess.get_inputs():
        if i.name not in wanted:
            continue
        shape = [d if isinstance(d, int) and d > 0 else 1 for d in i.shape]
        feeds[i.name] = np.zeros(shape, dtype=types.get(i.type, np.float32))
    outs = sess.run(None, feeds)
    return {"version": ort.__version__,
            "initializers": n_init, "initializer_params": init_params,
            "folded_initializers": n_folded, "folded_initializer_params": folded_params,
            "output_shapes": [list(o.shape) for o in outs]}


def describe(path, use_ort=True):
    with open(path, "rb") as f:
        data = f.read()
    m = parse_model(data)
    init_names = {t["name"] for t in m["initializers"]}
    data_inputs = [i for i in m["inputs"] if i["name"] not in init_names]
    ops = {}
    for node in m["nodes"]:
        ops[node["op_type"]] = ops.get(node["op_type"], 0) + 1
    file_params, cos_params, weight, bn, unused = count(m)
    res = {
        "file": path,
        "bytes": len(data),
        "ir_version": m["ir_version"],
        "opset": m["opset"],
        "producer": m["producer"],
        "inputs": data_inputs,
        "outputs": m["outputs"],
        "external_data": any(t["external"] for t in m["initializers"]),
        "nodes": len(m["nodes"]),
        "ops": dict(sorted(ops.items())),
        "initializers": len(m["initializers"]),
        "file_initializer_params": file_params,
        "constant_of_shape_params": cos_params,
        "params": file_params + cos_params,
        "weight_layer_params": weight,
        "batchnorm_params": bn,
        "unused_initializer_params": unused,
    }
    if use_ort:
        res["ort"] = ort_check(path, data_inputs)
    return res


def main(argv):
    use_ort = "--no-ort" not in argv
    files = [a for a in argv if a != "--no-ort"]
    if not files:
        print("usage: zoo_params.py [--no-ort] FILE.onnx...", file=sys.stderr)
        return 2
    for path in files:
        print(json.dumps(describe(path, use_ort)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
