#!/usr/bin/env bash
# Builds the npm package in pkg/: release wasm, wasm-bindgen (--target web), wasm-opt (size passes), then
# scripts/package.mjs lays out the entry points (browser ESM, Node ESM, Node CommonJS, React),
# their declarations and package.json. Prints the raw and gzipped size of the .wasm.
# A second build with the `audience` feature (simulate, generate) goes to pkg/audience/, the
# `upgrade-prompts/audience` entry, so the runtime .wasm does not grow; it has its own target
# directory so that neither build invalidates the other.
set -euo pipefail
cd "$(dirname "$0")/.."

name=upgrade_prompts
audience=upgrade_prompts_audience
# scripts/wasm-cargo.sh picks the toolchain (the lean nightly build where it exists).
# The Node entries load a third build, compiled for speed (package size does not reach a page).
runtime_wasm=$(scripts/wasm-cargo.sh)
audience_wasm=$(scripts/wasm-cargo.sh --features audience,compiled --target-dir target/audience)
node_wasm=$(scripts/wasm-cargo.sh --speed --features compiled --target-dir target/speed)
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name "$name" "$runtime_wasm"
wasm-bindgen --target web --out-dir pkg --out-name "${name}_node" "$node_wasm"
wasm-bindgen --target web --out-dir pkg/audience --out-name "$audience" "$audience_wasm"
# `size_passes` and `optimize FILE PASSES...` (wasm-opt with the feature flags, stripped).
# shellcheck source=scripts/wasm-opt.sh
source scripts/wasm-opt.sh
raw=$(stat -c %s "pkg/${name}_bg.wasm")
raw_audience=$(stat -c %s "pkg/audience/${audience}_bg.wasm")
# shellcheck disable=SC2086 # (the passes are words)
optimize "pkg/${name}_bg.wasm" $size_passes
# shellcheck disable=SC2086
optimize "pkg/audience/${audience}_bg.wasm" $size_passes
optimize "pkg/${name}_node_bg.wasm" -O3
echo "pkg/${name}_node_bg.wasm (the Node entries' speed build, inlined into wasm-inline.cjs): $(stat -c %s "pkg/${name}_node_bg.wasm") bytes after wasm-opt -O3"
node scripts/package.mjs
for f in "pkg/${name}_bg.wasm:$raw" "pkg/audience/${audience}_bg.wasm:$raw_audience"; do
  file=${f%%:*}
  opt=$(stat -c %s "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  echo "$file: ${f##*:} bytes after wasm-bindgen, ${opt} after wasm-opt ($size_passes), ${gz} gzipped ($(cat build/wasm-build.txt) build)"
done
