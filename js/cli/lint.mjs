// `upgrade-prompts lint` and `compile` in the npm bin: the files are read here, the report is
// made by the audience wasm (`cliLint`, the library's `audience::lint`, which the native
// binary runs too), so both programs print the same bytes and exit with the same code.
// `compile` writes the compiled catalog the report comes with.

import fs from "node:fs";
import process from "node:process";
import { readLintFile, systemText } from "./files.mjs";
import { write } from "./simulate.mjs";

/** The engine's limits: configs above 4 MiB and contexts above 1 MiB are refused. */
const MAX_CONFIG_BYTES = 4 << 20;
const MAX_CONTEXT_BYTES = 1 << 20;

/**
 * Runs `lint` or `compile` with the arguments `args` (from cli.mjs's `parseArgs`) over the
 * audience entry `audience`; returns the exit code.
 */
export async function lint(args, audience) {
  const request = {
    configs: args.files.map((name) => ({ name, ...readLintFile(name, MAX_CONFIG_BYTES) })),
    context: args.context === null ? null : { name: args.context, ...readLintFile(args.context, MAX_CONTEXT_BYTES) },
    format: args.format,
    // Colours only on a terminal, and never with NO_COLOR (an empty one does not count).
    color: args.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY),
    compileTo: args.command === "compile" ? args.out : null,
  };
  const printed = audience.cliLint(request);
  let { stderr, code } = printed;
  if (printed.artifact) {
    try {
      fs.writeFileSync(args.out, printed.artifact);
      stderr += printed.written;
    } catch (e) {
      stderr += audience.cliWriteFailed(args.out, systemText(e));
      code = 2;
    }
  }
  if (stderr) process.stderr.write(stderr);
  await write(process.stdout, printed.stdout);
  return code;
}
