//! The compiled form: a small tree of typed operations with paths already resolved to slots and
//! host-function ids to numbers. Nothing here refers to the surface syntax except the spans kept
//! for tracing, so another front-end (JSON conditions, say) can lower to the same operations.

use std::rc::Rc;

use super::{HostFn, Slot, SlotTable, Span, Value};
use crate::base::out::{Out, ToJson};

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

impl Op {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
            Op::Rem => "%",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "in",
        }
    }

    pub(crate) fn is_arith(self) -> bool {
        matches!(self, Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Rem)
    }
}

/// A string or list predicate taking the receiver and one argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    StartsWith,
    EndsWith,
    Contains,
}

impl Method {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Method::StartsWith => "startsWith",
            Method::EndsWith => "endsWith",
            Method::Contains => "contains",
        }
    }
}

/// One operation. Nodes that produce a trace step carry the span of their source text.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    Const(Value),
    /// Reads `Program::slots[index]`.
    Load(u32),
    List(Vec<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    Arith(Op, Box<Node>, Box<Node>),
    /// A comparison or `in` (traced).
    Cmp(Op, Box<Node>, Box<Node>, Span),
    /// A comparison or `in` of a loaded value (`Program::slots[index]`, and its shared id once
    /// [`Program::share_slots`] has run) with a constant (traced like [`Node::Cmp`]).
    Probe(Op, u32, u32, Value, Span),
    /// Short-circuit conjunction (`false`) or disjunction (`true`) of any number of operands.
    Logic(bool, Vec<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
    /// Length of a string (in characters) or list.
    Size(Box<Node>),
    /// A predicate call on a receiver (traced).
    Call(Method, Box<Node>, Box<Node>, Span),
    /// A host function call (traced).
    Host(HostFn, u32, Span),
    /// A value used directly as a condition, such as a boolean path (traced).
    Test(Box<Node>, Span),
}

/// A compiled expression: immutable, cheap to evaluate, never panics.
#[derive(Clone, Debug)]
pub struct Program {
    src: Rc<str>,
    pub(crate) root: Node,
    pub(crate) slots: Vec<Slot>,
    /// Shared slot ids (see [`SlotTable`]), one per entry of `slots`; empty until
    /// [`Program::share_slots`] runs, when each slot's id is its index.
    pub(crate) ids: Vec<u32>,
    boolean: bool,
}

/// Writes the shared slot id into every probe of the tree.
fn share_probes(node: &mut Node, ids: &[u32]) {
    match node {
        Node::Probe(_, local, shared, _, _) => {
            *shared = ids.get(*local as usize).copied().unwrap_or(*local);
        }
        Node::List(items) | Node::Logic(_, items) => {
            for n in items {
                share_probes(n, ids);
            }
        }
        Node::Not(x) | Node::Neg(x) | Node::Size(x) | Node::Test(x, _) => share_probes(x, ids),
        Node::Arith(_, a, b) | Node::Cmp(_, a, b, _) | Node::Call(_, a, b, _) => {
            share_probes(a, ids);
            share_probes(b, ids);
        }
        Node::Cond(c, t, f) => {
            share_probes(c, ids);
            share_probes(t, ids);
            share_probes(f, ids);
        }
        Node::Const(_) | Node::Load(_) | Node::Host(..) => {}
    }
}

/// One evaluated condition of a traced evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStep {
    /// The source text of the condition, such as `usage.seats.ratio >= 0.8`.
    pub expr: String,
    /// The condition with its operands evaluated, such as `0.45 >= 0.8`.
    pub actual: String,
    /// The outcome: `true`, `false` or `missing`.
    pub result: String,
    /// Whether the step was decided by a missing value (or a value of the wrong type at run
    /// time) rather than by the data.
    pub missing: bool,
}

impl ToJson for TraceStep {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("expr", &self.expr)
            .field("actual", &self.actual)
            .field("result", &self.result)
            .field("missing", &self.missing)
            .end();
    }
}

impl Program {
    pub(crate) fn new(src: &str, root: Node, slots: Vec<Slot>, boolean: bool) -> Self {
        // Until `share_slots` runs, a slot's shared id is its own index (see `Eval::load`).
        Program {
            src: src.into(),
            root,
            slots,
            ids: Vec::new(),
            boolean,
        }
    }

    /// Gives every slot the program reads its id in `table`, shared by all programs of a
    /// catalog, so an environment can compute each value once per context and hand it out by
    /// reference (see [`Env::load`](super::Env::load)).
    pub fn share_slots(&mut self, table: &mut SlotTable) {
        self.ids = self.slots.iter().map(|s| table.intern(s)).collect();
        share_probes(&mut self.root, &self.ids);
    }

    /// Whether the program is a condition (a value that is not a boolean reads as missing).
    pub(crate) fn boolean(&self) -> bool {
        self.boolean
    }

    /// The source text the program was compiled from.
    pub fn source(&self) -> &str {
        &self.src
    }

    /// Every distinct slot the program reads, in order of first appearance.
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The source text of `span`.
    pub(crate) fn text(&self, span: Span) -> String {
        let len = span.end.saturating_sub(span.start) as usize;
        self.src
            .chars()
            .skip(span.start as usize)
            .take(len)
            .collect()
    }

    pub(crate) fn finish(&self, v: Value) -> Value {
        match v {
            Value::Bool(_) => v,
            _ if self.boolean => Value::Missing,
            _ => v,
        }
    }
}
