// The `catalog` prop against the package layout's browser entries, emulated over the Node
// entry (lean-runtime.mjs, lean-authoring.mjs, swapped in for the binding by lean-hooks.mjs):
// the provider calls `init()` itself, shows `fallback` meanwhile, imports
// `upgrade-prompts/authoring` for a config the runtime refuses (`needs_authoring`), and turns
// a failed init or import into a coded error. The tests run in order: the entries, once
// initialized, stay so (as a page's do).
import "./dom.mjs";
import { register } from "node:module";
import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { StrictMode, createElement as h } from "react";
import { hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { act, cleanup, render, screen } from "@testing-library/react";
import { PromptEngine as NodeEngine } from "upgrade-prompts";

register("./lean-hooks.mjs", import.meta.url);
const { config, context, mod } = await import("./fixtures.mjs");
const { bytes } = await import("./compiled.mjs");
const lean = await import("./lean-runtime.mjs");
const leanAuthoring = await import("./lean-authoring.mjs");
const { runtime } = lean;
const { authoring } = leanAuthoring;

const { CalloutView, UpgradePromptsProvider, useCallouts, useUpgradePrompts } = mod;

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets the emulated inits (5 ms) and the provider's loading settle: at least 30 ms, and while
 * a fallback is still shown, up to 1 s more (a loaded machine may take longer to import). */
const settle = () => act(async () => {
  await wait(30);
  const deadline = Date.now() + 1000;
  const loadingShown = () => [...document.querySelectorAll("p")].some((el) => el.textContent === "loading prompts");
  while (Date.now() < deadline && loadingShown()) await wait(10);
});

let warnings = [];
let errors = [];
const freed = [];
const originals = { warn: console.warn, error: console.error, free: NodeEngine.prototype.free };
beforeEach(() => {
  warnings = [];
  errors = [];
  freed.length = 0;
  console.warn = (...args) => warnings.push(args.join(" "));
  console.error = (...args) => errors.push(args.join(" "));
  NodeEngine.prototype.free = function free() {
    freed.push(this);
    return originals.free.call(this);
  };
});
afterEach(async () => {
  cleanup();
  await wait(0);
  console.warn = originals.warn;
  console.error = originals.error;
  NodeEngine.prototype.free = originals.free;
});

function page(seen) {
  return function Page() {
    seen.prompts = useUpgradePrompts();
    const callouts = useCallouts("banner");
    return h("div", null, h("p", null, "page content"), callouts.map((c) => h(CalloutView, { key: c.id, callout: c })));
  };
}

const loading = h("p", { role: "status" }, "loading prompts");
const shown = (container) => [...container.querySelectorAll("[data-callout]")].map((el) => el.getAttribute("data-callout"));

test("the emulation holds: nothing works before init()", () => {
  assert.equal(runtime.ready, false);
  assert.throws(() => new lean.PromptEngine(bytes), /not initialized/);
});

test("before init(): the fallback; a failed init() gives init_failed, never a throw", async () => {
  runtime.failNextInit = true;
  const seen = {};
  const calls = [];
  const { container } = render(
    h(UpgradePromptsProvider, { catalog: bytes, fallback: loading, context, onError: (e) => calls.push(e.code) }, h(page(seen))),
  );
  assert.ok(screen.getByRole("status"));
  await settle();
  assert.ok(screen.getByText("page content"));
  assert.equal(seen.prompts.error.code, "init_failed");
  assert.match(seen.prompts.error.message, /404 Not Found/);
  assert.deepEqual(shown(container), []);
  assert.deepEqual(calls, ["init_failed"]);
  assert.equal(runtime.ready, false);
  assert.deepEqual(errors, []);
});

test("bytes: the provider calls init() itself, shows the fallback, then the callouts", async () => {
  const seen = {};
  const before = runtime.inits;
  const { container } = render(
    h(StrictMode, null, h(UpgradePromptsProvider, { catalog: bytes, fallback: loading, context }, h(page(seen)))),
  );
  assert.ok(screen.getByRole("status"));
  assert.deepEqual(shown(container), []);
  await settle();
  assert.equal(runtime.ready, true);
  assert.ok(runtime.inits > before);
  assert.equal(screen.queryByRole("status"), null);
  assert.equal(seen.prompts.error, null);
  assert.ok(seen.prompts.engine instanceof lean.PromptEngine, "built by the runtime entry");
  assert.deepEqual(shown(container), ["seats-near-limit"]);
  cleanup();
  await wait(0);
  assert.equal(freed.length, 1, "the engine it built is freed on unmount");
  // initialized now: a new provider builds in its first render
  const again = {};
  const second = render(h(UpgradePromptsProvider, { catalog: bytes, fallback: loading, context }, h(page(again))));
  assert.equal(screen.queryByRole("status"), null);
  assert.deepEqual(shown(second.container), ["seats-near-limit"]);
  assert.deepEqual(errors, []);
});

test("a config the runtime refuses, with an authoring entry that fails: authoring_unavailable", async () => {
  authoring.failNextInit = true;
  const seen = {};
  render(h(UpgradePromptsProvider, { catalog: config, fallback: loading, context }, h(page(seen))));
  assert.ok(screen.getByRole("status"));
  await settle();
  assert.ok(screen.getByText("page content"));
  assert.equal(seen.prompts.error.code, "authoring_unavailable");
  assert.match(seen.prompts.error.message, /upgrade-prompts\/authoring/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /error\[authoring_unavailable\]/);
  assert.deepEqual(errors, []);
});

test("a config: the authoring entry is imported and initialized once, then the callouts", async () => {
  const before = authoring.inits;
  const seen = [{}, {}];
  const { container } = render(
    h(
      StrictMode,
      null,
      h(UpgradePromptsProvider, { catalog: config, fallback: loading, context }, h(page(seen[0]))),
      h(UpgradePromptsProvider, { catalog: JSON.stringify(config), fallback: loading, context }, h(page(seen[1]))),
    ),
  );
  assert.equal(screen.getAllByRole("status").length, 2);
  await settle();
  assert.equal(authoring.inits - before, 1, "one init for both providers");
  for (const s of seen) {
    assert.equal(s.prompts.error, null);
    assert.ok(s.prompts.engine instanceof leanAuthoring.PromptEngine, "built by the authoring entry");
  }
  assert.deepEqual(shown(container), ["seats-near-limit", "seats-near-limit"]);
  cleanup();
  // loaded now: a config is built in the first render
  const direct = {};
  render(h(UpgradePromptsProvider, { catalog: { ...config }, fallback: loading, context }, h(page(direct))));
  assert.equal(screen.queryByRole("status"), null);
  assert.ok(direct.prompts.engine instanceof leanAuthoring.PromptEngine);
  assert.deepEqual(errors, []);
});

test("bad bytes through the runtime entry: invalid_catalog, no throw", async () => {
  const seen = {};
  render(h(UpgradePromptsProvider, { catalog: new Uint8Array([9, 9, 9]), context, onError: () => {} }, h(page(seen))));
  assert.ok(screen.getByText("page content"));
  assert.equal(seen.prompts.error.code, "invalid_catalog");
  assert.deepEqual(warnings, []);
});

test("server HTML hydrates without a mismatch once init() has resolved", async () => {
  const Page = page({});
  const tree = () => h(UpgradePromptsProvider, { catalog: bytes, fallback: loading, context }, h(Page));
  const html = renderToString(tree());
  assert.ok(html.includes(`data-callout="seats-near-limit"`), html);
  const container = document.createElement("div");
  container.innerHTML = html;
  document.body.append(container);
  let root;
  await act(async () => {
    root = hydrateRoot(container, tree(), { onRecoverableError: (error) => errors.push(String(error)) });
  });
  assert.deepEqual(shown(container), ["seats-near-limit"]);
  assert.deepEqual(errors, []);
  act(() => root.unmount());
  container.remove();
});
