#!/usr/bin/env python3
"""Side by side with the reference implementation (networkx), on the same seeded graphs.

For each (n, k) a random k-regular graph is made by `rgp graph --init random --seed 1` and
saved as .npy; networkx and our kernel then work on that very graph (the ASPLs are checked
equal). Measured, single core, CPU time of the measuring thread/process (so a busy machine does
not skew the ratio):

  1. ASPL evaluations/s: networkx `average_shortest_path_length` vs our bit-parallel kernel;
  2. the reference swap loop (graph/optimizer.py `PathOptimizer`, `min`, extreme so it never
     returns early): attempts/s of the networkx loop vs our `paper` search on the same graph.
     The networkx loop is capped at --ref-seconds per size; the time of one full reference step
     (n(n-1) attempts) is extrapolated from its rate.

    pip install numpy networkx
    python3 bench/vs_networkx.py [--seconds 2] [--ref-seconds 10]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

import networkx as nx
import numpy as np

SIZES = [(64, 4), (64, 8), (128, 8), (256, 16), (512, 16)]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cargo(*args):
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return subprocess.run(["cargo", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def rgp_binary():
    cargo("build", "--release", "--no-default-features", "--features", "cli")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    return os.path.join(target, "release", "rgp")


def nx_evals_per_s(G, seconds):
    calls, t0 = 0, time.process_time()
    while calls < 3 or time.process_time() - t0 < seconds:
        nx.average_shortest_path_length(G)
        calls += 1
    return calls / (time.process_time() - t0)


def nx_reference_loop(G, seconds, interval_up=0.2, seed=1):
    """The PathOptimizer attempt loop (min direction, extreme), run for `seconds` of CPU."""
    rng = random.Random(seed)
    nodes = list(G.nodes())
    before = nx.average_shortest_path_length(G)
    attempts, t0 = 0, time.process_time()
    while time.process_time() - t0 < seconds:
        attempts += 1
        s1, s2 = rng.choice(nodes), rng.choice(nodes)
        t1, t2 = rng.choice(list(G[s1])), rng.choice(list(G[s2]))
        if s1 == s2 or t1 == t2 or s1 == t2 or s2 == t1:
            continue
        if G.has_edge(s1, t2) or G.has_edge(s2, t1):
            continue
        G.remove_edges_from([(s1, t1), (s2, t2)])
        G.add_edges_from([(s1, t2), (s2, t1)])
        if nx.is_connected(G):
            after = nx.average_shortest_path_length(G)
            if after > before or before - after > interval_up:
                G.remove_edges_from([(s1, t2), (s2, t1)])
                G.add_edges_from([(s1, t1), (s2, t2)])
        else:
            G.remove_edges_from([(s1, t2), (s2, t1)])
            G.add_edges_from([(s1, t1), (s2, t2)])
    return attempts / (time.process_time() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=2.0, help="CPU seconds per throughput measurement")
    ap.add_argument("--ref-seconds", type=float, default=10.0, help="cap on each networkx reference loop")
    args = ap.parse_args()

    rgp = rgp_binary()
    tmp = tempfile.mkdtemp(prefix="rgp-vs-nx-")
    files, ours_aspl = [], {}
    for n, k in SIZES:
        path = os.path.join(tmp, f"{n}_{k}.npy")
        out = subprocess.run([rgp, "graph", "--nodes", str(n), "--degree", str(k), "--init", "random",
                              "--seed", "1", "--search", "none", "--format", "npy", "--out", path,
                              "--quiet"], check=True, capture_output=True, text=True).stdout
        ours_aspl[(n, k)] = json.loads(out)["aspl"]
        files += ["--npy", path]
    print("measuring our kernel ...", file=sys.stderr)
    lines = cargo("bench", "--no-default-features", "--bench", "kernel_rate", "--",
                  "--seconds", str(args.seconds), *files)
    ours = {(d["n"], d["k"]): d for d in map(json.loads, filter(None, lines.splitlines()))}

    print(f"networkx {nx.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}; "
          f"single core, CPU time; graphs: rgp graph --init random --seed 1\n")
    print("| (n,k) | ASPL | networkx ASPL evals/s | ours evals/s | ratio | networkx reference loop attempts/s"
          " | ours (`paper`) attempts/s | ratio | one reference step, n(n−1) attempts: networkx (extrapolated) / ours |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, k in SIZES:
        G = nx.from_numpy_array(np.load(os.path.join(tmp, f"{n}_{k}.npy")))
        aspl = nx.average_shortest_path_length(G)
        assert abs(aspl - ours_aspl[(n, k)]) < 1e-12, (n, k, aspl, ours_aspl[(n, k)])
        print(f"measuring networkx at ({n},{k}) ...", file=sys.stderr)
        nx_rate = nx_evals_per_s(G, args.seconds)
        nx_loop = nx_reference_loop(G.copy(), args.ref_seconds)
        o = ours[(n, k)]
        step = n * (n - 1)
        print(f"| ({n},{k}) | {aspl:.4f} | {nx_rate:,.1f} | {o['evals_per_s']:,.0f} | {o['evals_per_s'] / nx_rate:,.0f}× "
              f"| {nx_loop:,.1f} | {o['paper_attempts_per_s']:,.0f} | {o['paper_attempts_per_s'] / nx_loop:,.0f}× "
              f"| {fmt(step / nx_loop)} / {fmt(step / o['paper_attempts_per_s'])} |")


def fmt(seconds):
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    if seconds >= 1:
        return f"{seconds:.1f} s"
    return f"{seconds * 1e3:.1f} ms"


if __name__ == "__main__":
    main()
