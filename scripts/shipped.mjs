// The files a page loads from the package's browser entry, with their gzip -9 sizes: the
// .wasm, the JS glue, and the glue's snippet modules (the bindings' own JavaScript, which
// wasm-bindgen writes to pkg/snippets/ and the glue imports). Used by the size test, the peer
// benchmark and the size report, so all three count the same bytes.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** `[{ file, bytes, gzip }]` for pkg/<name>_bg.wasm, pkg/<name>.js and pkg/snippets/**.js. */
export function shippedFiles(root, name = "upgrade_prompts") {
  const pkg = path.join(root, "pkg");
  const files = [`${name}_bg.wasm`, `${name}.js`];
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(pkg, dir)).sort()) {
      const rel = path.join(dir, entry);
      if (statSync(path.join(pkg, rel)).isDirectory()) walk(rel);
      else if (entry.endsWith(".js")) files.push(rel);
    }
  };
  if (existsSync(path.join(pkg, "snippets"))) walk("snippets");
  return files.map((file) => {
    const data = readFileSync(path.join(pkg, file));
    return { file, bytes: data.length, gzip: gzipSync(data, { level: 9 }).length };
  });
}
