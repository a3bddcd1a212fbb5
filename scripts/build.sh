#!/usr/bin/env bash
# Builds the npm package in pkg/. Four wasm builds of the crate, each through wasm-bindgen
# (--target web) into build/glue/<build>/ and wasm-opt:
#   runtime   (feature `runtime`, size passes): the browser entry `upgrade-prompts`, which loads
#             compiled catalogs only;
#   authoring (feature `compiled`, size passes): `upgrade-prompts/authoring` for browsers, which
#             also reads configs (the playground, a page that compiles in the browser);
#   node      (feature `node`: `compiled` and a sample to warm with; opt-level 3): every Node
#             entry; size does not reach a page;
#   audience  (features `audience,compiled`, size passes): `upgrade-prompts/audience`.
# Each has its own target directory so that no build invalidates another. Then
# scripts/package.mjs bundles each entry (js/entries/*.js with the public classes of
# js/engine.js over that build's glue) and writes the declarations and package.json. Prints
# the raw and gzipped size of each browser .wasm.
set -euo pipefail
cd "$(dirname "$0")/.."

# scripts/wasm-cargo.sh picks the toolchain (the lean nightly build where it exists).
runtime_wasm=$(scripts/wasm-cargo.sh --features runtime --target-dir target/runtime)
authoring_wasm=$(scripts/wasm-cargo.sh --features compiled)
node_wasm=$(scripts/wasm-cargo.sh --speed --features node --target-dir target/speed)
audience_wasm=$(scripts/wasm-cargo.sh --features audience,compiled --target-dir target/audience)
rm -rf build/glue pkg
wasm-bindgen --target web --out-dir build/glue/runtime --out-name upgrade_prompts "$runtime_wasm"
wasm-bindgen --target web --out-dir build/glue/authoring --out-name upgrade_prompts_authoring "$authoring_wasm"
# The Node entries hand the bytes to `initSync`: their glue names no .wasm file (server
# bundlers such as Next.js would try to resolve one, and the package does not ship it).
wasm-bindgen --target web --omit-default-module-path --out-dir build/glue/node --out-name upgrade_prompts_node "$node_wasm"
wasm-bindgen --target web --out-dir build/glue/audience --out-name upgrade_prompts_audience "$audience_wasm"
# (The audience entry's Node glue, the same without the default .wasm path; its .wasm is the one above.)
wasm-bindgen --target web --omit-default-module-path --out-dir build/glue/audience-node --out-name upgrade_prompts_audience "$audience_wasm"
# `size_passes` and `optimize FILE PASSES...` (wasm-opt with the feature flags, stripped).
# shellcheck source=scripts/wasm-opt.sh
source scripts/wasm-opt.sh
sizes=()
for f in runtime/upgrade_prompts authoring/upgrade_prompts_authoring audience/upgrade_prompts_audience; do
  file="build/glue/${f}_bg.wasm"
  raw=$(stat -c %s "$file")
  # shellcheck disable=SC2086 # (the passes are words)
  optimize "$file" $size_passes
  sizes+=("$file: $raw bytes after wasm-bindgen, $(stat -c %s "$file") after wasm-opt ($size_passes), $(gzip -9 -c "$file" | wc -c) gzipped ($(cat build/wasm-build.txt) build)")
done
optimize build/glue/node/upgrade_prompts_node_bg.wasm -O3
echo "build/glue/node/upgrade_prompts_node_bg.wasm (the Node entries' speed build): $(stat -c %s build/glue/node/upgrade_prompts_node_bg.wasm) bytes after wasm-opt -O3"
node scripts/package.mjs
printf '%s\n' "${sizes[@]}"
node scripts/www-bundles.mjs
