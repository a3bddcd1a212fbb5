//! Recursive-descent parser producing a syntax tree with character spans.
//!
//! Grammar, lowest precedence first (as in CEL):
//! `expr = or ["?" expr ":" expr]`, `or = and {"||" and}`, `and = rel {"&&" rel}`,
//! `rel = add {("<"|"<="|">"|">="|"=="|"!="|"in") add}`, `add = mul {("+"|"-") mul}`,
//! `mul = unary {("*"|"/"|"%") unary}`, `unary = {"!"|"-"} member`,
//! `member = primary {"." IDENT ["(" args ")"]}`,
//! `primary = literal | IDENT ["(" args ")"] | "(" expr ")" | "[" [expr {"," expr} [","]] "]"`.
//!
//! Nesting is bounded twice: the recursion through `expr` (parentheses, lists, arguments,
//! `?:` branches) and the depth of the tree built by operator chains both stop at
//! `Limits::max_depth`, so neither this parser nor the later recursive passes can overflow.

use std::rc::Rc;

use super::lexer::{Lexer, Tok, Token};
use super::program::Op;
use super::{offset, quote_help, ExprError, Limits, Span, MAX_DEPTH};

#[derive(Debug)]
pub(crate) struct Expr<'a> {
    pub kind: Kind<'a>,
    pub span: Span,
    /// Height of the tree rooted here (a leaf is 1).
    depth: usize,
}

#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Num(f64),
    Str(Rc<str>),
    Bool(bool),
    Null,
    List(Vec<Expr<'a>>),
    /// A dotted path such as `usage.seats.ratio`.
    Path(Vec<&'a str>),
    Not(Box<Expr<'a>>),
    Neg(Box<Expr<'a>>),
    Binary(Op, Box<Expr<'a>>, Box<Expr<'a>>),
    /// A chain of `||` (true) or `&&` (false).
    Logic(bool, Vec<Expr<'a>>),
    Cond(Box<Expr<'a>>, Box<Expr<'a>>, Box<Expr<'a>>),
    Call {
        name: &'a str,
        name_span: Span,
        target: Option<Box<Expr<'a>>>,
        args: Vec<Expr<'a>>,
    },
}

/// Parses a whole expression.
pub(crate) fn parse<'a>(src: &'a str, limits: &Limits) -> Result<Expr<'a>, ExprError> {
    if src.chars().nth(limits.max_len).is_some() {
        let len = src.chars().count();
        return Err(ExprError::new(
            "too_long",
            format!("expression is longer than {} characters", limits.max_len),
            Span::new(offset(limits.max_len), offset(len)),
        ));
    }
    let mut lexer = Lexer::new(src);
    let tok = lexer.next()?;
    let mut p = Parser {
        lexer,
        tok,
        level: 0,
        max: limits.max_depth.min(MAX_DEPTH),
    };
    let e = p.expr()?;
    if p.tok.tok != Tok::Eof {
        return Err(p.unexpected("an operator or the end of the expression"));
    }
    Ok(e)
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    tok: Token<'a>,
    /// Current recursion through `expr`.
    level: usize,
    max: usize,
}

impl<'a> Parser<'a> {
    fn advance(&mut self) -> Result<Token<'a>, ExprError> {
        let next = self.lexer.next()?;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn eat(&mut self, t: &Tok<'_>) -> Result<bool, ExprError> {
        let hit = self.tok.tok == *t;
        if hit {
            self.advance()?;
        }
        Ok(hit)
    }

    fn expect(&mut self, t: &Tok<'_>, what: &str) -> Result<Token<'a>, ExprError> {
        if self.tok.tok == *t {
            self.advance()
        } else {
            Err(self.unexpected(what))
        }
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
            "syntax_error",
            format!("unexpected {found}, expected {expected}"),
            self.tok.span,
        )
        .help(help)
    }

    fn too_deep(&self, span: Span) -> ExprError {
        ExprError::new(
            "too_deep",
            format!("expression is nested more than {} levels deep", self.max),
            span,
        )
    }

    /// A node over children of the given depths, refused when the tree gets too deep.
    fn node(&self, kind: Kind<'a>, span: Span, child_depth: usize) -> Result<Expr<'a>, ExprError> {
        let depth = child_depth + 1;
        if depth > self.max {
            return Err(self.too_deep(span));
        }
        Ok(Expr { kind, span, depth })
    }

    fn expr(&mut self) -> Result<Expr<'a>, ExprError> {
        if self.level >= self.max {
            return Err(self.too_deep(self.tok.span));
        }
        self.level += 1;
        let e = self.ternary();
        self.level -= 1;
        e
    }

    fn ternary(&mut self) -> Result<Expr<'a>, ExprError> {
        let c = self.logic(true)?;
        if !self.eat(&Tok::Question)? {
            return Ok(c);
        }
        let t = self.expr()?;
        self.expect(&Tok::Colon, "`:`")?;
        let f = self.expr()?;
        let span = c.span.to(f.span);
        let d = c.depth.max(t.depth).max(f.depth);
        self.node(Kind::Cond(Box::new(c), Box::new(t), Box::new(f)), span, d)
    }

    /// `||` chains (`or`) over `&&` chains over relations, each chain one node.
    fn logic(&mut self, or: bool) -> Result<Expr<'a>, ExprError> {
        let sub = |p: &mut Self| if or { p.logic(false) } else { p.binary(0) };
        let first = sub(self)?;
        let op = if or { Tok::Or } else { Tok::And };
        if self.tok.tok != op {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(&op)? {
            items.push(sub(self)?);
        }
        let (mut span, mut d) = (self.tok.span, 0);
        if let (Some(a), Some(b)) = (items.first(), items.last()) {
            span = a.span.to(b.span);
        }
        for it in &items {
            d = d.max(it.depth);
        }
        self.node(Kind::Logic(or, items), span, d)
    }

    /// Left-associative binary levels: 0 relations, 1 additive, 2 multiplicative.
    fn binary(&mut self, level: u8) -> Result<Expr<'a>, ExprError> {
        if level > 2 {
            return self.unary();
        }
        let mut l = self.binary(level + 1)?;
        loop {
            let op = match (level, &self.tok.tok) {
                (0, Tok::Lt) => Op::Lt,
                (0, Tok::Le) => Op::Le,
                (0, Tok::Gt) => Op::Gt,
                (0, Tok::Ge) => Op::Ge,
                (0, Tok::EqEq) => Op::Eq,
                (0, Tok::Ne) => Op::Ne,
                (0, Tok::In) => Op::In,
                (1, Tok::Plus) => Op::Add,
                (1, Tok::Minus) => Op::Sub,
                (2, Tok::Star) => Op::Mul,
                (2, Tok::Slash) => Op::Div,
                (2, Tok::Percent) => Op::Rem,
                _ => return Ok(l),
            };
            self.advance()?;
            let r = self.binary(level + 1)?;
            let span = l.span.to(r.span);
            let d = l.depth.max(r.depth);
            l = self.node(Kind::Binary(op, Box::new(l), Box::new(r)), span, d)?;
        }
    }

    fn unary(&mut self) -> Result<Expr<'a>, ExprError> {
        let mut ops = Vec::new();
        while matches!(self.tok.tok, Tok::Not | Tok::Minus) {
            if ops.len() >= self.max {
                return Err(self.too_deep(self.tok.span));
            }
            ops.push(self.advance()?);
        }
        let mut e = self.member()?;
        for op in ops.into_iter().rev() {
            let span = op.span.to(e.span);
            e = match (op.tok, e.kind) {
                // Fold negative literals, so `-1` is a constant like `1`.
                (Tok::Minus, Kind::Num(n)) => Expr {
                    kind: Kind::Num(-n),
                    span,
                    depth: e.depth,
                },
                (Tok::Minus, kind) => {
                    let inner = Expr { kind, ..e };
                    let d = inner.depth;
                    self.node(Kind::Neg(Box::new(inner)), span, d)?
                }
                (_, kind) => {
                    let inner = Expr { kind, ..e };
                    let d = inner.depth;
                    self.node(Kind::Not(Box::new(inner)), span, d)?
                }
            };
        }
        Ok(e)
    }

    /// A primary followed by field selections (paths only) and method calls.
    fn member(&mut self) -> Result<Expr<'a>, ExprError> {
        let mut is_path = matches!(self.tok.tok, Tok::Ident(_));
        let mut e = self.primary()?;
        is_path &= matches!(e.kind, Kind::Path(_));
        while self.eat(&Tok::Dot)? {
            let Tok::Ident(name) = self.tok.tok else {
                return Err(self.unexpected("a field or method name"));
            };
            let name_span = self.advance()?.span;
            if self.tok.tok == Tok::LParen {
                let (args, end, d) = self.args()?;
                let span = e.span.to(end);
                let d = d.max(e.depth);
                let target = Some(Box::new(e));
                e = self.node(
                    Kind::Call {
                        name,
                        name_span,
                        target,
                        args,
                    },
                    span,
                    d,
                )?;
                is_path = false;
            } else if let (true, Kind::Path(segs)) = (is_path, &mut e.kind) {
                segs.push(name);
                e.span = e.span.to(name_span);
            } else {
                return Err(self.unexpected("`(`"));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr<'a>, ExprError> {
        let leaf = |kind, span| Expr {
            kind,
            span,
            depth: 1,
        };
        let span = self.tok.span;
        let kind = match &self.tok.tok {
            Tok::Num(n) => Kind::Num(*n),
            Tok::Str(s) => Kind::Str(s.clone()),
            Tok::True => Kind::Bool(true),
            Tok::False => Kind::Bool(false),
            Tok::Null => Kind::Null,
            Tok::Ident(name) => {
                let name = *name;
                self.advance()?;
                if self.tok.tok != Tok::LParen {
                    return Ok(leaf(Kind::Path(vec![name]), span));
                }
                let (args, end, d) = self.args()?;
                let call = Kind::Call {
                    name,
                    name_span: span,
                    target: None,
                    args,
                };
                return self.node(call, span.to(end), d);
            }
            Tok::LParen => {
                self.advance()?;
                let e = self.expr()?;
                self.expect(&Tok::RParen, "`)`")?;
                return Ok(e);
            }
            Tok::LBrack => {
                self.advance()?;
                let mut items = Vec::new();
                let mut d = 0;
                while self.tok.tok != Tok::RBrack {
                    let item = self.expr()?;
                    d = d.max(item.depth);
                    items.push(item);
                    if !self.eat(&Tok::Comma)? {
                        break;
                    }
                }
                let end = self.expect(&Tok::RBrack, "`,` or `]`")?.span;
                return self.node(Kind::List(items), span.to(end), d);
            }
            _ => return Err(self.unexpected("an expression")),
        };
        self.advance()?;
        Ok(leaf(kind, span))
    }

    /// `( [expr {, expr}] )` after a function name: the arguments, the closing span and the
    /// deepest argument.
    fn args(&mut self) -> Result<(Vec<Expr<'a>>, Span, usize), ExprError> {
        self.expect(&Tok::LParen, "`(`")?;
        let mut args = Vec::new();
        let mut d = 0;
        if self.tok.tok != Tok::RParen {
            loop {
                let a = self.expr()?;
                d = d.max(a.depth);
                args.push(a);
                if !self.eat(&Tok::Comma)? {
                    break;
                }
            }
        }
        let end = self.expect(&Tok::RParen, "`,` or `)`")?.span;
        Ok((args, end, d))
    }
}
