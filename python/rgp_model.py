"""RGP Studio model files (docs/MODEL_FILES.md) in numpy, and as a PyTorch module.

    from rgp_model import load, forward
    model = load("mlp.safetensors")          # dense or packed layout, f32 or f16
    logits = forward(model, x)               # x: float32 [N, features], normalised (see model.meta)

`load` returns every weight in the dense PyTorch layout ([out, in] / [out, in, k, k]), with the
packed blocks scattered back; `to_torch(model)` builds the equivalent `torch.nn.Module`.
"""

from dataclasses import dataclass, field

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

BN_EPSILON = 1e-5  # Burn's BatchNorm default, which the trainer uses


@dataclass
class WeightLayer:
    name: str  # tensor prefix: layers.{i}, convs.{i} or head
    out: int
    inp: int
    kernel: int  # 1 for linear layers
    stride: int
    bias: bool


@dataclass
class Model:
    meta: dict
    layers: list  # WeightLayer, in forward order
    tensors: dict = field(default_factory=dict)  # dense float32 tensors by name

    @property
    def arch(self):
        return self.meta["architecture"]


def weight_layers(meta):
    """The weight layers the metadata's architecture has (src/model_file/arch.rs)."""
    widths = [int(w) for w in meta["widths"].split(",")]
    inputs, classes = int(meta["inputs"]), int(meta["classes"])
    if meta["architecture"] == "mlp":
        dims = [inputs] + widths + [classes]
        return [WeightLayer(f"layers.{i}", dims[i + 1], dims[i], 1, 1, True) for i in range(len(dims) - 1)]
    if meta["architecture"] == "cnn":
        chans = [1] + widths
        convs = [
            WeightLayer(f"convs.{i}", chans[i + 1], chans[i], 3, 2 if i < 2 else 1, False)
            for i in range(len(widths))
        ]
        return convs + [WeightLayer("head", classes, widths[-1], 1, 1, True)]
    raise ValueError(f"unknown architecture {meta['architecture']!r}")


def gather_index(neighbors, inp):
    """Input channels block by block: block i reads groups neighbors[i] (group width inp / n)."""
    n = neighbors.shape[0]
    gi = inp // n
    return np.stack([np.concatenate([np.arange(j * gi, (j + 1) * gi) for j in row]) for row in neighbors])


def unpack(blocks, neighbors, layer):
    """Dense weight [out, in(, k, k)] and 0/1 mask from a packed layer's blocks."""
    n = neighbors.shape[0]
    idx = gather_index(neighbors, layer.inp)  # [n, block_in]
    go = layer.out // n
    kk = (layer.kernel, layer.kernel) if layer.kernel > 1 else ()
    w = np.zeros((layer.out, layer.inp) + kk, np.float32)
    # Linear blocks are [n, group_out, block_in]; conv blocks [out, block_in, k, k].
    b = blocks.reshape((layer.out, idx.shape[1]) + kk)
    for o in range(layer.out):
        w[o, idx[o // go]] = b[o]
    mask = np.zeros(w.shape, np.uint8)
    for o in range(layer.out):
        mask[o, idx[o // go]] = 1
    return w, mask


def load(path):
    with safe_open(path, framework="numpy") as f:
        meta = dict(f.metadata() or {})
    if meta.get("format") != "rgp-studio-model":
        raise ValueError(f"{path}: no RGP Studio metadata (format = {meta.get('format')!r})")
    raw = {k: v.astype(np.float32) if v.dtype == np.float16 else v for k, v in load_file(path).items()}
    model = Model(meta, weight_layers(meta))
    neighbors = raw.get("graph.neighbors")
    for layer in model.layers:
        blocks = raw.get(f"{layer.name}.blocks")
        if blocks is not None:
            w, mask = unpack(blocks, neighbors, layer)
            model.tensors[f"{layer.name}.weight"] = w
            model.tensors[f"{layer.name}.mask"] = mask
        else:
            model.tensors[f"{layer.name}.weight"] = raw[f"{layer.name}.weight"]
            if f"{layer.name}.mask" in raw:
                model.tensors[f"{layer.name}.mask"] = raw[f"{layer.name}.mask"]
        if layer.bias:
            model.tensors[f"{layer.name}.bias"] = raw[f"{layer.name}.bias"]
    for k, v in raw.items():
        if k.startswith("norms.") or k.startswith("graph."):
            model.tensors[k] = v
    return model


def conv2d(x, w, stride, pad):
    """x [B, C, H, W], w [O, C, k, k] → [B, O, H', W'] (float64), as a sum over kernel taps."""
    bsz, _, h, wd = x.shape
    k = w.shape[2]
    ho, wo = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((bsz, w.shape[0], ho, wo))
    for dy in range(k):
        for dx in range(k):
            patch = xp[:, :, dy : dy + stride * (ho - 1) + 1 : stride, dx : dx + stride * (wo - 1) + 1 : stride]
            out += np.einsum("oc,bchw->bohw", w[:, :, dy, dx], patch)
    return out


def forward(model, x):
    """Logits [N, classes] (float32) for x float32 [N, features]; computed in float64."""
    t = {k: v.astype(np.float64) if v.dtype == np.float32 else v for k, v in model.tensors.items()}
    h = np.asarray(x, np.float64)
    relu = lambda v: np.maximum(v, 0.0)  # noqa: E731
    if model.arch == "mlp":
        for i, layer in enumerate(model.layers):
            h = h @ t[f"{layer.name}.weight"].T + t[f"{layer.name}.bias"]
            if i + 1 < len(model.layers):
                h = relu(h)
        return h.astype(np.float32)
    hw = int(model.meta["input_hw"])
    # Channel-first images: 1 (grey) or 3 (RGB) channels, the first conv's input width.
    h = h.reshape(-1, model.layers[0].inp, hw, hw)
    for i, layer in enumerate(model.layers[:-1]):
        h = conv2d(h, t[f"{layer.name}.weight"], layer.stride, layer.kernel // 2)
        p = lambda w: t[f"norms.{i}.{w}"][None, :, None, None]  # noqa: E731
        h = (h - p("running_mean")) / np.sqrt(p("running_var") + BN_EPSILON) * p("weight") + p("bias")
        h = relu(h)
    h = h.max(axis=(2, 3))
    head = model.layers[-1]
    return (h @ t[f"{head.name}.weight"].T + t[f"{head.name}.bias"]).astype(np.float32)


def to_torch(model):
    """The equivalent torch.nn.Module in eval mode (dense weights; pruned entries are zero)."""
    import torch
    from torch import nn

    class RgpMlp(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(l.inp, l.out) for l in model.layers)

        def forward(self, x):
            for i, layer in enumerate(self.layers):
                x = layer(x)
                if i + 1 < len(self.layers):
                    x = torch.relu(x)
            return x

    class RgpCnn(nn.Module):
        def __init__(self):
            super().__init__()
            convs = model.layers[:-1]
            self.hw = int(model.meta["input_hw"])
            self.channels = convs[0].inp
            self.convs = nn.ModuleList(
                nn.Conv2d(l.inp, l.out, l.kernel, stride=l.stride, padding=l.kernel // 2, bias=False) for l in convs
            )
            self.norms = nn.ModuleList(nn.BatchNorm2d(l.out, eps=BN_EPSILON) for l in convs)
            head = model.layers[-1]
            self.head = nn.Linear(head.inp, head.out)

        def forward(self, x):
            x = x.reshape(-1, self.channels, self.hw, self.hw)
            for conv, norm in zip(self.convs, self.norms):
                x = torch.relu(norm(conv(x)))
            return self.head(x.amax(dim=(2, 3)))

    net = RgpMlp() if model.arch == "mlp" else RgpCnn()
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in model.tensors.items() if k.endswith(
        (".weight", ".bias", ".running_mean", ".running_var"))}
    missing, unexpected = net.load_state_dict(state, strict=False)
    if unexpected or any(not k.endswith("num_batches_tracked") for k in missing):
        raise ValueError(f"state does not fit the module: missing {missing}, unexpected {unexpected}")
    return net.eval()
