// upgrade-prompts playground: catalog editor | context controls | live preview.
import init, { PromptEngine, validateConfig } from "upgrade-prompts";
import { debounce, fill, h, toast } from "./js/dom.js";
import {
  buildContext, decodeShare, defaultState, encodeShare, fmtDate, reconcileState, stateFromContext,
} from "./js/model.js";
import { renderControls, shiftedNow, syncControls, updateTrial, updateUsage } from "./js/controls.js";
import { renderDiagnostics, rangeFor, selectInEditor, lintMarks, locate } from "./js/editor.js";
import { createJsonEditor } from "./build/editor.js";
import { ctaMessage, renderCallouts, renderMeters, renderWhy } from "./js/preview.js";
import { createAudience } from "./js/audience.js";
import { createResults } from "./js/results.js";
import { createRuleForm } from "./js/rule-form.js";
import { pageLocale, setPageLocale, t } from "./js/i18n.js";
import { applyWords } from "./js/words-page.js";

const SAMPLES = {
  team: "/samples/team.json",
  api: "/samples/api.json",
  features: "/samples/features.json",
  credits: "/samples/credits.json",
};
const $ = (id) => document.getElementById(id);
let configSchema = null; // the package's JSON Schema of a config, for completion (loaded at boot)
const editor = createJsonEditor($("config-editor-host"), {
  schema: () => configSchema,
  values: (path) => idsAt(path, app.config),
  label: t("editor.label"),
  describedBy: "config-status editor-hint",
  testid: "config-editor",
});
const form = $("context-form");
const ruleForm = createRuleForm({ editor, getConfig: () => app.config, validate: (c) => validateConfig(c), getSchema: () => configSchema });

const app = {
  engine: null,
  config: null, // last valid config (parsed)
  canonical: "", // its JSON, to skip rebuilding on no-op edits
  state: null,
  sample: "team", // the sample last loaded
  edited: false, // whether the editor differs from it
  rendered: {}, // signature of what each preview region last showed
  rawContext: null, // an account opened from the Audience tab, evaluated exactly as it is
};

/** The context the preview evaluates: an opened account as it is, else the controls' state. */
function currentContext() {
  return app.rawContext ?? buildContext(app.state, app.config);
}

/** Back to the controls' own context (any edit of a control does this). */
function clearRawContext() {
  if (!app.rawContext) return;
  app.rawContext = null;
  $("context-source").hidden = true;
}

// ---------- catalog ----------

async function loadSample(name) {
  const res = await fetch(SAMPLES[name]);
  if (!res.ok) throw new Error(`could not load sample ${name}: HTTP ${res.status}`);
  editor.setText(await res.text());
  revealRules();
  app.sample = name;
  app.edited = false;
  $("sample-select").value = name;
  app.state = null; // a new catalog starts from its own default context and an empty history
  app.canonical = "";
  applyConfigText({ freshHistory: true });
  clearRawContext();
  // The sample population: deterministic (seed 1, as of today 09:00 UTC), in the worker.
  audience.generate({ count: SAMPLE_POPULATION, seed: 1 });
}

/**
 * Validates the editor text; a valid, changed config replaces the engine (keeping the recorded
 * history unless told otherwise) and the controls.
 */
function applyConfigText({ sharedContext, sharedState, freshHistory = false } = {}) {
  const text = editor.getText();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const report = validateConfig(parsed === undefined ? text : parsed);
  showDiagnostics(report, text, parsed);
  setStatus(report, parsed);
  app.lastCheck = { report, text, parsed };
  ruleForm.render(parsed ?? app.config);
  if (!report.valid) {
    setStale(app.config != null);
    if (!app.config) showEmpty();
    return;
  }
  const canonical = JSON.stringify(parsed);
  if (canonical !== app.canonical || sharedContext) {
    let engine;
    const state = sharedContext ? sharedState : freshHistory ? undefined : exportState();
    try {
      // The playground checks the whole context (`strict`), as `lint --context` does.
      engine = new PromptEngine(parsed, state ? { state, strict: true } : { strict: true });
    } catch (err) {
      showDiagnostics({ errors: err.errors ?? [{ code: err.name, message: err.message, path: [] }] }, text, parsed);
      setStale(app.config != null);
      return;
    }
    const known = new Set(report.warnings.map((w) => `${w.code}|${JSON.stringify(w.path)}`));
    const extra = (engine.warnings ?? []).filter((w) => !known.has(`${w.code}|${JSON.stringify(w.path)}`));
    if (extra.length) {
      showDiagnostics({ errors: [], warnings: [...report.warnings, ...extra] }, text, parsed);
    }
    app.engine?.free?.();
    app.engine = engine;
    app.config = parsed;
    app.canonical = canonical;
    app.state = sharedContext ? stateFromContext(sharedContext, parsed)
      : app.state ? reconcileState(app.state, parsed) : defaultState(parsed);
    renderControls(form, parsed, app.state, { onChange, shiftNow });
    fillPlacements(parsed);
    refresh({ rescale: true });
    audience?.markStale();
  }
  setStale(false);
  saveLink();
}

function showDiagnostics(report, text, parsed) {
  renderDiagnostics($("config-errors"), report, text, parsed, (d) => selectInEditor(editor, rangeFor(editor.getText(), d)));
  editor.setDiagnostics(lintMarks(report, text));
}

/** The placement filter lists the built-in placements and any the catalog configures. */
function fillPlacements(config) {
  const select = $("placement-filter");
  const names = [...new Set(["banner", "inline", "modal", ...Object.keys(config.placements ?? {})])];
  const current = select.value;
  fill(select, h("option", { value: "" }, t("preview.all")), names.map((n) => h("option", { value: n }, n)));
  select.value = names.includes(current) ? current : "";
}

function setStatus(report, parsed) {
  const status = $("config-status");
  status.classList.toggle("is-error", !report.valid);
  if (!report.valid) {
    const n = report.errors.length;
    status.textContent = t("editor.status.problems", { n });
    return;
  }
  const count = (x) => (Array.isArray(x) ? x.length : Object.keys(x ?? {}).length);
  const parts = [t("editor.count.plans", { n: count(parsed.plans) }), t("editor.count.addons", { n: count(parsed.addons) }),
    t("editor.count.metrics", { n: count(parsed.metrics) }), t("editor.count.features", { n: count(parsed.features) })];
  if (parsed.rules) parts.push(t("editor.count.rules", { n: count(parsed.rules) }));
  const w = report.warnings.length;
  if (w) parts.push(t("editor.count.warnings", { n: w }));
  status.textContent = t("editor.status.valid", { parts: parts.join(" · ") });
}

function setStale(stale) {
  $("stale-note").hidden = !stale;
  $("app-frame").classList.toggle("is-stale", stale);
}

function showEmpty() {
  $("why-body").textContent = t("preview.fixCatalog");
}

const validateSoon = debounce(() => applyConfigText(), 250);
editor.onChange(() => {
  app.edited = true;
  $("sample-select").value = "custom";
  validateSoon();
});

/** Opens the editor on the rules (or the first thing after `$schema`), not on `$schema`. */
function revealRules() {
  const text = editor.getText();
  let at = null;
  try {
    at = locate(text, ["rules"]) ?? locate(text, ["plans"]);
  } catch {
    at = null;
  }
  if (at) editor.reveal(at.keyStart ?? at.start);
}

/** Ids the schema cannot know, offered where a config names them (completion values). */
function idsAt(path, config) {
  if (!config) return [];
  const plans = (config.plans ?? []).map((p) => p.id);
  const addons = (config.addons ?? []).map((a) => a.id);
  const features = Object.keys(config.features ?? {});
  const [top, , field] = path;
  if (top === "rules" && field === "placement") return [...new Set(["banner", "inline", "modal", ...Object.keys(config.placements ?? {})])];
  if (top === "rules" && field === "target") return [...plans, ...addons, "rightSize"];
  if ((top === "plans" || top === "addons") && field === "features") return features;
  if (top === "addons" && field === "availableOn") return plans;
  return [];
}

$("sample-select").addEventListener("change", (e) => loadSample(e.target.value));
$("reset-config").addEventListener("click", () => loadSample(Object.hasOwn(SAMPLES, app.sample) ? app.sample : "team"));
$("format-config").addEventListener("click", () => {
  try {
    editor.setText(`${JSON.stringify(JSON.parse(editor.getText()), null, 2)}\n`);
    validateSoon.flush();
  } catch {
    toast(t("editor.notJson"));
  }
});
$("placement-filter").addEventListener("change", () => refresh());
$("reset-context").addEventListener("click", () => {
  clearRawContext();
  app.state = defaultState(app.config);
  syncControls(form, app.state);
  refresh({ rescale: true });
});

// ---------- context → engine → preview ----------

function onChange(key) {
  clearRawContext();
  if (key === "trialFeature" && app.state.trialFeature && !app.state.trialEndsAt) {
    app.state.trialEndsAt = shiftedNow(app.state, 7); // a new trial runs a week from "now"
    syncControls(form, app.state);
  }
  refresh({ rescale: key === "plan" || key.startsWith("addons.") });
}

function shiftNow(days) {
  clearRawContext();
  app.state.now = shiftedNow(app.state, days);
  syncControls(form, app.state);
  refresh({ rescale: false });
}

function refresh({ rescale = false } = {}) {
  const { config, engine, state } = app;
  if (!engine) return;
  // Controls rebuilt for a new locale start from the catalog's default slider ranges: rescale them.
  if (followLocale(currentContext().locale ?? state.locale)) rescale = true;
  const context = currentContext();
  // One refresh reads the context once: every check and the evaluation share a session.
  const session = typeof engine.session === "function" ? engine.session(context) : null;
  const ask = session ?? {
    checkFeature: (id) => engine.checkFeature(id, context),
    checkUsage: (id) => engine.checkUsage(id, context),
    evaluate: (opts) => engine.evaluate(context, opts),
  };
  const featureChecks = {};
  for (const id of Object.keys(config.features ?? {})) featureChecks[id] = ask.checkFeature(id);
  const usageChecks = {};
  for (const id of Object.keys(config.metrics ?? {})) usageChecks[id] = ask.checkUsage(id);

  const placement = $("placement-filter").value || undefined;
  let evaluation;
  let mode;
  if (typeof engine.evaluate === "function") {
    mode = "evaluate";
    evaluation = ask.evaluate({ trace: true, ...(placement ? { placement } : {}) });
  } else {
    mode = "checks";
    const page = state.pageFeature;
    const pageCheck = page ? featureChecks[page] ?? ask.checkFeature(page) : null;
    const checks = [pageCheck, ...Object.values(usageChecks)].filter(Boolean);
    evaluation = {
      callouts: sortCallouts(checks.map((c) => c.callout).filter((c) => c && (!placement || c.placement === placement))),
      suppressed: [],
      errors: checks.flatMap((c) => c.errors ?? []),
      warnings: checks.flatMap((c) => c.warnings ?? []),
    };
  }
  // Problems reported by the per-feature and per-metric checks too, once each.
  const all = [...Object.values(featureChecks), ...Object.values(usageChecks)];
  evaluation = {
    ...evaluation,
    errors: dedupe([...(evaluation.errors ?? []), ...all.flatMap((c) => c.errors ?? [])]),
    warnings: dedupe([...(evaluation.warnings ?? []), ...all.flatMap((c) => c.warnings ?? [])]),
  };

  session?.free();
  const locale = state.locale;
  const view = { config, callouts: evaluation.callouts ?? [], featureChecks, usageChecks, evaluation, mode, pageFeature: state.pageFeature };
  const canRecord = typeof engine.record === "function";
  const ctx = {
    locale,
    engine,
    context,
    currency: config.currency ?? "USD",
    handlers: { openFeature, onCta, onDismiss, onEvent },
    canDismiss: (c) => c.placement === "modal" || canRecord,
    canRecord,
    history: () => (canRecord ? historyBlock() : null),
  };
  // Regions are rebuilt only when their content changes: no flicker, no lost focus or open
  // <details>, and the live region announces real changes only.
  const base = [app.canonical, locale];
  renderIfChanged("callouts", [base, view.callouts, featureChecks, state.pageFeature, canRecord], () => renderCallouts(view, ctx));
  renderIfChanged("meters", [base, usageChecks], () => renderMeters(view, ctx));
  renderIfChanged("why", [base, evaluation, usageChecks, featureChecks, mode, exportState()], () => renderWhy(view, ctx));
  updateUsage(form, config, usageChecks, locale, rescale);
  updateTrial(form, trialText(featureChecks[state.trialFeature], locale), !!state.trialFeature);
  renderAppBar(config, state);
  $("context-json").textContent = JSON.stringify(context, null, 2);
  saveLink();
}

/**
 * The page speaks the previewed context's locale: on a change its words are filled again and
 * the controls rebuilt (focus stays on the control that had it). True when the locale changed:
 * the rebuilt usage sliders then need the current limits (`updateUsage` with `rescale`).
 */
function followLocale(tag) {
  const before = pageLocale();
  if (setPageLocale(tag) === before) return false;
  applyWords();
  document.documentElement.lang = pageLocale();
  const source = $("context-source-text");
  if (source.dataset.label) source.textContent = t("context.source", { label: source.dataset.label });
  renderBuildInfo();
  const focused = document.activeElement?.id;
  renderControls(form, app.config, app.state, { onChange, shiftNow });
  if (focused) document.getElementById(focused)?.focus();
  fillPlacements(app.config);
  if (app.lastCheck) {
    showDiagnostics(app.lastCheck.report, app.lastCheck.text, app.lastCheck.parsed);
    setStatus(app.lastCheck.report, app.lastCheck.parsed);
    ruleForm.render(app.lastCheck.parsed ?? app.config);
  }
  audience?.relabel();
  results?.relabel();
  app.rendered = {};
  return true;
}

function renderIfChanged(region, inputs, render) {
  const signature = JSON.stringify(inputs);
  if (app.rendered[region] === signature) return;
  app.rendered[region] = signature;
  render();
}

/** Deterministic order, as the engine documents: priority, revenue delta, rule id. */
function sortCallouts(list) {
  return list.sort((a, b) =>
    (b.priority ?? 0) - (a.priority ?? 0) ||
    (b.target?.monthlyDelta ?? -Infinity) - (a.target?.monthlyDelta ?? -Infinity) ||
    String(a.rule).localeCompare(String(b.rule)) ||
    String(a.id).localeCompare(String(b.id)));
}

function dedupe(diags) {
  const seen = new Set();
  return diags.filter((d) => {
    const key = `${d.code}|${JSON.stringify(d.path)}|${d.message}`;
    return !seen.has(key) && seen.add(key);
  });
}

function trialText(check, locale) {
  if (!check?.trialEndsAt) return "";
  const end = fmtDate(check.trialEndsAt, locale);
  if (check.reason === "trial_active") return t("trial.active", { end });
  if (check.reason === "trial_expired") return t("trial.expired", { end });
  return t("trial.included", { end });
}

function renderAppBar(config, state) {
  const plan = config.plans?.find((p) => p.id === state.plan);
  $("app-plan").textContent = t("preview.planBadge", { plan: plan?.label || state.plan });
  $("app-user").textContent = `${t(`role.${state.role}`)} · ${state.locale}`;
}

function openFeature(id) {
  clearRawContext();
  app.state.pageFeature = id;
  syncControls(form, app.state);
  refresh();
}

/** After the preview's `Callout` recorded a click (`result`): say what the host would do; a
 * link opens in a new tab, never in place of the playground. */
function onCta(callout, result, event) {
  const recorded = result?.recorded === true;
  const link = event?.currentTarget?.tagName === "A" ? event.currentTarget.getAttribute("href") : null;
  if (link) {
    event.preventDefault();
    window.open(link, "_blank", "noopener,noreferrer");
  }
  toast(ctaMessage(callout, recorded, link));
  if (recorded) refresh();
}

/** After the preview's `Callout` recorded a dismissal (`result`). */
function onDismiss(callout, result) {
  if (result?.error && result.error.code !== "no_record") toast(t("toast.notRecorded", { message: result.error.message }));
  else if (result?.recorded) toast(t("toast.recorded", { type: "dismiss", title: callout.title }));
  // Closing a feature gate means leaving the gated feature.
  if (callout.kind === "feature_gate" && callout.placement === "modal") app.state.pageFeature = "";
  syncControls(form, app.state);
  refresh();
}

function onEvent(type, callout) {
  record(type, callout);
  refresh();
}

/** Records a host event at the context's `now`, so caps and cooldowns follow the time travel. */
function record(type, callout, { quiet = false } = {}) {
  const at = currentContext().now;
  const result = app.engine.record({ type, callout: callout.id, ...(at ? { at } : {}) });
  if (result?.error && result.error.code !== "no_record") toast(t("toast.notRecorded", { message: result.error.message }));
  else if (!quiet) toast(t("toast.recorded", { type, title: callout.title }));
  return !result?.error;
}

function exportState() {
  return typeof app.engine?.exportState === "function" ? app.engine.exportState() : undefined;
}

/** Summary of the engine's recorded history, with a way to clear it. */
function historyBlock() {
  const entries = Object.entries(exportState()?.callouts ?? {});
  const events = entries.flatMap(([id, e]) => [
    ...(e.impressions ?? []).map(() => `${id}: impression`),
    ...["clickedAt", "dismissedAt", "convertedAt"].filter((k) => e[k] != null).map((k) => `${id}: ${k.replace("At", "")}`),
  ]);
  if (!events.length) return null;
  return h("div", { class: "why-block", "data-testid": "why-history" },
    h("h3", {}, t("why.history", { n: events.length })),
    h("p", { class: "hint" }, t("why.historyHint")),
    h("ul", { class: "suppressed" }, events.map((e) => h("li", {}, h("code", {}, e)))),
    h("button", { type: "button", class: "btn btn-quiet", onclick: clearHistory }, t("why.clearHistory")));
}

function clearHistory() {
  const engine = new PromptEngine(app.config, { strict: true });
  app.engine.free?.();
  app.engine = engine;
  toast(t("toast.historyCleared"));
  refresh();
}

// ---------- share links ----------

const writeLink = debounce(async () => {
  if (!app.state) return;
  const state = exportState();
  const token = await encodeShare({
    v: 1,
    sample: app.sample,
    edited: app.edited || undefined,
    config: editor.getText(),
    context: currentContext(),
    state: Object.keys(state?.callouts ?? {}).length ? state : undefined,
  });
  history.replaceState(null, "", `#s=${token}`);
}, 300);

function showSharedCatalog(link) {
  editor.setText(link.configText);
  app.sample = Object.hasOwn(SAMPLES, link.sample) ? link.sample : "team";
  app.edited = link.edited || !Object.hasOwn(SAMPLES, link.sample);
  $("sample-select").value = app.edited ? "custom" : app.sample;
}

function saveLink() {
  writeLink();
}

async function readShareLink() {
  const token = new URLSearchParams(location.hash.slice(1)).get("s");
  if (!token) return null;
  try {
    const payload = await decodeShare(token);
    if (typeof payload?.config !== "string") throw new Error("no config in link");
    return { configText: payload.config, context: payload.context, state: payload.state, sample: payload.sample, edited: !!payload.edited };
  } catch (err) {
    toast(t("toast.linkUnreadable", { message: err.message }));
    return null;
  }
}

$("copy-link").addEventListener("click", async () => {
  await writeLink.flush();
  const url = location.href;
  try {
    await navigator.clipboard.writeText(url);
    toast(t("toast.linkCopied"));
  } catch {
    toast(t("toast.linkNotCopied"));
  }
});

window.addEventListener("hashchange", async () => {
  const link = await readShareLink();
  if (!link) return;
  showSharedCatalog(link);
  applyConfigText({ sharedContext: link.context ?? {}, sharedState: link.state });
});

// ---------- tabs, the Audience tab and the Results tab ----------

const SAMPLE_POPULATION = 20_000;

const TABS = ["preview", "audience", "results"];
const PANELS = { preview: "main", audience: "audience", results: "results" };

function showTab(name) {
  for (const tab of TABS) {
    const on = tab === name;
    $(PANELS[tab]).hidden = !on;
    $(`tab-${tab}`).setAttribute("aria-selected", String(on));
    $(`tab-${tab}`).tabIndex = on ? 0 : -1;
  }
  document.documentElement.dataset.tab = name;
}
for (const tab of TABS) $(`tab-${tab}`).addEventListener("click", () => showTab(tab));
$("tabs").addEventListener("keydown", (e) => {
  if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
  e.preventDefault();
  const at = TABS.findIndex((t) => $(`tab-${t}`).getAttribute("aria-selected") === "true");
  const next = e.key === "Home" ? TABS[0] : e.key === "End" ? TABS[TABS.length - 1]
    : TABS[(at + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
  showTab(next);
  $(`tab-${next}`).focus();
});
$("context-source-back").addEventListener("click", () => showTab("audience"));

/** An account from the Audience tab: its exact context drives the preview and the why panel. */
function openAccount(context, label) {
  app.state = stateFromContext(context, app.config);
  app.rawContext = context;
  syncControls(form, app.state);
  const text = $("context-source-text");
  text.dataset.label = label;
  text.textContent = t("context.source", { label });
  $("context-source").hidden = false;
  showTab("preview");
  refresh({ rescale: true });
  $("why-panel").scrollIntoView({ block: "nearest" });
  toast(t("toast.openedAccount", { label }));
}

const audience = createAudience({
  getConfig: () => app.config,
  getCurrency: () => app.config?.currency ?? "USD",
  getCanonical: () => app.canonical,
  onAccount: openAccount,
  toast,
});

const results = createResults({
  getConfig: () => app.config,
  getCurrency: () => app.config?.currency ?? "USD",
  toast,
});

// ---------- footer ----------

async function showBuildInfo(ms) {
  let version = "";
  try {
    version = (await (await fetch("/pkg/package.json")).json()).version;
  } catch {
    // the version is decoration only
  }
  const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"));
  const size = wasm?.decodedBodySize ? ` · ${Math.round(wasm.decodedBodySize / 1024)} KB wasm` : "";
  app.buildInfo = { version, size, ms: Math.round(ms) };
  renderBuildInfo();
}

/** The footer's build line (the engine's version, the wasm's size, the load time) in the page's words. */
function renderBuildInfo() {
  const b = app.buildInfo;
  if (b) $("build-info").textContent = `upgrade-prompts ${b.version ? `v${b.version}` : ""}${b.size} · ${t("page.ready", { ms: b.ms })}`;
}

// ---------- boot ----------

async function main() {
  const t0 = performance.now();
  await init();
  const loadMs = performance.now() - t0;
  showBuildInfo(loadMs);
  $("engine-mode").textContent = typeof PromptEngine.prototype.evaluate === "function" ? "evaluate()" : "checks";
  $("engine-mode").dataset.i18nTitle = typeof PromptEngine.prototype.evaluate === "function" ? "engine.modeEvaluate" : "engine.modeChecks";
  $("engine-mode").title = t($("engine-mode").dataset.i18nTitle);

  configSchema = await fetch("/pkg/config.schema.json").then((r) => (r.ok ? r.json() : null)).catch(() => null);
  const shared = await readShareLink();
  if (shared) {
    showSharedCatalog(shared);
    applyConfigText({ sharedContext: shared.context ?? {}, sharedState: shared.state });
  } else {
    await loadSample("team");
  }
  $("boot-status").hidden = true;
  $("tabs").hidden = false;
  showTab("preview");
  revealRules();
  document.documentElement.dataset.ready = "true";
}

await main();
