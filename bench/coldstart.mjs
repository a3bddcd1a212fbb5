// `make bench`: cold start in a fresh Node process. Every sample of every row is its own child
// process (`node bench/coldstart.mjs --child '<spec>'`), so nothing is warm: the child imports
// the package's Node entry, awaits `init()`, reads its inputs (untimed), then times
//   load  = new PromptEngine(catalog)            (GrowthBook: JSON.parse(payload) + new GrowthBook)
//   first = the first engine.evaluate(context)   (GrowthBook: the first evalFeature, or all of them)
// and reports the median and min–max over the samples, with the budget verdict
// (compiled 20-rule catalog: load + first evaluate ≤ 3 ms median).
//
// Env: UP_PKG (package dir, default <repo>/pkg; copied to a temp dir first, since pkg/ may be
// rebuilt during the run), COLDSTART_SAMPLES (default 11, at least 7).
// Reported, not enforced: the exit status is 0 whatever the verdict (1 on errors).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "..");
const BUDGET_MS = 3;

// ---- GrowthBook's translation of the catalogs (also used by bench/pageload.mjs) ---------------

// GrowthBook's equivalent: one feature per rule, forced to the rule's callout when its condition
// holds. GrowthBook cannot derive values, so what the team rules read that the engine computes
// (usage ratio, days left and state, the plan's features) is given as attributes, computed here
// from the engine's own answers (`PromptEngine` built from `catalog`, compiled bytes or config), untimed.
export function derived(PromptEngine, catalog, config, ctx) {
  const engine = new PromptEngine(catalog);
  const usage = structuredClone(ctx.usage ?? {});
  for (const metric of Object.keys(config.metrics)) {
    const u = engine.checkUsage(metric, ctx);
    usage[metric] = { ...(usage[metric] ?? {}), ratio: u.ratio, daysLeft: u.daysLeft, state: u.state };
  }
  const plan = config.plans.find((p) => p.id === ctx.account.plan);
  engine.free();
  return { ...ctx, usage, planFeatures: plan?.features ?? [] };
}
export const TEAM_CONDITIONS = {
  "seats-near-limit": { "usage.seats.ratio": { $gte: 0.8 }, "account.lifecycle": { $ne: "onboarding" } },
  "reports-cross-sell": { "page.route": { $regex: "^/reports" }, planFeatures: { $nin: ["reports"] } },
  "api-running-out": { "usage.api_calls.daysLeft": { $exists: true, $lte: 10 }, "usage.api_calls.state": { $ne: "over" } },
  "right-size": { "account.rightSizePlan": { $exists: true }, "account.utilization": { $lt: 0.3 } },
};
export function gbFeatures(config, generated = []) {
  const cond = Object.fromEntries([...Object.entries(TEAM_CONDITIONS), ...generated.map((r) => [r.id, r.gb])]);
  return Object.fromEntries(
    config.rules.map((r) => [
      r.id,
      {
        defaultValue: null,
        rules: [{ condition: cond[r.id], force: { kind: r.kind, target: r.target ?? null, placement: r.placement, priority: r.priority, message: r.message } }],
      },
    ]),
  );
}
// Compiles a config (JSON text) with the package in `pkgDir`: its `compile` (audience entry), or
// else its CLI (`node cli.mjs compile CONFIG -o OUT`). Returns the compiled bytes.
export async function compileCatalog(pkgDir, configText, scratchDir) {
  const entry = path.join(pkgDir, "audience/node.js");
  if (existsSync(entry)) {
    const { compile } = await import(pathToFileURL(entry).href);
    if (typeof compile === "function") return compile(configText).bytes;
  }
  const cli = path.join(pkgDir, "cli.mjs");
  if (!existsSync(cli)) throw new Error(`${pkgDir} has neither audience/node.js with compile nor cli.mjs`);
  const src = path.join(scratchDir, `compile-${process.pid}-${Date.now()}.json`);
  const dst = `${src}.bin`;
  writeFileSync(src, configText);
  execFileSync(process.execPath, [cli, "compile", src, "-o", dst], { stdio: ["ignore", "ignore", "inherit"] });
  return new Uint8Array(readFileSync(dst));
}

// ---- child: one sample of one row -----------------------------------------------------------

const isMain = path.resolve(process.argv[1] ?? "") === self;
if (isMain && process.argv[2] === "--child") {
  const spec = JSON.parse(process.argv[3]);
  const now = () => performance.now();
  const file = (name) => readFileSync(path.join(spec.dir, name));
  let out;
  if (spec.engine === "ours") {
    const t0 = now();
    const mod = await import(pathToFileURL(path.join(spec.dir, "pkg/node.js")).href);
    await mod.default();
    const initMs = now() - t0;
    // What came over the wire: the compiled bytes, or the config's JSON text.
    const catalog = spec.input.endsWith(".bin") ? new Uint8Array(file(spec.input)) : file(spec.input).toString("utf8");
    const ctx = JSON.parse(file(spec.context).toString("utf8"));
    const t1 = now();
    const engine = new mod.PromptEngine(catalog);
    const t2 = now();
    const evaluation = engine.evaluate(ctx);
    const t3 = now();
    out = { initMs, loadMs: t2 - t1, firstMs: t3 - t2, decision: evaluation.callouts.map((c) => c.id) };
  } else {
    const t0 = now();
    const { GrowthBook } = await import("@growthbook/growthbook");
    const initMs = now() - t0;
    const payload = file(spec.input).toString("utf8");
    const attributes = JSON.parse(file(spec.context).toString("utf8"));
    const t1 = now();
    const gb = new GrowthBook({ attributes, features: JSON.parse(payload) });
    const t2 = now();
    const keys = Object.keys(gb.getFeatures());
    const decision = [];
    if (spec.mode === "first") {
      if (gb.evalFeature(keys[0]).on) decision.push(keys[0]);
    } else {
      for (const k of keys) if (gb.evalFeature(k).on) decision.push(k);
    }
    const t3 = now();
    out = { initMs, loadMs: t2 - t1, firstMs: t3 - t2, decision };
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

// ---- parent ---------------------------------------------------------------------------------

async function main() {
  const pkgDir = path.resolve(process.env.UP_PKG ?? path.join(root, "pkg"));
  const SAMPLES = Math.max(7, Number(process.env.COLDSTART_SAMPLES ?? 11) || 11);
  if (!existsSync(path.join(pkgDir, "node.js"))) {
    console.error(`coldstart: ${path.join(pkgDir, "node.js")} is missing (build the package with \`make pkg\`, or set UP_PKG)`);
    process.exit(1);
  }
  if (!existsSync(path.join(root, "node_modules/@growthbook/growthbook/package.json"))) {
    console.error("coldstart: @growthbook/growthbook is not installed (run `npm ci` in the repo)");
    process.exit(1);
  }

  const inputs = await prepare(pkgDir);
  const rows = sample(inputs, SAMPLES);
  report(rows, inputs, pkgDir, SAMPLES);
}

/**
 * Copies the package, writes the catalogs, contexts and GrowthBook payloads each child reads,
 * and checks that ours and GrowthBook decide alike before anything is timed.
 */
async function prepare(pkgDir) {
  const { addonPool, makeConfig, makeContext, makeRules, seedFor } = await import("./peers/workload.mjs");

  const work = mkdtempSync(path.join(tmpdir(), "up-coldstart-"));
  process.on("exit", () => rmSync(work, { recursive: true, force: true }));
  cpSync(pkgDir, path.join(work, "pkg"), { recursive: true });
  const put = (name, data) => writeFileSync(path.join(work, name), data);
  const json = (x) => JSON.stringify(x);

  const { PromptEngine } = await import(pathToFileURL(path.join(work, "pkg/node.js")).href);
  const { GrowthBook } = await import("@growthbook/growthbook");

  // The team sample and its growing-team context.
  const teamText = readFileSync(path.join(root, "www/samples/team.json"), "utf8");
  const team = JSON.parse(teamText);
  const teamCtx = JSON.parse(readFileSync(path.join(root, "tests/fixtures/contexts/growing-team.json"), "utf8"));

  // The 20-rule catalog: the team sample's 4 rules plus 16 generated by the peer benchmark's
  // workload (bench/peers/workload.mjs), over its context with the team sample's metrics (no
  // storage_gb; 22 of 25 seats so the team sample's seat rule fires too).
  const GENERATED = 16;
  const ctx20 = makeContext();
  delete ctx20.usage.storage_gb;
  ctx20.usage.seats.used = 22;
  const genRules = makeRules(GENERATED, seedFor(20), ctx20);
  const gen = makeConfig(genRules, addonPool(GENERATED));
  const config20 = {
    ...team,
    addons: [...team.addons, ...gen.addons.map((a) => ({ ...a, limits: { api_calls: 10000 } }))],
    rules: [...team.rules, ...gen.rules],
  };
  let compiled20;
  let compiledTeam;
  try {
    compiled20 = { bytes: await compileCatalog(path.join(work, "pkg"), json(config20), work) };
    compiledTeam = { bytes: await compileCatalog(path.join(work, "pkg"), teamText, work) };
  } catch (e) {
    console.error(`coldstart: could not compile the catalogs with ${pkgDir}: ${e.message}`);
    process.exit(1);
  }
  // Whether the Node entry still reads configs (JSON rows), or takes compiled catalogs only.
  let readsConfigs = true;
  try {
    new PromptEngine(teamText).free();
  } catch {
    readsConfigs = false;
  }
  put("cat20.bin", compiled20.bytes);
  put("cat20.json", json(config20));
  put("team.bin", compiledTeam.bytes);
  put("team.json", teamText);
  put("ctx20.json", json(ctx20));
  put("ctxTeam.json", json(teamCtx));

  put("gb20.json", json(gbFeatures(config20, genRules)));
  put("gbTeam.json", json(gbFeatures(team)));
  put("gbCtx20.json", json(derived(PromptEngine, compiled20.bytes, config20, ctx20)));
  put("gbCtxTeam.json", json(derived(PromptEngine, compiledTeam.bytes, team, teamCtx)));

  // Agreement before timing: the rules ours matches (shown, or held back by a cap, placement or
  // duplicate) are the features GrowthBook turns on.
  function agreement(catalog, ctx, features, attrs) {
    const engine = new PromptEngine(catalog);
    const ev = engine.evaluate(ctx);
    engine.free();
    const ours = [...ev.callouts.map((c) => c.rule), ...ev.suppressed.map((s) => s.rule)].filter((id) => !id.startsWith("builtin:"));
    const gb = new GrowthBook({ attributes: attrs, features });
    const theirs = Object.keys(features).filter((k) => gb.evalFeature(k).on);
    const a = [...new Set(ours)].sort().join(",");
    const b = theirs.sort().join(",");
    return { ok: a === b, ours: a, gb: b };
  }
  const checks = {
    "20 rules": agreement(compiled20.bytes, ctx20, gbFeatures(config20, genRules), derived(PromptEngine, compiled20.bytes, config20, ctx20)),
    team: agreement(compiledTeam.bytes, teamCtx, gbFeatures(team), derived(PromptEngine, compiledTeam.bytes, team, teamCtx)),
  };
  for (const [name, c] of Object.entries(checks)) {
    if (!c.ok) {
      console.error(`coldstart: FAIL: ours and GrowthBook disagree on the ${name} workload: ours [${c.ours}], GrowthBook [${c.gb}]`);
      process.exit(1);
    }
  }

  return { work, compiled20, compiledTeam, readsConfigs, checks };
}

/** Runs every row in fresh processes, `samples` times, rows interleaved sample by sample. */
function sample({ work, compiled20, compiledTeam, readsConfigs }, samples) {
  const SAMPLES = samples;
  const ROWS = [
    { name: "ours: compiled 20-rule catalog", rules: 20, spec: { engine: "ours", input: "cat20.bin", context: "ctx20.json" }, bytes: compiled20.bytes.length, budget: true },
    // Where the time goes: V8 compiles a wasm function on its first call (lazy compilation);
    // with it off, every function is compiled when the module is, i.e. inside import+init.
    { name: "ours: compiled 20, eager wasm compile *", rules: 20, spec: { engine: "ours", input: "cat20.bin", context: "ctx20.json" }, flags: ["--no-wasm-lazy-compilation"] },
    { name: "ours: 20-rule config, JSON text", rules: 20, spec: { engine: "ours", input: "cat20.json", context: "ctx20.json" } },
    { name: "ours: team sample, JSON text", rules: 4, spec: { engine: "ours", input: "team.json", context: "ctxTeam.json" } },
    { name: "ours: team sample, compiled", rules: 4, spec: { engine: "ours", input: "team.bin", context: "ctxTeam.json" }, bytes: compiledTeam.bytes.length },
    { name: "GrowthBook: 20 features, 1st evalFeature", rules: 20, spec: { engine: "gb", input: "gb20.json", context: "gbCtx20.json", mode: "first" } },
    { name: "GrowthBook: 20 features, all evalFeature", rules: 20, spec: { engine: "gb", input: "gb20.json", context: "gbCtx20.json", mode: "all" } },
    { name: "GrowthBook: team's 4, 1st evalFeature", rules: 4, spec: { engine: "gb", input: "gbTeam.json", context: "gbCtxTeam.json", mode: "first" } },
    { name: "GrowthBook: team's 4, all evalFeature", rules: 4, spec: { engine: "gb", input: "gbTeam.json", context: "gbCtxTeam.json", mode: "all" } },
  ];
  // The diagnostic row only where this Node still takes the V8 flag.
  const flagOk = (flags) => spawnSync(process.execPath, [...flags, "-e", "0"], { stdio: "ignore" }).status === 0;
  for (let i = ROWS.length - 1; i >= 0; i--) if (ROWS[i].flags && !flagOk(ROWS[i].flags)) ROWS.splice(i, 1);
  // The JSON rows only where the Node entry reads configs.
  if (!readsConfigs) for (let i = ROWS.length - 1; i >= 0; i--) if (ROWS[i].spec.input.endsWith(".json") && ROWS[i].spec.engine === "ours") ROWS.splice(i, 1);
  for (const r of ROWS) {
    r.spec.dir = work;
    r.samples = [];
  }

  const runChild = (spec, flags = []) => {
    const out = execFileSync(process.execPath, [...flags, self, "--child", JSON.stringify(spec)], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    return JSON.parse(out.trim().split("\n").pop());
  };
  // Rows interleaved sample by sample, so that each sees the same machine load.
  const progress = (text) => process.stderr.isTTY && process.stderr.write(`\r${text.padEnd(60)}\r`);
  for (let s = 0; s < SAMPLES; s++) {
    for (const r of ROWS) {
      progress(`  coldstart sample ${s + 1}/${SAMPLES}: ${r.name}`);
      r.samples.push(runChild(r.spec, r.flags));
    }
  }
  progress("");
  for (const r of ROWS) {
    const seen = new Set(r.samples.map((x) => x.decision.join(",")));
    if (seen.size !== 1) {
      console.error(`coldstart: FAIL: ${r.name}: the samples decided differently: ${[...seen].map((d) => `[${d}]`).join(" ")}`);
      process.exit(1);
    }
  }

  return ROWS;
}

/** Prints the table and the budget verdict, and writes build/bench-coldstart.json. */
function report(ROWS, { compiled20, compiledTeam, readsConfigs, checks }, pkgDir, SAMPLES) {
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
  const f = (ms) => ms.toFixed(ms < 10 ? 3 : 1);
  for (const r of ROWS) {
    r.init = stats(r.samples.map((x) => x.initMs));
    r.load = stats(r.samples.map((x) => x.loadMs));
    r.first = stats(r.samples.map((x) => x.firstMs));
    r.total = stats(r.samples.map((x) => x.loadMs + x.firstMs));
  }

  console.log(`\ncold start in a fresh Node ${process.version} process (${SAMPLES} processes per row; ms, median [min–max])`);
  console.log(`package: ${pkgDir} (Node entry node.js); GrowthBook ${JSON.parse(readFileSync(path.join(root, "node_modules/@growthbook/growthbook/package.json"), "utf8")).version}`);
  console.log("import+init: import of the entry and `await init()`, before the clock of the other columns starts");
  console.log("load: new PromptEngine(bytes | JSON text) — GrowthBook: new GrowthBook({ features: JSON.parse(text) })");
  console.log("first: the first evaluate(context) — GrowthBook: the first evalFeature, or evalFeature of every feature");
  const head = ["", "rules", "import+init", "load", "first", "load + first", "min–max"];
  const W = [42, 6, 12, 9, 9, 13, 18];
  const line = (cells) => console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(W[i]) : String(c).padStart(W[i]))).join(""));
  line(head);
  for (const r of ROWS) {
    line([r.name, r.rules, f(r.init.median), f(r.load.median), f(r.first.median), f(r.total.median), `${f(r.total.min)}–${f(r.total.max)}`]);
  }
  console.log(
    `compiled catalogs: 20 rules ${compiled20.bytes.length} B, team sample ${compiledTeam.bytes.length} B; ` +
      `decisions checked equal to GrowthBook's before timing (20 rules: [${checks["20 rules"].ours}]; team: [${checks.team.ours}])`,
  );
  if (!readsConfigs) console.log("(no JSON-text rows for ours: this package's Node entry takes compiled catalogs only)");
  if (ROWS.some((r) => r.flags)) console.log("* diagnostic: node --no-wasm-lazy-compilation (not what a user runs); shows how much of load + first is V8 compiling wasm functions on their first call");
  console.log("GrowthBook is given the values the engine derives (usage ratio, days left, state, plan features) as attributes, computed untimed.");

  const budgetRow = ROWS.find((r) => r.budget);
  const gbFirst = ROWS.find((r) => r.spec.engine === "gb" && r.rules === 20 && r.spec.mode === "first");
  const gbAll = ROWS.find((r) => r.spec.engine === "gb" && r.rules === 20 && r.spec.mode === "all");
  const pass = budgetRow.total.median <= BUDGET_MS;
  console.log("\nbudget (reported, not enforced)");
  console.log(
    `  ${pass ? "PASS" : "FAIL"}  compiled 20-rule catalog: load + first evaluate ≤ ${BUDGET_MS} ms median   ` +
      `${f(budgetRow.total.median)} ms (GrowthBook 20 features: ${f(gbFirst.total.median)} ms to the 1st evalFeature, ${f(gbAll.total.median)} ms to all 20)`,
  );
  const outFile = path.join(root, "build/bench-coldstart.json");
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(
    outFile,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        samples: SAMPLES,
        rows: ROWS.map(({ name, rules, flags, init, load, first, total, samples }) => ({ name, rules, flags, init, load, first, total, samples })),
        budgetMs: BUDGET_MS,
        pass,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${path.relative(root, outFile)}`);}

if (isMain) await main();
