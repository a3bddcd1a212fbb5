// The packed CommonJS build of upgrade-prompts/react (pkg/react.cjs): require() it and render
// on the server. Run by run.sh only when pkg/ ships the binding.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { readFileSync } = require("node:fs");
const { createElement: h } = require("react");
const { renderToString } = require("react-dom/server");
const { UpgradePromptsProvider, useCallouts, CalloutView } = require("upgrade-prompts/react");

const root = process.env.UPGRADE_PROMPTS_ROOT;
const config = JSON.parse(readFileSync(`${root}www/samples/team.json`, "utf8"));
const context = JSON.parse(readFileSync(`${root}tests/fixtures/contexts/growing-team.json`, "utf8"));

test("require('upgrade-prompts/react') renders on the server", () => {
  function Banner() {
    return h("div", null, useCallouts("banner").map((c) => h(CalloutView, { key: c.id, callout: c })));
  }
  const html = renderToString(h(UpgradePromptsProvider, { config, context }, h(Banner)));
  assert.ok(html.includes("<strong>Your team is growing</strong>"), html);
  assert.ok(html.includes("You are using 22 of 25 seats."), html);
});

test("the CommonJS build carries the components", () => {
  const { Callout, UsageMeter, meterState } = require("upgrade-prompts/react");
  function Page() {
    return h("div", null, useCallouts("banner").map((c) => h(Callout, { key: c.id, callout: c })), h(UsageMeter, { metric: "seats" }));
  }
  const html = renderToString(h(UpgradePromptsProvider, { config, context }, h(Page)));
  assert.match(html, /class="up-callout up-callout-banner/);
  assert.match(html, /role="meter"/);
  assert.equal(meterState({ state: "ok", daysLeft: 3, used: 1, limit: 2 }).state, "soon");
});
