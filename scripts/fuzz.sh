#!/usr/bin/env bash
# Fuzzes every parser of outside data (targets in fuzz/fuzz_targets/) with cargo fuzz (libFuzzer)
# on the stable toolchain, and prints one line per target: executions, crashes, corpus size.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     each target for SECONDS (default 30)
#   RUNS=N scripts/fuzz.sh 0 [TARGET...]      each target for N executions instead
# The committed seeds (fuzz/corpus/TARGET) are read, never written; what the fuzzer adds goes to
# fuzz/corpus-run/TARGET (not committed). A crash leaves its input in fuzz/artifacts/TARGET/ and
# makes the script fail; it then belongs in a regression test in tests/ (README, "Reliability").
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SECS=${1:-30}
[ $# -gt 0 ] && shift
ALL=(import_json import_csv import_npy idx digits_csv graph_config)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "error: cargo fuzz is missing; run scripts/setup.sh --fuzz" >&2
  exit 1
fi

cd fuzz
# The fuzz crate follows the main crate's dependency versions: its lock file starts as a copy of
# the main one (cargo then adds libfuzzer-sys and drops what the fuzz build does not use).
[ Cargo.lock -nt ../Cargo.lock ] || cp ../Cargo.lock Cargo.lock
# -s none: no sanitizer, which is what lets stable Rust build it (Rust code is memory-safe; what
# we look for are panics, overflows, hangs and runaway allocations). -a: debug assertions and
# overflow checks on, so an arithmetic overflow is a crash too.
FLAGS=(-s none -a --release)
mkdir -p artifacts
cargo fuzz build "${FLAGS[@]}" >artifacts/build.log 2>&1 || {
  cat artifacts/build.log >&2
  exit 1
}

if [ -n "${RUNS:-}" ]; then LIMIT=(-runs="$RUNS"); else LIMIT=(-max_total_time="$SECS"); fi
printf '%-14s %12s %8s %8s %8s\n' target executions exec/s crashes corpus
failed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus-run/$t" "artifacts/$t"
  before=$(find "artifacts/$t" -type f | wc -l)
  log="artifacts/$t.log"
  t0=$(date +%s)
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: a runaway allocation is a crash.
  if ! cargo fuzz run "${FLAGS[@]}" "$t" "corpus-run/$t" "corpus/$t" -- "${LIMIT[@]}" \
    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1; then
    failed=1
  fi
  secs=$(($(date +%s) - t0))
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n1)
  crashes=$(($(find "artifacts/$t" -type f | wc -l) - before))
  corpus=$(find "corpus-run/$t" -type f | wc -l)
  printf '%-14s %12s %8s %8s %8s\n' "$t" "${execs:-?}" "$((${execs:-0} / (secs > 0 ? secs : 1)))" \
    "$crashes" "$corpus"
  if [ "$crashes" -gt 0 ] || [ -z "$execs" ]; then
    failed=1
    grep -m3 -E "panicked|ERROR|SUMMARY" "$log" | sed 's/^/    /' >&2 || true
  fi
done
exit $failed
