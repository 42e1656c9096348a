#!/usr/bin/env python3
"""The fine-tuning recovery study (docs/FINETUNING.md): does a pretrained start beat training the same
pruned network from scratch, and which recovery (`rgp train --recover`) makes it pay?

    python3 bench/recovery_study.py run    [--rgp target/release/rgp] [--models mlp,cnn] [--datasets mnist,fashion]
                                           [--degrees 4,8,16] [--seeds 1,2,3] [--jobs 2] [--out bench/recovery_results]
    python3 bench/recovery_study.py report [--out bench/recovery_results] [--svg docs/finetuning.svg]

`run` trains every cell with `rgp train` on the quick sets (6000 / 1000 images) and appends one JSON line per run to
OUT/runs.jsonl (a rerun skips the runs already there, so it resumes). Methods, all at the same graph, seed and
settings (the app's defaults: SGD lr 0.05 cosine, batch 128, first and last layers dense):
  scratch            the pruned network from random weights (no pretrained start)
  none               the pretrained network, masked (the mask alone)
  permute            ... after channel permutation
  rescale            ... after per-unit rescaling on 512 calibration images
  permute-rescale    ... after both
  magnitude          one-shot magnitude pruning at the graph's per-layer kept counts (the unstructured reference)
Budgets: 1/4 epoch (1 epoch over the first 1500 training images: 11 steps with their own cosine schedule), 1 and
3 epochs. "After masking" is the pretrained start's accuracy before any step. `report` prints the Markdown tables
(means over seeds, with min–max) and writes the SVG figure.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

METHODS = ["scratch", "none", "permute", "rescale", "permute-rescale", "magnitude"]
BUDGETS = {"1/4": ["--epochs", "1", "--limit-train", "1500"], "1": ["--epochs", "1"], "3": ["--epochs", "3"]}


def key(c):
    return f"{c['model']}|{c['dataset']}|{c['degree']}|{c['seed']}|{c['method']}|{c['budget']}"


def command(rgp, c):
    args = [rgp, "train", "--quiet", "--quick", "--model", c["model"], "--dataset", c["dataset"], "--nodes", "64",
            "--degree", str(c["degree"]), "--search", "anneal", "--seed", str(c["seed"]),
            "--graph-seed", str(c["seed"]), *BUDGETS[c["budget"]]]
    if c["method"] != "scratch":
        args += ["--init-from", f"models/pretrained/{c['model']}-{c['dataset']}.safetensors"]
        if c["method"] == "magnitude":
            args += ["--prune", "magnitude", "--recover", "none"]
        else:
            args += ["--recover", c["method"]]
    return args


def run_one(rgp, c):
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    out = subprocess.run(command(rgp, c), check=True, capture_output=True, text=True, env=env)
    r = json.loads(out.stdout)
    return {**c, "test_accuracy": r["test_accuracy"], "pretrained_accuracy": r.get("pretrained_accuracy"),
            "pruned_accuracy": r.get("pruned_accuracy"), "kept_saliency": r.get("kept_saliency"),
            "seconds": r["seconds"]}


def run(a):
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "runs.jsonl")
    done = set()
    if os.path.exists(path):
        done = {key(json.loads(line)) for line in open(path) if line.strip()}
    cells = [dict(model=m, dataset=d, degree=int(k), seed=int(s), method=me, budget=b)
             for m in a.models.split(",") for d in a.datasets.split(",") for k in a.degrees.split(",")
             for s in a.seeds.split(",") for me in a.methods.split(",") for b in BUDGETS]
    todo = [c for c in cells if key(c) not in done]
    print(f"{len(todo)} runs to do ({len(cells) - len(todo)} done)", file=sys.stderr)
    with open(path, "a") as f, ThreadPoolExecutor(a.jobs) as pool:
        for i, r in enumerate(pool.map(lambda c: run_one(a.rgp, c), todo)):
            f.write(json.dumps(r) + "\n")
            f.flush()
            print(f"[{i + 1}/{len(todo)}] {key(r)}: {100 * r['test_accuracy']:.1f}%", file=sys.stderr)


def load(out):
    rows = [json.loads(line) for line in open(os.path.join(out, "runs.jsonl")) if line.strip()]
    return {key(r): r for r in rows}.values()


def table(rows):
    """{(model, dataset, degree): {method: {budget or 'mask': [values over seeds]}}}"""
    t = {}
    for r in rows:
        cell = t.setdefault((r["model"], r["dataset"], r["degree"]), {}).setdefault(r["method"], {})
        cell.setdefault(r["budget"], []).append(r["test_accuracy"])
        if r["budget"] == "1" and r["pruned_accuracy"] is not None:
            cell.setdefault("mask", []).append(r["pruned_accuracy"])
    return t


def fmt(xs):
    if not xs:
        return "–"
    m = 100 * statistics.mean(xs)
    return f"{m:.1f}" if len(xs) == 1 else f"{m:.1f} ({100 * min(xs):.1f}–{100 * max(xs):.1f})"


def report(a):
    t = table(load(a.out))
    print("| model | data | k/n | start | after masking | 1/4 epoch | 1 epoch | 3 epochs |")
    print("|---|---|---|---|---|---|---|---|")
    for (model, dataset, degree), methods in sorted(t.items()):
        for me in METHODS:
            c = methods.get(me)
            if c:
                print(f"| {model} | {dataset} | {degree}/64 | {me} | {fmt(c.get('mask', []))} | {fmt(c.get('1/4', []))} "
                      f"| {fmt(c.get('1', []))} | {fmt(c.get('3', []))} |")
    if a.svg:
        svg(t, a.svg)


COLORS = {"scratch": "#495057", "none": "#1c7ed6", "permute": "#2f9e44", "rescale": "#f08c00",
          "permute-rescale": "#e8590c", "magnitude": "#862e9c"}


def svg(t, path):
    """One panel per (model, dataset) at 4/64: mean accuracy against budget, a line per method."""
    panels = sorted(k for k in t if k[2] == 4)
    W, H, L, T, B, PW = 300, 240, 44, 28, 40, 256
    xs = {"mask": 0, "1/4": 1, "1": 2, "3": 3}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W * len(panels) + 130}" height="{H}" '
           'font-family="sans-serif" font-size="11">']
    for p, k in enumerate(panels):
        x0 = p * W + L
        px = lambda i: x0 + i * (PW - L) / 3
        py = lambda v: T + (1 - v) * (H - T - B)
        out.append(f'<text x="{x0}" y="14" font-weight="bold">{k[0].upper()} {k[1]} quick, 4/64</text>')
        for v in (0, 0.25, 0.5, 0.75, 1):
            out.append(f'<line x1="{x0}" x2="{px(3)}" y1="{py(v)}" y2="{py(v)}" stroke="#dee2e6"/>'
                       f'<text x="{x0 - 4}" y="{py(v) + 4}" text-anchor="end">{int(v * 100)}%</text>')
        for name, i in xs.items():
            label = "masked" if name == "mask" else f"{name} ep"
            out.append(f'<text x="{px(i)}" y="{H - B + 16}" text-anchor="middle">{label}</text>')
        for me in METHODS:
            c = t[k].get(me, {})
            pts = [(px(i), py(statistics.mean(c[b]))) for b, i in xs.items() if c.get(b)]
            if me == "scratch":
                pts = [(px(0), py(0.1))] + pts  # random weights guess: one class in ten
            d = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(f'<polyline points="{d}" fill="none" stroke="{COLORS[me]}" stroke-width="2"/>')
    for j, me in enumerate(METHODS):
        y = T + 16 * j
        x = W * len(panels) + 4
        out.append(f'<line x1="{x}" x2="{x + 18}" y1="{y}" y2="{y}" stroke="{COLORS[me]}" stroke-width="2"/>'
                   f'<text x="{x + 22}" y="{y + 4}">{me}</text>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=["run", "report"])
    p.add_argument("--rgp", default="target/release/rgp")
    p.add_argument("--models", default="mlp,cnn")
    p.add_argument("--datasets", default="mnist,fashion")
    p.add_argument("--degrees", default="4,8,16")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--out", default="bench/recovery_results")
    p.add_argument("--svg", default=None)
    a = p.parse_args()
    run(a) if a.what == "run" else report(a)


if __name__ == "__main__":
    sys.exit(main())
