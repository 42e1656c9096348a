#!/usr/bin/env python3
"""Markdown tables of the sweeps in bench/sweep_results/ (their summary.json files), as pasted
into docs/RESULTS.md. Only reads what `rgp sweep` wrote; computes nothing new.

    python3 bench/sweep_report.py [bench/sweep_results] > /tmp/tables.md
"""
import json
import math
import sys
from pathlib import Path


def pct(x):
    return "—" if x is None or not math.isfinite(x) else f"{100 * x:.2f}"


def num(x, d=3):
    return "—" if x is None or not math.isfinite(x) else f"{x:.{d}f}"


def pval(p):
    if p is None or not math.isfinite(p):
        return "—"
    return f"{p:.1e}" if p < 1e-3 else f"{p:.3f}"


def corr(c):
    if c["r"] is None:
        return "—"
    return f"{num(c['r'], 2)} [{num(c['ci_low'], 2)}, {num(c['ci_high'], 2)}], p = {pval(c['p'])}"


def gain(g):
    if g is None:
        return "—"
    return f"{sgn(g['points'])} [{sgn(g['ci_low'])}, {sgn(g['ci_high'])}], p = {pval(g['p'])}"


def sgn(x):
    """Points with a sign; JSON null (a NaN in the summary: too few runs) prints as a dash."""
    return "—" if x is None or not math.isfinite(x) else f"{x:+.2f}"


def load(path):
    return json.loads(path.read_text())


def report(name, d):
    c, s = d["config"], d["summary"]
    t = c["train"]
    out = [f"### {name}", ""]
    widths = t["hidden"] if t["model"] == "mlp" else t["channels"]
    train = "all" if c.get("limit_train") is None else f"first {c['limit_train']}"
    out.append(
        f"{t['model'].upper()} {widths}, {c['dataset']} (train images: {train}), n = {s['nodes']}, "
        f"k = {s['degree']} (kept {100 * s['degree'] / s['nodes']:.2f}% of masked weights), "
        f"{t['epochs']} epochs, batch {t['batch']}, {t['optimizer']} lr {t['lr']} cosine, "
        f"seeds 1–{c['seeds']}, {s['runs']} runs."
    )
    out += ["", "| graph | origin | ASPL | clustering | accuracy % (mean ± sd) | runs |", "|---|---|---|---|---|---|"]
    origin = {g["index"]: g["origin"] for g in d["graphs"] if g["kind"] == "graph"}
    for g in s["graphs"]:
        out.append(
            f"| {g['index']} | {origin.get(g['index'], '')} | {num(g['aspl'])} | {num(g['clustering'])} | "
            f"{pct(g['mean'])} ± {pct(g['sd'])} | {g['runs']} |"
        )
    out += ["", "| correlation | Pearson r [95% CI] | Spearman ρ [95% CI] |", "|---|---|---|"]
    for label, key in [("accuracy vs ASPL", "accuracy_vs_aspl"), ("accuracy vs clustering", "accuracy_vs_clustering")]:
        a = s.get(key)
        if a:
            for over in ["runs", "means"]:
                n = a[over]["pearson"]["n"]
                out.append(f"| {label}, {over} (n = {n}) | {corr(a[over]['pearson'])} | {corr(a[over]['spearman'])} |")
    if s.get("aspl_vs_clustering"):
        a = s["aspl_vs_clustering"]
        out.append(f"| ASPL vs clustering, graphs (n = {a['pearson']['n']}) | {corr(a['pearson'])} | {corr(a['spearman'])} |")
    b = s.get("best_vs_ring")
    out += ["", "| mask | accuracy % (mean ± sd) | runs | minus lowest-ASPL graph, points [95% CI] |", "|---|---|---|---|"]
    if b:
        out.append(f"| lowest-ASPL graph (ASPL {num(b['best']['aspl'])}) | {pct(b['best']['mean'])} ± {pct(b['best']['sd'])} | {b['best']['runs']} | — |")
    for x in s["baselines"]:
        label = x["kind"] if x["kind"] != "ring" else f"ring lattice (ASPL {num(x['aspl'])})"
        if x["kind"] == "random-regular":
            label = f"random regular (mean ASPL {num(x['aspl'])})"
        if x["kind"] == "magnitude":
            label = f"magnitude pruning + {c['finetune_epochs']} fine-tune epochs (lr {c['finetune_lr']:g})"
        out.append(f"| {label} | {pct(x['mean'])} ± {pct(x['sd'])} | {x['runs']} | {gain(x['minus_best'])} |")
    if len(s["degrees"]) > 1:
        out += ["", "| k | k/n | lowest ASPL: ASPL, accuracy % | ring: ASPL, accuracy % | lowest minus ring, points [95% CI] |",
                "|---|---|---|---|---|"]
        for g in s["degrees"]:
            bb, ww = g["best"], g["worst"]
            bs = f"{num(bb['aspl'])}, {pct(bb['mean'])} ± {pct(bb['sd'])}" if bb else "—"
            ws = f"{num(ww['aspl'])}, {pct(ww['mean'])} ± {pct(ww['sd'])}" if ww else "—"
            out.append(f"| {g['degree']} | {g['kept_fraction']:.4f} | {bs} | {ws} | {gain(g['gain'])} |")
    out.append("")
    return "\n".join(out)


def overview(sweeps):
    """One line per sweep: the effect the paper reports (lowest-ASPL graph against the ring)."""
    out = [
        "| sweep | model, data | k/n | seeds | lowest ASPL → ring | accuracy %, lowest-ASPL graph | ring | "
        "lowest minus ring, points [95% CI] | r(accuracy, ASPL), graph means [95% CI] | dense |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, d in sweeps:
        c, s = d["config"], d["summary"]
        b = s["best_vs_ring"]
        if not b or not b.get("best") or not b.get("ring"):
            continue  # a sweep still running: no ring or lowest-ASPL runs yet
        dense = next((x for x in s["baselines"] if x["kind"] == "dense"), None)
        data = c["dataset"] + ("" if c.get("limit_train") is None else f" ({c['limit_train'] // 1000}k)")
        out.append(
            f"| {name} | {c['train']['model'].upper()}, {data} | {s['degree']}/{s['nodes']} | {c['seeds']} | "
            f"{num(b['best']['aspl'], 2)} → {num(b['ring']['aspl'], 2)} | "
            f"{pct(b['best']['mean'])} ± {pct(b['best']['sd'])} | {pct(b['ring']['mean'])} ± {pct(b['ring']['sd'])} | "
            f"{gain(b['gain'])} | "
            f"{corr(s['accuracy_vs_aspl']['means']['pearson'])} | {pct(dense['mean']) if dense else '—'} |"
        )
    return "\n".join(out) + "\n"


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/sweep_results")
    sweeps = [(p.parent.name, load(p)) for p in sorted(root.glob("*/summary.json"))]
    print(overview(sweeps))
    for name, d in sweeps:
        print(report(name, d))


if __name__ == "__main__":
    main()
