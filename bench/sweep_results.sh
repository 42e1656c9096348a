#!/usr/bin/env bash
# The sweeps behind docs/RESULTS.md, one after the other, each into bench/sweep_results/<name>/.
# Resumable: run it again after an interruption and every sweep skips the runs it already has.
#   bench/sweep_results.sh [name-filter]        e.g. bench/sweep_results.sh mlp-
# RGP=path/to/rgp picks the binary (default target/release/rgp; build with cargo build --release).
set -euo pipefail
cd "$(dirname "$0")/.."
RGP=${RGP:-target/release/rgp}
OUT=bench/sweep_results
filter=${1:-}

# name | flags (common to all: --nodes 64 --graphs 6)
SWEEPS=(
  "mlp-mnist-k4|--model mlp --dataset mnist --degree 4 --degrees 4,8,16 --seeds 5 --epochs 5"
  "mlp-mnist-k8|--model mlp --dataset mnist --degree 8 --seeds 5 --epochs 5"
  "mlp-fashion-k4|--model mlp --dataset fashion --degree 4 --degrees 4,8,16 --seeds 5 --epochs 5"
  "mlp-fashion-k8|--model mlp --dataset fashion --degree 8 --seeds 5 --epochs 5"
  "cnn-mnist-k4|--model cnn --dataset mnist --limit-train 10000 --degree 4 --degrees 4,8,16 --seeds 3 --epochs 4"
  "cnn-mnist-k8|--model cnn --dataset mnist --limit-train 10000 --degree 8 --seeds 3 --epochs 4"
  "cnn-fashion-k4|--model cnn --dataset fashion --limit-train 10000 --degree 4 --degrees 4,8,16 --seeds 3 --epochs 4"
  "cnn-fashion-k8|--model cnn --dataset fashion --limit-train 10000 --degree 8 --seeds 3 --epochs 4"
  # Depth sweeps (docs/RESULTS.md "Depth"): L masked 128-wide layers, the quick sets, into <name>/depth-L/.
  "depth-mlp-mnist|--model mlp --dataset mnist-quick --hidden 128 --depths 2,4,8,16 --degree 4 --baselines dense,random-regular --seeds 16 --epochs 5"
  # Residual stacks need normalisation here: without it, SGD at lr 0.05 diverges from L = 8 on.
  "depth-mlp-mnist-residual|--model mlp --dataset mnist-quick --hidden 128 --depths 2,4,8,16 --residual --norm --degree 4 --baselines dense,random-regular --seeds 8 --epochs 5"
  "depth-mlp-fashion|--model mlp --dataset fashion-quick --hidden 128 --depths 2,4,8,16 --degree 4 --baselines dense,random-regular --seeds 16 --epochs 5"
)

for s in "${SWEEPS[@]}"; do
  name=${s%%|*}
  flags=${s#*|}
  [[ -n $filter && $name != *"$filter"* ]] && continue
  echo "== $name: rgp sweep $flags --nodes 64 --graphs 6 --out $OUT/$name" >&2
  # shellcheck disable=SC2086
  "$RGP" sweep $flags --nodes 64 --graphs 6 --out "$OUT/$name" > /dev/null
done
