//! Reading accounts: JSON Lines, CSV and Parquet files streamed in chunks, each chunk turned
//! into contexts by whichever worker thread takes it.
//!
//! Every record has an index, counted from 1: the line for JSON Lines (blank lines are skipped
//! but keep their number, as `simulate_jsonl` counts them), the data row for CSV (the header is
//! not counted; messages give the line too) and the row for Parquet. So one population written
//! as JSON Lines without blank lines, as CSV and as Parquet gives the same indices. Problems with a record are reported under its index; problems with the whole
//! file or a whole column are [`FileProblem`]s.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use upgrade_prompts::base::diag::Diagnostic;
use upgrade_prompts::catalog::Model;

use crate::columns::{write_f64, write_str, write_text_cell, CellError, ColType, Column, Layout};

/// Records per chunk handed to a worker.
pub const CHUNK: usize = 2048;

/// The input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One context JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// A header of context paths, then one account per row (`.csv`).
    Csv,
    /// Apache Parquet with columns named by context paths (`.parquet`, `.pq`).
    Parquet,
}

impl Format {
    /// The format a file name's extension implies.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// A problem with the whole file or a whole column, located by line and column (1-based) where
/// that means something.
#[derive(Clone, Debug)]
pub struct FileProblem {
    /// The problem (its path names the column, when it is about one).
    pub diagnostic: Diagnostic,
    /// 1-based line (CSV header: 1).
    pub line: Option<u64>,
    /// 1-based column.
    pub column: Option<u64>,
}

/// A batch of records for one worker.
pub enum Chunk {
    /// Context texts (or the reason a line is not one), by index.
    Json(Vec<(u64, Result<String, Diagnostic>)>),
    /// CSV rows from `first` on.
    Csv {
        /// Index of the first row (1-based).
        first: u64,
        /// The line each row starts on (1-based), for messages.
        lines: Vec<u64>,
        /// The rows.
        rows: Vec<csv::ByteRecord>,
        /// The header's columns.
        layout: Arc<Layout>,
        /// Number of fields in the header.
        width: usize,
    },
    /// Parquet rows from `first` on.
    Parquet {
        /// Index of the first row (1-based).
        first: u64,
        /// The rows.
        batch: RecordBatch,
        /// The columns, with the batch column of each.
        plan: Arc<ParquetPlan>,
    },
    /// Indices of records that were lost (an unreadable part of a file), each with why.
    Lost(Vec<(u64, Diagnostic)>),
}

/// Reports progress: bytes or rows read so far.
pub type Progress<'a> = &'a dyn Fn(u64);

/// Why a file cannot be read at all (exit code 2).
#[derive(Debug)]
pub struct Unreadable(pub String);

/// The total a progress bar counts to (bytes for text formats, rows for Parquet).
pub fn progress_total(path: &Path, format: Format) -> Option<u64> {
    match format {
        Format::Parquet => {
            let file = File::open(path).ok()?;
            let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                .ok()?;
            u64::try_from(b.metadata().file_metadata().num_rows()).ok()
        }
        _ => std::fs::metadata(path).ok().map(|m| m.len()),
    }
}

fn open(path: &Path) -> Result<File, Unreadable> {
    if path.is_dir() {
        return Err(Unreadable(format!("`{}` is a directory", path.display())));
    }
    File::open(path).map_err(|e| Unreadable(format!("cannot read `{}`: {e}", path.display())))
}

fn empty(what: &str) -> FileProblem {
    FileProblem {
        diagnostic: Diagnostic::new("empty_input", format!("{what}; no accounts"), Vec::new()),
        line: None,
        column: None,
    }
}

/// Reads `path` in chunks, handing each to `send`; returns the problems with the whole file.
///
/// # Errors
/// The file cannot be opened or read at all.
pub fn read(
    path: &Path,
    format: Format,
    model: &Model,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let file = open(path)?;
    match format {
        Format::Jsonl => read_jsonl(file, send, progress),
        Format::Csv => read_csv(file, model, send, progress),
        Format::Parquet => read_parquet(file, model, send, progress),
    }
}

fn read_jsonl(
    file: File,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut buf = Vec::new();
    let (mut line, mut bytes, mut records) = (0u64, 0u64, 0u64);
    loop {
        buf.clear();
        let n = r
            .read_until(b'\n', &mut buf)
            .map_err(|e| Unreadable(format!("cannot read line {}: {e}", line + 1)))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        line += 1;
        let index = line;
        if line == 1 && buf.starts_with(b"\xef\xbb\xbf") {
            buf.drain(..3);
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        records += 1;
        let item = match String::from_utf8(std::mem::take(&mut buf)) {
            Ok(s) => Ok(s),
            Err(e) => Err(Diagnostic::new(
                "invalid_utf8",
                format!(
                    "line {index} is not UTF-8 (bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
                Vec::new(),
            )),
        };
        chunk.push((index, item));
        if chunk.len() == CHUNK {
            send(Chunk::Json(std::mem::replace(
                &mut chunk,
                Vec::with_capacity(CHUNK),
            )));
            progress(bytes);
        }
    }
    if !chunk.is_empty() {
        send(Chunk::Json(chunk));
    }
    progress(bytes);
    Ok(if records == 0 {
        vec![empty("the file has no lines")]
    } else {
        Vec::new()
    })
}

fn header_problems(layout: &Layout) -> Vec<FileProblem> {
    layout
        .problems
        .iter()
        .map(|p| FileProblem {
            diagnostic: p.diagnostic.clone(),
            line: Some(1),
            column: Some(p.position as u64 + 1),
        })
        .collect()
}

fn read_csv(
    file: File,
    model: &Model,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(file);
    let headers = r
        .byte_headers()
        .map_err(|e| Unreadable(format!("cannot read the header: {e}")))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    if names.is_empty() || (names.len() == 1 && names.iter().all(|n| n.trim().is_empty())) {
        return Ok(vec![empty("the file is empty")]);
    }
    let layout = Arc::new(Layout::new(model, &names));
    let mut problems = header_problems(&layout);
    let width = names.len();
    let mut first = 1u64;
    let mut rows = Vec::with_capacity(CHUNK);
    let mut lines = Vec::with_capacity(CHUNK);
    let mut record = csv::ByteRecord::new();
    let mut count = 0u64;
    loop {
        match r.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Unreadable(format!("cannot read row {}: {e}", count + 1))),
        }
        lines.push(record.position().map_or(0, |p| p.line()));
        rows.push(std::mem::take(&mut record));
        count += 1;
        if rows.len() == CHUNK {
            send(Chunk::Csv {
                first,
                lines: std::mem::replace(&mut lines, Vec::with_capacity(CHUNK)),
                rows: std::mem::replace(&mut rows, Vec::with_capacity(CHUNK)),
                layout: Arc::clone(&layout),
                width,
            });
            first = count + 1;
            progress(r.position().byte());
        }
    }
    if !rows.is_empty() {
        send(Chunk::Csv {
            first,
            lines,
            rows,
            layout,
            width,
        });
    }
    progress(r.position().byte());
    if count == 0 {
        problems.push(empty("the file has a header but no rows"));
    }
    Ok(problems)
}

/// Converts one CSV row to a context.
///
/// # Errors
/// The row's first problem: a wrong number of fields, a cell that is not UTF-8 or not of its
/// column's type.
pub fn csv_context(
    layout: &Layout,
    width: usize,
    row: &csv::ByteRecord,
    line: u64,
    out: &mut Vec<u8>,
) -> Result<(), Diagnostic> {
    if row.len() != width {
        return Err(Diagnostic::new(
            "invalid_row",
            format!(
                "line {line} has {} fields; the header has {width}",
                row.len()
            ),
            Vec::new(),
        ));
    }
    layout.write_row(out, &mut |_, c: &Column, out: &mut Vec<u8>| {
        let bytes = row.get(c.position).unwrap_or_default();
        let text = std::str::from_utf8(bytes).map_err(|_| {
            Diagnostic::new(
                "invalid_utf8",
                format!("column `{}` on line {line} is not UTF-8", c.name),
                c.diag_path(),
            )
        })?;
        write_text_cell(c.ty, text, out).map_err(|e| cell_error(e, c, &format!("line {line}")))
    })
}

fn cell_error(e: CellError, c: &Column, at: &str) -> Diagnostic {
    Diagnostic::new(
        e.code,
        format!("{} in column `{}` on {at}", e.message, c.name),
        c.diag_path(),
    )
}

/// The Parquet file's columns: for each usable one, the batch column it is read from; and the
/// columns whose type does not fit (every row is then an error).
#[derive(Debug)]
pub struct ParquetPlan {
    layout: Layout,
    /// `(column name, arrow type, expected)` of each column of the wrong type.
    wrong: Vec<(
        String,
        String,
        &'static str,
        Vec<upgrade_prompts::base::diag::PathSeg>,
    )>,
}

/// Whether a Parquet column of type `dt` can hold values of `ty`.
fn fits(ty: ColType, dt: &DataType) -> bool {
    use DataType as D;
    let string = matches!(dt, D::Utf8 | D::LargeUtf8 | D::Utf8View);
    let int = matches!(
        dt,
        D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64
    );
    let number = int || matches!(dt, D::Float32 | D::Float64 | D::Decimal128(_, _));
    let date = matches!(dt, D::Timestamp(_, _) | D::Date32 | D::Date64);
    match ty {
        ColType::Text => string || int,
        ColType::Number => string || number,
        ColType::Date => string || date,
        ColType::Free => string || number || matches!(dt, D::Boolean),
        ColType::Addons | ColType::JsonArray => string,
    }
}

fn read_parquet(
    file: File,
    model: &Model,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| Unreadable(format!("not a readable Parquet file: {e}")))?;
    let total = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let schema = Arc::clone(builder.schema());
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let layout = Layout::new(model, &names);
    let mut problems = header_problems(&layout);
    for p in &mut problems {
        p.line = None;
    }
    let mut wrong = Vec::new();
    for c in &layout.columns {
        let Some(field) = schema.fields().get(c.position) else {
            continue;
        };
        if !fits(c.ty, field.data_type()) {
            let diagnostic = Diagnostic::new(
                "wrong_column_type",
                format!(
                    "column `{}` has type `{}`; it must hold {}, so every row is an error",
                    c.name,
                    field.data_type(),
                    c.ty.noun()
                ),
                c.diag_path(),
            );
            problems.push(FileProblem {
                diagnostic,
                line: None,
                column: Some(c.position as u64 + 1),
            });
            wrong.push((
                c.name.clone(),
                field.data_type().to_string(),
                c.ty.noun(),
                c.diag_path(),
            ));
        }
    }
    let plan = Arc::new(ParquetPlan { layout, wrong });
    let reader = builder
        .with_batch_size(CHUNK)
        .build()
        .map_err(|e| Unreadable(format!("not a readable Parquet file: {e}")))?;
    let mut first = 1u64;
    for batch in reader {
        match batch {
            Ok(batch) => {
                let n = batch.num_rows() as u64;
                send(Chunk::Parquet {
                    first,
                    batch,
                    plan: Arc::clone(&plan),
                });
                first += n;
                progress(first - 1);
            }
            Err(e) => {
                // The rest of the file cannot be decoded: each row not read is an error, so
                // the totals still count it.
                let d = Diagnostic::new(
                    "unreadable_rows",
                    format!("rows {first} to {total} could not be decoded: {e}"),
                    Vec::new(),
                );
                problems.push(FileProblem {
                    diagnostic: d.clone(),
                    line: None,
                    column: None,
                });
                let lost: Vec<_> = (first..=total).map(|i| (i, d.clone())).collect();
                for part in lost.chunks(CHUNK) {
                    send(Chunk::Lost(part.to_vec()));
                }
                break;
            }
        }
    }
    if total == 0 {
        problems.push(empty("the file has no rows"));
    }
    Ok(problems)
}

/// Converts row `row` of a Parquet batch to a context.
///
/// # Errors
/// A column of the wrong type, or a cell that does not convert.
pub fn parquet_context(
    plan: &ParquetPlan,
    batch: &RecordBatch,
    row: usize,
    index: u64,
    out: &mut Vec<u8>,
) -> Result<(), Diagnostic> {
    if let Some((name, dt, expected, path)) = plan.wrong.first() {
        return Err(Diagnostic::new(
            "wrong_column_type",
            format!("column `{name}` has type `{dt}`; it must hold {expected} (row {index})"),
            path.clone(),
        ));
    }
    plan.layout
        .write_row(out, &mut |_, c: &Column, out: &mut Vec<u8>| {
            let Some(array) = batch.columns().get(c.position) else {
                return Ok(false);
            };
            arrow_cell(c.ty, array.as_ref(), row, out)
                .map_err(|e| cell_error(e, c, &format!("row {index}")))
        })
}

fn arrow_cell(ty: ColType, a: &dyn Array, i: usize, out: &mut Vec<u8>) -> Result<bool, CellError> {
    if i >= a.len() || a.is_null(i) {
        return Ok(false);
    }
    let text = |s: &str, out: &mut Vec<u8>| write_text_cell(ty, s, out);
    let num = |n: f64, out: &mut Vec<u8>| {
        if ty == ColType::Text {
            write_str(out, &n.to_string());
            return Ok(true);
        }
        if write_f64(out, n) {
            Ok(true)
        } else {
            Err(CellError {
                code: "invalid_number",
                message: format!("`{n}` is not a finite number"),
            })
        }
    };
    let int = |n: i128, out: &mut Vec<u8>| {
        if ty == ColType::Text {
            write_str(out, &n.to_string());
        } else {
            out.extend_from_slice(n.to_string().as_bytes());
        }
        Ok(true)
    };
    let date = |ms: f64, out: &mut Vec<u8>| {
        write_str(out, &upgrade_prompts::base::date::format(ms));
        Ok(true)
    };
    match a.data_type() {
        DataType::Utf8 => text(a.as_string::<i32>().value(i), out),
        DataType::LargeUtf8 => text(a.as_string::<i64>().value(i), out),
        DataType::Utf8View => text(a.as_string_view().value(i), out),
        DataType::Boolean => {
            out.extend_from_slice(if a.as_boolean().value(i) {
                b"true"
            } else {
                b"false"
            });
            Ok(true)
        }
        DataType::Int8 => int(a.as_primitive::<Int8Type>().value(i).into(), out),
        DataType::Int16 => int(a.as_primitive::<Int16Type>().value(i).into(), out),
        DataType::Int32 => int(a.as_primitive::<Int32Type>().value(i).into(), out),
        DataType::Int64 => int(a.as_primitive::<Int64Type>().value(i).into(), out),
        DataType::UInt8 => int(a.as_primitive::<UInt8Type>().value(i).into(), out),
        DataType::UInt16 => int(a.as_primitive::<UInt16Type>().value(i).into(), out),
        DataType::UInt32 => int(a.as_primitive::<UInt32Type>().value(i).into(), out),
        DataType::UInt64 => int(a.as_primitive::<UInt64Type>().value(i).into(), out),
        DataType::Float32 => num(a.as_primitive::<Float32Type>().value(i).into(), out),
        DataType::Float64 => num(a.as_primitive::<Float64Type>().value(i), out),
        DataType::Decimal128(_, scale) => {
            let v = a.as_primitive::<Decimal128Type>().value(i) as f64;
            num(v / 10f64.powi(i32::from(*scale)), out)
        }
        DataType::Date32 => date(
            f64::from(a.as_primitive::<Date32Type>().value(i)) * 86_400_000.0,
            out,
        ),
        DataType::Date64 => date(a.as_primitive::<Date64Type>().value(i) as f64, out),
        DataType::Timestamp(unit, _) => {
            let ms = match unit {
                TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(i) as f64 * 1e3,
                TimeUnit::Millisecond => {
                    a.as_primitive::<TimestampMillisecondType>().value(i) as f64
                }
                TimeUnit::Microsecond => {
                    a.as_primitive::<TimestampMicrosecondType>().value(i) as f64 / 1e3
                }
                TimeUnit::Nanosecond => {
                    a.as_primitive::<TimestampNanosecondType>().value(i) as f64 / 1e6
                }
            };
            date(ms, out)
        }
        other => Err(CellError {
            code: "wrong_column_type",
            message: format!("type `{other}` cannot be read"),
        }),
    }
}

/// Reads a whole small file as text (configs).
///
/// # Errors
/// The file cannot be read or is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, Unreadable> {
    let mut f = open(path)?;
    let mut s = String::new();
    f.read_to_string(&mut s)
        .map_err(|e| Unreadable(format!("cannot read `{}`: {e}", path.display())))?;
    Ok(s)
}
