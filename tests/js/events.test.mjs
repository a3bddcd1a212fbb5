// The `onEvent` option: exposures logged once per unit and experiment (also across an exported
// and restored state), every recorded event completed from what its callout was, the
// program-wide holdout, a handler that throws, and the log it writes read back by `analyze`
// with the numbers it was made from. Every event must be valid against schema/events.schema.json.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { root, readJson } from "./helpers.mjs";

const { PromptEngine } = await import(path.join(root, "pkg/node.js"));
const audience = await import(path.join(root, "pkg/audience/node.js"));
const validate = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(readJson("schema/events.schema.json"));
const team = readJson("www/samples/team.json");
const base = readJson("tests/fixtures/contexts/growing-team.json");
const withProgram = (share) => ({ ...team, holdout: { share } });
const ctx = (id) => ({ ...base, account: { ...base.account, id } });

/** An engine of `config` whose events land in `log` (checked against the schema). */
function listening(config, options = {}) {
  const log = [];
  const engine = new PromptEngine(config, {
    ...options,
    onEvent: (e) => {
      assert.ok(validate(e), `${JSON.stringify(e)}: ${JSON.stringify(validate.errors)}`);
      log.push(e);
    },
  });
  return { engine, log };
}

test("an exposure is logged once per unit and experiment, and again for another unit", () => {
  const { engine, log } = listening(team);
  const r = engine.evaluate(ctx("acct_0"));
  assert.equal(r.exposures, undefined, "the result carries no exposures");
  assert.deepEqual(log, [{ type: "exposure", at: "2026-11-24T09:00:00Z", unit: "acct_0", callout: "seats-near-limit", experiment: "seat-copy", arm: "roi" }]);
  engine.evaluate(ctx("acct_0"));
  engine.session(ctx("acct_0")).evaluate();
  assert.equal(log.length, 1);
  // acct_5 lands in the experiment's holdout: it sees nothing of the rule, and is logged.
  const held = engine.session(ctx("acct_5")).evaluate();
  assert.ok(!held.callouts.some((c) => c.rule === "seats-near-limit"));
  assert.deepEqual(log.slice(1).map((e) => [e.unit, e.experiment, e.arm]), [["acct_5", "seat-copy", "holdout"]]);
  // A state exported and restored remembers them.
  const state = engine.exportState();
  assert.deepEqual(state.exposures.map((e) => e.unit), ["acct_0", "acct_5"]);
  const again = listening(team, { state });
  again.engine.evaluate(ctx("acct_0"));
  again.engine.evaluate(ctx("acct_5"));
  assert.deepEqual(again.log, []);
  // Without onEvent nothing is logged and the state keeps none.
  const quiet = new PromptEngine(team);
  quiet.evaluate(ctx("acct_0"));
  assert.equal(quiet.exportState().exposures, undefined);
});

test("a callout that is not eligible exposes nothing; a placement option exposes only its own", () => {
  const { engine, log } = listening(team);
  engine.evaluate({ ...ctx("acct_0"), usage: { ...base.usage, seats: { used: 2 } } });
  assert.deepEqual(log, []);
  engine.evaluate(ctx("acct_0"), { placement: "inline" });
  assert.deepEqual(log, []);
  engine.evaluate(ctx("acct_0"), { placement: "banner" });
  assert.equal(log.length, 1);
});

test("recorded events are logged with their unit, placement, kind, target and revenue", () => {
  const { engine, log } = listening(team);
  engine.evaluate(ctx("acct_0"));
  log.length = 0;
  engine.record({ type: "impression", callout: "seats-near-limit", at: "2026-11-24T09:00:01Z" });
  engine.record({ type: "click", callout: "seats-near-limit", at: "2026-11-24T09:00:02Z" });
  engine.record({ type: "convert", callout: "seats-near-limit", at: "2026-11-24T09:10:00Z", target: "team", mrrDelta: 36 });
  engine.record({ type: "convert", callout: "usage_limit:api_calls", at: "2026-11-24T09:20:00Z", unit: "acct_9" });
  // Refused events are not logged.
  engine.record({ type: "convert", callout: "nope" });
  assert.deepEqual(log, [
    { type: "impression", at: "2026-11-24T09:00:01Z", unit: "acct_0", callout: "seats-near-limit", placement: "banner", kind: "seat_expansion" },
    { type: "click", at: "2026-11-24T09:00:02Z", unit: "acct_0", callout: "seats-near-limit", placement: "banner", kind: "seat_expansion" },
    { type: "convert", at: "2026-11-24T09:10:00Z", unit: "acct_0", callout: "seats-near-limit", placement: "banner", kind: "seat_expansion", target: "team", mrrDelta: 36 },
    { type: "convert", at: "2026-11-24T09:20:00Z", unit: "acct_9", callout: "usage_limit:api_calls" },
  ]);
});

test("the program-wide holdout keeps its units away from every callout but a blocking one", () => {
  const { engine, log } = listening(withProgram(0.3));
  // acct_1 hashes to 0.2707 under `$program`: held out.
  const r = engine.evaluate(ctx("acct_1"));
  assert.deepEqual(r.callouts, []);
  assert.ok(r.suppressed.every((s) => s.reason === "holdout:program"), JSON.stringify(r.suppressed));
  assert.equal(engine.checkUsage("seats", ctx("acct_1")).callout, null);
  assert.deepEqual(log.map((e) => [e.experiment, e.arm, e.unit]), [["$program", "holdout", "acct_1"]]);
  // At the limit the blocking notice is shown all the same.
  const full = engine.evaluate({ ...ctx("acct_1"), usage: { ...base.usage, seats: { used: 25 } } });
  assert.deepEqual(full.callouts.map((c) => c.severity), ["blocking"]);
  // acct_0 (0.5605) is exposed: both experiments are logged.
  engine.evaluate(ctx("acct_0"));
  assert.deepEqual(log.slice(1).map((e) => [e.experiment, e.arm]), [["$program", "exposed"], ["seat-copy", "roi"]]);
});

test("a handler that throws is reported once and never breaks a call", () => {
  let calls = 0;
  const engine = new PromptEngine(team, { onEvent: () => { calls++; throw new Error("boom"); } });
  assert.ok(engine.evaluate(ctx("acct_0")).callouts.length > 0);
  engine.evaluate(ctx("acct_5"));
  assert.equal(engine.record({ type: "impression", callout: "seats-near-limit" }).recorded, true);
  assert.equal(calls, 3);
  const w = engine.warnings.filter((x) => x.code === "event_handler_failed");
  assert.equal(w.length, 1);
  assert.deepEqual(w[0].path, ["onEvent"]);
  assert.match(w[0].message, /boom/);
  // Not a function: a warning, and the engine works without it.
  const odd = new PromptEngine(team, { onEvent: "log" });
  assert.deepEqual(odd.warnings.map((x) => x.code), ["invalid_option"]);
  assert.ok(odd.evaluate(ctx("acct_0")).callouts.length > 0);
});

test("the log it writes is what analyze reads: units, arms and conversions", () => {
  // One engine per unit, as each user's page has its own (its caps are that user's).
  const log = [];
  const units = Array.from({ length: 300 }, (_, i) => `acct_${i}`);
  let shown = 0;
  for (const id of units) {
    const { engine, log: own } = listening(withProgram(0.2));
    const r = engine.evaluate(ctx(id));
    const c = r.callouts.find((x) => x.rule === "seats-near-limit");
    if (c) {
      shown++;
      engine.record({ type: "impression", callout: c.id, at: "2026-11-24T09:00:00Z" });
      // Every third unit shown the rule converts.
      if (shown % 3 === 0) engine.record({ type: "convert", callout: c.id, at: "2026-11-24T10:00:00Z", target: "team", mrrDelta: 30 });
    }
    log.push(...own);
    engine.free();
  }
  const bytes = new TextEncoder().encode(log.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const report = audience.analyzeEvents(withProgram(0.2), (offset, max) => bytes.subarray(offset, offset + max), { name: "events.jsonl" });
  assert.equal(report.totals.badLines, 0, JSON.stringify(report.errors));
  const program = report.program;
  assert.equal(program.units, 300);
  const byArm = Object.fromEntries(program.arms.map((a) => [a.id, a]));
  const heldOut = log.filter((e) => e.experiment === "$program" && e.arm === "holdout").length;
  assert.ok(heldOut > 30 && heldOut < 90, `${heldOut} of 300 held out at a share of 0.2`);
  assert.equal(byArm.holdout.units, heldOut);
  assert.equal(byArm.exposed.units, 300 - heldOut);
  assert.equal(byArm.holdout.converted, 0);
  assert.equal(byArm.exposed.converted, Math.floor(shown / 3));
  assert.equal(byArm.exposed.mrr, 30 * Math.floor(shown / 3));
  const seat = report.experiments.find((x) => x.key === "seat-copy");
  assert.equal(seat.units, 300 - heldOut);
  const callout = report.callouts.find((c) => c.id === "seats-near-limit");
  assert.equal(callout.impressions, shown);
  assert.equal(callout.conversions, Math.floor(shown / 3));
});
