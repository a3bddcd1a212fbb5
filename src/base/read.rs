//! A checking reader over parsed JSON: typed accessors that collect every problem with its path
//! instead of stopping at the first one, as a derive-based deserializer would.

use super::diag::{did_you_mean, Code, Diagnostic, Path, PathLike, Span, MAX_REPORTED};
use super::json::{Val, NON_FINITE_PREFIX, UNSUPPORTED_PREFIX};

pub use super::json::Kind;

/// Collects problems while reading a JSON document.
#[derive(Default)]
pub struct Reader {
    /// Errors found.
    pub errors: Vec<Diagnostic>,
    /// Warnings found.
    pub warnings: Vec<Diagnostic>,
    /// The text was written by a serializer that cannot repeat a key in an object (JavaScript's
    /// `JSON.stringify` of an object): checks for repeated keys are skipped.
    pub keys_unique: bool,
    /// Where problems at spans were found in the text, counted front to back.
    pub positions: super::json::Positions,
}

impl Reader {
    /// The path of the next error: empty once the report holds more errors than it lists
    /// ([`MAX_REPORTED`]; the rest are only counted), so that a config with very many problems
    /// does not build a path for each.
    fn path_of(&self, path: &dyn PathLike) -> Path {
        if self.errors.len() >= MAX_REPORTED {
            Path::new()
        } else {
            path.path()
        }
    }

    /// Records an error.
    pub fn error(&mut self, code: Code, message: impl Into<String>, path: &dyn PathLike) {
        let path = self.path_of(path);
        self.errors.push(Diagnostic::new(code, message, path));
    }

    /// Records an error with a hint.
    pub fn error_help(
        &mut self,
        code: Code,
        message: impl Into<String>,
        path: &dyn PathLike,
        help: Option<String>,
    ) {
        let path = self.path_of(path);
        self.errors
            .push(Diagnostic::new(code, message, path).with_help(help));
    }

    /// Records an error at a character span of the string `text` at `path` (a rule condition,
    /// a message template), with a hint, and where the span starts in the source text.
    pub fn error_span(
        &mut self,
        code: Code,
        message: String,
        (path, text): (&dyn PathLike, Val<'_>),
        help: Option<String>,
        span: Span,
    ) {
        let path = self.path_of(path);
        let mut d = Diagnostic {
            span: Some(span),
            ..Diagnostic::new(code, message, path).with_help(help)
        };
        if self.errors.len() < MAX_REPORTED {
            if let Some(at) = text.char_offset(span.start) {
                let (line, column) = self.positions.line_column(text.source(), at);
                d = d.at_position(line, column);
            }
        }
        self.errors.push(d);
    }

    /// Records a warning.
    pub fn warn(&mut self, code: Code, message: impl Into<String>, path: &dyn PathLike) {
        self.warnings
            .push(Diagnostic::new(code, message, path.path()));
    }

    /// Records "expected X, found Y".
    pub fn wrong_type(&mut self, expected: &str, v: Val<'_>, path: &dyn PathLike) {
        let (code, message) = wrong_type_message(expected, v);
        let path = self.path_of(path);
        self.errors.push(Diagnostic::new(code, message, path));
    }

    /// An object whose keys must all be in `known`; unknown keys are reported with a suggestion.
    pub fn object<'a>(
        &mut self,
        v: Val<'a>,
        path: &dyn PathLike,
        known: &[&str],
    ) -> Option<Val<'a>> {
        if !v.is_object() {
            self.wrong_type("an object", v, path);
            return None;
        }
        for (key, _) in v.entries() {
            if !known.contains(&key) {
                let help = did_you_mean(key, known.iter().copied())
                    .or_else(|| Some(format!("expected one of {}", list(known))));
                let mut p = path.path();
                p.push(key.into());
                self.errors.push(
                    Diagnostic::new(Code::UnknownField, format!("unknown field `{key}`"), p)
                        .with_help(help),
                );
            }
        }
        Some(v)
    }

    /// An object with free-form keys (ids), each value read by the caller.
    pub fn map<'a>(&mut self, v: Val<'a>, path: &dyn PathLike) -> Option<Val<'a>> {
        if v.is_object() {
            Some(v)
        } else {
            self.wrong_type("an object", v, path);
            None
        }
    }

    /// An array.
    pub fn array<'a>(&mut self, v: Val<'a>, path: &dyn PathLike) -> Option<Val<'a>> {
        if v.kind() == Kind::Array {
            Some(v)
        } else {
            self.wrong_type("an array", v, path);
            None
        }
    }

    /// A field that must be present; its absence is reported as `missing_field` at `path`.
    pub fn required<'a>(&mut self, o: Val<'a>, key: &str, path: &dyn PathLike) -> Option<Val<'a>> {
        let v = o.get(key);
        if v.is_none() {
            self.error(Code::MissingField, format!("missing field `{key}`"), path);
        }
        v
    }

    /// A string (not one of the boundary's markers).
    pub fn str<'a>(&mut self, v: Val<'a>, path: &dyn PathLike) -> Option<&'a str> {
        let s = v.as_text();
        if s.is_none() {
            self.wrong_type("a string", v, path);
        }
        s
    }

    /// A string, owned.
    pub fn string(&mut self, v: Val<'_>, path: &dyn PathLike) -> Option<String> {
        self.str(v, path).map(str::to_owned)
    }

    /// A non-empty string of at most `max` characters.
    pub fn text(&mut self, v: Val<'_>, path: &dyn PathLike, max: usize) -> Option<String> {
        let s = self.str(v, path)?;
        if s.trim().is_empty() {
            self.error(Code::EmptyString, "must not be empty", path);
            return None;
        }
        if s.chars().count() > max {
            self.error(
                Code::TooLong,
                format!("must be at most {max} characters"),
                path,
            );
            return None;
        }
        Some(s.to_owned())
    }

    /// A boolean.
    pub fn bool(&mut self, v: Val<'_>, path: &dyn PathLike) -> Option<bool> {
        let b = v.as_bool();
        if b.is_none() {
            self.wrong_type("a boolean", v, path);
        }
        b
    }

    /// A finite number that is at least zero.
    pub fn non_negative(&mut self, v: Val<'_>, path: &dyn PathLike) -> Option<f64> {
        let n = self.number(v, path)?;
        if n < 0.0 {
            self.error(
                Code::NegativeValue,
                format!("must not be negative, found `{}`", super::num::js(n)),
                path,
            );
            return None;
        }
        Some(n)
    }

    /// A finite number.
    pub fn number(&mut self, v: Val<'_>, path: &dyn PathLike) -> Option<f64> {
        let n = v.as_f64().filter(|n| n.is_finite());
        if n.is_none() {
            self.wrong_type("a number", v, path);
        }
        n
    }

    /// An identifier: 1–64 characters of letters, digits, `_` and `-`, starting with a letter.
    /// With `strict`, `-` is not allowed either (ids used as path segments in rules).
    pub fn id(&mut self, v: Val<'_>, path: &dyn PathLike, strict: bool) -> Option<String> {
        let s = self.str(v, path)?;
        if valid_id(s, strict) {
            Some(s.to_owned())
        } else {
            self.id_error(s, path, strict);
            None
        }
    }

    /// Records an invalid id.
    pub fn id_error(&mut self, s: &str, path: &dyn PathLike, strict: bool) {
        let allowed = if strict {
            "letters, digits and `_`"
        } else {
            "letters, digits, `_` and `-`"
        };
        self.error(
            Code::InvalidId,
            format!("`{s}` is not a valid id: use 1 to 64 {allowed}, starting with a letter"),
            path,
        );
    }
}

/// The code and message of "expected X, found Y" (`not_finite` for the boundary's markers of
/// `NaN`, `Infinity` and `BigInt`).
pub fn wrong_type_message(expected: &str, v: Val<'_>) -> (Code, String) {
    if let Some(s) = v.as_str() {
        if let Some(rest) = s.strip_prefix(NON_FINITE_PREFIX) {
            return (
                Code::NotFinite,
                format!("expected {expected}, found `{rest}`"),
            );
        }
        if let Some(rest) = s.strip_prefix(UNSUPPORTED_PREFIX) {
            return (
                Code::InvalidType,
                format!("expected {expected}, found {rest}"),
            );
        }
    }
    (
        Code::InvalidType,
        format!("expected {expected}, found {}", v.kind_name()),
    )
}

/// Whether `s` is a valid id (see [`Reader::id`]).
pub fn valid_id(s: &str, strict: bool) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (!strict && c == '-'))
}

/// "`a`, `b` or `c`"; past [`LIST_MAX`] items, "`a`, `b`, … or 98 more", so a message stays
/// short whatever the config holds.
pub fn list(items: &[&str]) -> String {
    let mut out = String::new();
    let n = items.len();
    let shown = if n > LIST_MAX { LIST_MAX - 1 } else { n };
    for (i, s) in items.iter().take(shown).enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == n { " or " } else { ", " });
        }
        out.push('`');
        out.push_str(s);
        out.push('`');
    }
    if shown < n {
        out.push_str(" or ");
        super::num::push_int(&mut out, (n - shown) as i64);
        out.push_str(" more");
    }
    out
}

/// The most items [`list`] names.
pub const LIST_MAX: usize = 24;
