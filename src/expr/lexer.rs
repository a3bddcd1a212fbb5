//! Splits an expression into tokens, one at a time, tracking character (not byte) offsets.

use std::rc::Rc;

use super::{offset, quote_help, Code, ExprError, Span};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok<'a> {
    Num(f64),
    Str(Rc<str>),
    Ident(&'a str),
    True,
    False,
    Null,
    In,
    LParen,
    RParen,
    LBrack,
    RBrack,
    Comma,
    Dot,
    Question,
    Colon,
    Not,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    And,
    Or,
    Eof,
}

#[derive(Clone, Debug)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    pub span: Span,
    /// The token's source text.
    pub text: &'a str,
}

pub(crate) struct Lexer<'a> {
    src: &'a str,
    /// Byte offset of the next character.
    pos: usize,
    /// Character offset of the next character.
    at: u32,
    /// The last token was a `.`: a path segment may start with a digit (`windows.5h`).
    after_dot: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            at: 0,
            after_dot: false,
        }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        // ASCII without decoding; anything else through `chars`.
        match self.src.as_bytes().get(self.pos) {
            Some(b) if b.is_ascii() => Some(char::from(*b)),
            Some(_) => self.rest().chars().next(),
            None => None,
        }
    }

    fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        self.at = self.at.saturating_add(1);
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.bump();
        }
        hit
    }

    /// Skips ASCII bytes that `f` accepts (every set the lexer skips is ASCII, so a byte is a
    /// character here).
    fn eat_while(&mut self, f: impl Fn(u8) -> bool) {
        let b = self.src.as_bytes();
        let start = self.pos;
        while b.get(self.pos).is_some_and(|&c| c.is_ascii() && f(c)) {
            self.pos += 1;
        }
        self.at = self.at.saturating_add(offset(self.pos - start));
    }

    fn since(&self, start: usize) -> &'a str {
        self.src.get(start..self.pos).unwrap_or("")
    }

    /// The next token, or the first lexical error.
    pub fn next(&mut self) -> Result<Token<'a>, ExprError> {
        self.eat_while(|c| c.is_ascii_whitespace());
        let (start, at) = (self.pos, self.at);
        let after_dot = std::mem::take(&mut self.after_dot);
        let Some(c) = self.bump() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: Span::new(at, at),
                text: "",
            });
        };
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            '[' => Tok::LBrack,
            ']' => Tok::RBrack,
            ',' => Tok::Comma,
            '.' => {
                self.after_dot = true;
                Tok::Dot
            }
            '?' => Tok::Question,
            ':' => Tok::Colon,
            '-' => Tok::Minus,
            '+' => Tok::Plus,
            '*' => Tok::Star,
            '/' => Tok::Slash,
            '%' => Tok::Percent,
            '!' if self.eat('=') => Tok::Ne,
            '!' => Tok::Not,
            '<' if self.eat('=') => Tok::Le,
            '<' => Tok::Lt,
            '>' if self.eat('=') => Tok::Ge,
            '>' => Tok::Gt,
            '=' if self.eat('=') => Tok::EqEq,
            '&' if self.eat('&') => Tok::And,
            '|' if self.eat('|') => Tok::Or,
            '=' | '&' | '|' => {
                let fix = match c {
                    '=' => "==",
                    '&' => "&&",
                    _ => "||",
                };
                return Err(self.unexpected(c, at).help(Some(quote_help(fix))));
            }
            '\'' | '"' => return self.string(c, at),
            '0'..='9' if after_dot => {
                self.eat_while(|c| c == b'_' || c.is_ascii_alphanumeric());
                Tok::Ident(self.since(start))
            }
            '0'..='9' => return self.number(start, at),
            c if c == '_' || c.is_ascii_alphabetic() => {
                self.eat_while(|c| c == b'_' || c.is_ascii_alphanumeric());
                match self.since(start) {
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "null" => Tok::Null,
                    "in" => Tok::In,
                    name => Tok::Ident(name),
                }
            }
            _ => return Err(self.unexpected(c, at)),
        };
        Ok(self.token(tok, start, at))
    }

    fn token(&self, tok: Tok<'a>, start: usize, at: u32) -> Token<'a> {
        Token {
            tok,
            span: Span::new(at, self.at),
            text: self.since(start),
        }
    }

    fn unexpected(&self, c: char, at: u32) -> ExprError {
        ExprError::new(
            Code::SyntaxError,
            format!("unexpected character `{c}`"),
            Span::new(at, self.at),
        )
    }

    fn number(&mut self, start: usize, at: u32) -> Result<Token<'a>, ExprError> {
        let digit = |c: char| c.is_ascii_digit();
        self.eat_while(|c| c.is_ascii_digit());
        if self.peek() == Some('.') && self.peek2().is_some_and(digit) {
            self.bump();
            self.eat_while(|c| c.is_ascii_digit());
        }
        let mut bad = false;
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            bad = !self.peek().is_some_and(digit);
            self.eat_while(|c| c.is_ascii_digit());
        }
        // A number glued to letters or to another fraction (`0x1f`, `5kb`, `1.2.3`) is one bad
        // number rather than a confusing sequence of tokens.
        while let Some(c) = self.peek() {
            if c == '_'
                || c.is_ascii_alphanumeric()
                || (c == '.' && self.peek2().is_some_and(digit))
            {
                bad = true;
                self.bump();
            } else {
                break;
            }
        }
        let text = self.since(start);
        match crate::base::float::parse_f64(text) {
            Some(n) if !bad && n.is_finite() => Ok(self.token(Tok::Num(n), start, at)),
            _ => Err(ExprError::new(
                Code::InvalidNumber,
                format!("invalid number `{text}`"),
                Span::new(at, self.at),
            )),
        }
    }

    fn string(&mut self, quote: char, at: u32) -> Result<Token<'a>, ExprError> {
        let start = self.pos - quote.len_utf8();
        // Fast path: no escape before the closing quote, so the text is a slice of the source.
        let rest = self.rest().as_bytes();
        if let Some(end) = rest.iter().position(|&b| b == quote as u8 || b == b'\\') {
            if rest.get(end) == Some(&(quote as u8)) {
                let text = self.rest().get(..end).unwrap_or("");
                self.pos += end + 1;
                let chars = text.chars().count() as u32;
                self.at = self.at.saturating_add(chars).saturating_add(1);
                return Ok(self.token(Tok::Str(text.into()), start, at));
            }
        }
        let mut out = String::new();
        loop {
            let (esc_start, esc_at) = (self.pos, self.at);
            let c = match self.bump() {
                None => break,
                Some(c) if c == quote => {
                    return Ok(self.token(Tok::Str(out.into()), start, at));
                }
                Some('\\') => match self.bump() {
                    None => break,
                    Some('\\') => Some('\\'),
                    Some('\'') => Some('\''),
                    Some('"') => Some('"'),
                    Some('n') => Some('\n'),
                    Some('t') => Some('\t'),
                    Some('r') => Some('\r'),
                    Some('u') => self.hex4(),
                    Some(_) => None,
                },
                Some(c) => Some(c),
            };
            match c {
                Some(c) => out.push(c),
                None => {
                    return Err(ExprError::new(
                        Code::SyntaxError,
                        format!("invalid escape `{}` in string", self.since(esc_start)),
                        Span::new(esc_at, self.at),
                    ))
                }
            }
        }
        Err(ExprError::new(
            Code::UnterminatedString,
            format!("unterminated string, expected a closing `{quote}`"),
            Span::new(at, self.at),
        ))
    }

    /// The character of a `\uXXXX` escape after the `u`.
    fn hex4(&mut self) -> Option<char> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.peek().and_then(|c| c.to_digit(16))?;
            self.bump();
            v = v * 16 + d;
        }
        char::from_u32(v)
    }
}
