//! Diagnostics shared by every layer: a coded problem with a path into the config or the
//! context, and the "did you mean" helper used to suggest close names.

use super::out::{Out, ToJson};
pub use super::vocab::Code;

/// A range of characters (Unicode scalar values, not bytes) in an expression or a message
/// template; `end` is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first character.
    pub start: u32,
    /// Offset one past the last character.
    pub end: u32,
}

impl Span {
    /// The span from `start` to `end`.
    pub fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// The smallest span covering `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl ToJson for Span {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("start", &self.start)
            .field("end", &self.end)
            .end();
    }
}

/// One step of a path into a JSON document: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

impl From<&str> for PathSeg {
    fn from(s: &str) -> Self {
        PathSeg::Key(s.to_owned())
    }
}

impl From<usize> for PathSeg {
    fn from(i: usize) -> Self {
        PathSeg::Index(i)
    }
}

impl ToJson for PathSeg {
    fn write(&self, out: &mut Out) {
        match self {
            PathSeg::Key(k) => out.str(k),
            PathSeg::Index(i) => out.num(*i as f64),
        }
    }
}

/// A path into the config or the context, such as `["rules", 3, "when"]`.
pub type Path = Vec<PathSeg>;

/// Something that can produce a path when a problem must be reported: a path already built,
/// or an [`At`] chain that is only turned into one on error.
pub trait PathLike {
    /// The path as a list of steps.
    fn path(&self) -> Path;
    /// The path as the start of a lazy one (steps below it are built only on error).
    fn at(&self) -> At<'_>;
}

impl PathLike for &[PathSeg] {
    fn path(&self) -> Path {
        self.to_vec()
    }
    fn at(&self) -> At<'_> {
        At::Prefix(self)
    }
}

impl PathLike for Vec<PathSeg> {
    fn path(&self) -> Path {
        self.clone()
    }
    fn at(&self) -> At<'_> {
        At::Prefix(self)
    }
}

/// A path kept as a chain of borrowed steps on the stack, so reading a valid document builds
/// no path at all.
#[derive(Clone, Copy)]
pub enum At<'a> {
    /// The document root.
    Root,
    /// A key below a parent.
    Key(&'a At<'a>, &'a str),
    /// An index below a parent.
    Index(&'a At<'a>, usize),
    /// A path already built (where a lazy path starts below an eager one).
    Prefix(&'a [PathSeg]),
}

impl<'a> At<'a> {
    /// The step `key` below this one.
    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    /// The step `i` below this one.
    pub fn index(&'a self, i: usize) -> At<'a> {
        At::Index(self, i)
    }

    fn build(&self, out: &mut Path) {
        match self {
            At::Root => {}
            At::Prefix(steps) => out.extend_from_slice(steps),
            At::Key(p, k) => {
                p.build(out);
                out.push(PathSeg::Key((*k).to_owned()));
            }
            At::Index(p, i) => {
                p.build(out);
                out.push(PathSeg::Index(*i));
            }
        }
    }
}

impl PathLike for At<'_> {
    fn path(&self) -> Path {
        let mut p = Vec::new();
        self.build(&mut p);
        p
    }
    fn at(&self) -> At<'_> {
        *self
    }
}

/// Appends one step to a path, returning the longer path.
pub fn join(path: &[PathSeg], seg: impl Into<PathSeg>) -> Path {
    let mut p = Vec::with_capacity(path.len() + 1);
    p.extend_from_slice(path);
    p.push(seg.into());
    p
}

/// A problem found in the config (at load time) or in the context (at evaluation time).
///
/// Serialized as `{ code, message, path, help?, span?, line?, column? }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable machine-readable code, such as `unknown_field` or `duplicate_id`.
    pub code: Code,
    /// Human-readable message: lowercase start, no final period, user values in backticks.
    pub message: String,
    /// Where the problem is.
    pub path: Path,
    /// A hint, such as "did you mean `seats`?".
    pub help: Option<String>,
    /// For rule expressions and message templates: the character range of the problem.
    pub span: Option<Span>,
    /// Where the problem is in the JSON text, when the text could not be parsed: 1-based line.
    pub line: Option<u32>,
    /// With [`Diagnostic::line`]: the 1-based column, in characters.
    pub column: Option<u32>,
}

impl ToJson for Diagnostic {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("code", &self.code)
            .field("message", &self.message)
            .field("path", &self.path)
            .some("help", &self.help)
            .some("span", &self.span)
            .some("line", &self.line)
            .some("column", &self.column)
            .end();
    }
}

impl Diagnostic {
    /// A diagnostic without help or span.
    pub fn new(code: Code, message: impl Into<String>, path: Path) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            path,
            help: None,
            span: None,
            line: None,
            column: None,
        }
    }

    /// Adds the 1-based line and column (in characters) of the problem in its JSON text.
    #[must_use]
    pub fn at_position(mut self, line: usize, column: usize) -> Self {
        self.line = Some(u32::try_from(line).unwrap_or(u32::MAX));
        self.column = Some(u32::try_from(column).unwrap_or(u32::MAX));
        self
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

/// Most errors (and warnings) listed in one report; the rest are counted.
pub const MAX_REPORTED: usize = 500;

/// "`rules`, 3, `when`" as `rules[3].when`.
pub fn path_text(path: &[PathSeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            PathSeg::Index(i) => {
                s.push('[');
                super::num::push_int(&mut s, *i as i64);
                s.push(']');
            }
        }
    }
    s
}

/// Cuts a list of diagnostics to [`MAX_REPORTED`], counting the rest in a last entry.
pub fn truncate(list: &mut Vec<Diagnostic>) {
    if list.len() > MAX_REPORTED {
        let more = list.len() - MAX_REPORTED;
        list.truncate(MAX_REPORTED);
        let mut message = String::new();
        super::num::push_int(&mut message, more as i64);
        message.push_str(" more problems not listed");
        list.push(Diagnostic::new(Code::TooManyProblems, message, Vec::new()));
    }
}

thread_local! {
    /// Work left for "did you mean" searches, in comparison cells (see [`SuggestMeter`]).
    static SUGGEST_CELLS: std::cell::Cell<u64> = const { std::cell::Cell::new(u64::MAX) };
}

/// Work a reading may spend on "did you mean": a fixed allowance, so small inputs always get
/// suggestions, plus this many comparison cells per byte of input, so a huge input full of
/// near-miss names costs a bounded multiple of reading it.
pub const SUGGEST_CELLS_BASE: u64 = 100_000;

/// Comparison cells of "did you mean" per byte of input (see [`SUGGEST_CELLS_BASE`]).
pub const SUGGEST_CELLS_PER_BYTE: u64 = 2;

/// Meters the "did you mean" work of one reading (a config load, a context read): while it
/// lives, [`suggest`] spends from its allowance and stops suggesting once it is spent. Dropping
/// it restores the allowance of the reading around it, if any.
#[must_use = "the allowance ends when the meter is dropped"]
pub struct SuggestMeter {
    outer: u64,
}

impl SuggestMeter {
    /// Starts metering a reading of `input_bytes` bytes.
    pub fn start(input_bytes: usize) -> SuggestMeter {
        let cells = SUGGEST_CELLS_BASE
            .saturating_add(SUGGEST_CELLS_PER_BYTE.saturating_mul(input_bytes as u64));
        SuggestMeter {
            outer: SUGGEST_CELLS.with(|c| c.replace(cells)),
        }
    }
}

impl Drop for SuggestMeter {
    fn drop(&mut self) {
        SUGGEST_CELLS.with(|c| c.set(self.outer));
    }
}

/// Whether the current reading may still spend on suggestions (callers that build a long list
/// of candidates ask first).
pub fn may_suggest() -> bool {
    SUGGEST_CELLS.with(|c| c.get() > 0)
}

/// Spends `cells` of the allowance (building a list of candidates costs one a byte); `false`
/// when too little is left, which ends the allowance.
pub fn spend(cells: u64) -> bool {
    SUGGEST_CELLS.with(|c| {
        let left = c.get();
        if left < cells {
            c.set(0);
            false
        } else {
            c.set(left - cells);
            true
        }
    })
}

/// The closest candidate to `name` by edit distance, if it is close enough to be a likely typo.
/// Searches at most 2,000 candidates of at most 64 characters, within the reading's allowance
/// (see [`SuggestMeter`]).
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let name: Vec<char> = name.chars().map(|c| c.to_ascii_lowercase()).collect();
    if name.len() > MAX_SUGGEST_CHARS {
        return None;
    }
    let max = (name.len() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut other: Vec<char> = Vec::new();
    for c in candidates.into_iter().take(2000) {
        // Lengths further apart than `max` cannot be within `max` edits: a cheap test first.
        let len = c.chars().count();
        if !spend(1) {
            break;
        }
        if len > MAX_SUGGEST_CHARS || len.abs_diff(name.len()) > max {
            continue;
        }
        if !spend((name.len() * len) as u64) {
            break;
        }
        other.clear();
        other.extend(c.chars().map(|c| c.to_ascii_lowercase()));
        let d = distance(&name, &other);
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Names longer than this get no suggestion.
const MAX_SUGGEST_CHARS: usize = 64;

/// "did you mean `x`?" for the closest candidate, if any.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    suggest(name, candidates).map(quote_help)
}

/// "did you mean `s`?"
pub fn quote_help(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str("did you mean `");
    out.push_str(s);
    out.push_str("`?");
    out
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), over three
/// rows.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let up = prev.get(j + 1).copied().unwrap_or(usize::MAX - 1) + 1;
            let left = cur.get(j).copied().unwrap_or(usize::MAX - 1) + 1;
            let diag = prev.get(j).copied().unwrap_or(usize::MAX - 1) + cost;
            let mut v = up.min(left).min(diag);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                v = v.min(prev2.get(j - 1).copied().unwrap_or(usize::MAX - 1) + 1);
            }
            if let Some(cell) = cur.get_mut(j + 1) {
                *cell = v;
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("seat", ["seats", "api_calls"]), Some("seats"));
        assert_eq!(suggest("lables", ["label", "labels"]), Some("labels"));
        assert_eq!(suggest("perseat", ["perSeat", "monthly"]), Some("perSeat"));
        assert_eq!(suggest("xyz", ["seats", "api_calls"]), None);
        // Within a spent allowance nothing is searched; the allowance ends with its meter.
        {
            let _outer = SuggestMeter::start(0);
            {
                let _inner = SuggestMeter::start(0);
                let many: Vec<String> = (0..2000).map(|i| format!("{:x<60}{i}", "")).collect();
                for _ in 0..10 {
                    let _ = suggest(&format!("{:x<60}1x", ""), many.iter().map(String::as_str));
                }
                assert!(!may_suggest());
                assert_eq!(suggest("seat", ["seats"]), None);
            }
            assert_eq!(suggest("seat", ["seats"]), Some("seats"));
        }
        assert_eq!(distance(&['a', 'b'], &['b', 'a']), 1);
    }

    /// The textbook full-matrix optimal-string-alignment distance.
    #[allow(clippy::indexing_slicing)]
    fn reference(a: &[char], b: &[char]) -> usize {
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    #[allow(clippy::indexing_slicing)]
    fn distance_agrees_with_the_textbook_matrix() {
        let mut seed = 0x2545_f491_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..20_000 {
            let word = |next: &mut dyn FnMut(u64) -> u64| -> Vec<char> {
                let len = next(9);
                (0..len).map(|_| char::from(b'a' + next(3) as u8)).collect()
            };
            let a = word(&mut next);
            let b = word(&mut next);
            assert_eq!(distance(&a, &b), reference(&a, &b), "{a:?} {b:?}");
        }
    }
}
