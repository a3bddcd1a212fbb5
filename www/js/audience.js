// The Audience tab: a population (a CSV or JSON Lines file, or generated from the catalog) run
// through `simulate` in a Web Worker, shown as totals, reach and suppression charts, the top
// opportunities and the accounts reaching a limit within the horizon. Charts are plain SVG;
// every text goes in as text (textContent / text nodes), never as HTML.
import { h, fill, download, wireFilePicker } from "./dom.js";
import { fmtMoney, fmtNumber } from "./model.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

/** SVG element with attributes; `text` (optional) goes in as textContent. */
function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  if (text != null) el.textContent = String(text);
  return el;
}

const REASON_LABELS = {
  "readiness:health": "Health", "readiness:tenure": "Tenure", "readiness:onboarding": "Onboarding",
  "readiness:escalations": "Escalations", "readiness:adoption": "Adoption", "cap:rule": "Rule cap",
  "cap:global": "Global cap", "cooldown:dismissed": "Dismissed", converted: "Converted", holdout: "Holdout",
  placement_full: "Placement full", duplicate_target: "Duplicate target", schedule: "Schedule", no_target: "No target",
};
const REASON_COLORS = {
  "readiness:health": "#d9534f", "readiness:tenure": "#f0a04b", "readiness:onboarding": "#e7c84b",
  "readiness:escalations": "#b5487a", "readiness:adoption": "#8e6cc9", "cap:rule": "#5b8def", "cap:global": "#3f5fb0",
  "cooldown:dismissed": "#49a3a6", converted: "#2f9e5b", holdout: "#9aa1b5", placement_full: "#6f7891",
  duplicate_target: "#c2c7d6", schedule: "#a3805b", no_target: "#d3b8a0",
};
/** A suppression reason in the page's words (`audience.reason.<key>`), else its key. */
const reasonLabel = (k) => (REASON_LABELS[k] ? t(`audience.reason.${k}`) : k);
const METRIC_COLORS = ["#5b5bd6", "#e5813e", "#2f9e5b", "#b5487a", "#49a3a6", "#a3805b"];

const fmt = (n) => fmtNumber(n, "en");
/** Whole currency units for totals ($848,029), cents where they matter ($12.50). */
function money(n, currency) {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: Number.isInteger(n) || Math.abs(n) >= 1000 ? 0 : 2 }).format(n);
  } catch {
    return fmtMoney(n, currency, "en");
  }
}
const pct = (n, of) => (of ? `${((100 * n) / of).toFixed(1)}%` : "—");
const ruleLabel = (r) => (r.startsWith("builtin:") ? t("audience.builtIn", { rule: r.slice(8) }) : r);
const accountLabel = (a) => a.accountId ?? `#${a.index}`;

export function createAudience({ getConfig, getCurrency, getCanonical, onAccount, toast }) {
  let result = null; // { report, source, label, ms, canonical, problems }
  const runner = createRunner({
    getConfig,
    getCanonical,
    toast,
    hasResult: () => result != null,
    onDone(done) {
      result = done;
      render();
    },
  });

  /** Asks the worker for account `index` of the last run and hands it to the context panel. */
  function openAccount(index, label) {
    runner.context(index, (json) => {
      if (!json) return toast(t("audience.accountGone", { label }));
      let context;
      try {
        context = JSON.parse(json);
      } catch {
        return toast(t("audience.accountUnreadable", { label }));
      }
      onAccount(context, label);
    });
  }

  function render() {
    if (!result) return;
    const { report } = result;
    const currency = getCurrency();
    $("audience-results").hidden = false;
    renderTotals(report, currency);
    renderReach(report);
    renderSuppression(report);
    renderOpportunities(report, currency, openAccount);
    renderForecast(report, openAccount);
    renderProblems(report, result.problems ?? []);
    markStale();
  }

  function markStale() {
    $("audience-stale").hidden = !result || result.canonical === getCanonical();
  }

  /** The opportunities as CSV text (a promise: the writer is loaded on first use). */
  async function opportunitiesCsv() {
    const { csvRow } = await csvWriter();
    const rows = result?.report.opportunities ?? [];
    const cells = (values) => csvRow(values.map((v) => (v == null ? "" : String(v))));
    const header = ["rank", "index", "account_id", "plan", "callout", "rule", "kind", "target_type", "target_id", "target_label", "monthly_delta", "shown", "ready", "guard"];
    const lines = rows.map((o, i) => cells([i + 1, o.index, o.accountId, o.plan, o.callout, o.rule, o.kind, o.target.type, o.target.id,
      o.target.label, o.monthlyDelta, o.shown, o.ready, o.guard]));
    return `${[cells(header), ...lines].join("\r\n")}\r\n`;
  }

  wireControls(runner, () => exportCsv(opportunitiesCsv, toast), () => {
    if (!result) return;
    if (result.source.kind === "generated") runner.start(result.source, result.label.replace(/ \(catalog edited\)$/, ""));
    else toast(t("audience.loadAgain"));
  });

  /** The tab again in the page's current words. */
  function relabel() {
    if (statusText && $("audience-status").dataset.state !== "idle") $("audience-status").textContent = statusText();
    render();
  }

  const { generate, start, cancel } = runner;
  return { generate, start, cancel, markStale, relabel, opportunitiesCsv, get result() { return result; } };
}

/**
 * The simulation runs: one Web Worker (started on first use), at most one run at a time (a new
 * one cancels the one in progress), its progress and status on the page. `onDone(result)` gets
 * each finished run; `hasResult()` says whether an earlier run is still shown.
 */
function createRunner({ getConfig, getCanonical, toast, hasResult, onDone }) {
  let worker = null;
  let runId = 0;
  let running = null; // { id, label, source, canonical }
  const contextWaiters = new Map();

  function ensureWorker() {
    if (worker) return worker;
    worker = new Worker(new URL("./audience-worker.js", import.meta.url), { type: "module" });
    worker.onmessage = ({ data }) => onMessage(data);
    worker.onerror = (e) => {
      e.preventDefault();
      setStatus("error", t("audience.workerFailed", { message: e.message || t("results.unknownError") }));
      running = null;
      worker?.terminate();
      worker = null;
      showProgress(false);
    };
    return worker;
  }

  function onMessage(data) {
    if (data.type === "context") {
      contextWaiters.get(data.id)?.(data.context);
      contextWaiters.delete(data.id);
      return;
    }
    if (!running || data.id !== running.id) return;
    if (data.type === "progress") {
      showRunProgress(data);
    } else if (data.type === "done") {
      const done = { report: data.report, source: running.source, label: running.label, ms: data.ms, canonical: running.canonical, problems: data.problems };
      running = null;
      showProgress(false);
      const secs = (data.ms / 1000).toFixed(data.ms < 10_000 ? 2 : 1);
      setStatus("done", () => t("audience.done", { label: labelText(done), n: fmt(data.report.totals.accounts), secs }));
      $("audience").dataset.ms = String(Math.round(data.ms));
      onDone(done);
    } else if (data.type === "cancelled") {
      running = null;
      showProgress(false);
      const kept = hasResult();
      setStatus("cancelled", () => t(kept ? "audience.cancelledKept" : "audience.cancelled"));
    } else if (data.type === "error") {
      running = null;
      showProgress(false);
      setStatus("error", t("audience.failed", { message: data.message }));
    }
  }

  /** Starts a run (cancelling one in progress). */
  function start(source, label) {
    const config = getConfig();
    if (!config) return;
    if (running) cancel({ quiet: true });
    const id = ++runId;
    const horizon = Number($("audience-horizon").value);
    const options = { top: 20, ...(Number.isInteger(horizon) && horizon >= 1 && horizon <= 3650 ? { horizonDays: horizon } : {}) };
    running = { id, label, source: { ...source, text: undefined }, canonical: getCanonical() };
    ensureWorker().postMessage({ type: "run", id, config, source, options });
    showRunStart({ label, source });
  }

  function cancel({ quiet = false } = {}) {
    if (!running) return;
    worker?.postMessage({ type: "cancel", id: running.id });
    if (quiet) running = null;
  }

  /** Generates and simulates a population of the current catalog. */
  function generate(options = {}) {
    const run = generatedRun(options, toast);
    if (run) start(run.source, run.label);
  }

  async function loadFile(file) {
    if (!file) return;
    const name = file.name || "file";
    const kind = /\.csv$/i.test(name) ? "csv" : /\.(jsonl|ndjson|json)$/i.test(name) ? "jsonl" : null;
    if (!kind) return toast(`${name}: choose a .csv, .jsonl or .ndjson file.`);
    const text = await file.text();
    start({ kind, text, name }, name);
  }

  /** Asks the worker for account `index` of the last run; `then(json)` gets its context. */
  function context(index, then) {
    if (!worker) return;
    const id = ++runId;
    contextWaiters.set(id, then);
    worker.postMessage({ type: "context", id, index });
  }

  return { start, cancel, generate, loadFile, context };
}

/**
 * The generated population the form (or `options`: `count`, `seed`, `asOf`) asks for, as a run
 * source and label; `null` (after a toast) when the count or seed is out of range.
 */
function generatedRun({ count, seed, asOf } = {}, toast) {
  count = count ?? Number($("audience-count").value);
  seed = seed ?? Number($("audience-seed").value);
  asOf = asOf ?? $("audience-asof").value;
  if (!Number.isInteger(count) || count < 1 || count > 5_000_000) {
    toast("The account count must be a whole number from 1 to 5,000,000.");
    return null;
  }
  if (!Number.isInteger(seed) || seed < 0) {
    toast("The seed must be a whole number of 0 or more.");
    return null;
  }
  const now = `${asOf || new Date().toISOString().slice(0, 10)}T09:00:00Z`;
  // The form shows what is simulated (the sample run passes its own count and seed).
  $("audience-count").value = String(count);
  $("audience-seed").value = String(seed);
  $("audience-asof").value = now.slice(0, 10);
  return { source: { kind: "generated", count, seed, now }, label: `Generated population (seed ${seed}, as of ${now.slice(0, 10)})` };
}

/** A run's label in the page's words (a generated population's is rebuilt from its source). */
function labelText(run) {
  const src = run.source;
  if (src?.kind !== "generated" || !/^Generated population/.test(run.label)) return run.label;
  return t("audience.generatedLabel", { seed: src.seed, date: src.now.slice(0, 10) }) + (/\(catalog edited\)$/.test(run.label) ? t("audience.edited") : "");
}

/** The status line: `text` is a string or a function giving it in the page's current words. */
let statusText = null;
function setStatus(state, text) {
  const el = $("audience-status");
  el.dataset.state = state;
  statusText = typeof text === "function" ? text : () => text;
  el.textContent = statusText();
}

function showProgress(on) {
  $("audience-progress").hidden = !on;
  for (const id of ["audience-generate", "audience-file-button"]) $(id).disabled = on;
}

/** The progress bar and status of a run that has just started. */
function showRunStart(run) {
  const bar = $("audience-progress-bar");
  bar.value = 0;
  bar.removeAttribute("max");
  $("audience-progress-text").textContent = t("audience.starting");
  showProgress(true);
  setStatus("running", () => t("audience.running", { label: labelText(run) }));
}

/** The progress bar of a run: `done` of `total` accounts. */
function showRunProgress({ done, total }) {
  const bar = $("audience-progress-bar");
  bar.max = total;
  bar.value = done;
  $("audience-progress-text").textContent = t("audience.progress", { done: fmt(done), total: fmt(total) });
}

/** The tab's buttons, file input and drop zone. */
function wireControls(runner, exportOpportunities, rerun) {
  wireFilePicker("audience", (file) => runner.loadFile(file));
  $("audience-generate").addEventListener("click", () => runner.generate());
  $("audience-cancel").addEventListener("click", () => runner.cancel());
  $("audience-export").addEventListener("click", exportOpportunities);
  $("audience-rerun").addEventListener("click", rerun);
  $("audience-asof").value = new Date().toISOString().slice(0, 10);
}

// ---------- rendering ----------

function stat(label, value, sub, testid) {
  return h("div", { class: "stat", "data-testid": testid },
    h("div", { class: "stat-value" }, value),
    h("div", { class: "stat-label" }, label),
    sub ? h("div", { class: "stat-sub" }, sub) : null);
}

function renderTotals(report, currency) {
  const n = report.totals;
  const w = t;
  const blocked = Object.values(report.readiness.blocked).reduce((a, b) => a + b, 0);
  fill($("audience-totals"),
    stat(w("audience.stat.accounts"), fmt(n.accounts), n.accountsWithErrors ? w("audience.stat.withErrors", { n: fmt(n.accountsWithErrors) }) : w("audience.stat.noErrors"), "total-accounts"),
    stat(w("audience.stat.see"), fmt(n.accountsWithCallouts), w("audience.stat.seeSub", { pct: pct(n.accountsWithCallouts, n.accounts), n: fmt(n.callouts) }), "total-with-callouts"),
    stat(w("audience.stat.ready"), fmt(report.readiness.ready), w("audience.stat.readySub", { n: fmt(blocked) }), "total-ready"),
    stat(w("audience.stat.opportunities"), fmt(n.opportunityAccounts), w("audience.stat.opportunitiesSub", { money: money(n.potentialMonthlyUplift, currency) }), "total-opportunities"),
    stat(w("audience.stat.downsell"), fmt(n.downsellAccounts), w("audience.stat.downsellSub", { money: money(n.potentialMonthlySavings, currency) }), "total-downsells"),
    stat(w("audience.stat.limit", { days: report.horizonDays }), fmt(report.limitForecast.reduce((a, m) => a + m.accounts, 0)),
      w("audience.stat.limitSub", { n: fmt(report.limitForecast.reduce((a, m) => a + m.atOrOver, 0)) }), "total-forecast"));
}

/**
 * A horizontal bar chart frame: a row of 30 px per item, a grid with ticks up to `max`, and an
 * axis title. `draw(item, i, y, at)` returns the row's `<g>`; `at` holds the geometry
 * (`rowH`, `left`, `scale`: pixels per unit). `margin` is the room right of the plot for the
 * value labels.
 */
function rowChart(items, max, { margin, labelledBy, desc, axisTitle }, draw) {
  const rowH = 30;
  const left = 190;
  const width = 560;
  const plot = width - left - margin;
  const top = 8;
  const height = top + items.length * rowH + 40;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-labelledby": labelledBy });
  if (desc) svg.append(desc);
  const ticks = niceTicks(max);
  const scale = plot / ticks[ticks.length - 1];
  for (const v of ticks) {
    const x = left + v * scale;
    svg.append(s("line", { x1: x, x2: x, y1: top, y2: height - 34, class: "grid" }));
    svg.append(s("text", { x, y: height - 20, class: "axis", "text-anchor": "middle" }, fmtShort(v)));
  }
  items.forEach((item, i) => svg.append(draw(item, i, top + i * rowH, { rowH, left, scale })));
  svg.append(s("text", { x: left + plot / 2, y: height - 1, class: "axis-title", "text-anchor": "middle" }, axisTitle));
  return svg;
}

/** Horizontal bars: one row per rule, shown (dark) inside matched (light). */
function renderReach(report) {
  const rules = report.rules;
  const svg = rowChart(rules, Math.max(1, ...rules.map((r) => r.matched)), {
    margin: 70,
    labelledBy: "reach-title reach-desc",
    desc: s("desc", { id: "reach-desc" }, t("audience.reachDesc", { n: fmt(report.totals.accounts) })),
    axisTitle: t("audience.reachAxis"),
  }, (r, _i, y, { rowH, left, scale }) => {
    const g = s("g", { "data-testid": `reach-${r.rule}`, "data-shown": r.shown, "data-matched": r.matched });
    g.append(s("text", { x: left - 8, y: y + rowH / 2 + 4, class: "label", "text-anchor": "end" }, ruleLabel(r.rule)));
    g.append(s("rect", { x: left, y: y + 5, width: Math.max(0, r.matched * scale), height: rowH - 10, class: "bar-matched", rx: 3 },));
    g.append(s("rect", { x: left, y: y + 5, width: Math.max(0, r.shown * scale), height: rowH - 10, class: "bar-shown", rx: 3 }));
    g.append(s("text", { x: left + r.matched * scale + 6, y: y + rowH / 2 + 4, class: "value" }, `${fmt(r.shown)} / ${fmt(r.matched)}`));
    g.append(s("title", {}, t("audience.barTitle", { rule: ruleLabel(r.rule), shown: fmt(r.shown), matched: fmt(r.matched) })));
    return g;
  });
  fill($("audience-reach"), svg, legend([[t("audience.shown"), "var(--accent)"], [t("audience.matchedLegend"), "#c9c8f3"]]));
}

/** Stacked horizontal bars: per rule, its suppressed callouts by reason. */
function renderSuppression(report) {
  const rules = report.rules.filter((r) => Object.keys(r.suppressed).length);
  const target = $("audience-suppression");
  if (!rules.length) {
    fill(target, h("p", { class: "hint" }, t("audience.noSuppressed")));
    return;
  }
  const reasons = Object.keys(REASON_LABELS).filter((k) => rules.some((r) => r.suppressed[k]));
  const totals = rules.map((r) => Object.values(r.suppressed).reduce((a, b) => a + b, 0));
  const svg = rowChart(rules, Math.max(1, ...totals), {
    margin: 60,
    labelledBy: "suppression-title",
    axisTitle: t("audience.suppressedAxis"),
  }, (r, i, y, { rowH, left, scale }) => {
    const g = s("g", { "data-testid": `suppressed-${r.rule}`, "data-total": totals[i] });
    g.append(s("text", { x: left - 8, y: y + rowH / 2 + 4, class: "label", "text-anchor": "end" }, ruleLabel(r.rule)));
    let x = left;
    for (const k of reasons) {
      const n = r.suppressed[k] ?? 0;
      if (!n) continue;
      const w = n * scale;
      const rect = s("rect", { x, y: y + 5, width: w, height: rowH - 10, fill: REASON_COLORS[k], "data-reason": k, "data-count": n });
      rect.append(s("title", {}, `${ruleLabel(r.rule)} — ${k}: ${fmt(n)}`));
      g.append(rect);
      x += w;
    }
    g.append(s("text", { x: x + 6, y: y + rowH / 2 + 4, class: "value" }, fmt(totals[i])));
    return g;
  });
  fill(target, svg, legend(reasons.map((k) => [t("audience.reasonLegend", { label: reasonLabel(k), key: k }), REASON_COLORS[k]])));
}

function legend(items) {
  return h("ul", { class: "legend" }, items.map(([label, color]) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${color}` }), label)));
}

/** A link-like button that opens an account (`open(index, label)`) in the preview. */
function accountButton(row, open) {
  const label = accountLabel(row);
  return h("button", { type: "button", class: "link-btn account-link", "data-testid": `account-${row.index}`,
    title: t("audience.openTitle", { label }), onclick: () => open(row.index, label) }, label);
}

function renderOpportunities(report, currency, open) {
  const rows = report.opportunities;
  const body = rows.map((o, i) => h("tr", { "data-testid": "opportunity-row" },
    h("td", { class: "num" }, String(i + 1)),
    h("td", {}, accountButton(o, open)),
    h("td", {}, o.plan ?? "—"),
    h("td", {}, h("code", {}, o.callout)),
    h("td", {}, o.target.label),
    h("td", { class: "num" }, `+${money(o.monthlyDelta, currency)}`),
    h("td", {}, o.shown ? h("span", { class: "pill pill-ok" }, t("audience.shown"))
      : h("span", { class: "pill pill-held", title: o.guard ?? "" }, t("audience.heldPill", { reason: o.guard ? reasonLabel(o.guard) : "—" })))));
  fill($("audience-opportunities"), rows.length
    ? h("table", { class: "data-table" },
      h("thead", {}, h("tr", {}, ["#", ...["account", "plan", "callout", "target", "monthly", "status"].map((k) => t(`audience.col.${k}`))].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, body))
    : h("p", { class: "hint" }, t("audience.noOpportunities")));
  $("audience-export").disabled = !rows.length;
}

/** Histogram by week (stacked by metric) and the soonest accounts across metrics. */
function renderForecast(report, open) {
  const metrics = report.limitForecast.filter((m) => m.accounts > 0);
  const target = $("audience-forecast-chart");
  $("forecast-title").textContent = t("audience.limitsWithin", { days: report.horizonDays });
  if (!metrics.length) {
    fill(target, h("p", { class: "hint" }, t("audience.noForecast")));
  } else {
    const weeks = Math.max(0, ...report.limitForecast.map((m) => m.byWeek.length));
    fill(target, forecastChart(metrics, weeks), legend(metrics.map((m, mi) => [t("audience.metricLegend", { label: m.label, n: fmt(m.accounts), over: fmt(m.atOrOver) }), METRIC_COLORS[mi % METRIC_COLORS.length]])));
  }
  const soonest = report.limitForecast.flatMap((m) => m.soonest.map((x) => ({ ...x, label: m.label })))
    .sort((a, b) => a.daysToLimit - b.daysToLimit || a.index - b.index).slice(0, 20);
  fill($("audience-forecast-table"), soonest.length
    ? h("table", { class: "data-table" },
      h("thead", {}, h("tr", {}, ["account", "plan", "metric", "usedLimit", "days", "date"].map((k) => t(`audience.col.${k}`)).map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, soonest.map((x) => h("tr", { "data-testid": "forecast-row" },
        h("td", {}, accountButton(x, open)),
        h("td", {}, x.plan ?? "—"),
        h("td", {}, x.label),
        h("td", { class: "num" }, `${fmt(x.used)} / ${fmt(x.limit)}`),
        h("td", { class: "num" }, String(x.daysToLimit)),
        h("td", {}, x.limitDate)))))
    : null);
}

/** The weekly histogram of accounts reaching a limit, one colour per metric. */
function forecastChart(metrics, weeks) {
  const sums = Array.from({ length: weeks }, (_, w) => metrics.reduce((a, m) => a + (m.byWeek[w] ?? 0), 0));
  const ticks = niceTicks(Math.max(1, ...sums));
  const width = 560;
  const height = 230;
  const left = 62;
  const bottom = 40;
  const top = 10;
  const plotH = height - top - bottom;
  const band = (width - left - 10) / weeks;
  const scale = plotH / ticks[ticks.length - 1];
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", "aria-labelledby": "forecast-title" });
  for (const v of ticks) {
    const y = top + plotH - v * scale;
    svg.append(s("line", { x1: left, x2: width - 10, y1: y, y2: y, class: "grid" }));
    svg.append(s("text", { x: left - 6, y: y + 4, class: "axis", "text-anchor": "end" }, fmtShort(v)));
  }
  for (let w = 0; w < weeks; w++) {
    const x = left + w * band + 3;
    let y = top + plotH;
    const g = s("g", { "data-testid": `week-${w}`, "data-count": sums[w] });
    metrics.forEach((m, mi) => {
      const n = m.byWeek[w] ?? 0;
      if (!n) return;
      const hgt = n * scale;
      y -= hgt;
      const rect = s("rect", { x, y, width: band - 6, height: hgt, fill: METRIC_COLORS[mi % METRIC_COLORS.length] });
      rect.append(s("title", {}, `${m.label}, week ${w + 1} (days ${w * 7}–${w * 7 + 6}): ${fmt(n)}`));
      g.append(rect);
    });
    if (sums[w]) g.append(s("text", { x: x + (band - 6) / 2, y: y - 4, class: "value", "text-anchor": "middle" }, fmtShort(sums[w])));
    g.append(s("text", { x: x + (band - 6) / 2, y: top + plotH + 16, class: "axis", "text-anchor": "middle" }, String(w + 1)));
    svg.append(g);
  }
  svg.append(s("text", { x: left + (width - left) / 2, y: height - 4, class: "axis-title", "text-anchor": "middle" }, t("audience.weekAxis")));
  svg.append(s("text", { x: 12, y: top + plotH / 2, class: "axis-title", "text-anchor": "middle", transform: `rotate(-90 12 ${top + plotH / 2})` }, "accounts"));
  return svg;
}

function renderProblems(report, problems) {
  const items = [
    ...problems.map((p) => h("li", {}, h("code", {}, p.code), " ", p.message)),
    ...report.errors.map((e) => h("li", {}, h("code", {}, e.code), ` ${t("audience.problemAt", { index: e.index })} `, e.message)),
    ...report.warnings.map((w) => h("li", {}, h("code", {}, w.code), " ", w.message)),
  ];
  const more = report.totals.accountsWithErrors - report.errors.length;
  $("audience-problems").hidden = !items.length;
  fill($("audience-problems"), h("h3", {}, t("audience.problems", { n: fmt(report.totals.accountsWithErrors) })),
    h("ul", { class: "diag-list" }, items, more > 0 ? h("li", {}, t("results.bad.more", { n: fmt(more) })) : null));
}

// ---------- export ----------

/**
 * The audience module on the page, loaded on the first export: its `csvRow` is the engine's
 * CSV writer, so the page and the command-line tool write the same cells (a formula cell such
 * as `=HYPERLINK(…)` or `+100k API calls` gets a leading `'`).
 */
let audienceModule = null;
function csvWriter() {
  audienceModule ??= import("/pkg/audience/upgrade_prompts_audience.js").then(async (m) => {
    await m.default();
    return m;
  });
  return audienceModule;
}

/** Downloads the CSV text `makeCsv()` resolves to as `opportunities.csv`. */
async function exportCsv(makeCsv, toast) {
  let text;
  try {
    text = await makeCsv();
  } catch (e) {
    toast(t("audience.exportFailed", { message: e?.message ?? e }));
    return;
  }
  download(text, "opportunities.csv", "text/csv;charset=utf-8");
}

function niceTicks(max) {
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * p >= raw) ?? 10) * p;
  const ticks = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Math.round(v * 1000) / 1000);
  if (ticks.length < 2) ticks.push(step);
  return ticks;
}

function fmtShort(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n % 1e6 ? 1 : 0)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(n % 1e3 ? 1 : 0)}k`;
  return fmtNumber(n, "en");
}
