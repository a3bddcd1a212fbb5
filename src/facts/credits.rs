//! Derived values of a credit metric: a prepaid balance that burns down.
//!
//! A credit metric has no limit to approach; it has a balance that runs out. Its state comes
//! from the share of the last grant still left (`balance ÷ granted`, against the catalog's
//! thresholds read as shares used), and its run-out date from the burn rate of the balance
//! history. Top-ups make the balance jump up, so the burn is what was spent between readings
//! (the sum of the drops), never the slope of the balances, which a top-up would turn flat or
//! negative. The same guardrails as the usage forecast apply: at least
//! [`MIN_TREND_POINTS`](super::usage::MIN_TREND_POINTS) readings spanning at least
//! [`MIN_TREND_DAYS`](super::usage::MIN_TREND_DAYS) days, and no date past the horizon.

use super::usage::{MIN_TREND_DAYS, MIN_TREND_POINTS};
use crate::base::date::DAY_MS;
use crate::base::num::round;

use super::Facts;
pub use super::{CreditFacts, CreditInput, CreditState};
use crate::catalog::Model;

/// How urgent a top-up is: 0 for `low`, 1 for `critical`, 2 for `empty`; `None` for `ok` (the
/// index into the built-in's priorities and severities).
pub fn top_up_level(state: Option<CreditState>) -> Option<usize> {
    match state? {
        CreditState::Low => Some(0),
        CreditState::Critical => Some(1),
        CreditState::Empty => Some(2),
        CreditState::Ok => None,
    }
}

impl Facts {
    /// Derived values of credit metric `m` (computed on first use); `None` for a metric that is
    /// not a credit metric. Without `granted` in the context, the grant is the plan's monthly
    /// grant (its limit plus recurring add-ons).
    pub fn credits(&self, model: &Model, m: usize) -> Option<&CreditFacts> {
        if !model.metrics.get(m)?.is_credits() {
            return None;
        }
        let cell = self.credits.get(m)?;
        Some(cell.get_or_init(|| {
            let mut input = self.credit_input.get(m).cloned().unwrap_or_default();
            if input.granted.is_none() {
                input.granted = self
                    .limits(model)
                    .and_then(|l| l.get(m).copied().flatten())
                    .filter(|g| *g > 0.0);
            }
            let t = CreditThresholds::from_used(
                model.thresholds.approaching,
                model.thresholds.critical,
            );
            derive(&input, t, self.now, self.horizon_days)
        }))
    }
}

impl CreditFacts {
    /// The share of the grant spent, `used ÷ granted`: 0 with a balance above the grant (a
    /// top-up on top of it spends nothing), above 1 in an overdraft.
    pub fn used_ratio(&self) -> Option<f64> {
        self.left_ratio.map(|l| (1.0 - l).max(0.0))
    }
}

/// The shares of the grant at which a balance is low and critical, from the catalog's usage
/// thresholds (`approaching` 0.8 used → low at 20 % left; `critical` 0.95 → 5 % left).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CreditThresholds {
    /// Share left at or below which the balance is low.
    pub low: f64,
    /// Share left at or below which the balance is critical.
    pub critical: f64,
}

impl CreditThresholds {
    /// From the usage thresholds (shares used).
    pub fn from_used(approaching: f64, critical: f64) -> CreditThresholds {
        CreditThresholds {
            low: 1.0 - approaching,
            critical: 1.0 - critical,
        }
    }
}

/// Derives the values of one credit metric at `now`, looking `horizon_days` ahead.
pub fn derive(
    input: &CreditInput,
    thresholds: CreditThresholds,
    now: f64,
    horizon_days: f64,
) -> CreditFacts {
    let mut c = CreditFacts {
        balance: input.balance,
        granted: input.granted,
        auto_recharge: input.auto_recharge,
        ..CreditFacts::default()
    };
    if let Some(at) = input.expires_at.filter(|at| at.is_finite()) {
        c.days_to_expiry = Some(((at - now) / DAY_MS).floor().max(0.0));
    }
    let Some(balance) = input.balance else {
        return c;
    };
    if let Some(g) = input.granted {
        // An overdraft as large as the grant would overflow: no value rather than an infinity.
        c.used = Some((g - balance).max(0.0)).filter(|u| u.is_finite());
        if g > 0.0 {
            c.left_ratio = Some(balance / g).filter(|r| r.is_finite());
        }
    }
    c.state = Some(state_of(balance, c.left_ratio, thresholds));
    let burn = burn_rate(&input.history, now, balance);
    c.burn_per_day = burn.map(|b| round(b, 4));
    if balance <= 0.0 {
        c.days_to_empty = Some(0.0);
        c.empty_at = Some(now);
    } else if let Some(burn) = burn.filter(|b| *b > 0.0 && b.is_finite()) {
        let days = balance / burn;
        if days.is_finite() && days.floor() <= horizon_days {
            c.days_to_empty = Some(days.floor());
            c.empty_at = Some(now + days * DAY_MS);
        }
    }
    c
}

/// The state of a balance: empty at or below 0, else by the share of the grant left.
fn state_of(balance: f64, left: Option<f64>, t: CreditThresholds) -> CreditState {
    if balance <= 0.0 {
        return CreditState::Empty;
    }
    match left {
        Some(r) if r <= t.critical => CreditState::Critical,
        Some(r) if r <= t.low => CreditState::Low,
        _ => CreditState::Ok,
    }
}

/// Credits spent per day: the drops between consecutive readings (earlier balances, then the
/// current one), summed and divided by the days the readings span. A rise between two readings
/// is a top-up and counts as no spending. `None` with fewer than [`MIN_TREND_POINTS`] readings
/// or a span under [`MIN_TREND_DAYS`] days. Rounded to 4 decimals.
fn burn_rate(history: &[(f64, f64)], now: f64, balance: f64) -> Option<f64> {
    let mut points: Vec<(f64, f64)> = history
        .iter()
        .copied()
        .filter(|(at, v)| *at < now && at.is_finite() && v.is_finite())
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points.push((now, balance));
    if points.len() < MIN_TREND_POINTS {
        return None;
    }
    let first = points.first()?.0;
    let days = (now - first) / DAY_MS;
    if days.is_nan() || days < MIN_TREND_DAYS {
        return None;
    }
    let spent: f64 = points
        .windows(2)
        .map(|w| match w {
            [a, b] => (a.1 - b.1).max(0.0),
            _ => 0.0,
        })
        .sum();
    Some(spent / days).filter(|b| b.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_800_000_000_000.0;
    const T: CreditThresholds = CreditThresholds {
        low: 0.2,
        critical: 0.05,
    };

    fn ago(days: f64) -> f64 {
        NOW - days * DAY_MS
    }

    fn input(balance: f64, granted: Option<f64>, history: &[(f64, f64)]) -> CreditInput {
        CreditInput {
            balance: Some(balance),
            granted,
            history: history.iter().map(|(d, v)| (ago(*d), *v)).collect(),
            ..CreditInput::default()
        }
    }

    #[test]
    fn states_follow_the_share_of_the_grant_left() {
        let s = |b: f64| derive(&input(b, Some(1000.0), &[]), T, NOW, 90.0).state;
        assert_eq!(s(500.0), Some(CreditState::Ok));
        assert_eq!(s(201.0), Some(CreditState::Ok));
        assert_eq!(s(200.0), Some(CreditState::Low));
        assert_eq!(s(50.0), Some(CreditState::Critical));
        assert_eq!(s(1.0), Some(CreditState::Critical));
        assert_eq!(s(0.0), Some(CreditState::Empty));
        assert_eq!(s(-3.0), Some(CreditState::Empty));
    }

    #[test]
    fn a_balance_without_a_grant_is_ok_until_empty() {
        let c = derive(&input(5.0, None, &[]), T, NOW, 90.0);
        assert_eq!(c.state, Some(CreditState::Ok));
        assert_eq!((c.used, c.left_ratio), (None, None));
        let c = derive(&input(0.0, None, &[]), T, NOW, 90.0);
        assert_eq!(c.state, Some(CreditState::Empty));
        assert_eq!(c.days_to_empty, Some(0.0));
    }

    #[test]
    fn a_steady_burn_gives_the_run_out_date() {
        // 100 credits a day for 10 days: 1,000 left runs out in 10 days.
        let c = derive(
            &input(1000.0, Some(2000.0), &[(10.0, 2000.0), (5.0, 1500.0)]),
            T,
            NOW,
            90.0,
        );
        assert_eq!(c.burn_per_day, Some(100.0));
        assert_eq!(c.days_to_empty, Some(10.0));
        assert_eq!(c.empty_at, Some(NOW + 10.0 * DAY_MS));
        assert_eq!(c.used, Some(1000.0));
        assert_eq!(c.left_ratio, Some(0.5));
    }

    #[test]
    fn a_top_up_is_not_negative_spending() {
        // 10 days: 1000 → 400 (spent 600), top-up to 1400, → 1000 (spent 400): 100 a day.
        let c = derive(
            &input(
                1000.0,
                Some(1000.0),
                &[(10.0, 1000.0), (4.0, 400.0), (3.0, 1400.0)],
            ),
            T,
            NOW,
            90.0,
        );
        assert_eq!(c.burn_per_day, Some(100.0));
        assert_eq!(c.days_to_empty, Some(10.0));
        // The top-up took the balance back to full: the state is ok again.
        assert_eq!(c.state, Some(CreditState::Ok));
    }

    #[test]
    fn too_little_history_gives_no_forecast() {
        // Two readings: too few.
        let c = derive(&input(100.0, Some(1000.0), &[(10.0, 900.0)]), T, NOW, 90.0);
        assert_eq!((c.burn_per_day, c.days_to_empty), (None, None));
        // Three readings over 3 days: too short.
        let c = derive(
            &input(100.0, Some(1000.0), &[(3.0, 900.0), (2.0, 500.0)]),
            T,
            NOW,
            90.0,
        );
        assert_eq!((c.burn_per_day, c.days_to_empty), (None, None));
        // Readings in the future or not finite are left out.
        let mut i = input(100.0, Some(1000.0), &[(10.0, 900.0)]);
        i.history.push((NOW + DAY_MS, 50.0));
        i.history.push((f64::NAN, 50.0));
        assert_eq!(derive(&i, T, NOW, 90.0).burn_per_day, None);
    }

    #[test]
    fn a_run_out_past_the_horizon_is_not_dated() {
        // 1 credit a day, 500 left: 500 days, past a 90-day horizon.
        let c = derive(
            &input(500.0, Some(1000.0), &[(10.0, 510.0), (5.0, 505.0)]),
            T,
            NOW,
            90.0,
        );
        assert_eq!(c.burn_per_day, Some(1.0));
        assert_eq!((c.days_to_empty, c.empty_at), (None, None));
        let c = derive(
            &input(500.0, Some(1000.0), &[(10.0, 510.0), (5.0, 505.0)]),
            T,
            NOW,
            3650.0,
        );
        assert_eq!(c.days_to_empty, Some(500.0));
    }

    #[test]
    fn a_balance_that_is_not_spent_never_runs_out() {
        let c = derive(
            &input(500.0, Some(1000.0), &[(10.0, 500.0), (5.0, 500.0)]),
            T,
            NOW,
            90.0,
        );
        assert_eq!(c.burn_per_day, Some(0.0));
        assert_eq!(c.days_to_empty, None);
    }

    #[test]
    fn expiry_is_counted_in_whole_days() {
        let mut i = input(500.0, None, &[]);
        i.expires_at = Some(NOW + 2.5 * DAY_MS);
        assert_eq!(derive(&i, T, NOW, 90.0).days_to_expiry, Some(2.0));
        i.expires_at = Some(NOW - DAY_MS);
        assert_eq!(derive(&i, T, NOW, 90.0).days_to_expiry, Some(0.0));
        i.expires_at = Some(f64::INFINITY);
        assert_eq!(derive(&i, T, NOW, 90.0).days_to_expiry, None);
    }

    #[test]
    fn thresholds_read_as_shares_used() {
        let t = CreditThresholds::from_used(0.8, 0.95);
        assert!((t.low - 0.2).abs() < 1e-12 && (t.critical - 0.05).abs() < 1e-12);
    }

    #[test]
    fn balances_near_the_largest_number_give_finite_values() {
        // A burn of 1e307 a day: scaling it for rounding used to overflow to infinity.
        let c = derive(
            &input(0.0, Some(1e308), &[(10.0, 1e308), (5.0, 5e307)]),
            T,
            NOW,
            90.0,
        );
        assert_eq!(c.burn_per_day, Some(1e307));
        // An overdraft of -1e308 against a grant of 1e308: 2e308 spent is not a finite number.
        let c = derive(&input(-1e308, Some(1e308), &[]), T, NOW, 90.0);
        assert_eq!(c.used, None);
        assert_eq!(c.state, Some(CreditState::Empty));
    }

    #[test]
    fn a_balance_above_the_grant_has_spent_none_of_it() {
        let c = derive(&input(1500.0, Some(1000.0), &[]), T, NOW, 90.0);
        assert_eq!((c.used, c.used_ratio()), (Some(0.0), Some(0.0)));
        let c = derive(&input(-500.0, Some(1000.0), &[]), T, NOW, 90.0);
        assert_eq!((c.used, c.used_ratio()), (Some(1500.0), Some(1.5)));
    }
}
