#!/bin/sh
# Builds the graph core for wasm32 and checks, under Node, that every seeded configuration in
# tests/core/graph_fingerprints.rs gives the same graph (fingerprint and ASPL) as on x86_64, and that
# the ASPL kernel agrees with a plain BFS on every row width. Twice: plain wasm32, and with
# 128-bit SIMD as scripts/build-web.sh builds the app's module (the kernel has SIMD code).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/../../target}
for simd in off on; do
  dir=$target
  flags=
  if [ $simd = on ]; then
    dir=$target/wasm-simd128
    flags="-C target-feature=+simd128"
  fi
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$flags cargo build --quiet --release \
    --target wasm32-unknown-unknown --manifest-path "$here/Cargo.toml" --target-dir "$dir"
  printf 'simd128 %s: ' $simd
  node "$here/check.mjs" "$dir/wasm32-unknown-unknown/release/rgp_wasm_fingerprints.wasm"
done
