// A given `engine` that cannot open a session (freed with `free()`, or not an engine at all)
// never throws into render: the hooks answer with a coded error, nothing is shown, the console
// is warned once per engine, and a working engine recovers.
import "./dom.mjs";
import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { StrictMode, createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { act, cleanup, render, screen } from "@testing-library/react";
import { PromptEngine } from "upgrade-prompts";
import { config, context, mod, probe } from "./fixtures.mjs";

const { UpgradePromptsProvider } = mod;

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** console.warn calls while a test runs (and console.error, where React reports a throw). */
let warnings = [];
let errors = [];
const originals = { warn: console.warn, error: console.error };
beforeEach(() => {
  warnings = [];
  errors = [];
  console.warn = (...args) => warnings.push(args.join(" "));
  console.error = (...args) => errors.push(args.join(" "));
});
afterEach(async () => {
  cleanup();
  await tick();
  console.warn = originals.warn;
  console.error = originals.error;
});

function assertUnavailable(seen, code) {
  const { prompts } = seen;
  assert.equal(prompts.session, null);
  assert.equal(prompts.error.code, code);
  assert.deepEqual(prompts.error.path, []);
  assert.match(prompts.error.message, /the `engine` prop/);
  assert.equal(typeof prompts.error.help, "string");
  // no callouts, the error in every answer, features let through as for an unreadable context
  assert.deepEqual(seen.callouts, []);
  assert.deepEqual(seen.evaluation.errors, [prompts.error]);
  assert.deepEqual(seen.evaluation.suppressed, []);
  assert.equal(seen.feature.allowed, true);
  assert.equal(seen.feature.reason, "invalid_context");
  assert.equal(seen.feature.feature, "sso");
  assert.deepEqual(seen.feature.errors, [prompts.error]);
  assert.equal(seen.usage.metric, "seats");
  assert.equal(seen.usage.used, null);
  assert.equal(seen.usage.limit, null);
  assert.deepEqual(seen.usage.errors, [prompts.error]);
  // the answers have the engine's shape
  const engine = new PromptEngine(config);
  assert.deepEqual(Object.keys(seen.feature), Object.keys(engine.checkFeature("sso", context)));
  assert.deepEqual(Object.keys(seen.usage), Object.keys(engine.checkUsage("seats", context)));
  engine.free();
  // events are refused with the same error
  assert.deepEqual(prompts.record({ type: "click", callout: "seats-near-limit" }), { recorded: false, error: prompts.error });
  assert.deepEqual(prompts.dismiss("seats-near-limit"), { recorded: false, error: prompts.error });
  // evaluating again tries the engine again, and finds the same
  act(() => prompts.refresh());
  assert.equal(seen.prompts.error.code, code);
}

test("a freed engine: no throw into render, a coded error in every answer, nothing shown, one warning", () => {
  const engine = new PromptEngine(config);
  engine.free();
  const seen = {};
  const tree = () => h(StrictMode, null, h(UpgradePromptsProvider, { engine, context }, h(probe(seen))));
  const { rerender, container } = render(tree());
  rerender(tree());
  rerender(tree());
  assert.ok(screen.getByText("page content"));
  assert.equal(container.querySelector("[data-callout]"), null);
  // the same frozen answers on every render
  const { feature, usage, evaluation } = seen;
  rerender(tree());
  assert.equal(seen.feature, feature);
  assert.equal(seen.usage, usage);
  assert.equal(seen.evaluation, evaluation);
  assert.ok(Object.isFrozen(feature) && Object.isFrozen(usage) && Object.isFrozen(evaluation));
  assertUnavailable(seen, "engine_freed");
  assert.equal(warnings.length, 1, `one warning, not ${warnings.length}: ${warnings.join(" | ")}`);
  assert.match(warnings[0], /error\[engine_freed\]/);
  assert.deepEqual(errors, []);
});

test("foreign engines: an object, a number, a config, a throwing proxy, a fake session, a throwing session()", () => {
  const hostile = new Proxy({}, {
    get() {
      throw new Error("no reading");
    },
  });
  const cases = [
    [{}, "invalid_engine"],
    [42, "invalid_engine"],
    ["engine", "invalid_engine"],
    [config, "invalid_engine"],
    [hostile, "invalid_engine"],
    [{ session: () => ({}), record: () => ({ recorded: true, error: null }) }, "invalid_engine"],
    [{ session: () => { throw new Error("boom"); }, record: () => ({ recorded: true, error: null }) }, "engine_failed"],
  ];
  for (const [engine, code] of cases) {
    warnings = [];
    const seen = {};
    const tree = () => h(UpgradePromptsProvider, { engine, context }, h(probe(seen)));
    const { rerender, container } = render(tree());
    rerender(tree());
    assert.ok(screen.getByText("page content"), String(code));
    assert.equal(container.querySelector("[data-callout]"), null);
    assertUnavailable(seen, code);
    if (code === "engine_failed") assert.match(seen.prompts.error.message, /boom/);
    assert.equal(warnings.length, 1, `one warning for ${code}`);
    cleanup();
  }
  // the same engine later: no second warning
  warnings = [];
  render(h(UpgradePromptsProvider, { engine: cases[0][0], context }, h(probe({}))));
  assert.deepEqual(warnings, []);
  assert.deepEqual(errors, []);
});

test("an engine freed while mounted: the next evaluation reports it; a working engine recovers", async () => {
  const engine = new PromptEngine(config);
  const seen = {};
  const tree = (e) => h(UpgradePromptsProvider, { engine: e, context }, h(probe(seen)));
  const { rerender, container } = render(tree(engine));
  assert.deepEqual(seen.callouts.map((c) => c.id), ["seats-near-limit"]);
  assert.equal(seen.prompts.error, null);
  engine.free();
  // recording on it fails as data, and refresh() evaluates again: no callouts, a coded error
  assert.equal(seen.prompts.click("seats-near-limit").recorded, false);
  act(() => seen.prompts.refresh());
  assert.ok(screen.getByText("page content"));
  assert.equal(container.querySelector("[data-callout]"), null);
  assertUnavailable(seen, "engine_freed");
  assert.equal(warnings.length, 1);
  const live = new PromptEngine(config);
  rerender(tree(live));
  assert.equal(seen.prompts.error, null);
  assert.deepEqual(seen.callouts.map((c) => c.id), ["seats-near-limit"]);
  assert.equal(container.querySelectorAll("[data-callout]").length, 1);
  await tick();
  live.free();
  assert.deepEqual(errors, []);
});

test("server rendering with a freed or foreign engine renders the page without callouts", () => {
  const engine = new PromptEngine(config);
  engine.free();
  for (const given of [engine, {}]) {
    const html = renderToString(h(UpgradePromptsProvider, { engine: given, context }, h(probe({}))));
    assert.match(html, /page content/);
    assert.doesNotMatch(html, /data-callout/);
  }
});
