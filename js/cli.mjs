#!/usr/bin/env node
// `upgrade-prompts lint`: checks catalog files with the engine's own validation and prints every
// problem the way compilers do (file:line:col, the source line, a caret under the exact span),
// as JSON, or as GitHub workflow annotations. With `--context` it also shows what a context
// evaluates to, for support engineers.
//
// Rules this file keeps (see tests/lint/):
// - Node built-ins and the package itself only; the engine is imported once a command needs it,
//   so `--help` and `--version` work even where the wasm cannot load.
// - Nothing reaches the user as a stack trace: every problem is a coded diagnostic, and only an
//   internal failure (a bug) prints `internal_error` with exit code 2.
// - Positions: the engine reports a `path` into the JSON (and, inside rule expressions and
//   message templates, a `span` of characters of the decoded string); the scanner below maps
//   both back to the text. Lines are separated by `\n` and columns count Unicode characters,
//   1-based, as the engine counts them in its JSON syntax errors. Positions are found by binary
//   search in indexes built once (line starts, surrogate pairs, the characters of a string with
//   escapes) and a long source line is read only around its caret, so that the time taken
//   grows with the size of the file plus the number of problems, never with their product.
// - Text from a config, a context, a file name or the command line reaches a terminal or a CI
//   log only with its control, line-separator and bidirectional characters escaped (`\u{1b}`),
//   so that it can neither start a terminal sequence nor a workflow command (`--format json`
//   is JSON and needs no more).

import fs from "node:fs";
import process from "node:process";
import { isAudienceCommand, runAudienceCommand } from "./cli/commands.mjs";

/** The engine's limits (README: configs above 4 MiB and contexts above 1 MiB are refused). */
const MAX_CONFIG_BYTES = 4 << 20;
const MAX_CONTEXT_BYTES = 1 << 20;
/** Source lines longer than this many display columns are cut around the caret. */
const MAX_SHOWN_WIDTH = 120;

const EXIT_CLEAN = 0;
const EXIT_ERRORS = 1;
const EXIT_UNREADABLE = 2;

const HELP = `upgrade-prompts: check upgrade-prompts catalogs (configs) and compile them

usage:
  upgrade-prompts lint FILE... [--format text|json|github] [--no-color]
  upgrade-prompts lint CONFIG --context CONTEXT [--format text|json] [--no-color]
  upgrade-prompts compile CONFIG -o OUT [--format text|json|github] [--no-color]
  upgrade-prompts simulate --config FILE --accounts FILE [OPTIONS]   (see simulate --help)
  upgrade-prompts generate --config FILE --accounts N [OPTIONS]      (see generate --help)
  upgrade-prompts analyze --config FILE --events FILE [OPTIONS]      (see analyze --help)
  upgrade-prompts --help | --version

simulate and generate take the flags of the native binary and print the same output; they run
in WebAssembly over JSON Lines and CSV. The native binary (optional: \`cargo install --path cli\`)
also reads Parquet and streams large files across threads.

compile validates CONFIG as lint does and, when it has no error, writes it compiled for the
runtime to OUT (deterministic bytes that \`new PromptEngine(bytes)\` loads); with an error,
nothing is written.

options:
  --format text     compiler-style messages with the source line and a caret (default)
  --format json     one JSON document: { files: [{ file, errors, warnings }], errorCount, warningCount }
  --format github   GitHub Actions workflow annotations (::error file=…,line=…::message)
  --context FILE    also evaluate this context against the (single) config and print the
                    callouts, the suppressed callouts with their reasons, and context problems
  --no-color        no colours (they are used only on a terminal, and never when NO_COLOR is set)
  -o, --out FILE    (compile) where to write the compiled catalog

exit codes:
  0  no errors (warnings allowed)
  1  at least one error in a config or context
  2  a file could not be read (missing, a directory, not UTF-8, too large) or bad usage
`;

async function main(argv) {
  // `simulate` and `generate`: the native binary's flags and output, in the audience wasm.
  if (isAudienceCommand(argv[0])) return runAudienceCommand(argv);
  if (argv.length === 0) {
    process.stderr.write(HELP);
    return EXIT_UNREADABLE;
  }
  const args = parseArgs(argv);
  if (args.error) {
    process.stderr.write(`upgrade-prompts: error[usage]: ${escapeText(args.error)}\n(see \`upgrade-prompts --help\`)\n`);
    return EXIT_UNREADABLE;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return EXIT_CLEAN;
  }
  if (args.version) {
    process.stdout.write(`upgrade-prompts ${readVersion()}\n`);
    return EXIT_CLEAN;
  }
  let engine;
  try {
    engine = await import("upgrade-prompts");
  } catch (e) {
    process.stderr.write(`upgrade-prompts: error[engine_unavailable]: cannot load the upgrade-prompts package: ${escapeText(e && e.message)}\n`);
    return EXIT_UNREADABLE;
  }
  if (args.command === "compile") return compile(args, engine);
  return lint(args, engine).code;
}

function parseArgs(argv) {
  const out = { command: null, files: [], format: "text", context: null, out: null, color: true, help: false, version: false };
  let command = null;
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyFiles || !a.startsWith("-") || a === "-") {
      if (command === null) {
        if (a !== "lint" && a !== "compile") {
          return { error: `unknown command \`${a}\`; the commands are \`lint\`, \`compile\`, \`simulate\` and \`generate\`` };
        }
        command = a;
        out.command = a;
      } else out.files.push(a);
      continue;
    }
    if (a === "--") { onlyFiles = true; continue; }
    if (a === "--help" || a === "-h") { out.help = true; continue; }
    if (a === "--version" || a === "-V") { out.version = true; continue; }
    if (a === "--no-color") { out.color = false; continue; }
    const eq = a.indexOf("=");
    const name = eq < 0 ? a : a.slice(0, eq);
    if (name === "--format" || name === "--context" || name === "--out" || name === "-o") {
      let value = eq < 0 ? argv[++i] : a.slice(eq + 1);
      if (value === undefined || value === "") return { error: `\`${name}\` needs a value` };
      if (name === "--format") {
        if (!["text", "json", "github"].includes(value)) {
          return { error: `unknown format \`${value}\`; expected \`text\`, \`json\` or \`github\`` };
        }
        out.format = value;
      } else if (name === "--context") {
        if (out.context !== null) return { error: "`--context` is given twice" };
        out.context = value;
      } else {
        if (out.out !== null) return { error: "`--out` is given twice" };
        out.out = value;
      }
      continue;
    }
    return { error: `unknown option \`${a}\`` };
  }
  if (out.help || out.version) return out;
  if (command === null) return { error: "no command; try `upgrade-prompts lint catalog.json`" };
  if (command === "compile") {
    if (out.files.length !== 1) return { error: "`compile` takes exactly one config file; try `upgrade-prompts compile catalog.json -o catalog.bin`" };
    if (out.out === null) return { error: "`compile` needs `-o FILE`, where the compiled catalog is written" };
    if (out.context !== null) return { error: "`--context` is for `lint`, not `compile`" };
    return out;
  }
  if (out.out !== null) return { error: "`-o` is for `compile`, not `lint`" };
  if (out.files.length === 0) return { error: "no file to lint; try `upgrade-prompts lint catalog.json`" };
  if (out.context !== null) {
    if (out.files.length !== 1) return { error: "`--context` takes exactly one config file" };
    if (out.format === "github") return { error: "`--context` prints `text` or `json`, not `github`" };
  }
  return out;
}

function readVersion() {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL("./package.json", import.meta.url), "utf8"));
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

// ---------------------------------------------------------------------------------------------
// Linting

/**
 * `compile`: lints the one config as `lint` does (same output and exit codes); without an
 * error, writes the compiled catalog (the audience entry's `compile`) to `--out` and says so on
 * stderr, so that stdout stays the lint report.
 */
async function compile(args, engine) {
  const { code, results } = lint(args, engine);
  if (code !== EXIT_CLEAN) {
    process.stderr.write("upgrade-prompts: nothing written\n");
    return code;
  }
  let compiled;
  try {
    const authoring = await import("upgrade-prompts/audience");
    compiled = authoring.compile(results[0].doc.text);
  } catch (e) {
    process.stderr.write(`upgrade-prompts: error[compile_failed]: ${escapeText(e && e.message)}\n`);
    return EXIT_ERRORS;
  }
  try {
    fs.writeFileSync(args.out, compiled.bytes);
  } catch (e) {
    process.stderr.write(`upgrade-prompts: error[write_failed]: cannot write \`${escapeText(args.out)}\`: ${escapeText(e && e.message)}\n`);
    return EXIT_UNREADABLE;
  }
  process.stderr.write(`${escapeText(args.out)}: ${compiled.bytes.length} bytes, hash ${compiled.hash}, reads ${compiled.paths.length} context paths\n`);
  return EXIT_CLEAN;
}

/** Lints and prints the report; returns the exit code and each file's result (its text in `doc`). */
function lint(args, engine) {
  const results = [];
  let unreadable = false;
  let evaluation = null;

  for (const file of args.files) {
    const doc = readDocument(file, MAX_CONFIG_BYTES, "config");
    if (doc.problem) {
      unreadable = true;
      results.push({ file, doc: null, errors: [doc.problem], warnings: [] });
      continue;
    }
    const report = engine.validateConfig(doc.text);
    const result = { file, doc, errors: locateAll(doc, report.errors), warnings: locateAll(doc, report.warnings) };
    if (doc.bom) result.warnings.unshift(bomWarning(doc, "config"));
    results.push(result);
  }

  if (args.context !== null) {
    const configResult = results[0];
    const ctxDoc = readDocument(args.context, MAX_CONTEXT_BYTES, "context");
    if (ctxDoc.problem) {
      unreadable = true;
      results.push({ file: args.context, doc: null, errors: [ctxDoc.problem], warnings: [] });
    } else if (configResult.doc === null || configResult.errors.length > 0) {
      const why = configResult.doc === null ? "could not be read" : "has errors";
      evaluation = { skipped: `the config ${why}, so the context was not evaluated` };
      results.push({ file: args.context, doc: ctxDoc, errors: [], warnings: [] });
    } else {
      // (`strict`: the whole context is checked, unknown fields included.)
      const e = new engine.PromptEngine(configResult.doc.text, { strict: true });
      let ev;
      try {
        ev = e.evaluate(ctxDoc.text);
      } finally {
        e.free();
      }
      const ctxResult = { file: args.context, doc: ctxDoc, errors: locateAll(ctxDoc, ev.errors), warnings: locateAll(ctxDoc, ev.warnings) };
      if (ctxDoc.bom) ctxResult.warnings.unshift(bomWarning(ctxDoc, "context"));
      results.push(ctxResult);
      evaluation = { currency: currencyOf(configResult.doc.text), callouts: ev.callouts, suppressed: ev.suppressed };
    }
  }

  const errorCount = results.reduce((n, r) => n + r.errors.length, 0);
  const warningCount = results.reduce((n, r) => n + r.warnings.length, 0);
  const summary = { results, errorCount, warningCount, evaluation, config: args.files[0], context: args.context };

  const color = args.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY);
  if (args.format === "json") process.stdout.write(formatJson(summary));
  else if (args.format === "github") process.stdout.write(formatGithub(summary));
  else process.stdout.write(formatText(summary, makePaint(color)));

  const code = unreadable ? EXIT_UNREADABLE : errorCount > 0 ? EXIT_ERRORS : EXIT_CLEAN;
  return { code, results };
}

/** Reads a file as UTF-8 text, or says, with a code, why it cannot be linted. */
function readDocument(file, maxBytes, what) {
  const fail = (code, message, help) => ({ problem: { code, message, path: [], ...(help ? { help } : {}) } });
  let stat;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    if (e.code === "ENOENT") return fail("file_not_found", `cannot read \`${file}\`: no such file`);
    if (e.code === "ENOTDIR") return fail("file_not_found", `cannot read \`${file}\`: a parent of it is not a directory`);
    return fail("unreadable_file", `cannot read \`${file}\`: ${systemReason(e)}`);
  }
  if (stat.isDirectory()) return fail("is_directory", `cannot read \`${file}\`: it is a directory`, `name the ${what} files in it, such as \`${joinPath(file, "catalog.json")}\``);
  if (!stat.isFile()) return fail("not_a_file", `cannot read \`${file}\`: it is not a regular file`);
  if (stat.size > maxBytes) {
    return fail("too_large", `${what} file is ${groupDigits(stat.size)} bytes; the limit is ${groupDigits(maxBytes)} bytes (${maxBytes >> 20} MiB)`);
  }
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    if (e.code === "EISDIR") return fail("is_directory", `cannot read \`${file}\`: it is a directory`);
    return fail("unreadable_file", `cannot read \`${file}\`: ${systemReason(e)}`);
  }
  if (bytes.length > maxBytes) {
    return fail("too_large", `${what} file is ${groupDigits(bytes.length)} bytes; the limit is ${groupDigits(maxBytes)} bytes (${maxBytes >> 20} MiB)`);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    // Locate the first bad byte: the text before it is valid, the rest is shown lossily.
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, bad));
    const text = before + new TextDecoder("utf-8").decode(bytes.subarray(bad));
    const doc = makeDoc(text);
    const start = before.length;
    const where = rangeOf(doc, start, start + 1);
    return {
      problem: {
        code: "invalid_utf8",
        message: `${what} file is not UTF-8: byte \`0x${bytes[bad].toString(16).toUpperCase().padStart(2, "0")}\` at byte offset ${bad} cannot start or continue a character`,
        path: [],
        help: "save the file as UTF-8",
        ...where,
        source: doc,
      },
    };
  }
  // TextDecoder drops a leading byte order mark; the file is linted without it, with a warning.
  const doc = makeDoc(new TextDecoder("utf-8").decode(bytes));
  doc.bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return doc;
}

function systemReason(e) {
  if (e.code === "EACCES" || e.code === "EPERM") return "permission denied";
  if (e.code === "ELOOP") return "too many symbolic links";
  return e.code ? `${e.code}` : String(e.message);
}

function joinPath(dir, name) {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** A warning for a file that starts with a byte order mark (linted without it). */
function bomWarning(doc, what) {
  return {
    code: "byte_order_mark",
    message: `${what} file starts with a byte order mark (U+FEFF); \`JSON.parse\` and the engine refuse it when given the text as it is`,
    path: [],
    help: "save the file as UTF-8 without BOM (\`require\` and bundlers strip it; \`readFileSync\` does not)",
    ...rangeOf(doc, 0, Math.min(doc.text.length, charLen(doc.text, 0))),
    source: doc,
  };
}

/** The byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(b) {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let need;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) { need = 2; lo = 0xa0; }
    else if (c === 0xed) { need = 2; hi = 0x9f; }
    else if (c >= 0xe1 && c <= 0xef) need = 2;
    else if (c === 0xf0) { need = 3; lo = 0x90; }
    else if (c === 0xf4) { need = 3; hi = 0x8f; }
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (d === undefined || d < min || d > max) return i;
    }
    i += need + 1;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Positions

/**
 * A text with its line starts; the JSON tree is scanned the first time a path is looked up, the
 * surrogate pairs are listed the first time a column is counted. Every position below is then
 * found by binary search, so that each diagnostic costs the same however long its line is.
 */
function makeDoc(text) {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return { text, lineStarts, tree: undefined, pairs: undefined };
}

/** The first index of a sorted array whose value is at least `x` (the length when none is). */
function lowerBound(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 0-based line of a UTF-16 offset. */
function lineOf(doc, offset) {
  const s = doc.lineStarts;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineEnd(doc, line) {
  const next = doc.lineStarts[line + 1];
  return next === undefined ? doc.text.length : next - 1;
}

/** Offsets of the surrogate pairs of the text (characters outside the BMP, two UTF-16 units
 * for one character), in order; listed once per document. */
function pairsOf(doc) {
  if (doc.pairs === undefined) {
    const pairs = [];
    const pair = /[\ud800-\udbff][\udc00-\udfff]/g;
    for (let m = pair.exec(doc.text); m !== null; m = pair.exec(doc.text)) pairs.push(m.index);
    doc.pairs = pairs;
  }
  return doc.pairs;
}

/** 1-based line and character column of a UTF-16 offset. */
function lineCol(doc, offset) {
  const line = lineOf(doc, offset);
  const start = doc.lineStarts[line];
  // Characters from the line start to the offset: its units less one per pair wholly before it.
  const pairs = pairsOf(doc);
  const before = Math.max(0, lowerBound(pairs, offset - 1) - lowerBound(pairs, start));
  return { line: line + 1, column: offset - start - before + 1 };
}

/** The UTF-16 offset of a 1-based line and character column (clamped to the text). */
function offsetOf(doc, line, column) {
  const l = Math.min(Math.max(line - 1, 0), doc.lineStarts.length - 1);
  const start = doc.lineStarts[l];
  const end = lineEnd(doc, l);
  const chars = Math.max(column - 1, 0);
  // The offset is `start + chars` plus one unit per pair among those characters: the pairs of
  // the line whose character index (offset less the pairs before it) is below `chars`.
  const pairs = pairsOf(doc);
  const first = lowerBound(pairs, start);
  let lo = 0;
  let hi = lowerBound(pairs, end) - first;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pairs[first + mid] - start - mid < chars) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(start + chars + lo, end);
}

/** UTF-16 units of the character at `i` (2 for a surrogate pair). */
function charLen(text, i) {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function rangeOf(doc, start, end) {
  const a = lineCol(doc, start);
  const b = lineCol(doc, Math.max(end, start));
  return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column, start, end: Math.max(end, start) };
}

/**
 * Scans JSON text into a tree of positions: every value has `start`/`end` (UTF-16 offsets,
 * end exclusive), members of objects also `keyStart`/`keyEnd`. Of keys repeated in an object
 * the last is the member (the one the engine reads) and the second is kept in `seconds`. The scan never throws: at a
 * syntax error it stops and keeps what it has (the engine reports the error itself).
 */
function scanJson(text) {
  const n = text.length;
  let i = 0;
  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const scanString = () => {
    // at the opening quote; returns the offset after the closing quote, or -1
    let j = i + 1;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === 0x22) return j + 1;
      if (c === 0x5c) j += 2;
      else j++;
    }
    return -1;
  };
  const decodeKey = (start, end) => {
    try {
      return JSON.parse(text.slice(start, end));
    } catch {
      return text.slice(start + 1, end - 1);
    }
  };

  let root = null;
  const stack = [];
  // Places a finished or opened value into its parent.
  const attach = (node) => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = node;
      return;
    }
    if (top.type === "array") top.items.push(node);
    else {
      node.keyStart = top.pendingKey.start;
      node.keyEnd = top.pendingKey.end;
      const key = top.pendingKey.key;
      // The engine reads the last of repeated keys; the second one is where the repetition starts.
      if (top.members.has(key) && !top.seconds.has(key)) top.seconds.set(key, node);
      top.members.set(key, node);
      top.pendingKey = null;
    }
  };
  const value = () => {
    // parses one value at i; containers are opened (pushed), primitives finished
    skipWs();
    if (i >= n) return false;
    const c = text[i];
    if (c === "{" || c === "[") {
      const node = c === "{"
        ? { type: "object", start: i, end: -1, members: new Map(), seconds: new Map(), pendingKey: null, state: "first" }
        : { type: "array", start: i, end: -1, items: [], state: "first" };
      attach(node);
      stack.push(node);
      i++;
      return true;
    }
    if (c === '"') {
      const end = scanString();
      if (end < 0) return false;
      attach({ type: "string", start: i, end });
      i = end;
      return true;
    }
    const start = i;
    while (i < n && !/[\s,\]}:"[{]/.test(text[i])) i++;
    if (i === start) return false;
    attach({ type: "primitive", start, end: i });
    return true;
  };

  if (!value()) return root;
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    skipWs();
    if (i >= n) break;
    const c = text[i];
    const closer = top.type === "object" ? "}" : "]";
    if (c === closer && top.state !== "afterComma") {
      top.end = i + 1;
      i++;
      stack.pop();
      continue;
    }
    if (top.state === "afterValue") {
      if (c !== ",") break;
      i++;
      top.state = "afterComma";
      continue;
    }
    // first member or after a comma
    if (top.type === "object") {
      if (c !== '"') break;
      const end = scanString();
      if (end < 0) break;
      top.pendingKey = { start: i, end, key: decodeKey(i, end) };
      i = end;
      skipWs();
      if (text[i] !== ":") break;
      i++;
    }
    top.state = "afterValue";
    if (!value()) break;
  }
  // Unclosed containers (a syntax error) end where the scan stopped.
  for (const node of stack) node.end = Math.max(node.start + 1, Math.min(i, n));
  return root;
}

/** Looks a path up in the tree: the node, and whether the whole path was found. */
function lookup(doc, path) {
  if (doc.tree === undefined) doc.tree = scanJson(doc.text);
  let node = doc.tree;
  if (!node) return { node: null, exact: false, parent: null, key: null };
  let parent = null;
  let key = null;
  for (const seg of path) {
    let next;
    if (node.type === "array" && typeof seg === "number") next = node.items[seg];
    else if (node.type === "object" && typeof seg === "string") next = node.members.get(seg);
    if (!next) return { node, exact: false, parent, key };
    parent = node;
    key = seg;
    node = next;
  }
  return { node, exact: true, parent, key };
}

/**
 * The UTF-16 offset in the raw JSON text of decoded character `index` of the string value at
 * `node` (the engine counts characters of the decoded string; escapes take 2 to 12 raw units).
 * A string of plain BMP characters maps directly; any other has the offset of each of its
 * characters listed once, so that many spans into one long string cost one scan of it.
 */
function stringCharOffset(text, node, index) {
  const end = node.end - 1;
  if (node.charStarts === undefined) {
    const raw = text.slice(node.start + 1, end);
    node.charStarts = /[\\\ud800-\udfff]/.test(raw) ? charStartsOf(text, node.start + 1, end) : null;
  }
  if (node.charStarts === null) return Math.min(node.start + 1 + Math.max(index, 0), end);
  const starts = node.charStarts;
  return starts[Math.min(Math.max(index, 0), starts.length - 1)];
}

/** Raw offsets of the decoded characters of a JSON string's contents, and then its end. */
function charStartsOf(text, from, end) {
  const starts = [];
  let i = from;
  while (i < end) {
    starts.push(i);
    if (text.charCodeAt(i) === 0x5c) {
      if (text[i + 1] === "u") {
        const hi = parseInt(text.slice(i + 2, i + 6), 16);
        if (hi >= 0xd800 && hi <= 0xdbff && text[i + 6] === "\\" && text[i + 7] === "u") {
          const lo = parseInt(text.slice(i + 8, i + 12), 16);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            i += 12;
            continue;
          }
        }
        i += 6;
      } else i += 2;
    } else i += charLen(text, i);
  }
  starts.push(Math.min(i, end));
  return starts;
}

/** Adds `line`, `column`, `endLine`, `endColumn` (and offsets) to each diagnostic. */
function locateAll(doc, diagnostics) {
  return diagnostics.map((d) => {
    const out = { ...d, ...locate(doc, d), source: doc };
    if (d.code === "invalid_json" && d.help === undefined) {
      const help = trailingCommaHelp(doc, out.start);
      if (help) out.help = help;
    }
    return out;
  });
}

/** At a `]` or `}` right after a comma (the engine names only the one before `}`): where it is. */
function trailingCommaHelp(doc, offset) {
  const c = doc.text[offset];
  if (c !== "]" && c !== "}") return null;
  let j = offset - 1;
  while (j >= 0 && /[ \t\r\n]/.test(doc.text[j])) j--;
  if (doc.text[j] !== ",") return null;
  const at = lineCol(doc, j);
  return `JSON allows no comma before \`${c}\`: remove the one at line ${at.line} column ${at.column}`;
}

function locate(doc, d) {
  const text = doc.text;
  // JSON syntax errors and duplicate keys carry where they are (`line`, `column`).
  if (Number.isInteger(d.line) && Number.isInteger(d.column) && (d.code === "invalid_json" || d.code === "duplicate_key")) {
    const start = offsetOf(doc, d.line, d.column);
    let end = start + (start < text.length ? charLen(text, start) : 0);
    if (text[start] === '"') {
      // a key: underline all of it
      const close = stringEnd(text, start);
      if (close > start && lineOf(doc, close - 1) === lineOf(doc, start)) end = close;
    }
    return rangeOf(doc, start, end);
  }
  const path = Array.isArray(d.path) ? d.path : [];
  if (path.length === 0) return rangeOf(doc, 0, Math.min(text.length, charLen(text, 0)));
  const found = lookup(doc, path);
  if (!found.node) return rangeOf(doc, 0, Math.min(text.length, charLen(text, 0)));
  const node = found.node;
  if (found.exact && d.span && node.type === "string" && Number.isInteger(d.span.start) && Number.isInteger(d.span.end)) {
    const start = stringCharOffset(text, node, d.span.start);
    const end = stringCharOffset(text, node, Math.max(d.span.end, d.span.start));
    return rangeOf(doc, start, end);
  }
  if (found.exact && d.code === "duplicate_key" && found.parent && found.parent.seconds && found.parent.seconds.has(found.key)) {
    const second = found.parent.seconds.get(found.key);
    return rangeOf(doc, second.keyStart, second.keyEnd);
  }
  const last = path[path.length - 1];
  const aboutKey = found.exact && typeof last === "string" && node.keyStart !== undefined &&
    (d.code.startsWith("unknown_") || d.code.startsWith("duplicate_")) && d.message.includes(`\`${last}\``);
  if (aboutKey) return rangeOf(doc, node.keyStart, node.keyEnd);
  return rangeOf(doc, node.start, node.end);
}

function stringEnd(text, start) {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c === 0x5c) j++;
    else if (c === 0x0a) return -1;
  }
  return -1;
}

function byPosition(a, b) {
  const la = a.line ?? 0;
  const lb = b.line ?? 0;
  return la - lb || (a.column ?? 0) - (b.column ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Output: text

/**
 * Characters a terminal or a CI log acts on instead of showing: C0 controls (`\n` starts a new
 * log line, where `::warning …::` would be read as a workflow command), DEL, C1 controls (ESC
 * and CSI start terminal sequences), the line and paragraph separators, and the bidirectional
 * embeddings, overrides and isolates (which reorder what is shown). Text from a config, a
 * context, a file name or the command line is shown with these as `\u{1b}`-style escapes.
 */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function isUnsafeChar(cp) {
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 ||
    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

function escapeChar(cp) {
  return `\\u{${cp.toString(16)}}`;
}

/** Text for a person or a log: the characters of `UNSAFE_TEXT` as escapes. */
function escapeText(s) {
  return String(s).replace(UNSAFE_TEXT, (c) => escapeChar(c.charCodeAt(0)));
}

function makePaint(on) {
  const wrap = (open, close) => (s) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    error: wrap("1;31", "0"),
    warning: wrap("1;33", "0"),
    bold: wrap("1", "22"),
    gutter: wrap("1;34", "0"),
    help: wrap("1;36", "0"),
    dim: wrap("2", "22"),
  };
}

function formatText(summary, paint) {
  let out = "";
  for (const r of summary.results) {
    const all = [
      ...r.errors.map((d) => ({ d, severity: "error" })),
      ...r.warnings.map((d) => ({ d, severity: "warning" })),
    ].sort((a, b) => byPosition(a.d, b.d));
    for (const { d, severity } of all) out += renderDiagnostic(r.file, d, severity, paint) + "\n";
  }
  if (summary.evaluation) out += renderEvaluation(summary, paint) + "\n";
  const files = summary.results.length;
  const line = `${plural(summary.errorCount, "error")}, ${plural(summary.warningCount, "warning")} in ${plural(files, "file")}`;
  out += (summary.errorCount > 0 ? paint.error(line) : summary.warningCount > 0 ? paint.warning(line) : paint.bold(line)) + "\n";
  return out;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function renderDiagnostic(file, d, severity, paint) {
  const name = escapeText(file);
  const where = d.line ? `${name}:${d.line}:${d.column}` : name;
  const code = escapeText(d.code);
  const label = severity === "error" ? paint.error(`error[${code}]`) : paint.warning(`warning[${code}]`);
  let out = `${paint.bold(where + ":")} ${label}: ${paint.bold(escapeText(d.message))}\n`;
  if (d.line && d.source) {
    const doc = d.source;
    const lineNo = String(d.line);
    const pad = " ".repeat(lineNo.length);
    const { shown, caretPad, caretWidth } = sourceExcerpt(doc, d);
    const carets = (severity === "error" ? paint.error : paint.warning)("^".repeat(caretWidth));
    out += `${paint.gutter(pad + " |")}\n`;
    out += `${paint.gutter(lineNo + " |")} ${shown}\n`;
    out += `${paint.gutter(pad + " |")} ${" ".repeat(caretPad)}${carets}\n`;
    if (d.help) out += `${paint.gutter(pad + " =")} ${paint.help("help")}: ${escapeText(d.help)}\n`;
  } else if (d.help) {
    out += `  ${paint.gutter("=")} ${paint.help("help")}: ${escapeText(d.help)}\n`;
  }
  return out;
}

/** Columns of the source line shown before the caret when the line is cut. */
const SHOWN_BEFORE = 40;

/**
 * The source line of a diagnostic as shown (tabs as 4 spaces, U+FEFF as a space, the other
 * characters of `UNSAFE_TEXT` as `\u{…}` escapes, cut around the caret when long) and where the
 * caret goes, in display columns (East Asian wide characters take two).
 *
 * A line of more than 2 × MAX_SHOWN_WIDTH UTF-16 units has more than MAX_SHOWN_WIDTH
 * characters of at least one column each, so it is cut: only a window around the caret is
 * read then, and a one-line (minified) file costs the same per diagnostic as a formatted one.
 */
function sourceExcerpt(doc, d) {
  const text = doc.text;
  const line = d.line - 1;
  const lineStart = doc.lineStarts[line];
  let lineStop = lineEnd(doc, line);
  if (text[lineStop - 1] === "\r") lineStop--;
  const startOff = Math.max(d.start, lineStart);
  const endOff = d.endLine === d.line ? d.end : lineStop;
  const long = lineStop - lineStart > 2 * MAX_SHOWN_WIDTH;
  let scanFrom = lineStart;
  let scanTo = lineStop;
  if (long) {
    // A character takes at most two units and at least one column: these many units hold more
    // characters than are shown before and after the caret.
    const anchor = Math.min(startOff, lineStop);
    scanFrom = Math.max(lineStart, anchor - 2 * (SHOWN_BEFORE + 8));
    if (scanFrom > lineStart && isLowSurrogate(text, scanFrom) && isHighSurrogate(text, scanFrom - 1)) scanFrom--;
    scanTo = Math.min(lineStop, anchor + 2 * (MAX_SHOWN_WIDTH + 8));
    if (scanTo < lineStop && isLowSurrogate(text, scanTo) && isHighSurrogate(text, scanTo - 1)) scanTo++;
  }
  const cells = []; // { text, width, from } per character of the scanned part of the line
  for (let i = scanFrom; i < scanTo;) {
    const len = charLen(text, i);
    const ch = text.slice(i, i + len);
    const cp = ch.codePointAt(0);
    if (ch === "\t") cells.push({ text: "    ", width: 4, from: i });
    else if (cp === 0xfeff) cells.push({ text: " ", width: 1, from: i });
    else if (isUnsafeChar(cp)) {
      const shown = escapeChar(cp);
      cells.push({ text: shown, width: shown.length, from: i });
    } else cells.push({ text: ch, width: isWide(cp) ? 2 : 1, from: i });
    i += len;
  }
  // caret cells: from the start offset to the end offset on this line (at least one)
  let first = cells.findIndex((c) => c.from >= startOff);
  if (first < 0) first = cells.length;
  let last = cells.findIndex((c) => c.from >= endOff);
  if (last < 0) last = cells.length;
  if (last <= first) last = first + 1; // an empty span, or one at the end of the line

  // cut long lines to a window around the caret
  let from = 0;
  let to = cells.length;
  const widthOf = (a, b) => cells.slice(a, b).reduce((w, c) => w + c.width, 0);
  if (long || widthOf(0, cells.length) > MAX_SHOWN_WIDTH) {
    from = first;
    let w = 0;
    while (from > 0 && w < SHOWN_BEFORE) w += cells[--from].width;
    to = from;
    w = 0;
    while (to < cells.length && w < MAX_SHOWN_WIDTH) w += cells[to++].width;
  }
  const head = from > 0 || scanFrom > lineStart ? "…" : "";
  const tail = to < cells.length || scanTo < lineStop ? "…" : "";
  const shown = head + cells.slice(from, to).map((c) => c.text).join("") + tail;
  const caretPad = head.length + widthOf(from, first);
  const caretWidth = Math.max(1, widthOf(first, Math.min(last, to)));
  return { shown, caretPad, caretWidth };
}

function isHighSurrogate(text, i) {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(text, i) {
  const c = text.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}

/** East Asian Wide and Fullwidth characters, and emoji: two terminal columns. */
function isWide(cp) {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/** A template tag: the interpolated values with the characters of `UNSAFE_TEXT` escaped. */
function safe(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += escapeText(values[i]) + strings[i + 1];
  return out;
}

function renderEvaluation(summary, paint) {
  const ev = summary.evaluation;
  let out = `${paint.bold(safe`evaluation of ${summary.context} with ${summary.config}`)}\n`;
  if (ev.skipped) return out + safe`  not evaluated: ${ev.skipped}` + "\n";
  out += `${paint.bold(`callouts (${ev.callouts.length})`)}\n`;
  if (ev.callouts.length === 0) out += "  none\n";
  ev.callouts.forEach((c, n) => {
    out += `  ${n + 1}. ${paint.bold(escapeText(c.id))}: ` + safe`${c.kind} in ${c.placement}, ${c.severity}, priority ${c.priority}` + "\n";
    out += safe`     title: ${c.title}` + "\n";
    out += safe`     body:  ${c.body}` + "\n";
    out += safe`     cta:   ${c.cta.label} (${c.cta.action}` + (c.cta.url ? safe`, ${c.cta.url}` : "") + ")\n";
    if (c.target) {
      const price = c.target.contactSales ? "contact sales" : c.target.monthlyDelta === null ? "price unknown" : `${signed(c.target.monthlyDelta)} ${ev.currency} a month`;
      const qty = c.target.quantity !== undefined ? ` × ${c.target.quantity}` : "";
      out += safe`     target: ${c.target.type} \`${c.target.id}\`${qty} (${c.target.label}, ${price})` + "\n";
    }
    if (c.experiment) {
      const variant = c.experiment.variant === null ? "none" : `\`${c.experiment.variant}\``;
      out += safe`     experiment: \`${c.experiment.key}\`, variant ${variant}` + (c.experiment.holdout ? " (holdout)" : "") + "\n";
    }
    for (const why of c.reasons) out += safe`     why: ${why}` + "\n";
  });
  out += `${paint.bold(`suppressed (${ev.suppressed.length})`)}\n`;
  if (ev.suppressed.length === 0) out += "  none\n";
  for (const s of ev.suppressed) {
    const exp = !s.experiment ? ""
      : s.experiment.variant === null ? ` (experiment \`${s.experiment.key}\`)`
      : ` (experiment \`${s.experiment.key}\`, variant \`${s.experiment.variant}\`)`;
    out += safe`  ${s.callout} (${s.rule}): ${s.reason}${exp}` + "\n";
  }
  return out;
}

function signed(n) {
  return n < 0 ? `-${Math.abs(n)}` : `+${n}`;
}

/** The config's currency (the engine validated it), for the monthly deltas shown. */
function currencyOf(text) {
  try {
    const c = JSON.parse(text).currency;
    return typeof c === "string" ? c : "USD";
  } catch {
    return "USD";
  }
}

function groupDigits(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// ---------------------------------------------------------------------------------------------
// Output: JSON and GitHub annotations

function publicDiagnostic(d) {
  const out = { code: d.code, message: d.message, path: Array.isArray(d.path) ? d.path : [] };
  if (d.help !== undefined) out.help = d.help;
  if (d.span !== undefined) out.span = d.span;
  out.line = d.line ?? null;
  out.column = d.column ?? null;
  out.endLine = d.endLine ?? null;
  out.endColumn = d.endColumn ?? null;
  return out;
}

function formatJson(summary) {
  const doc = {
    files: summary.results.map((r) => ({
      file: r.file,
      errors: [...r.errors].sort(byPosition).map(publicDiagnostic),
      warnings: [...r.warnings].sort(byPosition).map(publicDiagnostic),
    })),
    errorCount: summary.errorCount,
    warningCount: summary.warningCount,
  };
  if (summary.evaluation) {
    doc.evaluation = summary.evaluation.skipped
      ? { context: summary.context, config: summary.config, skipped: summary.evaluation.skipped }
      : { context: summary.context, config: summary.config, ...summary.evaluation };
  }
  return JSON.stringify(doc, null, 2) + "\n";
}

/** `UNSAFE_TEXT` less CR and LF, which workflow commands escape in their own way. */
const UNSAFE_IN_COMMAND = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** Workflow command data: `%`, CR and LF are escaped as the runner reads them (`%25`, `%0D`,
 * `%0A`), the other characters of `UNSAFE_TEXT` as `\u{…}` (the log would act on them). */
const escapeData = (s) => String(s).replace(UNSAFE_IN_COMMAND, (c) => escapeChar(c.charCodeAt(0)))
  .replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
/** Workflow command properties: also `:` and `,`. */
const escapeProperty = (s) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function formatGithub(summary) {
  let out = "";
  for (const r of summary.results) {
    const all = [
      ...r.errors.map((d) => ({ d, severity: "error" })),
      ...r.warnings.map((d) => ({ d, severity: "warning" })),
    ].sort((a, b) => byPosition(a.d, b.d));
    for (const { d, severity } of all) {
      const props = [`file=${escapeProperty(r.file)}`];
      if (d.line) {
        props.push(`line=${d.line}`, `col=${d.column}`, `endLine=${d.endLine}`, `endColumn=${d.endColumn}`);
      }
      props.push(`title=${escapeProperty(d.code)}`);
      const message = d.help ? `${d.message}\nhelp: ${d.help}` : d.message;
      out += `::${severity} ${props.join(",")}::${escapeData(message)}\n`;
    }
  }
  out += `${plural(summary.errorCount, "error")}, ${plural(summary.warningCount, "warning")} in ${plural(summary.results.length, "file")}\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry (last, so that every constant above is initialized)

// A reader that goes away early (`| head`) is not an error of the input.
process.stdout.on("error", (e) => {
  if (e && e.code === "EPIPE") process.exit(process.exitCode ?? EXIT_CLEAN);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  // A bug in this file, never a problem of the input: say so in one line.
  process.stderr.write(`upgrade-prompts: error[internal_error]: ${escapeText(e && e.message ? e.message : String(e))}\n`);
  process.exitCode = EXIT_UNREADABLE;
}
