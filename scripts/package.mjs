// Lays out pkg/ from the wasm-bindgen output of each build in build/glue/ (see scripts/build.sh):
// each entry is one module bundled by esbuild from js/entries/<entry>.js, whose public classes
// are js/engine.js over that build's glue (imported as `upgrade-prompts-core`); nothing in the
// generated glue is edited. Then the declarations (ts/), the React and OpenFeature bindings,
// the CLI, LICENSE, README and package.json.
//   node scripts/package.mjs            (run by scripts/build.sh)
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const glue = join(root, "build/glue");
const version = /^version = "([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))[1];
const ts = (f) => readFileSync(join(root, "ts", f), "utf8");
rmSync(pkg, { recursive: true, force: true });
mkdirSync(join(pkg, "authoring"), { recursive: true });
mkdirSync(join(pkg, "audience"), { recursive: true });

/** Bundles `js/entries/<entry>.js` over the glue `glueFile` into `out` (ESM or CJS). */
function bundle(entry, glueFile, out, { format = "esm", platform = "browser", minify = false, banner }) {
  // A browser entry fetches its .wasm itself (js/wasm-url.js): the file beside it, and its path
  // in the package for the Vite 5-7 dev server fallback.
  const wasmFile = glueFile.replace(/^.*\//, "").replace(/\.js$/, "_bg.wasm");
  const dir = dirname(out) === "." ? "" : `${dirname(out)}/`;
  buildSync({
    define: platform === "browser"
      ? { __WASM_FILE__: JSON.stringify(wasmFile), __WASM_PACKAGE_PATH__: JSON.stringify(`upgrade-prompts/${dir}${wasmFile}`) }
      : undefined,
    entryPoints: [join(root, "js/entries", `${entry}.js`)],
    bundle: true,
    alias: { "upgrade-prompts-core": join(glue, glueFile) },
    external: ["./wasm-inline.cjs"],
    format,
    platform,
    target: platform === "node" ? "node18" : "es2020",
    minify,
    outfile: join(pkg, out),
    banner: banner ? { js: banner } : undefined,
    // The Node entries never call the glue's default init, which resolves the .wasm from
    // import.meta.url.
    logOverride: { "empty-import-meta": "silent" },
    logLevel: "error",
  });
}

/** The Node entries of `dir` (ESM and CommonJS) over a build whose wasm is held as base64 in
 * `dir`/wasm-inline.cjs. */
function nodeEntries(dir, entry, glueFile, wasmFile, what) {
  writeFileSync(
    join(pkg, dir, "wasm-inline.cjs"),
    `// ${what}: the WebAssembly binary as base64, for the Node entries (browsers fetch the .wasm).
module.exports = "${readFileSync(join(glue, wasmFile)).toString("base64")}";
`,
  );
  bundle(entry, glueFile, join(dir, "node.js"), { platform: "node", banner: `// Node entry of ${what} (ESM): the wasm is instantiated at import.` });
  bundle(entry, glueFile, join(dir, "node.cjs"), { platform: "node", format: "cjs", banner: `// Node entry of ${what} (CommonJS): the wasm is instantiated at import.` });
}

// ---- The entries ----
// Browsers: one minified module per entry, the .wasm beside it (the glue finds it there).
bundle("browser", "runtime/upgrade_prompts.js", "upgrade_prompts.js", { minify: true });
copyFileSync(join(glue, "runtime/upgrade_prompts_bg.wasm"), join(pkg, "upgrade_prompts_bg.wasm"));
bundle("browser", "authoring/upgrade_prompts_authoring.js", "authoring/upgrade_prompts_authoring.js", { minify: true });
copyFileSync(join(glue, "authoring/upgrade_prompts_authoring_bg.wasm"), join(pkg, "authoring/upgrade_prompts_authoring_bg.wasm"));
bundle("audience-browser", "audience/upgrade_prompts_audience.js", "audience/upgrade_prompts_audience.js", { minify: true });
copyFileSync(join(glue, "audience/upgrade_prompts_audience_bg.wasm"), join(pkg, "audience/upgrade_prompts_audience_bg.wasm"));
// Node: the speed build for `upgrade-prompts` and `upgrade-prompts/authoring` alike.
nodeEntries(".", "node", "node/upgrade_prompts_node.js", "node/upgrade_prompts_node_bg.wasm", "upgrade-prompts (the speed build)");
nodeEntries("audience", "audience-node", "audience-node/upgrade_prompts_audience.js", "audience/upgrade_prompts_audience_bg.wasm", "upgrade-prompts/audience");

// Resolvers without `exports` (TypeScript's node10) find `upgrade-prompts/authoring` here.
writeFileSync(join(pkg, "authoring/package.json"), JSON.stringify({ main: "../node.cjs", types: "../node.d.cts" }, null, 2) + "\n");

// ---- Declarations ----
// The generated vocabulary first (ts/vocabulary.d.ts, from src/base/vocab.rs): the hand-written
// declarations use its unions by name, and each entry's declarations stay one self-contained file.
const TYPES = ts("vocabulary.d.ts") + ts("types.d.ts") + ts("engine.d.ts");
/** What the engine constructor takes: compiled bytes in the runtime, configs too elsewhere. */
const RUNTIME_CATALOG = `
/** A compiled catalog: the bytes \`upgrade-prompts compile\` wrote. (Configs need \`upgrade-prompts/authoring\`.) */
export type Catalog = Uint8Array | ArrayBuffer;
`;
const CATALOG = `
/** A compiled catalog (the bytes \`upgrade-prompts compile\` wrote), or a config: an object (typed \`Config\`, or read from a JSON file), or JSON text. */
export type Catalog = Uint8Array | ArrayBuffer | Config | JsonConfig | string;
`;
const VALIDATE = CATALOG + `
/** Validates a config. Never throws: problems are in the report. */
export function validateConfig(config: unknown): ValidationReport;
`;
const BROWSER_INIT = `
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Fetches and instantiates the engine's wasm; call it once before using the engine (later
 * calls return the same promise). By default the \`.wasm\` file beside this module is fetched;
 * pass \`{ module_or_path }\` (a URL, a \`Response\`, bytes or a compiled module) to load it
 * from elsewhere.
 */
export default function init(input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<void>;

/** Instantiates the engine's wasm from its bytes or a compiled module, synchronously. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): void;
`;
const NODE_INIT = `
/** In Node the package initializes itself when imported: \`init()\` resolves at once. */
export default function init(input?: unknown): Promise<void>;
/** In Node the package initializes itself when imported: a no-op, kept for code shared with browsers. */
export function initSync(module?: unknown): void;
`;
const write = (f, text) => writeFileSync(join(pkg, f), text);
write("upgrade_prompts.d.ts", TYPES + RUNTIME_CATALOG + BROWSER_INIT);
write("authoring/upgrade_prompts_authoring.d.ts", TYPES + VALIDATE + BROWSER_INIT);
write("node.d.ts", TYPES + VALIDATE + NODE_INIT);
write("node.d.cts", TYPES + VALIDATE + NODE_INIT);
// The audience functions' declarations are wasm-bindgen's (from the doc comments of
// src/wasm_audience.rs, with ts/audience.d.ts); its own init declarations are replaced.
// (\`Symbol.dispose\` needs lib esnext.disposable; declaring it would fail every older lib.)
const adts = readFileSync(join(glue, "audience/upgrade_prompts_audience.d.ts"), "utf8")
  .split("\n")
  .filter((l) => !l.includes("[Symbol.dispose]"))
  .join("\n");
const atail = adts.indexOf("export type InitInput");
if (atail < 0) throw new Error("package.mjs: no InitInput in the audience declarations");
const AUDIENCE = TYPES + VALIDATE + adts.slice(0, atail).replace(/^\/\* tslint:disable \*\/\n\/\* eslint-disable \*\/\n/, "");
write("audience/upgrade_prompts_audience.d.ts", AUDIENCE + BROWSER_INIT);
write("audience/node.d.ts", AUDIENCE + NODE_INIT);
write("audience/node.d.cts", AUDIENCE + NODE_INIT);
for (const [f, what] of [["upgrade_prompts_bg.wasm", "runtime"], ["authoring/upgrade_prompts_authoring_bg.wasm", "authoring"]]) {
  write(`${f}.d.ts`, `/**
 * The ${what} wasm, for bundlers that hand out its URL (\`?url\` in Vite, asset modules in
 * webpack): pass that URL to \`init({ module_or_path })\`.
 */
declare const wasm: string;
export default wasm;
`);
  write(`${f}.d.cts`, `/** The ${what} wasm, for bundlers that hand out its URL: pass it to \`init\`. */
declare const wasm: string;
export = wasm;
`);
}

// ---- Bindings (ESM source in js/, a CommonJS build beside each) ----
// React and OpenFeature are peers: the user's copy is used, never bundled.
const BINDINGS = [
  // js/react.js re-exports the components of js/react-ui.js (`modules`: shipped beside it).
  { name: "react", external: ["react", "react-dom"], peer: { react: ">=18" }, modules: ["react-ui.js"] },
  { name: "openfeature", external: ["@openfeature/web-sdk", "@openfeature/core"], peer: { "@openfeature/web-sdk": "^1.0.0" } },
].filter((b) => existsSync(join(root, `js/${b.name}.js`)));
for (const b of BINDINGS) {
  copyFileSync(join(root, `js/${b.name}.js`), join(pkg, `${b.name}.js`));
  for (const m of b.modules ?? []) copyFileSync(join(root, "js", m), join(pkg, m));
  copyFileSync(join(root, `js/${b.name}.d.ts`), join(pkg, `${b.name}.d.ts`));
  copyFileSync(join(root, `js/${b.name}.d.ts`), join(pkg, `${b.name}.d.cts`));
  buildSync({
    entryPoints: [join(root, `js/${b.name}.js`)],
    bundle: true,
    external: [...b.external, "upgrade-prompts", "upgrade-prompts/*"],
    format: "cjs",
    platform: "neutral",
    target: "es2020",
    outfile: join(pkg, `${b.name}.cjs`),
    logLevel: "error",
  });
}

// ---- Package files ----
// The README is the npm page. Its pictures (docs/*.png) ship in the package, and the copy in pkg/
// points at them by an absolute address inside this very version of the published package on a
// public package CDN: the npm page resolves relative images only against a repository.
const README_IMAGE = /(!\[[^\]]*\]\()(docs\/[\w.-]+\.png)\)/g;
const readme = readFileSync(join(root, "README.md"), "utf8");
const readmeImages = [...new Set([...readme.matchAll(README_IMAGE)].map((m) => m[2]))];
for (const image of readmeImages) {
  mkdirSync(dirname(join(pkg, image)), { recursive: true });
  copyFileSync(join(root, image), join(pkg, image));
}
const cdn = `https://cdn.jsdelivr.net/npm/upgrade-prompts@${version}/`;
write("README.md", readme.replace(README_IMAGE, (_, start, image) => `${start}${cdn}${image})`));
copyFileSync(join(root, "LICENSE"), join(pkg, "LICENSE"));
// The components' stylesheet (`upgrade-prompts/styles.css`).
copyFileSync(join(root, "css/styles.css"), join(pkg, "styles.css"));
copyFileSync(join(root, "schema/config.schema.json"), join(pkg, "config.schema.json"));
copyFileSync(join(root, "schema/events.schema.json"), join(pkg, "events.schema.json"));
copyFileSync(join(root, "js/cli.mjs"), join(pkg, "cli.mjs"));
// The bin's commands that run in the audience wasm (simulate, generate, analyze).
const CLI_MODULES = readdirSync(join(root, "js/cli")).filter((f) => f.endsWith(".mjs")).sort();
mkdirSync(join(pkg, "cli"), { recursive: true });
for (const f of CLI_MODULES) copyFileSync(join(root, "js/cli", f), join(pkg, "cli", f));
const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
// No `repository` until the project has a public address (Cargo.toml's, when it gets one).
const repository = /^repository = "([^"]+)"/m.exec(cargo)?.[1];
const nodeEntry = (dir) => ({
  import: { types: `./${dir}node.d.ts`, default: `./${dir}node.js` },
  require: { types: `./${dir}node.d.cts`, default: `./${dir}node.cjs` },
});
const browser = (types, file) => ({ types, default: file });
const wasmExport = (f) => ({
  import: { types: `./${f}.d.ts`, default: `./${f}` },
  require: { types: `./${f}.d.cts`, default: `./${f}` },
});
const manifest = {
  name: "upgrade-prompts",
  version,
  description: "Decide on the client when to show upgrade, cross-sell, seat, trial and right-sizing prompts",
  license: "MIT",
  ...(repository ? { repository: { type: "git", url: repository } } : {}),
  keywords: ["paywall", "upgrade", "feature-gate", "usage-limits", "pricing", "wasm"],
  engines: { node: ">=18" },
  bin: { "upgrade-prompts": "./cli.mjs" },
  type: "module",
  main: "./node.cjs",
  module: "./upgrade_prompts.js",
  types: "./node.d.cts",
  exports: {
    ".": {
      // Node (also Next.js server code and Jest): everything, the wasm held in a JS module.
      node: nodeEntry(""),
      // \`require\` outside the node condition (Jest's jsdom environment) still runs in Node.
      require: nodeEntry("").require,
      // Browsers and bundlers: the runtime, for compiled catalogs (\`await init()\` first).
      default: browser("./upgrade_prompts.d.ts", "./upgrade_prompts.js"),
    },
    // Configs in the page (the playground, editors): the authoring build.
    "./authoring": {
      node: nodeEntry(""),
      require: nodeEntry("").require,
      default: browser("./authoring/upgrade_prompts_authoring.d.ts", "./authoring/upgrade_prompts_authoring.js"),
    },
    ...Object.fromEntries(
      BINDINGS.map((b) => [
        `./${b.name}`,
        {
          import: { types: `./${b.name}.d.ts`, default: `./${b.name}.js` },
          require: { types: `./${b.name}.d.cts`, default: `./${b.name}.cjs` },
        },
      ]),
    ),
    // Offline tools (simulate, generate, compile): a larger wasm the runtime never loads.
    "./audience": {
      node: nodeEntry("audience/"),
      require: nodeEntry("audience/").require,
      default: browser("./audience/upgrade_prompts_audience.d.ts", "./audience/upgrade_prompts_audience.js"),
    },
    "./upgrade_prompts_bg.wasm": wasmExport("upgrade_prompts_bg.wasm"),
    "./authoring/upgrade_prompts_authoring_bg.wasm": wasmExport("authoring/upgrade_prompts_authoring_bg.wasm"),
    "./styles.css": "./styles.css",
    "./config.schema.json": "./config.schema.json",
    "./events.schema.json": "./events.schema.json",
    "./package.json": "./package.json",
  },
  files: [
    "upgrade_prompts.js", "upgrade_prompts.d.ts", "upgrade_prompts_bg.wasm", "upgrade_prompts_bg.wasm.d.ts", "upgrade_prompts_bg.wasm.d.cts",
    "authoring/upgrade_prompts_authoring.js", "authoring/upgrade_prompts_authoring.d.ts", "authoring/upgrade_prompts_authoring_bg.wasm",
    "authoring/upgrade_prompts_authoring_bg.wasm.d.ts", "authoring/upgrade_prompts_authoring_bg.wasm.d.cts", "authoring/package.json",
    "node.js", "node.d.ts", "node.cjs", "node.d.cts", "wasm-inline.cjs",
    ...BINDINGS.flatMap((b) => [`${b.name}.js`, `${b.name}.d.ts`, `${b.name}.cjs`, `${b.name}.d.cts`, ...(b.modules ?? [])]),
    "styles.css", "config.schema.json", "events.schema.json", "cli.mjs", ...CLI_MODULES.map((f) => `cli/${f}`), "README.md", "LICENSE", ...readmeImages,
    "audience/upgrade_prompts_audience.js", "audience/upgrade_prompts_audience.d.ts", "audience/upgrade_prompts_audience_bg.wasm",
    "audience/node.js", "audience/node.d.ts", "audience/node.cjs", "audience/node.d.cts", "audience/wasm-inline.cjs",
  ],
  peerDependencies: Object.assign({}, ...BINDINGS.map((b) => b.peer)),
  peerDependenciesMeta: Object.fromEntries(
    BINDINGS.flatMap((b) => Object.keys(b.peer)).map((k) => [k, { optional: true }]),
  ),
  // Only the Node entries do something at import (they instantiate the wasm).
  sideEffects: ["./styles.css", "./node.js", "./node.cjs", "./audience/node.js", "./audience/node.cjs"],
};
write("package.json", JSON.stringify(manifest, null, 2) + "\n");
