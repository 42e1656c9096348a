#!/usr/bin/env bash
# The model-based test of the page's state at length: more sequences than the test command's 200,
# from a fresh seed each time (printed; STATE_MODEL_SEED=S replays it).
#   bench/state-model.sh [runs]       (default 1000; needs dist/, built by scripts/build-web.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export STATE_MODEL_RUNS="${1:-1000}"
export STATE_MODEL_SEED="${STATE_MODEL_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
echo "state model: seed $STATE_MODEL_SEED, $STATE_MODEL_RUNS sequences"
exec node tests/e2e/run.mjs 'model-based'
