//! `upgrade-prompts`: run a catalog over a whole customer base (`simulate`), generate a
//! synthetic one (`generate`), check configs (`lint`) or compile one (`compile`). Every report
//! comes from the library's `audience` layer, which the npm bin runs too.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use upgrade_prompts::audience::command::{self, parse_now, MAX_GENERATE, MAX_THREADS, MAX_TOP};
use upgrade_prompts::audience::lint;
use upgrade_prompts::audience::rates::{ReadRates, MAX_RATES_BYTES};
use upgrade_prompts::Engine;
use upgrade_prompts_cli::audience::{self, SimulateOptions};
use upgrade_prompts_cli::input::{self, Format, Unreadable};
use upgrade_prompts_cli::{accounts_out, analyze, output, run};

const EXIT_CODES: &str = "\
Exit codes:
  0  the run finished and every account was read
  1  the run finished, but some accounts or columns had errors (each is listed in the report
     and on stderr; nothing is left out of the totals), the input was empty, or `lint` or
     `compile` found an error in a config or context
  2  nothing was run: a usage error or an argument out of its range, a file that cannot be
     read or is over a bound (too_large), an invalid config, or output that cannot be written";

/// Decide offline which upgrade prompts a whole customer base would see.
#[derive(Parser, Debug)]
#[command(
    name = "upgrade-prompts",
    version,
    about,
    long_about = "Run an upgrade-prompts catalog (pricing, limits and rules) over many accounts at \
once, with the same engine that runs in the page: reach of every rule, suppression reasons, top \
expansion opportunities, accounts reaching a limit within a horizon, and readiness.",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a catalog over accounts read from JSON Lines, CSV or Parquet
    #[command(after_help = SIMULATE_HELP)]
    Simulate(SimulateArgs),
    /// Write a synthetic, seeded population of account contexts as JSON Lines
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Check configs with the engine's validation: each problem with its source line and a
    /// caret, as JSON, or as GitHub annotations
    #[command(after_help = EXIT_CODES)]
    Lint(LintArgs),
    /// Validate a config like `lint` and write it compiled for the runtime (`catalog.bin`)
    #[command(after_help = EXIT_CODES)]
    Compile(CompileArgs),
    /// Measure what prompts earned from an event log: lift against the holdout, the split
    /// check, MRR
    #[command(after_help = analyze::ANALYZE_HELP)]
    Analyze(analyze::AnalyzeArgs),
}

const SIMULATE_HELP: &str = "\
Input formats (by extension, or --input-format):
  .jsonl .ndjson .json  one context JSON object per line; blank lines are skipped
  .csv                  a header of context paths (account.plan, usage.seats.used,
                        account.healthScore, account.traits.industry, ...), one account per row
  .parquet .pq          columns named by context paths, as in CSV

CSV typing rule: a column's type comes from its context path, not from the look of the cell.
  text columns (account.id, account.plan, user.role, page.route, ...) keep the cell as written
  number columns (account.healthScore, usage.<metric>.used, features.<f>.uses30d, ...) must
    hold a number, else the row is an `invalid_number` error
  date columns (now, account.createdAt, usage.<metric>.periodStart, ...) are RFC 3339 text
  account.traits.*, user.traits.*, signals.*: `true`/`false` are booleans, a JSON number
    (120, -3.5; not 007 or 1,000) is a number, anything else is text
  account.addons: ids separated by `;`, each optionally `:quantity` (reports_plus;api_boost:2),
    or a JSON array; usage.<metric>.history: a JSON array of {\"at\", \"value\"}
  an empty cell (a Parquet null) is an absent value; usage.<metric> means usage.<metric>.used
A header that is not a context path is an `unknown_column` error and the column is ignored.
Every account has an index from 1: its line (JSON Lines), data row (CSV) or row (Parquet).

Exit codes:
  0  the run finished and every account was read
  1  the run finished, but some accounts or columns had errors (each is listed in the report
     and on stderr; nothing is left out of the totals), or the input was empty
  2  nothing was run: a usage error or an argument out of its range, a file that cannot be
     read or is over a bound (too_large), an invalid config, or output that cannot be written

Bounds (files are streamed; over a bound the run stops with exit 2 and error[too_large]):
  a config file at most 4 MiB; a JSON Lines line or CSV record (the header too) at most
  4 MiB; at most 100000 columns; a Parquet footer at most 32 MiB, at most 1000000000 rows
  and an average row of at most 4 MiB per row group. A context over the engine's 1 MiB is
  an error of that account alone.

Examples:
  upgrade-prompts generate --config catalog.json --accounts 100000 --out accounts.jsonl
  upgrade-prompts simulate --config catalog.json --accounts accounts.jsonl --top 20
  upgrade-prompts simulate --config catalog.json --accounts export.parquet --format json";

#[derive(Args, Debug)]
struct SimulateArgs {
    /// The catalog (config JSON file)
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The accounts: a .jsonl, .csv or .parquet file
    #[arg(long, value_name = "FILE")]
    accounts: PathBuf,
    /// The input format, when the extension does not say
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormat>,
    /// The time of the simulation for contexts without `now` (RFC 3339, from 1970 to 9999;
    /// default: now)
    #[arg(long, value_name = "ISO")]
    now: Option<String>,
    /// Forecast horizon in days for `daysToLimit` and the limit forecast, a whole number from
    /// 1 to 3650
    #[arg(long, value_name = "DAYS", default_value_t = 90.0)]
    horizon: f64,
    /// How many opportunities to keep in the top list, 0 to 10000
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(0..=MAX_TOP))]
    top: u64,
    /// Only callouts for this placement (e.g. banner, inline, modal)
    #[arg(long, value_name = "P")]
    placement: Option<String>,
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    format: OutFormat,
    /// Worker threads, 1 to 256 (default: the number of cores, at most 256)
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=MAX_THREADS))]
    threads: Option<u64>,
    /// No progress bar and no timing line on stderr (problems are still printed)
    #[arg(long, short)]
    quiet: bool,
    /// Size each rule's expected expansion MRR with the conversion rates measured by
    /// `analyze` (its `--format json` report)
    #[arg(long, value_name = "FILE")]
    rates: Option<PathBuf>,
    /// Also write one row per account (input order) to FILE: .csv, .jsonl/.ndjson or .parquet
    #[arg(long, value_name = "FILE")]
    accounts_out: Option<PathBuf>,
}

/// The input formats (`--input-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// One context JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// A header of context paths, then one account per row (`.csv`).
    Csv,
    /// Apache Parquet with columns named by context paths (`.parquet`, `.pq`).
    Parquet,
}

impl From<InputFormat> for Format {
    fn from(f: InputFormat) -> Format {
        match f {
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Csv => Format::Csv,
            InputFormat::Parquet => Format::Parquet,
        }
    }
}

/// Output formats of `simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// Readable tables: rule reach, suppression reasons, opportunities, limit forecast,
    /// readiness, totals
    Table,
    /// The whole report as JSON (the engine's `simulate` result, plus `inputErrors`)
    Json,
    /// The top opportunities as CSV with a header
    Csv,
    /// The rule reach table as CSV: a header, then one row per rule
    ReachCsv,
}

#[derive(Args, Debug)]
struct GenerateArgs {
    /// The catalog (config JSON file) the population is shaped for
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// How many accounts to write, 1 to 1000000000
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=MAX_GENERATE))]
    accounts: u64,
    /// Seed: the same seed, catalog and --now give the same file
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The `now` of every generated context (RFC 3339, from 1970 to 9999; default: now)
    #[arg(long, value_name = "ISO")]
    now: Option<String>,
    /// Where to write the JSON Lines (`-` for stdout) [default: -, or nothing with --events]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also write a demo event log of these accounts with known rates, for `analyze`
    #[arg(long, value_name = "FILE")]
    events: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct LintArgs {
    /// Config files to check
    #[arg(required = true, value_name = "FILE")]
    configs: Vec<PathBuf>,
    /// Also evaluate this context against the (single) config and print the callouts, the
    /// suppressed callouts with their reasons, and the context's problems
    #[arg(long, value_name = "FILE")]
    context: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args, Debug)]
struct CompileArgs {
    /// The config to compile
    #[arg(value_name = "FILE")]
    config: PathBuf,
    /// Where to write the compiled catalog (deterministic bytes)
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    report: ReportArgs,
}

/// How `lint` and `compile` print their report.
#[derive(Args, Debug)]
struct ReportArgs {
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    format: LintFormat,
    /// No colours (they are used only on a terminal, and never when NO_COLOR is set)
    #[arg(long)]
    no_color: bool,
}

/// Output formats of `lint` and `compile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    /// Compiler-style messages with the source line and a caret
    Text,
    /// One JSON document: { files: [{ file, errors, warnings }], errorCount, warningCount }
    Json,
    /// GitHub Actions workflow annotations (::error file=…,line=…::message)
    Github,
}

impl From<LintFormat> for lint::Format {
    fn from(f: LintFormat) -> lint::Format {
        match f {
            LintFormat::Text => lint::Format::Text,
            LintFormat::Json => lint::Format::Json,
            LintFormat::Github => lint::Format::Github,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Simulate(a) => simulate(&a),
        Command::Generate(a) => generate(&a),
        Command::Lint(a) => lint(&a),
        Command::Compile(a) => compile(&a),
        Command::Analyze(a) => analyze::run(&a),
    };
    ExitCode::from(code)
}

/// Prints `error[code]: message` on stderr (control characters escaped) and gives exit code 2.
fn fail(code: &str, message: impl std::fmt::Display) -> u8 {
    eprintln!("{}", command::fail_line(code, &message.to_string()));
    command::EXIT_FAILED
}

fn unreadable(e: Unreadable) -> u8 {
    fail(e.code.as_str(), e.message)
}

/// Reads and compiles the config, printing its problems.
fn load_engine(path: &Path) -> Result<(String, Engine), u8> {
    let text = input::read_text(
        path,
        "a config file",
        upgrade_prompts::catalog::MAX_CONFIG_BYTES,
    )
    .map_err(unreadable)?;
    match Engine::new(&text) {
        Ok(engine) => Ok((text, engine)),
        Err(errors) => {
            eprint!(
                "{}",
                command::invalid_config(&path.display().to_string(), &errors)
            );
            Err(command::EXIT_FAILED)
        }
    }
}

/// Reads `--rates` (its warnings on stderr), or prints why it cannot be used.
fn load_rates(path: Option<&Path>, engine: &Engine) -> Result<Option<ReadRates>, u8> {
    let Some(path) = path else {
        return Ok(None);
    };
    let name = path.display().to_string();
    let bytes = input::read_text(path, "a rates file", MAX_RATES_BYTES).map(String::into_bytes);
    let mut stderr = String::new();
    let result = command::load_rates(&name, bytes, engine, &mut stderr);
    eprint!("{stderr}");
    result.map(Some).map_err(|text| {
        eprint!("{text}");
        command::EXIT_FAILED
    })
}

fn simulate(a: &SimulateArgs) -> u8 {
    let (format, now) = match command::check_simulate(
        a.input_format.map(Format::from),
        &a.accounts.display().to_string(),
        a.now.as_deref(),
        a.horizon,
    ) {
        Ok(x) => x,
        Err(m) => return fail("invalid_argument", m),
    };
    let out_name = a.accounts_out.as_ref().map(|p| p.display().to_string());
    let row_format = match command::check_accounts_out(out_name.as_deref(), true) {
        Ok(f) => f,
        Err(e) => return unreadable(e),
    };
    let (config, engine) = match load_engine(&a.config) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let rates = match load_rates(a.rates.as_deref(), &engine) {
        Ok(r) => r,
        Err(code) => return code,
    };
    if !a.accounts.exists() {
        return unreadable(Unreadable::not_found(&a.accounts.display().to_string()));
    }
    let max_threads = usize::try_from(MAX_THREADS).unwrap_or(1);
    let threads = a.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        |n| usize::try_from(n).unwrap_or(1),
    );
    let threads = threads.clamp(1, max_threads);
    let top = usize::try_from(a.top).unwrap_or(0);
    let options = || -> SimulateOptions {
        command::options(
            now,
            a.horizon,
            a.placement.clone(),
            top,
            rates.as_ref(),
            row_format.is_some(),
        )
    };
    let warnings = rates.as_ref().map_or(&[][..], |r| r.warnings.as_slice());
    let settings = run::Settings {
        config: &config,
        accounts: &a.accounts,
        format,
        threads,
        options: &options,
        progress: !a.quiet,
        warnings,
    };
    let sink = match (row_format, &a.accounts_out, out_name) {
        (Some(f), Some(path), Some(name)) => {
            let cols = command::row_columns(&upgrade_prompts::audience::Simulation::new(
                &engine,
                &options(),
            ));
            match accounts_out::Sink::create(path, f, cols) {
                Ok(s) => Some((name, s)),
                Err(e) => return fail("write_failed", format!("cannot write `{name}`: {e}")),
            }
        }
        _ => None,
    };
    let outcome = match run::simulate(&settings, &engine, sink) {
        Ok(o) => o,
        Err(e) => return unreadable(e),
    };
    let file = a.accounts.display().to_string();
    for p in &outcome.problems {
        eprintln!("{}", output::problem_line(&file, p));
    }
    let account_errors = output::account_errors(&outcome.report);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let format = match a.format {
        OutFormat::Table => command::OutFormat::Table,
        OutFormat::Json => command::OutFormat::Json,
        OutFormat::Csv => command::OutFormat::Csv,
        OutFormat::ReachCsv => command::OutFormat::ReachCsv,
    };
    let currency = &engine.catalog().currency;
    let written = command::write_report(
        &mut out,
        format,
        &outcome.report,
        &outcome.problems,
        &file,
        currency,
    )
    .and_then(|()| out.flush());
    if let Err(e) = written {
        return fail("write_failed", format!("cannot write the report: {e}"));
    }
    if !a.quiet {
        let secs = outcome.elapsed.as_secs_f64();
        eprintln!(
            "{}",
            command::timing_line(outcome.records, secs, threads, account_errors)
        );
    }
    command::exit_code(&outcome.report, &outcome.problems)
}

fn generate(a: &GenerateArgs) -> u8 {
    let now = match parse_now(a.now.as_deref()) {
        Ok(n) => n.unwrap_or_else(upgrade_prompts::engine::host_now),
        Err(m) => return fail("invalid_argument", m),
    };
    let (_, engine) = match load_engine(&a.config) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Some(events) = &a.events {
        let code = analyze::write_events(&engine, a.accounts, a.seed, now, events);
        if code != 0 || a.out.is_none() {
            return code;
        }
    }
    let out_path = a.out.clone().unwrap_or_else(|| PathBuf::from("-"));
    let to_stdout = out_path.as_os_str() == "-";
    let sink: Box<dyn Write> = if to_stdout {
        Box::new(std::io::stdout().lock())
    } else {
        match std::fs::File::create(&out_path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return fail(
                    "write_failed",
                    format!("cannot write `{}`: {e}", out_path.display()),
                )
            }
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let bar = if std::io::stderr().is_terminal() && !to_stdout {
        indicatif::ProgressBar::new(a.accounts)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut written = 0u64;
    for line in audience::generate(&engine, a.accounts, a.seed, now) {
        let ok = out
            .write_all(line.as_bytes())
            .and_then(|()| out.write_all(b"\n"));
        if let Err(e) = ok {
            return fail(
                "write_failed",
                format!("cannot write `{}`: {e}", out_path.display()),
            );
        }
        written += 1;
        if written.is_multiple_of(4096) {
            bar.set_position(written);
        }
    }
    bar.finish_and_clear();
    if let Err(e) = out.flush() {
        return fail(
            "write_failed",
            format!("cannot write `{}`: {e}", out_path.display()),
        );
    }
    0
}

/// A file named on the command line, read as `lint` reads it.
fn lint_file(path: &Path, limit: usize) -> lint::NamedFile {
    lint::NamedFile {
        name: path.display().to_string(),
        read: input::read_lint_file(path, limit),
    }
}

/// Whether the text report is coloured: not `--no-color`, no (non-empty) `NO_COLOR`, and
/// stdout a terminal.
fn colored(a: &ReportArgs) -> bool {
    !a.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// Prints what `lint` or `compile` printed (a reader that went away is not an error of the
/// input) and gives its exit code.
fn print(p: &lint::Printed, code: u8) -> u8 {
    let _ = std::io::stdout().lock().write_all(p.stdout.as_bytes());
    let _ = std::io::stderr().lock().write_all(p.stderr.as_bytes());
    code
}

/// `lint`: the report of `upgrade_prompts::audience::lint`, the npm bin's too.
fn lint(a: &LintArgs) -> u8 {
    let format = lint::Format::from(a.report.format);
    if let Err(m) = lint::check_options(a.configs.len(), a.context.is_some(), format) {
        eprint!("{}", lint::usage_error(m));
        return command::EXIT_FAILED;
    }
    let request = lint::Request {
        configs: a
            .configs
            .iter()
            .map(|p| lint_file(p, upgrade_prompts::catalog::MAX_CONFIG_BYTES))
            .collect(),
        context: a
            .context
            .as_deref()
            .map(|p| lint_file(p, upgrade_prompts::facts::MAX_CONTEXT_BYTES)),
        format,
        color: colored(&a.report),
        compile_to: None,
        now: upgrade_prompts::engine::host_now(),
    };
    let p = lint::run(request);
    print(&p, p.code)
}

/// `compile`: the config's report as `lint` prints it (exit 1 on an error, nothing written),
/// else the compiled catalog written to `--out` and one line about it on stderr.
fn compile(a: &CompileArgs) -> u8 {
    let out = a.out.display().to_string();
    let request = lint::Request {
        configs: vec![lint_file(
            &a.config,
            upgrade_prompts::catalog::MAX_CONFIG_BYTES,
        )],
        context: None,
        format: a.report.format.into(),
        color: colored(&a.report),
        compile_to: Some(out.clone()),
        now: upgrade_prompts::engine::host_now(),
    };
    let mut p = lint::run(request);
    let mut code = p.code;
    if let Some(bytes) = &p.artifact {
        match std::fs::write(&a.out, bytes) {
            Ok(()) => {
                let written = std::mem::take(&mut p.written);
                p.stderr.push_str(&written);
            }
            Err(e) => {
                p.stderr.push_str(&lint::write_failed(&out, &e.to_string()));
                code = command::EXIT_FAILED;
            }
        }
    }
    print(&p, code)
}
