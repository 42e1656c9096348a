#!/usr/bin/env bash
# Native training speed before and after a change: `rgp train` built at COMMIT and at the working
# tree, one after the other in the same CARGO_TARGET_DIR (shared dependencies build once where
# their features agree), then run alternately ROUNDS times on the quick MNIST set: the pruned MLP
# and the pruned CNN, one epoch, one thread (RAYON_NUM_THREADS=1, so the CPU time is the work and
# a busy machine skews it less). Prints median training images per CPU second and per wall second
# and their ratios (after / before), and both builds' test accuracy.
#   bench/train_before_after.sh COMMIT [ROUNDS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?usage: bench/train_before_after.sh COMMIT [ROUNDS]}
rounds=${2:-3}
[ -f data/mnist-quick/train-images-idx3-ubyte.gz ] || {
  echo "data/mnist-quick is missing: run scripts/setup.sh" >&2
  exit 2
}
work=$(mktemp -d)
git worktree add -f "$work/before" "$commit" >/dev/null
trap 'git worktree remove --force "$work/before"' EXIT
build() { # dir → copies its rgp to $work/rgp-$2
  (cd "$1" && cargo build --release --bin rgp >&2)
  cp "${CARGO_TARGET_DIR:-$1/target}/release/rgp" "$work/rgp-$2"
}
build "$work/before" before
build . after
RAYON_NUM_THREADS=1 python3 - "$work" "$rounds" <<'PY'
import json, resource, statistics as st, subprocess, sys, time
work, rounds = sys.argv[1], int(sys.argv[2])
cases = {
    "mlp": ["--model", "mlp"],
    "cnn": ["--model", "cnn", "--limit-train", "2000"],
}
common = ["train", "--dataset", "mnist", "--quick", "--epochs", "1", "--seed", "1", "--search", "none"]
runs = {}
for _ in range(rounds):
    for case, args in cases.items():
        for which in ("before", "after"):
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            out = subprocess.run([f"{work}/rgp-{which}", *common, *args], check=True,
                                 capture_output=True, text=True).stdout
            wall = time.perf_counter() - t0
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = cpu1.ru_utime - cpu0.ru_utime + cpu1.ru_stime - cpu0.ru_stime
            d = json.loads(out)
            images = d["images_per_sec"] * d["seconds"]  # older builds print no train_samples
            runs.setdefault(case, {}).setdefault(which, []).append(
                (images / cpu, d["images_per_sec"], d["test_accuracy"], wall))
print("| network | train images per CPU s, before → after | ratio | images/s (wall, training) before → after | ratio | test accuracy before / after |")
print("|---|---|---|---|---|---|")
for case, w in runs.items():
    med = lambda which, i: st.median(r[i] for r in w[which])
    acc = lambda which: "/".join(sorted({f"{r[2]:.3f}" for r in w[which]}))
    b, a = med("before", 0), med("after", 0)
    bw, aw = med("before", 1), med("after", 1)
    print(f"| {case} | {b:,.0f} → {a:,.0f} | {a / b:.2f}× | {bw:,.0f} → {aw:,.0f} | {aw / bw:.2f}× | {acc('before')} / {acc('after')} |")
PY
