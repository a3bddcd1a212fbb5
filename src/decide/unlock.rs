//! Finding the options that unlock a feature or raise a limit, priced from the catalog and
//! sorted cheapest first, as typed [`Offer`]s (the render layer names and labels them).

use crate::base::num::round;
use crate::catalog::{Model as Catalog, Price};
use crate::facts::usage::limits_on;
use crate::facts::Facts;

/// A plan or add-on offered to the account, priced against its current bill.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offer {
    /// A plan (else an add-on).
    pub plan: bool,
    /// Plan or add-on index.
    pub index: usize,
    /// Add-ons: units to buy.
    pub quantity: Option<u32>,
    /// Change of the monthly bill; `None` for contact-sales plans or unknown per-seat prices.
    pub monthly_delta: Option<f64>,
    /// Sold by a sales conversation.
    pub contact_sales: bool,
    /// Paid once for the quantity (credit packs); `None` for everything billed monthly.
    pub once: Option<f64>,
}

/// What the account needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Need {
    /// A feature it lacks.
    pub feature: Option<usize>,
    /// A metric and the amount the limit must reach.
    pub metric: Option<(usize, f64)>,
}

/// Prices for one account: plans and add-ons at its seat count, with its add-ons.
pub struct Pricing<'a> {
    catalog: &'a Catalog,
    /// Seats that per-seat prices multiply by; `None` when unknown.
    seats: Option<f64>,
    /// Add-ons held as (index, quantity), by index (usually none or a few).
    owned: Vec<(usize, u32)>,
}

impl<'a> Pricing<'a> {
    /// Pricing at the account's seats, or at `seats` when given (a seat need).
    pub fn new(catalog: &'a Catalog, facts: &Facts, seats: Option<f64>) -> Self {
        let mut owned: Vec<(usize, u32)> = Vec::new();
        for (a, q) in &facts.account.addons {
            if *a >= catalog.addons.len() {
                continue;
            }
            match owned.binary_search_by_key(a, |(i, _)| *i) {
                Ok(at) => {
                    if let Some(e) = owned.get_mut(at) {
                        e.1 = e.1.saturating_add(*q);
                    }
                }
                Err(at) => owned.insert(at, (*a, *q)),
            }
        }
        let known = facts.seats;
        let seats = match (known, seats) {
            (Some(k), Some(s)) => Some(k.max(s)),
            (k, s) => k.or(s),
        };
        Pricing {
            catalog,
            seats,
            owned,
        }
    }

    /// Units of an add-on the account holds.
    pub fn owned(&self, addon: usize) -> u32 {
        self.owned
            .iter()
            .find(|(i, _)| *i == addon)
            .map_or(0, |(_, q)| *q)
    }

    /// A monthly price; `None` for a per-seat price when the seats are unknown.
    pub fn price(&self, p: Price) -> Option<f64> {
        if p.per_seat > 0.0 {
            self.seats.map(|s| p.at(s))
        } else {
            Some(p.monthly)
        }
    }

    /// The monthly bill on `plan` with the owned add-ons that can be held there; `None` for a
    /// contact-sales plan or an unknown per-seat price.
    pub fn bill(&self, plan: usize) -> Option<f64> {
        let mut total = self.price(self.catalog.plans.get(plan)?.price?)?;
        for (a, q) in self.owned.iter().filter(|(_, q)| *q > 0) {
            let Some(addon) = self.catalog.addons.get(*a) else {
                continue;
            };
            if addon.available_on(plan) {
                total += self.price(addon.price)? * f64::from(*q);
            }
        }
        Some(total)
    }

    /// Change of the bill when moving from `from` to `to`.
    pub fn delta(&self, from: usize, to: usize) -> Option<f64> {
        Some(round(self.bill(to)? - self.bill(from)?, 2))
    }
}

impl<'a> Pricing<'a> {
    /// Pricing for an account of which nothing is known: per-seat prices at 0 seats, no
    /// add-ons held (the list prices an event log falls back on).
    pub fn list(catalog: &'a Catalog) -> Self {
        Pricing {
            catalog,
            seats: Some(0.0),
            owned: Vec::new(),
        }
    }
}

/// The monthly list price of a plan (its bill with nothing else held) or of one unit of an
/// add-on, per-seat parts at 0 seats, rounded to cents as offers are; `None` for a
/// contact-sales plan or an unknown index.
pub fn list_price(catalog: &Catalog, plan: bool, index: usize) -> Option<f64> {
    let pricing = Pricing::list(catalog);
    let price = if plan {
        pricing.bill(index)?
    } else {
        pricing.price(catalog.addons.get(index)?.price)?
    };
    Some(round(price, 2))
}

/// Every plan and add-on that meets `need`, cheapest first; options without a computable
/// price (contact sales, per-seat prices with unknown seats) last.
///
/// A plan qualifies when it is above the current one, includes the feature, raises the limit
/// to the amount, still covers the current use of every other metric, and keeps every feature
/// that an add-on which cannot be held on it gave. An add-on qualifies when it can be bought on
/// the current plan; stackable add-ons get the smallest quantity that reaches the amount.
pub fn options(catalog: &Catalog, facts: &Facts, need: Need) -> Vec<Offer> {
    let mut out = Vec::new();
    let Some(current) = facts.account.plan else {
        return out;
    };
    let seat_need = need
        .metric
        .filter(|(m, _)| Some(*m) == catalog.seat_metric)
        .map(|(_, n)| n);
    let pricing = Pricing::new(catalog, facts, seat_need);
    let current_limits = limits_on(catalog, facts, current);

    for (pi, plan) in catalog.plans.iter().enumerate().skip(current + 1) {
        if need.feature.is_some_and(|f| !plan.features.contains(&f)) {
            continue;
        }
        let limits = limits_on(catalog, facts, pi);
        let covers = facts
            .usage_input
            .iter()
            .zip(&limits)
            .enumerate()
            .all(|(m, (u, limit))| {
                let want = match need.metric {
                    Some((nm, amount)) if nm == m => amount.max(u.used.unwrap_or(0.0)),
                    _ => u.used.unwrap_or(0.0),
                };
                limit.is_none_or(|l| l >= want)
            });
        let raises = need.metric.is_none_or(|(m, _)| {
            match (
                limits.get(m).copied().flatten(),
                current_limits.get(m).copied().flatten(),
            ) {
                (None, Some(_)) => true,
                (Some(new), Some(old)) => new > old,
                (_, None) => false,
            }
        });
        let keeps_features = facts
            .account
            .addons
            .iter()
            .filter_map(|(a, _)| catalog.addons.get(*a))
            .all(|ad| ad.available_on(pi) || ad.features.iter().all(|f| plan.features.contains(f)));
        if covers && raises && keeps_features {
            out.extend(plan_option_with(catalog, &pricing, current, pi));
        }
    }

    for (ai, addon) in catalog.addons.iter().enumerate() {
        if !addon.available_on(current) {
            continue;
        }
        let owned = pricing.owned(ai);
        let quantity = match (need.feature, need.metric) {
            (Some(f), _) => (addon.features.contains(&f) && owned == 0).then_some(1),
            (None, Some((m, amount))) => {
                let Some(inc) = addon
                    .limits
                    .iter()
                    .find(|(lm, _)| *lm == m)
                    .map(|(_, n)| *n)
                else {
                    continue;
                };
                let Some(limit) = current_limits.get(m).copied().flatten() else {
                    continue;
                };
                let q = ((amount - limit) / inc).ceil().max(1.0);
                if !addon.stackable {
                    (owned == 0 && limit + inc >= amount).then_some(1)
                } else if f64::from(owned) + q <= f64::from(addon.max_quantity) {
                    Some(q as u32)
                } else {
                    None
                }
            }
            (None, None) => None,
        };
        if let Some(q) = quantity {
            out.push(addon_option_with(catalog, &pricing, ai, q));
        }
    }

    crate::base::sort::sort_by(&mut out, |a, b| {
        a.monthly_delta
            .is_none()
            .cmp(&b.monthly_delta.is_none())
            .then(a.contact_sales.cmp(&b.contact_sales))
            .then(
                a.monthly_delta
                    .unwrap_or(0.0)
                    .total_cmp(&b.monthly_delta.unwrap_or(0.0)),
            )
            .then(a.quantity.unwrap_or(0).cmp(&b.quantity.unwrap_or(0)))
            .then(b.plan.cmp(&a.plan))
            .then(a.index.cmp(&b.index))
    });
    out
}

fn plan_option_with(
    catalog: &Catalog,
    pricing: &Pricing,
    current: usize,
    plan: usize,
) -> Option<Offer> {
    let p = catalog.plans.get(plan)?;
    Some(Offer {
        plan: true,
        index: plan,
        quantity: None,
        monthly_delta: pricing.delta(current, plan),
        contact_sales: p.contact_sales,
        once: None,
    })
}

fn addon_option_with(catalog: &Catalog, pricing: &Pricing, addon: usize, quantity: u32) -> Offer {
    let a = catalog.addons.get(addon);
    Offer {
        plan: false,
        index: addon,
        quantity: Some(quantity),
        monthly_delta: a
            .and_then(|a| pricing.price(a.price))
            .map(|p| round(p * f64::from(quantity), 2)),
        contact_sales: false,
        once: a
            .filter(|a| a.price.once > 0.0 || !a.credits.is_empty())
            .map(|a| round(a.price.once * f64::from(quantity), 2)),
    }
}

/// A specific plan as an option, priced against the current bill (whether or not it is above
/// the current plan: downsell targets are cheaper ones).
pub fn plan_option(catalog: &Catalog, facts: &Facts, plan: usize) -> Option<Offer> {
    let current = facts.account.plan?;
    plan_option_with(catalog, &Pricing::new(catalog, facts, None), current, plan)
}

/// A specific add-on as an option, `quantity` units.
pub fn addon_option(
    catalog: &Catalog,
    facts: &Facts,
    addon: usize,
    quantity: u32,
) -> Option<Offer> {
    catalog.addons.get(addon)?;
    Some(addon_option_with(
        catalog,
        &Pricing::new(catalog, facts, None),
        addon,
        quantity,
    ))
}
