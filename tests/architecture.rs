//! The crate's layers only point down. Every file under `src/` belongs to the layer of its
//! top-level module; a file may use its own layer and the layers below it, never one above.
//! The list below is the one declaration of the order (bottom first); `src/lib.rs` declares
//! the modules in the same order.
//!
//! Below the layers, files do not go round in circles either: the file-level import graph of
//! `src/`, files of one layer included, has no cycle (see `no_two_files_import_each_other`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use scan::{matching, tokens, Kind, Lang, Token};

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

// ---------------------------------------------------------------------------------------------
// No circle between files: the file-level import graph of `src/` has no cycle.
//
// A file depends on every file whose items it names: `use` lines and inline paths, through
// `crate::`, `super::`, `self::` or a child module's name. A `mod child;` declaration is not a
// dependency (it is where the child lives, not a use of it). A re-export (`pub use x::Y;`) is
// a name passed through, so naming `Y` through the re-exporting module depends on the file
// that defines `Y`; the re-exporting file itself depends on `x` only when its own code uses
// `Y` too.

/// A module path from the crate root: `["catalog", "model"]`; the root is empty.
type ModPath = Vec<String>;

/// The module a file defines: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`, `src/lib.rs` the
/// root.
fn module_of(rel: &str) -> ModPath {
    let stem = rel.trim_start_matches("src/").trim_end_matches(".rs");
    let mut segs: ModPath = stem.split('/').map(str::to_string).collect();
    if segs.last().is_some_and(|s| s == "mod" || s == "lib") {
        segs.pop();
    }
    segs
}

/// One path named in a file: its segments as written, the module it is written in, its line,
/// and, for a `use`, whether the `use` is `pub` and the name it binds.
#[derive(Debug, Clone)]
struct Named {
    segs: Vec<String>,
    scope: ModPath,
    line: usize,
    public_use: bool,
    binds: Option<String>,
}

/// Reads a use tree (or a plain path) from token `i` under `prefix`; pushes each leaf path
/// with the name it binds (its alias or last segment), and returns the index after it.
fn use_tree(
    toks: &[Token],
    mut i: usize,
    prefix: Vec<String>,
    out: &mut Vec<(Vec<String>, Option<String>)>,
) -> usize {
    let mut segs = prefix;
    while let Some(t) = toks.get(i) {
        if t.kind == Kind::Ident {
            if t.text != "self" || segs.is_empty() {
                segs.push(t.text.clone());
            }
            i += 1;
            if toks.get(i).is_some_and(|n| n.is("::")) {
                i += 1;
                continue;
            }
            let mut binds = segs.last().cloned();
            if toks.get(i).is_some_and(|n| n.is_word("as")) {
                binds = toks.get(i + 1).map(|a| a.text.clone());
                i += 2;
            }
            out.push((segs, binds));
            return i;
        }
        if t.is("{") {
            i += 1;
            while let Some(n) = toks.get(i) {
                if n.is("}") {
                    return i + 1;
                }
                if n.is(",") {
                    i += 1;
                    continue;
                }
                let before = i;
                i = use_tree(toks, i, segs.clone(), out);
                if i == before {
                    i += 1;
                }
            }
            return i;
        }
        if t.is("*") {
            out.push((segs, None));
            return i + 1;
        }
        break;
    }
    out.push((segs, None));
    i
}

/// Every path a Rust file names that may lead into the crate, with the module it is written
/// in (inline `mod name { … }` blocks nest inside the file's module).
fn named_paths(text: &str, file_module: &ModPath) -> Vec<Named> {
    let toks = tokens(text, Lang::Rust);
    let pairs = matching(&toks);
    // Inline modules: (open brace, close brace, name).
    let mut inline: Vec<(usize, usize, String)> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.is_word("mod") && toks.get(i + 2).is_some_and(|b| b.is("{")) {
            if let (Some(name), Some(close)) = (toks.get(i + 1), pairs[i + 2]) {
                inline.push((i + 2, close, name.text.clone()));
            }
        }
    }
    let scope_at = |i: usize| -> ModPath {
        let mut s = file_module.clone();
        for (open, close, name) in &inline {
            if *open < i && i < *close {
                s.push(name.clone());
            }
        }
        s
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let starts_path = t.kind == Kind::Ident
            && toks.get(i + 1).is_some_and(|n| n.is("::"))
            && !(i > 0 && toks[i - 1].is("::"));
        let in_use = i > 0 && toks[i - 1].is_word("use");
        if !(starts_path || (in_use && t.kind == Kind::Ident)) {
            i += 1;
            continue;
        }
        let public_use = in_use
            && i >= 2
            && (toks[i - 2].is_word("pub")
                || (toks[i - 2].is(")") && i >= 5 && toks[i - 5].is_word("pub")));
        let mut leaves = Vec::new();
        let next = use_tree(&toks, i, Vec::new(), &mut leaves);
        for (segs, binds) in leaves {
            out.push(Named {
                segs,
                scope: scope_at(i),
                line: t.line,
                public_use,
                binds: if in_use { binds } else { None },
            });
        }
        i = next.max(i + 1);
    }
    out
}

/// The source files of the crate, by module, and the modules declared inline in them.
struct Crate {
    files: BTreeMap<ModPath, String>,
    named: BTreeMap<String, Vec<Named>>,
    /// Per file, the names its `pub use` lines pass through, and the absolute path of each.
    reexports: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Per file, how often each name occurs in it.
    words: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Crate {
    /// The absolute segments a path names, or `None` when it leads outside the crate.
    fn absolute(&self, n: &Named) -> Option<Vec<String>> {
        let first = n.segs.first()?;
        let mut abs = match first.as_str() {
            "crate" => Vec::new(),
            "self" => n.scope.clone(),
            "super" => {
                let mut s = n.scope.clone();
                let mut rest = n.segs.iter().peekable();
                while rest.peek().is_some_and(|s| *s == "super") {
                    rest.next();
                    s.pop();
                }
                s.extend(rest.cloned());
                return Some(s);
            }
            _ => {
                let mut child = n.scope.clone();
                child.push(first.clone());
                // A child module named as is: a file, or an inline module in one.
                let known =
                    self.files.keys().any(|m| m.starts_with(&child)) || self.inline_module(&child);
                if !known {
                    return None;
                }
                n.scope.clone()
            }
        };
        let skip = usize::from(matches!(first.as_str(), "crate" | "self"));
        abs.extend(n.segs.iter().skip(skip).cloned());
        Some(abs)
    }

    fn inline_module(&self, m: &ModPath) -> bool {
        self.named.values().flatten().any(|n| n.scope == *m)
    }

    /// The file that defines what `abs` names: the deepest file module it is in, following
    /// re-exports to the file they come from.
    fn file_of(&self, abs: &[String], hops: usize) -> Option<String> {
        let (len, file) = (0..=abs.len())
            .rev()
            .find_map(|k| self.files.get(&abs[..k]).map(|f| (k, f.clone())))?;
        if hops < 8 {
            if let Some(item) = abs.get(len) {
                if let Some(target) = self.reexports.get(&file).and_then(|r| r.get(item)) {
                    let mut through = target.clone();
                    through.extend(abs[len + 1..].iter().cloned());
                    if through != abs {
                        return self.file_of(&through, hops + 1);
                    }
                }
            }
        }
        Some(file)
    }

    fn load(root: &Path) -> Crate {
        let mut paths = Vec::new();
        rust_files(&root.join("src"), &mut paths);
        paths.sort();
        let mut c = Crate {
            files: BTreeMap::new(),
            named: BTreeMap::new(),
            reexports: BTreeMap::new(),
            words: BTreeMap::new(),
        };
        for path in &paths {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(path).unwrap();
            let module = module_of(&rel);
            let mut words = BTreeMap::new();
            for t in tokens(&text, Lang::Rust) {
                if t.kind == Kind::Ident {
                    *words.entry(t.text).or_insert(0) += 1;
                }
            }
            c.words.insert(rel.clone(), words);
            c.named.insert(rel.clone(), named_paths(&text, &module));
            c.files.insert(module, rel);
        }
        let mut reexports = BTreeMap::new();
        for (file, named) in &c.named {
            let mut r = BTreeMap::new();
            for n in named.iter().filter(|n| n.public_use) {
                if let (Some(name), Some(abs)) = (&n.binds, c.absolute(n)) {
                    r.insert(name.clone(), abs);
                }
            }
            reexports.insert(file.clone(), r);
        }
        c.reexports = reexports;
        c
    }

    /// Whether a `pub use` only passes its name through: the file names it nowhere else.
    fn only_passed_through(&self, file: &str, n: &Named) -> bool {
        let Some(name) = &n.binds else { return false };
        let count = self
            .words
            .get(file)
            .and_then(|w| w.get(name))
            .copied()
            .unwrap_or(0);
        let in_the_use = if n.segs.last() == Some(name) { 1 } else { 2 };
        n.public_use && count <= in_the_use
    }

    /// The file-level import graph: for every file, the files it depends on, with the line of
    /// the first path that makes it so.
    fn graph(&self) -> Graph {
        let mut g = Graph::new();
        for (file, named) in &self.named {
            g.entry(file.clone()).or_default();
            for n in named {
                if self.only_passed_through(file, n) {
                    continue;
                }
                let Some(target) = self.absolute(n).and_then(|abs| self.file_of(&abs, 0)) else {
                    continue;
                };
                if target != *file {
                    g.get_mut(file).unwrap().entry(target).or_insert(n.line);
                }
            }
        }
        g
    }
}

/// Nodes and, per node, its edges with a line number (where the dependency is written).
type Graph = BTreeMap<String, BTreeMap<String, usize>>;

/// The strongly connected components of `g` with more than one node (Tarjan's algorithm):
/// every file in one can reach every other, so each holds at least one cycle.
fn circles(g: &Graph) -> Vec<BTreeSet<String>> {
    struct Walk<'g> {
        g: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<BTreeSet<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.g.get(v).into_iter().flat_map(|e| e.keys()) {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = BTreeSet::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.insert(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.out.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.out
}

/// One cycle inside a component, from its first node back to it, each step with the line
/// that makes it: `a.rs:3 -> b.rs:7 -> a.rs` (the shortest way back, by breadth-first search).
fn one_cycle(g: &Graph, component: &BTreeSet<String>) -> String {
    let start = component.iter().next().unwrap();
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.as_str()]);
    let mut last = None;
    'search: while let Some(v) = queue.pop_front() {
        for w in g[v].keys().filter(|w| component.contains(*w)) {
            if w == start {
                last = Some(v);
                break 'search;
            }
            if !came_from.contains_key(w.as_str()) {
                came_from.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    let mut path = vec![start.as_str()];
    let mut v = last.unwrap();
    while v != start {
        path.push(v);
        v = came_from[v];
    }
    path[1..].reverse();
    path.push(start);
    let mut text = String::new();
    for pair in path.windows(2) {
        text.push_str(&format!("{}:{} -> ", pair[0], g[pair[0]][pair[1]]));
    }
    text.push_str(start);
    text
}

#[test]
fn no_two_files_import_each_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let krate = Crate::load(root);
    let g = krate.graph();
    let edges: usize = g.values().map(BTreeMap::len).sum();
    assert!(
        edges > 150,
        "only {edges} file dependencies found: the scan is broken"
    );
    let mut problems = Vec::new();
    for component in circles(&g) {
        problems.push(format!(
            "files import each other: {} (all of {component:?} reach each other)",
            one_cycle(&g, &component)
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn synthetic(edges: &[(&str, &str)]) -> Graph {
    let mut g = Graph::new();
    for (line, (a, b)) in edges.iter().enumerate() {
        g.entry(a.to_string())
            .or_default()
            .insert(b.to_string(), line + 1);
        g.entry(b.to_string()).or_default();
    }
    g
}

#[test]
fn the_cycle_finder_finds_every_circle_and_only_circles() {
    let g = synthetic(&[
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("c", "d"),
        ("d", "e"),
        ("e", "d"),
        ("e", "f"),
        ("g", "a"),
    ]);
    let components = circles(&g);
    let found: Vec<Vec<&str>> = components
        .iter()
        .map(|c| c.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(found, [vec!["d", "e"], vec!["a", "b", "c"]]);
    let abc: BTreeSet<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    assert_eq!(one_cycle(&g, &abc), "a:1 -> b:2 -> c:3 -> a");
    // A chain and a diamond hold no cycle.
    assert!(circles(&synthetic(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

#[test]
fn the_scan_reads_use_trees_and_inline_paths() {
    let module = vec!["facts".to_string(), "usage".to_string()];
    let text = "use super::{Facts, read::{self, x as y}};\nuse crate::base::*;\n\
                fn f() { crate::expr::compile(); }\nmod tests { use super::*; }\n";
    let named: Vec<(Vec<String>, usize)> = named_paths(text, &module)
        .into_iter()
        .map(|n| (n.segs, n.scope.len()))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        named,
        [
            (s(&["super", "Facts"]), 2),
            (s(&["super", "read"]), 2),
            (s(&["super", "read", "x"]), 2),
            (s(&["crate", "base"]), 2),
            (s(&["crate", "expr", "compile"]), 2),
            (s(&["super"]), 3),
        ]
    );
}

#[test]
fn paths_resolve_to_the_files_that_define_them() {
    let krate = Crate::load(Path::new(env!("CARGO_MANIFEST_DIR")));
    let file = |path: &str| {
        let segs: Vec<String> = path.split("::").map(str::to_string).collect();
        krate.file_of(&segs, 0).unwrap()
    };
    // A module, an item in a file, an item in an inline module.
    assert_eq!(file("decide::gate"), "src/decide/gate.rs");
    assert_eq!(file("decide::gate::check_feature"), "src/decide/gate.rs");
    assert_eq!(file("catalog::schema::tag::USAGE"), "src/catalog/schema.rs");
    // Items named through a re-export belong to the file that defines them.
    assert_eq!(file("catalog::Model"), "src/catalog/model.rs");
    assert_eq!(file("facts::read_str"), "src/facts/read.rs");
    assert_eq!(file("EvalOptions"), "src/decide/recommend.rs");
    // An item a `mod.rs` defines itself belongs to it.
    assert_eq!(file("facts::Facts"), "src/facts/mod.rs");
    let g = krate.graph();
    let deps = |f: &str| g[f].keys().cloned().collect::<Vec<_>>();
    assert!(deps("src/decide/recommend.rs").contains(&"src/decide/gate.rs".to_string()));
    assert!(deps("src/facts/usage.rs").contains(&"src/facts/mod.rs".to_string()));
    // A `mod child;` declaration and a `pub use` that only passes names on are no imports.
    assert!(!deps("src/decide/mod.rs").contains(&"src/decide/recommend.rs".to_string()));
}
