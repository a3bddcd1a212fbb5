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
use upgrade_prompts::base::vocab::Code;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::file::reader::ChunkReader;
use upgrade_prompts::base::diag::Diagnostic;
use upgrade_prompts::catalog::Model;

use crate::columns::{write_f64, write_str, write_text_cell, CellError, ColType, Column, Layout};

/// Records per chunk handed to a worker.
pub const CHUNK: usize = 2048;

/// Bytes per chunk handed to a worker: a chunk is sent once it holds [`CHUNK`] records or this
/// many bytes, so long records make short chunks and the chunks in flight stay small.
pub const CHUNK_BYTES: usize = 4 << 20;

/// The read buffer of the text readers: large enough that reading costs few system calls,
/// small enough that filling it the first time (it is zeroed once) costs nothing to notice.
const READ_BUFFER: usize = 64 << 10;

/// The longest line (JSON Lines) or record (CSV, the header included) read, in bytes with its
/// line ending. A context is at most 1 MiB (the engine reports a longer one as an error of
/// that account alone and the run goes on); a line or record longer than this bound stops the
/// run with `too_large`, so a line that never ends (`/dev/zero`) costs bounded memory and time.
/// The average row of a Parquet row group is held to the same bound.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

/// The most columns a CSV header or a Parquet schema may have.
pub const MAX_COLUMNS: usize = 100_000;

/// The largest Parquet footer (the file's metadata) read, in bytes.
pub const MAX_PARQUET_FOOTER_BYTES: usize = 32 << 20;

/// The most rows a Parquet file may declare (its metadata says how many, before any is read).
pub const MAX_PARQUET_ROWS: u64 = 1_000_000_000;

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

/// Why a file cannot be read at all, or a run cannot go on (exit code 2).
#[derive(Debug)]
pub struct Unreadable {
    /// A stable code: `file_not_found`, `is_directory`, `unreadable_file`, `invalid_utf8`,
    /// `too_large`, `invalid_parquet`, `worker_failed`.
    pub code: Code,
    /// What is wrong, naming the file.
    pub message: String,
}

impl Unreadable {
    /// An error with a code and a message.
    pub fn new(code: Code, message: impl Into<String>) -> Unreadable {
        Unreadable {
            code,
            message: message.into(),
        }
    }
}

/// `4194304` as `4,194,304 bytes (4 MiB)`, as messages give a bound.
pub fn bytes_text(n: usize) -> String {
    let mut s = format!("{} bytes", crate::output::int(n as u64));
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        s.push_str(&format!(" ({} MiB)", n >> 20));
    }
    s
}

fn too_large(name: &str, what: &str, bound: usize) -> Unreadable {
    Unreadable::new(
        Code::TooLarge,
        format!(
            "`{name}`: {what} is longer than {}, the most a line or record may be; nothing was run",
            bytes_text(bound)
        ),
    )
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

fn open(path: &Path) -> Result<File, Unreadable> {
    if path.is_dir() {
        return Err(Unreadable::new(
            Code::IsDirectory,
            format!("`{}` is a directory", path.display()),
        ));
    }
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Unreadable::new(
                Code::FileNotFound,
                format!("cannot read `{}`: no such file", path.display()),
            )
        } else {
            Unreadable::new(
                Code::UnreadableFile,
                format!("cannot read `{}`: {e}", path.display()),
            )
        }
    })
}

fn empty(what: &str) -> FileProblem {
    FileProblem {
        diagnostic: Diagnostic::new(Code::EmptyInput, format!("{what}; no accounts"), Vec::new()),
        line: None,
        column: None,
    }
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

/// Reads one line into `buf` (its line feed included), reading at most `max + 1` bytes:
/// `Ok(n)` with `n > max` means the line is longer than the bound; `Ok(0)` is the end.
fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<usize> {
    r.take(max as u64 + 1).read_until(b'\n', buf)
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
    let mut r = BufReader::with_capacity(READ_BUFFER, input);
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut chunk_bytes = 0;
    let mut buf = Vec::new();
    let (mut line, mut bytes, mut records) = (0u64, 0u64, 0u64);
    loop {
        buf.clear();
        let n = read_line(&mut r, &mut buf, MAX_RECORD_BYTES).map_err(|e| {
            Unreadable::new(
                Code::UnreadableFile,
                format!("cannot read line {} of `{name}`: {e}", line + 1),
            )
        })?;
        if n == 0 {
            break;
        }
        line += 1;
        if n > MAX_RECORD_BYTES {
            return Err(too_large(name, &format!("line {line}"), MAX_RECORD_BYTES));
        }
        bytes += n as u64;
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
        chunk_bytes += buf.len();
        let item = match String::from_utf8(std::mem::take(&mut buf)) {
            Ok(s) => Ok(s),
            Err(e) => Err(Diagnostic::new(
                Code::InvalidUtf8,
                format!(
                    "line {index} is not UTF-8 (bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
                Vec::new(),
            )),
        };
        chunk.push((index, item));
        if chunk.len() == CHUNK || chunk_bytes >= CHUNK_BYTES {
            send(Chunk::Json(std::mem::replace(
                &mut chunk,
                Vec::with_capacity(CHUNK),
            )));
            chunk_bytes = 0;
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

/// A reader that gives no byte past `limit`: the CSV reader has no bound of its own on a
/// record, so the caller moves the limit to the end of the longest record it allows after
/// each one, and a record that goes past it fails instead of growing without end.
struct Bounded<R> {
    inner: R,
    read: u64,
    limit: u64,
    /// Whether reading stopped at the limit (so a CSV error is about the bound).
    hit: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let room = self.limit.saturating_sub(self.read);
        if room == 0 {
            // At the limit: the end of the input is fine, any byte more is over the bound.
            let mut probe = [0u8; 1];
            let n = self.inner.read(&mut probe)?;
            if n == 0 {
                return Ok(0);
            }
            self.hit = true;
            return Err(std::io::Error::other("over the record bound"));
        }
        let cap = usize::try_from(room).map_or(buf.len(), |room| room.min(buf.len()));
        let n = match buf.get_mut(..cap) {
            Some(part) => self.inner.read(part)?,
            None => self.inner.read(buf)?,
        };
        self.read += n as u64;
        Ok(n)
    }
}

/// Memory a CSV record takes: its bytes and its field bounds.
fn record_bytes(record: &csv::ByteRecord) -> usize {
    record.as_slice().len() + record.len() * std::mem::size_of::<usize>()
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
    let bound = MAX_RECORD_BYTES as u64;
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(READ_BUFFER)
        .from_reader(Bounded {
            inner: input,
            read: 0,
            limit: bound,
            hit: false,
        });
    let unreadable = |r: &csv::Reader<Bounded<_>>, what: &str, e: csv::Error| {
        if r.get_ref().hit {
            too_large(name, what, MAX_RECORD_BYTES)
        } else {
            Unreadable::new(
                Code::UnreadableFile,
                format!("cannot read {what} of `{name}`: {e}"),
            )
        }
    };
    let headers = match r.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(unreadable(&r, "the header", e)),
    };
    if headers.len() > MAX_COLUMNS {
        return Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{name}`: the header has {} columns; the limit is {}; nothing was run",
                crate::output::int(headers.len() as u64),
                crate::output::int(MAX_COLUMNS as u64)
            ),
        ));
    }
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
    let mut chunk_bytes = 0;
    let mut record = csv::ByteRecord::new();
    let mut count = 0u64;
    loop {
        let end = r.position().byte();
        r.get_mut().limit = end.saturating_add(bound);
        match r.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let what = format!("row {} (from line {})", count + 1, r.position().line());
                return Err(unreadable(&r, &what, e));
            }
        }
        lines.push(record.position().map_or(0, |p| p.line()));
        chunk_bytes += record_bytes(&record);
        rows.push(std::mem::take(&mut record));
        count += 1;
        if rows.len() == CHUNK || chunk_bytes >= CHUNK_BYTES {
            send(Chunk::Csv {
                first,
                lines: std::mem::replace(&mut lines, Vec::with_capacity(CHUNK)),
                rows: std::mem::replace(&mut rows, Vec::with_capacity(CHUNK)),
                layout: Arc::clone(&layout),
                width,
            });
            chunk_bytes = 0;
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
            Code::InvalidRow,
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
                Code::InvalidUtf8,
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

fn invalid_parquet(name: &str, why: impl std::fmt::Display) -> Unreadable {
    Unreadable::new(
        Code::InvalidParquet,
        format!("`{name}` is not a readable Parquet file: {why}"),
    )
}

/// Checks the footer's length before the Parquet reader loads the footer into memory.
fn check_footer<R: ChunkReader>(r: &R, name: &str) -> Result<(), Unreadable> {
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
fn check_metadata(
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
                crate::output::int(columns as u64),
                crate::output::int(MAX_COLUMNS as u64)
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
                crate::output::int(rows.unsigned_abs()),
                crate::output::int(MAX_PARQUET_ROWS)
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
                    send(Chunk::Lost((at..=end).map(|i| (i, d.clone())).collect()));
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
    if bytes.len() > limit {
        return Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{}` is longer than {}, the limit of {what}",
                path.display(),
                bytes_text(limit)
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        Unreadable::new(
            Code::InvalidUtf8,
            format!(
                "`{}` is not UTF-8 (bad byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })
}
