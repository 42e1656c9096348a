#!/usr/bin/env bash
# Trains the pretrained dense networks the app fine-tunes from (models/pretrained/), with this
# project's own code and fixed seeds, and writes models/pretrained/manifest.json (file, SHA-256,
# bytes, test accuracy as stored in f16 and as trained in f32, the command). Reproducible:
# running it again gives the same files (the CPU backend is deterministic for a seed).
#   scripts/pretrain.sh [rgp binary] [model-dataset ...]
#     (default target/release/rgp and all four; needs data/, see fetch-data.sh). Networks named
#     replace their entries in manifest.json; the others stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
RGP=${1:-target/release/rgp}
[ $# -gt 0 ] && shift
ONLY=" $* "
OUT=models/pretrained
mkdir -p "$OUT"
# model dataset epochs training-images (the CNN uses the first 20,000: a few minutes on 2 cores)
runs=(
  "mlp mnist 8 60000"
  "mlp fashion 8 60000"
  "cnn mnist 3 20000"
  "cnn fashion 3 20000"
)
for r in "${runs[@]}"; do
  set -- $r
  model=$1 dataset=$2 epochs=$3 limit=$4
  [ "$ONLY" != "  " ] && [[ "$ONLY" != *" $model-$dataset "* ]] && continue
  file="$OUT/$model-$dataset.safetensors"
  cmd="rgp train --dense --model $model --dataset $dataset --epochs $epochs --limit-train $limit --seed 1 --save $file --dtype f16"
  echo "pretrain: $cmd" >&2
  "$RGP" train --dense --model "$model" --dataset "$dataset" --epochs "$epochs" --limit-train "$limit" --seed 1 \
    --save "$file" --dtype f16 --quiet > "$OUT/$model-$dataset.json"
  python3 - "$OUT/$model-$dataset.json" "$cmd" "$limit" <<'PY'
import json, sys
out = json.load(open(sys.argv[1]))
s = out["saved"]
json.dump({"file": s["path"].split("/")[-1], "sha256": s["sha256"], "bytes": s["bytes"],
           "test_accuracy": s["test_accuracy"], "test_accuracy_f32": out["test_accuracy"],
           "epochs": out["config"]["epochs"], "train_images": int(sys.argv[3]), "command": sys.argv[2]},
          open(sys.argv[1], "w"), indent=1)
PY
done
python3 - "$OUT" <<'PY'
import json, os, sys
d = sys.argv[1]
path = os.path.join(d, "manifest.json")
m = json.load(open(path)) if os.path.exists(path) else {}
for f in sorted(os.listdir(d)):
    if f.endswith(".json") and f != "manifest.json":
        m[f[:-5]] = json.load(open(os.path.join(d, f)))
        os.remove(os.path.join(d, f))
m = dict(sorted(m.items()))
json.dump(m, open(path, "w"), indent=1)
print(json.dumps(m, indent=1))
PY
