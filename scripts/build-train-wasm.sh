#!/usr/bin/env bash
# Builds the training wasm modules for webpack (loaded lazily by the training worker):
#   pkg/train-cpu/  feature web-train-cpu: Burn's flex CPU backend only (`import 'rgp-train-cpu'`),
#                   what every visitor fetches first;
#   pkg/train/      feature web-train: Burn with wgpu/WebGPU (and flex), fetched only when an
#                   adapter that is not a software fallback may beat the CPU (`import 'rgp-train'`).
# Each: cargo (wasm32, simd128: flex's matrix kernels use it) → wasm-bindgen --target bundler at
# the exact version in Cargo.lock → wasm-opt from npm `binaryen` (Debian's wasm-opt 108 produces a
# module that fails at start-up; without wasm-opt, Burn 0.22 runs about 5x slower per step).
#
# Knobs (for size experiments; docs/BENCHMARKS.md, "Training benchmarks", has the measurements):
#   TRAIN_MODULES="cpu gpu"   which modules to build
#   TRAIN_OUT_PREFIX=pkg/train  output folders are <prefix>-cpu and <prefix>
#   GPU_OPT_LEVEL / CPU_OPT_LEVEL   cargo opt-level of the whole build (3 / 3)
#   GPU_WASM_OPT / CPU_WASM_OPT     wasm-opt level flags (-O2 / -O2)
# Cargo builds go to target/web (WEB_TARGET_DIR overrides), with the profile settings of the
# graph module's build so the shared dependencies are compiled once.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ROOT=$PWD
TARGET_DIR=${WEB_TARGET_DIR:-$ROOT/target/web}
PREFIX=${TRAIN_OUT_PREFIX:-pkg/train}
step() { printf '== build-train-wasm: %s\n' "$*"; }

source scripts/wasm-common.sh
require_wasm_bindgen
if [ ! -x node_modules/.bin/wasm-opt ]; then
  echo "error: node_modules/.bin/wasm-opt (npm binaryen) is missing; run scripts/setup.sh" >&2
  exit 1
fi

# build <feature> <out dir> <opt-level> <wasm-opt flags...>
build() {
  local feature=$1 out=$2 level=$3
  shift 3
  step "$out: cargo (wasm32, feature $feature, opt-level $level)"
  local t0
  t0=$(date +%s)
  cargo_wasm "$feature" "$level"
  step "$out: cargo took $(( $(date +%s) - t0 )) s"

  rm -rf "$out.tmp"
  bindgen "$out.tmp"

  # wasm-opt takes minutes; skip it when its input and flags are those of the module already there.
  local key
  key=$( (cat "$out.tmp"/rgp_bg.wasm "$out.tmp"/rgp_bg.js; echo "$*") | sha256sum | cut -c1-64)
  if [ -f "$out/rgp_bg.wasm" ] && [ "$(cat "$out/.input-sha256" 2>/dev/null)" = "$key" ]; then
    rm -rf "$out.tmp"
    step "$out: unchanged since the last build, wasm-opt skipped"
    return
  fi
  # WASM_OPT_CACHE (a folder; CI keeps one between runs): outputs by the hash of their input.
  local cached=${WASM_OPT_CACHE:+$WASM_OPT_CACHE/$key.wasm}
  if [ -n "$cached" ] && [ -f "$cached" ]; then
    cp "$cached" "$out.tmp/rgp_bg.wasm"
    step "$out: wasm-opt output for this exact input found in $WASM_OPT_CACHE"
    finish "$out" "$key"
    return
  fi

  step "$out: wasm-opt $* (npm binaryen)"
  t0=$(date +%s)
  node_modules/.bin/wasm-opt "$@" --strip-debug --enable-bulk-memory --enable-reference-types \
    --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-simd \
    "$out.tmp/rgp_bg.wasm" -o "$out.tmp/rgp_bg.opt.wasm"
  mv "$out.tmp/rgp_bg.opt.wasm" "$out.tmp/rgp_bg.wasm"
  step "$out: wasm-opt took $(( $(date +%s) - t0 )) s"
  if [ -n "$cached" ]; then
    mkdir -p "$WASM_OPT_CACHE" && cp "$out.tmp/rgp_bg.wasm" "$cached.part" && mv "$cached.part" "$cached"
  fi
  finish "$out" "$key"
}

# finish <out dir> <input key>: moves the finished module from <out>.tmp into place.
finish() {
  local out=$1
  # webpack must read the generated glue as an ES module.
  echo '{ "type": "module" }' > "$out.tmp/package.json"
  echo "$2" > "$out.tmp/.input-sha256"
  rm -rf "$out" && mv "$out.tmp" "$out"
  # Raw size only: build-web.sh's pre-compression step reports the brotli and gzip sizes (computing
  # them here too cost 11 s of a cold serve.sh).
  printf '== build-train-wasm: %s  %d bytes\n' "$out/rgp_bg.wasm" "$(wc -c < "$out/rgp_bg.wasm")"
}

for m in ${TRAIN_MODULES:-cpu gpu}; do
  case $m in
    cpu) build web-train-cpu "$PREFIX-cpu" "${CPU_OPT_LEVEL:-3}" ${CPU_WASM_OPT:--O2} ;;
    gpu) build web-train "$PREFIX" "${GPU_OPT_LEVEL:-3}" ${GPU_WASM_OPT:--O2} ;;
    *) echo "error: unknown training module '$m' (expected cpu or gpu)" >&2; exit 2 ;;
  esac
done
