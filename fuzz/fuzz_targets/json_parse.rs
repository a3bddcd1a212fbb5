//! Fuzzes the JSON reader: arbitrary text is either refused with a position inside the text or
//! read into values that can all be walked; nothing panics, nesting cannot overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::base::json::{Doc, Kind, Val};

fn walk(v: Val<'_>, depth: usize) -> usize {
    let mut n = 1;
    match v.kind() {
        Kind::Object => {
            for (_, x) in v.entries() {
                n += walk(x, depth + 1);
            }
        }
        Kind::Array => {
            for x in v.items() {
                n += walk(x, depth + 1);
            }
        }
        Kind::Number => assert!(v.as_f64().is_some_and(f64::is_finite)),
        Kind::String => assert!(v.as_str().is_some()),
        _ => {}
    }
    n
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Doc::parse(text.to_owned(), true) {
        Ok(doc) => {
            if let Some(root) = doc.root() {
                walk(root, 0);
            }
        }
        Err(e) => assert!(e.offset <= text.len() && e.line >= 1 && e.column >= 1),
    }
});
