#!/bin/sh
# Builds the kernel benchmark for wasm32 (the app's graph-module settings: opt-level 3, fat LTO,
# one codegen unit, +simd128) and for the host (the rgp CLI's release profile), then compares
# them under Node, CPU time, same seeded graphs:
#   bench/wasm-kernel/run.sh [--save DIR] [--runs R] [--scale S] [--only REGEX]
# --save copies the two builds to DIR; bench.mjs can then compare saved builds:
#   node bench/wasm-kernel/bench.mjs [--runs R] [--scale S] [--only REGEX] DIR...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/../../target/wasm-kernel}
save=$(mktemp -d)
if [ "${1:-}" = --save ]; then
  save=$2
  shift 2
fi
CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128" \
  cargo build --quiet --release --target wasm32-unknown-unknown --lib -j2 \
  --manifest-path "$here/Cargo.toml" --target-dir "$target"
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  cargo build --quiet --release --bin native -j2 \
  --manifest-path "$here/Cargo.toml" --target-dir "$target"
mkdir -p "$save"
cp "$target/wasm32-unknown-unknown/release/rgp_wasm_kernel_bench.wasm" "$save/kernel.wasm"
cp "$target/release/native" "$save/native"
exec node "$here/bench.mjs" "$@" "$save"
