#!/usr/bin/env bash
# Builds the browser app into dist/:
#   0. the settings schema as the page's module: rgp-settings-module → www/generated/settings.js
#   1. the graph wasm module (feature web-graph, no Burn) → wasm-bindgen --target bundler → pkg/graph/,
#      the sweep statistics module (feature web-sweep) → pkg/sweep/, and the sweep graphs module
#      (feature web-sweep-graphs) → pkg/sweep-graphs/
#   2. the training wasm module, by scripts/build-train-wasm.sh when it exists (RGP_TRAIN=0 skips it)
#   3. webpack (www/ → dist/), plus index.html (and embed.html from it), the stylesheets and data/
#      (the datasets) → dist/
#   4. the service worker with this build's precache list (scripts/sw-manifest.mjs)
#   5. brotli and gzip siblings of every compressible file (scripts/serve.mjs sends them)
# Cargo builds go to target/web (WEB_TARGET_DIR overrides) so they never wait on other builds.
#   RGP_DIST=dir           writes the app there instead of dist/ (scripts/serve.sh builds beside
#                          the folder it serves, then swaps)
#   RGP_FRONT_END_ONLY=1   steps 3-5 only, from the modules already in pkg/
#   RGP_WEBGPU_MODULE=building   the page trains on the CPU and says the WebGPU module is coming
#                          (webpack.config.js; scripts/serve.sh's first build)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ROOT=$PWD
TARGET_DIR=${WEB_TARGET_DIR:-$ROOT/target/web}
step() { printf '== build-web: %s\n' "$*"; }

DIST=${RGP_DIST:-dist}

if [ "${RGP_FRONT_END_ONLY:-0}" != "1" ]; then
source scripts/wasm-common.sh
require_wasm_bindgen

# Every setting's key, default, range and help, declared once in Rust (src/settings/mod.rs).
# A small native build (no feature, so neither clap nor Burn; debug: it runs once, compiles
# faster) in the default target folder, so it runs beside the wasm builds (their own target
# folder); webpack waits for it.
step "settings schema (rgp-settings-module → www/generated/settings.js), beside the wasm builds"
mkdir -p www/generated
cargo run --quiet --no-default-features --bin rgp-settings-module > www/generated/settings.js.new &
settings_pid=$!

# A small wasm module without Burn: cargo (feature $1) → wasm-bindgen --target bundler → pkg/$2/.
# Settings chosen by measurement (docs/BENCHMARKS.md, "App benchmarks"): opt-level 3 (s/z saved 2% of the gzipped
# graph module but cost up to half the speed); simd128 (the kernel's row ORs vectorise: 1.5x
# faster from 256 nodes, equal below); the panic hook (1 KB gzipped) puts a bug's message on the
# console instead of a bare "unreachable".
small_module() {
  step "$2 module (cargo, wasm32, feature $1)"
  cargo_wasm "$1" "${GRAPH_OPT_LEVEL:-3}" "${GRAPH_RUSTFLAGS:-}"
  step "$2 module (wasm-bindgen $WB)"
  rm -rf "pkg/$2"
  bindgen "pkg/$2"
  # webpack must read the generated glue as an ES module.
  echo '{ "type": "module" }' > "pkg/$2/package.json"
}

# The graph engine (loads first); the sweep panel's statistics and results.csv, and its graphs
# (each loaded with the panel only, so the graph module does not carry them; one module per
# thread that loads it, since webpack emits a module once per thread).
small_module web-graph graph
small_module web-sweep sweep
small_module web-sweep-graphs sweep-graphs

if [ "${RGP_TRAIN:-1}" != "0" ]; then
  if [ -x scripts/build-train-wasm.sh ]; then
    step "training module (scripts/build-train-wasm.sh)"
    scripts/build-train-wasm.sh
  else
    step "training module skipped: scripts/build-train-wasm.sh is not in this checkout"
  fi
fi
fi # RGP_FRONT_END_ONLY

if [ -n "${settings_pid:-}" ]; then
  wait "$settings_pid" || { echo "error: the settings schema did not build" >&2; exit 1; }
  mv www/generated/settings.js.new www/generated/settings.js
fi
step "front end (webpack → $DIST/)"
rm -rf "$DIST"
RGP_DIST=$DIST npx --no-install webpack --mode production
cp index.html www/style.css node_modules/uplot/dist/uPlot.min.css "$DIST/"
# The embed (embed.html): index.html marked data-embed, same bundle (scripts/embed-page.mjs).
node scripts/embed-page.mjs "$DIST"
if [ -d data ]; then
  step "datasets (data/ → dist/data/)"
  mkdir -p "$DIST/data"
  cp -a data/. "$DIST/data/"
fi
if [ -f models/pretrained/manifest.json ]; then
  step "pretrained networks (models/pretrained/ → dist/models/)"
  mkdir -p "$DIST/models"
  cp models/pretrained/*.safetensors models/pretrained/manifest.json "$DIST/models/"
fi

step "service worker (dist/sw.js: build id and precache list)"
node scripts/sw-manifest.mjs "$DIST"

# Brotli (quality 11) and gzip (-9) siblings for the server to send as they are (Content-Encoding).
step "pre-compressed .br/.gz siblings; sizes (bytes, raw / brotli / gzip) of files over 32 KB"
PRECOMPRESS_CACHE=$TARGET_DIR/precompress node scripts/serve.mjs --precompress "$DIST"
echo "== build-web: done → $DIST/ (serve with: node scripts/serve.mjs $DIST 8080)"
