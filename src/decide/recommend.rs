//! `evaluate`: built-in gate and limit callouts plus designer rules, filtered by schedule,
//! readiness, experiments, conversions, cooldowns and caps, deduplicated by target, ranked
//! deterministically and fitted into placements — with an explanation of every decision.

use serde::Serialize;

use crate::callout::{render, Callout, Cta, ExperimentRef, Target, UnlockOption};
use crate::config::rules::{Onboarding, Rule, RuleTarget};
use crate::config::{Catalog, Kind};
use crate::context::{Facts, FactsEnv};
use crate::diag::{join, Diagnostic};
use crate::experiment::{assign, bucket, Assignment};
use crate::expr::{TraceStep, Value};
use crate::gate;
use crate::message::{LocalValues, Localized};
use crate::schema::{split, tag};
use crate::state::EngineState;
use crate::unlock::{self, Need};
use crate::usage::{self, State};

/// Options of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct EvalOptions {
    /// Only callouts for this placement.
    pub placement: Option<String>,
    /// Include a per-rule explanation.
    pub trace: bool,
}

/// A callout that was eligible but held back, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppressed {
    /// Rule id.
    pub rule: String,
    /// Callout id.
    pub callout: String,
    /// `readiness:health`, `cap:global`, `holdout`, …
    pub reason: String,
    /// Experiment assignment (holdout exposures are reported here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment: Option<ExperimentRef>,
}

/// How one rule (or built-in callout) fared.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleTrace {
    /// Rule id.
    pub rule: String,
    /// Callout id, when a callout was built.
    pub callout: Option<String>,
    /// `shown`, `suppressed`, `not_matched` or `other_placement`.
    pub status: &'static str,
    /// Suppression reason or why it did not match.
    pub reason: Option<String>,
    /// The `when` condition, step by step with actual values.
    pub steps: Vec<TraceStep>,
}

/// The result of `evaluate`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// What to show, best first.
    pub callouts: Vec<Callout>,
    /// What was held back and why.
    pub suppressed: Vec<Suppressed>,
    /// Problems in the context.
    pub errors: Vec<Diagnostic>,
    /// Questionable values.
    pub warnings: Vec<Diagnostic>,
    /// Per-rule explanation (with `trace: true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<RuleTrace>>,
}

struct Candidate {
    callout: Callout,
    /// In its experiment's holdout: suppressed `holdout` once every other guard has passed.
    holdout: bool,
    /// Readiness guards apply.
    guarded: bool,
    cap: Option<crate::config::rules::Cap>,
    trace: usize,
}

/// Evaluates everything for a context.
pub fn evaluate(
    catalog: &Catalog,
    facts: &Facts,
    state: &EngineState,
    opts: &EvalOptions,
) -> Evaluation {
    let policy = &catalog.policy;
    let mut traces: Vec<RuleTrace> = Vec::new();
    let mut suppressed = Vec::new();
    let mut warnings = facts.warnings.clone();
    let mut candidates: Vec<Candidate> = Vec::new();
    let push_trace =
        |traces: &mut Vec<RuleTrace>, rule: &str, callout: Option<&str>, steps: Vec<TraceStep>| {
            traces.push(RuleTrace {
                rule: rule.to_owned(),
                callout: callout.map(str::to_owned),
                status: "not_matched",
                reason: None,
                steps,
            });
            traces.len() - 1
        };

    // Built-in feature gate for the feature the user is touching.
    if let Some(feature) = facts.page_feature.as_deref() {
        if catalog.find(Kind::Feature, feature).is_none() {
            warnings.push(catalog.unknown(
                Kind::Feature,
                feature,
                vec!["page".into(), "feature".into()],
            ));
        } else if policy.feature_gate.enabled {
            let check = gate::check_feature(catalog, facts, feature);
            let t = push_trace(
                &mut traces,
                "builtin:feature_gate",
                Some(&format!("feature_gate:{feature}")),
                Vec::new(),
            );
            if let Some(mut c) = check.callout {
                c.placement = policy.feature_gate.placement.clone();
                c.priority = policy.feature_gate.priorities[0];
                candidates.push(Candidate {
                    callout: c,
                    holdout: false,
                    guarded: true,
                    cap: None,
                    trace: t,
                });
            } else if let Some(tr) = traces.get_mut(t) {
                tr.reason = Some(check.reason.to_owned());
            }
        }
    }

    // Built-in usage limits for every metric that is not ok.
    if policy.usage_limit.enabled {
        for (m, u) in facts.usage.iter().enumerate() {
            let (Some(state_), Some(used), Some(metric)) =
                (u.state, u.used, catalog.metrics.get(m))
            else {
                continue;
            };
            if state_ == State::Ok {
                continue;
            }
            let need = used.max(u.projected.unwrap_or(0.0));
            let options = unlock::options(
                catalog,
                facts,
                Need {
                    feature: None,
                    metric: Some((m, need)),
                },
            );
            let Some(mut c) = usage::usage_callout(catalog, facts, m, u, &options) else {
                continue;
            };
            let pr = &policy.usage_limit.priorities;
            c.priority = match state_ {
                State::Approaching => pr[0],
                State::Critical => pr[1],
                _ => pr[2],
            };
            c.placement = policy.usage_limit.placement.clone();
            let t = push_trace(
                &mut traces,
                "builtin:usage_limit",
                Some(&format!("usage_limit:{}", metric.id)),
                Vec::new(),
            );
            candidates.push(Candidate {
                callout: c,
                holdout: false,
                guarded: state_ < State::AtLimit,
                cap: None,
                trace: t,
            });
        }
    }

    // Designer rules.
    let env = FactsEnv {
        catalog,
        facts,
        locals: None,
    };
    for rule in &policy.rules {
        if rule.active_from.is_some_and(|f| facts.now < f)
            || rule.active_until.is_some_and(|u| facts.now >= u)
        {
            let t = push_trace(&mut traces, &rule.id, Some(&rule.id), Vec::new());
            suppress(
                &mut suppressed,
                &mut traces,
                t,
                &rule.id,
                &rule.id,
                "schedule",
                None,
            );
            continue;
        }
        let (matched, steps) = if opts.trace {
            let (v, steps) = rule.when.eval_traced(&env);
            (v == Value::Bool(true), steps)
        } else {
            (rule.when.eval(&env) == Value::Bool(true), Vec::new())
        };
        let t = push_trace(&mut traces, &rule.id, None, steps);
        if !matched {
            continue;
        }
        if let Some(tr) = traces.get_mut(t) {
            tr.callout = Some(rule.id.clone());
        }
        let Some(target) = rule_target(catalog, facts, rule) else {
            suppress(
                &mut suppressed,
                &mut traces,
                t,
                &rule.id,
                &rule.id,
                "no_target",
                None,
            );
            continue;
        };
        let (experiment, variant, holdout) = match assign_experiment(facts, rule) {
            Some((exp, None)) => (Some(exp), None, true),
            Some((exp, Some(v))) => (Some(exp), Some(v), false),
            None => (None, None, false),
        };
        let callout = rule_callout(catalog, facts, rule, target, experiment, variant);
        let guarded =
            rule.kind != "downsell" && !(rule.kind == "usage_limit" && rule.severity == "blocking");
        candidates.push(Candidate {
            callout,
            holdout,
            guarded: guarded && !rule.ignore_readiness,
            cap: rule.cap,
            trace: t,
        });
    }

    // Per-callout guards.
    let mut eligible: Vec<Candidate> = Vec::new();
    for c in candidates {
        match guard(catalog, facts, state, &c).or_else(|| c.holdout.then(|| "holdout".to_owned())) {
            Some(reason) => {
                let (rule, id, exp) = (
                    c.callout.rule.clone(),
                    c.callout.id.clone(),
                    c.callout.experiment.clone(),
                );
                suppress(
                    &mut suppressed,
                    &mut traces,
                    c.trace,
                    &rule,
                    &id,
                    &reason,
                    exp,
                );
            }
            None => eligible.push(c),
        }
    }

    // Rank, then dedupe by target, placement maximum and global caps. The whole decision is
    // made before a placement filter is applied, so asking per placement gives the same answer.
    eligible.sort_by(|a, b| rank(&a.callout, &b.callout));
    let day = crate::date::DAY_MS;
    let (mut shown_today, recent_ids) = state.shown_within(facts.now, day);
    let mut latest = state.latest_impression(facts.now);
    let mut placed: Vec<usize> = Vec::new();
    let mut out: Vec<Callout> = Vec::new();
    let mut per_placement: Vec<(String, u32)> = Vec::new();
    // Targets of higher-ranked callouts, shown or not: a rule replaces the built-in for its
    // target even when the rule itself loses its placement.
    let mut targets: Vec<(&'static str, String)> = Vec::new();
    for c in eligible {
        let co = &c.callout;
        let dup = co.target.as_ref().is_some_and(|t| {
            let seen = targets.iter().any(|(k, id)| *k == t.kind && *id == t.id);
            if !seen {
                targets.push((t.kind, t.id.clone()));
            }
            seen
        });
        let reason = if dup {
            Some("duplicate_target")
        } else {
            let max = policy
                .placements
                .iter()
                .find(|(p, _)| *p == co.placement)
                .and_then(|(_, m)| *m);
            let used = per_placement
                .iter()
                .find(|(p, _)| *p == co.placement)
                .map_or(0, |(_, n)| *n);
            if max.is_some_and(|m| used >= m) {
                Some("placement_full")
            } else if co.severity != "blocking"
                && !recent_ids.contains(&co.id.as_str())
                && global_capped(catalog, facts.now, shown_today, latest)
            {
                Some("cap:global")
            } else {
                None
            }
        };
        match reason {
            Some(r) => {
                let (rule, id, exp) = (co.rule.clone(), co.id.clone(), co.experiment.clone());
                suppress(&mut suppressed, &mut traces, c.trace, &rule, &id, r, exp);
            }
            None => {
                match per_placement.iter_mut().find(|(p, _)| *p == co.placement) {
                    Some((_, n)) => *n += 1,
                    None => per_placement.push((co.placement.clone(), 1)),
                }
                if !recent_ids.contains(&co.id.as_str()) {
                    shown_today += 1;
                    if co.severity != "blocking" {
                        latest = Some(facts.now);
                    }
                }
                if let Some(tr) = traces.get_mut(c.trace) {
                    tr.status = "shown";
                }
                placed.push(c.trace);
                out.push(c.callout);
            }
        }
    }

    if let Some(p) = &opts.placement {
        for (c, t) in out.iter().zip(&placed) {
            if c.placement != *p {
                if let Some(tr) = traces.get_mut(*t) {
                    tr.status = "other_placement";
                }
            }
        }
        out.retain(|c| c.placement == *p);
    }

    Evaluation {
        callouts: out,
        suppressed,
        errors: facts.errors.clone(),
        warnings,
        trace: opts.trace.then_some(traces),
    }
}

fn suppress(
    list: &mut Vec<Suppressed>,
    traces: &mut [RuleTrace],
    t: usize,
    rule: &str,
    callout: &str,
    reason: &str,
    experiment: Option<ExperimentRef>,
) {
    list.push(Suppressed {
        rule: rule.to_owned(),
        callout: callout.to_owned(),
        reason: reason.to_owned(),
        experiment,
    });
    if let Some(tr) = traces.get_mut(t) {
        tr.status = "suppressed";
        tr.reason = Some(reason.to_owned());
    }
}

/// Priority (high first), monthly revenue delta (high first), rule id, callout id.
fn rank(a: &Callout, b: &Callout) -> std::cmp::Ordering {
    let delta = |c: &Callout| {
        c.target
            .as_ref()
            .and_then(|t| t.monthly_delta)
            .unwrap_or(f64::NEG_INFINITY)
    };
    b.priority
        .total_cmp(&a.priority)
        .then(delta(b).total_cmp(&delta(a)))
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.id.cmp(&b.id))
}

fn global_capped(catalog: &Catalog, now: f64, shown_today: usize, latest: Option<f64>) -> bool {
    let f = &catalog.policy.frequency;
    f.max_per_day.is_some_and(|m| shown_today >= m as usize)
        || f.min_minutes_between
            .is_some_and(|m| latest.is_some_and(|l| now - l < m * 60_000.0))
}

/// The first guard that holds the callout back.
fn guard(catalog: &Catalog, facts: &Facts, state: &EngineState, c: &Candidate) -> Option<String> {
    let co = &c.callout;
    let hist = state.callouts.get(&co.id);
    if hist.is_some_and(|h| h.converted_at.is_some_and(|t| t <= facts.now)) {
        return Some("converted".into());
    }
    if c.guarded {
        if let Some(g) = readiness(catalog, facts, co.kind) {
            return Some(format!("readiness:{g}"));
        }
    }
    let day = crate::date::DAY_MS;
    if let (Some(cool), Some(at)) = (
        catalog.policy.frequency.dismiss_cooldown_days,
        hist.and_then(|h| h.dismissed_at),
    ) {
        if at <= facts.now && facts.now - at < cool * day {
            return Some("cooldown:dismissed".into());
        }
    }
    if let Some(cap) = c.cap {
        if state.rule_impressions_within(&co.rule, facts.now, cap.per_days * day)
            >= cap.max_impressions as usize
        {
            return Some("cap:rule".into());
        }
    }
    None
}

/// The readiness guard an account fails, if any. Values the context does not give pass.
fn readiness(catalog: &Catalog, facts: &Facts, kind: &str) -> Option<&'static str> {
    let r = &catalog.policy.readiness;
    let a = &facts.account;
    if r.min_health_score
        .is_some_and(|m| a.health_score.is_some_and(|h| h < m))
    {
        return Some("health");
    }
    if r.min_tenure_days
        .is_some_and(|m| facts.tenure_days().is_some_and(|t| t < m))
    {
        return Some("tenure");
    }
    if a.lifecycle.as_deref() == Some("onboarding") {
        match r.onboarding {
            Onboarding::Block => return Some("onboarding"),
            Onboarding::CrossSellOnly if kind != "cross_sell" => return Some("onboarding"),
            _ => {}
        }
    }
    if r.block_on_open_escalations && a.open_escalations.is_some_and(|n| n > 0.0) {
        return Some("escalations");
    }
    if r.min_feature_adoption.is_some_and(|min| {
        facts
            .feature_adoption(catalog)
            .flatten()
            .is_some_and(|x| x < min)
    }) {
        return Some("adoption");
    }
    None
}

/// The target of a rule's callout: explicit, right-size, or the kind's default.
fn rule_target(catalog: &Catalog, facts: &Facts, rule: &Rule) -> Option<UnlockOption> {
    let current = facts.account.plan?;
    match &rule.target {
        // Never "upgrade" to the plan the account is on.
        RuleTarget::Plan(p) if *p == current => None,
        RuleTarget::Plan(p) => unlock::plan_option(catalog, facts, *p),
        // Only an add-on the account can buy now: available on its plan, and not one it
        // already holds unless it stacks.
        RuleTarget::Addon(a) => {
            let addon = catalog.addons.get(*a)?;
            let owned = facts.addon_quantity(*a);
            let buyable = addon.available_on(current)
                && (owned == 0 || (addon.stackable && owned < addon.max_quantity));
            buyable
                .then(|| unlock::addon_option(catalog, facts, *a, 1))
                .flatten()
        }
        RuleTarget::RightSize => right_size(catalog, facts, current),
        RuleTarget::Auto => match rule.kind {
            "downsell" => right_size(catalog, facts, current),
            "seat_expansion" => {
                let m = catalog.seat_metric?;
                let used = facts.usage.get(m)?.used?;
                let invites = facts
                    .signals
                    .get("pendingInvites")
                    .and_then(serde_json::Value::as_f64)
                    .unwrap_or(0.0)
                    .max(1.0);
                unlock::options(
                    catalog,
                    facts,
                    Need {
                        feature: None,
                        metric: Some((m, used + invites)),
                    },
                )
                .into_iter()
                .next()
            }
            "usage_limit" => {
                let m = rule
                    .when
                    .slots()
                    .iter()
                    .map(|s| split(s.id))
                    .find(|(t, _, _)| *t == tag::USAGE)
                    .map(|(_, i, _)| i)?;
                let u = facts.usage.get(m)?;
                let need = u.used?.max(u.projected.unwrap_or(0.0));
                unlock::options(
                    catalog,
                    facts,
                    Need {
                        feature: None,
                        metric: Some((m, need)),
                    },
                )
                .into_iter()
                .next()
            }
            "feature_gate" | "trial" => {
                let f = facts
                    .page_feature
                    .as_deref()
                    .and_then(|f| catalog.find(Kind::Feature, f))
                    .or_else(|| {
                        rule.when
                            .slots()
                            .iter()
                            .map(|s| split(s.id))
                            .find(|(t, _, _)| *t == tag::FEATURE)
                            .map(|(_, i, _)| i)
                    })?;
                unlock::options(
                    catalog,
                    facts,
                    Need {
                        feature: Some(f),
                        metric: None,
                    },
                )
                .into_iter()
                .find(|o| o.kind == "plan")
            }
            _ => unlock::options(catalog, facts, Need::default())
                .into_iter()
                .next(),
        },
    }
}

fn right_size(catalog: &Catalog, facts: &Facts, current: usize) -> Option<UnlockOption> {
    let p = usage::right_size_plan(catalog, facts, catalog.policy.headroom)?;
    // A downsell must save money: the right-size plan has to be strictly cheaper.
    (p != current)
        .then(|| unlock::plan_option(catalog, facts, p))
        .flatten()
        .filter(|o| o.monthly_delta.is_some_and(|d| d < 0.0))
}

/// Experiment assignment: `None` when the rule has no experiment or the unit has no id;
/// `Some((ref, None))` in the holdout; `Some((ref, Some(variant index)))` otherwise.
fn assign_experiment(facts: &Facts, rule: &Rule) -> Option<(ExperimentRef, Option<usize>)> {
    let exp = rule.experiment.as_ref()?;
    let unit = if exp.unit_user {
        facts.user.id.as_deref()
    } else {
        facts.account.id.as_deref()
    }
    .filter(|id| !id.is_empty())?;
    let weights: Vec<f64> = exp.variants.iter().map(|v| v.weight).collect();
    match assign(bucket(&exp.seed, unit), exp.holdout, &weights) {
        Assignment::Holdout => Some((
            ExperimentRef {
                key: exp.key.clone(),
                variant: None,
                holdout: true,
            },
            None,
        )),
        Assignment::Variant(i) => {
            let id = exp.variants.get(i).map(|v| v.id.clone());
            Some((
                ExperimentRef {
                    key: exp.key.clone(),
                    variant: id,
                    holdout: false,
                },
                Some(i),
            ))
        }
    }
}

fn rule_callout(
    catalog: &Catalog,
    facts: &Facts,
    rule: &Rule,
    option: UnlockOption,
    experiment: Option<ExperimentRef>,
    variant: Option<usize>,
) -> Callout {
    let variant = variant.and_then(|i| rule.experiment.as_ref().and_then(|e| e.variants.get(i)));
    let target = Target::from(&option);
    let can_purchase = facts.can_purchase(catalog);
    let action = if !can_purchase {
        "ask_admin"
    } else {
        match rule.kind {
            "downsell" => "downgrade",
            "trial" => "start_trial",
            _ if target.contact_sales => "contact_sales",
            "seat_expansion" if target.kind == "addon" => "add_seats",
            _ if target.kind == "plan" => "upgrade",
            _ => "add_addon",
        }
    };
    let mut layers: Vec<&Localized> = Vec::new();
    if let Some(v) = variant {
        layers.push(&v.message);
    }
    layers.push(&rule.message);
    let locals = LocalValues {
        feature: None,
        metric: None,
        target: Some(target.clone()),
    };
    let texts = render(catalog, facts, &layers, action, &locals, false);
    let mut reasons = vec![format!(
        "rule `{}` matched: {}",
        rule.id,
        rule.when.source()
    )];
    reasons.push(format!("target: {} `{}`", target.kind, target.id));
    if !can_purchase {
        reasons.push("user role cannot purchase: ask_admin".into());
    }
    if let Some(e) = &experiment {
        reasons.push(format!(
            "experiment `{}`: variant `{}`",
            e.key,
            e.variant.as_deref().unwrap_or("")
        ));
    }
    let url = if can_purchase {
        rule.cta_url.clone().or_else(|| target.url.clone())
    } else {
        None
    };
    Callout {
        id: rule.id.clone(),
        rule: rule.id.clone(),
        kind: rule.kind,
        placement: variant
            .and_then(|v| v.placement.clone())
            .unwrap_or_else(|| rule.placement.clone()),
        severity: rule.severity,
        target: Some(target),
        title: texts.title,
        body: texts.body,
        cta: Cta {
            label: texts.cta,
            action,
            url,
        },
        priority: variant.and_then(|v| v.priority).unwrap_or(rule.priority),
        experiment,
        reasons,
    }
}

/// A diagnostic for an event the engine could not record.
pub fn bad_event(message: String, field: &str) -> Diagnostic {
    Diagnostic::new("invalid_event", message, join(&[], field))
}
