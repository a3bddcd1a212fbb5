//! Writing the outcome report as the command-line tool prints it: readable tables, JSON (the
//! report plus `inputErrors`) and CSV (one row per experiment arm). Both programs print
//! through these functions, so the bytes agree; text for a terminal goes through
//! [`printable`] as the other reports' does.

use std::io::{self, Write};

use super::report::{AnalysisReport, ArmResult, Counts, ExperimentResult};
use crate::audience::input::FileProblem;
use crate::audience::report::{grid, int, money, printable, problem_line, problems_json};
use crate::base::date;
use crate::base::diag::path_text;
use crate::base::num::js;
use crate::base::out::to_json;

/// The report's JSON with `inputErrors` added (problems with the whole file or a column).
///
/// # Errors
/// Writing fails.
pub fn json(
    out: &mut impl Write,
    report: &AnalysisReport,
    problems: &[FileProblem],
) -> io::Result<()> {
    let report = to_json(report);
    let body = report.strip_suffix('}').unwrap_or(&report);
    writeln!(out, "{body},\"inputErrors\":{}}}", problems_json(problems))
}

/// `12.34 %`.
fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

/// `+12.3 %`: a relative change.
fn change(x: f64) -> String {
    format!("{:+.1} %", x * 100.0)
}

/// A p-value: four decimals, or `< 0.0001`.
fn p(x: f64) -> String {
    if x < 0.0001 {
        "< 0.0001".to_owned()
    } else {
        format!("{x:.4}")
    }
}

fn or_dash(x: Option<String>) -> String {
    x.unwrap_or_else(|| "-".to_owned())
}

/// The report as readable tables; `file` names the events file.
///
/// # Errors
/// Writing fails.
pub fn table(
    out: &mut impl Write,
    r: &AnalysisReport,
    problems: &[FileProblem],
    file: &str,
    currency: &str,
) -> io::Result<()> {
    writeln!(out, "Outcomes of {}", printable(file))?;
    match (r.window.from, r.window.to) {
        (None, None) => writeln!(out, "  every event of the log")?,
        (from, to) => {
            let bound = |b: Option<f64>| b.map_or_else(|| "-".to_owned(), date::format);
            writeln!(
                out,
                "  events at or after {} and before {}",
                bound(from),
                bound(to)
            )?;
        }
    }
    totals(out, r, currency)?;
    for x in &r.experiments {
        experiment(out, x, currency)?;
    }
    match &r.program {
        Some(x) => experiment(out, x, currency)?,
        None => writeln!(out, "\nProgram-wide holdout ($program): no exposures")?,
    }
    callouts(out, r, currency)?;
    errors(out, r, problems, file)
}

fn totals(out: &mut impl Write, r: &AnalysisReport, currency: &str) -> io::Result<()> {
    let t = &r.totals;
    let share = |n: u64| {
        if t.events == 0 {
            String::new()
        } else {
            pct(n as f64 / t.events as f64)
        }
    };
    let at = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), date::format);
    writeln!(out, "\nTotals")?;
    let rows = vec![
        vec!["events read".to_owned(), int(t.events), String::new()],
        vec!["used".to_owned(), int(t.used), share(t.used)],
        vec![
            "outside the window".to_owned(),
            int(t.outside_window),
            share(t.outside_window),
        ],
        vec!["bad lines".to_owned(), int(t.bad_lines), share(t.bad_lines)],
        vec!["units".to_owned(), int(t.units), String::new()],
        vec!["conversions".to_owned(), int(t.conversions), String::new()],
        vec![
            "  without a callout".to_owned(),
            int(t.conversions_without_callout),
            String::new(),
        ],
        vec![
            "MRR of the conversions".to_owned(),
            money(t.mrr, currency),
            String::new(),
        ],
        vec!["first event".to_owned(), at(t.first_at), String::new()],
        vec!["last event".to_owned(), at(t.last_at), String::new()],
    ];
    grid(out, &["", "", ""], &rows, &[1, 2])
}

/// One arm's row.
fn arm_row(a: &ArmResult, currency: &str) -> Vec<String> {
    let lift = a.lift.as_ref();
    vec![
        a.id.clone(),
        or_dash(a.expected_share.map(pct)),
        int(a.units),
        int(a.converted),
        or_dash(a.rate.map(pct)),
        or_dash(a.ci.map(|(lo, hi)| format!("{} – {}", pct(lo), pct(hi)))),
        money(a.mrr, currency),
        or_dash(a.mrr_per_unit.map(|m| money(m, currency))),
        or_dash(lift.and_then(|l| l.relative).map(change)),
        or_dash(
            lift.and_then(|l| l.ci)
                .map(|(lo, hi)| format!("{} – {}", change(lo), change(hi))),
        ),
        or_dash(lift.and_then(|l| l.p_value).map(p)),
        or_dash(
            lift.and_then(|l| l.chance_to_beat)
                .map(|c| format!("{:.1} %", c * 100.0)),
        ),
    ]
}

const ARM_HEAD: [&str; 12] = [
    "arm",
    "expected",
    "units",
    "converted",
    "rate",
    "95 % CI",
    "MRR",
    "MRR/unit",
    "lift",
    "lift 95 % CI",
    "p-value",
    "chance to beat",
];

fn experiment(out: &mut impl Write, x: &ExperimentResult, currency: &str) -> io::Result<()> {
    let program = x.key == super::event::PROGRAM;
    if program {
        writeln!(
            out,
            "\nProgram-wide holdout ($program), {} units",
            int(x.units)
        )?;
    } else {
        let rules = if x.rules.is_empty() {
            "not in the catalog".to_owned()
        } else {
            format!("rules {}", x.rules.join(", "))
        };
        let unit = x.unit.map_or_else(String::new, |u| format!(", unit {u}"));
        let title = format!(
            "Experiment {} ({rules}{unit}), {} units",
            x.key,
            int(x.units)
        );
        writeln!(out, "\n{}", printable(&title))?;
    }
    let check = match (x.srm.p_value, x.srm.ok) {
        (Some(v), Some(true)) => format!("p = {} (ok)", p(v)),
        (Some(v), _) => format!(
            "p = {}: SAMPLE RATIO MISMATCH, the units per arm do not fit the configured split",
            p(v)
        ),
        (None, _) if x.configured => "not computed (fewer than two arms with units)".to_owned(),
        (None, _) => "not computed (no configured split)".to_owned(),
    };
    writeln!(out, "  split check: {}", printable(&check))?;
    let rows: Vec<Vec<String>> = x.arms.iter().map(|a| arm_row(a, currency)).collect();
    grid(out, &ARM_HEAD, &rows, &[1, 2, 3, 4, 6, 7, 8, 10, 11])?;
    if x.units_in_several_arms > 0 {
        writeln!(
            out,
            "  {} units were logged in more than one arm (each counted in the arm of its first exposure)",
            int(x.units_in_several_arms)
        )?;
    }
    if program {
        let attributed = x
            .attributed_mrr
            .map_or_else(|| "-".to_owned(), |m| money(m, currency));
        writeln!(out, "  attributed MRR (exposed vs holdout, per unit, times the exposed units): {attributed}")?;
    }
    Ok(())
}

fn count_cells(c: &Counts, currency: &str) -> Vec<String> {
    let rate = if c.impressions > 0 {
        pct(c.clicks as f64 / c.impressions as f64)
    } else {
        "-".to_owned()
    };
    vec![
        int(c.exposures),
        int(c.impressions),
        int(c.clicks),
        rate,
        int(c.dismissals),
        int(c.conversions),
        money(c.mrr, currency),
    ]
}

const COUNT_HEAD: [&str; 7] = [
    "exposures",
    "impressions",
    "clicks",
    "click rate",
    "dismissals",
    "conversions",
    "MRR",
];

fn callouts(out: &mut impl Write, r: &AnalysisReport, currency: &str) -> io::Result<()> {
    writeln!(out, "\nCallouts")?;
    if r.callouts.is_empty() {
        return writeln!(out, "  none");
    }
    let mut head = vec!["callout", "kind", "placement"];
    head.extend(COUNT_HEAD);
    let rows: Vec<Vec<String>> = r
        .callouts
        .iter()
        .map(|c| {
            let mut row = vec![
                if c.known {
                    c.id.clone()
                } else {
                    format!("{} (not in the catalog)", c.id)
                },
                or_dash(c.kind.map(|k| k.as_str().to_owned())),
                or_dash(c.placement.clone()),
            ];
            row.extend(count_cells(&c.counts, currency));
            row
        })
        .collect();
    grid(out, &head, &rows, &[3, 4, 5, 6, 7, 8, 9])?;
    for (title, what, list) in [
        ("By placement", "placement", &r.placements),
        ("By kind", "kind", &r.kinds),
    ] {
        writeln!(out, "\n{title}")?;
        let mut head = vec![what];
        head.extend(COUNT_HEAD);
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|b| {
                let mut row = vec![or_dash(b.name.clone())];
                row.extend(count_cells(&b.counts, currency));
                row
            })
            .collect();
        grid(out, &head, &rows, &[1, 2, 3, 4, 5, 6, 7])?;
    }
    Ok(())
}

fn errors(
    out: &mut impl Write,
    r: &AnalysisReport,
    problems: &[FileProblem],
    file: &str,
) -> io::Result<()> {
    if !r.errors.is_empty() {
        let codes: Vec<String> = r
            .error_codes
            .iter()
            .map(|(c, n)| format!("{c} {}", int(*n)))
            .collect();
        writeln!(
            out,
            "\nBad lines (the first {} of {}; {})",
            r.errors.len(),
            int(r.totals.bad_lines),
            codes.join(", ")
        )?;
        let rows: Vec<Vec<String>> = r
            .errors
            .iter()
            .map(|e| {
                let mut message = e.error.message.clone();
                if let Some(h) = &e.error.help {
                    message.push_str(&format!(" ({h})"));
                }
                vec![
                    e.line.to_string(),
                    e.error.code.as_str().to_owned(),
                    if e.error.path.is_empty() {
                        "-".to_owned()
                    } else {
                        path_text(&e.error.path)
                    },
                    message,
                ]
            })
            .collect();
        grid(out, &["line", "code", "field", "message"], &rows, &[0])?;
    }
    if !problems.is_empty() {
        writeln!(out, "\nInput problems")?;
        for p in problems {
            writeln!(out, "  {}", problem_line(file, p))?;
        }
    }
    Ok(())
}

/// A number cell (empty for `None`).
fn num(x: Option<f64>) -> String {
    x.map_or_else(String::new, js)
}

/// One CSV row per experiment arm (the experiments, then the program-wide holdout), with a
/// header. Every row goes through [`crate::base::csv::row`].
///
/// # Errors
/// Writing fails.
pub fn csv(out: &mut impl Write, report: &AnalysisReport) -> io::Result<()> {
    let mut line = |cells: &[&str]| {
        let mut row = crate::base::csv::row(cells.iter().copied());
        row.push('\n');
        out.write_all(row.as_bytes())
    };
    line(&[
        "experiment",
        "arm",
        "holdout",
        "expected_share",
        "units",
        "converted",
        "rate",
        "ci_low",
        "ci_high",
        "mrr",
        "mrr_per_unit",
        "lift",
        "lift_ci_low",
        "lift_ci_high",
        "p_value",
        "chance_to_beat",
        "srm_p_value",
        "srm_ok",
    ])?;
    for x in report.experiments.iter().chain(&report.program) {
        for a in &x.arms {
            let l = a.lift.as_ref();
            line(&[
                &x.key,
                &a.id,
                if a.holdout { "true" } else { "false" },
                &num(a.expected_share),
                &a.units.to_string(),
                &a.converted.to_string(),
                &num(a.rate),
                &num(a.ci.map(|c| c.0)),
                &num(a.ci.map(|c| c.1)),
                &js(a.mrr),
                &num(a.mrr_per_unit),
                &num(l.and_then(|l| l.relative)),
                &num(l.and_then(|l| l.ci).map(|c| c.0)),
                &num(l.and_then(|l| l.ci).map(|c| c.1)),
                &num(l.and_then(|l| l.p_value)),
                &num(l.and_then(|l| l.chance_to_beat)),
                &num(x.srm.p_value),
                x.srm.ok.map_or("", |ok| if ok { "true" } else { "false" }),
            ])?;
        }
    }
    out.flush()
}
