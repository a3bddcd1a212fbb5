// Page tests of consistent numbers and states in the playground's preview (what ships: the
// package's Callout and UsageMeter): a meter's state agrees with its forecast, counts are whole
// numbers, a callout's price is the why panel's price, and one blocking callout at a time.
// The team sample: API calls limit 50,000 a month on Team; the page synthesizes a linear history,
// so on 2026-11-24 09:00 (23.375 of 30 days) the projection is used ÷ 0.779.
import { assert, byId, recordErrors, until } from "./helpers.mjs";

async function open(ctx) {
  const page = await ctx.browserContext.newPage();
  recordErrors(page, ctx);
  await page.goto(`${ctx.base}/`);
  await page.waitForSelector("html[data-ready]", { timeout: 15000 });
  await page.locator('[data-testid="meters"] .up-meter').first().waitFor();
  await byId(page, "now-input").fill("2026-11-24T09:00");
  await byId(page, "created-at").fill("2025-01-15");
  await byId(page, "renewal-at").fill("2027-06-01");
  await byId(page, "trial-feature").selectOption("");
  return page;
}

const text = async (locator) => (await locator.textContent()) ?? "";

export const cases = [
  ["a meter whose limit runs out this period is not OK, and its callout counts whole calls", async (ctx) => {
    const page = await open(ctx);
    // 39,000 of 50,000 is `ok` by ratio (0.78), but on pace for 50,053 before the period ends.
    await byId(page, "usage-api_calls-value").fill("39000");
    const meter = byId(page, "meter-api_calls");
    await until(async () => /39,000/.test(await text(meter)), "the meter shows 39,000");
    const state = await meter.getAttribute("data-state");
    const badge = await text(meter.locator(".up-meter-state"));
    assert(state !== "ok" && !/^OK$/i.test(badge.trim()), `a limit reached this period is not OK (state ${state}, badge ${badge})`);
    assert(/runs out|soon/i.test(await text(meter)), `the meter says when it runs out: ${await text(meter)}`);
    const banner = byId(page, "callout-api-running-out");
    await banner.waitFor();
    const body = await text(banner.locator(".up-callout-body"));
    assert(/use 50,053 of 50,000 calls/.test(body), `the projection is a whole number: ${body}`);
    assert(!/\d\.\d/.test(body), `no decimals in a count: ${body}`);
  }],

  ["a callout's price is the why panel's price (two boosts, $80)", async (ctx) => {
    const page = await open(ctx);
    // 120,000 of 50,000: on pace for about 154,000, so two +100k boosts are needed.
    await byId(page, "usage-api_calls-value").fill("120000");
    const callout = byId(page, "callout-usage_limit:api_calls");
    await callout.waitFor();
    const why = byId(page, "why-usage_limit:api_calls");
    await why.waitFor();
    const meta = await text(callout.locator(".up-callout-meta"));
    const cta = await text(callout.locator(".up-callout-cta"));
    const unlock = await text(why.locator(".unlock-list li").first());
    for (const [where, words] of [["callout", meta], ["why panel", unlock]]) {
      assert(/× ?2/.test(words) && /\$80/.test(words) && !/\$40/.test(words), `${where} offers two boosts for $80: ${words}`);
    }
    assert(/× 2/.test(cta), `the CTA names the quantity: ${cta}`);
  }],

  ["one blocking callout at a time: the feature gate, then the at-limit notice once dismissed", async (ctx) => {
    const page = await open(ctx);
    await byId(page, "usage-api_calls-value").fill("50000"); // at the limit: a blocking notice
    await page.locator('[data-testid="callout-usage_limit:api_calls"][data-severity="blocking"]').waitFor();
    await byId(page, "page-feature").selectOption("sso"); // and a gate: a blocking modal
    const gate = byId(page, "callout-feature_gate:sso");
    await gate.waitFor();
    const blocking = page.locator('[data-testid="callouts"] [data-severity="blocking"], [data-testid="callouts"] [role="dialog"]');
    await until(async () => (await page.locator('[data-testid^="callout-"][data-severity="blocking"]').count()) === 1,
      "only the gate is shown");
    assert((await blocking.count()) >= 1, "the gate is blocking");
    const why = byId(page, "why-suppressed");
    await until(async () => /usage_limit:api_calls/.test(await text(why)), "the why panel lists the held notice");
    await gate.getByRole("button", { name: /not now/i }).click();
    await page.locator('[data-testid="callout-usage_limit:api_calls"][data-severity="blocking"]').waitFor();
    assert((await page.locator('[data-testid^="callout-"][data-severity="blocking"]').count()) === 1, "then only the notice");
  }],
];
