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
    computed: &'p [std::cell::OnceCell<Value>],
    pub trace: Option<Vec<TraceStep>>,
}

/// A value borrowed from the program or the environment's cache, or computed here: loads and
/// constants are compared in place, without a copy.
pub(crate) enum V<'p> {
    Ref(&'p Value),
    Own(Value),
}

impl V<'_> {
    fn get(&self) -> &Value {
        match self {
            V::Ref(v) => v,
            V::Own(v) => v,
        }
    }

    pub(crate) fn into_value(self) -> Value {
        match self {
            V::Ref(v) => v.clone(),
            V::Own(v) => v,
        }
    }
}

const TRUE: V<'static> = V::Own(Value::Bool(true));
const FALSE: V<'static> = V::Own(Value::Bool(false));
const MISSING: V<'static> = V::Own(Value::Missing);

fn bool_v(b: bool) -> V<'static> {
    if b {
        TRUE
    } else {
        FALSE
    }
}

impl<'p> Eval<'p> {
    pub fn new(prog: &'p Program, env: &'p dyn Env, traced: bool) -> Self {
        Eval {
            prog,
            env,
            computed: env.computed(),
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

    /// `load` then `compare` with a constant, without building an intermediate value when
    /// the environment has already computed the shared slot `id` (its cache holds finite
    /// numbers only; see [`Env::computed`]).
    #[inline]
    fn probe(&self, op: Op, i: u32, id: u32, k: &Value) -> bool {
        match self.computed.get(id as usize).and_then(|c| c.get()) {
            Some(v) => compare(op, v, k) == Some(true),
            None => compare(op, self.load(i).get(), k) == Some(true),
        }
    }

    #[inline]
    fn load(&self, i: u32) -> V<'p> {
        let id = self.prog.ids.get(i as usize).copied().unwrap_or(i);
        if let Some(v) = self.computed.get(id as usize).and_then(|c| c.get()) {
            return match v {
                Value::Number(n) if !n.is_finite() => MISSING,
                _ => V::Ref(v),
            };
        }
        let Some(slot) = self.prog.slots.get(i as usize) else {
            return MISSING;
        };
        let v = match self.env.load(id, slot) {
            Some(v) => V::Ref(v),
            None => V::Own(self.env.get(slot)),
        };
        match v.get() {
            Value::Number(n) if !n.is_finite() => MISSING,
            _ => v,
        }
    }

    /// An operand: loads and constants without a call through [`Eval::run`].
    #[inline]
    fn operand(&mut self, node: &'p Node) -> V<'p> {
        match node {
            Node::Const(v) => V::Ref(v),
            Node::Load(i) => self.load(*i),
            _ => self.run(node),
        }
    }

    pub fn run(&mut self, node: &'p Node) -> V<'p> {
        match node {
            Node::Const(v) => V::Ref(v),
            Node::Load(i) => self.load(*i),
            Node::List(items) => V::Own(Value::List(
                items.iter().map(|n| self.run(n).into_value()).collect(),
            )),
            Node::Not(x) => match self.run(x).get() {
                Value::Bool(b) => bool_v(!b),
                _ => MISSING,
            },
            Node::Neg(x) => match self.run(x).get() {
                Value::Number(n) => V::Own(Value::Number(-n)),
                _ => MISSING,
            },
            Node::Arith(op, a, b) => {
                let a = self.run(a);
                let b = self.run(b);
                V::Own(arith(*op, a.get(), b.get()))
            }
            Node::Probe(op, i, _, k, span) => {
                let a = self.load(*i);
                let r = compare(*op, a.get(), k);
                if self.trace.is_some() {
                    let actual = format!("{} {} {}", a.get(), op.symbol(), k);
                    self.step(*span, actual, r == Some(true), r.is_none());
                }
                bool_v(r == Some(true))
            }
            Node::Cmp(op, a, b, span) => {
                let a = self.operand(a);
                let b = self.operand(b);
                let r = compare(*op, a.get(), b.get());
                if self.trace.is_some() {
                    let actual = format!("{} {} {}", a.get(), op.symbol(), b.get());
                    self.step(*span, actual, r == Some(true), r.is_none());
                }
                bool_v(r == Some(true))
            }
            Node::Logic(or, items) => {
                for n in items {
                    if matches!(self.run(n).get(), Value::Bool(true)) == *or {
                        return bool_v(*or);
                    }
                }
                bool_v(!*or)
            }
            Node::Cond(c, t, f) => {
                if matches!(self.run(c).get(), Value::Bool(true)) {
                    self.run(t)
                } else {
                    self.run(f)
                }
            }
            Node::Size(x) => match self.run(x).get() {
                Value::String(s) => V::Own(Value::Number(s.chars().count() as f64)),
                Value::List(l) => V::Own(Value::Number(l.len() as f64)),
                _ => MISSING,
            },
            Node::Call(m, recv, arg, span) => {
                let recv = self.run(recv);
                let arg = self.run(arg);
                let r = method(*m, recv.get(), arg.get());
                if self.trace.is_some() {
                    let actual = format!("{}.{}({})", recv.get(), m.name(), arg.get());
                    self.step(*span, actual, r == Some(true), r.is_none());
                }
                bool_v(r == Some(true))
            }
            Node::Host(f, id, span) => {
                let r = self.env.call(*f, *id);
                if self.trace.is_some() {
                    let actual = self.prog.text(*span);
                    self.step(*span, actual, r, false);
                }
                bool_v(r)
            }
            Node::Test(x, span) => {
                let v = self.run(x);
                let out = match v.get() {
                    Value::Bool(b) => Value::Bool(*b),
                    _ => Value::Missing,
                };
                if let Some(trace) = &mut self.trace {
                    let expr = self.prog.text(*span);
                    trace.push(TraceStep {
                        expr,
                        actual: v.get().to_string(),
                        result: out.to_string(),
                        missing: out == Value::Missing,
                    });
                }
                V::Own(out)
            }
        }
    }
}

/// The untraced condition check behind [`Program::matches`]: whether a node evaluates to
/// `true`, with loads and constants compared in place and no value built for the boolean
/// structure of the condition. `truth(n) == Some(b)` exactly when [`Eval::run`] gives
/// `Value::Bool(b)`.
struct Fast<'p> {
    eval: Eval<'p>,
}

impl<'p> Fast<'p> {
    fn truth(&mut self, node: &'p Node) -> Option<bool> {
        match node {
            Node::Logic(or, items) => {
                for n in items {
                    // Probes, the usual operands, are checked here without a call.
                    let t = match n {
                        Node::Probe(op, i, id, k, _) => self.eval.probe(*op, *i, *id, k),
                        _ => self.truth(n) == Some(true),
                    };
                    if t == *or {
                        return Some(*or);
                    }
                }
                Some(!*or)
            }
            Node::Probe(op, i, id, k, _) => Some(self.eval.probe(*op, *i, *id, k)),
            Node::Cmp(op, a, b, _) => {
                let x = self.eval.operand(a);
                let y = self.eval.operand(b);
                Some(compare(*op, x.get(), y.get()) == Some(true))
            }
            Node::Not(x) => self.truth(x).map(|b| !b),
            Node::Test(x, _) => match self.eval.operand(x).get() {
                Value::Bool(b) => Some(*b),
                _ => None,
            },
            Node::Host(f, id, _) => Some(self.eval.env.call(*f, *id)),
            Node::Cond(c, t, f) => {
                if self.truth(c) == Some(true) {
                    self.truth(t)
                } else {
                    self.truth(f)
                }
            }
            _ => match self.eval.run(node).get() {
                Value::Bool(b) => Some(*b),
                _ => None,
            },
        }
    }
}

impl Program {
    /// Evaluates the program. A condition (from [`super::compile`]) yields [`Value::Bool`] or
    /// [`Value::Missing`]; callers treat anything but `true` as not matched.
    pub fn eval(&self, env: &dyn Env) -> Value {
        let v = Eval::new(self, env, false).run(&self.root);
        self.finish(v.into_value())
    }

    /// Evaluates the program and records one [`TraceStep`] per comparison, `in`, predicate call
    /// and condition value actually evaluated, in evaluation order.
    pub fn eval_traced(&self, env: &dyn Env) -> (Value, Vec<TraceStep>) {
        let mut ev = Eval::new(self, env, true);
        let v = ev.run(&self.root).into_value();
        (self.finish(v), ev.trace.unwrap_or_default())
    }

    /// Whether the program evaluates to `true`: the fast path of rule matching.
    pub fn matches(&self, env: &dyn Env) -> bool {
        self.matches_with(env, env.computed())
    }

    /// [`Program::matches`] with the environment's computed values passed in, for callers that
    /// check many programs against one environment.
    pub fn matches_with(&self, env: &dyn Env, computed: &[std::cell::OnceCell<Value>]) -> bool {
        let mut fast = Fast {
            eval: Eval {
                prog: self,
                env,
                computed,
                trace: None,
            },
        };
        fast.truth(&self.root) == Some(true)
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
                Op::Rem => fmod(*a, *b),
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

/// `x % y` (the remainder of truncated division, exact, with the sign of `x`), as the
/// standard library computes it but without its 128-bit division, which costs the
/// WebAssembly build about 1 KB: musl's `fmod`, subtracting and shifting bit by bit.
fn fmod(x: f64, y: f64) -> f64 {
    const FRAC: u64 = (1 << 52) - 1;
    let (mut ux, mut uy) = (x.to_bits(), y.to_bits());
    let mut ex = ((ux >> 52) & 0x7ff) as i32;
    let mut ey = ((uy >> 52) & 0x7ff) as i32;
    let sign = ux & (1 << 63);
    if uy << 1 == 0 || y.is_nan() || ex == 0x7ff {
        return f64::NAN;
    }
    if ux << 1 <= uy << 1 {
        return if ux << 1 == uy << 1 { 0.0 * x } else { x };
    }
    // Integer significands with the implicit bit; subnormals normalized.
    for (u, e) in [(&mut ux, &mut ex), (&mut uy, &mut ey)] {
        if *e == 0 {
            let mut i = *u << 12;
            while i >> 63 == 0 {
                *e -= 1;
                i <<= 1;
            }
            *u <<= (1 - *e) as u32;
        } else {
            *u = (*u & FRAC) | (1 << 52);
        }
    }
    loop {
        let i = ux.wrapping_sub(uy);
        if i >> 63 == 0 {
            if i == 0 {
                return 0.0 * x;
            }
            ux = i;
        }
        if ex <= ey {
            break;
        }
        ux <<= 1;
        ex -= 1;
    }
    while ux >> 52 == 0 {
        ux <<= 1;
        ex -= 1;
    }
    if ex > 0 {
        ux = (ux - (1 << 52)) | ((ex as u64) << 52);
    } else {
        ux >>= (1 - ex) as u32;
    }
    f64::from_bits(ux | sign)
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

/// String equality that settles most unequal pairs by their length and first byte, without a
/// call to `memcmp` (a byte loop behind a call in wasm).
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// A comparison or `in`; `None` when it cannot be decided (evaluated as false).
#[inline]
fn compare(op: Op, a: &Value, b: &Value) -> Option<bool> {
    // The common shapes of targeting rules first: numbers ordered, strings compared.
    if let (Value::Number(x), Value::Number(y)) = (a, b) {
        return match op {
            Op::Lt => Some(x < y),
            Op::Le => Some(x <= y),
            Op::Gt => Some(x > y),
            Op::Ge => Some(x >= y),
            Op::Eq => Some(x == y),
            Op::Ne => Some(x != y),
            _ => None,
        };
    }
    if let (Value::String(x), Value::String(y)) = (a, b) {
        match op {
            Op::Eq => return Some(same_text(x, y)),
            Op::Ne => return Some(!same_text(x, y)),
            _ => {}
        }
    }
    if let (Op::In, Value::String(x), Value::List(l)) = (op, a, b) {
        return Some(l.iter().any(|v| match v {
            Value::String(s) => same_text(s, x),
            _ => false,
        }));
    }
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

#[cfg(test)]
mod fmod_tests {
    use super::fmod;

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    #[test]
    fn remainders_match_the_standard_library() {
        let specials = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            3.0,
            7.25,
            -10.0,
            1e-310,
            -5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1e300,
            123456789.0,
        ];
        for &a in &specials {
            for &b in &specials {
                assert!(same(fmod(a, b), a % b), "{a:e} % {b:e}");
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..300_000 {
            let (a, b) = (f64::from_bits(next()), f64::from_bits(next()));
            assert!(same(fmod(a, b), a % b), "{a:e} % {b:e}");
            // Small whole numbers and short decimals, as rules write them.
            let (c, d) = (
                (next() % 2000) as f64 - 1000.0,
                (next() % 100) as f64 / 8.0 - 6.0,
            );
            assert!(same(fmod(c, d), c % d), "{c} % {d}");
            let (e, f) = (
                (next() % 1_000_000) as f64 / 100.0,
                (next() % 50) as f64 + 0.1,
            );
            assert!(same(fmod(e, f), e % f), "{e} % {f}");
        }
    }
}
