//! Writing a simulation's report as the command-line tool prints it: tables, JSON and CSV;
//! and diagnostic and problem lines for stderr. The native tool and the audience build (the
//! npm `upgrade-prompts` bin) both print through these functions, so the bytes agree.
//!
//! Text for a person or a CI log (the table, problem and diagnostic lines, error messages)
//! goes through [`printable`], so a value from a file can neither move the cursor, set a
//! terminal title, nor start a line of its own (a CI runner reads `::warning …::` at the start
//! of a line as a command). JSON and CSV are written as data, escaped by their own rules.

use std::borrow::Cow;
use std::io::{self, Write};

use super::input::FileProblem;
use super::simulate::{Opportunity, RuleReach, SimulationReport, Totals};
use super::sizing::{ExpectedMrr, NO_RATE};
use crate::base::diag::{path_text, Diagnostic};
use crate::base::out::to_json;
use crate::decide::recommend::Reason;

/// Whether `c` is shown as an escape: a control character (C0, DEL, C1, so also line breaks
/// and tabs), a Unicode line or paragraph separator, or a bidirectional control (which can
/// make a line read differently from what it holds).
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with each control character written as an escape (`\u{1b}` for ESC, `\u{a}` for a
/// line feed inside a value), so that one line of output stays one line and a terminal or CI
/// log shows the text instead of acting on it. Borrowed when there is nothing to escape.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `file: error[code] at path: message (help)`, with control characters escaped.
pub fn diagnostic_line(file: &str, d: &Diagnostic) -> String {
    printable(&diagnostic_text(file, "error", d)).into_owned()
}

/// [`diagnostic_line`] for a warning: `file: warning[code] …`.
pub fn warning_line(file: &str, d: &Diagnostic) -> String {
    printable(&diagnostic_text(file, "warning", d)).into_owned()
}

fn diagnostic_text(file: &str, severity: &str, d: &Diagnostic) -> String {
    let mut s = format!("{file}: {severity}[{}]", d.code);
    if !d.path.is_empty() {
        s.push_str(&format!(" at `{}`", path_text(&d.path)));
    }
    s.push_str(": ");
    s.push_str(&d.message);
    if let Some(h) = &d.help {
        s.push_str(&format!(" ({h})"));
    }
    s
}

/// `file:line:column: error[code]: message (help)`, with control characters escaped.
pub fn problem_line(file: &str, p: &FileProblem) -> String {
    printable(&problem_text(file, p)).into_owned()
}

fn problem_text(file: &str, p: &FileProblem) -> String {
    let mut s = file.to_owned();
    if let Some(l) = p.line {
        s.push_str(&format!(":{l}"));
    }
    if let Some(c) = p.column {
        if p.line.is_none() {
            s.push_str(" column ");
        } else {
            s.push(':');
        }
        s.push_str(&c.to_string());
    }
    s.push_str(&format!(
        ": error[{}]: {}",
        p.diagnostic.code, p.diagnostic.message
    ));
    if let Some(h) = &p.diagnostic.help {
        s.push_str(&format!(" ({h})"));
    }
    s
}

/// Accounts with errors in the report (rows that could not be read, and contexts with
/// problems).
pub fn account_errors(report: &SimulationReport) -> u64 {
    report.totals.accounts_with_errors
}

/// The JSON list of the input problems, each a diagnostic with `line` and `column` (1-based,
/// or `null`).
pub fn problems_json(problems: &[FileProblem]) -> String {
    let items: Vec<String> = problems
        .iter()
        .map(|p| {
            let d = to_json(&p.diagnostic);
            let opt = |n: Option<u64>| n.map_or_else(|| "null".to_owned(), |n| n.to_string());
            format!(
                "{},\"line\":{},\"column\":{}}}",
                d.strip_suffix('}').unwrap_or(&d),
                opt(p.line),
                opt(p.column)
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// The report's JSON with `inputErrors` added: problems with the whole file or a whole
/// column (each a diagnostic with `line` and `column`, 1-based, or `null`).
pub fn json(
    out: &mut impl Write,
    report: &SimulationReport,
    problems: &[FileProblem],
) -> io::Result<()> {
    let report = to_json(report);
    let body = report.strip_suffix('}').unwrap_or(&report);
    let sep = if body.ends_with('{') { "" } else { "," };
    writeln!(
        out,
        "{body}{sep}\"inputErrors\":{}}}",
        problems_json(problems)
    )
}

/// A whole number with thousands separators: `1,000,000`.
pub fn int(n: u64) -> String {
    crate::base::num::format_int(n)
}

/// Money with two decimals and thousands separators, and the currency code.
pub fn money(x: f64, currency: &str) -> String {
    let cents = (x.abs() * 100.0).round() as u64;
    let sign = if x < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}{}.{:02} {currency}", int(cents / 100), cents % 100)
}

fn share(n: u64, of: u64) -> String {
    if of == 0 {
        return String::new();
    }
    format!("{:.1} %", n as f64 * 100.0 / of as f64)
}

/// A table: a header row, then rows; columns listed in `right` are right-aligned. Cells go
/// through [`printable`].
///
/// # Errors
/// Writing fails.
pub fn grid(
    out: &mut impl Write,
    head: &[&str],
    rows: &[Vec<String>],
    right: &[usize],
) -> io::Result<()> {
    let rows: Vec<Vec<Cow<'_, str>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| printable(c)).collect())
        .collect();
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, cell) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| -> String {
        let mut s = String::from("  ");
        for (i, (cell, w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = w.saturating_sub(cell.chars().count());
            if right.contains(&i) {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            }
        }
        s.trim_end().to_owned()
    };
    if head.iter().any(|h| !h.is_empty()) {
        writeln!(out, "{}", line(&mut head.iter().copied()))?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        writeln!(out, "{}", line(&mut rule.iter().map(String::as_str)))?;
    }
    for r in &rows {
        writeln!(out, "{}", line(&mut r.iter().map(|c| c.as_ref())))?;
    }
    Ok(())
}

fn opt(s: Option<&str>) -> String {
    s.unwrap_or("-").to_owned()
}

fn opportunity_rows(list: &[Opportunity], currency: &str) -> Vec<Vec<String>> {
    list.iter()
        .enumerate()
        .map(|(i, o)| {
            let mut target = o.target.id.clone();
            if let Some(q) = o.target.quantity.filter(|q| *q > 1) {
                target.push_str(&format!(" ×{q}"));
            }
            vec![
                (i + 1).to_string(),
                opt(o.account_id.as_deref()),
                o.index.to_string(),
                opt(o.plan.as_deref()),
                o.rule.clone(),
                o.kind.as_str().to_owned(),
                target,
                if o.target.contact_sales && o.target.monthly_delta.is_none() {
                    "contact sales".to_owned()
                } else {
                    money(o.monthly_delta, currency)
                },
                if o.shown { "shown" } else { "held back" }.to_owned(),
                o.guard.map_or_else(
                    || "ready".to_owned(),
                    |g| Reason::Readiness(g).as_str().to_owned(),
                ),
            ]
        })
        .collect()
}

const OPPORTUNITY_HEAD: [&str; 10] = [
    "#",
    "account",
    "index",
    "plan",
    "rule",
    "kind",
    "target",
    "monthly",
    "status",
    "readiness",
];

/// The report as readable tables; `problems` are the input problems and `file` names the
/// accounts file.
pub fn table(
    out: &mut impl Write,
    r: &SimulationReport,
    problems: &[FileProblem],
    file: &str,
    currency: &str,
) -> io::Result<()> {
    let t = &r.totals;
    writeln!(out, "Simulation of {}", printable(file))?;
    writeln!(
        out,
        "  now {} (for contexts without one), horizon {} days, placement {}, top {}",
        crate::base::date::format(r.now),
        r.horizon_days,
        printable(r.placement.as_deref().unwrap_or("all")),
        r.top
    )?;
    if let Some(f) = &r.rates_file {
        writeln!(
            out,
            "  rates from {} (expected MRR = conversions/impressions of each shown callout × its monthly delta; 95 % Wilson interval)",
            printable(f)
        )?;
    }
    totals_table(out, t, currency)?;
    reach_table(out, r, currency)?;
    placements_table(out, r, t)?;
    readiness_table(out, r, t)?;
    for (what, list) in [
        ("expansion opportunities", &r.opportunities),
        ("downsells", &r.downsells),
    ] {
        writeln!(out, "\nTop {} {what}", list.len())?;
        if list.is_empty() {
            writeln!(out, "  none")?;
        } else {
            grid(
                out,
                &OPPORTUNITY_HEAD,
                &opportunity_rows(list, currency),
                &[0, 2, 7],
            )?;
        }
    }
    forecast_table(out, r, t)?;
    errors_table(out, r, t)?;
    if !problems.is_empty() {
        writeln!(out, "\nInput problems")?;
        for p in problems {
            writeln!(out, "  {}", problem_line(file, p))?;
        }
    }
    for w in &r.warnings {
        writeln!(out, "\nwarning[{}]: {}", w.code, printable(&w.message))?;
    }
    Ok(())
}

/// The totals.
fn totals_table(out: &mut impl Write, t: &Totals, currency: &str) -> io::Result<()> {
    writeln!(out, "\nTotals")?;
    let rows = vec![
        vec!["accounts read".to_owned(), int(t.accounts), String::new()],
        vec![
            "scored".to_owned(),
            int(t.evaluated),
            share(t.evaluated, t.accounts),
        ],
        vec![
            "with errors".to_owned(),
            int(t.accounts_with_errors),
            share(t.accounts_with_errors, t.accounts),
        ],
        vec![
            "  rows not readable (not scored)".to_owned(),
            int(t.error_rows),
            share(t.error_rows, t.accounts),
        ],
        vec![
            "shown at least one callout".to_owned(),
            int(t.accounts_with_callouts),
            share(t.accounts_with_callouts, t.accounts),
        ],
        vec!["callouts shown".to_owned(), int(t.callouts), String::new()],
        vec![
            "with an expansion opportunity".to_owned(),
            int(t.opportunity_accounts),
            share(t.opportunity_accounts, t.accounts),
        ],
        vec![
            "  potential monthly uplift".to_owned(),
            money(t.potential_monthly_uplift, currency),
            String::new(),
        ],
        vec![
            "with a downsell".to_owned(),
            int(t.downsell_accounts),
            share(t.downsell_accounts, t.accounts),
        ],
        vec![
            "  potential monthly savings".to_owned(),
            money(t.potential_monthly_savings, currency),
            String::new(),
        ],
    ];
    grid(out, &["", "", ""], &rows, &[1, 2])?;

    Ok(())
}

/// The expected-MRR cells of a rule: the value and its interval, or why there is none.
fn expected_cells(e: &ExpectedMrr, currency: &str) -> [String; 2] {
    match (e.value, e.low, e.high) {
        (Some(v), Some(l), Some(h)) => {
            let mut value = money(v, currency);
            if e.unrated > 0 {
                value.push_str(&format!(" (+{} unrated)", int(e.unrated)));
            }
            [
                value,
                format!("{} to {}", money(l, currency), money(h, currency)),
            ]
        }
        _ => [NO_RATE.to_owned(), "-".to_owned()],
    }
}

const REACH_HEAD: [&str; 7] = [
    "rule",
    "kind",
    "matched",
    "shown",
    "other placement",
    "suppressed",
    "by reason",
];

/// Rule reach, then the experiment arms (when a rule has an experiment).
fn reach_table(out: &mut impl Write, r: &SimulationReport, currency: &str) -> io::Result<()> {
    writeln!(out, "\nRule reach (callouts; suppressed by reason)")?;
    let rows: Vec<Vec<String>> = r
        .rules
        .iter()
        .map(|x| {
            let suppressed: Vec<String> = x
                .suppressed
                .iter()
                .map(|(reason, n)| format!("{} {}", reason.as_str(), int(*n)))
                .collect();
            let mut row = vec![
                x.rule.clone(),
                x.kind.as_str().to_owned(),
                int(x.matched),
                int(x.shown),
                int(x.other_placement),
                int(x.suppressed.iter().map(|(_, n)| n).sum()),
            ];
            if let Some(e) = &x.expected_mrr {
                row.extend(expected_cells(e, currency));
            }
            row.push(if suppressed.is_empty() {
                "-".to_owned()
            } else {
                suppressed.join(", ")
            });
            row
        })
        .collect();
    let mut head = REACH_HEAD.to_vec();
    if r.rates_file.is_some() {
        head.splice(6..6, ["expected MRR", "interval (95 %)"]);
    }
    grid(out, &head, &rows, &[2, 3, 4, 5])?;

    let experiments: Vec<Vec<String>> = r
        .rules
        .iter()
        .filter_map(|x| x.experiment.as_ref().map(|e| (x, e)))
        .flat_map(|(x, e)| {
            e.arms.iter().map(move |a| {
                vec![
                    x.rule.clone(),
                    e.key.clone(),
                    a.arm.clone(),
                    int(a.assigned),
                    int(a.exposed),
                ]
            })
        })
        .collect();
    if !experiments.is_empty() {
        writeln!(out, "\nExperiment arms")?;
        grid(
            out,
            &["rule", "experiment", "arm", "assigned", "exposed"],
            &experiments,
            &[3, 4],
        )?;
    }

    Ok(())
}

/// Accounts and callouts per placement.
fn placements_table(out: &mut impl Write, r: &SimulationReport, t: &Totals) -> io::Result<()> {
    writeln!(out, "\nPlacements")?;
    let rows: Vec<Vec<String>> = r
        .placements
        .iter()
        .map(|p| {
            vec![
                p.placement.clone(),
                int(p.accounts),
                share(p.accounts, t.accounts),
                int(p.callouts),
            ]
        })
        .collect();
    grid(
        out,
        &["placement", "accounts", "share", "callouts"],
        &rows,
        &[1, 2, 3],
    )?;

    Ok(())
}

/// Readiness for an upsell.
fn readiness_table(out: &mut impl Write, r: &SimulationReport, t: &Totals) -> io::Result<()> {
    writeln!(out, "\nReadiness for an upsell")?;
    let mut rows = vec![vec![
        "ready".to_owned(),
        int(r.readiness.ready),
        share(r.readiness.ready, t.accounts),
    ]];
    for (g, n) in &r.readiness.blocked {
        rows.push(vec![
            format!("blocked by {}", Reason::Readiness(*g).as_str()),
            int(*n),
            share(*n, t.accounts),
        ]);
    }
    rows.push(vec![
        "no readable plan".to_owned(),
        int(r.readiness.no_plan),
        share(r.readiness.no_plan, t.accounts),
    ]);
    grid(out, &["", "accounts", "share"], &rows, &[1, 2])?;

    Ok(())
}

/// The limit forecast and the accounts soonest to reach a limit.
fn forecast_table(out: &mut impl Write, r: &SimulationReport, t: &Totals) -> io::Result<()> {
    writeln!(
        out,
        "\nLimit forecast: accounts reaching a limit within {} days",
        r.horizon_days
    )?;
    let rows: Vec<Vec<String>> = r
        .limit_forecast
        .iter()
        .map(|f| {
            let soonest = f.soonest.first().map_or_else(
                || "-".to_owned(),
                |h| format!("{} ({})", opt(h.account_id.as_deref()), h.limit_date),
            );
            let metric = if f.credits {
                format!("{} (credits)", f.metric)
            } else {
                f.metric.clone()
            };
            vec![
                metric,
                f.label.clone(),
                int(f.accounts),
                share(f.accounts, t.accounts),
                int(f.at_or_over),
                soonest,
            ]
        })
        .collect();
    grid(
        out,
        &[
            "metric",
            "label",
            "will reach it",
            "share",
            "already at or over",
            "soonest",
        ],
        &rows,
        &[2, 3, 4],
    )?;
    if r.limit_forecast.iter().any(|f| f.credits) {
        writeln!(
            out,
            "(credits: balances that run out within the horizon at their burn rate, an estimate; \"already at or over\" = empty)"
        )?;
    }
    let hits: Vec<Vec<String>> = r
        .limit_forecast
        .iter()
        .flat_map(|f| f.soonest.iter())
        .map(|h| {
            vec![
                h.metric.clone(),
                opt(h.account_id.as_deref()),
                h.index.to_string(),
                opt(h.plan.as_deref()),
                format!("{}", h.days_to_limit),
                h.limit_date.clone(),
                format!("{}", h.used),
                format!("{}", h.limit),
            ]
        })
        .collect();
    if !hits.is_empty() {
        writeln!(out, "\nSoonest to reach a limit (per metric)")?;
        grid(
            out,
            &[
                "metric", "account", "index", "plan", "days", "date", "used", "limit",
            ],
            &hits,
            &[2, 4, 6, 7],
        )?;
    }

    Ok(())
}

/// The accounts with errors (the first ones).
fn errors_table(out: &mut impl Write, r: &SimulationReport, t: &Totals) -> io::Result<()> {
    if !r.errors.is_empty() {
        writeln!(
            out,
            "\nAccounts with errors (the first {} of {}; index = line for JSON Lines, data row for CSV and Parquet)",
            r.errors.len(),
            int(t.accounts_with_errors)
        )?;
        let rows: Vec<Vec<String>> = r
            .errors
            .iter()
            .map(|e| {
                vec![
                    e.index.to_string(),
                    opt(e.account_id.as_deref()),
                    e.error.code.as_str().to_owned(),
                    if e.error.path.is_empty() {
                        "-".to_owned()
                    } else {
                        path_text(&e.error.path)
                    },
                    e.error.message.clone(),
                ]
            })
            .collect();
        grid(
            out,
            &["index", "account", "code", "path", "message"],
            &rows,
            &[0],
        )?;
    }
    Ok(())
}

/// The opportunities, then the downsells, as CSV with a header. Every row goes through
/// [`crate::base::csv::row`], so no cell starts a formula in a spreadsheet.
pub fn csv(out: &mut impl Write, report: &SimulationReport) -> io::Result<()> {
    let mut line = |cells: &[&str]| {
        let mut row = crate::base::csv::row(cells.iter().copied());
        row.push('\n');
        out.write_all(row.as_bytes())
    };
    line(&[
        "list",
        "rank",
        "index",
        "account_id",
        "plan",
        "callout",
        "rule",
        "kind",
        "target_type",
        "target_id",
        "target_label",
        "quantity",
        "monthly_delta",
        "contact_sales",
        "shown",
        "ready",
        "guard",
    ])?;
    for (list, items) in [
        ("opportunity", &report.opportunities),
        ("downsell", &report.downsells),
    ] {
        for (i, o) in items.iter().enumerate() {
            let delta = o
                .target
                .monthly_delta
                .map_or_else(String::new, |_| crate::base::num::js(o.monthly_delta));
            let guard = o.guard.map_or("", |g| Reason::Readiness(g).as_str());
            line(&[
                list,
                &(i + 1).to_string(),
                &o.index.to_string(),
                o.account_id.as_deref().unwrap_or_default(),
                o.plan.as_deref().unwrap_or_default(),
                &o.callout,
                &o.rule,
                o.kind.as_str(),
                if o.target.plan { "plan" } else { "addon" },
                &o.target.id,
                &o.target.label,
                &o.target
                    .quantity
                    .map_or_else(String::new, |q| q.to_string()),
                &delta,
                if o.target.contact_sales {
                    "true"
                } else {
                    "false"
                },
                if o.shown { "true" } else { "false" },
                if o.ready { "true" } else { "false" },
                guard,
            ])?;
        }
    }
    out.flush()
}

/// The rule reach table as CSV: a header, then one row per rule (and built-in). The
/// suppression reasons are `reason:count` pairs joined by `;`; with rates, the expected MRR,
/// its interval and the reason when there is none.
pub fn reach_csv(out: &mut impl Write, report: &SimulationReport) -> io::Result<()> {
    let rates = report.rates_file.is_some();
    let mut head = vec![
        "rule",
        "kind",
        "builtin",
        "matched",
        "shown",
        "other_placement",
        "suppressed",
        "suppressed_by_reason",
    ];
    if rates {
        head.extend([
            "expected_mrr",
            "expected_mrr_low",
            "expected_mrr_high",
            "expected_mrr_note",
        ]);
    }
    let mut line = crate::base::csv::row(head.iter().copied());
    line.push('\n');
    out.write_all(line.as_bytes())?;
    for x in &report.rules {
        let cells = reach_cells(x, rates);
        let mut line = crate::base::csv::row(cells.iter().map(String::as_str));
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

fn reach_cells(x: &RuleReach, rates: bool) -> Vec<String> {
    let by_reason: Vec<String> = x
        .suppressed
        .iter()
        .map(|(r, n)| format!("{}:{n}", r.as_str()))
        .collect();
    let mut cells = vec![
        x.rule.clone(),
        x.kind.as_str().to_owned(),
        x.builtin.to_string(),
        x.matched.to_string(),
        x.shown.to_string(),
        x.other_placement.to_string(),
        x.suppressed.iter().map(|(_, n)| n).sum::<u64>().to_string(),
        by_reason.join(";"),
    ];
    if rates {
        let num = |v: Option<f64>| v.map_or_else(String::new, crate::base::num::js);
        let e = x.expected_mrr.as_ref();
        cells.push(num(e.and_then(|e| e.value)));
        cells.push(num(e.and_then(|e| e.low)));
        cells.push(num(e.and_then(|e| e.high)));
        cells.push(
            e.and_then(ExpectedMrr::reason)
                .unwrap_or_default()
                .to_owned(),
        );
    }
    cells
}
