//! The rule language: a CEL-compatible expression subset for rule conditions such as
//! `usage.seats.ratio >= 0.8 && account.lifecycle != 'onboarding'`.
//!
//! This module owns the syntax, the typing rules and the evaluation semantics. The pipeline is
//! lexer (characters → tokens with character spans) → parser (tokens → syntax tree, nesting
//! bounded by [`Limits`]) → checker (types against an abstract [`Schema`], paths resolved to
//! [`Slot`]s, host-function ids to numbers) → [`Program`] (an immutable, compact tree of
//! operations that knows nothing of the surface syntax) → evaluation against an [`Env`],
//! optionally traced step by step.
//!
//! Evaluation never fails: a value the context does not provide is [`Value::Missing`], and any
//! comparison, `in` or predicate call that meets it is false.

mod check;
mod compiler;
mod eval;
mod lexer;
mod parser;
mod program;
pub mod stored;
#[doc(hidden)]
pub mod testing;
#[cfg(test)]
mod tests;

pub use crate::base::vocab::Code;
use std::fmt;
use std::rc::Rc;

pub use crate::base::diag::Span;
pub use compiler::{compile, compile_value};
pub use program::{Program, TraceStep};

/// The static type of an expression or of a schema leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// `true` or `false`.
    Bool,
    /// A number (integers and decimals alike).
    Number,
    /// A string.
    String,
    /// A list of values of any type.
    List,
    /// The `null` literal.
    Null,
    /// Unknown until run time, such as the values of `account.traits`; checked when evaluated.
    Dyn,
}

impl Type {
    /// The name used in messages: `bool`, `number`, `string`, `list`, `null` or `dyn`.
    pub fn name(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Number => "number",
            Type::String => "string",
            Type::List => "list",
            Type::Null => "null",
            Type::Dyn => "dyn",
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A run-time value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An optional input the context did not provide, or the result of an operation that could
    /// not be carried out (a division by zero, a type mismatch found at run time).
    Missing,
    /// Known to be null, such as the limit of an unlimited metric.
    Null,
    /// A boolean.
    Bool(bool),
    /// A finite number.
    Number(f64),
    /// A string.
    String(Rc<str>),
    /// A list.
    List(Rc<[Value]>),
}

impl fmt::Display for Value {
    /// Numbers print without a trailing `.0` (`18`), strings in single quotes with `\` and `'`
    /// escaped, lists as `[a, b]`, and `missing` / `null` as words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        match self {
            Value::Missing => f.write_str("missing"),
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            // As JavaScript writes numbers: `18`, `0.95`, `1e+21`; `-0` reads as `0`.
            Value::Number(n) => f.write_str(&crate::base::num::js(*n)),
            Value::String(s) => {
                f.write_char('\'')?;
                for c in s.chars() {
                    match c {
                        '\'' | '\\' => {
                            f.write_char('\\')?;
                            f.write_char(c)?;
                        }
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        _ => f.write_char(c)?,
                    }
                }
                f.write_char('\'')
            }
            Value::List(items) => {
                f.write_char('[')?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_char(']')
            }
        }
    }
}

/// Where a program reads a value: an index the schema chose, plus the map key for dynamic maps
/// (`account.traits.industry` has the slot of `account.traits` and the key `industry`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slot {
    /// Schema-defined index of the leaf (or of the map, for dynamic maps).
    pub id: u32,
    /// The key within a dynamic map.
    pub key: Option<Box<str>>,
}

/// The slots every program of a catalog reads, each with one shared id, so that a value read by
/// many rules is computed once per context.
#[derive(Clone, Debug, Default)]
pub struct SlotTable {
    slots: Vec<Slot>,
    index: crate::base::FastMap<Slot, u32>,
}

impl SlotTable {
    /// The id of `slot`, adding it when new.
    pub fn intern(&mut self, slot: &Slot) -> u32 {
        if let Some(id) = self.index.get(slot) {
            return *id;
        }
        let id = self.slots.len() as u32;
        self.slots.push(slot.clone());
        self.index.insert(slot.clone(), id);
        id
    }

    /// Every slot, by id.
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// How many slots.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no program reads anything.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// A path the schema resolved to a leaf.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// Where the value is read from.
    pub slot: Slot,
    /// Its type ([`Type::Dyn`] when only known at run time).
    pub ty: Type,
    /// Whether the value may be [`Value::Null`]; operations on a nullable leaf are allowed and
    /// evaluate like any other null at run time.
    pub nullable: bool,
}

/// Why the schema could not resolve a path or an id.
#[derive(Clone, Debug, PartialEq)]
pub struct PathError {
    /// Lowercase message without final period, such as "unknown path `usage.seat.ratio`".
    pub message: String,
    /// The full name of the closest valid path or id, shown as "did you mean `...`?".
    pub suggestion: Option<String>,
}

/// A host function whose argument is an id from the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostFn {
    /// `hasFeature('sso')`: the account has the feature (plan, add-on or trial).
    HasFeature,
    /// `hasAddon('reports_plus')`: the account has the add-on.
    HasAddon,
    /// `planAtLeast('team')`: the account's plan ranks at or above the given plan.
    PlanAtLeast,
}

impl HostFn {
    /// The function's name in the rule language, such as `hasFeature`.
    pub fn name(self) -> &'static str {
        match self {
            HostFn::HasFeature => "hasFeature",
            HostFn::HasAddon => "hasAddon",
            HostFn::PlanAtLeast => "planAtLeast",
        }
    }
}

/// The names and types a program may read, consulted once at compile time.
pub trait Schema {
    /// Resolve a dotted path to a leaf slot.
    ///
    /// # Errors
    /// A [`PathError`] for non-leaf or unknown paths.
    fn resolve(&self, path: &[&str]) -> Result<Resolved, PathError>;

    /// Resolve the literal string argument of a host function (`hasFeature('sso')`) to an index.
    ///
    /// # Errors
    /// A [`PathError`] when the id is unknown.
    fn resolve_id(&self, func: HostFn, id: &str) -> Result<u32, PathError>;
}

/// The values a program reads, consulted at every evaluation.
pub trait Env {
    /// The value in `slot`, or [`Value::Missing`] when the context does not provide it.
    fn get(&self, slot: &Slot) -> Value;

    /// The value of the shared slot `id` (see [`SlotTable`]) by reference, when the environment
    /// keeps computed values; `None` makes the program call [`Env::get`].
    fn load(&self, id: u32, slot: &Slot) -> Option<&Value> {
        let _ = (id, slot);
        None
    }

    /// Values of shared slots already computed, by id, read without a call per load; a slot
    /// not yet computed falls back to [`Env::load`]. Numbers in it must be finite.
    fn computed(&self) -> &[std::cell::OnceCell<Value>] {
        &[]
    }

    /// The result of a host function for the id index given by [`Schema::resolve_id`].
    fn call(&self, func: HostFn, id: u32) -> bool;
}

/// Size bounds on an expression, checked before anything else is done with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest accepted source, in characters.
    pub max_len: usize,
    /// Deepest accepted nesting (parentheses, operators, calls, lists). Values above
    /// [`MAX_DEPTH`] are treated as [`MAX_DEPTH`], so the recursive parser, checker and
    /// evaluator stay well within a WebAssembly stack.
    pub max_depth: usize,
}

/// The hard ceiling on [`Limits::max_depth`].
pub const MAX_DEPTH: usize = 100;

impl Default for Limits {
    /// 2000 characters, 32 levels of nesting.
    fn default() -> Self {
        Limits {
            max_len: 2000,
            max_depth: 32,
        }
    }
}

/// A problem in an expression, found at compile time.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprError {
    /// Stable code: `syntax_error`, `unterminated_string`, `invalid_number`, `unknown_path`,
    /// `type_mismatch`, `unknown_function`, `wrong_arity`, `unknown_id`, `not_literal`,
    /// `too_long`, `too_deep` or `not_boolean`.
    pub code: Code,
    /// Lowercase message without final period, user values in backticks.
    pub message: String,
    /// The offending characters (empty at the end of the source for an unexpected end).
    pub span: Span,
    /// A hint, such as "did you mean `usage.seats.ratio`?".
    pub help: Option<String>,
}

impl ExprError {
    pub(crate) fn new(code: Code, message: String, span: Span) -> Self {
        ExprError {
            code,
            message,
            span,
            help: None,
        }
    }

    pub(crate) fn help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

impl crate::base::out::ToJson for ExprError {
    fn write(&self, out: &mut crate::base::out::Out) {
        out.obj()
            .field("code", &self.code)
            .field("message", &self.message)
            .field("span", &self.span)
            .some("help", &self.help)
            .end();
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

pub(crate) use crate::base::diag::quote_help;

/// A character count as a span offset.
pub(crate) fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
