// Accounts from CSV: the header names context paths (`account.plan`, `usage.seats.used`) and each
// row becomes one context, with the CLI's column types (cli/src/columns.rs): text columns keep
// the cell as written, number columns must hold a number, `traits`/`signals` columns take
// `true`/`false` and JSON numbers as such, `account.addons` is `id;id:quantity` or a JSON array,
// `usage.<m>.history` a JSON array. An empty cell is an absent value.

/** Splits CSV text (RFC 4180 quoting, CRLF or LF) into rows of fields, with each row's line. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push({ fields: row, line: rowLine });
      row = [];
      field = "";
      line++;
      rowLine = line;
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push({ fields: row, line: rowLine });
  }
  // Lines with nothing on them are not rows.
  return rows.filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ""));
}

const ACCOUNT_TEXT = ["id", "plan", "lifecycle"];
const ACCOUNT_DATE = ["createdAt", "renewalAt"];
const ACCOUNT_NUMBER = ["healthScore", "openEscalations"];

/** The path and type of a column header, or null when it is not a context path. */
function classify(config, parts) {
  const metric = (m) => Object.hasOwn(config.metrics ?? {}, m);
  const feature = (f) => Object.hasOwn(config.features ?? {}, f);
  const [a, b, c] = parts;
  const n = parts.length;
  let ty = null;
  if (n === 1 && a === "now") ty = "date";
  else if (n === 1 && a === "locale") ty = "text";
  else if (n === 2 && a === "account" && ACCOUNT_TEXT.includes(b)) ty = "text";
  else if (n === 2 && a === "account" && ACCOUNT_DATE.includes(b)) ty = "date";
  else if (n === 2 && a === "account" && ACCOUNT_NUMBER.includes(b)) ty = "number";
  else if (n === 2 && a === "account" && b === "addons") ty = "addons";
  else if (n === 3 && a === "account" && b === "trials" && feature(c)) ty = "date";
  else if (n === 3 && (a === "account" || a === "user") && b === "traits" && c) ty = "free";
  else if (n === 2 && a === "user" && (b === "id" || b === "role")) ty = "text";
  else if (n === 2 && a === "usage" && metric(b)) return { path: ["usage", b, "used"], ty: "number" };
  else if (n === 3 && a === "usage" && metric(b)) {
    ty = { used: "number", periodStart: "date", periodEnd: "date", history: "array" }[c] ?? null;
  } else if (n === 3 && a === "features" && feature(b) && c === "uses30d") ty = "number";
  else if (n === 2 && a === "page" && (b === "route" || b === "feature")) ty = "text";
  else if (n === 2 && a === "signals" && b) ty = "free";
  return ty ? { path: parts, ty } : null;
}

/** The columns of a header: usable ones, and problems (unknown or repeated paths). */
export function layout(config, header) {
  const columns = [];
  const problems = [];
  header.forEach((raw, position) => {
    const name = raw.trim();
    const col = classify(config, name.split("."));
    if (!col) {
      problems.push({ code: "unknown_column", message: name ? `column \`${name}\` is not a context path; it is ignored` : `column ${position + 1} has no name; it is ignored`, path: [name] });
      return;
    }
    const key = col.path.join(".");
    const first = columns.find((c) => c.path.join(".") === key);
    if (first) {
      problems.push({ code: "duplicate_column", message: `column \`${name}\` gives \`${key}\` again (first given by \`${first.name}\`); it is ignored`, path: [name] });
      return;
    }
    columns.push({ name, position, ...col });
  });
  return { columns, problems };
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
// What Rust's `f64::from_str` also reads (`+5`, `.5`, `5.`), for number columns.
const RUST_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

class CellError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function jsonArray(t) {
  let v;
  try {
    v = JSON.parse(t);
  } catch (err) {
    throw new CellError("invalid_cell", `not a JSON array: ${err.message}`);
  }
  if (!Array.isArray(v)) throw new CellError("invalid_cell", "expected a JSON array");
  return v;
}

/** The value of a cell (undefined = absent). */
function cellValue(ty, text) {
  const t = text.trim();
  if (t === "") return undefined;
  switch (ty) {
    case "text":
    case "date":
      return text;
    case "number": {
      const n = JSON_NUMBER.test(t) || RUST_NUMBER.test(t) ? Number(t) : NaN;
      if (!Number.isFinite(n)) throw new CellError("invalid_number", `\`${t}\` is not a number`);
      return n;
    }
    case "free":
      if (t === "true" || t === "false") return t === "true";
      return JSON_NUMBER.test(t) ? Number(t) : text;
    case "addons":
      if (t.startsWith("[")) return jsonArray(t);
      return t.split(";").map((s) => s.trim()).filter(Boolean).map((item) => {
        const at = item.indexOf(":");
        if (at < 0) return item;
        const qty = item.slice(at + 1).trim();
        if (!JSON_NUMBER.test(qty)) throw new CellError("invalid_cell", `add-on quantity \`${qty}\` of \`${item.slice(0, at).trim()}\` is not a number`);
        return { id: item.slice(0, at).trim(), quantity: Number(qty) };
      });
    case "array":
      return jsonArray(t);
    default:
      return undefined;
  }
}

/**
 * One row as a context object, or `{ error: { code, message, path } }` (the row's first
 * problem: a wrong number of fields, a cell that is not of its column's type).
 */
export function rowContext(lay, width, row) {
  if (row.fields.length !== width) {
    return { error: { code: "invalid_row", message: `line ${row.line} has ${row.fields.length} fields; the header has ${width}`, path: [] } };
  }
  const ctx = Object.create(null); // a `traits.__proto__` column is data, not a prototype
  for (const c of lay.columns) {
    let value;
    try {
      value = cellValue(c.ty, row.fields[c.position] ?? "");
    } catch (err) {
      return { error: { code: err.code ?? "invalid_cell", message: `${err.message} in column \`${c.name}\` on line ${row.line}`, path: c.path } };
    }
    if (value === undefined) continue;
    let node = ctx;
    for (const key of c.path.slice(0, -1)) node = Object.hasOwn(node, key) ? node[key] : (node[key] = Object.create(null));
    node[c.path[c.path.length - 1]] = value;
  }
  return { context: ctx };
}
