//! The files generated from the vocabulary (`src/base/vocab.rs`) are up to date, and the
//! JavaScript side reports only codes the vocabulary has.

#[allow(dead_code)]
#[path = "../examples/vocabulary.rs"]
mod generate;

use upgrade_prompts::base::vocab::{sets, Code};

#[test]
fn generated_files_match_the_vocabulary() {
    let root = generate::root();
    let outputs = generate::outputs(&root).unwrap_or_else(|e| panic!("{e}"));
    let mut stale = Vec::new();
    for (path, want) in &outputs {
        let have = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        if &have != want {
            let line = have
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
            stale.push(format!("{path} (first difference at line {})", line + 1));
        }
    }
    assert!(
        stale.is_empty(),
        "generated from src/base/vocab.rs and out of date: {}; run `{}` to regenerate",
        stale.join(", "),
        generate::COMMAND
    );
}

#[test]
fn the_schema_marks_every_generated_enum() {
    let root = generate::root();
    let schema = std::fs::read_to_string(root.join("schema/config.schema.json")).unwrap();
    for union in [
        "CalloutKind",
        "Severity",
        "OnboardingPolicy",
        "Period + null",
    ] {
        assert!(
            schema.contains(&format!("\"$comment\": \"enum: {union}\"")),
            "schema/config.schema.json: no generated enum `{union}`"
        );
    }
    // A marker that names no set is refused rather than skipped.
    let bad = "{ \"$comment\": \"enum: NoSuchSet\", \"enum\": [] }";
    assert!(generate::schema_enums(bad).is_err());
    let ok = "{ \"$comment\": \"enum: Severity\", \"enum\": [\"x\"] }";
    assert_eq!(
        generate::schema_enums(ok).unwrap(),
        "{ \"$comment\": \"enum: Severity\", \"enum\": [\"info\", \"warning\", \"blocking\"] }"
    );
}

#[test]
fn every_union_is_in_the_typescript() {
    let ts = generate::typescript();
    for set in sets() {
        assert!(
            ts.contains(&format!("export type {} =", set.ts)),
            "{}",
            set.ts
        );
        for w in &set.words {
            assert!(
                ts.contains(&format!("| \"{}\"", w.wire)),
                "{} {}",
                set.ts,
                w.wire
            );
        }
    }
    let md = generate::codes_md();
    for c in Code::ALL {
        assert!(
            md.contains(&format!("## `{}`", c.as_str())),
            "docs/codes.md: {c}"
        );
    }
}

/// The string literals in code positions of a JavaScript file: `code: "x"`, `code === "x"`,
/// `code !== "x"`, and the first argument of the helpers that make diagnostics.
fn js_codes(text: &str) -> Vec<String> {
    const OPENERS: [&str; 10] = [
        "code: \"",
        "code === \"",
        "code !== \"",
        "fail(\"",
        "problem(\"",
        "failure(\"",
        "diagnostic(\"",
        "warn(\"",
        "hasCode(thrown, \"",
        "error(\"",
    ];
    let mut out = Vec::new();
    for open in OPENERS {
        let mut rest = text;
        while let Some(at) = rest.find(open) {
            let after = &rest[at + open.len()..];
            let end = after.find('"').unwrap_or(0);
            let word = &after[..end];
            if !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                out.push(word.to_owned());
            }
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn javascript_reports_only_vocabulary_codes() {
    let root = generate::root();
    let mut files = Vec::new();
    for dir in ["js", "js/entries", "www/js"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "js" || x == "mjs") {
                files.push(p);
            }
        }
    }
    assert!(
        files.len() > 3,
        "no JavaScript files found under js/ and www/js/"
    );
    let mut unknown = Vec::new();
    let mut seen = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for word in js_codes(&text) {
            seen += 1;
            if Code::parse(&word).is_none() {
                unknown.push(format!("{}: `{word}`", f.display()));
            }
        }
    }
    assert!(
        seen > 20,
        "only {seen} codes found in JavaScript; is the scan broken?"
    );
    assert!(
        unknown.is_empty(),
        "codes used in JavaScript but missing from the vocabulary (add them to `Code` in src/base/vocab.rs): {}",
        unknown.join(", ")
    );
    // The scan itself finds a misspelled code.
    assert_eq!(
        js_codes("return { code: \"unknwon_field\" };"),
        ["unknwon_field"]
    );
}
