//! JSON text read into a flat tape: one node per value in document order, strings and numbers
//! referring back to the source text. Reading a document costs one growing `Vec` (reusable
//! across documents) instead of an allocation per object, array and string, and values are
//! looked at in place through the copyable [`Val`] handle.
//!
//! The parser is iterative (nesting cannot exhaust the stack), bounded in depth, refuses
//! duplicate keys on request, and reports errors with a line, a column and the path of the
//! value being read.

use super::diag::{Path, PathSeg};
use super::vocab::Code;

/// Prefix the JavaScript boundary gives to numbers JSON cannot carry (`NaN`, `Infinity`, and
/// `BigInt` values such as `10n`), so that they are reported instead of silently turning into
/// `null` or losing precision.
pub const NON_FINITE_PREFIX: &str = "\u{0}nonfinite:";

/// Prefix the JavaScript boundary gives to values JSON would silently drop or empty (a `Map`, a
/// `Set`, an invalid `Date`), followed by a description such as `a Map`.
pub const UNSUPPORTED_PREFIX: &str = "\u{0}unsupported:";

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 128;

/// The type of a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    kind: Kind,
    /// Bools: the value. Strings: the text is in the tape's buffer of unescaped strings.
    flag: bool,
    /// Strings: byte range of the text. Containers: `start` = entry count.
    start: u32,
    end: u32,
    /// Index of the node after this value's subtree.
    next: u32,
    /// Byte offset of the value in the source (for messages).
    at: u32,
    num: f64,
}

/// The first position from `i` on that may end a plain run of string bytes (a quote, a
/// backslash or a control character), found eight bytes at a time; the caller checks the
/// bytes from there one by one.
fn skip_plain(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Some byte of `x` is below `n` (for n <= 128).
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if below(x ^ (ONES * u64::from(b'"')), 1)
            || below(x ^ (ONES * u64::from(b'\\')), 1)
            || below(x, 0x20)
        {
            break;
        }
        i += 8;
    }
    i
}

/// A parse failure: what, where (1-based line and column, in characters) and in which value.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// Lowercase message without final period.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Path of the value being read when the error was found.
    pub path: Path,
    /// Byte offset into the text.
    pub offset: usize,
    /// `duplicate_key` or `invalid_json`.
    pub code: Code,
}

/// A parsed document's nodes.
#[derive(Clone, Debug, Default)]
pub struct Tape {
    nodes: Vec<Node>,
    unescaped: String,
}

struct Frame {
    node: u32,
    object: bool,
    count: u32,
    /// The current key's node (objects).
    key: u32,
}

struct Parser<'s, 't> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    tape: &'t mut Tape,
    stack: Vec<Frame>,
    reject_duplicates: bool,
}

impl Tape {
    /// Parses `src`, reusing this tape's buffers.
    ///
    /// # Errors
    /// The first syntax error, or a duplicate key when `reject_duplicates` is set.
    pub fn parse(&mut self, src: &str, reject_duplicates: bool) -> Result<(), ParseError> {
        self.nodes.clear();
        self.unescaped.clear();
        // About one value per eight bytes of typical JSON: one allocation up front.
        self.nodes.reserve(src.len() / 8 + 8);
        if src.len() >= u32::MAX as usize {
            return Err(ParseError {
                message: "text is too large".into(),
                line: 1,
                column: 1,
                path: Vec::new(),
                offset: 0,
                code: Code::InvalidJson,
            });
        }
        let mut p = Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            tape: self,
            stack: Vec::new(),
            reject_duplicates,
        };
        p.document().map_err(|(offset, code, message)| {
            let path = p.path();
            let (line, column) = line_column(src, offset);
            ParseError {
                message,
                line,
                column,
                path,
                offset,
                code,
            }
        })
    }

    /// The root value, reading strings from `src` (the text this tape was parsed from).
    pub fn root<'a>(&'a self, src: &'a str) -> Option<Val<'a>> {
        (!self.nodes.is_empty()).then_some(Val {
            src,
            tape: self,
            i: 0,
        })
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `src`.
pub fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let before = src.get(..offset).unwrap_or(src);
    // Bytes, not `char` searches (which bring about 1 KB of pattern code into the wasm): a
    // newline byte is always a newline character in UTF-8.
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before
        .bytes()
        .rposition(|b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Lines and columns of byte offsets asked for mostly in increasing order (as problems are
/// found reading a document front to back): each is counted from the offset asked before, and
/// only an earlier offset starts the count over, so positioning many problems stays linear.
#[derive(Clone, Copy, Debug, Default)]
pub struct Positions {
    offset: usize,
    /// Newlines before `offset`.
    line: usize,
    /// Characters between the last newline and `offset`.
    column: usize,
}

impl Positions {
    /// The 1-based line and column (in characters) of byte `offset` of `src`.
    pub fn line_column(&mut self, src: &str, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            *self = Positions::default();
        }
        let Some(between) = src.get(self.offset..offset) else {
            return line_column(src, offset);
        };
        for b in between.bytes() {
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.offset = offset;
        (self.line + 1, self.column + 1)
    }
}

/// How many bytes of the source the character at `pos` of a string's raw contents takes: an
/// escape (a surrogate pair of `\u` escapes counts as one character), else a UTF-8 sequence
/// (1 past the end).
pub fn raw_char_len(b: &[u8], pos: usize) -> usize {
    match b.get(pos).copied().unwrap_or(0) {
        b'\\' if b.get(pos + 1) == Some(&b'u') => {
            let high = hex4(b, pos + 2).is_some_and(|u| (0xD800..0xDC00).contains(&u));
            let low = b.get(pos + 6..pos + 8) == Some(b"\\u".as_slice())
                && hex4(b, pos + 8).is_some_and(|u| (0xDC00..0xE000).contains(&u));
            if high && low {
                12
            } else {
                6
            }
        }
        b'\\' => 2,
        c if c < 0x80 => 1,
        c if c >= 0xF0 => 4,
        c if c >= 0xE0 => 3,
        _ => 2,
    }
}

/// The value of the four hex digits at `at` of `b`, if they are hex digits.
fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = b.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |n, &d| {
        let v = char::from(d).to_digit(16)?;
        Some(n * 16 + v)
    })
}

type Fail = (usize, Code, String);

fn fail<T>(at: usize, message: &str) -> Result<T, Fail> {
    Err((at, Code::InvalidJson, message.to_owned()))
}

impl Parser<'_, '_> {
    fn path(&self) -> Path {
        let mut path = Vec::new();
        for f in &self.stack {
            if f.object {
                if f.key != u32::MAX {
                    let key = Val {
                        src: self.src,
                        tape: self.tape,
                        i: f.key,
                    };
                    path.push(PathSeg::Key(key.as_str().unwrap_or("").to_owned()));
                }
            } else {
                path.push(PathSeg::Index(f.count as usize));
            }
        }
        path
    }

    fn ws(&mut self) {
        while let Some(c) = self.b.get(self.pos) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn push(&mut self, kind: Kind, at: usize) -> u32 {
        let i = self.tape.nodes.len() as u32;
        self.tape.nodes.push(Node {
            kind,
            flag: false,
            start: 0,
            end: 0,
            next: i + 1,
            at: at as u32,
            num: 0.0,
        });
        i
    }

    fn document(&mut self) -> Result<(), Fail> {
        'value: loop {
            self.ws();
            let at = self.pos;
            match self.b.get(at) {
                Some(b'{') | Some(b'[') => {
                    let object = self.b.get(at) == Some(&b'{');
                    if self.stack.len() >= MAX_DEPTH {
                        return fail(at, "nested too deeply");
                    }
                    self.pos += 1;
                    let node = self.push(if object { Kind::Object } else { Kind::Array }, at);
                    self.ws();
                    let close = if object { b'}' } else { b']' };
                    if self.b.get(self.pos) == Some(&close) {
                        self.pos += 1;
                    } else {
                        self.stack.push(Frame {
                            node,
                            object,
                            count: 0,
                            key: u32::MAX,
                        });
                        if object {
                            self.key()?;
                        }
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.string(Kind::String)?;
                }
                Some(b't') => self.literal("true", Kind::Bool, true)?,
                Some(b'f') => self.literal("false", Kind::Bool, false)?,
                Some(b'n') => self.literal("null", Kind::Null, false)?,
                Some(c) if *c == b'-' || c.is_ascii_digit() => self.number()?,
                Some(_) => return fail(at, "expected a value"),
                None => return fail(at, "unexpected end of text"),
            }
            // A value is complete: close containers or move to the next entry.
            loop {
                let Some(top) = self.stack.last_mut() else {
                    break 'value;
                };
                top.count += 1;
                let (object, node) = (top.object, top.node);
                self.ws();
                let at = self.pos;
                match self.b.get(at) {
                    Some(b',') => {
                        self.pos += 1;
                        if object {
                            // Until the next key is read, the path ends at the object.
                            if let Some(f) = self.stack.last_mut() {
                                f.key = u32::MAX;
                            }
                            self.key()?;
                        }
                        continue 'value;
                    }
                    Some(b'}') if object => self.close(node)?,
                    Some(b']') if !object => self.close(node)?,
                    Some(_) if object => return fail(at, "expected `,` or `}`"),
                    Some(_) => return fail(at, "expected `,` or `]`"),
                    None => return fail(at, "unexpected end of text"),
                }
            }
        }
        self.ws();
        if self.pos < self.b.len() {
            return fail(self.pos, "unexpected characters after the value");
        }
        Ok(())
    }

    fn close(&mut self, node: u32) -> Result<(), Fail> {
        let at = self.pos;
        self.pos += 1;
        let Some(frame) = self.stack.last() else {
            return Ok(());
        };
        let count = frame.count;
        let object = frame.object;
        let next = self.tape.nodes.len() as u32;
        if let Some(n) = self.tape.nodes.get_mut(node as usize) {
            n.start = count;
            n.next = next;
        }
        if object && self.reject_duplicates {
            if let Some(dup) = self.duplicate(node) {
                // Report it inside the object, at the repeated key.
                if let Some(f) = self.stack.last_mut() {
                    f.key = dup;
                }
                let key = Val {
                    src: self.src,
                    tape: self.tape,
                    i: dup,
                };
                let at = self
                    .tape
                    .nodes
                    .get(dup as usize)
                    .map_or(at, |n| n.at as usize);
                return Err((
                    at,
                    Code::DuplicateKey,
                    format!("duplicate key `{}`", key.as_str().unwrap_or("")),
                ));
            }
        }
        self.stack.pop();
        Ok(())
    }

    /// The node of a key that repeats an earlier key of the object at `node`.
    fn duplicate(&self, node: u32) -> Option<u32> {
        let obj = Val {
            src: self.src,
            tape: self.tape,
            i: node,
        };
        obj.first_repeat().map(|(_, n)| n)
    }

    fn key(&mut self) -> Result<(), Fail> {
        self.ws();
        let at = self.pos;
        if self.b.get(at) != Some(&b'"') {
            return match self.b.get(at) {
                None => fail(at, "unexpected end of text"),
                Some(b'}') => fail(at, "trailing comma before `}`"),
                _ => fail(at, "expected a key in double quotes"),
            };
        }
        let node = self.string(Kind::String)?;
        if let Some(f) = self.stack.last_mut() {
            f.key = node;
        }
        self.ws();
        if self.b.get(self.pos) != Some(&b':') {
            return fail(self.pos, "expected `:` after the key");
        }
        self.pos += 1;
        Ok(())
    }

    fn literal(&mut self, word: &str, kind: Kind, value: bool) -> Result<(), Fail> {
        let at = self.pos;
        if self.b.get(at..at + word.len()) != Some(word.as_bytes()) {
            return fail(at, "expected a value");
        }
        self.pos += word.len();
        let n = self.push(kind, at);
        if let Some(node) = self.tape.nodes.get_mut(n as usize) {
            node.flag = value;
        }
        Ok(())
    }

    fn number(&mut self) -> Result<(), Fail> {
        let b = self.b;
        let start = self.pos;
        let mut i = start;
        let digits = |i: &mut usize| {
            let s = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - s
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        let n = digits(&mut i);
        if n == 0 {
            return fail(i, "invalid number");
        }
        if n > 1 && b.get(int_start) == Some(&b'0') {
            return fail(int_start, "invalid number: leading zero");
        }
        let mut simple = n <= 15;
        if b.get(i) == Some(&b'.') {
            i += 1;
            simple = false;
            if digits(&mut i) == 0 {
                return fail(i, "invalid number");
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            simple = false;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return fail(i, "invalid number");
            }
        }
        self.pos = i;
        let text = self.src.get(start..i).unwrap_or("");
        let value = if simple {
            let neg = text.starts_with('-');
            let mag = b
                .get(int_start..i)
                .unwrap_or(&[])
                .iter()
                .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')) as f64;
            if neg {
                -mag
            } else {
                mag
            }
        } else {
            super::float::parse_f64(text).unwrap_or(f64::INFINITY)
        };
        if !value.is_finite() {
            return fail(start, "number out of range");
        }
        let node = self.push(Kind::Number, start);
        if let Some(nd) = self.tape.nodes.get_mut(node as usize) {
            nd.num = value;
        }
        Ok(())
    }

    /// Reads a string starting at the opening quote; returns its node.
    fn string(&mut self, kind: Kind) -> Result<u32, Fail> {
        let at = self.pos;
        let b = self.b;
        let start = at + 1;
        let mut i = skip_plain(b, start);
        // Fast path: no escapes.
        loop {
            match b.get(i) {
                None => return fail(at, "unterminated string"),
                Some(b'"') => {
                    let node = self.push(kind, at);
                    if let Some(n) = self.tape.nodes.get_mut(node as usize) {
                        n.start = start as u32;
                        n.end = i as u32;
                    }
                    self.pos = i + 1;
                    return Ok(node);
                }
                Some(b'\\') => break,
                Some(c) if *c < 0x20 => return fail(i, "control character in string"),
                Some(_) => i += 1,
            }
        }
        // Escapes: decode into the tape's buffer.
        let from = self.tape.unescaped.len();
        self.tape
            .unescaped
            .push_str(self.src.get(start..i).unwrap_or(""));
        let mut run = i;
        loop {
            match b.get(i) {
                None => return fail(at, "unterminated string"),
                Some(b'"') => {
                    self.tape
                        .unescaped
                        .push_str(self.src.get(run..i).unwrap_or(""));
                    break;
                }
                Some(b'\\') => {
                    self.tape
                        .unescaped
                        .push_str(self.src.get(run..i).unwrap_or(""));
                    let c = match b.get(i + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hi = self.hex4(i + 2)?;
                            let mut used = 6;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if b.get(i + 6) != Some(&b'\\') || b.get(i + 7) != Some(&b'u') {
                                    return fail(i, "lone leading surrogate in hex escape");
                                }
                                let lo = self.hex4(i + 8)?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return fail(i, "lone leading surrogate in hex escape");
                                }
                                used = 12;
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else if (0xdc00..0xe000).contains(&hi) {
                                return fail(i, "lone trailing surrogate in hex escape");
                            } else {
                                hi
                            };
                            let Some(ch) = char::from_u32(code) else {
                                return fail(i, "invalid escape");
                            };
                            self.tape.unescaped.push(ch);
                            i += used;
                            run = i;
                            continue;
                        }
                        _ => return fail(i, "invalid escape"),
                    };
                    self.tape.unescaped.push(c);
                    i += 2;
                    run = i;
                }
                Some(c) if *c < 0x20 => return fail(i, "control character in string"),
                Some(_) => i += 1,
            }
        }
        let to = self.tape.unescaped.len();
        let node = self.push(kind, at);
        if let Some(n) = self.tape.nodes.get_mut(node as usize) {
            n.flag = true;
            n.start = from as u32;
            n.end = to as u32;
        }
        self.pos = i + 1;
        Ok(node)
    }

    fn hex4(&self, at: usize) -> Result<u32, Fail> {
        let digits = self.b.get(at..at + 4).unwrap_or(&[]);
        if digits.len() != 4 {
            return fail(at, "invalid escape");
        }
        let mut v = 0u32;
        for d in digits {
            let x = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return fail(at, "invalid escape"),
            };
            v = v * 16 + u32::from(x);
        }
        Ok(v)
    }
}

/// A value in a parsed document: a cheap, copyable handle.
#[derive(Clone, Copy)]
pub struct Val<'a> {
    src: &'a str,
    tape: &'a Tape,
    i: u32,
}

impl std::fmt::Debug for Val<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind_name())
    }
}

impl<'a> Val<'a> {
    fn node(&self) -> Option<&'a Node> {
        self.tape.nodes.get(self.i as usize)
    }

    /// The value's type.
    pub fn kind(&self) -> Kind {
        self.node().map_or(Kind::Null, |n| n.kind)
    }

    /// Byte offset of the value in the source text.
    pub fn offset(&self) -> usize {
        self.node().map_or(0, |n| n.at as usize)
    }

    /// The source text the value was parsed from.
    pub fn source(&self) -> &'a str {
        self.src
    }

    /// For a string: the byte offset in the source text of its character `chars` (of the
    /// decoded string, as spans count), escapes read as the characters they stand for. `None`
    /// for other values or past the string's end.
    pub fn char_offset(&self, chars: u32) -> Option<usize> {
        if self.kind() != Kind::String {
            return None;
        }
        let b = self.src.as_bytes();
        let mut pos = self.offset() + 1;
        for _ in 0..chars {
            if *b.get(pos)? == b'"' {
                return None;
            }
            pos += raw_char_len(b, pos);
        }
        Some(pos)
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        self.node().filter(|n| n.kind == Kind::Bool).map(|n| n.flag)
    }

    /// The number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.node()
            .filter(|n| n.kind == Kind::Number)
            .map(|n| n.num)
    }

    /// The string, if it is one (including the boundary's markers; see [`Val::as_text`]).
    pub fn as_str(&self) -> Option<&'a str> {
        let n = self.node().filter(|n| n.kind == Kind::String)?;
        let (from, to) = (n.start as usize, n.end as usize);
        if n.flag {
            self.tape.unescaped.get(from..to)
        } else {
            self.src.get(from..to)
        }
    }

    /// A plain string: not one of the boundary's markers for values JSON cannot carry.
    pub fn as_text(&self) -> Option<&'a str> {
        self.as_str()
            .filter(|s| !s.starts_with(NON_FINITE_PREFIX) && !s.starts_with(UNSUPPORTED_PREFIX))
    }

    /// Whether it is an object.
    pub fn is_object(&self) -> bool {
        self.kind() == Kind::Object
    }

    /// Entries of an object or items of an array.
    pub fn len(&self) -> usize {
        self.node()
            .filter(|n| matches!(n.kind, Kind::Object | Kind::Array))
            .map_or(0, |n| n.start as usize)
    }

    /// Whether an object or array is empty (other values count as empty).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn end(&self) -> u32 {
        self.node().map_or(self.i, |n| n.next)
    }

    fn at(&self, i: u32) -> Val<'a> {
        Val {
            src: self.src,
            tape: self.tape,
            i,
        }
    }

    /// An object's entries in document order (nothing for other values).
    pub fn entries(&self) -> Entries<'a> {
        let (i, end) = if self.is_object() {
            (self.i + 1, self.end())
        } else {
            (0, 0)
        };
        Entries { v: *self, i, end }
    }

    fn key_nodes(&self) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        let v = *self;
        let mut i = self.i + 1;
        let end = self.end();
        std::iter::from_fn(move || {
            if i >= end {
                return None;
            }
            let k = v.at(i);
            let value = v.at(i + 1);
            let out = (k.as_str().unwrap_or(""), i);
            i = value.end();
            Some(out)
        })
    }

    /// An array's items (nothing for other values).
    pub fn items(&self) -> Items<'a> {
        let (i, end) = if self.kind() == Kind::Array {
            (self.i + 1, self.end())
        } else {
            (0, 0)
        };
        Items { v: *self, i, end }
    }

    /// The bytes of a string node (escapes decoded).
    fn raw_bytes(&self) -> &'a [u8] {
        match self.node() {
            Some(n) if n.flag => self
                .tape
                .unescaped
                .as_bytes()
                .get(n.start as usize..n.end as usize)
                .unwrap_or(&[]),
            Some(n) => self
                .src
                .as_bytes()
                .get(n.start as usize..n.end as usize)
                .unwrap_or(&[]),
            None => &[],
        }
    }

    /// The first entry of an object named `key` (keys compared as bytes, in place).
    pub fn get(&self, key: &str) -> Option<Val<'a>> {
        let nodes = &self.tape.nodes;
        let obj = nodes.get(self.i as usize)?;
        if obj.kind != Kind::Object {
            return None;
        }
        let want = key.as_bytes();
        let mut i = self.i + 1;
        while i < obj.next {
            let k = nodes.get(i as usize)?;
            // Keys of another length are passed over without looking at their bytes.
            if k.end.saturating_sub(k.start) as usize == want.len()
                && self.at(i).raw_bytes() == want
            {
                return Some(self.at(i + 1));
            }
            i = nodes.get(i as usize + 1)?.next;
        }
        None
    }

    /// The JSON type name, for messages (`non-finite number` and `JavaScript value JSON cannot
    /// carry` for the boundary's markers).
    pub fn kind_name(&self) -> &'static str {
        match self.kind() {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Number => "number",
            Kind::String => match self.as_str() {
                Some(s) if s.starts_with(NON_FINITE_PREFIX) => "non-finite number",
                Some(s) if s.starts_with(UNSUPPORTED_PREFIX) => {
                    "JavaScript value JSON cannot carry"
                }
                _ => "string",
            },
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

/// Iterator over an object's entries.
pub struct Entries<'a> {
    v: Val<'a>,
    i: u32,
    end: u32,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a str, Val<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.i >= self.end {
            return None;
        }
        let key = self.v.at(self.i);
        let value = self.v.at(self.i + 1);
        self.i = value.end();
        Some((key.as_str().unwrap_or(""), value))
    }
}

/// Iterator over an array's items.
pub struct Items<'a> {
    v: Val<'a>,
    i: u32,
    end: u32,
}

impl<'a> Iterator for Items<'a> {
    type Item = Val<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.i >= self.end {
            return None;
        }
        let item = self.v.at(self.i);
        self.i = item.end();
        Some(item)
    }
}

/// A parsed document that owns its text.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    text: String,
    tape: Tape,
}

impl Doc {
    /// Parses `text`, keeping it.
    ///
    /// # Errors
    /// As [`Tape::parse`].
    pub fn parse(text: String, reject_duplicates: bool) -> Result<Doc, ParseError> {
        let mut tape = Tape::default();
        tape.parse(&text, reject_duplicates)?;
        Ok(Doc { text, tape })
    }

    /// The root value.
    pub fn root(&self) -> Option<Val<'_>> {
        self.tape.root(&self.text)
    }

    /// The value at node `i` (from [`Val::index`]).
    pub fn at(&self, i: u32) -> Option<Val<'_>> {
        ((i as usize) < self.tape.nodes.len()).then_some(Val {
            src: &self.text,
            tape: &self.tape,
            i,
        })
    }

    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl<'a> Val<'a> {
    /// The first key of an object that repeats an earlier one, in document order.
    pub fn repeated_key(&self) -> Option<&'a str> {
        self.first_repeat().map(|(k, _)| k)
    }

    /// The first key of an object that repeats an earlier one, in document order, and the node
    /// of that repetition. Objects of up to 24 keys (nearly all of them) are checked on the
    /// stack; larger ones by sorting the keys, so that a huge object costs n log n, not n².
    fn first_repeat(&self) -> Option<(&'a str, u32)> {
        if !self.is_object() || self.len() < 2 {
            return None;
        }
        if self.len() <= 24 {
            let mut seen = [""; 24];
            for (n, (k, i)) in self.key_nodes().enumerate() {
                if seen.get(..n).unwrap_or(&[]).contains(&k) {
                    return Some((k, i));
                }
                if let Some(slot) = seen.get_mut(n) {
                    *slot = k;
                }
            }
            return None;
        }
        let keys: Vec<(&'a str, u32)> = self.key_nodes().collect();
        // (key, position), sorted: equal keys are adjacent, in document order. A repetition is
        // the second of an adjacent equal pair; the first one in the document is the smallest.
        let mut sorted: Vec<(&str, usize)> =
            keys.iter().enumerate().map(|(p, (k, _))| (*k, p)).collect();
        super::sort::sort_by(&mut sorted, |a, b| a.cmp(b));
        let first = sorted
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if a.0 == b.0 => Some(b.1),
                _ => None,
            })
            .min()?;
        keys.get(first).copied()
    }
}

impl Val<'_> {
    /// The node index of this value, to find it again with [`Doc::at`].
    pub fn index(&self) -> u32 {
        self.i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_agree_with_counting_from_the_start() {
        let src = "ab\né€x\n\n😀yz\n";
        let offsets: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        let mut p = Positions::default();
        // Front to back, then back to front (each earlier offset starts the count over).
        for &i in offsets.iter().chain(offsets.iter().rev()) {
            assert_eq!(p.line_column(src, i), line_column(src, i), "offset {i}");
        }
        assert_eq!(line_column(src, 8), (2, 3));
    }

    fn doc(s: &str) -> Doc {
        Doc::parse(s.to_owned(), true).unwrap()
    }

    #[test]
    fn reads_values_in_place() {
        let d = doc(
            r#" {"a": [1, -2.5e1, "x\"y\u00e9\ud83d\ude00"], "b": {"c": null, "d": true}, "e": {}} "#,
        );
        let r = d.root().unwrap();
        assert_eq!(r.len(), 3);
        let a: Vec<_> = r.get("a").unwrap().items().collect();
        assert_eq!(a[0].as_f64(), Some(1.0));
        assert_eq!(a[1].as_f64(), Some(-25.0));
        assert_eq!(a[2].as_str(), Some("x\"yé😀"));
        let b = r.get("b").unwrap();
        assert!(b.get("c").unwrap().is_null());
        assert_eq!(b.get("d").unwrap().as_bool(), Some(true));
        assert_eq!(r.get("e").unwrap().entries().count(), 0);
        let keys: Vec<_> = r.entries().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b", "e"]);
        assert_eq!(d.root().unwrap().get("zz").map(|v| v.kind()), None);
    }

    #[test]
    fn strings_end_at_the_right_byte_wherever_the_quote_escape_or_control_falls() {
        // Runs of plain bytes (ASCII and multibyte) of every length around the 8-byte steps.
        for pad in ["a", "é"] {
            for n in 0..20 {
                let run = pad.repeat(n);
                for (inner, want) in [
                    (run.clone(), Some(run.clone())),
                    (format!("{run}\\\"x"), Some(format!("{run}\"x"))),
                    (format!("x{run}\\n{run}"), Some(format!("x{run}\n{run}"))),
                    (format!("{run}\u{1f}{run}"), None),
                ] {
                    let text = format!("[\"{inner}\",\"{run}\"]");
                    match (Doc::parse(text.clone(), true), &want) {
                        (Ok(d), Some(w)) => {
                            let items: Vec<_> = d.root().unwrap().items().collect();
                            assert_eq!(items[0].as_str(), Some(w.as_str()), "{text:?}");
                            assert_eq!(items[1].as_str(), Some(run.as_str()), "{text:?}");
                        }
                        (Err(e), None) => {
                            assert_eq!(e.message, "control character in string", "{text:?}")
                        }
                        (got, _) => panic!("{text:?}: {:?}", got.map(|_| ())),
                    }
                }
            }
        }
    }

    #[test]
    fn errors_have_positions_and_paths() {
        let e = Doc::parse("{\n  \"a\": [1, 2,]\n}".into(), true).unwrap_err();
        assert_eq!((e.line, e.column), (2, 14));
        assert_eq!(e.path, vec![PathSeg::Key("a".into()), PathSeg::Index(2)]);
        let e = Doc::parse(r#"{"m": {"x": 1, "x": 2}}"#.into(), true).unwrap_err();
        assert_eq!(e.code, Code::DuplicateKey);
        assert_eq!(
            e.path,
            vec![PathSeg::Key("m".into()), PathSeg::Key("x".into())]
        );
        assert!(Doc::parse(r#"{"x": 1, "x": 2}"#.into(), false).is_ok());
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "-",
            "\"\\x\"",
            "\"a",
            "nul",
            "[1] 2",
            "\"\\ud800\"",
            "1e999",
            "{\"a\" 1}",
            "[\"\u{1}\"]",
        ] {
            assert!(Doc::parse(bad.into(), false).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(Doc::parse(deep, false).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Doc::parse(ok, false).is_ok());
    }

    #[test]
    fn repeated_keys_are_found_when_allowed() {
        let d = Doc::parse(r#"{"a": 1, "b": {"x": 1, "y": 2}, "a": 3}"#.into(), false).unwrap();
        let root = d.root().unwrap();
        assert_eq!(root.repeated_key(), Some("a"));
        assert_eq!(root.get("b").unwrap().repeated_key(), None);
    }

    #[test]
    fn many_keys_duplicates_found() {
        let mut s = String::from("{");
        for i in 0..40 {
            s.push_str(&format!("\"k{i}\": {i},"));
        }
        s.push_str("\"k7\": 0}");
        let e = Doc::parse(s, true).unwrap_err();
        assert_eq!(e.path, vec![PathSeg::Key("k7".into())]);
    }

    #[test]
    fn the_first_repeat_in_document_order_is_reported_at_every_size() {
        // `k9` repeats before `k1` does (and sorts after it); small and large objects agree.
        for n in [12, 24, 25, 300] {
            let mut s = String::from("{");
            for i in 0..n {
                s.push_str(&format!("\"k{i}\": {i}, "));
            }
            s.push_str("\"k9\": 0, \"k1\": 0, \"k9\": 1}");
            let repeat_at = s.find("\"k9\": 0").unwrap() + 1;
            let d = Doc::parse(s.clone(), false).unwrap();
            assert_eq!(d.root().unwrap().repeated_key(), Some("k9"), "{n} keys");
            let e = Doc::parse(s, true).unwrap_err();
            assert_eq!(e.path, vec![PathSeg::Key("k9".into())], "{n} keys");
            assert_eq!(e.column, repeat_at, "{n} keys: at the first repetition");
        }
        // Distinct keys, many of them: no repeat.
        let keys: Vec<String> = (0..500).map(|i| format!("\"k{i}\": 0")).collect();
        let d = Doc::parse(format!("{{{}}}", keys.join(", ")), true).unwrap();
        assert_eq!(d.root().unwrap().repeated_key(), None);
    }
}
