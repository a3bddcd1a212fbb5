// The files a page loads from a browser entry of the package, with their gzip -9 sizes: the
// .wasm and the entry's module (the wasm-bindgen glue bundled with js/engine.js). Used by the
// size test, the peer benchmark and the size report, so all three count the same bytes.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/**
 * `[{ file, bytes, gzip }]` for what a page loads from a browser entry of pkg/: its module
 * (`<name>.js`, one bundled file) and its `.wasm` (`<name>_bg.wasm`). `dir` is the entry's
 * folder in pkg/ ("" for the runtime entry, "authoring" for `upgrade-prompts/authoring`).
 */
export function shippedFiles(root, name = "upgrade_prompts", dir = "") {
  const pkg = path.join(root, "pkg", dir);
  return [`${name}_bg.wasm`, `${name}.js`].map((file) => {
    const data = readFileSync(path.join(pkg, file));
    return { file: path.join(dir, file), bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
  });
}
