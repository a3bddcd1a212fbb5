//! Derived usage values: the effective limit (plan plus add-ons), ratio and state, and the
//! forecast from the usage history.

use super::{Facts, State, UsageFacts, UsageInput};
use crate::base::date::{self, Period, DAY_MS};
use crate::base::num::round;
use crate::catalog::model::Span;
use crate::catalog::Model;

/// The derived values a [`Facts`] keeps once computed.
impl Facts {
    /// Effective limits of every metric on the current plan; `None` without a valid plan.
    pub fn limits(&self, model: &Model) -> Option<&[Option<f64>]> {
        self.limits
            .get_or_init(|| self.account.plan.map(|p| limits_on(model, self, p)))
            .as_deref()
    }

    /// Derived usage values of metric `m` (computed on first use).
    pub fn usage(&self, model: &Model, m: usize) -> Option<&UsageFacts> {
        let cell = self.usage.get(m)?;
        Some(cell.get_or_init(|| {
            let limit = self.limits(model).map(|l| l.get(m).copied().flatten());
            derive(model, self, m, limit)
        }))
    }
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
    // A windowed metric is read in its binding window.
    let used = match facts.binding(catalog, metric) {
        Some(b) => input.windows.get(b).and_then(|w| w.used),
        None => input.used,
    };
    let mut u = UsageFacts {
        used,
        limit,
        ..UsageFacts::default()
    };
    if let (Some(used), Some(limit)) = (used, limit) {
        let (ratio, state) = state_of(catalog, used, limit);
        u.ratio = ratio;
        u.state = Some(state);
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
    // A period is projected only once `forecast.minElapsed` of it has passed: a few hours of
    // a month say little about the rest of it.
    let settled = window.is_none_or(|(s, e)| now - s >= (e - s) * catalog.min_elapsed);
    if let Some((_, end)) = window.filter(|_| settled) {
        let remaining_days = ((end - now) / DAY_MS).max(0.0);
        u.projected = Some(round(used + pace * remaining_days, 2)).filter(|p| p.is_finite());
    }
    // In-period reach (ms since epoch) of a metered metric, for the horizon forecast.
    let mut in_period = None;
    if let Some(Some(l)) = limit {
        if used >= l {
            u.days_left = Some(0.0);
        } else if pace > 0.0 && settled {
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

/// The ratio (`None` when unlimited or the limit is 0) and state of `used` against `limit`
/// (`None` = unlimited).
pub fn state_of(catalog: &Model, used: f64, limit: Option<f64>) -> (Option<f64>, State) {
    let Some(l) = limit else {
        return (None, State::Ok);
    };
    let ratio = if l > 0.0 { used / l } else { f64::INFINITY };
    let state = if used > l {
        State::Over
    } else if used == l {
        State::AtLimit
    } else if ratio >= catalog.thresholds.critical {
        State::Critical
    } else if ratio >= catalog.thresholds.approaching {
        State::Approaching
    } else {
        State::Ok
    };
    (Some(ratio).filter(|r| r.is_finite() && l > 0.0), state)
}

/// Effective limits of every metric on `plan` (with the add-ons holdable there). A windowed
/// metric's limit is that of its binding window (see [`Facts::binding`]) on `plan`.
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
    for (m, metric) in catalog.metrics.iter().enumerate() {
        if metric.windows.is_empty() {
            continue;
        }
        // Without reported use nothing binds; the first limited window then stands for the
        // metric, so a limited metric never reads as unlimited.
        let windows = window_limits_on(catalog, facts, plan, m);
        let w = match facts.binding(catalog, m) {
            Some(b) => windows.get(b).copied().flatten(),
            None => windows.iter().copied().flatten().next(),
        };
        if let Some(slot) = limits.get_mut(m) {
            *slot = w;
        }
    }
    limits
}

/// The limit of each window of windowed metric `m` on `plan` (`None` = unlimited there), with
/// the add-ons holdable there.
pub fn window_limits_on(catalog: &Model, facts: &Facts, plan: usize, m: usize) -> Vec<Option<f64>> {
    let Some(p) = catalog.plans.get(plan) else {
        return Vec::new();
    };
    let mut limits = p
        .window_limits
        .iter()
        .find(|(x, _)| *x == m)
        .map(|(_, l)| l.clone())
        .unwrap_or_default();
    for (a, q) in &facts.account.addons {
        let Some(ad) = catalog.addons.get(*a).filter(|ad| ad.available_on(plan)) else {
            continue;
        };
        for (_, w, n) in ad.window_limits.iter().filter(|(x, _, _)| *x == m) {
            if let Some(Some(l)) = limits.get_mut(*w) {
                *l += n * f64::from(*q);
            }
        }
    }
    limits
}

/// Derived values of one window of a windowed metric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WindowFacts {
    /// Use within the window.
    pub used: Option<f64>,
    /// Its limit on the current plan (`None` = unlimited).
    pub limit: Option<f64>,
    /// `used ÷ limit`.
    pub ratio: Option<f64>,
    /// How close it is to its limit; `None` without reported use.
    pub state: Option<State>,
    /// When its count drops next (ms since epoch): a calendar window's end, a rolling
    /// window's `resetsAt`.
    pub resets_at: Option<f64>,
}

impl Facts {
    /// Every window of windowed metric `m` on the current plan (empty without windows or a
    /// known plan). Rolling windows are never projected.
    pub fn window_facts(&self, model: &Model, m: usize) -> Vec<WindowFacts> {
        let (Some(metric), Some(plan)) = (model.metrics.get(m), self.account.plan) else {
            return Vec::new();
        };
        let limits = window_limits_on(model, self, plan, m);
        let input = self.usage_input.get(m);
        metric
            .windows
            .iter()
            .enumerate()
            .map(|(w, win)| {
                let i = input.and_then(|i| i.windows.get(w));
                let limit = limits.get(w).copied().flatten();
                let used = i.and_then(|i| i.used);
                let (ratio, state) = match used {
                    Some(u) => {
                        let (r, s) = state_of(model, u, limit);
                        (r, Some(s))
                    }
                    None => (None, None),
                };
                let resets_at = match win.span {
                    Span::Period(p) => Some(date::period_window(p, self.now).1),
                    Span::Rolling(_) => i.and_then(|i| i.resets_at),
                };
                WindowFacts {
                    used,
                    limit,
                    ratio,
                    state,
                    resets_at,
                }
            })
            .collect()
    }

    /// The window of windowed metric `m` that binds on the current plan: the one whose use is
    /// the largest share of its limit (a window at its limit blocks until it resets); on a tie
    /// the longer window, which blocks longer. `None` for a metric without windows, without a
    /// known plan, or with no use reported in a limited window.
    pub fn binding(&self, model: &Model, m: usize) -> Option<usize> {
        let metric = model.metrics.get(m)?;
        if metric.windows.is_empty() {
            return None;
        }
        let limits = window_limits_on(model, self, self.account.plan?, m);
        let input = self.usage_input.get(m)?;
        let mut best: Option<(f64, f64, usize)> = None;
        for (w, win) in metric.windows.iter().enumerate() {
            let (Some(used), Some(Some(limit))) = (
                input.windows.get(w).and_then(|x| x.used),
                limits.get(w).copied(),
            ) else {
                continue;
            };
            let share = if limit > 0.0 {
                used / limit
            } else if used > 0.0 {
                f64::INFINITY
            } else {
                1.0
            };
            let key = (share, win.span.length(), w);
            if best.is_none_or(|b| key.0 > b.0 || (key.0 == b.0 && key.1 > b.1)) {
                best = Some(key);
            }
        }
        best.map(|(_, _, w)| w)
    }
}
