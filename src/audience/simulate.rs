//! `simulate`: many contexts scored with the engine's own typed decision
//! ([`Engine::decide_in`], the one `evaluate` words), and only counts and bounded top lists
//! kept. A [`Simulation`] holds owned data only, so the accounts can be split across threads,
//! each with its own engine and simulation, and the simulations merged.

use std::sync::Arc;

use super::row::{account_row, AccountRow};
use super::sizing::{ExpectedMrr, Rates, SizingAcc};
use super::top::Top;
use crate::base::date;
use crate::base::diag::{did_you_mean, join, Diagnostic};
use crate::base::num::js;
use crate::base::out::{Out, ToJson};
use crate::base::vocab::Code;
use crate::catalog::model::{CalloutKind, MAX_HORIZON_DAYS};
use crate::catalog::Catalog;
use crate::decide::recommend::{
    readiness, Assigned, Candidate, EvalOptions, Guard, Held, Origin, Reason,
};
use crate::decide::unlock::Offer;
use crate::decide::Session;
use crate::engine::Engine;
use crate::render::Target;

/// Most error rows a report lists (the ones with the lowest indices); all are counted.
pub const MAX_ERROR_ROWS: usize = 100;

/// The wire name of a guard, such as `readiness:health`.
fn guard_name(g: Guard) -> &'static str {
    Reason::Readiness(g).as_str()
}

/// Options of a simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulateOptions {
    /// Stands in for contexts without `now` (ms since the epoch); the host clock when `None`
    /// (read once per simulation).
    pub now: Option<f64>,
    /// Forecast horizon in days for `daysToLimit` (a whole number from 1 to 3650); the
    /// config's `forecast.horizonDays` when `None`.
    pub horizon_days: Option<f64>,
    /// Count only callouts shown in this placement (as `evaluate` with `placement` does).
    pub placement: Option<String>,
    /// Length of each top list (opportunities, downsells, soonest limits per metric).
    pub top: usize,
    /// Measured conversion rates: each rule's expected MRR is sized with them.
    pub rates: Option<Arc<Rates>>,
    /// Keep one [`AccountRow`] per account added, for [`Simulation::take_rows`].
    pub rows: bool,
}

impl Default for SimulateOptions {
    fn default() -> Self {
        SimulateOptions {
            now: None,
            horizon_days: None,
            placement: None,
            top: 20,
            rates: None,
            rows: false,
        }
    }
}

/// Names a simulation reports, copied from the catalog once.
#[derive(Clone, Debug)]
struct RuleInfo {
    rule: String,
    kind: CalloutKind,
    builtin: bool,
    /// Experiment key and variant ids.
    experiment: Option<(String, Vec<String>)>,
}

#[derive(Clone, Debug, Default)]
struct RuleAcc {
    matched: u64,
    shown: u64,
    other_placement: u64,
    suppressed: [u64; Reason::ALL.len()],
    /// Shown per placement (by placement index).
    placements: Vec<u64>,
    /// (assigned, exposed) per arm: the holdout first, then the variants in order.
    arms: Vec<(u64, u64)>,
    /// Shown callouts' monthly deltas per measured rate (with `rates`).
    sizing: SizingAcc,
}

#[derive(Clone, Debug)]
struct ForecastAcc {
    accounts: u64,
    at_or_over: u64,
    by_week: Vec<u64>,
    soonest: Top<LimitHit>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    accounts: u64,
    evaluated: u64,
    with_errors: u64,
    error_rows: u64,
    with_callouts: u64,
    callouts: u64,
    opportunity_accounts: u64,
    downsell_accounts: u64,
    /// Sums of money in millionths, so that sums do not depend on the order of addition.
    uplift_micros: i128,
    savings_micros: i128,
}

fn micros(x: f64) -> i128 {
    (x * 1e6).round() as i128
}

fn from_micros(m: i128) -> f64 {
    m as f64 / 1e6
}

/// A simulation in progress: counts and bounded top lists over the accounts added so far.
/// Owned data only (it is `Send`): run one per thread over a share of the accounts, each
/// with an engine built from the same config, then [`Simulation::merge`] them.
#[derive(Clone, Debug)]
pub struct Simulation {
    now: f64,
    horizon_days: f64,
    placement: Option<String>,
    top: usize,
    rules: Vec<RuleInfo>,
    placements: Vec<String>,
    /// Per metric, (id, label, whether it is a credit balance).
    metrics: Vec<(String, String, bool)>,
    acc: Vec<RuleAcc>,
    /// (accounts, callouts) per placement index.
    placement_acc: Vec<(u64, u64)>,
    counts: Counts,
    ready: u64,
    blocked: [u64; 5],
    no_plan: u64,
    opportunities: Top<Opportunity>,
    downsells: Top<Opportunity>,
    forecasts: Vec<ForecastAcc>,
    errors: Top<ErrorRow>,
    warnings: Vec<Diagnostic>,
    rates: Option<Arc<Rates>>,
    /// The rows of the accounts added since the last [`Simulation::take_rows`], when kept.
    rows: Option<Vec<AccountRow>>,
}

/// A callout worth money to one account, before it is named.
#[derive(Clone, Copy)]
struct Pick {
    origin: Origin,
    kind: CalloutKind,
    target: Offer,
    value: f64,
    guard: Option<Guard>,
    /// Shown (else held back: by `guard`, or behind another blocking callout).
    shown: bool,
}

/// The account's best expansion and best downsell so far.
#[derive(Default)]
struct Best {
    up: Option<Pick>,
    down: Option<Pick>,
}

impl Best {
    /// Keeps `p` when it is worth more than the best of its side.
    fn consider(&mut self, p: Pick) {
        let slot = if p.kind == CalloutKind::Downsell {
            &mut self.down
        } else {
            &mut self.up
        };
        if slot.is_none_or(|b| p.value > b.value) {
            *slot = Some(p);
        }
    }
}

/// The `now` option, or the host clock (with a warning when it is not a time from 1970 to
/// 9999).
fn checked_now(opts: &SimulateOptions, warnings: &mut Vec<Diagnostic>) -> f64 {
    match opts.now {
        Some(n) if date::in_range(n) => n,
        Some(n) => {
            warnings.push(Diagnostic::new(
                Code::InvalidOption,
                format!(
                    "`now` `{}` is not a time from 1970 to 9999; the host clock is used",
                    js(n)
                ),
                join(&[], "now"),
            ));
            host_clock()
        }
        None => host_clock(),
    }
}

/// The `horizonDays` option, or the config's (with a warning when it is not a whole number
/// of days in range).
fn checked_horizon(
    catalog: &Catalog,
    opts: &SimulateOptions,
    warnings: &mut Vec<Diagnostic>,
) -> f64 {
    match opts.horizon_days {
        Some(h) if (1.0..=MAX_HORIZON_DAYS).contains(&h) && h.fract() == 0.0 => h,
        Some(h) => {
            warnings.push(Diagnostic::new(
                Code::InvalidOption,
                format!(
                    "`horizonDays` must be a whole number of days from 1 to {}, found `{}`; the config's {} is used",
                    js(MAX_HORIZON_DAYS),
                    js(h),
                    js(catalog.horizon_days)
                ),
                join(&[], "horizonDays"),
            ));
            catalog.horizon_days
        }
        None => catalog.horizon_days,
    }
}

/// What the report names of every rule, then of the two built-ins.
fn rule_infos(catalog: &Catalog) -> Vec<RuleInfo> {
    let mut rules: Vec<RuleInfo> = catalog
        .policy
        .rules
        .iter()
        .map(|r| RuleInfo {
            rule: r.id.clone(),
            kind: r.kind,
            builtin: false,
            experiment: r.experiment.as_ref().map(|e| {
                (
                    e.key.clone(),
                    e.variants.iter().map(|v| v.id.clone()).collect(),
                )
            }),
        })
        .collect();
    // The top-up row only for a catalog with a credit metric (its slot comes after the limit's).
    let credits = catalog.metrics.iter().any(|m| m.is_credits());
    let top_up = credits.then_some((Origin::TopUp(0), CalloutKind::TopUp));
    for (origin, kind) in [
        (Origin::Gate(0), CalloutKind::FeatureGate),
        (Origin::Limit(0), CalloutKind::UsageLimit),
    ]
    .into_iter()
    .chain(top_up)
    {
        rules.push(RuleInfo {
            rule: origin.rule(catalog).to_owned(),
            kind,
            builtin: true,
            experiment: None,
        });
    }
    rules
}

impl Simulation {
    /// An empty simulation for `engine`'s catalog. Bad options are reported in the report's
    /// `warnings` and replaced by their defaults.
    pub fn new(engine: &Engine, opts: &SimulateOptions) -> Simulation {
        let catalog = engine.catalog();
        let mut warnings = Vec::new();
        let now = checked_now(opts, &mut warnings);
        let horizon_days = checked_horizon(catalog, opts, &mut warnings);
        let placements: Vec<String> = catalog
            .policy
            .placements
            .iter()
            .map(|(p, _)| p.clone())
            .collect();
        if let Some(p) = &opts.placement {
            if !placements.contains(p) {
                warnings.push(
                    Diagnostic::new(
                        Code::UnknownPlacement,
                        format!("unknown placement `{p}`; no callout is counted as shown"),
                        join(&[], "placement"),
                    )
                    .with_help(did_you_mean(p, placements.iter().map(String::as_str))),
                );
            }
        }
        let rules = rule_infos(catalog);
        let sizing = opts
            .rates
            .as_deref()
            .map(SizingAcc::new)
            .unwrap_or_default();
        let acc = rules
            .iter()
            .map(|r| RuleAcc {
                placements: vec![0; placements.len()],
                arms: vec![(0, 0); r.experiment.as_ref().map_or(0, |(_, v)| v.len() + 1)],
                sizing: sizing.clone(),
                ..RuleAcc::default()
            })
            .collect();
        let weeks = (horizon_days / 7.0).floor() as usize + 1;
        let forecasts = catalog
            .metrics
            .iter()
            .map(|_| ForecastAcc {
                accounts: 0,
                at_or_over: 0,
                by_week: vec![0; weeks],
                soonest: Top::new(opts.top),
            })
            .collect();
        Simulation {
            now,
            horizon_days,
            placement: opts.placement.clone(),
            top: opts.top,
            placement_acc: vec![(0, 0); placements.len()],
            placements,
            metrics: catalog
                .metrics
                .iter()
                .map(|m| (m.id.clone(), m.label.clone(), m.is_credits()))
                .collect(),
            rules,
            acc,
            counts: Counts::default(),
            ready: 0,
            blocked: [0; 5],
            no_plan: 0,
            opportunities: Top::new(opts.top),
            downsells: Top::new(opts.top),
            forecasts,
            errors: Top::new(MAX_ERROR_ROWS),
            warnings,
            rates: opts.rates.clone(),
            rows: opts.rows.then(Vec::new),
        }
    }

    /// Adds warnings to the report (a rates file's, say), each once.
    pub fn warn(&mut self, warnings: &[Diagnostic]) {
        for w in warnings {
            if !self.warnings.contains(w) {
                self.warnings.push(w.clone());
            }
        }
    }

    /// The metric ids, in the catalog's order (the `daysToLimit` of an [`AccountRow`]).
    pub fn metric_ids(&self) -> impl Iterator<Item = &str> {
        self.metrics.iter().map(|(id, _, _)| id.as_str())
    }

    /// Whether rates size the expected MRR.
    pub fn has_rates(&self) -> bool {
        self.rates.is_some()
    }

    /// The rows of the accounts added since the last call, in the order they were added
    /// (empty unless the options asked for rows).
    pub fn take_rows(&mut self) -> Vec<AccountRow> {
        self.rows.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The clock used for contexts without `now` (ms since the epoch).
    pub fn now(&self) -> f64 {
        self.now
    }

    /// The forecast horizon in days.
    pub fn horizon_days(&self) -> f64 {
        self.horizon_days
    }

    /// Scores one account (its index in the input, for error reports). The context is read
    /// and decided exactly as `evaluate` does; a context with problems is still scored (as
    /// `evaluate` still answers) and counted among the accounts with errors.
    pub fn add(&mut self, engine: &Engine, index: u64, context_json: &str) {
        let mut s = engine.session(context_json.to_owned(), self.now);
        s.facts.horizon_days = self.horizon_days;
        self.add_session(engine, index, &s);
    }

    /// Scores one account already read into a session (its `horizon_days` is left as set).
    pub fn add_session(&mut self, engine: &Engine, index: u64, s: &Session) {
        self.counts.accounts += 1;
        self.counts.evaluated += 1;
        if let Some(e) = s.facts.errors.first() {
            self.counts.with_errors += 1;
            let id = s.facts.account.id.as_deref().map(str::to_owned);
            self.keep_error(index, id, e.clone());
        }
        // The whole decision, unfiltered; the placement filter is applied here exactly as
        // `evaluate` applies it (after the decision), so what is dropped can be counted.
        let d = engine.decide_in(s, &EvalOptions::default());
        if let Some(rows) = &mut self.rows {
            let placement = self.placement.as_deref();
            let rates = self.rates.as_deref();
            rows.push(account_row(s, index, &d.shown, &d.held, placement, rates));
        }
        let mut best = Best::default();
        self.count_shown(&s.catalog, &d.shown, &mut best);
        self.count_held(&s.catalog, &d.held, &mut best);
        self.count_best(s, index, best);
        self.count_readiness(s);
        self.count_forecasts(s, index);
    }

    /// Counts the callouts shown (those outside the asked-for placement apart), per rule, arm
    /// and placement, and considers each as the account's best opportunity.
    fn count_shown(&mut self, catalog: &Catalog, shown: &[Candidate<'_>], best: &mut Best) {
        let mut per_placement = vec![0u64; self.placements.len()];
        for c in shown {
            let in_placement = self.placement.as_deref().is_none_or(|p| p == c.placement);
            let pi = self.placements.iter().position(|p| p == c.placement);
            let Some(acc) = rule_slot(catalog, c.origin).and_then(|r| self.acc.get_mut(r)) else {
                continue;
            };
            acc.matched += 1;
            if let Some(arm) = arm_slot(c.experiment).and_then(|a| acc.arms.get_mut(a)) {
                arm.0 += 1;
                if in_placement {
                    arm.1 += 1;
                }
            }
            if !in_placement {
                acc.other_placement += 1;
                continue;
            }
            acc.shown += 1;
            if let Some(rates) = self.rates.as_deref() {
                let delta = c.target.and_then(|t| t.monthly_delta);
                acc.sizing
                    .add(rates.find(&c.origin.callout_id(catalog)), delta);
            }
            if let Some(n) = pi.and_then(|i| acc.placements.get_mut(i)) {
                *n += 1;
            }
            if let Some(n) = pi.and_then(|i| per_placement.get_mut(i)) {
                *n += 1;
            }
            self.counts.callouts += 1;
            if let Some(p) = pick(c.origin, c.kind, c.target, None, true) {
                best.consider(p);
            }
        }
        let mut any = false;
        for (n, acc) in per_placement.iter().zip(self.placement_acc.iter_mut()) {
            if *n > 0 {
                any = true;
                acc.0 += 1;
                acc.1 += n;
            }
        }
        if any {
            self.counts.with_callouts += 1;
        }
    }

    /// Counts the callouts held back, per rule, reason and arm; one held back by readiness is
    /// still an opportunity (what the account would be offered once ready), and so is a
    /// blocking callout waiting behind another (`blocking_shown`).
    fn count_held(&mut self, catalog: &Catalog, held: &[Held], best: &mut Best) {
        for h in held {
            let Some(acc) = rule_slot(catalog, h.origin).and_then(|r| self.acc.get_mut(r)) else {
                continue;
            };
            if let Some(n) = acc.suppressed.get_mut(h.reason.slot()) {
                *n += 1;
            }
            if h.reason != Reason::Schedule {
                acc.matched += 1;
            }
            if let Some(arm) = arm_slot(h.experiment).and_then(|a| acc.arms.get_mut(a)) {
                arm.0 += 1;
                if h.reason == Reason::Holdout {
                    arm.1 += 1;
                }
            }
            // Held back by readiness, or waiting behind another blocking callout: still what
            // the account will be offered.
            let guard = match h.reason {
                Reason::Readiness(g) => Some(Some(g)),
                Reason::BlockingShown => Some(None),
                _ => None,
            };
            if let Some(g) = guard {
                if let Some(p) = pick(h.origin, kind_of(catalog, h.origin), h.target, g, false) {
                    best.consider(p);
                }
            }
        }
    }

    /// Counts the account's best expansion and best downsell, and offers them to the top lists.
    fn count_best(&mut self, s: &Session, index: u64, best: Best) {
        if let Some(p) = best.up {
            self.counts.opportunity_accounts += 1;
            self.counts.uplift_micros += micros(p.value);
            self.opportunities
                .offer(p.value, index, || opportunity(s, index, &p));
        }
        if let Some(p) = best.down {
            self.counts.downsell_accounts += 1;
            self.counts.savings_micros += micros(p.value);
            self.downsells
                .offer(p.value, index, || opportunity(s, index, &p));
        }
    }

    /// Counts readiness for an expansion pitch (an upsell), where the plan is known.
    fn count_readiness(&mut self, s: &Session) {
        if s.facts.account.plan.is_none() {
            self.no_plan += 1;
            return;
        }
        match readiness(s, CalloutKind::Upsell) {
            None => self.ready += 1,
            Some(g) => {
                if let Some(n) = self.blocked.get_mut(g.slot()) {
                    *n += 1;
                }
            }
        }
    }

    /// Counts the limits the usage trend reaches within the horizon, by week; for a credit
    /// metric, the balances that run out within it (its `used` is the grant spent, its limit
    /// the grant, and an empty balance counts as at the limit).
    fn count_forecasts(&mut self, s: &Session, index: u64) {
        let catalog = &*s.catalog;
        for (m, f) in self.forecasts.iter_mut().enumerate() {
            let reach = match (s.facts.credits(catalog, m), s.facts.usage(catalog, m)) {
                (Some(c), _) => c.days_to_empty.zip(c.empty_at).map(|(d, at)| {
                    let empty = c.balance.is_some_and(|b| b <= 0.0);
                    (d, at, empty, c.used, c.granted)
                }),
                (None, Some(u)) => u.days_to_limit.zip(u.limit_at).map(|(d, at)| {
                    let over = u.used.zip(u.limit.flatten()).is_some_and(|(x, l)| x >= l);
                    (d, at, over, u.used, u.limit.flatten())
                }),
                (None, None) => None,
            };
            let Some((days, at, reached, used, limit)) = reach else {
                continue;
            };
            if reached {
                f.at_or_over += 1;
                continue;
            }
            f.accounts += 1;
            let week =
                ((days / 7.0).floor().max(0.0) as usize).min(f.by_week.len().saturating_sub(1));
            if let Some(n) = f.by_week.get_mut(week) {
                *n += 1;
            }
            f.soonest.offer(-days, index, || LimitHit {
                account_id: s.facts.account.id.as_deref().map(str::to_owned),
                index,
                plan: plan_id(s),
                metric: catalog
                    .metrics
                    .get(m)
                    .map_or_else(String::new, |x| x.id.clone()),
                days_to_limit: days,
                limit_date: date::format_date(at),
                used: used.unwrap_or(0.0),
                limit: limit.unwrap_or(0.0),
            });
        }
    }

    /// A row that could not be turned into a context (a reader's bad row): counted as an
    /// account with an error, never dropped.
    pub fn add_error(&mut self, index: u64, problem: Diagnostic) {
        if let Some(rows) = &mut self.rows {
            rows.push(AccountRow {
                index,
                error: Some(problem.code),
                days_to_limit: vec![None; self.metrics.len()],
                ..AccountRow::default()
            });
        }
        self.counts.accounts += 1;
        self.counts.with_errors += 1;
        self.counts.error_rows += 1;
        self.keep_error(index, None, problem);
    }

    fn keep_error(&mut self, index: u64, account_id: Option<String>, error: Diagnostic) {
        // Equal scores: the lowest indices are kept.
        self.errors.offer(0.0, index, || ErrorRow {
            index,
            account_id,
            error,
        });
    }

    /// Combines a simulation run over other accounts (same engine config and options).
    /// Counts add up and top lists keep the best of both, so merging the simulations of two
    /// halves gives the report of one run over all accounts.
    pub fn merge(&mut self, other: Simulation) {
        let c = &mut self.counts;
        let o = other.counts;
        c.accounts += o.accounts;
        c.evaluated += o.evaluated;
        c.with_errors += o.with_errors;
        c.error_rows += o.error_rows;
        c.with_callouts += o.with_callouts;
        c.callouts += o.callouts;
        c.opportunity_accounts += o.opportunity_accounts;
        c.downsell_accounts += o.downsell_accounts;
        c.uplift_micros += o.uplift_micros;
        c.savings_micros += o.savings_micros;
        for (a, b) in self.acc.iter_mut().zip(other.acc) {
            a.matched += b.matched;
            a.shown += b.shown;
            a.other_placement += b.other_placement;
            add_all(&mut a.suppressed, &b.suppressed);
            add_all(&mut a.placements, &b.placements);
            for (x, y) in a.arms.iter_mut().zip(b.arms) {
                x.0 += y.0;
                x.1 += y.1;
            }
            a.sizing.merge(&b.sizing);
        }
        for (a, b) in self.placement_acc.iter_mut().zip(other.placement_acc) {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.ready += other.ready;
        add_all(&mut self.blocked, &other.blocked);
        self.no_plan += other.no_plan;
        self.opportunities.merge(other.opportunities);
        self.downsells.merge(other.downsells);
        for (a, b) in self.forecasts.iter_mut().zip(other.forecasts) {
            a.accounts += b.accounts;
            a.at_or_over += b.at_or_over;
            add_all(&mut a.by_week, &b.by_week);
            a.soonest.merge(b.soonest);
        }
        self.errors.merge(other.errors);
        for w in other.warnings {
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
    }

    /// The report.
    pub fn finish(self) -> SimulationReport {
        let c = self.counts;
        let placements = self.placements;
        let rates = self.rates;
        let rules = self
            .rules
            .into_iter()
            .zip(self.acc)
            .map(|(info, acc)| RuleReach {
                expected_mrr: rates.as_deref().map(|r| {
                    let own = (!info.builtin).then(|| r.find(&info.rule)).flatten();
                    acc.sizing.finish(r, own)
                }),
                rule: info.rule,
                kind: info.kind,
                builtin: info.builtin,
                matched: acc.matched,
                shown: acc.shown,
                other_placement: acc.other_placement,
                suppressed: Reason::ALL
                    .iter()
                    .zip(acc.suppressed)
                    .filter(|(_, n)| *n > 0)
                    .map(|(r, n)| (*r, n))
                    .collect(),
                placements: placements
                    .iter()
                    .zip(acc.placements)
                    .filter(|(_, n)| *n > 0)
                    .map(|(p, n)| (p.clone(), n))
                    .collect(),
                experiment: info.experiment.map(|(key, variants)| ExperimentReach {
                    key,
                    arms: std::iter::once(None)
                        .chain(variants.into_iter().map(Some))
                        .zip(acc.arms)
                        .map(|(v, (assigned, exposed))| ArmCount {
                            holdout: v.is_none(),
                            arm: v.unwrap_or_else(|| "holdout".to_owned()),
                            assigned,
                            exposed,
                        })
                        .collect(),
                }),
            })
            .collect();
        SimulationReport {
            now: self.now,
            horizon_days: self.horizon_days,
            placement: self.placement,
            top: self.top,
            totals: Totals {
                accounts: c.accounts,
                evaluated: c.evaluated,
                accounts_with_errors: c.with_errors,
                error_rows: c.error_rows,
                accounts_with_callouts: c.with_callouts,
                callouts: c.callouts,
                opportunity_accounts: c.opportunity_accounts,
                potential_monthly_uplift: from_micros(c.uplift_micros),
                downsell_accounts: c.downsell_accounts,
                potential_monthly_savings: from_micros(c.savings_micros),
            },
            rules,
            placements: placements
                .into_iter()
                .zip(self.placement_acc)
                .map(|(placement, (accounts, callouts))| PlacementReach {
                    placement,
                    accounts,
                    callouts,
                })
                .collect(),
            readiness: ReadinessCounts {
                ready: self.ready,
                blocked: Guard::ALL.iter().copied().zip(self.blocked).collect(),
                no_plan: self.no_plan,
            },
            opportunities: self.opportunities.into_sorted(),
            downsells: self.downsells.into_sorted(),
            limit_forecast: self
                .metrics
                .into_iter()
                .zip(self.forecasts)
                .map(|((metric, label, credits), f)| MetricForecast {
                    metric,
                    label,
                    credits,
                    accounts: f.accounts,
                    at_or_over: f.at_or_over,
                    by_week: f.by_week,
                    soonest: f.soonest.into_sorted(),
                })
                .collect(),
            errors: self.errors.into_sorted(),
            warnings: self.warnings,
            rates_file: rates.map(|r| r.file.clone()),
        }
    }
}

fn add_all(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn host_clock() -> f64 {
    crate::engine::host_now()
}

#[cfg(target_arch = "wasm32")]
fn host_clock() -> f64 {
    // No clock in the core on wasm: the boundary passes `now`.
    0.0
}

/// The report slot of a rule or built-in: rules first, then the gate, the limits and the
/// top-ups.
fn rule_slot(catalog: &Catalog, origin: Origin) -> Option<usize> {
    let n = catalog.policy.rules.len();
    match origin {
        Origin::Rule(i) => (i < n).then_some(i),
        Origin::Gate(_) => Some(n),
        Origin::Limit(_) => Some(n + 1),
        Origin::TopUp(_) => Some(n + 2),
    }
}

fn arm_slot(a: Option<Assigned>) -> Option<usize> {
    match a? {
        Assigned::Holdout => Some(0),
        Assigned::Variant(v) => Some(v + 1),
    }
}

fn kind_of(catalog: &Catalog, origin: Origin) -> CalloutKind {
    match origin {
        Origin::Gate(_) => CalloutKind::FeatureGate,
        Origin::Limit(_) => CalloutKind::UsageLimit,
        Origin::TopUp(_) => CalloutKind::TopUp,
        Origin::Rule(_) => origin
            .rule_def(catalog)
            .map_or(CalloutKind::Upsell, |r| r.kind),
    }
}

/// The money a callout is worth: an expansion's monthly delta (above 0), or a downsell's
/// monthly saving (its delta below 0). Contact-sales targets have no price and no value here.
fn pick(
    origin: Origin,
    kind: CalloutKind,
    target: Option<Offer>,
    guard: Option<Guard>,
    shown: bool,
) -> Option<Pick> {
    let target = target?;
    let delta = target.monthly_delta?;
    let value = if kind == CalloutKind::Downsell {
        -delta
    } else {
        delta
    };
    (value > 0.0 && value.is_finite()).then_some(Pick {
        origin,
        kind,
        target,
        value,
        guard,
        shown,
    })
}

fn plan_id(s: &Session) -> Option<String> {
    s.facts
        .account
        .plan
        .and_then(|p| s.catalog.plans.get(p))
        .map(|p| p.id.clone())
}

fn opportunity(s: &Session, index: u64, p: &Pick) -> Opportunity {
    let catalog = &*s.catalog;
    let (id, label) = catalog.offer_names(p.target.plan, p.target.index);
    // A shown callout's readiness is the account's for its kind (a rule with
    // `ignoreReadiness` or a blocking notice may be shown to an account that is not ready).
    let guard = p.guard.or_else(|| readiness(s, p.kind));
    Opportunity {
        account_id: s.facts.account.id.as_deref().map(str::to_owned),
        index,
        plan: plan_id(s),
        callout: p.origin.callout_id(catalog).into_owned(),
        rule: p.origin.rule(catalog).to_owned(),
        kind: p.kind,
        target: Target {
            plan: p.target.plan,
            id: id.to_owned(),
            label: label.to_owned(),
            monthly_delta: p.target.monthly_delta,
            quantity: p.target.quantity,
            contact_sales: p.target.contact_sales,
            once: p.target.once,
        },
        monthly_delta: p.target.monthly_delta.unwrap_or(0.0),
        shown: p.shown,
        ready: guard.is_none(),
        guard,
    }
}

/// Scores every context (indices are positions, from 0).
pub fn simulate<'a>(
    engine: &Engine,
    contexts: impl IntoIterator<Item = &'a str>,
    opts: &SimulateOptions,
) -> SimulationReport {
    let mut sim = Simulation::new(engine, opts);
    for (i, c) in contexts.into_iter().enumerate() {
        sim.add(engine, i as u64, c);
    }
    sim.finish()
}

/// Scores JSON Lines text: one context per line, blank lines skipped, each account's index
/// its line number (from 1). A line that is not a readable context is an account with an
/// error (its code and path in the report's `errors`), and the run goes on.
pub fn simulate_jsonl(engine: &Engine, text: &str, opts: &SimulateOptions) -> SimulationReport {
    let mut sim = Simulation::new(engine, opts);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.is_empty() {
            sim.add(engine, n as u64 + 1, line);
        }
    }
    sim.finish()
}

/// The result of a simulation. Counts are of callouts: one per rule and account, except the
/// usage-limit built-in, which may give one per metric.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulationReport {
    /// The clock used for contexts without `now` (ms since the epoch; written as RFC 3339).
    pub now: f64,
    /// Forecast horizon in days.
    pub horizon_days: f64,
    /// The placement counted, if one was asked for.
    pub placement: Option<String>,
    /// Length of the top lists.
    pub top: usize,
    /// Totals over all accounts.
    pub totals: Totals,
    /// Per rule, then `builtin:feature_gate` and `builtin:usage_limit`.
    pub rules: Vec<RuleReach>,
    /// Per placement of the config: accounts shown at least one callout there, and callouts.
    pub placements: Vec<PlacementReach>,
    /// Readiness of the accounts for an expansion pitch.
    pub readiness: ReadinessCounts,
    /// The accounts with the most valuable expansion callout (shown, or held back only by
    /// readiness), best first.
    pub opportunities: Vec<Opportunity>,
    /// The accounts with the largest downsell saving, largest first.
    pub downsells: Vec<Opportunity>,
    /// Per metric: accounts whose usage trend reaches the limit within the horizon, and
    /// accounts already at or over it.
    pub limit_forecast: Vec<MetricForecast>,
    /// The first [`MAX_ERROR_ROWS`] accounts with an error, by index.
    pub errors: Vec<ErrorRow>,
    /// Problems with the options (and the rates file).
    pub warnings: Vec<Diagnostic>,
    /// The rates file the expected MRR is sized with.
    pub rates_file: Option<String>,
}

/// Totals of a simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    /// Accounts read (error rows included).
    pub accounts: u64,
    /// Accounts scored (every context given to `add`).
    pub evaluated: u64,
    /// Accounts with an error: error rows and contexts with problems.
    pub accounts_with_errors: u64,
    /// Rows that could not be turned into a context (not scored).
    pub error_rows: u64,
    /// Accounts shown at least one callout.
    pub accounts_with_callouts: u64,
    /// Callouts shown.
    pub callouts: u64,
    /// Accounts with an expansion opportunity.
    pub opportunity_accounts: u64,
    /// Sum over accounts of the best opportunity's monthly delta.
    pub potential_monthly_uplift: f64,
    /// Accounts with a downsell.
    pub downsell_accounts: u64,
    /// Sum over accounts of the downsell's monthly saving.
    pub potential_monthly_savings: f64,
}

/// How one rule (or built-in) fared over the accounts.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleReach {
    /// Rule id, or `builtin:feature_gate` / `builtin:usage_limit`.
    pub rule: String,
    /// Its kind.
    pub kind: CalloutKind,
    /// Whether it is a built-in.
    pub builtin: bool,
    /// Callouts built (condition true and in schedule): shown, in another placement, or
    /// suppressed for any reason but `schedule`.
    pub matched: u64,
    /// Callouts shown (in the asked placement).
    pub shown: u64,
    /// Callouts shown in a placement other than the one asked for.
    pub other_placement: u64,
    /// Suppressed callouts per reason (reasons with a count only).
    pub suppressed: Vec<(Reason, u64)>,
    /// Shown callouts per placement (placements with a count only).
    pub placements: Vec<(String, u64)>,
    /// Experiment arms, when the rule runs one.
    pub experiment: Option<ExperimentReach>,
    /// The expected expansion MRR of the shown callouts, with rates only.
    pub expected_mrr: Option<ExpectedMrr>,
}

/// Experiment arm counts of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct ExperimentReach {
    /// Experiment key.
    pub key: String,
    /// The holdout first, then the variants in config order.
    pub arms: Vec<ArmCount>,
}

/// One experiment arm.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmCount {
    /// Variant id, or `holdout`.
    pub arm: String,
    /// Whether this is the holdout.
    pub holdout: bool,
    /// Matched callouts assigned to the arm.
    pub assigned: u64,
    /// Exposures: shown (a variant), or suppressed only by the holdout (the holdout).
    pub exposed: u64,
}

/// One placement's reach.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacementReach {
    /// Placement name.
    pub placement: String,
    /// Accounts shown at least one callout there.
    pub accounts: u64,
    /// Callouts shown there.
    pub callouts: u64,
}

/// Readiness counts (for an upsell pitch).
#[derive(Clone, Debug, PartialEq)]
pub struct ReadinessCounts {
    /// Accounts no guard holds back.
    pub ready: u64,
    /// Accounts per first failing guard (every guard, in order).
    pub blocked: Vec<(Guard, u64)>,
    /// Accounts without a readable plan (not counted as ready or blocked).
    pub no_plan: u64,
}

/// An account's best expansion (or downsell) callout.
#[derive(Clone, Debug, PartialEq)]
pub struct Opportunity {
    /// `account.id`.
    pub account_id: Option<String>,
    /// Index of the account in the input.
    pub index: u64,
    /// Current plan id.
    pub plan: Option<String>,
    /// Callout id.
    pub callout: String,
    /// Rule id (or built-in).
    pub rule: String,
    /// Callout kind.
    pub kind: CalloutKind,
    /// What it offers.
    pub target: Target,
    /// Change of the monthly bill (negative for a downsell).
    pub monthly_delta: f64,
    /// Whether the callout is shown (else a readiness guard holds it back, or another
    /// blocking callout is shown in its place).
    pub shown: bool,
    /// Whether the account passes the readiness guards for this kind.
    pub ready: bool,
    /// The guard that holds it back (or would, for a callout shown regardless).
    pub guard: Option<Guard>,
}

/// Accounts reaching one metric's limit within the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricForecast {
    /// Metric id.
    pub metric: String,
    /// Metric label.
    pub label: String,
    /// A credit metric: `accounts` are balances that run out within the horizon, `atOrOver`
    /// the empty ones (written as `kind: "credits"`, only for credit metrics).
    pub credits: bool,
    /// Accounts below the limit whose trend reaches it within the horizon.
    pub accounts: u64,
    /// Accounts already at or over the limit (not in `accounts`, `by_week` or `soonest`).
    pub at_or_over: u64,
    /// `accounts` per week of `daysToLimit` (week 0 = days 0–6).
    pub by_week: Vec<u64>,
    /// The soonest of `accounts`, soonest first.
    pub soonest: Vec<LimitHit>,
}

/// One account reaching a limit.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitHit {
    /// `account.id`.
    pub account_id: Option<String>,
    /// Index of the account in the input.
    pub index: u64,
    /// Current plan id.
    pub plan: Option<String>,
    /// Metric id.
    pub metric: String,
    /// Whole days until the limit.
    pub days_to_limit: f64,
    /// The date it is reached (`YYYY-MM-DD`).
    pub limit_date: String,
    /// Current use.
    pub used: f64,
    /// Effective limit.
    pub limit: f64,
}

/// An account with an error.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorRow {
    /// Index of the account (row or line) in the input.
    pub index: u64,
    /// `account.id`, when the context could be read that far.
    pub account_id: Option<String>,
    /// The (first) problem, with its path into the context.
    pub error: Diagnostic,
}

fn counts<K>(out: &mut Out, items: &[(K, u64)], name: impl Fn(&K) -> &str) {
    let mut o = out.obj();
    for (k, n) in items {
        o.key_text(name(k)).num(*n as f64);
    }
    o.end();
}

impl ToJson for SimulationReport {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("now", &date::format(self.now))
            .field("horizonDays", &self.horizon_days)
            .field("placement", &self.placement)
            .field("top", &self.top)
            .field("totals", &self.totals)
            .field("rules", &self.rules)
            .field("placements", &self.placements)
            .field("readiness", &self.readiness)
            .field("opportunities", &self.opportunities)
            .field("downsells", &self.downsells)
            .field("limitForecast", &self.limit_forecast)
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .some("rates", &self.rates_file)
            .end();
    }
}

impl ToJson for Totals {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("accounts", &self.accounts)
            .field("evaluated", &self.evaluated)
            .field("accountsWithErrors", &self.accounts_with_errors)
            .field("errorRows", &self.error_rows)
            .field("accountsWithCallouts", &self.accounts_with_callouts)
            .field("callouts", &self.callouts)
            .field("opportunityAccounts", &self.opportunity_accounts)
            .field("potentialMonthlyUplift", &self.potential_monthly_uplift)
            .field("downsellAccounts", &self.downsell_accounts)
            .field("potentialMonthlySavings", &self.potential_monthly_savings)
            .end();
    }
}

impl ToJson for RuleReach {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("rule", &self.rule)
            .field("kind", self.kind.as_str())
            .field("builtin", &self.builtin)
            .field("matched", &self.matched)
            .field("shown", &self.shown)
            .field("otherPlacement", &self.other_placement);
        counts(o.key("suppressed"), &self.suppressed, |r| r.as_str());
        counts(o.key("placements"), &self.placements, String::as_str);
        o.field("experiment", &self.experiment)
            .some("expectedMrr", &self.expected_mrr)
            .end();
    }
}

impl ToJson for ExperimentReach {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("key", &self.key)
            .field("arms", &self.arms)
            .end();
    }
}

impl ToJson for ArmCount {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("arm", &self.arm)
            .field("holdout", &self.holdout)
            .field("assigned", &self.assigned)
            .field("exposed", &self.exposed)
            .end();
    }
}

impl ToJson for PlacementReach {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("placement", &self.placement)
            .field("accounts", &self.accounts)
            .field("callouts", &self.callouts)
            .end();
    }
}

impl ToJson for ReadinessCounts {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("ready", &self.ready);
        counts(o.key("blocked"), &self.blocked, |g| guard_name(*g));
        o.field("noPlan", &self.no_plan).end();
    }
}

impl ToJson for Opportunity {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("accountId", &self.account_id)
            .field("index", &self.index)
            .field("plan", &self.plan)
            .field("callout", &self.callout)
            .field("rule", &self.rule)
            .field("kind", self.kind.as_str())
            .field("target", &self.target)
            .field("monthlyDelta", &self.monthly_delta)
            .field("shown", &self.shown)
            .field("ready", &self.ready)
            .field("guard", &self.guard.map(guard_name))
            .end();
    }
}

impl ToJson for MetricForecast {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("metric", &self.metric)
            .field("label", &self.label)
            .some("kind", &self.credits.then_some("credits"))
            .field("accounts", &self.accounts)
            .field("atOrOver", &self.at_or_over)
            .field("byWeek", &self.by_week)
            .field("soonest", &self.soonest)
            .end();
    }
}

impl ToJson for LimitHit {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("accountId", &self.account_id)
            .field("index", &self.index)
            .field("plan", &self.plan)
            .field("metric", &self.metric)
            .field("daysToLimit", &self.days_to_limit)
            .field("limitDate", &self.limit_date)
            .field("used", &self.used)
            .field("limit", &self.limit)
            .end();
    }
}

impl ToJson for ErrorRow {
    fn write(&self, out: &mut Out) {
        let e = &self.error;
        out.obj()
            .field("index", &self.index)
            .field("accountId", &self.account_id)
            .field("code", &e.code)
            .field("message", &e.message)
            .field("path", &e.path)
            .some("help", &e.help)
            .end();
    }
}
