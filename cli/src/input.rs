//! Reading accounts: JSON Lines and CSV through the library's readers
//! (`upgrade_prompts::audience::input`, shared with the npm bin), and Parquet, which only this
//! tool reads; files streamed in chunks, each chunk turned into contexts by whichever worker
//! thread takes it.
//!
//! Every record has an index, counted from 1: the line for JSON Lines, the data row for CSV
//! and the row for Parquet. So one population written as JSON Lines without blank lines, as
//! CSV and as Parquet gives the same indices. Problems with a record are reported under its
//! index; problems with the whole file or a whole column are [`FileProblem`]s.

use std::fs::File;
use std::io::Read;
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
use parquet::file::reader::ChunkReader;
pub use upgrade_prompts::audience::input::{
    bytes_text, cell_error, csv_context, empty, header_problems, too_large, FileProblem, Format,
    Progress, TextChunk, Unreadable, CHUNK, CHUNK_BYTES, MAX_COLUMNS, MAX_PARQUET_FOOTER_BYTES,
    MAX_PARQUET_ROWS, MAX_RECORD_BYTES,
};
pub use upgrade_prompts::audience::lint::FileRead;
use upgrade_prompts::base::diag::Diagnostic;
use upgrade_prompts::base::vocab::Code;
use upgrade_prompts::catalog::Model;

use crate::columns::{write_f64, write_str, write_text_cell, CellError, ColType, Column, Layout};

/// A batch of records for one worker.
pub enum Chunk {
    /// Records of a text format (JSON Lines, CSV), or records that were lost.
    Text(TextChunk),
    /// Parquet rows from `first` on.
    Parquet {
        /// Index of the first row (1-based).
        first: u64,
        /// The rows.
        batch: RecordBatch,
        /// The columns, with the batch column of each.
        plan: Arc<ParquetPlan>,
    },
}

impl From<TextChunk> for Chunk {
    fn from(c: TextChunk) -> Chunk {
        Chunk::Text(c)
    }
}

impl Chunk {
    /// The chunk of a text format, or the Parquet rows.
    pub fn text(self) -> Result<TextChunk, (u64, RecordBatch, Arc<ParquetPlan>)> {
        match self {
            Chunk::Text(c) => Ok(c),
            Chunk::Parquet { first, batch, plan } => Err((first, batch, plan)),
        }
    }
}

/// The total a progress bar counts to (bytes for text formats, rows for Parquet).
pub fn progress_total(path: &Path, format: Format) -> Option<u64> {
    match format {
        Format::Parquet => {
            let file = File::open(path).ok()?;
            let name = path.display().to_string();
            check_footer(&file, &name).ok()?;
            let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                .ok()?;
            u64::try_from(b.metadata().file_metadata().num_rows()).ok()
        }
        _ => std::fs::metadata(path).ok().map(|m| m.len()),
    }
}

/// Opens a file to read, with the tool's errors (`file_not_found`, `is_directory`, …).
///
/// # Errors
/// The file does not exist, is a directory, or cannot be opened.
pub fn open(path: &Path) -> Result<File, Unreadable> {
    if path.is_dir() {
        return Err(Unreadable::directory(&path.display().to_string()));
    }
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Unreadable::not_found(&path.display().to_string())
        } else {
            Unreadable::new(
                Code::UnreadableFile,
                format!("cannot read `{}`: {e}", path.display()),
            )
        }
    })
}

/// Reads `path` in chunks, handing each to `send`; returns the problems with the whole file.
///
/// # Errors
/// The file cannot be opened or read at all, or a line, record, header or footer is over its
/// bound (`too_large`).
pub fn read(
    path: &Path,
    format: Format,
    model: &Model,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let file = open(path)?;
    let name = path.display().to_string();
    match format {
        Format::Jsonl => read_jsonl(file, &name, send, progress),
        Format::Csv => read_csv(file, &name, model, send, progress),
        Format::Parquet => read_parquet(file, &name, model, send, progress),
    }
}

/// Reads JSON Lines from `input` (named `name` in messages), handing chunks to `send`.
///
/// # Errors
/// The input cannot be read, or a line is longer than [`MAX_RECORD_BYTES`].
pub fn read_jsonl(
    input: impl Read,
    name: &str,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    upgrade_prompts::audience::input::read_jsonl(input, name, &mut |c| send(c.into()), progress)
}

/// Reads CSV from `input` (named `name` in messages), handing chunks to `send`.
///
/// # Errors
/// The input cannot be read, the header has more than [`MAX_COLUMNS`] columns, or a record is
/// longer than [`MAX_RECORD_BYTES`].
pub fn read_csv(
    input: impl Read,
    name: &str,
    model: &Model,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    upgrade_prompts::audience::input::read_csv(
        input,
        name,
        model,
        &mut |c| send(c.into()),
        progress,
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

/// `invalid_parquet`: `name` is not a readable Parquet file, and why.
pub fn invalid_parquet(name: &str, why: impl std::fmt::Display) -> Unreadable {
    Unreadable::new(
        Code::InvalidParquet,
        format!("`{name}` is not a readable Parquet file: {why}"),
    )
}

/// Checks the footer's length before the Parquet reader loads the footer into memory.
///
/// # Errors
/// The file is shorter than a footer, or its footer is over [`MAX_PARQUET_FOOTER_BYTES`].
pub fn check_footer<R: ChunkReader>(r: &R, name: &str) -> Result<(), Unreadable> {
    let len = r.len();
    if len < 8 {
        return Err(invalid_parquet(name, "it is shorter than a Parquet footer"));
    }
    let mut tail = [0u8; 8];
    r.get_read(len - 8)
        .map_err(|e| invalid_parquet(name, e))?
        .read_exact(&mut tail)
        .map_err(|e| invalid_parquet(name, e))?;
    let [a, b, c, d, ..] = tail;
    let footer = u32::from_le_bytes([a, b, c, d]);
    if usize::try_from(footer).map_or(true, |n| n > MAX_PARQUET_FOOTER_BYTES) {
        return Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{name}`: the Parquet footer is {}; the limit is {}; nothing was run",
                bytes_text(footer as usize),
                bytes_text(MAX_PARQUET_FOOTER_BYTES)
            ),
        ));
    }
    Ok(())
}

/// Checks what the Parquet metadata declares before any row is decoded: the column count,
/// the row count, every column chunk inside the file (the reader would otherwise allocate a
/// page the file cannot hold, or stop on a negative offset), and the average row of each row
/// group within [`MAX_RECORD_BYTES`]. Returns the rows per batch that keeps a batch near
/// [`CHUNK_BYTES`].
///
/// # Errors
/// A declared count or size is over its bound, or a column chunk lies outside the file.
pub fn check_metadata(
    meta: &parquet::file::metadata::ParquetMetaData,
    file_len: u64,
    name: &str,
) -> Result<usize, Unreadable> {
    let columns = meta.file_metadata().schema_descr().num_columns();
    if columns > MAX_COLUMNS {
        return Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{name}` has {} columns; the limit is {}; nothing was run",
                upgrade_prompts::audience::report::int(columns as u64),
                upgrade_prompts::audience::report::int(MAX_COLUMNS as u64)
            ),
        ));
    }
    let rows = meta.file_metadata().num_rows();
    let declared: i64 = meta.row_groups().iter().map(|g| g.num_rows().max(0)).sum();
    if rows < 0 || declared != rows {
        return Err(invalid_parquet(
            name,
            format!("it declares {rows} rows, and its row groups {declared}"),
        ));
    }
    if u64::try_from(rows).map_or(true, |n| n > MAX_PARQUET_ROWS) {
        return Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{name}` declares {} rows; the limit is {}; nothing was run",
                upgrade_prompts::audience::report::int(rows.unsigned_abs()),
                upgrade_prompts::audience::report::int(MAX_PARQUET_ROWS)
            ),
        ));
    }
    let mut widest = 1u64;
    for (g, group) in meta.row_groups().iter().enumerate() {
        for (c, col) in group.columns().iter().enumerate() {
            let start = col
                .dictionary_page_offset()
                .unwrap_or(col.data_page_offset());
            let inside = u64::try_from(start)
                .ok()
                .zip(u64::try_from(col.compressed_size()).ok())
                .and_then(|(s, n)| s.checked_add(n))
                .is_some_and(|end| end <= file_len);
            if !inside || col.data_page_offset() < 0 {
                return Err(invalid_parquet(
                    name,
                    format!(
                        "column {} of row group {} lies outside the file",
                        c + 1,
                        g + 1
                    ),
                ));
            }
        }
        let (Ok(n), Ok(bytes)) = (
            u64::try_from(group.num_rows()),
            u64::try_from(group.total_byte_size()),
        ) else {
            return Err(invalid_parquet(
                name,
                format!("row group {} has a negative size", g + 1),
            ));
        };
        let average = bytes / n.max(1);
        if average > MAX_RECORD_BYTES as u64 {
            return Err(too_large(
                name,
                &format!("the average row of row group {}", g + 1),
                MAX_RECORD_BYTES,
            ));
        }
        widest = widest.max(average);
    }
    let rows_per_batch = (CHUNK_BYTES as u64 / widest).clamp(1, CHUNK as u64);
    Ok(usize::try_from(rows_per_batch).unwrap_or(CHUNK))
}

/// Reads Parquet from `input` (named `name` in messages), handing batches to `send`.
///
/// # Errors
/// The input is not a readable Parquet file, or its footer, columns, rows or rows' average
/// size are over their bounds.
pub fn read_parquet<R: ChunkReader + 'static>(
    input: R,
    name: &str,
    model: &Model,
    send: &mut dyn FnMut(Chunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    check_footer(&input, name)?;
    let file_len = input.len();
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(input).map_err(|e| invalid_parquet(name, e))?;
    let batch_rows = check_metadata(builder.metadata(), file_len, name)?;
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
                Code::WrongColumnType,
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
        .with_batch_size(batch_rows)
        .build()
        .map_err(|e| invalid_parquet(name, e))?;
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
                    Code::UnreadableRows,
                    format!("rows {first} to {total} could not be decoded: {e}"),
                    Vec::new(),
                );
                problems.push(FileProblem {
                    diagnostic: d.clone(),
                    line: None,
                    column: None,
                });
                // In chunks, never all at once: the count comes from the file.
                let mut at = first;
                while at <= total {
                    let end = total.min(at.saturating_add(CHUNK as u64 - 1));
                    send(Chunk::Text(TextChunk::Lost(
                        (at..=end).map(|i| (i, d.clone())).collect(),
                    )));
                    at = end.saturating_add(1);
                    progress(at - 1);
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
            Code::WrongColumnType,
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
                code: Code::InvalidNumber,
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
            code: Code::WrongColumnType,
            message: format!("type `{other}` cannot be read"),
        }),
    }
}

/// Reads a whole small file as text (a config), at most `limit` bytes of it: a longer file,
/// or one that never ends (`/dev/zero`), is `too_large` after reading `limit + 1` bytes.
///
/// # Errors
/// The file cannot be read, is longer than `limit` bytes, or is not UTF-8.
pub fn read_text(path: &Path, what: &str, limit: usize) -> Result<String, Unreadable> {
    let f = open(path)?;
    let mut bytes = Vec::new();
    f.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Unreadable::new(
                Code::UnreadableFile,
                format!("cannot read `{}`: {e}", path.display()),
            )
        })?;
    upgrade_prompts::audience::input::text_of_bytes(bytes, &path.display().to_string(), what, limit)
}

/// The name of a system error as `lint` reports it (`EACCES`, `ELOOP`, …: the names Node gives
/// the same errors, so both programs print the same words), or its text when it has none here.
fn error_name(e: &std::io::Error) -> String {
    #[cfg(target_os = "linux")]
    {
        let name = match e.raw_os_error() {
            Some(1) => "EPERM",
            Some(2) => "ENOENT",
            Some(5) => "EIO",
            Some(6) => "ENXIO",
            Some(13) => "EACCES",
            Some(16) => "EBUSY",
            Some(20) => "ENOTDIR",
            Some(21) => "EISDIR",
            Some(24) => "EMFILE",
            Some(36) => "ENAMETOOLONG",
            Some(40) => "ELOOP",
            Some(75) => "EOVERFLOW",
            _ => "",
        };
        if !name.is_empty() {
            return name.to_owned();
        }
    }
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "EACCES".to_owned(),
        _ => e.to_string(),
    }
}

/// A file for `lint` and `compile`, read as the npm bin reads it: a path that is not a
/// regular file is refused before it is opened, a file over `limit` bytes is not read (at most
/// `limit + 1` bytes are), and a system error is named.
pub fn read_lint_file(path: &Path, limit: usize) -> FileRead {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return match (e.kind(), error_name(&e).as_str()) {
                (std::io::ErrorKind::NotFound, _) => FileRead::Missing,
                (_, "ENOTDIR") => FileRead::ParentNotDirectory,
                (_, name) => FileRead::Failed(name.to_owned()),
            }
        }
    };
    if meta.is_dir() {
        return FileRead::Directory;
    }
    if !meta.is_file() {
        return FileRead::NotAFile;
    }
    if meta.len() > limit as u64 {
        return FileRead::TooLarge(meta.len());
    }
    let failed = |e: std::io::Error| match error_name(&e).as_str() {
        "EISDIR" => FileRead::Directory,
        name => FileRead::Failed(name.to_owned()),
    };
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return failed(e),
    };
    let mut bytes = Vec::new();
    match file.take(limit as u64 + 1).read_to_end(&mut bytes) {
        Ok(_) => FileRead::Bytes(bytes),
        Err(e) => failed(e),
    }
}
