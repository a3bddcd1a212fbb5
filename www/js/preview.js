// Renders the engine's answers the way a host app would: banners, a modal for feature gates,
// inline cards, lock badges on feature buttons and usage meters; plus the "why" panel.
import { h, fill, icon, richText } from "./dom.js";
import { fmtNumber, fmtMoney, fmtDate, fmtPath } from "./model.js";

const KIND_LABELS = {
  feature_gate: "Feature gate", upsell: "Upsell", usage_limit: "Usage limit", seat_expansion: "Seat expansion",
  cross_sell: "Cross-sell", trial: "Trial", downsell: "Right-size",
};
const STATE_LABELS = { ok: "OK", approaching: "Approaching", critical: "Critical", at_limit: "At limit", over: "Over limit", low: "Low", empty: "Empty" };
/** A credit state drawn with the usage state of the same urgency. */
const CREDIT_STYLE = { ok: "ok", low: "approaching", critical: "critical", empty: "over" };
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

/** A CTA URL the page may follow: relative, or http(s). */
export function safeUrl(url) {
  if (typeof url !== "string" || !url || /[\s\\]/.test(url) || url.startsWith("//")) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  if (!scheme) return url;
  return /^https?$/i.test(scheme[1]) && /^https?:\/\/[^/]/i.test(url) ? url : null;
}

/** A target's price: paid once for a credit pack, else the change of the monthly bill. */
function offerPrice(o, currency, locale) {
  if (o.once != null && !o.monthlyDelta) return `${fmtMoney(o.once, currency, locale)} once`;
  return price(o.contactSales ? null : o.monthlyDelta, currency, locale);
}

function price(delta, currency, locale) {
  if (delta == null) return "Contact sales";
  const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
  return `${sign}${fmtMoney(Math.abs(delta), currency, locale)} / month`;
}

/** Keeps keyboard focus on the "same" control when a region is rebuilt. */
function keepFocus(region, render) {
  const key = region.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  render();
  if (key) region.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus();
}

function calloutElement(c, variant, ctx) {
  const title = h("p", { class: "callout-title", id: `title-${c.id}` }, c.title);
  const url = safeUrl(c.cta?.url);
  const ctaProps = {
    class: `btn ${c.severity === "info" ? "btn-secondary" : "btn-primary"} cta`,
    "data-testid": `cta-${c.id}`,
    "data-action": c.cta?.action,
    "data-focus-key": `cta:${c.id}`,
    onclick: () => ctx.handlers.onCta(c, url),
  };
  const cta = url
    ? h("a", { ...ctaProps, href: url, target: "_blank", rel: "noopener noreferrer" }, c.cta?.label)
    : h("button", { ...ctaProps, type: "button" }, c.cta?.label);
  const dismiss = ctx.canDismiss(c)
    ? h("button", {
        type: "button", class: variant === "modal" ? "btn btn-quiet" : "icon-btn",
        "aria-label": `Dismiss “${c.title}”`, "data-focus-key": `dismiss:${c.id}`,
        onclick: () => ctx.handlers.onDismiss(c),
      }, variant === "modal" ? "Not now" : icon("close"))
    : null;
  const meta = c.target
    ? h("p", { class: "callout-meta" }, c.target.label, c.target.quantity > 1 ? ` × ${c.target.quantity}` : "", " · ", offerPrice(c.target, ctx.currency, ctx.locale))
    : null;
  const el = h("div", {
    class: `callout callout-${variant} sev-${c.severity}`,
    "data-testid": `callout-${c.id}`,
    "data-kind": c.kind,
    "data-rule": c.rule,
    "data-placement": c.placement,
    "data-severity": c.severity,
    ...(variant === "modal" ? { role: "dialog", "aria-labelledby": `title-${c.id}` } : {}),
  },
  h("span", { class: "callout-icon" }, icon(c.kind === "feature_gate" ? "lock" : c.severity)),
  h("div", { class: "callout-text" },
    variant === "modal" ? h("p", { class: "eyebrow" }, KIND_LABELS[c.kind] ?? c.kind) : null,
    title,
    h("p", { class: "callout-body" }, c.body),
    meta),
  h("div", { class: "callout-actions" }, variant === "modal" ? dismiss : null, cta, variant === "modal" ? null : dismiss));
  return el;
}

/** Banners, feature buttons, inline/other cards and the modal. */
export function renderCallouts(view, ctx) {
  const { callouts, featureChecks, pageFeature, config } = view;
  const by = (placement) => callouts.filter((c) => c.placement === placement);
  const known = new Set(["banner", "inline", "modal"]);
  const root = document.getElementById("callouts");
  keepFocus(root, () => {
    fill(document.getElementById("slot-banner"), by("banner").map((c) => calloutElement(c, "banner", ctx)));
    fill(document.getElementById("slot-inline"), by("inline").map((c) => calloutElement(c, "inline", ctx)));
    fill(document.getElementById("slot-other"), callouts.filter((c) => !known.has(c.placement)).map((c) =>
      h("div", { class: "placement-group" }, h("p", { class: "placement-name" }, `placement: ${c.placement}`), calloutElement(c, "inline", ctx))));
    const modals = by("modal");
    const modalSlot = document.getElementById("slot-modal");
    modalSlot.classList.toggle("is-open", modals.length > 0);
    fill(modalSlot, modals.length ? h("div", { class: "modal-backdrop" }, modals.map((c) => calloutElement(c, "modal", ctx))) : null);

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
    fill(document.getElementById("feature-bar"), buttons.length ? buttons : h("p", { class: "muted" }, "This catalog defines no features."));
  });
}

/** One meter per metric, coloured by state, with limit, remaining and forecast. */
export function renderMeters(view, ctx) {
  const { usageChecks, config } = view;
  const items = Object.entries(usageChecks).map(([id, u]) => {
    const def = config.metrics?.[id] ?? {};
    if (u.credits) return creditMeter(id, def, u, ctx);
    const state = u.state ?? "unknown";
    const pct = u.limit ? Math.min(100, (100 * (u.used ?? 0)) / u.limit) : u.unlimited ? 0 : 0;
    const fill = h("div", { class: "meter-fill" });
    fill.style.width = `${pct}%`;
    const bar = h("div", {
      class: `meter-bar${u.unlimited ? " is-unlimited" : ""}`, role: "meter",
      "aria-label": `${def.label || id} used`, "aria-valuemin": 0,
      "aria-valuemax": u.limit ?? u.used ?? 0, "aria-valuenow": u.used ?? 0,
      "aria-valuetext": u.limit != null ? `${fmtNumber(u.used, ctx.locale)} of ${fmtNumber(u.limit, ctx.locale)}` : `${fmtNumber(u.used, ctx.locale)}, unlimited`,
    }, fill);
    for (const t of [config.thresholds?.approaching ?? 0.8, config.thresholds?.critical ?? 0.95]) {
      const tick = h("span", { class: "meter-tick" });
      tick.style.left = `${t * 100}%`;
      if (u.limit) bar.append(tick);
    }
    const numbers = u.limit != null
      ? [h("strong", {}, fmtNumber(u.used, ctx.locale)), ` of ${fmtNumber(u.limit, ctx.locale)}`,
         u.remaining != null ? ` · ${fmtNumber(Math.max(0, u.remaining), ctx.locale)} left` : null,
         u.ratio != null ? ` · ${Math.round(u.ratio * 100)}%` : null]
      : [h("strong", {}, fmtNumber(u.used, ctx.locale)), u.unlimited ? " · unlimited" : " · no limit"];
    return h("div", { class: `meter state-${state}`, "data-testid": `meter-${id}`, "data-state": state },
      h("div", { class: "meter-head" },
        h("span", { class: "meter-label" }, def.label || id),
        h("span", { class: "meter-state" }, STATE_LABELS[state] ?? (u.unlimited ? "Unlimited" : "—"))),
      bar,
      h("p", { class: "meter-numbers" }, numbers),
      windowLine(u, def, ctx),
      forecastLine(u, ctx));
  });
  fill(document.getElementById("meters"),
    h("h3", { class: "meters-title" }, "Usage"),
    items.length ? h("div", { class: "meter-grid" }, items) : h("p", { class: "muted" }, "This catalog defines no metrics."));
}

/** A credit balance: the share of the grant left, its state and the estimated run-out date. */
function creditMeter(id, def, u, ctx) {
  const c = u.credits;
  const state = c.state ?? "unknown";
  const left = c.granted ? Math.max(0, Math.min(100, (100 * (c.balance ?? 0)) / c.granted)) : 0;
  const fill = h("div", { class: "meter-fill" });
  fill.style.width = `${left}%`;
  const bar = h("div", {
    class: "meter-bar", role: "meter", "aria-label": `${def.label || id} left`, "aria-valuemin": 0,
    "aria-valuemax": c.granted ?? c.balance ?? 0, "aria-valuenow": Math.max(0, c.balance ?? 0),
    "aria-valuetext": `${fmtNumber(c.balance, ctx.locale)} left${c.granted != null ? ` of ${fmtNumber(c.granted, ctx.locale)}` : ""}`,
  }, fill);
  const numbers = [h("strong", {}, fmtNumber(c.balance, ctx.locale)),
    c.granted != null ? ` of ${fmtNumber(c.granted, ctx.locale)} left` : " left",
    c.burnPerDay != null ? ` · about ${fmtNumber(Math.round(c.burnPerDay), ctx.locale)} a day` : null];
  let forecast = null;
  if (c.daysToEmpty === 0) forecast = "Used up";
  else if (c.daysToEmpty != null) {
    forecast = `Runs out in about ${c.daysToEmpty} day${c.daysToEmpty === 1 ? "" : "s"} (${fmtDate(`${c.emptyDate}T00:00:00Z`, ctx.locale)}, an estimate)`;
  } else if (c.burnPerDay != null) forecast = "Lasts beyond the forecast horizon";
  return h("div", { class: `meter state-${CREDIT_STYLE[state] ?? "ok"}`, "data-testid": `meter-${id}`, "data-state": state },
    h("div", { class: "meter-head" },
      h("span", { class: "meter-label" }, def.label || id),
      h("span", { class: "meter-state" }, STATE_LABELS[state] ?? "—")),
    bar,
    h("p", { class: "meter-numbers" }, numbers),
    forecast ? h("p", { class: `meter-forecast${c.daysToEmpty != null ? " is-warning" : ""}`, "data-testid": "forecast" },
      icon("clock", "icon icon-sm"), forecast) : null);
}

/** The windows of a windowed metric, the binding one first. */
function windowLine(u, def, ctx) {
  if (!u.windows?.length) return null;
  const parts = u.windows.map((w) =>
    `${w.label}: ${fmtNumber(w.used ?? 0, ctx.locale)}${w.limit != null ? ` of ${fmtNumber(w.limit, ctx.locale)}` : ""}${u.binding === w.id ? " (binds)" : ""}`);
  return h("p", { class: "meter-windows", "data-testid": "meter-windows" }, parts.join(" · "));
}

function forecastLine(u, ctx) {
  if (!u.period) return null;
  const end = fmtDate(u.period.end, ctx.locale);
  const projected = u.projected != null ? `projected ${fmtNumber(Math.round(u.projected), ctx.locale)} by ${end}` : null;
  let lead;
  if (u.daysLeft === 0) lead = "Limit reached";
  else if (u.daysLeft != null) lead = `Runs out in about ${u.daysLeft} day${u.daysLeft === 1 ? "" : "s"} (an estimate)`;
  else if (u.limit != null) lead = "On pace to stay under the limit";
  return h("p", { class: `meter-forecast${u.daysLeft != null ? " is-warning" : ""}`, "data-testid": "forecast" },
    icon("clock", "icon icon-sm"), [lead, projected].filter(Boolean).join(" · "));
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

function metricLine(u, def, ctx) {
  return h("p", { class: "why-metric" },
    h("strong", {}, def?.label || u.metric), ` (${u.metric}) is `,
    h("strong", { class: `state-text state-${u.state}` }, STATE_LABELS[u.state] ?? u.state ?? "unknown"),
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
