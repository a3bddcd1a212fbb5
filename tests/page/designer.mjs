// Page tests of the designer's tools (run by tests/page/run.mjs): the rule form (fill, save,
// lint the saved catalog with the package's `lint`; a misspelt path in `when` underlined at the
// engine's span with a completion offered; an existing rule round-trips), the page's words in
// Japanese (the preview column and the why panel too, and the usage sliders across a switch), the layout from 1024 to 1920 px in both locales, and the Audience tab's count.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT, assert, byId, editorText, recordErrors, until } from "./helpers.mjs";

async function open(ctx, viewport) {
  const page = await ctx.browserContext.newPage();
  if (viewport) await page.setViewportSize(viewport);
  recordErrors(page, ctx);
  await page.goto(`${ctx.base}/`);
  await page.waitForSelector("html[data-ready]", { timeout: 15000 });
  await page.locator('[data-testid="meters"] .up-meter').first().waitFor();
  return page;
}

/** Runs the package's `lint` (what `upgrade-prompts lint` runs) on a catalog: its JSON report. */
async function lint(text) {
  const dir = resolve(ROOT, "build");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, "rule-form-saved.json");
  writeFileSync(file, text);
  const { cliLint } = await import(resolve(ROOT, "pkg/audience/node.js"));
  const printed = cliLint({ configs: [{ name: file, state: "ok", bytes: new Uint8Array(Buffer.from(text)) }], format: "json" });
  return { code: printed.code, report: JSON.parse(printed.stdout) };
}

/** Types into the rule form's `when` field as a user does (select all, type). */
async function typeWhen(page, text) {
  await byId(page, "rule-when").locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text, { delay: 5 });
}

export const cases = [];
const test = (name, fn) => cases.push([name, fn]);

test("the rule form adds a rule that lints clean, underlines a misspelt path and offers the fix", async (ctx) => {
  const page = await open(ctx);
  const before = JSON.parse(await editorText(page));
  await byId(page, "rule-add").click();
  await byId(page, "rule-dialog").waitFor();
  await byId(page, "rule-id").fill("reports-upsell");
  await byId(page, "rule-kind").selectOption("upsell");
  await byId(page, "rule-target").selectOption("enterprise");
  await byId(page, "rule-placement").selectOption("inline");
  await byId(page, "rule-priority").fill("40");

  // A misspelt path: the engine's span is underlined and its suggestion offered as a completion.
  await typeWhen(page, "usage.seats.ratoi >= 0.9");
  const underline = byId(page, "rule-when").locator(".cm-lintRange-error");
  await until(async () => (await underline.allTextContents()).join("").includes("ratoi"), "the misspelt path is underlined");
  const marked = (await underline.allTextContents()).join("");
  assert(marked.includes("ratoi") && !marked.includes(">="), `underlined text is the path: ${marked}`);
  assert(/ratoi/.test(await byId(page, "rule-when-error").textContent()), "the error is shown at the field");
  await byId(page, "rule-when").evaluate((el) => el.editorView.dispatch({ selection: { anchor: "usage.seats.rat".length } }));
  const options = page.locator(".cm-tooltip-autocomplete li");
  await page.keyboard.press("Control+Space");
  // The engine's suggestion comes first, marked as such.
  await until(async () => /^usage\.seats\.ratio.*did you mean/.test((await options.allTextContents())[0] ?? ""), "usage.seats.ratio offered first");
  await page.waitForTimeout(150); // CodeMirror ignores Enter just after the list changes
  await page.keyboard.press("Enter");
  await until(async () => (await byId(page, "rule-when").locator(".cm-content").textContent()) === "usage.seats.ratio >= 0.9", "suggestion applied");
  await until(async () => (await underline.count()) === 0, "no underline once fixed");

  // Completion of paths and functions with the catalog's ids while typing.
  await page.keyboard.press("End");
  await page.keyboard.type(" && hasFea", { delay: 5 });
  await until(async () => (await options.allTextContents()).some((o) => o.startsWith("hasFeature")), "hasFeature offered");
  await page.waitForTimeout(150);
  await page.keyboard.press("Enter");
  await until(async () => (await options.allTextContents()).some((o) => o.includes("sso")), "feature ids offered");
  await page.keyboard.type("sso", { delay: 5 });
  await page.keyboard.press("Escape");
  await page.keyboard.press("End");
  assert((await byId(page, "rule-when").locator(".cm-content").textContent()) === "usage.seats.ratio >= 0.9 && hasFeature('sso')",
    `when: ${await byId(page, "rule-when").locator(".cm-content").textContent()}`);
  await typeWhen(page, "usage.seats.ratio >= 0.9 && !hasFeature('sso')");

  // Messages per locale, and a new locale.
  await byId(page, "rule-msg-en-title").fill("Single sign-on comes with Enterprise");
  await byId(page, "rule-msg-en-body").fill("{usage.seats.used} of {usage.seats.limit} seats in use.");
  await byId(page, "rule-msg-en-cta").fill("Talk to sales");
  await byId(page, "rule-msg-ja-title").fill("シングルサインオンはEnterpriseで");
  await byId(page, "rule-new-locale").fill("fr");
  await byId(page, "rule-add-locale").click();
  await byId(page, "rule-msg-fr-title").fill("L'authentification unique avec Enterprise");
  assert((await byId(page, "rule-msg-en-title").inputValue()) === "Single sign-on comes with Enterprise", "adding a locale keeps the texts");
  await page.waitForTimeout(300);
  await byId(page, "rule-save").click();
  await until(async () => !(await byId(page, "rule-dialog").isVisible()), "dialog closed on save");

  const saved = await editorText(page);
  const config = JSON.parse(saved);
  const rule = config.rules.find((r) => r.id === "reports-upsell");
  assert(rule && rule.kind === "upsell" && rule.target === "enterprise" && rule.placement === "inline" && rule.priority === 40, `saved rule: ${JSON.stringify(rule)}`);
  assert(rule.when === "usage.seats.ratio >= 0.9 && !hasFeature('sso')", `when: ${rule.when}`);
  assert(rule.message.fr.title.startsWith("L'authentification") && rule.message.ja.title.startsWith("シングル"), "messages per locale");
  assert(config.rules.length === before.rules.length + 1, "one rule added");
  assert(JSON.stringify(config.rules.slice(0, -1)) === JSON.stringify(before.rules), "the other rules are untouched");
  const { code, report } = await lint(saved);
  const errors = (Array.isArray(report) ? report : report.files ?? [report]).flatMap((f) => f.errors ?? []);
  assert(code === 0 && errors.length === 0, `lint: exit ${code}, errors ${JSON.stringify(errors).slice(0, 400)}`);
  await until(async () => /valid/i.test(await byId(page, "config-status").textContent()), "the editor's catalog is valid");
  await until(async () => (await byId(page, "rules-panel").textContent()).includes("reports-upsell"), "the rule list shows the new rule");
});

test("the rule form edits an existing rule and round-trips what it does not show", async (ctx) => {
  const page = await open(ctx);
  const before = JSON.parse(await editorText(page));
  const index = before.rules.findIndex((r) => r.cap || r.experiment);
  assert(index >= 0, "a sample rule with a cap or an experiment");
  await byId(page, "rule-edit").nth(index).click();
  await byId(page, "rule-dialog").waitFor();
  assert((await byId(page, "rule-id").inputValue()) === before.rules[index].id, "the form shows the rule");
  assert((await byId(page, "rule-when").locator(".cm-content").textContent()) === before.rules[index].when, "the form shows when");
  await byId(page, "rule-priority").fill("61");
  await page.waitForTimeout(300);
  await byId(page, "rule-save").click();
  await until(async () => JSON.parse(await editorText(page)).rules[index].priority === 61, "priority saved");
  const after = JSON.parse(await editorText(page));
  assert(JSON.stringify({ ...after.rules[index], priority: before.rules[index].priority }) === JSON.stringify(before.rules[index]),
    `only the priority changed: ${JSON.stringify(after.rules[index]).slice(0, 300)}`);
});

/** English words of the panels this page owns that must not stay in Japanese. */
const ENGLISH = ["Catalog", "Sample", "Context", "Reset", "Account", "Plan", "Health score", "Lifecycle", "Role", "Locale",
  "Usage", "Page and time", "Trial of", "Format", "Reset sample", "Rules", "Add rule", "Placement", "Live preview",
  "Validated as you type", "Copy link", "Audience", "Results", "Catalog & preview", "Owner", "Today", "Limit"];

/** English words of the Audience tab (text, chart titles, legends, table headers, tooltips); compared ignoring case. */
const AUDIENCE_ENGLISH = ["Open account", "(built-in)", "callouts (shown / matched)", "suppressed callouts", "week from today",
  "Matched (held back", "Held:", "Shown", "already at or over", "Used / limit", "Monthly", "Simulation progress", "No account"];

/** English words of the Results tab after a demo log (text, chart labels, captions, tooltips). */
const RESULTS_ENGLISH = ["to beat", "holdout: units shown", "Conversion rate per arm", "Arms of", "units held out", "in several arms",
  "not in the catalog", "unit: ", " units", "rules ", "Demo log", "No arm to compare", "no units", "Analysis progress", " to "];

test("in Japanese the page's own words are Japanese", async (ctx) => {
  const page = await open(ctx);
  await byId(page, "locale-select").selectOption("ja");
  await until(async () => (await page.locator("#editor-title").textContent()) === "カタログ", "the catalog heading in Japanese");
  const visible = await page.evaluate(() => {
    const roots = [".topbar", "#tabs", "#main > section:nth-child(1)", "#main > section:nth-child(2)", "#main .column-preview > .column-head"];
    const texts = [];
    for (const sel of roots) {
      for (const el of document.querySelectorAll(`${sel}, ${sel} *`)) {
        if (el.closest(".cm-editor")) continue; // the catalog's own text
        for (const node of el.childNodes) if (node.nodeType === 3 && node.textContent.trim()) texts.push(node.textContent.trim());
        if (el.tagName === "OPTION" && el.closest("#sample-select")) texts.push(el.textContent.trim());
      }
    }
    return texts;
  });
  const found = ENGLISH.filter((w) => visible.includes(w) || visible.some((t) => t.startsWith(`${w} `) || t === `${w}:`));
  assert(found.length === 0, `English words left in Japanese: ${found.join(", ")}`);
  assert((await page.locator("html").getAttribute("lang")) === "ja", "the document's language follows");
  // The Audience tab's numbers and status.
  await byId(page, "tab-audience").click();
  await until(async () => (await byId(page, "audience-status").getAttribute("data-state")) === "done", "the sample population simulated", 60_000);
  await until(async () => /アカウント/.test(await byId(page, "total-accounts").textContent()), "the totals in Japanese");
  const tab = await byId(page, "audience").evaluate((el) => el.innerText);
  const titles = await byId(page, "audience").evaluate((el) => [...el.querySelectorAll("[aria-label], [title]")]
    .map((e) => `${e.getAttribute("aria-label") ?? ""} ${e.getAttribute("title") ?? ""}`).join("\n"));
  const left = [...["Generate and simulate", "Accounts", "See a callout", "Ready for a pitch", "accounts simulated", "Reach per rule"].filter((w) => tab.includes(w)),
    ...AUDIENCE_ENGLISH.filter((w) => tab.toLowerCase().includes(w.toLowerCase()) || titles.includes(w))];
  assert(left.length === 0, `English words left in the Audience tab: ${left.join(", ")}`);
  // The Results tab's numbers after a demo log.
  await byId(page, "tab-results").click();
  await byId(page, "results-count").fill("2000");
  await byId(page, "results-generate").click();
  await until(async () => (await byId(page, "results-status").getAttribute("data-state")) === "done", "the demo log analyzed", 60_000);
  const results = await byId(page, "results").evaluate((el) => [el.innerText,
    ...[...el.querySelectorAll("[aria-label], [title], [aria-valuetext]")].map((e) => ["aria-label", "title", "aria-valuetext"].map((a) => e.getAttribute(a) ?? "").join(" "))].join("\n"));
  const english = ["Events", "Conversions", "events of", "Chance to beat", "Click rate", "Generate a demo log", "Lift against the holdout",
    ...RESULTS_ENGLISH].filter((w) => results.includes(w));
  assert(english.length === 0, `English words left in the Results tab: ${english.join(", ")}`);
  // The header's engine chip, the footer and the copy-link toast.
  assert(/エンジン/.test(await byId(page, "engine-mode").getAttribute("title")), "the engine chip's tooltip in Japanese");
  assert(!/ready in/.test(await byId(page, "build-info").textContent()), "the footer in Japanese");
  await byId(page, "tab-preview").click();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]).catch(() => {});
  await byId(page, "copy-link").click();
  await until(async () => /リンク/.test(await page.locator("#toast").textContent()), "the copy-link toast in Japanese");
  // The rule form too.
  await byId(page, "rule-add").click();
  await until(async () => (await page.locator('label[for="rule-kind"]').textContent()) === "種類", "the form's words in Japanese");
  await byId(page, "rule-cancel").click();
  // And back.
  await byId(page, "locale-select").selectOption("en");
  await until(async () => (await page.locator("#editor-title").textContent()) === "Catalog", "back in English");
});

/** English words of the preview column and the why panel (the page's, not the engine's). */
const PREVIEW_ENGLISH = ["Your product", "Locked", "From engine.evaluate()", "designer rules", "Feature gate", "Usage limit",
  "Seat expansion", "Upsell", "Cross-sell", "Right-size", "priority", "Ways to unlock", "cheapest", "Simulate host event",
  "Contact sales", "/ month", " once", "Projected", "About ", "Suppressed", "Rule trace", "Recorded events", "Clear history",
  "Target:", " is ", "runs out", "No callouts", "placement:", "Usage", "the account", "is reached", "cooldown", "pushes the same",
  "missing value", "not matched", "other placement", "Caps, cooldowns", "holdout", "Top-up", "a day"];
/** Whole texts that are English words of the page when they stand alone (chips, tags). */
const PREVIEW_ENGLISH_WORDS = ["plan", "add-on", "info", "warning", "blocking", "shown", "suppressed", "Trial", "base"];

/** The visible texts of the preview column, without the engine's own texts (callouts, reasons,
 * problems), ids and expressions (code, mono chips). */
async function previewTexts(page) {
  return page.evaluate(() => {
    const column = document.querySelector("#main .column-preview");
    for (const d of column.querySelectorAll("details")) d.open = true;
    const engine = '[data-testid^="callout-"], .reasons, .diag-list, code, .chip-static.mono, .trace-steps, .placement-filter option';
    const texts = [];
    const walker = document.createTreeWalker(column, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || el.closest(engine) || el.closest("select")) continue;
      texts.push(node.textContent.trim());
    }
    for (const el of column.querySelectorAll("[title], [aria-label]")) texts.push(el.getAttribute("title") ?? "", el.getAttribute("aria-label") ?? "");
    return texts.filter(Boolean);
  });
}

test("in Japanese the preview column and the why panel are Japanese, and the usage sliders stay where they were", async (ctx) => {
  const page = await open(ctx);
  await byId(page, "now-input").fill("2026-11-24T09:00");
  await byId(page, "created-at").fill("2025-01-15");
  await byId(page, "renewal-at").fill("2027-06-01");
  // Something in every part of the panel: a seat callout with a target, a feature gate with ways
  // to unlock, suppressions, a recorded event, a locked feature button.
  await byId(page, "usage-seats").fill("22");
  await byId(page, "trial-feature").selectOption("");
  await byId(page, "page-feature").selectOption("sso");
  await byId(page, "lock-sso").waitFor();
  await byId(page, "why-panel").locator(".event-row button").first().click();
  await byId(page, "why-history").waitFor();
  const slider = () => byId(page, "usage-api_calls").evaluate((el) => ({
    value: Number(el.value), max: Number(el.max), box: Number(document.getElementById(`${el.id}-value`).value),
  }));
  const en = await slider();
  assert(en.value === en.box && en.value > 0 && en.value < en.max, `English slider: ${JSON.stringify(en)}`);
  const before = await previewTexts(page);
  const seen = PREVIEW_ENGLISH.filter((w) => before.some((t) => t.includes(w)));
  assert(seen.length > 12, `the English preview shows the checked words (saw ${seen.join(", ")})`);

  await byId(page, "locale-select").selectOption("ja");
  await until(async () => (await page.locator("#app-name").textContent()) !== "Your product", "the app header in Japanese");
  await byId(page, "why-history").waitFor();
  const texts = await previewTexts(page);
  const found = [...PREVIEW_ENGLISH.filter((w) => texts.some((t) => t.includes(w))), ...PREVIEW_ENGLISH_WORDS.filter((w) => texts.includes(w))];
  assert(found.length === 0, `English words left in the preview column: ${found.join(", ")}\n    ${texts.filter((t) => found.some((w) => t.includes(w))).join(" | ")}`);
  assert(/プラン$/.test(await byId(page, "app-plan").textContent()), `plan badge: ${await byId(page, "app-plan").textContent()}`);
  // The host events are the engine's event types, shown as code.
  const events = await byId(page, "why-panel").locator(".event-row button").evaluateAll((els) => els.map((b) => b.querySelector("code")?.textContent));
  assert(events.join() === "impression,click,dismiss,convert", `event buttons: ${events}`);

  // The rebuilt controls keep the slider where the number box is (the limit's range, not the widest plan's).
  const ja = await slider();
  assert(ja.value === ja.box, `slider ${ja.value} and number box ${ja.box} agree`);
  assert(ja.max === en.max, `slider range kept across the locale switch: ${en.max} → ${ja.max}`);
  const knob = (s) => s.value / s.max;
  assert(Math.abs(knob(ja) - knob(en)) < 0.01, `knob position kept: ${knob(en)} → ${knob(ja)}`);
  // And back: English again.
  await byId(page, "locale-select").selectOption("en");
  await until(async () => (await page.locator("#app-name").textContent()) === "Your product", "back in English");
  const back = await slider();
  assert(back.value === back.box && back.max === en.max, `slider in English again: ${JSON.stringify(back)}`);
});

test("in Japanese the credit sample's preview (one-off and monthly prices, add-ons, burn rate) is Japanese", async (ctx) => {
  const page = await open(ctx);
  await byId(page, "sample-select").selectOption("credits");
  await until(async () => (await page.locator('[data-testid^="why-"]').count()) > 1 && /once/.test(await byId(page, "why-panel").textContent()),
    "the credit sample's top-up with its packs");
  const before = await previewTexts(page);
  const seen = [...PREVIEW_ENGLISH.filter((w) => before.some((t) => t.includes(w))), ...PREVIEW_ENGLISH_WORDS.filter((w) => before.includes(w))];
  for (const w of [" once", "/ month", "add-on", "About ", "Top-up", "cheapest"]) assert(seen.includes(w), `the English preview shows "${w}" (saw ${seen.join(", ")})`);
  await byId(page, "locale-select").selectOption("ja");
  await until(async () => (await page.locator("#app-name").textContent()) !== "Your product", "the app header in Japanese");
  const texts = await previewTexts(page);
  const found = [...PREVIEW_ENGLISH.filter((w) => texts.some((t) => t.includes(w))), ...PREVIEW_ENGLISH_WORDS.filter((w) => texts.includes(w))];
  assert(found.length === 0, `English words left in the preview column: ${found.join(", ")}\n    ${texts.filter((t) => found.some((w) => t.includes(w))).join(" | ")}`);
});

/** Controls whose content is cut and headers or labels that wrap, in the visible panels. */
async function layoutProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const visible = (el) => el.offsetParent !== null && el.getClientRects().length > 0;
    for (const el of document.querySelectorAll("select, button, input[type=text], input[type=number]")) {
      if (!visible(el) || el.closest(".cm-editor, .callouts, .meters, .why")) continue;
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`cut: ${el.id || el.dataset.testid || el.textContent.trim().slice(0, 30)} (${el.scrollWidth} > ${el.clientWidth})`);
      if (el.tagName === "SELECT") {
        // A select's text is not its scrollWidth: measure the selected option's text against the box.
        const probe = document.createElement("span");
        const style = getComputedStyle(el);
        probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font:${style.font}`;
        probe.textContent = el.selectedOptions[0]?.textContent ?? "";
        document.body.append(probe);
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 18; // the arrow
        if (probe.offsetWidth > room + 1) problems.push(`select cut: ${el.id} "${probe.textContent}" (${probe.offsetWidth} > ${room})`);
        probe.remove();
      }
    }
    for (const el of document.querySelectorAll(".column-head h2, .column-head label, .tab, .topbar h1, .topbar .btn, .rules-head h3, .inline-field label")) {
      if (!visible(el)) continue;
      const line = parseFloat(getComputedStyle(el).lineHeight) || 20;
      const box = el.getBoundingClientRect();
      if (el.scrollWidth > el.clientWidth + 1 || box.height > line * 1.6 + parseFloat(getComputedStyle(el).paddingTop) + parseFloat(getComputedStyle(el).paddingBottom)) {
        problems.push(`wraps: ${el.id || el.textContent.trim().slice(0, 30)} (${Math.round(box.height)} px)`);
      }
    }
    // The catalog editor stays inside its box: nothing under it is covered.
    const editor = document.querySelector("#config-editor-host .cm-editor");
    const below = document.getElementById("editor-hint");
    if (editor && visible(editor) && visible(below) && editor.getBoundingClientRect().bottom > below.getBoundingClientRect().top + 1) {
      problems.push(`the editor covers the text under it (${Math.round(editor.getBoundingClientRect().bottom)} > ${Math.round(below.getBoundingClientRect().top)})`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(`page scrolls sideways (${document.documentElement.scrollWidth})`);
    return problems;
  });
}

test("no control is cut and no header wraps from 1024 to 1920 px, in English and Japanese", async (ctx) => {
  const page = await open(ctx);
  const all = [];
  for (const width of [1024, 1280, 1440, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    for (const locale of ["en", "ja"]) {
      await byId(page, "locale-select").selectOption(locale);
      await page.waitForTimeout(150);
      for (const tab of ["preview", "audience", "results"]) {
        await byId(page, `tab-${tab}`).click();
        for (const p of await layoutProblems(page)) all.push(`${width} ${locale} ${tab}: ${p}`);
      }
      await byId(page, "tab-preview").click();
    }
  }
  assert(all.length === 0, `layout problems:\n    ${all.join("\n    ")}`);
});

test("the Audience tab shows the number of accounts it simulated", async (ctx) => {
  const page = await open(ctx);
  await until(async () => (await byId(page, "audience-status").getAttribute("data-state")) === "done", "the sample population simulated", 60_000);
  const status = await byId(page, "audience-status").textContent();
  const count = await byId(page, "audience-count").inputValue();
  assert(status.includes(Number(count).toLocaleString("en-US")), `status "${status}" and the Accounts field ${count} agree`);
});
