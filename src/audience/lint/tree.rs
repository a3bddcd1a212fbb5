//! Where the values of a JSON text are: the text parsed once by `base::json` into its tape,
//! and, found on demand and kept, the members of each container looked into, the byte where
//! each value ends and the bytes of the characters of each string a span points into. So a
//! document with many problems costs one pass over each part of it that a problem names,
//! however the problems are spread.

use crate::base::diag::PathSeg;
use crate::base::json::{raw_char_len, Doc, Kind};
use crate::base::FastMap;

/// The members of a container, by position.
enum Members {
    /// An array's item nodes.
    Items(Vec<u32>),
    /// An object's value nodes (its key node is the one before each), and for each key the
    /// last member with it (the one the engine reads) and the second (where a repetition
    /// starts).
    Keys {
        values: Vec<u32>,
        by_key: FastMap<String, Keyed>,
    },
}

/// The members of an object with one key.
struct Keyed {
    /// The last.
    last: u32,
    /// The second, if the key repeats.
    second: Option<u32>,
}

/// A value found by a path: the node, and whether the whole path led to it (else it is the
/// deepest value the path reached); for an object member, the object and the key.
pub(super) struct Found {
    /// The node of the value.
    pub node: u32,
    /// Whether every step of the path was found.
    pub exact: bool,
    /// The object the value is a member of, and its key (for the last step).
    pub member_of: Option<(u32, String)>,
}

/// A parsed JSON text with its positions, found as they are asked for.
pub(super) struct Tree {
    doc: Doc,
    members: FastMap<u32, Members>,
    ends: FastMap<u32, usize>,
    /// For each string a span pointed into: the offsets of its characters, or none when each
    /// is one byte.
    chars: FastMap<u32, Option<Vec<usize>>>,
}

/// Whether the byte is JSON whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl Tree {
    /// The tree of `text`, or none when it is not JSON (the engine reports that itself, with
    /// the line and column). Repeated keys are allowed: a context may have them.
    pub fn parse(text: &str) -> Option<Tree> {
        let doc = Doc::parse(text.to_owned(), false).ok()?;
        doc.root()?;
        Some(Tree {
            doc,
            members: FastMap::default(),
            ends: FastMap::default(),
            chars: FastMap::default(),
        })
    }

    fn bytes(&self) -> &[u8] {
        self.doc.text().as_bytes()
    }

    fn kind(&self, node: u32) -> Kind {
        self.doc.at(node).map_or(Kind::Null, |v| v.kind())
    }

    /// Whether the value at `node` is a string.
    pub fn is_string(&self, node: u32) -> bool {
        self.kind(node) == Kind::String
    }

    /// The byte offset where the value at `node` starts.
    pub fn start(&self, node: u32) -> usize {
        self.doc.at(node).map_or(0, |v| v.offset())
    }

    /// The members of the container at `node`, listed the first time they are asked for.
    fn members(&mut self, node: u32) -> Option<&Members> {
        if !self.members.contains_key(&node) {
            let v = self.doc.at(node)?;
            let list = match v.kind() {
                Kind::Array => Members::Items(v.items().map(|x| x.index()).collect()),
                Kind::Object => {
                    let mut values = Vec::with_capacity(v.len());
                    let mut by_key: FastMap<String, Keyed> = FastMap::default();
                    for (key, value) in v.entries() {
                        let i = value.index();
                        values.push(i);
                        by_key
                            .entry(key.to_owned())
                            .and_modify(|k| {
                                k.second.get_or_insert(i);
                                k.last = i;
                            })
                            .or_insert(Keyed {
                                last: i,
                                second: None,
                            });
                    }
                    Members::Keys { values, by_key }
                }
                _ => return None,
            };
            self.members.insert(node, list);
        }
        self.members.get(&node)
    }

    /// The node a path leads to: each key is the last member with that key (the one the
    /// engine reads where a context repeats a key), each index an array item.
    pub fn lookup(&mut self, path: &[PathSeg]) -> Found {
        let mut found = Found {
            node: 0,
            exact: true,
            member_of: None,
        };
        for seg in path {
            let here = found.node;
            let next = match (self.members(here), seg) {
                (Some(Members::Items(items)), PathSeg::Index(i)) => items.get(*i).copied(),
                (Some(Members::Keys { by_key, .. }), PathSeg::Key(k)) => {
                    by_key.get(k.as_str()).map(|k| k.last)
                }
                _ => None,
            };
            let Some(next) = next else {
                found.exact = false;
                return found;
            };
            found.member_of = match seg {
                PathSeg::Key(k) => Some((here, k.clone())),
                PathSeg::Index(_) => None,
            };
            found.node = next;
        }
        found
    }

    /// The value node of the second member of object `object` with key `key`, if it repeats.
    pub fn second(&mut self, object: u32, key: &str) -> Option<u32> {
        match self.members(object)? {
            Members::Keys { by_key, .. } => by_key.get(key).and_then(|k| k.second),
            Members::Items(_) => None,
        }
    }

    /// The byte range of the key of the member whose value is `value` (quotes included).
    pub fn key_range(&mut self, value: u32) -> (usize, usize) {
        let key = value.saturating_sub(1);
        let start = self.start(key);
        (start, self.end(key))
    }

    /// The byte offset one past the value at `node`.
    pub fn end(&mut self, node: u32) -> usize {
        if let Some(end) = self.ends.get(&node) {
            return *end;
        }
        let start = self.start(node);
        let b = self.bytes();
        let end = match self.kind(node) {
            Kind::String => string_end(b, start),
            Kind::Number => {
                let digits = b.get(start..).unwrap_or(&[]);
                start
                    + digits
                        .iter()
                        .take_while(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                        .count()
            }
            Kind::Bool | Kind::Null => {
                let word = if b.get(start) == Some(&b'f') { 5 } else { 4 };
                (start + word).min(b.len())
            }
            Kind::Array | Kind::Object => self.container_end(node, start),
        };
        self.ends.insert(node, end);
        end
    }

    /// The end of a container: after its last member (or its opening bracket), the spaces and
    /// the closing bracket.
    fn container_end(&mut self, node: u32, start: usize) -> usize {
        let last = match self.members(node) {
            Some(Members::Items(items)) => items.last().copied(),
            Some(Members::Keys { values, .. }) => values.last().copied(),
            None => None,
        };
        let mut at = match last {
            Some(last) => self.end(last),
            None => start + 1,
        };
        let b = self.bytes();
        while b.get(at).copied().is_some_and(is_space) {
            at += 1;
        }
        (at + 1).min(b.len())
    }

    /// The byte offset in the text of character `index` of the string value at `node`, as the
    /// engine counts characters in a span (of the decoded string: an escape is one). An index
    /// past the end gives the closing quote.
    pub fn char_offset(&mut self, node: u32, index: u32) -> usize {
        let start = self.start(node) + 1;
        let close = self.end(node).saturating_sub(1).max(start);
        let index = index as usize;
        if !self.chars.contains_key(&node) {
            let raw = self.bytes().get(start..close).unwrap_or(&[]);
            let plain = raw.iter().all(|&c| c.is_ascii() && c != b'\\');
            let starts = (!plain).then(|| char_starts(raw, start));
            self.chars.insert(node, starts);
        }
        match self.chars.get(&node) {
            Some(Some(starts)) => starts.get(index).copied().unwrap_or(close),
            _ => (start + index).min(close),
        }
    }
}

/// The byte offset one past the string whose opening quote is at `start`.
pub(super) fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => return i + 1,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    b.len()
}

/// The offsets (from `base`) of the decoded characters of a string's raw contents: an escape
/// (`\n`, `\u00e9`, a surrogate pair of `\u` escapes) is one character, as is each UTF-8
/// sequence.
fn char_starts(raw: &[u8], base: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        out.push(base + i);
        i += raw_char_len(raw, i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Tree {
        Tree::parse(text).unwrap()
    }

    fn text_of(t: &mut Tree, node: u32) -> String {
        let (s, e) = (t.start(node), t.end(node));
        t.doc.text()[s..e].to_owned()
    }

    #[test]
    fn values_end_after_their_last_byte() {
        let src = r#"{ "a": [1, -2.5e3, true, false, null, "x\"y"], "b": { }, "c": [ [ ] ] }"#;
        let mut t = tree(src);
        let root = t.lookup(&[]).node;
        assert_eq!(text_of(&mut t, root), src);
        let a = t.lookup(&["a".into()]).node;
        assert_eq!(
            text_of(&mut t, a),
            r#"[1, -2.5e3, true, false, null, "x\"y"]"#
        );
        for (i, want) in ["1", "-2.5e3", "true", "false", "null", r#""x\"y""#]
            .iter()
            .enumerate()
        {
            let n = t.lookup(&["a".into(), i.into()]).node;
            assert_eq!(&text_of(&mut t, n), want);
        }
        let b = t.lookup(&["b".into()]).node;
        assert_eq!(text_of(&mut t, b), "{ }");
        let c = t.lookup(&["c".into(), 0.into()]).node;
        assert_eq!(text_of(&mut t, c), "[ ]");
    }

    #[test]
    fn a_path_that_leaves_the_document_stops_at_the_deepest_value() {
        let mut t = tree(r#"{"a": {"b": [0]}}"#);
        let f = t.lookup(&["a".into(), "b".into(), 3.into()]);
        assert!(!f.exact);
        assert_eq!(text_of(&mut t, f.node), "[0]");
        let f = t.lookup(&["a".into(), "b".into()]);
        assert!(f.exact);
        assert_eq!(f.member_of.map(|(_, k)| k).as_deref(), Some("b"));
    }

    #[test]
    fn repeated_keys_read_the_last_and_know_the_second() {
        let mut t = tree(r#"{"k": 1, "j": 2, "k": 3, "k": 4}"#);
        let f = t.lookup(&["k".into()]);
        assert_eq!(text_of(&mut t, f.node), "4");
        let second = t.second(0, "k").unwrap();
        assert_eq!(text_of(&mut t, second), "3");
        let (s, e) = t.key_range(second);
        assert_eq!(&t.doc.text()[s..e], "\"k\"");
        assert_eq!(s, 17);
    }

    #[test]
    fn spans_count_decoded_characters() {
        // decoded: 😀 é " \t 😀 x
        let src = r#"["\ud83d\ude00\u00e9\"\t😀x", "plain"]"#;
        let mut t = tree(src);
        let s = t.lookup(&[0.into()]).node;
        let offsets: Vec<usize> = (0..8).map(|i| t.char_offset(s, i)).collect();
        let shown: Vec<&str> = offsets.windows(2).map(|w| &src[w[0]..w[1]]).collect();
        assert_eq!(
            shown,
            ["\\ud83d\\ude00", "\\u00e9", "\\\"", "\\t", "😀", "x", ""]
        );
        assert_eq!(&src[offsets[6]..], "\", \"plain\"]");
        let p = t.lookup(&[1.into()]).node;
        assert_eq!(&src[t.char_offset(p, 2)..t.char_offset(p, 99)], "ain");
    }

    #[test]
    fn text_that_is_not_json_has_no_tree() {
        assert!(Tree::parse("{ nope").is_none());
        assert!(Tree::parse("").is_none());
    }
}
