#!/bin/sh
# Builds the graph core for wasm32 and checks, under Node, that every seeded configuration in
# tests/graph_fingerprints.rs gives the same graph (fingerprint and ASPL) as on x86_64.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/../../target}
cargo build --quiet --release --target wasm32-unknown-unknown \
  --manifest-path "$here/Cargo.toml" --target-dir "$target"
node "$here/check.mjs" "$target/wasm32-unknown-unknown/release/rgp_wasm_fingerprints.wasm"
