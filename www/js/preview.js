// Renders the engine's answers the way a host app would: banners, a modal for feature gates,
// inline cards and usage meters with the package's own React components (www/src/preview-ui.js),
// lock badges on feature buttons; plus the "why" panel.
import { h, fill, icon, richText } from "./dom.js";
import { fmtNumber, fmtMoney, fmtDate, fmtPath } from "./model.js";
import { pageLocale, t } from "./i18n.js";
import "./words-preview.js";
import { calloutWords, h as react, meterState, renderPreviewCallouts, renderPreviewMeters } from "../build/preview-ui.js";

const KIND_LABELS = {
  feature_gate: "Feature gate", upsell: "Upsell", usage_limit: "Usage limit", seat_expansion: "Seat expansion",
  cross_sell: "Cross-sell", trial: "Trial", downsell: "Right-size",
};
const SUPPRESSION = {
  "readiness:health": "health score is below the readiness minimum",
  "readiness:tenure": "the account is too new",
  "readiness:onboarding": "the account is still onboarding",
  "readiness:escalations": "the account has open escalations",
  "readiness:adoption": "the account uses too little of what it already pays for",
  "cap:rule": "this rule's impression cap is reached",
  "cap:global": "the global frequency cap is reached",
  "cooldown:dismissed": "dismissed recently (cooldown)",
  converted: "the account already converted",
  holdout: "the account is in the experiment's holdout group",
  placement_full: "the placement already shows its maximum",
  duplicate_target: "a higher-ranked callout pushes the same target",
  schedule: "outside the rule's active dates",
};

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
          react("p", { className: "placement-name" }, t("preview.placement", { placement: c.placement })), card) },
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
        ? h("span", { class: "badge badge-lock", "data-testid": `lock-${id}` }, icon("lock", "icon icon-sm"), "Locked")
        : trial ? h("span", { class: "badge badge-trial" }, "Trial") : null;
      return h("button", {
        type: "button",
        class: `feature-btn${locked ? " is-locked" : ""}${pageFeature === id ? " is-current" : ""}`,
        "aria-pressed": String(pageFeature === id),
        "data-testid": `feature-${id}`,
        "data-focus-key": `feature:${id}`,
        title: locked ? `${def?.label || id} is not included — click to see the gate` : `Open ${def?.label || id}`,
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
    h("p", { class: "why-sub" }, "Ways to unlock (cheapest first)"),
    h("ul", { class: "unlock-list" }, options.map((o, i) =>
      h("li", { class: i === 0 ? "is-best" : "" },
        h("span", { class: "unlock-name" }, o.label,
          o.type === "addon" && o.quantity > 1 ? ` × ${o.quantity}` : null,
          h("span", { class: "unlock-type" }, o.type === "addon" ? "add-on" : "plan")),
        h("span", { class: "unlock-price" }, offerPrice(o, ctx.currency, ctx.locale))))));
}

function chip(text, cls = "") {
  return h("span", { class: `chip-static ${cls}` }, text);
}

function diagList(items, kind) {
  return h("ul", { class: `diag-list diag-${kind}` }, items.map((d) =>
    h("li", {}, h("code", { class: "diag-path" }, fmtPath(d.path)), " ", h("span", {}, richText(d.message)),
      d.help ? h("span", { class: "diag-help" }, ` — ${d.help}`) : null, " ", chip(d.code))));
}

const TRACE_STATUS = { shown: "shown", suppressed: "suppressed", not_matched: "not matched", other_placement: "other placement" };

/** Metrics a callout is about: its own usage check, or the usage paths its rule's trace read. */
function metricsOf(c, check, trace) {
  if (check && "metric" in check) return [check.metric];
  const exprs = (trace ?? []).filter((t) => t.rule === c.rule).flatMap((t) => t.steps.map((s) => s.expr));
  return [...new Set(exprs.flatMap((e) => [...e.matchAll(/usage\.([A-Za-z_]\w*)\./g)].map((m) => m[1])))];
}

/** A metric's state in the why panel, in the words its meter uses (`meterState`: never "OK"
 * beside a forecast that runs out). */
function metricLine(u, def, ctx) {
  const shown = meterState(u).state;
  return h("p", { class: "why-metric" },
    h("strong", {}, def?.label || u.metric), ` (${u.metric}) is `,
    h("strong", { class: `state-text state-${u.state}` }, calloutWords(pageLocale())[shown] ?? u.state ?? "unknown"),
    u.limit != null ? `: ${fmtNumber(u.used, ctx.locale)} of ${fmtNumber(u.limit, ctx.locale)} (${Math.round((u.ratio ?? 0) * 100)}%)` : ", no limit",
    u.daysLeft > 0 ? `, runs out in ${u.daysLeft} day${u.daysLeft === 1 ? "" : "s"} at the current pace` : "");
}

function traceBlock(trace) {
  return h("details", { class: "why-block trace", "data-testid": "why-trace" },
    h("summary", {}, `Rule trace (${trace.length})`),
    h("ol", { class: "trace-list" }, trace.map((t) =>
      h("li", { class: `trace-${t.status}` },
        h("div", { class: "trace-head" },
          h("code", {}, t.rule),
          chip(TRACE_STATUS[t.status] ?? t.status, `status-${t.status}`),
          t.reason ? chip(t.reason, "mono") : null),
        t.steps?.length ? h("ul", { class: "trace-steps" }, t.steps.map((s) =>
          h("li", { class: s.result === "true" ? "is-true" : "is-false" },
            h("code", {}, s.expr), h("span", { class: "arrow" }, " → "), h("code", {}, s.actual),
            h("span", { class: "arrow" }, " → "), h("strong", {}, s.result),
            s.missing ? chip("missing value", "warn") : null))) : null))));
}

/** The "why" panel: reasons and unlock options per callout, suppressions, trace, context problems. */
export function renderWhy(view, ctx) {
  const { callouts, featureChecks, usageChecks, evaluation, mode, config } = view;
  const checks = [...Object.values(featureChecks), ...Object.values(usageChecks)];
  const sections = [];

  sections.push(h("p", { class: "why-mode" }, mode === "evaluate"
    ? "From engine.evaluate(): designer rules and built-ins, after readiness, caps and placements."
    : "From engine.checkFeature() for the page feature and engine.checkUsage() for every metric (this engine build has no evaluate())."));

  if (!callouts.length) {
    const suppressed = evaluation.suppressed?.length > 0;
    sections.push(h("p", { class: `why-empty${suppressed ? " is-suppressed" : ""}` }, icon(suppressed ? "info" : "check", "icon icon-sm"),
      suppressed
        ? "No callouts shown: every candidate was suppressed (see below)."
        : "No callouts right now: the page's feature is available and every metric is below its thresholds."));
  }
  for (const c of callouts) {
    const check = checks.find((k) => k.callout?.id === c.id);
    const metrics = metricsOf(c, check, evaluation.trace).filter((m) => usageChecks[m]);
    const unlock = check?.unlock ?? (metrics.length ? usageChecks[metrics[0]].unlock : null);
    sections.push(h("article", { class: `why-item sev-${c.severity}`, "data-testid": `why-${c.id}` },
      h("h3", {}, c.title),
      h("div", { class: "chip-row" },
        chip(KIND_LABELS[c.kind] ?? c.kind, `kind-${c.kind}`), chip(c.placement), chip(c.severity),
        chip(`priority ${c.priority}`), chip(c.rule, "mono"),
        c.experiment ? chip(c.experiment.holdout ? `${c.experiment.key}: holdout` : `${c.experiment.key}: ${c.experiment.variant ?? "base"}`) : null),
      metrics.map((m) => metricLine(usageChecks[m], config.metrics?.[m], ctx)),
      h("ul", { class: "reasons" }, (c.reasons ?? []).map((r) => h("li", {}, richText(r)))),
      c.target && !check ? h("p", { class: "why-target" }, "Target: ", h("strong", {}, c.target.label),
        c.target.quantity > 1 ? ` × ${c.target.quantity}` : "", " · ", offerPrice(c.target, ctx.currency, ctx.locale)) : null,
      unlockList(unlock, ctx),
      ctx.canRecord ? h("div", { class: "chip-row event-row" },
        h("span", { class: "why-sub" }, "Simulate host event:"),
        ["impression", "click", "dismiss", "convert"].map((type) =>
          h("button", { type: "button", class: "chip", "data-focus-key": `event:${type}:${c.id}`,
            "aria-label": `Record ${type} of “${c.title}”`, onclick: () => ctx.handlers.onEvent(type, c) }, type))) : null));
  }

  if (evaluation.suppressed?.length) {
    sections.push(h("div", { class: "why-block", "data-testid": "why-suppressed" },
      h("h3", {}, `Suppressed (${evaluation.suppressed.length})`),
      h("ul", { class: "suppressed" }, evaluation.suppressed.map((s) =>
        h("li", {}, h("code", {}, s.callout ?? s.rule), " — ", SUPPRESSION[s.reason] ?? s.reason, " ", chip(s.reason, "mono"),
          s.experiment ? [" ", chip(s.experiment.holdout ? `${s.experiment.key}: holdout` : `${s.experiment.key}: ${s.experiment.variant}`)] : null)))));
  }
  if (Array.isArray(evaluation.trace) && evaluation.trace.length) sections.push(traceBlock(evaluation.trace));
  else if (evaluation.trace != null) {
    sections.push(h("details", { class: "why-block trace" }, h("summary", {}, "Evaluation trace"),
      h("pre", { tabindex: 0 }, JSON.stringify(evaluation.trace, null, 2))));
  }
  const history = ctx.history?.();
  if (history) sections.push(history);
  const errors = evaluation.errors ?? [];
  const warnings = evaluation.warnings ?? [];
  if (errors.length || warnings.length) {
    sections.push(h("div", { class: "why-block", "data-testid": "why-problems" },
      h("h3", {}, "Context problems"),
      errors.length ? diagList(errors, "error") : null,
      warnings.length ? diagList(warnings, "warning") : null));
  }
  const body = document.getElementById("why-body");
  const openTrace = body.querySelector(".trace")?.open;
  keepFocus(body, () => fill(body, sections));
  if (openTrace) body.querySelector(".trace")?.setAttribute("open", "");
}
