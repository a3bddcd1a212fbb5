//! The result shapes handed to the host, each writing itself as JSON with camelCase keys.

use std::borrow::Cow;
use std::rc::Rc;

use crate::base::diag::Diagnostic;
use crate::base::out::{Out, ToJson};
use crate::catalog::model::{CalloutKind, Severity};
use crate::catalog::Catalog;
use crate::decide::gate::GateReason;
use crate::decide::recommend::{Action, Origin, Reason, Status};
use crate::expr::TraceStep;
use crate::facts::{Source, State};

fn kind_name(plan: bool) -> &'static str {
    if plan {
        "plan"
    } else {
        "addon"
    }
}

/// One way to unlock a feature or raise a limit.
#[derive(Clone, Debug, PartialEq)]
pub struct UnlockOption {
    /// A plan (else an add-on); written as `type`.
    pub plan: bool,
    /// Plan or add-on id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Add-ons: how many units to buy. Plans: `null`.
    pub quantity: Option<u32>,
    /// Change of the monthly bill; `null` for contact-sales plans.
    pub monthly_delta: Option<f64>,
    /// Priced by sales.
    pub contact_sales: bool,
    /// Purchase URL from the catalog, if any.
    pub url: Option<String>,
    /// Paid once (credit packs); written only when there is such a price.
    pub once: Option<f64>,
}

impl ToJson for UnlockOption {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("type", kind_name(self.plan))
            .field("id", &self.id)
            .field("label", &self.label)
            .field("quantity", &self.quantity)
            .field("monthlyDelta", &self.monthly_delta)
            .field("contactSales", &self.contact_sales)
            .some("url", &self.url)
            .some("once", &self.once)
            .end();
    }
}

/// What a callout pushes.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// A plan (else an add-on); written as `type`.
    pub plan: bool,
    /// Plan or add-on id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Change of the monthly bill; `null` for contact-sales plans.
    pub monthly_delta: Option<f64>,
    /// Add-ons: units to buy.
    pub quantity: Option<u32>,
    /// Sold by a sales conversation.
    pub contact_sales: bool,
    /// Paid once (credit packs); written only when there is such a price.
    pub once: Option<f64>,
}

impl ToJson for Target {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("type", kind_name(self.plan))
            .field("id", &self.id)
            .field("label", &self.label)
            .field("monthlyDelta", &self.monthly_delta)
            .some("quantity", &self.quantity)
            .field("contactSales", &self.contact_sales)
            .some("once", &self.once)
            .end();
    }
}

/// The call to action.
#[derive(Clone, Debug, PartialEq)]
pub struct Cta {
    /// Button text.
    pub label: String,
    /// What the button does.
    pub action: Action,
    /// Where the button goes (relative or http(s)).
    pub url: Option<String>,
}

impl ToJson for Cta {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("label", &self.label)
            .field("action", self.action.as_str())
            .some("url", &self.url)
            .end();
    }
}

/// Experiment assignment of a callout.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentRef {
    /// Experiment key.
    pub key: String,
    /// Assigned variant id (`null` in the holdout).
    pub variant: Option<String>,
    /// Whether the unit is in the holdout.
    pub holdout: bool,
}

impl ToJson for ExperimentRef {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("key", &self.key)
            .field("variant", &self.variant)
            .field("holdout", &self.holdout)
            .end();
    }
}

/// A prompt the host may render.
#[derive(Clone, Debug, PartialEq)]
pub struct Callout {
    /// Stable id to pass to `record`.
    pub id: String,
    /// Rule id (`builtin:feature_gate`, `builtin:usage_limit` for built-ins).
    pub rule: String,
    /// What it is for.
    pub kind: CalloutKind,
    /// `banner`, `inline`, `modal`, …
    pub placement: String,
    /// How strongly it interrupts.
    pub severity: Severity,
    /// What it pushes.
    pub target: Option<Target>,
    /// Headline (plain text).
    pub title: String,
    /// Body (plain text).
    pub body: String,
    /// Call to action.
    pub cta: Cta,
    /// Higher shows first.
    pub priority: f64,
    /// Experiment assignment.
    pub experiment: Option<ExperimentRef>,
    /// Why it fired, in words.
    pub reasons: Vec<String>,
}

impl ToJson for Callout {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("id", &self.id)
            .field("rule", &self.rule)
            .field("kind", self.kind.as_str())
            .field("placement", &self.placement)
            .field("severity", self.severity.as_str())
            .field("target", &self.target)
            .field("title", &self.title)
            .field("body", &self.body)
            .field("cta", &self.cta)
            .field("priority", &self.priority)
            .field("experiment", &self.experiment)
            .field("reasons", &self.reasons)
            .end();
    }
}

/// The answer to "may this user use this feature?".
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureCheck {
    /// The feature asked about.
    pub feature: String,
    /// Whether to let the user in.
    pub allowed: bool,
    /// Where access comes from, when allowed by the catalog.
    pub source: Option<Source>,
    /// Why.
    pub reason: GateReason,
    /// End of the trial, when a trial gives or gave access.
    pub trial_ends_at: Option<String>,
    /// Ways to unlock, cheapest first.
    pub unlock: Vec<UnlockOption>,
    /// Ready-to-render `feature_gate` callout when not allowed.
    pub callout: Option<Callout>,
    /// Problems in the context or the question.
    pub errors: Vec<Diagnostic>,
    /// Questionable values.
    pub warnings: Vec<Diagnostic>,
}

impl ToJson for FeatureCheck {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("feature", &self.feature)
            .field("allowed", &self.allowed)
            .field("source", &self.source.map(Source::as_str))
            .field("reason", self.reason.as_str())
            .field("trialEndsAt", &self.trial_ends_at)
            .field("unlock", &self.unlock)
            .field("callout", &self.callout)
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .end();
    }
}

/// A metering period.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    /// Start (RFC 3339).
    pub start: String,
    /// End (RFC 3339).
    pub end: String,
}

impl ToJson for Period {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("start", &self.start)
            .field("end", &self.end)
            .end();
    }
}

/// The answer to "how close is this account to its limit on this metric?".
#[derive(Clone, Debug, PartialEq)]
pub struct UsageCheck {
    /// The metric asked about.
    pub metric: String,
    /// Current use (`null` when not reported).
    pub used: Option<f64>,
    /// Effective limit (`null` = unlimited or unknown; see `unlimited`).
    pub limit: Option<f64>,
    /// Whether the limit is unlimited.
    pub unlimited: bool,
    /// `limit - used`, at least 0.
    pub remaining: Option<f64>,
    /// `used / limit`.
    pub ratio: Option<f64>,
    /// How close the limit is; `null` when unknown.
    pub state: Option<State>,
    /// Projected use at the end of the period.
    pub projected: Option<f64>,
    /// Whole days until the limit is reached at the current pace.
    pub days_left: Option<f64>,
    /// Whole days until the trend reaches the limit, across periods, up to the forecast
    /// horizon (`null` beyond it or without a rising trend; 0 at or over the limit).
    pub days_to_limit: Option<f64>,
    /// The UTC date (`YYYY-MM-DD`) the trend reaches the limit, with `days_to_limit`.
    pub limit_date: Option<String>,
    /// Start and end of the metering period used for the forecast.
    pub period: Option<Period>,
    /// Whether any number above is a projection (`projected`, `daysLeft`, `daysToLimit`,
    /// `limitDate`, or a credit balance's run-out): an estimate, to be worded as one.
    pub estimate: bool,
    /// A credit metric's balance and run-out (written only for credit metrics).
    pub credits: Option<CreditCheck>,
    /// A windowed metric's binding window id (written, with `windows`, only for windowed
    /// metrics; `null` without reported use in a limited window).
    pub binding: Option<Option<String>>,
    /// A windowed metric's windows.
    pub windows: Vec<WindowCheck>,
    /// The metric's `decimals` when above 0 (written only then): quantities are shown with
    /// at most this many decimals, whole numbers otherwise.
    pub decimals: Option<u32>,
    /// Options that cover `max(used, projected)`, cheapest first.
    pub unlock: Vec<UnlockOption>,
    /// Ready-to-render `usage_limit` callout when the state is not `ok`.
    pub callout: Option<Callout>,
    /// Problems in the context or the question.
    pub errors: Vec<Diagnostic>,
    /// Questionable values.
    pub warnings: Vec<Diagnostic>,
}

impl ToJson for UsageCheck {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("metric", &self.metric)
            .field("used", &self.used)
            .field("limit", &self.limit)
            .field("unlimited", &self.unlimited)
            .field("remaining", &self.remaining)
            .field("ratio", &self.ratio)
            .field("state", &self.state.map(State::as_str))
            .field("projected", &self.projected)
            .field("daysLeft", &self.days_left)
            .field("daysToLimit", &self.days_to_limit)
            .field("limitDate", &self.limit_date)
            .field("period", &self.period)
            .field("estimate", &self.estimate)
            .some("credits", &self.credits)
            .some("decimals", &self.decimals)
            .some("binding", &self.binding);
        if self.binding.is_some() {
            o.field("windows", &self.windows);
        }
        o.field("unlock", &self.unlock)
            .field("callout", &self.callout)
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .end();
    }
}

/// One window of a windowed metric, in a usage check.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowCheck {
    /// Window id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Use within the window.
    pub used: Option<f64>,
    /// Its limit on the plan (`null` = unlimited).
    pub limit: Option<f64>,
    /// `limit − used`, at least 0.
    pub remaining: Option<f64>,
    /// `used ÷ limit`.
    pub ratio: Option<f64>,
    /// How close the window is to its limit.
    pub state: Option<State>,
    /// When the window's count drops next: a calendar window's end, a rolling window's
    /// `resetsAt` from the context.
    pub resets_at: Option<String>,
}

impl ToJson for WindowCheck {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("id", &self.id)
            .field("label", &self.label)
            .field("used", &self.used)
            .field("limit", &self.limit)
            .field("remaining", &self.remaining)
            .field("ratio", &self.ratio)
            .field("state", &self.state.map(State::as_str))
            .field("resetsAt", &self.resets_at)
            .end();
    }
}

/// The balance of a credit metric, in a usage check.
#[derive(Clone, Debug, PartialEq)]
pub struct CreditCheck {
    /// Credits left (may be negative: an overdraft).
    pub balance: Option<f64>,
    /// The last grant: the context's `granted`, else the plan's monthly grant.
    pub granted: Option<f64>,
    /// `ok`, `low`, `critical` or `empty`.
    pub state: Option<crate::base::vocab::CreditState>,
    /// Credits spent per day, from the balance history (an estimate).
    pub burn_per_day: Option<f64>,
    /// Whole days until the balance is spent, within the forecast horizon (an estimate).
    pub days_to_empty: Option<f64>,
    /// The UTC date the balance is spent, with `days_to_empty`.
    pub empty_date: Option<String>,
    /// Whole days until the balance expires.
    pub days_to_expiry: Option<f64>,
    /// The account tops up by itself (top-up callouts are held back).
    pub auto_recharge: bool,
    /// Credits needed over the horizon beyond the balance and refills.
    pub need: Option<f64>,
}

impl ToJson for CreditCheck {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("balance", &self.balance)
            .field("granted", &self.granted)
            .field("state", &self.state)
            .field("burnPerDay", &self.burn_per_day)
            .field("daysToEmpty", &self.days_to_empty)
            .field("emptyDate", &self.empty_date)
            .field("daysToExpiry", &self.days_to_expiry)
            .field("autoRecharge", &self.auto_recharge)
            .field("need", &self.need)
            .end();
    }
}

/// A callout that was eligible but held back, and why. Names are read from the catalog when
/// written (see [`Evaluation`]), so holding many back costs no copies.
#[derive(Clone, Debug, PartialEq)]
pub struct Suppressed {
    /// The rule (or built-in) and callout.
    pub origin: Origin,
    /// `readiness:health`, `cap:global`, `holdout`, …
    pub reason: Reason,
    /// Experiment assignment (holdout exposures are reported here).
    pub experiment: Option<ExperimentRef>,
}

impl Suppressed {
    /// The rule id.
    pub fn rule<'c>(&self, catalog: &'c Catalog) -> &'c str {
        self.origin.rule(catalog)
    }

    /// The callout id.
    pub fn callout<'c>(&self, catalog: &'c Catalog) -> Cow<'c, str> {
        self.origin.callout_id(catalog)
    }

    fn write_in(&self, catalog: &Catalog, out: &mut Out) {
        // A rule's id needs no escaping (see `Rule::id`); most held-back entries are rules.
        if let Some(rule) = self.origin.rule_def(catalog) {
            out.raw("{\"rule\":\"");
            out.raw(&rule.id);
            out.raw("\",\"callout\":\"");
            out.raw(&rule.id);
            out.raw("\",\"reason\":\"");
            out.raw(self.reason.as_str());
            out.raw("\"");
            if let Some(e) = &self.experiment {
                out.raw(",\"experiment\":");
                e.write(out);
            }
            out.raw("}");
            return;
        }
        let (prefix, id) = self.origin.callout_parts(catalog);
        let mut o = out.obj();
        o.key("rule").str(self.origin.rule(catalog));
        o.key("callout").str_parts(prefix, id);
        o.field("reason", self.reason.as_str());
        o.some("experiment", &self.experiment);
        o.end();
    }
}

/// How one rule (or built-in callout) fared.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleTrace {
    /// Rule id.
    pub rule: String,
    /// Callout id, when a callout was built.
    pub callout: Option<String>,
    /// How it fared.
    pub status: Status,
    /// Suppression reason or why it did not match.
    pub reason: Option<&'static str>,
    /// The `when` condition, step by step with actual values.
    pub steps: Vec<TraceStep>,
    /// A built-in top-up's headroom arithmetic: the need, then every offer quoted, best first
    /// (written as `headroom`, only when there is some).
    pub notes: Vec<String>,
}

impl ToJson for RuleTrace {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("rule", &self.rule)
            .field("callout", &self.callout)
            .field("status", self.status.as_str())
            .field("reason", &self.reason)
            .field("steps", &self.steps);
        if !self.notes.is_empty() {
            o.field("headroom", &self.notes);
        }
        o.end();
    }
}

/// The result of `evaluate`.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The catalog the names of held-back callouts are read from.
    pub catalog: Rc<Catalog>,
    /// What to show, best first.
    pub callouts: Vec<Callout>,
    /// What was held back and why.
    pub suppressed: Vec<Suppressed>,
    /// Problems in the context.
    pub errors: Vec<Diagnostic>,
    /// Questionable values.
    pub warnings: Vec<Diagnostic>,
    /// Per-rule explanation (with `trace: true`).
    pub trace: Option<Vec<RuleTrace>>,
    /// The experiment exposures (only from [`crate::engine::Engine::evaluate_logged`]).
    pub exposures: Vec<crate::decide::exposure::Exposure>,
}

/// Marks an entry of [`Evaluation::to_json_packed`]'s list that stays in the JSON text.
pub const IN_TEXT: u32 = u32::MAX;

/// Values written one after another into a JSON array, without keys.
struct Flat<'o> {
    out: &'o mut Out,
    first: bool,
}

impl Flat<'_> {
    fn val<T: ToJson + ?Sized>(&mut self, v: &T) -> &mut Self {
        if !self.first {
            self.out.raw(",");
        }
        self.first = false;
        v.write(self.out);
        self
    }
}

impl Callout {
    /// The callout's values in a fixed order, with no keys: `id, rule, kind, placement,
    /// severity`, the target (`null`, or `type, id, label, monthlyDelta, quantity,
    /// contactSales, once`), `title, body`, the call to action's `label, action, url`, `priority`,
    /// the experiment (`null`, or `key, variant, holdout`), then the number of reasons and the
    /// reasons. An absent `quantity`, `once` or `url` is `null`.
    fn write_flat(&self, f: &mut Flat<'_>) {
        f.val(&self.id)
            .val(&self.rule)
            .val(self.kind.as_str())
            .val(&self.placement)
            .val(self.severity.as_str());
        match &self.target {
            None => f.val(&None::<f64>),
            Some(t) => f
                .val(kind_name(t.plan))
                .val(&t.id)
                .val(&t.label)
                .val(&t.monthly_delta)
                .val(&t.quantity)
                .val(&t.contact_sales)
                .val(&t.once),
        };
        f.val(&self.title)
            .val(&self.body)
            .val(&self.cta.label)
            .val(self.cta.action.as_str())
            .val(&self.cta.url)
            .val(&self.priority);
        match &self.experiment {
            None => f.val(&None::<f64>),
            Some(x) => f.val(&x.key).val(&x.variant).val(&x.holdout),
        };
        f.val(&(self.reasons.len() as f64));
        for r in &self.reasons {
            f.val(r);
        }
    }
}

impl Evaluation {
    /// The JSON text of the evaluation, written for a host that builds the result's objects
    /// itself (making objects from JSON text is the slowest part of handing a result over):
    /// - `callouts` is one flat array of every callout's values (see `Callout::write_flat`);
    /// - an entry of `suppressed` that is only a rule and a reason (the common case, and nearly
    ///   all of a large rule set's list) is left out of the text and listed in the second value
    ///   as the pair (rule index, index in [`Reason::ALL`]); every other entry stays in the
    ///   text, in order, and is listed as the pair ([`IN_TEXT`], 0). With no entry left out,
    ///   the list is empty.
    ///
    /// Rebuilding the objects, with each rule's id as both `rule` and `callout` of a pair,
    /// gives [`ToJson`]'s text exactly.
    pub fn to_json_packed(&self) -> (String, Vec<u32>) {
        let packable = |x: &Suppressed| match x.origin {
            Origin::Rule(i) if x.experiment.is_none() => u32::try_from(i).ok(),
            _ => None,
        };
        let any = self.suppressed.iter().any(|x| packable(x).is_some());
        let mut packed = Vec::with_capacity(if any { self.suppressed.len() * 2 } else { 0 });
        let text = crate::base::out::to_json_with(|out| {
            let mut o = out.obj();
            let list = o.key("callouts");
            list.raw("[");
            let mut f = Flat {
                out: list,
                first: true,
            };
            for c in &self.callouts {
                c.write_flat(&mut f);
            }
            list.raw("]");
            // (When an entry is packable, `any` is set: every other entry is marked.)
            o.key("suppressed")
                .list_some(&self.suppressed, |x, out| match packable(x) {
                    Some(i) => {
                        packed.push(i);
                        packed.push(x.reason.slot() as u32);
                        false
                    }
                    None => {
                        if any {
                            packed.push(IN_TEXT);
                            packed.push(0);
                        }
                        x.write_in(&self.catalog, out);
                        true
                    }
                });
            self.write_rest(&mut o);
        });
        (text, packed)
    }

    /// Writes `suppressed` as the evaluation's JSON holds it: `{ rule, callout, reason,
    /// experiment? }` for each held-back callout.
    pub fn write_suppressed(&self, out: &mut Out) {
        out.list_some(&self.suppressed, |x, out| {
            x.write_in(&self.catalog, out);
            true
        });
    }

    /// Writes `errors`, `warnings` and `trace`, and ends the object.
    fn write_rest(&self, o: &mut crate::base::out::Obj<'_>) {
        o.field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .some("trace", &self.trace);
        if !self.exposures.is_empty() {
            o.field("exposures", &self.exposures);
        }
        o.end();
    }
}

impl ToJson for Evaluation {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("callouts", &self.callouts);
        self.write_suppressed(o.key("suppressed"));
        self.write_rest(&mut o);
    }
}
