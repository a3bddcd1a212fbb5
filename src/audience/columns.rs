//! Tabular input (CSV and Parquet): column headers are context paths (`account.plan`,
//! `usage.seats.used`), and each row becomes one context JSON text.
//!
//! Every column gets a type from the context shape, not from the look of its cells:
//! - **text** (`account.id`, `account.plan`, `user.role`, `page.route`, …): the cell as written,
//!   even when it looks like a number (`007` stays `"007"`);
//! - **number** (`account.healthScore`, `usage.<metric>.used`, `features.<f>.uses30d`, …): the
//!   cell must be a number (`18`, `0.5`, `1e3`); anything else is an `invalid_number` error;
//! - **date** (`now`, `account.createdAt`, `usage.<metric>.periodStart`, …): text, checked by the
//!   engine (`2026-11-24T09:00:00Z`);
//! - **free** (`account.traits.<name>`, `user.traits.<name>`, `signals.<name>`): `true` and
//!   `false` are booleans, a cell that is a JSON number (`120`, `-3.5`, not `007` or `1,000`) is a
//!   number, anything else is text;
//! - **add-ons** (`account.addons`): ids separated by `;`, each optionally `:quantity`
//!   (`reports_plus;api_boost:2`), or a JSON array;
//! - **history** (`usage.<metric>.history`): a JSON array of `{ "at", "value" }`.
//!
//! An empty cell (or a Parquet null) is an absent value.

use crate::base::diag::{did_you_mean, Diagnostic, PathSeg};
use crate::base::json::{Doc, Kind as JsonKind};
use crate::base::out::Out;
use crate::base::vocab::Code;
use crate::base::FastMap;
use crate::catalog::{Kind, Model};

/// How a column's cells become JSON values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    /// A string, as written.
    Text,
    /// A number.
    Number,
    /// A date string (checked by the engine).
    Date,
    /// Booleans, numbers or text, by the look of the cell.
    Free,
    /// The `account.addons` list.
    Addons,
    /// A JSON array (`usage.<metric>.history`).
    JsonArray,
}

impl ColType {
    /// The word for messages.
    pub fn noun(self) -> &'static str {
        match self {
            ColType::Text => "text",
            ColType::Number => "a number",
            ColType::Date => "a date",
            ColType::Free => "text, a number or a boolean",
            ColType::Addons => "a list of add-ons",
            ColType::JsonArray => "a JSON array",
        }
    }
}

/// One input column mapped to a context path.
#[derive(Clone, Debug)]
pub struct Column {
    /// The header as written.
    pub name: String,
    /// Position in the file (0-based).
    pub position: usize,
    /// The context path (`usage.seats` is read as `usage.seats.used`).
    pub path: Vec<String>,
    /// The type of its values.
    pub ty: ColType,
}

impl Column {
    /// The context path as diagnostic steps.
    pub fn diag_path(&self) -> Vec<PathSeg> {
        self.path.iter().map(|s| PathSeg::Key(s.clone())).collect()
    }
}

/// A problem with the header (the whole column), reported once for the file.
#[derive(Clone, Debug)]
pub struct HeaderProblem {
    /// Column position (0-based).
    pub position: usize,
    /// The problem.
    pub diagnostic: Diagnostic,
}

/// The columns of a file that map to context paths, and the problems of those that do not.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Usable columns, in file order.
    pub columns: Vec<Column>,
    /// Columns that are ignored, each with why.
    pub problems: Vec<HeaderProblem>,
    tree: Vec<Node>,
}

/// Output object tree: a key and either a column or children.
#[derive(Clone, Debug)]
struct Node {
    key: String,
    column: Option<usize>,
    children: Vec<Node>,
}

/// A node of the tree while it is built: children by their index in the arena.
#[derive(Default)]
struct Draft {
    key: String,
    column: Option<usize>,
    children: Vec<usize>,
}

/// The children of arena node `at` as nested nodes (paths are at most four keys deep).
fn nest(arena: &mut [Draft], at: usize) -> Vec<Node> {
    let children = arena
        .get_mut(at)
        .map(|d| std::mem::take(&mut d.children))
        .unwrap_or_default();
    children
        .into_iter()
        .map(|i| {
            let (key, column) = arena
                .get_mut(i)
                .map(|d| (std::mem::take(&mut d.key), d.column))
                .unwrap_or_default();
            Node {
                key,
                column,
                children: nest(arena, i),
            }
        })
        .collect()
}

const ACCOUNT_TEXT: &[&str] = &["id", "plan", "lifecycle"];
const ACCOUNT_DATE: &[&str] = &["createdAt", "renewalAt"];
const ACCOUNT_NUMBER: &[&str] = &["healthScore", "openEscalations"];

/// The type of the context path `parts`, with `usage.<m>` normalized to `usage.<m>.used`;
/// `None` when it is not a context path.
fn classify(model: &Model, parts: &[&str]) -> Option<(Vec<String>, ColType)> {
    let own = |p: &[&str]| p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let named = |s: &str| !s.is_empty();
    let ty = match parts {
        ["now"] => ColType::Date,
        ["locale"] => ColType::Text,
        ["account", f] if ACCOUNT_TEXT.contains(f) => ColType::Text,
        ["account", f] if ACCOUNT_DATE.contains(f) => ColType::Date,
        ["account", f] if ACCOUNT_NUMBER.contains(f) => ColType::Number,
        ["account", "addons"] => ColType::Addons,
        ["account", "trials", f] if model.find(Kind::Feature, f).is_some() => ColType::Date,
        ["account", "traits", t] if named(t) => ColType::Free,
        ["user", "id" | "role"] => ColType::Text,
        ["user", "traits", t] if named(t) => ColType::Free,
        ["usage", m] if model.find(Kind::Metric, m).is_some() => {
            return Some((own(&["usage", m, "used"]), ColType::Number))
        }
        ["usage", m, f] if model.find(Kind::Metric, m).is_some() => match *f {
            "used" => ColType::Number,
            "periodStart" | "periodEnd" => ColType::Date,
            "history" => ColType::JsonArray,
            _ => return None,
        },
        ["features", f, "uses30d"] if model.find(Kind::Feature, f).is_some() => ColType::Number,
        ["page", "route" | "feature"] => ColType::Text,
        ["signals", s] if named(s) => ColType::Free,
        _ => return None,
    };
    Some((own(parts), ty))
}

impl Layout {
    /// Maps a header row to context paths. Columns that are not context paths, or that repeat
    /// one, are listed in `problems` and ignored.
    pub fn new<S: AsRef<str>>(model: &Model, headers: &[S]) -> Layout {
        let mut layout = Layout::default();
        let mut known: Option<Vec<String>> = None;
        // The column of each path so far: a repeated path is found without a scan.
        let mut seen: FastMap<Vec<String>, usize> = FastMap::default();
        for (position, header) in headers.iter().enumerate() {
            let name = header.as_ref().trim();
            let parts: Vec<&str> = name.split('.').collect();
            let Some((path, ty)) = classify(model, &parts) else {
                let names = known.get_or_insert_with(|| model.context_paths());
                let (message, help) = if name.is_empty() {
                    (
                        format!("column {} has no name; it is ignored", position + 1),
                        None,
                    )
                } else {
                    (
                        format!("column `{name}` is not a context path; it is ignored"),
                        did_you_mean(name, names.iter().map(String::as_str)).or_else(|| {
                            Some("columns are context paths such as `account.plan` or `usage.seats.used`".to_owned())
                        }),
                    )
                };
                layout.problems.push(HeaderProblem {
                    position,
                    diagnostic: Diagnostic::new(Code::UnknownColumn, message, column_path(name))
                        .with_help(help),
                });
                continue;
            };
            if let Some(first) = seen.get(&path).and_then(|&i| layout.columns.get(i)) {
                layout.problems.push(HeaderProblem {
                    position,
                    diagnostic: Diagnostic::new(
                        Code::DuplicateColumn,
                        format!(
                            "column `{name}` gives `{}` again (first given by `{}`); it is ignored",
                            path.join("."),
                            first.name
                        ),
                        column_path(name),
                    ),
                });
                continue;
            }
            seen.insert(path.clone(), layout.columns.len());
            layout.columns.push(Column {
                name: name.to_owned(),
                position,
                path,
                ty,
            });
        }
        layout.build_tree();
        layout
    }

    /// Builds the output tree in one pass over the columns: each step from a node to a child is
    /// found in a map of `(node, key)`, never by scanning the node's children, so a header of
    /// many columns under one parent (`account.traits.*`) costs linear time.
    fn build_tree(&mut self) {
        // Nodes in an arena first (0 is the root), then nested.
        let mut arena = vec![Draft::default()];
        let mut child: FastMap<(usize, &str), usize> = FastMap::default();
        for (i, c) in self.columns.iter().enumerate() {
            let mut at = 0;
            for key in &c.path {
                at = match child.get(&(at, key.as_str())) {
                    Some(&next) => next,
                    None => {
                        let next = arena.len();
                        arena.push(Draft {
                            key: key.clone(),
                            ..Draft::default()
                        });
                        if let Some(parent) = arena.get_mut(at) {
                            parent.children.push(next);
                        }
                        child.insert((at, key.as_str()), next);
                        next
                    }
                };
            }
            if let Some(leaf) = arena.get_mut(at).filter(|_| at != 0) {
                leaf.column = Some(i);
            }
        }
        self.tree = nest(&mut arena, 0);
    }

    /// Writes the context of one row, asking `cell` to append the JSON value of a column
    /// (returning `Ok(false)` for an absent value).
    ///
    /// # Errors
    /// The first cell that cannot be converted.
    pub fn write_row<E>(
        &self,
        out: &mut Vec<u8>,
        cell: &mut impl FnMut(usize, &Column, &mut Vec<u8>) -> Result<bool, E>,
    ) -> Result<(), E> {
        out.push(b'{');
        write_nodes(&self.tree, &self.columns, out, cell)?;
        out.push(b'}');
        Ok(())
    }
}

/// A one-step path naming a column (for problems that are about the header).
pub fn column_path(name: &str) -> Vec<PathSeg> {
    vec![PathSeg::Key(name.to_owned())]
}

/// Writes the fields of `nodes` (after an opening brace); returns whether any was written.
fn write_nodes<E>(
    nodes: &[Node],
    columns: &[Column],
    out: &mut Vec<u8>,
    cell: &mut impl FnMut(usize, &Column, &mut Vec<u8>) -> Result<bool, E>,
) -> Result<bool, E> {
    let mut any = false;
    for n in nodes {
        let mark = out.len();
        if any {
            out.push(b',');
        }
        write_str(out, &n.key);
        out.push(b':');
        let wrote = match n.column.and_then(|i| columns.get(i).map(|c| (i, c))) {
            Some((i, c)) => cell(i, c, out)?,
            None => {
                out.push(b'{');
                let inner = write_nodes(&n.children, columns, out, cell)?;
                out.push(b'}');
                inner
            }
        };
        if wrote {
            any = true;
        } else {
            out.truncate(mark);
        }
    }
    Ok(any)
}

/// Appends a JSON string.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let mut o = Out::new();
    o.str(s);
    out.extend_from_slice(o.finish().as_bytes());
}

/// Appends a finite number; `false` for NaN or infinity.
pub fn write_f64(out: &mut Vec<u8>, n: f64) -> bool {
    if !n.is_finite() {
        return false;
    }
    if n.fract() == 0.0 && n.abs() < 9e15 {
        out.extend_from_slice((n as i64).to_string().as_bytes());
    } else {
        out.extend_from_slice(n.to_string().as_bytes());
    }
    true
}

/// Whether `s` is a number in JSON syntax (`-0.5`, `12`, `1e3`; not `007`, `+1`, `.5`).
pub fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let at = |i: usize| b.get(i).copied();
    if at(i) == Some(b'-') {
        i += 1;
    }
    match at(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while matches!(at(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        _ => return false,
    }
    if at(i) == Some(b'.') {
        i += 1;
        if !matches!(at(i), Some(b'0'..=b'9')) {
            return false;
        }
        while matches!(at(i), Some(b'0'..=b'9')) {
            i += 1;
        }
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(at(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !matches!(at(i), Some(b'0'..=b'9')) {
            return false;
        }
        while matches!(at(i), Some(b'0'..=b'9')) {
            i += 1;
        }
    }
    i == b.len()
}

/// A cell that cannot be converted: the code and message (the caller adds row and column).
#[derive(Clone, Debug)]
pub struct CellError {
    /// `invalid_number`, `invalid_cell`, `wrong_column_type`.
    pub code: Code,
    /// What is wrong.
    pub message: String,
}

/// Converts the text of a cell (CSV, or a Parquet string column) by the column's type.
///
/// # Errors
/// A number column whose cell is not a number, an add-on list or JSON array that does not
/// parse.
pub fn write_text_cell(ty: ColType, text: &str, out: &mut Vec<u8>) -> Result<bool, CellError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(false);
    }
    match ty {
        ColType::Text | ColType::Date => write_str(out, text),
        ColType::Number => {
            if is_json_number(t) {
                out.extend_from_slice(t.as_bytes());
            } else {
                match t.parse::<f64>() {
                    Ok(n) if write_f64(out, n) => {}
                    _ => {
                        return Err(CellError {
                            code: Code::InvalidNumber,
                            message: format!("`{t}` is not a number"),
                        })
                    }
                }
            }
        }
        ColType::Free => match t {
            "true" | "false" => out.extend_from_slice(t.as_bytes()),
            _ if is_json_number(t) => out.extend_from_slice(t.as_bytes()),
            _ => write_str(out, text),
        },
        ColType::Addons => {
            if t.starts_with('[') {
                return write_json_array(t, out);
            }
            out.push(b'[');
            for (i, item) in t
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .enumerate()
            {
                if i > 0 {
                    out.push(b',');
                }
                match item.split_once(':') {
                    None => write_str(out, item),
                    Some((id, qty)) => {
                        let qty = qty.trim();
                        if !is_json_number(qty) {
                            return Err(CellError {
                                code: Code::InvalidCell,
                                message: format!(
                                    "add-on quantity `{qty}` of `{}` is not a number",
                                    id.trim()
                                ),
                            });
                        }
                        out.extend_from_slice(b"{\"id\":");
                        write_str(out, id.trim());
                        out.extend_from_slice(b",\"quantity\":");
                        out.extend_from_slice(qty.as_bytes());
                        out.push(b'}');
                    }
                }
            }
            out.push(b']');
        }
        ColType::JsonArray => return write_json_array(t, out),
    }
    Ok(true)
}

/// A cell that must hold a JSON array: read by the engine's own JSON reader (repeated keys
/// refused, as in a context) and copied as written.
fn write_json_array(t: &str, out: &mut Vec<u8>) -> Result<bool, CellError> {
    match Doc::parse(t.to_owned(), true) {
        Ok(doc) if doc.root().is_some_and(|v| v.kind() == JsonKind::Array) => {
            out.extend_from_slice(t.trim().as_bytes());
            Ok(true)
        }
        Ok(_) => Err(CellError {
            code: Code::InvalidCell,
            message: "expected a JSON array".to_owned(),
        }),
        Err(e) => Err(CellError {
            code: Code::InvalidCell,
            message: format!(
                "not a JSON array: {} at line {} column {}",
                e.message, e.line, e.column
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers() {
        for ok in ["0", "-0", "12", "1.5", "-3.25", "1e3", "2E-2"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in [
            "", "007", "+1", ".5", "5.", "1,000", "1e", "NaN", "0x10", "- 1",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn typed_cells() {
        let w = |ty, s: &str| {
            let mut out = Vec::new();
            let r = write_text_cell(ty, s, &mut out).map(|wrote| wrote.then_some(out));
            r.map(|o| o.map(|b| String::from_utf8(b).unwrap()))
                .map_err(|e| e.code)
        };
        assert_eq!(w(ColType::Text, "007"), Ok(Some("\"007\"".into())));
        assert_eq!(w(ColType::Free, "007"), Ok(Some("\"007\"".into())));
        assert_eq!(w(ColType::Free, "120"), Ok(Some("120".into())));
        assert_eq!(w(ColType::Free, "true"), Ok(Some("true".into())));
        assert_eq!(w(ColType::Number, "+5"), Ok(Some("5".into())));
        assert_eq!(w(ColType::Number, "lots"), Err(Code::InvalidNumber));
        assert_eq!(w(ColType::Number, ""), Ok(None));
        assert_eq!(
            w(ColType::Addons, "reports_plus; api_boost:2"),
            Ok(Some(
                "[\"reports_plus\",{\"id\":\"api_boost\",\"quantity\":2}]".into()
            ))
        );
        assert_eq!(w(ColType::JsonArray, "{}"), Err(Code::InvalidCell));
    }
}
