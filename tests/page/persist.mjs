// The `persist` option in Chromium: two pages of one origin share a state through
// localStorage, a reload restores it, and storage that is full, blocked or corrupt leaves the
// engine working in memory with a warning. Run by tests/page/run.mjs (each case gets a fresh
// browser context, so a fresh localStorage).
//
// The page is served by intercepting one URL of the test server's origin; it loads the browser
// build of the package (pkg/authoring/upgrade_prompts_authoring.js, ESM, `await init()`).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT, assert, recordErrors } from "./helpers.mjs";

const read = (p) => JSON.parse(readFileSync(resolve(ROOT, p), "utf8"));
const CONFIG = read("www/samples/team.json");
// Seats at 22 of 25: the `seats-near-limit` rule shows a banner.
const CONTEXT = read("tests/fixtures/contexts/growing-team.json");
const KEY = "upgrade-prompts:test";
const RULE = "seats-near-limit";
const PAGE = "/__persist-test.html";
const HTML = `<!doctype html><meta charset="utf-8"><title>persist</title>
<script type="module">
import init, { PromptEngine } from "/pkg/authoring/upgrade_prompts_authoring.js";
await init();
window.PromptEngine = PromptEngine;
document.documentElement.dataset.ready = "1";
</script>`;

// Unlike helpers.mjs's `until`, a throw here fails the case at once.
async function until(fn, message, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A page of the test origin with the package loaded and `window.engine` (see `start`). */
async function open(ctx, options) {
  await ctx.browserContext.route(`${ctx.base}${PAGE}`, (route) =>
    route.fulfill({ contentType: "text/html; charset=utf-8", body: HTML }));
  const page = await ctx.browserContext.newPage();
  recordErrors(page, ctx);
  await page.goto(`${ctx.base}${PAGE}`);
  await page.waitForSelector("html[data-ready]", { timeout: 15000 });
  await start(page, options);
  return page;
}

/** (Re)creates `window.engine`, persisted under KEY unless `persist` is false. */
async function start(page, { persist = true, state } = {}) {
  await page.evaluate(([config, key, persist, state]) => {
    window.engine?.free();
    const options = {};
    if (persist) options.persist = { key };
    if (state) options.state = state;
    window.engine = new window.PromptEngine(config, options);
  }, [CONFIG, KEY, persist, state ?? null]);
}

/** `{ shown, reason, warnings }` for RULE: whether it is shown, else why it is suppressed. */
const look = (page) => page.evaluate(([context, rule]) => {
  const ev = window.engine.evaluate(context);
  return {
    shown: ev.callouts.some((c) => c.rule === rule),
    reason: ev.suppressed.find((s) => s.rule === rule)?.reason ?? null,
    warnings: window.engine.warnings.map((w) => `${w.code} ${JSON.stringify(w.path)}: ${w.message}`),
  };
}, [CONTEXT, RULE]);

const record = (page, type, callout, at = "2026-11-24T08:00:00Z") =>
  page.evaluate(([event]) => window.engine.record(event), [{ type, callout, at }]);

const stored = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key)), KEY);

export const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test("persist: a dismissal in one tab hides the callout in the other; a reload restores it", async (ctx) => {
  const a = await open(ctx);
  const b = await open(ctx);
  for (const page of [a, b]) {
    const s = await look(page);
    assert(s.shown, `${RULE} shown before any event`);
    assert(s.warnings.length === 0, `no warnings: ${s.warnings}`);
  }

  const r = await record(a, "dismiss", RULE);
  assert(r.recorded && r.error === null, `recorded: ${JSON.stringify(r)}`);
  assert((await stored(a)).callouts[RULE].dismissedAt > 0, "the dismissal is in localStorage");
  await until(async () => (await look(b)).reason === "cooldown:dismissed",
    "page B suppresses the callout dismissed in page A (storage event)");

  // A write page B has not heard of yet (a page's own writes fire no event in it): the merge
  // before `record` keeps it, so neither tab's dismissal is lost.
  await b.evaluate(([key]) => {
    const s = JSON.parse(localStorage.getItem(key));
    s.callouts["reports-cross-sell"] = { impressions: [], dismissedAt: Date.parse("2026-11-24T07:00:00Z") };
    localStorage.setItem(key, JSON.stringify(s));
  }, [KEY]);
  assert((await record(b, "impression", "usage_limit:seats")).recorded, "page B records");
  const both = await stored(b);
  assert(both.callouts[RULE]?.dismissedAt > 0, `A's dismissal kept: ${JSON.stringify(both)}`);
  assert(both.callouts["reports-cross-sell"]?.dismissedAt > 0, `the unheard write kept: ${JSON.stringify(both)}`);
  assert(both.callouts["usage_limit:seats"]?.impressions.length === 1, `B's impression: ${JSON.stringify(both)}`);
  await until(async () => (await a.evaluate(() => window.engine.exportState().callouts["usage_limit:seats"])) !== undefined,
    "page A merges page B's write");

  await a.reload();
  await a.waitForSelector("html[data-ready]");
  await start(a);
  const after = await look(a);
  assert(after.reason === "cooldown:dismissed", `restored after reload: ${JSON.stringify(after)}`);
  assert(after.warnings.length === 0, `no warnings: ${after.warnings}`);

  // An explicit `state` wins over the stored one at construction.
  await start(a, { state: { version: 1, callouts: {} } });
  assert((await look(a)).shown, "an explicit empty state shows the callout again");

  // A freed engine no longer listens: writes of other tabs raise nothing in the page.
  await a.evaluate(() => { window.engine.free(); window.engine = null; });
  assert((await record(b, "click", RULE)).recorded, "page B records after A's engine is freed");
  await new Promise((r) => setTimeout(r, 300));
});

test("persist: a setItem that throws (storage full) records in memory with a warning", async (ctx) => {
  await ctx.browserContext.addInitScript(() => {
    Storage.prototype.setItem = function () {
      throw new DOMException("the quota has been exceeded", "QuotaExceededError");
    };
  });
  const page = await open(ctx);
  for (const at of ["2026-11-24T08:00:00Z", "2026-11-24T08:01:00Z"]) {
    const r = await record(page, "dismiss", RULE, at);
    assert(r.recorded && r.error === null, `recorded in memory: ${JSON.stringify(r)}`);
  }
  const s = await look(page);
  assert(s.reason === "cooldown:dismissed", `dismissed in memory: ${JSON.stringify(s)}`);
  const failed = s.warnings.filter((w) => w.startsWith("persist_failed [\"persist\"]"));
  assert(failed.length === 1, `one persist_failed warning: ${s.warnings}`);
  assert((await page.evaluate((key) => localStorage.getItem(key), KEY)) === null, "nothing stored");
});

test("persist: blocked localStorage (its getter throws) leaves the engine in memory", async (ctx) => {
  await ctx.browserContext.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() { throw new DOMException("access is denied", "SecurityError"); },
    });
  });
  const page = await open(ctx);
  const s = await look(page);
  assert(s.shown, "works without storage");
  assert(s.warnings.length === 1 && s.warnings[0].startsWith("persist_unavailable [\"persist\"]"),
    `persist_unavailable: ${s.warnings}`);
  assert((await record(page, "dismiss", RULE)).recorded, "records in memory");
  assert((await look(page)).reason === "cooldown:dismissed", "dismissed in memory");
});

test("persist: corrupt JSON in storage gives a warning and a fresh state, then is overwritten", async (ctx) => {
  const page = await open(ctx, { persist: false });
  await page.evaluate((key) => localStorage.setItem(key, "{not json"), KEY);
  await start(page);
  const s = await look(page);
  assert(s.shown, "a fresh state shows the callout");
  assert(s.warnings.length === 1 && s.warnings[0].startsWith("state_ignored [\"persist\"]"),
    `state_ignored: ${s.warnings}`);
  assert((await record(page, "dismiss", RULE)).recorded, "records");
  assert((await stored(page)).callouts[RULE].dismissedAt > 0, "the corrupt value is replaced by the state");
});
