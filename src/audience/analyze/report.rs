//! The outcome report: what [`super::tally::Analysis::finish`] gives, and its JSON. Money is
//! summed in millionths (so sums do not depend on the order of the events) and given in the
//! catalog's currency; every statistic that is not defined is `null`.

use super::stats::Lift;
use crate::base::date;
use crate::base::diag::Diagnostic;
use crate::base::out::{Out, ToJson};
use crate::base::vocab::{CalloutKind, Code};

/// The events a report counts: `from ≤ at < to` (either bound may be open).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Window {
    /// The first instant counted (ms since the epoch).
    pub from: Option<f64>,
    /// The first instant no longer counted.
    pub to: Option<f64>,
}

impl Window {
    /// Whether `at` is inside.
    pub fn contains(&self, at: f64) -> bool {
        self.from.is_none_or(|f| at >= f) && self.to.is_none_or(|t| at < t)
    }
}

/// The whole report.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalysisReport {
    /// The events counted.
    pub window: Window,
    /// Totals over the log.
    pub totals: EventTotals,
    /// Every experiment of the catalog's rules (in rule order), then any other experiment of
    /// the log (by key); the program-wide holdout is [`AnalysisReport::program`].
    pub experiments: Vec<ExperimentResult>,
    /// The program-wide holdout (`$program`), when the log has exposures to it.
    pub program: Option<ExperimentResult>,
    /// Every callout of the log, by id.
    pub callouts: Vec<CalloutResult>,
    /// All callouts' events by placement.
    pub placements: Vec<Breakdown>,
    /// All callouts' events by kind (the expansion motion).
    pub kinds: Vec<Breakdown>,
    /// The first bad lines (at most [`crate::audience::MAX_ERROR_ROWS`]), by line.
    pub errors: Vec<LineError>,
    /// Bad lines per code, in the vocabulary's order.
    pub error_codes: Vec<(Code, u64)>,
}

/// Totals over the log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventTotals {
    /// Records read (lines that are not blank, CSV data rows, Parquet rows), bad ones
    /// included.
    pub events: u64,
    /// Events counted: readable and inside the window.
    pub used: u64,
    /// Readable events outside the window.
    pub outside_window: u64,
    /// Records that are not events.
    pub bad_lines: u64,
    /// Distinct units among the events counted.
    pub units: u64,
    /// Conversion events counted.
    pub conversions: u64,
    /// Of those, conversions that name no callout.
    pub conversions_without_callout: u64,
    /// The sum of every counted conversion's MRR delta.
    pub mrr: f64,
    /// The earliest counted event (ms since the epoch).
    pub first_at: Option<f64>,
    /// The latest counted event.
    pub last_at: Option<f64>,
}

/// The split check of an experiment.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Srm {
    /// The chi-square goodness-of-fit p-value of the units per arm against the configured
    /// split; `None` without a configured split, without units, or with one arm.
    pub p_value: Option<f64>,
    /// Whether the p-value is at least 0.001; `None` with the p-value.
    pub ok: Option<bool>,
}

/// One experiment's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentResult {
    /// The experiment key (`$program` for the program-wide holdout).
    pub key: String,
    /// Whether the catalog configures it (a rule's experiment).
    pub configured: bool,
    /// The rules that run it.
    pub rules: Vec<String>,
    /// `account` or `user`, as configured.
    pub unit: Option<&'static str>,
    /// Exposed units.
    pub units: u64,
    /// Units logged in more than one arm (each counted in the arm of its first exposure).
    pub units_in_several_arms: u64,
    /// The split check.
    pub srm: Srm,
    /// The holdout first, then the variants in config order (or, unconfigured, by id).
    pub arms: Vec<ArmResult>,
    /// The program-wide holdout only: (MRR per exposed unit − MRR per holdout unit) × exposed
    /// units; `None` when either arm has no units.
    pub attributed_mrr: Option<f64>,
}

/// One arm's outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmResult {
    /// The variant id, or `holdout`.
    pub id: String,
    /// Whether it is the holdout.
    pub holdout: bool,
    /// Its configured share of units.
    pub expected_share: Option<f64>,
    /// Units whose first exposure was in this arm.
    pub units: u64,
    /// Of those, units with a conversion at or after their first exposure.
    pub converted: u64,
    /// converted / units.
    pub rate: Option<f64>,
    /// The 95 % Wilson interval of the rate.
    pub ci: Option<(f64, f64)>,
    /// The sum of the MRR deltas of the units' conversions at or after their first exposure,
    /// whatever they bought.
    pub mrr: f64,
    /// mrr / units.
    pub mrr_per_unit: Option<f64>,
    /// Against the holdout (variants of an experiment with a holdout arm only).
    pub lift: Option<Lift>,
}

/// The events of one callout, or of a placement or kind.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    /// Exposure events.
    pub exposures: u64,
    /// Impression events.
    pub impressions: u64,
    /// Click events.
    pub clicks: u64,
    /// Dismiss events.
    pub dismissals: u64,
    /// Conversion events naming the callout.
    pub conversions: u64,
    /// The sum of those conversions' MRR deltas.
    pub mrr: f64,
}

/// One callout's events.
#[derive(Clone, Debug, PartialEq)]
pub struct CalloutResult {
    /// The callout id (a rule id, `feature_gate:<feature>` or `usage_limit:<metric>`).
    pub id: String,
    /// Whether the catalog can produce it.
    pub known: bool,
    /// Its kind in the catalog.
    pub kind: Option<CalloutKind>,
    /// Its placement in the catalog.
    pub placement: Option<String>,
    /// Its events.
    pub counts: Counts,
    /// Its events by placement (`None`: neither the event nor the catalog says).
    pub by_placement: Vec<(Option<String>, Counts)>,
    /// Its events by kind.
    pub by_kind: Vec<(Option<CalloutKind>, Counts)>,
}

/// Events of all callouts in one placement or of one kind (`None`: unknown).
#[derive(Clone, Debug, PartialEq)]
pub struct Breakdown {
    /// The placement or the kind's wire name.
    pub name: Option<String>,
    /// The events.
    pub counts: Counts,
}

/// A bad line.
#[derive(Clone, Debug, PartialEq)]
pub struct LineError {
    /// The 1-based line (JSON Lines, CSV) or row (Parquet).
    pub line: u64,
    /// The problem.
    pub error: Diagnostic,
}

fn time(ms: Option<f64>) -> Option<String> {
    ms.map(date::format)
}

/// A pair as a two-item list.
struct Pair(Option<(f64, f64)>);

impl ToJson for Pair {
    fn write(&self, out: &mut Out) {
        match self.0 {
            Some((a, b)) => {
                out.raw("[");
                out.num(a);
                out.raw(",");
                out.num(b);
                out.raw("]");
            }
            None => out.null(),
        }
    }
}

impl ToJson for AnalysisReport {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("from", &time(self.window.from))
            .field("to", &time(self.window.to))
            .field("totals", &self.totals)
            .field("experiments", &self.experiments)
            .field("program", &self.program)
            .field("callouts", &self.callouts);
        write_breakdowns(o.key("placements"), "placement", &self.placements);
        write_breakdowns(o.key("kinds"), "kind", &self.kinds);
        o.field("errors", &self.errors).field(
            "errorsNotListed",
            &self
                .totals
                .bad_lines
                .saturating_sub(self.errors.len() as u64),
        );
        let mut codes = o.key("errorCodes").obj();
        for (code, n) in &self.error_codes {
            codes.key_text(code.as_str()).num(*n as f64);
        }
        codes.end();
        o.end();
    }
}

impl ToJson for EventTotals {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("events", &self.events)
            .field("used", &self.used)
            .field("outsideWindow", &self.outside_window)
            .field("badLines", &self.bad_lines)
            .field("units", &self.units)
            .field("conversions", &self.conversions)
            .field(
                "conversionsWithoutCallout",
                &self.conversions_without_callout,
            )
            .field("mrr", &self.mrr)
            .field("firstAt", &time(self.first_at))
            .field("lastAt", &time(self.last_at))
            .end();
    }
}

impl ToJson for ExperimentResult {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("key", &self.key)
            .field("configured", &self.configured)
            .field("rules", &self.rules)
            .field("unit", &self.unit)
            .field("units", &self.units)
            .field("unitsInSeveralArms", &self.units_in_several_arms);
        {
            let mut s = o.key("srm").obj();
            s.field("pValue", &self.srm.p_value)
                .field("ok", &self.srm.ok)
                .end();
        }
        o.field("arms", &self.arms);
        if self.key == super::event::PROGRAM {
            o.field("attributedMrr", &self.attributed_mrr);
        }
        o.end();
    }
}

impl ToJson for ArmResult {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("id", &self.id)
            .field("holdout", &self.holdout)
            .field("expectedShare", &self.expected_share)
            .field("units", &self.units)
            .field("converted", &self.converted)
            .field("rate", &self.rate)
            .field("ci", &Pair(self.ci))
            .field("mrr", &self.mrr)
            .field("mrrPerUnit", &self.mrr_per_unit);
        match &self.lift {
            None => o.key("lift").null(),
            Some(l) => {
                let mut x = o.key("lift").obj();
                x.field("relative", &l.relative)
                    .field("ci", &Pair(l.ci))
                    .field("pValue", &l.p_value)
                    .field("chanceToBeat", &l.chance_to_beat)
                    .end();
            }
        }
        o.end();
    }
}

/// The fields of [`Counts`] (in an object being written).
fn count_fields(o: &mut crate::base::out::Obj<'_>, c: &Counts) {
    o.field("exposures", &c.exposures)
        .field("impressions", &c.impressions)
        .field("clicks", &c.clicks)
        .field("dismissals", &c.dismissals)
        .field("conversions", &c.conversions)
        .field("mrr", &c.mrr);
}

/// `[{ <key>: name, ...counts }]`.
fn breakdowns<'a>(
    out: &mut Out,
    key: &'static str,
    items: impl Iterator<Item = (Option<&'a str>, &'a Counts)>,
) {
    out.raw("[");
    for (i, (name, c)) in items.enumerate() {
        if i > 0 {
            out.raw(",");
        }
        let mut o = out.obj();
        o.field(key, &name);
        count_fields(&mut o, c);
        o.end();
    }
    out.raw("]");
}

impl ToJson for CalloutResult {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("id", &self.id)
            .field("known", &self.known)
            .field("kind", &self.kind.map(CalloutKind::as_str))
            .field("placement", &self.placement);
        count_fields(&mut o, &self.counts);
        breakdowns(
            o.key("byPlacement"),
            "placement",
            self.by_placement.iter().map(|(p, c)| (p.as_deref(), c)),
        );
        breakdowns(
            o.key("byKind"),
            "kind",
            self.by_kind
                .iter()
                .map(|(k, c)| (k.map(CalloutKind::as_str), c)),
        );
        o.end();
    }
}

/// The report-level breakdowns: `key` names the field of each item (`placement`, `kind`).
pub fn write_breakdowns(out: &mut Out, key: &'static str, items: &[Breakdown]) {
    breakdowns(
        out,
        key,
        items.iter().map(|b| (b.name.as_deref(), &b.counts)),
    );
}

impl ToJson for LineError {
    fn write(&self, out: &mut Out) {
        let e = &self.error;
        out.obj()
            .field("line", &self.line)
            .field("code", &e.code)
            .field("message", &e.message)
            .field("path", &e.path)
            .some("help", &e.help)
            .end();
    }
}
