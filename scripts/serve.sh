#!/usr/bin/env bash
# Installs what is missing, builds the app and serves it on http://127.0.0.1:8080 (PORT=... to
# change). The page is served as soon as it can work: the graph module, the CPU training module and
# the front end first; the WebGPU training module (the longest build, and useless on a machine
# without a GPU) is built afterwards, beside the served folder, which is then swapped in; the
# script says when, and a reload then offers WebGPU. RGP_SERVE_WEBGPU=0 skips that second build.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8080}
scripts/setup.sh
RGP_WEBGPU_MODULE=building TRAIN_MODULES=cpu scripts/build-web.sh
node scripts/serve.mjs dist "$PORT" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT INT TERM
if [ "${RGP_SERVE_WEBGPU:-1}" = "0" ]; then
  wait "$server"
  exit
fi
log=${WEB_TARGET_DIR:-target/web}/webgpu-build.log
mkdir -p "$(dirname "$log")"
echo "== serve: the app is served at http://127.0.0.1:$PORT (training on the CPU); building the WebGPU module now (log: $log)"
if TRAIN_MODULES=gpu RGP_DIST=dist.next scripts/build-web.sh >"$log" 2>&1; then
  # Two renames: the server resolves every request afresh, so the next one reads the new build.
  rm -rf dist.old
  mv dist dist.old && mv dist.next dist && rm -rf dist.old
  echo "== serve: the WebGPU module is ready: reload the page to use it"
else
  echo "== serve: the WebGPU module failed to build (see $log); the app keeps training on the CPU"
fi
wait "$server"
