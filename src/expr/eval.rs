//! Evaluation of a compiled program against an [`Env`], with optional tracing.
//!
//! Recursion follows the program tree, whose depth the parser bounded. Nothing here panics:
//! missing values, nulls in arithmetic, run-time type mismatches of dynamic values and
//! non-finite results all become [`Value::Missing`], which every comparison treats as false.

use std::cmp::Ordering;

use super::program::{Method, Node, Op, Program, TraceStep};
use super::{Env, Span, Value};

pub(crate) struct Eval<'p> {
    prog: &'p Program,
    env: &'p dyn Env,
    pub trace: Option<Vec<TraceStep>>,
}

impl<'p> Eval<'p> {
    pub fn new(prog: &'p Program, env: &'p dyn Env, traced: bool) -> Self {
        Eval {
            prog,
            env,
            trace: traced.then(Vec::new),
        }
    }

    fn step(&mut self, span: Span, actual: String, result: bool, missing: bool) {
        let expr = self.prog.text(span);
        if let Some(trace) = &mut self.trace {
            let result = if result { "true" } else { "false" };
            trace.push(TraceStep {
                expr,
                actual,
                result: result.to_owned(),
                missing,
            });
        }
    }

    pub fn run(&mut self, node: &Node) -> Value {
        match node {
            Node::Const(v) => v.clone(),
            Node::Load(i) => match self.prog.slots.get(*i as usize) {
                Some(slot) => match self.env.get(slot) {
                    Value::Number(n) if !n.is_finite() => Value::Missing,
                    v => v,
                },
                None => Value::Missing,
            },
            Node::List(items) => Value::List(items.iter().map(|n| self.run(n)).collect()),
            Node::Not(x) => match self.run(x) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Missing,
            },
            Node::Neg(x) => match self.run(x) {
                Value::Number(n) => Value::Number(-n),
                _ => Value::Missing,
            },
            Node::Arith(op, a, b) => {
                let a = self.run(a);
                let b = self.run(b);
                arith(*op, &a, &b)
            }
            Node::Cmp(op, a, b, span) => {
                let a = self.run(a);
                let b = self.run(b);
                let r = compare(*op, &a, &b);
                if self.trace.is_some() {
                    let actual = format!("{a} {} {b}", op.symbol());
                    self.step(*span, actual, r == Some(true), r.is_none());
                }
                Value::Bool(r == Some(true))
            }
            Node::Logic(or, items) => {
                for n in items {
                    if (self.run(n) == Value::Bool(true)) == *or {
                        return Value::Bool(*or);
                    }
                }
                Value::Bool(!*or)
            }
            Node::Cond(c, t, f) => {
                if self.run(c) == Value::Bool(true) {
                    self.run(t)
                } else {
                    self.run(f)
                }
            }
            Node::Size(x) => match self.run(x) {
                Value::String(s) => Value::Number(s.chars().count() as f64),
                Value::List(l) => Value::Number(l.len() as f64),
                _ => Value::Missing,
            },
            Node::Call(m, recv, arg, span) => {
                let recv = self.run(recv);
                let arg = self.run(arg);
                let r = method(*m, &recv, &arg);
                if self.trace.is_some() {
                    let actual = format!("{recv}.{}({arg})", m.name());
                    self.step(*span, actual, r == Some(true), r.is_none());
                }
                Value::Bool(r == Some(true))
            }
            Node::Host(f, id, span) => {
                let r = self.env.call(*f, *id);
                if self.trace.is_some() {
                    let actual = self.prog.text(*span);
                    self.step(*span, actual, r, false);
                }
                Value::Bool(r)
            }
            Node::Test(x, span) => {
                let v = self.run(x);
                let out = match v {
                    Value::Bool(_) => v.clone(),
                    _ => Value::Missing,
                };
                if let Some(trace) = &mut self.trace {
                    let expr = self.prog.text(*span);
                    trace.push(TraceStep {
                        expr,
                        actual: v.to_string(),
                        result: out.to_string(),
                        missing: out == Value::Missing,
                    });
                }
                out
            }
        }
    }
}

/// `+ - * / %` on numbers, `+` on strings; anything else, and any non-finite result, is missing.
pub(crate) fn arith(op: Op, a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => {
            let v = match op {
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mul => a * b,
                Op::Div => a / b,
                Op::Rem => a % b,
                _ => f64::NAN,
            };
            if v.is_finite() {
                Value::Number(v)
            } else {
                Value::Missing
            }
        }
        (Value::String(a), Value::String(b)) if op == Op::Add => {
            let mut s = String::with_capacity(a.len() + b.len());
            s.push_str(a);
            s.push_str(b);
            Value::String(s.into())
        }
        _ => Value::Missing,
    }
}

/// Equality; `None` when it cannot be decided (a missing operand or different non-null types).
fn equals(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Missing, _) | (_, Value::Missing) => None,
        (Value::Null, x) | (x, Value::Null) => Some(*x == Value::Null),
        (Value::Bool(a), Value::Bool(b)) => Some(a == b),
        (Value::Number(a), Value::Number(b)) => Some(a == b),
        (Value::String(a), Value::String(b)) => Some(a == b),
        (Value::List(a), Value::List(b)) => Some(
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|(x, y)| equals(x, y) == Some(true)),
        ),
        _ => None,
    }
}

/// Whether `list` has a member equal to `x`; `None` when `x` is missing.
fn has(list: &[Value], x: &Value) -> Option<bool> {
    if *x == Value::Missing {
        return None;
    }
    Some(list.iter().any(|v| equals(v, x) == Some(true)))
}

/// A comparison or `in`; `None` when it cannot be decided (evaluated as false).
fn compare(op: Op, a: &Value, b: &Value) -> Option<bool> {
    let ord = match (op, a, b) {
        (Op::Eq, ..) => return equals(a, b),
        (Op::Ne, ..) => return equals(a, b).map(|e| !e),
        (Op::In, _, Value::List(l)) => return has(l, a),
        (Op::In, ..) => return None,
        (_, Value::Number(x), Value::Number(y)) => x.partial_cmp(y)?,
        (_, Value::String(x), Value::String(y)) => x.cmp(y),
        (_, Value::Missing, _) | (_, _, Value::Missing) => return None,
        // Ordering against null is simply false.
        (_, Value::Null, _) | (_, _, Value::Null) => return Some(false),
        _ => return None,
    };
    Some(match op {
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    })
}

/// A string or list predicate; `None` when it cannot be decided (evaluated as false).
fn method(m: Method, recv: &Value, arg: &Value) -> Option<bool> {
    match (m, recv, arg) {
        (Method::StartsWith, Value::String(s), Value::String(p)) => Some(s.starts_with(&**p)),
        (Method::EndsWith, Value::String(s), Value::String(p)) => Some(s.ends_with(&**p)),
        (Method::Contains, Value::String(s), Value::String(p)) => Some(s.contains(&**p)),
        (Method::Contains, Value::List(l), x) => has(l, x),
        _ => None,
    }
}
