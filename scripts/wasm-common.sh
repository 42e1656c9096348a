# Shared by scripts/build-web.sh and scripts/build-train-wasm.sh (sourced; expects TARGET_DIR).
# One place for the wasm build settings, so every module's dependencies compile once in
# $TARGET_DIR (different RUSTFLAGS or profiles would rebuild them):
# - fat LTO, one codegen unit: smaller and faster than the release profile's defaults;
# - simd128: the graph kernel's row ORs and flex's matrix kernels vectorise with it;
# - panics abort (wasm32's only strategy).

# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock; sets WB.
require_wasm_bindgen() {
  WB=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
  local have
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')
  if [ "$have" != "$WB" ]; then
    echo "error: wasm-bindgen ${have:-(missing)} found, Cargo.lock needs $WB; run scripts/setup.sh" >&2
    exit 1
  fi
}

# cargo_wasm <features> <opt-level> [rustflags]: the crate's cdylib for wasm32 →
# $TARGET_DIR/wasm32-unknown-unknown/release/rgp.wasm
cargo_wasm() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=$2 \
  CARGO_PROFILE_RELEASE_LTO=fat \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  RUSTFLAGS="${3:--C target-feature=+simd128}" \
    cargo build --release --target wasm32-unknown-unknown --no-default-features --features "$1" \
    --lib --target-dir "$TARGET_DIR" -j2 --quiet
}

# bindgen <out dir>: wasm-bindgen --target bundler of the module cargo_wasm built. The name
# section (function names for stack traces) is 13 KB of the gzipped graph module.
bindgen() {
  wasm-bindgen --target bundler --remove-name-section --remove-producers-section --out-dir "$1" --out-name rgp \
    "$TARGET_DIR/wasm32-unknown-unknown/release/rgp.wasm"
}
