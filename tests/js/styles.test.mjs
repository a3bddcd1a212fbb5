// The components' stylesheet (css/styles.css, shipped as `upgrade-prompts/styles.css`): every
// selector is scoped under `up-` classes, only logical (direction-free) properties, visible
// keyboard focus, and WCAG AA contrast for the text/background pairs the components draw, in
// the light and the dark theme: every colour variable is set once, as `light-dark(light, dark)`.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./helpers.mjs";

const css = readFileSync(path.join(root, "css/styles.css"), "utf8");

/** `{ selectors, body, media }` for every style rule, one level of `@media` unwrapped. */
export function parseRules(text) {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, "");
  const rules = [];
  const walk = (src, media) => {
    let i = 0;
    while (i < src.length) {
      const open = src.indexOf("{", i);
      if (open < 0) break;
      const prelude = src.slice(i, open).trim();
      let depth = 1;
      let j = open + 1;
      while (j < src.length && depth > 0) {
        if (src[j] === "{") depth += 1;
        else if (src[j] === "}") depth -= 1;
        j += 1;
      }
      const body = src.slice(open + 1, j - 1);
      if (prelude.startsWith("@media")) walk(body, prelude);
      else rules.push({ selectors: prelude.split(",").map((s) => s.trim()), body, media });
      i = j;
    }
  };
  walk(source, null);
  return rules;
}

/** `[property, value]` pairs of a rule body. */
export function declarations(body) {
  return body.split(";").map((d) => d.trim()).filter(Boolean).map((d) => {
    const colon = d.indexOf(":");
    return [d.slice(0, colon).trim(), d.slice(colon + 1).trim()];
  });
}

/** Why `selector` reaches outside the components (null: it does not). Each compound selector
 * must name an `up-` class, and none may be `*`, `:root`, `html`, `body` or an element. */
export function globalSelectorProblem(selector) {
  if (/(^|[\s>+~(,])\*/.test(selector)) return "a universal selector";
  if (/:root\b/.test(selector)) return ":root";
  for (const compound of selector.split(/\s*[>+~]\s*|\s+/).filter(Boolean)) {
    if (/^[a-z]/i.test(compound)) return `an element selector (${compound})`;
    if (!/\.up-[\w-]+/.test(compound)) return `a compound without an up- class (${compound})`;
  }
  return null;
}

const PHYSICAL = /(^|-)(left|right)(-|$)/;

test("every selector is scoped under up- classes", () => {
  const rules = parseRules(css);
  assert.ok(rules.length > 20, `${rules.length} rules read`);
  for (const rule of rules) {
    for (const selector of rule.selectors) {
      assert.equal(globalSelectorProblem(selector), null, `\`${selector}\` is global`);
    }
  }
  // The check itself catches what it is for.
  for (const bad of ["*", "body", ":root", "html .up-callout", ".up-callout p", "button:focus-visible", ".up-callout > *", ".box"]) {
    assert.notEqual(globalSelectorProblem(bad), null, bad);
  }
});

test("only logical properties: no left/right (right-to-left pages mirror)", () => {
  for (const rule of parseRules(css)) {
    for (const [property, value] of declarations(rule.body)) {
      assert.ok(!PHYSICAL.test(property), `${rule.selectors[0]}: ${property}`);
      if (/^(text-align|float|clear)$/.test(property)) assert.ok(!/\b(left|right)\b/.test(value), `${rule.selectors[0]}: ${property}: ${value}`);
    }
  }
});

test("keyboard focus draws a visible outline", () => {
  const focus = parseRules(css).filter((r) => r.selectors.some((s) => s.includes(".up-button:focus-visible")));
  assert.equal(focus.length, 1);
  const outline = Object.fromEntries(declarations(focus[0].body)).outline;
  assert.match(outline, /^[2-9]px solid var\(--up-focus\)$/);
});

// ---- contrast ----

/** The `--up-` custom properties the theme rule (first selector `.up-callout`) sets. */
function variables() {
  const rules = parseRules(css).filter((r) => r.selectors[0] === ".up-callout" && r.media === null
    && declarations(r.body).some(([p]) => p.startsWith("--up-")));
  assert.equal(rules.length, 1, "one rule sets the variables");
  return Object.fromEntries(declarations(rules[0].body).filter(([p]) => p.startsWith("--up-")));
}

/** The `light-dark(a, b)` calls in a value: `{ start, end, args }` (nested parentheses kept
 * whole in an argument). */
function lightDarkCalls(value) {
  const calls = [];
  for (let at = value.indexOf("light-dark("); at >= 0; at = value.indexOf("light-dark(", at + 1)) {
    const args = [];
    let depth = 0;
    let from = at + "light-dark(".length;
    let end = value.length;
    for (let i = from; i < value.length; i += 1) {
      const c = value[i];
      if (c === "(") depth += 1;
      else if (c === ")" && depth > 0) depth -= 1;
      else if ((c === "," || c === ")") && depth === 0) {
        args.push(value.slice(from, i).trim());
        from = i + 1;
        if (c === ")") {
          end = i + 1;
          break;
        }
      }
    }
    calls.push({ start: at, end, args });
  }
  return calls;
}

/** The `[light, dark]` arguments of each `light-dark()` in a value. */
export const lightDarkPairs = (value) => lightDarkCalls(value).map((c) => c.args);

/** A value with each `light-dark(a, b)` replaced by `a` (`which` 0) or `b` (1). */
function pick(value, which) {
  let out = value;
  for (const c of lightDarkCalls(value).reverse()) out = out.slice(0, c.start) + c.args[which] + out.slice(c.end);
  return out;
}

/** The variables as one theme resolves them (light: 0, dark: 1). */
const resolved = (vars, which) => Object.fromEntries(Object.entries(vars).map(([n, v]) => [n, pick(v, which)]));

const vars = variables();
const light = resolved(vars, 0);
const dark = resolved(vars, 1);

function luminance(hex) {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  assert.ok(m, `a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #rrggbb colours. */
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Text colour → the backgrounds it is drawn on (see the rules below the themes). */
const TEXT_PAIRS = [
  ["--up-text", ["--up-surface", "--up-info-bg", "--up-warning-bg", "--up-blocking-bg", "--up-track"]],
  ["--up-muted", ["--up-surface", "--up-info-bg", "--up-warning-bg", "--up-blocking-bg"]],
  ["--up-on-accent", ["--up-accent"]],
  ["--up-accent", ["--up-surface"]],
  ["--up-ok-text", ["--up-ok-soft"]],
  ["--up-warning-text", ["--up-warning-soft", "--up-surface"]],
  ["--up-critical-text", ["--up-critical-soft", "--up-surface"]],
];
/** Bars and focus rings against what surrounds them: 3:1 (WCAG 1.4.11). */
const GRAPHIC_PAIRS = [
  ["--up-focus", ["--up-surface", "--up-info-bg", "--up-warning-bg", "--up-blocking-bg"]],
  ["--up-ok-fill", ["--up-track"]],
  ["--up-warning-fill", ["--up-track"]],
  ["--up-critical-fill", ["--up-track"]],
];

/** Whether a value is (or holds) a colour: a hex colour or a colour function. */
const COLOUR = /#[0-9a-f]{3,8}\b|\b(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i;

test("every colour variable has a light and a dark value (one light-dark() per colour)", () => {
  const colours = Object.entries(vars).filter(([, value]) => COLOUR.test(value) || value.includes("light-dark("));
  assert.ok(colours.length >= 25, `${colours.length} colour variables`);
  for (const [name, value] of colours) {
    const pairs = lightDarkPairs(value);
    assert.equal(pairs.length, 1, `${name}: ${value} is one light-dark(light, dark)`);
    const [a, b, extra] = pairs[0];
    assert.ok(a && b && extra === undefined, `${name}: two values in ${value}`);
    assert.ok(COLOUR.test(a) && COLOUR.test(b), `${name}: both are colours (${a}; ${b})`);
    // Nothing outside the light-dark() is a colour either (a shadow keeps its lengths there).
    const [call] = lightDarkCalls(value);
    assert.ok(!COLOUR.test(value.slice(0, call.start) + value.slice(call.end)), `${name}: a colour outside light-dark()`);
  }
  // And the reader itself: a lone colour is not a pair, a nested function stays whole.
  assert.deepEqual(lightDarkPairs("#fff"), []);
  assert.deepEqual(lightDarkPairs("0 1px light-dark(rgb(0 0 0 / 5%), rgb(1 2 3))"), [["rgb(0 0 0 / 5%)", "rgb(1 2 3)"]]);
  assert.equal(pick("0 1px light-dark(rgb(0 0 0 / 5%),#123) inset", 1), "0 1px #123 inset");
});

test("the theme is the page's color-scheme; only the up-theme classes set one", () => {
  const schemes = parseRules(css).flatMap((r) => declarations(r.body).filter(([p]) => p === "color-scheme")
    .map(([, v]) => [r.selectors, v]));
  assert.ok(schemes.length > 0, "the up-theme classes set a color-scheme");
  for (const [selectors, value] of schemes) {
    assert.ok(value === "light" || value === "dark", `color-scheme: ${value}`);
    for (const s of selectors) assert.ok(s.includes(`.up-theme-${value}`), `${s} sets color-scheme: ${value} without .up-theme-${value}`);
  }
  assert.ok(!parseRules(css).some((r) => r.media && /prefers-color-scheme/.test(r.media)), "no @media (prefers-color-scheme)");
});

test("every variable the rules read is set by the theme rule", () => {
  const used = new Set([...css.matchAll(/var\((--up-[\w-]+)\)/g)].map((m) => m[1]));
  for (const name of used) assert.ok(name in vars, `${name} is read but not set`);
});

for (const [name, theme] of [["light", light], ["dark", dark]]) {
  test(`WCAG AA contrast of every text in the ${name} theme`, () => {
    for (const [pairs, minimum] of [[TEXT_PAIRS, 4.5], [GRAPHIC_PAIRS, 3]]) {
      for (const [fg, backgrounds] of pairs) {
        for (const bg of backgrounds) {
          const ratio = contrast(theme[fg], theme[bg]);
          assert.ok(ratio >= minimum, `${fg} ${theme[fg]} on ${bg} ${theme[bg]}: ${ratio.toFixed(2)} < ${minimum}`);
        }
      }
    }
  });
}

test("the contrast check fails a low-contrast colour", () => {
  assert.ok(contrast("#888888", "#ffffff") < 4.5);
  assert.ok(contrast("#000000", "#ffffff") > 20);
});
