#!/usr/bin/env bash
# A pretrained network brought in as ONNX, pruned and fine-tuned, beside the plain alternatives in
# one run: the app's pretrained MNIST CNN exported as dense ONNX and imported back (so the network
# is one we know), pruned by the graph or by magnitude, against the same CNN fine-tuned from its
# own model file (with recovery) and trained from scratch. Quick MNIST, one epoch, 64 nodes of
# degree 4 (the app's default sparsity), no edge search; prints a markdown table.
#
#   bench/onnx_start_race.sh [RGP=target/release/rgp] [EPOCHS=1]
set -euo pipefail
cd "$(dirname "$0")/.."
rgp=${1:-${CARGO_TARGET_DIR:-target}/release/rgp}
epochs=${2:-1}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=models/pretrained/cnn-mnist.safetensors
"$rgp" export --weights "$start" --format onnx --layout dense --out "$dir/cnn.onnx" >/dev/null
common=(--dataset mnist --quick --nodes 64 --degree 4 --search none --epochs "$epochs" --quiet)
row() { # label, rgp train flags...
  local label=$1
  shift
  "$rgp" train "${common[@]}" "$@" >"$dir/run.json"
  python3 - "$label" "$dir/run.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[2]))
pct = lambda k: "—" if d.get(k) is None else f"{100 * d[k]:.1f}%"
cells = [sys.argv[1], pct("pretrained_accuracy"), pct("pruned_accuracy"), pct("test_accuracy"), str(d["params_pruned"])]
print("| " + " | ".join(cells) + " |")
EOF
}
echo "| start | pretrained | pruned | after $epochs epoch(s) | kept params |"
echo "|---|---|---|---|---|"
row "ONNX, pruned by the graph" --init-from "$dir/cnn.onnx"
row "ONNX, pruned by magnitude" --init-from "$dir/cnn.onnx" --prune magnitude
row "model file, graph + recovery" --init-from "$start" --model cnn
row "from scratch, graph" --model cnn
