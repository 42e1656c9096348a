#!/usr/bin/env bash
# Accuracy table (docs/TRAINING.md, "Training"): dense against RGP-pruned MLPs (k/n = 4/64, 8/64, 16/64)
# on full MNIST and Fashion-MNIST, natively on the CPU backend, several seeds each.
#   bench/train_accuracy.sh [epochs] [seeds...]      (defaults: 8 epochs, seeds 1 2 3)
# Pruned runs use the graph `rgp graph` builds by default (anneal search, graph seed 1).
# Writes one JSON line per run to bench/results/train_accuracy.jsonl and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
EPOCHS=${1:-8}
shift || true
SEEDS=("$@")
[ "${#SEEDS[@]}" -eq 0 ] && SEEDS=(1 2 3)
RGP=target/release/rgp
OUT=bench/results/train_accuracy.jsonl
mkdir -p bench/results
: > "$OUT"
for ds in mnist fashion; do
  for k in dense 4 8 16; do
    for s in "${SEEDS[@]}"; do
      if [ "$k" = dense ]; then extra=(--dense); else extra=(--degree "$k"); fi
      "$RGP" train --model mlp --dataset "$ds" --epochs "$EPOCHS" --batch 128 --optimizer sgd --lr 0.05 \
        --seed "$s" --nodes 64 "${extra[@]}" --quiet |
        python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps({'dataset':'$ds','k':'$k','seed':$s,'acc':d['test_accuracy'],'params':d['params_pruned'] if '$k'!='dense' else d['params_dense'],'flops':d['flops_pruned'] if '$k'!='dense' else d['flops_dense'],'secs':d['seconds'],'ips':d['images_per_sec']}))" >> "$OUT"
      tail -1 "$OUT" >&2
    done
  done
done
python3 - "$OUT" "$EPOCHS" <<'PY'
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"MLP 784-256-256-256-10, SGD momentum 0.9, lr 0.05 cosine, wd 5e-4, batch 128, {sys.argv[2]} epochs; seeds {sorted({r['seed'] for r in rows})}.\n")
print("| dataset | network | params | FLOPs/image | test accuracy (mean ± sd) |")
print("|---|---|---:|---:|---:|")
for ds in ("mnist", "fashion"):
    for k in ("dense", "4", "8", "16"):
        rs = [r for r in rows if r["dataset"] == ds and r["k"] == k]
        if not rs: continue
        accs = [100 * r["acc"] for r in rs]
        sd = st.stdev(accs) if len(accs) > 1 else 0.0
        name = "dense" if k == "dense" else f"RGP {k}/64"
        print(f"| {'MNIST' if ds == 'mnist' else 'Fashion-MNIST'} | {name} | {rs[0]['params']:,} | {rs[0]['flops']:,} | {st.mean(accs):.2f} ± {sd:.2f} |")
PY
