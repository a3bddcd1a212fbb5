// Runs the README's JavaScript example as a consumer would: in a folder whose node_modules
// holds the built package under its published name.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { root } from "./helpers.mjs";

test("README example runs and prints what it says", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const marker = readme.indexOf("<!-- readme-example");
  assert.ok(marker >= 0, "README has no marked example");
  const start = readme.indexOf("```js\n", marker) + 6;
  const code = readme.slice(start, readme.indexOf("```", start));
  const dir = path.join(root, "build/readme-example");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  symlinkSync(path.join(root, "pkg"), path.join(dir, "node_modules/upgrade-prompts"), "dir");
  writeFileSync(path.join(dir, "example.mjs"), code);
  const out = execFileSync(process.execPath, ["example.mjs"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
  // Every `console.log(...); // expected` comment in the example must match the printed line.
  const expected = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1].trim());
  const lines = out.trim().split("\n");
  assert.equal(lines.length, expected.length, out);
  expected.forEach((want, i) => assert.equal(lines[i].trim(), want));
});
