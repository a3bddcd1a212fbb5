// Tests of `upgrade-prompts lint` (js/cli.mjs), run as a user runs it: the package is packed
// (`npm pack pkg`), unpacked into a temporary node_modules/upgrade-prompts with the CLI copied
// in beside it, and the CLI is started with `node` from the repository root.
//
//   node --test tests/lint/                   run
//   UPDATE_GOLDEN=1 node --test tests/lint/   rewrite tests/lint/golden/* (review the diff by eye)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { docBlocks } from "../js/doc-blocks.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const goldenDir = path.join(root, "tests/lint/golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

let tmp;
let cli;

before(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "upgrade-prompts-lint-"));
  const tarball = execFileSync("npm", ["pack", path.join(root, "pkg"), "--silent"], { cwd: tmp, encoding: "utf8" })
    .trim().split("\n").pop();
  const dest = path.join(tmp, "node_modules/upgrade-prompts");
  mkdirSync(dest, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(tmp, tarball), "-C", dest, "--strip-components=1"]);
  // The source under test, in the place the package ships it (until it does, and so that a
  // stale pkg/ cannot hide a change to js/cli.mjs).
  copyFileSync(path.join(root, "js/cli.mjs"), path.join(dest, "cli.mjs"));
  mkdirSync(path.join(dest, "cli"), { recursive: true });
  for (const f of readdirSync(path.join(root, "js/cli"))) copyFileSync(path.join(root, "js/cli", f), path.join(dest, "cli", f));
  cli = path.join(dest, "cli.mjs");
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs the CLI without a terminal; NO_COLOR is cleared so that only the TTY check applies. */
function run(args, { cwd = root, env = {} } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "", ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function golden(name, actual) {
  const file = path.join(goldenDir, name);
  if (UPDATE) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${name} is missing; run with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, readFileSync(file, "utf8"), `output differs from golden/${name}`);
}

/** No stack trace or internal error, whatever the input. */
function assertNoCrash(r) {
  const all = r.stdout + r.stderr;
  assert.doesNotMatch(all, /internal_error|\n\s+at .*:\d+:\d+\)?\n|TypeError|RangeError|SyntaxError/);
}

/** The text a diagnostic of --format json covers, from its line/column (characters, 1-based). */
function covered(text, d) {
  assert.equal(d.line, d.endLine, "a one-line range");
  const line = [...text.split("\n")[d.line - 1]];
  return line.slice(d.column - 1, d.endColumn - 1).join("");
}

const BROKEN = "tests/lint/cases/broken.json";
const TEAM = "www/samples/team.json";

// ---------------------------------------------------------------------------------------------
// Goldens: the three formats over a config with several errors and a warning

test("text format: golden", () => {
  const r = run(["lint", BROKEN]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "");
  golden("broken.txt", r.stdout);
});

test("json format: golden", () => {
  const r = run(["lint", BROKEN, "--format", "json"]);
  assert.equal(r.status, 1);
  golden("broken.json", r.stdout);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.errorCount, 5);
  assert.equal(doc.warningCount, 1);
});

test("github format: golden", () => {
  const r = run(["lint", BROKEN, "--format=github"]);
  assert.equal(r.status, 1);
  golden("broken.github.txt", r.stdout);
});

test("--context: text and json goldens", () => {
  const text = run(["lint", TEAM, "--context", "tests/lint/cases/context.json"]);
  assert.equal(text.status, 1, "the context has errors");
  golden("context.txt", text.stdout);
  const json = run(["lint", TEAM, "--context", "tests/lint/cases/context.json", "--format", "json"]);
  assert.equal(json.status, 1);
  golden("context.json", json.stdout);
  const doc = JSON.parse(json.stdout);
  assert.deepEqual(doc.files.map((f) => f.file), [TEAM, "tests/lint/cases/context.json"]);
  assert.deepEqual(doc.evaluation.callouts.map((c) => c.id), ["feature_gate:sso", "api-running-out"]);
  assert.ok(doc.evaluation.suppressed.some((s) => s.reason === "holdout"));
});

test("bad inputs: golden (every case in one run)", () => {
  const r = run(["lint", "tests/lint/cases/bad/not-json.json", "tests/lint/cases/bad/trailing-comma.json",
    "tests/lint/cases/bad/duplicate-key.json", "tests/lint/cases/bad/latin1.json", "tests/lint/cases/bad/bom.json",
    "tests/lint/cases/bad", "tests/lint/cases/bad/missing.json"]);
  assert.equal(r.status, 2);
  assertNoCrash(r);
  golden("bad-inputs.txt", r.stdout);
});

// ---------------------------------------------------------------------------------------------
// Positions

test("carets sit under the exact token of an expression and a placeholder", () => {
  const doc = JSON.parse(run(["lint", BROKEN, "--format", "json"]).stdout);
  const text = readFileSync(path.join(root, BROKEN), "utf8");
  const errors = Object.fromEntries(doc.files[0].errors.map((d) => [d.code, d]));
  // the expression has escaped quotes before the bad path; the template has Japanese text before it
  assert.equal(covered(text, errors.unknown_path), "usage.seats.ratoi");
  assert.equal(covered(text, errors.unknown_placeholder), "{usage.seats.usd}");
  assert.equal(covered(text, errors.type_mismatch), "usage.api_calls.ratio == 'high'");
  assert.equal(covered(text, errors.unknown_field), '"priorty"');
  assert.equal(covered(text, errors.unknown_feature), '"reprts"');
  const warning = doc.files[0].warnings[0];
  assert.equal(warning.code, "implicit_unlimited");
  assert.equal(covered(text, warning), '{ "seats": 25 }');
  // the caret line of the text output is under the same characters (Japanese takes two columns)
  const out = run(["lint", BROKEN]).stdout.split("\n");
  const at = out.findIndex((l) => l.includes("error[unknown_placeholder]"));
  const source = out[at + 2];
  const carets = out[at + 3];
  const width = (s) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff]/.test(ch) ? 2 : 1), 0);
  const pad = carets.indexOf("^");
  const before = source.slice(0, source.indexOf("{usage.seats.usd}"));
  assert.equal(pad, width(before));
  assert.equal(carets.trimEnd().length - pad, "{usage.seats.usd}".length);
});

test("spans count decoded characters: escapes, surrogate pairs and astral characters before the token", () => {
  const dir = mkdtempSync(path.join(tmp, "spans-"));
  // decoded: '😀é"\t' == 'x' && usage.seatz.used > 0 ; raw: \ud83d\ude00, \u00e9, \", \t, and a literal 😀
  const when = String.raw`'\ud83d\ude00\u00e9\"\t😀' == 'x' && usage.seatz.used > 0`;
  const config = `{ "metrics": { "seats": {} },\n  "plans": [{ "id": "a", "price": { "monthly": 0 }, "limits": { "seats": 1 } }],\n` +
    `  "rules": [{ "id": "r", "kind": "upsell", "when": "${when}",\n` +
    `    "message": { "en": { "title": "😀 \\u00e9 {usage.seats.usd}" } } }] }\n`;
  const file = path.join(dir, "spans.json");
  writeFileSync(file, config);
  const doc = JSON.parse(run(["lint", file, "--format", "json"]).stdout);
  const errors = Object.fromEntries(doc.files[0].errors.map((d) => [d.code, d]));
  assert.equal(covered(config, errors.unknown_path), "usage.seatz.used");
  assert.equal(covered(config, errors.unknown_placeholder), "{usage.seats.usd}");
  // columns are characters: the literal 😀 before the token counts once
  const line = config.split("\n")[2];
  assert.equal(errors.unknown_path.column, [...line.slice(0, line.indexOf("usage.seatz"))].length + 1);
});

test("a syntax error is located where the engine says, a duplicate key at its second occurrence", () => {
  const r = JSON.parse(run(["lint", "tests/lint/cases/bad/trailing-comma.json", "tests/lint/cases/bad/duplicate-key.json",
    "tests/lint/cases/bad/not-json.json", "--format", "json"]).stdout);
  const [trailing, dup, notJson] = r.files.map((f) => f.errors[0]);
  assert.deepEqual([trailing.code, trailing.line, trailing.column], ["invalid_json", 4, 3]);
  assert.match(trailing.help, /remove the one at line 3 column 48/);
  assert.equal(readFileSync(path.join(root, "tests/lint/cases/bad/trailing-comma.json"), "utf8").split("\n")[2][47], ",");
  assert.deepEqual([dup.code, dup.line, dup.column, dup.endColumn], ["duplicate_key", 4, 3, 13]);
  assert.deepEqual([notJson.code, notJson.line, notJson.column], ["invalid_json", 1, 1]);
});

test("a duplicate key in a context: the warning points at the second key", () => {
  const r = run(["lint", TEAM, "--context", "tests/lint/cases/context-duplicate.json", "--format", "json"]);
  assert.equal(r.status, 0, "warnings only");
  const [w] = JSON.parse(r.stdout).files[1].warnings;
  assert.deepEqual([w.code, w.line, w.column, w.endColumn], ["duplicate_key", 6, 3, 9]);
});

test("a minified config: the source line is cut around the caret", () => {
  const dir = mkdtempSync(path.join(tmp, "long-"));
  const config = JSON.parse(readFileSync(path.join(root, TEAM), "utf8"));
  config.rules[0].when = "usage.seats.ratio >= 0.8 && account.lifecycel != 'onboarding'";
  const file = path.join(dir, "min.json");
  writeFileSync(file, JSON.stringify(config));
  const r = run(["lint", file]);
  assert.equal(r.status, 1);
  const out = r.stdout.split("\n");
  const at = out.findIndex((l) => l.includes("error[unknown_path]"));
  const source = out[at + 2];
  const carets = out[at + 3];
  assert.ok(source.length < 140, `a cut line, not ${source.length} characters`);
  assert.match(source, /^1 \| …/);
  const pad = carets.indexOf("^");
  assert.equal(source.slice(pad, pad + "account.lifecycel".length), "account.lifecycel");
  assert.equal(carets.slice(pad).trimEnd(), "^".repeat("account.lifecycel".length));
});

// ---------------------------------------------------------------------------------------------
// Exit codes and bad input

test("exit 0 for a clean config", () => {
  const r = run(["lint", TEAM]);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, "0 errors, 0 warnings in 1 file\n");
  assert.equal(r.stderr, "");
});

test("exit 0 with warnings only", () => {
  const r = run(["lint", "tests/lint/cases/warning-only.json"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^tests\/lint\/cases\/warning-only\.json:4:75: warning\[implicit_unlimited\]/);
  assert.match(r.stdout, /0 errors, 1 warning in 1 file\n$/);
});

test("exit 1 for errors, also when another file is clean", () => {
  const r = run(["lint", TEAM, BROKEN]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /5 errors, 1 warning in 2 files\n$/);
});

const badCases = [
  ["not JSON", "tests/lint/cases/bad/not-json.json", 1, /not-json\.json:1:1: error\[invalid_json\]: config is not valid JSON/],
  ["trailing comma", "tests/lint/cases/bad/trailing-comma.json", 1, /trailing-comma\.json:4:3: error\[invalid_json\]/],
  ["duplicate keys", "tests/lint/cases/bad/duplicate-key.json", 1, /duplicate-key\.json:4:3: error\[duplicate_key\]: config has a duplicate key `currency`/],
  ["not UTF-8", "tests/lint/cases/bad/latin1.json", 2, /latin1\.json:2:41: error\[invalid_utf8\]: config file is not UTF-8/],
  ["a directory", "tests/lint/cases/bad", 2, /^tests\/lint\/cases\/bad: error\[is_directory\]: cannot read `tests\/lint\/cases\/bad`: it is a directory/],
  ["a missing file", "tests/lint/cases/bad/missing.json", 2, /^tests\/lint\/cases\/bad\/missing\.json: error\[file_not_found\]: cannot read .*: no such file/],
  ["a device", "/dev/null", 2, /^\/dev\/null: error\[not_a_file\]/],
];
for (const [name, file, status, pattern] of badCases) {
  test(`bad input, ${name}: exit ${status}, a located and coded message`, () => {
    const r = run(["lint", file]);
    assert.equal(r.status, status);
    assert.match(r.stdout, pattern);
    assert.equal(r.stderr, "");
    assertNoCrash(r);
    for (const format of ["json", "github"]) {
      const f = run(["lint", file, "--format", format]);
      assert.equal(f.status, status);
      assertNoCrash(f);
    }
  });
}

test("bad input, a 10 MB file: exit 2, too_large without reading it into the engine", () => {
  const dir = mkdtempSync(path.join(tmp, "big-"));
  writeFileSync(path.join(dir, "big.json"), Buffer.alloc(10 * 1024 * 1024, 0x20));
  const r = run(["lint", "big.json"], { cwd: dir });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "big.json: error[too_large]: config file is 10,485,760 bytes; the limit is 4,194,304 bytes (4 MiB)\n\n1 error, 0 warnings in 1 file\n");
  assertNoCrash(r);
  const doc = JSON.parse(run(["lint", "big.json", "--format", "json"], { cwd: dir }).stdout);
  assert.deepEqual(doc.files[0].errors[0], {
    code: "too_large", message: "config file is 10,485,760 bytes; the limit is 4,194,304 bytes (4 MiB)", path: [],
    line: null, column: null, endLine: null, endColumn: null,
  });
});

test("bad input, an empty file: invalid_json at 1:1", () => {
  const dir = mkdtempSync(path.join(tmp, "empty-"));
  writeFileSync(path.join(dir, "empty.json"), "");
  const r = run(["lint", "empty.json"], { cwd: dir });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^empty\.json:1:1: error\[invalid_json\]: config is not valid JSON: unexpected end of text/);
});

test("a byte order mark: linted without it, with a warning at 1:1", () => {
  const r = run(["lint", "tests/lint/cases/bad/bom.json"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^tests\/lint\/cases\/bad\/bom\.json:1:1: warning\[byte_order_mark\]/);
});

test("unreadable files win over errors: exit 2", () => {
  const r = run(["lint", BROKEN, "tests/lint/cases/bad/missing.json"]);
  assert.equal(r.status, 2);
  assert.match(r.stdout, /6 errors, 1 warning in 2 files\n$/);
});

test("--context: a config with errors is not evaluated; a bad context is located", () => {
  const r = run(["lint", BROKEN, "--context", "tests/lint/cases/context.json"]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /not evaluated: the config has errors/);
  const dir = mkdtempSync(path.join(tmp, "ctx-"));
  writeFileSync(path.join(dir, "ctx.json"), '{\n  "account": { "plan": "free" },\n  "user": { "role": "owner" }, }\n');
  const bad = run(["lint", path.join(root, TEAM), "--context", "ctx.json"], { cwd: dir });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /^ctx\.json:3:32: error\[invalid_json\]: context is not valid JSON: trailing comma before `}`/);
  const missing = run(["lint", TEAM, "--context", "nope.json"]);
  assert.equal(missing.status, 2);
  assert.match(missing.stdout, /^nope\.json: error\[file_not_found\]/);
});

// ---------------------------------------------------------------------------------------------
// GitHub escaping, colour, usage

test("github format escapes %, CR, LF in messages and , : in properties", () => {
  const dir = mkdtempSync(path.join(tmp, "gh-"));
  writeFileSync(path.join(dir, "odd,name:1.json"), '{ "plans": [{ "id": "a", "price": { "monthly": 0 } }], "50%\\noff": 1 }\n');
  const r = run(["lint", "odd,name:1.json", "--format", "github"], { cwd: dir });
  assert.equal(r.status, 1);
  const [line] = r.stdout.split("\n");
  assert.equal(line, "::error file=odd%2Cname%3A1.json,line=1,col=56,endLine=1,endColumn=66,title=unknown_field::" +
    "unknown field `50%25%0Aoff`%0Ahelp: expected one of `version`, `currency`, `metrics`, `features`, `plans`, `addons`, " +
    "`thresholds`, `purchaseRoles`, `seatMetric`, `messages`, `rules`, `readiness`, `frequency`, `placements`, " +
    "`builtins`, `rightSizing`, `forecast`, `holdout` or `$schema`");
});

const ESC = "\x1b[";
const hasScript = spawnSync("script", ["--version"]).status === 0;

/** Runs the CLI on a pseudo-terminal (util-linux `script`). */
function runOnTty(args, env = {}) {
  const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const cmd = [process.execPath, cli, ...args].map(quote).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], {
    cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "", ...env },
  });
  return r.stdout;
}

test("colour only on a terminal, never with NO_COLOR or --no-color", { skip: !hasScript && "no `script` to make a terminal" }, () => {
  assert.ok(runOnTty(["lint", BROKEN]).includes(ESC), "colours on a terminal");
  assert.ok(!runOnTty(["lint", BROKEN], { NO_COLOR: "1" }).includes(ESC), "NO_COLOR");
  assert.ok(!runOnTty(["lint", BROKEN, "--no-color"]).includes(ESC), "--no-color");
  assert.ok(runOnTty(["lint", BROKEN], { NO_COLOR: "" }).includes(ESC), "an empty NO_COLOR does not count");
});

test("no escape codes without a terminal", () => {
  for (const format of ["text", "json", "github"]) {
    const r = run(["lint", BROKEN, "--format", format]);
    assert.ok(!r.stdout.includes(ESC) && !r.stderr.includes(ESC), format);
  }
  assert.ok(!run(["lint", TEAM, "--context", "tests/lint/cases/context.json"]).stdout.includes(ESC));
});

test("--help, --version and usage errors", () => {
  const help = run(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /upgrade-prompts lint FILE\.\.\. \[--format text\|json\|github\]/);
  const version = run(["--version"]);
  assert.equal(version.status, 0);
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(cli), "package.json"), "utf8"));
  assert.equal(version.stdout, `upgrade-prompts ${pkg.version}\n`);
  const usage = [
    [[], /upgrade-prompts: check upgrade-prompts catalogs/],
    [["lint"], /error\[usage\]: no file to lint/],
    [["check", "a.json"], /error\[usage\]: unknown command `check`/],
    [["lint", "a.json", "--format", "xml"], /error\[usage\]: unknown format `xml`/],
    [["lint", "a.json", "--format"], /error\[usage\]: `--format` needs a value/],
    [["lint", "a.json", "--colour"], /error\[usage\]: unknown option `--colour`/],
    [["lint", "a.json", "b.json", "--context", "c.json"], /error\[usage\]: `--context` takes exactly one config file/],
    [["lint", "a.json", "--context", "c.json", "--format", "github"], /error\[usage\]: `--context` prints `text` or `json`/],
  ];
  for (const [args, pattern] of usage) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.equal(r.stdout, "");
    assert.match(r.stderr, pattern);
    assertNoCrash(r);
  }
});

test("the documentation's lint sample output is its golden file, verbatim", () => {
  // The blocks marked lint-example (docs/cli.md), found by tests/js/doc-blocks.mjs.
  const samples = docBlocks("lint-example", root);
  assert.ok(samples.length >= 1, "the documentation has the marked lint sample");
  for (const b of samples) {
    assert.equal(b.arg, "tests/lint/golden/broken.txt");
    assert.equal(b.code, readFileSync(path.join(root, b.arg), "utf8"));
  }
});

// ---------------------------------------------------------------------------------------------
// Hostile text: control, line-separator and bidirectional characters from configs, contexts,
// file names and the command line are shown escaped (`\u{1b}`), never acted on

/** Characters a terminal or a CI log acts on (C0 but `\n`, DEL, C1, U+2028/9, bidi controls). */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const HOSTILE = [
  "x\n::warning file=ci.yml,line=1::injected",
  "\u001b]8;;https://example.invalid\u0007link\u001b]8;;\u0007",
  "\u001b[2J\u001b[31mred\r",
  "\u009b2Jc1",
  "a\u2028b\u2029c",
  "\u202eexe.txt\u202c \u2066iso\u2069",
  "del\u007f\u0000nul",
];

/** No character of UNSAFE, and no line a runner would read as a workflow command. */
function assertShownSafely(out, label) {
  const bad = UNSAFE.exec(out);
  assert.equal(bad, null, `${label}: raw U+${bad && bad[0].codePointAt(0).toString(16).padStart(4, "0")}`);
  for (const line of out.split("\n")) assert.ok(!line.startsWith("::"), `${label}: a workflow command line: ${line}`);
}

/** A config whose feature ids are hostile strings (raw in the file, as JSON allows: C1, DEL,
 * separators and bidi controls; C0 as JSON escapes), one per line, and a hostile unknown key. */
function writeHostile(dir) {
  const config = {
    version: 1, currency: "USD",
    plans: [{ id: "a", price: { monthly: 0 }, features: HOSTILE }],
    "\u001b[8mhidden": 1,
  };
  writeFileSync(path.join(dir, "hostile.json"), JSON.stringify(config, null, 2) + "\n");
}

test("text format escapes control, separator and bidi characters of config strings and file names: golden", () => {
  const dir = mkdtempSync(path.join(tmp, "hostile-"));
  writeHostile(dir);
  const missing = "gone\u001b]0;title\u0007\n::error::x.json";
  const r = run(["lint", "hostile.json", missing], { cwd: dir });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "");
  assertShownSafely(r.stdout, "text");
  assert.ok(r.stdout.includes("hostile.json:11:9: error[unknown_feature]: unknown feature `x\\u{a}::warning file=ci.yml,line=1::injected`"));
  assert.ok(r.stdout.includes("gone\\u{1b}]0;title\\u{7}\\u{a}::error::x.json: error[file_not_found]"));
  golden("hostile.txt", r.stdout);
  // --format json is JSON: the values are there as they are, escaped by JSON itself
  const json = JSON.parse(run(["lint", "hostile.json", "--format", "json"], { cwd: dir }).stdout);
  const messages = json.files[0].errors.map((d) => d.message);
  for (const value of HOSTILE) assert.ok(messages.includes(`unknown feature \`${value}\``), JSON.stringify(value));
});

test("github format escapes them too (CR and LF as %0D and %0A): one workflow command per problem", () => {
  const dir = mkdtempSync(path.join(tmp, "hostile-gh-"));
  writeHostile(dir);
  const r = run(["lint", "hostile.json", "--format", "github"], { cwd: dir });
  assert.equal(r.status, 1);
  assert.equal(UNSAFE.exec(r.stdout), null);
  const lines = r.stdout.split("\n");
  assert.equal(lines.pop(), "");
  assert.equal(lines.pop(), "8 errors, 0 warnings in 1 file");
  for (const line of lines) assert.match(line, /^::error file=hostile\.json,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[a-z_]+::/);
  assert.ok(lines.includes("::error file=hostile.json,line=11,col=9,endLine=11,endColumn=52,title=unknown_feature::" +
    "unknown feature `x%0A::warning file=ci.yml,line=1::injected`"));
  assert.ok(lines.some((l) => l.endsWith("::unknown feature `\\u{1b}[2J\\u{1b}[31mred%0D`")));
});

test("--context: callout texts and file names are escaped in the evaluation: golden", () => {
  const dir = mkdtempSync(path.join(tmp, "hostile-ctx-"));
  const config = JSON.parse(readFileSync(path.join(root, TEAM), "utf8"));
  config.features.sso.label = `Single sign-on${HOSTILE[0]}`;
  const rule = config.rules.find((r) => r.id === "api-running-out");
  rule.message.en.title = `API ${HOSTILE[1]}${HOSTILE[5]} {usage.api_calls.daysLeft}`;
  rule.message.en.body = `${HOSTILE[3]}${HOSTILE[4]}${HOSTILE[6]}`;
  writeFileSync(path.join(dir, "team.json"), JSON.stringify(config, null, 2));
  const context = "ctx\u001b[2J\u202e.json";
  copyFileSync(path.join(root, "tests/lint/cases/context.json"), path.join(dir, context));
  const r = run(["lint", "team.json", "--context", context], { cwd: dir });
  assert.equal(r.status, 1, "the context has errors");
  assertShownSafely(r.stdout, "--context");
  assert.ok(r.stdout.includes("evaluation of ctx\\u{1b}[2J\\u{202e}.json with team.json\n"));
  golden("hostile-context.txt", r.stdout);
});

test("usage errors escape the arguments they quote", () => {
  const r = run(["lint", "a.json", "--format", "\u001b[2J\n::error::x"]);
  assert.equal(r.status, 2);
  assertShownSafely(r.stderr, "stderr");
  assert.match(r.stderr, /unknown format `\\u\{1b\}\[2J\\u\{a\}::error::x`/);
});

test("on a terminal the only escape sequences are the colours", { skip: !hasScript && "no `script` to make a terminal" }, () => {
  const dir = mkdtempSync(path.join(tmp, "hostile-tty-"));
  writeHostile(dir);
  const out = runOnTty(["lint", path.join(dir, "hostile.json")]);
  assert.ok(out.includes(ESC), "colours on a terminal");
  // SGR sequences only (the terminal turns \n into \r\n)
  const rest = out.replace(/\x1b\[[0-9;]*m/g, "").replace(/\r\n/g, "\n");
  assert.equal(UNSAFE.exec(rest), null);
});

// ---------------------------------------------------------------------------------------------
// Time: each problem costs the same however long its line is (a ratio of two sizes, never an
// absolute time)

test("lint time grows linearly with a one-line catalog that has a problem every few hundred columns", (t) => {
  const dir = mkdtempSync(path.join(tmp, "linear-"));
  // The worst shape: everything on one line (a minified file), with problems spread along it
  // (each an unknown feature with a character outside the BMP); 4 times the size is 4 times the
  // problems on a 4 times longer line.
  const write = (n) => {
    const features = Array.from({ length: n }, (_, i) => `${" ".repeat(500)}"\u{1f600}f${i}"`).join(",");
    const file = path.join(dir, `one-line-${n}.json`);
    writeFileSync(file, `{"version":1,"currency":"USD","plans":[{"id":"a","price":{"monthly":0},"features":[${features}]}]}`);
    return file;
  };
  const small = write(100);
  const big = write(400);
  const time = (file, timeout) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, "lint", file], { encoding: "utf8", timeout, maxBuffer: 64 << 20 });
    const ms = performance.now() - t0;
    if (r.error && r.error.code === "ETIMEDOUT") return Infinity;
    assert.equal(r.status, 1);
    return ms;
  };
  // Linear: at most 4 times (less, as starting Node is part of both). Quadratic: 16 times.
  const RATIO = 8;
  let tSmall = Infinity;
  for (let k = 0; k < 3; k++) tSmall = Math.min(tSmall, time(small));
  // The least of up to 3 runs (each stopped once over the limit): one run within it passes.
  let tBig = Infinity;
  for (let k = 0; k < 3 && !(tBig <= tSmall * RATIO); k++) tBig = Math.min(tBig, time(big, Math.ceil(tSmall * RATIO)));
  t.diagnostic(`100 problems: ${Math.round(tSmall)} ms; 400 problems: ${Math.round(tBig)} ms; ratio ${(tBig / tSmall).toFixed(2)}`);
  assert.ok(tBig <= tSmall * RATIO,
    `400 problems on a 200 KB line took ${tBig === Infinity ? "too long" : `${Math.round(tBig)} ms`}, ` +
    `${(tBig / tSmall).toFixed(1)} times the ${Math.round(tSmall)} ms of 100 problems on a 50 KB line (allowed: ${RATIO} times)`);
});

// ---- compile ----------------------------------------------------------------------------------

test("compile: a valid config is written compiled; the bytes load and are those of the engine's compile", async () => {
  const out = path.join(tmp, "team.bin");
  const r = run(["compile", path.join(root, "www/samples/team.json"), "-o", out]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /team\.bin: \d+ bytes, hash [0-9a-f]{16}, reads \d+ context paths/);
  assert.match(r.stdout, /0 errors, 0 warnings in 1 file\n$/);
  const bytes = readFileSync(out);
  const { compile } = await import(path.join(tmp, "node_modules/upgrade-prompts/audience/node.js"));
  assert.deepEqual(new Uint8Array(bytes), compile(readFileSync(path.join(root, "www/samples/team.json"), "utf8")).bytes);
  const { PromptEngine } = await import(path.join(tmp, "node_modules/upgrade-prompts/node.js"));
  new PromptEngine(new Uint8Array(bytes)).free();
});

test("compile: a config with errors prints them as lint does, exits 1 and writes nothing", () => {
  const out = path.join(tmp, "broken.bin");
  const r = run(["compile", BROKEN, "-o", out]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, run(["lint", BROKEN]).stdout);
  assert.match(r.stderr, /nothing written/);
  assert.ok(!existsSync(out));
});

test("compile: usage errors exit 2", () => {
  for (const args of [["compile", BROKEN], ["compile", "-o", "x.bin"], ["compile", BROKEN, BROKEN, "-o", "x.bin"], ["lint", BROKEN, "-o", "x.bin"]]) {
    const r = run(args);
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, /error\[usage\]/);
  }
});
