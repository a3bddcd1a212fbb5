//! A demo event log for a catalog (`generate --events`), so that `analyze` has something to
//! read: for each generated account (`acct_<n>`, user `u_<n>`, the accounts `generate` writes
//! with the same seed), the same on every platform (seeded per account, IEEE-exact
//! arithmetic only).
//!
//! - **Experiments**: every account is exposed once to every rule experiment, in the arm the
//!   engine's own assignment gives its unit (the account or user id); the exposure is at a
//!   time drawn from the 30 days before `now` (its first 20). Eligibility is not evaluated.
//! - **Arms** (the known rates): a holdout unit sees nothing and converts with 4 %, with no
//!   callout; a unit of variant `j` (0 for the first) sees 1–3 impressions, clicks with 25 %,
//!   dismisses with 30 %, and converts with 5 % + 1 % × `j` (at most 20 %), naming the rule's
//!   callout. A conversion comes 0–10 days after the exposure. With one experiment these are
//!   the arms' expected rates in the report; with several, a unit's conversion counts in each
//!   experiment it was exposed in.
//! - **Other callouts**: each rule without an experiment reaches 30 % of the accounts, each
//!   built-in `usage_limit:<metric>` 20 % and `feature_gate:<feature>` 10 % (when the built-in
//!   is on); a reached account sees 1–2 impressions, clicks with 20 % and dismisses with 25 %;
//!   no conversion.
//! - **Program-wide holdout** (when the catalog has `holdout`): each account is first exposed
//!   to `$program` (at a time in the first day) in the arm its unit hashes to. A held-out unit
//!   sees nothing else, is in no rule experiment, and converts with 4 % with no callout, buying
//!   the plan above its own; an exposed unit goes on as above.
//! - **Targets and MRR**: a conversion buys the rule's target (a plan or an add-on); a rule
//!   that picks its target at run time buys the plan above the account's (a downsell rule:
//!   the plan below). `mrrDelta` is the target plan's monthly price minus the account's plan's
//!   at 1–20 seats (drawn), or the add-on's price at those seats; it is left out when the
//!   price is unknown (contact sales), and there is no target when no plan fits.

use crate::audience::generate::{Population, Rng};
use crate::base::date::{self, DAY_MS};
use crate::base::num::round;
use crate::base::out::Out;
use crate::base::vocab::CalloutKind;
use crate::catalog::rules::RuleTarget;
use crate::catalog::Price;
use crate::decide::experiment::{assign, bucket, Assignment};
use crate::engine::Engine;

/// The conversion rate of holdout units.
pub const HOLDOUT_RATE: f64 = 0.04;
/// The conversion rate of the first variant; each next variant adds [`VARIANT_STEP`].
pub const VARIANT_RATE: f64 = 0.05;
/// What each variant after the first adds to the conversion rate.
pub const VARIANT_STEP: f64 = 0.01;
/// The highest variant conversion rate.
pub const MAX_RATE: f64 = 0.2;

/// Mixed into the seed, so the events do not reuse the contexts' random streams.
const STREAM: u64 = 0x6576_656e_7473;

/// What a rule's conversions buy.
#[derive(Clone, Copy)]
enum Buys {
    Plan(usize),
    Addon(usize),
    /// The plan above the account's (`-1`: below, for downsells).
    Step(isize),
}

/// A rule's experiment, as the engine assigns it.
struct DemoExperiment {
    key: String,
    seed: String,
    by_user: bool,
    holdout: f64,
    weights: Vec<f64>,
    variants: Vec<String>,
}

/// A callout of the log: a rule, or a built-in callout (which runs no experiment).
struct DemoRule {
    id: String,
    buys: Buys,
    experiment: Option<DemoExperiment>,
    /// Share of the accounts that see it (without an experiment).
    reach: f64,
}

/// A demo event log generator for one catalog, seed and `now`.
pub struct EventLog {
    seed: u64,
    now: f64,
    population: Population,
    rules: Vec<DemoRule>,
    plans: Vec<(String, Option<Price>)>,
    addons: Vec<(String, Price)>,
    /// The program-wide holdout: its seed, whether its unit is the user, its share.
    program: Option<(String, bool, f64)>,
    /// What a held-out unit's conversion buys (the plan above).
    program_rule: DemoRule,
}

/// One event before it is written: its time and JSON text.
type Line = (f64, String);

impl EventLog {
    /// The generator for `engine`'s catalog, drawn from `seed` as of `now` (ms since the
    /// epoch); its accounts are those of [`crate::audience::generate`] with the same
    /// arguments.
    pub fn new(engine: &Engine, seed: u64, now: f64) -> EventLog {
        let c = engine.catalog();
        let mut rules: Vec<DemoRule> = c
            .policy
            .rules
            .iter()
            .map(|r| DemoRule {
                reach: 0.3,
                id: r.id.clone(),
                buys: match r.target {
                    RuleTarget::Plan(p) => Buys::Plan(p),
                    RuleTarget::Addon(a) => Buys::Addon(a),
                    RuleTarget::RightSize => Buys::Step(-1),
                    RuleTarget::Auto if r.kind == CalloutKind::Downsell => Buys::Step(-1),
                    RuleTarget::Auto => Buys::Step(1),
                },
                experiment: r.experiment.as_ref().map(|e| DemoExperiment {
                    key: e.key.clone(),
                    seed: e.seed.clone(),
                    by_user: e.unit_user,
                    holdout: e.holdout,
                    weights: e.variants.iter().map(|v| v.weight).collect(),
                    variants: e.variants.iter().map(|v| v.id.clone()).collect(),
                }),
            })
            .collect();
        let builtin = |id: String, reach: f64| DemoRule {
            id,
            buys: Buys::Step(1),
            experiment: None,
            reach,
        };
        if c.policy.usage_limit.enabled {
            rules.extend(
                c.metrics
                    .iter()
                    .map(|m| builtin(format!("usage_limit:{}", m.id), 0.2)),
            );
        }
        if c.policy.feature_gate.enabled {
            rules.extend(
                c.features
                    .iter()
                    .map(|f| builtin(format!("feature_gate:{}", f.id), 0.1)),
            );
        }
        EventLog {
            seed,
            now: if now.is_finite() { now } else { 0.0 },
            population: Population::new(engine, seed, now),
            rules,
            plans: c.plans.iter().map(|p| (p.id.clone(), p.price)).collect(),
            addons: c.addons.iter().map(|a| (a.id.clone(), a.price)).collect(),
            program: c
                .policy
                .program
                .as_ref()
                .map(|h| (h.seed.clone(), h.unit_user, h.share)),
            program_rule: builtin(String::new(), 0.0),
        }
    }

    /// Appends the events of account `index` (from 0) to `out` as JSON Lines, in time order.
    pub fn lines(&self, index: u64, out: &mut String) {
        let mut rng = Rng::new(self.seed ^ STREAM, index);
        let account = format!("acct_{}", index + 1);
        let user = format!("u_{}", index + 1);
        let plan = self.population.plan_of(index);
        let mut lines: Vec<Line> = Vec::new();
        if let Some((seed, by_user, share)) = &self.program {
            let unit = if *by_user { &user } else { &account };
            if self.program_events(&mut rng, seed, *share, unit, plan, &mut lines) {
                finish(lines, out);
                return;
            }
        }
        for rule in &self.rules {
            match &rule.experiment {
                Some(x) => {
                    let unit = if x.by_user { &user } else { &account };
                    let arm = assign(bucket(&x.seed, unit), x.holdout, &x.weights);
                    let ctx = Ctx { rule, unit, plan };
                    self.experiment_events(&mut rng, &ctx, x, arm, &mut lines);
                }
                None => self.other_events(&mut rng, rule, &account, &mut lines),
            }
        }
        finish(lines, out);
    }

    /// The program-wide holdout's exposure of `unit` and, when it is held out, its conversion
    /// without a callout; returns whether it is held out.
    fn program_events(
        &self,
        rng: &mut Rng,
        seed: &str,
        share: f64,
        unit: &str,
        plan: Option<usize>,
        lines: &mut Vec<Line>,
    ) -> bool {
        let held = bucket(seed, unit) < share;
        let start = rng.range(0.0, 1.0);
        let mut o = Out::new();
        let mut e = o.obj();
        event_head(&mut e, "exposure", self.at(start), unit, None);
        e.key("experiment").str(super::event::PROGRAM);
        e.key("arm").str(if held {
            super::event::HOLDOUT
        } else {
            super::event::EXPOSED
        });
        e.end();
        lines.push((self.at(start), o.finish()));
        if held && rng.chance(HOLDOUT_RATE) {
            let when = start + rng.range(0.0, 10.0);
            let ctx = Ctx {
                rule: &self.program_rule,
                unit,
                plan,
            };
            lines.push((self.at(when), self.conversion(rng, &ctx, None, when)));
        }
        held
    }

    /// A time in the window of the log: `days` after the start, in whole seconds.
    fn at(&self, days: f64) -> f64 {
        let t = self.now - 30.0 * DAY_MS + days * DAY_MS;
        (t / 1000.0).floor() * 1000.0
    }

    fn experiment_events(
        &self,
        rng: &mut Rng,
        ctx: &Ctx<'_>,
        x: &DemoExperiment,
        arm: Assignment,
        lines: &mut Vec<Line>,
    ) {
        let start = rng.range(0.0, 20.0);
        let (arm_id, rate) = match arm {
            Assignment::Holdout => ("holdout", HOLDOUT_RATE),
            Assignment::Variant(j) => (
                x.variants.get(j).map_or("holdout", String::as_str),
                (VARIANT_RATE + VARIANT_STEP * j as f64).min(MAX_RATE),
            ),
        };
        let mut o = Out::new();
        let mut e = o.obj();
        event_head(
            &mut e,
            "exposure",
            self.at(start),
            ctx.unit,
            Some(&ctx.rule.id),
        );
        e.key("experiment").str(&x.key);
        e.key("arm").str(arm_id);
        e.end();
        lines.push((self.at(start), o.finish()));
        let shown = !matches!(arm, Assignment::Holdout);
        if shown {
            self.shown_events(
                rng,
                ctx.unit,
                &ctx.rule.id,
                start,
                (1, 3),
                (0.25, 0.30),
                lines,
            );
        }
        if rng.chance(rate) {
            let when = start + rng.range(0.0, 10.0);
            let callout = shown.then_some(ctx.rule.id.as_str());
            lines.push((self.at(when), self.conversion(rng, ctx, callout, when)));
        }
    }

    /// Impressions (`lo`–`hi`), a click and a dismissal with the chances given.
    #[allow(clippy::too_many_arguments)]
    fn shown_events(
        &self,
        rng: &mut Rng,
        unit: &str,
        callout: &str,
        start: f64,
        (lo, hi): (u64, u64),
        (click, dismiss): (f64, f64),
        lines: &mut Vec<Line>,
    ) {
        let mut t = start;
        for _ in 0..rng.int(lo, hi) {
            lines.push((self.at(t), simple("impression", self.at(t), unit, callout)));
            t += rng.range(0.0, 2.0);
        }
        for (ty, p) in [("click", click), ("dismiss", dismiss)] {
            if rng.chance(p) {
                let when = start + rng.range(0.0, 0.05);
                lines.push((self.at(when), simple(ty, self.at(when), unit, callout)));
            }
        }
    }

    fn other_events(&self, rng: &mut Rng, rule: &DemoRule, unit: &str, lines: &mut Vec<Line>) {
        if rng.chance(rule.reach) {
            let start = rng.range(0.0, 28.0);
            self.shown_events(rng, unit, &rule.id, start, (1, 2), (0.20, 0.25), lines);
        }
    }

    /// A conversion's line: its target and MRR delta as the module says.
    fn conversion(&self, rng: &mut Rng, ctx: &Ctx<'_>, callout: Option<&str>, when: f64) -> String {
        let seats = rng.int(1, 20) as f64;
        let (target, delta): (Option<&str>, Option<f64>) = match ctx.rule.buys {
            Buys::Addon(a) => match self.addons.get(a) {
                Some((id, price)) => (Some(id.as_str()), Some(price.at(seats))),
                None => (None, None),
            },
            buys => {
                let to = match (buys, ctx.plan) {
                    (Buys::Plan(p), Some(c)) if p > c => Some(p),
                    (Buys::Step(s), Some(c)) => c.checked_add_signed(s),
                    (_, Some(c)) => Some(c + 1),
                    (_, None) => None,
                };
                match to.and_then(|t| self.plans.get(t)) {
                    Some((id, price)) => {
                        let new = price.map(|p| p.at(seats));
                        let old = ctx
                            .plan
                            .and_then(|c| self.plans.get(c))
                            .and_then(|c| c.1)
                            .map(|p| p.at(seats));
                        (Some(id.as_str()), new.zip(old).map(|(n, o)| n - o))
                    }
                    None => (None, None),
                }
            }
        };
        let mut o = Out::new();
        let mut e = o.obj();
        event_head(&mut e, "convert", self.at(when), ctx.unit, callout);
        if let Some(t) = target {
            e.key("target").str(t);
        }
        if let Some(d) = delta {
            e.key("mrrDelta").num(round(d, 2));
        }
        e.end();
        o.finish()
    }
}

/// Writes `lines` to `out` in time order, one per line.
fn finish(mut lines: Vec<Line>, out: &mut String) {
    crate::base::sort::sort_by(&mut lines, |a, b| a.0.total_cmp(&b.0));
    for (_, line) in lines {
        out.push_str(&line);
        out.push('\n');
    }
}

/// What an experiment's events need to know of the account.
struct Ctx<'a> {
    rule: &'a DemoRule,
    unit: &'a str,
    plan: Option<usize>,
}

/// `type`, `at`, `unit` and `callout` of an event.
fn event_head(
    e: &mut crate::base::out::Obj<'_>,
    ty: &str,
    at: f64,
    unit: &str,
    callout: Option<&str>,
) {
    e.key("type").str(ty);
    e.key("at").str(&date::format(at));
    e.key("unit").str(unit);
    if let Some(c) = callout {
        e.key("callout").str(c);
    }
}

/// An impression, click or dismissal line.
fn simple(ty: &str, at: f64, unit: &str, callout: &str) -> String {
    let mut o = Out::new();
    let mut e = o.obj();
    event_head(&mut e, ty, at, unit, Some(callout));
    e.end();
    o.finish()
}
