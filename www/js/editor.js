// The catalog editor's diagnostics: the list with code, path, message and help, the offending text
// highlighted (spans are character offsets into the string at the path), and "show in editor".
import { h, fill, richText } from "./dom.js";
import { fmtPath, atPath } from "./model.js";
import { t } from "./i18n.js";

/** Where a path's value sits in JSON text: { start, end, keyStart?, keyEnd? } (UTF-16 offsets). */
export function locate(text, path) {
  let i = 0;
  const ws = () => { while (i < text.length && " \t\r\n".includes(text[i])) i++; };
  const skipString = () => {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    i++;
  };
  const skipValue = () => {
    ws();
    if (text[i] === '"') return skipString();
    if (text[i] !== "{" && text[i] !== "[") {
      while (i < text.length && !",}] \t\r\n".includes(text[i])) i++;
      return;
    }
    let depth = 0;
    do {
      if (text[i] === '"') { skipString(); continue; }
      if (text[i] === "{" || text[i] === "[") depth++;
      else if (text[i] === "}" || text[i] === "]") depth--;
      i++;
    } while (depth > 0 && i < text.length);
  };
  let key = null;
  for (const seg of path) {
    ws();
    if (text[i] === "{") {
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') return null;
        const ks = i;
        skipString();
        const name = JSON.parse(text.slice(ks, i));
        key = { keyStart: ks, keyEnd: i };
        ws();
        i++; // ':'
        if (name === String(seg)) break;
        skipValue();
        ws();
        if (text[i++] !== ",") return null;
      }
    } else if (text[i] === "[" && typeof seg === "number") {
      i++;
      for (let n = 0; n < seg; n++) {
        skipValue();
        ws();
        if (text[i++] !== ",") return null;
      }
      key = null;
    } else return null;
  }
  ws();
  const start = i;
  skipValue();
  return { start, end: i, ...key };
}

/** Raw text offsets of each code point inside the JSON string literal at [start, end). */
function codePointOffsets(text, start, end) {
  const offsets = [];
  let i = start + 1;
  while (i < end - 1) {
    offsets.push(i);
    if (text[i] === "\\" && text[i + 1] === "u") {
      const cp = parseInt(text.slice(i + 2, i + 6), 16);
      i += 6;
      if (cp >= 0xd800 && cp < 0xdc00 && text.startsWith("\\u", i)) i += 6;
    } else if (text[i] === "\\") i += 2;
    else i += text.codePointAt(i) > 0xffff ? 2 : 1;
  }
  offsets.push(end - 1);
  return offsets;
}

/** The editor range to select for a diagnostic, or null. */
export function rangeFor(text, d) {
  if (d.code === "invalid_json") {
    const m = /line (\d+) column (\d+)/.exec(d.message);
    if (!m) return null;
    const lines = text.split("\n");
    const line = Math.min(Number(m[1]), lines.length) - 1;
    const offset = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + Math.max(0, Number(m[2]) - 1);
    return { start: Math.max(0, offset - 1), end: Math.min(text.length, offset + 1) };
  }
  let loc;
  try {
    loc = locate(text, d.path ?? []);
  } catch {
    return null;
  }
  if (!loc) return null;
  if (d.span && text[loc.start] === '"') {
    const offs = codePointOffsets(text, loc.start, loc.end);
    const at = (n) => offs[Math.min(n, offs.length - 1)];
    return { start: at(d.span.start), end: at(d.span.end) };
  }
  // For objects and arrays select the key, not the whole block.
  if ((text[loc.start] === "{" || text[loc.start] === "[") && loc.keyStart != null) return { start: loc.keyStart, end: loc.keyEnd };
  return loc;
}

/** The offending text: the span inside the string at the path, or the JSON line at the error. */
function snippet(d, text, parsed) {
  if (d.code === "invalid_json") {
    const m = /line (\d+) column (\d+)/.exec(d.message);
    if (!m) return null;
    const line = text.split("\n")[Number(m[1]) - 1] ?? "";
    const col = Math.max(0, Number(m[2]) - 1);
    return excerpt(Array.from(line), Math.max(0, col - 1), Math.max(col, 1));
  }
  if (!d.span) return null;
  const value = atPath(parsed, d.path ?? []);
  if (typeof value !== "string") return null;
  return excerpt(Array.from(value), d.span.start, d.span.end);
}

function excerpt(chars, start, end) {
  const from = Math.max(0, start - 40);
  const to = Math.min(chars.length, end + 40);
  const marked = chars.slice(start, end).join("");
  return h("code", { class: "diag-snippet" },
    from > 0 ? "…" : "", chars.slice(from, start).join(""),
    h("mark", {}, marked || " "),
    chars.slice(end, to).join(""), to < chars.length ? "…" : "");
}

/** Renders errors then warnings; `onShow(d)` selects the problem in the editor. */
export function renderDiagnostics(container, report, text, parsed, onShow) {
  const item = (d, kind) =>
    h("li", { class: `diag diag-${kind}`, "data-code": d.code },
      h("div", { class: "diag-head" },
        h("span", { class: "diag-code" }, d.code),
        h("code", { class: "diag-path", "data-testid": "diag-path" }, fmtPath(d.path)),
        h("button", { type: "button", class: "link-btn", onclick: () => onShow(d) }, t("editor.show"))),
      h("p", { class: "diag-message" }, richText(d.message)),
      snippet(d, text, parsed),
      d.help ? h("p", { class: "diag-help" }, h("b", {}, `${t("editor.hint.help")} `), richText(d.help)) : null);
  const errors = report.errors ?? [];
  const warnings = report.warnings ?? [];
  fill(container,
    errors.length ? h("ul", { class: "diag-items", "aria-label": t("editor.errors") }, errors.map((d) => item(d, "error"))) : null,
    warnings.length ? h("ul", { class: "diag-items", "aria-label": t("editor.warnings") }, warnings.map((d) => item(d, "warning"))) : null);
}

/** Selects a range in the catalog editor and scrolls it into view. */
export function selectInEditor(editor, range) {
  if (range) editor.select(range);
}

/** The report's diagnostics as the editor's lint marks, each at its range in `text`. */
export function lintMarks(report, text) {
  const marks = [];
  for (const [list, severity] of [[report.errors ?? [], "error"], [report.warnings ?? [], "warning"]]) {
    for (const d of list) {
      let range = null;
      try {
        range = rangeFor(text, d);
      } catch {
        range = null;
      }
      const from = Math.min(range?.start ?? 0, text.length);
      const to = Math.min(Math.max(range?.end ?? from, from), text.length);
      marks.push({ from, to, severity, source: d.code, message: d.help ? `${d.message} (${d.help})` : d.message });
    }
  }
  return marks;
}
