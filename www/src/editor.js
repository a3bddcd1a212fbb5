// The playground's code editors, bundled into www/build/editor.js: the catalog editor (JSON,
// completion from the package's JSON Schema, the engine's diagnostics as lint marks) and the
// one-line rule field of the rule form (completion from the catalog's vocabulary, errors
// underlined). CodeMirror 6 parts only; no language server, no network.
import { Annotation, EditorState, EditorSelection } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, placeholder,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle, foldGutter, foldKeymap,
} from "@codemirror/language";
import { json } from "@codemirror/lang-json";
import {
  autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, startCompletion, currentCompletions,
} from "@codemirror/autocomplete";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";

export { startCompletion, currentCompletions };

// ---------- where the cursor is in JSON text ----------

/**
 * Scans JSON text (complete or not) up to `pos`: the path of the container the cursor is in,
 * whether a key or a value is expected there, the keys already written in that object, and
 * where the word being typed starts (a quote or a bare word).
 */
export function jsonCursor(text, pos) {
  const stack = [];
  let i = 0;
  let tokenStart = pos;
  let inString = false;
  while (i < pos) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i++;
      while (i < pos && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      if (i >= pos) {
        inString = true;
        tokenStart = start;
        break;
      }
      i++;
      const top = stack[stack.length - 1];
      if (top?.type === "object" && top.expectKey) {
        try {
          top.key = JSON.parse(text.slice(start, i));
        } catch {
          top.key = text.slice(start + 1, i - 1);
        }
        top.keys.add(top.key);
      }
      continue;
    }
    if (c === "{") stack.push({ type: "object", expectKey: true, key: null, keys: new Set() });
    else if (c === "[") stack.push({ type: "array", index: 0 });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === ":") { const top = stack[stack.length - 1]; if (top?.type === "object") top.expectKey = false; }
    else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.type === "object") { top.expectKey = true; top.key = null; }
      else if (top?.type === "array") top.index++;
    }
    i++;
  }
  if (!inString) {
    let s = pos;
    while (s > 0 && /[\w-]/.test(text[s - 1])) s--;
    tokenStart = s;
  }
  const path = [];
  for (let k = 0; k < stack.length - 1; k++) path.push(stack[k].type === "object" ? stack[k].key : stack[k].index);
  const top = stack[stack.length - 1];
  if (!top) return null;
  if (top.type === "object" && top.expectKey) return { path, key: true, keys: top.keys, from: tokenStart, inString };
  return { path: [...path, top.type === "object" ? top.key : top.index], key: false, from: tokenStart, inString };
}

// ---------- the JSON Schema at a path ----------

function deref(root, node) {
  let n = node;
  for (let guard = 0; n?.$ref && guard < 32; guard++) {
    const parts = n.$ref.replace(/^#\//, "").split("/");
    n = parts.reduce((x, p) => x?.[p.replace(/~1/g, "/").replace(/~0/g, "~")], root);
  }
  return n;
}

/** The schema node and every alternative it stands for (allOf, anyOf, oneOf, then, else). */
function expand(root, node, out = [], depth = 0) {
  const n = deref(root, node);
  if (!n || typeof n !== "object" || depth > 8) return out;
  out.push(n);
  for (const key of ["allOf", "anyOf", "oneOf"]) for (const sub of n[key] ?? []) expand(root, sub, out, depth + 1);
  for (const key of ["then", "else"]) if (n[key]) expand(root, n[key], out, depth + 1);
  return out;
}

/** The schema nodes that may describe the value at `path`. */
export function schemaAt(root, path) {
  let nodes = expand(root, root);
  for (const seg of path) {
    const next = [];
    for (const n of nodes) {
      if (typeof seg === "number") {
        if (n.items && typeof n.items === "object") expand(root, n.items, next);
        for (const p of n.prefixItems ?? []) expand(root, p, next);
      } else if (seg != null) {
        if (n.properties?.[seg]) expand(root, n.properties[seg], next);
        else if (n.additionalProperties && typeof n.additionalProperties === "object") expand(root, n.additionalProperties, next);
        for (const [re, sub] of Object.entries(n.patternProperties ?? {})) {
          try {
            if (new RegExp(re).test(seg)) expand(root, sub, next);
          } catch {
            // a pattern this browser cannot read completes nothing
          }
        }
      }
    }
    nodes = next;
    if (!nodes.length) break;
  }
  return nodes;
}

const describe = (n) => n.description ?? n.title ?? "";
const typeOf = (n) => (Array.isArray(n.type) ? n.type.join(" | ") : n.type) ?? (n.enum ? "enum" : "");

/**
 * Completion from a JSON Schema: property names (with their descriptions) where a key goes,
 * enum, const and boolean values where a value goes; `values(path)` adds ids only the
 * document knows (a rule's placement or target).
 */
export function schemaCompletion(getSchema, values = () => []) {
  return (context) => {
    const schema = getSchema();
    if (!schema) return null;
    const text = context.state.doc.toString();
    const at = jsonCursor(text, context.pos);
    if (!at) return null;
    if (!context.explicit && at.from === context.pos && !at.inString) return null;
    const nodes = schemaAt(schema, at.path);
    const options = [];
    const seen = new Set();
    const add = (o) => { if (!seen.has(o.label)) { seen.add(o.label); options.push(o); } };
    if (at.key) {
      for (const n of nodes) {
        for (const [name, sub] of Object.entries(n.properties ?? {})) {
          if (at.keys.has(name)) continue;
          const d = deref(schema, sub) ?? {};
          add({ label: JSON.stringify(name), apply: `${JSON.stringify(name)}: `, type: "property",
            detail: typeOf(d), info: describe(d) || describe(sub), boost: n.required?.includes(name) ? 1 : 0 });
        }
      }
    } else {
      for (const n of nodes) {
        for (const v of n.enum ?? []) add({ label: JSON.stringify(v), type: "enum", info: describe(n) });
        if ("const" in n) add({ label: JSON.stringify(n.const), type: "enum" });
        if (n.type === "boolean") for (const v of ["true", "false"]) add({ label: v, type: "keyword" });
      }
      for (const v of values(at.path, text)) add({ label: JSON.stringify(v.value ?? v), type: "constant", detail: v.detail });
    }
    if (!options.length) return null;
    return { from: at.from, options, validFor: /^"?[\w-]*"?$/ };
  };
}

// ---------- the catalog editor ----------

/** Marks a change the page made itself (a sample load), which is not an edit. */
const quiet = Annotation.define();

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "12.5px" },
  ".cm-scroller": { fontFamily: "var(--mono, ui-monospace, monospace)", lineHeight: "1.5" },
  ".cm-content": { caretColor: "currentColor" },
});

/**
 * The catalog editor in `parent`: `{ view, getText, setText, onChange, select, reveal,
 * setDiagnostics }`. `schema()` returns the JSON Schema (or null until it has loaded);
 * `values(path, text)` adds completions the schema cannot know.
 */
export function createJsonEditor(parent, { text = "", schema, values, onChange, label, describedBy, testid }) {
  const listeners = [];
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), foldGutter(), lintGutter(), history(), drawSelection(),
        indentOnInput(), bracketMatching(), closeBrackets(), highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        json(),
        EditorView.lineWrapping,
        autocompletion({ override: [schemaCompletion(schema, values)], icons: false }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
        EditorView.contentAttributes.of({
          "aria-label": label, ...(describedBy ? { "aria-describedby": describedBy } : {}),
          spellcheck: "false", autocapitalize: "off", autocorrect: "off",
        }),
        EditorView.updateListener.of((u) => { if (u.docChanged && !u.transactions.every((t) => t.annotation(quiet))) listeners.forEach((f) => f()); }),
        theme,
      ],
    }),
  });
  if (testid) view.dom.dataset.testid = testid;
  view.dom.editorView = view; // the page tests read and drive the editor through this
  if (onChange) listeners.push(onChange);
  return {
    view,
    getText: () => view.state.doc.toString(),
    /** Replaces the text without announcing an edit (a sample load is not an edit). */
    setText(next, { silent = true } = {}) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next }, annotations: silent ? quiet.of(true) : [] });
    },
    /** Replaces [from, to) as an edit (undoable), selecting the new text. */
    replace(from, to, insert) {
      view.dispatch({ changes: { from, to, insert }, selection: EditorSelection.range(from, from + insert.length), scrollIntoView: true });
    },
    onChange: (f) => listeners.push(f),
    select({ start, end }) {
      view.focus();
      view.dispatch({ selection: EditorSelection.range(start, end), effects: EditorView.scrollIntoView(start, { y: "center" }) });
    },
    /** Scrolls so that `pos` is near the top, with the cursor there, without taking focus. */
    reveal(pos) {
      view.dispatch({ selection: EditorSelection.cursor(pos), effects: EditorView.scrollIntoView(pos, { y: "start", yMargin: 8 }) });
    },
    /** Lint marks: `[{ from, to, severity, message }]`. */
    setDiagnostics(list) {
      view.dispatch(setDiagnostics(view.state, list));
    },
    focus: () => view.focus(),
  };
}


// ---------- the rule field ----------

/**
 * A one-line rule editor in `parent`: `{ view, getText, setText, setDiagnostics, focus }`.
 * `complete(context)` is a completion source (the page builds it from the vocabulary).
 */
export function createExprField(parent, { text = "", complete, onChange, label, id, testid, hint }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        history(), drawSelection(), closeBrackets(), bracketMatching(),
        EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr)),
        autocompletion({ override: complete, icons: false, activateOnTyping: true }),
        keymap.of([...closeBracketsKeymap, ...completionKeymap, ...historyKeymap, ...defaultKeymap]),
        placeholder(hint ?? ""),
        EditorView.contentAttributes.of({ "aria-label": label, role: "textbox", "aria-multiline": "false", ...(id ? { id } : {}), spellcheck: "false", autocapitalize: "off", autocorrect: "off" }),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange?.(u.state.doc.toString()); }),
        EditorView.theme({
          "&": { fontSize: "13px", border: "1px solid var(--line, #ccd)", borderRadius: "6px", background: "var(--surface, #fff)" },
          "&.cm-focused": { outline: "2px solid var(--focus, #5b5bd6)", outlineOffset: "1px" },
          ".cm-scroller": { fontFamily: "var(--mono, ui-monospace, monospace)", overflowX: "auto" },
          ".cm-content": { padding: "6px 8px", whiteSpace: "pre" },
          ".cm-line": { padding: 0 },
        }),
      ],
    }),
  });
  if (testid) view.dom.dataset.testid = testid;
  view.dom.editorView = view;
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(next) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    },
    setDiagnostics(list) {
      view.dispatch(setDiagnostics(view.state, list));
    },
    focus: () => view.focus(),
  };
}
