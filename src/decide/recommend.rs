//! `evaluate`, decided on typed candidates: the built-in gate and limit callouts plus designer
//! rules, filtered by schedule, readiness, experiments, conversions, cooldowns and caps,
//! deduplicated by target, ranked deterministically and fitted into placements. No text is made
//! here; the render layer words only what is returned.

use std::borrow::Cow;

use super::env::Session;
use super::experiment::{assign, bucket, Assignment};
use super::gate::{self, GateReason};
use super::limits;
use super::state::{CalloutHistory, EngineState};
use super::unlock::{self, Need, Offer};
use crate::base::date::DAY_MS;
use crate::base::diag::Diagnostic;
use crate::catalog::model::{CalloutKind, Severity};
use crate::catalog::rules::{Cap, Onboarding, Rule, RuleTarget};
use crate::catalog::schema::{split, tag};
use crate::catalog::{Catalog, IdOrder, Kind, GATE_RULE, LIMIT_RULE, TOP_UP_RULE};
use crate::expr::{TraceStep, Value};
use crate::facts::credits::top_up_level;
use crate::facts::State;

/// Options of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct EvalOptions {
    /// Only callouts for this placement.
    pub placement: Option<String>,
    /// Include a per-rule explanation.
    pub trace: bool,
    /// Note the experiment exposures ([`Decision::eligible`], [`Decision::program`]).
    pub exposures: bool,
}

/// Where a callout comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The built-in feature gate, for a feature index.
    Gate(usize),
    /// The built-in usage limit, for a metric index.
    Limit(usize),
    /// The built-in top-up, for a credit metric index.
    TopUp(usize),
    /// A designer rule, by index.
    Rule(usize),
}

impl Origin {
    /// The rule id: the designer rule's, or `builtin:feature_gate` / `builtin:usage_limit`.
    pub fn rule<'c>(&self, catalog: &'c Catalog) -> &'c str {
        match self {
            Origin::Gate(_) => GATE_RULE,
            Origin::Limit(_) => LIMIT_RULE,
            Origin::TopUp(_) => TOP_UP_RULE,
            Origin::Rule(i) => catalog.policy.rules.get(*i).map_or("", |r| r.id.as_str()),
        }
    }

    /// The callout id as (prefix, id): the id is the rule id, or `feature_gate:<feature>` /
    /// `usage_limit:<metric>`.
    pub fn callout_parts<'c>(&self, catalog: &'c Catalog) -> (&'static str, &'c str) {
        match self {
            Origin::Gate(f) => (
                "feature_gate:",
                catalog.features.get(*f).map_or("", |x| x.id.as_str()),
            ),
            Origin::Limit(m) => (
                "usage_limit:",
                catalog.metrics.get(*m).map_or("", |x| x.id.as_str()),
            ),
            Origin::TopUp(m) => (
                "top_up:",
                catalog.metrics.get(*m).map_or("", |x| x.id.as_str()),
            ),
            Origin::Rule(_) => ("", self.rule(catalog)),
        }
    }

    /// The callout id: the rule id, or `feature_gate:<feature>` / `usage_limit:<metric>`.
    pub fn callout_id<'c>(&self, catalog: &'c Catalog) -> Cow<'c, str> {
        match self.callout_parts(catalog) {
            ("", id) => Cow::Borrowed(id),
            (prefix, id) => {
                let mut s = String::with_capacity(prefix.len() + id.len());
                s.push_str(prefix);
                s.push_str(id);
                Cow::Owned(s)
            }
        }
    }

    /// The designer rule, for rule callouts.
    pub fn rule_def<'c>(&self, catalog: &'c Catalog) -> Option<&'c Rule> {
        match self {
            Origin::Rule(i) => catalog.policy.rules.get(*i),
            _ => None,
        }
    }
}

pub use crate::base::vocab::Action;

impl Action {
    /// The message key of the default CTA label, such as `cta.add_seats`.
    pub fn message_key(self) -> &'static str {
        match self {
            Action::Upgrade => "cta.upgrade",
            Action::AddAddon => "cta.add_addon",
            Action::AddSeats => "cta.add_seats",
            Action::StartTrial => "cta.start_trial",
            Action::ContactSales => "cta.contact_sales",
            Action::AskAdmin => "cta.ask_admin",
            Action::Downgrade => "cta.downgrade",
        }
    }
}

/// The CTA action of a built-in callout for a target, given the user's purchase rights.
pub fn action_for(target: Option<&Offer>, can_purchase: bool, seat_metric: bool) -> Action {
    if !can_purchase {
        return Action::AskAdmin;
    }
    match target {
        None => Action::ContactSales,
        Some(t) if t.contact_sales => Action::ContactSales,
        Some(t) if t.plan => Action::Upgrade,
        Some(_) if seat_metric => Action::AddSeats,
        Some(_) => Action::AddAddon,
    }
}

/// A readiness guard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Health score below the minimum.
    Health,
    /// Account too new.
    Tenure,
    /// Still onboarding.
    Onboarding,
    /// Open support escalations.
    Escalations,
    /// Using too little of the plan.
    Adoption,
}

impl Guard {
    /// Every readiness guard, in the order reports list them.
    pub const ALL: [Guard; 5] = [
        Guard::Health,
        Guard::Tenure,
        Guard::Onboarding,
        Guard::Escalations,
        Guard::Adoption,
    ];

    /// The guard's position in [`Guard::ALL`].
    pub fn slot(self) -> usize {
        match self {
            Guard::Health => 0,
            Guard::Tenure => 1,
            Guard::Onboarding => 2,
            Guard::Escalations => 3,
            Guard::Adoption => 4,
        }
    }
}

/// Why a candidate was held back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A readiness guard failed.
    Readiness(Guard),
    /// The rule's own impression cap.
    CapRule,
    /// The global frequency cap.
    CapGlobal,
    /// Dismissed recently.
    CooldownDismissed,
    /// Already converted.
    Converted,
    /// In the experiment's holdout.
    Holdout,
    /// In the catalog's program-wide holdout.
    ProgramHoldout,
    /// Its placement is full.
    PlacementFull,
    /// A higher-ranked callout pushes the same target.
    DuplicateTarget,
    /// Another blocking callout is shown.
    BlockingShown,
    /// Outside `activeFrom`/`activeUntil`.
    Schedule,
    /// The rule has nothing to offer this account.
    NoTarget,
    /// The account tops its credits up by itself.
    AutoRecharge,
}

impl Reason {
    /// Every suppression reason, in the order reports list them.
    pub const ALL: [Reason; 17] = [
        Reason::Readiness(Guard::Health),
        Reason::Readiness(Guard::Tenure),
        Reason::Readiness(Guard::Onboarding),
        Reason::Readiness(Guard::Escalations),
        Reason::Readiness(Guard::Adoption),
        Reason::CapRule,
        Reason::CapGlobal,
        Reason::CooldownDismissed,
        Reason::Converted,
        Reason::Holdout,
        Reason::PlacementFull,
        Reason::DuplicateTarget,
        Reason::Schedule,
        Reason::NoTarget,
        Reason::AutoRecharge,
        Reason::ProgramHoldout,
        Reason::BlockingShown,
    ];

    /// The reason's position in [`Reason::ALL`].
    pub fn slot(self) -> usize {
        match self {
            Reason::Readiness(g) => g.slot(),
            Reason::CapRule => 5,
            Reason::CapGlobal => 6,
            Reason::CooldownDismissed => 7,
            Reason::Converted => 8,
            Reason::Holdout => 9,
            Reason::PlacementFull => 10,
            Reason::DuplicateTarget => 11,
            Reason::Schedule => 12,
            Reason::NoTarget => 13,
            Reason::AutoRecharge => 14,
            Reason::ProgramHoldout => 15,
            Reason::BlockingShown => 16,
        }
    }

    /// The word of the vocabulary for this reason.
    pub fn word(self) -> SuppressionReason {
        match self {
            Reason::Readiness(Guard::Health) => SuppressionReason::ReadinessHealth,
            Reason::Readiness(Guard::Tenure) => SuppressionReason::ReadinessTenure,
            Reason::Readiness(Guard::Onboarding) => SuppressionReason::ReadinessOnboarding,
            Reason::Readiness(Guard::Escalations) => SuppressionReason::ReadinessEscalations,
            Reason::Readiness(Guard::Adoption) => SuppressionReason::ReadinessAdoption,
            Reason::CapRule => SuppressionReason::CapRule,
            Reason::CapGlobal => SuppressionReason::CapGlobal,
            Reason::CooldownDismissed => SuppressionReason::CooldownDismissed,
            Reason::Converted => SuppressionReason::Converted,
            Reason::Holdout => SuppressionReason::Holdout,
            Reason::PlacementFull => SuppressionReason::PlacementFull,
            Reason::DuplicateTarget => SuppressionReason::DuplicateTarget,
            Reason::Schedule => SuppressionReason::Schedule,
            Reason::NoTarget => SuppressionReason::NoTarget,
            Reason::AutoRecharge => SuppressionReason::AutoRecharge,
            Reason::ProgramHoldout => SuppressionReason::HoldoutProgram,
            Reason::BlockingShown => SuppressionReason::BlockingShown,
        }
    }

    /// The wire name, such as `readiness:health`.
    pub fn as_str(self) -> &'static str {
        self.word().as_str()
    }
}

use crate::base::vocab::SuppressionReason;
pub use crate::base::vocab::TraceStatus as Status;

/// A unit's experiment assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assigned {
    /// In the holdout.
    Holdout,
    /// In the variant at this index.
    Variant(usize),
}

/// A callout that may be shown: everything decided, nothing worded.
#[derive(Clone, Debug)]
pub struct Candidate<'c> {
    /// Where it comes from.
    pub origin: Origin,
    /// Its kind.
    pub kind: CalloutKind,
    /// Where it goes.
    pub placement: &'c str,
    /// How strongly it interrupts.
    pub severity: Severity,
    /// Higher first.
    pub priority: f64,
    /// What it offers.
    pub target: Option<Offer>,
    /// What its button does.
    pub action: Action,
    /// Experiment assignment (`None` without an experiment or a unit id).
    pub experiment: Option<Assigned>,
    guarded: bool,
    cap: Option<Cap>,
    trace: usize,
}

impl<'c> Candidate<'c> {
    /// A built-in callout (no experiment, no cap, readiness guards apply).
    pub fn builtin(
        origin: Origin,
        kind: CalloutKind,
        placement: &'c str,
        severity: Severity,
        priority: f64,
        target: Option<Offer>,
        action: Action,
    ) -> Self {
        Candidate {
            origin,
            kind,
            placement,
            severity,
            priority,
            target,
            action,
            experiment: None,
            guarded: true,
            cap: None,
            trace: usize::MAX,
        }
    }
}

/// The built-in usage-limit candidate of metric `m` in state `st` (not `ok`).
pub fn builtin_limit<'c>(
    s: &'c Session,
    m: usize,
    st: State,
    target: Option<Offer>,
) -> Candidate<'c> {
    let policy = &s.catalog.policy;
    let pr = &policy.usage_limit.priorities;
    // At or past a soft limit (a price for overage on the plan) use goes on at a price: a
    // warning, not a block.
    let (priority, severity) = match st {
        State::Approaching | State::Ok => (pr[0], Severity::Info),
        State::Critical => (pr[1], Severity::Warning),
        _ if s.soft_limit(m).is_some() => (pr[2], Severity::Warning),
        _ => (pr[2], Severity::Blocking),
    };
    let can_purchase = s.facts.can_purchase(&s.catalog);
    let mut c = Candidate::builtin(
        Origin::Limit(m),
        CalloutKind::UsageLimit,
        &policy.usage_limit.placement,
        severity,
        priority,
        target,
        action_for(
            target.as_ref(),
            can_purchase,
            s.catalog.seat_metric == Some(m),
        ),
    );
    c.guarded = st < State::AtLimit;
    c
}

/// The built-in top-up candidate of credit metric `m` at `level` (0 low, 1 critical, 2 empty):
/// info, warning or blocking; only an empty balance passes the readiness guards.
pub fn builtin_top_up(s: &Session, m: usize, level: usize, target: Option<Offer>) -> Candidate<'_> {
    let builtin = &s.catalog.policy.top_up;
    let severity = [Severity::Info, Severity::Warning, Severity::Blocking];
    let mut c = Candidate::builtin(
        Origin::TopUp(m),
        CalloutKind::TopUp,
        &builtin.placement,
        severity.get(level).copied().unwrap_or(Severity::Info),
        builtin.priorities.get(level).copied().unwrap_or(0.0),
        target,
        action_for(target.as_ref(), s.facts.can_purchase(&s.catalog), false),
    );
    c.guarded = level < 2;
    c
}

/// A candidate held back, and why: only what the result names.
#[derive(Clone, Copy, Debug)]
pub struct Held {
    /// Where it comes from.
    pub origin: Origin,
    /// Its experiment assignment, if any.
    pub experiment: Option<Assigned>,
    /// What it would have offered (`None` when it was held back before a target was chosen:
    /// `schedule`, `no_target`).
    pub target: Option<Offer>,
    /// Why.
    pub reason: Reason,
}

/// One rule's (or built-in's) fate, for the trace.
#[derive(Clone, Debug)]
pub struct TraceEntry {
    /// The rule or built-in.
    pub rule: Origin,
    /// The callout it built, if any.
    pub callout: Option<Origin>,
    /// How it fared.
    pub status: Status,
    /// Suppression reason, or why a built-in did not fire.
    pub reason: Option<&'static str>,
    /// The condition, step by step.
    pub steps: Vec<TraceStep>,
    /// The arithmetic behind a built-in's target (a top-up's headroom), line by line.
    pub notes: Vec<String>,
}

/// The decision of one evaluation.
#[derive(Clone, Debug, Default)]
pub struct Decision<'c> {
    /// What to show, best first.
    pub shown: Vec<Candidate<'c>>,
    /// What was held back, in the order decided.
    pub held: Vec<Held>,
    /// Per-rule explanation, when asked for.
    pub trace: Option<Vec<TraceEntry>>,
    /// Warnings beyond the context's own (an unknown `page.feature`).
    pub warnings: Vec<Diagnostic>,
    /// With [`EvalOptions::exposures`]: every candidate that passed the guards (shown, or held
    /// back only by a holdout, its placement or its target), in the order decided, within the
    /// asked-for placement: the units its experiments expose.
    pub eligible: Vec<Eligible<'c>>,
    /// The program-wide holdout's assignment: `Some(true)` in it, `Some(false)` outside it,
    /// `None` when the catalog has none or the unit has no id.
    pub program: Option<bool>,
}

/// A candidate that passed the guards, as exposure logging sees it.
#[derive(Clone, Copy, Debug)]
pub struct Eligible<'c> {
    /// Where it comes from.
    pub origin: Origin,
    /// Its experiment assignment, if any.
    pub experiment: Option<Assigned>,
    /// Where it goes.
    pub placement: &'c str,
    /// Its priority.
    pub priority: f64,
    /// Whether it blocks (a blocking callout is outside the program-wide holdout).
    pub blocking: bool,
}

struct Traces {
    list: Option<Vec<TraceEntry>>,
}

impl Traces {
    fn push(&mut self, rule: Origin, callout: Option<Origin>, steps: Vec<TraceStep>) -> usize {
        match &mut self.list {
            Some(list) => {
                list.push(TraceEntry {
                    rule,
                    callout,
                    status: Status::NotMatched,
                    reason: None,
                    steps,
                    notes: Vec::new(),
                });
                list.len() - 1
            }
            None => usize::MAX,
        }
    }

    fn get(&mut self, t: usize) -> Option<&mut TraceEntry> {
        self.list.as_mut().and_then(|l| l.get_mut(t))
    }

    fn set(&mut self, t: usize, status: Status, reason: Option<&'static str>) {
        if let Some(e) = self.get(t) {
            e.status = status;
            e.reason = reason;
        }
    }
}

/// Decides everything for a session, in the steps of "How `evaluate` decides": gather the
/// candidates (the built-in feature gate, the built-in usage limits, the matching rules), hold
/// back those a guard stops, rank the rest, admit them in rank order, and finally keep only
/// the asked-for placement.
pub fn decide<'c>(s: &'c Session, state: &EngineState, opts: &EvalOptions) -> Decision<'c> {
    let mut run = Run {
        out: Decision::default(),
        traces: Traces {
            list: opts.trace.then(Vec::new),
        },
    };
    // Room for the usual number of matches, so large candidates are rarely moved by growth.
    let rules = s.catalog.policy.rules.len();
    let mut candidates: Vec<Candidate<'c>> =
        Vec::with_capacity((rules / 4 + s.catalog.metrics.len() + 2).min(256));
    gate_candidate(s, &mut run, &mut candidates);
    limit_candidates(s, &mut run, &mut candidates);
    top_up_candidates(s, &mut run, &mut candidates);
    rule_candidates(s, opts, &mut run, &mut candidates);
    run.out.program = program_assignment(s);
    let eligible = apply_guards(s, state, opts, &mut run, candidates);
    let ranked = rank(&s.catalog, eligible);
    admit_in_rank_order(s, state, &mut run, ranked);
    keep_placement(opts, &mut run);
    run.out.trace = run.traces.list;
    run.out
}

/// The decision being made and its trace.
struct Run<'c> {
    out: Decision<'c>,
    traces: Traces,
}

impl Run<'_> {
    /// Holds a candidate back: its trace entry says why, and the result lists it.
    fn hold(&mut self, trace: usize, held: Held) {
        self.traces
            .set(trace, Status::Suppressed, Some(held.reason.as_str()));
        self.out.held.push(held);
    }
}

/// Step 1, the built-in feature gate for the feature the user is touching (`page.feature`),
/// when it is not allowed.
fn gate_candidate<'c>(s: &'c Session, run: &mut Run<'c>, candidates: &mut Vec<Candidate<'c>>) {
    let catalog = &*s.catalog;
    let policy = &catalog.policy;
    let Some(feature) = s.facts.page_feature.as_deref() else {
        return;
    };
    match catalog.find(Kind::Feature, feature) {
        None => run.out.warnings.push(catalog.unknown(
            Kind::Feature,
            feature,
            vec!["page".into(), "feature".into()],
        )),
        Some(fi) if policy.feature_gate.enabled => {
            let g = gate::check_feature(s, feature);
            let t = run
                .traces
                .push(Origin::Gate(fi), Some(Origin::Gate(fi)), Vec::new());
            match g.unlock.first().filter(|_| !g.allowed) {
                Some(target) => {
                    let can_purchase = s.facts.can_purchase(catalog);
                    let mut c = Candidate::builtin(
                        Origin::Gate(fi),
                        CalloutKind::FeatureGate,
                        &policy.feature_gate.placement,
                        Severity::Blocking,
                        policy.feature_gate.priorities[0],
                        Some(*target),
                        action_for(Some(target), can_purchase, false),
                    );
                    c.trace = t;
                    candidates.push(c);
                }
                None => {
                    let reason = if g.allowed {
                        g.reason
                    } else {
                        GateReason::NotInPlan.max_of(g.reason)
                    };
                    run.traces.set(t, Status::NotMatched, Some(reason.as_str()));
                }
            }
        }
        Some(_) => {}
    }
}

/// Step 1, the built-in usage limit of every metric that is not `ok`.
fn limit_candidates<'c>(s: &'c Session, run: &mut Run<'c>, candidates: &mut Vec<Candidate<'c>>) {
    let catalog = &*s.catalog;
    if !catalog.policy.usage_limit.enabled {
        return;
    }
    for m in 0..catalog.metrics.len() {
        let Some(u) = s.facts.usage(catalog, m) else {
            continue;
        };
        let (Some(st), Some(need)) = (u.state, limits::need(u)) else {
            continue;
        };
        if st == State::Ok {
            continue;
        }
        let target = limits::raise(s, m, need).into_iter().next();
        let mut c = builtin_limit(s, m, st, target);
        c.trace = run
            .traces
            .push(Origin::Limit(m), Some(Origin::Limit(m)), Vec::new());
        candidates.push(c);
    }
}

/// Step 1, the built-in top-up of every credit metric that is `low`, `critical` or `empty`,
/// offering the cheapest headroom over the forecast horizon (the arithmetic goes to the trace).
/// An account that recharges by itself is held back `auto_recharge`.
fn top_up_candidates<'c>(s: &'c Session, run: &mut Run<'c>, candidates: &mut Vec<Candidate<'c>>) {
    let catalog = &*s.catalog;
    let builtin = &catalog.policy.top_up;
    if !builtin.enabled {
        return;
    }
    for m in 0..catalog.metrics.len() {
        let Some(c) = s.facts.credits(catalog, m) else {
            continue;
        };
        let Some(level) = top_up_level(c.state) else {
            continue;
        };
        let origin = Origin::TopUp(m);
        let t = run.traces.push(origin, Some(origin), Vec::new());
        let headroom = super::headroom::for_metric(s, m);
        if let (Some(h), Some(e)) = (&headroom, run.traces.get(t)) {
            e.notes.push(h.working.clone());
            e.notes.extend(h.quotes.iter().map(|q| q.working.clone()));
        }
        let target = headroom
            .as_ref()
            .and_then(|h| super::headroom::target(s, h));
        let mut cand = builtin_top_up(s, m, level, target);
        cand.trace = t;
        if c.auto_recharge {
            run.hold(t, Held::candidate(&cand, Reason::AutoRecharge));
        } else {
            candidates.push(cand);
        }
    }
}

/// Step 1, every designer rule whose schedule is active and whose `when` is true, with its
/// target and experiment assignment. The fast path evaluates each condition over cached slot
/// values; a trace evaluates it step by step.
fn rule_candidates<'c>(
    s: &'c Session,
    opts: &EvalOptions,
    run: &mut Run<'c>,
    candidates: &mut Vec<Candidate<'c>>,
) {
    let facts = &s.facts;
    let can_purchase = facts.can_purchase(&s.catalog);
    let computed = crate::expr::Env::computed(s);
    for (i, rule) in s.catalog.policy.rules.iter().enumerate() {
        let origin = Origin::Rule(i);
        if rule.active_from.is_some_and(|f| facts.now < f)
            || rule.active_until.is_some_and(|u| facts.now >= u)
        {
            let t = run.traces.push(origin, Some(origin), Vec::new());
            run.hold(t, Held::before_target(origin, Reason::Schedule));
            continue;
        }
        let (matched, t) = if opts.trace {
            let (v, steps) = rule.when.eval_traced(s);
            let t = run.traces.push(origin, None, steps);
            (v == Value::Bool(true), t)
        } else {
            (rule.when.matches_with(s, computed), usize::MAX)
        };
        if !matched {
            continue;
        }
        if let Some(e) = run.traces.get(t) {
            e.callout = Some(origin);
        }
        let Some(target) = rule_target(s, rule) else {
            run.hold(t, Held::before_target(origin, Reason::NoTarget));
            continue;
        };
        candidates.push(rule_candidate(s, i, rule, target, can_purchase, t));
    }
}

/// The candidate of matching rule `i` with its target: its experiment variant may override
/// the placement and priority.
fn rule_candidate<'c>(
    s: &Session,
    i: usize,
    rule: &'c Rule,
    target: Offer,
    can_purchase: bool,
    trace: usize,
) -> Candidate<'c> {
    let experiment = assign_experiment(s, rule);
    let variant = match experiment {
        Some(Assigned::Variant(v)) => rule.experiment.as_ref().and_then(|e| e.variants.get(v)),
        _ => None,
    };
    let guarded = rule.kind != CalloutKind::Downsell
        && !(rule.kind == CalloutKind::UsageLimit && rule.severity == Severity::Blocking);
    Candidate {
        origin: Origin::Rule(i),
        kind: rule.kind,
        placement: variant
            .and_then(|v| v.placement.as_deref())
            .unwrap_or(&rule.placement),
        severity: rule.severity,
        priority: variant.and_then(|v| v.priority).unwrap_or(rule.priority),
        action: rule_action(rule.kind, &target, can_purchase),
        target: Some(target),
        experiment,
        guarded: guarded && !rule.ignore_readiness,
        cap: rule.cap,
        trace,
    }
}

impl Held {
    /// A rule held back before a target was chosen (`schedule`, `no_target`).
    fn before_target(origin: Origin, reason: Reason) -> Held {
        Held {
            origin,
            experiment: None,
            target: None,
            reason,
        }
    }

    /// A candidate held back for `reason`.
    fn candidate(c: &Candidate<'_>, reason: Reason) -> Held {
        Held {
            origin: c.origin,
            experiment: c.experiment,
            target: c.target,
            reason,
        }
    }
}

/// Step 2, the per-callout guards: the first failing one holds the candidate back. Only a
/// candidate that passed them all and is in its experiment's holdout is held back `holdout`.
fn apply_guards<'c>(
    s: &Session,
    state: &EngineState,
    opts: &EvalOptions,
    run: &mut Run<'c>,
    candidates: Vec<Candidate<'c>>,
) -> Vec<Candidate<'c>> {
    run.out.held.reserve(candidates.len());
    let mut eligible: Vec<Candidate<'c>> = Vec::with_capacity(candidates.len());
    let program_held = run.out.program == Some(true);
    for c in candidates {
        // (The id is written only to look up a history.)
        let hist = if state.callouts.is_empty() {
            None
        } else {
            state.callouts.get(&c.origin.callout_id(&s.catalog))
        };
        let mut reason = guard(s, state, &c, hist);
        if reason.is_none() {
            let blocking = c.severity == Severity::Blocking;
            let held = program_held && !blocking;
            if opts.exposures {
                run.out.eligible.push(Eligible {
                    origin: c.origin,
                    experiment: c.experiment,
                    placement: c.placement,
                    priority: c.priority,
                    blocking,
                });
            }
            reason = if held {
                Some(Reason::ProgramHoldout)
            } else {
                (c.experiment == Some(Assigned::Holdout)).then_some(Reason::Holdout)
            };
        }
        match reason {
            Some(reason) => run.hold(c.trace, Held::candidate(&c, reason)),
            None => eligible.push(c),
        }
    }
    eligible
}

/// Step 3, ranking: priority, then monthly revenue delta, then rule id, then callout id. The
/// small keys are sorted, then the candidates taken in that order.
fn rank<'c>(catalog: &Catalog, eligible: Vec<Candidate<'c>>) -> Vec<Candidate<'c>> {
    let order = catalog.id_order();
    let mut keyed: Vec<(RankKey, usize)> = eligible
        .iter()
        .enumerate()
        .map(|(i, c)| (rank_key(order, c), i))
        .collect();
    // Keys are distinct (the ids break every tie), so an unstable sort gives the one order.
    keyed.sort_unstable();
    let mut slots: Vec<Option<Candidate<'c>>> = eligible.into_iter().map(Some).collect();
    keyed
        .iter()
        .filter_map(|(_, i)| slots.get_mut(*i).and_then(Option::take))
        .collect()
}

/// What the callouts admitted so far take up, in rank order: targets, placements and the
/// global caps' window.
struct Room<'s> {
    /// Distinct callouts shown in the last 24 hours, and their ids.
    shown_today: usize,
    recent_ids: Vec<&'s str>,
    /// The latest impression of a callout that is not blocking.
    latest: Option<f64>,
    /// Callouts shown so far, per placement of the policy.
    used_in: Vec<u32>,
    /// Targets of higher-ranked callouts, shown or not (plans, then add-ons): a rule replaces
    /// the built-in for its target even when the rule itself loses its placement.
    targets: Vec<bool>,
    /// The blocking callout that may show, when several want to: the first blocking feature
    /// gate (it answers what the user just tried), else the first blocking one admitted.
    blocking: Blocking,
}

/// Which blocking callout [`Room`] lets through.
#[derive(Clone, Copy, PartialEq)]
enum Blocking {
    /// None yet: the first blocking callout admitted takes the place.
    Open,
    /// Kept for the blocking feature gate from this origin.
    Gate(Origin),
    /// Taken.
    Taken,
}

impl<'s> Room<'s> {
    fn new(catalog: &Catalog, state: &'s EngineState, now: f64) -> Self {
        let (shown_today, recent_ids) = state.shown_within(now, DAY_MS);
        Room {
            shown_today,
            recent_ids,
            latest: state.latest_impression(now),
            used_in: vec![0; catalog.policy.placements.len()],
            targets: vec![false; catalog.plans.len() + catalog.addons.len()],
            blocking: Blocking::Open,
        }
    }

    /// Why `c` is not admitted, if it is not: a higher-ranked callout pushes the same target,
    /// its placement is full, or a global cap is reached. Marks its target as pushed.
    fn refusal(
        &mut self,
        catalog: &Catalog,
        now: f64,
        c: &Candidate<'_>,
        recent: bool,
    ) -> Option<Reason> {
        let dup = c.target.as_ref().is_some_and(|t| {
            let at = if t.plan {
                t.index
            } else {
                catalog.plans.len() + t.index
            };
            self.targets
                .get_mut(at)
                .is_some_and(|seen| std::mem::replace(seen, true))
        });
        if dup {
            return Some(Reason::DuplicateTarget);
        }
        if c.severity == Severity::Blocking
            && match self.blocking {
                Blocking::Open => false,
                Blocking::Gate(o) => o != c.origin,
                Blocking::Taken => true,
            }
        {
            return Some(Reason::BlockingShown);
        }
        let placements = &catalog.policy.placements;
        let slot = placements.iter().position(|(p, _)| p == c.placement);
        let max = slot.and_then(|i| placements.get(i)).and_then(|(_, m)| *m);
        let used = slot.and_then(|i| self.used_in.get(i)).copied().unwrap_or(0);
        if max.is_some_and(|m| used >= m) {
            Some(Reason::PlacementFull)
        } else if c.severity != Severity::Blocking
            && !recent
            && global_capped(catalog, now, self.shown_today, self.latest)
        {
            Some(Reason::CapGlobal)
        } else {
            None
        }
    }

    /// Counts an admitted callout against its placement and the global caps.
    fn take(&mut self, catalog: &Catalog, now: f64, c: &Candidate<'_>, recent: bool) {
        let slot = catalog
            .policy
            .placements
            .iter()
            .position(|(p, _)| p == c.placement);
        if let Some(n) = slot.and_then(|i| self.used_in.get_mut(i)) {
            *n += 1;
        }
        if c.severity == Severity::Blocking {
            self.blocking = Blocking::Taken;
        }
        if !recent {
            self.shown_today += 1;
            if c.severity != Severity::Blocking {
                self.latest = Some(now);
            }
        }
    }
}

/// Step 4, in rank order: `duplicate_target`, `blocking_shown`, `placement_full` and
/// `cap:global` hold candidates back; the rest are shown. At most one blocking callout shows:
/// the first blocking feature gate (it answers what the user just tried to open), else the
/// highest-ranked blocking callout. A callout already shown in the last 24 hours keeps
/// showing, and blocking callouts are exempt from the global caps. The whole decision is made
/// before the placement filter, so asking per placement gives the same answer.
fn admit_in_rank_order<'c>(
    s: &Session,
    state: &EngineState,
    run: &mut Run<'c>,
    ranked: Vec<Candidate<'c>>,
) {
    let catalog = &*s.catalog;
    let now = s.facts.now;
    let mut room = Room::new(catalog, state, now);
    if let Some(gate) = ranked
        .iter()
        .find(|c| c.severity == Severity::Blocking && c.kind == CalloutKind::FeatureGate)
    {
        room.blocking = Blocking::Gate(gate.origin);
    }
    for c in ranked {
        let recent = !room.recent_ids.is_empty()
            && room.recent_ids.contains(&&*c.origin.callout_id(catalog));
        match room.refusal(catalog, now, &c, recent) {
            Some(r) => {
                // A gate that cannot show (its target or placement is taken by higher-ranked
                // callouts) leaves the place to the next blocking callout.
                if room.blocking == Blocking::Gate(c.origin) {
                    room.blocking = Blocking::Open;
                }
                run.hold(c.trace, Held::candidate(&c, r));
            }
            None => {
                room.take(catalog, now, &c, recent);
                run.traces.set(c.trace, Status::Shown, None);
                run.out.shown.push(c);
            }
        }
    }
}

/// Step 5, `placement` filters the result of the whole decision.
fn keep_placement(opts: &EvalOptions, run: &mut Run<'_>) {
    let Some(p) = &opts.placement else {
        return;
    };
    for c in &run.out.shown {
        if c.placement != p {
            run.traces.set(c.trace, Status::OtherPlacement, None);
        }
    }
    run.out.shown.retain(|c| c.placement == p);
    run.out.eligible.retain(|c| c.placement == p);
}

impl GateReason {
    /// `self`, unless it is an allowing reason (used for a gate that produced no callout).
    fn max_of(self, other: GateReason) -> GateReason {
        match other {
            GateReason::TrialExpired | GateReason::NotInPlan => other,
            _ => self,
        }
    }
}

fn rule_action(kind: CalloutKind, target: &Offer, can_purchase: bool) -> Action {
    if !can_purchase {
        return Action::AskAdmin;
    }
    match kind {
        CalloutKind::Downsell => Action::Downgrade,
        CalloutKind::Trial => Action::StartTrial,
        _ if target.contact_sales => Action::ContactSales,
        CalloutKind::SeatExpansion if !target.plan => Action::AddSeats,
        _ if target.plan => Action::Upgrade,
        _ => Action::AddAddon,
    }
}

/// The ranking key of a candidate, smallest first: priority (high first), monthly revenue
/// delta (high first), then the text order of its rule id and of its callout id (see
/// [`IdOrder`]). Numbers are mapped to integers in the order of `f64::total_cmp`, so keys
/// compare as plain integers.
type RankKey = (u64, u64, u64);

fn rank_key(order: &IdOrder, c: &Candidate<'_>) -> RankKey {
    let delta = c
        .target
        .as_ref()
        .and_then(|t| t.monthly_delta)
        .unwrap_or(f64::NEG_INFINITY);
    let at = |ranks: &[u32], i: usize| ranks.get(i).copied().unwrap_or(u32::MAX);
    let (rule, callout) = match c.origin {
        Origin::Gate(f) => (order.gate, at(&order.features, f)),
        Origin::Limit(m) => (order.limit, at(&order.metrics, m)),
        Origin::TopUp(m) => (order.top_up, at(&order.metrics, m)),
        Origin::Rule(i) => (at(&order.rules, i), 0),
    };
    (
        !total_order(c.priority),
        !total_order(delta),
        u64::from(rule) << 32 | u64::from(callout),
    )
}

/// `x` as an integer, in the order `f64::total_cmp` gives.
fn total_order(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

fn global_capped(catalog: &Catalog, now: f64, shown_today: usize, latest: Option<f64>) -> bool {
    let f = &catalog.policy.frequency;
    f.max_per_day.is_some_and(|m| shown_today >= m as usize)
        || f.min_minutes_between
            .is_some_and(|m| latest.is_some_and(|l| now - l < m * 60_000.0))
}

/// The first guard that holds the callout back.
fn guard(
    s: &Session,
    state: &EngineState,
    c: &Candidate<'_>,
    hist: Option<&CalloutHistory>,
) -> Option<Reason> {
    let catalog = &*s.catalog;
    let now = s.facts.now;
    if hist.is_some_and(|h| h.converted_at.is_some_and(|t| t <= now)) {
        return Some(Reason::Converted);
    }
    if c.guarded {
        if let Some(g) = readiness(s, c.kind) {
            return Some(Reason::Readiness(g));
        }
    }
    if let (Some(cool), Some(at)) = (
        catalog.policy.frequency.dismiss_cooldown_days,
        hist.and_then(|h| h.dismissed_at),
    ) {
        if at <= now && now - at < cool * DAY_MS {
            return Some(Reason::CooldownDismissed);
        }
    }
    if let Some(cap) = c.cap {
        if state.rule_impressions_within(c.origin.rule(catalog), now, cap.per_days * DAY_MS)
            >= cap.max_impressions as usize
        {
            return Some(Reason::CapRule);
        }
    }
    None
}

/// The readiness guard an account fails, if any. Values the context does not give pass.
pub fn readiness(s: &Session, kind: CalloutKind) -> Option<Guard> {
    let catalog = &*s.catalog;
    let facts = &s.facts;
    let r = &catalog.policy.readiness;
    let a = &facts.account;
    if r.min_health_score
        .is_some_and(|m| a.health_score.is_some_and(|h| h < m))
    {
        return Some(Guard::Health);
    }
    if r.min_tenure_days
        .is_some_and(|m| facts.tenure_days().is_some_and(|t| t < m))
    {
        return Some(Guard::Tenure);
    }
    if a.lifecycle.as_deref() == Some("onboarding") {
        match r.onboarding {
            Onboarding::Block => return Some(Guard::Onboarding),
            Onboarding::CrossSellOnly if kind != CalloutKind::CrossSell => {
                return Some(Guard::Onboarding)
            }
            _ => {}
        }
    }
    if r.block_on_open_escalations && a.open_escalations.is_some_and(|n| n > 0.0) {
        return Some(Guard::Escalations);
    }
    if r.min_feature_adoption.is_some_and(|min| {
        facts
            .feature_adoption(catalog)
            .flatten()
            .is_some_and(|x| x < min)
    }) {
        return Some(Guard::Adoption);
    }
    None
}

/// How many units of add-on `a` a rule offers: as many as the limits the rule reads need
/// (the quantity the same limit's unlock options name), else one.
fn addon_quantity(s: &Session, rule: &Rule, a: usize) -> u32 {
    rule.when
        .slots()
        .iter()
        .map(|slot| split(slot.id))
        .filter(|(t, _, _)| *t == tag::USAGE)
        .filter_map(|(_, m, _)| {
            let need = limits::need(s.facts.usage(&s.catalog, m)?)?;
            limits::raise(s, m, need)
                .into_iter()
                .find(|o| !o.plan && o.index == a)?
                .quantity
        })
        .max()
        .unwrap_or(1)
}

/// The target of a rule's callout: explicit, right-size, or the kind's default.
fn rule_target(s: &Session, rule: &Rule) -> Option<Offer> {
    let catalog = &*s.catalog;
    let facts = &s.facts;
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
            let quantity = addon_quantity(s, rule, *a);
            buyable
                .then(|| unlock::addon_option(catalog, facts, *a, quantity))
                .flatten()
        }
        RuleTarget::RightSize => right_size(s, current),
        RuleTarget::Auto => match rule.kind {
            CalloutKind::Downsell => right_size(s, current),
            CalloutKind::SeatExpansion => {
                let m = catalog.seat_metric?;
                let used = facts.usage(catalog, m)?.used?;
                let invites = facts
                    .signal_number("pendingInvites")
                    .unwrap_or(0.0)
                    .max(1.0);
                limits::raise(s, m, used + invites).into_iter().next()
            }
            CalloutKind::UsageLimit => {
                let m = rule
                    .when
                    .slots()
                    .iter()
                    .map(|s| split(s.id))
                    .find(|(t, _, _)| *t == tag::USAGE)
                    .map(|(_, i, _)| i)?;
                let u = facts.usage(catalog, m)?;
                limits::raise(s, m, limits::need(u)?).into_iter().next()
            }
            CalloutKind::TopUp => {
                // The credit metric the condition reads, else the catalog's first.
                let read = rule
                    .when
                    .slots()
                    .iter()
                    .map(|s| split(s.id))
                    .filter(|(t, _, _)| *t == tag::USAGE)
                    .map(|(_, i, _)| i)
                    .find(|i| catalog.metrics.get(*i).is_some_and(|m| m.is_credits()));
                let m = read.or_else(|| catalog.metrics.iter().position(|m| m.is_credits()))?;
                let h = super::headroom::for_metric(s, m)?;
                super::headroom::target(s, &h)
            }
            CalloutKind::FeatureGate | CalloutKind::Trial => {
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
                .find(|o| o.plan)
            }
            _ => unlock::options(catalog, facts, Need::default())
                .into_iter()
                .next(),
        },
    }
}

fn right_size(s: &Session, current: usize) -> Option<Offer> {
    let p = s.right_size_plan()?;
    // A downsell must save money: the right-size plan has to be strictly cheaper.
    (p != current)
        .then(|| unlock::plan_option(&s.catalog, &s.facts, p))
        .flatten()
        .filter(|o| o.monthly_delta.is_some_and(|d| d < 0.0))
}

/// The unit id an experiment or holdout hashes: the user's or the account's, `None` when absent
/// or empty.
pub(crate) fn unit_id(s: &Session, user: bool) -> Option<&str> {
    let facts = &s.facts;
    if user {
        facts.user.id.as_deref()
    } else {
        facts.account.id.as_deref()
    }
    .filter(|id| !id.is_empty())
}

/// The program-wide holdout's assignment (see [`Decision::program`]).
pub fn program_assignment(s: &Session) -> Option<bool> {
    let h = s.catalog.policy.program.as_ref()?;
    let unit = unit_id(s, h.unit_user)?;
    Some(bucket(&h.seed, unit) < h.share)
}

/// Experiment assignment: `None` when the rule has no experiment or the unit has no id.
fn assign_experiment(s: &Session, rule: &Rule) -> Option<Assigned> {
    let exp = rule.experiment.as_ref()?;
    let unit = unit_id(s, exp.unit_user)?;
    let weights: Vec<f64> = exp.variants.iter().map(|v| v.weight).collect();
    Some(
        match assign(bucket(&exp.seed, unit), exp.holdout, &weights) {
            Assignment::Holdout => Assigned::Holdout,
            Assignment::Variant(i) => Assigned::Variant(i),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_positions_in_the_lists() {
        for (i, g) in Guard::ALL.iter().enumerate() {
            assert_eq!(g.slot(), i, "{g:?}");
        }
        for (i, r) in Reason::ALL.iter().enumerate() {
            assert_eq!(r.slot(), i, "{r:?}");
        }
        let names: std::collections::HashSet<&str> =
            Reason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(names.len(), Reason::ALL.len());
    }

    #[test]
    fn numbers_map_to_integers_in_total_order() {
        let xs = [
            f64::NEG_INFINITY,
            -1e9,
            -2.5,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            1.0,
            1.5,
            1e9,
            f64::INFINITY,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(
                    total_order(a).cmp(&total_order(b)),
                    a.total_cmp(&b),
                    "{a} {b}"
                );
            }
        }
    }
}
