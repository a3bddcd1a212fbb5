#!/usr/bin/env node
// Size report for the shipped wasm: where its bytes go, grouped by origin.
//
// Builds a copy of the release wasm that keeps the "name" section (cargo build --release,
// wasm-bindgen --keep-debug, wasm-opt with the size passes and -g with the feature flags of scripts/build.sh) into
// build/size-report/, plus a copy optimized exactly like pkg/ (stripped), then parses the wasm
// binary and prints: total and per-section bytes; code bytes by crate, by sub-path within each
// crate and by module of this crate; notable groups (float formatting, slice sorting, drop glue,
// Vec, collections, hash maps, ...); the largest functions; generic functions by number of
// monomorphized instances; gzip -9 sizes of pkg/upgrade_prompts_bg.wasm, pkg/upgrade_prompts.js and
// the glue's snippet modules in pkg/snippets/.
//
// Usage: node scripts/size-report.mjs [--root DIR] [--json FILE] [--out-dir DIR] [--no-build] [--top N]
//   --root DIR     project checkout to build and measure (default: the one holding this script)
//   --json FILE    also write the report data as JSON to FILE
//   --out-dir DIR  where the names-keeping build goes (default: ROOT/build/size-report)
//   --no-build     reuse the wasm files already in the out dir
//   --top N        rows in the largest-functions list (default 40)
// Honors CARGO_TARGET_DIR (the target directory is asked from `cargo metadata`).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const scriptRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const opts = { root: scriptRoot, json: null, outDir: null, build: true, top: 40 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--root") opts.root = resolve(value());
    else if (a === "--json") opts.json = resolve(value());
    else if (a === "--out-dir") opts.outDir = resolve(value());
    else if (a === "--no-build") opts.build = false;
    else if (a === "--top") opts.top = Number(value());
    else if (a === "-h" || a === "--help") {
      const head = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
      const usage = head.slice(1, head.findIndex((l) => l.startsWith("import"))).map((l) => l.replace(/^\/\/ ?/, ""));
      process.stdout.write(usage.join("\n").trimEnd() + "\n");
      process.exit(0);
    } else fail(`unknown argument: ${a}`);
  }
  opts.outDir ??= join(opts.root, "build", "size-report");
  return opts;
}

function fail(msg) {
  process.stderr.write(`size-report: ${msg}\n`);
  process.exit(1);
}

function log(msg) {
  process.stderr.write(`[size-report] ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Build

// Runs a command with its output on stderr, so stdout carries only the report.
function run(cmd, args, cwd) {
  log(`${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", 2, 2] });
  if (r.error) fail(`${cmd}: ${r.error.message}${r.error.code === "ENOENT" ? " (run `make setup`)" : ""}`);
  if (r.status !== 0) fail(`${cmd} exited with status ${r.status}`);
}

// The lib target name and the target directory, as cargo sees them (honors CARGO_TARGET_DIR).
function cargoMetadata(root) {
  const r = spawnSync("cargo", ["metadata", "--format-version", "1", "--no-deps", "--offline"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) fail(`cargo metadata failed in ${root}:\n${r.stderr}`);
  const meta = JSON.parse(r.stdout);
  const manifest = join(root, "Cargo.toml");
  const pkg = meta.packages.find((p) => resolve(p.manifest_path) === manifest) ?? meta.packages[0];
  const lib = pkg.targets.find((t) => t.kind.includes("cdylib") || t.kind.includes("lib"));
  return { crateName: lib.name.replace(/-/g, "_"), targetDir: meta.target_directory };
}

// scripts/wasm-opt.sh, where the passes and flags are set, and scripts/build.sh, which held them
// in older checkouts (--root).
function buildScripts(root) {
  return ["wasm-opt.sh", "build.sh"]
    .map((f) => join(root, "scripts", f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
}

// The --enable-* flags the shipped wasm is optimized with, so both builds use one feature set.
function wasmOptFeatures(root) {
  const fallback = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
  ];
  const text = buildScripts(root);
  if (text === "") return fallback;
  const found = [...new Set(text.match(/--enable-[a-z0-9-]+/g) ?? [])];
  return found.length ? found : fallback;
}

// The optimization passes the shipped wasm is given (the `size_passes` line).
function wasmOptPasses(root) {
  const m = buildScripts(root).match(/^size_passes="([^"]*)"/m);
  return m ? m[1].split(/\s+/).filter(Boolean) : ["-Oz"];
}

// wasm-opt from the npm package binaryen: in ROOT, else in the checkout holding this script
// (a git worktree has no node_modules of its own).
function wasmOptPath(root) {
  for (const dir of [root, scriptRoot]) {
    const p = join(dir, "node_modules", ".bin", "wasm-opt");
    if (existsSync(p)) return p;
  }
  fail("node_modules/.bin/wasm-opt not found (run `make setup`)");
}

function build(opts, meta) {
  const { root, outDir } = opts;
  const name = meta.crateName;
  // The same cargo build as scripts/build.sh (scripts/wasm-cargo.sh picks the toolchain and
  // prints the .wasm's path); a checkout from before that script builds with plain cargo.
  let input = join(meta.targetDir, "wasm32-unknown-unknown", "release", `${name}.wasm`);
  const wasmCargo = join(root, "scripts", "wasm-cargo.sh");
  if (existsSync(wasmCargo)) {
    // The runtime build: what pkg/upgrade_prompts_bg.wasm is (scripts/build.sh).
    const args = ["--features", "runtime", "--target-dir", join(meta.targetDir, "runtime")];
    log(`${wasmCargo} ${args.join(" ")}`);
    const r = spawnSync("bash", [wasmCargo, ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", 2] });
    if (r.status !== 0) fail(`scripts/wasm-cargo.sh exited with status ${r.status}`);
    input = r.stdout.trim().split("\n").pop();
    if (!input.startsWith("/")) input = join(root, input);
  } else {
    run("cargo", ["build", "--release", "--lib", "--target", "wasm32-unknown-unknown"], root);
  }
  if (!existsSync(input)) fail(`${input} was not built`);
  mkdirSync(outDir, { recursive: true });
  run("wasm-bindgen", ["--target", "web", "--keep-debug", "--out-dir", outDir, "--out-name", name, input], root);
  const wasmOpt = wasmOptPath(root);
  const features = wasmOptFeatures(root);
  const passes = wasmOptPasses(root);
  const bindgen = join(outDir, `${name}_bg.wasm`);
  run(wasmOpt, [...passes, ...features, "--debuginfo", bindgen, "-o", join(outDir, `${name}_bg.names.wasm`)], root);
  run(
    wasmOpt,
    [...passes, ...features, "--strip-debug", "--strip-producers", bindgen, "-o", join(outDir, `${name}_bg.stripped.wasm`)],
    root,
  );
}

// ---------------------------------------------------------------------------------------------
// Wasm binary parsing

const SECTION_NAMES = [
  "custom",
  "type",
  "import",
  "function",
  "table",
  "memory",
  "global",
  "export",
  "start",
  "element",
  "code",
  "data",
  "datacount",
  "tag",
];

class Reader {
  constructor(buf, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }
  byte() {
    if (this.pos >= this.end) throw new Error(`unexpected end of wasm at ${this.pos}`);
    return this.buf[this.pos++];
  }
  u32() {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) return result;
      mul *= 128;
    }
  }
  // Skips a signed LEB128 value.
  skipLeb() {
    while (this.byte() & 0x80);
  }
  // A signed LEB128 value of at most 32 bits.
  i32() {
    let result = 0;
    let shift = 0;
    let b;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && b & 0x40 ? result | (~0 << shift) : result;
  }
  // A constant expression: its value when it is \`i32.const N\` alone, else null (skipped).
  constI32() {
    const start = this.pos;
    if (this.byte() === 0x41) {
      const v = this.i32();
      if (this.byte() === 0x0b) return v;
    }
    this.pos = start;
    this.skipConstExpr();
    return null;
  }
  bytes(n) {
    if (this.pos + n > this.end) throw new Error(`unexpected end of wasm at ${this.pos}`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  string() {
    return new TextDecoder().decode(this.bytes(this.u32()));
  }
  // Skips a constant expression (data segment offsets): opcodes up to `end`.
  skipConstExpr() {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42) this.skipLeb(); // i32.const, i64.const
      else if (op === 0x23) this.u32(); // global.get
      else if (op === 0x44) this.bytes(8); // f64.const
      else if (op === 0x43) this.bytes(4); // f32.const
      else if (op === 0xd0) this.skipLeb(); // ref.null heaptype
      else if (op === 0xd2) this.u32(); // ref.func
      else if ([0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e].includes(op)) continue; // extended-const arithmetic
      else throw new Error(`unsupported opcode 0x${op.toString(16)} in constant expression`);
    }
  }
  skipLimits() {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
  skipRefType() {
    const t = this.byte();
    if (t === 0x63 || t === 0x64) this.skipLeb(); // (ref null? heaptype)
  }
}

// Parses the sections, the imported function count, exports, code bodies, data segments and
// the function and data segment names of the "name" custom section.
function parseWasm(buf) {
  if (buf.length < 8 || buf.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  const r = new Reader(buf, 8);
  const sections = [];
  while (r.pos < buf.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u32();
    const payload = r.pos;
    const end = payload + size;
    let name = SECTION_NAMES[id] ?? `unknown(${id})`;
    if (id === 0) name = `custom "${new Reader(buf, payload, end).string()}"`;
    sections.push({ id, name, start, payload, end, size: end - start });
    r.pos = end;
  }

  let importedFuncs = 0;
  const exports = new Map(); // function index -> export names
  const bodies = []; // { index, size }
  const segments = []; // { index, size, bytes, kind, offset (active, when an i32.const) }
  const globals = []; // { type (value type byte), mutable, init (when an i32.const, else null) }
  const funcNames = new Map();
  const dataNames = new Map();

  for (const s of sections) {
    const sr = new Reader(buf, s.payload, s.end);
    if (s.id === 2) {
      const n = sr.u32();
      for (let i = 0; i < n; i++) {
        sr.string();
        sr.string();
        const kind = sr.byte();
        if (kind === 0) {
          sr.u32();
          importedFuncs++;
        } else if (kind === 1) {
          sr.skipRefType();
          sr.skipLimits();
        } else if (kind === 2) sr.skipLimits();
        else if (kind === 3) {
          sr.skipRefType();
          sr.byte();
        } else if (kind === 4) {
          sr.byte();
          sr.u32();
        } else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (s.id === 6) {
      const n = sr.u32();
      for (let i = 0; i < n; i++) {
        const type = sr.byte();
        if (type === 0x63 || type === 0x64) sr.skipLeb(); // (ref null? heaptype)
        const mutable = sr.byte() === 1;
        globals.push({ type, mutable, init: sr.constI32() });
      }
    } else if (s.id === 7) {
      const n = sr.u32();
      for (let i = 0; i < n; i++) {
        const name = sr.string();
        const kind = sr.byte();
        const index = sr.u32();
        if (kind === 0) exports.set(index, [...(exports.get(index) ?? []), name]);
      }
    } else if (s.id === 10) {
      const n = sr.u32();
      for (let i = 0; i < n; i++) {
        const start = sr.pos;
        const len = sr.u32();
        sr.pos += len;
        bodies.push({ local: i, size: sr.pos - start });
      }
    } else if (s.id === 11) {
      const n = sr.u32();
      for (let i = 0; i < n; i++) {
        const start = sr.pos;
        const flags = sr.u32();
        if (flags === 2) sr.u32();
        const offset = flags !== 1 ? sr.constI32() : null;
        const len = sr.u32();
        sr.pos += len;
        segments.push({ index: i, size: sr.pos - start, bytes: len, kind: flags === 1 ? "passive" : "active", offset });
      }
    } else if (s.id === 0 && s.name === 'custom "name"') {
      sr.string();
      while (sr.pos < sr.end) {
        const sub = sr.byte();
        const len = sr.u32();
        const subEnd = sr.pos + len;
        if (sub === 1 || sub === 9) {
          const target = sub === 1 ? funcNames : dataNames;
          const n = sr.u32();
          for (let i = 0; i < n; i++) {
            const idx = sr.u32();
            target.set(idx, sr.string());
          }
        }
        sr.pos = subEnd;
      }
    }
  }

  const functions = bodies.map((b) => {
    const index = importedFuncs + b.local;
    return { index, size: b.size, rawName: funcNames.get(index) ?? null, exports: exports.get(index) ?? [] };
  });
  for (const seg of segments) seg.name = dataNames.get(seg.index) ?? null;
  return { size: buf.length, sections, importedFuncs, functions, segments, globals, hasNames: funcNames.size > 0 };
}

// ---------------------------------------------------------------------------------------------
// Rust symbol demangling

// Decodes the `$LT$`-style escapes of legacy Rust mangling ("..", "$u20$", ...).
function decodeLegacyEscapes(s) {
  const table = { SP: "@", BP: "*", RF: "&", LT: "<", GT: ">", LP: "(", RP: ")", C: "," };
  return s
    .replace(/(^|::|[<(, ])_\$/g, "$1$")
    .replace(/\$(SP|BP|RF|LT|GT|LP|RP|C|u[0-9a-f]+)\$/g, (m, code) =>
      code[0] === "u" ? String.fromCodePoint(parseInt(code.slice(1), 16)) : table[code],
    )
    .replace(/\.\./g, "::");
}

// Legacy mangling: _ZN <len><ident>... E, with a trailing 17h<hash> segment.
function demangleLegacy(sym) {
  const m = /^_?_?ZN/.exec(sym);
  let i = m[0].length;
  const parts = [];
  while (i < sym.length && sym[i] !== "E") {
    const d = /^\d+/.exec(sym.slice(i));
    if (!d) return null;
    i += d[0].length;
    const len = Number(d[0]);
    parts.push(sym.slice(i, i + len));
    i += len;
  }
  if (sym[i] !== "E") return null;
  return decodeLegacyEscapes(parts.join("::"));
}

const V0_BASIC = {
  a: "i8", b: "bool", c: "char", d: "f64", e: "str", f: "f32", h: "u8", i: "isize", j: "usize",
  l: "i32", m: "u32", n: "i128", o: "u128", s: "i16", t: "u16", u: "()", v: "...", x: "i64",
  y: "u64", z: "!", p: "_",
};

// v0 mangling (_R...), printed like rustc-demangle / llvm-cxxfilt without lifetimes and hashes.
class V0Demangler {
  constructor(s) {
    this.s = s; // the symbol after "_R"; backrefs are offsets into it
    this.i = 0;
    this.depth = 0;
  }
  peek() {
    return this.s[this.i];
  }
  eat(c) {
    if (this.s[this.i] === c) {
      this.i++;
      return true;
    }
    return false;
  }
  next() {
    if (this.i >= this.s.length) throw new Error("eof");
    return this.s[this.i++];
  }
  base62() {
    if (this.eat("_")) return 0;
    let x = 0;
    for (;;) {
      const c = this.next();
      if (c === "_") return x + 1;
      const d = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".indexOf(c);
      if (d < 0) throw new Error("bad base-62 digit");
      x = x * 62 + d;
    }
  }
  optBase62(tag) {
    return this.eat(tag) ? this.base62() + 1 : 0;
  }
  decimal() {
    const m = /^(0|[1-9]\d*)/.exec(this.s.slice(this.i));
    if (!m) throw new Error("expected decimal");
    this.i += m[0].length;
    return Number(m[0]);
  }
  ident() {
    const puny = this.eat("u");
    const len = this.decimal();
    this.eat("_");
    const text = this.s.slice(this.i, this.i + len);
    if (text.length !== len) throw new Error("eof in identifier");
    this.i += len;
    return puny ? `{punycode:${text}}` : text;
  }
  // Runs `fn` with the cursor at a backref target, then returns to just after the backref.
  backref(fn) {
    const at = this.i - 1;
    const target = this.base62();
    if (target >= at) throw new Error("forward backref");
    if (++this.depth > 200) throw new Error("backref recursion");
    const saved = this.i;
    this.i = target;
    const out = fn();
    this.i = saved;
    this.depth--;
    return out;
  }
  path(inValue) {
    const tag = this.next();
    switch (tag) {
      case "C":
        this.optBase62("s");
        return this.ident();
      case "M": {
        this.optBase62("s");
        this.path(false);
        return `<${this.type()}>`;
      }
      case "X": {
        this.optBase62("s");
        this.path(false);
        const self = this.type();
        return `<${self} as ${this.path(false)}>`;
      }
      case "Y": {
        const self = this.type();
        return `<${self} as ${this.path(false)}>`;
      }
      case "N": {
        const ns = this.next();
        const parent = this.path(inValue);
        const dis = this.optBase62("s");
        const name = this.ident();
        if (ns >= "A" && ns <= "Z") {
          const kind = ns === "C" ? "closure" : ns === "S" ? "shim" : ns;
          return `${parent}::{${kind}${name ? `:${name}` : ""}#${dis}}`;
        }
        return name ? `${parent}::${name}` : parent;
      }
      case "I": {
        const base = this.path(inValue);
        const args = [];
        while (!this.eat("E")) {
          const a = this.genericArg();
          if (a !== null) args.push(a);
        }
        if (!args.length) return base; // only lifetimes, which are not printed
        return `${base}${inValue ? "::" : ""}<${args.join(", ")}>`;
      }
      case "B":
        return this.backref(() => this.path(inValue));
      default:
        throw new Error(`bad path tag ${tag}`);
    }
  }
  genericArg() {
    if (this.eat("L")) {
      this.base62();
      return null;
    }
    if (this.eat("K")) return this.constant();
    return this.type();
  }
  lifetimeOpt() {
    if (this.eat("L")) this.base62();
  }
  binderOpt() {
    if (this.eat("G")) this.base62();
  }
  type() {
    const c = this.next();
    if (V0_BASIC[c]) return V0_BASIC[c];
    switch (c) {
      case "R":
      case "Q": {
        this.lifetimeOpt();
        return `${c === "R" ? "&" : "&mut "}${this.type()}`;
      }
      case "P":
        return `*const ${this.type()}`;
      case "O":
        return `*mut ${this.type()}`;
      case "A": {
        const t = this.type();
        return `[${t}; ${this.constant()}]`;
      }
      case "S":
        return `[${this.type()}]`;
      case "T": {
        const items = [];
        while (!this.eat("E")) items.push(this.type());
        return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
      }
      case "F": {
        this.binderOpt();
        const unsafe = this.eat("U") ? "unsafe " : "";
        let abi = "";
        if (this.eat("K")) abi = `extern "${this.eat("C") ? "C" : this.ident().replace(/_/g, "-")}" `;
        const params = [];
        while (!this.eat("E")) params.push(this.type());
        const ret = this.type();
        return `${unsafe}${abi}fn(${params.join(", ")})${ret === "()" ? "" : ` -> ${ret}`}`;
      }
      case "D": {
        this.binderOpt();
        const traits = [];
        while (!this.eat("E")) {
          let t = this.path(false);
          const bindings = [];
          while (this.eat("p")) {
            const name = this.ident();
            bindings.push(`${name} = ${this.type()}`);
          }
          if (bindings.length) t = t.endsWith(">") ? `${t.slice(0, -1)}, ${bindings.join(", ")}>` : `${t}<${bindings.join(", ")}>`;
          traits.push(t);
        }
        this.lifetimeOpt();
        return `dyn ${traits.join(" + ")}`;
      }
      case "B":
        return this.backref(() => this.type());
      default:
        this.i--;
        return this.path(false);
    }
  }
  constant() {
    if (this.eat("B")) return this.backref(() => this.constant());
    if (this.eat("p")) return "_";
    const t = this.next();
    if (t === "R" || t === "Q") return `${t === "R" ? "&" : "&mut "}${this.constant()}`;
    if (t === "A" || t === "T") {
      const items = [];
      while (!this.eat("E")) items.push(this.constant());
      return t === "A" ? `[${items.join(", ")}]` : `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
    }
    if (t === "e") {
      const hex = this.hexDigits();
      return JSON.stringify(Buffer.from(hex, "hex").toString("utf8"));
    }
    if (t === "V") {
      const p = this.path(false);
      if (this.eat("U")) return p;
      const fields = [];
      if (this.eat("T")) {
        while (!this.eat("E")) fields.push(this.constant());
        return `${p}(${fields.join(", ")})`;
      }
      if (this.eat("S")) {
        while (!this.eat("E")) {
          this.optBase62("s");
          const name = this.ident();
          fields.push(`${name}: ${this.constant()}`);
        }
        return `${p} { ${fields.join(", ")} }`;
      }
      throw new Error("bad const variant");
    }
    const ty = V0_BASIC[t];
    if (!ty) throw new Error(`bad const type ${t}`);
    const neg = this.eat("n");
    const hex = this.hexDigits();
    const value = hex === "" ? 0n : BigInt(`0x${hex}`);
    if (ty === "bool") return value ? "true" : "false";
    if (ty === "char") return `'${String.fromCodePoint(Number(value))}'`;
    return `${neg ? "-" : ""}${value}`;
  }
  hexDigits() {
    const m = /^[0-9a-f]*_/.exec(this.s.slice(this.i));
    if (!m) throw new Error("bad const data");
    this.i += m[0].length;
    return m[0].slice(0, -1);
  }
}

function demangleV0(sym) {
  const body = sym.replace(/^_?_?R/, "");
  const d = new V0Demangler(body);
  try {
    if (/^\d/.test(body)) d.decimal(); // encoding version
    return d.path(true);
  } catch {
    return null;
  }
}

// A readable Rust path for a name from the name section: legacy and v0 symbols are
// demangled, names the linker already demangled get their legacy escapes decoded; the
// trailing ::h<hash> and LLVM suffixes are removed.
function demangle(raw) {
  let s = raw.replace(/\.llvm\.\d+$/, "");
  if (/^_?_?ZN\d/.test(s)) s = demangleLegacy(s) ?? s;
  else if (/^_?_?R[0-9A-Z]/.test(s)) s = demangleV0(s) ?? s;
  else if (s.includes("$")) s = decodeLegacyEscapes(s);
  return s
    .replace(/::h[0-9a-f]{16}$/, "")
    .replace(/::\{\{closure\}\}/g, "::{closure}")
    .replace(/\b([A-Za-z_]\w*)\[[0-9a-f]{1,16}\]/g, "$1"); // crate disambiguators: core[c5930c85a12de822]
}

// ---------------------------------------------------------------------------------------------
// Rust path analysis

// Index of the `>` closing the `<` at `open` (an arrow's `>` does not count).
function matchAngle(s, open) {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "<") depth++;
    else if (c === ">" && s[i - 1] !== "-") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

// Splits at `sep` outside of <>, () and [].
function splitTop(s, sep) {
  const out = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "<" || c === "(" || c === "[") depth++;
    else if ((c === ">" && s[i - 1] !== "-") || c === ")" || c === "]") depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(last, i));
      i += sep.length - 1;
      last = i + 1;
    }
  }
  out.push(s.slice(last));
  return out;
}

// Replaces the generic arguments of path segments (`Vec<T>`, `f::<u8>`) by `<…>`; qualified
// paths (`<A as B>::f`) and impl headers (`::<impl X for Y>`) keep their brackets.
function collapseGenerics(s) {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "<") {
      const turbofish = out.endsWith("::") && /[\w>]$/.test(out.slice(0, -2)) && !s.startsWith("<impl ", i);
      if (/[\w]$/.test(out) || turbofish) {
        const close = matchAngle(s, i);
        if (close > 0) {
          if (turbofish) out = out.slice(0, -2);
          out += "<…>";
          i = close;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

const PRIMITIVE = /^(bool|char|str|f32|f64|[iu](8|16|32|64|128|size))$/;

// The path a type names, or null for generic parameters, primitives, slices, tuples, fn types.
function typePath(t) {
  t = t.trim().replace(/^(&mut |&|\*const |\*mut |dyn )+/, "");
  if (t.startsWith("<")) return ownerPath(t);
  const first = splitTop(t, "::")[0].replace(/<.*$/, "");
  if (!/^[A-Za-z_]\w*$/.test(first) || PRIMITIVE.test(first) || !t.includes("::")) return null;
  return splitTop(t, "::").map((seg) => seg.replace(/<.*$/s, ""));
}

// The path segments (without generic arguments) of the item a function belongs to:
// `core::fmt::Formatter::pad` → [core, fmt, Formatter, pad]; for `<A as B>::f` the path of A,
// or of the trait B when A is not a path (primitives, generic parameters, slices).
function ownerPath(name) {
  if (name.startsWith("<")) {
    const close = matchAngle(name, 0);
    if (close < 0) return null;
    const inner = name.slice(1, close);
    const rest = splitTop(name.slice(close + 1), "::").filter(Boolean).map((seg) => seg.replace(/<.*$/s, ""));
    const [self, trait] = splitTop(inner, " as ");
    const selfPath = typePath(self);
    if (selfPath) return [...selfPath, ...rest];
    // Formatting impls for primitives live in core::fmt::float and core::fmt::num.
    const prim = self.trim();
    if (trait?.startsWith("core::fmt::") && /^f(32|64)$/.test(prim)) return ["core", "fmt", "float", `<impl for ${prim}>`, ...rest];
    if (trait?.startsWith("core::fmt::") && /^[iu](8|16|32|64|128|size)$/.test(prim)) return ["core", "fmt", "num", `<impl for ${prim}>`, ...rest];
    // Parsing impls for primitives live in core::num::dec2flt (floats) and core::num (integers).
    if (trait === "core::str::traits::FromStr" && /^f(32|64)$/.test(prim)) return ["core", "num", "dec2flt", `<impl for ${prim}>`, ...rest];
    if (trait === "core::str::traits::FromStr" && PRIMITIVE.test(prim)) return ["core", "num", `<impl for ${prim}>`, ...rest];
    const traitPath = trait ? typePath(trait) : null;
    if (traitPath) return [...traitPath, ...rest];
    if (!trait) return primitiveImplPath(prim, rest);
    return null;
  }
  const segs = splitTop(name, "::").map((seg) => (seg.startsWith("<") ? seg : seg.replace(/<.*$/s, "")));
  if (segs.length < 2) return null;
  return segs;
}

// Methods of inherent impls on primitive types (`<str>::len`, `<[T]>::sort_by`): core's,
// except the allocating ones, which alloc defines.
const ALLOC_PRIMITIVE_METHODS =
  /^(to_(ascii_)?(lowercase|uppercase)|to_vec|into_vec|to_owned|repeat|replacen?|join|concat|into_string|into_boxed_str|sort(_by|_by_key|_by_cached_key)?|escape_\w+)$/;

function primitiveImplPath(self, rest) {
  const module = self.startsWith("[") ? "slice" : /^(str|char|bool)$/.test(self) ? self : /^f(32|64)$/.test(self) ? self : PRIMITIVE.test(self) ? "num" : null;
  if (!module) return null;
  const crate = ALLOC_PRIMITIVE_METHODS.test(rest[0] ?? "") ? "alloc" : "core";
  return [crate, module, `<impl ${self}>`, ...rest];
}

// Unmangled symbols and the crate they come from.
function unmangledCrate(name, exported, crateName) {
  if (/^__wbindgen_|^__externref_|^__wbg_\w+_free$/.test(name) && !/^__wbg_\w+_free$/.test(name)) return "wasm_bindgen";
  if (/^__wbg_\w+_free$/.test(name)) return crateName; // destructor of an exported class
  if (/^(__rust_|__rdl_|__rg_|__rdg_|rust_begin_unwind|rust_panic|rust_oom)/.test(name)) return "std";
  if (/^(mem(cpy|set|move|cmp)|bcmp|__(ash|lsh|mul|div|mod|udiv|umod|fix|float|neg|cmp|unord|add|sub|extend|trunc|pow)\w*)$/.test(name))
    return "compiler_builtins";
  if (/^(round|fmax|fmin|floor|ceil|trunc|sqrt|pow|exp|exp2|log|log2|log10|fmod|fabs|copysign|sin|cos|tan|cbrt|hypot)f?$/.test(name))
    return "compiler_builtins"; // libm
  if (exported) return crateName;
  if (/ shim$/.test(name)) return "wasm_bindgen"; // adapters generated by the wasm-bindgen CLI // #[wasm_bindgen] exports keep their JS-facing names
  return null;
}

const MAIN_CRATES = ["core", "alloc", "serde", "serde_json", "wasm_bindgen", "js_sys", "serde_wasm_bindgen", "dlmalloc", "std"];

// Groups matched against the owner path of every function (prefixes of `a::b::c`).
const NOTABLE = [
  { id: "core::fmt", label: "core::fmt (all formatting machinery)", match: (p) => p.startsWith("core::fmt::") },
  {
    id: "float-fmt",
    label: "  float printing: core::fmt::float, core::num::flt2dec (grisu, dragon), bignum, diy_float",
    match: (p) => /^core::(fmt::float|num::(flt2dec|bignum|diy_float|fmt))::/.test(p),
  },
  { id: "int-fmt", label: "  integer printing: core::fmt::num", match: (p) => p.startsWith("core::fmt::num::") },
  { id: "dec2flt", label: "float parsing: core::num::dec2flt", match: (p) => p.startsWith("core::num::dec2flt::") },
  { id: "sort", label: "slice sort: core::slice::sort", match: (p) => p.startsWith("core::slice::sort::") },
  { id: "drop", label: "drop glue: core::ptr::drop_in_place", match: (p) => p.startsWith("core::ptr::drop_in_place") },
  { id: "vec", label: "alloc::vec", match: (p) => p.startsWith("alloc::vec::") },
  { id: "raw_vec", label: "alloc::raw_vec (Vec growth)", match: (p) => p.startsWith("alloc::raw_vec::") },
  { id: "collections", label: "alloc::collections (BTreeMap, VecDeque, …)", match: (p) => p.startsWith("alloc::collections::") },
  {
    id: "string",
    label: "alloc::string, alloc::str, alloc::fmt (String, format!)",
    match: (p) => /^alloc::(string|str|fmt)::/.test(p),
  },
  {
    id: "hash",
    label: "hash maps: hashbrown, indexmap, std::collections::hash, core::hash",
    match: (p) => /^(hashbrown|indexmap)::|^std::(collections::hash|hash)::|^core::hash::/.test(p),
  },
  {
    id: "panic",
    label: "panics: core::panicking, std::panicking, core::result/option *_failed",
    match: (p) => /^(core|std)::panicking::|^core::(result::unwrap_failed|option::(expect|unwrap)_failed)/.test(p),
  },
];

// Classifies every function: display name, crate, category, sub-path, module, generic key.
function classify(functions, crateName, modules) {
  for (const f of functions) {
    const name = f.rawName ? demangle(f.rawName) : `func[${f.index}]`;
    f.name = name;
    f.key = collapseGenerics(name);
    let owner = f.rawName ? ownerPath(collapseGenerics(name)) : null;
    let crate = owner ? owner[0] : null;
    if (crate && !/^[A-Za-z_]\w*$/.test(crate)) crate = null;
    if (crate === "__rustc") {
      // Allocator shims (__rustc::__rdl_alloc, ...), defined by std::alloc.
      owner = ["std", "alloc", ...owner.slice(1)];
      crate = "std";
    }
    if (!crate && f.rawName) crate = unmangledCrate(f.rawName, f.exports.length > 0, crateName);
    f.crate = crate ?? (f.rawName ? "(unknown)" : "(unnamed, made by wasm-opt)");
    f.category = f.crate === crateName || MAIN_CRATES.includes(f.crate) ? f.crate : f.crate === "serde_core" ? "serde" : "other";
    f.ownerPath = owner ? owner.join("::") : null;
    f.subPath = owner && owner.length > 1 ? `${owner[0]}::${owner[1]}` : f.crate;
    if (f.crate === crateName) {
      if (!owner) f.module = `${crateName}::<wasm-bindgen exports>`;
      else if (modules.has(owner[1])) f.module = `${crateName}::${owner[1]}`;
      else f.module = `${crateName} (crate root)`;
    }
    f.serdeDerive = f.crate === crateName && /::_::<impl serde(_core)?::/.test(name);
  }
}

// The module names of a crate: files and directories under src/.
function crateModules(root) {
  const src = join(root, "src");
  if (!existsSync(src)) return new Set();
  return new Set(
    readdirSync(src, { withFileTypes: true })
      .map((e) => (e.isDirectory() ? e.name : e.name.replace(/\.rs$/, "")))
      .filter((n) => n !== "lib" && n !== "main"),
  );
}

// ---------------------------------------------------------------------------------------------
// Aggregation

function groupBy(items, keyOf) {
  const m = new Map();
  for (const it of items) {
    const k = keyOf(it);
    if (k == null) continue;
    const g = m.get(k) ?? { key: k, bytes: 0, count: 0 };
    g.bytes += it.size;
    g.count++;
    m.set(k, g);
  }
  return [...m.values()].sort((a, b) => b.bytes - a.bytes || a.key.localeCompare(b.key));
}

function sectionSummary(wasm) {
  const rows = wasm.sections.map((s) => ({ name: s.name, bytes: s.size }));
  const sum = (pred) => wasm.sections.filter(pred).reduce((a, s) => a + s.size, 0);
  return {
    total: wasm.size,
    sections: rows,
    code: sum((s) => s.id === 10),
    data: sum((s) => s.id === 11 || s.id === 12),
    other: wasm.size - sum((s) => s.id === 10 || s.id === 11 || s.id === 12),
    nameSection: sum((s) => s.name === 'custom "name"'),
  };
}

function gzipSize(file) {
  const r = spawnSync("gzip", ["-9", "-c", file], { maxBuffer: 256 << 20 });
  if (r.status === 0) return r.stdout.length;
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

function fileInfo(file) {
  if (!existsSync(file)) return null;
  return { path: file, bytes: statSync(file).size, gzip9: gzipSize(file) };
}

// The checked-out commit, marked "+ uncommitted changes" when src/ or Cargo.* differ from it.
function gitCommit(root) {
  const head = spawnSync("git", ["log", "-1", "--format=%h %s"], { cwd: root, encoding: "utf8" });
  if (head.status !== 0) return null;
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"], { cwd: root, encoding: "utf8" });
  return `${clip(head.stdout.trim(), 80)}${dirty.stdout.trim() ? " + uncommitted changes" : ""}`;
}

function analyze(opts, meta) {
  const { root, outDir } = opts;
  const name = meta.crateName;
  const namesFile = join(outDir, `${name}_bg.names.wasm`);
  const strippedFile = join(outDir, `${name}_bg.stripped.wasm`);
  if (!existsSync(namesFile)) fail(`${namesFile} is missing (run without --no-build)`);
  const wasm = parseWasm(readFileSync(namesFile));
  if (wasm.functions.length && !wasm.hasNames) fail(`${namesFile} has no function names in a "name" section (is \`strip\` set in [profile.release]?)`);
  const stripped = existsSync(strippedFile) ? parseWasm(readFileSync(strippedFile)) : null;

  const fns = wasm.functions;
  classify(fns, name, crateModules(root));
  const codeBytes = fns.reduce((a, f) => a + f.size, 0);

  const categories = [name, ...MAIN_CRATES, "other"].map((c) => {
    const inCat = fns.filter((f) => f.category === c);
    return {
      category: c,
      bytes: inCat.reduce((a, f) => a + f.size, 0),
      functions: inCat.length,
      crates: c === "other" ? groupBy(inCat, (f) => f.crate) : undefined,
    };
  });

  const subPaths = {};
  for (const c of [...MAIN_CRATES, "other"]) {
    const inCat = fns.filter((f) => f.category === c);
    if (inCat.length) subPaths[c] = groupBy(inCat, (f) => f.subPath);
  }

  const ownFns = fns.filter((f) => f.crate === name);
  const modules = groupBy(ownFns, (f) => f.module).map((g) => ({
    ...g,
    serdeDerive: ownFns.filter((f) => f.module === g.key && f.serdeDerive).reduce((a, f) => a + f.size, 0),
  }));

  const notable = NOTABLE.map((n) => {
    const hit = fns.filter((f) => f.ownerPath && n.match(f.ownerPath));
    return { id: n.id, label: n.label, bytes: hit.reduce((a, f) => a + f.size, 0), functions: hit.length };
  });
  const derive = ownFns.filter((f) => f.serdeDerive);
  notable.push({
    id: "serde-derive",
    label: `${name} serde derive impls (Serialize/Deserialize, visitors)`,
    bytes: derive.reduce((a, f) => a + f.size, 0),
    functions: derive.length,
  });

  const generics = groupBy(fns.filter((f) => f.rawName), (f) => f.key).filter((g) => g.count > 1);

  const top = [...fns].sort((a, b) => b.size - a.size).slice(0, opts.top);

  const pkgDir = join(root, "pkg");
  // (The entry's module bundles the glue with js/engine.js; it has no snippet files.)
  const snippets = [];
  const files = {
    pkgWasm: fileInfo(join(pkgDir, `${name}_bg.wasm`)),
    pkgJs: fileInfo(join(pkgDir, `${name}.js`)),
    pkgSnippets: snippets.length
      ? { bytes: snippets.reduce((n, f) => n + f.bytes, 0), gzip9: snippets.reduce((n, f) => n + f.gzip, 0) }
      : null,
    rebuiltStrippedWasm: fileInfo(strippedFile),
    rebuiltJs: fileInfo(join(outDir, `${name}.js`)),
    namesWasm: fileInfo(namesFile),
  };

  return {
    root,
    commit: gitCommit(root),
    crate: name,
    files,
    sections: { names: sectionSummary(wasm), stripped: stripped ? sectionSummary(stripped) : null },
    code: { bytes: codeBytes, functions: fns.length, importedFunctions: wasm.importedFuncs },
    categories,
    subPaths,
    modules,
    notable,
    generics: {
      keys: generics.length,
      instances: generics.reduce((a, g) => a + g.count, 0),
      bytes: generics.reduce((a, g) => a + g.bytes, 0),
      list: generics,
    },
    top: top.map((f) => ({ bytes: f.size, crate: f.crate, name: f.name, index: f.index })),
    dataSegments: wasm.segments.map((s) => ({ index: s.index, name: s.name, bytes: s.size, kind: s.kind })),
    functions: fns.map((f) => ({
      index: f.index,
      bytes: f.size,
      crate: f.crate,
      category: f.category,
      module: f.module,
      name: f.name,
      rawName: f.rawName,
      exports: f.exports.length ? f.exports : undefined,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Text output

const fmtBytes = (n) => n.toLocaleString("en-US");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : "-");
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// Text table; `align` has one letter per column, "l" or "r" (default: first left, rest right).
function table(rows, header, align) {
  const all = header ? [header, ...rows] : rows;
  if (!all.length) return "";
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  const left = (i) => (align ? align[i] === "l" : i === 0);
  const line = (r) =>
    r
      .map((cell, i) => (left(i) ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i])))
      .join("  ")
      .trimEnd();
  return all.map(line).join("\n");
}

function render(rep, opts) {
  const out = [];
  const p = (s = "") => out.push(s);
  const code = rep.code.bytes;
  const names = rep.sections.names;
  const stripped = rep.sections.stripped;

  p(`Size report for ${rep.crate} (${rep.root})`);
  if (rep.commit) p(`commit ${rep.commit}`);
  if (!rep.code.functions) p("note: the module defines no functions");
  p();
  p("== Files ==");
  const fileRow = (label, f) => (f ? [label, fmtBytes(f.bytes), fmtBytes(f.gzip9), kb(f.gzip9)] : [label, "missing", "", ""]);
  p(
    table(
      [
        fileRow(`pkg/${rep.crate}_bg.wasm (shipped)`, rep.files.pkgWasm),
        fileRow(`pkg/${rep.crate}.js (shipped)`, rep.files.pkgJs),
        fileRow("pkg/snippets/**.js, the glue's modules (shipped)", rep.files.pkgSnippets),
        fileRow("rebuilt wasm, optimized like pkg/ (stripped)", rep.files.rebuiltStrippedWasm),
        fileRow("rebuilt JS glue", rep.files.rebuiltJs),
        fileRow("rebuilt wasm with name section (analyzed)", rep.files.namesWasm),
      ],
      ["file", "bytes", "gzip -9", ""],
    ),
  );
  if (!rep.files.pkgWasm) p("pkg/ is not built: the rebuilt stripped wasm is what scripts/build.sh would ship from these sources.");
  if (stripped && stripped.code !== names.code)
    p(`note: code section differs between the names copy (${fmtBytes(names.code)}) and the stripped copy (${fmtBytes(stripped.code)})`);
  if (rep.files.pkgWasm && rep.files.rebuiltStrippedWasm && rep.files.pkgWasm.bytes !== rep.files.rebuiltStrippedWasm.bytes)
    p("note: pkg/ differs from the rebuilt stripped wasm (pkg/ is older or from other sources)");
  p();

  p("== Sections ==");
  const secNames = [...new Set([...(stripped?.sections ?? []), ...names.sections].map((s) => s.name))];
  const secBytes = (sum, n) => sum?.sections.filter((s) => s.name === n).reduce((a, s) => a + s.bytes, 0) ?? 0;
  const has = (sum, n) => sum?.sections.some((s) => s.name === n);
  const secRows = secNames.map((n) => [
    n,
    has(stripped, n) ? fmtBytes(secBytes(stripped, n)) : "-",
    has(stripped, n) ? pct(secBytes(stripped, n), stripped.total) : "",
    has(names, n) ? fmtBytes(secBytes(names, n)) : "-",
  ]);
  secRows.push(["(header)", "8", "", "8"]);
  secRows.push(["total", fmtBytes(stripped?.total ?? 0), "100%", fmtBytes(names.total)]);
  p(table(secRows, ["section", "stripped", "%", "with names"]));
  p();
  if (stripped) {
    p(
      `code ${fmtBytes(stripped.code)} (${pct(stripped.code, stripped.total)}), data ${fmtBytes(stripped.data)} (${pct(stripped.data, stripped.total)}), ` +
        `other ${fmtBytes(stripped.other)} (${pct(stripped.other, stripped.total)}) of ${fmtBytes(stripped.total)} bytes shipped`,
    );
  }
  p(
    `${fmtBytes(rep.code.functions)} defined functions, ${fmtBytes(rep.code.importedFunctions)} imported; ` +
      `function bodies ${fmtBytes(code)} bytes (the percentages below are of this)`,
  );
  const segs = rep.dataSegments;
  p(
    `data: ${segs.length} segment(s): ` +
      segs
        .slice()
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 8)
        .map((s) => `${s.name ?? `#${s.index}`} ${fmtBytes(s.bytes)}`)
        .join(", "),
  );
  p();

  p("== Code by crate ==");
  const catRows = [];
  for (const c of rep.categories) {
    catRows.push([c.category === "serde" ? "serde (+ serde_core)" : c.category, fmtBytes(c.bytes), pct(c.bytes, code), c.functions]);
    for (const sub of c.crates ?? []) catRows.push([`  ${sub.key}`, fmtBytes(sub.bytes), pct(sub.bytes, code), sub.count]);
  }
  p(table(catRows, ["crate", "bytes", "% code", "fns"]));
  p();

  p(`== ${rep.crate} by module ==`);
  p(
    table(
      rep.modules.map((m) => [m.key, fmtBytes(m.bytes), pct(m.bytes, code), m.count, m.serdeDerive ? fmtBytes(m.serdeDerive) : ""]),
      ["module", "bytes", "% code", "fns", "of which serde derive"],
    ),
  );
  p();

  p("== Notable groups (by the path of the function's own item) ==");
  p(table(rep.notable.map((n) => [n.label, fmtBytes(n.bytes), pct(n.bytes, code), n.functions]), ["group", "bytes", "% code", "fns"]));
  p();

  p("== Sub-paths within crates (first two path segments, top 12 each) ==");
  for (const [c, groups] of Object.entries(rep.subPaths)) {
    const total = groups.reduce((a, g) => a + g.bytes, 0);
    p(`${c} (${fmtBytes(total)})`);
    p(table(groups.slice(0, 12).map((g) => [`  ${g.key}`, fmtBytes(g.bytes), pct(g.bytes, code), g.count])));
  }
  p();

  p(`== Top ${rep.top.length} functions ==`);
  p(table(rep.top.map((f, i) => [`${i + 1}`, fmtBytes(f.bytes), pct(f.bytes, code), f.crate, clip(f.name, 150)]), ["#", "bytes", "% code", "crate", "function"], "rrrll"));
  p();

  const g = rep.generics;
  p("== Generic functions by monomorphized instances (type parameters collapsed; top 20 by bytes) ==");
  p(`${g.keys} generic functions with more than one instance: ${g.instances} instances, ${fmtBytes(g.bytes)} bytes (${pct(g.bytes, code)} of code)`);
  p(table(g.list.slice(0, 20).map((x) => [fmtBytes(x.bytes), pct(x.bytes, code), x.count, clip(x.key, 150)]), ["bytes", "% code", "inst", "function"], "rrrl"));
  p();
  p("== Generic functions by instance count (top 20) ==");
  const byCount = [...g.list].sort((a, b) => b.count - a.count || b.bytes - a.bytes).slice(0, 20);
  p(table(byCount.map((x) => [x.count, fmtBytes(x.bytes), clip(x.key, 150)]), ["inst", "bytes", "function"], "rrl"));
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(opts.root, "Cargo.toml"))) fail(`no Cargo.toml in ${opts.root}`);
  const meta = cargoMetadata(opts.root);
  if (opts.build) build(opts, meta);
  const rep = analyze(opts, meta);
  process.stdout.write(render(rep, opts));
  if (opts.json) {
    mkdirSync(dirname(opts.json), { recursive: true });
    writeFileSync(opts.json, JSON.stringify(rep, null, 1) + "\n");
    log(`wrote ${opts.json}`);
  }
}

// Exported for checks of the demangler; running the file as a script builds and reports.
export { demangle, collapseGenerics, ownerPath, parseWasm };

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
