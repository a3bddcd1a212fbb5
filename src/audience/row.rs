//! One account's line of `simulate --accounts-out`: what it was shown, what was held back and
//! why, how soon each limit is reached, and what the shown callouts are worth. Built from the
//! same decision the aggregates count, one account at a time, so that rows can be written as
//! they come (memory does not grow with the number of accounts).

use super::sizing::{account_expected, Rates};
use crate::base::vocab::Code;
use crate::decide::recommend::{Candidate, Held, Reason};
use crate::decide::Session;

/// One account's row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccountRow {
    /// Index of the account in the input (line, data row or row).
    pub index: u64,
    /// `account.id`.
    pub account_id: Option<String>,
    /// Current plan id.
    pub plan: Option<String>,
    /// The callout ids shown (in the asked placement), in rank order.
    pub callouts: Vec<String>,
    /// Callouts held back: (callout id, reason); `schedule` (a rule out of its schedule) is
    /// left out, as the reach table leaves it out of `matched`.
    pub suppressed: Vec<(String, Reason)>,
    /// Whole days until each metric's limit (a credit balance: until it is empty), in the
    /// catalog's metric order; `None` when the trend does not reach it within the horizon.
    pub days_to_limit: Vec<Option<f64>>,
    /// The sum of the shown callouts' targets' monthly deltas (negative for a downsell).
    pub monthly_value: f64,
    /// Σ measured rate × monthly delta of the shown callouts, with rates; `None` without
    /// rates or when a shown callout has no measured rate.
    pub expected_mrr: Option<f64>,
    /// The code of the account's (first) problem, if it has one.
    pub error: Option<Code>,
}

/// The row of an account decided in `s`; `placement` filters the shown callouts as the
/// simulation does.
pub fn account_row(
    s: &Session,
    index: u64,
    shown: &[Candidate<'_>],
    held: &[Held],
    placement: Option<&str>,
    rates: Option<&Rates>,
) -> AccountRow {
    let catalog = &*s.catalog;
    let mut callouts = Vec::new();
    let mut sized = Vec::new();
    let mut monthly_value = 0.0;
    for c in shown
        .iter()
        .filter(|c| placement.is_none_or(|p| p == c.placement))
    {
        let id = c.origin.callout_id(catalog).into_owned();
        let delta = c.target.and_then(|t| t.monthly_delta);
        monthly_value += delta.filter(|d| d.is_finite()).unwrap_or(0.0);
        sized.push((rates.and_then(|r| r.find(&id)), delta));
        callouts.push(id);
    }
    let suppressed = held
        .iter()
        .filter(|h| h.reason != Reason::Schedule)
        .map(|h| (h.origin.callout_id(catalog).into_owned(), h.reason))
        .collect();
    let days_to_limit = (0..catalog.metrics.len())
        .map(|m| match s.facts.credits(catalog, m) {
            Some(c) => c.days_to_empty,
            None => s.facts.usage(catalog, m).and_then(|u| u.days_to_limit),
        })
        .collect();
    AccountRow {
        index,
        account_id: s.facts.account.id.as_deref().map(str::to_owned),
        plan: s
            .facts
            .account
            .plan
            .and_then(|p| catalog.plans.get(p))
            .map(|p| p.id.clone()),
        callouts,
        suppressed,
        days_to_limit,
        monthly_value,
        expected_mrr: rates.and_then(|r| account_expected(r, &sized)),
        error: s.facts.errors.first().map(|e| e.code),
    }
}
