// Server rendering in plain Node: no DOM globals exist, and touching `window`, `document` or
// `IntersectionObserver` while importing the binding or rendering fails the test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { PromptEngine } from "upgrade-prompts";

for (const name of ["window", "document", "IntersectionObserver"]) {
  assert.equal(typeof globalThis[name], "undefined", `${name} exists before the test`);
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      throw new Error(`${name} read during import or server render`);
    },
  });
}
const { config, context, mod, reportsPage } = await import("./fixtures.mjs");
const { CalloutView, UpgradePromptsProvider, useCallouts, useFeature, useUsage } = mod;

function Page() {
  const banner = useCallouts("banner");
  const all = useCallouts(null);
  const seats = useUsage("seats");
  const sso = useFeature("sso");
  return h(
    "main",
    null,
    h("p", { id: "seats" }, `${seats.used} of ${seats.limit} seats`),
    h("p", { id: "sso" }, sso.allowed ? "sso on" : `sso needs ${sso.unlock[0]?.label}`),
    banner.map((c) => h(CalloutView, { key: c.id, callout: c })),
    h("p", { id: "count" }, `${all.length} callouts`),
  );
}

test("renderToString of the hooks with a config-built engine", () => {
  const html = renderToString(h(UpgradePromptsProvider, { config, context }, h(Page)));
  const engine = new PromptEngine(config);
  const [seat] = engine.evaluate(context, { placement: "banner" }).callouts;
  assert.equal(seat.id, "seats-near-limit");
  assert.match(html, /<p id="seats">22 of 25 seats<\/p>/);
  assert.match(html, /<p id="sso">sso needs Enterprise<\/p>/);
  assert.ok(html.includes(`data-callout="seats-near-limit"`), html);
  assert.ok(html.includes(`<strong>${seat.title}</strong>`), html);
  assert.ok(html.includes(`<p>${seat.body}</p>`), html);
  assert.ok(html.includes(seat.cta.label), html);
  assert.match(html, /<p id="count">1 callouts<\/p>/);
  // Nothing was recorded by rendering on the server.
  engine.free();
});

test("renderToString with a shared engine records nothing and escapes text", () => {
  const engine = new PromptEngine({
    ...config,
    rules: [{ id: "x", kind: "upsell", placement: "banner", target: "enterprise", when: "true",
              message: { en: { title: "<script>alert(1)</script>", body: "a & b" } } }],
  });
  const html = renderToString(h(UpgradePromptsProvider, { engine, context: reportsPage }, h(Page)));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
  assert.ok(!html.includes("<script>"), html);
  assert.ok(html.includes("a &amp; b"), html);
  assert.deepEqual(engine.exportState().callouts, {});
  engine.free();
});

test("renderToString with a catalog: bytes and configs render the callouts, a promise the fallback", async () => {
  const { bytes } = await import("./compiled.mjs");
  const fallback = h("p", { id: "loading" }, "loading prompts");
  for (const catalog of [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), config, JSON.stringify(config)]) {
    const html = renderToString(h(UpgradePromptsProvider, { catalog, fallback, context }, h(Page)));
    assert.match(html, /<p id="seats">22 of 25 seats<\/p>/);
    assert.ok(html.includes(`data-callout="seats-near-limit"`), html);
    assert.doesNotMatch(html, /loading prompts/);
  }
  const html = renderToString(h(UpgradePromptsProvider, { catalog: Promise.resolve(bytes), fallback, context }, h(Page)));
  assert.equal(html, `<p id="loading">loading prompts</p>`);
});

test("renderToString with bad bytes renders the page without callouts and warns once", () => {
  const warn = console.warn;
  const warnings = [];
  console.warn = (...args) => warnings.push(args.join(" "));
  try {
    const catalog = new Uint8Array([0, 117, 112, 99, 9, 9]);
    for (let i = 0; i < 2; i += 1) {
      const html = renderToString(h(UpgradePromptsProvider, { catalog, context }, h(Page)));
      assert.match(html, /<p id="count">0 callouts<\/p>/);
      assert.match(html, /<p id="sso">sso on<\/p>/, "features let through, as for an unreadable context");
    }
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /error\[invalid_catalog\]/);
});

test("renderToString of the drop-in components (Callout, UsageMeter, FeatureGate)", () => {
  const { Callout, FeatureGate, UsageMeter } = mod;
  function Components() {
    return h(
      "main",
      null,
      useCallouts(null).map((c) => h(Callout, { key: c.id, callout: c })),
      h(UsageMeter, { metric: "seats", label: "Seats" }),
      h(FeatureGate, { feature: "reports" }, h("p", { id: "reports" }, "reports")),
      h(FeatureGate, { feature: "sso", layout: "inline" }, h("p", { id: "sso-page" }, "sso")),
    );
  }
  const engine = new PromptEngine(config);
  const html = renderToString(h(UpgradePromptsProvider, { engine, context: { ...reportsPage, locale: "ja-JP" } }, h(Components)));
  assert.match(html, /role="dialog"/);
  assert.match(html, /aria-modal="true"/);
  assert.match(html, /class="up-meter up-level-ok"/);
  assert.match(html, /role="meter"/);
  assert.match(html, /後で/, "the context's locale picks the words");
  assert.doesNotMatch(html, /id="reports"/, "reports is gated on the free plan");
  assert.doesNotMatch(html, /id="sso-page"/);
  assert.deepEqual(engine.exportState().callouts, {}, "nothing recorded on the server");
  engine.free();
});
