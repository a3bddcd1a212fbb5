// The JavaScript and JSON examples of the README and docs/ (the blocks marked example-node,
// example-config, example-context and example-rule; tests/js/doc-blocks.mjs finds them).
// JavaScript runs as a consumer would run it: in a folder whose node_modules holds the built
// package under its published name, beside catalog.json (the team sample), and every
// `console.log(...); // expected` comment must match the line it prints.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { docBlocks, where } from "./doc-blocks.mjs";
import { root, readJson } from "./helpers.mjs";

const pkg = await import(path.join(root, "pkg/node.js"));
const product = readJson("tests/fixtures/product-example.json");
const codes = (list) => list.map((d) => `${d.code} at ${JSON.stringify(d.path)}: ${d.message}`);

const examples = docBlocks("example-node");
test("the documentation has JavaScript examples to run", () => assert.ok(examples.length >= 4, `${examples.length} found`));

for (const block of examples) {
  test(`${where(block)} runs and prints what it says`, () => {
    const dir = path.join(root, "build/doc-examples", `${block.file.replace(/[/.]/g, "-")}-${block.line}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, "node_modules"), { recursive: true });
    symlinkSync(path.join(root, "pkg"), path.join(dir, "node_modules/upgrade-prompts"), "dir");
    copyFileSync(path.join(root, "www/samples/team.json"), path.join(dir, "catalog.json"));
    writeFileSync(path.join(dir, "example.mjs"), block.code);
    const out = execFileSync(process.execPath, ["example.mjs"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
    const expected = [...block.code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1].trim());
    assert.ok(expected.length >= 1, "the example says nothing it prints");
    const lines = out.trim().split("\n");
    assert.equal(lines.length, expected.length, out);
    expected.forEach((want, i) => assert.equal(lines[i].trim(), want));
  });
}

test("config examples load with no error and no warning", () => {
  const blocks = docBlocks("example-config");
  assert.ok(blocks.length >= 1);
  for (const b of blocks) {
    const report = pkg.validateConfig(b.code);
    assert.deepEqual([...codes(report.errors), ...codes(report.warnings)], [], where(b));
    assert.equal(report.valid, true);
  }
});

test("rule examples are valid rules of the product example config", () => {
  const blocks = docBlocks("example-rule");
  assert.ok(blocks.length >= 1);
  for (const b of blocks) {
    const report = pkg.validateConfig({ ...product, rules: [JSON.parse(b.code)] });
    assert.deepEqual([...codes(report.errors), ...codes(report.warnings)], [], where(b));
  }
});

test("context examples are read whole, with strict checks, without a problem", () => {
  const blocks = docBlocks("example-context");
  assert.ok(blocks.length >= 1);
  const engine = new pkg.PromptEngine(product, { strict: true });
  for (const b of blocks) {
    const context = JSON.parse(b.code);
    const evaluation = engine.evaluate(context);
    assert.deepEqual([...codes(evaluation.errors), ...codes(evaluation.warnings)], [], where(b));
    for (const metric of Object.keys(context.usage)) {
      const usage = engine.checkUsage(metric, context);
      assert.deepEqual([...codes(usage.errors), ...codes(usage.warnings)], [], `${where(b)}: ${metric}`);
      assert.equal(typeof usage.used, "number");
    }
  }
  engine.free();
});

// Worked examples of `analyze` (README): a `sh` block of `npx upgrade-prompts` commands, run
// with the npm bin in a folder holding catalog.json (the team sample), and the `text` block
// after it, which must be consecutive lines of what they print.
test("the analyze examples print the lines they show", () => {
  const blocks = docBlocks("example-analyze");
  assert.ok(blocks.length >= 2, `${blocks.length} blocks`);
  for (let i = 0; i + 1 < blocks.length; i += 2) {
    const [cmds, shown] = [blocks[i], blocks[i + 1]];
    assert.deepEqual([cmds.lang, shown.lang], ["sh", "text"], where(cmds));
    const dir = path.join(root, "build/doc-examples", `analyze-${cmds.line}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(root, "www/samples/team.json"), path.join(dir, "catalog.json"));
    let out = "";
    for (const line of cmds.code.trim().split("\n")) {
      const args = line.split(/\s+/);
      assert.deepEqual(args.slice(0, 2), ["npx", "upgrade-prompts"], line);
      out += execFileSync(process.execPath, [path.join(root, "pkg/cli.mjs"), ...args.slice(2)], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
    }
    const printed = out.split("\n").map((l) => l.trimEnd());
    const want = shown.code.trimEnd().split("\n").map((l) => l.trimEnd());
    const at = printed.indexOf(want[0]);
    assert.ok(at >= 0, `${where(shown)}: ${want[0]}\nnot in:\n${out}`);
    assert.deepEqual(printed.slice(at, at + want.length), want, where(shown));
  }
});
