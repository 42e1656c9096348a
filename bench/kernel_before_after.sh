#!/usr/bin/env bash
# The graph engine's speed before and after a change: bench/kernel_rate.rs (CPU time of the
# measuring thread, so a busy machine skews it less) built at COMMIT and at the working tree,
# run alternately ROUNDS times on the throughput table's five graphs; prints the medians and
# their ratios (after / before) and checks both give the same graphs (fingerprints).
#   bench/kernel_before_after.sh COMMIT [ROUNDS=3] [SECONDS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?usage: bench/kernel_before_after.sh COMMIT [ROUNDS] [SECONDS]}
rounds=${2:-3}
secs=${3:-2}
work=$(mktemp -d)
git worktree add -f "$work/before" "$commit" >/dev/null
trap 'git worktree remove --force "$work/before"' EXIT
build() { # dir target → the kernel_rate binary
  (cd "$1" && CARGO_TARGET_DIR=$2 cargo bench --no-default-features --bench kernel_rate --no-run 2>&1) |
    sed -n 's/.*Executable bench\/kernel_rate.rs (\(.*\))/\1/p'
}
before=$(build "$work/before" "$work/target-before")
after=$(build . "$work/target-after")
for r in $(seq "$rounds"); do
  for which in before after; do
    "${!which}" --seconds "$secs" 64 4 1 64 8 1 128 8 1 256 16 1 512 16 1 | sed "s/^/$which /"
  done
done >"$work/runs.txt"
python3 - "$work/runs.txt" <<'PY'
import json, statistics as st, sys
rows = {}
for line in open(sys.argv[1]):
    which, js = line.split(" ", 1)
    d = json.loads(js)
    rows.setdefault((d["n"], d["k"]), {}).setdefault(which, []).append(d)
keys = [("evals_per_s", "ASPL evals/s"), ("paper_attempts_per_s", "paper attempts/s"), ("anneal_iters_per_s", "anneal iterations/s")]
print("| (n,k) | " + " | ".join(f"{t} before → after | ratio" for _, t in keys) + " |")
print("|---|" + "---|---|" * len(keys))
for (n, k), w in rows.items():
    if {x["fingerprint"] for x in w["before"]} != {x["fingerprint"] for x in w["after"]}:
        sys.exit(f"({n},{k}): the two builds give different graphs")
    cells = []
    for key, _ in keys:
        b, a = (st.median(x[key] for x in w[s]) for s in ("before", "after"))
        cells += [f"{b:,.0f} → {a:,.0f}", f"{a / b:.2f}×"]
    print(f"| ({n},{k}) | " + " | ".join(cells) + " |")
PY
