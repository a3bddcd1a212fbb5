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

const TARGET_KB = 60;
// 124 → 128: the `persist` option (web-sys storage calls, the `storage` listener's closure and
// its glue) measured +3.7 KB gzipped (123.6 → 127.3 KB).
// 128 → 129: the forecast horizon (`daysToLimit`, `limitDate`, `forecast.horizonDays`) measured
// +1.5 KB gzipped (127.3 → 128.8 KB); the audience layer (simulate, generate) is not linked.
// 129 → 121: the lean build (scripts/wasm-cargo.sh: the standard library rebuilt with the crate,
// panics abort at once) measured −8.2 KB gzipped (128.8 → 120.6 KB). A machine without the
// nightly toolchain builds with stable, which keeps the earlier ceiling; the test says which.
// 121 → 124, 129 → 132: the glue's snippet module (the bindings' own JavaScript in
// pkg/snippets/, which pages load too) was not counted before; it is 2.6 KB gzipped. Nothing
// grew: the same package measured 120.4 KB without it and 123.0 KB with it.
// 124 → 121: the glue and its snippets ship minified (whitespace and syntax): 123.0 → 120.1 KB.
// The stable build was not measured again; its ceiling keeps the +2.6 KB of the snippets.
// 121 → 119: wasm-opt runs -Oz to a fixed point and may assume the first 1 KiB of memory is
// unused (scripts/build.sh): 119.8 → 118.8 KB.
// 119 → 118: the reading functions take `&dyn PathLike` (118.4 KB), and the `persist` option's
// `storage` listener is JavaScript in the glue instead of a wasm-bindgen closure (117.7 KB).
// 118 → 119: the third hostile-input pass (did-you-mean metered by work, the clock rule, lists
// cut in messages, blank titles, placement bound) and the constructor's answer to compiled
// bytes in this build: 117.7 → 118.9 KB.
const LEAN_CEILING_KB = 119;
const STABLE_CEILING_KB = 132;
const buildFile = path.join(root, "build", "wasm-build.txt");
const mode = existsSync(buildFile) ? readFileSync(buildFile, "utf8").trim() : "stable";
const CEILING_KB = mode === "lean" ? LEAN_CEILING_KB : STABLE_CEILING_KB;

test(`wasm + JS glue (with its snippets) stay under ${CEILING_KB} KB gzipped (${mode} build; target ${TARGET_KB} KB)`, () => {
  const files = shippedFiles(root);
  assert.ok(files.some((f) => f.file.startsWith("snippets")), "the glue's snippet modules are counted");
  const total = files.reduce((sum, f) => sum + f.gzip, 0);
  const kb = total / 1024;
  if (mode !== "lean") console.log("# NOTE: stable build (no nightly toolchain with rust-src): the lean ceiling is not checked");
  console.log(`# shipped size: ${kb.toFixed(1)} KB gzipped (${mode} build); target ${TARGET_KB} KB ${kb <= TARGET_KB ? "met" : "NOT met"}`);
  assert.ok(kb <= CEILING_KB, `${kb.toFixed(1)} KB gzipped is above the ceiling of ${CEILING_KB} KB`);
});

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
