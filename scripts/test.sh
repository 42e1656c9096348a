#!/usr/bin/env bash
# Runs every test: native Rust tests (graph core, mapping, training on the CPU and, where an
# adapter exists, wgpu), the wasm builds, and the end-to-end suite in headless Chromium.
#   scripts/test.sh          everything (what CI runs)
#   scripts/test.sh quick    the edit-test loop: format, the library's unit tests, the link tests
#                            and a smoke end-to-end run on the dist/ already built (scripts/serve.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Each step says when it starts, in minutes since the start (CI must stay well under 90), and the
# run ends with a table of each step's time.
T0=$(date +%s)
STEPS=()
LAST=$T0
step() {
  local now
  now=$(date +%s)
  [ ${#STEPS[@]} -gt 0 ] && STEPS[-1]="${STEPS[-1]}|$((now - LAST))"
  LAST=$now
  STEPS+=("$*")
  printf '\n== [%d:%02d] %s\n' $(( (now - T0) / 60 )) $(( (now - T0) % 60 )) "$*"
}
step_times() {
  local now
  now=$(date +%s)
  STEPS[-1]="${STEPS[-1]}|$((now - LAST))"
  printf '\n| step | seconds |\n|---|---|\n'
  for s in "${STEPS[@]}"; do printf '| %s | %s |\n' "${s%|*}" "${s##*|}"; done
  printf '| total | %d |\n' $((now - T0))
}

if [ "${1:-}" = "quick" ]; then
  step "format"
  cargo fmt --check
  step "library unit tests (default features)"
  cargo test --release --lib
  step "link parser and links of earlier versions"
  node --test tests/url-state.fuzz.mjs tests/links.test.mjs tests/embed-policy.test.mjs
  [ -f dist/index.html ] || { echo "error: dist/ is not built; run scripts/serve.sh (or scripts/build-web.sh) first" >&2; exit 2; }
  step "end-to-end smoke (headless Chromium, the dist/ already built)"
  node tests/e2e/run.mjs 'loads with no console errors|copied link opened|pretrained start shows'
  step_times
  exit 0
fi

step "setup"
scripts/setup.sh --test

step "format"
cargo fmt --check

step "code shape: files, JavaScript and Rust functions within their size; deploy files as generated; the crate's layers"
node --test tests/code-shape.test.mjs tests/deploy-config.test.mjs tests/layers.test.mjs tests/protocols.test.mjs

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

step "link parser: fuzzed with fast-check, links of earlier versions (Node, the app's engine), the embed's keys"
node --test tests/url-state.fuzz.mjs tests/links.test.mjs tests/embed-policy.test.mjs

step "end-to-end (headless Chromium)"
node tests/e2e/run.mjs

step "all tests passed"
step_times
