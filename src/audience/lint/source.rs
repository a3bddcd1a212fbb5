//! A file's text and where its problems are in it. The engine reports a `path` into the JSON
//! (and, in rule expressions and message templates, a `span` of characters of the decoded
//! string), or for a syntax error the line and column; each becomes a byte range of the text,
//! then lines and characters (1-based, lines split at `\n`, columns counting Unicode
//! characters, as the engine counts them in its syntax errors).
//!
//! The costs stay linear in the size of the text plus the number of problems: the line starts
//! are listed once, the JSON tree is read the first time a path is looked up ([`Tree`]), and
//! the columns of all ranges are counted in one pass over the offsets in order
//! ([`Positions`]).

use crate::base::diag::Diagnostic;
use crate::base::json::{line_column, Positions};
use crate::base::vocab::Code;

use super::tree::{string_end, Tree};

/// Where a problem is: byte offsets of the text and 1-based lines and character columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Place {
    /// First byte.
    pub start: usize,
    /// One past the last byte (at least `start`).
    pub end: usize,
    /// Line of `start`.
    pub line: usize,
    /// Column of `start`.
    pub column: usize,
    /// Line of `end`.
    pub end_line: usize,
    /// Column of `end`.
    pub end_column: usize,
}

/// A problem and where it is (none for a file that could not be read).
#[derive(Clone, Debug)]
pub(super) struct Located {
    /// The problem as the engine (or the reading) reported it.
    pub diagnostic: Diagnostic,
    /// Where it is.
    pub place: Option<Place>,
}

impl Located {
    /// The line and column to sort by (0 for a problem without a place).
    pub fn key(&self) -> (usize, usize) {
        self.place.map_or((0, 0), |p| (p.line, p.column))
    }
}

/// A file's text (without a byte order mark), its line starts and, once asked for, its tree.
pub(super) struct Source {
    /// The text.
    pub text: String,
    line_starts: Vec<usize>,
    tree: Option<Option<Tree>>,
}

impl Source {
    /// The source of a text.
    pub fn new(text: String) -> Source {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Source {
            text,
            line_starts,
            tree: None,
        }
    }

    /// The byte range of 1-based line `line` without its line end (`\n`, or `\r\n`).
    pub fn line_bounds(&self, line: usize) -> (usize, usize) {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts.get(i).copied().unwrap_or(0);
        let end = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |next| next - 1);
        let end = if end > start && self.text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        (start, end)
    }

    /// The byte offset of 1-based `line` and character `column`, held to the text and to the
    /// line (its `\n` at most).
    fn offset_of(&self, line: usize, column: usize) -> usize {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        let start = self.line_starts.get(i).copied().unwrap_or(0);
        let stop = self
            .line_starts
            .get(i + 1)
            .map_or(self.text.len(), |next| next - 1);
        let rest = self.text.get(start..stop).unwrap_or("");
        let skip = column.saturating_sub(1);
        rest.char_indices()
            .nth(skip)
            .map_or(stop, |(at, _)| start + at)
    }

    /// The byte length of the character at `at` (0 at the end).
    fn char_len(&self, at: usize) -> usize {
        self.text
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8)
    }

    fn tree(&mut self) -> Option<&mut Tree> {
        if self.tree.is_none() {
            self.tree = Some(Tree::parse(&self.text));
        }
        self.tree.as_mut().and_then(Option::as_mut)
    }

    /// The byte range a diagnostic points at.
    fn range_of(&mut self, d: &Diagnostic) -> (usize, usize) {
        if let (Some(line), Some(column), Code::InvalidJson | Code::DuplicateKey) =
            (d.line, d.column, d.code)
        {
            let start = self.offset_of(line as usize, column as usize);
            let mut end = start + self.char_len(start);
            let b = self.text.as_bytes();
            if b.get(start) == Some(&b'"') {
                // A key: all of it, when it ends on this line.
                let close = string_end(b, start);
                let same_line = b.get(start..close).is_some_and(|s| !s.contains(&b'\n'));
                if close > start + 1 && same_line && b.get(close - 1) == Some(&b'"') {
                    end = close;
                }
            }
            return (start, end);
        }
        let first = (0, self.char_len(0));
        if d.path.is_empty() {
            return first;
        }
        let Some(tree) = self.tree() else {
            return first;
        };
        range_in(tree, d)
    }

    /// Each diagnostic with its place; an `invalid_json` error at a `]` or `}` right after a
    /// comma also gets the help that says where the comma is.
    pub fn locate_all(&mut self, list: Vec<Diagnostic>) -> Vec<Located> {
        let ranges: Vec<(usize, usize)> = list.iter().map(|d| self.range_of(d)).collect();
        let places = self.places(&ranges);
        list.into_iter()
            .zip(places)
            .map(|(mut d, place)| {
                if d.code == Code::InvalidJson && d.help.is_none() {
                    d.help = self.trailing_comma_help(place.start);
                }
                Located {
                    diagnostic: d,
                    place: Some(place),
                }
            })
            .collect()
    }

    /// The places of byte ranges: their offsets are counted in increasing order, each from the
    /// one before.
    pub fn places(&self, ranges: &[(usize, usize)]) -> Vec<Place> {
        let mut offsets: Vec<(usize, usize)> = Vec::with_capacity(ranges.len() * 2);
        for (i, &(start, end)) in ranges.iter().enumerate() {
            offsets.push((start, 2 * i));
            offsets.push((end.max(start), 2 * i + 1));
        }
        offsets.sort_unstable();
        let mut at = vec![(1, 1); offsets.len()];
        let mut positions = Positions::default();
        for (offset, slot) in offsets {
            if let Some(cell) = at.get_mut(slot) {
                *cell = positions.line_column(&self.text, offset);
            }
        }
        ranges
            .iter()
            .zip(at.chunks(2))
            .map(|(&(start, end), pair)| {
                let (line, column) = pair.first().copied().unwrap_or((1, 1));
                let (end_line, end_column) = pair.get(1).copied().unwrap_or((line, column));
                Place {
                    start,
                    end: end.max(start),
                    line,
                    column,
                    end_line,
                    end_column,
                }
            })
            .collect()
    }

    /// At a `]` or `}` right after a comma (JSON allows none there): where the comma is.
    fn trailing_comma_help(&self, at: usize) -> Option<String> {
        let b = self.text.as_bytes();
        let c = *b.get(at)?;
        if c != b']' && c != b'}' {
            return None;
        }
        let before = b.get(..at)?;
        let comma = before
            .iter()
            .rposition(|x| !matches!(x, b' ' | b'\t' | b'\r' | b'\n'))?;
        if before.get(comma) != Some(&b',') {
            return None;
        }
        let (line, column) = line_column(&self.text, comma);
        Some(format!(
            "JSON allows no comma before `{}`: remove the one at line {line} column {column}",
            char::from(c)
        ))
    }
}

/// The byte range of a diagnostic with a path: the characters of its span in a string, the
/// second of a repeated key, the key of an unknown or repeated member the message names, or
/// else the value the path leads to (as far as it leads).
fn range_in(tree: &mut Tree, d: &Diagnostic) -> (usize, usize) {
    let found = tree.lookup(&d.path);
    let node = found.node;
    if found.exact {
        if let (Some(span), true) = (d.span, tree.is_string(node)) {
            let start = tree.char_offset(node, span.start);
            let end = tree.char_offset(node, span.end.max(span.start));
            return (start, end);
        }
        if let Some((object, key)) = &found.member_of {
            if d.code == Code::DuplicateKey {
                if let Some(second) = tree.second(*object, key) {
                    return tree.key_range(second);
                }
            }
            let code = d.code.as_str();
            let about_key = (code.starts_with("unknown_") || code.starts_with("duplicate_"))
                && d.message.contains(&format!("`{key}`"));
            if about_key {
                return tree.key_range(node);
            }
        }
    }
    (tree.start(node), tree.end(node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diag::{PathSeg, Span};

    fn path(segs: &[&str]) -> Vec<PathSeg> {
        segs.iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::Key((*s).to_owned()),
            })
            .collect()
    }

    fn locate(text: &str, d: Diagnostic) -> (String, Place) {
        let mut s = Source::new(text.to_owned());
        let located = s.locate_all(vec![d]);
        let place = located[0].place.unwrap();
        (text[place.start..place.end].to_owned(), place)
    }

    fn diag(code: Code, message: &str, p: &[&str]) -> Diagnostic {
        Diagnostic::new(code, message, path(p))
    }

    #[test]
    fn a_path_points_at_its_value_and_an_unknown_key_at_the_key() {
        let text = "{\n  \"plans\": [{ \"id\": \"a\", \"limits\": { \"seats\": 2 } }],\n  \"priorty\": 5\n}\n";
        let (shown, p) = locate(
            text,
            diag(Code::InvalidType, "x", &["plans", "0", "limits"]),
        );
        assert_eq!(shown, "{ \"seats\": 2 }");
        assert_eq!((p.line, p.column, p.end_line, p.end_column), (2, 36, 2, 50));
        let (shown, _) = locate(
            text,
            diag(Code::UnknownField, "unknown field `priorty`", &["priorty"]),
        );
        assert_eq!(shown, "\"priorty\"");
        // The message does not name the key: the value.
        let (shown, _) = locate(
            text,
            diag(Code::UnknownField, "something else", &["priorty"]),
        );
        assert_eq!(shown, "5");
        let (shown, _) = locate(text, diag(Code::InvalidType, "x", &["plans", "3", "id"]));
        assert!(shown.starts_with('[') && shown.ends_with(']'));
    }

    #[test]
    fn a_span_counts_characters_of_the_decoded_string() {
        let text = "{ \"when\": \"'\\u00e9😀' == 'x' && usage.seatz > 0\" }";
        let mut d = diag(Code::UnknownPath, "unknown path", &["when"]);
        d.span = Some(Span::new(15, 26));
        let (shown, p) = locate(text, d);
        assert_eq!(shown, "usage.seatz");
        // 😀 counts as one column.
        assert_eq!(
            p.column,
            text[..text.find("usage").unwrap()].chars().count() + 1
        );
    }

    #[test]
    fn syntax_errors_and_repeated_keys_use_the_engines_position() {
        let text = "{\n  \"a\": [1,\n  ],\n  \"b\": 2\n}";
        let d = diag(Code::InvalidJson, "config is not valid JSON", &[]).at_position(3, 3);
        let mut s = Source::new(text.to_owned());
        let l = s.locate_all(vec![d]).remove(0);
        assert_eq!(l.place.map(|p| (p.line, p.column)), Some((3, 3)));
        assert_eq!(
            l.diagnostic.help.as_deref(),
            Some("JSON allows no comma before `]`: remove the one at line 2 column 10")
        );
        let text = "{ \"k\": 1,\n  \"k\": 2 }";
        let d = diag(Code::DuplicateKey, "duplicate", &[]).at_position(2, 3);
        let (shown, _) = locate(text, d);
        assert_eq!(shown, "\"k\"");
        // In a context, the warning has a path: the second key.
        let d = diag(Code::DuplicateKey, "key `k` appears more than once", &["k"]);
        let (shown, p) = locate(text, d);
        assert_eq!((shown.as_str(), p.line), ("\"k\"", 2));
    }

    #[test]
    fn positions_past_the_end_are_held_to_the_text() {
        let d = diag(Code::InvalidJson, "end", &[]).at_position(9, 40);
        let (shown, p) = locate("{\n", d);
        assert_eq!((shown.as_str(), p.line, p.column), ("", 2, 1));
        let (shown, p) = locate("", diag(Code::InvalidType, "x", &["a"]));
        assert_eq!((shown.as_str(), p.line, p.column), ("", 1, 1));
    }

    #[test]
    fn lines_end_before_a_carriage_return() {
        let s = Source::new("ab\r\ncd\n\nef".to_owned());
        assert_eq!(s.line_bounds(1), (0, 2));
        assert_eq!(s.line_bounds(2), (4, 6));
        assert_eq!(s.line_bounds(3), (7, 7));
        assert_eq!(s.line_bounds(4), (8, 10));
    }
}
