// Bundles the playground's third-party parts (React for the preview's components, the catalog
// editor) into www/build/, so the page loads nothing from outside the repository and needs no
// bundler of its own. `upgrade-prompts` stays external: the page's import map points it at the
// built package. Run by scripts/build.sh after the package is assembled.
import { build } from "esbuild";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Each entry: the source under www/src/ and the bundle written to www/build/. */
const ENTRIES = [
  // The preview's callouts and meters: React, react-dom and the package's components (from js/,
  // so that the bundle follows the code).
  "preview-ui.js",
  // The catalog editor and the rule form's `when` field (CodeMirror 6).
  "editor.js",
];

await mkdir(join(root, "www/build"), { recursive: true });
for (const entry of ENTRIES) {
  await build({
    entryPoints: [join(root, "www/src", entry)],
    outfile: join(root, "www/build", entry),
    bundle: true,
    format: "esm",
    minify: true,
    legalComments: "external",
    target: "es2022",
    external: ["upgrade-prompts", "upgrade-prompts/*"],
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
}
