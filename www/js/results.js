// The Results tab: an event log (a dropped or chosen JSON Lines or CSV file, or a demo log
// generated from the catalog) analyzed by `analyzeEvents` in a Web Worker, shown as totals,
// one card per experiment (each arm's conversion rate with its 95 % interval, the lift against
// the holdout on a scale through zero, the split check), the program-wide holdout, the callouts
// table and the bad lines. Charts are HTML and CSS; every text goes in as text, never as HTML.
import { h, fill, download, wireFilePicker } from "./dom.js";
import { fmtMoney } from "./model.js";
import { t as w } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/** The most accounts of a demo log (about 650 bytes of events each, held in the worker's memory). */
export const MAX_DEMO_ACCOUNTS = 100_000;
/** Bad lines listed by line (the report lists up to its own bound; the count is always shown). */
const LISTED_ERRORS = 10;

// ---------- formatting (shared with the page test through data attributes, not copies) ----------

const nf = (options) => new Intl.NumberFormat("en-US", options);
const INT = nf({ maximumFractionDigits: 0 });
const MINUS = "\u2212";

export const fmtInt = (n) => (n == null ? "—" : INT.format(n));
/** `5.1%` (one decimal). */
export const fmtPct = (x) => (x == null ? "—" : `${(x * 100).toFixed(1).replace("-", MINUS)}%`);
/** `+12.3%`, `−4.0%`: a relative change. */
export const fmtChange = (x) => (x == null ? "—" : `${x > 0 ? "+" : x < 0 ? MINUS : ""}${Math.abs(x * 100).toFixed(1)}%`);
/** A p-value: four decimals, or `< 0.0001`. */
export const fmtP = (x) => (x == null ? "—" : x < 0.0001 ? "< 0.0001" : x.toFixed(4));
/** `p = 0.0123`, `p < 0.0001`. */
export const pIs = (x) => (x != null && x < 0.0001 ? "p < 0.0001" : `p = ${fmtP(x)}`);
/** An axis label: whole percents without decimals (`−50%`, `+100%`). */
const tickPct = (v, signed) => {
  const n = Math.round(v * 1000) / 10;
  const text = `${Number.isInteger(n) ? Math.abs(n) : Math.abs(n).toFixed(1)}%`;
  return n < 0 ? `${MINUS}${text}` : signed && n > 0 ? `+${text}` : text;
};
/** Money in the catalog's currency: cents below 1,000, whole units above. */
export function fmtCurrency(n, currency) {
  if (n == null) return "—";
  try {
    return nf({ style: "currency", currency, minimumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2, maximumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2 }).format(n);
  } catch {
    return fmtMoney(n, currency, "en");
  }
}
/** `12.5 MB`. */
function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
const interval = (ci, f) => (ci ? w("results.interval", { from: f(ci[0]), to: f(ci[1]) }) : "—");

export function createResults({ getConfig, getCurrency, toast }) {
  let worker = null;
  let runId = 0;
  let running = null; // { id, label, demo }
  let result = null; // { report, currency, name }
  let demoLog = null; // the last demo log's bytes (Save the demo log)
  let sort = { key: null, dir: 1 };

  function ensureWorker() {
    if (worker) return worker;
    worker = new Worker(new URL("./audience-worker.js", import.meta.url), { type: "module" });
    worker.onmessage = ({ data }) => onMessage(data);
    worker.onerror = (e) => {
      e.preventDefault();
      stopWorker();
      finish("error", w("results.workerFailed", { message: e.message || w("results.unknownError") }));
    };
    return worker;
  }

  function stopWorker() {
    worker?.terminate();
    worker = null;
  }

  function onMessage(data) {
    if (!running || data.id !== running.id) return;
    if (data.type === "progress") return showProgress(data, running.demo);
    if (data.type === "analyzed") {
      const secs = (data.ms / 1000).toFixed(data.ms < 10_000 ? 2 : 1);
      if (data.log) {
        demoLog = data.log;
        $("results-save").disabled = false;
      }
      result = { report: data.report, currency: getCurrency(), name: data.name };
      const t = data.report.totals;
      setBar(1, w("results.bar.done", { bytes: fmtBytes(data.bytes), secs }));
      const label = running.label;
      finish("done", () => w("results.done", { label, events: fmtInt(t.events), units: fmtInt(t.units), secs }));
      $("results").dataset.ms = String(Math.round(data.ms));
      render();
    } else if (data.type === "error") {
      finish("error", w("results.failed", { message: data.message }));
    }
  }

  /** Ends the run in `state` (`done`, `error`, `cancelled`) with a status text. */
  function finish(state, text) {
    running = null;
    setStatusText(state, text);
    $("results-progress").dataset.state = state;
    $("results-cancel").hidden = true;
    if (state !== "done") $("results-progress").hidden = true;
    for (const id of ["results-generate", "results-file-button"]) $(id).disabled = false;
  }

  function start(source, label) {
    const config = getConfig();
    if (!config) return toast(w("results.catalogErrors"));
    if (running) cancel({ quiet: true });
    const id = ++runId;
    running = { id, label, demo: source.kind === "demo" };
    ensureWorker().postMessage({ type: "analyze", id, config, source });
    showRunning(label);
  }

  /** An analysis runs as one call in the worker: cancelling ends the worker. */
  function cancel({ quiet = false } = {}) {
    if (!running) return;
    stopWorker();
    if (quiet) running = null;
    else finish("cancelled", cancelledText(!!result));
  }

  function loadFile(file) {
    if (!file) return;
    const name = file.name || "events";
    if (!/\.(csv|jsonl|ndjson|json)$/i.test(name)) return toast(w("results.fileType", { name }));
    start({ kind: "file", file }, name);
  }

  function generate(inputs = {}) {
    const r = demoRequest(inputs);
    if (r.error) return toast(r.error);
    start(r.source, r.label);
  }

  function render() {
    if (!result) return;
    const { report, currency } = result;
    $("results-body").hidden = false;
    renderTotals(report, currency);
    renderProblems(report);
    const cards = report.experiments.map((x) => experimentCard(x, currency));
    if (report.program) cards.unshift(experimentCard(report.program, currency));
    fill($("results-experiments"), cards.length ? cards
      : h("p", { class: "hint panel" }, w("results.noExposures")));
    renderCallouts();
  }

  function renderCallouts() {
    const { report, currency } = result;
    fill($("results-callouts"), calloutsTable(report.callouts, currency, sort, (key) => {
      sort = sort.key === key ? { key, dir: -sort.dir } : { key, dir: key === "id" || key === "kind" || key === "placement" ? 1 : -1 };
      renderCallouts();
      $(`sort-${key}`)?.focus();
    }));
  }

  wireControls({ loadFile, generate, cancel, save: () => demoLog && download(demoLog, "demo-events.jsonl", "application/x-ndjson") });
  /** The tab again in the page's current words. */
  const relabel = () => { relabelStatus(); render(); };
  return { generate, loadFile, cancel, relabel, get result() { return result; } };
}

/** The status line, kept as a function giving it in the page's current words (a switch writes it again). */
const status = { text: null };
function setStatusText(state, text) {
  const el = $("results-status");
  el.dataset.state = state;
  status.text = typeof text === "function" ? text : () => text;
  el.textContent = status.text();
}
function relabelStatus() {
  const el = $("results-status");
  if (status.text && !["idle", "running"].includes(el.dataset.state)) el.textContent = status.text();
}
const cancelledText = (kept) => () => w(kept ? "results.cancelledKept" : "audience.cancelled");

/** The page's state while an analysis runs. */
function showRunning(label) {
  const el = $("results-status");
  el.dataset.state = "running";
  el.textContent = w("results.running", { label });
  $("results-progress").hidden = false;
  $("results-progress").dataset.state = "running";
  $("results-cancel").hidden = false;
  setBar(0, w("audience.starting"));
  for (const id of ["results-generate", "results-file-button"]) $(id).disabled = true;
}

/** The demo log asked for (`count`, `seed`, `asOf`, else the form's): `{ source, label }`, or
 * `{ error }` saying what is wrong. */
function demoRequest({ count, seed, asOf } = {}) {
  count = count ?? Number($("results-count").value);
  seed = seed ?? Number($("results-seed").value);
  asOf = asOf ?? $("results-asof").value;
  if (!Number.isInteger(count) || count < 1 || count > MAX_DEMO_ACCOUNTS) {
    return { error: w("results.countRange", { max: fmtInt(MAX_DEMO_ACCOUNTS) }) };
  }
  if (!Number.isInteger(seed) || seed < 0) return { error: w("results.seedRange") };
  const now = `${asOf || new Date().toISOString().slice(0, 10)}T09:00:00Z`;
  return { source: { kind: "demo", count, seed, now }, label: w("results.demoLabel", { n: fmtInt(count), seed, date: now.slice(0, 10) }) };
}

/** The tab's buttons, file input and drop zone. */
function wireControls({ loadFile, generate, cancel, save }) {
  wireFilePicker("results", loadFile);
  $("results-generate").addEventListener("click", () => generate());
  $("results-cancel").addEventListener("click", () => cancel());
  $("results-save").addEventListener("click", save);
  $("results-asof").value = new Date().toISOString().slice(0, 10);
}

// ---------- progress ----------

const PHASES = { generate: "results.phase.generate", count: "results.phase.count", attribute: "results.phase.attribute" };

/**
 * The bar over the whole run: a demo log's generation takes the first third; the analysis
 * reads the log twice (counting, then crediting conversions), each read half of the rest.
 */
function showProgress({ phase, done, total }, demo) {
  const share = total ? Math.min(1, done / total) : 1;
  const pass = phase === "attribute" ? 1 : 0;
  const analysis = (pass + (phase === "generate" ? 0 : share)) / 2;
  const value = demo ? (phase === "generate" ? share / 3 : 1 / 3 + (2 / 3) * analysis) : analysis;
  const what = phase === "generate" ? w("audience.progress", { done: fmtInt(done), total: fmtInt(total) }) : `${fmtBytes(done)} / ${fmtBytes(total)}`;
  setBar(value, `${PHASES[phase] ? w(PHASES[phase]) : phase}: ${what}`);
}

function setBar(value, text) {
  const bar = $("results-progress-bar");
  bar.max = 1;
  bar.value = value;
  bar.setAttribute("aria-valuetext", text);
  $("results-progress-text").textContent = text;
}

// ---------- rendering ----------

function stat(label, value, sub, testid) {
  return h("div", { class: "stat", "data-testid": testid },
    h("div", { class: "stat-value" }, value),
    h("div", { class: "stat-label" }, label),
    sub ? h("div", { class: "stat-sub" }, sub) : null);
}

function renderTotals(report, currency) {
  const t = report.totals;
  const span = t.firstAt && t.lastAt ? w("results.stat.span", { from: t.firstAt.slice(0, 10), to: t.lastAt.slice(0, 10) }) : w("results.stat.noDates");
  fill($("results-totals"),
    stat(w("results.stat.events"), fmtInt(t.events), t.badLines ? w("results.stat.badLines", { n: fmtInt(t.badLines) }) : w("results.stat.noBadLines"), "results-total-events"),
    stat(w("results.stat.units"), fmtInt(t.units), span, "results-total-units"),
    stat(w("results.stat.conversions"), fmtInt(t.conversions), w("results.stat.withoutCallout", { n: fmtInt(t.conversionsWithoutCallout) }), "results-total-conversions"),
    stat(w("results.stat.mrr"), fmtCurrency(t.mrr, currency), w("results.stat.mrrSub"), "results-total-mrr"),
    stat(w("results.stat.experiments"), fmtInt(report.experiments.length), w(report.program ? "results.stat.program" : "results.stat.noProgram"), "results-total-experiments"));
}

function renderProblems(report) {
  const el = $("results-problems");
  const bad = report.totals.badLines;
  const input = report.inputErrors ?? [];
  el.hidden = !bad && !input.length;
  if (el.hidden) return fill(el);
  const listed = report.errors.slice(0, LISTED_ERRORS);
  const more = bad - listed.length;
  const codes = Object.entries(report.errorCodes ?? {}).map(([code, n]) => `${code} ${fmtInt(n)}`).join(w("results.listComma"));
  const title = bad ? w(bad === 1 ? "results.bad.one" : "results.bad.many", { n: fmtInt(bad) }) + (codes ? w("results.bad.codes", { codes }) : "") : w("results.bad.problems");
  fill(el,
    h("h3", { "data-testid": "results-bad-count" }, title),
    h("ul", { class: "diag-list diag-error" },
      input.map((p) => h("li", { "data-testid": "results-input-error" }, h("code", {}, p.code), p.line ? ` ${w("results.bad.lineColon", { line: p.line })} ` : " ", p.message)),
      listed.map((e) => h("li", { "data-testid": "results-bad-line", "data-line": e.line, "data-code": e.code },
        `${w("results.bad.line", { line: e.line })} `, h("code", {}, e.code), ` ${e.message}`)),
      more > 0 ? h("li", {}, w("results.bad.more", { n: fmtInt(more) })) : null));
}

const PROGRAM = "$program";

/** One experiment (or the program-wide holdout): its split check, rates, lifts and arms. */
function experimentCard(x, currency) {
  const program = x.key === PROGRAM;
  const title = program ? w("results.programTitle") : x.key;
  const titleId = `exp-title-${cssId(x.key)}`;
  const meta = [
    program ? w("results.meta.program") : x.rules.length ? w("results.meta.rules", { rules: x.rules.join(", ") }) : w("results.meta.notInCatalog"),
    x.unit ? w("results.meta.unit", { unit: x.unit }) : null,
    w("results.meta.units", { n: fmtInt(x.units) }),
    x.unitsInSeveralArms ? w("results.meta.severalArms", { n: fmtInt(x.unitsInSeveralArms) }) : null,
  ].filter(Boolean).join(" · ");
  const srm = x.srm ?? {};
  const variants = x.arms.filter((a) => a.lift);
  return h("section", { class: `panel experiment${program ? " experiment-program" : ""}`, "data-testid": `experiment-${x.key}`, "aria-labelledby": titleId },
    h("div", { class: "panel-head" },
      h("div", {}, h("h3", { id: titleId }, title), h("p", { class: "hint" }, meta)),
      srm.ok === false ? null
        : h("span", { class: `pill ${srm.ok ? "pill-ok" : "pill-muted"}`, "data-testid": `srm-ok-${x.key}` },
          srm.ok ? w("results.splitOk", { p: pIs(srm.pValue) }) : w("results.noSplit"))),
    srm.ok === false ? h("div", { class: "srm-banner", role: "alert", "data-testid": `srm-${x.key}`, "data-p": srm.pValue },
      h("strong", {}, w("results.srm.title")),
      w("results.srm.text", { p: pIs(srm.pValue), arms: srmArms(x.arms) })) : null,
    program && x.attributedMrr !== undefined ? h("p", { class: "program-mrr", "data-testid": "program-attributed" },
      h("span", { class: "stat-label" }, w("results.attributed")),
      h("strong", {}, fmtCurrency(x.attributedMrr, currency)),
      h("span", { class: "hint" }, w("results.attributedHint"))) : null,
    h("div", { class: "experiment-charts" },
      h("div", { class: "experiment-chart" },
        h("h4", {}, w("results.rateTitle")),
        rateChart(x)),
      h("div", { class: "experiment-chart" },
        h("h4", {}, w("results.liftTitle")),
        variants.length ? liftChart(x, variants) : h("p", { class: "hint" }, w("results.noVariant")))),
    armsTable(x, currency));
}

/** The arms of a split check, with their expected shares, in the page's words. */
const srmArms = (arms) => arms.map((a) => (a.expectedShare != null
  ? w("results.srm.armExpected", { id: a.id, units: fmtInt(a.units), share: fmtPct(a.expectedShare) })
  : `${a.id} ${fmtInt(a.units)}`)).join(w("results.listComma"));

/** An arm's id; a holdout arm not called `holdout` says it is one. */
const armLabel = (a) => [a.id, a.holdout && a.id !== "holdout" ? h("span", { class: "pill pill-muted" }, w("results.holdoutPill")) : null];

const cssId = (s) => String(s).replace(/[^A-Za-z0-9_-]/g, "_");

/** Tick values from 0 (about four steps) or, `symmetric`, from −max to max (two steps a side), as fractions. */
function pctTicks(max, symmetric) {
  const raw = max / (symmetric ? 2 : 4);
  const p = 10 ** Math.floor(Math.log10(raw || 0.01));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * p >= raw - 1e-12) ?? 10) * p;
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step);
  const ticks = [];
  for (let v = symmetric ? -top : 0; v <= top + step / 2; v += step) ticks.push(Math.round(v * 1e9) / 1e9);
  return ticks;
}

/** A chart row: label, track (positioned children), value. */
const chartRow = (attrs, label, track, value) => h("div", { class: "ci-row", ...attrs },
  h("div", { class: "ci-label" }, label), h("div", { class: "ci-track" }, track), h("div", { class: "ci-value" }, value));

function axis(ticks, at, fmt) {
  return h("div", { class: "ci-row ci-axis-row", "aria-hidden": "true" }, h("div", {}),
    h("div", { class: "ci-axis" }, ticks.map((v) => h("span", { style: `left:${at(v)}%` }, fmt(v)))), h("div", {}));
}

const gridLines = (ticks, at, zero) => ticks.map((v) => h("span", { class: `ci-grid${zero && v === 0 ? " ci-zero" : ""}`, style: `left:${at(v)}%` }));

/** Each arm's rate as a bar from zero, its interval as a whisker; the holdout marked. */
function rateChart(x) {
  const max = Math.max(0.01, ...x.arms.map((a) => a.ci?.[1] ?? a.rate ?? 0));
  const ticks = pctTicks(max, false);
  const top = ticks[ticks.length - 1];
  const at = (v) => ((100 * v) / top).toFixed(3);
  return h("div", { class: "ci-chart", role: "img", "aria-label": w("results.rateAria", { key: x.key, arms: x.arms.map((a) => w("results.ariaArm", { id: a.id, value: fmtPct(a.rate), ci: interval(a.ci, fmtPct) })).join(w("results.listSemi")) }) },
    x.arms.map((a) => chartRow({ "data-testid": `rate-${x.key}-${a.id}`, "data-rate": a.rate, "data-low": a.ci?.[0], "data-high": a.ci?.[1], "data-holdout": String(a.holdout) },
      armLabel(a),
      [gridLines(ticks, at),
        a.rate != null ? h("span", { class: `ci-bar${a.holdout ? " is-holdout" : ""}`, style: `width:${at(a.rate)}%` }) : null,
        a.ci ? h("span", { class: "ci-whisker", "data-testid": "whisker", style: `left:${at(a.ci[0])}%;width:${(at(a.ci[1]) - at(a.ci[0])).toFixed(3)}%` }) : null],
      [h("strong", {}, fmtPct(a.rate)), h("span", { class: "ci-sub" }, a.ci ? `${fmtPct(a.ci[0])} – ${fmtPct(a.ci[1])}` : w("results.noUnits"))])),
    axis(ticks, at, (v) => tickPct(v, false)),
    x.arms.some((a) => a.holdout) ? h("p", { class: "ci-legend" }, h("span", { class: "swatch swatch-holdout" }), w("results.legend")) : null);
}

/**
 * Each variant's relative lift as a point, its interval as a whisker, on a scale through zero.
 * The scale reaches the farthest interval end, but at most 1.25 × the largest lift (and at least
 * ±100 %): a whisker beyond it is cut at the edge and ends in an arrow.
 */
function liftChart(x, variants) {
  const ends = variants.flatMap((a) => (a.lift.ci ?? []).map(Math.abs));
  const lifts = variants.map((a) => Math.abs(a.lift.relative ?? 0));
  const max = Math.max(0.05, Math.min(Math.max(...ends, ...lifts), Math.max(1, 1.25 * Math.max(...lifts))));
  const ticks = pctTicks(max, true);
  const top = ticks[ticks.length - 1];
  const clamp = (v) => Math.max(-top, Math.min(top, v));
  const at = (v) => ((50 * (clamp(v) + top)) / top).toFixed(3);
  return h("div", { class: "ci-chart", role: "img", "aria-label": w("results.liftAria", { key: x.key, arms: variants.map((a) => w("results.ariaArm", { id: a.id, value: fmtChange(a.lift.relative), ci: interval(a.lift.ci, fmtChange) })).join(w("results.listSemi")) }) },
    variants.map((a) => {
      const { relative, ci } = a.lift;
      const tone = ci && ci[0] > 0 ? "is-up" : ci && ci[1] < 0 ? "is-down" : "is-flat";
      const cut = ci ? `${ci[0] < -top ? " cut-low" : ""}${ci[1] > top ? " cut-high" : ""}` : "";
      return chartRow({ "data-testid": `lift-${x.key}-${a.id}`, "data-relative": relative, "data-low": ci?.[0], "data-high": ci?.[1], "data-p": a.lift.pValue, "data-chance": a.lift.chanceToBeat },
        armLabel(a),
        [gridLines(ticks, at, true),
          ci ? h("span", { class: `ci-whisker ${tone}${cut}`, style: `left:${at(ci[0])}%;width:${(at(ci[1]) - at(ci[0])).toFixed(3)}%` }) : null,
          relative != null ? h("span", { class: `ci-point ${tone}`, style: `left:${at(relative)}%` }) : null],
        [h("strong", {}, fmtChange(relative)), h("span", { class: "ci-sub" }, pIs(a.lift.pValue)),
          h("span", { class: "ci-sub" }, w("results.toBeat", { p: fmtPct(a.lift.chanceToBeat) }))]);
    }),
    axis(ticks, at, (v) => tickPct(v, true)));
}

function armsTable(x, currency) {
  const cols = ["arm", "units", "converted", "rate", "interval", "mrr", "mrrPerUnit", "lift", "liftInterval", "pValue", "chance"].map((k) => w(`results.col.${k}`));
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table arms-table" },
    h("caption", { class: "visually-hidden" }, w("results.armsCaption", { key: x.key })),
    h("thead", {}, h("tr", {}, cols.map((c, i) => h("th", { scope: "col", class: i ? "num" : null }, c)))),
    h("tbody", {}, x.arms.map((a) => h("tr", { "data-testid": `arm-${x.key}-${a.id}` },
      h("th", { scope: "row" }, armLabel(a)),
      h("td", { class: "num" }, fmtInt(a.units)),
      h("td", { class: "num" }, fmtInt(a.converted)),
      h("td", { class: "num" }, fmtPct(a.rate)),
      h("td", { class: "num" }, interval(a.ci, fmtPct)),
      h("td", { class: "num" }, fmtCurrency(a.mrr, currency)),
      h("td", { class: "num" }, fmtCurrency(a.mrrPerUnit, currency)),
      h("td", { class: "num" }, a.lift ? fmtChange(a.lift.relative) : "—"),
      h("td", { class: "num" }, a.lift ? interval(a.lift.ci, fmtChange) : "—"),
      h("td", { class: "num" }, a.lift ? fmtP(a.lift.pValue) : "—"),
      h("td", { class: "num" }, a.lift ? fmtPct(a.lift.chanceToBeat) : "—"))))));
}

/** The callout table's columns (their headers are the page's words `results.callout.<key>`). */
const CALLOUT_COLS = [["id"], ["kind"], ["placement"], ["impressions"], ["clicks"], ["ctr"], ["dismissals"], ["conversions"], ["mrr"]];
const ctr = (c) => (c.impressions ? c.clicks / c.impressions : null);

/** The callouts, sortable by any column (a header button; `aria-sort` says how). */
function calloutsTable(callouts, currency, sort, onSort) {
  if (!callouts.length) return h("p", { class: "hint" }, w("results.noCallouts"));
  const value = (c, key) => (key === "ctr" ? ctr(c) : c[key]);
  const rows = [...callouts];
  if (sort.key) {
    rows.sort((a, b) => {
      const va = value(a, sort.key);
      const vb = value(b, sort.key);
      if (va == null || vb == null) return va == null ? (vb == null ? 0 : 1) : -1;
      return (typeof va === "string" ? va.localeCompare(vb) : va - vb) * sort.dir || a.id.localeCompare(b.id);
    });
  }
  const text = (c, key) => {
    if (key === "id") return h("code", {}, c.id);
    if (key === "kind" || key === "placement") return c[key] ?? "—";
    if (key === "ctr") return fmtPct(ctr(c));
    if (key === "mrr") return fmtCurrency(c.mrr, currency);
    return fmtInt(c[key]);
  };
  const numeric = (key) => !["id", "kind", "placement"].includes(key);
  return h("table", { class: "data-table callouts-table" },
    h("thead", {}, h("tr", {}, CALLOUT_COLS.map(([key]) =>
      h("th", { scope: "col", class: numeric(key) ? "num" : null, "aria-sort": sort.key === key ? (sort.dir > 0 ? "ascending" : "descending") : null },
        h("button", { type: "button", class: "sort-btn", id: `sort-${key}`, "data-testid": `sort-${key}`, onclick: () => onSort(key) },
          w(`results.callout.${key}`), h("span", { class: "sort-mark", "aria-hidden": "true" }, sort.key === key ? (sort.dir > 0 ? "▲" : "▼") : "")))))),
    h("tbody", {}, rows.map((c) => h("tr", { "data-testid": "results-callout-row", "data-id": c.id },
      CALLOUT_COLS.map(([key]) => h("td", { class: numeric(key) ? "num" : null }, text(c, key)))))));
}
