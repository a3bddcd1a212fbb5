// `make bench` (second part): this engine against peer rule evaluators on the same targeting
// rules over the same context — GrowthBook's `evalCondition` and json-logic-engine, interpreted
// and compiled — plus build times, the marginal cost of a non-matching rule, session questions,
// bundle sizes and the performance budgets. Writes the numbers to build/bench-peers.json.
//
// Every timing cell runs in a fresh Node process (bench/peers/cell.mjs). Before any timing,
// the matched rule ids of all engines are compared; a difference exits with status 1.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { marginalConfigs, workload } from "./peers/workload.mjs";
import { shippedFiles } from "../scripts/shipped.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkgEntry = path.join(root, "pkg/node.js");
const cellScript = path.join(root, "bench/peers/cell.mjs");
const outFile = path.join(root, "build/bench-peers.json");

const COUNTS = [10, 100, 1000];
const MODES = ["fresh", "same"];
// ours: the Node entry (speed build); ours-browser: the runtime entry browsers load (size build),
// run in Node. Both load the catalog compiled ahead.
const ENGINES = ["ours", "ours-browser", "growthbook", "jl-interpreted", "jl-compiled"];
const MARGINAL_RULES = 1000;
const started = Date.now();
// Progress line on stderr, only when it is a terminal.
const progress = (text) => process.stderr.isTTY && process.stderr.write(`\r${text.padEnd(60)}\r`);

// The package may be rebuilding; wait for its Node entry point.
async function waitForPackage(maxMinutes = 15) {
  const deadline = Date.now() + maxMinutes * 60_000;
  if (!existsSync(pkgEntry)) console.log(`waiting for ${path.relative(root, pkgEntry)} (run \`make pkg\`)…`);
  while (!existsSync(pkgEntry)) {
    if (Date.now() > deadline) throw new Error(`${pkgEntry} did not appear within ${maxMinutes} minutes`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

// Rule ids `engine.evaluate` returned as callouts, without the built-in ones.
const isBuiltin = (id) => id.startsWith("feature_gate:") || id.startsWith("usage_limit:");

// Matched rule ids of every engine, per rule count; any difference from the rules built to
// match is fatal.
async function checkAgreement() {
  const { PromptEngine } = await import(pkgEntry);
  if (typeof PromptEngine !== "function") {
    console.error(`FAIL: ${path.relative(root, pkgEntry)} exports no PromptEngine`);
    process.exit(1);
  }
  const { evalCondition } = await import("@growthbook/growthbook");
  const { LogicEngine } = await import("json-logic-engine");
  const summary = {};
  const failures = [];
  const sorted = (xs) => [...xs].sort();
  for (const count of COUNTS) {
    const w = workload(count);
    const engine = new PromptEngine(w.config);
    const evaluation = engine.evaluate(w.ctx);
    // Matched = shown, or held back only because its placement was full (the default
    // placements show one banner, three inline callouts and one modal, as a real page would).
    const all = [
      ...evaluation.callouts.map((c) => c.id),
      ...evaluation.suppressed.filter((x) => x.reason === "placement_full").map((x) => x.callout),
    ];
    const builtins = all.filter(isBuiltin);
    const le = new LogicEngine();
    const sets = {
      ours: sorted(all.filter((id) => !isBuiltin(id))),
      growthbook: sorted(w.rules.filter((r) => evalCondition(w.ctx, r.gb)).map((r) => r.id)),
      "jl-interpreted": sorted(w.rules.filter((r) => le.run(r.jl, w.ctx)).map((r) => r.id)),
      "jl-compiled": sorted(w.rules.filter((r) => le.build(r.jl)(w.ctx)).map((r) => r.id)),
    };
    const expected = JSON.stringify(sorted(w.expected));
    for (const [name, ids] of Object.entries(sets)) {
      if (JSON.stringify(ids) !== expected) {
        const missing = w.expected.filter((id) => !ids.includes(id));
        const extra = ids.filter((id) => !w.expected.includes(id));
        failures.push(`${count} rules, ${name}: missing [${missing.join(", ")}], extra [${extra.join(", ")}]`);
      }
    }
    if (failures.length && (evaluation.suppressed.length || evaluation.errors.length)) {
      failures.push(
        `${count} rules, ours: suppressed ${JSON.stringify(evaluation.suppressed.slice(0, 5))}, ` +
          `context errors ${JSON.stringify(evaluation.errors.slice(0, 5))}`,
      );
    }
    summary[count] = { matched: w.expected.length, builtinCallouts: builtins };
    engine.free();
  }
  const m = marginalConfigs(MARGINAL_RULES);
  const engine = new PromptEngine(m.withRules);
  const stray = engine.evaluate(m.ctx).callouts.filter((c) => !isBuiltin(c.id));
  if (stray.length) failures.push(`marginal workload: ${stray.length} rules matched, expected none`);
  engine.free();
  if (failures.length) {
    console.error("\nFAIL: the engines disagree on which rules match:");
    for (const f of failures) console.error(`  ${f}`);
    process.exit(1);
  }
  return summary;
}

// Runs one cell in a fresh Node process and returns its result.
function cell(spec) {
  const out = execFileSync(process.execPath, [cellScript, JSON.stringify(spec)], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop()).result;
}

// Gzip -9 size of a package's main client bundled for the browser, or why there is none.
async function bundleSize(label, pkgName, exportName) {
  const manifest = path.join(root, "node_modules", pkgName, "package.json");
  if (!existsSync(manifest)) return { label, pkg: pkgName, entry: exportName, error: "not installed" };
  const { version } = JSON.parse(readFileSync(manifest, "utf8"));
  try {
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      stdin: { contents: `export { ${exportName} } from "${pkgName}";`, resolveDir: root, loader: "js" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0].contents;
    return { label, pkg: pkgName, version, entry: exportName, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
  } catch (e) {
    return { label, pkg: pkgName, version, entry: exportName, error: `bundle failed: ${e.message.split("\n")[0]}` };
  }
}

// The .wasm, and the JS glue with its snippet modules (what a page loads besides the .wasm).
function ourSize() {
  const [wasm, ...js] = shippedFiles(root);
  const glueBytes = js.reduce((n, f) => n + f.bytes, 0);
  const glueGzip = js.reduce((n, f) => n + f.gzip, 0);
  return { wasmBytes: wasm.bytes, wasmGzip: wasm.gzip, glueBytes, glueGzip, gzip: wasm.gzip + glueGzip };
}

// ---- run ----------------------------------------------------------------------------------

await waitForPackage();
const agreement = await checkAgreement();
const builtins = [...new Set(COUNTS.flatMap((c) => agreement[c].builtinCallouts))];
console.log(
  `\npeer benchmark — matched rules agree across all engines (${COUNTS.map((c) => `${agreement[c].matched}/${c}`).join(", ")}); ` +
    `built-in callouts left out of the comparison: ${builtins.length ? builtins.join(", ") : "none fire for this context"}`,
);

const timings = {};
for (const count of COUNTS) {
  timings[count] = {};
  for (const mode of MODES) {
    timings[count][mode] = {};
    for (const engine of ENGINES) {
      progress(`  timing ${engine}, ${count} rules, ${mode} context…`);
      timings[count][mode][engine] = cell({ kind: "eval", engine, count, mode });
    }
  }
}
progress("  timing build, marginal and session cells…");
const compile = {
  ours: cell({ kind: "compile", what: "ours", count: 1000 }),
  oursBrowser: cell({ kind: "compile", what: "ours-browser", count: 1000 }),
  oursCompiled: cell({ kind: "compile", what: "ours-compiled", count: 1000 }),
  jlBuild: cell({ kind: "compile", what: "jl-build", count: 1000 }),
  jlFirstRun: cell({ kind: "compile", what: "jl-first-run", count: 1000 }),
};
const marginal = cell({ kind: "marginal", count: MARGINAL_RULES, build: "node" });
const marginalBrowser = cell({ kind: "marginal", count: MARGINAL_RULES, build: "browser" });
const session = cell({ kind: "session" });
progress("");

const sizes = {
  ours: ourSize(),
  peers: [
    await bundleSize("GrowthBook", "@growthbook/growthbook", "GrowthBook"),
    await bundleSize("LaunchDarkly", "@launchdarkly/js-client-sdk", "createClient"),
    await bundleSize("Schematic", "@schematichq/schematic-js", "Schematic"),
    await bundleSize("json-logic-engine", "json-logic-engine", "LogicEngine"),
  ],
};

// ---- report -------------------------------------------------------------------------------

const us = (ns) => (ns / 1000).toFixed(ns < 10_000 ? 2 : 1);
const ms = (ns) => (ns / 1e6).toFixed(2);
// Two decimals, or two significant digits below 0.1.
const ratio = (a, b) => {
  const r = a / b;
  return r >= 0.1 ? r.toFixed(2) : r.toPrecision(2);
};
const kb = (bytes) => (bytes / 1024).toFixed(1);
const pad = (s, n) => String(s).padStart(n);
const padEnd = (s, n) => String(s).padEnd(n);

console.log("\nmedian µs per full evaluation (every rule over the context, matched ids collected);");
console.log("ours = engine.evaluate(ctx) through the Node entry (speed build); ours-br = the runtime entry browsers");
console.log("load (size build), run in Node; both load the compiled catalog; each cell in a fresh process;");
console.log("fresh = 64 deep-copied contexts cycled");
const head = ["rules", "context", "ours", "ours-br", "GrowthBook", "JL interp", "JL compiled", "GB÷ours", "JLc÷ours", "GB÷br", "JLc÷br"];
const widths = [6, 8, 9, 9, 12, 11, 12, 9, 10, 8, 8];
console.log(head.map((h, i) => (i < 2 ? padEnd(h, widths[i]) : pad(h, widths[i]))).join(""));
for (const count of COUNTS) {
  for (const mode of MODES) {
    const t = timings[count][mode];
    const row = [
      count,
      mode,
      us(t.ours.medianNs),
      us(t["ours-browser"].medianNs),
      us(t.growthbook.medianNs),
      us(t["jl-interpreted"].medianNs),
      us(t["jl-compiled"].medianNs),
      ratio(t.growthbook.medianNs, t.ours.medianNs),
      ratio(t["jl-compiled"].medianNs, t.ours.medianNs),
      ratio(t.growthbook.medianNs, t["ours-browser"].medianNs),
      ratio(t["jl-compiled"].medianNs, t["ours-browser"].medianNs),
    ];
    console.log(row.map((c, i) => (i < 2 ? padEnd(c, widths[i]) : pad(c, widths[i]))).join(""));
  }
}
const uncached = COUNTS.filter((c) => MODES.some((m) => timings[c][m]["jl-interpreted"].planCache === false));
if (uncached.length) {
  console.log(
    `(json-logic interpreted uses the library defaults; after 500 distinct rule objects it stops caching\n` +
      ` execution plans, so at ${uncached.join(", ")} rules it interprets every rule on every call)`,
  );
}

console.log("\nbuild, 1000 rules (median ms per build)");
console.log(`  new PromptEngine(config object), Node entry     ${pad(ms(compile.ours.medianNs), 8)}`);
console.log(`  new PromptEngine(compiled bytes), Node entry    ${pad(ms(compile.oursCompiled.medianNs), 8)}   (${compile.oursCompiled.bytes} bytes; budget: under 1 ms ${compile.oursCompiled.medianNs < 1e6 ? "met" : "NOT met"})`);
console.log(`  new PromptEngine(compiled bytes), runtime entry ${pad(ms(compile.oursBrowser.medianNs), 7)}   (budget: under 1 ms ${compile.oursBrowser.medianNs < 1e6 ? "met" : "NOT met"})`);
console.log(`  json-logic-engine build of every rule          ${pad(ms(compile.jlBuild.medianNs), 8)}`);
console.log(`  json-logic interpreted: new engine + 1st run   ${pad(ms(compile.jlFirstRun.medianNs), 8)}`);
console.log(`  GrowthBook evalCondition                          none (conditions are read as given)`);

console.log(
  `\nmarginal cost of a non-matching rule in wasm: ${marginal.perRuleNs.toFixed(1)} ns (Node entry), ` +
    `${marginalBrowser.perRuleNs.toFixed(1)} ns (browser build)`,
);
console.log(
  `  (evaluate with ${MARGINAL_RULES} non-matching rules ${us(marginal.withRulesNs)} µs − same catalog with none ` +
    `${us(marginal.baseNs)} µs, ÷ ${MARGINAL_RULES})`,
);

if (session.available) {
  console.log(`\nsession checkFeature after the first question: ${us(session.checkFeatureNs)} µs per call`);
  console.log(`  (engine.session(ctx) + first checkFeature: ${us(session.firstQuestionNs)} µs)`);
} else {
  console.log("\nsession checkFeature after the first question: n/a (no session API)");
}

console.log("\nsize, gzip -9 (KB = 1024 bytes); peers: their main client bundled by esbuild (bundle, minify, esm, browser)");
const NAME_W = 64;
const sizeRow = (name, raw, gz) => console.log(`  ${padEnd(name, NAME_W)}${pad(raw, 9)}${pad(gz, 9)}${pad(kb(gz), 9)}`);
console.log(`  ${padEnd("", NAME_W)}${pad("bytes", 9)}${pad("gzip B", 9)}${pad("gzip KB", 9)}`);
const o = sizes.ours;
sizeRow("ours: pkg/upgrade_prompts_bg.wasm", o.wasmBytes, o.wasmGzip);
sizeRow("ours: pkg/upgrade_prompts.js (the runtime entry's module)", o.glueBytes, o.glueGzip);
sizeRow("ours: wasm + module", o.wasmBytes + o.glueBytes, o.gzip);
for (const p of sizes.peers) {
  const name = `${p.label}: ${p.pkg}${p.version ? `@${p.version}` : ""} {${p.entry ?? "-"}}`;
  if (p.error) console.log(`  ${padEnd(name, NAME_W)}  ${p.error}`);
  else sizeRow(name, p.bytes, p.gzip);
}

const fresh = (count, engine) => timings[count].fresh[engine].medianNs;
// The speed budgets of one build (`engine`: its column in the timings), with its marginal-rule
// and build measurements.
function speedBudgets(engine, marginalCell, compileCell) {
  const gbX = (count) => fresh(count, "growthbook") / fresh(count, engine);
  const jlX = (count) => fresh(count, "jl-compiled") / fresh(count, engine);
  const jliX = (count) => fresh(count, "jl-interpreted") / fresh(count, engine);
  const x = (v) => `${v.toFixed(2)}×`;
  // The lean-runtime budgets: ≥ 1.5× / 10× / 10× GrowthBook, ≥ 2× interpreted JsonLogic at each
  // size, ≥ 1.5× compiled JsonLogic at 1000 (compiled JsonLogic makes code with `new Function`,
  // which CSP-strict pages forbid: at 10 and 100 rules it is reported, with no budget).
  return [
    { name: "fresh, 10 rules: ≥ 1.5× faster than GrowthBook", value: x(gbX(10)), pass: gbX(10) >= 1.5 },
    { name: "fresh, 100 rules: ≥ 10× faster than GrowthBook", value: x(gbX(100)), pass: gbX(100) >= 10 },
    { name: "fresh, 1000 rules: ≥ 10× faster than GrowthBook", value: x(gbX(1000)), pass: gbX(1000) >= 10 },
    ...COUNTS.map((c) => ({ name: `fresh, ${c} rules: ≥ 2× faster than json-logic interpreted`, value: x(jliX(c)), pass: jliX(c) >= 2 })),
    { name: "fresh, 10 rules: json-logic compiled (no budget)", value: x(jlX(10)), pass: null },
    { name: "fresh, 100 rules: json-logic compiled (no budget)", value: x(jlX(100)), pass: null },
    { name: "fresh, 1000 rules: ≥ 1.5× faster than json-logic compiled", value: x(jlX(1000)), pass: jlX(1000) >= 1.5 },
    { name: "marginal non-matching rule < 50 ns", value: `${marginalCell.perRuleNs.toFixed(1)} ns`, pass: marginalCell.perRuleNs < 50 },
    {
      name: "new PromptEngine (1000 rules) ≤ ½ json-logic build",
      value: `${ms(compileCell.medianNs)} vs ${ms(compile.jlBuild.medianNs)} ms`,
      pass: compileCell.medianNs <= compile.jlBuild.medianNs / 2,
    },
  ];
}
const budgets = [
  ...speedBudgets("ours", marginal, compile.ours),
  session.available
    ? { name: "session checkFeature after the first question < 1 µs", value: `${us(session.checkFeatureNs)} µs`, pass: session.checkFeatureNs < 1000 }
    : { name: "session checkFeature after the first question < 1 µs", value: "no session API", pass: null },
  { name: "runtime entry: wasm + module ≤ 45 KB gzipped", value: `${kb(o.gzip)} KB`, pass: o.gzip <= 45 * 1024 },
];
// The speed budgets again for the runtime entry browsers load (run in Node here).
const browserBudgets = speedBudgets("ours-browser", marginalBrowser, compile.oursBrowser);
const printBudgets = (list) => {
  for (const b of list) {
    const verdict = b.pass === null ? "    " : b.pass ? "PASS" : "FAIL";
    console.log(`  ${verdict}  ${padEnd(b.name, 60)}${b.value}`);
  }
};
console.log("\nbudgets, Node entry (reported, not enforced; a speed value is the peer's time ÷ ours, so > 1 means ours is faster)");
printBudgets(budgets);
console.log("\nthe same speed budgets for the runtime entry browsers load (size build), run in Node");
printBudgets(browserBudgets);

mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      agreement,
      timings,
      compile,
      marginal,
      marginalBrowser,
      session,
      sizes,
      budgets,
      browserBudgets,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${path.relative(root, outFile)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
