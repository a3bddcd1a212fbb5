// Page tests of the drop-in React components (run by tests/page/run.mjs): a test page
// (tests/page/components-page.jsx, bundled here with esbuild: React, react-dom and the built
// pkg/react.js; `upgrade-prompts` from the import map, the authoring entry served from pkg/)
// styled by pkg/styles.css, checked with axe-core (WCAG 2 A/AA, colour contrast included) in
// the light theme, the dark one (a page that declares `color-scheme: light dark` under a dark
// system, and `.up-theme-dark` on a light page), a light-only page under a dark system (stays
// light) and right to left, each checking the colours drawn are the theme's; then the modal's
// keyboard handling and the visible focus outline.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";
import { ROOT, SHOTS, assert, recordErrors, until } from "./helpers.mjs";

const PREFIX = "/__components/";
const AXE = resolve(ROOT, "node_modules/axe-core/axe.min.js");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

let bundled = null;
/** The test page's script, bundled once per run. */
async function bundle() {
  bundled ??= build({
    entryPoints: [resolve(ROOT, "tests/page/components-page.jsx")],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    external: ["upgrade-prompts", "upgrade-prompts/*"],
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  }).then((r) => r.outputFiles[0].text);
  return bundled;
}

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>upgrade-prompts components</title>
<link rel="stylesheet" href="/pkg/styles.css">
<style>
  body { margin: 0; padding: 16px; font-family: system-ui, sans-serif; background: light-dark(#fff, #0d0f14); color: light-dark(#111, #eee); }
  main { display: grid; gap: 16px; max-width: 760px; }
  .meters { display: grid; grid-template-columns: repeat(2, 1fr); gap: 8px; }
  .page-button { font: inherit; padding: 4px 12px; }
  html.page-light-dark { color-scheme: light dark; }
</style>
<script type="importmap">{ "imports": { "upgrade-prompts": "/pkg/authoring/upgrade_prompts_authoring.js", "upgrade-prompts/authoring": "/pkg/authoring/upgrade_prompts_authoring.js" } }</script>
</head>
<body><div id="root"></div><script type="module" src="${PREFIX}page.js"></script></body>
</html>`;

/** Opens the test page with `query` (scheme, theme, callout, dir, locale) under the system colour
 * scheme `scheme`, and waits until everything rendered. */
async function open(ctx, query = "", scheme = "light") {
  const script = await bundle();
  await ctx.browserContext.route(`${ctx.base}${PREFIX}**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.endsWith("/page.js")) return route.fulfill({ contentType: "text/javascript", body: script });
    return route.fulfill({ contentType: "text/html", body: HTML });
  });
  const page = await ctx.browserContext.newPage();
  recordErrors(page, ctx);
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${ctx.base}${PREFIX}index.html${query}`);
  await page.locator(".up-meter").nth(4).waitFor({ timeout: 15000 });
  await page.locator(".up-callout-banner").nth(1).waitFor();
  return page;
}

/** axe-core's WCAG 2 A/AA violations of the page, as `id: targets` lines. */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ content: readFileSync(AXE, "utf8") });
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** The colours each theme draws (computed, so a theme that does not apply fails): a meter's
 * background (--up-surface), the modal's backdrop (--up-backdrop) and dialog (--up-surface). */
const DRAWN = {
  light: { meter: "rgb(255, 255, 255)", backdrop: "rgba(16, 19, 30, 0.55)", dialog: "rgb(255, 255, 255)" },
  dark: { meter: "rgb(27, 30, 39)", backdrop: "rgba(0, 0, 0, 0.65)", dialog: "rgb(27, 30, 39)" },
};

/** The computed background of the first element matching `selector`. */
const background = (page, selector) => page.locator(selector).first().evaluate((el) => getComputedStyle(el).backgroundColor);

// [name, query, the emulated system scheme, the theme the components must draw]
const THEMES = [
  ["light (the page declares no color-scheme, the system light)", "", "light", "light"],
  ["dark (the page declares color-scheme: light dark, the system dark)", "?scheme=light-dark", "dark", "dark"],
  ["a light-only page under a dark system stays light", "", "dark", "light"],
  ["dark (.up-theme-dark on a light page's body, the system light)", "?theme=dark", "light", "dark"],
  ["light (.up-theme-light on a light-dark page, the system dark)", "?scheme=light-dark&theme=light", "dark", "light"],
  ["dark (.up-theme-dark on the modal's dialog: its backdrop follows)", "?callout=up-theme-dark", "light", "dark"],
  ["right to left", "?dir=rtl", "light", "light"],
  ["Japanese, dark, right to left", "?scheme=light-dark&dir=rtl&locale=ja", "dark", "dark"],
];

export const cases = [
  ...THEMES.map(([name, query, scheme, drawn]) => [`axe finds no WCAG 2 A/AA violation: ${name}`, async (ctx) => {
    const page = await open(ctx, query, scheme);
    await page.locator("#open-modal").click();
    await page.locator('[role="dialog"]').waitFor();
    const found = await violations(page);
    assert(found.length === 0, `axe violations:\n    ${found.join("\n    ")}`);
    // The states the page is meant to show are there.
    const states = await page.locator(".up-meter").evaluateAll((els) => els.map((el) => el.getAttribute("data-state")));
    assert(states.includes("soon") && states.includes("at_limit") && states.includes("unlimited"), `meter states: ${states}`);
    assert((await page.locator('.up-callout[role="alert"]').count()) === 1, "the blocking banner is an alert");
    // The colours drawn are the theme's: light-dark() resolved with each element's scheme,
    // the modal's backdrop and dialog included.
    const seen = {
      meter: await background(page, ".up-meter"),
      backdrop: await background(page, ".up-modal-backdrop"),
      dialog: await background(page, ".up-callout-modal"),
    };
    // (With a class on the callouts only, the meters keep the page's light theme.)
    const want = query.includes("callout=") ? { ...DRAWN[drawn], meter: DRAWN.light.meter } : DRAWN[drawn];
    assert(JSON.stringify(seen) === JSON.stringify(want), `${drawn} theme expected: drawn ${JSON.stringify(seen)}, want ${JSON.stringify(want)}`);
    await page.screenshot({ path: resolve(SHOTS, `30-components-${scheme}-${query.replace(/\W+/g, "-").replace(/^-|-$/g, "") || "plain"}.png`), fullPage: true });
  }]),

  ["a callout's background differs between the light and the dark theme (the checks can fail)", async (ctx) => {
    const drawn = {};
    for (const [theme, query, scheme] of [["light", "", "dark"], ["dark", "?scheme=light-dark", "dark"], ["forced dark", "?theme=dark", "light"]]) {
      const page = await open(ctx, query, scheme);
      drawn[theme] = await background(page, ".up-callout-banner");
      await page.close();
    }
    assert(drawn.light !== drawn.dark && drawn.dark === drawn["forced dark"], `a banner's background: ${JSON.stringify(drawn)}`);
  }],

  ["axe catches a low-contrast colour (the check can fail)", async (ctx) => {
    const page = await open(ctx);
    await page.addStyleTag({ content: ".up-meter { --up-muted: #a0a4ad; }" });
    const found = await violations(page);
    assert(found.some((v) => v.startsWith("color-contrast:") && v.includes("up-meter-numbers")), `expected a contrast violation, got:\n    ${found.join("\n    ")}`);
  }],

  ["right to left mirrors the callouts (logical properties)", async (ctx) => {
    const edge = async (query) => {
      const page = await open(ctx, query);
      const widths = await page.locator(".up-callout-banner").first().evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.borderLeftWidth, s.borderRightWidth];
      });
      await page.close();
      return widths;
    };
    const ltr = await edge("?dir=ltr");
    const rtl = await edge("?dir=rtl");
    assert(ltr[0] === "4px" && rtl[1] === "4px", `the severity edge starts the line: ltr ${ltr}, rtl ${rtl}`);
  }],

  ["the modal: focus moves in, Tab cycles inside, Escape closes with a dismissal, focus returns", async (ctx) => {
    const page = await open(ctx);
    await page.locator("#open-modal").focus();
    await page.keyboard.press("Enter");
    const dialog = page.locator('[role="dialog"]');
    await dialog.waitFor();
    assert((await dialog.getAttribute("aria-modal")) === "true", "aria-modal");
    const inside = () => page.evaluate(() => document.querySelector('[role="dialog"]').contains(document.activeElement));
    await until(inside, "focus moved into the dialog");
    const named = await dialog.evaluate((el) => [el.getAttribute("aria-labelledby"), el.getAttribute("aria-describedby")]
      .map((id) => document.getElementById(id)?.textContent ?? ""));
    assert(named[0].length > 0 && named[1].length > 0, `labelled and described: ${named}`);
    const seen = new Set();
    for (let i = 0; i < 5; i += 1) {
      await page.keyboard.press("Tab");
      assert(await inside(), `Tab ${i + 1} left the dialog`);
      seen.add(await page.evaluate(() => document.activeElement.textContent));
    }
    assert(seen.size === 2, `Tab cycles the dialog's two buttons: ${[...seen]}`);
    await page.keyboard.press("Shift+Tab");
    assert(await inside(), "Shift+Tab stays inside");

    // A keyboard-focused button draws a visible outline.
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), visible: document.activeElement.matches(":focus-visible") };
    });
    assert(outline.visible && outline.style !== "none" && outline.width >= 2, `focus outline: ${JSON.stringify(outline)}`);

    await page.keyboard.press("Escape");
    await until(async () => (await dialog.count()) === 0, "Escape closes the dialog");
    const events = await page.evaluate(() => window.recorded.filter((e) => e.type === "dismiss"));
    assert(events.length === 1 && events[0].callout === "feature_gate:reports", `a dismissal recorded: ${JSON.stringify(events)}`);
    assert(await page.evaluate(() => document.activeElement?.id === "open-modal"), "focus returned to the opener");
  }],
];
