#!/usr/bin/env bash
# Installs what is missing, builds the app (graph and training wasm modules, front end) and serves
# it on http://127.0.0.1:8080 (PORT=... to change).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-web.sh
exec node scripts/serve.mjs dist "${PORT:-8080}"
