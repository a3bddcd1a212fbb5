//! Finding the options that unlock a feature or raise a limit, priced from the catalog and
//! sorted cheapest first.

use crate::callout::UnlockOption;
use crate::config::Catalog;
use crate::context::Facts;
use crate::usage::{addon_cost, limit_on, round};

/// What the account needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Need {
    /// A feature it lacks.
    pub feature: Option<usize>,
    /// A metric and the amount the limit must reach.
    pub metric: Option<(usize, f64)>,
}

/// Every plan and add-on that meets `need`, cheapest first; contact-sales plans last.
///
/// A plan qualifies when it is above the current one, includes the feature, raises the limit
/// to the amount, still covers the current use of every other metric, and keeps every feature
/// that an add-on which cannot be held on it gave. An add-on qualifies when it can be bought on
/// the current plan; stackable add-ons get the smallest quantity that reaches the amount.
pub fn options(catalog: &Catalog, facts: &Facts, need: Need) -> Vec<UnlockOption> {
    let mut out = Vec::new();
    let Some(current) = facts.account.plan else {
        return out;
    };
    let Some(cur_plan) = catalog.plans.get(current) else {
        return out;
    };
    let seat_need = need
        .metric
        .filter(|(m, _)| Some(*m) == catalog.seat_metric)
        .map(|(_, n)| n);
    let seats = facts.seats.max(seat_need.unwrap_or(0.0));
    let current_cost = cur_plan
        .price
        .map(|p| p.at(seats) + addon_cost(catalog, facts, current));

    for (pi, plan) in catalog.plans.iter().enumerate().skip(current + 1) {
        if need.feature.is_some_and(|f| !plan.features.contains(&f)) {
            continue;
        }
        let covers = facts.usage.iter().enumerate().all(|(m, u)| {
            let want = match need.metric {
                Some((nm, amount)) if nm == m => amount.max(u.used.unwrap_or(0.0)),
                _ => u.used.unwrap_or(0.0),
            };
            match limit_on(catalog, facts, pi, m) {
                None => true,
                Some(l) => l >= want,
            }
        });
        let raises = need.metric.is_none_or(|(m, _)| {
            match (
                limit_on(catalog, facts, pi, m),
                limit_on(catalog, facts, current, m),
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
        if !(covers && raises && keeps_features) {
            continue;
        }
        let delta = match (plan.price, current_cost) {
            (Some(p), Some(cur)) => {
                Some(round(p.at(seats) + addon_cost(catalog, facts, pi) - cur, 2))
            }
            _ => None,
        };
        out.push(UnlockOption {
            kind: "plan",
            id: plan.id.clone(),
            label: plan.label.clone(),
            quantity: None,
            monthly_delta: delta,
            contact_sales: plan.contact_sales,
            url: plan.url.clone(),
        });
    }

    for (ai, addon) in catalog.addons.iter().enumerate() {
        if !addon.available_on(current) {
            continue;
        }
        let owned = facts.addon_quantity(ai);
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
                let Some(limit) = limit_on(catalog, facts, current, m) else {
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
        let Some(quantity) = quantity else { continue };
        out.push(UnlockOption {
            kind: "addon",
            id: addon.id.clone(),
            label: addon.label.clone(),
            quantity: Some(quantity),
            monthly_delta: Some(round(addon.price.at(seats) * f64::from(quantity), 2)),
            contact_sales: false,
            url: addon.url.clone(),
        });
    }

    out.sort_by(|a, b| {
        a.contact_sales
            .cmp(&b.contact_sales)
            .then(
                a.monthly_delta
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.monthly_delta.unwrap_or(f64::MAX)),
            )
            .then(a.quantity.unwrap_or(0).cmp(&b.quantity.unwrap_or(0)))
            .then(a.kind.cmp(b.kind).reverse())
            .then_with(|| rank(catalog, a).cmp(&rank(catalog, b)))
    });
    out
}

fn rank(catalog: &Catalog, o: &UnlockOption) -> usize {
    if o.kind == "plan" {
        catalog
            .plans
            .iter()
            .position(|p| p.id == o.id)
            .unwrap_or(usize::MAX)
    } else {
        catalog
            .addons
            .iter()
            .position(|p| p.id == o.id)
            .unwrap_or(usize::MAX)
    }
}

/// A specific plan as an option, priced against the current bill (whether or not it is above
/// the current plan: downsell targets are cheaper ones).
pub fn plan_option(catalog: &Catalog, facts: &Facts, plan: usize) -> Option<UnlockOption> {
    let p = catalog.plans.get(plan)?;
    let current = facts
        .account
        .plan
        .and_then(|c| catalog.plans.get(c).map(|cp| (c, cp)));
    let delta = match (
        p.price,
        current.and_then(|(c, cp)| cp.price.map(|pr| (c, pr))),
    ) {
        (Some(new), Some((c, cur))) => Some(round(
            new.at(facts.seats) + addon_cost(catalog, facts, plan)
                - cur.at(facts.seats)
                - addon_cost(catalog, facts, c),
            2,
        )),
        _ => None,
    };
    Some(UnlockOption {
        kind: "plan",
        id: p.id.clone(),
        label: p.label.clone(),
        quantity: None,
        monthly_delta: delta,
        contact_sales: p.contact_sales,
        url: p.url.clone(),
    })
}

/// A specific add-on as an option, `quantity` units.
pub fn addon_option(
    catalog: &Catalog,
    facts: &Facts,
    addon: usize,
    quantity: u32,
) -> Option<UnlockOption> {
    let a = catalog.addons.get(addon)?;
    Some(UnlockOption {
        kind: "addon",
        id: a.id.clone(),
        label: a.label.clone(),
        quantity: Some(quantity),
        monthly_delta: Some(round(a.price.at(facts.seats) * f64::from(quantity), 2)),
        contact_sales: false,
        url: a.url.clone(),
    })
}
