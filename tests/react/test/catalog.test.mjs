// The provider's `catalog` prop in jsdom (the Node entries, initialized at import): compiled
// bytes and configs are built during the first render; a promise shows `fallback` until it
// loads; a config given as a promise goes through `upgrade-prompts/authoring`; a catalog that
// cannot be loaded gives a coded error, never a throw; engines built here are freed once.
import "./dom.mjs";
import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { StrictMode, createElement as h } from "react";
import { act, cleanup, render, screen } from "@testing-library/react";
import { PromptEngine, PromptSession } from "upgrade-prompts";
import { config, context, mod, probe, reportsPage } from "./fixtures.mjs";
import { bytes, copyOf } from "./compiled.mjs";

const { UpgradePromptsProvider } = mod;

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A promise with its resolve and reject. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let warnings = [];
let errors = [];
const freed = { engines: [] };
const originals = { warn: console.warn, error: console.error, free: PromptEngine.prototype.free };
beforeEach(() => {
  warnings = [];
  errors = [];
  freed.engines = [];
  console.warn = (...args) => warnings.push(args.join(" "));
  console.error = (...args) => errors.push(args.join(" "));
  PromptEngine.prototype.free = function free() {
    freed.engines.push(this);
    return originals.free.call(this);
  };
});
afterEach(async () => {
  cleanup();
  await tick();
  console.warn = originals.warn;
  console.error = originals.error;
  PromptEngine.prototype.free = originals.free;
});

const loading = h("p", { role: "status" }, "loading prompts");
const shown = (container) => [...container.querySelectorAll("[data-callout]")].map((el) => el.getAttribute("data-callout"));

test("compiled bytes (Uint8Array, ArrayBuffer, a view, a Buffer): built in the first render, callouts at once", () => {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const padded = new Uint8Array(bytes.length + 8);
  padded.set(bytes, 4);
  for (const catalog of [bytes, buffer, new DataView(padded.buffer, 4, bytes.length), Buffer.from(bytes)]) {
    const seen = {};
    const { container } = render(
      h(StrictMode, null, h(UpgradePromptsProvider, { catalog, fallback: loading, context }, h(probe(seen)))),
    );
    assert.equal(screen.queryByRole("status"), null, "no fallback when the entry is ready");
    assert.deepEqual(shown(container), ["seats-near-limit"]);
    assert.equal(seen.prompts.error, null);
    assert.ok(seen.prompts.engine instanceof PromptEngine);
    assert.equal(seen.usage.used, 22);
    cleanup();
  }
  assert.deepEqual(warnings, []);
  assert.deepEqual(errors, []);
});

test("a config object and its JSON text are built in the first render too (Node reads configs)", () => {
  for (const catalog of [config, JSON.stringify(config)]) {
    const seen = {};
    const { container } = render(h(UpgradePromptsProvider, { catalog, fallback: loading, context: reportsPage }, h(probe(seen))));
    assert.equal(screen.queryByRole("status"), null);
    assert.equal(seen.prompts.error, null);
    assert.equal(seen.feature.allowed, false);
    assert.deepEqual(seen.evaluation.callouts.map((c) => c.id), ["feature_gate:reports", "reports-cross-sell"]);
    assert.deepEqual(shown(container), []);
    cleanup();
  }
});

test("a promise of bytes: the fallback, then the callouts (StrictMode; one engine, freed on unmount)", async () => {
  const pending = deferred();
  const seen = {};
  const tree = () =>
    h(StrictMode, null, h(UpgradePromptsProvider, { catalog: pending.promise, fallback: loading, context }, h(probe(seen))));
  const { container, rerender, unmount } = render(tree());
  assert.equal(screen.getByRole("status").textContent, "loading prompts");
  assert.equal(seen.renders, 0, "the children wait for the engine");
  rerender(tree());
  await act(async () => {
    pending.resolve(bytes);
    await tick();
  });
  assert.equal(screen.queryByRole("status"), null);
  assert.deepEqual(shown(container), ["seats-near-limit"]);
  const engine = seen.prompts.engine;
  assert.ok(engine instanceof PromptEngine);
  // the impression recorded once, on the engine built from the bytes
  assert.equal(engine.exportState().callouts["seats-near-limit"].impressions.length, 1);
  rerender(tree());
  assert.equal(seen.prompts.engine, engine);
  assert.deepEqual(freed.engines, []);
  unmount();
  await tick();
  assert.deepEqual(freed.engines, [engine]);
  assert.deepEqual(errors, []);
});

test("the fallback defaults to nothing", async () => {
  const pending = deferred();
  const { container } = render(h(UpgradePromptsProvider, { catalog: pending.promise, context }, h(probe({}))));
  assert.equal(container.innerHTML, "");
  await act(async () => {
    pending.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    await tick();
  });
  assert.deepEqual(shown(container), ["seats-near-limit"]);
});

test("a config through upgrade-prompts/authoring (a promise of a config loads that entry)", async () => {
  const authoring = await import("upgrade-prompts/authoring");
  const seen = {};
  const { container } = render(
    h(StrictMode, null, h(UpgradePromptsProvider, { catalog: Promise.resolve(config), fallback: loading, context }, h(probe(seen)))),
  );
  assert.ok(screen.getByRole("status"));
  await act(async () => {
    await tick();
    await tick();
  });
  assert.equal(seen.prompts.error, null, JSON.stringify(seen.prompts.error));
  assert.ok(seen.prompts.engine instanceof authoring.PromptEngine, "built by the authoring entry");
  assert.deepEqual(shown(container), ["seats-near-limit"]);
  cleanup();
  // once loaded, a config given directly is built by the authoring entry in the first render
  const direct = {};
  render(h(UpgradePromptsProvider, { catalog: JSON.stringify(config), fallback: loading, context }, h(probe(direct))));
  assert.equal(screen.queryByRole("status"), null);
  assert.ok(direct.prompts.engine instanceof authoring.PromptEngine);
  assert.deepEqual(errors, []);
});

test("the same catalog re-rendered keeps its engine; a new value rebuilds and frees the old one", async () => {
  const seen = {};
  const Page = probe(seen);
  const tree = (catalog) => h(StrictMode, null, h(UpgradePromptsProvider, { catalog, context }, h(Page)));
  const { rerender, container, unmount } = render(tree(bytes));
  await tick();
  const first = seen.prompts.engine;
  for (let i = 0; i < 3; i += 1) rerender(tree(bytes));
  await tick();
  assert.equal(seen.prompts.engine, first);
  assert.deepEqual(freed.engines, [], "the same bytes build nothing and free nothing");
  // equal bytes in a new array: a new catalog value (identity), so a new engine
  rerender(tree(copyOf(bytes)));
  await tick();
  const second = seen.prompts.engine;
  assert.notEqual(second, first);
  assert.deepEqual(freed.engines, [first]);
  assert.deepEqual(shown(container), ["seats-near-limit"]);
  // a string catalog is compared by value
  const text = JSON.stringify(config);
  rerender(tree(text));
  await tick();
  const third = seen.prompts.engine;
  rerender(tree(`${text}`.slice(0)));
  rerender(tree(JSON.stringify(config)));
  await tick();
  assert.equal(seen.prompts.engine, third);
  assert.deepEqual(freed.engines, [first, second]);
  unmount();
  assert.deepEqual(freed.engines, [first, second], "freed after the cleanup, not during it");
  await tick();
  assert.deepEqual(freed.engines, [first, second, third]);
});

test("StrictMode's simulated unmount frees nothing; an unmount frees the engine it built, once", async () => {
  const seen = {};
  const { unmount } = render(h(StrictMode, null, h(UpgradePromptsProvider, { catalog: bytes, context }, h(probe(seen)))));
  await tick();
  const engine = seen.prompts.engine;
  assert.deepEqual(freed.engines, []);
  assert.deepEqual(engine.evaluate(context, { placement: "banner" }).callouts.map((c) => c.id), ["seats-near-limit"]);
  unmount();
  await tick();
  await tick();
  assert.deepEqual(freed.engines, [engine]);
});

test("unmounted while loading: the engine that arrives later is freed", async () => {
  const pending = deferred();
  const { unmount } = render(h(UpgradePromptsProvider, { catalog: pending.promise, fallback: loading, context }, h(probe({}))));
  unmount();
  await tick();
  pending.resolve(bytes);
  await tick();
  assert.equal(freed.engines.length, 1);
  assert.ok(freed.engines[0] instanceof PromptEngine);
  assert.deepEqual(errors, []);
});

function assertFailed(seen, code) {
  const { prompts } = seen;
  assert.equal(prompts.session, null);
  assert.equal(prompts.engine, null);
  assert.equal(prompts.error.code, code);
  assert.equal(typeof prompts.error.message, "string");
  assert.ok(Array.isArray(prompts.error.path));
  assert.deepEqual(seen.callouts, []);
  assert.equal(seen.evaluation.errors[0], prompts.error);
  assert.equal(seen.feature.allowed, true);
  assert.equal(seen.feature.reason, "invalid_context");
  assert.equal(seen.feature.errors[0], prompts.error);
  assert.equal(seen.usage.used, null);
  assert.deepEqual(prompts.record({ type: "click", callout: "seats-near-limit" }), { recorded: false, error: prompts.error });
  assert.deepEqual(prompts.dismiss("seats-near-limit"), { recorded: false, error: prompts.error });
}

test("bad bytes: invalid_catalog in every answer, the page renders without callouts, no throw, one warning", () => {
  for (const catalog of [new Uint8Array([1, 2, 3]), bytes.slice(0, 100), new ArrayBuffer(16)]) {
    warnings = [];
    const seen = {};
    const tree = () => h(StrictMode, null, h(UpgradePromptsProvider, { catalog, fallback: loading, context }, h(probe(seen))));
    const { rerender, container } = render(tree());
    rerender(tree());
    rerender(tree());
    assert.ok(screen.getByText("page content"));
    assert.equal(screen.queryByRole("status"), null);
    assert.deepEqual(shown(container), []);
    assertFailed(seen, "invalid_catalog");
    assert.equal(warnings.length, 1, `one warning, not ${warnings.length}: ${warnings.join(" | ")}`);
    assert.match(warnings[0], /the `catalog` prop cannot be loaded: error\[invalid_catalog\]/);
    cleanup();
  }
  assert.deepEqual(errors, []);
});

test("an invalid config: the engine's own diagnostics, with their paths; onError instead of the warning", async () => {
  const calls = [];
  const onError = (error, all) => calls.push([error, all]);
  const bad = { ...config, plans: 5, rules: "x" };
  const seen = {};
  const tree = () => h(StrictMode, null, h(UpgradePromptsProvider, { catalog: bad, onError, context }, h(probe(seen))));
  const { rerender } = render(tree());
  rerender(tree());
  await tick();
  assert.ok(screen.getByText("page content"));
  const error = seen.prompts.error;
  assert.equal(calls.length, 1, "onError called once");
  assert.equal(calls[0][0], error);
  const direct = (() => {
    try {
      return new PromptEngine(bad);
    } catch (thrown) {
      return thrown;
    }
  })();
  assert.deepEqual(calls[0][1], direct.errors, "every diagnostic of the engine");
  assert.deepEqual(seen.evaluation.errors, direct.errors);
  assert.equal(error.code, direct.errors[0].code);
  assert.deepEqual(error.path, direct.errors[0].path);
  assert.ok(error.path.length > 0);
  assert.ok(Object.isFrozen(error) && Object.isFrozen(calls[0][1]));
  assert.deepEqual(warnings, []);
  assert.deepEqual(errors, []);
});

test("a rejected promise: catalog_failed, after the fallback; a good catalog recovers", async () => {
  const pending = deferred();
  const seen = {};
  const calls = [];
  const tree = (catalog) =>
    h(UpgradePromptsProvider, { catalog, fallback: loading, context, onError: (e) => calls.push(e.code) }, h(probe(seen)));
  const { rerender, container } = render(tree(pending.promise));
  assert.ok(screen.getByRole("status"));
  await act(async () => {
    pending.reject(new Error("404 Not Found"));
    await tick();
  });
  assert.ok(screen.getByText("page content"));
  assertFailed(seen, "catalog_failed");
  assert.match(seen.prompts.error.message, /the `catalog` promise was rejected: 404 Not Found/);
  assert.deepEqual(calls, ["catalog_failed"]);
  rerender(tree(bytes));
  assert.equal(seen.prompts.error, null);
  assert.deepEqual(shown(container), ["seats-near-limit"]);
  assert.deepEqual(errors, []);
});

test("a catalog of the wrong kind (a number, null inside a promise) never throws", async () => {
  for (const catalog of [42, Promise.resolve(null), Promise.resolve(undefined)]) {
    const seen = {};
    render(h(UpgradePromptsProvider, { catalog, context, onError: () => {} }, h(probe(seen))));
    await act(async () => {
      await tick();
      await tick();
    });
    assert.ok(screen.getByText("page content"));
    assert.notEqual(seen.prompts.error, null);
    assert.equal(typeof seen.prompts.error.code, "string");
    cleanup();
  }
  assert.deepEqual(errors, []);
});
