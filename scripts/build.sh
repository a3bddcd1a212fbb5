#!/usr/bin/env bash
# Builds the npm package in pkg/: release wasm, wasm-bindgen (--target web), wasm-opt -Oz, then
# scripts/package.mjs lays out the entry points (browser ESM, Node ESM, Node CommonJS, React),
# their declarations and package.json. Prints the raw and gzipped size of the .wasm.
set -euo pipefail
cd "$(dirname "$0")/.."

name=upgrade_prompts
cargo build --release --lib --target wasm32-unknown-unknown --quiet
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name "$name" \
  "target/wasm32-unknown-unknown/release/$name.wasm"
raw=$(stat -c %s "pkg/${name}_bg.wasm")
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
node scripts/package.mjs
opt=$(stat -c %s "pkg/${name}_bg.wasm")
gz=$(gzip -9 -c "pkg/${name}_bg.wasm" | wc -c)
echo "pkg/${name}_bg.wasm: ${raw} bytes after wasm-bindgen, ${opt} after wasm-opt -Oz, ${gz} gzipped"
