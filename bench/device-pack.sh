#!/usr/bin/env bash
# Prepares what bench/device-check.sh needs beside the tracked files on a machine that cannot
# install or build (no network, no registry): dist/node (built here) and .device-carry/node_modules,
# the smallest node_modules that runs the GPU unit tests (vitest) and the bench (Dawn).
# Carry both paths: dist and .device-carry. See bench/README.md, "On a machine with a GPU".
#
#   bench/device-pack.sh [--tfjs]    --tfjs adds TensorFlow.js (≈ 70 MiB more: over a 64 MiB carry)
set -euo pipefail
cd "$(dirname "$0")/.."
roots=(vitest webgpu hyparquet-writer)
if [ "${1:-}" = --tfjs ]; then roots+=(@tensorflow/tfjs-core @tensorflow/tfjs-backend-webgpu); fi

npx vite build --mode node >/dev/null

dest=.device-carry/node_modules
rm -rf .device-carry
mkdir -p "$dest"
for pkg in $(node bench/device-modules.mjs "${roots[@]}"); do
  # A nested copy (a/node_modules/b) came along with its parent's folder.
  [[ $pkg == */node_modules/* ]] && continue
  mkdir -p "$dest/$(dirname "$pkg")"
  if [ "$pkg" = webgpu ]; then
    # Dawn ships a binary per platform (≈ 130 MiB in all); the device runs this machine's one.
    platform=$(node -p 'process.platform === "darwin" ? "darwin-universal" : `${process.platform}-${process.arch}`')
    mkdir -p "$dest/webgpu/dist"
    cp -L node_modules/webgpu/{package.json,index.js,types.d.ts,LICENSE.md} "$dest/webgpu/"
    cp -rL "node_modules/webgpu/dist/$platform" "$dest/webgpu/dist/"
  else
    cp -rL "node_modules/$pkg" "$dest/$pkg"
  fi
done
du -sh dist .device-carry
du -sc dist .device-carry | tail -1 | awk '{ printf "carry total: %.1f MiB (limit 64 MiB)\n", $1 / 1024 }'
