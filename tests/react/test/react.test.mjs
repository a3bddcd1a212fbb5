// upgrade-prompts/react in jsdom with React Testing Library: the hooks give the engine's own
// answers, events change what is shown, StrictMode records one impression, handles are freed.
import "./dom.mjs";
import { afterEach, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { StrictMode, createElement as h, version as reactVersion } from "react";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { PromptEngine, PromptSession } from "upgrade-prompts";
import { config, context, mod, quiet, reportsPage } from "./fixtures.mjs";

const {
  CalloutView,
  UpgradePromptsProvider,
  useCallouts,
  useEvaluation,
  useFeature,
  useImpression,
  useUpgradePrompts,
  useUsage,
} = mod;

console.log(`# React ${reactVersion}, module ${process.env.UPGRADE_PROMPTS_REACT ?? "./react.js (copy of js/react.js)"}`);

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Counts `free()` calls per handle class while a test runs. */
const freed = { engines: [], sessions: [] };
const originals = { engine: PromptEngine.prototype.free, session: PromptSession.prototype.free };
beforeEach(() => {
  freed.engines = [];
  freed.sessions = [];
  PromptEngine.prototype.free = function free() {
    freed.engines.push(this);
    return originals.engine.call(this);
  };
  PromptSession.prototype.free = function free() {
    freed.sessions.push(this);
    return originals.session.call(this);
  };
});
afterEach(async () => {
  cleanup();
  await tick();
  PromptEngine.prototype.free = originals.engine;
  PromptSession.prototype.free = originals.session;
  delete globalThis.IntersectionObserver;
});

/** A list of callouts for a placement, each in a CalloutView. */
function List({ placement }) {
  const callouts = useCallouts(placement);
  return h(
    "ul",
    { "data-testid": `list-${placement ?? "default"}` },
    callouts.map((c) => h(CalloutView, { key: c.id, callout: c, as: "li" })),
  );
}

const rendered = (placement) =>
  [...screen.getByTestId(`list-${placement ?? "default"}`).querySelectorAll("[data-callout]")].map((el) =>
    el.getAttribute("data-callout"),
  );

const ids = (callouts) => callouts.map((c) => c.id);

test("useCallouts shows what engine.evaluate gives, per placement", () => {
  const engine = new PromptEngine(config);
  const seen = {};
  function Probe({ placement }) {
    seen[placement ?? "all"] = useCallouts(placement);
    return null;
  }
  const placements = [null, "banner", "inline", "modal"];
  render(
    h(
      UpgradePromptsProvider,
      { engine, context: reportsPage },
      placements.map((p) => h(List, { key: `l${p}`, placement: p })),
      placements.map((p) => h(Probe, { key: `p${p}`, placement: p })),
    ),
  );
  for (const placement of placements) {
    const direct = engine.evaluate(reportsPage, placement === null ? {} : { placement });
    assert.deepEqual(seen[placement ?? "all"], direct.callouts, `placement ${placement}`);
    assert.deepEqual(rendered(placement), ids(direct.callouts), `rendered ${placement}`);
  }
  assert.deepEqual(rendered(null), ["feature_gate:reports", "reports-cross-sell"]);
  assert.deepEqual(rendered("banner"), []);
  // The default content is the callout's text, as text.
  const item = screen.getByTestId("list-inline").querySelector("[data-callout]");
  assert.equal(item.querySelector("strong").textContent, "Export richer reports");
  assert.equal(item.querySelector("p").textContent, "Reports+ adds scheduled exports and custom charts for $29 a month.");
  assert.equal(item.querySelector("button[data-action]").textContent, "Add Reports+");
  assert.equal(item.getAttribute("data-kind"), "cross_sell");
  engine.free();
});

test("the provider's placement is the default of useCallouts; null asks for every placement", () => {
  const engine = new PromptEngine(config);
  const seen = {};
  function Probe() {
    seen.byDefault = useCallouts();
    seen.all = useCallouts(null);
    seen.evaluation = useEvaluation();
    return null;
  }
  render(h(UpgradePromptsProvider, { engine, context: reportsPage, placement: "inline" }, h(Probe)));
  assert.deepEqual(ids(seen.byDefault), ["reports-cross-sell"]);
  assert.deepEqual(ids(seen.all), ["feature_gate:reports", "reports-cross-sell"]);
  assert.deepEqual(seen.evaluation, engine.evaluate(reportsPage, { placement: "inline" }));
  engine.free();
});

test("useFeature and useUsage equal the engine's direct answers", () => {
  const engine = new PromptEngine(config);
  const seen = {};
  function Probe() {
    for (const f of ["reports", "sso", "nope"]) seen[`feature:${f}`] = useFeature(f);
    for (const m of ["seats", "api_calls", "nope"]) seen[`usage:${m}`] = useUsage(m);
    const usage = useUsage("seats");
    return h("p", { "data-testid": "seats" }, `${usage.used} of ${usage.limit} (${usage.state})`);
  }
  const { rerender } = render(h(UpgradePromptsProvider, { engine, context }, h(Probe)));
  for (const f of ["reports", "sso", "nope"]) assert.deepEqual(seen[`feature:${f}`], engine.checkFeature(f, context));
  for (const m of ["seats", "api_calls", "nope"]) assert.deepEqual(seen[`usage:${m}`], engine.checkUsage(m, context));
  assert.equal(seen["feature:reports"].allowed, true);
  assert.equal(seen["feature:sso"].allowed, false);
  assert.equal(screen.getByTestId("seats").textContent, "22 of 25 (approaching)");
  // Frozen answers, the same objects on the next render of the same context.
  const before = seen["usage:seats"];
  assert.ok(Object.isFrozen(before));
  rerender(h(UpgradePromptsProvider, { engine, context }, h(Probe)));
  assert.equal(seen["usage:seats"], before);
  engine.free();
});

test("dismissing a callout removes it from the rendered list and records the dismissal", async () => {
  const engine = new PromptEngine(config);
  render(h(UpgradePromptsProvider, { engine, context: reportsPage }, h(List, { placement: null })));
  assert.deepEqual(rendered(null), ["feature_gate:reports", "reports-cross-sell"]);
  const item = screen.getByTestId("list-default").querySelector('[data-callout="reports-cross-sell"]');
  fireEvent.click(item.querySelector('button[aria-label="Dismiss"]'));
  assert.deepEqual(rendered(null), ["feature_gate:reports"]);
  assert.deepEqual(rendered(null), ids(engine.evaluate(reportsPage).callouts));
  const state = engine.exportState().callouts["reports-cross-sell"];
  // Recorded at the context's `now`, so the cooldown applies to that context.
  assert.equal(state.dismissedAt, Date.parse(reportsPage.now));
  assert.ok(
    engine.evaluate(reportsPage).suppressed.some((s) => s.callout === "reports-cross-sell" && s.reason === "cooldown:dismissed"),
  );
  engine.free();
});

test("click and convert go through the helpers; a conversion hides the callout", () => {
  const engine = new PromptEngine(config);
  let api;
  function Probe() {
    api = useUpgradePrompts();
    return h(List, { placement: "modal" });
  }
  render(h(UpgradePromptsProvider, { engine, context: reportsPage }, h(Probe)));
  assert.deepEqual(rendered("modal"), ["feature_gate:reports"]);
  const cta = screen.getByText("Upgrade to Team");
  fireEvent.click(cta);
  assert.equal(engine.exportState().callouts["feature_gate:reports"].clickedAt, Date.parse(reportsPage.now));
  assert.deepEqual(rendered("modal"), ["feature_gate:reports"]);
  const versionBefore = api.version;
  let result;
  act(() => {
    result = api.convert("feature_gate:reports");
  });
  assert.deepEqual(result, { recorded: true, error: null, at: reportsPage.now });
  assert.equal(api.version, versionBefore + 1);
  assert.deepEqual(rendered("modal"), ids(engine.evaluate(reportsPage, { placement: "modal" }).callouts));
  assert.deepEqual(rendered("modal"), []);
  // Bad events are answered, not thrown.
  assert.equal(api.click(null).recorded, false);
  assert.equal(api.record({ type: "bogus", callout: "x" }).error.code, "invalid_event");
  engine.free();
});

test("an impression is recorded exactly once under StrictMode (no IntersectionObserver)", async () => {
  const engine = new PromptEngine(config);
  const calls = [];
  const record = engine.record.bind(engine);
  engine.record = (event) => {
    calls.push(event);
    return record(event);
  };
  const tree = (ctx) => h(StrictMode, null, h(UpgradePromptsProvider, { engine, context: ctx }, h(List, { placement: "banner" })));
  const { rerender } = render(tree(context));
  assert.deepEqual(rendered("banner"), ["seats-near-limit"]);
  rerender(tree({ ...context })); // an equal context: same session, no new impression
  await tick();
  assert.deepEqual(calls, [{ type: "impression", callout: "seats-near-limit", at: context.now }]);
  assert.deepEqual(engine.exportState().callouts["seats-near-limit"].impressions, [Date.parse(context.now)]);
  // The engine is still usable after StrictMode's simulated unmount (nothing freed too early).
  assert.equal(freed.engines.length, 0);
  assert.deepEqual(rendered("banner"), ["seats-near-limit"]);
  engine.free();
});

test("with IntersectionObserver, the impression waits until half of the callout is visible", async () => {
  const observers = [];
  globalThis.IntersectionObserver = class {
    constructor(callback, options) {
      this.callback = callback;
      this.options = options;
      this.targets = [];
      this.disconnected = false;
      observers.push(this);
    }
    observe(target) { this.targets.push(target); }
    unobserve() {}
    disconnect() { this.disconnected = true; }
    fire(ratio) {
      if (this.disconnected) return;
      this.callback(this.targets.map((target) => ({ target, isIntersecting: ratio > 0, intersectionRatio: ratio })), this);
    }
  };
  const engine = new PromptEngine(config);
  const impressions = () => engine.exportState().callouts["seats-near-limit"]?.impressions ?? [];
  const { unmount } = render(
    h(StrictMode, null, h(UpgradePromptsProvider, { engine, context }, h(List, { placement: "banner" }))),
  );
  const live = observers.filter((o) => !o.disconnected);
  assert.equal(live.length, 1, "one observer left after StrictMode's double effects");
  assert.equal(live[0].options.threshold, 0.5);
  assert.equal(live[0].targets[0].getAttribute("data-callout"), "seats-near-limit");
  act(() => live[0].fire(0.3));
  assert.deepEqual(impressions(), []);
  act(() => live[0].fire(0.6));
  act(() => live[0].fire(1));
  for (const o of observers) act(() => o.fire(1));
  assert.deepEqual(impressions(), [Date.parse(context.now)]);
  unmount();
  assert.ok(observers.every((o) => o.disconnected));
  engine.free();
});

test("useImpression on a custom element, and nothing for a null callout", () => {
  const engine = new PromptEngine(config);
  function Banner() {
    const [callout] = useCallouts("banner");
    const ref = useImpression(callout);
    useImpression(null);
    return h("section", { ref }, callout ? callout.title : "");
  }
  render(h(UpgradePromptsProvider, { engine, context }, h(Banner)));
  assert.ok(screen.getByText("Your team is growing"));
  assert.deepEqual(Object.keys(engine.exportState().callouts), ["seats-near-limit"]);
  engine.free();
});

test("changing the context prop updates the answers and frees the old session", async () => {
  const engine = new PromptEngine(config);
  let api;
  function Probe() {
    api = useUpgradePrompts();
    const seats = useUsage("seats");
    const reports = useFeature("reports");
    return h("div", null, h("p", { "data-testid": "usage" }, `${seats.used}/${seats.limit} reports:${reports.allowed}`), h(List, { placement: null }));
  }
  const { rerender, unmount } = render(h(UpgradePromptsProvider, { engine, context }, h(Probe)));
  assert.equal(screen.getByTestId("usage").textContent, "22/25 reports:true");
  assert.deepEqual(rendered(null), ["seats-near-limit"]);
  const first = api.session;

  // An equal context written inline (a new object each render) keeps the session.
  rerender(h(UpgradePromptsProvider, { engine, context: structuredClone(context) }, h(Probe)));
  assert.equal(api.session, first);
  await tick();
  assert.deepEqual(freed.sessions, []);

  rerender(h(UpgradePromptsProvider, { engine, context: reportsPage }, h(Probe)));
  assert.equal(screen.getByTestId("usage").textContent, "2/3 reports:false");
  assert.deepEqual(rendered(null), ids(engine.evaluate(reportsPage).callouts));
  assert.notEqual(api.session, first);
  await tick();
  assert.deepEqual(freed.sessions, [first]);

  rerender(h(UpgradePromptsProvider, { engine, context: quiet }, h(Probe)));
  assert.equal(screen.getByTestId("usage").textContent, "5/25 reports:true");
  assert.deepEqual(rendered(null), []);
  const last = api.session;
  unmount();
  await tick();
  assert.equal(freed.sessions.length, 3);
  assert.equal(freed.sessions[2], last);
  assert.equal(freed.engines.length, 0, "an engine given by the caller is never freed");
  engine.free();
});

test("a provider given a config builds its engine once and frees it on unmount", async () => {
  const engines = [];
  function Probe() {
    const { engine } = useUpgradePrompts();
    if (!engines.includes(engine)) engines.push(engine);
    return h(List, { placement: "banner" });
  }
  const tree = (cfg) => h(StrictMode, null, h(UpgradePromptsProvider, { config: cfg, context }, h(Probe)));
  const { rerender, unmount } = render(tree(config));
  rerender(tree(config));
  rerender(tree(config));
  assert.deepEqual(rendered("banner"), ["seats-near-limit"]);
  await tick();
  const live = engines.at(-1);
  assert.ok(live instanceof PromptEngine);
  // React 18's StrictMode renders a mount twice with fresh refs; the discarded render's engine
  // is never used and is left to the package's finalizer. Re-renders build nothing.
  assert.ok(engines.length <= 2, `built ${engines.length} engines`);
  assert.equal(freed.engines.length, 0, "not freed while mounted");
  assert.equal(live.exportState().callouts["seats-near-limit"].impressions.length, 1);

  // A new config object: a new engine, the old one freed.
  const copy = structuredClone(config);
  rerender(tree(copy));
  await tick();
  const next = engines.at(-1);
  assert.notEqual(next, live);
  assert.deepEqual(freed.engines, [live]);
  assert.deepEqual(rendered("banner"), ["seats-near-limit"]);

  unmount();
  assert.equal(freed.engines.length, 1, "freed after the cleanup, not during it");
  await tick();
  assert.deepEqual(freed.engines, [live, next]);
});

test("a bad context never throws: answers carry the errors", () => {
  const engine = new PromptEngine(config);
  const seen = {};
  function Probe() {
    seen.callouts = useCallouts(null);
    seen.evaluation = useEvaluation(null);
    seen.feature = useFeature("sso");
    seen.usage = useUsage("seats");
    return h("p", null, "still here");
  }
  // (The cycle is in a field the catalog reads: one elsewhere is never looked at.)
  const circular = { account: { plan: "team" } };
  circular.account.addons = [circular];
  for (const bad of [null, "{not json", { account: 5 }, circular, { account: { plan: "nope" }, usage: { seats: { used: NaN } } }]) {
    render(h(UpgradePromptsProvider, { engine, context: bad }, h(Probe)));
    assert.ok(screen.getByText("still here"));
    assert.deepEqual(seen.callouts, [], `callouts for ${String(bad)}`);
    assert.ok(seen.evaluation.errors.length > 0, `errors for ${bad === circular ? "a cycle" : JSON.stringify(bad?.account ?? bad)}`);
    assert.deepEqual(seen.feature, engine.checkFeature("sso", bad));
    cleanup();
  }
  engine.free();
});

test("hooks outside a provider, and a provider without an engine or a config, throw clear errors", () => {
  function Probe() {
    useCallouts();
    return null;
  }
  const quietConsole = console.error;
  console.error = () => {};
  try {
    assert.throws(() => render(h(Probe)), /useEvaluation must be used inside <UpgradePromptsProvider>/);
    assert.throws(() => render(h(UpgradePromptsProvider, { context }, null)), /needs an `engine`, a `catalog` or a `config`/);
  } finally {
    console.error = quietConsole;
  }
});

test("CalloutView: render prop, children, link CTA, plain text only", () => {
  const engine = new PromptEngine({
    ...config,
    rules: [
      ...config.rules,
      {
        id: "html-ish",
        kind: "upsell",
        placement: "inline",
        target: "enterprise",
        when: "page.route == '/html'",
        cta: { url: "/billing?x=1" },
        message: { en: { title: "<b>bold</b> & <script>alert(1)</script>", body: "<img src=x onerror=alert(1)>" } },
      },
    ],
  });
  const ctx = { ...quiet, page: { route: "/html" } };
  function Custom() {
    const callouts = useCallouts("inline");
    return h(
      "div",
      null,
      callouts.map((c) => h(CalloutView, { key: c.id, callout: c, className: "up" })),
      callouts.map((c) =>
        h(CalloutView, { key: `r${c.id}`, callout: c, render: (callout, actions) => h("button", { onClick: actions.dismiss }, `hide ${callout.id}`) }),
      ),
      h(CalloutView, { callout: callouts[0], as: "aside" }, "custom child"),
      h(CalloutView, { callout: null }),
    );
  }
  const { container } = render(h(UpgradePromptsProvider, { engine, context: ctx }, h(Custom)));
  const item = container.querySelector("div.up");
  assert.equal(item.querySelector("strong").textContent, "<b>bold</b> & <script>alert(1)</script>");
  assert.equal(item.querySelector("p").textContent, "<img src=x onerror=alert(1)>");
  assert.equal(container.querySelector("script"), null);
  assert.equal(container.querySelector("img"), null);
  const link = item.querySelector("a");
  assert.equal(link.getAttribute("href"), "/billing?x=1");
  assert.equal(link.textContent, engine.evaluate(ctx, { placement: "inline" }).callouts[0].cta.label);
  assert.equal(container.querySelector("aside").textContent, "custom child");
  fireEvent.click(screen.getByText("hide html-ish"));
  assert.equal(container.querySelector("[data-callout]"), null);
  assert.ok(engine.exportState().callouts["html-ish"].dismissedAt > 0);
  engine.free();
});

test("two providers on one engine both evaluate again after a dismissal in either", () => {
  const engine = new PromptEngine(config);
  render(
    h(
      "div",
      null,
      h(UpgradePromptsProvider, { engine, context: reportsPage }, h(List, { placement: "inline" })),
      h(UpgradePromptsProvider, { engine, context: reportsPage }, h(List, { placement: null })),
    ),
  );
  assert.deepEqual(rendered("inline"), ["reports-cross-sell"]);
  assert.deepEqual(rendered(null), ["feature_gate:reports", "reports-cross-sell"]);
  fireEvent.click(screen.getByTestId("list-inline").querySelector('button[aria-label="Dismiss"]'));
  assert.deepEqual(rendered("inline"), []);
  assert.deepEqual(rendered(null), ["feature_gate:reports"]);
  engine.free();
});
