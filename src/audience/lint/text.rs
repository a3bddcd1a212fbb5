//! `--format text`: each problem the way compilers print one (`file:line:col: error[code]:
//! message`, the source line with a caret under the span, the help), the evaluation of
//! `--context`, and the totals; in colour when asked. Every value from a file, a context or the
//! command line is shown through `report::printable`.

use crate::audience::report::printable;
use crate::base::num::js;
use crate::render::{Callout, Evaluation};

use super::excerpt::excerpt;
use super::source::{Located, Source};
use super::summary::{Evaluated, Summary};

/// The colours of the text format (SGR sequences), or none.
#[derive(Clone, Copy)]
pub(super) struct Paint {
    on: bool,
}

impl Paint {
    /// Colours when `on`.
    pub fn new(on: bool) -> Paint {
        Paint { on }
    }

    fn wrap(self, open: &str, close: &str, s: &str) -> String {
        if self.on {
            format!("\u{1b}[{open}m{s}\u{1b}[{close}m")
        } else {
            s.to_owned()
        }
    }

    fn error(self, s: &str) -> String {
        self.wrap("1;31", "0", s)
    }

    fn warning(self, s: &str) -> String {
        self.wrap("1;33", "0", s)
    }

    fn bold(self, s: &str) -> String {
        self.wrap("1", "22", s)
    }

    fn gutter(self, s: &str) -> String {
        self.wrap("1;34", "0", s)
    }

    fn help(self, s: &str) -> String {
        self.wrap("1;36", "0", s)
    }
}

/// The whole report in the text format.
pub(super) fn format(summary: &Summary, paint: Paint) -> String {
    let mut out = String::new();
    for r in &summary.results {
        for (l, error) in r.by_position() {
            diagnostic(&mut out, &r.name, r.source.as_ref(), l, error, paint);
            out.push('\n');
        }
    }
    if let Some(ev) = &summary.evaluation {
        evaluation(&mut out, summary, ev, paint);
        out.push('\n');
    }
    let totals = summary.totals();
    out.push_str(&if summary.errors > 0 {
        paint.error(&totals)
    } else if summary.warnings > 0 {
        paint.warning(&totals)
    } else {
        paint.bold(&totals)
    });
    out.push('\n');
    out
}

/// One problem: its header line, then its source line and caret, then its help.
fn diagnostic(
    out: &mut String,
    file: &str,
    source: Option<&Source>,
    l: &Located,
    error: bool,
    paint: Paint,
) {
    let d = &l.diagnostic;
    let name = printable(file);
    let place = l.place;
    let at = match place {
        Some(p) => format!("{name}:{}:{}:", p.line, p.column),
        None => format!("{name}:"),
    };
    let code = printable(d.code.as_str());
    let label = if error {
        paint.error(&format!("error[{code}]"))
    } else {
        paint.warning(&format!("warning[{code}]"))
    };
    out.push_str(&format!(
        "{} {label}: {}\n",
        paint.bold(&at),
        paint.bold(&printable(&d.message))
    ));
    let help = d
        .help
        .as_deref()
        .map(|h| format!("{}: {}\n", paint.help("help"), printable(h)));
    let (Some(p), Some(source)) = (place, source) else {
        if let Some(h) = help {
            out.push_str(&format!("  {} {h}", paint.gutter("=")));
        }
        return;
    };
    let (line_start, line_end) = source.line_bounds(p.line);
    let line = source.text.get(line_start..line_end).unwrap_or("");
    let end = if p.end_line == p.line {
        p.end.saturating_sub(line_start)
    } else {
        line.len()
    };
    let e = excerpt(line, p.start.saturating_sub(line_start), end);
    let number = p.line.to_string();
    let pad = " ".repeat(number.len());
    let caret = "^".repeat(e.caret_width);
    let caret = if error {
        paint.error(&caret)
    } else {
        paint.warning(&caret)
    };
    out.push_str(&format!("{}\n", paint.gutter(&format!("{pad} |"))));
    out.push_str(&format!(
        "{} {}\n",
        paint.gutter(&format!("{number} |")),
        e.shown
    ));
    out.push_str(&format!(
        "{} {}{caret}\n",
        paint.gutter(&format!("{pad} |")),
        " ".repeat(e.caret_pad)
    ));
    if let Some(h) = help {
        out.push_str(&format!("{} {h}", paint.gutter(&format!("{pad} ="))));
    }
}

/// `+40`, `-5`: a monthly change of the bill.
fn signed(n: f64) -> String {
    if n < 0.0 {
        format!("-{}", js(-n))
    } else {
        format!("+{}", js(n))
    }
}

/// The evaluation of `--context`: the callouts with their texts, targets and reasons, then the
/// suppressed callouts with their reasons.
fn evaluation(out: &mut String, summary: &Summary, ev: &Evaluated, paint: Paint) {
    let heading = format!(
        "evaluation of {} with {}",
        printable(&summary.context),
        printable(&summary.config)
    );
    out.push_str(&paint.bold(&heading));
    out.push('\n');
    let (currency, ev) = match ev {
        Evaluated::Skipped(why) => {
            out.push_str(&format!("  not evaluated: {why}\n"));
            return;
        }
        Evaluated::Done {
            currency,
            evaluation,
        } => (currency, evaluation),
    };
    out.push_str(&paint.bold(&format!("callouts ({})", ev.callouts.len())));
    out.push('\n');
    if ev.callouts.is_empty() {
        out.push_str("  none\n");
    }
    for (n, c) in ev.callouts.iter().enumerate() {
        callout(out, n + 1, c, currency, paint);
    }
    suppressed(out, ev, paint);
}

/// One callout of the evaluation.
fn callout(out: &mut String, n: usize, c: &Callout, currency: &str, paint: Paint) {
    let p = |s: &str| printable(s).into_owned();
    out.push_str(&format!(
        "  {n}. {}: {} in {}, {}, priority {}\n",
        paint.bold(&p(&c.id)),
        c.kind.as_str(),
        p(&c.placement),
        c.severity.as_str(),
        js(c.priority)
    ));
    out.push_str(&format!("     title: {}\n", p(&c.title)));
    out.push_str(&format!("     body:  {}\n", p(&c.body)));
    let url = match c.cta.url.as_deref() {
        Some(u) if !u.is_empty() => format!(", {}", p(u)),
        _ => String::new(),
    };
    out.push_str(&format!(
        "     cta:   {} ({}{url})\n",
        p(&c.cta.label),
        c.cta.action.as_str()
    ));
    if let Some(t) = &c.target {
        let price = match t.monthly_delta {
            _ if t.contact_sales => String::from("contact sales"),
            None => String::from("price unknown"),
            Some(d) => format!("{} {} a month", signed(d), p(currency)),
        };
        let quantity = t.quantity.map_or(String::new(), |q| format!(" × {q}"));
        out.push_str(&format!(
            "     target: {} `{}`{quantity} ({}, {price})\n",
            if t.plan { "plan" } else { "addon" },
            p(&t.id),
            p(&t.label)
        ));
    }
    if let Some(x) = &c.experiment {
        let variant = x
            .variant
            .as_deref()
            .map_or(String::from("none"), |v| format!("`{}`", p(v)));
        let holdout = if x.holdout { " (holdout)" } else { "" };
        out.push_str(&format!(
            "     experiment: `{}`, variant {variant}{holdout}\n",
            p(&x.key)
        ));
    }
    for why in &c.reasons {
        out.push_str(&format!("     why: {}\n", p(why)));
    }
}

/// The suppressed callouts of the evaluation.
fn suppressed(out: &mut String, ev: &Evaluation, paint: Paint) {
    out.push_str(&paint.bold(&format!("suppressed ({})", ev.suppressed.len())));
    out.push('\n');
    if ev.suppressed.is_empty() {
        out.push_str("  none\n");
    }
    for s in &ev.suppressed {
        let experiment = match &s.experiment {
            None => String::new(),
            Some(x) => match x.variant.as_deref() {
                None => format!(" (experiment `{}`)", x.key),
                Some(v) => format!(" (experiment `{}`, variant `{v}`)", x.key),
            },
        };
        let line = format!(
            "  {} ({}): {}{experiment}",
            s.callout(&ev.catalog),
            s.rule(&ev.catalog),
            s.reason.as_str()
        );
        out.push_str(&printable(&line));
        out.push('\n');
    }
}
