#!/usr/bin/env python3
"""Fine-tuning recovery table (docs/TRAINING.md, "Fine-tuning from a trained network"): a pretrained dense network, pruned by four
masks at the same per-layer kept counts (the RGP graph, the ring lattice, a random regular graph,
one-shot magnitude pruning), then fine-tuned for 1 and for 3 epochs.

    python3 bench/recovery.py [--rgp target/release/rgp] [--seeds 1,2,3] [--degrees 4,8,16]
                              [--models mlp] [--datasets mnist,fashion] [--full]

Every cell is the mean test accuracy over the seeds (the seed of the graph, the weights and the
batch order); the quick sets (6000 / 1000 images) unless --full. Prints a Markdown table.
"""
import argparse
import json
import statistics
import subprocess
import sys

# The mask alone (--recover none): this table compares masks, not recoveries
# (bench/recovery_study.py compares those).
MASKS = {
    "RGP": ["--search", "anneal", "--recover", "none"],
    "ring": ["--init", "ring", "--search", "none", "--recover", "none"],
    "random": ["--init", "random", "--search", "none", "--recover", "none"],
    "magnitude": ["--prune", "magnitude", "--recover", "none"],
}


def run(rgp, args):
    out = subprocess.run([rgp, "train", "--quiet", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rgp", default="target/release/rgp")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--degrees", default="4,8,16")
    p.add_argument("--nodes", type=int, default=64)
    p.add_argument("--models", default="mlp")
    p.add_argument("--datasets", default="mnist,fashion")
    p.add_argument("--full", action="store_true", help="the full sets instead of the quick ones")
    a = p.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    print("| model | dataset | k/n | mask | dense | after mask | 1 epoch | 3 epochs |")
    print("|---|---|---|---|---|---|---|---|")
    for model in a.models.split(","):
        for dataset in a.datasets.split(","):
            init = f"models/pretrained/{model}-{dataset}.safetensors"
            for k in [int(d) for d in a.degrees.split(",")]:
                for name, flags in MASKS.items():
                    cells = {"pre": [], "pruned": [], 1: [], 3: []}
                    for seed in seeds:
                        base = ["--model", model, "--dataset", dataset, "--nodes", str(a.nodes), "--degree", str(k),
                                "--seed", str(seed), "--graph-seed", str(seed), "--init-from", init, *flags]
                        if not a.full:
                            base.append("--quick")
                        for epochs in (1, 3):
                            r = run(a.rgp, [*base, "--epochs", str(epochs)])
                            cells[epochs].append(r["test_accuracy"])
                        cells["pre"].append(r["pretrained_accuracy"])
                        cells["pruned"].append(r["pruned_accuracy"])
                    pct = lambda xs: f"{100 * statistics.mean(xs):.1f}"
                    print(f"| {model} | {dataset} | {k}/{a.nodes} | {name} | {pct(cells['pre'])} | "
                          f"{pct(cells['pruned'])} | {pct(cells[1])} | {pct(cells[3])} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
