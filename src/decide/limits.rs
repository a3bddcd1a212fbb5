//! Usage limits: which options raise a metric's limit enough for current and projected use.

use super::env::Session;
use super::unlock::{self, Need, Offer};
use crate::catalog::Kind;
use crate::facts::UsageFacts;

/// The decision for one metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    /// Metric index, when the metric is known.
    pub metric: Option<usize>,
    /// Options that cover `max(used, projected)`, cheapest first (only for a limited metric
    /// with known use).
    pub unlock: Vec<Offer>,
}

/// The amount a raised limit must reach: current use or the projection, whichever is larger.
pub fn need(u: &UsageFacts) -> Option<f64> {
    Some(u.used?.max(u.projected.unwrap_or(0.0)))
}

/// Options that raise metric `m` to `amount`, cheapest first.
pub fn raise(s: &Session, m: usize, amount: f64) -> Vec<Offer> {
    unlock::options(
        &s.catalog,
        &s.facts,
        Need {
            feature: None,
            metric: Some((m, amount)),
        },
    )
}

/// Checks the limit on `metric` (an id) and what raises it (`checkUsage`).
pub fn check_usage(s: &Session, metric: &str) -> Limit {
    let Some(mi) = s.catalog.find(Kind::Metric, metric) else {
        return Limit {
            metric: None,
            unlock: Vec::new(),
        };
    };
    let unlock = match s.facts.usage(&s.catalog, mi) {
        Some(u) if matches!(u.limit, Some(Some(_))) => {
            need(u).map_or_else(Vec::new, |n| raise(s, mi, n))
        }
        _ => Vec::new(),
    };
    Limit {
        metric: Some(mi),
        unlock,
    }
}
