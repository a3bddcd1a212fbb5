// The commands of the npm bin that run in the audience wasm with the native binary's flags
// and output: `simulate`, `generate` and `analyze`. (`lint` and `compile` keep the npm bin's own
// flags, read in ../cli.mjs, and run in ./lint.mjs.)

import process from "node:process";
import { UsageError, EXIT_USAGE } from "./args.mjs";
import { printable } from "./files.mjs";

/** Command name → the module that runs it and the function's name. */
const COMMANDS = {
  simulate: () => import("./simulate.mjs").then((m) => m.simulate),
  generate: () => import("./generate.mjs").then((m) => m.generate),
  analyze: () => import("./analyze.mjs").then((m) => m.analyze),
};

/** Whether `name` is one of these commands. */
export function isAudienceCommand(name) {
  return Object.hasOwn(COMMANDS, name);
}

/** Runs the command `argv[0]` with the rest of `argv`; returns its exit code. */
export async function runAudienceCommand(argv) {
  const run = await COMMANDS[argv[0]]();
  let audience;
  try {
    audience = await import("upgrade-prompts/audience");
  } catch (e) {
    const why = String(e && e.message ? e.message : e);
    process.stderr.write(`upgrade-prompts: error[engine_unavailable]: cannot load upgrade-prompts/audience: ${printable(why)}\n`);
    return EXIT_USAGE;
  }
  try {
    return await run(argv.slice(1), audience);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(e.text());
      return EXIT_USAGE;
    }
    throw e;
  }
}
