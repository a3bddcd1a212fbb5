// Drop-in components of upgrade-prompts/react (re-exported by js/react.js): `Callout` (banner,
// inline and modal layouts), `UsageMeter`, `FeatureGate`, and the pure `meterState` they share
// with hosts. Styled by the package's `styles.css` (every class starts with `up-`).
//
// Rules this file keeps, like js/react.js:
// - Nothing touches `window` or `document` at import time or during render (server rendering
//   works); focus handling runs in effects and event handlers only.
// - Texts (the engine's and the components' own words) are plain text nodes.
// - The components' own words are few, in English and Japanese, picked from the context's
//   `locale`; a `labels` prop overrides any of them.
//
// This module imports the hooks from ./react.js, which re-exports it: the two form a cycle that
// is safe because nothing here reads an imported binding before render.

import { createElement as h, useEffect, useId, useRef, useState } from "react";
import { useFeature, useImpression, useUpgradePrompts, useUsage } from "./react.js";

// ---- words ----

/** The components' own words; `{n}`, `{used}` and `{limit}` are replaced. */
const WORDS = {
  en: {
    dismiss: "Dismiss",
    notNow: "Not now",
    usedOf: "{used} of {limit}",
    left: "{n} left",
    unlimited: "Unlimited",
    runsOut: "Runs out in {n} days",
    runsOutOne: "Runs out in 1 day",
    reached: "Limit reached",
    usedUp: "Used up",
    ok: "OK",
    soon: "Runs out soon",
    approaching: "Approaching",
    critical: "Critical",
    at_limit: "At limit",
    over: "Over limit",
    low: "Low",
    empty: "Empty",
    unknown: "Unknown",
  },
  ja: {
    dismiss: "閉じる",
    notNow: "後で",
    usedOf: "{used} / {limit}",
    left: "残り {n}",
    unlimited: "無制限",
    runsOut: "あと{n}日で不足する見込み",
    runsOutOne: "あと1日で不足する見込み",
    reached: "上限に達しました",
    usedUp: "使い切りました",
    ok: "正常",
    soon: "まもなく不足",
    approaching: "上限間近",
    critical: "上限直前",
    at_limit: "上限",
    over: "上限超過",
    low: "残りわずか",
    empty: "残高なし",
    unknown: "不明",
  },
};

/** The base language of a BCP 47 tag that has words here (`ja-JP` → `ja`), else `en`. */
function languageOf(locale) {
  const base = String(locale ?? "en").toLowerCase().split(/[-_]/)[0];
  return Object.hasOwn(WORDS, base) ? base : "en";
}

/**
 * The components' words for `locale` (`en`, `ja`; others fall back to English) with `labels`
 * laid over them.
 *
 * @param {string | undefined} locale a BCP 47 tag
 * @param {Record<string, string>} [labels] words to use instead
 * @returns {Record<string, string>}
 */
export function calloutWords(locale, labels) {
  const words = WORDS[languageOf(locale)];
  return labels && typeof labels === "object" ? { ...words, ...labels } : words;
}

function fill(text, vars) {
  return String(text).replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** The locale a component uses: its `locale` prop, else the provider's context's. */
function useLocale(given) {
  const { locale } = useUpgradePrompts();
  return given ?? locale;
}

// ---- numbers ----

const formats = new Map();

/**
 * Formats a count with `Intl.NumberFormat` in `locale`, with at most `decimals` fraction digits
 * (default 0: counts are whole numbers). An unknown locale falls back to English.
 *
 * @param {number | null | undefined} value
 * @param {string | undefined} locale
 * @param {number} [decimals]
 * @returns {string}
 */
export function formatCount(value, locale, decimals = 0) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  const digits = Number.isInteger(decimals) && decimals >= 0 && decimals <= 20 ? decimals : 0;
  const key = `${locale ?? ""}|${digits}`;
  let format = formats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    } catch {
      format = new Intl.NumberFormat("en", { maximumFractionDigits: digits });
    }
    if (formats.size < 64) formats.set(key, format);
  }
  // A whole-number display never shows "-0".
  const shown = format.format(value);
  return /^-0([.,]0*)?$/.test(shown) ? shown.slice(1) : shown;
}

// ---- meter state ----

const LEVEL = {
  ok: "ok", soon: "warning", approaching: "warning", low: "warning",
  critical: "critical", at_limit: "critical", over: "critical", empty: "critical",
  unlimited: "ok", unknown: "unknown",
};

/**
 * What a meter shows for a usage answer, so that its state agrees with its forecast: `state`
 * is the engine's usage or credit state, except that an `ok` metric the forecast sees running
 * out (`daysLeft`, or a credit balance's `daysToEmpty`, not null) is `soon`, an unlimited one
 * is `unlimited`, and an unreadable one `unknown`. `level` (`ok`, `warning`, `critical`,
 * `unknown`) picks the colour; `days` is the forecast's days to the limit (null: none);
 * `credits` says the meter shows a balance.
 *
 * @param {import("upgrade-prompts").UsageCheck | null | undefined} usage
 * @returns {{ state: string, level: "ok" | "warning" | "critical" | "unknown", days: number | null, credits: boolean }}
 */
export function meterState(usage) {
  const result = (state, days, credits) => ({ state, level: LEVEL[state], days: days ?? null, credits });
  if (usage === null || typeof usage !== "object") return result("unknown", null, false);
  const credits = usage.credits;
  if (credits !== null && typeof credits === "object") {
    const days = typeof credits.daysToEmpty === "number" ? credits.daysToEmpty : null;
    const state = credits.state ?? null;
    if (days === 0 || state === "empty") return result("empty", days, true);
    if (state === null || !Object.hasOwn(LEVEL, state)) return result("unknown", days, true);
    return result(state === "ok" && days !== null ? "soon" : state, days, true);
  }
  const days = typeof usage.daysLeft === "number" ? usage.daysLeft : null;
  if (usage.unlimited === true || (usage.limit === null && typeof usage.used === "number")) return result("unlimited", null, false);
  const state = usage.state ?? null;
  if (state === null || !Object.hasOwn(LEVEL, state) || state === "unlimited" || state === "soon") return result("unknown", days, false);
  return result(state === "ok" && days !== null ? "soon" : state, days, false);
}

// ---- callouts ----

/** A CTA URL a page may follow: relative, or http(s); null otherwise. */
export function safeUrl(url) {
  if (typeof url !== "string" || url === "" || /[\s\\]/.test(url) || url.startsWith("//")) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (scheme === null) return url;
  return /^https?$/i.test(scheme[1]) && /^https?:\/\/[^/]/i.test(url) ? url : null;
}

const LAYOUTS = new Set(["banner", "inline", "modal"]);
const SEVERITIES = new Set(["info", "warning", "blocking"]);

/** The elements a Tab press may reach inside a dialog, in order. */
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root) {
  return [...root.querySelectorAll(FOCUSABLE)].filter((el) => !el.hidden && el.closest("[inert]") === null);
}

/** A modal's focus handling: focus moves in on open and back on close; Tab cycles inside. */
function useDialogFocus(ref, onEscape) {
  const escape = useRef(onEscape);
  escape.current = onEscape;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const doc = dialog.ownerDocument;
    const before = doc.activeElement;
    const first = focusables(dialog)[0];
    (first ?? dialog).focus();
    return () => {
      // Back to where the user was, unless focus already went elsewhere on purpose.
      const now = doc.activeElement;
      const lost = now === null || now === doc.body || !now.isConnected || dialog.contains(now);
      if (lost && before && typeof before.focus === "function" && before.isConnected) before.focus();
    };
  }, [ref]);
  return (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      escape.current();
      return;
    }
    if (event.key !== "Tab" || ref.current === null) return;
    const items = focusables(ref.current);
    if (items.length === 0) {
      event.preventDefault();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    const active = ref.current.ownerDocument.activeElement;
    // (The dialog itself holds the focus when it has no control, or after a click on its text.)
    const outside = active === ref.current || !ref.current.contains(active);
    if (event.shiftKey && (active === first || outside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || outside)) {
      event.preventDefault();
      first.focus();
    }
  };
}

function ctaElement(callout, onClick) {
  const cta = callout.cta ?? null;
  const url = cta ? safeUrl(cta.url) : null;
  const props = { className: "up-button up-button-primary up-callout-cta", onClick, "data-action": cta?.action };
  return url !== null
    ? h("a", { ...props, href: url }, cta?.label ?? "")
    : h("button", { ...props, type: "button" }, cta?.label ?? "");
}

function calloutBody(callout, ids, meta) {
  return h(
    "div",
    { className: "up-callout-text" },
    h("p", { className: "up-callout-title", id: ids.title }, callout.title),
    h("p", { className: "up-callout-body", id: ids.body }, callout.body),
    meta == null || meta === false ? null : h("div", { className: "up-callout-meta" }, meta),
  );
}

/** The modal layout: a backdrop and a dialog that holds the focus until it closes. */
function ModalCallout({ callout, ids, words, meta, actions, dismissible, impressionRef, rest }) {
  const ref = useRef(null);
  const onKeyDown = useDialogFocus(ref, actions.dismiss);
  const setRef = (el) => {
    ref.current = el;
    impressionRef(el);
  };
  const dismiss = dismissible
    ? h("button", { type: "button", className: "up-button up-button-quiet up-callout-dismiss", onClick: actions.dismiss }, words.notNow)
    : null;
  return h(
    "div",
    { className: "up-modal" },
    // A press on the backdrop keeps the focus in the dialog (it does not go to the page).
    h("div", { className: "up-modal-backdrop", "aria-hidden": "true", onMouseDown: (event) => event.preventDefault() }),
    h(
      "div",
      {
        ...rest,
        ref: setRef,
        className: classes("up-callout up-callout-modal", callout, rest.className),
        role: "dialog",
        "aria-modal": "true",
        "aria-labelledby": ids.title,
        "aria-describedby": ids.body,
        tabIndex: -1,
        onKeyDown,
        "data-callout": callout.id,
        "data-kind": callout.kind,
        "data-severity": callout.severity,
      },
      calloutBody(callout, ids, meta),
      h("div", { className: "up-callout-actions" }, dismiss, ctaElement(callout, actions.click)),
    ),
  );
}

function classes(base, callout, extra) {
  const severity = SEVERITIES.has(callout.severity) ? callout.severity : "info";
  return `${base} up-severity-${severity}${extra ? ` ${extra}` : ""}`;
}

/** Props of a banner's or an inline callout's root: the banner is a labelled region (an
 * alert when it blocks). */
function rootRole(layout, callout, ids) {
  if (layout !== "banner") return { role: "group", "aria-labelledby": ids.title };
  if (callout.severity === "blocking") return { role: "alert", "aria-labelledby": ids.title, "aria-describedby": ids.body };
  return { role: "region", "aria-labelledby": ids.title };
}

/** Records a click or dismissal through the provider and tells the host (`onCta`, `onDismiss`). */
function useCalloutActions(callout, { onCta, onDismiss, setDismissed }) {
  const prompts = useUpgradePrompts();
  return {
    click(event) {
      const result = prompts.click(callout);
      if (typeof onCta === "function") onCta(callout, result, event);
    },
    dismiss() {
      const result = prompts.dismiss(callout);
      setDismissed(callout.id);
      if (typeof onDismiss === "function") onDismiss(callout, result);
    },
  };
}

/**
 * One callout, styled: a banner, an inline card or a modal dialog, by `layout` or else the
 * callout's placement (other placements render inline); colours by severity; title and body as
 * plain text; the CTA is a link when its URL is relative or http(s), else a button, and records
 * a click; the dismiss button (and Escape in a modal) records a dismissal and hides it.
 * Impressions are recorded by `useImpression` unless `impression` is false. Other props go to
 * the callout's element (the dialog, for a modal). Renders nothing for a null callout.
 *
 * @param {object} props
 * @param {import("upgrade-prompts").Callout | null | undefined} props.callout
 * @param {"banner" | "inline" | "modal"} [props.layout] overrides the placement
 * @param {Record<string, string>} [props.labels] the component's words to use instead
 * @param {string} [props.locale] overrides the context's locale for the component's words
 * @param {import("react").ReactNode} [props.meta] extra content under the body (e.g. a price)
 * @param {boolean} [props.dismissible] default true
 * @param {boolean} [props.impression] record an impression when seen, default true
 * @param {Function} [props.onCta] called with `(callout, recordResult, event)` after the click is recorded
 * @param {Function} [props.onDismiss] called with `(callout, recordResult)` after the dismissal is recorded
 * @returns {import("react").ReactElement | null}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function Callout(props) {
  const { callout, layout, labels, locale, meta, dismissible = true, impression = true, onCta, onDismiss, ...rest } = props;
  const words = calloutWords(useLocale(locale), labels);
  const [dismissed, setDismissed] = useState(null);
  const id = useId();
  const shown = callout != null && dismissed !== callout.id ? callout : null;
  const impressionRef = useImpression(impression ? shown : null);
  const actions = useCalloutActions(callout, { onCta, onDismiss, setDismissed });
  if (shown === null) return null;
  const ids = { title: `${id}-title`, body: `${id}-body` };
  const chosen = LAYOUTS.has(layout) ? layout : LAYOUTS.has(shown.placement) ? shown.placement : "inline";
  if (chosen === "modal") {
    return h(ModalCallout, { callout: shown, ids, words, meta, actions, dismissible, impressionRef, rest });
  }
  const dismiss = dismissible
    ? h("button", { type: "button", className: "up-button up-button-icon up-callout-dismiss", "aria-label": words.dismiss, onClick: actions.dismiss }, "×")
    : null;
  return h(
    "div",
    {
      ...rest,
      ...rootRole(chosen, shown, ids),
      ref: impressionRef,
      className: classes(`up-callout up-callout-${chosen}`, shown, rest.className),
      "data-callout": shown.id,
      "data-kind": shown.kind,
      "data-severity": shown.severity,
    },
    calloutBody(shown, ids, meta),
    h("div", { className: "up-callout-actions" }, ctaElement(shown, actions.click), dismiss),
  );
}

// ---- usage meter ----

/** The forecast line of a meter, or null. */
function forecastText(view, words) {
  if (view.days === null) return null;
  if (view.days === 0) return view.credits ? words.usedUp : words.reached;
  return view.days === 1 ? words.runsOutOne : fill(words.runsOut, { n: view.days });
}

/** `{ value, max, used, limit, left }` of the bar and numbers, as formatted text and numbers. */
function meterNumbers(usage, view, format) {
  if (view.credits) {
    const c = usage.credits;
    const balance = typeof c.balance === "number" ? c.balance : null;
    const granted = typeof c.granted === "number" && c.granted > 0 ? c.granted : null;
    return { value: balance === null ? null : Math.max(0, balance), max: granted, used: format(balance), limit: granted === null ? null : format(granted), left: null };
  }
  const used = typeof usage.used === "number" ? usage.used : null;
  const limit = typeof usage.limit === "number" ? usage.limit : null;
  const remaining = typeof usage.remaining === "number" ? Math.max(0, usage.remaining) : null;
  return { value: used, max: limit, used: format(used), limit: limit === null ? null : format(limit), left: remaining === null ? null : format(remaining) };
}

/**
 * A usage meter for `metric` (from `useUsage`): its label, used of limit (or, for a credit
 * metric, the balance of the grant), a `role="meter"` bar (none when unlimited), the state
 * (from `meterState`, so it agrees with the forecast) and the forecast. Numbers are formatted
 * in the context's locale with at most `usage.decimals` fraction digits (default 0).
 *
 * @param {object} props
 * @param {string} props.metric a metric id of the config
 * @param {string} [props.label] the metric's name, default the usage answer's `label`, else the id
 * @param {Record<string, string>} [props.labels] the component's words to use instead
 * @param {string} [props.locale] overrides the context's locale
 * @param {import("react").ReactNode} [props.children] extra content at the end (e.g. a note)
 * @returns {import("react").ReactElement}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function UsageMeter(props) {
  const { metric, label, labels, locale: given, children, ...rest } = props;
  const usage = useUsage(metric);
  const locale = useLocale(given);
  const words = calloutWords(locale, labels);
  const id = useId();
  const view = meterState(usage);
  const format = (n) => formatCount(n, locale, usage?.decimals ?? 0);
  const numbers = meterNumbers(usage, view, format);
  const name = label ?? (typeof usage?.label === "string" ? usage.label : metric);
  const count = numbers.limit !== null ? fill(words.usedOf, { used: numbers.used, limit: numbers.limit }) : numbers.used;
  // A credit balance is what is left: "40,000 of 500,000 left".
  const amount = view.credits ? fill(words.left, { n: count }) : count;
  const bar = numbers.max !== null && numbers.value !== null && view.state !== "unlimited"
    ? h("div", {
        className: "up-meter-bar", role: "meter", "aria-labelledby": `${id}-label`,
        "aria-valuemin": 0, "aria-valuemax": numbers.max, "aria-valuenow": Math.min(numbers.value, numbers.max), "aria-valuetext": amount,
      }, h("div", { className: "up-meter-fill", style: { inlineSize: `${Math.min(100, (100 * numbers.value) / numbers.max)}%` } }))
    : null;
  const extra = view.state === "unlimited" ? words.unlimited : numbers.left !== null ? fill(words.left, { n: numbers.left }) : null;
  const forecast = forecastText(view, words);
  return h(
    "div",
    { ...rest, className: `up-meter up-level-${view.level}${rest.className ? ` ${rest.className}` : ""}`, "data-metric": metric, "data-state": view.state },
    h("div", { className: "up-meter-head" },
      h("span", { className: "up-meter-label", id: `${id}-label` }, name),
      h("span", { className: "up-meter-state" }, words[view.state] ?? words.unknown)),
    bar,
    h("p", { className: "up-meter-numbers" }, amount, extra === null ? null : ` · ${extra}`),
    forecast === null ? null : h("p", { className: "up-meter-forecast" }, forecast),
    children,
  );
}

// ---- feature gate ----

/**
 * Renders `children` when `useFeature(feature).allowed`; otherwise the gate's callout with
 * `Callout` (other props go to it), or `fallback` when the engine gives no callout.
 *
 * @param {object} props
 * @param {string} props.feature a feature id of the config
 * @param {import("react").ReactNode} [props.children]
 * @param {import("react").ReactNode} [props.fallback] shown when locked without a callout
 * @returns {import("react").ReactNode}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function FeatureGate(props) {
  const { feature, children = null, fallback = null, ...calloutProps } = props;
  const check = useFeature(feature);
  if (check.allowed) return children;
  if (check.callout == null) return fallback;
  return h(Callout, { ...calloutProps, callout: check.callout });
}
