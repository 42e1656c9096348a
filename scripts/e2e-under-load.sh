#!/usr/bin/env bash
# The end-to-end suite N times in a row while another process keeps every core busy: the check
# that no test reads the page before it has written (a race shows on a busy machine first).
#   scripts/e2e-under-load.sh [runs=5] [load command]
# The load defaults to one busy loop per core; pass e.g. 'cargo build --release' to use a build.
# Needs dist/ (scripts/build-web.sh) and a full rgp in $RGP_BIN (scripts/test.sh builds one).
# Prints one line per run and ends with the count of failed runs (exit 1 if any).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
load=${2:-}
: "${RGP_BIN:?set RGP_BIN to a full rgp binary (with training), e.g. target/release/rgp}"
# A private copy: a build running beside this check may replace the binary it points to.
bin=$(mktemp -d)/rgp
cp "$RGP_BIN" "$bin"
export RGP_BIN=$bin

pids=()
stop_load() { for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done; }
trap stop_load EXIT
if [ -n "$load" ]; then
  setsid bash -c "$load" >/dev/null 2>&1 &
  pids+=($!)
else
  for _ in $(seq "$(nproc)"); do
    setsid bash -c 'while :; do :; done' &
    pids+=($!)
  done
fi

failed=0
logs=$(mktemp -d)
for i in $(seq "$runs"); do
  t0=$(date +%s)
  if node tests/e2e/run.mjs >"$logs/run$i.log" 2>&1; then verdict=passed; else verdict=FAILED; failed=$((failed + 1)); fi
  echo "run $i/$runs: $verdict in $(($(date +%s) - t0)) s — $(tail -n 1 "$logs/run$i.log") (log: $logs/run$i.log)"
  grep '^FAIL' "$logs/run$i.log" || true
done
echo "under load ($(if [ -n "$load" ]; then echo "$load"; else echo "$(nproc) busy loops"; fi)): $failed of $runs runs failed"
[ "$failed" -eq 0 ]
