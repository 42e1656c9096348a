#!/usr/bin/env bash
# Runs every test: native Rust tests (graph core, mapping, training on the CPU and, where an
# adapter exists, wgpu), the wasm builds, and the end-to-end suite in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Each step says when it starts, in minutes since the start (CI must stay well under 90).
T0=$(date +%s)
step() { printf '\n== [%d:%02d] %s\n' $(( ($(date +%s) - T0) / 60 )) $(( ($(date +%s) - T0) % 60 )) "$*"; }

step "setup"
scripts/setup.sh --test

step "format"
cargo fmt --check

step "code shape: files, JavaScript and Rust functions within their size"
node --test tests/code-shape.test.mjs

step "graph core (no training dependencies)"
cargo test --release --no-default-features --features cli

step "same graphs on wasm32 as on x86_64 (pinned fingerprints, under Node)"
tests/wasm-fingerprints/run.sh

step "fuzz every parser of outside data, 30 s per target (cargo fuzz, two at a time)"
FUZZ_JOBS=2 scripts/fuzz.sh 30

step "graph wasm bindings (native unit tests)"
cargo test --release --no-default-features --features web-graph --lib web::

step "all native tests"
cargo test --release

# Later steps use the CLI the native tests built (same features; a plain cargo build would not be).
export RGP_BIN=${CARGO_TARGET_DIR:-target}/release/rgp

step "model files in numpy and ONNX Runtime (tests/model_interop.sh)"
tests/model_interop.sh

step "wasm modules and front end"
scripts/build-web.sh

step "link parser: fuzzed with fast-check, and links of earlier versions (Node, the app's engine)"
node --test tests/url-state.fuzz.mjs tests/links.test.mjs

step "end-to-end (headless Chromium)"
node tests/e2e/run.mjs

step "all tests passed"
