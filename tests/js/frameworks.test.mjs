// The documentation's framework snippets (blocks marked framework-example) are parts of the
// example apps that scripts/examples.mjs builds and runs: each must appear verbatim in the file
// it names, or be that whole file when the marker says "(whole file)".
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { docBlocks, where } from "./doc-blocks.mjs";
import { root } from "./helpers.mjs";

test("every framework snippet is in its example app verbatim", () => {
  const blocks = docBlocks("framework-example");
  assert.ok(blocks.length >= 6, `only ${blocks.length} marked snippets`);
  for (const b of blocks) {
    const [, file, whole] = /^(\S+)( \(whole file\))?$/.exec(b.arg ?? "") ?? [];
    assert.ok(file, `${where(b)}: the marker names no file`);
    const source = readFileSync(path.join(root, file), "utf8");
    if (whole) assert.equal(b.code, source, `${where(b)} is not the whole of ${file}`);
    else assert.ok(source.includes(b.code), `${file} does not contain the snippet of ${where(b)}:\n${b.code}`);
  }
});
