// The shipped package's size, which is deterministic for a given toolchain: the .wasm plus its
// JS glue, gzipped at level 9. The target is 60 KB; the ceiling below is what this version
// measures (rounded up), so the size can only go down until the target is met.
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { root } from "./helpers.mjs";

const TARGET_KB = 60;
// 124 → 128: the `persist` option (web-sys storage calls, the `storage` listener's closure and
// its glue) measured +3.7 KB gzipped (123.6 → 127.3 KB).
// 128 → 129: the forecast horizon (`daysToLimit`, `limitDate`, `forecast.horizonDays`) measured
// +1.5 KB gzipped (127.3 → 128.8 KB); the audience layer (simulate, generate) is not linked.
// 129 → 121: the lean build (scripts/wasm-cargo.sh: the standard library rebuilt with the crate,
// panics abort at once) measured −8.2 KB gzipped (128.8 → 120.6 KB). A machine without the
// nightly toolchain builds with stable, which keeps the earlier ceiling; the test says which.
const LEAN_CEILING_KB = 121;
const STABLE_CEILING_KB = 129;
const buildFile = path.join(root, "build", "wasm-build.txt");
const mode = existsSync(buildFile) ? readFileSync(buildFile, "utf8").trim() : "stable";
const CEILING_KB = mode === "lean" ? LEAN_CEILING_KB : STABLE_CEILING_KB;

test(`wasm + JS glue stay under ${CEILING_KB} KB gzipped (${mode} build; target ${TARGET_KB} KB)`, () => {
  const gz = (f) => gzipSync(readFileSync(path.join(root, "pkg", f)), { level: 9 }).length;
  const total = gz("upgrade_prompts_bg.wasm") + gz("upgrade_prompts.js");
  const kb = total / 1024;
  if (mode !== "lean") console.log("# NOTE: stable build (no nightly toolchain with rust-src): the lean ceiling is not checked");
  console.log(`# shipped size: ${kb.toFixed(1)} KB gzipped (${mode} build); target ${TARGET_KB} KB ${kb <= TARGET_KB ? "met" : "NOT met"}`);
  assert.ok(kb <= CEILING_KB, `${kb.toFixed(1)} KB gzipped is above the ceiling of ${CEILING_KB} KB`);
});
