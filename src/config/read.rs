//! A JSON walker that checks shapes and collects every problem with its path, instead of
//! stopping at the first one as a derive-based deserializer would.

use serde_json::{Map, Value};

use crate::diag::{did_you_mean, join, Diagnostic, PathSeg};

/// Prefix the JavaScript boundary gives to numbers JSON cannot carry (`NaN`, `Infinity`, and
/// `BigInt` values such as `10n`), so that they are reported instead of silently turning into
/// `null` or losing precision.
pub const NON_FINITE_PREFIX: &str = "\u{0}nonfinite:";

/// Prefix the JavaScript boundary gives to values JSON would silently drop or empty (a `Map`, a
/// `Set`, an invalid `Date`), followed by a description such as `a Map`.
pub const UNSUPPORTED_PREFIX: &str = "\u{0}unsupported:";

/// Collects problems while reading a JSON document.
#[derive(Default)]
pub(crate) struct Reader {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

/// The JSON type name of a value, for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(s) if s.starts_with(NON_FINITE_PREFIX) => "non-finite number",
        Value::String(s) if s.starts_with(UNSUPPORTED_PREFIX) => {
            "JavaScript value JSON cannot carry"
        }
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl Reader {
    pub fn error(&mut self, code: &'static str, message: impl Into<String>, path: &[PathSeg]) {
        self.errors
            .push(Diagnostic::new(code, message, path.to_vec()));
    }

    pub fn error_help(
        &mut self,
        code: &'static str,
        message: impl Into<String>,
        path: &[PathSeg],
        help: Option<String>,
    ) {
        self.errors
            .push(Diagnostic::new(code, message, path.to_vec()).with_help(help));
    }

    pub fn warn(&mut self, code: &'static str, message: impl Into<String>, path: &[PathSeg]) {
        self.warnings
            .push(Diagnostic::new(code, message, path.to_vec()));
    }

    pub fn wrong_type(&mut self, expected: &str, v: &Value, path: &[PathSeg]) {
        if let Value::String(s) = v {
            if let Some(rest) = s.strip_prefix(NON_FINITE_PREFIX) {
                self.error(
                    "not_finite",
                    format!("expected {expected}, found `{rest}`"),
                    path,
                );
                return;
            }
            if let Some(rest) = s.strip_prefix(UNSUPPORTED_PREFIX) {
                self.error(
                    "invalid_type",
                    format!("expected {expected}, found {rest}"),
                    path,
                );
                return;
            }
        }
        self.error(
            "invalid_type",
            format!("expected {expected}, found {}", type_name(v)),
            path,
        );
    }

    /// An object whose keys must all be in `known`; unknown keys are reported with a suggestion.
    pub fn object<'a>(
        &mut self,
        v: &'a Value,
        path: &[PathSeg],
        known: &[&str],
    ) -> Option<&'a Map<String, Value>> {
        let Value::Object(map) = v else {
            self.wrong_type("an object", v, path);
            return None;
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let help = did_you_mean(key, known.iter().copied())
                    .or_else(|| Some(format!("expected one of {}", list(known))));
                self.error_help(
                    "unknown_field",
                    format!("unknown field `{key}`"),
                    &join(path, key.as_str()),
                    help,
                );
            }
        }
        Some(map)
    }

    /// An object with free-form keys (ids), each value read by the caller.
    pub fn map<'a>(&mut self, v: &'a Value, path: &[PathSeg]) -> Option<&'a Map<String, Value>> {
        match v {
            Value::Object(map) => Some(map),
            _ => {
                self.wrong_type("an object", v, path);
                None
            }
        }
    }

    pub fn array<'a>(&mut self, v: &'a Value, path: &[PathSeg]) -> Option<&'a Vec<Value>> {
        match v {
            Value::Array(a) => Some(a),
            _ => {
                self.wrong_type("an array", v, path);
                None
            }
        }
    }

    /// A field that must be present; its absence is reported as `missing_field` at `path`.
    pub fn required<'a>(
        &mut self,
        o: &'a Map<String, Value>,
        key: &str,
        path: &[PathSeg],
    ) -> Option<&'a Value> {
        let v = o.get(key);
        if v.is_none() {
            self.error("missing_field", format!("missing field `{key}`"), path);
        }
        v
    }

    pub fn string(&mut self, v: &Value, path: &[PathSeg]) -> Option<String> {
        match v {
            Value::String(s)
                if !s.starts_with(NON_FINITE_PREFIX) && !s.starts_with(UNSUPPORTED_PREFIX) =>
            {
                Some(s.clone())
            }
            _ => {
                self.wrong_type("a string", v, path);
                None
            }
        }
    }

    /// A non-empty string of at most `max` characters.
    pub fn text(&mut self, v: &Value, path: &[PathSeg], max: usize) -> Option<String> {
        let s = self.string(v, path)?;
        if s.trim().is_empty() {
            self.error("empty_string", "must not be empty", path);
            return None;
        }
        if s.chars().count() > max {
            self.error(
                "too_long",
                format!("must be at most {max} characters"),
                path,
            );
            return None;
        }
        Some(s)
    }

    pub fn bool(&mut self, v: &Value, path: &[PathSeg]) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type("a boolean", v, path);
                None
            }
        }
    }

    /// A finite number that is at least zero.
    pub fn non_negative(&mut self, v: &Value, path: &[PathSeg]) -> Option<f64> {
        let n = self.number(v, path)?;
        if n < 0.0 {
            self.error(
                "negative_value",
                format!("must not be negative, found `{n}`"),
                path,
            );
            return None;
        }
        Some(n)
    }

    pub fn number(&mut self, v: &Value, path: &[PathSeg]) -> Option<f64> {
        match v.as_f64() {
            Some(n) if n.is_finite() => Some(n),
            _ => {
                self.wrong_type("a number", v, path);
                None
            }
        }
    }

    /// An identifier: 1–64 characters of letters, digits, `_` and `-`, starting with a letter.
    /// With `strict`, `-` is not allowed either (ids used as path segments in rules).
    pub fn id(&mut self, v: &Value, path: &[PathSeg], strict: bool) -> Option<String> {
        let s = self.string(v, path)?;
        if valid_id(&s, strict) {
            Some(s)
        } else {
            self.id_error(&s, path, strict);
            None
        }
    }

    pub fn id_error(&mut self, s: &str, path: &[PathSeg], strict: bool) {
        let allowed = if strict {
            "letters, digits and `_`"
        } else {
            "letters, digits, `_` and `-`"
        };
        self.error(
            "invalid_id",
            format!("`{s}` is not a valid id: use 1 to 64 {allowed}, starting with a letter"),
            path,
        );
    }
}

pub(crate) fn valid_id(s: &str, strict: bool) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && s.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (!strict && c == '-'))
}

/// "`a`, `b` or `c`".
pub(crate) fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}
