//! `analyze` in the native tool: the outcome report of an event log read from JSON Lines, CSV
//! or Parquet, in two passes over the file (the library's `audience::analyze`: the first
//! counts, the second credits conversions to exposures), with a progress bar on a terminal.
//! And `generate --events`: the demo log of `audience::analyze::demo`.
//!
//! The steps that decide the output (argument checks, config errors, the report, the exit
//! code) are the library's, shared with the npm bin, so both print the same bytes.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use upgrade_prompts::audience::analyze::command::{
    analysis_exit_code, analysis_timing_line, check_analyze, write_analysis,
};
use upgrade_prompts::audience::analyze::event::{Raw, Value};
use upgrade_prompts::audience::analyze::{
    add_parsed, parse, read_lines, read_pass, Analysis, EventColumns, EventLog, Parsed, Pass,
    Window,
};
use upgrade_prompts::audience::command::{self, OutFormat};
use upgrade_prompts::base::diag::Diagnostic;
use upgrade_prompts::base::vocab::Code;
use upgrade_prompts::Engine;

use crate::input::{self, FileProblem, Format, Unreadable, CHUNK};
use crate::output;

/// What `analyze --help` adds after the options.
pub const ANALYZE_HELP: &str = "\
The event log (by extension, or --input-format): one event per line (.jsonl, .ndjson, .json),
per row of a CSV file with a header of the same field names (.csv), or per Parquet row
(.parquet, .pq; `at` may be a timestamp column):
  {\"type\":\"exposure\",\"at\":\"2026-11-02T10:00:00Z\",\"unit\":\"acct_1\",\"callout\":\"seats-near-limit\",
   \"experiment\":\"seat-copy\",\"arm\":\"holdout\"}
  {\"type\":\"impression\"|\"click\"|\"dismiss\",\"at\":…,\"unit\":…,\"callout\":…[,\"placement\":…][,\"kind\":…]}
  {\"type\":\"convert\",\"at\":…,\"unit\":…[,\"callout\":…][,\"target\":\"team\"][,\"mrrDelta\":36]}
The program-wide holdout logs exposures to the experiment `$program` (arms holdout, exposed).

The report: per experiment, the split check (chi-square, fails below p = 0.001) and per arm
the units, converted units (a conversion at or after the first exposure), the rate with its
95 % Wilson interval, MRR, and against the holdout the relative lift with its 95 % interval,
the z-test p-value and the chance to beat it; the same for $program with its attributed MRR;
per callout, impressions, clicks, dismissals, conversions and MRR by placement and kind.
Bad lines are counted and the first 100 listed with their line and code; they never stop a run.

Exit codes:
  0  the run finished and every line was an event
  1  the run finished, but some lines were not events or the file had a problem (each is
     listed in the report and on stderr), or the input was empty
  2  nothing was run: a usage error or an argument out of its range, a file that cannot be
     read or is over a bound (too_large), an invalid config, or output that cannot be written

Examples:
  upgrade-prompts generate --config catalog.json --accounts 100000 --events events.jsonl
  upgrade-prompts analyze --config catalog.json --events events.jsonl
  upgrade-prompts analyze --config catalog.json --events events.parquet --from 2026-11-01 --format json";

/// The input formats of `analyze` (`--input-format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EventFormat {
    /// One event JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// A header of event fields, then one event per row (`.csv`).
    Csv,
    /// Apache Parquet with columns named by event fields (`.parquet`, `.pq`).
    Parquet,
}

/// Output formats of `analyze`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Readable tables: totals, experiments, the program holdout, callouts, bad lines
    Table,
    /// The whole report as JSON, plus `inputErrors`
    Json,
    /// One row per experiment arm, with a header
    Csv,
}

/// The arguments of `analyze`.
#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// The catalog (config JSON file)
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,
    /// The event log: a .jsonl, .csv or .parquet file
    #[arg(long, value_name = "FILE")]
    pub events: PathBuf,
    /// The input format, when the extension does not say
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<EventFormat>,
    /// Count only events at or after this time (RFC 3339, or a date: its start)
    #[arg(long, value_name = "ISO")]
    pub from: Option<String>,
    /// Count only events before this time (RFC 3339, or a date: that whole day is counted)
    #[arg(long, value_name = "ISO")]
    pub to: Option<String>,
    /// Output format on stdout
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// No progress bar and no timing line on stderr (problems are still printed)
    #[arg(long, short)]
    pub quiet: bool,
}

/// Prints `error[code]: message` on stderr and gives exit code 2.
fn fail(e: &Unreadable) -> u8 {
    eprintln!("{}", command::fail_line(e.code.as_str(), &e.message));
    command::EXIT_FAILED
}

/// The progress bar of both passes over `path` (bytes, or rows for Parquet), drawn only on a
/// terminal.
fn progress_bar(path: &Path, format: Format, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let total = input::progress_total(path, format).unwrap_or(0);
    let bar = ProgressBar::new(total.saturating_mul(2));
    let template = "{spinner} [{elapsed_precise}] {wide_bar} {msg} (eta {eta})";
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// `analyze`: returns the exit code.
pub fn run(a: &AnalyzeArgs) -> u8 {
    let start = Instant::now();
    let file = a.events.display().to_string();
    let input_format = a.input_format.map(|f| match f {
        EventFormat::Jsonl => Format::Jsonl,
        EventFormat::Csv => Format::Csv,
        EventFormat::Parquet => Format::Parquet,
    });
    let (format, window) =
        match check_analyze(input_format, &file, a.from.as_deref(), a.to.as_deref()) {
            Ok(x) => x,
            Err(m) => return fail(&Unreadable::new(Code::InvalidArgument, m)),
        };
    let config_name = a.config.display().to_string();
    let text = input::read_text(
        &a.config,
        "a config file",
        upgrade_prompts::catalog::MAX_CONFIG_BYTES,
    );
    let engine = match command::load(&config_name, text.map(String::into_bytes)) {
        Ok(e) => e,
        Err(stderr) => {
            eprint!("{stderr}");
            return command::EXIT_FAILED;
        }
    };
    let bar = progress_bar(&a.events, format, a.quiet);
    let read = read_file(&engine, &a.events, format, window, &bar);
    bar.finish_and_clear();
    let (report, problems) = match read {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    for p in &problems {
        eprintln!("{}", output::problem_line(&file, p));
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let format = match a.format {
        ReportFormat::Table => OutFormat::Table,
        ReportFormat::Json => OutFormat::Json,
        ReportFormat::Csv => OutFormat::Csv,
    };
    let currency = &engine.catalog().currency;
    let written = write_analysis(&mut out, format, &report, &problems, &file, currency)
        .and_then(|()| out.flush());
    if let Err(e) = written {
        return fail(&Unreadable::new(
            Code::WriteFailed,
            format!("cannot write the report: {e}"),
        ));
    }
    if !a.quiet {
        let t = &report.totals;
        let secs = start.elapsed().as_secs_f64();
        eprintln!("{}", analysis_timing_line(t.events, secs, t.bad_lines));
    }
    analysis_exit_code(&report, &problems)
}

/// Both passes over the file; the report and the problems with the whole file.
fn read_file(
    engine: &Engine,
    path: &Path,
    format: Format,
    window: Window,
    bar: &ProgressBar,
) -> Result<
    (
        upgrade_prompts::audience::analyze::AnalysisReport,
        Vec<FileProblem>,
    ),
    Unreadable,
> {
    let name = path.display().to_string();
    let mut analysis = Analysis::new(engine, window);
    let mut problems = Vec::new();
    let half = bar.length().unwrap_or(0) / 2;
    for (pass, offset, what) in [
        (Pass::Count, 0, "counting"),
        (Pass::Attribute, half, "crediting conversions"),
    ] {
        bar.set_message(what);
        let progress = |n: u64| bar.set_position(offset + n);
        let found = match format {
            Format::Parquet => parquet_pass(path, &name, pass, &mut analysis, &progress)?,
            Format::Jsonl => jsonl_pass(path, &name, pass, &mut analysis, bar, offset)?,
            _ => read_pass(
                input::open(path)?,
                &name,
                format,
                pass,
                &mut analysis,
                &progress,
            )?,
        };
        if pass == Pass::Count {
            problems = found;
        }
    }
    Ok((analysis.finish(), problems))
}

/// One pass over JSON Lines: a thread reads the lines (in the second pass only those that may
/// be conversions) and parses their JSON while this one checks and counts them, in order.
fn jsonl_pass(
    path: &Path,
    name: &str,
    pass: Pass,
    analysis: &mut Analysis,
    bar: &ProgressBar,
    offset: u64,
) -> Result<Vec<FileProblem>, Unreadable> {
    let file = input::open(path)?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Parsed>(4);
    std::thread::scope(|scope| {
        let bar = bar.clone();
        let reader = std::thread::Builder::new().spawn_scoped(scope, move || {
            let progress = |n: u64| bar.set_position(offset + n);
            // A send fails only when this side is gone, which ends the run anyway.
            let mut tape = upgrade_prompts::base::json::Tape::default();
            let mut send = |lines| drop(tx.send(parse(lines, &mut tape)));
            read_lines(file, name, pass, &mut send, &progress)
        });
        let reader = reader.map_err(|e| {
            Unreadable::new(
                Code::WorkerFailed,
                format!("cannot start the reading thread: {e}"),
            )
        })?;
        for batch in rx {
            add_parsed(analysis, pass, &batch);
        }
        reader
            .join()
            .map_err(|_| Unreadable::new(Code::WorkerFailed, "the reading thread failed"))?
    })
}

/// One pass over a Parquet file: columns named by event fields; strings, numbers, dates and
/// timestamps read where the field allows them (any other type is an `invalid_type` error of
/// the rows that have a value there).
fn parquet_pass(
    path: &Path,
    name: &str,
    pass: Pass,
    analysis: &mut Analysis,
    progress: &dyn Fn(u64),
) -> Result<Vec<FileProblem>, Unreadable> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::file::reader::Length;
    let file = input::open(path)?;
    input::check_footer(&file, name)?;
    let file_len = file.len();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| input::invalid_parquet(name, e))?;
    let batch_rows = input::check_metadata(builder.metadata(), file_len, name)?;
    let total = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let schema = Arc::clone(builder.schema());
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let cols = EventColumns::new(&names);
    let mut problems: Vec<FileProblem> = cols
        .problems
        .iter()
        .cloned()
        .map(|mut p| {
            p.line = None;
            p
        })
        .collect();
    let reader = builder
        .with_batch_size(batch_rows)
        .build()
        .map_err(|e| input::invalid_parquet(name, e))?;
    let mut next = 1u64;
    for batch in reader {
        match batch {
            Ok(batch) => {
                add_batch(analysis, pass, &cols, &batch, next);
                next += batch.num_rows() as u64;
                progress(next - 1);
            }
            Err(e) => {
                let d = Diagnostic::new(
                    Code::UnreadableRows,
                    format!("rows {next} to {total} could not be decoded: {e}"),
                    Vec::new(),
                );
                if pass == Pass::Count {
                    for row in next..=total {
                        analysis.add_problem(row, d.clone());
                    }
                }
                problems.push(FileProblem {
                    diagnostic: d,
                    line: None,
                    column: None,
                });
                break;
            }
        }
    }
    if total == 0 {
        problems.push(FileProblem {
            diagnostic: Diagnostic::new(
                Code::EmptyInput,
                "the file has no rows; no events",
                Vec::new(),
            ),
            line: None,
            column: None,
        });
    }
    Ok(problems)
}

/// Adds the rows of one batch (the first numbered `first`).
fn add_batch(
    analysis: &mut Analysis,
    pass: Pass,
    cols: &EventColumns,
    batch: &RecordBatch,
    first: u64,
) {
    for row in 0..batch.num_rows() {
        let mut raw = Raw {
            cells: true,
            ..Raw::default()
        };
        for &(position, field) in &cols.fields {
            let value = batch
                .columns()
                .get(position)
                .and_then(|a| arrow_value(a.as_ref(), row));
            raw.set(field, value);
        }
        match pass {
            Pass::Count => analysis.add(first + row as u64, &raw),
            Pass::Attribute => analysis.attribute(&raw),
        }
    }
}

/// One Parquet cell as a value (`None` for a null).
fn arrow_value(a: &dyn Array, i: usize) -> Option<Value<'_>> {
    if i >= a.len() || a.is_null(i) {
        return None;
    }
    let number = |n: f64| Some(Value::Number(n));
    let time = |ms: f64| Some(Value::Time(ms));
    match a.data_type() {
        DataType::Utf8 => Some(Value::Text(a.as_string::<i32>().value(i).trim())),
        DataType::LargeUtf8 => Some(Value::Text(a.as_string::<i64>().value(i).trim())),
        DataType::Utf8View => Some(Value::Text(a.as_string_view().value(i).trim())),
        DataType::Int8 => number(a.as_primitive::<Int8Type>().value(i).into()),
        DataType::Int16 => number(a.as_primitive::<Int16Type>().value(i).into()),
        DataType::Int32 => number(a.as_primitive::<Int32Type>().value(i).into()),
        DataType::Int64 => number(a.as_primitive::<Int64Type>().value(i) as f64),
        DataType::UInt8 => number(a.as_primitive::<UInt8Type>().value(i).into()),
        DataType::UInt16 => number(a.as_primitive::<UInt16Type>().value(i).into()),
        DataType::UInt32 => number(a.as_primitive::<UInt32Type>().value(i).into()),
        DataType::UInt64 => number(a.as_primitive::<UInt64Type>().value(i) as f64),
        DataType::Float32 => number(a.as_primitive::<Float32Type>().value(i).into()),
        DataType::Float64 => number(a.as_primitive::<Float64Type>().value(i)),
        DataType::Date32 => time(f64::from(a.as_primitive::<Date32Type>().value(i)) * 86_400_000.0),
        DataType::Date64 => time(a.as_primitive::<Date64Type>().value(i) as f64),
        DataType::Timestamp(unit, _) => time(match unit {
            TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(i) as f64 * 1e3,
            TimeUnit::Millisecond => a.as_primitive::<TimestampMillisecondType>().value(i) as f64,
            TimeUnit::Microsecond => {
                a.as_primitive::<TimestampMicrosecondType>().value(i) as f64 / 1e3
            }
            TimeUnit::Nanosecond => {
                a.as_primitive::<TimestampNanosecondType>().value(i) as f64 / 1e6
            }
        }),
        DataType::Boolean => Some(Value::Other("boolean")),
        _ => Some(Value::Other("a value of another type")),
    }
}

/// `generate --events FILE`: the demo event log of accounts `0..accounts` (`-`: stdout).
pub fn write_events(engine: &Engine, accounts: u64, seed: u64, now: f64, path: &Path) -> u8 {
    let to_stdout = path.as_os_str() == "-";
    let failed = |e: std::io::Error| {
        fail(&Unreadable::new(
            Code::WriteFailed,
            format!("cannot write `{}`: {e}", path.display()),
        ))
    };
    let sink: Box<dyn Write> = if to_stdout {
        Box::new(std::io::stdout().lock())
    } else {
        match std::fs::File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => return failed(e),
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, sink);
    let bar = if std::io::stderr().is_terminal() && !to_stdout {
        ProgressBar::new(accounts)
    } else {
        ProgressBar::hidden()
    };
    let log = EventLog::new(engine, seed, now);
    let mut text = String::with_capacity(CHUNK * 256);
    for i in 0..accounts {
        log.lines(i, &mut text);
        if text.len() >= 1 << 20 || i + 1 == accounts {
            if let Err(e) = out.write_all(text.as_bytes()) {
                return failed(e);
            }
            text.clear();
            bar.set_position(i + 1);
        }
    }
    bar.finish_and_clear();
    match out.flush() {
        Ok(()) => 0,
        Err(e) => failed(e),
    }
}
