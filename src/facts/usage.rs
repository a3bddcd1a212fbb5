//! Derived usage values: the effective limit (plan plus add-ons), ratio and state, and the
//! forecast from the usage history.

use super::Facts;
use crate::base::date::DAY_MS;
use crate::base::num::round;
use crate::catalog::Model;

/// How close a metric is to its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
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
    catalog: &Model,
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
                    u.ratio = Some(used / l).filter(|r| r.is_finite());
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
    let window = facts.period(catalog, metric);
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

/// Effective limits of every metric on `plan` (with the add-ons holdable there).
pub fn limits_on(catalog: &Model, facts: &Facts, plan: usize) -> Vec<Option<f64>> {
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
