//! Reading event records into an [`Analysis`]: a CSV row through the columns its header names,
//! and each of the two passes over a JSON Lines (see [`super::lines`]) or CSV input (Parquet,
//! which the native tool alone reads, builds the same [`Raw`] records in `cli/` with
//! [`EventColumns`]).
//!
//! A CSV record is numbered by the line it starts on, so errors point at the text.

use std::io::Read;

use super::event::{Bad, Field, Raw, Value};
use super::lines::{add_parsed, no_events, parse, read_lines};
use super::tally::{Analysis, Pass};
use crate::audience::input::{
    self, next_record, open_csv, FileProblem, Format, Progress, Unreadable,
};
use crate::base::diag::{did_you_mean, Diagnostic, PathSeg};
use crate::base::json::Tape;
use crate::base::vocab::Code;

/// The columns of a CSV header (or a Parquet schema) that name event fields.
#[derive(Clone, Debug, Default)]
pub struct EventColumns {
    /// (position, field) of each usable column.
    pub fields: Vec<(usize, Field)>,
    /// Columns in the header.
    pub width: usize,
    /// Columns that are ignored, each with why (at line 1 and its column).
    pub problems: Vec<FileProblem>,
}

impl EventColumns {
    /// Maps a header's names to fields; unknown and repeated columns are problems.
    pub fn new<S: AsRef<str>>(headers: &[S]) -> EventColumns {
        let mut cols = EventColumns {
            width: headers.len(),
            ..EventColumns::default()
        };
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        for (position, header) in headers.iter().enumerate() {
            let name = header.as_ref().trim();
            let path = vec![PathSeg::Key(name.to_owned())];
            let diagnostic = match Field::parse(name) {
                Some(f) if cols.fields.iter().any(|(_, g)| *g == f) => Diagnostic::new(
                    Code::DuplicateColumn,
                    format!("column `{name}` is given twice; the second one is ignored"),
                    path,
                ),
                Some(f) => {
                    cols.fields.push((position, f));
                    continue;
                }
                None => Diagnostic::new(
                    Code::UnknownColumn,
                    format!("column `{name}` is not an event field; it is ignored"),
                    path,
                )
                .with_help(
                    did_you_mean(name, names.iter().copied())
                        .or_else(|| Some(format!("the fields: {}", names.join(", ")))),
                ),
            };
            cols.problems.push(FileProblem {
                diagnostic,
                line: Some(1),
                column: Some(position as u64 + 1),
            });
        }
        cols
    }
}

/// The fields of one CSV row (an empty cell is absent).
///
/// # Errors
/// The row's width differs from the header's, or a cell is not UTF-8.
pub fn csv_raw<'a>(cols: &EventColumns, row: &'a csv::ByteRecord) -> Result<Raw<'a>, Bad<'a>> {
    if row.len() != cols.width {
        return Err(Bad::Width {
            found: row.len(),
            want: cols.width,
        });
    }
    let mut raw = Raw {
        cells: true,
        ..Raw::default()
    };
    for &(position, f) in &cols.fields {
        let bytes = row.get(position).unwrap_or_default();
        let text = std::str::from_utf8(bytes).map_err(|_| Bad::Utf8(f.name()))?;
        let text = text.trim();
        raw.set(f, (!text.is_empty()).then_some(Value::Text(text)));
    }
    Ok(raw)
}

/// Reads JSON Lines in `pass` on this thread.
///
/// # Errors
/// As [`read_lines`].
fn jsonl_pass(
    input: impl Read,
    name: &str,
    pass: Pass,
    analysis: &mut Analysis,
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let mut tape = Tape::default();
    read_lines(
        input,
        name,
        pass,
        &mut |lines| add_parsed(analysis, pass, &parse(lines, &mut tape)),
        progress,
    )
}

/// Reads CSV in `pass`: a header of event fields, then one event per row.
fn csv_pass(
    input: impl Read,
    name: &str,
    pass: Pass,
    analysis: &mut Analysis,
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let (mut r, names) = open_csv(input, name)?;
    if names.iter().all(|n| n.trim().is_empty()) {
        return Ok(vec![no_events("the file is empty")]);
    }
    let cols = EventColumns::new(&names);
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    loop {
        let what = |line| format!("the record from line {line}");
        if !next_record(&mut r, &mut record, name, what)? {
            break;
        }
        rows += 1;
        let line = record.position().map_or(rows + 1, |p| p.line());
        match (csv_raw(&cols, &record), pass) {
            (Ok(raw), Pass::Count) => analysis.add(line, &raw),
            (Ok(raw), Pass::Attribute) => analysis.attribute(&raw),
            (Err(b), Pass::Count) => analysis.add_bad(line, &b),
            (Err(_), Pass::Attribute) => {}
        }
        if rows.is_multiple_of(4096) {
            progress(r.position().byte());
        }
    }
    progress(r.position().byte());
    let mut problems = cols.problems;
    if rows == 0 {
        problems.push(no_events("the file has a header but no rows"));
    }
    Ok(problems)
}

/// Reads a JSON Lines or CSV input (named `name` in messages) in `pass`; returns the
/// problems with the whole file.
///
/// # Errors
/// The input cannot be read, or a line, record or header is over its bound; Parquet, which
/// only the native tool reads, is `unsupported_format`.
pub fn read_pass(
    input: impl Read,
    name: &str,
    format: Format,
    pass: Pass,
    analysis: &mut Analysis,
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    match format {
        Format::Jsonl => jsonl_pass(input, name, pass, analysis, progress),
        Format::Csv => csv_pass(input, name, pass, analysis, progress),
        Format::Parquet => Err(input::parquet_unsupported(name)),
    }
}

/// Reads an input held in memory in both passes; returns the problems with the whole file.
///
/// # Errors
/// As [`read_pass`].
pub fn read_both(
    bytes: &[u8],
    name: &str,
    format: Format,
    analysis: &mut Analysis,
) -> Result<Vec<FileProblem>, Unreadable> {
    let problems = read_pass(bytes, name, format, Pass::Count, analysis, &|_| {})?;
    read_pass(bytes, name, format, Pass::Attribute, analysis, &|_| {})?;
    Ok(problems)
}
