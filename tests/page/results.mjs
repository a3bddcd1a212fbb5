// Page tests of the Results tab (run by tests/page/run.mjs): a demo log generated in the page is
// saved and analyzed again in Node through the npm bin's `cliAnalyze` (the same core, another
// path), and every arm, interval, lift and callout on the page must show that report's numbers;
// a log with a broken split, program-wide holdout exposures and bad lines, built here, shows the
// SRM banner, the program card and the bad lines; a CSV log dropped on the drop zone; the
// progress bar ends full; screenshots at 1024 and 1280 px wide.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT, SHOTS, assert, byId, recordErrors, until as poll } from "./helpers.mjs";

const NOW = "2026-11-24";
const until = (fn, message, timeout = 20_000) => poll(fn, message, timeout);
const team = () => readFileSync(resolve(ROOT, "www/samples/team.json"));

// What the page must show for a number of the report (en-US, the catalog's currency).
const MINUS = "\u2212";
const pct = (x) => (x == null ? "—" : `${(x * 100).toFixed(1).replace("-", MINUS)}%`);
const change = (x) => (x == null ? "—" : `${x > 0 ? "+" : x < 0 ? MINUS : ""}${Math.abs(x * 100).toFixed(1)}%`);
const pval = (x) => (x == null ? "—" : x < 0.0001 ? "< 0.0001" : x.toFixed(4));
const int = (n) => n.toLocaleString("en-US");
const money = (n, currency) => (n == null ? "—" : n.toLocaleString("en-US", {
  style: "currency", currency, minimumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2, maximumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2,
}));
const span = (ci, f) => (ci ? `${f(ci[0])} to ${f(ci[1])}` : "—");

async function audience() {
  return import(resolve(ROOT, "pkg/audience/node.js"));
}

/** `analyze --format json` of `bytes` (named `name`) in Node, through the npm bin's entry point. */
async function analyzeInNode(bytes, name) {
  const { cliAnalyze } = await audience();
  const out = cliAnalyze({ configName: "team.json", configState: "ok", config: team(), eventsName: name, eventsState: "ok", events: bytes, format: "json", quiet: true });
  return JSON.parse(Buffer.from(out.stdout).toString("utf8"));
}

async function open(ctx, width = 1280) {
  const page = await ctx.browserContext.newPage();
  recordErrors(page, ctx);
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${ctx.base}/`);
  await page.waitForSelector("html[data-ready]", { timeout: 15000 });
  await byId(page, "tab-results").click();
  return page;
}

/** Waits for the analysis to end; the progress bar must then be full and say done. */
async function analyzed(page) {
  await until(async () => ["done", "error"].includes(await byId(page, "results-status").getAttribute("data-state")), "analysis finished", 60_000);
  const status = await byId(page, "results-status").textContent();
  assert((await byId(page, "results-status").getAttribute("data-state")) === "done", `analysis failed: ${status}`);
  const bar = await page.locator("#results-progress-bar").evaluate((el) => ({ value: el.value, max: el.max }));
  assert(bar.value === bar.max && bar.max === 1, `progress bar full: ${JSON.stringify(bar)}`);
  assert(/^Done: /.test(await byId(page, "results-progress-text").textContent()), "progress says done");
  assert(await byId(page, "results-progress").getAttribute("data-state") === "done", "progress state done");
}

const num = async (loc, attr) => Number(await loc.getAttribute(attr));

/** Every experiment card shows the arms, intervals and lifts of `report`. */
async function checkExperiments(page, report, currency) {
  const experiments = [...(report.program ? [report.program] : []), ...report.experiments];
  assert(experiments.length > 0, "the report has experiments");
  for (const x of experiments) {
    const card = byId(page, `experiment-${x.key}`);
    assert(await card.isVisible(), `card of ${x.key}`);
    for (const a of x.arms) {
      // The chart: the numbers, and the whisker where the interval is (measured against the bar).
      const row = byId(page, `rate-${x.key}-${a.id}`);
      assert(await num(row, "data-rate") === a.rate, `${x.key}/${a.id} rate ${a.rate}`);
      if (a.ci) assert(await num(row, "data-low") === a.ci[0] && await num(row, "data-high") === a.ci[1], `${x.key}/${a.id} interval`);
      assert((await row.getAttribute("data-holdout")) === String(a.holdout), `${x.key}/${a.id} holdout mark`);
      const value = await row.locator(".ci-value").textContent();
      assert(value.includes(pct(a.rate)) && value.includes(`${pct(a.ci[0])} – ${pct(a.ci[1])}`), `${x.key}/${a.id} label: ${value}`);
      if (a.holdout) assert(/holdout/.test(await row.locator(".ci-label").textContent()), "holdout marked");
      if (a.rate > 0 && a.ci) {
        const [track, bar, whisker] = await Promise.all([".ci-track", ".ci-bar", ".ci-whisker"].map((s) => row.locator(s).boundingBox()));
        const scale = bar.width / a.rate; // px per unit of rate
        const tol = 2.5;
        assert(Math.abs(whisker.x - track.x - a.ci[0] * scale) < tol, `${x.key}/${a.id} whisker starts at the low end`);
        assert(Math.abs(whisker.x + whisker.width - track.x - a.ci[1] * scale) < tol, `${x.key}/${a.id} whisker ends at the high end`);
      }
      // The table.
      const cells = await byId(page, `arm-${x.key}-${a.id}`).locator("td").allTextContents();
      const want = [int(a.units), int(a.converted), pct(a.rate), span(a.ci, pct), money(a.mrr, currency), money(a.mrrPerUnit, currency),
        a.lift ? change(a.lift.relative) : "—", a.lift ? span(a.lift.ci, change) : "—", a.lift ? pval(a.lift.pValue) : "—", a.lift ? pct(a.lift.chanceToBeat) : "—"];
      assert(JSON.stringify(cells) === JSON.stringify(want), `${x.key}/${a.id} row\n  page ${JSON.stringify(cells)}\n  node ${JSON.stringify(want)}`);
      // The lift on its scale through zero.
      if (a.lift?.ci && a.lift.relative != null) {
        const lift = byId(page, `lift-${x.key}-${a.id}`);
        assert(await num(lift, "data-relative") === a.lift.relative, `${x.key}/${a.id} lift`);
        assert(await num(lift, "data-low") === a.lift.ci[0] && await num(lift, "data-high") === a.lift.ci[1], `${x.key}/${a.id} lift interval`);
        assert(await num(lift, "data-p") === a.lift.pValue && await num(lift, "data-chance") === a.lift.chanceToBeat, `${x.key}/${a.id} p and chance`);
        const text = await lift.locator(".ci-value").textContent();
        assert(text.includes(change(a.lift.relative)) && text.includes(pval(a.lift.pValue)) && text.includes(`${pct(a.lift.chanceToBeat)} to beat`), `lift label: ${text}`);
        const [zero, point, whisker] = await Promise.all([".ci-zero", ".ci-point", ".ci-whisker"].map((s) => lift.locator(s).boundingBox()));
        const zx = zero.x + zero.width / 2;
        const px = point.x + point.width / 2;
        assert(Math.sign(Math.round(px - zx)) === Math.sign(a.lift.relative), `${x.key}/${a.id} point on the side of zero of ${a.lift.relative}`);
        assert((whisker.x < zx) === (a.lift.ci[0] < 0) && (whisker.x + whisker.width > zx) === (a.lift.ci[1] > 0), `${x.key}/${a.id} interval against zero`);
      }
    }
    if (x.srm.ok === true) assert((await byId(page, `srm-ok-${x.key}`).textContent()).includes(pval(x.srm.pValue)), `${x.key} split p`);
    if (x.srm.ok === false) {
      const banner = byId(page, `srm-${x.key}`);
      assert(await banner.isVisible(), `SRM banner of ${x.key}`);
      const p = x.srm.pValue < 0.0001 ? "p < 0.0001" : `p = ${pval(x.srm.pValue)}`;
      assert((await banner.textContent()).includes(p), `SRM banner p: ${await banner.textContent()}`);
    } else {
      assert((await byId(page, `srm-${x.key}`).count()) === 0, `no SRM banner for ${x.key}`);
    }
  }
}

/** The callouts table holds the report's callouts with their numbers; a header sorts it. */
async function checkCallouts(page, report, currency) {
  const rows = byId(page, "results-callout-row");
  assert((await rows.count()) === report.callouts.length, `callout rows: ${await rows.count()} vs ${report.callouts.length}`);
  for (const c of report.callouts) {
    const cells = await page.locator(`[data-testid="results-callout-row"][data-id="${c.id}"] td`).allTextContents();
    const want = [c.id, c.kind ?? "—", c.placement ?? "—", int(c.impressions), int(c.clicks), pct(c.impressions ? c.clicks / c.impressions : null),
      int(c.dismissals), int(c.conversions), money(c.mrr, currency)];
    assert(JSON.stringify(cells) === JSON.stringify(want), `callout ${c.id}\n  page ${JSON.stringify(cells)}\n  node ${JSON.stringify(want)}`);
  }
  await byId(page, "sort-impressions").click();
  const most = Math.max(...report.callouts.map((c) => c.impressions));
  assert((await rows.first().locator("td").nth(3).textContent()) === int(most), "sorted by impressions, most first");
  assert((await page.locator("th", { has: byId(page, "sort-impressions") }).getAttribute("aria-sort")) === "descending", "aria-sort");
  await byId(page, "sort-impressions").press("Enter"); // keyboard: the header is a button
  assert((await page.locator("th", { has: byId(page, "sort-impressions") }).getAttribute("aria-sort")) === "ascending", "sorted ascending");
}

/** No control or table is cut at this width: nothing scrolls sideways. */
async function checkFits(page, width) {
  const over = await page.evaluate(() => [document.documentElement, ...document.querySelectorAll("#results .table-wrap, #results .panel, #results .ci-row")]
    .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => `${el.className || el.tagName} ${el.scrollWidth}>${el.clientWidth}`));
  assert(over.length === 0, `at ${width} px these overflow: ${over.join(", ")}`);
}

/** The page's English framing of a broken split, bad lines and the charts that must not stay in Japanese. */
const SRM_ENGLISH = ["Sample ratio mismatch", "the units per arm differ", "(expected ", "not trustworthy", "bad lines", "bad line",
  "…and ", "MRR attributed to the prompts", "MRR per exposed unit", "units held out", "to beat", "holdout: units shown",
  "Conversion rate per arm", "Lift against the holdout", "Arms of", " units", "unit: ", "rules "];

/** A log of 1,500 demo accounts with its split broken, program-wide holdout exposures and bad lines. */
async function brokenLog() {
  const { CliGenerate } = await audience();
  const gen = new CliGenerate({ configName: "team.json", configState: "ok", config: team(), now: `${NOW}T09:00:00Z`, seed: "5" });
  const lines = gen.events(0, 1500).trimEnd().split("\n");
  gen.free();
  // Drop the exposures of two holdout units in three: the split no longer matches the configured 10 %.
  let holdouts = 0;
  const kept = lines.filter((l) => {
    const e = JSON.parse(l);
    return !(e.type === "exposure" && e.arm === "holdout" && holdouts++ % 3 !== 0);
  });
  // A program-wide holdout: one account in five held out of every callout.
  for (let i = 0; i < 1500; i++) {
    kept.push(JSON.stringify({ type: "exposure", at: "2026-11-01T00:00:00Z", unit: `acct_${i}`, experiment: "$program", arm: i % 5 === 0 ? "holdout" : "exposed" }));
  }
  kept.splice(3, 0, "{ not json");
  kept.splice(40, 0, JSON.stringify({ type: "view", at: "2026-11-02T00:00:00Z", unit: "acct_1" }));
  kept.splice(41, 0, "");
  kept.splice(90, 0, JSON.stringify({ type: "click", unit: "acct_2", callout: "seats-near-limit" }));
  const text = `${kept.join("\n")}\n`;
  mkdirSync(resolve(ROOT, "build"), { recursive: true });
  const path = resolve(ROOT, "build/results-broken-split.jsonl");
  writeFileSync(path, text);
  return { path, text };
}

/** JSON Lines events as CSV with a header of event fields. */
function toCsv(text) {
  const fields = ["type", "at", "unit", "callout", "experiment", "arm", "placement", "kind", "target", "mrrDelta"];
  const cell = (v) => (v == null ? "" : /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
  const rows = text.trimEnd().split("\n").map((l) => JSON.parse(l)).map((e) => fields.map((f) => cell(e[f])).join(","));
  return `${fields.join(",")}\n${rows.join("\n")}\n`;
}

export const cases = [
  ["a demo log shows the arms, intervals, lifts and callouts of analyze", async (ctx) => {
    const page = await open(ctx, 1280);
    await byId(page, "results-count").fill("4000");
    await byId(page, "results-seed").fill("3");
    await byId(page, "results-asof").fill(NOW);
    await byId(page, "results-generate").click();
    await until(async () => await byId(page, "results-progress").isVisible(), "progress shown");
    await analyzed(page);

    // The log the page analyzed, saved and analyzed again in Node.
    const [download] = await Promise.all([page.waitForEvent("download"), byId(page, "results-save").click()]);
    assert(download.suggestedFilename() === "demo-events.jsonl", download.suggestedFilename());
    const bytes = readFileSync(await download.path());
    const { CliGenerate } = await audience();
    const gen = new CliGenerate({ configName: "team.json", configState: "ok", config: team(), now: `${NOW}T09:00:00Z`, seed: "3" });
    assert(bytes.toString("utf8") === gen.events(0, 4000), "the page's demo log is generate --events of the catalog");
    gen.free();
    const report = await analyzeInNode(bytes, "demo-events.jsonl");
    const currency = JSON.parse(team()).currency;
    assert((await byId(page, "results-total-events").locator(".stat-value").textContent()) === int(report.totals.events), "events total");
    assert((await byId(page, "results-total-mrr").locator(".stat-value").textContent()) === money(report.totals.mrr, currency), "MRR total");
    assert(report.totals.badLines === 0 && !(await byId(page, "results-problems").isVisible()), "no bad lines");
    await checkExperiments(page, report, currency);
    await checkCallouts(page, report, currency);
    // The pictures first, so a layout failure can be looked at.
    const widths = [[1280, "30-results-demo-1280"], [1024, "31-results-demo-1024"], [1920, "33-results-demo-1920"]];
    for (const [width, name] of widths) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
    }
    for (const [width] of widths) {
      await page.setViewportSize({ width, height: 900 });
      await checkFits(page, width);
    }
  }],

  ["a log with a broken split warns of the sample ratio mismatch, and lists its bad lines", async (ctx) => {
    const { path, text } = await brokenLog();
    const report = await analyzeInNode(Buffer.from(text), "results-broken-split.jsonl");
    const x = report.experiments.find((e) => e.key === "seat-copy");
    assert(x && x.srm.ok === false, `the built log breaks the split: ${JSON.stringify(x?.srm)}`);
    assert(report.program && report.totals.badLines === 3, `program and 3 bad lines: ${report.totals.badLines}`);
    const page = await open(ctx, 1024);
    await byId(page, "results-file").setInputFiles(path);
    await analyzed(page);
    const currency = JSON.parse(team()).currency;
    await checkExperiments(page, report, currency);
    assert((await byId(page, "program-attributed").textContent()).includes(money(report.program.attributedMrr, currency)), "attributed MRR");
    assert((await byId(page, "results-bad-count").textContent()).startsWith(`${report.totals.badLines} bad lines`), "bad line count");
    const listed = await byId(page, "results-bad-line").evaluateAll((els) => els.map((el) => `${el.dataset.line} ${el.dataset.code}`));
    const want = report.errors.slice(0, 10).map((e) => `${e.line} ${e.code}`);
    assert(JSON.stringify(listed) === JSON.stringify(want), `bad lines ${listed} vs ${want}`);
    await checkCallouts(page, report, currency);
    await page.screenshot({ path: resolve(SHOTS, "32-results-srm-1024.png"), fullPage: true });
    await checkFits(page, 1024);
    // In Japanese the warning, the bad lines' framing and the charts' labels are Japanese (ids, codes and messages stay).
    await byId(page, "tab-preview").click();
    await byId(page, "locale-select").selectOption("ja");
    await byId(page, "tab-results").click();
    await poll(async () => (await byId(page, "srm-seat-copy").textContent()).includes("サンプル比率の不一致"), "the split warning in Japanese");
    const ja = await byId(page, "results").evaluate((el) => [el.innerText,
      ...[...el.querySelectorAll("[aria-label], [title]")].map((e) => `${e.getAttribute("aria-label") ?? ""} ${e.getAttribute("title") ?? ""}`)].join("\n"));
    const left = SRM_ENGLISH.filter((w) => ja.includes(w));
    assert(left.length === 0, `English words left in Japanese: ${left.join(", ")}`);
    assert((await byId(page, "results-bad-count").textContent()).startsWith(`不正な行 ${report.totals.badLines}件`), "bad line count in Japanese");
  }],

  ["the progress bar moves through the phases while the page stays responsive, and Cancel keeps the last results", async (ctx) => {
    const page = await open(ctx, 1280);
    await byId(page, "results-count").fill("3000");
    await byId(page, "results-asof").fill(NOW);
    await byId(page, "results-generate").click();
    await analyzed(page);
    const before = await byId(page, "results-total-events").textContent();
    await byId(page, "results-count").fill("100000");
    await byId(page, "results-generate").click();
    const seen = new Set();
    await until(async () => {
      const text = await byId(page, "results-progress-text").textContent();
      seen.add(text.split(":")[0]);
      const value = await page.locator("#results-progress-bar").evaluate((el) => el.value);
      return value > 0.4 && value < 1 && text.startsWith("Pass");
    }, "the analysis passes, after the generation", 60_000);
    assert(seen.has("Generating the demo log"), `phases seen: ${[...seen]}`);
    // The page answers while the worker works: the tabs switch at once.
    const t0 = Date.now();
    await byId(page, "tab-preview").click();
    await byId(page, "tab-results").click();
    assert(Date.now() - t0 < 2000, `tabs switched in ${Date.now() - t0} ms`);
    await byId(page, "results-cancel").click();
    await until(async () => (await byId(page, "results-status").getAttribute("data-state")) === "cancelled", "cancelled");
    assert(/previous log/.test(await byId(page, "results-status").textContent()), "says the previous log is shown");
    assert(!(await byId(page, "results-progress").isVisible()), "progress hidden");
    assert((await byId(page, "results-total-events").textContent()) === before, "previous results kept");
    // A new run after a cancel starts a new worker.
    await byId(page, "results-count").fill("500");
    await byId(page, "results-generate").click();
    await analyzed(page);
  }],

  ["a CSV log dropped on the drop zone is analyzed", async (ctx) => {
    const { CliGenerate } = await audience();
    const gen = new CliGenerate({ configName: "team.json", configState: "ok", config: team(), now: `${NOW}T09:00:00Z`, seed: "9" });
    const csv = toCsv(gen.events(0, 800));
    gen.free();
    const report = await analyzeInNode(Buffer.from(csv), "events.csv");
    const page = await open(ctx, 1280);
    const transfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], "events.csv", { type: "text/csv" }));
      return dt;
    }, csv);
    await byId(page, "results-drop").dispatchEvent("drop", { dataTransfer: transfer });
    await analyzed(page);
    assert(/^events\.csv: /.test(await byId(page, "results-status").textContent()), "the dropped file's name");
    await checkExperiments(page, report, JSON.parse(team()).currency);
    // The file input is reached with the keyboard through its button.
    const [chooser] = await Promise.all([page.waitForEvent("filechooser", { timeout: 10_000 }), byId(page, "results-file-button").press("Enter")]);
    assert(chooser.isMultiple() === false, "one file at a time");
    // The tabs are reached with the arrow keys (three now; they wrap around).
    await byId(page, "tab-results").focus();
    await page.keyboard.press("ArrowRight");
    assert((await byId(page, "tab-preview").getAttribute("aria-selected")) === "true", "ArrowRight from Results wraps to the preview");
    await page.keyboard.press("ArrowLeft");
    assert((await byId(page, "tab-results").getAttribute("aria-selected")) === "true" && await byId(page, "results").isVisible(), "ArrowLeft back to Results");
  }],
];
