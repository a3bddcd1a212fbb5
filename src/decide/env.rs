//! The values rules and message placeholders read, answered from the facts of one context:
//! every slot is computed the first time a rule reads it and then handed out by reference, so
//! a thousand rules reading `account.traits.industry` look it up once.

use std::cell::OnceCell;
use std::rc::Rc;

use super::rightsize::right_size_plan;
use super::unlock::{Offer, Pricing};
use crate::base::date;
use crate::catalog::schema::{af, ff, split, tag, tf, uf, WINDOW_BASE};
use crate::catalog::Catalog;
use crate::expr::{Env, HostFn, Slot, Value};
use crate::facts::credits::CreditFacts;
use crate::facts::{Facts, FreeMap};

/// Values of the callout-local names `feature.*`, `metric.*` and `target.*`.
#[derive(Clone, Debug, Default)]
pub struct Locals {
    /// The gated feature.
    pub feature: Option<usize>,
    /// The limited metric.
    pub metric: Option<usize>,
    /// The offered plan or add-on.
    pub target: Option<Offer>,
}

/// One context's facts as the rule language sees them: read once, asked many questions.
pub struct Session {
    /// The catalog.
    pub catalog: Rc<Catalog>,
    /// The facts.
    pub facts: Facts,
    cache: Vec<OnceCell<Value>>,
    right_size: OnceCell<Option<usize>>,
    chain: OnceCell<Vec<String>>,
    missing: Value,
}

impl Session {
    /// The price of one unit past the limit of metric `m` on the account's plan, when that
    /// limit is soft (`plans[].overage`).
    pub fn soft_limit(&self, m: usize) -> Option<f64> {
        let plan = self.catalog.plans.get(self.facts.account.plan?)?;
        plan.overage.get(m).copied().flatten()
    }

    /// A session over facts already read.
    pub fn new(catalog: Rc<Catalog>, facts: Facts) -> Self {
        Session {
            cache: vec![OnceCell::new(); catalog.slots.len()],
            catalog,
            facts,
            right_size: OnceCell::new(),
            chain: OnceCell::new(),
            missing: Value::Missing,
        }
    }

    /// The right-size plan (computed once).
    pub fn right_size_plan(&self) -> Option<usize> {
        *self.right_size.get_or_init(|| {
            right_size_plan(&self.catalog, &self.facts, self.catalog.policy.headroom)
        })
    }

    /// The locale fallback chain of the context (`ja-jp`, `ja`, `en`).
    pub fn locale_chain(&self) -> &[String] {
        self.chain
            .get_or_init(|| crate::catalog::template::locale_chain(&self.facts.locale))
    }

    /// The value in `slot`, with `locals` for callout-local names.
    pub fn value(&self, slot: &Slot, locals: Option<&Locals>) -> Value {
        let (t, index, field) = split(slot.id);
        let f = &self.facts;
        let catalog = &*self.catalog;
        let key = slot.key.as_deref().unwrap_or("");
        match t {
            tag::USAGE => self.usage_field(index, field),
            tag::FEATURE => self.feature_field(index, field),
            tag::PLAN => {
                let Some(pi) = f.account.plan else {
                    return Value::Missing;
                };
                let Some(p) = catalog.plans.get(pi) else {
                    return Value::Missing;
                };
                match field {
                    0 => Value::String(p.id.as_str().into()),
                    1 => Value::String(p.label.as_str().into()),
                    2 => Value::Number(pi as f64),
                    3 => match p.price {
                        None => Value::Null,
                        Some(pr) => Pricing::new(catalog, f, None)
                            .price(pr)
                            .map_or(Value::Missing, Value::Number),
                    },
                    _ => Value::Missing,
                }
            }
            tag::ACCOUNT => self.account_field(field),
            tag::ACCOUNT_TRAIT => f.free_value(FreeMap::AccountTraits, key),
            tag::USER => match field {
                0 => text(f.user.id.as_deref()),
                1 => text(f.user.role.as_deref()),
                2 => Value::Bool(f.can_purchase(catalog)),
                _ => Value::Missing,
            },
            tag::USER_TRAIT => f.free_value(FreeMap::UserTraits, key),
            tag::PAGE => match field {
                0 => text(f.route.as_deref()),
                1 => text(f.page_feature.as_deref()),
                _ => Value::Missing,
            },
            tag::SIGNAL => f.free_value(FreeMap::Signals, key),
            tag::LOCALE => Value::String(f.locale.clone()),
            tag::L_FEATURE => locals
                .and_then(|l| l.feature)
                .map_or(Value::Missing, |i| self.feature_field(i, field)),
            tag::L_METRIC => locals
                .and_then(|l| l.metric)
                .map_or(Value::Missing, |m| self.usage_field(m, field)),
            tag::L_TARGET => match locals.and_then(|l| l.target.as_ref()) {
                Some(o) => self.target_field(o, field),
                None => Value::Missing,
            },
            _ => Value::Missing,
        }
    }

    fn target_field(&self, o: &Offer, field: u32) -> Value {
        let (id, label) = self.catalog.offer_names(o.plan, o.index);
        match field {
            tf::ID => Value::String(id.into()),
            tf::LABEL => Value::String(label.into()),
            tf::TYPE => Value::String(if o.plan { "plan" } else { "addon" }.into()),
            tf::MONTHLY_DELTA => o.monthly_delta.map_or(Value::Null, Value::Number),
            tf::QUANTITY => o
                .quantity
                .map_or(Value::Null, |q| Value::Number(f64::from(q))),
            // What is bought: the label, times the quantity when above one.
            tf::OFFER => match o.quantity.filter(|q| *q > 1) {
                Some(q) => {
                    let mut s = String::with_capacity(label.len() + 8);
                    s.push_str(label);
                    s.push_str(" × ");
                    crate::base::num::push_number(&mut s, f64::from(q));
                    Value::String(s.into())
                }
                None => Value::String(label.into()),
            },
            _ => Value::Missing,
        }
    }

    /// `usage.<metric>.*` and `metric.*`.
    fn usage_field(&self, m: usize, field: u32) -> Value {
        let catalog = &*self.catalog;
        match field {
            uf::LABEL => {
                let Some(x) = catalog.metrics.get(m) else {
                    return Value::Missing;
                };
                // A windowed metric is named with the window that binds: "Messages (5h window)".
                let w = self
                    .facts
                    .binding(catalog, m)
                    .and_then(|b| x.windows.get(b));
                return match w {
                    Some(w) => Value::String(format!("{} ({})", x.label, w.label).into()),
                    None => Value::String(x.label.as_str().into()),
                };
            }
            uf::ID => {
                return catalog
                    .metrics
                    .get(m)
                    .map_or(Value::Missing, |x| Value::String(x.id.as_str().into()))
            }
            uf::BINDING => {
                let m_def = catalog.metrics.get(m);
                return match (m_def, self.facts.binding(catalog, m)) {
                    (Some(x), Some(b)) => x
                        .windows
                        .get(b)
                        .map_or(Value::Null, |w| Value::String(w.id.as_str().into())),
                    (Some(x), None) if x.windows.is_empty() => Value::Null,
                    _ => Value::Missing,
                };
            }
            f if f >= WINDOW_BASE => return self.window_field(m, f),
            uf::OVERAGE_PRICE => {
                return match self.facts.account.plan {
                    Some(_) => self.soft_limit(m).map_or(Value::Null, Value::Number),
                    None => Value::Missing,
                };
            }
            _ => {}
        }
        if let Some(c) = self.facts.credits(catalog, m) {
            return credit_field(c, field);
        }
        let Some(u) = self.facts.usage(catalog, m) else {
            return Value::Missing;
        };
        match field {
            uf::USED => num(u.used),
            uf::LIMIT => u
                .limit
                .map_or(Value::Missing, |l| l.map_or(Value::Null, Value::Number)),
            uf::REMAINING => u.limit.map_or(Value::Missing, |l| match (l, u.used) {
                (None, _) => Value::Null,
                (Some(l), Some(used)) => Value::Number((l - used).max(0.0)),
                (Some(_), None) => Value::Missing,
            }),
            uf::RATIO => opt_null(u.ratio, u.used.is_some() && u.limit.is_some()),
            uf::PERCENT => opt_null(
                u.ratio.map(|r| (r * 100.0).round()),
                u.used.is_some() && u.limit.is_some(),
            ),
            uf::STATE => u
                .state
                .map_or(Value::Missing, |s| Value::String(s.as_str().into())),
            uf::PROJECTED => opt_null(u.projected, u.used.is_some()),
            uf::DAYS_LEFT => opt_null(u.days_left, u.used.is_some() && u.limit.is_some()),
            uf::DAYS_TO_LIMIT => opt_null(u.days_to_limit, u.used.is_some() && u.limit.is_some()),
            _ => Value::Missing,
        }
    }

    /// `usage.<metric>.windows.<window>.*`: the window's use against its limit on the plan.
    fn window_field(&self, m: usize, code: u32) -> Value {
        let (w, f) = (
            ((code - WINDOW_BASE) / 8) as usize,
            (code - WINDOW_BASE) % 8,
        );
        let windows = self.facts.window_facts(&self.catalog, m);
        let Some(x) = windows.get(w) else {
            return Value::Missing;
        };
        let known = x.used.is_some();
        match f {
            0 => num(x.used),
            1 => x.limit.map_or(Value::Null, Value::Number),
            2 => match (x.used, x.limit) {
                (Some(u), Some(l)) => Value::Number((l - u).max(0.0)),
                _ => opt_null(None, known),
            },
            3 => opt_null(x.ratio, known),
            4 => opt_null(x.ratio.map(|r| (r * 100.0).round()), known),
            5 => x
                .state
                .map_or(Value::Missing, |s| Value::String(s.as_str().into())),
            6 => x
                .resets_at
                .map_or(Value::Null, |t| Value::String(date::format(t).into())),
            _ => Value::Missing,
        }
    }

    /// `features.<feature>.*` and `feature.*`.
    fn feature_field(&self, i: usize, field: u32) -> Value {
        let catalog = &*self.catalog;
        match field {
            ff::USES30D => num(self.facts.feature_uses.get(i).copied().flatten()),
            ff::ALLOWED => Value::Bool(self.facts.access(catalog, i).is_some()),
            ff::LABEL => catalog
                .features
                .get(i)
                .map_or(Value::Missing, |x| Value::String(x.label.as_str().into())),
            ff::ID => catalog
                .features
                .get(i)
                .map_or(Value::Missing, |x| Value::String(x.id.as_str().into())),
            _ => Value::Missing,
        }
    }

    fn account_field(&self, field: u32) -> Value {
        let f = &self.facts;
        let catalog = &*self.catalog;
        match field {
            af::ID => text(f.account.id.as_deref()),
            af::PLAN => f
                .account
                .plan
                .and_then(|p| catalog.plans.get(p))
                .map_or(Value::Missing, |p| Value::String(p.id.as_str().into())),
            af::TENURE_DAYS => num(f.tenure_days()),
            af::DAYS_TO_RENEWAL => num(f.days_to_renewal()),
            af::HEALTH_SCORE => num(f.account.health_score),
            af::LIFECYCLE => text(f.account.lifecycle.as_deref()),
            af::OPEN_ESCALATIONS => num(f.account.open_escalations),
            af::FEATURE_ADOPTION => match f.feature_adoption(catalog) {
                None => Value::Missing,
                Some(a) => a.map_or(Value::Null, Value::Number),
            },
            af::UTILIZATION => num(f.utilization(catalog)),
            af::RIGHT_SIZE_PLAN => self
                .right_size_plan()
                .and_then(|p| catalog.plans.get(p))
                .map_or(Value::Missing, |p| Value::String(p.id.as_str().into())),
            af::ADDONS => Value::List(
                f.account
                    .addons
                    .iter()
                    .filter_map(|(a, _)| catalog.addons.get(*a))
                    .map(|a| Value::String(a.id.as_str().into()))
                    .collect(),
            ),
            _ => Value::Missing,
        }
    }

    /// Rule and template values with callout-local names in scope.
    pub fn with_locals<'s>(&'s self, locals: &'s Locals) -> WithLocals<'s> {
        WithLocals {
            session: self,
            locals,
        }
    }
}

fn num(n: Option<f64>) -> Value {
    n.map_or(Value::Missing, Value::Number)
}

fn text(s: Option<&str>) -> Value {
    s.map_or(Value::Missing, |s| Value::String(s.into()))
}

fn opt_null(v: Option<f64>, known: bool) -> Value {
    match (v, known) {
        (Some(n), _) => Value::Number(n),
        (None, true) => Value::Null,
        (None, false) => Value::Missing,
    }
}

impl Env for Session {
    fn get(&self, slot: &Slot) -> Value {
        self.value(slot, None)
    }

    fn load(&self, id: u32, slot: &Slot) -> Option<&Value> {
        let Some(cell) = self.cache.get(id as usize) else {
            return Some(&self.missing);
        };
        if let Some(v) = cell.get() {
            return Some(v);
        }
        // Only finite numbers are kept (a non-finite value reads as missing).
        Some(cell.get_or_init(|| match self.value(slot, None) {
            Value::Number(n) if !n.is_finite() => Value::Missing,
            v => v,
        }))
    }

    fn computed(&self) -> &[OnceCell<Value>] {
        &self.cache
    }

    fn call(&self, func: HostFn, id: u32) -> bool {
        let f = &self.facts;
        let i = id as usize;
        match func {
            HostFn::HasFeature => f.access(&self.catalog, i).is_some(),
            HostFn::HasAddon => f.addon_quantity(i) > 0,
            HostFn::PlanAtLeast => f.account.plan.is_some_and(|p| p >= i),
        }
    }
}

/// A session with callout-local names in scope (for message placeholders).
pub struct WithLocals<'s> {
    session: &'s Session,
    locals: &'s Locals,
}

impl Env for WithLocals<'_> {
    fn get(&self, slot: &Slot) -> Value {
        self.session.value(slot, Some(self.locals))
    }

    fn call(&self, func: HostFn, id: u32) -> bool {
        self.session.call(func, id)
    }
}

/// `usage.<metric>.*` of a credit metric: `used` is what was spent of the grant, `limit` the
/// grant, `remaining` the balance and `state` the credit state (`ok`, `low`, `critical`,
/// `empty`); the limit forecast fields are null. Unknown values are missing when the context
/// did not give the balance, null when they do not apply.
fn credit_field(c: &CreditFacts, field: u32) -> Value {
    let known = c.balance.is_some();
    match field {
        uf::USED => opt_null(c.used, known),
        uf::LIMIT => opt_null(c.granted, known),
        uf::REMAINING | uf::BALANCE => num(c.balance),
        uf::RATIO => opt_null(c.used_ratio(), known),
        uf::PERCENT => opt_null(c.used_ratio().map(|r| (r * 100.0).round()), known),
        uf::STATE => c
            .state
            .map_or(Value::Missing, |s| Value::String(s.as_str().into())),
        uf::PROJECTED | uf::DAYS_LEFT | uf::DAYS_TO_LIMIT => opt_null(None, known),
        uf::GRANTED => opt_null(c.granted, known),
        uf::BURN_PER_DAY => opt_null(c.burn_per_day, known),
        uf::DAYS_TO_EMPTY => opt_null(c.days_to_empty, known),
        uf::EMPTY_DATE => match c.empty_at {
            Some(at) => Value::String(crate::base::date::format_date(at).into()),
            None => opt_null(None, known),
        },
        uf::DAYS_TO_EXPIRY => opt_null(c.days_to_expiry, true),
        uf::AUTO_RECHARGE => Value::Bool(c.auto_recharge),
        _ => Value::Missing,
    }
}
