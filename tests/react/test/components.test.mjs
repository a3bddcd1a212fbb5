// The drop-in components of upgrade-prompts/react (js/react-ui.js) in jsdom: Callout's layouts,
// roles and recorded events, the modal's focus handling, UsageMeter's numbers, state and
// forecast (meterState), FeatureGate both ways, the Japanese words and the `labels` prop.
import "./dom.mjs";
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { createElement as h } from "react";
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { PromptEngine } from "upgrade-prompts";
import { config, context, mod, reportsPage } from "./fixtures.mjs";

const { Callout, FeatureGate, UpgradePromptsProvider, UsageMeter, calloutWords, formatCount, meterState, useCallouts } = mod;

afterEach(() => cleanup());

/** Every callout of the context, each in a Callout. */
function All(props) {
  return useCallouts(null).map((c) => h(Callout, { key: c.id, callout: c, ...props }));
}

/** Records the events the engine is given. */
function spy(engine) {
  const events = [];
  const record = engine.record.bind(engine);
  engine.record = (event) => {
    events.push(event);
    return record(event);
  };
  return events;
}

const kinds = (events) => events.filter((e) => e.type !== "impression").map((e) => `${e.type} ${e.callout}`);

test("Callout lays out banner, inline and modal by placement, with roles and plain text", () => {
  const engine = new PromptEngine(config);
  render(h(UpgradePromptsProvider, { engine, context: reportsPage }, h(All)));
  const gate = document.querySelector('[data-callout="feature_gate:reports"]');
  assert.equal(gate.getAttribute("role"), "dialog");
  assert.equal(gate.getAttribute("aria-modal"), "true");
  assert.ok(gate.classList.contains("up-callout-modal"));
  assert.ok(gate.parentElement.querySelector(".up-modal-backdrop"), "a backdrop");
  const title = document.getElementById(gate.getAttribute("aria-labelledby"));
  const body = document.getElementById(gate.getAttribute("aria-describedby"));
  const expected = engine.evaluate(reportsPage).callouts[0];
  assert.equal(title.textContent, expected.title);
  assert.equal(body.textContent, expected.body);
  const inline = document.querySelector('[data-callout="reports-cross-sell"]');
  assert.ok(inline.classList.contains("up-callout-inline"));
  assert.equal(inline.querySelector(".up-callout-title").textContent, "Export richer reports");
  assert.equal(inline.querySelector(".up-callout-cta").tagName, "BUTTON");
  assert.equal(inline.querySelector(".up-callout-dismiss").getAttribute("aria-label"), "Dismiss");
  cleanup();

  engine.free();
  // The growing team: the seat banner, a labelled region with a warning colour. (A fresh
  // engine: the impressions above hold further callouts back for the global minimum gap.)
  const fresh = new PromptEngine(config);
  render(h(UpgradePromptsProvider, { engine: fresh, context }, h(All)));
  const banner = document.querySelector('[data-callout="seats-near-limit"]');
  assert.equal(banner.getAttribute("role"), "region");
  assert.equal(document.getElementById(banner.getAttribute("aria-labelledby")).textContent, "Your team is growing");
  assert.ok(banner.classList.contains("up-callout-banner"));
  assert.ok(banner.classList.contains(`up-severity-${banner.getAttribute("data-severity")}`));
  fresh.free();
});

const made = (over) => ({
  id: "x", rule: "x", kind: "upsell", placement: "banner", severity: "info", target: null,
  title: "<b>Title</b>", body: "Body & more", cta: { label: "Go", action: "upgrade" }, priority: 1, experiment: null, reasons: [],
  ...over,
});

test("a blocking banner is an alert; unknown placements render inline; layout overrides", () => {
  const engine = new PromptEngine(config);
  render(h(UpgradePromptsProvider, { engine, context },
    h(Callout, { callout: made({ id: "a", severity: "blocking" }) }),
    h(Callout, { callout: made({ id: "b", placement: "sidebar" }) }),
    h(Callout, { callout: made({ id: "c", placement: "modal" }), layout: "banner" }),
    h(Callout, { callout: null })));
  assert.equal(document.querySelector('[data-callout="a"]').getAttribute("role"), "alert");
  assert.ok(document.querySelector('[data-callout="b"]').classList.contains("up-callout-inline"));
  assert.ok(document.querySelector('[data-callout="c"]').classList.contains("up-callout-banner"));
  // Text is text: no markup from the callout reaches the DOM.
  assert.equal(document.querySelector('[data-callout="a"] b'), null);
  assert.equal(document.querySelector('[data-callout="a"] .up-callout-title').textContent, "<b>Title</b>");
  engine.free();
});

test("the CTA is a link only for relative or http(s) URLs", () => {
  const engine = new PromptEngine(config);
  const urls = ["/billing", "https://example.com/up", "javascript:alert(1)", "//evil.example", "data:text/html,x", undefined];
  render(h(UpgradePromptsProvider, { engine, context },
    urls.map((url, i) => h(Callout, { key: i, callout: made({ id: `u${i}`, cta: { label: "Go", action: "upgrade", url } }) }))));
  const tags = urls.map((_, i) => document.querySelector(`[data-callout="u${i}"] .up-callout-cta`));
  assert.deepEqual(tags.map((el) => el.tagName), ["A", "A", "BUTTON", "BUTTON", "BUTTON", "BUTTON"]);
  assert.equal(tags[0].getAttribute("href"), "/billing");
  engine.free();
});

test("CTA and dismiss record a click and a dismissal; onCta and onDismiss hear them", () => {
  const engine = new PromptEngine(config);
  const events = spy(engine);
  const heard = [];
  render(h(UpgradePromptsProvider, { engine, context },
    h(All, { onCta: (c, r) => heard.push(`cta ${c.id} ${r.recorded}`), onDismiss: (c, r) => heard.push(`dismiss ${c.id} ${r.recorded}`) })));
  fireEvent.click(document.querySelector('[data-callout="seats-near-limit"] .up-callout-cta'));
  assert.deepEqual(kinds(events), ["click seats-near-limit"]);
  assert.equal(events[events.length - 1].at, context.now, "at the context's now");
  fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
  assert.deepEqual(kinds(events), ["click seats-near-limit", "dismiss seats-near-limit"]);
  assert.deepEqual(heard, ["cta seats-near-limit true", "dismiss seats-near-limit true"]);
  assert.equal(document.querySelector('[data-callout="seats-near-limit"]'), null, "gone after the dismissal");
  engine.free();
});

test("impressions are recorded once (and not with impression={false})", () => {
  const engine = new PromptEngine(config);
  const events = spy(engine);
  const { rerender } = render(h(UpgradePromptsProvider, { engine, context }, h(All)));
  rerender(h(UpgradePromptsProvider, { engine, context }, h(All)));
  assert.deepEqual(events.map((e) => `${e.type} ${e.callout}`), ["impression seats-near-limit"]);
  cleanup();
  events.length = 0;
  render(h(UpgradePromptsProvider, { engine, context }, h(All, { impression: false })));
  assert.deepEqual(events, []);
  engine.free();
});

test("the modal takes the focus, keeps Tab inside, closes on Escape with a dismissal, and gives the focus back", async () => {
  const engine = new PromptEngine(config);
  const events = spy(engine);
  function Page() {
    return h("div", null, h("button", { type: "button", id: "opener" }, "open"), h(All));
  }
  const opener = () => document.getElementById("opener");
  const { rerender } = render(h(UpgradePromptsProvider, { engine, context }, h(Page)));
  opener().focus();
  rerender(h(UpgradePromptsProvider, { engine, context: reportsPage }, h(Page)));
  const dialog = screen.getByRole("dialog");
  const [notNow, cta] = dialog.querySelectorAll("button");
  assert.equal(notNow.textContent, "Not now");
  assert.equal(document.activeElement, notNow, "focus moved into the dialog");
  fireEvent.keyDown(notNow, { key: "Tab", shiftKey: true });
  assert.equal(document.activeElement, cta, "Shift+Tab from the first wraps to the last");
  fireEvent.keyDown(cta, { key: "Tab" });
  assert.equal(document.activeElement, notNow, "Tab from the last wraps to the first");
  dialog.focus();
  fireEvent.keyDown(dialog, { key: "Tab", shiftKey: true });
  assert.equal(document.activeElement, cta, "Shift+Tab from the dialog itself goes to its last control");
  const backdrop = dialog.parentElement.querySelector(".up-modal-backdrop");
  assert.equal(fireEvent.mouseDown(backdrop), false, "a press on the backdrop does not take the focus out");
  notNow.focus();
  await act(async () => {
    fireEvent.keyDown(notNow, { key: "Escape" });
  });
  assert.deepEqual(kinds(events), ["dismiss feature_gate:reports"]);
  assert.equal(screen.queryByRole("dialog"), null, "closed");
  assert.equal(document.activeElement, opener(), "focus returned");
  engine.free();
});

test("meterState: the state agrees with the forecast", () => {
  const u = (over) => ({ used: 10, limit: 100, unlimited: false, state: "ok", daysLeft: null, ...over });
  const table = [
    [u({}), "ok", "ok", null],
    [u({ daysLeft: 4 }), "soon", "warning", 4],
    [u({ state: "approaching", used: 85 }), "approaching", "warning", null],
    [u({ state: "critical", daysLeft: 1 }), "critical", "critical", 1],
    [u({ state: "at_limit", daysLeft: 0 }), "at_limit", "critical", 0],
    [u({ state: "over" }), "over", "critical", null],
    [u({ limit: null, unlimited: true, state: "ok" }), "unlimited", "ok", null],
    [u({ state: null, used: null }), "unknown", "unknown", null],
    [null, "unknown", "unknown", null],
    [u({ credits: { state: "ok", daysToEmpty: null, balance: 900, granted: 1000 } }), "ok", "ok", null],
    [u({ credits: { state: "ok", daysToEmpty: 12, balance: 900, granted: 1000 } }), "soon", "warning", 12],
    [u({ credits: { state: "low", daysToEmpty: 5, balance: 100, granted: 1000 } }), "low", "warning", 5],
    [u({ credits: { state: "critical", daysToEmpty: 2, balance: 30, granted: 1000 } }), "critical", "critical", 2],
    [u({ credits: { state: "empty", daysToEmpty: 0, balance: 0, granted: 1000 } }), "empty", "critical", 0],
  ];
  for (const [usage, state, level, days] of table) {
    const view = meterState(usage);
    assert.deepEqual([view.state, view.level, view.days], [state, level, days], JSON.stringify(usage));
    if (days !== null && days > 0) assert.notEqual(view.level, "ok", "never OK beside a forecast");
  }
});

test("formatCount: whole numbers by default, `decimals` digits when given, the locale's separators", () => {
  assert.equal(formatCount(41000.6, "en"), "41,001");
  assert.equal(formatCount(1234.5678, "en", 2), "1,234.57");
  assert.equal(formatCount(1234567, "de-DE"), "1.234.567");
  assert.equal(formatCount(-0.2, "en"), "0");
  assert.equal(formatCount(null, "en"), "—");
  assert.equal(formatCount(5, "not a locale!"), "5");
});

/** The growing team on a fast API pace: 76% of the month's calls used (below the approaching
 * threshold), out before the month ends. */
const fastApi = {
  ...context,
  usage: {
    seats: { used: 5 },
    api_calls: { used: 38000, periodStart: "2026-11-01T00:00:00Z", periodEnd: "2026-12-01T00:00:00Z",
      history: [{ at: "2026-11-10T00:00:00Z", value: 5000 }, { at: "2026-11-18T00:00:00Z", value: 17000 }] },
  },
};

test("UsageMeter: label, used of limit, a meter bar, the state and the forecast agree", () => {
  const engine = new PromptEngine(config);
  const check = engine.checkUsage("api_calls", fastApi);
  assert.equal(check.state, "ok", `fixture: ok (ratio ${check.ratio})`);
  assert.ok(check.daysLeft > 0, `fixture: runs out (${check.daysLeft})`);
  render(h(UpgradePromptsProvider, { engine, context: fastApi },
    h(UsageMeter, { metric: "api_calls", label: "API calls" }), h(UsageMeter, { metric: "seats" })));
  const [api, seats] = document.querySelectorAll(".up-meter");
  assert.equal(api.querySelector(".up-meter-label").textContent, "API calls");
  assert.equal(api.querySelector(".up-meter-numbers").textContent, "38,000 of 50,000 · 12,000 left");
  assert.equal(api.querySelector(".up-meter-state").textContent, "Runs out soon");
  assert.ok(api.classList.contains("up-level-warning"));
  assert.equal(api.querySelector(".up-meter-forecast").textContent, `Runs out in ${check.daysLeft} days`);
  const bar = api.querySelector('[role="meter"]');
  assert.deepEqual(["aria-valuenow", "aria-valuemin", "aria-valuemax", "aria-valuetext"].map((a) => bar.getAttribute(a)),
    ["38000", "0", "50000", "38,000 of 50,000"]);
  assert.equal(document.getElementById(bar.getAttribute("aria-labelledby")).textContent, "API calls");
  assert.equal(seats.querySelector(".up-meter-label").textContent, "seats", "the id without a label");
  assert.equal(seats.querySelector(".up-meter-state").textContent, "OK");
  assert.equal(seats.querySelector(".up-meter-forecast"), null);
  engine.free();
});

test("UsageMeter: unlimited shows no bar; credits show the balance of the grant", async () => {
  const { readFileSync } = await import("node:fs");
  const credits = JSON.parse(readFileSync(`${process.env.UPGRADE_PROMPTS_ROOT ?? "../../../"}www/samples/credits.json`, "utf8"));
  const engine = new PromptEngine(credits);
  const ctx = {
    now: "2026-11-24T09:00:00Z", locale: "en",
    account: { id: "a", plan: "enterprise" }, user: { id: "u", role: "owner" },
    usage: { documents: { used: 1234 }, ai_credits: { balance: 40000, granted: 500000 } },
  };
  render(h(UpgradePromptsProvider, { engine, context: ctx },
    h(UsageMeter, { metric: "documents" }), h(UsageMeter, { metric: "ai_credits" })));
  const [docs, ai] = document.querySelectorAll(".up-meter");
  assert.equal(docs.querySelector('[role="meter"]'), null);
  assert.equal(docs.querySelector(".up-meter-state").textContent, "Unlimited");
  const view = meterState(engine.checkUsage("ai_credits", ctx));
  assert.ok(view.credits);
  assert.equal(ai.querySelector(".up-meter-numbers").textContent, "40,000 of 500,000 left");
  assert.equal(ai.querySelector('[role="meter"]').getAttribute("aria-valuetext"), "40,000 of 500,000 left");
  assert.equal(ai.getAttribute("data-state"), view.state);
  assert.equal(ai.querySelector('[role="meter"]').getAttribute("aria-valuenow"), "40000");
  engine.free();
});

test("FeatureGate: children when allowed, the gate callout when not, fallback without a callout", () => {
  const engine = new PromptEngine({ ...config, builtins: { featureGate: { placement: "inline" } } });
  render(h(UpgradePromptsProvider, { engine, context },
    h("div", { "data-testid": "reports" }, h(FeatureGate, { feature: "reports" }, "the reports")),
    h("div", { "data-testid": "sso" }, h(FeatureGate, { feature: "sso" }, "the sso page"))));
  assert.equal(screen.getByTestId("reports").textContent, "the reports");
  const gate = screen.getByTestId("sso").querySelector(".up-callout");
  assert.equal(gate.getAttribute("data-kind"), "feature_gate");
  assert.ok(!screen.getByTestId("sso").textContent.includes("the sso page"));
  cleanup();
  // An unknown feature: not allowed, and no callout to show.
  assert.equal(engine.checkFeature("nope", context).callout, null);
  render(h(UpgradePromptsProvider, { engine, context },
    h("div", { "data-testid": "nope" }, h(FeatureGate, { feature: "nope", fallback: "locked" }, "the page"))));
  assert.equal(screen.getByTestId("nope").textContent, "locked");
  engine.free();
});

test("the components speak the context's locale (ja) and take `labels`", () => {
  const engine = new PromptEngine(config);
  render(h(UpgradePromptsProvider, { engine, context: { ...fastApi, locale: "ja-JP" } },
    h(UsageMeter, { metric: "api_calls" }), h(UsageMeter, { metric: "seats", labels: { ok: "Fine" } })));
  const [api, seats] = document.querySelectorAll(".up-meter");
  assert.equal(api.querySelector(".up-meter-state").textContent, "まもなく不足");
  assert.match(api.querySelector(".up-meter-numbers").textContent, /^38,000 \/ 50,000 · 残り 12,000$/);
  assert.match(api.querySelector(".up-meter-forecast").textContent, /^あと\d+日で不足する見込み$/);
  assert.equal(seats.querySelector(".up-meter-state").textContent, "Fine");
  cleanup();
  render(h(UpgradePromptsProvider, { engine, context: { ...reportsPage, locale: "ja" } }, h(All)));
  assert.equal(screen.getByRole("dialog").querySelector(".up-callout-dismiss").textContent, calloutWords("ja").notNow);
  assert.equal(calloutWords("fr").dismiss, "Dismiss");
  assert.equal(calloutWords("ja", { dismiss: "x" }).dismiss, "x");
  engine.free();
});

test("UsageMeter formats with the usage's `decimals` (whole numbers when it has none)", () => {
  const engine = new PromptEngine(config);
  // The engine's answer with a fractional count and `decimals` (as a metric measured in GB has).
  const withDecimals = {
    session(ctx) {
      const session = engine.session(ctx);
      return {
        evaluate: (o) => session.evaluate(o),
        checkFeature: (f) => session.checkFeature(f),
        checkUsage: (m) => ({ ...session.checkUsage(m), used: 12.3456, limit: 50, remaining: 37.6544, decimals: m === "api_calls" ? 2 : undefined }),
        free: () => session.free(),
      };
    },
    record: (event) => engine.record(event),
  };
  render(h(UpgradePromptsProvider, { engine: withDecimals, context },
    h(UsageMeter, { metric: "api_calls" }), h(UsageMeter, { metric: "seats" })));
  const [api, seats] = document.querySelectorAll(".up-meter-numbers");
  assert.equal(api.textContent, "12.35 of 50 · 37.65 left");
  assert.equal(seats.textContent, "12 of 50 · 38 left");
  engine.free();
});
