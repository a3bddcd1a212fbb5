//! Usage limits: the effective limit (plan plus add-ons), ratio and state, the forecast from the
//! usage history, the options that raise a limit, and the right-size plan.

use serde::Serialize;

use crate::config::Catalog;
use crate::context::Facts;
use crate::date::{self, DAY_MS};

/// How close a metric is to its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Below the approaching threshold (or unlimited).
    Ok,
    /// At or above `thresholds.approaching`.
    Approaching,
    /// At or above `thresholds.critical`.
    Critical,
    /// Exactly at the limit.
    AtLimit,
    /// Above the limit.
    Over,
}

impl State {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::Approaching => "approaching",
            State::Critical => "critical",
            State::AtLimit => "at_limit",
            State::Over => "over",
        }
    }
}

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
}

/// Derives the usage facts of one metric; `limit` is its effective limit on the current plan
/// (`None` when the plan is unknown, `Some(None)` when unlimited).
pub fn derive(
    catalog: &Catalog,
    facts: &Facts,
    metric: usize,
    limit: Option<Option<f64>>,
) -> UsageFacts {
    let Some(input) = facts.usage_input.get(metric) else {
        return UsageFacts::default();
    };
    let used = input.used;
    let mut u = UsageFacts {
        used,
        limit,
        ..UsageFacts::default()
    };
    if let (Some(used), Some(limit)) = (used, limit) {
        u.state = Some(match limit {
            None => State::Ok,
            Some(l) => {
                if l > 0.0 {
                    u.ratio = Some(used / l);
                }
                let ratio = if l > 0.0 { used / l } else { f64::INFINITY };
                if used > l {
                    State::Over
                } else if used == l {
                    State::AtLimit
                } else if ratio >= catalog.thresholds.critical {
                    State::Critical
                } else if ratio >= catalog.thresholds.approaching {
                    State::Approaching
                } else {
                    State::Ok
                }
            }
        });
    }
    let Some(used) = used else { return u };
    let window = match (input.period_start, input.period_end) {
        (Some(s), Some(e)) => Some((s, e)),
        _ => catalog
            .metrics
            .get(metric)
            .and_then(|m| m.period)
            .map(|p| date::period_window(p, facts.now)),
    };
    let now = facts.now;
    let mut points: Vec<(f64, f64)> = input
        .history
        .iter()
        .filter(|(at, _)| *at < now && window.is_none_or(|(s, _)| *at >= s))
        .map(|(at, v)| ((at - now) / DAY_MS, *v))
        .collect();
    points.push((0.0, used));
    if points.len() < 2 {
        if let Some((s, _)) = window.filter(|(s, _)| *s < now) {
            points.push(((s - now) / DAY_MS, 0.0));
        }
    }
    u.slope = slope(&points);
    let pace = u.slope.unwrap_or(0.0).max(0.0);
    if let Some((_, end)) = window {
        let remaining_days = ((end - now) / DAY_MS).max(0.0);
        u.projected = Some(round(used + pace * remaining_days, 2));
    }
    if let Some(Some(l)) = limit {
        if used >= l {
            u.days_left = Some(0.0);
        } else if pace > 0.0 {
            let t = (l - used) / pace;
            let within = match window {
                Some((_, end)) => now + t * DAY_MS <= end,
                None => t <= 365.0,
            };
            if within {
                u.days_left = Some(t.floor());
            }
        }
    }
    u
}

/// Least-squares slope of (x, y) points; `None` with fewer than two distinct x.
fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if n < 2.0 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 1e-12).then(|| sxy / sxx).filter(|s| s.is_finite())
}

/// Rounds to `digits` decimal places.
pub(crate) fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The cheapest plan whose limits cover current use with `headroom` (0.2 = 20% spare) and that
/// gives every feature in use. A metric with a limit whose use the context does not report, or
/// a feature the account has whose use is not reported, cannot be shown to fit, so only plans
/// that keep them qualify. Contact-sales plans and plans without a computable price are not
/// candidates.
pub fn right_size_plan(catalog: &Catalog, facts: &Facts, headroom: f64) -> Option<usize> {
    let current = facts.account.plan?;
    let pricing = crate::unlock::Pricing::new(catalog, facts, None);
    let current_limits = limits_on(catalog, facts, current);
    let mut best: Option<(f64, usize)> = None;
    for pi in 0..catalog.plans.len() {
        let limits = limits_on(catalog, facts, pi);
        let covers = facts
            .usage
            .iter()
            .zip(limits.iter().zip(&current_limits))
            .all(|(u, (limit, cur))| {
                match (u.used, limit) {
                    (_, None) => true,
                    (Some(used), Some(l)) => used * (1.0 + headroom) <= *l || used == 0.0,
                    // Unknown use: only a plan at least as generous as the current one is safe.
                    (None, Some(l)) => cur.is_some_and(|c| *l >= c),
                }
            });
        let features = (0..catalog.features.len()).all(|fi| {
            let has_now = crate::gate::access_on(catalog, facts, current, fi).is_some();
            let in_use = facts
                .feature_uses
                .get(fi)
                .copied()
                .flatten()
                .is_none_or(|n| n > 0.0);
            !(has_now && in_use) || crate::gate::access_on(catalog, facts, pi, fi).is_some()
        });
        if covers && features {
            if let Some(cost) = pricing.bill(pi) {
                if best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, pi));
                }
            }
        }
    }
    best.map(|(_, p)| p)
}

/// Effective limits of every metric on `plan` (with the add-ons holdable there).
pub fn limits_on(catalog: &Catalog, facts: &Facts, plan: usize) -> Vec<Option<f64>> {
    let Some(p) = catalog.plans.get(plan) else {
        return vec![None; catalog.metrics.len()];
    };
    let mut limits = p.limits.clone();
    for (a, q) in &facts.account.addons {
        let Some(ad) = catalog.addons.get(*a).filter(|ad| ad.available_on(plan)) else {
            continue;
        };
        for (m, n) in &ad.limits {
            if let Some(Some(l)) = limits.get_mut(*m) {
                *l += n * f64::from(*q);
            }
        }
    }
    limits
}

/// The answer to "how close is this account to its limit on this metric?".
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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
    /// `ok`, `approaching`, `critical`, `at_limit`, `over`; `null` when unknown.
    pub state: Option<State>,
    /// Projected use at the end of the period.
    pub projected: Option<f64>,
    /// Whole days until the limit is reached at the current pace.
    pub days_left: Option<f64>,
    /// Start and end of the metering period used for the forecast.
    pub period: Option<Period>,
    /// Options that cover `max(used, projected)`, cheapest first.
    pub unlock: Vec<UnlockOption>,
    /// Ready-to-render `usage_limit` callout when the state is not `ok`.
    pub callout: Option<Callout>,
    /// Problems in the context or the question.
    pub errors: Vec<Diagnostic>,
    /// Questionable values.
    pub warnings: Vec<Diagnostic>,
}

/// A metering period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Period {
    /// Start (RFC 3339).
    pub start: String,
    /// End (RFC 3339).
    pub end: String,
}

use crate::callout::{action_for, render, Callout, Cta, Target, UnlockOption};
use crate::config::Kind;
use crate::diag::{join, Diagnostic};
use crate::message::LocalValues;
use crate::unlock::{self, Need};

/// Checks one metric for the context.
pub fn check_usage(catalog: &Catalog, facts: &Facts, metric: &str) -> UsageCheck {
    let mut check = UsageCheck {
        metric: metric.to_owned(),
        used: None,
        limit: None,
        unlimited: false,
        remaining: None,
        ratio: None,
        state: None,
        projected: None,
        days_left: None,
        period: None,
        unlock: Vec::new(),
        callout: None,
        errors: facts.errors.clone(),
        warnings: facts.warnings.clone(),
    };
    let Some(mi) = catalog.find(Kind::Metric, metric) else {
        check
            .errors
            .push(catalog.unknown(Kind::Metric, metric, join(&[], "metric")));
        return check;
    };
    let Some(u) = facts.usage.get(mi) else {
        return check;
    };
    check.used = u.used;
    check.limit = u.limit.flatten();
    check.unlimited = u.limit == Some(None);
    check.remaining = match (u.used, u.limit) {
        (Some(used), Some(Some(l))) => Some((l - used).max(0.0)),
        _ => None,
    };
    check.ratio = u.ratio;
    check.state = u.state;
    check.projected = u.projected;
    check.days_left = u.days_left;
    let input = facts.usage_input.get(mi);
    let window = match input.map(|i| (i.period_start, i.period_end)) {
        Some((Some(s), Some(e))) => Some((s, e)),
        _ => catalog
            .metrics
            .get(mi)
            .and_then(|m| m.period)
            .map(|p| date::period_window(p, facts.now)),
    };
    check.period = window.map(|(s, e)| Period {
        start: date::format(s),
        end: date::format(e),
    });
    if u.used.is_none() && u.limit.is_some() {
        check.warnings.push(Diagnostic::new(
            "missing_usage",
            format!("the context reports no usage for `{metric}`"),
            join(&join(&[], "usage"), metric),
        ));
    }
    let (Some(used), Some(Some(_))) = (u.used, u.limit) else {
        return check;
    };
    let need = used.max(u.projected.unwrap_or(0.0));
    check.unlock = unlock::options(
        catalog,
        facts,
        Need {
            feature: None,
            metric: Some((mi, need)),
        },
    );
    check.callout = usage_callout(catalog, facts, mi, u, &check.unlock);
    check
}

/// The built-in `usage_limit` callout for a metric whose state is not `ok`.
pub(crate) fn usage_callout(
    catalog: &Catalog,
    facts: &Facts,
    metric: usize,
    u: &UsageFacts,
    unlock: &[UnlockOption],
) -> Option<Callout> {
    let state = u.state.filter(|s| *s != State::Ok)?;
    let m = catalog.metrics.get(metric)?;
    let target = unlock.first().map(Target::from);
    let can_purchase = facts.can_purchase(catalog);
    let action = action_for(
        target.as_ref(),
        can_purchase,
        catalog.seat_metric == Some(metric),
    );
    let key = match state {
        State::Approaching => "usageLimit.approaching",
        State::Critical => "usageLimit.critical",
        State::AtLimit => "usageLimit.atLimit",
        _ => "usageLimit.over",
    };
    let locals = LocalValues {
        feature: None,
        metric: Some(metric),
        target: target.clone(),
    };
    let texts = render(
        catalog,
        facts,
        &catalog.messages.layers(key),
        action,
        &locals,
        u.days_left.is_some_and(|d| d >= 2.0),
    );
    let (severity, priority) = match state {
        State::Approaching => ("info", 10.0),
        State::Critical => ("warning", 20.0),
        _ => ("blocking", 100.0),
    };
    let mut reasons = vec![format!(
        "`{}` is {} ({} of {})",
        m.id,
        state.as_str(),
        crate::message::format_number(u.used.unwrap_or(0.0)),
        u.limit
            .flatten()
            .map_or_else(|| "unlimited".to_owned(), crate::message::format_number)
    )];
    if let Some(d) = u.days_left.filter(|d| *d > 0.0) {
        reasons.push(format!(
            "at the current pace the limit is reached in {d} days"
        ));
    }
    if let Some(t) = &target {
        reasons.push(format!("cheapest option: {} `{}`", t.kind, t.id));
    }
    if !can_purchase {
        reasons.push("user role cannot purchase: ask_admin".into());
    }
    Some(Callout {
        id: format!("usage_limit:{}", m.id),
        rule: "builtin:usage_limit".into(),
        kind: "usage_limit",
        placement: "banner".into(),
        severity,
        cta: Cta {
            label: texts.cta,
            action,
            url: if can_purchase {
                target.as_ref().and_then(|t| t.url.clone())
            } else {
                None
            },
        },
        target,
        title: texts.title,
        body: texts.body,
        priority,
        experiment: None,
        reasons,
    })
}
