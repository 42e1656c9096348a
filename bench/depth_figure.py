#!/usr/bin/env python3
"""SVG figure of a depth sweep: lowest-ASPL graph minus ring lattice (accuracy points, Welch 95%
interval) against depth, one series per depth-summary.json given.

    bench/depth_figure.py OUT.svg LABEL=bench/sweep_results/depth-mlp/depth-summary.json ...
"""
import json
import math
import sys

W, H = 560, 320
L, R, T, B = 64, 150, 24, 48
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]


def series(path):
    s = json.load(open(path))["summary"]
    out = []
    for d in s["depths"]:
        g = d.get("lowest_minus_ring")
        if g:
            out.append((d["depth"], g["points"], g["ci_low"], g["ci_high"]))
    return out


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    data = []
    for spec in specs:
        label, path = spec.split("=", 1)
        data.append((label, series(path)))
    depths = sorted({p[0] for _, s in data for p in s})
    lo = min([0.0] + [p[2] for _, s in data for p in s])
    hi = max([0.0] + [p[3] for _, s in data for p in s])
    pad = 0.1 * (hi - lo or 1)
    lo, hi = lo - pad, hi + pad
    lx = [math.log2(d) for d in depths]
    x0, x1 = min(lx) - 0.3, max(lx) + 0.3

    def X(d):
        return L + (math.log2(d) - x0) / (x1 - x0) * (W - L - R)

    def Y(v):
        return T + (hi - v) / (hi - lo) * (H - T - B)

    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
         'font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<line x1="{L}" x2="{W - R}" y1="{Y(0):.1f}" y2="{Y(0):.1f}" stroke="#888" stroke-dasharray="4 3"/>',
         f'<line x1="{L}" x2="{L}" y1="{T}" y2="{H - B}" stroke="black"/>',
         f'<line x1="{L}" x2="{W - R}" y1="{H - B}" y2="{H - B}" stroke="black"/>']
    for d in depths:
        e.append(f'<text x="{X(d):.1f}" y="{H - B + 16}" text-anchor="middle">{d}</text>')
    step = 10 ** math.floor(math.log10(max(hi - lo, 1e-9) / 2))
    v = math.ceil(lo / step) * step
    while v <= hi:
        e.append(f'<text x="{L - 6}" y="{Y(v) + 4:.1f}" text-anchor="end">{v:+.2g}</text>')
        v += step
    e.append(f'<text x="{(L + W - R) / 2}" y="{H - 10}" text-anchor="middle">masked hidden layers L</text>')
    e.append(f'<text transform="translate(16 {(T + H - B) / 2}) rotate(-90)" text-anchor="middle">'
             'lowest ASPL − ring (accuracy points)</text>')
    for i, (label, s) in enumerate(data):
        c = COLORS[i % len(COLORS)]
        dx = (i - (len(data) - 1) / 2) * 6
        pts = " ".join(f"{X(d) + dx:.1f},{Y(m):.1f}" for d, m, _, _ in s)
        e.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="1.5"/>')
        for d, m, a, b in s:
            x = X(d) + dx
            e.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{Y(a):.1f}" y2="{Y(b):.1f}" stroke="{c}"/>')
            e.append(f'<circle cx="{x:.1f}" cy="{Y(m):.1f}" r="3.5" fill="{c}"/>')
        y = T + 14 + 18 * i
        e.append(f'<circle cx="{W - R + 14}" cy="{y - 4}" r="4" fill="{c}"/>')
        e.append(f'<text x="{W - R + 24}" y="{y}">{label}</text>')
    e.append("</svg>")
    open(out, "w").write("\n".join(e) + "\n")


if __name__ == "__main__":
    main()
