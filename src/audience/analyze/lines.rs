//! JSON Lines event logs, in three steps that can run on two threads: [`read_lines`] splits
//! the input into batches of lines (UTF-8 checked; in the second pass only the lines that may
//! be conversions), [`parse`] reads each line's JSON into the fields of an event, and
//! [`add_parsed`] gives them to the [`Analysis`] in line order. The npm bin runs the three
//! one after the other; the native tool reads and parses on one thread while the analysis
//! counts on another. Either way the analysis sees the same records in the same order.
//!
//! Lines are numbered from 1 as in the file (blank lines keep their number); a byte order
//! mark at the start is dropped.

use std::io::{BufReader, Read};

use super::event::{Bad, Field, Raw, Value};
use super::tally::{Analysis, Pass};
use crate::audience::input::{next_line, FileProblem, Progress, Unreadable, READ_BUFFER};
use crate::base::diag::Diagnostic;
use crate::base::json::{Kind, Tape};
use crate::base::vocab::Code;

/// Lines per batch, and about the most text a batch holds.
const BATCH_LINES: usize = 16_384;
const BATCH_BYTES: usize = 4 << 20;

/// A line's range in its batch's text, or why it could not be read.
type LineText = Result<(usize, usize), Diagnostic>;

/// Lines read in one go: their texts one after the other, and per line its number and its
/// range in the text (or why it could not be read: not UTF-8).
#[derive(Debug, Default)]
pub struct Lines {
    text: String,
    lines: Vec<(u64, LineText)>,
}

/// `empty_input`: the input holds no events (`what` says how).
pub fn no_events(what: &str) -> FileProblem {
    FileProblem {
        diagnostic: Diagnostic::new(Code::EmptyInput, format!("{what}; no events"), Vec::new()),
        line: None,
        column: None,
    }
}

/// Whether the second pass must read a line: only conversions count there, and a line without
/// the word `convert` (and without an escape that could spell it) is not one.
fn may_convert(text: &str) -> bool {
    text.contains("convert") || text.contains('\\')
}

/// Reads JSON Lines for `pass`, handing batches of lines to `send` in order. Lines are read
/// straight into the batch's bytes; a line that is dropped (blank, or passed over in the
/// second pass) or not UTF-8 is cut off again, so the bytes kept are UTF-8.
///
/// # Errors
/// The input cannot be read, or a line is longer than [`MAX_RECORD_BYTES`](crate::audience::input::MAX_RECORD_BYTES).
pub fn read_lines(
    input: impl Read,
    name: &str,
    pass: Pass,
    send: &mut dyn FnMut(Lines),
    progress: Progress<'_>,
) -> Result<Vec<FileProblem>, Unreadable> {
    let mut r = BufReader::with_capacity(READ_BUFFER, input);
    let mut text: Vec<u8> = Vec::with_capacity(BATCH_BYTES + 4096);
    let mut lines: Vec<(u64, LineText)> = Vec::with_capacity(BATCH_LINES);
    let (mut line, mut bytes, mut records) = (0u64, 0u64, 0u64);
    loop {
        let at = text.len();
        let Some(n) = next_line(&mut r, &mut text, name, &mut line)? else {
            break;
        };
        bytes += n as u64;
        if let Some(item) = line_item(&mut text, at, line, pass) {
            records += 1;
            if let Some(item) = item {
                lines.push((line, item));
            }
        }
        if lines.len() >= BATCH_LINES || text.len() >= BATCH_BYTES {
            send(batch(&mut text, &mut lines));
            progress(bytes);
        }
    }
    if !lines.is_empty() {
        send(batch(&mut text, &mut lines));
    }
    progress(bytes);
    Ok(if records == 0 {
        vec![no_events("the file has no lines")]
    } else {
        Vec::new()
    })
}

/// The line just read into `buf` from `at`: `None` when blank, `Some(None)` when the pass
/// passes over it, else its range or why it cannot be read (all but a kept line cut off).
fn line_item(buf: &mut Vec<u8>, at: usize, line: u64, pass: Pass) -> Option<Option<LineText>> {
    let mut start = at;
    if line == 1 && buf.get(at..at + 3) == Some(b"\xef\xbb\xbf".as_slice()) {
        start += 3;
    }
    while buf.len() > start && matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    let text = buf.get(start..).unwrap_or_default();
    if text.iter().all(u8::is_ascii_whitespace) {
        buf.truncate(at);
        return None;
    }
    let item = match std::str::from_utf8(text) {
        Ok(t) if pass == Pass::Attribute && !may_convert(t) => None,
        Ok(_) => {
            // The byte order mark is cut off too.
            buf.drain(at..start);
            return Some(Some(Ok((at, buf.len()))));
        }
        Err(_) if pass == Pass::Attribute => None,
        Err(e) => Some(Err(Diagnostic::new(
            Code::InvalidUtf8,
            format!(
                "line {line} is not UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
            Vec::new(),
        ))),
    };
    buf.truncate(at);
    Some(item)
}

/// The lines read so far as a batch (the bytes kept are UTF-8 by construction).
fn batch(text: &mut Vec<u8>, lines: &mut Vec<(u64, LineText)>) -> Lines {
    let bytes = std::mem::replace(text, Vec::with_capacity(BATCH_BYTES + 4096));
    Lines {
        text: String::from_utf8(bytes).unwrap_or_default(),
        lines: std::mem::replace(lines, Vec::with_capacity(BATCH_LINES)),
    }
}

/// A field's value in a parsed batch: a text by its range (in the lines, or in the batch's
/// decoded strings when it had escapes), a number, or another JSON type by name.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Text { decoded: bool, start: u32, end: u32 },
    Number(f64),
    Other(&'static str),
}

/// One parsed line: the fields of its event, why it is not one, or why it could not be read.
#[derive(Debug)]
enum Item {
    Fields([Option<Slot>; 10]),
    Bad(Bad<'static>),
    Problem(Diagnostic),
}

/// A batch of lines read into the fields of their events.
#[derive(Debug, Default)]
pub struct Parsed {
    text: String,
    /// Strings that had escapes, decoded.
    decoded: String,
    items: Vec<(u64, Item)>,
}

/// The fields of one JSON object line (other keys ignored, `null` absent; a field given twice
/// is refused, a repeated key the analysis ignores is not).
fn fields(
    tape: &Tape,
    line: &str,
    decoded: &mut String,
) -> Result<[Option<Slot>; 10], Bad<'static>> {
    let Some(root) = tape.root(line) else {
        return Err(Bad::NotObject("nothing"));
    };
    if !root.is_object() {
        return Err(Bad::NotObject(root.kind_name()));
    }
    let mut slots = [None; 10];
    let mut seen = 0u16;
    let base = line.as_ptr() as usize;
    for (key, v) in root.entries() {
        let Some(f) = Field::parse(key) else {
            continue;
        };
        if seen & (1 << f as u16) != 0 {
            return Err(Bad::Repeated(f));
        }
        seen |= 1 << f as u16;
        let slot = match v.kind() {
            Kind::Null => None,
            Kind::String => v.as_str().map(|s| {
                let at = (s.as_ptr() as usize).wrapping_sub(base);
                if at <= line.len() && at + s.len() <= line.len() {
                    Slot::Text {
                        decoded: false,
                        start: at as u32,
                        end: (at + s.len()) as u32,
                    }
                } else {
                    let start = decoded.len() as u32;
                    decoded.push_str(s);
                    Slot::Text {
                        decoded: true,
                        start,
                        end: decoded.len() as u32,
                    }
                }
            }),
            Kind::Number => v.as_f64().map(Slot::Number),
            Kind::Bool => Some(Slot::Other("boolean")),
            Kind::Array => Some(Slot::Other("array")),
            Kind::Object => Some(Slot::Other("object")),
        };
        if let Some(x) = slots.get_mut(f as usize) {
            *x = slot;
        }
    }
    Ok(slots)
}

/// Parses a batch of lines (`tape` is scratch space, reused from batch to batch). Text ranges
/// are kept relative to their line.
pub fn parse(lines: Lines, tape: &mut Tape) -> Parsed {
    let mut out = Parsed {
        items: Vec::with_capacity(lines.lines.len()),
        ..Parsed::default()
    };
    for (n, item) in lines.lines {
        let parsed = match item {
            Err(d) => Item::Problem(d),
            Ok((start, end)) => {
                let line = lines.text.get(start..end).unwrap_or_default();
                match tape.parse(line, false) {
                    Err(e) => Item::Bad(Bad::Json(e)),
                    Ok(()) => match fields(tape, line, &mut out.decoded) {
                        Ok(mut slots) => {
                            for s in slots.iter_mut().flatten() {
                                if let Slot::Text {
                                    decoded: false,
                                    start: a,
                                    end: b,
                                } = s
                                {
                                    *a += start as u32;
                                    *b += start as u32;
                                }
                            }
                            Item::Fields(slots)
                        }
                        Err(b) => Item::Bad(b),
                    },
                }
            }
        };
        out.items.push((n, parsed));
    }
    out.text = lines.text;
    out
}

/// Gives a parsed batch to the analysis in `pass`, line after line.
pub fn add_parsed(analysis: &mut Analysis, pass: Pass, batch: &Parsed) {
    for (line, item) in &batch.items {
        match (item, pass) {
            (Item::Fields(slots), _) => {
                let mut raw = Raw::default();
                for (f, slot) in Field::ALL.iter().zip(slots) {
                    let value = slot.map(|s| match s {
                        Slot::Text {
                            decoded,
                            start,
                            end,
                        } => {
                            let from = if decoded { &batch.decoded } else { &batch.text };
                            Value::Text(from.get(start as usize..end as usize).unwrap_or_default())
                        }
                        Slot::Number(n) => Value::Number(n),
                        Slot::Other(k) => Value::Other(k),
                    });
                    raw.set(*f, value);
                }
                match pass {
                    Pass::Count => analysis.add(*line, &raw),
                    Pass::Attribute => analysis.attribute(&raw),
                }
            }
            (Item::Bad(b), Pass::Count) => analysis.add_bad(*line, b),
            (Item::Problem(d), Pass::Count) => analysis.add_problem(*line, d.clone()),
            (_, Pass::Attribute) => {}
        }
    }
}
