// The documentation's OpenFeature example (the block marked openfeature-example in
// docs/frameworks.md, found by tests/js/doc-blocks.mjs) runs as written (in a child process, with
// the catalog of the fixtures) and prints what its comments say.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { test } from "node:test";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { config } from "./fixtures.mjs";
import { docBlocks } from "../../js/doc-blocks.mjs";

const root = process.env.UPGRADE_PROMPTS_ROOT ?? fileURLToPath(new URL("../../../", import.meta.url));

test("the documentation's OpenFeature example prints what its comments say", () => {
  const blocks = docBlocks("openfeature-example", root);
  assert.equal(blocks.length, 1, "the documentation has the example");
  const block = blocks[0].code;
  const module = process.env.UPGRADE_PROMPTS_OPENFEATURE ?? "./openfeature.js";
  assert.ok(block.includes('"upgrade-prompts/openfeature"'), "the example imports upgrade-prompts/openfeature");
  // Against the source file the import is pointed at it; against the packed package it stays.
  const source = block.replace('"upgrade-prompts/openfeature"', JSON.stringify(module));
  const file = fileURLToPath(new URL("./readme-example.mjs", import.meta.url));
  writeFileSync(file, `const catalog = ${JSON.stringify(config)};\n${source}`);
  const printed = execFileSync(process.execPath, [file], { encoding: "utf8" }).trim().split("\n");
  const expected = [...block.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1].trim());
  assert.equal(expected.length, 3);
  assert.deepEqual(printed, expected);
});
