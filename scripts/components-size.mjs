// The bytes the drop-in React components add to a page (gzip -9): the shipped module
// (pkg/react-ui.js) and stylesheet (pkg/styles.css) as they are, and the components minified by
// esbuild without React, the engine or the hooks of react.js (what a bundler adds for them).
// Printed by scripts/runtime-size.sh (`make bench`); the ceilings are in tests/js/size.test.mjs.
//   node scripts/components-size.mjs [pkg-dir]
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildSync } from "esbuild";

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** `{ module, minified, styles }`: gzipped bytes of the components in `pkgDir`. */
export function componentSizes(pkgDir) {
  const source = join(pkgDir, "react-ui.js");
  const built = buildSync({
    entryPoints: [source],
    bundle: true,
    write: false,
    minify: true,
    format: "esm",
    target: "es2020",
    external: ["react", "react-dom", "upgrade-prompts", "upgrade-prompts/*", "./react.js"],
    logLevel: "error",
  });
  return {
    module: gz(readFileSync(source)),
    minified: gz(built.outputFiles[0].contents),
    styles: gz(readFileSync(join(pkgDir, "styles.css"))),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(import.meta.url), "../..");
  const s = componentSizes(resolve(process.argv[2] ?? join(root, "pkg")));
  console.log(`\nReact components (gzip -9): react-ui.js ${s.module} B as shipped, ${s.minified} B minified (without React and the hooks); styles.css ${s.styles} B`);
  // The playground's own bundles (not in the package): what the designer's page loads besides
  // the authoring entry.
  const www = join(root, "www", "build");
  const kb = (file) => `${(gz(readFileSync(join(www, file))) / 1024).toFixed(1)} KB`;
  console.log(`Playground bundles (gzip -9): the catalog editor (CodeMirror 6) ${kb("editor.js")}, the preview's components with React ${kb("preview-ui.js")}`);
}
