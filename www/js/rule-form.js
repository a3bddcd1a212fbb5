// The rule form: the catalog's rules listed under the editor, each editable in a dialog (id,
// kind, target, placement, priority, severity, `when` and the message per locale), and a new
// one added the same way. `when` is a one-line CodeMirror field that completes context paths
// and functions from the engine's vocabulary of the catalog (`contextVocabulary` of the
// audience entry) and underlines the engine's errors at their span as you type: the candidate
// rule is checked with `validateConfig` in the catalog it would be saved into. Saving writes
// the rule into the editor's JSON (only that rule's text changes), where it stays editable.
import { h, fill, debounce, toast } from "./dom.js";
import { t } from "./i18n.js";
import { locate } from "./editor.js";
import { createExprField, startCompletion } from "../build/editor.js";

const $ = (id) => document.getElementById(id);
const PARTS = ["title", "body", "cta"];
const FIELDS = ["id", "kind", "target", "placement", "priority", "severity"];

/** The audience module, loaded on first use (it has the vocabulary; the page's engine does not). */
let audience = null;
function audienceModule() {
  audience ??= import("/pkg/audience/upgrade_prompts_audience.js").then(async (m) => {
    await m.default();
    return m;
  });
  return audience;
}

/** UTF-16 offset of code point `n` of `s` (the engine's spans count code points). */
function utf16(s, n) {
  return Array.from(s).slice(0, n).join("").length;
}

/**
 * `{ render(config), open(index) }`. `editor` is the catalog editor, `getConfig()` the last
 * valid config, `validate` the engine's `validateConfig`, `getSchema()` the JSON Schema.
 */
export function createRuleForm({ editor, getConfig, validate, getSchema }) {
  const form = { index: -1, original: null, locales: [], vocabulary: null, whenDiagnostics: [] };
  const dialog = buildDialog();
  form.dialog = dialog;
  const when = createExprField($("rule-when-host"), {
    label: t("rule.when"),
    id: "rule-when",
    testid: "rule-when",
    hint: "usage.seats.ratio >= 0.8",
    complete: [whenCompletion(() => form.vocabulary), suggestionCompletion(() => form.whenDiagnostics)],
    onChange: () => checkSoon(),
  });
  const checkSoon = debounce(() => check(), 150);
  form.when = when;
  form.checkSoon = checkSoon;

  /** The catalog the form writes into: the editor's JSON, else the last valid config. */
  function baseConfig() {
    try {
      return { config: JSON.parse(editor.getText()), parsed: true };
    } catch {
      return { config: structuredClone(getConfig() ?? {}), parsed: false };
    }
  }

  function render(config) {
    const rules = Array.isArray(config?.rules) ? config.rules : [];
    fill($("rules-panel"),
      h("div", { class: "rules-head" },
        h("h3", { "data-i18n": "rules.title" }, t("rules.title")),
        h("button", { type: "button", class: "btn btn-secondary btn-sm", "data-testid": "rule-add", onclick: () => open(-1) }, t("rules.add"))),
      rules.length
        ? h("ul", { class: "rule-items" }, rules.map((r, i) =>
          h("li", {},
            h("button", { type: "button", class: "rule-item", "data-testid": "rule-edit", onclick: () => open(i), title: t("rules.edit") },
              h("code", {}, String(r?.id ?? `#${i + 1}`)), h("span", { class: "rule-kind" }, String(r?.kind ?? ""))))))
        : h("p", { class: "hint" }, t("rules.none")));
  }

  async function open(index) {
    const { config } = baseConfig();
    const rules = Array.isArray(config.rules) ? config.rules : [];
    const rule = index >= 0 ? rules[index] ?? {} : { kind: "upsell", placement: "banner", priority: 0, when: "", message: {} };
    form.index = index >= 0 ? index : rules.length;
    form.original = index >= 0 ? structuredClone(rule) : null;
    form.locales = catalogLocales(config, rule);
    fillForm(form, config, rule, getSchema());
    $("rule-dialog-title").textContent = index >= 0 ? t("rule.editTitle", { id: rule.id ?? "" }) : t("rule.addTitle");
    dialog.showModal();
    $("rule-id").focus();
    try {
      const m = await audienceModule();
      form.vocabulary = m.contextVocabulary(getConfig() ?? config);
    } catch (e) {
      form.vocabulary = null;
      toast(t("rule.noVocabulary", { why: e?.message ?? String(e) }));
    }
    check();
  }

  function addLocale() {
    const input = $("rule-new-locale");
    const loc = input.value.trim();
    if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(loc)) return toast(t("rule.badLocale"));
    if (!form.locales.includes(loc)) {
      const message = readMessage(form, true);
      form.locales.push(loc);
      renderMessages(form, message);
    }
    input.value = "";
    $(`rule-msg-${loc}-title`)?.focus();
  }

  /** Validates the catalog with the candidate rule; shows this rule's problems at their fields. */
  function check() {
    if (!dialog.open) return [];
    const { config } = baseConfig();
    const rules = Array.isArray(config.rules) ? [...config.rules] : [];
    const rule = readRule(form);
    rules[form.index] = rule;
    const report = validate({ ...config, rules });
    const mine = (report.errors ?? []).filter((d) => d.path?.[0] === "rules" && d.path?.[1] === form.index);
    showProblems(form, mine, rule);
    return mine;
  }

  function save() {
    const problems = check();
    if (problems.length) {
      toast(t("rule.fixFirst", { n: problems.length }));
      return;
    }
    const { parsed } = baseConfig();
    if (!parsed) {
      toast(t("rule.jsonBroken"));
      return;
    }
    writeRule(editor, form.index, readRule(form));
    dialog.close();
    toast(t("rule.saved"));
  }

  dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });
  $("rule-save").addEventListener("click", save);
  $("rule-cancel").addEventListener("click", () => dialog.close());
  $("rule-add-locale").addEventListener("click", addLocale);
  $("rule-new-locale").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); addLocale(); } });
  for (const id of ["rule-id", "rule-kind", "rule-target", "rule-placement", "rule-priority", "rule-severity"]) {
    $(id).addEventListener("input", () => checkSoon());
  }
  return { render, open, check: () => check() };
}

/** Fills the form with `rule` of `config`: the choices come from the catalog and the schema. */
function fillForm(form, config, rule, schema) {
  const enumOf = (name) => schema?.$defs?.rule?.properties?.[name]?.enum ?? [];
  const plans = (config.plans ?? []).map((p) => p.id);
  const addons = (config.addons ?? []).map((a) => a.id);
  const placements = [...new Set(["banner", "inline", "modal", ...Object.keys(config.placements ?? {})])];
  options("rule-kind", enumOf("kind").map((k) => [k, k]), rule.kind);
  options("rule-target", [["", t("rule.targetNone")], ...plans.map((p) => [p, `${t("rule.plan")}: ${p}`]),
    ...addons.map((a) => [a, `${t("rule.addon")}: ${a}`]), ["rightSize", t("rule.rightSize")]], rule.target ?? "");
  options("rule-placement", placements.map((p) => [p, p]), rule.placement ?? "banner");
  options("rule-severity", [["", t("rule.severityDefault")], ...enumOf("severity").map((s) => [s, s])], rule.severity ?? "");
  $("rule-id").value = rule.id ?? "";
  $("rule-priority").value = rule.priority ?? 0;
  form.when.setText(rule.when ?? "");
  renderMessages(form, rule.message ?? {});
}

function options(id, list, value) {
  const select = $(id);
  fill(select, list.map(([v, text]) => h("option", { value: v }, text)));
  if (value != null && !list.some(([v]) => v === value)) select.append(h("option", { value }, value));
  select.value = value ?? "";
}

/** The title, body and button of each of the form's locales. */
function renderMessages(form, message) {
  fill($("rule-messages"), form.locales.map((loc) =>
    h("fieldset", { class: "rule-locale", "data-locale": loc },
      h("legend", {}, loc),
      PARTS.map((part) => {
        const id = `rule-msg-${loc}-${part}`;
        return h("div", { class: "field" },
          h("label", { for: id }, t(`rule.${part}`)),
          h(part === "body" ? "textarea" : "input", { id, type: "text", rows: 2, "data-testid": id, value: message?.[loc]?.[part] ?? "",
            oninput: () => form.checkSoon() }),
          h("p", { class: "field-error", id: `${id}-error`, "data-testid": `${id}-error` }));
      }))));
}

/** The message the form holds, `{ locale: { title, body, cta } }`, empty texts left out. */
function readMessage(form, keepEmpty = false) {
  const message = {};
  for (const loc of form.locales) {
    const texts = {};
    for (const part of PARTS) {
      const value = $(`rule-msg-${loc}-${part}`)?.value ?? "";
      if (value || keepEmpty) texts[part] = value;
    }
    if (Object.keys(texts).length) message[loc] = texts;
  }
  return message;
}

/** The rule the form describes, over the one being edited (its other fields are kept). */
function readRule(form) {
  const rule = { ...(form.original ?? {}) };
  rule.id = $("rule-id").value.trim();
  rule.kind = $("rule-kind").value;
  for (const [key, value] of [["target", $("rule-target").value], ["severity", $("rule-severity").value]]) {
    if (value) rule[key] = value;
    else delete rule[key];
  }
  rule.placement = $("rule-placement").value;
  const priority = Number($("rule-priority").value);
  rule.priority = $("rule-priority").value === "" || !Number.isFinite(priority) ? $("rule-priority").value : priority;
  rule.when = form.when.getText();
  rule.message = readMessage(form);
  const order = ["id", "kind", "target", "placement", "priority", "severity", "when", "message"];
  return Object.fromEntries([...order.filter((k) => k in rule).map((k) => [k, rule[k]]),
    ...Object.entries(rule).filter(([k]) => !order.includes(k))]);
}

/** This rule's problems at their fields; `when`'s underlined at the engine's span. */
function showProblems(form, problems, rule) {
  for (const el of form.dialog.querySelectorAll(".field-error")) el.textContent = "";
  const other = [];
  const whenMarks = [];
  for (const d of problems) {
    const [, , field, loc, part] = d.path;
    const text = d.help ? `${d.message} (${d.help})` : d.message;
    if (field === "when") {
      const s = rule.when ?? "";
      const from = d.span ? utf16(s, d.span.start) : 0;
      const to = d.span ? Math.max(utf16(s, d.span.end), from) : s.length;
      whenMarks.push({ from: Math.min(from, s.length), to: Math.min(to, s.length), severity: "error", message: text, source: d.code, help: d.help });
      appendError("rule-when-error", text);
    } else if (FIELDS.includes(field)) appendError(`rule-${field}-error`, text);
    else if (field === "message" && loc && PARTS.includes(part)) appendError(`rule-msg-${loc}-${part}-error`, text);
    else other.push(d);
  }
  form.whenDiagnostics = whenMarks;
  form.when.setDiagnostics(whenMarks);
  fill($("rule-errors"), other.map((d) => h("li", {}, h("code", {}, d.code), " ", d.help ? `${d.message} (${d.help})` : d.message)));
}

function appendError(id, text) {
  const el = $(id) ?? $("rule-errors");
  el.textContent = el.textContent ? `${el.textContent} · ${text}` : text;
}

/** The locales the catalog's messages use (English first), and the rule's own. */
function catalogLocales(config, rule) {
  const set = new Set(["en"]);
  for (const r of config.rules ?? []) for (const loc of Object.keys(r?.message ?? {})) set.add(loc);
  for (const loc of Object.keys(rule?.message ?? {})) set.add(loc);
  return [...set];
}

/** Writes `rule` as rule `index` of the editor's JSON: only that rule's text changes. */
function writeRule(editor, index, rule) {
  const text = editor.getText();
  const config = JSON.parse(text);
  const rules = Array.isArray(config.rules) ? config.rules : null;
  const indentAt = (pos) => /^[ \t]*/.exec(text.slice(text.lastIndexOf("\n", pos - 1) + 1))[0];
  const block = (indent) => JSON.stringify(rule, null, 2).replace(/\n/g, `\n${indent}`);
  if (rules && index < rules.length) {
    const at = locate(text, ["rules", index]);
    if (at) return editor.replace(at.start, at.end, block(indentAt(at.start)));
  } else if (rules) {
    const at = locate(text, ["rules"]);
    if (at) {
      const close = at.end - 1; // the array's `]`
      const outer = indentAt(close);
      const inner = rules.length ? indentAt(locate(text, ["rules", 0])?.start ?? close) : `${outer}  `;
      let last = close - 1;
      while (last > at.start && /\s/.test(text[last])) last--;
      const lead = rules.length ? "," : "";
      return editor.replace(last + 1, close, `${lead}\n${inner}${block(inner)}\n${outer}`);
    }
  }
  config.rules = [...(rules ?? [])];
  config.rules[index] = rule;
  editor.replace(0, text.length, `${JSON.stringify(config, null, 2)}\n`);
}

// ---------- the dialog ----------

/** A word of the page that follows its locale (`applyWords` fills it again). */
const word = (tag, props, key) => h(tag, { ...props, "data-i18n": key }, t(key));

function field(id, key, control) {
  return h("div", { class: "field" }, word("label", { for: id }, key), control,
    h("p", { class: "field-error", id: `${id}-error`, "data-testid": `${id}-error` }));
}

function buildDialog() {
  const dialog = h("dialog", { class: "rule-dialog", id: "rule-dialog", "data-testid": "rule-dialog", "aria-labelledby": "rule-dialog-title" },
    h("form", { method: "dialog", class: "rule-form", onsubmit: (e) => e.preventDefault() },
      h("h2", { id: "rule-dialog-title" }),
      h("div", { class: "rule-grid" },
        field("rule-id", "rule.id", h("input", { id: "rule-id", type: "text", spellcheck: "false", "data-testid": "rule-id" })),
        field("rule-kind", "rule.kind", h("select", { id: "rule-kind", "data-testid": "rule-kind" })),
        field("rule-target", "rule.target", h("select", { id: "rule-target", "data-testid": "rule-target" })),
        field("rule-placement", "rule.placement", h("select", { id: "rule-placement", "data-testid": "rule-placement" })),
        field("rule-priority", "rule.priority", h("input", { id: "rule-priority", type: "number", step: 1, class: "num", "data-testid": "rule-priority" })),
        field("rule-severity", "rule.severity", h("select", { id: "rule-severity", "data-testid": "rule-severity" }))),
      h("div", { class: "field" },
        word("label", { for: "rule-when" }, "rule.when"),
        h("div", { id: "rule-when-host", class: "rule-when" }),
        word("p", { class: "hint" }, "rule.whenHint"),
        h("p", { class: "field-error", id: "rule-when-error", "data-testid": "rule-when-error" })),
      word("h3", { class: "rule-subhead" }, "rule.message"),
      h("div", { id: "rule-messages", class: "rule-messages" }),
      h("div", { class: "rule-add-locale" },
        word("label", { for: "rule-new-locale" }, "rule.addLocale"),
        h("input", { id: "rule-new-locale", type: "text", placeholder: "fr", size: 6, "data-testid": "rule-new-locale" }),
        word("button", { type: "button", class: "btn btn-quiet", id: "rule-add-locale", "data-testid": "rule-add-locale" }, "rule.addLocaleButton")),
      h("ul", { class: "rule-errors", id: "rule-errors", "data-testid": "rule-errors" }),
      h("div", { class: "rule-actions" },
        word("button", { type: "button", class: "btn btn-quiet", id: "rule-cancel", "data-testid": "rule-cancel" }, "rule.cancel"),
        word("button", { type: "button", class: "btn btn-primary", id: "rule-save", "data-testid": "rule-save" }, "rule.save"))));
  document.body.append(dialog);
  return dialog;
}

// ---------- completion of `when` ----------

/** Paths, functions and ids from the vocabulary; a function's string argument offers its ids. */
function whenCompletion(getVocabulary) {
  return (context) => {
    const vocab = getVocabulary();
    if (!vocab) return null;
    const before = context.state.sliceDoc(0, context.pos);
    const arg = /(\w+)\(\s*'([^']*)$/.exec(before);
    if (arg) {
      const f = vocab.functions.find((x) => x.name === arg[1] && !x.method);
      const values = f?.args?.[0]?.values ?? [];
      if (!values.length) return null;
      return { from: context.pos - arg[2].length, options: values.map((v) => ({ label: v, type: "constant", detail: f.args[0].name })), validFor: /^[\w-]*$/ };
    }
    const word = /[\w.]*$/.exec(before)[0];
    if (!word && !context.explicit) return null;
    const options = vocab.paths.map((p) => ({ label: p.path, type: p.path.endsWith(".") ? "namespace" : "variable", detail: p.type, info: p.description }));
    for (const f of vocab.functions) {
      const sig = `${f.name}(${f.args.map((a) => a.name).join(", ")})`;
      if (!f.method) options.push({ label: f.name, type: "function", detail: sig, info: f.description, apply: callApply(f) });
    }
    const dot = word.lastIndexOf(".");
    const base = dot > 0 ? vocab.paths.find((p) => p.path === word.slice(0, dot)) : null;
    if (base && (base.type === "string" || base.type === "dyn")) {
      for (const f of vocab.functions.filter((x) => x.method)) {
        options.push({ label: `${base.path}.${f.name}`, type: "method", detail: `(${f.args.map((a) => a.name).join(", ")})`, info: f.description, apply: callApply(f, `${base.path}.`) });
      }
    }
    return { from: context.pos - word.length, options, validFor: /^[\w.]*$/ };
  };
}

/** Inserts `name('')` (or `name()` for `size`) with the cursor between the quotes. */
function callApply(f, prefix = "") {
  return (view, completion, from, to) => {
    const quoted = f.args?.[0]?.type === "string";
    const insert = `${prefix}${f.name}(${quoted ? "''" : ""})`;
    const cursor = from + insert.length - (quoted ? 2 : 1);
    view.dispatch({ changes: { from, to, insert }, selection: { anchor: cursor } });
    if (f.args?.[0]?.values?.length) startCompletion(view);
  };
}

/** The engine's "did you mean" for an underlined path, offered where the cursor is on it. */
function suggestionCompletion(getDiagnostics) {
  return (context) => {
    for (const d of getDiagnostics()) {
      const m = /did you mean `([^`]+)`/.exec(d.help ?? "");
      if (m && context.pos >= d.from && context.pos <= d.to && d.to > d.from) {
        return { from: d.from, to: d.to, filter: false, options: [{ label: m[1], type: "variable", detail: t("rule.didYouMean"), boost: 99 }] };
      }
    }
    return null;
  };
}
