//! Diagnostics shared by every layer: a coded problem with a path into the config or the
//! context, and the "did you mean" helper used to suggest close names.

use serde::Serialize;

use crate::expr::Span;

/// One step of a path into a JSON document: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
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

/// A path into the config or the context, such as `["rules", 3, "when"]`.
pub type Path = Vec<PathSeg>;

/// Appends one step to a path, returning the longer path.
pub(crate) fn join(path: &[PathSeg], seg: impl Into<PathSeg>) -> Path {
    let mut p = Vec::with_capacity(path.len() + 1);
    p.extend_from_slice(path);
    p.push(seg.into());
    p
}

/// A problem found in the config (at load time) or in the context (at evaluation time).
///
/// Serialized as `{ code, message, path, help?, span? }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Stable machine-readable code, such as `unknown_field` or `duplicate_id`.
    pub code: &'static str,
    /// Human-readable message: lowercase start, no final period, user values in backticks.
    pub message: String,
    /// Where the problem is.
    pub path: Path,
    /// A hint, such as "did you mean `seats`?".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// For rule expressions and message templates: the character range of the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
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

/// Cuts a list of diagnostics to [`MAX_REPORTED`], counting the rest in a last entry.
pub fn truncate(list: &mut Vec<Diagnostic>) {
    if list.len() > MAX_REPORTED {
        let more = list.len() - MAX_REPORTED;
        list.truncate(MAX_REPORTED);
        list.push(Diagnostic::new(
            "too_many_problems",
            format!("{more} more problems not listed"),
            Vec::new(),
        ));
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
    suggest(name, candidates).map(|s| format!("did you mean `{s}`?"))
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
}
