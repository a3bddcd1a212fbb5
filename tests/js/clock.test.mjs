// The clock rule through the package (README, "The clock rule"): an event without `at` counts
// for the context it follows, and nothing from a context, a stored state or another tab can push
// stored times past the host clock.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root, readJson } from "./helpers.mjs";

const { PromptEngine } = await import(path.join(root, "pkg/node.js"));
const config = readJson("www/samples/team.json");

const reasonOf = (ev, rule) => ev.suppressed.find((s) => s.rule === rule)?.reason;

test("a dismissal without `at` hides the callout for the very context it answered", () => {
  const engine = new PromptEngine(config);
  // As a page does: `now` taken when the context is built, the click a moment later.
  const context = { ...readJson("tests/fixtures/contexts/growing-team.json"), now: new Date(Date.now() - 1500).toISOString() };
  const shown = engine.evaluate(context);
  assert.ok(shown.callouts.some((c) => c.rule === "seats-near-limit"));
  // Stamped with the context's `now` (the result says it to the second).
  const at = context.now.replace(/\.\d+Z$/, "Z");
  assert.deepEqual(engine.record({ type: "dismiss", callout: "seats-near-limit" }), { recorded: true, error: null, at });
  const again = engine.evaluate(context);
  assert.ok(!again.callouts.some((c) => c.rule === "seats-near-limit"), JSON.stringify(again.callouts));
  assert.equal(reasonOf(again, "seats-near-limit"), "cooldown:dismissed");
  engine.free();
});

test("a context in year 9999 does not let events from 9999 in", () => {
  const engine = new PromptEngine(config);
  const context = readJson("tests/fixtures/contexts/growing-team.json");
  engine.evaluate({ ...context, now: "9999-06-01T00:00:00Z" });
  const r = engine.record({ type: "dismiss", callout: "seats-near-limit", at: "9999-06-01T00:00:05Z" });
  assert.equal(r.recorded, false);
  assert.equal(r.error.code, "invalid_event");
  assert.deepEqual(r.error.path, ["at"]);
  // Without `at`, after that context: stamped by the host clock, not 9999.
  assert.equal(engine.record({ type: "dismiss", callout: "seats-near-limit" }).recorded, true);
  const at = engine.exportState().callouts["seats-near-limit"].dismissedAt;
  assert.ok(Math.abs(at - Date.now()) < 60_000, String(at));
  engine.free();
});

test("a restored state with a future dismissal is cut, with a warning", () => {
  const future = Date.parse("9999-01-01T00:00:00Z");
  const state = { version: 1, callouts: { "seats-near-limit": { impressions: [future], dismissedAt: future } } };
  const engine = new PromptEngine(config, { state });
  assert.deepEqual(engine.warnings.map((w) => [w.code, w.path]), [["state_ignored", ["state"]]]);
  assert.match(engine.warnings[0].message, /2 stored time\(s\) more than a day after the host clock/);
  assert.deepEqual(engine.exportState(), { version: 1, callouts: {} });
  engine.free();
});
