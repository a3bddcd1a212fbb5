//! The cheapest headroom for a credit metric: credit packs, recurring add-ons and plan
//! upgrades compared by what one credit of headroom costs over the forecast horizon.
//!
//! Each way of getting credits is an [`Offer`]. For a given need (the credits the forecast says
//! the account will spend over the horizon beyond its balance), each offer is sized (how many
//! packs or add-on units) and priced, and the offers that cover the need come first, the one
//! that costs least over the horizon first, with its price per credit beside it. Every step of
//! the arithmetic is kept as text for the trace.

use super::env::Session;
use super::unlock::{self, Pricing};
use crate::base::num::{js as n, round};

/// Average days in a month, for spreading monthly prices and grants over a horizon in days.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// One way of getting credits of a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Offer {
    /// A pack bought once: `credits` per unit at `price` per unit.
    Pack {
        /// Add-on index.
        addon: usize,
        /// Credits per unit.
        credits: f64,
        /// Price per unit, paid once.
        price: f64,
        /// Most units the account may buy (1 when not stackable).
        max_quantity: u32,
    },
    /// A recurring add-on granting `credits` per unit every month at `monthly` per unit.
    Addon {
        /// Add-on index.
        addon: usize,
        /// Credits granted per unit per month.
        credits: f64,
        /// Monthly price per unit.
        monthly: f64,
        /// Most units the account may hold.
        max_quantity: u32,
    },
    /// A plan whose monthly grant is `extra` credits more than the current plan's, for
    /// `monthly_delta` more a month (`None` when the plan is sold by the sales team).
    Plan {
        /// Plan index.
        plan: usize,
        /// Extra credits per month over the current plan.
        extra: f64,
        /// Extra monthly price.
        monthly_delta: Option<f64>,
    },
}

/// An offer sized and priced for a need.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// The offer.
    pub offer: Offer,
    /// Units to buy (1 for a plan).
    pub quantity: u32,
    /// Credits of headroom over the horizon.
    pub credits: f64,
    /// What the account pays over the horizon; `None` for a contact-sales plan.
    pub cost: Option<f64>,
    /// `cost ÷ credits`; `None` without a cost.
    pub per_credit: Option<f64>,
    /// Whether the headroom covers the need.
    pub covers: bool,
    /// The arithmetic, for the trace.
    pub working: String,
}

/// Credits an account needs over `horizon_days` to keep going: what it spends at `burn_per_day`
/// beyond its `balance` (an overdraft, a negative balance, is paid back first, so it adds to
/// the need). With no burn rate known, one full `granted` balance (or one credit).
pub fn need(
    balance: f64,
    burn_per_day: Option<f64>,
    granted: Option<f64>,
    horizon_days: f64,
) -> f64 {
    let n = match burn_per_day.filter(|b| *b > 0.0 && b.is_finite()) {
        Some(b) => b * horizon_days - balance,
        None => granted.filter(|g| *g > 0.0).unwrap_or(1.0) - balance.max(0.0),
    };
    if n.is_finite() {
        n.max(1.0)
    } else {
        1.0
    }
}

/// Sizes and prices every offer for `need` credits over `horizon_days`, best first: offers
/// that cover the need before those that do not, then by what they cost over the horizon (the
/// cheapest way to cover the need; unpriced last), then by price per credit of headroom, then
/// in the order given (the catalog's order). A plan with far more credits than needed is
/// cheap per credit but dear in total, so total cost decides first.
pub fn quotes(offers: &[Offer], need: f64, horizon_days: f64) -> Vec<Quote> {
    let months = (horizon_days / DAYS_PER_MONTH).max(1.0 / DAYS_PER_MONTH);
    let mut out: Vec<(usize, Quote)> = offers
        .iter()
        .enumerate()
        .filter_map(|(i, o)| quote(*o, need, months).map(|q| (i, q)))
        .collect();
    out.sort_by(|(ia, a), (ib, b)| {
        b.covers
            .cmp(&a.covers)
            .then_with(|| cmp_opt(a.cost, b.cost))
            .then_with(|| cmp_opt(a.per_credit, b.per_credit))
            .then_with(|| ia.cmp(ib))
    });
    out.into_iter().map(|(_, q)| q).collect()
}

/// `Some` before `None`, smaller first.
fn cmp_opt(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// Units of `per_unit` credits that cover `need`, at most `max`.
fn units(need: f64, per_unit: f64, max: u32) -> u32 {
    let n = (need / per_unit).ceil();
    if n.is_finite() && n >= 1.0 {
        // Saturates at `max`; a whole number at least 1 and at most `u32::MAX` converts exactly.
        n.min(f64::from(max.max(1))) as u32
    } else {
        1
    }
}

fn quote(offer: Offer, need: f64, months: f64) -> Option<Quote> {
    let m = round(months, 2);
    match offer {
        Offer::Pack {
            credits,
            price,
            max_quantity,
            ..
        } => {
            if !(credits > 0.0 && price >= 0.0) {
                return None;
            }
            let q = units(need, credits, max_quantity);
            let total = credits * f64::from(q);
            let cost = price * f64::from(q);
            Some(Quote {
                offer,
                quantity: q,
                credits: total,
                cost: Some(cost),
                per_credit: Some(cost / total),
                covers: total >= need,
                working: format!(
                    "{q} × {} credits once for {q} × {} = {}: {} per credit",
                    n(credits),
                    n(price),
                    n(cost),
                    n(round(cost / total, 4))
                ),
            })
        }
        Offer::Addon {
            credits,
            monthly,
            max_quantity,
            ..
        } => {
            if !(credits > 0.0 && monthly >= 0.0) {
                return None;
            }
            let q = units(need, credits * months, max_quantity);
            let total = credits * f64::from(q) * months;
            let cost = monthly * f64::from(q) * months;
            Some(Quote {
                offer,
                quantity: q,
                credits: total,
                cost: Some(cost),
                per_credit: Some(cost / total),
                covers: total >= need,
                working: format!(
                    "{q} × {} credits a month for {q} × {} a month, over {} months = {} credits for {}: {} per credit",
                    n(credits),
                    n(monthly),
                    n(m),
                    n(round(total, 2)),
                    n(round(cost, 2)),
                    n(round(cost / total, 4))
                ),
            })
        }
        Offer::Plan {
            extra,
            monthly_delta,
            ..
        } => {
            if extra <= 0.0 {
                return None;
            }
            let total = extra * months;
            let cost = monthly_delta.map(|d| d * months);
            Some(Quote {
                offer,
                quantity: 1,
                credits: total,
                cost,
                per_credit: cost.map(|c| c / total),
                covers: total >= need,
                working: match monthly_delta {
                    Some(d) => format!(
                        "{} more credits a month for {} more a month, over {} months = {} credits for {}: {} per credit",
                        n(extra),
                        n(d),
                        n(m),
                        n(round(total, 2)),
                        n(round(d * months, 2)),
                        n(round(d * months / total, 4))
                    ),
                    None => format!(
                        "{} more credits a month, over {} months = {} credits; price on request",
                        n(extra),
                        n(m),
                        n(round(total, 2))
                    ),
                },
            })
        }
    }
}

/// The headroom question of one credit metric for a session: what the account needs over the
/// horizon and every way of getting it, quoted best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Headroom {
    /// Credit metric index.
    pub metric: usize,
    /// Credits needed over the horizon beyond the balance and the plan's own refills.
    pub need: f64,
    /// The arithmetic of the need, for the trace.
    pub working: String,
    /// Every offer, best first.
    pub quotes: Vec<Quote>,
}

/// The offers of the catalog for credit metric `m` on the account's plan: credit packs it can
/// buy there, recurring add-ons that grant the metric (up to the units it may still add) and
/// higher plans with a larger monthly grant.
pub fn offers(s: &Session, m: usize) -> Vec<Offer> {
    let catalog = &*s.catalog;
    let facts = &s.facts;
    let Some(current) = facts.account.plan else {
        return Vec::new();
    };
    let pricing = Pricing::new(catalog, facts, None);
    let mut out = Vec::new();
    for (i, a) in catalog.addons.iter().enumerate() {
        if !a.available_on(current) {
            continue;
        }
        let max = if a.stackable { a.max_quantity } else { 1 };
        if let Some((_, credits)) = a.credits.iter().find(|(x, _)| *x == m) {
            out.push(Offer::Pack {
                addon: i,
                credits: *credits,
                price: a.price.once + pricing.price(a.price).unwrap_or(0.0),
                max_quantity: max,
            });
        } else if let Some((_, credits)) = a.limits.iter().find(|(x, _)| *x == m) {
            let left = max.saturating_sub(pricing.owned(i));
            if let (true, Some(monthly)) = (left > 0, pricing.price(a.price)) {
                out.push(Offer::Addon {
                    addon: i,
                    credits: *credits,
                    monthly,
                    max_quantity: left,
                });
            }
        }
    }
    let grant = |p: usize| {
        catalog
            .plans
            .get(p)
            .and_then(|p| p.limits.get(m).copied().flatten())
            .unwrap_or(0.0)
    };
    let here = grant(current);
    for (p, plan) in catalog.plans.iter().enumerate().skip(current + 1) {
        let extra = grant(p) - here;
        if extra > 0.0 {
            out.push(Offer::Plan {
                plan: p,
                extra,
                monthly_delta: if plan.contact_sales {
                    None
                } else {
                    pricing.delta(current, p)
                },
            });
        }
    }
    out
}

/// The headroom of credit metric `m`, when it is a credit metric with a known balance. The
/// need counts the refills of the current monthly grant that fall within the horizon.
pub fn for_metric(s: &Session, m: usize) -> Option<Headroom> {
    let c = s.facts.credits(&s.catalog, m)?;
    let balance = c.balance?;
    let horizon = s.facts.horizon_days;
    let monthly = s
        .facts
        .limits(&s.catalog)
        .and_then(|l| l.get(m).copied().flatten())
        .unwrap_or(0.0);
    let burning = c.burn_per_day.is_some_and(|b| b > 0.0);
    // Refills count only against a burn rate; without one the need is one grant.
    let refills = if burning {
        (horizon / DAYS_PER_MONTH).floor() * monthly
    } else {
        0.0
    };
    let need = need(balance + refills, c.burn_per_day, c.granted, horizon);
    let working = match c.burn_per_day.filter(|b| *b > 0.0) {
        Some(b) => format!(
            "need over {} days: {} a day × {} − balance {} − refills {} = {} (at least 1)",
            n(horizon),
            n(b),
            n(horizon),
            n(balance),
            n(refills),
            n(round(b * horizon - balance - refills, 2))
        ),
        None => format!(
            "need: no burn rate yet, so one grant ({}) − balance {} (at least 1) = {}",
            n(c.granted.unwrap_or(1.0)),
            n(balance),
            n(need)
        ),
    };
    Some(Headroom {
        metric: m,
        need,
        working,
        quotes: quotes(&offers(s, m), need, horizon),
    })
}

/// The best quote as the offer a callout targets.
pub fn target(s: &Session, h: &Headroom) -> Option<unlock::Offer> {
    offer_of(s, h.quotes.first()?)
}

/// A quote as the priced plan or add-on it offers.
pub fn offer_of(s: &Session, q: &Quote) -> Option<unlock::Offer> {
    match q.offer {
        Offer::Pack { addon, .. } | Offer::Addon { addon, .. } => {
            unlock::addon_option(&s.catalog, &s.facts, addon, q.quantity)
        }
        Offer::Plan { plan, .. } => unlock::plan_option(&s.catalog, &s.facts, plan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(addon: usize, credits: f64, price: f64, max: u32) -> Offer {
        Offer::Pack {
            addon,
            credits,
            price,
            max_quantity: max,
        }
    }

    #[test]
    fn the_need_covers_the_horizon_beyond_the_balance() {
        assert_eq!(need(1000.0, Some(100.0), None, 30.0), 2000.0);
        // Enough balance for the horizon still needs at least one credit.
        assert_eq!(need(5000.0, Some(100.0), None, 30.0), 1.0);
        // No burn rate: refill the grant.
        assert_eq!(need(200.0, None, Some(1000.0), 30.0), 800.0);
        assert_eq!(need(0.0, None, None, 30.0), 1.0);
        assert_eq!(need(-50.0, Some(f64::INFINITY), None, 30.0), 1.0);
    }

    #[test]
    fn an_overdraft_adds_to_the_need() {
        // 100 a day for 30 days, and 500 owed first.
        assert_eq!(need(-500.0, Some(100.0), None, 30.0), 3500.0);
        // Refills of 10,000 cover the overdraft and the 3,000 spent: at least one credit.
        assert_eq!(need(-500.0 + 10_000.0, Some(100.0), None, 30.0), 1.0);
        assert_eq!(need(-500.0 + 3_000.0, Some(100.0), None, 30.0), 500.0);
    }

    #[test]
    fn packs_are_bought_in_whole_units_up_to_the_maximum() {
        let q = quotes(&[pack(0, 10_000.0, 20.0, 10)], 25_000.0, 30.0);
        let q = q.first().unwrap();
        assert_eq!(
            (q.quantity, q.credits, q.cost, q.covers),
            (3, 30_000.0, Some(60.0), true)
        );
        assert_eq!(q.per_credit, Some(0.002));
        assert_eq!(
            q.working,
            "3 × 10000 credits once for 3 × 20 = 60: 0.002 per credit"
        );
        // A pack that is not stackable is bought once and may fall short.
        let q = quotes(&[pack(0, 10_000.0, 20.0, 1)], 25_000.0, 30.0);
        let q = q.first().unwrap();
        assert_eq!((q.quantity, q.covers), (1, false));
    }

    #[test]
    fn the_cheapest_cover_wins_and_price_per_credit_breaks_ties() {
        let offers = [
            // $20 for 10k: two packs cover 20k for $40.
            pack(0, 10_000.0, 20.0, 10),
            // $50 for 50k: one pack covers for $50 (cheaper per credit, dearer in total).
            pack(1, 50_000.0, 50.0, 10),
            // A plan with 100k more a month for $60 more: 0.0006 per credit, $60 in total.
            Offer::Plan {
                plan: 2,
                extra: 100_000.0,
                monthly_delta: Some(60.0),
            },
            // Contact sales: no price, last among those that cover.
            Offer::Plan {
                plan: 3,
                extra: 1_000_000.0,
                monthly_delta: None,
            },
            // Same total as the first, dearer per credit: after it.
            pack(4, 5_000.0, 10.0, 10),
        ];
        let q = quotes(&offers, 20_000.0, DAYS_PER_MONTH);
        let order: Vec<Offer> = q.iter().map(|q| q.offer).collect();
        assert_eq!(
            order,
            vec![offers[0], offers[4], offers[1], offers[2], offers[3]]
        );
        assert_eq!(q[0].cost, Some(40.0));
        assert_eq!(q[3].per_credit, Some(0.0006));
        assert_eq!(q[4].per_credit, None);
        assert!(
            q[4].working.ends_with("price on request"),
            "{}",
            q[4].working
        );
    }

    #[test]
    fn an_offer_that_falls_short_ranks_after_those_that_cover() {
        let offers = [
            // Cheapest per credit but capped at one unit of 1,000.
            pack(0, 1000.0, 0.5, 1),
            pack(1, 10_000.0, 20.0, 10),
        ];
        let q = quotes(&offers, 5000.0, 30.0);
        assert_eq!(q[0].offer, offers[1]);
        assert!(!q[1].covers);
    }

    #[test]
    fn recurring_add_ons_count_every_month_of_the_horizon() {
        let a = Offer::Addon {
            addon: 0,
            credits: 1000.0,
            monthly: 10.0,
            max_quantity: 5,
        };
        // Two months: one unit gives 2,000 credits for $20.
        let q = quotes(&[a], 1500.0, 2.0 * DAYS_PER_MONTH);
        let q = q.first().unwrap();
        assert_eq!((q.quantity, q.credits, q.cost), (1, 2000.0, Some(20.0)));
        assert!(q.working.contains("over 2 months"), "{}", q.working);
    }

    #[test]
    fn offers_without_credits_or_with_bad_prices_are_left_out() {
        let offers = [
            pack(0, 0.0, 20.0, 1),
            pack(1, 100.0, -1.0, 1),
            pack(2, f64::NAN, 1.0, 1),
            Offer::Plan {
                plan: 0,
                extra: 0.0,
                monthly_delta: Some(1.0),
            },
        ];
        assert!(quotes(&offers, 10.0, 30.0).is_empty());
    }

    #[test]
    fn ties_keep_the_catalog_order() {
        let offers = [pack(0, 100.0, 1.0, 10), pack(1, 100.0, 1.0, 10)];
        let q = quotes(&offers, 50.0, 30.0);
        assert_eq!(q[0].offer, offers[0]);
    }
}
