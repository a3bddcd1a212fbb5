// The shipped package's size, which is deterministic for a given toolchain: the .wasm plus its
// JS glue and the glue's snippet modules (scripts/shipped.mjs), each gzipped at level 9. The target is 60 KB; the ceiling below is what this version
// measures (rounded up), so the size can only go down until the target is met.
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./helpers.mjs";
import { shippedFiles } from "../../scripts/shipped.mjs";
import { parseWasm } from "../../scripts/size-report.mjs";

// The runtime entry (`upgrade-prompts` in browsers: compiled catalogs only) is what pages
// load; its budget is 45 KB. The ceilings below are what this version measures (rounded up),
// so the size can only go down until the budget is met.
// History of the single browser entry before the runtime split: 124 → 128 (`persist`) → 129
// (forecast horizon) → 121 (lean build) → 124 (snippets counted) → 121 (minified glue) → 119
// (wasm-opt to a fixed point) → 118 (`&dyn PathLike` readers; JS storage listener) → 119 (third
// hostile-input pass).
// Runtime entry: 92.4 KB at the split (the boundary in js/engine.js, the glue bundled with it);
// 93 → 94 with init() checking the fetched .wasm (js/wasm-url.js, the Vite 5-7 dev server
// fallback and its error, +0.9 KB) and contexts passed as UTF-8 bytes: 93.7 KB.
// Then number formatting, `%` and ASCII searches in less code (−1.6 KB of wasm), and catalog
// format 2's shared tables (+0.9 KB): 93.0 KB (93.04, so the ceiling stays 94).
// 94 → 95 with one vocabulary (src/base/vocab.rs): every diagnostic code's wire name is in the
// runtime now, where only those of its own errors were before (+1.2 KB): 94.2 KB.
// 95 → 107 with credits, windows and soft limits (credit balances and windowed use read from
// the context, burn rates and run-outs, the top-up's headroom search with its arithmetic for
// the trace, per-window limits and the binding window, the artifact's new fields) and their
// hostile-input checks: 106.9 KB.
// 107 → 111 with the event log (exposures chosen at the guards, written as log events and
// remembered in the state, its restore and merge; the program-wide holdout; `onEvent` and the
// completion of recorded events in js/engine.js): 110.6 KB.
// 111 → 112 with consistent numbers: quantities written with their metric's `decimals`
// (whole by default), an add-on target in the quantity its limits need, `{target.offer}`, at
// most one blocking callout (`blocking_shown`) and `decimals` in usage checks: 111.5 KB.
// Authoring entry (configs in the page): 128.3 KB at the split; 129 → 130 for the same: 129.7 KB;
// 130 → 132 with one vocabulary and line/column positions on config diagnostics: 131.7 KB;
// 132 → 150 with credits, windows and soft limits (also their config reader and checks): 149.8 KB;
// 150 → 155 with the event log and the program-wide holdout (and its config reader): 154.0 KB;
// 155 → 156 with the consistent numbers above (and metric `decimals` in the reader): 155.0 KB.
const BUDGET_KB = 45;
const CEILINGS = {
  lean: { runtime: 112, authoring: 156 },
  // The stable build (no nightly toolchain with rust-src) links panic formatting: about 8.5 KB
  // more for each (measured before the split).
  stable: { runtime: 121, authoring: 165 },
};
const buildFile = path.join(root, "build", "wasm-build.txt");
const mode = existsSync(buildFile) ? readFileSync(buildFile, "utf8").trim() : "stable";

for (const [entry, name, dir] of [["runtime", "upgrade_prompts", ""], ["authoring", "upgrade_prompts_authoring", "authoring"]]) {
  const ceiling = CEILINGS[mode === "lean" ? "lean" : "stable"][entry];
  test(`${entry} entry: wasm + module stay under ${ceiling} KB gzipped (${mode} build)`, () => {
    const files = shippedFiles(root, name, dir);
    assert.equal(files.length, 2);
    const kb = files.reduce((sum, f) => sum + f.gzip, 0) / 1024;
    if (mode !== "lean") console.log("# NOTE: stable build (no nightly toolchain with rust-src): the lean ceilings are not checked");
    const budget = entry === "runtime" ? `; budget ${BUDGET_KB} KB ${kb <= BUDGET_KB ? "met" : "NOT met"}` : "";
    console.log(`# ${entry} entry: ${kb.toFixed(1)} KB gzipped (${mode} build)${budget}`);
    assert.ok(kb <= ceiling, `${kb.toFixed(1)} KB gzipped is above the ceiling of ${ceiling} KB`);
  });
}

// scripts/build.sh lets wasm-opt assume that nothing uses the first 1 KiB of memory
// (`--low-memory-unused`). That holds for the linker's layout checked here: every data segment
// starts at 1 KiB or above, and the stack pointer starts far above it (the stack grows down
// towards address 0, and nothing here nests deep enough to reach the bottom).
test("the shipped wasm keeps the first 1 KiB of memory unused (what its size passes assume)", () => {
  const { segments, globals } = parseWasm(readFileSync(path.join(root, "pkg", "upgrade_prompts_bg.wasm")));
  const active = segments.filter((s) => s.kind === "active");
  assert.ok(active.length > 0, "the module has active data segments");
  for (const s of active) assert.ok(s.offset !== null && s.offset >= 1024, `a data segment starts at ${s.offset}`);
  // The first mutable i32 global is the stack pointer.
  const stack = globals.find((g) => g.type === 0x7f && g.mutable);
  assert.ok(stack !== undefined && stack.init !== null && stack.init >= 64 * 1024, `the stack pointer starts at ${stack?.init}`);
});

// The drop-in React components (pkg/react-ui.js) and their stylesheet (pkg/styles.css), gzip -9
// (scripts/components-size.mjs, printed by `make bench`). At their introduction: 6.8 KB as
// shipped, 3.6 KB minified without React and the hooks, 2.3 KB of CSS; the ceilings are those,
// rounded up to the next quarter KB.
test("the React components and styles.css stay under their ceilings (gzipped)", async () => {
  const { componentSizes } = await import("../../scripts/components-size.mjs");
  const s = componentSizes(path.join(root, "pkg"));
  console.log(`# react-ui.js ${s.module} B gz (${s.minified} B minified), styles.css ${s.styles} B gz`);
  assert.ok(s.module <= 7 * 1024, `react-ui.js: ${s.module} B gzipped`);
  assert.ok(s.minified <= 3.75 * 1024, `react-ui.js minified: ${s.minified} B gzipped`);
  assert.ok(s.styles <= 2.5 * 1024, `styles.css: ${s.styles} B gzipped`);
});
