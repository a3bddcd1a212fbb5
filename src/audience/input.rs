//! Reading accounts from JSON Lines and CSV, in chunks: the native command-line tool hands
//! each chunk to a worker thread, the audience build adds them one after the other; both turn
//! a chunk into contexts with [`add_chunk`], so the two programs read a file the same way.
//!
//! Every record has an index, counted from 1: the line for JSON Lines (blank lines are skipped
//! but keep their number, as `simulate_jsonl` counts them) and the data row for CSV (the header
//! is not counted; messages give the line too). So one population written as JSON Lines
//! without blank lines and as CSV gives the same indices. Problems with a record are reported
//! under its index; problems with the whole file or a whole column are [`FileProblem`]s.

use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

use super::columns::{write_text_cell, CellError, Column, Layout};
use super::simulate::Simulation;
use crate::base::diag::Diagnostic;
use crate::base::num::format_int as int;
use crate::base::vocab::Code;
use crate::catalog::Model;
use crate::engine::Engine;

/// Records per chunk handed to a worker.
pub const CHUNK: usize = 2048;

/// Bytes per chunk handed to a worker: a chunk is sent once it holds [`CHUNK`] records or this
/// many bytes, so long records make short chunks and the chunks in flight stay small.
pub const CHUNK_BYTES: usize = 4 << 20;

/// The read buffer of the text readers: large enough that reading costs few system calls,
/// small enough that filling it the first time (it is zeroed once) costs nothing to notice.
pub const READ_BUFFER: usize = 64 << 10;

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One context JSON object per line (`.jsonl`, `.ndjson`).
    Jsonl,
    /// A header of context paths, then one account per row (`.csv`).
    Csv,
    /// Apache Parquet with columns named by context paths (`.parquet`, `.pq`): read by the
    /// native tool only.
    Parquet,
}

impl Format {
    /// The format a file name's extension implies.
    pub fn from_name(name: &str) -> Option<Format> {
        let file = name.rsplit(['/', std::path::MAIN_SEPARATOR]).next()?;
        let (stem, ext) = file.rsplit_once('.')?;
        if stem.is_empty() {
            return None;
        }
        match ext.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// The format named by `--input-format` (`jsonl`, `csv`, `parquet`).
    pub fn from_word(word: &str) -> Option<Format> {
        match word {
            "jsonl" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
}

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

/// A batch of records read from a text format.
pub enum TextChunk {
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
    /// Indices of records that were lost (an unreadable part of a file), each with why.
    Lost(Vec<(u64, Diagnostic)>),
}

/// Reports progress: bytes read so far.
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

    /// `file_not_found`: the file `name` does not exist.
    pub fn not_found(name: &str) -> Unreadable {
        Unreadable::new(
            Code::FileNotFound,
            format!("cannot read `{name}`: no such file"),
        )
    }

    /// `is_directory`: `name` is a directory.
    pub fn directory(name: &str) -> Unreadable {
        Unreadable::new(Code::IsDirectory, format!("`{name}` is a directory"))
    }
}

/// `4194304` as `4,194,304 bytes (4 MiB)`, as messages give a bound.
pub fn bytes_text(n: usize) -> String {
    let mut s = format!("{} bytes", int(n as u64));
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        s.push_str(&format!(" ({} MiB)", n >> 20));
    }
    s
}

/// `too_large`: `what` (a line, a record) in `name` is longer than `bound` bytes.
pub fn too_large(name: &str, what: &str, bound: usize) -> Unreadable {
    Unreadable::new(
        Code::TooLarge,
        format!(
            "`{name}`: {what} is longer than {}, the most a line or record may be; nothing was run",
            bytes_text(bound)
        ),
    )
}

/// `empty_input`: the file has no accounts (`what` says how).
pub fn empty(what: &str) -> FileProblem {
    FileProblem {
        diagnostic: Diagnostic::new(Code::EmptyInput, format!("{what}; no accounts"), Vec::new()),
        line: None,
        column: None,
    }
}

/// Reads the line after line `*line` of the file `name` onto the end of `buf` (its line feed
/// included, at most [`MAX_RECORD_BYTES`] + 1 bytes read) and counts it: `Ok(Some(n))`, its
/// length in bytes, or `Ok(None)` at the end of the file.
///
/// # Errors
/// The input cannot be read, or the line is longer than [`MAX_RECORD_BYTES`].
pub(crate) fn next_line(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    name: &str,
    line: &mut u64,
) -> Result<Option<usize>, Unreadable> {
    let n = r
        .take(MAX_RECORD_BYTES as u64 + 1)
        .read_until(b'\n', buf)
        .map_err(|e| {
            Unreadable::new(
                Code::UnreadableFile,
                format!("cannot read line {} of `{name}`: {e}", *line + 1),
            )
        })?;
    if n == 0 {
        return Ok(None);
    }
    *line += 1;
    if n > MAX_RECORD_BYTES {
        return Err(too_large(name, &format!("line {line}"), MAX_RECORD_BYTES));
    }
    Ok(Some(n))
}

/// Reads JSON Lines from `input` (named `name` in messages), handing chunks to `send`.
///
/// # Errors
/// The input cannot be read, or a line is longer than [`MAX_RECORD_BYTES`].
pub fn read_jsonl(
    input: impl Read,
    name: &str,
    send: &mut dyn FnMut(TextChunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let mut r = BufReader::with_capacity(READ_BUFFER, input);
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut chunk_bytes = 0;
    let mut buf = Vec::new();
    let (mut line, mut bytes, mut records) = (0u64, 0u64, 0u64);
    loop {
        buf.clear();
        let Some(n) = next_line(&mut r, &mut buf, name, &mut line)? else {
            break;
        };
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
            send(TextChunk::Json(std::mem::replace(
                &mut chunk,
                Vec::with_capacity(CHUNK),
            )));
            chunk_bytes = 0;
            progress(bytes);
        }
    }
    if !chunk.is_empty() {
        send(TextChunk::Json(chunk));
    }
    progress(bytes);
    Ok(if records == 0 {
        vec![empty("the file has no lines")]
    } else {
        Vec::new()
    })
}

/// The header's problems as problems of line 1, at their column.
pub fn header_problems(layout: &Layout) -> Vec<FileProblem> {
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
pub(crate) struct Bounded<R> {
    inner: R,
    read: u64,
    limit: u64,
    /// Whether reading stopped at the limit (so a CSV error is about the bound).
    hit: bool,
}

impl<R> Bounded<R> {
    /// A reader of `inner` that gives no byte past `limit` (until the limit is moved).
    pub(crate) fn new(inner: R, limit: u64) -> Bounded<R> {
        Bounded {
            inner,
            read: 0,
            limit,
            hit: false,
        }
    }

    /// Moves the limit (to the end of the longest next record allowed).
    pub(crate) fn set_limit(&mut self, limit: u64) {
        self.limit = limit;
    }

    /// Whether reading stopped at the limit.
    pub(crate) fn hit(&self) -> bool {
        self.hit
    }
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

/// A CSV reader whose every record is bounded (see [`Bounded`]).
pub(crate) type CsvReader<R> = csv::Reader<Bounded<R>>;

/// Opens CSV `input` (named `name` in messages) with its first record bounded by
/// [`MAX_RECORD_BYTES`], and reads the header's names.
///
/// # Errors
/// The header cannot be read, is longer than the bound, or has more than [`MAX_COLUMNS`]
/// columns.
pub(crate) fn open_csv<R: Read>(
    input: R,
    name: &str,
) -> Result<(CsvReader<R>, Vec<String>), Unreadable> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(READ_BUFFER)
        .from_reader(Bounded::new(input, MAX_RECORD_BYTES as u64));
    let headers = match r.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_error(&r, name, "the header", e)),
    };
    if headers.len() > MAX_COLUMNS {
        return Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{name}`: the header has {} columns; the limit is {}; nothing was run",
                int(headers.len() as u64),
                int(MAX_COLUMNS as u64)
            ),
        ));
    }
    let names = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    Ok((r, names))
}

/// Why `what` of CSV file `name` could not be read: over the record bound, or the reader's
/// own error.
pub(crate) fn csv_error<R: Read>(
    r: &CsvReader<R>,
    name: &str,
    what: &str,
    e: csv::Error,
) -> Unreadable {
    if r.get_ref().hit() {
        too_large(name, what, MAX_RECORD_BYTES)
    } else {
        Unreadable::new(
            Code::UnreadableFile,
            format!("cannot read {what} of `{name}`: {e}"),
        )
    }
}

/// Reads the next record of the CSV file `name` into `record`, bounded by
/// [`MAX_RECORD_BYTES`]: `Ok(true)` when one was read, `Ok(false)` at the end. `what` words the
/// record for an error message from the line the reader stopped at.
///
/// # Errors
/// The record cannot be read or is longer than the bound.
pub(crate) fn next_record<R: Read>(
    r: &mut CsvReader<R>,
    record: &mut csv::ByteRecord,
    name: &str,
    what: impl FnOnce(u64) -> String,
) -> Result<bool, Unreadable> {
    let end = r.position().byte();
    r.get_mut()
        .set_limit(end.saturating_add(MAX_RECORD_BYTES as u64));
    r.read_byte_record(record).map_err(|e| {
        let what = what(r.position().line());
        csv_error(r, name, &what, e)
    })
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
    send: &mut dyn FnMut(TextChunk),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let (mut r, names) = open_csv(input, name)?;
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
        let what = |line| format!("row {} (from line {line})", count + 1);
        if !next_record(&mut r, &mut record, name, what)? {
            break;
        }
        lines.push(record.position().map_or(0, |p| p.line()));
        chunk_bytes += record_bytes(&record);
        rows.push(std::mem::take(&mut record));
        count += 1;
        if rows.len() == CHUNK || chunk_bytes >= CHUNK_BYTES {
            send(TextChunk::Csv {
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
        send(TextChunk::Csv {
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

/// A cell's error as the diagnostic of its row (`at` says where: `line 3`, `row 3`).
pub fn cell_error(e: CellError, c: &Column, at: &str) -> Diagnostic {
    Diagnostic::new(
        e.code,
        format!("{} in column `{}` on {at}", e.message, c.name),
        c.diag_path(),
    )
}

/// A config file's bytes as text: at most `limit` bytes (a longer file is `too_large`; the
/// caller reads at most `limit + 1`) of UTF-8. `name` names the file in messages, `what` says
/// what it is (`a config file`).
///
/// # Errors
/// The bytes are longer than `limit` or not UTF-8.
pub fn text_of_bytes(
    bytes: Vec<u8>,
    name: &str,
    what: &str,
    limit: usize,
) -> Result<String, Unreadable> {
    if bytes.len() > limit {
        return Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{name}` is longer than {}, the limit of {what}",
                bytes_text(limit)
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        Unreadable::new(
            Code::InvalidUtf8,
            format!(
                "`{name}` is not UTF-8 (bad byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Converts and adds one chunk, as a worker does; returns the number of records in it. `buf`
/// is scratch space for the context text of a tabular row.
pub fn add_chunk(
    engine: &Engine,
    sim: &mut Simulation,
    chunk: TextChunk,
    buf: &mut Vec<u8>,
) -> u64 {
    match chunk {
        TextChunk::Json(items) => {
            let n = items.len() as u64;
            for (index, item) in items {
                match item {
                    Ok(text) => sim.add(engine, index, &text),
                    Err(d) => sim.add_error(index, d),
                }
            }
            n
        }
        TextChunk::Csv {
            first,
            lines,
            rows,
            layout,
            width,
        } => {
            let n = rows.len() as u64;
            for (i, (row, &line)) in rows.iter().zip(&lines).enumerate() {
                let index = first + i as u64;
                buf.clear();
                match csv_context(&layout, width, row, line, buf) {
                    Ok(()) => add_bytes(engine, sim, index, buf),
                    Err(d) => sim.add_error(index, d),
                }
            }
            n
        }
        TextChunk::Lost(items) => {
            let n = items.len() as u64;
            for (index, d) in items {
                sim.add_error(index, d);
            }
            n
        }
    }
}

/// Adds the context text of a tabular row (`buf`) as account `index`.
pub fn add_bytes(engine: &Engine, sim: &mut Simulation, index: u64, buf: &[u8]) {
    // Cells are validated UTF-8 and JSON is written as UTF-8.
    match std::str::from_utf8(buf) {
        Ok(text) => sim.add(engine, index, text),
        Err(_) => sim.add_error(
            index,
            Diagnostic::new(Code::InvalidUtf8, "the row is not UTF-8", Vec::new()),
        ),
    }
}

/// Reads a JSON Lines or CSV input (named `name` in messages) into `sim`, one chunk after
/// the other on this thread; returns the problems with the whole file and the number of
/// records read. `after` is called after each chunk (to take the rows it added, say).
///
/// # Errors
/// The input cannot be read, or a line, record or header is over its bound; Parquet, which
/// only the native tool reads, is `unsupported_format`.
pub fn read_into(
    input: impl Read,
    name: &str,
    format: Format,
    engine: &Engine,
    sim: &mut Simulation,
    after: &mut dyn FnMut(&mut Simulation),
) -> Result<(Vec<FileProblem>, u64), Unreadable> {
    let mut buf = Vec::with_capacity(4096);
    let mut records = 0;
    let mut send = |chunk: TextChunk| {
        records += add_chunk(engine, sim, chunk, &mut buf);
        after(sim);
    };
    let problems = match format {
        Format::Jsonl => read_jsonl(input, name, &mut send, &|_| {}),
        Format::Csv => read_csv(input, name, &engine.catalog().model, &mut send, &|_| {}),
        Format::Parquet => Err(parquet_unsupported(name)),
    }?;
    Ok((problems, records))
}

/// `unsupported_format`: the input `name` is Parquet, which only the native binary reads.
pub fn parquet_unsupported(name: &str) -> Unreadable {
    Unreadable::new(
        Code::UnsupportedFormat,
        format!("`{name}` is Parquet, which only the native `upgrade-prompts` binary reads (install it with `cargo install --path cli`)"),
    )
}
