// Page tests of the Audience tab (run by tests/page/run.mjs): a JSON Lines file through the file
// input gives the numbers `simulate` gives in Node through `upgrade-prompts/audience`; an account
// opens in the preview with its "why"; generate + cancel; the CSV export; the 100,000-account
// timing (recorded and printed, never asserted); the picture of docs/audience.md
// (docs/audience.png with UPDATE_DOCS=1).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT, SHOTS, assert, byId, recordErrors, until as poll } from "./helpers.mjs";

const NOW = "2026-11-24T09:00:00Z";
// Simulations take longer than the playground's other updates: 10 s unless a case says otherwise.
const until = (fn, message, timeout = 10_000) => poll(fn, message, timeout);

async function open(ctx) {
  const page = await ctx.browserContext.newPage();
  recordErrors(page, ctx);
  await page.goto(`${ctx.base}/`);
  await page.waitForSelector("html[data-ready]", { timeout: 15000 });
  return page;
}

/** Waits for the current run to finish (the status says done) and returns the time it took. */
async function done(page, timeout = 60_000) {
  await until(async () => (await byId(page, "audience-status").getAttribute("data-state")) === "done", "simulation done", timeout);
  return Number(await page.locator("#audience").getAttribute("data-ms"));
}

/** A small population with one bad line and a blank one, as a JSON Lines file. */
async function smallFile() {
  const { generate, simulate } = await import(resolve(ROOT, "pkg/audience/node.js"));
  const config = JSON.parse(readFileSync(resolve(ROOT, "www/samples/team.json"), "utf8"));
  const lines = generate(config, 400, 7, NOW).trimEnd().split("\n");
  lines.splice(10, 0, "{ not json");
  lines.splice(20, 0, "");
  const text = `${lines.join("\n")}\n`;
  mkdirSync(resolve(ROOT, "build"), { recursive: true });
  const path = resolve(ROOT, "build/audience-small.jsonl");
  writeFileSync(path, text);
  return { path, report: simulate(config, text, { now: NOW, top: 20 }) };
}

export const cases = [
  ["the sample population is simulated at load and the tab shows its numbers", async (ctx) => {
    const page = await open(ctx);
    await byId(page, "tab-audience").click();
    await done(page);
    assert(/20,000/.test(await byId(page, "total-accounts").textContent()), "20,000 sample accounts");
    assert((await byId(page, "audience-reach").locator("g[data-testid^=reach-]").count()) > 2, "reach bars drawn");
    assert((await byId(page, "opportunity-row").count()) === 20, "20 opportunities");
    await page.screenshot({ path: resolve(SHOTS, "20-audience-sample.png"), fullPage: true });
  }],

  ["a JSON Lines file gives the numbers of simulate in Node, and an account opens with its why", async (ctx) => {
    const { path, report } = await smallFile();
    const page = await open(ctx);
    await byId(page, "tab-audience").click();
    await done(page); // the sample population first
    await byId(page, "audience-file").setInputFiles(path);
    await until(async () => /audience-small\.jsonl: 401 accounts/.test(await byId(page, "audience-status").textContent()), "file simulated");
    const t = report.totals;
    assert(t.accounts === 401 && t.errorRows === 0 && t.accountsWithErrors === 1, `node totals ${JSON.stringify(t)}`);
    assert((await byId(page, "total-accounts").textContent()).includes("1 with errors"), "the bad line is counted");
    for (const r of report.rules) {
      const g = byId(page, `reach-${r.rule}`);
      assert(Number(await g.getAttribute("data-shown")) === r.shown, `${r.rule} shown ${r.shown}`);
      assert(Number(await g.getAttribute("data-matched")) === r.matched, `${r.rule} matched ${r.matched}`);
      const suppressed = Object.values(r.suppressed).reduce((a, b) => a + b, 0);
      if (suppressed) assert(Number(await byId(page, `suppressed-${r.rule}`).getAttribute("data-total")) === suppressed, `${r.rule} suppressed`);
    }
    const rows = byId(page, "opportunity-row");
    assert((await rows.count()) === report.opportunities.length, "opportunity rows");
    for (const [i, o] of report.opportunities.entries()) {
      const cells = await rows.nth(i).locator("td").allTextContents();
      assert(cells[1] === (o.accountId ?? `#${o.index}`) && cells[3] === o.callout, `row ${i}: ${cells} vs ${o.accountId} ${o.callout}`);
    }
    const weeks = report.limitForecast.reduce((acc, m) => m.byWeek.map((n, w) => (acc[w] ?? 0) + n), []);
    for (const [w, n] of weeks.entries()) {
      if (n) assert(Number(await byId(page, `week-${w}`).getAttribute("data-count")) === n, `week ${w}: ${n}`);
    }
    assert(/line\/account 11/.test(await byId(page, "audience-problems").textContent()), "the bad line is listed by number");
    await page.screenshot({ path: resolve(SHOTS, "21-audience-file.png"), fullPage: true });

    // An opportunity opens in the preview: the account's own context, explained.
    const o = report.opportunities[0];
    await byId(page, `account-${o.index}`).first().click();
    await until(async () => await byId(page, "context-source").isVisible(), "context source note");
    assert((await byId(page, "account-id").inputValue()) === o.accountId, "account id in the context panel");
    const ctxJson = JSON.parse(await byId(page, "context-json").textContent());
    const line = readFileSync(path, "utf8").split("\n")[o.index - 1];
    assert(JSON.stringify(ctxJson) === JSON.stringify(JSON.parse(line)), "the exact context is evaluated");
    const why = byId(page, "why-panel");
    if (o.shown) {
      await page.locator(`[data-testid="callout-${o.callout}"]`).first().waitFor();
    } else {
      await until(async () => (await why.textContent()).includes(o.callout), `why names ${o.callout}`);
    }
    await page.screenshot({ path: resolve(SHOTS, "22-audience-account-why.png") });

    // Editing a control goes back to the controls' context.
    await byId(page, "health-score").fill("90");
    await until(async () => !(await byId(page, "context-source").isVisible()), "note hidden after an edit");
  }],

  ["a forecast row opens a generated account regenerated by index", async (ctx) => {
    const page = await open(ctx);
    await byId(page, "tab-audience").click();
    await done(page);
    const row = byId(page, "forecast-row").first();
    const account = (await row.locator("td").first().textContent()).trim();
    await row.locator("button").click();
    await until(async () => await byId(page, "context-source").isVisible(), "opened");
    assert((await byId(page, "account-id").inputValue()) === account, `account ${account}`);
    const ctxJson = JSON.parse(await byId(page, "context-json").textContent());
    assert(ctxJson.account.id === account, "the regenerated context is that account");
  }],

  ["generate can be cancelled, and the opportunities export as CSV", async (ctx) => {
    const page = await open(ctx);
    await byId(page, "tab-audience").click();
    await done(page);
    const before = await byId(page, "total-accounts").textContent();
    await byId(page, "audience-count").fill("3000000");
    await byId(page, "audience-generate").click();
    await until(async () => await byId(page, "audience-progress").isVisible(), "progress shown");
    await until(async () => Number(await page.locator("#audience-progress-bar").evaluate((el) => el.value)) > 0, "progress moves");
    await byId(page, "audience-cancel").click();
    await until(async () => (await byId(page, "audience-status").getAttribute("data-state")) === "cancelled", "cancelled");
    assert(!(await byId(page, "audience-progress").isVisible()), "progress hidden");
    assert((await byId(page, "total-accounts").textContent()) === before, "previous results kept");
    // The page stayed responsive: the tabs switch at once.
    await byId(page, "tab-preview").click();
    await byId(page, "tab-audience").click();

    const [download] = await Promise.all([page.waitForEvent("download"), byId(page, "audience-export").click()]);
    assert(download.suggestedFilename() === "opportunities.csv", download.suggestedFilename());
    const csv = readFileSync(await download.path(), "utf8").trimEnd().split("\r\n");
    assert(csv[0] === "rank,index,account_id,plan,callout,rule,kind,target_type,target_id,target_label,monthly_delta,shown,ready,guard", csv[0]);
    assert(csv.length === 21, `20 rows: ${csv.length - 1}`);
    assert(/^1,\d+,acct_\d+,/.test(csv[1]), csv[1]);
    // The engine's CSV writer (csvRow): no cell a spreadsheet could run as a formula.
    const formula = csv.find((l) => /(^|,)"?[=+@\t\r]/.test(l));
    assert(formula === undefined, `a formula cell: ${formula}`);
  }],

  ["100,000 generated accounts (time recorded, not asserted) and the docs screenshot", async (ctx) => {
    const page = await open(ctx);
    await page.setViewportSize({ width: 1360, height: 900 });
    await byId(page, "tab-audience").click();
    await done(page);
    await byId(page, "audience-count").fill("100000");
    await byId(page, "audience-asof").fill("2026-11-24");
    await byId(page, "audience-generate").click();
    await until(async () => /100,000 accounts simulated/.test(await byId(page, "audience-status").textContent()) &&
      (await byId(page, "audience-status").getAttribute("data-state")) === "done", "100k done", 120_000);
    const ms = Number(await page.locator("#audience").getAttribute("data-ms"));
    console.log(`    100,000 generated accounts simulated in Chromium in ${(ms / 1000).toFixed(2)} s`);
    const shot = resolve(SHOTS, "23-audience-100k.png");
    await page.screenshot({ path: shot, fullPage: true });
    // The picture of docs/audience.md: written to build/screenshots/, and to docs/ with UPDATE_DOCS=1.
    await page.locator("#audience").screenshot({ path: resolve(SHOTS, "24-audience-readme.png") });
    if (process.env.UPDATE_DOCS === "1") {
      mkdirSync(resolve(ROOT, "docs"), { recursive: true });
      copyFileSync(resolve(SHOTS, "24-audience-readme.png"), resolve(ROOT, "docs/audience.png"));
    }
  }],
];
