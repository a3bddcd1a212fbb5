//! Feature gates: is a feature included in the plan, an add-on or an unexpired trial, and if
//! not, what is the cheapest way to unlock it.

use serde::Serialize;

use crate::callout::{action_for, render, Callout, Cta, Target, UnlockOption};
use crate::config::{Catalog, Kind};
use crate::context::Facts;
use crate::diag::{join, Diagnostic};
use crate::message::LocalValues;
use crate::unlock::{self, Need};

/// Where access to a feature comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Included in the plan.
    Plan,
    /// Given by an owned add-on.
    Addon,
    /// An unexpired trial.
    Trial,
}

/// Access to `feature` on the account's current plan.
pub fn access(catalog: &Catalog, facts: &Facts, feature: usize) -> Option<Source> {
    access_on(catalog, facts, facts.account.plan?, feature)
}

/// Access to `feature` if the account were on plan `plan` (keeping the add-ons it can hold there).
pub fn access_on(catalog: &Catalog, facts: &Facts, plan: usize, feature: usize) -> Option<Source> {
    if catalog.plans.get(plan)?.features.contains(&feature) {
        return Some(Source::Plan);
    }
    let by_addon = facts
        .account
        .addons
        .iter()
        .filter_map(|(a, _)| catalog.addons.get(*a))
        .any(|ad| ad.available_on(plan) && ad.features.contains(&feature));
    if by_addon {
        return Some(Source::Addon);
    }
    facts
        .account
        .trials
        .iter()
        .any(|(f, end)| *f == feature && *end > facts.now)
        .then_some(Source::Trial)
}

/// The answer to "may this user use this feature?".
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureCheck {
    /// The feature asked about.
    pub feature: String,
    /// Whether to let the user in.
    pub allowed: bool,
    /// Where access comes from, when allowed by the catalog.
    pub source: Option<Source>,
    /// `included_in_plan`, `included_in_addon`, `trial_active`, `not_in_plan`, `trial_expired`,
    /// `unknown_feature` or `invalid_context` (the context could not be read; access is not
    /// denied on a broken context).
    pub reason: &'static str,
    /// End of the trial, when a trial gives or gave access.
    pub trial_ends_at: Option<String>,
    /// Ways to unlock, cheapest first.
    pub unlock: Vec<UnlockOption>,
    /// Ready-to-render `feature_gate` callout when not allowed.
    pub callout: Option<Callout>,
    /// Problems in the context or the question.
    pub errors: Vec<Diagnostic>,
    /// Questionable values.
    pub warnings: Vec<Diagnostic>,
}

/// Checks one feature for the context.
pub fn check_feature(catalog: &Catalog, facts: &Facts, feature: &str) -> FeatureCheck {
    let mut check = FeatureCheck {
        feature: feature.to_owned(),
        allowed: false,
        source: None,
        reason: "not_in_plan",
        trial_ends_at: None,
        unlock: Vec::new(),
        callout: None,
        errors: facts.errors.clone(),
        warnings: facts.warnings.clone(),
    };
    let Some(fi) = catalog.find(Kind::Feature, feature) else {
        check.reason = "unknown_feature";
        check
            .errors
            .push(catalog.unknown(Kind::Feature, feature, join(&[], "feature")));
        return check;
    };
    let trial = facts
        .account
        .trials
        .iter()
        .find(|(f, _)| *f == fi)
        .map(|(_, end)| *end);
    check.trial_ends_at = trial.map(crate::date::format);
    // Fail open: a context we cannot read must never put up a paywall.
    if facts.has_error_under(&["account", "plan"])
        || facts.has_error_under(&["account", "addons"])
        || facts.has_error_under(&["account", "trials", feature])
        || (facts.account.plan.is_none() && !facts.errors.is_empty())
    {
        check.allowed = true;
        check.reason = "invalid_context";
        return check;
    }
    if let Some(src) = access(catalog, facts, fi) {
        check.allowed = true;
        check.source = Some(src);
        check.reason = match src {
            Source::Plan => "included_in_plan",
            Source::Addon => "included_in_addon",
            Source::Trial => "trial_active",
        };
        return check;
    }
    if trial.is_some() {
        check.reason = "trial_expired";
    }
    check.unlock = unlock::options(
        catalog,
        facts,
        Need {
            feature: Some(fi),
            metric: None,
        },
    );
    check.callout = gate_callout(catalog, facts, fi, &check.unlock, check.reason);
    if check.callout.is_none() {
        check.warnings.push(Diagnostic::new(
            "no_unlock_option",
            format!("no plan above the current one and no add-on gives `{feature}`"),
            join(&[], "feature"),
        ));
    }
    check
}

/// The built-in `feature_gate` callout for a feature the account lacks.
pub(crate) fn gate_callout(
    catalog: &Catalog,
    facts: &Facts,
    feature: usize,
    unlock: &[UnlockOption],
    reason: &str,
) -> Option<Callout> {
    let option = unlock.first()?;
    let f = catalog.features.get(feature)?;
    let target = Target::from(option);
    let can_purchase = facts.can_purchase(catalog);
    let action = action_for(Some(&target), can_purchase, false);
    let locals = LocalValues {
        feature: Some(feature),
        metric: None,
        target: Some(target.clone()),
    };
    let texts = render(
        catalog,
        facts,
        &catalog.messages.layers("featureGate"),
        action,
        &locals,
        false,
    );
    let plan_label = facts
        .account
        .plan
        .and_then(|p| catalog.plans.get(p))
        .map_or("", |p| p.label.as_str());
    let mut reasons = vec![if reason == "trial_expired" {
        format!("the trial of `{}` has ended", f.id)
    } else {
        format!("`{}` is not included in the {plan_label} plan", f.id)
    }];
    reasons.push(format!("cheapest option: {} `{}`", option.kind, option.id));
    if !can_purchase {
        reasons.push("user role cannot purchase: ask_admin".into());
    }
    Some(Callout {
        id: format!("feature_gate:{}", f.id),
        rule: "builtin:feature_gate".into(),
        kind: "feature_gate",
        placement: "modal".into(),
        severity: "blocking",
        cta: Cta {
            label: texts.cta,
            action,
            url: if can_purchase {
                target.url.clone()
            } else {
                None
            },
        },
        target: Some(target),
        title: texts.title,
        body: texts.body,
        priority: 100.0,
        experiment: None,
        reasons,
    })
}
