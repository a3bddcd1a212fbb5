//! Parser producing a syntax tree with character spans.
//!
//! Grammar, lowest precedence first (as in CEL):
//! `expr = or ["?" expr ":" expr]`, `or = and {"||" and}`, `and = rel {"&&" rel}`,
//! `rel = add {("<"|"<="|">"|">="|"=="|"!="|"in") add}`, `add = mul {("+"|"-") mul}`,
//! `mul = unary {("*"|"/"|"%") unary}`, `unary = {"!"|"-"} member`,
//! `member = primary {"." IDENT ["(" args ")"]}`,
//! `primary = literal | IDENT ["(" args ")"] | "(" expr ")" | "[" [expr {"," expr} [","]] "]"`.
//!
//! The parser does not recurse: it is an operator-precedence (shunting-yard) parser with an
//! explicit stack of pending operators and open groups (parentheses, lists, calls, `?:`), so
//! its stack use is constant whatever the input. Nesting is still bounded, twice: open groups
//! and runs of prefix operators, as soon as they exceed `Limits::max_depth`, and the height of
//! every tree node built, so the recursive checker and evaluator stay shallow too.

use std::rc::Rc;

use super::lexer::{Lexer, Tok, Token};
use super::program::Op;
use super::{offset, quote_help, Code, ExprError, Limits, Span, MAX_DEPTH};

/// A node's position in its [`Ast`].
pub(crate) type Id = u32;

/// A run of consecutive entries in an [`Ast`]: children of a list or call, or path segments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Run {
    start: u32,
    len: u32,
}

/// The nodes of a parsed expression below its root, and its path segments, each kept in one
/// vector so that building and dropping the tree costs a few allocations, not one per node.
#[derive(Debug, Default)]
pub(crate) struct Ast<'a> {
    nodes: Vec<Expr<'a>>,
    segs: Vec<&'a str>,
}

impl<'a> Ast<'a> {
    /// The node `id`.
    pub fn get(&self, id: Id) -> Option<&Expr<'a>> {
        self.nodes.get(id as usize)
    }

    /// The nodes of a run (children of a list or call).
    pub fn nodes(&self, r: Run) -> &[Expr<'a>] {
        let start = r.start as usize;
        self.nodes.get(start..start + r.len as usize).unwrap_or(&[])
    }

    /// The segments of a path.
    pub fn path(&self, r: Run) -> &[&'a str] {
        let start = r.start as usize;
        self.segs.get(start..start + r.len as usize).unwrap_or(&[])
    }

    fn add(&mut self, e: Expr<'a>) -> Id {
        self.nodes.push(e);
        super::offset(self.nodes.len() - 1)
    }

    /// Moves `items` to the end of the nodes, as one run.
    fn add_run(&mut self, items: impl Iterator<Item = Expr<'a>>) -> Run {
        let start = self.nodes.len();
        self.nodes.extend(items);
        Run {
            start: super::offset(start),
            len: super::offset(self.nodes.len() - start),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Expr<'a> {
    pub kind: Kind<'a>,
    pub span: Span,
    /// The span including any enclosing parentheses.
    outer: Span,
    /// Height of the tree rooted here (a leaf is 1).
    depth: usize,
}

#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Num(f64),
    Str(Rc<str>),
    Bool(bool),
    Null,
    List(Run),
    /// A dotted path such as `usage.seats.ratio` (segments in [`Ast::path`]).
    Path(Run),
    Not(Id),
    Neg(Id),
    Binary(Op, Id, Id),
    /// A chain of `||` (true) or `&&` (false).
    Logic(bool, Vec<Expr<'a>>),
    Cond(Id, Id, Id),
    Call {
        name: &'a str,
        name_span: Span,
        target: Option<Id>,
        args: Run,
    },
}

/// Parses a whole expression: the nodes below the root, and the root.
pub(crate) fn parse<'a>(src: &'a str, limits: &Limits) -> Result<(Ast<'a>, Expr<'a>), ExprError> {
    // A text of at most `max_len` bytes has at most as many characters.
    if src.len() > limits.max_len && src.chars().nth(limits.max_len).is_some() {
        let len = src.chars().count();
        return Err(ExprError::new(
            Code::TooLong,
            format!("expression is longer than {} characters", limits.max_len),
            Span::new(offset(limits.max_len), offset(len)),
        ));
    }
    let mut lexer = Lexer::new(src);
    let tok = lexer.next()?;
    // About one node per four characters, as rules are usually written.
    let mut p = Parser {
        lexer,
        tok,
        ast: Ast {
            nodes: Vec::with_capacity(src.len() / 4),
            segs: Vec::with_capacity(src.len() / 8),
        },
        ops: Vec::with_capacity(8),
        out: Vec::with_capacity(8),
        open: 0,
        run: 0,
        max: limits.max_depth.clamp(1, MAX_DEPTH),
    };
    let root = p.run()?;
    Ok((p.ast, root))
}

/// A pending operator or an open group on the parser's stack.
enum Frame<'a> {
    /// `!` (true) or unary `-` (false), applied once its operand is complete.
    Prefix(bool, Span),
    /// A binary operator (`None` for `||` at precedence 0 and `&&` at 1) whose left operand is
    /// on the output stack.
    Bin(u8, Option<Op>),
    Paren(Span),
    /// An open list and the number of items completed so far.
    List(Span, usize),
    /// An open call: its name, where its span starts, whether a receiver sits on the output
    /// stack below the arguments, and the number of arguments completed so far.
    Call {
        name: &'a str,
        name_span: Span,
        start: u32,
        method: bool,
        args: usize,
    },
    /// After `?`, waiting for `:`.
    Question,
    /// After `:`, the else branch in progress.
    Colon,
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    tok: Token<'a>,
    ast: Ast<'a>,
    ops: Vec<Frame<'a>>,
    out: Vec<Expr<'a>>,
    /// Open groups on `ops`.
    open: usize,
    /// Consecutive prefix operators just read.
    run: usize,
    max: usize,
}

impl<'a> Parser<'a> {
    fn advance(&mut self) -> Result<Token<'a>, ExprError> {
        let next = self.lexer.next()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn unexpected(&self, expected: &str) -> ExprError {
        let found = match &self.tok.tok {
            Tok::Eof => "end of expression".to_owned(),
            _ => format!("`{}`", self.tok.text),
        };
        let help = match self.tok.tok {
            Tok::Ident("and") => Some(quote_help("&&")),
            Tok::Ident("or") => Some(quote_help("||")),
            Tok::Ident("not") => Some(quote_help("!")),
            _ => None,
        };
        ExprError::new(
            Code::SyntaxError,
            format!("unexpected {found}, expected {expected}"),
            self.tok.span,
        )
        .help(help)
    }

    /// What may follow a complete operand, given the innermost open group.
    fn expected(&self) -> &'static str {
        for f in self.ops.iter().rev() {
            match f {
                Frame::Paren(_) => return "`)`",
                Frame::List(..) => return "`,` or `]`",
                Frame::Call { .. } => return "`,` or `)`",
                Frame::Question => return "`:`",
                _ => {}
            }
        }
        "an operator or the end of the expression"
    }

    fn too_deep(&self, span: Span) -> ExprError {
        ExprError::new(
            Code::TooDeep,
            format!("expression is nested more than {} levels deep", self.max),
            span,
        )
    }

    /// A node over children of the given depth, refused when the tree gets too deep.
    fn node(&self, kind: Kind<'a>, span: Span, child_depth: usize) -> Result<Expr<'a>, ExprError> {
        let depth = child_depth + 1;
        if depth > self.max {
            return Err(self.too_deep(span));
        }
        Ok(Expr {
            kind,
            span,
            outer: span,
            depth,
        })
    }

    fn leaf(&mut self, kind: Kind<'a>, span: Span) {
        self.out.push(Expr {
            kind,
            span,
            outer: span,
            depth: 1,
        });
    }

    fn pop(&mut self) -> Result<Expr<'a>, ExprError> {
        match self.out.pop() {
            Some(e) => Ok(e),
            None => Err(self.unexpected("an expression")),
        }
    }

    /// Opens a group; the whole expression counts as the first level.
    fn open(&mut self, f: Frame<'a>) -> Result<(), ExprError> {
        if self.open + 1 >= self.max {
            return Err(self.too_deep(self.tok.span));
        }
        self.open += 1;
        self.run = 0;
        self.ops.push(f);
        Ok(())
    }

    fn run(&mut self) -> Result<Expr<'a>, ExprError> {
        // Alternates between expecting an operand and expecting what follows one.
        let mut want = true;
        // The operand just read is a bare identifier path that `.name` may extend.
        let mut bare = false;
        loop {
            if want {
                want = self.operand(&mut bare)?;
                continue;
            }
            if self.tok.tok == Tok::Dot {
                want = self.select(&mut bare)?;
                continue;
            }
            bare = false;
            self.prefixes()?;
            let span = self.tok.span;
            let (prec, op) = match self.tok.tok {
                Tok::Or => (0, None),
                Tok::And => (1, None),
                Tok::Lt => (2, Some(Op::Lt)),
                Tok::Le => (2, Some(Op::Le)),
                Tok::Gt => (2, Some(Op::Gt)),
                Tok::Ge => (2, Some(Op::Ge)),
                Tok::EqEq => (2, Some(Op::Eq)),
                Tok::Ne => (2, Some(Op::Ne)),
                Tok::In => (2, Some(Op::In)),
                Tok::Plus => (3, Some(Op::Add)),
                Tok::Minus => (3, Some(Op::Sub)),
                Tok::Star => (4, Some(Op::Mul)),
                Tok::Slash => (4, Some(Op::Div)),
                Tok::Percent => (4, Some(Op::Rem)),
                Tok::Question => {
                    self.reduce(0)?;
                    self.open(Frame::Question)?;
                    self.advance()?;
                    want = true;
                    continue;
                }
                Tok::Colon => {
                    self.close()?;
                    if !matches!(self.ops.last(), Some(Frame::Question)) {
                        return Err(self.unexpected(self.expected()));
                    }
                    self.ops.pop();
                    self.ops.push(Frame::Colon);
                    self.advance()?;
                    want = true;
                    continue;
                }
                Tok::Comma => {
                    self.close()?;
                    match self.ops.last_mut() {
                        Some(Frame::List(_, n) | Frame::Call { args: n, .. }) => *n += 1,
                        _ => return Err(self.unexpected(self.expected())),
                    }
                    self.advance()?;
                    // A list may end with a trailing comma.
                    want = !(self.tok.tok == Tok::RBrack
                        && matches!(self.ops.last(), Some(Frame::List(..))));
                    if !want {
                        self.end_list(0)?;
                    }
                    continue;
                }
                Tok::RParen => {
                    self.close()?;
                    match self.ops.last() {
                        Some(Frame::Paren(open)) => {
                            let open = *open;
                            self.ops.pop();
                            self.open = self.open.saturating_sub(1);
                            if let Some(e) = self.out.last_mut() {
                                e.outer = open.to(span);
                            }
                            self.advance()?;
                        }
                        Some(Frame::Call { .. }) => self.end_call(1)?,
                        _ => return Err(self.unexpected(self.expected())),
                    }
                    continue;
                }
                Tok::RBrack => {
                    self.close()?;
                    self.end_list(1)?;
                    continue;
                }
                Tok::Eof => {
                    self.close()?;
                    if !self.ops.is_empty() {
                        return Err(self.unexpected(self.expected()));
                    }
                    return self.pop();
                }
                _ => return Err(self.unexpected(self.expected())),
            };
            // Left-associative: first reduce what binds at least as tightly.
            self.reduce(prec)?;
            self.ops.push(Frame::Bin(prec, op));
            self.advance()?;
            want = true;
        }
    }

    /// One step while expecting an operand: a prefix operator, an opening bracket, or a
    /// complete primary. Returns whether an operand is still expected.
    fn operand(&mut self, bare: &mut bool) -> Result<bool, ExprError> {
        let span = self.tok.span;
        let kind = match &self.tok.tok {
            Tok::Not | Tok::Minus => {
                if self.run + 1 >= self.max {
                    return Err(self.too_deep(span));
                }
                self.run += 1;
                self.ops.push(Frame::Prefix(self.tok.tok == Tok::Not, span));
                self.advance()?;
                return Ok(true);
            }
            Tok::LParen => {
                self.open(Frame::Paren(span))?;
                self.advance()?;
                return Ok(true);
            }
            Tok::LBrack => {
                self.open(Frame::List(span, 0))?;
                self.advance()?;
                if self.tok.tok == Tok::RBrack {
                    self.end_list(0)?;
                    return Ok(false);
                }
                return Ok(true);
            }
            Tok::Ident(name) => {
                let name = *name;
                self.advance()?;
                if self.tok.tok == Tok::LParen {
                    return self.call(name, span, span.start, false);
                }
                let start = super::offset(self.ast.segs.len());
                self.ast.segs.push(name);
                Kind::Path(Run { start, len: 1 })
            }
            Tok::Num(n) => Kind::Num(*n),
            Tok::Str(s) => Kind::Str(s.clone()),
            Tok::True => Kind::Bool(true),
            Tok::False => Kind::Bool(false),
            Tok::Null => Kind::Null,
            _ => return Err(self.unexpected("an expression")),
        };
        *bare = matches!(kind, Kind::Path(_));
        if !*bare {
            self.advance()?;
        }
        self.run = 0;
        self.leaf(kind, span);
        Ok(false)
    }

    /// `.name` after an operand: extends a bare path or starts a method call. Returns whether
    /// an operand is expected next.
    fn select(&mut self, bare: &mut bool) -> Result<bool, ExprError> {
        self.advance()?;
        let Tok::Ident(name) = self.tok.tok else {
            return Err(self.unexpected("a field or method name"));
        };
        let name_span = self.advance()?.span;
        if self.tok.tok == Tok::LParen {
            *bare = false;
            let start = self.out.last().map_or(name_span.start, |e| e.outer.start);
            return self.call(name, name_span, start, true);
        }
        // The path being extended is the last one read, so its segments end the list.
        let segs = super::offset(self.ast.segs.len());
        match self.out.last_mut() {
            Some(Expr {
                kind: Kind::Path(run),
                span,
                outer,
                ..
            }) if *bare && run.start + run.len == segs => {
                run.len += 1;
                self.ast.segs.push(name);
                *span = span.to(name_span);
                *outer = *span;
                Ok(false)
            }
            _ => Err(self.unexpected("`(`")),
        }
    }

    /// At the `(` of a call: opens it, or completes it at once when it has no arguments.
    fn call(
        &mut self,
        name: &'a str,
        name_span: Span,
        start: u32,
        method: bool,
    ) -> Result<bool, ExprError> {
        self.open(Frame::Call {
            name,
            name_span,
            start,
            method,
            args: 0,
        })?;
        self.advance()?;
        if self.tok.tok == Tok::RParen {
            self.end_call(0)?;
            return Ok(false);
        }
        Ok(true)
    }

    /// At the `)` of the call on top of the stack, `extra` arguments after the last comma.
    fn end_call(&mut self, extra: usize) -> Result<(), ExprError> {
        let Some(Frame::Call {
            name,
            name_span,
            start,
            method,
            args,
        }) = self.ops.pop()
        else {
            return Err(self.unexpected(self.expected()));
        };
        self.open = self.open.saturating_sub(1);
        let end = self.advance()?.span;
        let (args, mut d) = self.take_run(args + extra);
        let target = if method {
            let t = self.pop()?;
            d = d.max(Some(t.depth));
            Some(self.ast.add(t))
        } else {
            None
        };
        let d = d.unwrap_or(0);
        let span = Span::new(start, end.end);
        let call = Kind::Call {
            name,
            name_span,
            target,
            args,
        };
        let e = self.node(call, span, d)?;
        self.out.push(e);
        Ok(())
    }

    /// Moves the last `n` completed operands into the tree as one run; also gives the depth of
    /// the deepest (`None` for none).
    fn take_run(&mut self, n: usize) -> (Run, Option<usize>) {
        let at = self.out.len().saturating_sub(n);
        let depth = self
            .out
            .get(at..)
            .unwrap_or(&[])
            .iter()
            .map(|e| e.depth)
            .max();
        (self.ast.add_run(self.out.drain(at..)), depth)
    }

    /// At the `]` of a list, `extra` items after the last comma.
    fn end_list(&mut self, extra: usize) -> Result<(), ExprError> {
        let Some(Frame::List(open, n)) = self.ops.last() else {
            return Err(self.unexpected(self.expected()));
        };
        let (open, n) = (*open, *n);
        self.ops.pop();
        self.open = self.open.saturating_sub(1);
        let end = self.advance()?.span;
        let (items, d) = self.take_run(n + extra);
        let e = self.node(Kind::List(items), open.to(end), d.unwrap_or(0))?;
        self.out.push(e);
        Ok(())
    }

    /// Applies the prefix operators waiting for the operand just completed.
    fn prefixes(&mut self) -> Result<(), ExprError> {
        while let Some(&Frame::Prefix(not, op_span)) = self.ops.last() {
            self.ops.pop();
            let e = self.pop()?;
            let span = op_span.to(e.outer);
            let d = e.depth;
            let e = match (not, e.kind) {
                // Fold negative literals, so `-1` is a constant like `1`.
                (false, Kind::Num(n)) => Expr {
                    kind: Kind::Num(-n),
                    span,
                    outer: span,
                    depth: d,
                },
                (false, kind) => {
                    let x = self.ast.add(Expr { kind, ..e });
                    self.node(Kind::Neg(x), span, d)?
                }
                (true, kind) => {
                    let x = self.ast.add(Expr { kind, ..e });
                    self.node(Kind::Not(x), span, d)?
                }
            };
            self.out.push(e);
        }
        Ok(())
    }

    /// Reduces the binary operators on top of the stack binding at least as tightly as `min`.
    fn reduce(&mut self, min: u8) -> Result<(), ExprError> {
        while let Some(&Frame::Bin(prec, op)) = self.ops.last() {
            if prec < min {
                break;
            }
            self.ops.pop();
            let r = self.pop()?;
            let l = self.pop()?;
            let span = l.outer.to(r.outer);
            let (d, r_depth) = (l.depth.max(r.depth), r.depth);
            let e = match (op, l.kind) {
                (Some(op), kind) => {
                    let l = self.ast.add(Expr { kind, ..l });
                    let r = self.ast.add(r);
                    self.node(Kind::Binary(op, l, r), span, d)?
                }
                // Extend a chain of the same operator (`&&` and `||` are associative).
                (None, Kind::Logic(or, mut items)) if or == (prec == 0) => {
                    items.push(r);
                    self.node(Kind::Logic(or, items), span, r_depth.max(l.depth - 1))?
                }
                (None, kind) => {
                    let items = vec![Expr { kind, ..l }, r];
                    self.node(Kind::Logic(prec == 0, items), span, d)?
                }
            };
            self.out.push(e);
        }
        Ok(())
    }

    /// Completes everything up to the innermost open bracket or `?`: binary operators and
    /// finished `?:` expressions.
    fn close(&mut self) -> Result<(), ExprError> {
        loop {
            self.reduce(0)?;
            if !matches!(self.ops.last(), Some(Frame::Colon)) {
                return Ok(());
            }
            self.ops.pop();
            self.open = self.open.saturating_sub(1);
            let f = self.pop()?;
            let t = self.pop()?;
            let c = self.pop()?;
            let span = c.outer.to(f.outer);
            let d = c.depth.max(t.depth).max(f.depth);
            let (c, t, f) = (self.ast.add(c), self.ast.add(t), self.ast.add(f));
            let e = self.node(Kind::Cond(c, t, f), span, d)?;
            self.out.push(e);
        }
    }
}
