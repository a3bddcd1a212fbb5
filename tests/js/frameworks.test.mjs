// The README's framework snippets are parts of the example apps that scripts/examples.mjs
// builds and runs: each marked block must appear verbatim in the file it names.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./helpers.mjs";

test("every README framework snippet is in its example app verbatim", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/<!-- framework-example: (\S+) -->\n```\w*\n([\s\S]*?)```/g)];
  assert.ok(blocks.length >= 7, `only ${blocks.length} marked snippets`);
  for (const [, file, code] of blocks) {
    const source = readFileSync(path.join(root, file), "utf8");
    assert.ok(source.includes(code), `${file} does not contain the README snippet:\n${code}`);
  }
});
