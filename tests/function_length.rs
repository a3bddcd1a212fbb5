//! No function is longer than [`MAX_LINES`] lines, counted from its signature to its closing
//! brace: Rust `fn`s in `src/` and `cli/src/`, and JavaScript functions (declarations,
//! expressions, methods, arrow functions) in `js/` and the playground (`www/`). Extents come
//! from `tests/scan`, which matches braces outside comments, strings, chars, template
//! literals and regular expressions; its tests below run it over tricky snippets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod scan;

use std::fs;
use std::path::{Path, PathBuf};

use scan::{js_functions, rust_functions, tokens, unbalanced, Function, Lang};

/// The longest a function may be.
const MAX_LINES: usize = 120;

/// The directories scanned, with the extensions read in each.
const SCANNED: &[(&str, &[&str])] = &[
    ("src", &["rs"]),
    ("cli/src", &["rs"]),
    ("js", &["js", "mjs"]),
    ("www", &["js", "mjs"]),
];

fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, exts, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e))
        {
            out.push(path);
        }
    }
}

/// Every function in the scanned files, with its file relative to the crate root.
fn all_functions() -> Vec<(String, Function)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for (dir, exts) in SCANNED {
        let mut found = Vec::new();
        files(&root.join(dir), exts, &mut found);
        found.sort();
        for file in found {
            let text = fs::read_to_string(&file).unwrap();
            let rel = file
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let lang = if rel.ends_with(".rs") {
                Lang::Rust
            } else {
                Lang::Js
            };
            // A misread text (a regex taken for a division, say) would not balance.
            if let Some(line) = unbalanced(&tokens(&text, lang)) {
                panic!("{rel}:{line}: brackets do not balance as scanned");
            }
            let fns = match lang {
                Lang::Rust => rust_functions(&text),
                Lang::Js => js_functions(&text),
            };
            out.extend(fns.into_iter().map(|f| (rel.clone(), f)));
        }
    }
    out
}

#[test]
fn no_function_is_longer_than_the_limit() {
    let all = all_functions();
    assert!(all.len() > 500, "only {} functions found", all.len());
    let mut problems = Vec::new();
    for (file, f) in &all {
        if f.lines() <= MAX_LINES {
            continue;
        }
        problems.push(format!(
            "{file}:{}: `{}` is {} lines (at most {MAX_LINES})",
            f.start,
            f.name,
            f.lines()
        ));
    }
    let mut longest: Vec<&(String, Function)> = all.iter().collect();
    longest.sort_by_key(|(_, f)| std::cmp::Reverse(f.lines()));
    println!("the longest functions:");
    for (file, f) in longest.iter().take(12) {
        println!("{:>5} lines  {file}:{} `{}`", f.lines(), f.start, f.name);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Name and line count of every function found, in order.
fn shape(fns: &[Function]) -> Vec<(&str, usize, usize)> {
    fns.iter()
        .map(|f| (f.name.as_str(), f.start, f.lines()))
        .collect()
}

#[test]
fn rust_extents_skip_braces_in_literals_and_comments() {
    let text = r####"
fn one() {
    let a = "}"; let b = '}'; let c = b'{';
    let r = r#"}" {"#; // }
    /* } /* nested } */ { */
    let l: &'static str = "x";
}
fn two<'a>(f: fn(u8) -> u8, x: &'a str) -> impl Fn() -> u8 + 'a
where
    'a: 'a,
{
    let s = "\"}";
    let e = '\'';
    let u = '\u{7D}';
    f(1)
}
trait T {
    fn declared(&self);
    fn defaulted(&self) {}
}
"####;
    assert_eq!(
        shape(&rust_functions(text)),
        [("one", 2, 6), ("two", 8, 9), ("defaulted", 19, 1)]
    );
}

#[test]
fn js_extents_skip_braces_in_literals_comments_and_regexes() {
    let text = r#"
function plain(a) {
  const s = "}" + '{' + `}${ { a: "}" }.a }{`;
  const r = /[/}]\}/g.test(s) ? a / 2 / 1 : 0; // }
  /* { */
  return r;
}
export const arrow = async (x,
    y) => {
  return x.map((v) => `${v}`);
};
class Shape {
  static make() {
    return new Shape();
  }
  get area() { return 1; }
}
const obj = {
  method(a) {
    if (a) { return /{/; }
  },
  prop: function () {
    return 1;
  },
};
const short = (a) => a + 1;
const long = (a) =>
  a +
  2;
let next = 1;
"#;
    assert_eq!(
        shape(&js_functions(text)),
        [
            ("plain", 2, 6),
            ("arrow", 8, 4),
            ("<anonymous>", 10, 1),
            ("make", 13, 3),
            ("area", 16, 1),
            ("method", 19, 3),
            ("prop", 22, 3),
            ("short", 26, 1),
            ("long", 27, 3),
        ]
    );
}

#[test]
fn a_class_is_not_a_function_but_its_methods_are() {
    let text = "class A extends B {\n  constructor() {\n    super();\n  }\n}\n";
    assert_eq!(shape(&js_functions(text)), [("constructor", 2, 3)]);
}

#[test]
fn a_misread_text_does_not_balance() {
    assert_eq!(unbalanced(&tokens("f(a, [b]) { g() }", Lang::Js)), None);
    // Read as a division, the regex's `(` would stay open.
    assert_eq!(unbalanced(&tokens("x = a\n/(/.test(s)", Lang::Js)), Some(2));
    assert_eq!(unbalanced(&tokens("fn f() { (] }", Lang::Rust)), Some(1));
}

#[test]
fn control_blocks_are_not_functions() {
    let text =
        "if (a) {\n}\nfor (const x of y) {\n}\nwhile (z) {}\ntry {} catch (e) {}\nswitch (k) {}\n";
    assert!(js_functions(text).is_empty());
}
