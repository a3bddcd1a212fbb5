// The README's picture: the playground (what `make demo` serves) at 1280×800 in the headless
// Chromium of the page tests, with fixed dates so it does not depend on the day it is taken.
//   node scripts/screenshot.mjs [out.png] [width] [locale]
//   (after `make pkg`; default docs/playground.png, 1280 px wide, en; `ja` shows the page in Japanese)
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { start } from "../www/serve.mjs";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const out = resolve(ROOT, process.argv[2] ?? "docs/playground.png");
const width = Number(process.argv[3] ?? 1280);
const locale = process.argv[4] ?? "en";

const server = start(0, { quiet: true });
await new Promise((r) => server.once("listening", r));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector("html[data-ready]", { timeout: 15000 });
  const byId = (id) => page.locator(`[data-testid="${id}"]`);
  await byId("now-input").fill("2026-11-24T09:00");
  await byId("created-at").fill("2025-01-15");
  await byId("renewal-at").fill("2027-06-01");
  // A state with something to show: seats near the limit, and a page of a feature not in the plan.
  await byId("usage-seats").fill("22");
  await byId("trial-feature").selectOption("");
  await byId("page-feature").selectOption("sso");
  if (locale !== "en") await byId("locale-select").selectOption(locale);
  await page.evaluate(() => document.activeElement?.blur());
  await page.locator('[data-testid="meters"] .up-meter').first().waitFor();
  await page.waitForTimeout(500);
  if (errors.length) throw new Error(`the page reported errors:\n${errors.join("\n")}`);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
