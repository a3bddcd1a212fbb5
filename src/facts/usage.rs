//! Derived usage values: the effective limit (plan plus add-ons), ratio and state, and the
//! forecast from the usage history.

use super::{Facts, UsageInput};
use crate::base::date::{self, Period, DAY_MS};
use crate::base::num::round;
use crate::catalog::Model;

pub use crate::base::vocab::UsageState as State;

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

/// Fewest points a trend beyond the current period needs (history readings plus the current
/// value for a standing metric; period totals for a metered one).
pub const MIN_TREND_POINTS: usize = 3;

/// Shortest time those points must span, in days.
pub const MIN_TREND_DAYS: f64 = 7.0;

/// Most future periods a metered forecast looks through (a day period over ten years).
const MAX_FUTURE_PERIODS: usize = 4000;

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
    // In-period reach (ms since epoch) of a metered metric, for the horizon forecast.
    let mut in_period = None;
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
                in_period = Some(now + t * DAY_MS);
            }
        }
    }
    if let Some(Some(l)) = limit {
        let reach = if used >= l {
            Some(now)
        } else {
            match window {
                None => standing_reach(input, now, used, l),
                Some(_) if in_period.is_some() => in_period,
                Some(w) => {
                    let calendar = catalog.metrics.get(metric).and_then(|x| x.period);
                    metered_reach(input, calendar, w, now, used, l, facts.horizon_days)
                }
            }
        };
        if let Some(at) = reach {
            let days = ((at - now) / DAY_MS).floor().max(0.0);
            if days <= facts.horizon_days {
                u.days_to_limit = Some(days);
                u.limit_at = Some(at);
            }
        }
    }
    u
}

/// When a standing metric (no period: seats, storage) reaches `limit`: the least-squares line
/// through every earlier reading and the current value, continued from the current value.
/// `None` with too few points, too short a span, or a flat or falling trend.
fn standing_reach(input: &UsageInput, now: f64, used: f64, limit: f64) -> Option<f64> {
    let mut points: Vec<(f64, f64)> = input
        .history
        .iter()
        .filter(|(at, _)| *at < now)
        .map(|(at, v)| ((at - now) / DAY_MS, *v))
        .collect();
    points.push((0.0, used));
    let pace = trend(&points)?.0;
    (pace > 0.0)
        .then(|| now + (limit - used) / pace * DAY_MS)
        .filter(|t| t.is_finite())
}

/// The window of the metering period containing `t`: the calendar period of the metric when
/// the context gives none, else periods of the context's length repeated before and after it.
fn window_at(calendar: Option<Period>, given: Option<(f64, f64)>, t: f64) -> Option<(f64, f64)> {
    match (given, calendar) {
        (Some((s, e)), _) => {
            let len = e - s;
            if len.is_nan() || len <= 0.0 {
                return None;
            }
            let k = ((t - s) / len).floor();
            Some((s + k * len, s + (k + 1.0) * len)).filter(|w| w.0.is_finite() && w.1 > w.0)
        }
        (None, Some(p)) => Some(date::period_window(p, t)),
        (None, None) => None,
    }
}

/// When a metered metric, whose use resets every period, reaches `limit` in a later period.
///
/// Each period's total is estimated from its latest reading taken at least halfway through it,
/// extrapolated to the whole period at that reading's pace (`value × length ÷ elapsed`; a
/// reading at the period's end is its total). The current period counts the same way, from
/// the current value. A least-squares line through the totals (at the periods' midpoints)
/// gives each future period's total; the first future period whose total reaches the limit
/// reaches it at `start + length × limit ÷ total` (use accrues evenly within a period).
fn metered_reach(
    input: &UsageInput,
    calendar: Option<Period>,
    current: (f64, f64),
    now: f64,
    used: f64,
    limit: f64,
    horizon_days: f64,
) -> Option<f64> {
    let given = input.period_start.zip(input.period_end);
    // (period start, period end, reading time, value): the latest reading of each period.
    let mut latest: Vec<(f64, f64, f64, f64)> = Vec::new();
    let readings = input
        .history
        .iter()
        .copied()
        .filter(|(at, _)| *at < current.0)
        .chain(std::iter::once((now, used)));
    for (at, v) in readings {
        let Some((s, e)) = window_at(calendar, given, at) else {
            continue;
        };
        let (s, e) = if at >= current.0 { current } else { (s, e) };
        match latest.iter_mut().find(|x| x.0 == s) {
            Some(x) if x.2 < at => *x = (s, e, at, v),
            Some(_) => {}
            None => latest.push((s, e, at, v)),
        }
    }
    let totals: Vec<(f64, f64)> = latest
        .iter()
        .filter(|(s, e, at, _)| (at - s) * 2.0 >= e - s && at > s)
        .map(|(s, e, at, v)| (((s + e) / 2.0 - now) / DAY_MS, v * (e - s) / (at - s)))
        .collect();
    let (slope, level, mid) = trend(&totals)?;
    let until = now + horizon_days * DAY_MS;
    let mut w = window_at(calendar, given, current.1)?;
    for _ in 0..MAX_FUTURE_PERIODS {
        if w.0 > until {
            return None;
        }
        let x = ((w.0 + w.1) / 2.0 - now) / DAY_MS;
        let total = level + slope * (x - mid);
        if total >= limit && total > 0.0 {
            return Some(w.0 + (w.1 - w.0) * (limit / total)).filter(|t| t.is_finite());
        }
        let next = window_at(calendar, given, w.1)?;
        if next.0 <= w.0 {
            return None;
        }
        w = next;
    }
    None
}

/// A least-squares line through (day, value) points as (slope per day, mean value, mean day):
/// `None` with fewer than [`MIN_TREND_POINTS`] points or a span under [`MIN_TREND_DAYS`].
fn trend(points: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    if points.len() < MIN_TREND_POINTS {
        return None;
    }
    let lo = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    if (hi - lo).is_nan() || hi - lo < MIN_TREND_DAYS {
        return None;
    }
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let s = slope(points)?;
    (mx.is_finite() && my.is_finite()).then_some((s, my, mx))
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
