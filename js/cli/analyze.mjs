// `upgrade-prompts analyze` in the npm bin: the native binary's flags, run by the audience
// wasm over the event log read here (JSON Lines and CSV; Parquet is the native binary's
// alone). What is printed comes from the same Rust code as the native binary's output
// (`audience::analyze::command`), so stdout, stderr and the exit code agree; the difference
// is that this holds the file in memory and draws no progress bar.

import process from "node:process";
import { parseCommand } from "./args.mjs";
import { MAX_IN_MEMORY_BYTES, readFile } from "./files.mjs";
import { write } from "./simulate.mjs";

/** The most bytes of a config file read (the core reports a longer one as `too_large`). */
const CONFIG_READ_LIMIT = (4 << 20) + 1;

export const SPEC = {
  command: "analyze",
  options: [
    { name: "config", value: "FILE", type: "path", required: true },
    { name: "events", value: "FILE", type: "path", required: true },
    { name: "input-format", value: "FORMAT", type: "text", choices: ["jsonl", "csv", "parquet"] },
    { name: "from", value: "ISO", type: "text" },
    { name: "to", value: "ISO", type: "text" },
    { name: "format", value: "FORMAT", type: "text", choices: ["table", "json", "csv"], default: "table" },
    { name: "quiet", short: "q", type: "flag" },
  ],
};

export const HELP = `Measure what prompts earned from an event log: lift against the holdout, the split check, MRR

Usage: upgrade-prompts analyze [OPTIONS] --config <FILE> --events <FILE>

Options:
      --config <FILE>          The catalog (config JSON file)
      --events <FILE>          The event log: a .jsonl or .csv file (.parquet needs the native binary)
      --input-format <FORMAT>  The input format, when the extension does not say [possible values: jsonl, csv, parquet]
      --from <ISO>             Count only events at or after this time (RFC 3339, or a date: its start)
      --to <ISO>               Count only events before this time (RFC 3339, or a date: that whole day is counted)
      --format <FORMAT>        Output format on stdout [default: table] [possible values: table, json, csv]
  -q, --quiet                  No timing line on stderr (problems are still printed)
  -h, --help                   Print help

The native binary (\`cargo install --path cli\`) takes the same flags, prints the same report and
also reads Parquet; \`upgrade-prompts analyze --help\` there describes the event log.
`;

/** Runs `analyze` with `argv` (after the command name); returns the exit code. */
export async function analyze(argv, audience) {
  const a = parseCommand(argv, SPEC);
  if (a.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = readFile(a.config, CONFIG_READ_LIMIT);
  const byName = /\.(parquet|pq)$/i.test(a.events) && !/[\\/]$/.test(a.events);
  const parquet = a["input-format"] === "parquet" || (a["input-format"] === undefined && byName);
  let events;
  if (parquet) {
    // Only its existence matters: the core refuses Parquet before reading it.
    events = readFile(a.events, 0);
  } else {
    events = readFile(a.events, MAX_IN_MEMORY_BYTES + 1);
    if (events.state === "ok" && events.bytes.length > MAX_IN_MEMORY_BYTES) {
      events = { state: "over_memory_limit", bytes: new Uint8Array(0) };
    }
  }
  const printed = audience.cliAnalyze({
    configName: a.config,
    configState: config.state,
    config: config.bytes,
    eventsName: a.events,
    eventsState: events.state,
    events: events.bytes,
    inputFormat: a["input-format"] ?? null,
    from: a.from ?? null,
    to: a.to ?? null,
    format: a.format,
    quiet: a.quiet,
  });
  if (printed.stderr) process.stderr.write(printed.stderr);
  await write(process.stdout, printed.stdout);
  return printed.code;
}
