"""Test networks for the ONNX importer, written with onnx.helper (independent of the Rust code).

    python3 python/onnx_models.py OUTDIR [NAME ...]

Writes NAME.onnx for each network (all but `vgg16_large` by default), random weights from a fixed seed. Input `x`
(batch dimension `N` free), output `y`. The small ones take digits-sized images ([N, 1, 8, 8],
10 classes) so they can be fine-tuned on the built-in digits data; `mnist_cnn` takes MNIST's 28×28; `vgg` is the benchmark's
VGG-style CNN ([N, 3, 32, 32], ten 3×3 convolutions of 64–256 channels, 10 classes).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Graph:
    """Nodes and initializers of one network, with fresh names."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, base):
        self.count += 1
        return f"{base}{self.count}"

    def const(self, base, array):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def node(self, op, inputs, **attrs):
        out = self.name(op.lower() + "_")
        self.nodes.append(helper.make_node(op, inputs, [out], name=self.name(op), **attrs))
        return out

    def weight(self, *shape, fan_in):
        return (self.rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    def conv(self, x, cin, cout, k=3, stride=1, pads=None, bias=True, group=1):
        pads = [k // 2] * 4 if pads is None else pads
        w = self.const("w", self.weight(cout, cin // group, k, k, fan_in=cin // group * k * k))
        inputs = [x, w]
        if bias:
            inputs.append(self.const("b", (self.rng.standard_normal(cout) * 0.1).astype(np.float32)))
        return self.node("Conv", inputs, kernel_shape=[k, k], strides=[stride, stride], pads=pads, group=group)

    def bn(self, x, c):
        r = self.rng
        parts = [
            r.uniform(0.5, 1.5, c),
            r.standard_normal(c) * 0.1,
            r.standard_normal(c) * 0.1,
            r.uniform(0.5, 2.0, c),
        ]
        names = [self.const(b, p.astype(np.float32)) for b, p in zip(("scale", "bias", "mean", "var"), parts)]
        return self.node("BatchNormalization", [x] + names, epsilon=1e-5)

    def gemm(self, x, fin, fout, trans_b=True):
        w = self.weight(fout, fin, fan_in=fin)
        w = self.const("w", w if trans_b else w.T.copy())
        b = self.const("b", (self.rng.standard_normal(fout) * 0.1).astype(np.float32))
        return self.node("Gemm", [x, w, b], transB=int(trans_b))

    def model(self, y, input_shape, opset=13, classes=10):
        self.classes = classes
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N"] + input_shape)
        out = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", self.classes])
        self.nodes.append(helper.make_node("Identity", [y], ["y"], name="output"))
        g = helper.make_graph(self.nodes, "net", [x], [out], self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 7
        onnx.checker.check_model(m)
        return m


def mlp():
    """Flatten, Gemm, Dropout, MatMul by a constant, LeakyRelu, Gemm (transB 0), Tanh, Sigmoid, Gemm, Softmax."""
    g = Graph(1)
    h = g.node("Flatten", ["x"], axis=1)
    h = g.node("Relu", [g.gemm(h, 64, 128)])
    h = g.node("Dropout", [h])
    h = g.node("MatMul", [h, g.const("w", g.weight(128, 128, fan_in=128))])
    h = g.node("LeakyRelu", [h], alpha=0.1)
    h = g.node("Tanh", [g.gemm(h, 128, 128, trans_b=False)])
    h = g.node("Sigmoid", [g.gemm(h, 128, 128)])
    h = g.node("Softmax", [g.gemm(h, 128, 10)], axis=1)
    return g.model(h, [1, 8, 8])


def cnn():
    """Conv-BN-ReLU blocks with max pooling, global average pooling and a Gemm head (opset 9)."""
    g = Graph(2)
    h = g.node("Relu", [g.bn(g.conv("x", 1, 32), 32)])
    h = g.node("Relu", [g.bn(g.conv(h, 32, 32, bias=False), 32)])
    h = g.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    h = g.node("Relu", [g.bn(g.conv(h, 32, 64), 64)])
    h = g.node("GlobalAveragePool", [h])
    h = g.node("Flatten", [h], axis=1)
    return g.model(g.gemm(h, 64, 10), [1, 8, 8], opset=9)


def residual():
    """A residual block joined by Add, average pooling with padding, Reshape to (N, -1)."""
    g = Graph(3)
    stem = g.node("Relu", [g.conv("x", 1, 32)])
    h = g.node("Relu", [g.bn(g.conv(stem, 32, 32), 32)])
    h = g.bn(g.conv(h, 32, 32), 32)
    h = g.node("Relu", [g.node("Add", [h, stem])])
    h = g.node("AveragePool", [h], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0)
    h = g.node("Reshape", [h, g.const("shape", np.array([0, -1], np.int64))])
    return g.model(g.gemm(h, 32 * 4 * 4, 10), [1, 8, 8], opset=11)


def concat():
    """Two branches joined by a channel Concat, a Sum, a strided conv with asymmetric padding."""
    g = Graph(4)
    stem = g.node("Relu", [g.conv("x", 1, 32)])
    a = g.node("Relu", [g.conv(stem, 32, 16, k=1)])
    b = g.node("Relu", [g.conv(stem, 32, 16, k=3)])
    h = g.node("Concat", [a, b], axis=1)
    h = g.node("Sum", [h, stem, g.node("Identity", [stem])])
    h = g.node("Relu", [g.conv(h, 32, 64, k=3, stride=2, pads=[0, 0, 1, 1])])
    h = g.node("MaxPool", [h], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    h = g.node("Flatten", [h], axis=1)
    return g.model(g.gemm(h, 64 * 2 * 2, 10), [1, 8, 8])


def pooled():
    """Flat pixels reshaped to an image, then global max pooling and ReduceMean / ReduceMax over height and width
    (without and with keepdims), joined as vectors by Add and Concat (opset 13: axes as an attribute)."""
    g = Graph(8)
    h = g.node("Reshape", ["x", g.const("shape", np.array([-1, 1, 8, 8], np.int64))])
    h = g.node("Relu", [g.conv(h, 1, 32)])
    h = g.node("Relu", [g.bn(g.conv(h, 32, 32), 32)])
    a = g.node("Flatten", [g.node("GlobalMaxPool", [h])], axis=1)
    b = g.node("ReduceMean", [h], axes=[2, 3], keepdims=0)
    c = g.node("Flatten", [g.node("ReduceMax", [h], axes=[2, 3], keepdims=1)], axis=1)
    h = g.node("Concat", [g.node("Add", [a, b]), c], axis=1)
    return g.model(g.gemm(h, 64, 10), [64])


def mnist_cnn():
    """MNIST-sized ([N, 1, 28, 28]): a strided Conv-BN-ReLU stem, two 3×3 convolutions (16 → 32 → 32) with max
    pooling between, Flatten, a Gemm head and a Softmax (the tab's fine-tuning test)."""
    g = Graph(7)
    h = g.node("Relu", [g.bn(g.conv("x", 1, 16, stride=2), 16)])
    h = g.node("Relu", [g.bn(g.conv(h, 16, 32), 32)])
    h = g.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
    h = g.node("Relu", [g.conv(h, 32, 32)])
    h = g.node("Flatten", [h], axis=1)
    return g.model(g.node("Softmax", [g.gemm(h, 32 * 7 * 7, 10)], axis=1), [1, 28, 28], opset=13)


def vgg():
    """VGG-style CIFAR network: ten 3×3 Conv-BN-ReLU (64–256 channels), max pooling, a Gemm head."""
    g = Graph(5)
    h, cin = "x", 3
    for c in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 256, 256, 256, "M"]:
        if c == "M":
            h = g.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
            continue
        h = g.node("Relu", [g.bn(g.conv(h, cin, c, bias=False), c)])
        cin = c
    h = g.node("GlobalAveragePool", [h])
    h = g.node("Flatten", [h], axis=1)
    return g.model(g.gemm(h, 256, 10), [3, 32, 32])


def vgg16_large():
    """About 100 MB of weights: VGG-16's thirteen convolutions on 32×32 and two 3072-wide Gemms (import timing)."""
    g = Graph(6)
    h, cin = "x", 3
    for c in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]:
        if c == "M":
            h = g.node("MaxPool", [h], kernel_shape=[2, 2], strides=[2, 2])
            continue
        h = g.node("Relu", [g.conv(h, cin, c)])
        cin = c
    h = g.node("Flatten", [h], axis=1)
    h = g.node("Relu", [g.gemm(h, 512, 3072)])
    h = g.node("Relu", [g.gemm(h, 3072, 3072)])
    return g.model(g.gemm(h, 3072, 10), [3, 32, 32])


MODELS = {
    "mlp": mlp,
    "cnn": cnn,
    "residual": residual,
    "concat": concat,
    "pooled": pooled,
    "vgg": vgg,
    "vgg16_large": vgg16_large,
    "mnist_cnn": mnist_cnn,
}
# What a bare `onnx_models.py OUTDIR` writes: the large one only when named (the import timing;
# check_onnx_predict.py runs every network, the large one included), the MNIST one for the tab's test.
DEFAULT = ["mlp", "cnn", "residual", "concat", "pooled", "vgg"]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out, names = sys.argv[1], sys.argv[2:] or DEFAULT
    os.makedirs(out, exist_ok=True)
    for n in names:
        if n not in MODELS:
            sys.exit(f"unknown model {n!r}; choose from {', '.join(MODELS)}")
        onnx.save(MODELS[n](), os.path.join(out, f"{n}.onnx"))


if __name__ == "__main__":
    main()
