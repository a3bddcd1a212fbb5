//! The render layer: words what the decide layer chose. Texts, CTA labels and URLs, unlock
//! lists, reasons and traces are built here, and only for the callouts that are returned (and
//! the trace when it is asked for). Every result type writes itself as JSON.

mod results;

pub use results::{
    Callout, CreditCheck, Cta, Evaluation, ExperimentRef, FeatureCheck, Period, RuleTrace,
    Suppressed, Target, UnlockOption, UsageCheck, WindowCheck, IN_TEXT,
};

use crate::base::date;
use crate::base::diag::{join, Diagnostic};
use crate::base::num::{format_number, push_money, push_number, push_quantity};
use crate::base::vocab::Code;
use crate::catalog::rules::{Rule, Variant};
use crate::catalog::schema::{split, tag};
use crate::catalog::template::{lookup, Field, Localized, Part, Style, Template};
use crate::catalog::Kind;
use crate::decide::gate::{Gate, GateReason};
use crate::decide::limits::Limit;
use crate::decide::recommend::{Action, Assigned, Candidate, Decision, Origin, Reason};
use crate::decide::unlock::Offer;
use crate::decide::{Locals, Session};
use crate::expr::{Env, Slot, Value};
use crate::facts::credits::CreditState;
use crate::facts::State;

/// Fills a template's placeholders from `env` (numbers with thousands separators, amounts as
/// money in `currency`, a metric's quantities with the decimals `decimals` gives for the
/// slot, missing values as a dash).
pub fn fill(t: &Template, env: &dyn Env, currency: &str, decimals: &dyn Fn(&Slot) -> u8) -> String {
    let mut out = String::with_capacity(t.parts.len() * 24);
    for part in &t.parts {
        match part {
            Part::Text(start, end) => out.push_str(t.literal(*start, *end)),
            Part::Slot { slot, style } => match env.get(slot) {
                Value::Number(n) if *style == Style::Money => push_money(&mut out, n, currency),
                Value::Number(n) if *style == Style::Quantity => {
                    push_quantity(&mut out, n, decimals(slot));
                }
                Value::Number(n) => push_number(&mut out, n),
                Value::String(s) => out.push_str(&s),
                Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
                Value::List(items) => {
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        match v {
                            Value::String(s) => out.push_str(s),
                            Value::Number(n) => push_number(&mut out, *n),
                            other => out.push_str(&other.to_string()),
                        }
                    }
                }
                Value::Null | Value::Missing => out.push('—'),
            },
        }
    }
    out
}

struct Texts {
    title: String,
    body: String,
    cta: String,
}

fn texts(
    s: &Session,
    layers: &[&Localized],
    action: Action,
    locals: &Locals,
    forecast: bool,
) -> Texts {
    let catalog = &*s.catalog;
    let env = s.with_locals(locals);
    let chain = s.locale_chain();
    // A quantity's decimals: those of the metric it names, or of the callout's own metric.
    let decimals = |slot: &Slot| {
        let (t, i, _) = split(slot.id);
        let m = if t == tag::L_METRIC {
            locals.metric
        } else {
            Some(i)
        };
        m.and_then(|m| catalog.metrics.get(m))
            .map_or(0, |m| m.decimals)
    };
    let render = |t: &Template| fill(t, &env, &catalog.currency, &decimals);
    let text = |which: Field| lookup(layers, chain, which).map(render).unwrap_or_default();
    let body = if forecast {
        lookup(layers, chain, Field::BodyForecast)
            .map(render)
            .unwrap_or_else(|| text(Field::Body))
    } else {
        text(Field::Body)
    };
    // A rule's own CTA text is for buyers; others always get the "ask your admin" label.
    let own_cta = if action == Action::AskAdmin {
        None
    } else {
        lookup(layers, chain, Field::Cta).map(render)
    };
    let cta = own_cta
        .or_else(|| {
            let defaults = catalog.messages.layers(action.message_key());
            lookup(&defaults, chain, Field::Cta).map(render)
        })
        .unwrap_or_default();
    Texts {
        title: text(Field::Title),
        body,
        cta,
    }
}

fn url_of(s: &Session, o: &Offer) -> Option<String> {
    if o.plan {
        s.catalog.plans.get(o.index).and_then(|p| p.url.clone())
    } else {
        s.catalog.addons.get(o.index).and_then(|a| a.url.clone())
    }
}

/// An offer as an unlock option.
pub fn unlock_option(s: &Session, o: &Offer) -> UnlockOption {
    let (id, label) = s.catalog.offer_names(o.plan, o.index);
    UnlockOption {
        plan: o.plan,
        id: id.to_owned(),
        label: label.to_owned(),
        quantity: o.quantity,
        monthly_delta: o.monthly_delta,
        contact_sales: o.contact_sales,
        url: url_of(s, o),
        once: o.once,
    }
}

fn target(s: &Session, o: &Offer) -> Target {
    let (id, label) = s.catalog.offer_names(o.plan, o.index);
    Target {
        plan: o.plan,
        id: id.to_owned(),
        label: label.to_owned(),
        monthly_delta: o.monthly_delta,
        quantity: o.quantity,
        contact_sales: o.contact_sales,
        once: o.once,
    }
}

fn offer_words(s: &Session, o: &Offer, lead: &str) -> String {
    let (id, _) = s.catalog.offer_names(o.plan, o.index);
    let mut r = String::with_capacity(lead.len() + id.len() + 10);
    r.push_str(lead);
    r.push_str(if o.plan { "plan `" } else { "addon `" });
    r.push_str(id);
    r.push('`');
    r
}

/// Words a decided candidate as a callout.
pub fn callout(s: &Session, c: &Candidate<'_>) -> Callout {
    let catalog = &*s.catalog;
    let can_purchase = c.action != Action::AskAdmin;
    let mut reasons = Vec::new();
    let mut experiment = None;
    let mut url = None;
    let t = match c.origin {
        Origin::Gate(fi) => gate_texts(s, c, fi, &mut reasons),
        Origin::Limit(m) => limit_texts(s, c, m, &mut reasons),
        Origin::TopUp(m) => top_up_texts(s, c, m, &mut reasons),
        Origin::Rule(i) => {
            let Some(rule) = catalog.policy.rules.get(i) else {
                return empty_callout(s, c);
            };
            experiment = experiment_ref(rule, c.experiment);
            if can_purchase {
                url = rule.cta_url.clone();
            }
            rule_texts(s, c, rule, &mut reasons)
        }
    };
    closing_reasons(s, c, experiment.as_ref(), &mut reasons);
    if can_purchase && url.is_none() {
        url = c.target.as_ref().and_then(|o| url_of(s, o));
    }
    Callout {
        id: c.origin.callout_id(catalog).into_owned(),
        rule: c.origin.rule(catalog).to_owned(),
        kind: c.kind,
        placement: c.placement.to_owned(),
        severity: c.severity,
        target: c.target.as_ref().map(|o| target(s, o)),
        title: t.title,
        body: t.body,
        cta: Cta {
            label: t.cta,
            action: c.action,
            url,
        },
        priority: c.priority,
        experiment,
        reasons,
    }
}

/// The texts of the built-in feature gate of feature `fi`, and why it shows.
fn gate_texts(s: &Session, c: &Candidate<'_>, fi: usize, reasons: &mut Vec<String>) -> Texts {
    let catalog = &*s.catalog;
    let facts = &s.facts;
    let f = catalog.features.get(fi);
    let fid = f.map_or("", |f| f.id.as_str());
    let trial_over = facts.account.trials.iter().any(|(x, _)| *x == fi);
    reasons.push(if trial_over {
        format!("the trial of `{fid}` has ended")
    } else {
        let plan_label = facts
            .account
            .plan
            .and_then(|p| catalog.plans.get(p))
            .map_or("", |p| p.label.as_str());
        format!("`{fid}` is not included in the {plan_label} plan")
    });
    let locals = Locals {
        feature: Some(fi),
        metric: None,
        target: c.target,
    };
    texts(
        s,
        &catalog.messages.layers("featureGate"),
        c.action,
        &locals,
        false,
    )
}

/// The texts of the built-in usage limit of metric `m`, and why it shows.
fn limit_texts(s: &Session, c: &Candidate<'_>, m: usize, reasons: &mut Vec<String>) -> Texts {
    let catalog = &*s.catalog;
    let u = s.facts.usage(catalog, m);
    let state = u.and_then(|u| u.state).unwrap_or(State::Over);
    let soft = s.soft_limit(m);
    let key = match state {
        State::Approaching => "usageLimit.approaching",
        State::Critical => "usageLimit.critical",
        State::AtLimit | State::Over if soft.is_some() => "usageLimit.overage",
        State::AtLimit => "usageLimit.atLimit",
        _ => "usageLimit.over",
    };
    let mid = catalog.metrics.get(m).map_or("", |x| x.id.as_str());
    let used = u.and_then(|u| u.used).unwrap_or(0.0);
    let limit = u.and_then(|u| u.limit).flatten();
    reasons.push(format!(
        "`{mid}` is {} ({} of {})",
        state.as_str(),
        format_number(used),
        limit.map_or_else(|| "unlimited".to_owned(), format_number)
    ));
    if let Some((w, f)) = s.facts.binding(catalog, m).and_then(|b| {
        let metric = catalog.metrics.get(m)?;
        Some((
            metric.windows.get(b)?,
            s.facts.window_facts(catalog, m).get(b)?.clone(),
        ))
    }) {
        let mut r = format!(
            "the `{}` window binds: it is the closest to its limit",
            w.id
        );
        if let Some(at) = f.resets_at {
            r.push_str("; it resets at ");
            r.push_str(&date::format(at));
        }
        reasons.push(r);
    }
    if let Some(price) = soft.filter(|_| state >= State::AtLimit) {
        let mut r = String::from("the limit is soft: each unit over it costs ");
        push_money(&mut r, price, &catalog.currency);
        reasons.push(r);
    }
    let days_left = u.and_then(|u| u.days_left);
    if let Some(d) = days_left.filter(|d| *d > 0.0) {
        let mut r = String::from("at the current pace the limit is reached in about ");
        r.push_str(&crate::base::num::js(d));
        r.push_str(" days (an estimate)");
        reasons.push(r);
    }
    let locals = Locals {
        feature: None,
        metric: Some(m),
        target: c.target,
    };
    let forecast = days_left.is_some_and(|d| d >= 2.0);
    texts(
        s,
        &catalog.messages.layers(key),
        c.action,
        &locals,
        forecast,
    )
}

/// The windows of windowed metric `m` in a usage check, and which one binds.
fn window_check(s: &Session, m: usize, check: &mut UsageCheck) {
    let Some(metric) = s.catalog.metrics.get(m).filter(|x| !x.windows.is_empty()) else {
        return;
    };
    let facts = s.facts.window_facts(&s.catalog, m);
    check.binding = Some(
        s.facts
            .binding(&s.catalog, m)
            .and_then(|b| metric.windows.get(b))
            .map(|w| w.id.clone()),
    );
    check.windows = metric
        .windows
        .iter()
        .zip(facts)
        .map(|(w, f)| WindowCheck {
            id: w.id.clone(),
            label: w.label.clone(),
            used: f.used,
            limit: f.limit,
            remaining: f.used.zip(f.limit).map(|(u, l)| (l - u).max(0.0)),
            ratio: f.ratio,
            state: f.state,
            resets_at: f.resets_at.map(date::format),
        })
        .collect();
}

/// The usage check of credit metric `m`: the balance read as use of the grant, the run-out,
/// the headroom offers best first, and the top-up callout when the balance is not `ok`.
fn credit_check(s: &Session, m: usize, check: &mut UsageCheck) {
    let Some(c) = s.facts.credits(&s.catalog, m) else {
        return;
    };
    check.used = c.used;
    check.limit = c.granted;
    check.remaining = c.balance;
    check.ratio = c.used_ratio();
    check.estimate = c.days_to_empty.is_some_and(|d| d > 0.0);
    let headroom = crate::decide::headroom::for_metric(s, m);
    check.credits = Some(CreditCheck {
        balance: c.balance,
        granted: c.granted,
        state: c.state,
        burn_per_day: c.burn_per_day,
        days_to_empty: c.days_to_empty,
        empty_date: c.empty_at.map(date::format_date),
        days_to_expiry: c.days_to_expiry,
        auto_recharge: c.auto_recharge,
        need: headroom.as_ref().map(|h| h.need),
    });
    let Some(h) = headroom else {
        return;
    };
    let offers: Vec<Offer> = h
        .quotes
        .iter()
        .filter_map(|q| crate::decide::headroom::offer_of(s, q))
        .collect();
    check.unlock = offers.iter().map(|o| unlock_option(s, o)).collect();
    let Some(level) = crate::facts::credits::top_up_level(c.state) else {
        return;
    };
    if !c.auto_recharge {
        let cand = crate::decide::recommend::builtin_top_up(s, m, level, offers.first().copied());
        check.callout = Some(callout(s, &cand));
    }
}

/// The texts of the built-in top-up of credit metric `m`, and why it shows. The run-out date
/// is a projection and is worded as an estimate.
fn top_up_texts(s: &Session, c: &Candidate<'_>, m: usize, reasons: &mut Vec<String>) -> Texts {
    let catalog = &*s.catalog;
    let credits = s.facts.credits(catalog, m);
    let state = credits.and_then(|c| c.state);
    let key = match state {
        Some(CreditState::Empty) => "topUp.empty",
        Some(CreditState::Critical) => "topUp.critical",
        _ => "topUp.low",
    };
    let mid = catalog.metrics.get(m).map_or("", |x| x.id.as_str());
    let balance = credits.and_then(|c| c.balance).unwrap_or(0.0);
    let mut r = format!(
        "`{mid}` is {} ({}",
        state.map_or("low", CreditState::as_str),
        format_number(balance)
    );
    if let Some(g) = credits.and_then(|c| c.granted) {
        r.push_str(" of ");
        r.push_str(&format_number(g));
    }
    r.push_str(" left)");
    reasons.push(r);
    let days = credits.and_then(|c| c.days_to_empty).filter(|d| *d > 0.0);
    if let Some(d) = days {
        reasons.push(format!(
            "at the current pace it runs out in about {} days (an estimate)",
            crate::base::num::js(d)
        ));
    }
    let locals = Locals {
        feature: None,
        metric: Some(m),
        target: c.target,
    };
    texts(
        s,
        &catalog.messages.layers(key),
        c.action,
        &locals,
        days.is_some(),
    )
}

/// The experiment variant a rule's candidate was assigned, if any.
fn variant_of(rule: &Rule, assigned: Option<Assigned>) -> Option<&Variant> {
    match assigned {
        Some(Assigned::Variant(v)) => rule.experiment.as_ref().and_then(|e| e.variants.get(v)),
        _ => None,
    }
}

/// The experiment a rule's candidate is enrolled in, as the result names it.
fn experiment_ref(rule: &Rule, assigned: Option<Assigned>) -> Option<ExperimentRef> {
    let e = rule.experiment.as_ref()?;
    let a = assigned?;
    Some(ExperimentRef {
        key: e.key.clone(),
        variant: variant_of(rule, assigned).map(|v| v.id.clone()),
        holdout: a == Assigned::Holdout,
    })
}

/// The texts of a rule's callout (its variant's message over the rule's), and why it shows.
fn rule_texts(s: &Session, c: &Candidate<'_>, rule: &Rule, reasons: &mut Vec<String>) -> Texts {
    reasons.push(format!(
        "rule `{}` matched: {}",
        rule.id,
        rule.when.source()
    ));
    let mut layers: Vec<&Localized> = Vec::with_capacity(2);
    if let Some(v) = variant_of(rule, c.experiment) {
        layers.push(&v.message);
    }
    layers.push(&rule.message);
    let locals = Locals {
        feature: None,
        metric: None,
        target: c.target,
    };
    texts(s, &layers, c.action, &locals, false)
}

/// The reasons every callout ends with: its target, a role that cannot purchase, its
/// experiment variant.
fn closing_reasons(
    s: &Session,
    c: &Candidate<'_>,
    experiment: Option<&ExperimentRef>,
    reasons: &mut Vec<String>,
) {
    if let Some(o) = &c.target {
        let lead = if matches!(c.origin, Origin::Rule(_)) {
            "target: "
        } else {
            "cheapest option: "
        };
        reasons.push(offer_words(s, o, lead));
    }
    if c.action == Action::AskAdmin {
        reasons.push("user role cannot purchase: ask_admin".into());
    }
    if let Some(e) = experiment {
        reasons.push(format!(
            "experiment `{}`: variant `{}`",
            e.key,
            e.variant.as_deref().unwrap_or("")
        ));
    }
}

fn empty_callout(s: &Session, c: &Candidate<'_>) -> Callout {
    Callout {
        id: c.origin.callout_id(&s.catalog).into_owned(),
        rule: c.origin.rule(&s.catalog).to_owned(),
        kind: c.kind,
        placement: c.placement.to_owned(),
        severity: c.severity,
        target: None,
        title: String::new(),
        body: String::new(),
        cta: Cta {
            label: String::new(),
            action: c.action,
            url: None,
        },
        priority: c.priority,
        experiment: None,
        reasons: Vec::new(),
    }
}

/// The experiment reference of a held-back candidate.
fn experiment_of(s: &Session, origin: Origin, assigned: Option<Assigned>) -> Option<ExperimentRef> {
    let rule = origin.rule_def(&s.catalog)?;
    let e = rule.experiment.as_ref()?;
    let a = assigned?;
    Some(ExperimentRef {
        key: e.key.clone(),
        variant: match a {
            Assigned::Variant(v) => e.variants.get(v).map(|x| x.id.clone()),
            Assigned::Holdout => None,
        },
        holdout: a == Assigned::Holdout,
    })
}

/// Words an evaluation.
pub fn evaluation(s: &Session, d: Decision<'_>) -> Evaluation {
    let catalog = &*s.catalog;
    let callouts = d.shown.iter().map(|c| callout(s, c)).collect();
    let suppressed = d
        .held
        .iter()
        .map(|h| Suppressed {
            origin: h.origin,
            reason: h.reason,
            experiment: if h.reason == Reason::ProgramHoldout {
                Some(ExperimentRef {
                    key: crate::catalog::rules::PROGRAM_KEY.to_owned(),
                    variant: None,
                    holdout: true,
                })
            } else {
                experiment_of(s, h.origin, h.experiment)
            },
        })
        .collect();
    let mut warnings = s.facts.warnings.clone();
    warnings.extend(d.warnings);
    let trace = d.trace.map(|entries| {
        entries
            .into_iter()
            .map(|e| RuleTrace {
                rule: e.rule.rule(catalog).to_owned(),
                callout: e.callout.map(|o| o.callout_id(catalog).into_owned()),
                status: e.status,
                reason: e.reason,
                steps: e.steps,
                notes: e.notes,
            })
            .collect()
    });
    Evaluation {
        catalog: std::rc::Rc::clone(&s.catalog),
        callouts,
        suppressed,
        errors: s.facts.errors.clone(),
        warnings,
        trace,
        exposures: Vec::new(),
    }
}

/// Words the answer for one feature.
pub fn feature_check(s: &Session, feature: &str, g: &Gate) -> FeatureCheck {
    let catalog = &*s.catalog;
    let mut errors = s.facts.errors.clone();
    let mut warnings = s.facts.warnings.clone();
    if g.reason == GateReason::UnknownFeature {
        errors.push(catalog.unknown(Kind::Feature, feature, join(&[], "feature")));
    }
    let mut callout_out = None;
    let decided = !g.allowed && g.feature.is_some();
    if decided {
        if let (Some(fi), Some(first)) = (g.feature, g.unlock.first()) {
            let c = builtin_gate(s, fi, *first);
            callout_out = Some(callout(s, &c));
        } else {
            let mut m = String::from("no plan above the current one and no add-on gives `");
            m.push_str(feature);
            m.push('`');
            warnings.push(Diagnostic::new(
                Code::NoUnlockOption,
                m,
                join(&[], "feature"),
            ));
        }
    }
    FeatureCheck {
        feature: feature.to_owned(),
        allowed: g.allowed,
        source: g.source,
        reason: g.reason,
        trial_ends_at: g.trial_ends_at.map(date::format),
        unlock: g.unlock.iter().map(|o| unlock_option(s, o)).collect(),
        callout: callout_out,
        errors,
        warnings,
    }
}

fn builtin_gate(s: &Session, fi: usize, target: Offer) -> Candidate<'_> {
    let policy = &s.catalog.policy;
    let can_purchase = s.facts.can_purchase(&s.catalog);
    Candidate::builtin(
        Origin::Gate(fi),
        crate::catalog::model::CalloutKind::FeatureGate,
        &policy.feature_gate.placement,
        crate::catalog::model::Severity::Blocking,
        policy.feature_gate.priorities[0],
        Some(target),
        crate::decide::recommend::action_for(Some(&target), can_purchase, false),
    )
}

/// Words the answer for one metric.
pub fn usage_check(s: &Session, metric: &str, l: &Limit) -> UsageCheck {
    let catalog = &*s.catalog;
    let facts = &s.facts;
    let mut check = UsageCheck {
        metric: metric.to_owned(),
        used: None,
        limit: None,
        unlimited: false,
        remaining: None,
        ratio: None,
        state: None,
        projected: None,
        days_left: None,
        days_to_limit: None,
        limit_date: None,
        period: None,
        estimate: false,
        credits: None,
        binding: None,
        windows: Vec::new(),
        decimals: None,
        unlock: Vec::new(),
        callout: None,
        errors: facts.errors.clone(),
        warnings: facts.warnings.clone(),
    };
    let Some(mi) = l.metric else {
        check
            .errors
            .push(catalog.unknown(Kind::Metric, metric, join(&[], "metric")));
        return check;
    };
    check.decimals = catalog
        .metrics
        .get(mi)
        .map(|m| u32::from(m.decimals))
        .filter(|d| *d > 0);
    if facts.credits(catalog, mi).is_some() {
        credit_check(s, mi, &mut check);
        return check;
    }
    window_check(s, mi, &mut check);
    let Some(u) = facts.usage(catalog, mi) else {
        return check;
    };
    check.used = u.used;
    check.limit = u.limit.flatten();
    check.unlimited = u.limit == Some(None);
    check.remaining = match (u.used, u.limit) {
        (Some(used), Some(Some(lim))) => Some((lim - used).max(0.0)),
        _ => None,
    };
    check.ratio = u.ratio;
    check.state = u.state;
    check.projected = u.projected;
    check.days_left = u.days_left;
    check.days_to_limit = u.days_to_limit;
    check.limit_date = u.limit_at.map(date::format_date);
    check.estimate = u.projected.is_some() || u.days_left.is_some() || u.days_to_limit.is_some();
    check.period = facts.period(catalog, mi).map(|(a, b)| Period {
        start: date::format(a),
        end: date::format(b),
    });
    if u.used.is_none() && u.limit.is_some() {
        let mut m = String::from("the context reports no usage for `");
        m.push_str(metric);
        m.push('`');
        check.warnings.push(Diagnostic::new(
            Code::MissingUsage,
            m,
            join(&join(&[], "usage"), metric),
        ));
    }
    let (Some(_), Some(Some(_))) = (u.used, u.limit) else {
        return check;
    };
    check.unlock = l.unlock.iter().map(|o| unlock_option(s, o)).collect();
    if let Some(st) = u.state.filter(|st| *st != State::Ok) {
        let c = crate::decide::recommend::builtin_limit(s, mi, st, l.unlock.first().copied());
        check.callout = Some(callout(s, &c));
    }
    check
}
