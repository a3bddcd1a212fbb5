//! The crate's layers only point down. Every file under `src/` belongs to the layer of its
//! top-level module; a file may use its own layer and the layers below it, never one above.
//! The list below is the one declaration of the order (bottom first); `src/lib.rs` declares
//! the modules in the same order.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

/// Layers, bottom to top.
const LAYERS: &[&str] = &[
    "base",
    "expr",
    "catalog",
    "facts",
    "decide",
    "render",
    "engine",
    "audience",
    "wasm",
    "wasm_audience",
];

/// Crates only the boundary (`wasm`, `wasm_audience`) may use.
const BOUNDARY_CRATES: &[&str] = &["wasm_bindgen", "js_sys", "web_sys"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a file belongs to: `src/<layer>/…` or `src/<layer>.rs`.
fn layer_of(src: &Path, file: &Path) -> Option<&'static str> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    LAYERS.iter().copied().find(|l| *l == name)
}

fn rank(layer: &str) -> usize {
    LAYERS.iter().position(|l| *l == layer).unwrap()
}

/// Every `crate::<module>` named in the code (use lines and inline paths), with its line.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}` groups: take every name in the braces.
            if name.is_empty() && after.starts_with('{') {
                let inner = &after[1..after.find('}').unwrap_or(after.len())];
                for part in inner.split(',') {
                    let m: String = part
                        .trim()
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !m.is_empty() {
                        out.push((n + 1, m));
                    }
                }
            } else if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn layers_only_point_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        if file.ends_with("lib.rs") {
            continue;
        }
        let Some(own) = layer_of(&src, file) else {
            problems.push(format!("{}: not under a declared layer", file.display()));
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        for (line, module) in crate_refs(&text) {
            checked += 1;
            let Some(target) = LAYERS.iter().copied().find(|l| *l == module) else {
                problems.push(format!(
                    "{}:{line}: `crate::{module}` is not a declared layer",
                    file.display()
                ));
                continue;
            };
            if rank(target) > rank(own) {
                problems.push(format!(
                    "{}:{line}: layer `{own}` imports `{target}`, which is above it",
                    file.display()
                ));
            }
        }
        if !["wasm", "wasm_audience"].contains(&own) {
            for krate in BOUNDARY_CRATES {
                if text.contains(&format!("{krate}::")) {
                    problems.push(format!(
                        "{}: the core uses `{krate}`; only `wasm.rs` and `wasm_audience.rs` may",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} references found: the scan is broken"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn lib_declares_the_layers_in_order() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';'))
        .collect();
    assert_eq!(declared, LAYERS);
}

#[test]
fn the_scan_sees_an_upward_import() {
    let refs = crate_refs("use crate::render::Callout;\nuse crate::{base, decide};\n");
    let names: Vec<&str> = refs.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["render", "base", "decide"]);
}

/// The JavaScript of the boundary lives in `js/` as files, never in Rust strings: no
/// `inline_js` anywhere in the crate, and a wasm-bindgen `module` import names a file in `js/`
/// that exists.
#[test]
fn no_javascript_in_rust_strings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut modules = 0;
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        assert!(
            !text.contains(concat!("inline", "_js")),
            "{}: JavaScript in a Rust string; put it in js/",
            file.display()
        );
        for (at, _) in text.match_indices("module = \"/") {
            let rest = &text[at + "module = \"".len()..];
            let path = &rest[..rest.find('"').unwrap()];
            assert!(
                path.starts_with("/js/"),
                "{}: {path} is not in js/",
                file.display()
            );
            assert!(
                root.join(&path[1..]).is_file(),
                "{}: {path} does not exist",
                file.display()
            );
            modules += 1;
        }
    }
    assert!(
        modules >= 1,
        "the audience bindings import js/json.js: the scan is broken"
    );
}
