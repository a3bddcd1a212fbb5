// The playground's own words (labels, buttons, headings) in the locales it knows, chosen from the
// locale of the context being previewed. The engine's texts come from the catalog; these are the
// page's. Modules add their words with `addWords` at import time; a word missing in a locale falls
// back to English.

/** locale → key → text */
const WORDS = { en: {}, ja: {} };
let current = "en";

/** Adds words: `{ en: { key: "text" }, ja: { key: "テキスト" } }`. */
export function addWords(table) {
  for (const [locale, words] of Object.entries(table)) Object.assign((WORDS[locale] ??= {}), words);
}

/** The locales the page has words for. */
export function pageLocales() {
  return Object.keys(WORDS);
}

/** Picks the page's locale from a BCP 47 tag (`ja-JP` → `ja`); English when it has no words. */
export function setPageLocale(tag) {
  const base = String(tag ?? "en").toLowerCase().split(/[-_]/)[0];
  current = Object.hasOwn(WORDS, base) ? base : "en";
  return current;
}

export function pageLocale() {
  return current;
}

/** The word for `key` in the page's locale, with `{name}` replaced from `vars`. */
export function t(key, vars) {
  const text = WORDS[current]?.[key] ?? WORDS.en[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m)) : text;
}
