//! The steps of the command-line tool's `analyze` that decide what is printed and the exit
//! code: the argument checks, the config's problems, the report, the timing line. The native
//! binary (files streamed, Parquet too) and the npm bin (the audience build, a file read into
//! memory) both run them, so both programs print the same bytes for the same input.

use std::io::Write;

use super::print;
use super::record::read_both;
use super::report::{AnalysisReport, Window};
use super::tally::Analysis;
use crate::audience::command::{load, OutFormat, Printed, EXIT_ERRORS, EXIT_OK};
use crate::audience::input::{FileProblem, Format, Unreadable};
use crate::audience::report::problem_line;
use crate::base::date::{self, DAY_MS};
use crate::base::vocab::Code;

/// One bound of `--from`/`--to`: an RFC 3339 time, or a date (`--to` a date: the end of that
/// day, so the day is counted).
fn bound(flag: &str, s: Option<&str>, end: bool) -> Result<Option<f64>, String> {
    let Some(s) = s else {
        return Ok(None);
    };
    match date::parse(s) {
        Some(ms) if date::in_range(ms) => Ok(Some(if end && s.len() == 10 {
            ms + DAY_MS
        } else {
            ms
        })),
        _ => Err(format!(
            "`{flag} {s}` is not an RFC 3339 time or date such as `2026-11-01` or \
             `2026-11-01T00:00:00Z` (from 1970 to 9999)"
        )),
    }
}

/// The checks of `analyze`'s arguments before anything is read, in the order the tool makes
/// them: the input format (`--input-format`, else the extension of `events`), `--from`,
/// `--to`.
///
/// # Errors
/// The message of an `invalid_argument` error.
pub fn check_analyze(
    input_format: Option<Format>,
    events: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Format, Window), String> {
    let Some(format) = input_format.or_else(|| Format::from_name(events)) else {
        return Err(format!(
            "cannot tell the format of `{events}` from its extension; use .jsonl, .csv or \
             .parquet, or --input-format"
        ));
    };
    let window = Window {
        from: bound("--from", from, false)?,
        to: bound("--to", to, true)?,
    };
    if let (Some(f), Some(t)) = (window.from, window.to) {
        if f >= t {
            return Err(format!(
                "`--from` ({}) must come before `--to` ({})",
                date::format(f),
                date::format(t)
            ));
        }
    }
    Ok((format, window))
}

/// Writes the report in `format`; `file` names the events file, `currency` is the catalog's.
///
/// # Errors
/// Writing fails.
pub fn write_analysis(
    out: &mut impl Write,
    format: OutFormat,
    report: &AnalysisReport,
    problems: &[FileProblem],
    file: &str,
    currency: &str,
) -> std::io::Result<()> {
    match format {
        OutFormat::Table => print::table(out, report, problems, file, currency),
        OutFormat::Json => print::json(out, report, problems),
        // (`reach-csv` is simulate's; analyze's flags do not offer it.)
        OutFormat::Csv | OutFormat::ReachCsv => print::csv(out, report),
    }
}

/// The exit code of a finished run: 1 when a line or the file had a problem.
pub fn analysis_exit_code(report: &AnalysisReport, problems: &[FileProblem]) -> u8 {
    if report.totals.bad_lines > 0 || !problems.is_empty() {
        EXIT_ERRORS
    } else {
        EXIT_OK
    }
}

/// The line `analyze` ends with on stderr unless `--quiet` (without its line end).
pub fn analysis_timing_line(events: u64, secs: f64, bad_lines: u64) -> String {
    format!(
        "analyzed {events} events in {secs:.2} s ({:.0} events/s){}",
        events as f64 / secs.max(1e-9),
        if bad_lines > 0 {
            format!("; {bad_lines} bad lines")
        } else {
            String::new()
        }
    )
}

/// `analyze` over an events file held in memory, on this thread (the npm bin's path).
pub struct AnalyzeRun<'a> {
    /// The config file's name and its bytes (at most [`crate::catalog::MAX_CONFIG_BYTES`]
    /// and one more), or why it cannot be read.
    pub config: (&'a str, Result<Vec<u8>, Unreadable>),
    /// The events file's name and its bytes, or why it cannot be read.
    pub events: (&'a str, Result<&'a [u8], Unreadable>),
    /// `--input-format`.
    pub input_format: Option<Format>,
    /// `--from`.
    pub from: Option<&'a str>,
    /// `--to`.
    pub to: Option<&'a str>,
    /// `--format`.
    pub format: OutFormat,
}

/// Runs `analyze` as the native tool does, making its checks in the same order; returns what
/// it printed, except the timing line (`account_errors` holds the bad lines, for it), and the
/// number of events read.
pub fn analyze(run: AnalyzeRun<'_>) -> (Printed, u64) {
    let out = Printed::default();
    let (events_name, events) = run.events;
    let (format, window) = match check_analyze(run.input_format, events_name, run.from, run.to) {
        Ok(x) => x,
        Err(m) => return (out.failed(&Unreadable::new(Code::InvalidArgument, m)), 0),
    };
    let (config_name, config) = run.config;
    let engine = match load(config_name, config) {
        Ok(e) => e,
        Err(text) => return (out.config_failed(text), 0),
    };
    let bytes = match events {
        Ok(b) => b,
        Err(e) => return (out.failed(&e), 0),
    };
    let mut analysis = Analysis::new(&engine, window);
    let problems = match read_both(bytes, events_name, format, &mut analysis) {
        Ok(p) => p,
        Err(e) => return (out.failed(&e), 0),
    };
    let report = analysis.finish();
    let mut out = out;
    for p in &problems {
        out.stderr.push_str(&problem_line(events_name, p));
        out.stderr.push('\n');
    }
    let currency = &engine.catalog().currency;
    let events = report.totals.events;
    if let Err(e) = write_analysis(
        &mut out.stdout,
        run.format,
        &report,
        &problems,
        events_name,
        currency,
    ) {
        let e = Unreadable::new(Code::WriteFailed, format!("cannot write the report: {e}"));
        return (out.failed(&e), events);
    }
    out.code = analysis_exit_code(&report, &problems);
    out.account_errors = report.totals.bad_lines;
    (out, events)
}
