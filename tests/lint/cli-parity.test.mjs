// One command, two programs: the npm bin (js/cli.mjs over the audience wasm, run from the
// packed package) and the native binary (cli/, built by `cargo build -p upgrade-prompts-cli`)
// run on the same inputs, for every command they share.
//
// Compared exactly:
// - `simulate`, `generate` and `analyze`: stdout bytes, exit code and stderr text. The one
//   stderr line left out of the comparison is the timing line ("simulated N accounts in X s
//   (…, T threads)", "analyzed N events in X s (…)"), whose seconds and thread count differ by
//   nature; it is checked to be there on both sides unless `--quiet`. Neither program draws a progress bar here: the native
//   one draws it only when stderr is a terminal, the npm bin never does.
// - `generate --out FILE` and `generate --events FILE`: the files' bytes.
// - `lint` and `compile`: stdout bytes, stderr text and exit code, for every case of
//   tests/lint/cases/ (and bad, hostile, long-line and unreadable files) in every format, with
//   and without `--context`, and on a pseudo-terminal the coloured text; for `compile` also the
//   bytes of the compiled catalog. Both print their reports through the library's
//   `audience::lint`. (Usage errors that the native binary's argument parser finds itself are
//   worded by it: the npm bin's own parser is checked in lint.test.mjs.)
// - Parquet, which only the native binary reads: the npm bin answers exit 2 with
//   `error[unsupported_format]` naming the native binary.
//
//   node --test tests/lint/cli-parity.test.mjs   (after `make pkg` and `cargo build -p upgrade-prompts-cli`)
//   UPGRADE_PROMPTS_NATIVE=path/to/upgrade-prompts picks another native binary.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NOW = "2026-11-24T09:00:00Z";
const SAMPLES = ["team", "api", "features"].map((n) => `www/samples/${n}.json`);

let tmp;
let npmBin;
let nativeBin;

before(() => {
  nativeBin = process.env.UPGRADE_PROMPTS_NATIVE ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug/upgrade-prompts");
  assert.ok(existsSync(nativeBin), `no native binary at ${nativeBin}: run \`cargo build -p upgrade-prompts-cli\` first`);
  tmp = mkdtempSync(path.join(tmpdir(), "upgrade-prompts-parity-"));
  const tarball = execFileSync("npm", ["pack", path.join(root, "pkg"), "--silent"], { cwd: tmp, encoding: "utf8" })
    .trim().split("\n").pop();
  const dest = path.join(tmp, "node_modules/upgrade-prompts");
  mkdirSync(dest, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(tmp, tarball), "-C", dest, "--strip-components=1"]);
  // The sources under test, where the package ships them (a stale pkg/ cannot hide a change).
  copyFileSync(path.join(root, "js/cli.mjs"), path.join(dest, "cli.mjs"));
  mkdirSync(path.join(dest, "cli"), { recursive: true });
  for (const f of readdirSync(path.join(root, "js/cli"))) copyFileSync(path.join(root, "js/cli", f), path.join(dest, "cli", f));
  npmBin = path.join(dest, "cli.mjs");
  writeInputs();
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Input files written once into the temporary directory (named relative to it). */
function writeInputs() {
  const w = (name, text) => writeFileSync(path.join(tmp, name), text);
  // The fixture contexts as JSON Lines, with a blank line, a bad line and a non-object.
  const contexts = readdirSync(path.join(root, "tests/fixtures/contexts")).sort()
    .map((f) => JSON.stringify(JSON.parse(readFileSync(path.join(root, "tests/fixtures/contexts", f), "utf8"))));
  w("contexts.jsonl", contexts.join("\n") + "\n");
  w("mixed.jsonl", `${contexts[0]}\n\n{"account": \n[1,2]\n${contexts[1]}\r\n`);
  w("bom.jsonl", `\ufeff${contexts[0]}\n`);
  w("empty.jsonl", "");
  w("latin1.jsonl", Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d, 0x0a]));
  w("accounts.txt", readFileSync(path.join(root, "cli/tests/fixtures/accounts.jsonl")));
  // CSV: typed columns, add-ons, history, and rows with errors (the native tool's own cases).
  w("good.csv", [
    "account.id,account.plan,usage.seats.used,account.healthScore,account.traits.tier,account.addons,now,usage.api_calls.used",
    `a1,team,24,80,007,api_boost:2,${NOW},45000`,
    `a2,free,3,55,true,,${NOW},900`,
    `"a,3",team,"25",90,x,reports_plus;api_boost,${NOW},1000`,
  ].join("\n") + "\n");
  w("bad.csv", "account.id,account.plan,usage.seats.used,acount.healthScore,account.traits.tier\n" +
    "a1,team,4,50,007\na2,team,lots,1,x\na3,gold,1,,\na4,team\na5,free,2,,\n");
  w("header.csv", "account.plan,usage.seats.used\n");
  w("empty.csv", "");
  w("accounts.parquet", "PAR1");
  w("accounts.unknown", contexts[0] + "\n");
  w("invalid-config.json", JSON.stringify({ version: 1, currency: "USD", plans: [{ id: "x", label: "X", limits: { nope: 1 } }] }));
  w("not-json.json", "{ nope");
  w("control\u001bname.jsonl", contexts[0] + "\n");
  mkdirSync(path.join(tmp, "a-directory.jsonl"), { recursive: true });
  // Event logs: good and bad lines, out of time order, the program holdout; the same as CSV.
  const ev = (type, at, unit, more = {}) => JSON.stringify({ type, at, unit, ...more });
  const up = { callout: "seats-near-limit" };
  const exposed = (unit, arm, at = "2026-11-02T10:00:00Z") => ev("exposure", at, unit, { ...up, experiment: "seat-copy", arm });
  w("events.jsonl", [
    ev("convert", "2026-11-05T00:00:00Z", "acct_1", { ...up, target: "team", mrrDelta: 36 }),
    exposed("acct_1", "control"),
    exposed("acct_2", "holdout"),
    ev("convert", "2026-11-06T00:00:00Z", "acct_2", { target: "reports_plus" }),
    exposed("acct_3", "roi"),
    ev("impression", "2026-11-02T10:00:00Z", "acct_3", { ...up, placement: "banner" }),
    ev("click", "2026-11-02T10:01:00Z", "acct_3", up),
    ev("dismiss", "2026-11-02T10:02:00Z", "acct_4", { callout: "feature_gate:sso" }),
    ev("exposure", "2026-11-01T00:00:00Z", "acct_5", { ...up, experiment: "$program", arm: "holdout" }),
    ev("exposure", "2026-11-01T00:00:00Z", "acct_6", { ...up, experiment: "$program", arm: "exposed" }),
    ev("convert", "2026-11-03T00:00:00Z", "acct_6", { mrrDelta: -12 }),
  ].join("\n") + "\n");
  w("bad-events.jsonl", [
    exposed("acct_1", "control"),
    "{\"type\": ",
    "",
    "[1]",
    ev("view", "2026-11-02T10:00:00Z", "u"),
    ev("click", "yesterday", "u", up),
    ev("click", "2026-11-02T10:00:00Z", "\u001b[31mred", { callout: "x\u2028y", kind: "seat" }),
    exposed("acct_2", "variant-b"),
    ev("convert", "2026-11-02T10:00:00Z", "u", { target: "teem" }),
  ].join("\n") + "\n");
  w("events.csv", "type,at,unit,callout,experiment,arm,placement,kind,target,mrrDelta,colour\n" +
    "exposure,2026-11-02T10:00:00Z,acct_1,seats-near-limit,seat-copy,control,,,,,\n" +
    "convert,2026-11-05T00:00:00Z,acct_1,seats-near-limit,,,,,team,36,\n" +
    "exposure,2026-11-02T10:00:00Z,acct_2,seats-near-limit,seat-copy,holdout,,,,,\n" +
    "click,2026-11-02T10:00:00Z,acct_2\n" +
    "convert,2026-11-05T00:00:00Z,acct_2,,,,,,,lots,\n" +
    "impression,2026-11-02,acct_3,api-running-out,,,banner,usage_limit,,,\n");
  w("events.parquet", "PAR1");
  w("empty-events.jsonl", "");
}

/** Runs one program; `bin` is `npm` or `native`. */
function run(bin, args, { cwd = tmp } = {}) {
  const [cmd, pre] = bin === "npm" ? [process.execPath, [npmBin]] : [nativeBin, []];
  const r = spawnSync(cmd, [...pre, ...args], { cwd, maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
}

const TIMING = /^(simulated \d+ accounts in \d+\.\d\d s \(\d+ accounts\/s, \d+ threads\)(; \d+ with errors)?|analyzed \d+ events in \d+\.\d\d s \(\d+ events\/s\)(; \d+ bad lines)?)$/;

/** stderr without the timing line; and whether it had one. */
function splitTiming(stderr) {
  const lines = stderr.split("\n");
  const timing = lines.filter((l) => TIMING.test(l));
  return { rest: lines.filter((l) => !TIMING.test(l)).join("\n"), timing: timing.length };
}

/** Runs both and asserts the same stdout bytes, exit code and stderr; returns the npm run. */
function same(args, { stderr = true } = {}) {
  const a = run("native", args);
  const b = run("npm", args);
  const what = `upgrade-prompts ${args.join(" ")}`;
  assert.equal(b.status, a.status, `${what}: exit code\nnative stderr: ${a.stderr}\nnpm stderr: ${b.stderr}`);
  assert.ok(Buffer.compare(a.stdout, b.stdout) === 0, `${what}: stdout differs\n--- native\n${a.stdout}\n--- npm\n${b.stdout}`);
  const sa = splitTiming(a.stderr);
  const sb = splitTiming(b.stderr);
  if (stderr) assert.equal(sb.rest, sa.rest, `${what}: stderr differs`);
  assert.equal(sb.timing, sa.timing, `${what}: timing line on one side only`);
  return b;
}

test("simulate: the sample catalogs over the fixture accounts, in every output format", () => {
  for (const config of SAMPLES) {
    const abs = path.join(root, config);
    for (const format of ["table", "json", "csv"]) {
      const r = same(["simulate", "--config", abs, "--accounts", "accounts.txt", "--input-format", "jsonl", "--now", NOW, "--format", format, "--quiet"]);
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}`);
      assert.ok(r.stdout.length > 100, "a report was written");
    }
  }
});

test("simulate: options (top, placement, horizon, threads, now from the contexts) and the timing line", () => {
  const team = path.join(root, SAMPLES[0]);
  // (The fixture contexts carry their own `now`; `--now` is the clock of the report's header.)
  same(["simulate", "--config", team, "--accounts", "contexts.jsonl", "--now", NOW, "--top", "1", "--placement", "banner", "--horizon", "30"]);
  same(["simulate", "--config", team, "--accounts", "contexts.jsonl", `--now=${NOW}`, "--top=0", "--threads", "3", "--format", "json"]);
  same(["simulate", "--config", path.join(root, "tests/fixtures/product-example.json"), "--accounts", "contexts.jsonl", "--format=csv", "-q"]);
  same(["simulate", "--quiet", "--accounts", "contexts.jsonl", "--format", "csv", "--config", team]);
});

test("simulate: generated accounts, written by both programs, are the same file and the same report", () => {
  for (const config of SAMPLES) {
    const abs = path.join(root, config);
    const gen = ["generate", "--config", abs, "--accounts", "400", "--seed", "7", "--now", NOW];
    const r = same(gen);
    assert.equal(r.stdout.toString("utf8").split("\n").length, 401);
    // To a file: one per program, nothing on stdout or stderr, exit 0.
    const name = `generated-${path.basename(config, ".json")}`;
    const a = run("native", [...gen, "--out", `${name}-a.jsonl`]);
    const b = run("npm", [...gen, "--out", `${name}-b.jsonl`]);
    assert.deepEqual([b.status, b.stdout.length, b.stderr], [a.status, a.stdout.length, a.stderr]);
    assert.equal(a.status, 0);
    const fa = readFileSync(path.join(tmp, `${name}-a.jsonl`));
    const fb = readFileSync(path.join(tmp, `${name}-b.jsonl`));
    assert.ok(fa.length > 0 && Buffer.compare(fa, fb) === 0, `${name}: generated files differ`);
    for (const format of ["table", "json", "csv"]) {
      same(["simulate", "--config", abs, "--accounts", `${name}-a.jsonl`, "--now", NOW, "--format", format, "--top", "15"]);
    }
  }
});

test("simulate: --rates, --accounts-out and --format reach-csv print and write the same bytes", () => {
  const config = path.join(root, "tests/fixtures/product-example.json");
  const gen = ["generate", "--config", config, "--accounts", "300", "--seed", "3", "--now", NOW];
  assert.equal(run("native", [...gen, "--out", "sized.jsonl", "--events", "sized-events.jsonl"]).status, 0);
  const analyzed = run("native", ["analyze", "--config", config, "--events", "sized-events.jsonl", "--format", "json"]);
  writeFileSync(path.join(tmp, "rates.json"), analyzed.stdout);
  writeFileSync(path.join(tmp, "other-rates.json"), JSON.stringify({ callouts: [{ id: "usage_limit:seats", impressions: 10, conversions: 1 }, { id: "gone", impressions: 5, conversions: 1 }] }));
  writeFileSync(path.join(tmp, "bad-rates.json"), JSON.stringify({ callouts: [{ id: "x", impressions: -1, conversions: 0 }, 7] }));
  const sim = ["simulate", "--config", config, "--accounts", "sized.jsonl", "--now", NOW, "-q"];
  for (const format of ["table", "json", "csv", "reach-csv"]) {
    assert.equal(same([...sim, "--rates", "rates.json", "--format", format]).status, 0);
  }
  assert.equal(same([...sim, "--rates", "other-rates.json", "--format", "reach-csv"]).status, 0);
  for (const bad of ["bad-rates.json", "not-json.json", "no-such-rates.json", "a-directory.jsonl"]) {
    assert.equal(same([...sim, "--rates", bad]).status, 2);
  }
  for (const ext of ["csv", "jsonl"]) {
    const a = run("native", [...sim, "--rates", "rates.json", "--accounts-out", `rows-a.${ext}`]);
    const b = run("npm", [...sim, "--rates", "rates.json", "--accounts-out", `rows-b.${ext}`]);
    assert.equal(a.status, 0, a.stderr);
    assert.deepEqual([b.status, b.stderr], [a.status, a.stderr]);
    const fa = readFileSync(path.join(tmp, `rows-a.${ext}`));
    const fb = readFileSync(path.join(tmp, `rows-b.${ext}`));
    assert.ok(fa.length > 0 && Buffer.compare(fa, fb) === 0, `rows.${ext}: the files differ`);
    assert.equal(fa.toString("utf8").trimEnd().split("\n").length, ext === "csv" ? 301 : 300);
  }
  // Parquet is the native binary's: the npm bin answers a coded error; an unknown extension is
  // a usage error in both.
  assert.equal(run("native", [...sim, "--accounts-out", "rows.parquet"]).status, 0);
  const p = run("npm", [...sim, "--accounts-out", "rows-b.parquet"]);
  assert.equal(p.status, 2);
  assert.match(p.stderr, /^upgrade-prompts: error\[unsupported_format\]: `--accounts-out rows-b\.parquet` is Parquet/);
  assert.equal(same([...sim, "--accounts-out", "rows.txt"]).status, 2);
});

test("simulate: CSV input, typed columns and bad rows and headers", () => {
  const team = path.join(root, SAMPLES[0]);
  for (const format of ["table", "json", "csv"]) {
    assert.equal(same(["simulate", "--config", team, "--accounts", "good.csv", "--now", NOW, "--format", format]).status, 0);
    assert.equal(same(["simulate", "--config", team, "--accounts", "bad.csv", "--now", NOW, "--format", format]).status, 1);
  }
  assert.equal(same(["simulate", "--config", team, "--accounts", "header.csv", "--now", NOW]).status, 1);
  assert.equal(same(["simulate", "--config", team, "--accounts", "empty.csv", "--now", NOW]).status, 1);
});

test("simulate: bad accounts and files (exit 1 or 2, the same messages)", () => {
  const team = path.join(root, SAMPLES[0]);
  const sim = (accounts, ...more) => same(["simulate", "--config", team, "--accounts", accounts, "--now", NOW, ...more]);
  assert.equal(sim("mixed.jsonl", "--format", "json").status, 1);
  assert.equal(sim("mixed.jsonl").status, 1);
  assert.equal(sim("bom.jsonl").status, 0);
  assert.equal(sim("empty.jsonl").status, 1);
  assert.equal(sim("latin1.jsonl").status, 1);
  assert.equal(sim("control\u001bname.jsonl").status, 0);
  assert.equal(sim("missing.jsonl").status, 2);
  assert.equal(sim("a-directory.jsonl").status, 2);
  assert.equal(sim("accounts.unknown").status, 2);
  for (const config of ["missing.json", "a-directory.jsonl", "invalid-config.json", "not-json.json"]) {
    const r = same(["simulate", "--config", config, "--accounts", "contexts.jsonl"]);
    assert.equal(r.status, 2);
  }
  for (const bad of [["--now", "yesterday"], ["--now", "1900-01-01T00:00:00Z"], ["--horizon", "0"], ["--horizon", "2.5"], ["--horizon", "inf"]]) {
    assert.equal(same(["simulate", "--config", team, "--accounts", "contexts.jsonl", ...bad]).status, 2);
  }
});

test("usage errors: the same exit code and message", () => {
  const team = path.join(root, SAMPLES[0]);
  const cases = [
    ["simulate"],
    ["simulate", "--config", team],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--top", "x"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--top", "20000"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--top="],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--format", "xml"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--format", "jsn"],
    ["simulate", "--conf", team, "--accounts", "contexts.jsonl"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--quiet=1"],
    ["generate", "--config", team, "--acounts", "3"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--input-format", "tsv"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--horizon", "abc"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--threads", "0"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--config", team],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "-q", "-q"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "-x"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "extra"],
    ["simulate", "--config", team, "--accounts"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--now", "-x"],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--top", "--quiet"],
    ["generate", "--config", team],
    ["generate", "--config", team, "--accounts", "0"],
    ["generate", "--config", team, "--accounts", "3", "--seed", "99999999999999999999"],
    ["generate", "--config", team, "--accounts", "3", "--seed", "-1"],
  ];
  for (const args of cases) assert.equal(same(args).status, 2);
});

test("generate: seeds, stdout and files, bad arguments", () => {
  const team = path.join(root, SAMPLES[0]);
  same(["generate", "--config", team, "--accounts", "1", "--now", NOW]);
  same(["generate", "--config", team, "--accounts=25", "--seed=+18446744073709551615", `--now=${NOW}`, "--out", "-"]);
  same(["generate", "--config", team, "--accounts", "20001", "--seed", "3", "--now", NOW]);
  assert.equal(same(["generate", "--config", team, "--accounts", "3", "--now", "not a date"]).status, 2);
  assert.equal(same(["generate", "--config", "invalid-config.json", "--accounts", "3", "--now", NOW]).status, 2);
  assert.equal(same(["generate", "--config", "missing.json", "--accounts", "3"]).status, 2);
  assert.equal(same(["generate", "--config", team, "--accounts", "3", "--now", NOW, "--out", "no-such-dir/x.jsonl"]).status, 2);
});

/** The lint inputs: every case of tests/lint/cases/ and more, written into `lint/`. */
function writeLintInputs() {
  const dir = path.join(tmp, "lint");
  cpSync(path.join(root, "tests/lint/cases"), dir, { recursive: true });
  const w = (name, text) => writeFileSync(path.join(dir, name), text);
  const team = JSON.parse(readFileSync(path.join(root, SAMPLES[0]), "utf8"));
  // One line, a problem far along it, and wide and astral characters before it.
  const min = structuredClone(team);
  min.rules[0].when = "usage.seats.ratio >= 0.8 && account.lifecycel != 'onboarding'";
  min.features.sso.label = "シングルサインオン 😀".repeat(20);
  w("minified.json", JSON.stringify(min));
  // Control, separator and bidirectional characters in values, a key and the file name.
  const hostile = ["x\n::warning file=ci.yml,line=1::injected", "\u001b]8;;https://example.invalid\u0007link", "a\u2028b\u202ec\u061c\u200e", "tab\there"];
  w("hostile.json", JSON.stringify({ version: 1, currency: "USD", plans: [{ id: "a", price: { monthly: 0 }, features: hostile }], "\u001b[8mhidden": 1 }, null, 2) + "\n");
  w("odd,name:1 \u001b[2J.json", '{ "plans": [{ "id": "a", "price": { "monthly": 0 } }], "50%\\noff": 1 }\n');
  w("crlf.json", JSON.stringify(team, null, 2).replace(/\n/g, "\r\n").replace('"seats"', '"seatz"'));
  w("tabs.json", '{\n\t"plans": [{ "id": "a", "price": { "monthly": 0 }, "features": ["\tx"] }],\n\t"rules": [{ "id": "r", "kind": "upsell", "when": "usage.seats.usd > 1" }]\n}\n');
  w("empty.json", "");
  w("big.json", Buffer.alloc((4 << 20) + 1, 0x20));
  const ctx = JSON.parse(readFileSync(path.join(dir, "context.json"), "utf8"));
  w("context-bom.json", "\ufeff" + JSON.stringify(ctx));
  w("context-big.json", Buffer.alloc((1 << 20) + 1, 0x20));
  w("context-trailing.json", '{\n  "account": { "plan": "free" },\n  "user": { "role": "owner" }, }\n');
  w("hostile-team.json", JSON.stringify({ ...team, features: { ...team.features, sso: { ...team.features.sso, label: "SSO\u001b[31m\u2028" } } }, null, 2));
  return dir;
}

test("lint: every case in every format, the same bytes and exit codes", () => {
  const dir = writeLintInputs();
  const files = readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("context")).sort()
    .map((f) => `lint/${f}`);
  const bad = readdirSync(path.join(dir, "bad")).sort().map((f) => `lint/bad/${f}`);
  const unreadable = ["lint/bad", "lint/missing.json", "lint/bad/missing/x.json", "lint/broken.json/x", "/dev/null"];
  const codes = new Set();
  for (const format of ["text", "json", "github"]) {
    for (const file of [...files, ...bad, ...unreadable]) codes.add(same(["lint", file, "--format", format]).status);
    // Several files in one run, unreadable ones among them.
    same(["lint", ...files, ...bad, ...unreadable, `--format=${format}`]);
  }
  assert.deepEqual([...codes].sort(), [0, 1, 2]);
  same(["lint", "lint/broken.json", "--no-color"]);
  same(["lint", "--", "lint/warning-only.json"]);
});

test("lint --context: every context, config and format, the same bytes and exit codes", () => {
  writeLintInputs();
  const team = path.join(root, SAMPLES[0]);
  const contexts = readdirSync(path.join(tmp, "lint")).filter((f) => f.startsWith("context")).sort()
    .map((f) => `lint/${f}`);
  const configs = [team, "lint/hostile-team.json", "lint/broken.json", "lint/bad/latin1.json", "lint/missing.json", "lint/bad/bom.json"];
  for (const format of ["text", "json"]) {
    for (const config of configs) {
      for (const context of [...contexts, "lint/bad/not-json.json", "lint/bad/latin1.json", "lint/bad", "lint/nope.json"]) {
        same(["lint", config, "--context", context, "--format", format]);
      }
    }
  }
  // Usage errors the options make: the same message too.
  for (const args of [["lint", team, team, "--context", "lint/context.json"], ["lint", team, "--context", "lint/context.json", "--format", "github"]]) {
    assert.equal(same(args).status, 2);
  }
});

const hasScript = spawnSync("script", ["--version"]).status === 0;

/** Runs one program on a pseudo-terminal (util-linux `script`); stdout and stderr as one text. */
function runOnTty(bin, args, env) {
  const quote = (a) => `'${a.replace(/'/g, "'\\''")}'`;
  const cmd = (bin === "npm" ? [process.execPath, npmBin] : [nativeBin]).concat(args).map(quote).join(" ");
  const r = spawnSync("script", ["-qec", cmd, "/dev/null"], { cwd: tmp, encoding: "utf8", env: { ...process.env, ...env } });
  return r.stdout;
}

test("lint on a terminal: the same colours, and none with --no-color or NO_COLOR", { skip: !hasScript && "no `script` to make a terminal" }, () => {
  writeLintInputs();
  const team = path.join(root, SAMPLES[0]);
  const cases = [
    [["lint", "lint/broken.json", "lint/warning-only.json", "lint/missing.json"], {}],
    [["lint", team, "--context", "lint/context.json"], {}],
    [["lint", team], {}],
    [["lint", "lint/broken.json"], { NO_COLOR: "1" }],
    [["lint", "lint/broken.json", "--no-color"], {}],
    [["lint", "lint/broken.json"], { NO_COLOR: "" }],
  ];
  for (const [args, env] of cases) {
    const a = runOnTty("native", args, { NO_COLOR: "", ...env });
    const b = runOnTty("npm", args, { NO_COLOR: "", ...env });
    assert.equal(b, a, `${args.join(" ")} ${JSON.stringify(env)} on a terminal`);
    const colours = !args.includes("--no-color") && env.NO_COLOR !== "1";
    assert.equal(a.includes("\x1b["), colours, `${args.join(" ")} ${JSON.stringify(env)}`);
  }
});

test("compile: the same report, messages, exit codes and compiled bytes", () => {
  writeLintInputs();
  const configs = [...SAMPLES.map((c) => path.join(root, c)), "invalid-config.json", "not-json.json", "missing.json",
    "lint/broken.json", "lint/warning-only.json", "lint/bad/bom.json", "lint/bad/latin1.json", "lint/bad", "lint/big.json"];
  for (const config of configs) {
    for (const format of ["text", "json", "github"]) {
      // One output name for both, so that the line saying what was written is the same.
      const out = "compiled.bin";
      rmSync(path.join(tmp, out), { force: true });
      const a = run("native", ["compile", config, "-o", out, "--format", format]);
      const written = a.status === 0 ? readFileSync(path.join(tmp, out)) : null;
      rmSync(path.join(tmp, out), { force: true });
      const b = same(["compile", config, "-o", out, "--format", format]);
      if (a.status === 0) {
        const fb = readFileSync(path.join(tmp, out));
        assert.ok(written.length > 0 && Buffer.compare(written, fb) === 0, `compile ${config}: the artifacts differ`);
        assert.match(b.stderr, /^compiled\.bin: \d+ bytes, hash [0-9a-f]{16}, reads \d+ context paths\n$/);
      } else {
        assert.ok(!existsSync(path.join(tmp, out)), `compile ${config}: nothing is written on an error`);
      }
    }
  }
  // An output that cannot be written: exit 2 and the same message.
  const r = same(["compile", path.join(root, SAMPLES[0]), "-o", "no-such-dir/x.bin"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /error\[write_failed\]: cannot write `no-such-dir\/x\.bin`: No such file or directory \(os error 2\)/);
});

test("Parquet: the npm bin names the native binary", () => {
  const team = path.join(root, SAMPLES[0]);
  const r = run("npm", ["simulate", "--config", team, "--accounts", "accounts.parquet"]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout.length, 0);
  assert.match(r.stderr, /^upgrade-prompts: error\[unsupported_format\]: `accounts\.parquet` is Parquet, which only the native `upgrade-prompts` binary reads \(install it with `cargo install --path cli`\)\n$/);
  // Before the format, the arguments and the config are checked as the native binary does.
  same(["simulate", "--config", "missing.json", "--accounts", "accounts.parquet"]);
  same(["simulate", "--config", team, "--accounts", "accounts.parquet", "--now", "x"]);
});

test("analyze: generated logs (the same files from both programs) in every output format", () => {
  for (const config of SAMPLES) {
    const abs = path.join(root, config);
    const name = `events-${path.basename(config, ".json")}`;
    const gen = ["generate", "--config", abs, "--accounts", "300", "--seed", "11", "--now", NOW];
    const a = run("native", [...gen, "--events", `${name}-a.jsonl`]);
    const b = run("npm", [...gen, "--events", `${name}-b.jsonl`]);
    assert.deepEqual([b.status, b.stdout.length, b.stderr], [a.status, 0, a.stderr]);
    const fa = readFileSync(path.join(tmp, `${name}-a.jsonl`));
    assert.ok(fa.length > 0 && Buffer.compare(fa, readFileSync(path.join(tmp, `${name}-b.jsonl`))) === 0, `${name}: event logs differ`);
    for (const format of ["table", "json", "csv"]) {
      assert.equal(same(["analyze", "--config", abs, "--events", `${name}-a.jsonl`, "--format", format]).status, 0);
    }
    same(["analyze", "--config", abs, "--events", `${name}-a.jsonl`, "--from", "2026-11-01", "--to", "2026-11-10T12:00:00Z", "--format", "json", "-q"]);
  }
  // --events and --out together: both files, the same from both programs.
  const team = path.join(root, SAMPLES[0]);
  const both = (p) => ["generate", "--config", team, "--accounts", "50", "--now", NOW, "--events", `both-ev-${p}.jsonl`, "--out", `both-acc-${p}.jsonl`];
  assert.equal(run("native", both("a")).status, 0);
  assert.equal(run("npm", both("b")).status, 0);
  for (const f of ["both-ev", "both-acc"]) {
    assert.ok(Buffer.compare(readFileSync(path.join(tmp, `${f}-a.jsonl`)), readFileSync(path.join(tmp, `${f}-b.jsonl`))) === 0, f);
  }
  same(["generate", "--config", team, "--accounts", "20", "--now", NOW, "--events", "-"]);
});

test("analyze: hand-written logs, bad lines, CSV, windows and bad arguments", () => {
  const team = path.join(root, SAMPLES[0]);
  const an = (events, ...more) => same(["analyze", "--config", team, "--events", events, ...more]);
  for (const format of ["table", "json", "csv"]) {
    assert.equal(an("events.jsonl", "--format", format).status, 0);
    assert.equal(an("bad-events.jsonl", "--format", format).status, 1);
    assert.equal(an("events.csv", "--format", format).status, 1);
  }
  assert.equal(an("events.jsonl", "--from", "2026-11-02T10:00:00Z", "--to", "2026-11-05").status, 0);
  assert.equal(an("accounts.txt", "--input-format", "jsonl", "-q").status, 1);
  assert.equal(an("empty-events.jsonl").status, 1);
  assert.equal(an("latin1.jsonl").status, 1);
  assert.equal(an("missing.jsonl").status, 2);
  assert.equal(an("a-directory.jsonl").status, 2);
  assert.equal(an("accounts.unknown").status, 2);
  for (const bad of [["--from", "yesterday"], ["--to", "1900-01-01"], ["--from", "2026-11-05", "--to", "2026-11-01"]]) {
    assert.equal(an("events.jsonl", ...bad).status, 2);
  }
  for (const config of ["missing.json", "invalid-config.json", "not-json.json"]) {
    assert.equal(same(["analyze", "--config", config, "--events", "events.jsonl"]).status, 2);
  }
  for (const args of [
    ["analyze"],
    ["analyze", "--config", team],
    ["analyze", "--config", team, "--events", "events.jsonl", "--format", "xml"],
    ["analyze", "--config", team, "--events", "events.jsonl", "--input-format", "tsv"],
    ["analyze", "--config", team, "--event", "events.jsonl"],
    ["analyze", "--config", team, "--events", "events.jsonl", "--quiet=1"],
    ["analyze", "--config", team, "--events", "events.jsonl", "--threads", "2"],
    ["analyze", "--format", "json", "--config", team, "--zzz"],
    ["simulate", "--top", "3", "-q", "--conf", team],
    ["simulate", "--config", team, "--accounts", "contexts.jsonl", "--top", "3", "--zzz", "2"],
  ]) {
    assert.equal(same(args).status, 2, args.join(" "));
  }
});

test("analyze: Parquet event logs are the native binary's", () => {
  const team = path.join(root, SAMPLES[0]);
  const r = run("npm", ["analyze", "--config", team, "--events", "events.parquet"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^upgrade-prompts: error\[unsupported_format\]: `events\.parquet` is Parquet, which only the native `upgrade-prompts` binary reads/);
  same(["analyze", "--config", "missing.json", "--events", "events.parquet"]);
  same(["analyze", "--config", team, "--events", "events.parquet", "--from", "x"]);
});
