//! Writes what is generated from the vocabulary (`src/base/vocab.rs`): the TypeScript unions
//! (`ts/vocabulary.d.ts`), the enum arrays of the JSON Schemas (`schema/config.schema.json` and
//! `schema/events.schema.json`, at each `"$comment": "enum: <Union>"`) and the code index
//! (`docs/codes.md`).
//!
//! Run `cargo run --example vocabulary` after changing a closed set; `tests/vocabulary.rs`
//! fails while a generated file differs from what this writes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use upgrade_prompts::base::vocab::{sets, Set};

/// The command that regenerates the files.
pub const COMMAND: &str = "cargo run --example vocabulary";

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every generated file: its path from the root and the text it must hold, given the current
/// text of files that are only partly generated.
pub fn outputs(root: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let schema_path = root.join("schema/config.schema.json");
    let schema = std::fs::read_to_string(&schema_path)
        .map_err(|e| format!("cannot read {}: {e}", schema_path.display()))?;
    let events_path = root.join("schema/events.schema.json");
    let events = std::fs::read_to_string(&events_path)
        .map_err(|e| format!("cannot read {}: {e}", events_path.display()))?;
    Ok(vec![
        ("ts/vocabulary.d.ts", typescript()),
        ("schema/config.schema.json", schema_enums(&schema)?),
        ("schema/events.schema.json", schema_enums(&events)?),
        ("docs/codes.md", codes_md()),
    ])
}

fn header(out: &mut String, comment: &str) {
    let _ = writeln!(
        out,
        "{comment} Generated from src/base/vocab.rs by `{COMMAND}`; do not edit by hand."
    );
}

/// The TypeScript unions, one per closed set.
pub fn typescript() -> String {
    let mut out = String::new();
    header(&mut out, "//");
    for set in sets() {
        out.push('\n');
        let _ = writeln!(out, "/** {} */", doc_line(&set));
        let _ = writeln!(out, "export type {} =", set.ts);
        for w in &set.words {
            let _ = writeln!(out, "  /** {} */", escape_comment(w.meaning));
            let _ = writeln!(out, "  | {}", quote(w.wire));
        }
        if let Some(last) = out.strip_suffix('\n') {
            out = format!("{last};\n");
        }
    }
    out
}

fn doc_line(set: &Set) -> String {
    let mut s = String::new();
    for line in set.doc {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(line.trim());
    }
    escape_comment(&s)
}

fn escape_comment(s: &str) -> String {
    s.replace("*/", "*\\/")
}

fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

/// The schema with each `"$comment": "enum: <Union>"` followed by `"enum": [...]` rewritten
/// from the set of that union (`<Union> + null` adds `null`).
pub fn schema_enums(schema: &str) -> Result<String, String> {
    const MARK: &str = "\"$comment\": \"enum: ";
    let all = sets();
    let mut out = String::with_capacity(schema.len());
    let mut rest = schema;
    while let Some(at) = rest.find(MARK) {
        let (before, after) = rest.split_at(at + MARK.len());
        out.push_str(before);
        let end = after
            .find('"')
            .ok_or("schema: an unterminated `enum:` comment")?;
        let (name, after) = after.split_at(end);
        let (union, null) = match name.strip_suffix(" + null") {
            Some(u) => (u, true),
            None => (name, false),
        };
        let set = all
            .iter()
            .find(|s| s.ts == union)
            .ok_or_else(|| format!("schema: `enum: {name}` names no closed set"))?;
        out.push_str(name);
        let open = after
            .find("\"enum\": [")
            .ok_or_else(|| format!("schema: no `\"enum\": [` after `enum: {name}`"))?;
        let between = after.get(..open).unwrap_or("");
        if !between
            .trim_matches(|c: char| c == '"' || c == ',' || c.is_whitespace())
            .is_empty()
        {
            return Err(format!(
                "schema: `\"enum\"` must follow the `enum: {name}` comment directly"
            ));
        }
        let after = after.get(open..).unwrap_or("");
        let close = after
            .find(']')
            .ok_or_else(|| format!("schema: unterminated enum after `enum: {name}`"))?;
        out.push_str(between);
        out.push_str("\"enum\": [");
        let mut items: Vec<String> = set.words.iter().map(|w| quote(w.wire)).collect();
        if null {
            items.push("null".into());
        }
        out.push_str(&items.join(", "));
        out.push(']');
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// The code index: each diagnostic code with what it means and how to fix it.
pub fn codes_md() -> String {
    let mut out = String::new();
    header(&mut out, "<!--");
    out.truncate(out.trim_end().len());
    out.push_str(" -->\n\n# Diagnostic codes\n\n");
    out.push_str(
        "Every problem the engine, the command-line tools and the framework bindings report is a \
         diagnostic `{ code, message, path, help?, span?, line?, column? }`. The `code` is one of \
         the words below (the TypeScript type `DiagnosticCode`); the message says what was found, \
         and `help`, when present, suggests the fix for that case.\n",
    );
    for set in sets().into_iter().filter(|s| s.ts == "DiagnosticCode") {
        for w in &set.words {
            let _ = write!(
                out,
                "\n## `{}`\n\n{}.\n\n**Fix:** {}.\n",
                w.wire,
                capitalize(w.meaning),
                w.fix
            );
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[allow(dead_code)]
fn main() {
    let root = root();
    let files = match outputs(&root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("vocabulary: {e}");
            std::process::exit(1);
        }
    };
    for (path, text) in files {
        let full = root.join(path);
        let same = std::fs::read_to_string(&full).is_ok_and(|old| old == text);
        if same {
            continue;
        }
        if let Err(e) = std::fs::write(&full, text) {
            eprintln!("vocabulary: cannot write {}: {e}", full.display());
            std::process::exit(1);
        }
        eprintln!("vocabulary: wrote {path}");
    }
}
