// The audience entry (`upgrade-prompts/audience`, pkg/audience/): simulate agrees with
// per-account `evaluate` of the runtime entry on generated samples (as tests/audience.rs checks
// the native simulate against the native evaluate), the chunked and one-call forms agree,
// an engine simulates with its config and state, generation is deterministic, bad rows are
// counted and located, and the runtime entry does not carry the audience functions.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { readJson, root } from "./helpers.mjs";

const runtime = await import(path.join(root, "pkg/node.js"));
const audience = await import(path.join(root, "pkg/audience/node.js"));
const { createRequire } = await import("node:module");
const audienceCjs = createRequire(import.meta.url)(path.join(root, "pkg/audience/node.cjs"));

const NOW = "2026-11-24T09:00:00Z";
const SAMPLES = ["team", "api", "features", "credits"];

/** The report's per-rule shown counts, callouts and opportunity flags rebuilt from `evaluate`. */
function fromEvaluate(config, lines, placement) {
  const engine = new runtime.PromptEngine(config);
  const shown = {};
  let callouts = 0;
  let withCallouts = 0;
  for (const line of lines) {
    const { callouts: list } = engine.evaluate(line, placement ? { placement } : undefined);
    callouts += list.length;
    if (list.length) withCallouts++;
    for (const c of list) shown[c.rule] = (shown[c.rule] ?? 0) + 1;
  }
  engine.free();
  return { shown, callouts, withCallouts };
}

for (const name of SAMPLES) {
  for (const placement of [undefined, "banner"]) {
    test(`simulate equals per-account evaluate: ${name} sample, 600 generated accounts${placement ? `, placement ${placement}` : ""}`, () => {
      const config = readJson(`www/samples/${name}.json`);
      const text = audience.generate(config, 600, 11, NOW);
      const lines = text.trimEnd().split("\n");
      assert.equal(lines.length, 600);
      const report = audience.simulate(config, text, { now: NOW, placement });
      const expected = fromEvaluate(config, lines, placement);
      assert.equal(report.totals.accounts, 600);
      assert.equal(report.totals.accountsWithErrors, 0);
      assert.equal(report.totals.callouts, expected.callouts);
      assert.equal(report.totals.accountsWithCallouts, expected.withCallouts);
      for (const r of report.rules) assert.equal(r.shown, expected.shown[r.rule] ?? 0, `${r.rule} shown`);
      // Each opportunity's callout is what evaluate shows that account, or holds back by
      // readiness, or behind another blocking callout (no guard: `blocking_shown`).
      const engine = new runtime.PromptEngine(config);
      for (const o of report.opportunities) {
        const ev = engine.evaluate(lines[o.index - 1], placement ? { placement } : undefined);
        if (o.shown) assert.ok(ev.callouts.some((c) => c.id === o.callout), `${o.accountId}: ${o.callout} shown`);
        else {
          const reason = o.guard ?? "blocking_shown";
          assert.ok(ev.suppressed.some((s) => s.callout === o.callout && s.reason === reason), `${o.accountId}: ${o.callout} held by ${reason}`);
        }
      }
      engine.free();
    });
  }
}

test("limitForecast agrees with checkUsage daysToLimit per account", () => {
  const config = readJson("www/samples/team.json");
  const lines = audience.generate(config, 500, 5, NOW).trimEnd().split("\n");
  const report = audience.simulate(config, lines.join("\n"), { now: NOW });
  const engine = new runtime.PromptEngine(config);
  for (const m of report.limitForecast) {
    let within = 0;
    let atOrOver = 0;
    for (const line of lines) {
      const u = engine.checkUsage(m.metric, line);
      if (u.state === "at_limit" || u.state === "over") atOrOver++;
      else if (u.daysToLimit != null && u.daysToLimit <= report.horizonDays) within++;
    }
    assert.equal(m.atOrOver, atOrOver, `${m.metric} at or over`);
    assert.equal(m.accounts, within, `${m.metric} within the horizon`);
    assert.equal(m.byWeek.reduce((a, b) => a + b, 0), within);
  }
  engine.free();
});

test("chunked PromptSimulation, addGenerated, arrays and an engine give the one-call report", () => {
  const config = readJson("www/samples/api.json");
  const text = audience.generate(config, 1000, 2, NOW);
  const whole = audience.simulate(config, text, { now: NOW });
  const lines = text.split("\n");
  const sim = new audience.PromptSimulation(config, { now: NOW });
  sim.add(`${lines.slice(0, 333).join("\n")}\n`);
  sim.add(lines.slice(333).join("\n"));
  assert.equal(sim.accounts, 1000);
  assert.deepEqual(sim.finish(), whole);
  assert.throws(() => sim.finish(), /already finished/);

  // Generated in the simulation: indices from 0, so the same counts and the same accounts.
  const gen = new audience.PromptSimulation(config, { now: NOW });
  gen.addGenerated(0, 400, 2);
  gen.addGenerated(400, 600, 2);
  const generated = gen.finish();
  assert.deepEqual(generated.totals, whole.totals);
  assert.deepEqual(generated.rules, whole.rules);
  assert.deepEqual(generated.opportunities.map((o) => [o.accountId, o.index + 1]), whole.opportunities.map((o) => [o.accountId, o.index]));

  // Arrays of objects; an engine of the entry (its config and state).
  const array = audience.simulate(config, lines.filter(Boolean).map((l) => JSON.parse(l)), { now: NOW });
  assert.deepEqual(array.totals, whole.totals);
  const engine = new audience.PromptEngine(config);
  assert.deepEqual(audience.simulate(engine, text, { now: NOW }), whole);
  assert.deepEqual(engine.simulate(text, { now: NOW }), whole);
  engine.free();
});

test("generate is deterministic and generateContext gives line index + 1; CommonJS agrees", () => {
  const config = readJson("www/samples/features.json");
  const a = audience.generate(config, 50, 9, NOW);
  assert.equal(a, audience.generate(config, 50, 9, NOW));
  assert.notEqual(a, audience.generate(config, 50, 10, NOW));
  assert.equal(a, audienceCjs.generate(config, 50, 9, NOW));
  const lines = a.trimEnd().split("\n");
  assert.deepEqual(audience.generateContext(config, 17, 9, NOW), JSON.parse(lines[17]));
  assert.throws(() => audience.generate(config, -1, 9, NOW), RangeError);
  assert.throws(() => audience.generate({ plans: "x" }, 1, 1, NOW), (e) => e.name === "ConfigError");
});

test("a count too large for one call is a RangeError up front, not minutes of work and a crash", () => {
  const config = readJson("www/samples/team.json");
  for (const n of [1e9, 100_001, 2 ** 53, Infinity, 1.5]) {
    assert.throws(() => audience.generate(config, n, 1, NOW), (e) => e instanceof RangeError && /`count`/.test(e.message), String(n));
    const sim = new audience.PromptSimulation(config, { now: NOW });
    assert.throws(() => sim.addGenerated(0, n, 1), RangeError, String(n));
  }
  const sim = new audience.PromptSimulation(config, { now: NOW });
  assert.throws(() => sim.addGenerated(2 ** 53, 1, 1), /2\^53/);
  assert.equal(audience.generate(config, 0, 1, NOW), "");
});

test("bad lines and rows are counted and located, options are checked", () => {
  const config = readJson("www/samples/team.json");
  const good = audience.generate(config, 3, 1, NOW).trimEnd().split("\n");
  const report = audience.simulate(config, [good[0], "{ nope", "", good[1]].join("\n"), { now: NOW, top: -2, horizonDays: 0.5 });
  assert.equal(report.totals.accounts, 3);
  assert.equal(report.totals.accountsWithErrors, 1);
  assert.equal(report.errors[0].index, 2);
  assert.deepEqual(report.warnings.map((w) => w.path[0]).sort(), ["horizonDays", "top"]);
  const sim = new audience.PromptSimulation(config, { now: NOW });
  sim.addInvalid(4, { code: "invalid_number", message: "`x` is not a number in column `usage.seats.used` on line 5", path: ["usage", "seats", "used"] });
  const r = sim.finish();
  assert.equal(r.totals.errorRows, 1);
  assert.deepEqual(r.errors[0], { index: 4, accountId: null, code: "invalid_number", message: "`x` is not a number in column `usage.seats.used` on line 5", path: ["usage", "seats", "used"] });
});

test("the runtime entry stays without simulate and generate", () => {
  assert.equal(runtime.simulate, undefined);
  assert.equal(runtime.generate, undefined);
  assert.equal(runtime.PromptSimulation, undefined);
  const wasm = readFileSync(path.join(root, "pkg/upgrade_prompts_bg.wasm"));
  const aud = readFileSync(path.join(root, "pkg/audience/upgrade_prompts_audience_bg.wasm"));
  console.log(`# runtime wasm ${wasm.length} bytes, audience wasm ${aud.length} bytes`);
  assert.ok(aud.length > wasm.length);
});
