// The `persist` option where there is no `window` (Node, like a worker): the engine works in
// memory and says so in `warnings`; nothing throws. The browser cases are in tests/page/persist.mjs.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root, readJson } from "./helpers.mjs";

const { PromptEngine } = await import(path.join(root, "pkg/node.js"));
const config = readJson("www/samples/team.json");
const context = readJson("tests/fixtures/contexts/growing-team.json");

test("persist without a window: in memory, one persist_unavailable warning", () => {
  const engine = new PromptEngine(config, { persist: { key: "upgrade-prompts:test" } });
  assert.deepEqual(engine.warnings.map((w) => [w.code, w.path]), [["persist_unavailable", ["persist"]]]);
  assert.ok(engine.evaluate(context).callouts.some((c) => c.rule === "seats-near-limit"));
  const r = engine.record({ type: "dismiss", callout: "seats-near-limit", at: "2026-11-24T08:00:00Z" });
  assert.deepEqual(r, { recorded: true, error: null, at: "2026-11-24T08:00:00Z" });
  const after = engine.evaluate(context);
  assert.equal(after.suppressed.find((s) => s.rule === "seats-near-limit")?.reason, "cooldown:dismissed");
  assert.equal(engine.warnings.length, 1);
  engine.free();
});

test("persist with a bad key is a warning, and no persist option is no warning", () => {
  for (const persist of [{}, { key: "" }, { key: 42 }, "key", true]) {
    const engine = new PromptEngine(config, { persist });
    assert.deepEqual(engine.warnings.map((w) => w.code), ["persist_unavailable"], JSON.stringify(persist));
    engine.free();
  }
  for (const options of [undefined, {}, { persist: null }, { persist: undefined }]) {
    const engine = new PromptEngine(config, options);
    assert.deepEqual(engine.warnings, [], JSON.stringify(options));
    engine.free();
  }
});
