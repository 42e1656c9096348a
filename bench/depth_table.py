#!/usr/bin/env python3
"""Markdown tables of a depth sweep's depth-summary.json (for docs/RESULTS.md).

    bench/depth_table.py bench/sweep_results/depth-mlp/depth-summary.json
"""
import json
import sys


def pct(g):
    return "—" if not g else f"{100 * g['mean']:.2f} ± {100 * g['sd']:.2f}"


def gain(g):
    return "—" if not g else f"{g['points']:+.2f} [{g['ci_low']:+.2f}, {g['ci_high']:+.2f}]"


def corr(c):
    if c is None or c.get("r") is None:
        return "—"
    lo, hi = c.get("ci_low"), c.get("ci_high")
    ci = "" if lo is None else f" [{lo:+.2f}, {hi:+.2f}]"
    return f"{c['r']:+.2f}{ci}"


def main():
    doc = json.load(open(sys.argv[1]))
    s = doc["summary"]
    print("| L | lowest ASPL | ring | random regular | dense | lowest − ring (points, 95% CI) | reach lowest / ring |")
    print("|---|---|---|---|---|---|---|")
    for d in s["depths"]:
        r = f"{d['lowest_reach']:.3f} / {d['ring_reach']:.3f}" if d["lowest_reach"] is not None else "—"
        print(f"| {d['depth']} | {pct(d['lowest'])} | {pct(d['ring'])} | {pct(d['random_regular'])} "
              f"| {pct(d['dense'])} | {gain(d['lowest_minus_ring'])} | {r} |")
    print()
    print(f"Accuracy against each graph measure over the {s['runs']} graph-masked runs of every depth "
          "(Pearson r, 95% interval; within depth = accuracy minus its depth's mean):")
    print()
    print("| measure | pooled | within depth |")
    print("|---|---|---|")
    for name, key in [("ASPL", "accuracy_vs_aspl"), ("reach at the network's depth", "accuracy_vs_reach"),
                      ("clustering", "accuracy_vs_clustering")]:
        p = s[key]
        if p:
            print(f"| {name} | {corr(p['pooled']['pearson'])} | {corr(p['within_depth']['pearson'])} |")
    print()
    print(f"ASPL–clustering r = {corr(s['aspl_vs_clustering']['pearson'])}; "
          f"ASPL–reach r = {corr(s['aspl_vs_reach']['pearson'])} (over the same runs).")


if __name__ == "__main__":
    main()
