//! The steps of the command-line tool's `simulate` and `generate` that decide what is printed
//! and the exit code: the argument checks, the config's problems, the report, the timing
//! line. The native binary (`cli/`, files streamed across threads) and the npm bin (the
//! audience build, one thread over a file read into memory) both run them, so both programs
//! print the same bytes for the same input.

use std::io::Write;

use std::sync::Arc;

use super::accounts_out::{self, Columns, RowFormat};
use super::input::{self, FileProblem, Format, Unreadable};
use super::rates::{self, RatesError, ReadRates};
use super::report;
use super::simulate::{SimulateOptions, Simulation, SimulationReport};
use crate::base::date;
use crate::base::diag::Diagnostic;
use crate::base::vocab::Code;
use crate::engine::Engine;

/// The longest top list `--top` may ask for.
pub const MAX_TOP: u64 = 10_000;
/// The most worker threads `--threads` may ask for.
pub const MAX_THREADS: u64 = 256;
/// The most accounts `generate --accounts` may ask for.
pub const MAX_GENERATE: u64 = 1_000_000_000;

/// Exit code: the run finished and every account was read.
pub const EXIT_OK: u8 = 0;
/// Exit code: the run finished with errors in some accounts or columns, or an empty input.
pub const EXIT_ERRORS: u8 = 1;
/// Exit code: nothing was run.
pub const EXIT_FAILED: u8 = 2;

/// `upgrade-prompts: error[code]: message`, the line a failed command prints on stderr
/// (control characters escaped), without its line end.
pub fn fail_line(code: &str, message: &str) -> String {
    format!(
        "upgrade-prompts: error[{code}]: {}",
        report::printable(message)
    )
}

/// `--now`: an RFC 3339 time from 1970 to 9999, or none.
///
/// # Errors
/// The message of an `invalid_argument` error.
pub fn parse_now(now: Option<&str>) -> Result<Option<f64>, String> {
    let Some(s) = now else {
        return Ok(None);
    };
    match date::parse(s) {
        Some(ms) if date::in_range(ms) => Ok(Some(ms)),
        Some(_) => Err(format!("`--now {s}` is not a time from 1970 to 9999")),
        None => Err(format!(
            "`--now {s}` is not an RFC 3339 date such as `2026-11-24T09:00:00Z` (from 1970 to 9999)"
        )),
    }
}

/// The checks of `simulate`'s arguments before anything is read, in the order the tool makes
/// them: the input format (`--input-format`, else the extension of `accounts`), `--now`,
/// `--horizon`.
///
/// # Errors
/// The message of an `invalid_argument` error.
pub fn check_simulate(
    input_format: Option<Format>,
    accounts: &str,
    now: Option<&str>,
    horizon: f64,
) -> Result<(Format, Option<f64>), String> {
    let Some(format) = input_format.or_else(|| Format::from_name(accounts)) else {
        return Err(format!(
            "cannot tell the format of `{accounts}` from its extension; use .jsonl, .csv or \
             .parquet, or --input-format"
        ));
    };
    let now = parse_now(now)?;
    if !(1.0..=3650.0).contains(&horizon) || horizon.fract() != 0.0 {
        return Err(format!(
            "`--horizon {horizon}` must be a whole number of days from 1 to 3650"
        ));
    }
    Ok((format, now))
}

/// What stderr says about a config that is not valid: one line per problem, then the
/// `invalid_config` line (each with its line end).
pub fn invalid_config(file: &str, errors: &[Diagnostic]) -> String {
    let mut s = String::new();
    for e in errors {
        s.push_str(&report::diagnostic_line(file, e));
        s.push('\n');
    }
    s.push_str(&fail_line(
        "invalid_config",
        &format!("`{file}` is not a valid config ({} errors)", errors.len()),
    ));
    s.push('\n');
    s
}

/// The line `simulate` ends with on stderr unless `--quiet` (without its line end).
pub fn timing_line(records: u64, secs: f64, threads: usize, account_errors: u64) -> String {
    format!(
        "simulated {records} accounts in {secs:.2} s ({:.0} accounts/s, {threads} threads){}",
        records as f64 / secs.max(1e-9),
        if account_errors > 0 {
            format!("; {account_errors} with errors")
        } else {
            String::new()
        }
    )
}

/// The output formats of `simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutFormat {
    /// Readable tables.
    Table,
    /// The whole report as JSON, plus `inputErrors`.
    Json,
    /// The top opportunities as CSV with a header.
    Csv,
    /// The rule reach table as CSV: a header, then one row per rule.
    ReachCsv,
}

/// Writes the report in `format`; `file` names the accounts file, `currency` is the catalog's.
///
/// # Errors
/// Writing fails.
pub fn write_report(
    out: &mut impl Write,
    format: OutFormat,
    report: &SimulationReport,
    problems: &[FileProblem],
    file: &str,
    currency: &str,
) -> std::io::Result<()> {
    match format {
        OutFormat::Table => report::table(out, report, problems, file, currency),
        OutFormat::Json => report::json(out, report, problems),
        OutFormat::Csv => report::csv(out, report),
        OutFormat::ReachCsv => report::reach_csv(out, report),
    }
}

/// The exit code of a finished run: 1 when an account, a column or the file had a problem.
pub fn exit_code(report: &SimulationReport, problems: &[FileProblem]) -> u8 {
    if report::account_errors(report) > 0 || !problems.is_empty() {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

/// What a command printed and its exit code.
#[derive(Debug, Default)]
pub struct Printed {
    /// The bytes written to stdout.
    pub stdout: Vec<u8>,
    /// The text written to stderr.
    pub stderr: String,
    /// The exit code.
    pub code: u8,
    /// Accounts with errors (for the timing line).
    pub account_errors: u64,
    /// The bytes of `--accounts-out` (CSV or JSON Lines), for the caller to write.
    pub accounts_out: Option<Vec<u8>>,
}

impl Printed {
    /// A failed run: the `error[code]` line on stderr, exit code 2.
    pub(crate) fn failed(mut self, e: &Unreadable) -> Printed {
        self.stderr
            .push_str(&fail_line(e.code.as_str(), &e.message));
        self.stderr.push('\n');
        self.code = EXIT_FAILED;
        self
    }

    /// A run whose config did not load: its report (from [`load`]) on stderr, exit code 2.
    pub(crate) fn config_failed(mut self, report: String) -> Printed {
        self.stderr = report;
        self.code = EXIT_FAILED;
        self
    }
}

/// `simulate` over accounts held in memory, on this thread (the npm bin's path).
pub struct SimulateRun<'a> {
    /// The config file's name and its bytes (at most [`crate::catalog::MAX_CONFIG_BYTES`]
    /// and one more), or why it cannot be read.
    pub config: (&'a str, Result<Vec<u8>, Unreadable>),
    /// The accounts file's name and its bytes, or why it cannot be read.
    pub accounts: (&'a str, Result<&'a [u8], Unreadable>),
    /// `--input-format`.
    pub input_format: Option<Format>,
    /// `--now`.
    pub now: Option<&'a str>,
    /// `--horizon`.
    pub horizon: f64,
    /// `--top`.
    pub top: usize,
    /// `--placement`.
    pub placement: Option<String>,
    /// `--format`.
    pub format: OutFormat,
    /// `--rates`: the file's name and its bytes, or why they cannot be read.
    pub rates: Option<(&'a str, Result<Vec<u8>, Unreadable>)>,
    /// `--accounts-out`: the file's name (its bytes come back in [`Printed::accounts_out`]).
    pub accounts_out: Option<&'a str>,
}

/// `--accounts-out`'s format, checked as the tool checks it (after the other arguments);
/// `parquet` tells whether this program writes Parquet.
///
/// # Errors
/// What a failed run prints: `invalid_argument` for an unknown extension,
/// `unsupported_format` for Parquet where it is not written.
pub fn check_accounts_out(
    name: Option<&str>,
    parquet: bool,
) -> Result<Option<RowFormat>, Unreadable> {
    let Some(name) = name else {
        return Ok(None);
    };
    match accounts_out::check(name) {
        Err(m) => Err(Unreadable::new(Code::InvalidArgument, m)),
        Ok(RowFormat::Parquet) if !parquet => Err(Unreadable::new(
            Code::UnsupportedFormat,
            format!("`--accounts-out {name}` is Parquet, which only the native `upgrade-prompts` binary writes (install it with `cargo install --path cli`); use .csv or .jsonl"),
        )),
        Ok(f) => Ok(Some(f)),
    }
}

/// Reads `--rates` for `engine`'s catalog; its warnings' lines go to `stderr`.
///
/// # Errors
/// What stderr says about a rates file that cannot be used (with line ends).
pub fn load_rates(
    name: &str,
    bytes: Result<Vec<u8>, Unreadable>,
    engine: &Engine,
    stderr: &mut String,
) -> Result<ReadRates, String> {
    match rates::read(name, bytes, engine.catalog()) {
        Ok(r) => {
            for w in &r.warnings {
                stderr.push_str(&report::warning_line(name, w));
                stderr.push('\n');
            }
            Ok(r)
        }
        Err(RatesError::Unreadable(e)) => {
            Err(format!("{}\n", fail_line(e.code.as_str(), &e.message)))
        }
        Err(RatesError::Invalid(errors)) => {
            let mut s = String::new();
            for e in &errors {
                s.push_str(&report::diagnostic_line(name, e));
                s.push('\n');
            }
            let code = errors.first().map_or("invalid_value", |e| e.code.as_str());
            s.push_str(&fail_line(
                code,
                &format!(
                    "`{name}` is not the JSON report of `analyze` ({} errors)",
                    errors.len()
                ),
            ));
            s.push('\n');
            Err(s)
        }
    }
}

/// The options of a run, with its rates.
pub fn options(
    now: Option<f64>,
    horizon: f64,
    placement: Option<String>,
    top: usize,
    rates: Option<&ReadRates>,
    rows: bool,
) -> SimulateOptions {
    SimulateOptions {
        now,
        horizon_days: Some(horizon),
        placement,
        top,
        rates: rates.map(|r| Arc::new(r.rates.clone())),
        rows,
    }
}

/// The columns of `--accounts-out` for a simulation.
pub fn row_columns(sim: &Simulation) -> Columns {
    Columns {
        metrics: sim.metric_ids().map(str::to_owned).collect(),
        rates: sim.has_rates(),
    }
}

/// Runs `simulate` as the native tool does, making its checks in the same order; returns what
/// it printed, except the timing line, and the number of accounts read.
pub fn simulate(run: SimulateRun<'_>) -> (Printed, u64) {
    let out = Printed::default();
    let (accounts_name, accounts) = run.accounts;
    let (format, now) = match check_simulate(run.input_format, accounts_name, run.now, run.horizon)
    {
        Ok(x) => x,
        Err(m) => return (out.failed(&Unreadable::new(Code::InvalidArgument, m)), 0),
    };
    let row_format = match check_accounts_out(run.accounts_out, false) {
        Ok(f) => f,
        Err(e) => return (out.failed(&e), 0),
    };
    let (config_name, config) = run.config;
    let engine = match load(config_name, config) {
        Ok(e) => e,
        Err(text) => return (out.config_failed(text), 0),
    };
    let mut out = out;
    let rates = match run.rates {
        None => None,
        Some((name, bytes)) => match load_rates(name, bytes, &engine, &mut out.stderr) {
            Ok(r) => Some(r),
            Err(text) => return (out.config_failed(text), 0),
        },
    };
    let bytes = match accounts {
        Ok(b) => b,
        Err(e) => return (out.failed(&e), 0),
    };
    let options = options(
        now,
        run.horizon,
        run.placement,
        run.top,
        rates.as_ref(),
        row_format.is_some(),
    );
    let mut sim = Simulation::new(&engine, &options);
    if let Some(r) = &rates {
        sim.warn(&r.warnings);
    }
    let cols = row_columns(&sim);
    let mut rows = Vec::new();
    if row_format == Some(RowFormat::Csv) {
        rows.extend_from_slice(accounts_out::csv_header(&cols).as_bytes());
    }
    let mut each = |sim: &mut Simulation| {
        if let Some(f) = row_format {
            accounts_out::text_lines(f, &cols, &sim.take_rows(), &mut rows);
        }
    };
    let (problems, records) =
        match input::read_into(bytes, accounts_name, format, &engine, &mut sim, &mut each) {
            Ok(x) => x,
            Err(e) => return (out.failed(&e), 0),
        };
    let report = sim.finish();
    out.accounts_out = row_format.map(|_| rows);
    for p in &problems {
        out.stderr.push_str(&report::problem_line(accounts_name, p));
        out.stderr.push('\n');
    }
    let currency = &engine.catalog().currency;
    if let Err(e) = write_report(
        &mut out.stdout,
        run.format,
        &report,
        &problems,
        accounts_name,
        currency,
    ) {
        let e = Unreadable::new(Code::WriteFailed, format!("cannot write the report: {e}"));
        return (out.failed(&e), records);
    }
    out.code = exit_code(&report, &problems);
    out.account_errors = report::account_errors(&report);
    (out, records)
}

/// Loads the engine of a config file's bytes; or what stderr says about it (with line ends).
///
/// # Errors
/// The file cannot be read or the config is not valid.
pub fn load(name: &str, bytes: Result<Vec<u8>, Unreadable>) -> Result<Engine, String> {
    let text = bytes
        .and_then(|b| {
            input::text_of_bytes(b, name, "a config file", crate::catalog::MAX_CONFIG_BYTES)
        })
        .map_err(|e| format!("{}\n", fail_line(e.code.as_str(), &e.message)))?;
    Engine::new(&text).map_err(|errors| invalid_config(name, &errors))
}
