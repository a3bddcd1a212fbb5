//! JSON text output. Results leave the engine as one JSON string (the JavaScript side parses it
//! once), written by hand through [`ToJson`] so that no serializer framework is compiled in and
//! native and wasm builds produce the same bytes.

use super::num::write_js;

/// A value that can write itself as JSON.
pub trait ToJson {
    /// Appends the JSON text of `self`.
    fn write(&self, out: &mut Out);
}

/// A JSON text being written.
#[derive(Default)]
pub struct Out {
    buf: String,
}

impl Out {
    /// An empty output.
    pub fn new() -> Self {
        Out::default()
    }

    /// The text written.
    pub fn finish(self) -> String {
        self.buf
    }

    /// Writes `null`.
    pub fn null(&mut self) {
        self.buf.push_str("null");
    }

    /// Writes a string with the escapes `JSON.stringify` uses. Bytes are scanned, not
    /// characters: every byte that needs an escape is ASCII, so runs between them are copied
    /// whole.
    pub fn str(&mut self, s: &str) {
        let out = &mut self.buf;
        out.reserve(s.len() + 2);
        out.push('"');
        let bytes = s.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b >= 0x20 && b != b'"' && b != b'\\' {
                continue;
            }
            out.push_str(s.get(start..i).unwrap_or(""));
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(char::from(*HEX.get(usize::from(b >> 4)).unwrap_or(&b'0')));
                    out.push(char::from(*HEX.get(usize::from(b & 15)).unwrap_or(&b'0')));
                }
            }
            start = i + 1;
        }
        out.push_str(s.get(start..).unwrap_or(""));
        out.push('"');
    }

    /// Writes the string `a` followed by `b`, escaped as one.
    pub fn str_parts(&mut self, a: &str, b: &str) {
        if a.is_empty() {
            self.str(b);
            return;
        }
        self.str(a);
        self.buf.pop();
        let at = self.buf.len();
        self.str(b);
        // Drop the second opening quote.
        self.buf.remove(at);
    }

    /// Writes text that is already JSON (a literal escaped earlier).
    pub fn raw(&mut self, json: &str) {
        self.buf.push_str(json);
    }

    /// Writes the items `each` writes; `each` may skip an item by writing nothing and
    /// returning `false`.
    pub fn list_some<T>(&mut self, items: &[T], mut each: impl FnMut(&T, &mut Out) -> bool) {
        self.buf.push('[');
        let mut first = true;
        for item in items {
            let mark = self.buf.len();
            if !first {
                self.buf.push(',');
            }
            if each(item, self) {
                first = false;
            } else {
                self.buf.truncate(mark);
            }
        }
        self.buf.push(']');
    }

    /// Writes a number as JavaScript writes it; a non-finite one as `null`.
    pub fn num(&mut self, n: f64) {
        write_js(&mut self.buf, n);
    }

    /// Writes `true` or `false`.
    pub fn bool(&mut self, b: bool) {
        self.buf.push_str(if b { "true" } else { "false" });
    }

    /// Starts an object; write its fields and call [`Obj::end`].
    pub fn obj(&mut self) -> Obj<'_> {
        self.buf.push('{');
        Obj {
            out: self,
            first: true,
        }
    }

    /// Writes an array of the items.
    pub fn list<T: ToJson>(&mut self, items: &[T]) {
        self.buf.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            item.write(self);
        }
        self.buf.push(']');
    }
}

/// An object being written.
pub struct Obj<'a> {
    out: &'a mut Out,
    first: bool,
}

impl Obj<'_> {
    /// Writes a key the code spells out (a literal that needs no escape) and returns the
    /// output for its value.
    pub fn key(&mut self, k: &'static str) -> &mut Out {
        let buf = &mut self.out.buf;
        buf.push_str(if self.first { "\"" } else { ",\"" });
        self.first = false;
        buf.push_str(k);
        buf.push_str("\":");
        self.out
    }

    /// Writes a key that comes from data (escaped) and returns the output for its value.
    pub fn key_text(&mut self, k: &str) -> &mut Out {
        if !self.first {
            self.out.buf.push(',');
        }
        self.first = false;
        self.out.str(k);
        self.out.buf.push(':');
        self.out
    }

    /// Writes one field.
    pub fn field<T: ToJson + ?Sized>(&mut self, k: &'static str, v: &T) -> &mut Self {
        v.write(self.key(k));
        self
    }

    /// Writes one field unless the value is `None`.
    pub fn some<T: ToJson>(&mut self, k: &'static str, v: &Option<T>) -> &mut Self {
        if let Some(v) = v {
            v.write(self.key(k));
        }
        self
    }

    /// Closes the object.
    pub fn end(&mut self) {
        self.out.buf.push('}');
    }
}

impl ToJson for str {
    fn write(&self, out: &mut Out) {
        out.str(self);
    }
}

impl ToJson for String {
    fn write(&self, out: &mut Out) {
        out.str(self);
    }
}

impl ToJson for &str {
    fn write(&self, out: &mut Out) {
        out.str(self);
    }
}

impl ToJson for f64 {
    fn write(&self, out: &mut Out) {
        out.num(*self);
    }
}

impl ToJson for u32 {
    fn write(&self, out: &mut Out) {
        out.num(f64::from(*self));
    }
}

impl ToJson for u64 {
    fn write(&self, out: &mut Out) {
        out.num(*self as f64);
    }
}

impl ToJson for usize {
    fn write(&self, out: &mut Out) {
        out.num(*self as f64);
    }
}

impl ToJson for bool {
    fn write(&self, out: &mut Out) {
        out.bool(*self);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write(&self, out: &mut Out) {
        match self {
            Some(v) => v.write(out),
            None => out.null(),
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write(&self, out: &mut Out) {
        out.list(self);
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write(&self, out: &mut Out) {
        out.list(self);
    }
}

/// The JSON text of a value.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    to_json_with(|out| value.write(out))
}

/// The JSON text `write` writes.
pub fn to_json_with(write: impl FnOnce(&mut Out)) -> String {
    let mut out = Out::new();
    write(&mut out);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_json_stringify() {
        assert_eq!(to_json("a\"b\\c\nd\u{1}é"), r#""a\"b\\c\nd\u0001é""#);
        let mut o = Out::new();
        o.obj()
            .field("n", &1.5)
            .some("skip", &None::<f64>)
            .field("v", &vec![true, false])
            .end();
        assert_eq!(o.finish(), r#"{"n":1.5,"v":[true,false]}"#);
    }
}
