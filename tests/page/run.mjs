// Playground page tests in headless Chromium: `node tests/page/run.mjs` from the repo root.
// Starts www/serve.mjs on a free port, runs each case in a fresh browser context, fails on any
// console error or page error, and saves screenshots to build/screenshots/.
import { mkdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { start } from "../../www/serve.mjs";
import { cases as persistCases } from "./persist.mjs";
import { cases as audienceCases } from "./audience.mjs";
import { cases as resultsCases } from "./results.mjs";
import { cases as componentCases } from "./components.mjs";
import { cases as designerCases } from "./designer.mjs";
import { cases as numberCases } from "./numbers.mjs";
import { ROOT, SHOTS, assert, byId, editorSelection, editorText, recordErrors, setEditorText, until } from "./helpers.mjs";

mkdirSync(SHOTS, { recursive: true });

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const text = async (page, id) => (await byId(page, id).textContent()) ?? "";
const shot = (page, name) => page.screenshot({ path: resolve(SHOTS, `${name}.png`) });

/** Opens the playground and waits until the engine has rendered the preview. */
async function open(ctx, hash = "") {
  const page = await ctx.browserContext.newPage();
  recordErrors(page, ctx);
  page.on("response", (res) => ctx.responses.push(res));
  await page.goto(`${ctx.base}/${hash}`);
  await page.waitForSelector("html[data-ready]", { timeout: 15000 });
  await page.locator('[data-testid="meters"] .up-meter').first().waitFor();
  return page;
}

/** Fixed dates so results do not depend on the machine's clock. */
async function pinDates(page) {
  await byId(page, "now-input").fill("2026-11-24T09:00");
  await byId(page, "created-at").fill("2025-01-15");
  await byId(page, "renewal-at").fill("2027-06-01");
}

const calloutIn = (page, selector) => page.locator(`[data-testid="callouts"] ${selector}`);

// ---------------------------------------------------------------------------

test("page loads the wasm and the team sample, and shows usage meters", async (ctx) => {
  const page = await open(ctx);
  assert((await byId(page, "sample-select").inputValue()) === "team", "default sample should be team");
  const config = JSON.parse(await editorText(page));
  assert(config.plans.some((p) => p.id === "team"), "editor should hold the team catalog");
  const wasm = ctx.responses.find((r) => r.url().endsWith(".wasm"));
  assert(wasm && wasm.ok(), "the .wasm should load");
  assert(wasm.headers()["content-type"] === "application/wasm", `wasm content type: ${wasm.headers()["content-type"]}`);
  assert(await byId(page, "meter-seats").isVisible(), "seats meter visible");
  assert(await byId(page, "meter-api_calls").isVisible(), "api_calls meter visible");
  assert(/of 25/.test(await text(page, "meter-seats")), "seats meter shows the Team limit");
  // The preview draws with the package's components and stylesheet (what ships).
  // Its mock app is `.up-theme-light`: light even when the system prefers dark.
  const drawn = () => byId(page, "meter-seats").evaluate((el) => el.classList.contains("up-meter")
    && `${getComputedStyle(el).getPropertyValue("--up-surface").trim()} → ${getComputedStyle(el).backgroundColor}`);
  for (const scheme of ["dark", "light"]) {
    await page.emulateMedia({ colorScheme: scheme });
    const surface = await drawn();
    assert(/^light-dark\(#ffffff, .*→ rgb\(255, 255, 255\)$/.test(surface), `the seats meter is an up-meter styled by /pkg/styles.css, light under a ${scheme} system (--up-surface: ${surface})`);
  }
  assert(/v\d+\.\d+\.\d+.*ms/.test(await text(page, "build-info")), "build info shows version and load time");
  assert(/valid/i.test(await text(page, "config-status")), "config status says valid");
  assert((await byId(page, "config-errors").locator("li").count()) === 0, "no config errors");
  assert((await page.locator('[data-testid="callouts"]').getAttribute("aria-live")) === "polite", "callouts is a live region");
  await shot(page, "01-default");
});

test("seats past 80% of the limit show a seat callout, explained in the why panel", async (ctx) => {
  const page = await open(ctx);
  await pinDates(page);
  await byId(page, "usage-seats").fill("22"); // 88% of Team's 25
  const seat = calloutIn(page, '[data-kind="usage_limit"][data-testid$="seats"], [data-kind="seat_expansion"]');
  await seat.first().waitFor();
  const why = byId(page, "why-panel");
  await until(async () => /Seats/.test(await why.textContent()) && /approaching/i.test(await why.textContent()),
    "why panel names the metric and its state");
  assert((await byId(page, "meter-seats").getAttribute("data-state")) === "approaching", "seats meter is approaching");
  await shot(page, "02-seats-approaching");

  // The placement filter asks the engine for one slot only.
  await byId(page, "placement-filter").selectOption("modal");
  await until(async () => (await seat.count()) === 0, "banner callouts hidden when only modals are asked for");
  await byId(page, "placement-filter").selectOption("");
  await seat.first().waitFor();

  await byId(page, "usage-seats").fill("25"); // at the limit: the blocking built-in notice wins
  await page.locator('[data-testid="callout-usage_limit:seats"][data-kind="usage_limit"]').waitFor();
  assert((await byId(page, "meter-seats").getAttribute("data-state")) === "at_limit", "seats meter is at_limit");
  await until(async () => /at limit/i.test(await why.textContent()), "why panel says at limit");
  await shot(page, "02-seats-at-limit");
});

test("a member gets the “Ask your admin” CTA", async (ctx) => {
  const page = await open(ctx);
  await pinDates(page);
  await byId(page, "usage-seats").fill("25");
  const cta = page.locator('[data-testid="callout-usage_limit:seats"] .up-callout-cta');
  await until(async () => (await cta.getAttribute("data-action")) !== "ask_admin", "owner gets a purchase action");
  await byId(page, "role-select").selectOption("member");
  await until(async () => (await cta.getAttribute("data-action")) === "ask_admin", "member gets ask_admin");
  assert(/ask your admin/i.test(await cta.textContent()), `CTA label: ${await cta.textContent()}`);
  assert((await cta.evaluate((el) => el.tagName)) === "BUTTON", "ask_admin has no URL to follow");
  await shot(page, "03-member-ask-admin");
});

test("a broken config lists the error with its path and keeps the last good preview", async (ctx) => {
  const page = await open(ctx);
  await byId(page, "usage-seats").fill("22");
  await calloutIn(page, "[data-kind]").first().waitFor();
  const calloutsBefore = await text(page, "callouts");
  const metersBefore = await text(page, "meters");

  const config = JSON.parse(await editorText(page));
  config.plans[1].features.push("reportz");
  config.rules[0].message.en.body = "You are using {usage.seats.usd} seats.";
  await setEditorText(page, JSON.stringify(config, null, 2));

  const errors = byId(page, "config-errors");
  await until(async () => /plans\[1\]\.features\[1\]/.test(await errors.textContent()), "error path plans[1].features[1]");
  const all = await errors.textContent();
  assert(/unknown_feature/.test(all) && /reportz/.test(all), "unknown feature code and id");
  assert(/did you mean/i.test(all), "help text shown");
  assert(/rules\[0\]\.message\.en\.body/.test(all), "placeholder error path");
  const mark = await errors.locator("mark").first().textContent();
  assert(mark.includes("usage.seats.usd"), `span highlighted: ${mark}`);
  assert(await byId(page, "stale-note").isVisible(), "stale note shown");
  assert((await text(page, "callouts")) === calloutsBefore, "callouts unchanged");
  assert((await text(page, "meters")) === metersBefore, "meters unchanged");

  // "Show in editor" selects the offending value.
  await errors.locator('li[data-code="unknown_feature"] button').click();
  const selected = await editorSelection(page);
  assert(selected.includes("reportz"), `editor selection: ${selected}`);
  // …and the editor marks it at the same place.
  await until(async () => (await byId(page, "config-editor").locator(".cm-lintRange-error").allTextContents()).some((t) => t.includes("reportz")),
    "lint mark on reportz");

  // The context still drives the last good engine.
  await byId(page, "usage-seats").fill("25");
  await page.locator('[data-testid="callout-usage_limit:seats"]').waitFor();
  await shot(page, "04-broken-config");

  await page.locator("#reset-config").click();
  await until(async () => !(await byId(page, "stale-note").isVisible()), "stale note cleared after reset");
});

test("the catalog editor opens on the rules, completes from the JSON Schema and marks problems", async (ctx) => {
  const page = await open(ctx);
  const editor = byId(page, "config-editor");
  const firstLine = await editor.evaluate((el) => {
    const view = el.editorView;
    const top = view.lineBlockAtHeight(view.scrollDOM.scrollTop + 20); // the first whole line
    return view.state.doc.lineAt(top.from).text;
  });
  assert(/"rules"/.test(firstLine), `the editor opens on the rules: ${firstLine}`);
  // A key inside a rule: completion lists the rule's properties with their descriptions.
  const catalog = await editorText(page);
  const at = catalog.indexOf('"kind"', catalog.indexOf('"rules"'));
  await editor.evaluate((el, pos) => {
    el.editorView.focus();
    el.editorView.dispatch({ selection: { anchor: pos } });
  }, at);
  await page.keyboard.insertText('"sev');
  const options = page.locator(".cm-tooltip-autocomplete li");
  // Completion opens as one types; a re-validation of the catalog may close it meanwhile, so
  // ask again (Ctrl+Space, as a user would) until the option is listed.
  const offered = (word) => async () => {
    if ((await options.allTextContents()).some((o) => o.includes(word))) return true;
    if ((await page.locator(".cm-tooltip-autocomplete").count()) === 0) {
      await page.keyboard.press("Control+Space");
      await page.waitForTimeout(150);
    }
    return false;
  };
  await until(offered('"severity"'), "severity offered");
  await page.keyboard.press("Enter");
  await page.keyboard.insertText('"');
  await until(offered('"blocking"'), "severity values offered");
  await page.keyboard.press("Escape");
  // Write the value between the completed key and the next one (typed quotes may or may not
  // have been paired by the editor, so the text is set, not typed).
  await editor.evaluate((el) => {
    const view = el.editorView;
    const doc = view.state.doc.toString();
    const from = doc.indexOf('"severity": ') + '"severity": '.length;
    const to = doc.indexOf('"kind"', from);
    view.dispatch({ changes: { from, to, insert: '"blocking", ' } });
  });
  await until(async () => /severity": "blocking", "kind"/.test(await editorText(page)), "severity written");
  // A value the schema cannot know: a rule's placement completes from the catalog's placements.
  await until(async () => /valid/i.test(await text(page, "config-status")) && !/problem/i.test(await text(page, "config-status")), "still valid");
  await shot(page, "04b-editor-completion");
});

test("locale ja shows Japanese callout text", async (ctx) => {
  const page = await open(ctx);
  await pinDates(page);
  await byId(page, "usage-seats").fill("22");
  await calloutIn(page, "[data-kind]").first().waitFor();
  await byId(page, "locale-select").selectOption("ja");
  await until(async () => /[\u3040-\u30ff\u4e00-\u9fff]/.test(await calloutIn(page, ".up-callout-title").first().textContent()),
    "Japanese title");
  await shot(page, "05-locale-ja");
});

test("a malformed or hostile share link falls back instead of breaking the page", async (ctx) => {
  const team = readFileSync(resolve(ROOT, "www/samples/team.json"), "utf8");
  const token = (payload) => "j." + Buffer.from(JSON.stringify(payload)).toString("base64url");
  const links = [
    token({ v: 1, sample: "toString", config: team, context: { account: { addons: 5, trials: 7 }, usage: "x" } }),
    token({ v: 1, sample: "__proto__", config: team, context: { __proto__: { polluted: 1 }, account: { plan: {} } } }),
    "j.%%%not-base64",
    "z." + "A".repeat((1 << 20) + 10),
  ];
  for (const link of links) {
    const page = await open(ctx, `#s=${link}`);
    assert((await page.locator("#plan-select option").count()) > 0, "controls are rendered");
    assert(["team", "custom"].includes(await byId(page, "sample-select").inputValue()), "a real sample is selected");
    assert(await page.evaluate(() => ({}).polluted === undefined), "no prototype pollution");
    await page.close();
  }
});

test("a 1,000-metric catalog and a year-9999 link each load within seconds", async (ctx) => {
  const team = JSON.parse(readFileSync(resolve(ROOT, "www/samples/team.json"), "utf8"));
  const big = structuredClone(team);
  for (let i = 0; i < 1000; i++) {
    big.metrics[`m${i}`] = { label: `Metric ${i}` };
    for (const plan of big.plans) plan.limits[`m${i}`] = plan.contactSales ? null : 100 + i;
  }
  const token = (payload) => "j." + Buffer.from(JSON.stringify(payload)).toString("base64url");
  const cases = [
    ["1,000 metrics", token({ v: 1, sample: "custom", config: JSON.stringify(big), context: {} })],
    ["year 9999", token({ v: 1, sample: "team", config: JSON.stringify(team), context: { now: "9999-12-31T23:59:59Z", account: { plan: "team" } } })],
  ];
  for (const [name, link] of cases) {
    const started = Date.now();
    const page = await open(ctx, `#s=${link}`);
    const took = Date.now() - started;
    assert(took < 10_000, `${name}: loaded in ${took} ms`);
    assert((await page.locator('[data-testid="meters"] .up-meter').count()) > 0, `${name}: meters shown`);
    // An edit refreshes quickly too.
    const t0 = Date.now();
    await byId(page, "health-score").fill("35");
    await page.waitForTimeout(50);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    assert(Date.now() - t0 < 5_000, `${name}: refresh took ${Date.now() - t0} ms`);
    await page.close();
  }
});

test("the share link round-trips config and context", async (ctx) => {
  await ctx.browserContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: ctx.base });
  const page = await open(ctx);
  const config = JSON.parse(await editorText(page));
  config.plans[1].label = "Team Pro";
  await setEditorText(page, JSON.stringify(config, null, 2));
  await until(async () => /Team Pro/.test(await text(page, "app-plan")), "edited label in the preview");
  await byId(page, "role-select").selectOption("admin");
  await byId(page, "locale-select").selectOption("ja");
  await byId(page, "usage-seats").fill("21");
  await byId(page, "addon-api_boost").fill("2");
  await byId(page, "health-score").fill("35");
  await byId(page, "now-input").fill("2026-12-03T10:30");
  await byId(page, "page-feature").selectOption("sso");

  await byId(page, "copy-link").click();
  // (The page speaks Japanese now: the context's locale is ja.)
  await until(async () => /リンク/.test(await text(page, "toast")), "copy confirmation");
  const url = await page.evaluate(() => navigator.clipboard.readText().catch(() => location.href));
  assert(url.includes("#s="), `link carries the state: ${url.slice(0, 80)}`);

  const values = async (p) => ({
    editor: JSON.parse(await editorText(p)),
    plan: await byId(p, "plan-select").inputValue(),
    role: await byId(p, "role-select").inputValue(),
    locale: await byId(p, "locale-select").inputValue(),
    seats: await byId(p, "usage-seats-value").inputValue(),
    boost: await byId(p, "addon-api_boost").inputValue(),
    health: await byId(p, "health-score-value").inputValue(),
    now: await byId(p, "now-input").inputValue(),
    feature: await byId(p, "page-feature").inputValue(),
    sample: await byId(p, "sample-select").inputValue(),
    callouts: await text(p, "callouts"),
  });
  const before = await values(page);
  const copy = await open(ctx, url.slice(url.indexOf("#")));
  const after = await values(copy);
  for (const key of Object.keys(before)) {
    assert(JSON.stringify(before[key]) === JSON.stringify(after[key]), `${key}: ${JSON.stringify(before[key])} vs ${JSON.stringify(after[key])}`);
  }
  assert(after.editor.plans[1].label === "Team Pro", "edited config restored");
  await shot(copy, "06-shared-link");
});

test("time travel past a trial end locks the feature", async (ctx) => {
  const page = await open(ctx);
  await pinDates(page);
  await byId(page, "trial-feature").selectOption("sso");
  await byId(page, "trial-ends").fill("2026-12-01T00:00");
  await byId(page, "feature-sso").click(); // the user opens SSO: page.feature = sso
  assert((await byId(page, "page-feature").inputValue()) === "sso", "feature button sets page.feature");
  await until(async () => /trial active/i.test(await text(page, "trial-status")), "trial active");
  assert((await page.locator('[data-testid="callout-feature_gate:sso"]').count()) === 0, "no gate during the trial");
  assert((await byId(page, "lock-sso").count()) === 0, "no lock badge during the trial");

  await byId(page, "now-input").fill("2026-12-05T09:00");
  const gate = page.locator('[data-testid="callout-feature_gate:sso"]');
  await gate.waitFor();
  assert((await gate.getAttribute("data-kind")) === "feature_gate", "gate kind");
  assert((await gate.getAttribute("role")) === "dialog", "gate renders as a modal");
  assert(await byId(page, "lock-sso").isVisible(), "lock badge on the SSO button");
  assert(/trial ended/i.test(await text(page, "trial-status")), "trial ended");
  assert(/trial of .*sso.* has ended/i.test(await text(page, "why-panel")), "why panel gives the trial reason");
  await shot(page, "07-trial-ended");
});

test("without evaluate() the page builds callouts from checkFeature + checkUsage", async (ctx) => {
  // Serve a package build that lacks evaluate/record/exportState, as before the rules landed.
  // (The module imports itself to reach its exported class: its local names are minified.)
  await ctx.browserContext.route("**/pkg/authoring/upgrade_prompts_authoring.js", async (route) => {
    const res = await route.fetch();
    const body = `import { PromptEngine as Engine } from "/pkg/authoring/upgrade_prompts_authoring.js";\n${await res.text()}\nfor (const m of ["evaluate", "record", "exportState"]) delete Engine.prototype[m];\n`;
    await route.fulfill({ response: res, body });
  });
  const page = await open(ctx);
  assert((await text(page, "engine-mode")).trim() === "checks", "engine mode shows checks");
  await pinDates(page);
  await byId(page, "trial-feature").selectOption("");
  await byId(page, "usage-seats").fill("22");
  await page.locator('[data-testid="callout-usage_limit:seats"][data-kind="usage_limit"]').waitFor();
  await byId(page, "feature-sso").click();
  await page.locator('[data-testid="callout-feature_gate:sso"][data-kind="feature_gate"]').waitFor();
  assert(/checkFeature/.test(await text(page, "why-panel")), "why panel names the fallback");
  assert(/approaching/i.test(await text(page, "why-panel")), "why panel explains the seat state");
  await shot(page, "08-fallback-checks");
});

test("the feature-tier sample: modal gate, prices in EUR, dismiss hides it until the cooldown passes under time travel", async (ctx) => {
  const page = await open(ctx);
  await byId(page, "sample-select").selectOption("features");
  await byId(page, "meter-ai_replies").waitFor();
  assert((await byId(page, "config-errors").locator("li").count()) === 0, "features sample is valid");
  await pinDates(page);
  await byId(page, "trial-feature").selectOption("");
  await byId(page, "feature-ai_assist").click();
  const gate = page.locator('[data-testid="callout-feature_gate:ai_assist"]');
  await gate.waitFor();
  assert(/€/.test(await text(page, "why-panel")), "unlock prices formatted in EUR");
  await shot(page, "09-features-gate");
  assert((await text(page, "engine-mode")).includes("evaluate"), "the page records events through evaluate()");
  await gate.getByRole("button", { name: /not now/i }).click();
  await until(async () => (await gate.count()) === 0, "modal closes");
  await byId(page, "feature-ai_assist").click();
  await until(async () => /cooldown:dismissed/.test(await text(page, "why-panel")), "dismissal cooldown suppresses the gate");
  assert((await gate.count()) === 0, "the dismissed gate stays hidden inside the cooldown");
  // The sample's cooldown is 14 days: 13 days later it is still hidden, 15 days later it is back.
  await byId(page, "now-input").fill("2026-12-07T09:00");
  await until(async () => /cooldown:dismissed/.test(await text(page, "why-panel")), "still in the cooldown after 13 days");
  assert((await gate.count()) === 0, "hidden after 13 days");
  await byId(page, "now-input").fill("2026-12-09T09:01");
  await until(async () => (await gate.count()) === 1, "the gate returns once the cooldown has passed");
  assert(!/cooldown:dismissed/.test(await text(page, "why-panel")), "no cooldown suppression after 15 days");
  await shot(page, "10-cooldown-passed");
});

test("every sample catalog is valid and renders its meters and feature buttons", async (ctx) => {
  const page = await open(ctx);
  for (const sample of ["api", "credits", "features", "team"]) {
    await byId(page, "sample-select").selectOption(sample);
    const file = readFileSync(resolve(ROOT, `www/samples/${sample}.json`), "utf8");
    await until(async () => (await editorText(page)) === file, `${sample} in the editor`);
    const config = JSON.parse(file);
    await until(async () => (await page.locator('[data-testid="meters"] .up-meter').count()) === Object.keys(config.metrics).length,
      `${sample}: one meter per metric`);
    await until(async () => (await page.locator("#feature-bar .feature-btn").count()) === Object.keys(config.features).length,
      `${sample}: one button per feature`);
    assert((await byId(page, "config-errors").locator("li").count()) === 0, `${sample}: no config errors`);
    assert((await page.locator("#plan-select option").count()) === config.plans.length, `${sample}: plan options`);
  }
});

test("controls are labelled and keyboard reachable", async (ctx) => {
  const page = await open(ctx);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("main input, main select, main textarea, main [contenteditable]")]
      .filter((el) => !el.labels?.length && !el.getAttribute("aria-label"))
      .map((el) => el.id || el.outerHTML.slice(0, 60)));
  assert(unlabelled.length === 0, `unlabelled controls: ${unlabelled.join(", ")}`);
  const duplicateIds = await page.evaluate(() => {
    const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
    return ids.filter((id, i) => ids.indexOf(id) !== i);
  });
  assert(duplicateIds.length === 0, `duplicate ids: ${duplicateIds.join(", ")}`);
  await byId(page, "feature-reports").focus();
  await page.keyboard.press("Enter");
  await until(async () => (await byId(page, "feature-reports").getAttribute("aria-pressed")) === "true", "Enter activates a feature button");
  const focused = await page.evaluate(() => document.activeElement?.dataset.testid);
  assert(focused === "feature-reports", `focus kept on the button after re-render (got ${focused})`);
});

test("the server serves the right types and refuses paths outside www/ and pkg/", async (ctx) => {
  const get = (path) => new Promise((resolveGet, reject) => {
    const req = request({ host: "127.0.0.1", port: ctx.port, path, method: "GET" }, (res) => {
      res.resume();
      resolveGet({ status: res.statusCode, type: res.headers["content-type"] });
    });
    req.on("error", reject);
    req.end();
  });
  assert((await get("/")).type.startsWith("text/html"), "index is html");
  assert((await get("/app.js")).type.startsWith("text/javascript"), "app.js is javascript");
  assert((await get("/pkg/upgrade_prompts_bg.wasm")).type === "application/wasm", "wasm type");
  assert((await get("/samples/team.json")).type.startsWith("application/json"), "json type");
  for (const path of ["/../Cargo.toml", "/..%2fCargo.toml", "/pkg/..%2f..%2fCargo.toml", "/%2e%2e/src/lib.rs", "/www/..%2f..%2fCargo.toml"]) {
    const { status } = await get(path);
    assert(status === 403 || status === 404, `${path} → ${status}`);
  }
});

// The `persist` option (localStorage and the storage event across two pages).
for (const [name, fn] of persistCases) test(name, fn);

// The Audience tab (simulate in a worker, charts, tables, account → why, export).
for (const [name, fn] of audienceCases) test(`audience: ${name}`, fn);
// The Results tab (analyze in a worker: arms, intervals, lift, split check, callouts, bad lines).
for (const [name, fn] of resultsCases) test(`results: ${name}`, fn);
// The drop-in React components and their stylesheet (axe-core, the modal's keyboard handling).
for (const [name, fn] of componentCases) test(`components: ${name}`, fn);
// The designer's tools (the rule form, the page's words in Japanese, the layout at 1024–1920 px).
for (const [name, fn] of designerCases) test(`designer: ${name}`, fn);
// Consistent numbers and states (meter and forecast, whole counts, prices, one blocking callout).
for (const [name, fn] of numberCases) test(`numbers: ${name}`, fn);

// `PAGE_ONLY=audience node tests/page/run.mjs` runs the cases whose name contains the text.
if (process.env.PAGE_ONLY) tests.splice(0, tests.length, ...tests.filter((t) => t.name.includes(process.env.PAGE_ONLY)));

// ---------------------------------------------------------------------------

const started = Date.now();
const server = start(0, { quiet: true });
await new Promise((r) => server.once("listening", r));
const port = server.address().port;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
});

let failed = 0;
for (const { name, fn } of tests) {
  const t0 = Date.now();
  const browserContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const ctx = { browserContext, base: `http://127.0.0.1:${port}`, port, errors: [], responses: [] };
  let error = null;
  try {
    await fn(ctx);
    if (ctx.errors.length) error = new Error(`console/page errors:\n    ${ctx.errors.join("\n    ")}`);
  } catch (err) {
    error = err;
  }
  await browserContext.close();
  const ms = Date.now() - t0;
  if (error) {
    failed++;
    console.log(`✗ ${name} (${ms} ms)\n    ${error.message}`);
  } else {
    console.log(`✓ ${name} (${ms} ms)`);
  }
}
await browser.close();
server.close();
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\npage tests: ${tests.length - failed} passed, ${failed} failed (${secs} s); screenshots in build/screenshots/`);
process.exit(failed ? 1 : 0);
