#!/usr/bin/env bash
# Fuzzes every parser of outside data (targets in fuzz/fuzz_targets/) with cargo fuzz (libFuzzer)
# on the stable toolchain, and prints one line per target: executions, crashes, corpus size.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     each target for SECONDS (default 30)
#   RUNS=N scripts/fuzz.sh 0 [TARGET...]      each target for N executions instead
#   FUZZ_JOBS=2 scripts/fuzz.sh ...           two targets at a time (one per core)
# The committed seeds (fuzz/corpus/TARGET) are read, never written; what the fuzzer adds goes to
# fuzz/corpus-run/TARGET (not committed). A crash leaves its input in fuzz/artifacts/TARGET/ and
# makes the script fail; it then belongs in a regression test in tests/ (docs/RELIABILITY.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECS=${1:-30}
[ $# -gt 0 ] && shift
ALL=(import_json import_csv import_npy idx digits_csv graph_config model_file model_file_expected sweep_results sweep_graphs sweep_config npy_matrix train_request checkpoint sweep_graphs_request table_csv image_set onnx_model saved_net)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
JOBS=${FUZZ_JOBS:-1}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "error: cargo fuzz is missing; run scripts/setup.sh --test" >&2
  exit 1
fi

cd fuzz
# Its own target folder (FUZZ_TARGET_DIR overrides): instrumented builds share nothing with others.
FUZZ_TARGET=${FUZZ_TARGET_DIR:-target}
# The fuzz crate follows the main crate's dependency versions: its lock file starts as a copy of
# the main one (cargo then adds libfuzzer-sys and drops what the fuzz build does not use).
[ Cargo.lock -nt ../Cargo.lock ] || cp ../Cargo.lock Cargo.lock
# -s none: no sanitizer, which is what lets stable Rust build it (Rust code is memory-safe; what
# we look for are panics, overflows, hangs and runaway allocations). -a: debug assertions and
# overflow checks on, so an arithmetic overflow is a crash too. Built once, then every target
# runs the same binaries (a rebuild between targets would mix versions of the code).
mkdir -p artifacts
cargo fuzz build -s none -a --release --target-dir "$FUZZ_TARGET" >artifacts/build.log 2>&1 || {
  cat artifacts/build.log >&2
  exit 1
}
BIN=$FUZZ_TARGET/$(rustc -vV | awk '/^host:/ {print $2}')/release

if [ -n "${RUNS:-}" ]; then LIMIT=(-runs="$RUNS"); else LIMIT=(-max_total_time="$SECS"); fi

fuzz_one() { # target → artifacts/TARGET.result: executions exec/s crashes corpus
  local t=$1 log="artifacts/$1.log" before t0 secs execs crashes corpus
  mkdir -p "corpus-run/$t" "artifacts/$t"
  before=$(find "artifacts/$t" -type f | wc -l)
  t0=$(date +%s)
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: a runaway allocation is a crash.
  "$BIN/$t" -artifact_prefix="artifacts/$t/" "${LIMIT[@]}" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 "corpus-run/$t" "corpus/$t" >"$log" 2>&1 || true
  secs=$(($(date +%s) - t0))
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n1)
  crashes=$(($(find "artifacts/$t" -type f | wc -l) - before))
  corpus=$(find "corpus-run/$t" -type f | wc -l)
  echo "${execs:-?} $((${execs:-0} / (secs > 0 ? secs : 1))) $crashes $corpus" >"artifacts/$t.result"
}

for t in "${TARGETS[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  fuzz_one "$t" &
done
wait

printf '%-14s %12s %8s %8s %8s\n' target executions exec/s crashes corpus
failed=0
for t in "${TARGETS[@]}"; do
  read -r execs rate crashes corpus <"artifacts/$t.result"
  printf '%-14s %12s %8s %8s %8s\n' "$t" "$execs" "$rate" "$crashes" "$corpus"
  if [ "$crashes" != 0 ] || [ "$execs" = "?" ]; then
    failed=1
    grep -m3 -E "panicked|ERROR|SUMMARY" "artifacts/$t.log" | sed 's/^/    /' >&2 || true
  fi
done
exit $failed
