//! Diagnostics shared by every layer: a coded problem with a path into the config or the
//! context, and the "did you mean" helper used to suggest close names.

use super::out::{Out, ToJson};

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
/// Serialized as `{ code, message, path, help?, span? }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable machine-readable code, such as `unknown_field` or `duplicate_id`.
    pub code: &'static str,
    /// Human-readable message: lowercase start, no final period, user values in backticks.
    pub message: String,
    /// Where the problem is.
    pub path: Path,
    /// A hint, such as "did you mean `seats`?".
    pub help: Option<String>,
    /// For rule expressions and message templates: the character range of the problem.
    pub span: Option<Span>,
}

impl ToJson for Diagnostic {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("code", self.code)
            .field("message", &self.message)
            .field("path", &self.path)
            .some("help", &self.help)
            .some("span", &self.span)
            .end();
    }
}

impl Diagnostic {
    /// A diagnostic without help or span.
    pub fn new(code: &'static str, message: impl Into<String>, path: Path) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            path,
            help: None,
            span: None,
        }
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
        list.push(Diagnostic::new("too_many_problems", message, Vec::new()));
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to be a likely typo.
pub fn suggest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let max = (name.chars().count() / 3).max(1);
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates.into_iter().take(2000) {
        let d = distance(&lower, &c.to_ascii_lowercase());
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

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

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    let at = |i: usize, j: usize| i * w + j;
    for (i, cell) in d.iter_mut().step_by(w).enumerate() {
        *cell = i;
    }
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for (i, ca) in a.iter().enumerate() {
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let del = d.get(at(i, j + 1)).copied().unwrap_or(usize::MAX - 1) + 1;
            let ins = d.get(at(i + 1, j)).copied().unwrap_or(usize::MAX - 1) + 1;
            let sub = d.get(at(i, j)).copied().unwrap_or(usize::MAX - 1) + cost;
            let mut v = del.min(ins).min(sub);
            if i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) {
                v = v.min(d.get(at(i - 1, j - 1)).copied().unwrap_or(usize::MAX - 1) + 1);
            }
            if let Some(cell) = d.get_mut(at(i + 1, j + 1)) {
                *cell = v;
            }
        }
    }
    d.last().copied().unwrap_or(usize::MAX)
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
        assert_eq!(distance("ab", "ba"), 1);
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
            let (sa, sb): (String, String) = (a.iter().collect(), b.iter().collect());
            assert_eq!(distance(&sa, &sb), reference(&a, &b), "{a:?} {b:?}");
        }
    }
}
