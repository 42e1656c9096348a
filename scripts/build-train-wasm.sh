#!/usr/bin/env bash
# Builds the training wasm module (Burn with its wgpu/WebGPU and flex/CPU backends) into
# pkg/train/ for webpack (`import 'rgp-train'`, loaded lazily by the training worker):
#   1. cargo, wasm32, feature web-train, simd128 on (Burn flex's matrix kernels use it);
#   2. wasm-bindgen --target bundler, at the exact version in Cargo.lock;
#   3. wasm-opt -O2 from npm `binaryen` (Debian's wasm-opt 108 produces a module that fails at
#      start-up; without wasm-opt, Burn 0.22 runs about 5x slower per step).
# Cargo builds go to target/web (WEB_TARGET_DIR overrides), with the profile settings of the
# graph module's build so the shared dependencies are compiled once.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ROOT=$PWD
TARGET_DIR=${WEB_TARGET_DIR:-$ROOT/target/web}
OUT=pkg/train
step() { printf '== build-train-wasm: %s\n' "$*"; }

WB=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
HAVE=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
if [ "$HAVE" != "$WB" ]; then
  echo "error: wasm-bindgen ${HAVE:-(missing)} found, Cargo.lock needs $WB; run scripts/setup.sh" >&2
  exit 1
fi
if [ ! -x node_modules/.bin/wasm-opt ]; then
  echo "error: node_modules/.bin/wasm-opt (npm binaryen) is missing; run scripts/setup.sh" >&2
  exit 1
fi

step "cargo (wasm32, feature web-train)"
t0=$(date +%s)
CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \
CARGO_PROFILE_RELEASE_LTO=fat \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
RUSTFLAGS="-C target-feature=+simd128" \
  cargo build --release --target wasm32-unknown-unknown --no-default-features --features web-train \
  --lib --target-dir "$TARGET_DIR" -j2 --quiet
step "cargo took $(( $(date +%s) - t0 )) s"

step "wasm-bindgen $WB"
rm -rf "$OUT.tmp"
wasm-bindgen --target bundler --remove-name-section --remove-producers-section --out-dir "$OUT.tmp" --out-name rgp \
  "$TARGET_DIR/wasm32-unknown-unknown/release/rgp.wasm"

step "wasm-opt -O2 (npm binaryen)"
t0=$(date +%s)
node_modules/.bin/wasm-opt -O2 --enable-bulk-memory --enable-reference-types --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-simd \
  "$OUT.tmp/rgp_bg.wasm" -o "$OUT.tmp/rgp_bg.opt.wasm"
mv "$OUT.tmp/rgp_bg.opt.wasm" "$OUT.tmp/rgp_bg.wasm"
step "wasm-opt took $(( $(date +%s) - t0 )) s"
# webpack must read the generated glue as an ES module.
echo '{ "type": "module" }' > "$OUT.tmp/package.json"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
printf '== build-train-wasm: %s  %d bytes, %d gzipped\n' "$OUT/rgp_bg.wasm" \
  "$(wc -c < "$OUT/rgp_bg.wasm")" "$(gzip -9 -c "$OUT/rgp_bg.wasm" | wc -c)"
