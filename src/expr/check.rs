//! Type checker and lowering: walks the syntax tree once, resolving paths and host-function ids
//! through the [`Schema`], checking operand types, collecting every error it can find, and
//! building the program's operations.

use super::eval::arith;
use super::parser::{Ast, Expr, Id, Kind};
use super::program::{Method, Node, Op};
use super::{quote_help, Code, ExprError, HostFn, Schema, Slot, Span, Type, Value};
use crate::base::diag::suggest;

const FUNCTIONS: [&str; 4] = ["size", "hasFeature", "hasAddon", "planAtLeast"];
const METHODS: [&str; 4] = ["startsWith", "endsWith", "contains", "size"];

pub(crate) struct Checker<'s, 'a> {
    schema: &'s dyn Schema,
    /// The nodes below the root being checked.
    ast: &'s Ast<'a>,
    pub errors: Vec<ExprError>,
    /// Distinct slots read, indexed by `Node::Load`.
    pub slots: Vec<Slot>,
}

/// A node standing in for an expression that failed to check; `Dyn` so no further errors
/// cascade from it.
fn poisoned() -> (Node, Type) {
    (Node::Const(Value::Missing), Type::Dyn)
}

/// Marks the values a condition uses directly (a path, or a path as a `?:` branch) as traced
/// tests.
fn as_test(ast: &Ast<'_>, e: &Expr<'_>, node: Node) -> Node {
    match (&e.kind, node) {
        (Kind::Path(_), n) => Node::Test(Box::new(n), e.span),
        (Kind::Cond(_, te, fe), Node::Cond(c, t, f)) => match (ast.get(*te), ast.get(*fe)) {
            (Some(te), Some(fe)) => Node::Cond(
                c,
                Box::new(as_test(ast, te, *t)),
                Box::new(as_test(ast, fe, *f)),
            ),
            _ => Node::Cond(c, t, f),
        },
        (_, n) => n,
    }
}

impl<'s, 'a> Checker<'s, 'a> {
    pub fn new(schema: &'s dyn Schema, ast: &'s Ast<'a>) -> Self {
        Checker {
            schema,
            ast,
            errors: Vec::new(),
            slots: Vec::new(),
        }
    }

    /// Checks the node `id` (a missing one, which the parser never makes, as a poisoned node).
    fn sub(&mut self, id: Id) -> (Node, Type) {
        match self.ast.get(id) {
            Some(e) => self.check(e),
            None => poisoned(),
        }
    }

    /// [`Checker::condition`] of the node `id`.
    fn sub_condition(&mut self, id: Id, code: Code, what: &str) -> Node {
        match self.ast.get(id) {
            Some(e) => self.condition(e, code, what),
            None => poisoned().0,
        }
    }

    fn error(&mut self, code: Code, message: String, span: Span) {
        self.errors.push(ExprError::new(code, message, span));
    }

    fn mismatch(&mut self, message: String, span: Span) -> (Node, Type) {
        self.error(Code::TypeMismatch, message, span);
        poisoned()
    }

    /// Checks an expression used as a condition. A bare value (a path) becomes a traced test.
    pub fn condition(&mut self, e: &Expr<'a>, code: Code, what: &str) -> Node {
        let (node, ty) = self.check(e);
        if !matches!(ty, Type::Bool | Type::Dyn) {
            self.error(
                code,
                format!("{what} must be a `bool`, found `{ty}`"),
                e.span,
            );
        }
        as_test(self.ast, e, node)
    }

    pub fn check(&mut self, e: &Expr<'a>) -> (Node, Type) {
        match &e.kind {
            Kind::Num(n) => (Node::Const(Value::Number(*n)), Type::Number),
            Kind::Str(s) => (Node::Const(Value::String(s.clone())), Type::String),
            Kind::Bool(b) => (Node::Const(Value::Bool(*b)), Type::Bool),
            Kind::Null => (Node::Const(Value::Null), Type::Null),
            Kind::List(items) => {
                let ast = self.ast;
                let nodes: Vec<Node> = ast.nodes(*items).iter().map(|i| self.check(i).0).collect();
                let consts: Option<Vec<Value>> = nodes
                    .iter()
                    .map(|n| match n {
                        Node::Const(v) => Some(v.clone()),
                        _ => None,
                    })
                    .collect();
                let node = match consts {
                    Some(vs) => Node::Const(Value::List(vs.into())),
                    None => Node::List(nodes),
                };
                (node, Type::List)
            }
            Kind::Path(segs) => match self.schema.resolve(self.ast.path(*segs)) {
                Ok(r) => {
                    let index = match self.slots.iter().position(|s| *s == r.slot) {
                        Some(i) => i,
                        None => {
                            self.slots.push(r.slot);
                            self.slots.len() - 1
                        }
                    };
                    (Node::Load(super::offset(index)), r.ty)
                }
                Err(pe) => {
                    let help = pe.suggestion.as_deref().map(quote_help);
                    self.errors
                        .push(ExprError::new(Code::UnknownPath, pe.message, e.span).help(help));
                    poisoned()
                }
            },
            Kind::Not(x) => {
                let n = self.sub_condition(*x, Code::TypeMismatch, "the operand of `!`");
                (Node::Not(Box::new(n)), Type::Bool)
            }
            Kind::Neg(x) => {
                let (n, ty) = self.sub(*x);
                if !matches!(ty, Type::Number | Type::Dyn) {
                    return self.mismatch(format!("cannot apply `-` to `{ty}`"), e.span);
                }
                (Node::Neg(Box::new(n)), Type::Number)
            }
            Kind::Binary(op, l, r) => match (self.ast.get(*l), self.ast.get(*r)) {
                (Some(l), Some(r)) => self.binary(*op, l, r, e.span),
                _ => poisoned(),
            },
            Kind::Logic(or, items) => {
                let what = if *or {
                    "an operand of `||`"
                } else {
                    "an operand of `&&`"
                };
                let nodes = items
                    .iter()
                    .map(|i| self.condition(i, Code::TypeMismatch, what))
                    .collect();
                (Node::Logic(*or, nodes), Type::Bool)
            }
            Kind::Cond(c, t, f) => {
                let c = self.sub_condition(*c, Code::TypeMismatch, "the condition of `?:`");
                let (tn, tt) = self.sub(*t);
                let (fn_, ft) = self.sub(*f);
                let ty = match (tt, ft) {
                    _ if tt == ft => tt,
                    (Type::Null, other) | (other, Type::Null) => other,
                    (Type::Dyn, _) | (_, Type::Dyn) => Type::Dyn,
                    _ => {
                        return self.mismatch(
                            format!("the branches of `?:` have different types `{tt}` and `{ft}`"),
                            e.span,
                        )
                    }
                };
                (Node::Cond(Box::new(c), Box::new(tn), Box::new(fn_)), ty)
            }
            Kind::Call {
                name,
                name_span,
                target,
                args,
            } => {
                let ast = self.ast;
                let target = target.and_then(|t| ast.get(t));
                self.call(name, *name_span, target, ast.nodes(*args), e.span)
            }
        }
    }

    fn binary(&mut self, op: Op, l: &Expr<'a>, r: &Expr<'a>, span: Span) -> (Node, Type) {
        use Type::{Dyn, List, Null, Number, String};
        let (ln, lt) = self.check(l);
        let (rn, rt) = self.check(r);
        if op.is_arith() {
            let ty = match (lt, rt) {
                (Number | Dyn, Number | Dyn) if op != Op::Add => Number,
                (Number, Number | Dyn) | (Dyn, Number) => Number,
                (String, String | Dyn) | (Dyn, String) if op == Op::Add => String,
                (Dyn, Dyn) => Dyn,
                _ => {
                    let sym = op.symbol();
                    return self
                        .mismatch(format!("cannot apply `{sym}` to `{lt}` and `{rt}`"), span);
                }
            };
            let node = match (&ln, &rn) {
                (Node::Const(a), Node::Const(b)) => Node::Const(arith(op, a, b)),
                _ => Node::Arith(op, Box::new(ln), Box::new(rn)),
            };
            return (node, ty);
        }
        let ok = match op {
            Op::Eq | Op::Ne => lt == rt || matches!(lt, Null | Dyn) || matches!(rt, Null | Dyn),
            Op::In => {
                if !matches!(rt, List | Dyn) {
                    return self.mismatch(
                        format!("`in` needs a `list` on the right, found `{rt}`"),
                        r.span,
                    );
                }
                self.check_members(lt, r);
                true
            }
            _ => matches!(
                (lt, rt),
                (Number | Dyn, Number | Dyn) | (String | Dyn, String | Dyn)
            ),
        };
        if !ok {
            let message = if lt == rt {
                format!("cannot order `{lt}` values")
            } else {
                format!("cannot compare `{lt}` with `{rt}`")
            };
            return self.mismatch(message, span);
        }
        // The common shape `path <op> literal` becomes one node, compared without a tree walk.
        let node = match (ln, rn) {
            (Node::Load(i), Node::Const(k)) => Node::Probe(op, i, i, k, span),
            (ln, rn) => Node::Cmp(op, Box::new(ln), Box::new(rn), span),
        };
        (node, Type::Bool)
    }

    /// `x in [..]` with a literal list: every literal member must be comparable with `x`.
    fn check_members(&mut self, lt: Type, list: &Expr<'a>) {
        let Kind::List(items) = &list.kind else {
            return;
        };
        if matches!(lt, Type::Dyn | Type::Null) {
            return;
        }
        for item in self.ast.nodes(*items) {
            let it = match item.kind {
                Kind::Num(_) => Type::Number,
                Kind::Str(_) => Type::String,
                Kind::Bool(_) => Type::Bool,
                Kind::List(_) => Type::List,
                _ => continue,
            };
            if it != lt {
                self.error(
                    Code::TypeMismatch,
                    format!("cannot compare `{lt}` with `{it}`"),
                    item.span,
                );
            }
        }
    }

    fn call(
        &mut self,
        name: &str,
        name_span: Span,
        target: Option<&Expr<'a>>,
        args: &[Expr<'a>],
        span: Span,
    ) -> (Node, Type) {
        let host = match (target, name) {
            (None, "hasFeature") => Some(HostFn::HasFeature),
            (None, "hasAddon") => Some(HostFn::HasAddon),
            (None, "planAtLeast") => Some(HostFn::PlanAtLeast),
            _ => None,
        };
        if let Some(f) = host {
            return self.host(f, args, span);
        }
        let method = match name {
            "startsWith" => Some(Method::StartsWith),
            "endsWith" => Some(Method::EndsWith),
            "contains" => Some(Method::Contains),
            _ => None,
        };
        let known = match target {
            None => name == "size",
            Some(_) => name == "size" || method.is_some(),
        };
        if !known {
            let (what, help) = match target {
                None if METHODS.contains(&name) => (
                    "function",
                    Some(format!("`{name}` is a method: write `x.{name}(…)`")),
                ),
                None => ("function", suggest(name, FUNCTIONS).map(quote_help)),
                Some(_) => ("method", suggest(name, METHODS).map(quote_help)),
            };
            self.errors.push(
                ExprError::new(
                    Code::UnknownFunction,
                    format!("unknown {what} `{name}`"),
                    name_span,
                )
                .help(help),
            );
            for e in target.into_iter().chain(args) {
                self.check(e);
            }
            return poisoned();
        }
        // `size(x)` and `x.size()` alike: gather the receiver and arguments.
        let mut operands: Vec<(Node, Type, Span)> = Vec::with_capacity(args.len() + 1);
        for e in target.into_iter().chain(args) {
            let (n, t) = self.check(e);
            operands.push((n, t, e.span));
        }
        let want = if method.is_some() { 2 } else { 1 };
        if operands.len() != want {
            let n = want - usize::from(target.is_some());
            let found = args.len();
            let s = if n == 1 { "" } else { "s" };
            self.error(
                Code::WrongArity,
                format!("`{name}` takes {n} argument{s}, found {found}"),
                span,
            );
            return poisoned();
        }
        let mut it = operands.into_iter();
        let (Some((recv, rt, rspan)), arg) = (it.next(), it.next()) else {
            return poisoned();
        };
        let Some(m) = method else {
            if !matches!(rt, Type::String | Type::List | Type::Dyn) {
                return self.mismatch(
                    format!("`size` needs a `string` or `list`, found `{rt}`"),
                    rspan,
                );
            }
            return (Node::Size(Box::new(recv)), Type::Number);
        };
        let Some((arg, at, aspan)) = arg else {
            return poisoned();
        };
        let list_ok = m == Method::Contains;
        match rt {
            Type::String | Type::Dyn => {}
            Type::List if list_ok => {}
            _ => {
                let want = if list_ok {
                    "`string` or `list`"
                } else {
                    "`string`"
                };
                return self.mismatch(format!("`{name}` needs a {want}, found `{rt}`"), rspan);
            }
        }
        if rt == Type::String && !matches!(at, Type::String | Type::Dyn) {
            return self.mismatch(
                format!("`{name}` needs a `string` argument, found `{at}`"),
                aspan,
            );
        }
        (
            Node::Call(m, Box::new(recv), Box::new(arg), span),
            Type::Bool,
        )
    }

    fn host(&mut self, f: HostFn, args: &[Expr<'a>], span: Span) -> (Node, Type) {
        let name = f.name();
        let [arg] = args else {
            let found = args.len();
            self.error(
                Code::WrongArity,
                format!("`{name}` takes 1 argument, found {found}"),
                span,
            );
            return poisoned();
        };
        let Kind::Str(id) = &arg.kind else {
            self.error(
                Code::NotLiteral,
                format!("the argument of `{name}` must be a string literal"),
                arg.span,
            );
            return poisoned();
        };
        match self.schema.resolve_id(f, id) {
            Ok(index) => (Node::Host(f, index, span), Type::Bool),
            Err(pe) => {
                let help = pe.suggestion.as_deref().map(quote_help);
                self.errors
                    .push(ExprError::new(Code::UnknownId, pe.message, arg.span).help(help));
                poisoned()
            }
        }
    }
}
