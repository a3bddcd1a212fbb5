// Context controls generated from the catalog. Every input carries data-bind="<state path>", and
// one delegated listener writes its value into the state; syncControls() does the reverse.
import { h, fill, icon } from "./dom.js";
import { t } from "./i18n.js";
import { ROLES, LOCALES, LIFECYCLES, toLocalInput, inputToIso, largestLimit, windowIds, isCredits } from "./model.js";

const label = (def, id) => def?.label || id;

function field(id, text, control, hint) {
  return h("div", { class: "field" },
    h("label", { for: id }, text),
    control,
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null);
}

function select(id, bind, options, testid) {
  return h("select", { id, "data-bind": bind, "data-testid": testid },
    options.map(([value, text]) => h("option", { value }, text)));
}

const input = (id, bind, type, attrs = {}) => h("input", { id, type, "data-bind": bind, ...attrs });

/** A slider with a number box bound to the same state key. */
function rangeField(id, text, bind, { max, step = 1, testid, unit }) {
  const slider = input(id, bind, "range", { min: 0, max, step, "data-testid": testid, "aria-describedby": `${id}-hint` });
  const box = input(`${id}-value`, bind, "number", { min: 0, step: "any", inputmode: "decimal", class: "num", "data-testid": testid && `${testid}-value` });
  return h("div", { class: "field field-range" },
    h("div", { class: "range-head" },
      h("label", { for: id }, text),
      h("label", { for: `${id}-value`, class: "visually-hidden" }, t("context.exact", { label: text })),
      h("span", { class: "range-box" }, box, unit ? h("span", { class: "unit" }, unit) : null)),
    slider,
    h("p", { class: "hint", id: `${id}-hint` }));
}

/** Builds the whole form for a catalog. `handlers.onChange(key)` runs after every edit. */
export function renderControls(form, config, state, handlers) {
  const plans = config.plans ?? [];
  const features = Object.entries(config.features ?? {});
  const metrics = Object.entries(config.metrics ?? {});
  const featureOptions = [["", t("context.none")], ...features.map(([id, def]) => [id, label(def, id)])];

  const addons = (config.addons ?? []).map((a) => {
    const max = a.stackable ? a.maxQuantity ?? 20 : 1;
    const where = a.availableOn?.length
      ? t("context.onPlans", { plans: a.availableOn.map((p) => label(plans.find((x) => x.id === p), p)).join(", ") })
      : t("context.onEvery");
    return h("div", { class: "addon-row" },
      h("label", { for: `addon-${a.id}` }, label(a, a.id),
        h("span", { class: "addon-meta" }, a.stackable ? t("context.stackable", { max, where }) : where)),
      input(`addon-${a.id}`, `addons.${a.id}`, "number", { min: 0, max, step: 1, class: "num qty", "data-testid": `addon-${a.id}` }));
  });

  const usage = metrics.flatMap(([id, def]) => {
    // A windowed metric gets a slider per window; a credit metric's slider is its balance.
    if (windowIds(def).length) {
      return windowIds(def).map((w) =>
        rangeField(`usage-${id}-${w}`, `${label(def, id)} · ${def.windows[w]?.label ?? `${w} window`}`, `usage.${id}.${w}`, {
          max: sliderMax(largestLimit(config, id, w) ?? 100),
          step: 1,
          testid: `usage-${id}-${w}`,
        }));
    }
    return [rangeField(`usage-${id}`, isCredits(def) ? t("context.balance", { label: label(def, id) }) : label(def, id), `usage.${id}`, {
      max: sliderMax(largestLimit(config, id) ?? 100),
      step: 1,
      testid: `usage-${id}`,
      unit: def?.period ? perPeriod(def.period) : isCredits(def) ? t("context.left") : null,
    })];
  });

  const uses = features.map(([id, def]) =>
    h("div", { class: "addon-row" },
      h("label", { for: `uses-${id}` }, label(def, id)),
      input(`uses-${id}`, `uses.${id}`, "number", { min: 0, step: 1, class: "num qty" })));

  fill(form,
    h("fieldset", {},
      h("legend", {}, t("context.account")),
      field("plan-select", t("context.plan"), select("plan-select", "plan", plans.map((p) => [p.id, label(p, p.id)]), "plan-select")),
      addons.length ? h("div", { class: "field" }, h("p", { class: "field-title" }, t("context.addons")), addons) : null,
      h("div", { class: "grid-2" },
        field("created-at", t("context.created"), input("created-at", "createdAt", "date", { "data-testid": "created-at" })),
        field("renewal-at", t("context.renews"), input("renewal-at", "renewalAt", "date", { "data-testid": "renewal-at" }))),
      rangeField("health-score", t("context.health"), "healthScore", { max: 100, testid: "health-score" }),
      h("div", { class: "grid-2" },
        field("lifecycle-select", t("context.lifecycle"), select("lifecycle-select", "lifecycle", LIFECYCLES.map((l) => [l, t(`lifecycle.${l}`)]), "lifecycle-select")),
        field("escalations", t("context.escalations"), input("escalations", "openEscalations", "number", { min: 0, step: 1, class: "num", "data-testid": "escalations" }))),
      field("account-id", t("context.accountId"), input("account-id", "accountId", "text", { spellcheck: "false", "data-testid": "account-id" }),
        t("context.accountIdHint"))),

    h("fieldset", {},
      h("legend", {}, t("context.user")),
      h("div", { class: "grid-2" },
        field("role-select", t("context.role"), select("role-select", "role", ROLES.map((r) => [r, t(`role.${r}`)]), "role-select")),
        field("locale-select", t("context.locale"), select("locale-select", "locale", LOCALES, "locale-select")))),

    metrics.length ? h("fieldset", {}, h("legend", {}, t("context.usage")), usage) : null,

    h("fieldset", {},
      h("legend", {}, t("context.pageTime")),
      field("page-feature", t("context.pageFeature"), select("page-feature", "pageFeature", featureOptions, "page-feature"),
        t("context.pageFeatureHint")),
      field("now-input", t("context.now"), input("now-input", "now", "datetime-local", { step: 60, "data-testid": "now-input" })),
      h("div", { class: "chip-row", role: "group", "aria-label": t("context.moveClock") },
        [[t("context.minusDay"), -1], [t("context.plusDay"), 1], [t("context.plusWeek"), 7], [t("context.plus30"), 30]].map(([text, days]) =>
          h("button", { type: "button", class: "chip", "data-shift": days, onclick: () => handlers.shiftNow(days) }, text)),
        h("button", { type: "button", class: "chip", onclick: () => handlers.shiftNow(null) }, icon("clock", "icon icon-sm"), t("context.today"))),
      field("trial-feature", t("context.trialOf"), select("trial-feature", "trialFeature", featureOptions, "trial-feature")),
      field("trial-ends", t("context.trialEnds"), input("trial-ends", "trialEndsAt", "datetime-local", { step: 60, "data-testid": "trial-ends" })),
      h("p", { class: "hint", id: "trial-status", "data-testid": "trial-status" })),

    h("details", { class: "fieldset-details" },
      h("summary", {}, t("context.signals")),
      h("div", { class: "grid-2" },
        field("pending-invites", t("context.invites"), input("pending-invites", "pendingInvites", "number", { min: 0, step: 1, class: "num" })),
        h("div", { class: "field field-check" },
          input("shared-login", "sharedLogin", "checkbox"),
          h("label", { for: "shared-login" }, t("context.sharedLogin")))),
      uses.length ? h("div", { class: "field" }, h("p", { class: "field-title" }, t("context.uses30d")), uses) : null));

  form.oninput = (event) => {
    const el = event.target;
    const key = el.dataset?.bind;
    if (!key) return;
    setIn(state, key, readValue(el));
    for (const other of form.querySelectorAll(`[data-bind="${CSS.escape(key)}"]`)) if (other !== el) writeValue(other, getIn(state, key));
    handlers.onChange(key);
  };
  form.onchange = form.oninput; // selects and date inputs in some browsers fire only "change"
  syncControls(form, state);
}

/** Sets every bound control from the state (focused number boxes are left alone while typing). */
export function syncControls(form, state) {
  for (const el of form.querySelectorAll("[data-bind]")) {
    if (el === document.activeElement && el.type === "number") continue;
    writeValue(el, getIn(state, el.dataset.bind));
  }
}

/** Rescales the usage sliders to the current limits and writes their hints. */
export function updateUsage(form, config, usageChecks, locale, rescale) {
  const fmt = (n) => new Intl.NumberFormat(locale === "ja" ? "ja-JP" : "en-US").format(n);
  for (const [metric, check] of Object.entries(usageChecks)) {
    for (const w of check.windows ?? []) {
      const hint = document.getElementById(`usage-${metric}-${w.id}-hint`);
      if (hint) {
        hint.textContent = (w.limit == null ? t("context.unlimitedWindow") : t("context.limit", { limit: fmt(w.limit), state: stateWord(w.state) }))
          + (check.binding === w.id ? t("context.binds") : "");
      }
    }
    if (check.credits) {
      const hint = document.getElementById(`usage-${metric}-hint`);
      const c = check.credits;
      if (hint) hint.textContent = t("context.grant", { granted: c.granted == null ? "—" : fmt(c.granted), state: stateWord(c.state) })
        + (c.daysToEmpty != null && c.daysToEmpty > 0 ? t("context.runsOut", { days: c.daysToEmpty }) : "");
      continue;
    }
    const slider = document.getElementById(`usage-${metric}`);
    if (!slider) continue;
    if (rescale) {
      const base = check.limit ?? largestLimit(config, metric) ?? Math.max(100, check.used ?? 0);
      const max = Math.max(sliderMax(base), check.used ?? 0);
      slider.max = max;
      slider.step = max > 2000 ? niceStep(max / 400) : 1;
      writeValue(slider, check.used ?? 0);
    }
    const hint = document.getElementById(`usage-${metric}-hint`);
    hint.textContent = check.limit == null
      ? (check.unlimited ? t("context.unlimitedPlan") : t("context.noLimit"))
      : t("context.limit", { limit: fmt(check.limit), state: stateWord(check.state) });
  }
}

/** A metric's period as a unit (`/ month`) in the page's words; the id for a period it has no word for. */
function perPeriod(period) {
  const key = `context.per.${period}`;
  const word = t(key);
  return word === key ? `/ ${period}` : word;
}

/** A usage state (`at_limit`) in the page's words. */
function stateWord(state) {
  return state ? t(`state.${state}`) : "—";
}

/** Updates the trial line under the trial controls; the end date only applies with a trial. */
export function updateTrial(form, text, hasTrial) {
  const el = document.getElementById("trial-status");
  if (el) el.textContent = text;
  const end = document.getElementById("trial-ends");
  if (end) end.disabled = !hasTrial;
}

export function shiftedNow(state, days) {
  if (days == null) return toLocalInput(Math.floor(Date.now() / 60_000) * 60_000);
  const base = Date.parse(inputToIso(state.now) ?? new Date().toISOString());
  return toLocalInput(base + days * 86_400_000);
}

// 1.5 × the limit, rounded up to 1, 2, 2.5 or 5 × 10^k.
function sliderMax(limit) {
  return niceCeil(Math.max(10, limit * 1.5));
}

function niceCeil(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= x) ?? 10) * p;
}

function niceStep(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 5, 10].find((m) => m * p >= x) ?? 10) * p;
}

function readValue(el) {
  if (el.type === "checkbox") return el.checked;
  if (el.type === "number" || el.type === "range") {
    const n = Number.isFinite(el.valueAsNumber) ? el.valueAsNumber : 0;
    return el.max !== "" && el.type === "number" ? Math.min(n, Number(el.max)) : n;
  }
  return el.value;
}

function writeValue(el, value) {
  if (el.type === "checkbox") el.checked = !!value;
  else el.value = value ?? (el.type === "number" || el.type === "range" ? 0 : "");
}

function getIn(obj, key) {
  return key.split(".").reduce((v, k) => v?.[k], obj);
}

function setIn(obj, key, value) {
  const keys = key.split(".");
  const last = keys.pop();
  let target = obj;
  for (const k of keys) target = target[k] ??= {};
  target[last] = value;
}
