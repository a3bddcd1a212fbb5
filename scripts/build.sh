#!/usr/bin/env bash
# Builds the npm package in pkg/: release wasm, wasm-bindgen (--target web), wasm-opt -Oz,
# a Node entry point and package.json. Prints the raw and gzipped size of the .wasm.
set -euo pipefail
cd "$(dirname "$0")/.."

name=upgrade_prompts
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
cargo build --release --lib --target wasm32-unknown-unknown --quiet
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name "$name" \
  "target/wasm32-unknown-unknown/release/$name.wasm"
raw=$(stat -c %s "pkg/${name}_bg.wasm")
node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  --strip-debug --strip-producers "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"

# A handle must not be freed while one of its own calls is running (a getter of a context can
# run host code in the middle of a call): count the calls in flight and refuse \`free()\` then.
cat >> "pkg/${name}.js" <<'JS'

// Calls in flight; `free()` during one of them could release memory still in use, so it is
// refused until they return (any handle's: a getter cannot tell which engine it runs under).
let callsInFlight = 0;
for (const C of [PromptEngine, PromptSession]) {
  const proto = C.prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if (key === "constructor" || key === "free" || typeof d.value !== "function") continue;
    const call = d.value;
    Object.defineProperty(proto, key, { ...d, value: function (a, b) {
      callsInFlight += 1;
      try { return call.call(this, a, b); } finally { callsInFlight -= 1; }
    } });
  }
  const free = proto.free;
  Object.defineProperty(proto, "free", { configurable: true, writable: true, value: function () {
    if (callsInFlight > 0) throw new Error("cannot free an engine from inside one of its calls; free it after the call returns");
    return free.call(this);
  } });
  if (Symbol.dispose) proto[Symbol.dispose] = proto.free;
}
JS

cat > pkg/node.js <<JS
// Node entry: loads the wasm synchronously from the package folder, so \`await init()\` is
// optional and no fetch of a file: URL is needed.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { initSync } from "./${name}.js";
export * from "./${name}.js";
// A file path, not a URL object: bundlers that rewrite \`new URL(…, import.meta.url)\` (Next.js)
// hand readFileSync something it cannot read otherwise.
initSync({ module: readFileSync(fileURLToPath(new URL("./${name}_bg.wasm", import.meta.url))) });
export default async function init() {}
JS
cp README.md pkg/README.md
cat > pkg/package.json <<JSON
{
  "name": "upgrade-prompts",
  "version": "$version",
  "description": "Decide on the client when to show upgrade, cross-sell, seat, trial and right-sizing prompts",
  "license": "MIT",
  "engines": { "node": ">=18" },
  "type": "module",
  "main": "./${name}.js",
  "module": "./${name}.js",
  "types": "./${name}.d.ts",
  "exports": {
    ".": {
      "types": "./${name}.d.ts",
      "node": "./node.js",
      "default": "./${name}.js"
    },
    "./${name}_bg.wasm": "./${name}_bg.wasm"
  },
  "files": ["${name}.js", "${name}.d.ts", "${name}_bg.wasm", "${name}_bg.wasm.d.ts", "node.js", "snippets", "README.md"],
  "sideEffects": ["./node.js", "./snippets/*"]
}
JSON
opt=$(stat -c %s "pkg/${name}_bg.wasm")
gz=$(gzip -9 -c "pkg/${name}_bg.wasm" | wc -c)
echo "pkg/${name}_bg.wasm: ${raw} bytes after wasm-bindgen, ${opt} after wasm-opt -Oz, ${gz} gzipped"
