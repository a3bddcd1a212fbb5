//! Compiled programs as bytes (see [`crate::base::bytes`]), for catalogs compiled ahead of time:
//! a program read back evaluates and traces exactly as the one written.

use std::rc::Rc;

use super::program::{Method, Node, Op, Program};
use super::{HostFn, Slot, Span, Value, MAX_DEPTH};
use crate::base::bytes::{Read, Reader, Table, Writer};

const OPS: [Op; 12] = [
    Op::Add,
    Op::Sub,
    Op::Mul,
    Op::Div,
    Op::Rem,
    Op::Eq,
    Op::Ne,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
];
const METHODS: [Method; 3] = [Method::StartsWith, Method::EndsWith, Method::Contains];
const HOST_FNS: [HostFn; 3] = [HostFn::HasFeature, HostFn::HasAddon, HostFn::PlanAtLeast];

fn code_of<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|y| y == x).unwrap_or(0) as u8
}

fn pick<T: Copy>(r: &mut Reader<'_>, all: &[T]) -> Read<T> {
    let i = r.below(all.len())?;
    match all.get(i) {
        Some(x) => Ok(*x),
        None => r.error("an operator code is out of range"),
    }
}

/// Writes a slot.
pub fn write_slot(w: &mut Writer, s: &Slot) {
    w.uint(u64::from(s.id));
    w.opt(s.key.as_deref(), Writer::str);
}

/// Reads a slot.
///
/// # Errors
/// Truncated or malformed bytes.
pub fn read_slot(r: &mut Reader<'_>) -> Read<Slot> {
    Ok(Slot {
        id: r.u32()?,
        key: r.opt(|r| r.str().map(Box::from))?,
    })
}

/// Writes a constant.
pub fn write_value(w: &mut Writer, v: &Value) {
    match v {
        Value::Missing => w.byte(0),
        Value::Null => w.byte(1),
        Value::Bool(b) => {
            w.byte(2);
            w.bool(*b);
        }
        Value::Number(n) => {
            w.byte(3);
            w.num(*n);
        }
        Value::String(s) => {
            w.byte(4);
            w.str(s);
        }
        Value::List(items) => {
            w.byte(5);
            w.list(items, write_value);
        }
    }
}

/// Reads a constant written by [`write_value`].
///
/// # Errors
/// Truncated or malformed bytes, or lists nested too deep.
pub fn read_const(r: &mut Reader<'_>) -> Read<Value> {
    read_value(r, 0)
}

fn read_value(r: &mut Reader<'_>, depth: usize) -> Read<Value> {
    if depth > MAX_DEPTH {
        return r.error("a value nests too deep");
    }
    Ok(match r.byte()? {
        0 => Value::Missing,
        1 => Value::Null,
        2 => Value::Bool(r.bool()?),
        3 => Value::Number(r.num()?),
        4 => Value::String(Rc::from(r.str()?)),
        5 => Value::List(Rc::from(r.list(1, |r| read_value(r, depth + 1))?)),
        _ => return r.error("unknown value tag"),
    })
}

fn write_span(w: &mut Writer, s: Span) {
    w.uint(u64::from(s.start));
    w.uint(u64::from(s.end));
}

fn read_span(r: &mut Reader<'_>) -> Read<Span> {
    let start = r.u32()?;
    let end = r.u32()?;
    if end < start {
        return r.error("a span ends before it starts");
    }
    Ok(Span { start, end })
}

fn write_node(w: &mut Writer, n: &Node, consts: &mut Table) {
    match n {
        Node::Const(v) => {
            w.byte(0);
            w.len(consts.add(|w| write_value(w, v)));
        }
        Node::Load(i) => {
            w.byte(1);
            w.uint(u64::from(*i));
        }
        Node::List(items) => {
            w.byte(2);
            w.list(items, |w, x| write_node(w, x, consts));
        }
        Node::Not(x) => {
            w.byte(3);
            write_node(w, x, consts);
        }
        Node::Neg(x) => {
            w.byte(4);
            write_node(w, x, consts);
        }
        Node::Arith(op, a, b) => {
            w.byte(5);
            w.byte(code_of(&OPS, op));
            write_node(w, a, consts);
            write_node(w, b, consts);
        }
        Node::Cmp(op, a, b, s) => {
            w.byte(6);
            w.byte(code_of(&OPS, op));
            write_node(w, a, consts);
            write_node(w, b, consts);
            write_span(w, *s);
        }
        Node::Probe(op, local, shared, v, s) => {
            w.byte(7);
            w.byte(code_of(&OPS, op));
            w.uint(u64::from(*local));
            w.uint(u64::from(*shared));
            w.len(consts.add(|w| write_value(w, v)));
            write_span(w, *s);
        }
        Node::Logic(or, items) => {
            w.byte(8);
            w.bool(*or);
            w.list(items, |w, x| write_node(w, x, consts));
        }
        Node::Cond(c, t, f) => {
            w.byte(9);
            write_node(w, c, consts);
            write_node(w, t, consts);
            write_node(w, f, consts);
        }
        Node::Size(x) => {
            w.byte(10);
            write_node(w, x, consts);
        }
        Node::Call(m, a, b, s) => {
            w.byte(11);
            w.byte(code_of(&METHODS, m));
            write_node(w, a, consts);
            write_node(w, b, consts);
            write_span(w, *s);
        }
        Node::Host(f, id, s) => {
            w.byte(12);
            w.byte(code_of(&HOST_FNS, f));
            w.uint(u64::from(*id));
            write_span(w, *s);
        }
        Node::Test(x, s) => {
            w.byte(13);
            write_node(w, x, consts);
            write_span(w, *s);
        }
    }
}

/// What a node may refer to: the program's slots (for loads), the catalog's shared slots (for
/// probes) and its constants. A reference out of range is refused, so a stored program never
/// reads past a table when it runs.
struct Bounds<'c> {
    slots: usize,
    shared: usize,
    consts: &'c [Value],
}

fn read_constant(r: &mut Reader<'_>, b: &Bounds<'_>) -> Read<Value> {
    let i = r.below(b.consts.len())?;
    match b.consts.get(i) {
        Some(v) => Ok(v.clone()),
        None => r.error("an index is out of range"),
    }
}

fn read_node(r: &mut Reader<'_>, b: &Bounds<'_>, depth: usize) -> Read<Node> {
    if depth > MAX_DEPTH {
        return r.error("a condition nests too deep");
    }
    let d = depth + 1;
    let node = |r: &mut Reader<'_>| read_node(r, b, d).map(Box::new);
    Ok(match r.byte()? {
        0 => Node::Const(read_constant(r, b)?),
        1 => Node::Load(r.below(b.slots)? as u32),
        2 => Node::List(r.list(1, |r| read_node(r, b, d))?),
        3 => Node::Not(node(r)?),
        4 => Node::Neg(node(r)?),
        5 => Node::Arith(pick(r, &OPS)?, node(r)?, node(r)?),
        6 => Node::Cmp(pick(r, &OPS)?, node(r)?, node(r)?, read_span(r)?),
        7 => Node::Probe(
            pick(r, &OPS)?,
            r.below(b.slots)? as u32,
            r.below(b.shared)? as u32,
            read_constant(r, b)?,
            read_span(r)?,
        ),
        8 => Node::Logic(r.bool()?, r.list(1, |r| read_node(r, b, d))?),
        9 => Node::Cond(node(r)?, node(r)?, node(r)?),
        10 => Node::Size(node(r)?),
        11 => Node::Call(pick(r, &METHODS)?, node(r)?, node(r)?, read_span(r)?),
        12 => Node::Host(pick(r, &HOST_FNS)?, r.u32()?, read_span(r)?),
        13 => Node::Test(node(r)?, read_span(r)?),
        _ => return r.error("unknown operation tag"),
    })
}

impl Program {
    /// Writes the program (its source text, for traces, included) for a catalog whose shared
    /// slots are `shared`, adding its constants to `consts`. A program whose slots are shared
    /// writes only their shared ids.
    pub fn write(&self, w: &mut Writer, shared: &[Slot], consts: &mut Table) {
        w.str(self.source());
        w.bool(self.boolean());
        w.list(&self.ids, |w, id| w.uint(u64::from(*id)));
        let derived = !self.ids.is_empty()
            && self.ids.len() == self.slots().len()
            && self
                .ids
                .iter()
                .zip(self.slots())
                .all(|(id, s)| shared.get(*id as usize) == Some(s));
        w.bool(!derived);
        if !derived {
            w.list(self.slots(), write_slot);
        }
        write_node(w, &self.root, consts);
    }

    /// Reads a program written by [`Program::write`] for a catalog of these shared slots and
    /// constants.
    ///
    /// # Errors
    /// Truncated or malformed bytes, or a reference to a slot or constant that does not exist.
    pub fn read(r: &mut Reader<'_>, shared: &[Slot], consts: &[Value]) -> Read<Program> {
        let src = r.str()?;
        let boolean = r.bool()?;
        let ids: Vec<u32> = r.list(1, |r| r.below(shared.len()).map(|i| i as u32))?;
        let slots = if r.bool()? {
            let slots = r.list(2, read_slot)?;
            if !ids.is_empty() && ids.len() != slots.len() {
                return r.error("a condition's shared slots do not match its slots");
            }
            slots
        } else {
            if ids.is_empty() {
                return r.error("a condition's shared slots do not match its slots");
            }
            let mut slots = Vec::with_capacity(ids.len());
            for id in &ids {
                if let Some(s) = shared.get(*id as usize) {
                    slots.push(s.clone());
                }
            }
            slots
        };
        // Until shared ids are given, a probe's shared id is its own slot index.
        let bounds = Bounds {
            slots: slots.len(),
            shared: if ids.is_empty() {
                slots.len()
            } else {
                shared.len()
            },
            consts,
        };
        let root = read_node(r, &bounds, 0)?;
        let mut p = Program::new(src, root, slots, boolean);
        p.ids = ids;
        Ok(p)
    }
}
