//! Right-sizing: the cheapest plan that still covers the account's use with headroom and
//! keeps every feature in use — the target of an honest downsell.

use super::unlock::Pricing;
use crate::catalog::Model;
use crate::facts::usage::limits_on;
use crate::facts::Facts;

/// The cheapest plan whose limits cover current use with `headroom` (0.2 = 20% spare) and that
/// gives every feature in use. A metric with a limit whose use the context does not report, or
/// a feature the account has whose use is not reported, cannot be shown to fit, so only plans
/// that keep them qualify. Contact-sales plans and plans without a computable price are not
/// candidates.
pub fn right_size_plan(catalog: &Model, facts: &Facts, headroom: f64) -> Option<usize> {
    let current = facts.account.plan?;
    let pricing = Pricing::new(catalog, facts, None);
    let current_limits = limits_on(catalog, facts, current);
    let mut best: Option<(f64, usize)> = None;
    for pi in 0..catalog.plans.len() {
        let limits = limits_on(catalog, facts, pi);
        let covers = facts
            .usage_input
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
            let has_now = facts.access_on(catalog, current, fi).is_some();
            let in_use = facts
                .feature_uses
                .get(fi)
                .copied()
                .flatten()
                .is_none_or(|n| n > 0.0);
            !(has_now && in_use) || facts.access_on(catalog, pi, fi).is_some()
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
