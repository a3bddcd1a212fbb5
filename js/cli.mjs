#!/usr/bin/env node
// `upgrade-prompts`, the npm bin: the command line read, the files read, and the rest done by
// the audience wasm with the native binary's own code, so both programs print the same bytes.
// `lint` checks catalog files with the engine's own validation and prints every problem the way
// compilers do (file:line:col, the source line, a caret under the exact span), as JSON, or as
// GitHub workflow annotations; with `--context` it also shows what a context evaluates to, for
// support engineers. `compile` reports as `lint` does and writes the compiled catalog.
// `simulate` and `generate` take the native binary's flags (./cli/commands.mjs).
//
// Rules this file keeps (see tests/lint/):
// - Node built-ins and the package itself only; the wasm is imported once a command needs it,
//   so `--help` and `--version` work even where it cannot load.
// - Nothing reaches the user as a stack trace: every problem is a coded diagnostic, and only an
//   internal failure (a bug) prints `internal_error` with exit code 2.
// - Text from the command line reaches a terminal or a CI log only with its control,
//   line-separator and bidirectional characters escaped (`\u{1b}`), as the reports show every
//   value (`audience::report::printable` in the core).

import fs from "node:fs";
import process from "node:process";
import { isAudienceCommand, runAudienceCommand } from "./cli/commands.mjs";
import { printable as escapeText } from "./cli/files.mjs";

const EXIT_CLEAN = 0;
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

Every command prints what the native binary prints for the same input (its code, run here in
WebAssembly); simulate and generate read JSON Lines and CSV. The native binary (optional:
\`cargo install --path cli\`) also reads Parquet and streams large files across threads.

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
  let audience;
  try {
    audience = await import("upgrade-prompts/audience");
  } catch (e) {
    process.stderr.write(`upgrade-prompts: error[engine_unavailable]: cannot load upgrade-prompts/audience: ${escapeText(e && e.message)}\n`);
    return EXIT_UNREADABLE;
  }
  const { lint } = await import("./cli/lint.mjs");
  return lint(args, audience);
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
