//! A small source scanner shared by the shape tests (`tests/architecture.rs`,
//! `tests/function_length.rs`): it splits Rust and JavaScript into the tokens that carry
//! structure (names, punctuation, `::`, `=>`, `->`), with their lines, and skips everything
//! that may hold a brace without being code: comments (nested in Rust), strings, raw strings,
//! byte strings, char literals (told apart from lifetimes), template literals (whose `${…}`
//! parts are code again) and regular expression literals.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

/// The language a text is scanned as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lang {
    /// Rust source.
    Rust,
    /// JavaScript (scripts and modules).
    Js,
}

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A name or keyword.
    Ident,
    /// A number.
    Number,
    /// A string, char, template or regex literal (its text is not kept).
    Literal,
    /// Punctuation: one character, or `::`, `=>`, `->`.
    Punct,
    /// A Rust lifetime such as `'a`.
    Lifetime,
}

/// One token and the (1-based) line it starts on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Its text (empty for literals).
    pub text: String,
    /// The line it starts on.
    pub line: usize,
}

impl Token {
    /// Whether this is the punctuation `p`.
    pub fn is(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    /// Whether this is the name or keyword `w`.
    pub fn is_word(&self, w: &str) -> bool {
        self.kind == Kind::Ident && self.text == w
    }
}

/// What the scanner is inside of, for braces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// A `{` in code.
    Brace,
    /// A `${` in a template literal: its `}` goes back into the template.
    Template,
}

struct Scanner<'a> {
    chars: Vec<char>,
    at: usize,
    line: usize,
    lang: Lang,
    out: Vec<Token>,
    opens: Vec<Open>,
    _text: &'a str,
}

const REGEX_AFTER_WORDS: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    /// Moves one character on, counting lines.
    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, kind: Kind, text: String, line: usize) {
        self.out.push(Token { kind, text, line });
    }

    /// Skips a quoted string whose opening quote was consumed; `\` escapes the next character.
    fn quoted(&mut self, quote: char) {
        while let Some(c) = self.bump() {
            if c == '\\' {
                self.bump();
            } else if c == quote {
                return;
            }
        }
    }

    /// Skips a Rust raw string from just after `r`: `#…#"…"#…#`.
    fn raw_string(&mut self) {
        let mut hashes = 0;
        while self.peek(0) == Some('#') {
            hashes += 1;
            self.bump();
        }
        self.bump(); // the opening quote
        while let Some(c) = self.bump() {
            if c == '"' && (0..hashes).all(|k| self.peek(k) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                return;
            }
        }
    }

    /// Skips a block comment whose `/*` was consumed (nested in Rust).
    fn block_comment(&mut self) {
        let mut depth = 1;
        while depth > 0 {
            match self.bump() {
                None => return,
                Some('*') if self.peek(0) == Some('/') => {
                    self.bump();
                    depth -= 1;
                }
                Some('/') if self.lang == Lang::Rust && self.peek(0) == Some('*') => {
                    self.bump();
                    depth += 1;
                }
                Some(_) => {}
            }
        }
    }

    /// Skips the text of a template literal up to its closing backtick or a `${`; returns
    /// `true` at a `${` (the code inside is scanned as code).
    fn template_text(&mut self) -> bool {
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '`' => return false,
                '$' if self.peek(0) == Some('{') => {
                    self.bump();
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// Skips a regular expression literal whose `/` was consumed, with its flags.
    fn regex(&mut self) {
        let mut class = false;
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '[' => class = true,
                ']' => class = false,
                '/' if !class => break,
                '\n' => break,
                _ => {}
            }
        }
        while self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
            self.bump();
        }
    }

    /// Whether a `/` here starts a regular expression (JavaScript), judged by the token
    /// before it: after a value (a name, number, literal, `)` or `]`) it divides.
    fn regex_allowed(&self) -> bool {
        match self.out.last() {
            None => true,
            Some(t) => match t.kind {
                Kind::Ident => REGEX_AFTER_WORDS.contains(&t.text.as_str()),
                Kind::Number | Kind::Literal | Kind::Lifetime => false,
                Kind::Punct => !(t.is(")") || t.is("]")),
            },
        }
    }

    /// At a `'` in Rust: a char literal (`'x'`, `'\n'`, `'\u{1F600}'`) or a lifetime (`'a`).
    fn quote_in_rust(&mut self, line: usize) {
        self.bump();
        let char_literal = self.peek(0) == Some('\\') || self.peek(1) == Some('\'');
        if char_literal {
            self.quoted('\'');
            self.push(Kind::Literal, String::new(), line);
        } else {
            let name = self.word();
            self.push(Kind::Lifetime, format!("'{name}"), line);
        }
    }

    fn word(&mut self) -> String {
        let mut s = String::new();
        while let Some(c) = self.peek(0) {
            if c.is_alphanumeric() || c == '_' || (c == '$' && self.lang == Lang::Js) {
                s.push(c);
                self.bump();
            } else {
                break;
            }
        }
        s
    }

    /// After a Rust word: `b"…"`, `b'…'`, `r"…"`, `r#"…"#`, `br"…"`, `c"…"` are literals.
    fn rust_prefixed_literal(&mut self, word: &str, line: usize) -> bool {
        let next = self.peek(0);
        let raw = matches!(word, "r" | "br" | "cr") && matches!(next, Some('"') | Some('#'));
        if raw && (next == Some('"') || self.peek(1) == Some('"') || self.peek(1) == Some('#')) {
            self.raw_string();
        } else if matches!(word, "b" | "c") && next == Some('"') {
            self.bump();
            self.quoted('"');
        } else if word == "b" && next == Some('\'') {
            self.bump();
            self.quoted('\'');
        } else {
            return false;
        }
        self.push(Kind::Literal, String::new(), line);
        true
    }

    fn run(&mut self) {
        while let Some(c) = self.peek(0) {
            let line = self.line;
            match c {
                c if c.is_whitespace() => {
                    self.bump();
                }
                '/' if self.peek(1) == Some('/') => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                '/' if self.peek(1) == Some('*') => {
                    self.bump();
                    self.bump();
                    self.block_comment();
                }
                '/' if self.lang == Lang::Js && self.regex_allowed() => {
                    self.bump();
                    self.regex();
                    self.push(Kind::Literal, String::new(), line);
                }
                '"' => {
                    self.bump();
                    self.quoted('"');
                    self.push(Kind::Literal, String::new(), line);
                }
                '\'' if self.lang == Lang::Rust => self.quote_in_rust(line),
                '\'' => {
                    self.bump();
                    self.quoted('\'');
                    self.push(Kind::Literal, String::new(), line);
                }
                '`' if self.lang == Lang::Js => {
                    self.bump();
                    self.template(line);
                }
                '}' if self.opens.last() == Some(&Open::Template) => {
                    self.bump();
                    self.opens.pop();
                    // Back in the template's text; it may open another `${`.
                    self.template(line);
                }
                c if c.is_alphabetic() || c == '_' || (c == '$' && self.lang == Lang::Js) => {
                    let w = self.word();
                    if self.lang == Lang::Rust && self.rust_prefixed_literal(&w, line) {
                        continue;
                    }
                    self.push(Kind::Ident, w, line);
                }
                c if c.is_ascii_digit() => {
                    let mut s = String::new();
                    while let Some(d) = self.peek(0) {
                        let dot_number =
                            d == '.' && self.peek(1).is_some_and(|n| n.is_ascii_digit());
                        if d.is_alphanumeric() || d == '_' || dot_number {
                            s.push(d);
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    self.push(Kind::Number, s, line);
                }
                _ => self.punct(c, line),
            }
        }
    }

    /// Scans template text from after a backtick or a `${…}`'s `}`; a `${` is pushed as an
    /// open and the code after it is scanned as code, a closing backtick ends the literal.
    fn template(&mut self, line: usize) {
        if self.template_text() {
            self.opens.push(Open::Template);
        } else {
            self.push(Kind::Literal, String::new(), line);
        }
    }

    fn punct(&mut self, c: char, line: usize) {
        self.bump();
        let two = match (c, self.peek(0)) {
            (':', Some(':')) if self.lang == Lang::Rust => Some("::"),
            ('=', Some('>')) => Some("=>"),
            ('-', Some('>')) if self.lang == Lang::Rust => Some("->"),
            _ => None,
        };
        if let Some(two) = two {
            self.bump();
            self.push(Kind::Punct, two.to_string(), line);
            return;
        }
        if c == '{' {
            self.opens.push(Open::Brace);
        } else if c == '}' {
            self.opens.pop();
        }
        self.push(Kind::Punct, c.to_string(), line);
    }
}

/// The structural tokens of `text`.
pub fn tokens(text: &str, lang: Lang) -> Vec<Token> {
    let mut s = Scanner {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
        lang,
        out: Vec::new(),
        opens: Vec::new(),
        _text: text,
    };
    s.run();
    s.out
}

/// For every opening `(`, `[` or `{` token, the index of its closing token (`None` when the
/// text is unbalanced there).
pub fn matching(tokens: &[Token]) -> Vec<Option<usize>> {
    let mut out = vec![None; tokens.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text.as_str() {
            "(" | "[" | "{" => stack.push(i),
            ")" | "]" | "}" => {
                if let Some(open) = stack.pop() {
                    out[open] = Some(i);
                    out[i] = Some(open);
                }
            }
            _ => {}
        }
    }
    out
}

/// One function found in a text: its name (or `<anonymous>`), and the lines from its
/// signature to its closing brace (or the end of an arrow function's expression body).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Function {
    /// The function's name, a method's name, the name an arrow function is assigned to, or
    /// `<anonymous>`.
    pub name: String,
    /// The line of the signature.
    pub start: usize,
    /// The line of the closing brace.
    pub end: usize,
}

impl Function {
    /// How many lines it spans, both ends included.
    pub fn lines(&self) -> usize {
        self.end + 1 - self.start
    }
}

/// Every Rust `fn` with a body: from the line of `fn` to its closing brace.
pub fn rust_functions(text: &str) -> Vec<Function> {
    let toks = tokens(text, Lang::Rust);
    let pairs = matching(&toks);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        // `fn(u8) -> u8` is a pointer type, not a function.
        let Some(name) = toks.get(i + 1).filter(|n| n.kind == Kind::Ident) else {
            continue;
        };
        if !t.is_word("fn") {
            continue;
        }
        let mut depth = 0i32;
        let mut body = None;
        for (j, u) in toks.iter().enumerate().skip(i + 2) {
            match u.text.as_str() {
                "(" | "[" if u.kind == Kind::Punct => depth += 1,
                ")" | "]" if u.kind == Kind::Punct => depth -= 1,
                "{" if u.kind == Kind::Punct && depth == 0 => {
                    body = Some(j);
                    break;
                }
                ";" if u.kind == Kind::Punct && depth == 0 => break,
                _ => {}
            }
        }
        if let Some(close) = body.and_then(|b| pairs[b]) {
            out.push(Function {
                name: name.text.clone(),
                start: t.line,
                end: toks[close].line,
            });
        }
    }
    out
}

/// Words that take a parenthesized head and then a block without being functions.
const JS_CONTROL: &[&str] = &["if", "for", "while", "switch", "catch", "with", "await"];

/// Words that begin a new statement: an arrow function's expression body ends before one
/// that starts a new line.
const JS_STATEMENT: &[&str] = &[
    "const", "let", "var", "function", "class", "export", "import", "return", "if", "for", "while",
    "async",
];

/// The name a function expression at token `at` is given by `name = …`, `name: …` or
/// `name(…)`, if any.
fn js_binding_name(toks: &[Token], at: usize) -> String {
    let mut k = at;
    // Step back over `async` and `function`, which come before the parameters.
    while k > 0 && (toks[k - 1].is_word("async") || toks[k - 1].is_word("function")) {
        k -= 1;
    }
    if k >= 2 && (toks[k - 1].is("=") || toks[k - 1].is(":")) && toks[k - 2].kind == Kind::Ident {
        return toks[k - 2].text.clone();
    }
    "<anonymous>".to_string()
}

/// Every JavaScript function: declarations and expressions (`function`), methods in classes
/// and object literals (`name(…) {`, with `get`, `set`, `static`, `async` or `*` before it),
/// and arrow functions, with a block body or an expression body. A class is not a function.
pub fn js_functions(text: &str) -> Vec<Function> {
    let toks = tokens(text, Lang::Js);
    let pairs = matching(&toks);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.is("{") {
            if let Some(f) = js_block_function(&toks, &pairs, i) {
                out.push(f);
            }
        } else if t.is("=>") && !toks.get(i + 1).is_some_and(|n| n.is("{")) {
            if let Some(f) = js_expression_arrow(&toks, &pairs, i) {
                out.push(f);
            }
        }
    }
    out
}

/// Where an arrow function's parameters start, given the index of its `=>`.
fn js_arrow_start(toks: &[Token], pairs: &[Option<usize>], arrow: usize) -> Option<usize> {
    let before = arrow.checked_sub(1)?;
    let mut start = if toks[before].is(")") {
        pairs[before]?
    } else {
        before
    };
    if start > 0 && toks[start - 1].is_word("async") {
        start -= 1;
    }
    Some(start)
}

/// The function whose body is the `{` at `open`, if that brace opens one.
fn js_block_function(toks: &[Token], pairs: &[Option<usize>], open: usize) -> Option<Function> {
    let close = pairs[open]?;
    let before = open.checked_sub(1)?;
    let (name, start) = if toks[before].is("=>") {
        let start = js_arrow_start(toks, pairs, before)?;
        (js_binding_name(toks, start), start)
    } else if toks[before].is(")") {
        let paren = pairs[before]?;
        let head = paren.checked_sub(1)?;
        let h = &toks[head];
        if h.is_word("function") {
            (js_binding_name(toks, head), head)
        } else if h.is("*") && head > 0 && toks[head - 1].is_word("function") {
            (js_binding_name(toks, head - 1), head - 1)
        } else if h.kind == Kind::Ident && !JS_CONTROL.contains(&h.text.as_str()) {
            (h.text.clone(), head)
        } else if h.is("]") {
            // A computed method name: `[Symbol.iterator]() {`.
            ("<computed>".to_string(), pairs[head]?)
        } else {
            return None;
        }
    } else {
        return None;
    };
    Some(Function {
        name,
        start: toks[start].line,
        end: toks[close].line,
    })
}

/// An arrow function with an expression body, given the index of its `=>`: the body runs to
/// the first `,` or `;` outside brackets, a bracket closing one opened before it, or a new line
/// that starts a statement.
fn js_expression_arrow(toks: &[Token], pairs: &[Option<usize>], arrow: usize) -> Option<Function> {
    let start = js_arrow_start(toks, pairs, arrow)?;
    let mut end = arrow;
    let mut k = arrow + 1;
    while let Some(t) = toks.get(k) {
        let opens = t.is("(") || t.is("[") || t.is("{");
        if opens {
            let close = pairs[k]?;
            end = close;
            k = close + 1;
            continue;
        }
        let stops = t.is(",") || t.is(";") || t.is(")") || t.is("]") || t.is("}");
        let new_statement = t.line > toks[end].line
            && t.kind == Kind::Ident
            && JS_STATEMENT.contains(&t.text.as_str());
        if stops || new_statement {
            break;
        }
        end = k;
        k += 1;
    }
    Some(Function {
        name: js_binding_name(toks, start),
        start: toks[start].line,
        end: toks[end].line,
    })
}

/// The first bracket that does not close or is not closed, as its line, or `None` when every
/// `(`, `[` and `{` in `tokens` closes with its own kind: a text the scanner misread (a string
/// or regex taken for code, or code for a string) rarely balances.
pub fn unbalanced(tokens: &[Token]) -> Option<usize> {
    let mut stack: Vec<&Token> = Vec::new();
    for t in tokens.iter().filter(|t| t.kind == Kind::Punct) {
        let want = match t.text.as_str() {
            "(" | "[" | "{" => {
                stack.push(t);
                continue;
            }
            ")" => "(",
            "]" => "[",
            "}" => "{",
            _ => continue,
        };
        match stack.pop() {
            Some(open) if open.text == want => {}
            _ => return Some(t.line),
        }
    }
    stack.first().map(|t| t.line)
}
