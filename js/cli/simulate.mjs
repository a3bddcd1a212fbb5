// `upgrade-prompts simulate` in the npm bin: the native binary's flags, run by the audience
// wasm over the files read here (JSON Lines and CSV; Parquet is the native binary's alone).
// What is printed comes from the same Rust code as the native binary's output
// (`audience::command`), so stdout, stderr and the exit code agree; the difference is that
// this runs on one thread over a file held in memory, and draws no progress bar.

import fs from "node:fs";
import process from "node:process";
import { parseCommand } from "./args.mjs";
import { MAX_IN_MEMORY_BYTES, printable, readFile, systemText } from "./files.mjs";

/** The most bytes of a config file read (the core reports a longer one as `too_large`). */
const CONFIG_READ_LIMIT = (4 << 20) + 1;
/** The most bytes of a rates file read (64 MiB and one more byte, as the native binary). */
const RATES_READ_LIMIT = (64 << 20) + 1;

export const SPEC = {
  command: "simulate",
  options: [
    { name: "config", value: "FILE", type: "path", required: true },
    { name: "accounts", value: "FILE", type: "path", required: true },
    { name: "input-format", value: "FORMAT", type: "text", choices: ["jsonl", "csv", "parquet"] },
    { name: "now", value: "ISO", type: "text" },
    { name: "horizon", value: "DAYS", type: "f64", default: 90 },
    { name: "top", value: "N", type: "u64", range: [0, 10000], default: 20n },
    { name: "placement", value: "P", type: "text" },
    { name: "format", value: "FORMAT", type: "text", choices: ["table", "json", "csv", "reach-csv"], default: "table" },
    { name: "threads", value: "N", type: "u64", range: [1, 256] },
    { name: "quiet", short: "q", type: "flag" },
    { name: "rates", value: "FILE", type: "path" },
    { name: "accounts-out", value: "FILE", type: "path" },
  ],
};

export const HELP = `Simulate a catalog over accounts read from JSON Lines or CSV (Parquet: the native binary)

Usage: upgrade-prompts simulate [OPTIONS] --config <FILE> --accounts <FILE>

Options:
      --config <FILE>          The catalog (config JSON file)
      --accounts <FILE>        The accounts: a .jsonl or .csv file (.parquet needs the native binary)
      --input-format <FORMAT>  The input format, when the extension does not say [possible values: jsonl, csv, parquet]
      --now <ISO>              The time of the simulation for contexts without \`now\` (default: now)
      --horizon <DAYS>         Forecast horizon in days, a whole number from 1 to 3650 [default: 90]
      --top <N>                How many opportunities to keep in the top list, 0 to 10000 [default: 20]
      --placement <P>          Only callouts for this placement (e.g. banner, inline, modal)
      --format <FORMAT>        Output format on stdout [default: table] [possible values: table, json, csv, reach-csv]
      --threads <N>            Accepted as the native binary accepts it (1 to 256); this runs on one thread
  -q, --quiet                  No timing line on stderr (problems are still printed)
      --rates <FILE>           Size each rule's expected expansion MRR with the conversion rates measured by
                               \`analyze\` (its --format json report)
      --accounts-out <FILE>    Also write one row per account (input order) to FILE: .csv or .jsonl/.ndjson
                               (.parquet needs the native binary)
  -h, --help                   Print help

The native binary (\`cargo install --path cli\`) takes the same flags, prints the same report and
streams large files across threads; \`upgrade-prompts simulate --help\` there says more.
`;

/** Runs `simulate` with `argv` (after the command name); returns the exit code. */
export async function simulate(argv, audience) {
  const a = parseCommand(argv, SPEC);
  if (a.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = readFile(a.config, CONFIG_READ_LIMIT);
  const byName = /\.(parquet|pq)$/i.test(a.accounts) && !/[\\/]$/.test(a.accounts);
  const parquet = a["input-format"] === "parquet" || (a["input-format"] === undefined && byName);
  let accounts;
  if (parquet) {
    // Only its existence matters: the core refuses Parquet before reading it.
    accounts = readFile(a.accounts, 0);
  } else {
    accounts = readFile(a.accounts, MAX_IN_MEMORY_BYTES + 1);
    if (accounts.state === "ok" && accounts.bytes.length > MAX_IN_MEMORY_BYTES) {
      accounts = { state: "over_memory_limit", bytes: new Uint8Array(0) };
    }
  }
  const printed = audience.cliSimulate({
    configName: a.config,
    configState: config.state,
    config: config.bytes,
    accountsName: a.accounts,
    accountsState: accounts.state,
    accounts: accounts.bytes,
    inputFormat: a["input-format"] ?? null,
    now: a.now ?? null,
    horizon: a.horizon,
    top: Number(a.top),
    placement: a.placement ?? null,
    format: a.format,
    quiet: a.quiet,
    ...ratesRequest(a.rates),
    accountsOut: a["accounts-out"] ?? null,
  });
  if (printed.accountsOut) {
    try {
      fs.writeFileSync(a["accounts-out"], printed.accountsOut);
    } catch (e) {
      const why = printable(`cannot write \`${a["accounts-out"]}\`: ${systemText(e)}`);
      process.stderr.write(`upgrade-prompts: error[write_failed]: ${why}\n`);
      return 2;
    }
  }
  if (printed.stderr) process.stderr.write(printed.stderr);
  await write(process.stdout, printed.stdout);
  return printed.code;
}

/** The `--rates` fields of a `cliSimulate` request. */
function ratesRequest(name) {
  if (name === undefined) return { ratesName: null };
  const rates = readFile(name, RATES_READ_LIMIT);
  return { ratesName: name, ratesState: rates.state, rates: rates.bytes };
}

/** Writes `bytes` to `stream` and waits until it is flushed. */
export function write(stream, bytes) {
  if (bytes.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.write(bytes, (e) => (e ? reject(e) : resolve()));
  });
}
