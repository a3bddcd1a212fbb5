//! The formats for programs: `--format json` (one JSON document, indented by two spaces as
//! `JSON.stringify(value, null, 2)` writes it) and `--format github` (GitHub Actions workflow
//! commands, one per problem, escaped as the runner reads them).

use crate::audience::report::is_hidden;
use crate::base::out::{to_json_with, Out};

use super::source::Located;
use super::summary::{sorted, Evaluated, Summary};

/// Writes one diagnostic as `{ code, message, path, help?, span?, line, column, endLine,
/// endColumn }` (the positions `null` for a file that could not be read).
fn diagnostic(l: &Located, out: &mut Out) {
    let d = &l.diagnostic;
    let p = l.place;
    let mut o = out.obj();
    o.field("code", d.code.as_str())
        .field("message", &d.message)
        .field("path", &d.path)
        .some("help", &d.help)
        .some("span", &d.span)
        .field("line", &p.map(|p| p.line))
        .field("column", &p.map(|p| p.column))
        .field("endLine", &p.map(|p| p.end_line))
        .field("endColumn", &p.map(|p| p.end_column));
    o.end();
}

fn list(items: &[Located], out: &mut Out) {
    out.list_some(&sorted(items), |l, out| {
        diagnostic(l, out);
        true
    });
}

/// The evaluation: `{ context, config, skipped }` or `{ context, config, currency,
/// callouts, suppressed }`.
fn evaluation(summary: &Summary, ev: &Evaluated, out: &mut Out) {
    let mut o = out.obj();
    o.field("context", &summary.context)
        .field("config", &summary.config);
    match ev {
        Evaluated::Skipped(why) => {
            o.field("skipped", *why);
        }
        Evaluated::Done {
            currency,
            evaluation,
        } => {
            o.field("currency", currency)
                .field("callouts", &evaluation.callouts);
            evaluation.write_suppressed(o.key("suppressed"));
        }
    }
    o.end();
}

/// The whole report as a JSON document (with its final line end).
pub(super) fn json(summary: &Summary) -> String {
    let compact = to_json_with(|out| {
        let mut o = out.obj();
        o.key("files").list_some(&summary.results, |r, out| {
            let mut f = out.obj();
            f.field("file", &r.name);
            list(&r.errors, f.key("errors"));
            list(&r.warnings, f.key("warnings"));
            f.end();
            true
        });
        o.field("errorCount", &summary.errors)
            .field("warningCount", &summary.warnings);
        if let Some(ev) = &summary.evaluation {
            evaluation(summary, ev, o.key("evaluation"));
        }
        o.end();
    });
    let mut out = indent(&compact);
    out.push('\n');
    out
}

/// Compact JSON text laid out as `JSON.stringify(value, null, 2)` lays it out: each member and
/// item on its own line, two spaces deeper than its container; `[]` and `{}` when empty.
pub(super) fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    if s == '\\' {
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    } else if s == '"' {
                        break;
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

/// Workflow command data: `%`, CR and LF as the runner reads them (`%25`, `%0D`, `%0A`), the
/// other characters a log would act on as `\u{…}`; in a property also `:` and `,`.
fn escape_command(s: &str, property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The report as GitHub Actions workflow commands (`::error file=…,line=…::message`), then
/// the totals.
pub(super) fn github(summary: &Summary) -> String {
    let mut out = String::new();
    for r in &summary.results {
        for (l, error) in r.by_position() {
            let d = &l.diagnostic;
            let mut props = format!("file={}", escape_command(&r.name, true));
            if let Some(p) = l.place {
                props.push_str(&format!(
                    ",line={},col={},endLine={},endColumn={}",
                    p.line, p.column, p.end_line, p.end_column
                ));
            }
            props.push_str(&format!(",title={}", escape_command(d.code.as_str(), true)));
            let message = match &d.help {
                Some(h) => format!("{}\nhelp: {h}", d.message),
                None => d.message.clone(),
            };
            let severity = if error { "error" } else { "warning" };
            out.push_str(&format!(
                "::{severity} {props}::{}\n",
                escape_command(&message, false)
            ));
        }
    }
    out.push_str(&summary.totals());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_as_json_stringify_does() {
        let compact = r#"{"a":[1,{"b":"x,y:[z]\"}"},[],{}],"c":null,"d":"\\"}"#;
        assert_eq!(
            indent(compact),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x,y:[z]\\\"}\"\n    },\n    [],\n    {}\n  ],\n  \"c\": null,\n  \"d\": \"\\\\\"\n}"
        );
        assert_eq!(indent("[]"), "[]");
    }

    #[test]
    fn workflow_commands_cannot_be_split_or_injected() {
        assert_eq!(escape_command("50%\r\n::x", false), "50%25%0D%0A::x");
        assert_eq!(escape_command("a,b:c", true), "a%2Cb%3Ac");
        assert_eq!(
            escape_command("\u{1b}[2J\u{202e}", false),
            "\\u{1b}[2J\\u{202e}"
        );
    }
}
