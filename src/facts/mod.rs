//! The facts layer: a context read once, and the values derived from it.
//!
//! Reading never fails: every bad value becomes a diagnostic with a path into the context and
//! the value is treated as absent, so a broken context can silence a prompt but never create
//! one. Derived values (limits, ratios, forecasts, adoption) are computed the first time
//! something asks for them and kept; free-form maps (`traits`, `signals`) stay in the parsed
//! text until a rule reads a key.

pub mod credits;
mod read;
pub mod usage;

use std::cell::OnceCell;
use std::rc::Rc;

pub use read::{read_str, unreadable, MAX_CONTEXT_BYTES};

use crate::base::date::{self, DAY_MS};
use crate::base::diag::{Diagnostic, PathSeg};
use crate::base::json::{Doc, Kind as JsonKind, Val};
use crate::catalog::Model;
use crate::expr::Value;

/// How close a metric is to its limit.
pub use crate::base::vocab::UsageState as State;

/// How close a credit balance is to running out.
pub use crate::base::vocab::CreditState;

/// Derived values of one metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UsageFacts {
    /// Current use; `None` when the context does not report it.
    pub used: Option<f64>,
    /// Effective limit: `Some(None)` = unlimited; `None` = unknown (no valid plan).
    pub limit: Option<Option<f64>>,
    /// `used / limit`; `None` when unlimited, unknown or the limit is zero.
    pub ratio: Option<f64>,
    /// `None` when use or limit is unknown.
    pub state: Option<State>,
    /// Projected use at period end.
    pub projected: Option<f64>,
    /// Whole days until the limit is reached at the current pace.
    pub days_left: Option<f64>,
    /// Trend in units per day.
    pub slope: Option<f64>,
    /// Whole days until the limit is reached by the trend, up to the horizon; 0 at or over it.
    pub days_to_limit: Option<f64>,
    /// When the limit is reached (ms since epoch), with `days_to_limit`.
    pub limit_at: Option<f64>,
}

/// Credits reported for one metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreditInput {
    /// Credits left now.
    pub balance: Option<f64>,
    /// Credits of the last grant or purchase (what a full balance is).
    pub granted: Option<f64>,
    /// Earlier balances, as (ms since epoch, balance).
    pub history: Vec<(f64, f64)>,
    /// The account tops up by itself when the balance runs low.
    pub auto_recharge: bool,
    /// When the balance expires (ms since epoch).
    pub expires_at: Option<f64>,
}

/// Derived values of one credit metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreditFacts {
    /// Credits left; `None` when the context does not report them.
    pub balance: Option<f64>,
    /// The last grant, when reported.
    pub granted: Option<f64>,
    /// Credits spent since the grant (`granted − balance`, never below 0).
    pub used: Option<f64>,
    /// `balance ÷ granted`, when both are known and the grant is positive.
    pub left_ratio: Option<f64>,
    /// `None` when the balance is unknown.
    pub state: Option<CreditState>,
    /// Credits spent per day, from the history (an estimate).
    pub burn_per_day: Option<f64>,
    /// Whole days until the balance is spent at that pace, up to the horizon; 0 when empty.
    pub days_to_empty: Option<f64>,
    /// When the balance is spent (ms since epoch), with `days_to_empty`.
    pub empty_at: Option<f64>,
    /// Whole days until the balance expires, when it has an expiry in the future; 0 after it.
    pub days_to_expiry: Option<f64>,
    /// The account tops up by itself.
    pub auto_recharge: bool,
}

/// Usage reported for one metric.
#[derive(Clone, Debug, Default)]
pub struct UsageInput {
    /// Current value.
    pub used: Option<f64>,
    /// Start of the current metering period (ms since epoch).
    pub period_start: Option<f64>,
    /// End of the current metering period.
    pub period_end: Option<f64>,
    /// Earlier readings, as (ms since epoch, value).
    pub history: Vec<(f64, f64)>,
    /// Use in each window of a windowed metric, by window index.
    pub windows: Vec<WindowInput>,
}

/// Use reported for one window of a windowed metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WindowInput {
    /// Use within the window.
    pub used: Option<f64>,
    /// When the window's count next drops (a rolling window's oldest use leaves it).
    pub resets_at: Option<f64>,
}

/// The account part of the context.
#[derive(Clone, Debug, Default)]
pub struct Account {
    /// Account id (experiment unit).
    pub id: Option<Rc<str>>,
    /// Plan index; `None` when missing or unknown (an error says which).
    pub plan: Option<usize>,
    /// Owned add-ons as (add-on index, quantity).
    pub addons: Vec<(usize, u32)>,
    /// Trials as (feature index, end in ms since epoch).
    pub trials: Vec<(usize, f64)>,
    /// Creation time.
    pub created_at: Option<f64>,
    /// Next renewal time.
    pub renewal_at: Option<f64>,
    /// Health score, usually 0–100.
    pub health_score: Option<f64>,
    /// `onboarding`, `adoption`, `expansion`, …
    pub lifecycle: Option<Rc<str>>,
    /// Open support escalations.
    pub open_escalations: Option<f64>,
}

/// The user part of the context.
#[derive(Clone, Debug, Default)]
pub struct User {
    /// User id (experiment unit).
    pub id: Option<Rc<str>>,
    /// Role, compared with the catalog's purchase roles.
    pub role: Option<Rc<str>>,
}

/// A free-form map of the context whose values rules read by key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeMap {
    /// `account.traits`.
    AccountTraits,
    /// `user.traits`.
    UserTraits,
    /// `signals`.
    Signals,
}

/// A read context with its derived values.
#[derive(Debug, Default)]
pub struct Facts {
    /// Evaluation time (ms since epoch): `context.now` or the host clock.
    pub now: f64,
    /// Whether `now` came from the context.
    pub now_given: bool,
    /// Lowercased locale such as `ja-jp`.
    pub locale: Rc<str>,
    /// Account.
    pub account: Account,
    /// User.
    pub user: User,
    /// Reported usage, by metric index.
    pub usage_input: Vec<UsageInput>,
    /// Reported credit balances, by metric index (read for credit metrics only).
    pub credit_input: Vec<CreditInput>,
    /// `uses30d` by feature index.
    pub feature_uses: Vec<Option<f64>>,
    /// Current route.
    pub route: Option<Rc<str>>,
    /// Feature the user is touching (raw id; may be unknown to the catalog).
    pub page_feature: Option<Rc<str>>,
    /// Problems in the context.
    pub errors: Vec<Diagnostic>,
    /// Questionable values that were still used.
    pub warnings: Vec<Diagnostic>,
    /// Seats in use (the seat metric's `used`), when reported.
    pub seats: Option<f64>,
    /// How far ahead `daysToLimit` looks, in days: the catalog's `forecast.horizonDays`
    /// unless a caller (a simulation) sets another before asking for usage.
    pub horizon_days: f64,
    /// The parsed context, kept for the free-form maps.
    doc: Doc,
    /// Node indices of `account.traits`, `user.traits` and `signals` in `doc`.
    maps: [Option<u32>; 3],
    limits: OnceCell<Option<Vec<Option<f64>>>>,
    usage: Vec<OnceCell<UsageFacts>>,
    credits: Vec<OnceCell<CreditFacts>>,
    adoption: OnceCell<Option<Option<f64>>>,
}

impl Facts {
    fn empty(model: &Model, now: f64) -> Facts {
        Facts {
            now,
            locale: "en".into(),
            usage_input: vec![UsageInput::default(); model.metrics.len()],
            feature_uses: vec![None; model.features.len()],
            usage: vec![OnceCell::new(); model.metrics.len()],
            credit_input: vec![CreditInput::default(); model.metrics.len()],
            credits: vec![OnceCell::new(); model.metrics.len()],
            horizon_days: model.horizon_days,
            ..Facts::default()
        }
    }

    /// The metering window (start, end) of metric `m`: the context's period, else the calendar
    /// period of the metric (of a windowed metric, its binding window's when that is a
    /// calendar period; a rolling window has none), else none.
    pub fn period(&self, model: &Model, m: usize) -> Option<(f64, f64)> {
        let metric = model.metrics.get(m)?;
        if !metric.windows.is_empty() {
            let w = metric.windows.get(self.binding(model, m)?)?;
            return match w.span {
                crate::catalog::model::Span::Period(p) => Some(date::period_window(p, self.now)),
                crate::catalog::model::Span::Rolling(_) => None,
            };
        }
        match self
            .usage_input
            .get(m)
            .map(|i| (i.period_start, i.period_end))
        {
            Some((Some(s), Some(e))) => Some((s, e)),
            _ => model
                .metrics
                .get(m)
                .and_then(|x| x.period)
                .map(|p| date::period_window(p, self.now)),
        }
    }

    /// Share of the plan's features with `uses30d` > 0: `None` when unknown (no valid plan, or
    /// no use of a plan feature reported), `Some(None)` for a plan without features.
    pub fn feature_adoption(&self, model: &Model) -> Option<Option<f64>> {
        *self.adoption.get_or_init(|| {
            let plan = model.plans.get(self.account.plan?)?;
            if plan.features.is_empty() {
                return Some(None);
            }
            let uses = |i: &usize| self.feature_uses.get(*i).copied().flatten();
            if plan.features.iter().all(|i| uses(i).is_none()) {
                return None;
            }
            let used = plan
                .features
                .iter()
                .filter(|i| uses(i).unwrap_or(0.0) > 0.0)
                .count();
            Some(Some(used as f64 / plan.features.len() as f64))
        })
    }

    /// The highest usage ratio of any metric.
    pub fn utilization(&self, model: &Model) -> Option<f64> {
        let mut best: Option<f64> = None;
        for m in 0..model.metrics.len() {
            if let Some(r) = self.usage(model, m).and_then(|u| u.ratio) {
                best = Some(best.map_or(r, |b: f64| b.max(r)));
            }
        }
        best
    }

    /// Whole days since the account was created (floor); `None` without `createdAt`.
    pub fn tenure_days(&self) -> Option<f64> {
        self.account
            .created_at
            .map(|c| ((self.now - c) / DAY_MS).floor())
    }

    /// Days until renewal (rounded up; negative when past); `None` without `renewalAt`.
    pub fn days_to_renewal(&self) -> Option<f64> {
        self.account
            .renewal_at
            .map(|r| ((r - self.now) / DAY_MS).ceil())
    }

    /// Quantity of an add-on the account holds.
    pub fn addon_quantity(&self, addon: usize) -> u32 {
        self.account
            .addons
            .iter()
            .find(|(a, _)| *a == addon)
            .map_or(0, |(_, q)| *q)
    }

    /// Whether the user may buy (role in the catalog's purchase roles). Without a role, no.
    pub fn can_purchase(&self, model: &Model) -> bool {
        self.user
            .role
            .as_deref()
            .is_some_and(|r| model.purchase_roles.iter().any(|p| p == r))
    }

    /// Where access to `feature` on the current plan comes from.
    pub fn access(&self, model: &Model, feature: usize) -> Option<Source> {
        self.access_on(model, self.account.plan?, feature)
    }

    /// Access to `feature` if the account were on plan `plan` (keeping the add-ons it can hold
    /// there).
    pub fn access_on(&self, model: &Model, plan: usize, feature: usize) -> Option<Source> {
        if model.plans.get(plan)?.features.contains(&feature) {
            return Some(Source::Plan);
        }
        let by_addon = self
            .account
            .addons
            .iter()
            .filter_map(|(a, _)| model.addons.get(*a))
            .any(|ad| ad.available_on(plan) && ad.features.contains(&feature));
        if by_addon {
            return Some(Source::Addon);
        }
        self.account
            .trials
            .iter()
            .any(|(f, end)| *f == feature && *end > self.now)
            .then_some(Source::Trial)
    }

    /// Errors whose path starts with `prefix`.
    pub fn has_error_under(&self, prefix: &[&str]) -> bool {
        self.errors.iter().any(|e| {
            prefix
                .iter()
                .enumerate()
                .all(|(i, seg)| matches!(e.path.get(i), Some(PathSeg::Key(k)) if k == seg))
        })
    }

    /// The value under `key` in a free-form map, as a rule value (objects are not readable).
    pub fn free_value(&self, map: FreeMap, key: &str) -> Value {
        let slot = match map {
            FreeMap::AccountTraits => 0,
            FreeMap::UserTraits => 1,
            FreeMap::Signals => 2,
        };
        let Some(node) = self.maps.get(slot).copied().flatten() else {
            return Value::Missing;
        };
        match self.doc.at(node).and_then(|m| m.get(key)) {
            Some(v) => json_value(v),
            None => Value::Missing,
        }
    }

    /// A number in `signals`, if it is one.
    pub fn signal_number(&self, key: &str) -> Option<f64> {
        match self.free_value(FreeMap::Signals, key) {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
}

pub use crate::base::vocab::AccessSource as Source;

/// A JSON value as a rule value (objects are not readable from rules; the boundary's markers
/// for values JSON cannot carry are missing).
fn json_value(v: Val<'_>) -> Value {
    match v.kind() {
        JsonKind::Null => Value::Null,
        JsonKind::Bool => v.as_bool().map_or(Value::Missing, Value::Bool),
        JsonKind::Number => v.as_f64().map_or(Value::Missing, Value::Number),
        JsonKind::String => v
            .as_text()
            .map_or(Value::Missing, |s| Value::String(s.into())),
        JsonKind::Array => Value::List(v.items().map(json_value).collect()),
        JsonKind::Object => Value::Missing,
    }
}
