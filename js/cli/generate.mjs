// `upgrade-prompts generate` in the npm bin: the native binary's flags; the lines come from
// the same generator in the audience wasm, in batches, so the file is the same byte for byte.

import fs from "node:fs";
import process from "node:process";
import { parseCommand } from "./args.mjs";
import { printable, readFile, systemText } from "./files.mjs";
import { write } from "./simulate.mjs";

/** The most bytes of a config file read (the core reports a longer one as `too_large`). */
const CONFIG_READ_LIMIT = (4 << 20) + 1;
/** Accounts generated per call into the wasm. */
const BATCH = 10000;

export const SPEC = {
  command: "generate",
  options: [
    { name: "config", value: "FILE", type: "path", required: true },
    { name: "accounts", value: "N", type: "u64", range: [1, 1000000000], required: true },
    { name: "seed", value: "SEED", type: "u64", default: 1n },
    { name: "now", value: "ISO", type: "text" },
    { name: "out", value: "FILE", type: "path" },
    { name: "events", value: "FILE", type: "path" },
  ],
};

export const HELP = `Write a synthetic, seeded population of account contexts as JSON Lines

Usage: upgrade-prompts generate [OPTIONS] --config <FILE> --accounts <N>

Options:
      --config <FILE>  The catalog (config JSON file) the population is shaped for
      --accounts <N>   How many accounts to write, 1 to 1000000000
      --seed <SEED>    Seed: the same seed, catalog and --now give the same file [default: 1]
      --now <ISO>      The \`now\` of every generated context (RFC 3339, from 1970 to 9999; default: now)
      --out <FILE>     Where to write the JSON Lines (\`-\` for stdout) [default: -, or nothing with --events]
      --events <FILE>  Also write a demo event log of these accounts with known rates, for \`analyze\`
  -h, --help           Print help

The native binary (\`cargo install --path cli\`) takes the same flags and writes the same bytes.
`;

/** A failure line as the native binary prints it. */
function fail(code, message) {
  process.stderr.write(`upgrade-prompts: error[${code}]: ${printable(message)}\n`);
  return 2;
}

/** Runs `generate` with `argv` (after the command name); returns the exit code. */
export async function generate(argv, audience) {
  const a = parseCommand(argv, SPEC);
  if (a.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = readFile(a.config, CONFIG_READ_LIMIT);
  const gen = new audience.CliGenerate({
    configName: a.config,
    configState: config.state,
    config: config.bytes,
    now: a.now ?? null,
    seed: String(a.seed),
  });
  try {
    if (gen.stderr) {
      process.stderr.write(gen.stderr);
      return 2;
    }
    const total = Number(a.accounts);
    if (a.events !== undefined) {
      const code = await writeLines(a.events, total, (start, count) => gen.events(start, count));
      if (code !== 0 || a.out === undefined) return code;
    }
    return await writeLines(a.out ?? "-", total, (start, count) => gen.lines(start, count));
  } finally {
    gen.free();
  }
}

/** Writes the text of `lines(start, count)` for `0 .. total` in batches to `out` (`-`: stdout). */
async function writeLines(out, total, lines) {
  const toStdout = out === "-";
  let fd = null;
  if (!toStdout) {
    try {
      fd = fs.openSync(out, "w");
    } catch (e) {
      return fail("write_failed", `cannot write \`${out}\`: ${systemText(e)}`);
    }
  }
  try {
    for (let start = 0; start < total; start += BATCH) {
      const text = lines(start, Math.min(BATCH, total - start));
      if (toStdout) await write(process.stdout, text);
      else fs.writeSync(fd, text);
    }
  } catch (e) {
    return fail("write_failed", `cannot write \`${out}\`: ${systemText(e)}`);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  return 0;
}
