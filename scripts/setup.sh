#!/usr/bin/env bash
# Installs whatever this checkout needs and is missing. Idempotent; safe to run on every build.
#   scripts/setup.sh          build tools: wasm32 target, wasm-bindgen-cli (the version pinned in
#                             Cargo.lock), npm packages, datasets
#   scripts/setup.sh --test   also what the tests need: Debian's chromium, mesa's Vulkan drivers,
#                             nginx with the brotli_static module (the deploy smoke test),
#                             cargo-fuzz, python/requirements.txt
set -euo pipefail
cd "$(dirname "$0")/.."

have() { command -v "$1" >/dev/null 2>&1; }
export PATH="$HOME/.cargo/bin:$PATH"

apt_install() { # packages...
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

have cargo || { echo "error: cargo not found; install Rust with rustup first" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
[ -f Cargo.lock ] || cargo generate-lockfile
WB=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
bindgen_pid=""
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB" ]; then
  echo "setup: cargo install wasm-bindgen-cli $WB (beside npm and the datasets)"
  # --locked first (the tool's own lock file); if a crate it pins is missing from the registry,
  # resolve afresh within the same wasm-bindgen-cli version. Opt-level 1: it compiles in about
  # half the time and still processes the largest module in seconds.
  (
    export CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false
    cargo install -q wasm-bindgen-cli --version "$WB" --locked ||
      cargo install -q wasm-bindgen-cli --version "$WB"
  ) &
  bindgen_pid=$!
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi

scripts/fetch-data.sh
if [ -n "$bindgen_pid" ]; then
  wait "$bindgen_pid" || { echo "error: wasm-bindgen-cli $WB did not install" >&2; exit 1; }
fi

# The lowest Chromium the end-to-end suite supports: the offline test needs a browser whose
# navigator.onLine follows playwright's setOffline (148 kept it true; 156 passes).
MIN_CHROMIUM=156

if [ "${1:-}" = "--test" ]; then
  apt_install chromium mesa-vulkan-drivers
  # The deploy smoke test runs its own nginx on dist/ (tests/e2e/deploy.spec.mjs); the package's
  # own service is not needed (where it started, it keeps to its default site).
  apt_install nginx libnginx-mod-http-brotli-static
  have_chromium=$(chromium --version 2>/dev/null | sed -nE 's/^Chromium ([0-9]+)\..*/\1/p' || true)
  if [ "${have_chromium:-0}" -lt "$MIN_CHROMIUM" ]; then
    echo "setup: chromium ${have_chromium:-?} is older than $MIN_CHROMIUM; upgrading"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --only-upgrade chromium >/dev/null
    have_chromium=$(chromium --version 2>/dev/null | sed -nE 's/^Chromium ([0-9]+)\..*/\1/p' || true)
    if [ "${have_chromium:-0}" -lt "$MIN_CHROMIUM" ]; then
      echo "error: the end-to-end tests need Chromium $MIN_CHROMIUM or later; Debian's package gives ${have_chromium:-none}" >&2
      exit 1
    fi
  fi
  # The fuzz targets (fuzz/, scripts/fuzz.sh): cargo fuzz runs them on the stable toolchain.
  CARGO_FUZZ=0.13.2
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ" ]; then
    echo "setup: cargo install cargo-fuzz $CARGO_FUZZ"
    cargo install cargo-fuzz --version "$CARGO_FUZZ" --locked
  fi
  # Model-file interop tests (tests/model_interop.sh, the model round trip end to end): numpy,
  # safetensors, ONNX Runtime and onnx (the importer's test networks are built with it), in a virtual environment of their own (Debian's python3 refuses
  # pip installs, PEP 668); the tests find it there (or use RGP_PYTHON).
  VENV=${RGP_VENV:-$HOME/.cache/rgp-studio/venv}
  if ! "$VENV/bin/python3" -c "import numpy, safetensors, onnxruntime, onnx" 2>/dev/null; then
    apt_install python3-venv
    echo "setup: python3 -m venv $VENV; pip install -r python/requirements.txt"
    [ -x "$VENV/bin/python3" ] || python3 -m venv "$VENV"
    "$VENV/bin/python3" -m pip install -q -r python/requirements.txt
  fi
  # Classic networks in ONNX for the importer's tests (VGG-19, ResNet-50, SqueezeNet 1.1, from the
  # onnx wheel on PyPI; cached in data/zoo/).
  scripts/fetch-zoo-models.sh
fi
echo "setup: ready"
