// Every fenced code block of README.md, CONTRIBUTING.md and docs/*.md is claimed: run or checked
// by a named test, a Rust doctest, or marked as not code with a reason. Also: the runners really
// look the blocks up by their marker, sample outputs are excerpts of their golden files, the
// README stays short enough for the npm page, and relative links (with their #anchors) resolve.
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { blocksOf, docBlocks, docFiles, where } from "./doc-blocks.mjs";
import { root } from "./helpers.mjs";

// marker → the test that finds the blocks it claims (through tests/js/doc-blocks.mjs) and the
// languages it accepts. `not-run` claims nothing is run: shell commands, grammars, fragments.
const RUNNERS = {
  "example-node": { runner: "tests/js/readme.test.mjs", langs: ["js"], does: "runs it in Node against pkg/ and compares what it prints with its comments" },
  "example-config": { runner: "tests/js/readme.test.mjs", langs: ["json"], does: "validates it as a config: no error, no warning" },
  "example-context": { runner: "tests/js/readme.test.mjs", langs: ["json"], does: "evaluates it with strict checks against tests/fixtures/product-example.json" },
  "example-rule": { runner: "tests/js/readme.test.mjs", langs: ["json"], does: "validates it as the rule of tests/fixtures/product-example.json" },
  "example-ts": { runner: "tests/ts/matrix.mjs", langs: ["ts"], does: "type-checks it with tsc --strict in every cell and runs it" },
  "framework-example": { runner: "tests/js/frameworks.test.mjs", langs: ["js", "jsx"], does: "finds it verbatim in the example app scripts/examples.mjs builds and runs" },
  "openfeature-example": { runner: "tests/openfeature/test/readme.test.mjs", langs: ["js"], does: "runs it through the OpenFeature web SDK and compares what it prints" },
  "lint-example": { runner: "tests/lint/lint.test.mjs", langs: ["text"], does: "compares it with the golden output it names" },
  "example-analyze": { runner: "tests/js/readme.test.mjs", langs: ["sh", "text"], does: "runs the sh block's commands with the npm bin and finds the text block after it in what they print" },
  "output-of": { runner: "tests/js/docs.test.mjs", langs: ["text"], does: "finds each paragraph in the golden output it names, in order" },
  "not-run": { runner: null, langs: ["sh", "text", "json", "yaml"], does: "nothing: the reason is given in the marker" },
};
const RUST_DOCS = "src/lib.rs";

const blocks = docBlocks();

test("the documentation has its pages and their blocks", () => {
  const files = docFiles();
  for (const page of ["README.md", "CONTRIBUTING.md", "docs/api.md", "docs/config.md", "docs/context.md", "docs/rules.md",
    "docs/frameworks.md", "docs/cli.md", "docs/audience.md", "docs/benchmarks.md", "docs/design.md", "docs/playground.md"]) {
    assert.ok(files.includes(page), `${page} is missing`);
  }
  assert.ok(blocks.length >= 25, `only ${blocks.length} blocks found: is the parser broken?`);
});

test("every code block is claimed by a runner, a doctest or a not-run reason", () => {
  const lib = readFileSync(path.join(root, RUST_DOCS), "utf8");
  const problems = [];
  for (const b of blocks) {
    if (b.lang === "rust") {
      const included = b.file === "README.md"
        ? lib.includes('#![doc = include_str!("../README.md")]')
        : new RegExp(`#\\[cfg\\(doctest\\)\\]\\s*#\\[doc = include_str!\\("\\.\\./${b.file.replace(".", "\\.")}"\\)\\]`).test(lib);
      if (!included) problems.push(`${where(b)}: a Rust block, but ${RUST_DOCS} does not include ${b.file} as a doctest`);
      if (/\b(ignore|text)\b/.test(b.info)) problems.push(`${where(b)}: a Rust block that rustdoc does not compile (${b.info})`);
      if (b.marker) problems.push(`${where(b)}: a Rust block is a doctest; drop the <!-- ${b.marker} --> comment`);
      continue;
    }
    if (b.lang === "") {
      problems.push(`${where(b)}: a block without a language (rustdoc would compile it as Rust)`);
      continue;
    }
    const runner = b.marker && RUNNERS[b.marker];
    if (!runner) {
      problems.push(`${where(b)}: a \`${b.lang}\` block that nothing claims (put <!-- example-node -->, <!-- not-run: why -->, … on the line above)`);
      continue;
    }
    if (!runner.langs.includes(b.lang)) problems.push(`${where(b)}: <!-- ${b.marker} --> takes ${runner.langs.join(", ")}, not \`${b.lang}\``);
    if (b.marker === "not-run" && !b.arg) problems.push(`${where(b)}: <!-- not-run --> needs a reason (<!-- not-run: shell commands -->)`);
  }
  assert.deepEqual(problems, []);
});

test("each runner looks its blocks up by its marker", () => {
  for (const [marker, { runner }] of Object.entries(RUNNERS)) {
    if (!runner) continue;
    const source = readFileSync(path.join(root, runner), "utf8");
    assert.match(source, /doc-blocks\.mjs/, `${runner} does not read the blocks through tests/js/doc-blocks.mjs`);
    assert.ok(source.includes(`docBlocks("${marker}"`), `${runner} does not ask for the "${marker}" blocks`);
  }
  // Every marker in use has a runner, and every runner that runs something has blocks.
  const used = new Set(blocks.map((b) => b.marker).filter(Boolean));
  for (const m of used) assert.ok(m in RUNNERS, `unknown marker <!-- ${m} -->`);
  for (const m of ["example-node", "example-ts", "framework-example", "openfeature-example", "lint-example"]) {
    assert.ok(used.has(m), `no block is marked ${m}: its test would run nothing`);
  }
});

test("the block reader sees what a reader sees", () => {
  const text = [
    "<!-- example-node -->", "```js", "let a = 1;", "```", "",
    "- an item:", "", "  <!-- not-run: a step -->", "  ```yaml", "  - run: x", "  ```", "",
    "````md", "```js", "inside", "```", "````", "```", "no language", "```",
  ].join("\n");
  const got = blocksOf(text, "t.md").map((b) => [b.line, b.lang, b.marker, b.arg, b.code]);
  assert.deepEqual(got, [
    [2, "js", "example-node", null, "let a = 1;\n"],
    [9, "yaml", "not-run", "a step", "- run: x\n"],
    [13, "md", null, null, "```js\ninside\n```\n"],
    [18, "", null, null, "no language\n"],
  ]);
  assert.throws(() => blocksOf("```js\nnever closed\n", "t.md"), /never closed/);
});

test("sample outputs are excerpts of their golden files", () => {
  const samples = docBlocks("output-of");
  assert.ok(samples.length >= 1);
  for (const b of samples) {
    const golden = readFileSync(path.join(root, b.arg), "utf8");
    // Paragraphs (separated by blank lines, or by a line holding only "…") appear in order.
    const parts = b.code.split(/\n\s*…\s*\n|\n\s*\n/).map((p) => p.replace(/\n+$/, "")).filter((p) => p.trim() && p.trim() !== "…");
    assert.ok(parts.length >= 2, `${where(b)}: an empty excerpt`);
    let from = 0;
    for (const p of parts) {
      const at = golden.indexOf(p, from);
      assert.ok(at >= 0, `${where(b)}: not in ${b.arg} (in this order):\n${p}`);
      from = at + p.length;
    }
  }
});

test("the README fits the npm page: at most 150 lines, install first, the two make commands", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const lines = readme.trimEnd().split("\n").length;
  assert.ok(lines <= 150, `README.md has ${lines} lines`);
  const install = readme.indexOf("npm install upgrade-prompts");
  assert.ok(install > 0 && install < readme.indexOf("```js"), "`npm install upgrade-prompts` comes before the first example");
  assert.match(readme, /^make demo\b/m);
  assert.match(readme, /^make test\b/m);
  const vanilla = docBlocks("example-node").filter((b) => b.file === "README.md");
  assert.equal(vanilla.length, 1, "the README has one vanilla example");
  assert.ok(vanilla[0].code.split("\n").length <= 20, "the README's vanilla example stays short");
  const react = docBlocks("framework-example").filter((b) => b.file === "README.md");
  assert.deepEqual(react.map((b) => b.arg), ["examples/vite-react/src/main.jsx (whole file)"]);
});

// GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered.
function anchors(markdown) {
  const seen = new Map();
  const out = new Set();
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (/^ *(```|~~~)/.test(line)) fence = !fence;
    const h = !fence && /^#{1,6} (.*)$/.exec(line);
    if (!h) continue;
    const base = h[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

// Pages made by another build step are linked before they exist in every checkout.
const GENERATED = new Set(["docs/codes.md"]);

test("relative links and their anchors resolve", () => {
  const problems = [];
  for (const file of docFiles()) {
    const text = readFileSync(path.join(root, file), "utf8").replace(/^ *```[\s\S]*?^ *```/gm, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [rel, anchor] = target.split("#");
      const dest = rel ? path.normalize(path.join(path.dirname(file), rel)) : file;
      if (GENERATED.has(dest)) continue;
      if (!existsSync(path.join(root, dest))) {
        problems.push(`${file}: ${target}: no such file`);
        continue;
      }
      if (anchor && dest.endsWith(".md") && !anchors(readFileSync(path.join(root, dest), "utf8")).has(anchor)) {
        problems.push(`${file}: ${target}: no heading with that anchor`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
