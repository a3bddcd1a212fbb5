//! Feature gates: is a feature included in the plan, an add-on or an unexpired trial, and if
//! not, what unlocks it — decided on typed values; the render layer words the answer.

use super::env::Session;
use super::unlock::{self, Need, Offer};
use crate::catalog::Kind;
use crate::facts::Source;

pub use crate::base::vocab::FeatureReason as GateReason;

/// The decision for one feature.
#[derive(Clone, Debug, PartialEq)]
pub struct Gate {
    /// Feature index, when the feature is known.
    pub feature: Option<usize>,
    /// Whether to let the user in.
    pub allowed: bool,
    /// Where access comes from, when allowed by the catalog.
    pub source: Option<Source>,
    /// Why.
    pub reason: GateReason,
    /// End of the trial, when a trial gives or gave access (ms since epoch).
    pub trial_ends_at: Option<f64>,
    /// Ways to unlock, cheapest first (only when not allowed).
    pub unlock: Vec<Offer>,
}

/// Checks access to `feature` (an id): allowed or not, why, and the ways to unlock it
/// (`checkFeature`).
pub fn check_feature(s: &Session, feature: &str) -> Gate {
    let catalog = &*s.catalog;
    let facts = &s.facts;
    let mut gate = Gate {
        feature: None,
        allowed: false,
        source: None,
        reason: GateReason::NotInPlan,
        trial_ends_at: None,
        unlock: Vec::new(),
    };
    let Some(fi) = catalog.find(Kind::Feature, feature) else {
        gate.reason = GateReason::UnknownFeature;
        return gate;
    };
    gate.feature = Some(fi);
    gate.trial_ends_at = facts
        .account
        .trials
        .iter()
        .find(|(f, _)| *f == fi)
        .map(|(_, end)| *end);
    // Fail open: a context we cannot read must never put up a paywall.
    if facts.has_error_under(&["account", "plan"])
        || facts.has_error_under(&["account", "addons"])
        || facts.has_error_under(&["account", "trials", feature])
        || (facts.account.plan.is_none() && !facts.errors.is_empty())
    {
        gate.allowed = true;
        gate.reason = GateReason::InvalidContext;
        return gate;
    }
    if let Some(src) = facts.access(catalog, fi) {
        gate.allowed = true;
        gate.source = Some(src);
        gate.reason = match src {
            Source::Plan => GateReason::IncludedInPlan,
            Source::Addon => GateReason::IncludedInAddon,
            Source::Trial => GateReason::TrialActive,
        };
        return gate;
    }
    if gate.trial_ends_at.is_some() {
        gate.reason = GateReason::TrialExpired;
    }
    gate.unlock = unlock::options(
        catalog,
        facts,
        Need {
            feature: Some(fi),
            metric: None,
        },
    );
    gate
}
