// Renders the engine's answers the way a host app would: banners, a modal for feature gates,
// inline cards and usage meters with the package's own React components (www/src/preview-ui.js),
// lock badges on feature buttons; plus the "why" panel.
import { h, fill, icon, richText } from "./dom.js";
import { fmtNumber, fmtMoney, fmtDate, fmtPath } from "./model.js";
import { pageLocale, t } from "./i18n.js";
import "./words-preview.js";
import { calloutWords, h as react, meterState, renderPreviewCallouts, renderPreviewMeters } from "../build/preview-ui.js";

/** A word of the page for a code the engine answers with (`kind.usage_limit`), else the code. */
function wordFor(prefix, code) {
  const key = `${prefix}.${code}`;
  const word = t(key);
  return word === key ? String(code) : word;
}

/**
 * A word of the page with elements in it: `{name}` in the text is replaced by `parts[name]`
 * (a string or an element), so that each locale puts them in its own order.
 */
function words(key, parts) {
  return t(key).split(/\{(\w+)\}/).map((piece, i) => (i % 2 ? parts[piece] ?? `{${piece}}` : piece)).filter((x) => x !== "");
}

/** A target's price: paid once for a credit pack, else the change of the monthly bill (the
 * same words in the callouts and the why panel). */
export function offerPrice(o, currency, locale) {
  if (o.once != null && !o.monthlyDelta) return t("price.once", { price: fmtMoney(o.once, currency, locale) });
  return price(o.contactSales ? null : o.monthlyDelta, currency, locale);
}

function price(delta, currency, locale) {
  if (delta == null) return t("price.contactSales");
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
  return t("price.month", { sign, price: fmtMoney(Math.abs(delta), currency, locale) });
}

/** What the host would do after a CTA click (the playground's toast). */
export function ctaMessage(callout, recorded, link) {
  const words = { recorded: recorded ? t("toast.clickRecorded") : "" };
  if (link) return t("toast.hostWouldOpen", { url: link, ...words });
  const target = callout.target ? t("toast.forTarget", { target: callout.target.label }) : "";
  return t("toast.hostWouldRun", { action: callout.cta.action, target, ...words });
}

/** Keeps keyboard focus on the "same" control when a region is rebuilt. */
function keepFocus(region, render) {
  const key = region.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  render();
  if (key) region.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

/** The target and its price under a callout's body, as in the why panel. */
function calloutMeta(c, ctx) {
  if (!c.target) return null;
  return [c.target.label, c.target.quantity > 1 ? ` × ${c.target.quantity}` : "", " · ", offerPrice(c.target, ctx.currency, ctx.locale)].join("");
}

/** Banners, inline/other cards and the modal (the package's `Callout`), then the feature buttons. */
export function renderCallouts(view, ctx) {
  const { callouts, featureChecks, pageFeature, config } = view;
  const by = (placement) => callouts.filter((c) => c.placement === placement);
  const known = new Set(["banner", "inline", "modal"]);
  const root = document.getElementById("callouts");
  keepFocus(root, () => {
    const modals = by("modal");
    const modalSlot = document.getElementById("slot-modal");
    modalSlot.classList.toggle("is-open", modals.length > 0);
    renderPreviewCallouts({ ...view, engine: ctx.engine, context: ctx.context }, [
      { slot: document.getElementById("slot-banner"), callouts: by("banner") },
      { slot: document.getElementById("slot-inline"), callouts: by("inline") },
      { slot: document.getElementById("slot-other"), callouts: callouts.filter((c) => !known.has(c.placement)), layout: "inline",
        group: (c, card) => react("div", { className: "placement-group" },
          react("p", { className: "placement-name" }, t("preview.placementGroup", { placement: c.placement })), card) },
      { slot: modalSlot, callouts: modals },
    ], {
      meta: (c) => calloutMeta(c, ctx),
      dismissible: (c) => ctx.canDismiss(c),
      onCta: (c, result, event) => ctx.handlers.onCta(c, result, event),
      onDismiss: (c, result) => ctx.handlers.onDismiss(c, result),
    });

    const buttons = Object.entries(config.features ?? {}).map(([id, def]) => {
      const check = featureChecks[id];
      const locked = check && !check.allowed;
      const trial = check?.source === "trial";
      const badge = locked
        ? h("span", { class: "badge badge-lock", "data-testid": `lock-${id}` }, icon("lock", "icon icon-sm"), t("preview.locked"))
        : trial ? h("span", { class: "badge badge-trial" }, t("preview.trial")) : null;
      return h("button", {
        type: "button",
        class: `feature-btn${locked ? " is-locked" : ""}${pageFeature === id ? " is-current" : ""}`,
        "aria-pressed": String(pageFeature === id),
        "data-testid": `feature-${id}`,
        "data-focus-key": `feature:${id}`,
        title: t(locked ? "preview.lockedTitle" : "preview.openTitle", { feature: def?.label || id }),
        onclick: () => ctx.handlers.openFeature(pageFeature === id ? "" : id),
      }, def?.label || id, badge);
    });
    fill(document.getElementById("feature-bar"), buttons.length ? buttons : h("p", { class: "muted" }, t("preview.noFeatures")));
  });
}

/** One meter per metric (the package's `UsageMeter`), with a windowed metric's windows and the
 * projection at the period's end under it. */
export function renderMeters(view, ctx) {
  const { usageChecks } = view;
  renderPreviewMeters({ ...view, engine: ctx.engine, context: ctx.context }, document.getElementById("meters"), {
    title: t("preview.usage"),
    empty: t("preview.noMetrics"),
    extra: (id) => meterExtra(usageChecks[id], ctx),
  });
}

/** What the playground shows under a meter beyond the component: windows, projection, burn. */
function meterExtra(u, ctx) {
  if (!u) return null;
  const lines = [];
  if (u.windows?.length) {
    const parts = u.windows.map((w) =>
      `${w.label}: ${fmtNumber(w.used ?? 0, ctx.locale)}${w.limit != null ? ` / ${fmtNumber(w.limit, ctx.locale)}` : ""}${u.binding === w.id ? ` ${t("preview.binds")}` : ""}`);
    lines.push(react("p", { key: "windows", className: "meter-windows", "data-testid": "meter-windows" }, parts.join(" · ")));
  }
  if (u.credits?.burnPerDay != null) {
    lines.push(react("p", { key: "burn", className: "meter-note" }, t("preview.burn", { value: fmtNumber(Math.round(u.credits.burnPerDay), ctx.locale) })));
  } else if (u.period && u.projected != null) {
    lines.push(react("p", { key: "projected", className: "meter-note", "data-testid": "projected" },
      t("preview.projected", { value: fmtNumber(Math.round(u.projected), ctx.locale), date: fmtDate(u.period.end, ctx.locale) })));
  }
  return lines.length ? lines : null;
}

function unlockList(options, ctx) {
  if (!options?.length) return null;
  return h("div", { class: "why-unlock" },
    h("p", { class: "why-sub" }, t("why.unlock")),
    h("ul", { class: "unlock-list" }, options.map((o, i) =>
      h("li", { class: i === 0 ? "is-best" : "" },
        h("span", { class: "unlock-name" }, o.label,
          o.type === "addon" && o.quantity > 1 ? ` × ${o.quantity}` : null,
          h("span", { class: "unlock-type" }, t(o.type === "addon" ? "why.unlockAddon" : "why.unlockPlan"))),
        i === 0 ? bestPrice(offerPrice(o, ctx.currency, ctx.locale))
          : h("span", { class: "unlock-price" }, offerPrice(o, ctx.currency, ctx.locale))))));
}

/** The cheapest option's price and the word for it, in the page's words. */
function bestPrice(text) {
  return h("span", { class: "unlock-price" }, text, h("span", { class: "unlock-best" }, ` · ${t("why.cheapest")}`));
}

function chip(text, cls = "") {
  return h("span", { class: `chip-static ${cls}` }, text);
}

function diagList(items, kind) {
  return h("ul", { class: `diag-list diag-${kind}` }, items.map((d) =>
    h("li", {}, h("code", { class: "diag-path" }, fmtPath(d.path)), " ", h("span", {}, richText(d.message)),
      d.help ? h("span", { class: "diag-help" }, ` — ${d.help}`) : null, " ", chip(d.code))));
}

/** Metrics a callout is about: its own usage check, or the usage paths its rule's trace read. */
function metricsOf(c, check, trace) {
  if (check && "metric" in check) return [check.metric];
  const exprs = (trace ?? []).filter((e) => e.rule === c.rule).flatMap((e) => e.steps.map((s) => s.expr));
  return [...new Set(exprs.flatMap((e) => [...e.matchAll(/usage\.([A-Za-z_]\w*)\./g)].map((m) => m[1])))];
}

/** A metric's state in the why panel, in the words its meter uses (`meterState`: never "OK"
 * beside a forecast that runs out). */
function metricLine(u, def, ctx) {
  const shown = meterState(u).state;
  const amount = u.limit != null
    ? t("why.amount", { used: fmtNumber(u.used, ctx.locale), limit: fmtNumber(u.limit, ctx.locale), percent: Math.round((u.ratio ?? 0) * 100) })
    : t("why.noLimit");
  const runsOut = u.daysLeft > 0 ? t(u.daysLeft === 1 ? "why.runsOutOne" : "why.runsOut", { n: u.daysLeft }) : "";
  return h("p", { class: "why-metric" }, words("why.metric", {
    label: h("strong", {}, def?.label || u.metric),
    metric: u.metric,
    state: h("strong", { class: `state-text state-${u.state}` }, calloutWords(pageLocale())[shown] ?? u.state ?? calloutWords(pageLocale()).unknown),
    amount,
    runsOut,
  }));
}

function traceBlock(trace) {
  return h("details", { class: "why-block trace", "data-testid": "why-trace" },
    h("summary", {}, t("why.trace", { n: trace.length })),
    h("ol", { class: "trace-list" }, trace.map((entry) =>
      h("li", { class: `trace-${entry.status}` },
        h("div", { class: "trace-head" },
          h("code", {}, entry.rule),
          chip(wordFor("trace", entry.status), `status-${entry.status}`),
          entry.reason ? chip(entry.reason, "mono") : null),
        entry.steps?.length ? h("ul", { class: "trace-steps" }, entry.steps.map((s) =>
          h("li", { class: s.result === "true" ? "is-true" : "is-false" },
            h("code", {}, s.expr), h("span", { class: "arrow" }, " → "), h("code", {}, s.actual),
            h("span", { class: "arrow" }, " → "), h("strong", {}, s.result),
            s.missing ? chip(t("why.missing"), "warn") : null))) : null))));
}

/** An experiment's arm as a chip: `key: variant`, or the holdout. */
function armChip(experiment) {
  const arm = experiment.holdout ? t("why.holdout") : experiment.variant ?? t("why.base");
  return chip(`${experiment.key}: ${arm}`);
}

/** One shown callout in the why panel: what it is, why, how to unlock, and host events. */
function whyItem(c, view, ctx) {
  const { featureChecks, usageChecks, evaluation, config } = view;
  const checks = [...Object.values(featureChecks), ...Object.values(usageChecks)];
  const check = checks.find((k) => k.callout?.id === c.id);
  const metrics = metricsOf(c, check, evaluation.trace).filter((m) => usageChecks[m]);
  const unlock = check?.unlock ?? (metrics.length ? usageChecks[metrics[0]].unlock : null);
  return h("article", { class: `why-item sev-${c.severity}`, "data-testid": `why-${c.id}` },
    h("h3", {}, c.title),
    h("div", { class: "chip-row" },
      chip(wordFor("kind", c.kind), `kind-${c.kind}`), chip(c.placement), chip(wordFor("severity", c.severity)),
      chip(t("why.priority", { n: c.priority })), chip(c.rule, "mono"),
      c.experiment ? armChip(c.experiment) : null),
    metrics.map((m) => metricLine(usageChecks[m], config.metrics?.[m], ctx)),
    h("ul", { class: "reasons" }, (c.reasons ?? []).map((r) => h("li", {}, richText(r)))),
    c.target && !check ? h("p", { class: "why-target" }, words("why.target", {
      target: [h("strong", {}, c.target.label), c.target.quantity > 1 ? ` × ${c.target.quantity}` : "", " · ",
        offerPrice(c.target, ctx.currency, ctx.locale)],
    })) : null,
    unlockList(unlock, ctx),
    ctx.canRecord ? h("div", { class: "chip-row event-row" },
      h("span", { class: "why-sub" }, t("why.simulate")),
      ["impression", "click", "dismiss", "convert"].map((type) =>
        h("button", { type: "button", class: "chip", "data-focus-key": `event:${type}:${c.id}`,
          "aria-label": t("why.recordEvent", { type, title: c.title }), onclick: () => ctx.handlers.onEvent(type, c) },
        h("code", {}, type)))) : null);
}

/** The "why" panel: reasons and unlock options per callout, suppressions, trace, context problems. */
export function renderWhy(view, ctx) {
  const { callouts, evaluation, mode } = view;
  const sections = [];
  const code = (text) => h("code", {}, text);

  sections.push(h("p", { class: "why-mode" }, mode === "evaluate"
    ? words("why.fromEvaluate", { call: code("engine.evaluate()") })
    : words("why.fromChecks", { checkFeature: code("engine.checkFeature()"), checkUsage: code("engine.checkUsage()"), evaluate: code("evaluate()") })));

  if (!callouts.length) {
    const suppressed = evaluation.suppressed?.length > 0;
    sections.push(h("p", { class: `why-empty${suppressed ? " is-suppressed" : ""}` }, icon(suppressed ? "info" : "check", "icon icon-sm"),
      t(suppressed ? "why.allSuppressed" : "why.nothing")));
  }
  for (const c of callouts) sections.push(whyItem(c, view, ctx));

  if (evaluation.suppressed?.length) {
    sections.push(h("div", { class: "why-block", "data-testid": "why-suppressed" },
      h("h3", {}, t("why.suppressed", { n: evaluation.suppressed.length })),
      h("ul", { class: "suppressed" }, evaluation.suppressed.map((s) =>
        h("li", {}, h("code", {}, s.callout ?? s.rule), " — ", wordFor("suppress", s.reason), " ", chip(s.reason, "mono"),
          s.experiment ? [" ", armChip(s.experiment)] : null)))));
  }
  if (Array.isArray(evaluation.trace) && evaluation.trace.length) sections.push(traceBlock(evaluation.trace));
  else if (evaluation.trace != null) {
    sections.push(h("details", { class: "why-block trace" }, h("summary", {}, t("why.evaluationTrace")),
      h("pre", { tabindex: 0 }, JSON.stringify(evaluation.trace, null, 2))));
  }
  const history = ctx.history?.();
  if (history) sections.push(history);
  const errors = evaluation.errors ?? [];
  const warnings = evaluation.warnings ?? [];
  if (errors.length || warnings.length) {
    sections.push(h("div", { class: "why-block", "data-testid": "why-problems" },
      h("h3", {}, t("why.problems")),
      errors.length ? diagList(errors, "error") : null,
      warnings.length ? diagList(warnings, "warning") : null));
  }
  const body = document.getElementById("why-body");
  const openTrace = body.querySelector(".trace")?.open;
  keepFocus(body, () => fill(body, sections));
  if (openTrace) body.querySelector(".trace")?.setAttribute("open", "");
}
