// Command-line arguments of `simulate` and `generate`, read as the native binary reads them:
// the same long options (`--name value` or `--name=value`), the same short flags, defaults,
// whole-number ranges and value lists, and on a usage error the same message on stderr with
// exit code 2. (Rare forms the native binary answers with a "tip" may be worded differently
// here; the exit code is the same.)

/** Exit code of a usage error. */
export const EXIT_USAGE = 2;

/**
 * A usage error as the native binary words it: `error: …`, then (for some kinds) the usage
 * line, then the hint to `--help`.
 */
export class UsageError extends Error {
  constructor(message, usage) {
    super(message);
    this.usage = usage;
  }

  /** The stderr text. */
  text() {
    const usage = this.usage ? `\nUsage: ${this.usage}\n` : "";
    return `error: ${this.message}\n${usage}\nFor more information, try '--help'.\n`;
  }
}

/** Rust's `u64` from text (a leading `+` allowed), with its error messages. */
function parseU64(text) {
  if (text === "" || text === "+") return { error: "cannot parse integer from empty string" };
  if (!/^\+?\d+$/.test(text)) return { error: "invalid digit found in string" };
  const n = BigInt(text);
  if (n > 18446744073709551615n) return { error: "number too large to fit in target type" };
  return { value: n };
}

/** Rust's `f64` from text (`1`, `-2.5`, `1e3`, `.5`, `inf`, `NaN`), with its error message. */
function parseF64(text) {
  if (!/^[+-]?(inf|infinity|nan|\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)$/i.test(text)) {
    return { error: "invalid float literal" };
  }
  const body = text.replace(/^[+-]/, "").toLowerCase();
  const sign = text.startsWith("-") ? -1 : 1;
  if (body === "nan") return { value: NaN };
  if (body === "inf" || body === "infinity") return { value: sign * Infinity };
  return { value: Number(text) };
}

/** Jaro similarity of two strings (by UTF-16 units), as the native binary's suggestions use it. */
function jaro(a, b) {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const range = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aFlags = new Array(a.length).fill(false);
  const bFlags = new Array(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - range);
    const hi = Math.min(b.length, i + range + 1);
    for (let j = lo; j < hi; j++) {
      if (!bFlags[j] && a[i] === b[j]) {
        aFlags[i] = bFlags[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aFlags[i]) continue;
    while (!bFlags[j]) j++;
    if (a[i] !== b[j]) transpositions++;
    j++;
  }
  const t = Math.floor(transpositions / 2);
  return (matches / a.length + matches / b.length + (matches - t) / matches) / 3;
}

/** The most similar of `candidates` to `value` (similarity above 0.7), or undefined. */
function similar(value, candidates) {
  let best;
  let score = 0.7;
  for (const c of candidates) {
    const s = jaro(value, c);
    if (s > score || (s === score && best !== undefined && s > 0.7)) {
      best = c;
      score = s;
    }
  }
  return best;
}

/** Checks and converts one value of option `o` (its display name is `--name <VALUE>`). */
function convert(o, text) {
  const shown = `'--${o.name} <${o.value}>'`;
  const invalid = (why) => new UsageError(`invalid value '${text}' for ${shown}${why ? `: ${why}` : ""}`);
  if (o.type === "path" && text === "") {
    throw new UsageError(`a value is required for ${shown} but none was supplied`);
  }
  if (o.type === "u64") {
    const r = parseU64(text);
    if (r.error) throw invalid(r.error);
    if (o.range && (r.value < BigInt(o.range[0]) || r.value > BigInt(o.range[1]))) {
      throw invalid(`${r.value} is not in ${o.range[0]}..=${o.range[1]}`);
    }
    return r.value;
  }
  if (o.type === "f64") {
    const r = parseF64(text);
    if (r.error) throw invalid(r.error);
    return r.value;
  }
  if (o.choices && !o.choices.includes(text)) {
    const near = similar(text, o.choices);
    const tip = near === undefined ? "" : `\n\n  tip: a similar value exists: '${near}'`;
    throw new UsageError(`invalid value '${text}' for ${shown}\n  [possible values: ${o.choices.join(", ")}]${tip}`);
  }
  return text;
}

/**
 * Reads `argv` (after the command name) by `spec`: `{ command, options: [{ name, value?,
 * short?, type: "path"|"text"|"u64"|"f64"|"flag", choices?, range?, required?, default? }] }`.
 * Returns `{ help: true }` for `--help`/`-h`, else the values by option name.
 *
 * @throws {UsageError} As the native binary would refuse the arguments.
 */
export function parseCommand(argv, spec) {
  const required = spec.options.filter((o) => o.required).map((o) => `--${o.name} <${o.value}>`).join(" ");
  const shortUsage = `upgrade-prompts ${spec.command} ${required}`;
  const fullUsage = `upgrade-prompts ${spec.command} [OPTIONS] ${required}`;
  const seen = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return { help: true };
    let o;
    let inline;
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      o = spec.options.find((x) => x.name === name);
      if (eq >= 0) inline = a.slice(eq + 1);
    } else if (/^-[a-zA-Z]$/.test(a)) {
      o = spec.options.find((x) => x.short === a.slice(1));
    }
    if (!o) {
      if (!a.startsWith("--") || a === "--") throw new UsageError(`unexpected argument '${a}' found`, fullUsage);
      // An unknown long option: the usage names the required options and those given so far.
      const given = spec.options.filter((x) => x.required || seen.has(x.name))
        .map((x) => (x.type === "flag" ? `--${x.name}` : `--${x.name} <${x.value}>`)).join(" ");
      const usage = `upgrade-prompts ${spec.command} ${given}`;
      const near = similar(a.slice(2).split("=")[0], spec.options.map((x) => x.name));
      if (near === undefined) throw new UsageError(`unexpected argument '${a}' found`, usage);
      throw new UsageError(`unexpected argument '${a}' found\n\n  tip: a similar argument exists: '--${near}'`, usage);
    }
    if (seen.has(o.name)) {
      const shown = o.type === "flag" ? `'--${o.name}'` : `'--${o.name} <${o.value}>'`;
      throw new UsageError(`the argument ${shown} cannot be used multiple times`, fullUsage);
    }
    if (o.type === "flag") {
      if (inline !== undefined) {
        // (The native binary shows every option as one group in this usage line.)
        const all = spec.options.map((x) => (x.type === "flag" ? `--${x.name}` : `--${x.name} <${x.value}>`)).join("|");
        throw new UsageError(`unexpected value '${inline}' for '--${o.name}' found; no more were expected`, `upgrade-prompts ${spec.command} <${all}>`);
      }
      seen.set(o.name, true);
      continue;
    }
    let text = inline;
    if (text === undefined) {
      const next = argv[i + 1];
      const known = next !== undefined && spec.options.some((x) => next === `--${x.name}` || next.startsWith(`--${x.name}=`) || next === `-${x.short}`);
      if (next === undefined || known || next === "--help" || next === "-h") {
        throw new UsageError(`a value is required for '--${o.name} <${o.value}>' but none was supplied`);
      }
      if (next.startsWith("-") && next !== "-") throw new UsageError(`unexpected argument '${next}' found`, fullUsage);
      text = next;
      i++;
    }
    seen.set(o.name, convert(o, text));
  }
  const missing = spec.options.filter((o) => o.required && !seen.has(o.name));
  if (missing.length > 0) {
    const list = missing.map((o) => `  --${o.name} <${o.value}>`).join("\n");
    throw new UsageError(`the following required arguments were not provided:\n${list}`, shortUsage);
  }
  const out = {};
  for (const o of spec.options) {
    out[o.name] = seen.has(o.name) ? seen.get(o.name) : o.type === "flag" ? false : o.default;
  }
  return out;
}
