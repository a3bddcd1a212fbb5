//! Revenue sizing before launch: the expected monthly recurring revenue a rule's callouts
//! would add, from conversion rates measured by `analyze` on an earlier event log.
//!
//! For one callout id with measured rate `r` (conversions ÷ impressions, with its 95 % Wilson
//! interval `[lo, hi]`) and the callouts of that id shown in a simulation, whose targets change
//! the monthly bill by `d₁ … dₙ` (each account's own delta, as the opportunities report it):
//!
//! ```text
//! D = d₁ + … + dₙ                  (the shown callouts' monthly deltas)
//! expected = r × D
//! low  = min(lo × D, hi × D)       (the interval of the rate carried through: D is exact)
//! high = max(lo × D, hi × D)
//! ```
//!
//! A rule or built-in row sums these over the callout ids it showed. A shown callout whose id
//! has no measured rate adds nothing and is counted as unrated; a row with no measured rate at
//! all has no value ("no measured rate"), never a guessed one.

use crate::base::out::{Out, ToJson};

/// One callout's measured rate, as read from an `analyze` report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeasuredRate {
    /// Conversion events naming the callout.
    pub conversions: u64,
    /// Impression events of the callout (above 0, at least `conversions`).
    pub impressions: u64,
    /// conversions ÷ impressions.
    pub rate: f64,
    /// The low end of the rate's 95 % Wilson interval.
    pub low: f64,
    /// The high end of the rate's 95 % Wilson interval.
    pub high: f64,
}

/// The measured rates a simulation sizes revenue with: callout ids, each with its rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Rates {
    /// The rates file's name, for the report's header.
    pub file: String,
    /// Sorted by id, one entry per id.
    entries: Vec<(String, MeasuredRate)>,
}

impl Rates {
    /// Rates named `file`; of two entries with one id, the first is kept.
    pub fn new(file: &str, mut entries: Vec<(String, MeasuredRate)>) -> Rates {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|b, a| a.0 == b.0);
        Rates {
            file: file.to_owned(),
            entries,
        }
    }

    /// The place of `callout`'s rate, if it has one.
    pub fn find(&self, callout: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|(id, _)| id.as_str().cmp(callout))
            .ok()
    }

    /// The rate at place `i`, with its callout id.
    pub fn get(&self, i: usize) -> Option<(&str, &MeasuredRate)> {
        self.entries.get(i).map(|(id, r)| (id.as_str(), r))
    }

    /// How many callout ids have a rate.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no callout has a rate.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// `(expected, low, high)` of callouts with rate `r` whose monthly deltas sum to `delta`.
pub fn expected(r: &MeasuredRate, delta: f64) -> (f64, f64, f64) {
    let (a, b) = (r.low * delta, r.high * delta);
    (r.rate * delta, a.min(b), a.max(b))
}

/// Money in millionths, so that sums do not depend on the order of addition.
fn micros(x: f64) -> i128 {
    (x * 1e6).round() as i128
}

/// What one rule's shown callouts add up to, per measured rate: (shown callouts, sum of their
/// monthly deltas in millionths); and the shown callouts without a measured rate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SizingAcc {
    per_rate: Vec<(u64, i128)>,
    unrated: u64,
}

impl SizingAcc {
    /// An empty accumulator for `rates`.
    pub fn new(rates: &Rates) -> SizingAcc {
        SizingAcc {
            per_rate: vec![(0, 0); rates.len()],
            unrated: 0,
        }
    }

    /// Adds one shown callout: the place of its rate (if measured) and its monthly delta
    /// (`None`: no price, as a contact-sales target).
    pub fn add(&mut self, rate: Option<usize>, delta: Option<f64>) {
        match rate.and_then(|i| self.per_rate.get_mut(i)) {
            Some(slot) => {
                slot.0 += 1;
                slot.1 += delta.filter(|d| d.is_finite()).map_or(0, micros);
            }
            None => self.unrated += 1,
        }
    }

    /// Adds another accumulator over the same rates.
    pub fn merge(&mut self, other: &SizingAcc) {
        for (a, b) in self.per_rate.iter_mut().zip(&other.per_rate) {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.unrated += other.unrated;
    }

    /// The expected MRR; `own` is the place of the rule's own callout id's rate (a designer
    /// rule's id), listed even when the rule showed nothing.
    pub fn finish(&self, rates: &Rates, own: Option<usize>) -> ExpectedMrr {
        let mut used = Vec::new();
        let (mut value, mut low, mut high, mut total) = (0.0, 0.0, 0.0, 0i128);
        for (i, (shown, d)) in self.per_rate.iter().enumerate() {
            let Some((id, r)) = rates.get(i).filter(|_| *shown > 0 || own == Some(i)) else {
                continue;
            };
            let delta = *d as f64 / 1e6;
            let (v, l, h) = expected(r, delta);
            value += v;
            low += l;
            high += h;
            total += d;
            used.push(RateUse {
                callout: id.to_owned(),
                rate: *r,
                shown: *shown,
                monthly_delta: delta,
            });
        }
        let measured = !used.is_empty();
        ExpectedMrr {
            value: measured.then_some(value),
            low: measured.then_some(low),
            high: measured.then_some(high),
            monthly_delta: total as f64 / 1e6,
            rates: used,
            unrated: self.unrated,
        }
    }
}

/// One measured rate a row used.
#[derive(Clone, Debug, PartialEq)]
pub struct RateUse {
    /// The callout id.
    pub callout: String,
    /// Its measured rate.
    pub rate: MeasuredRate,
    /// Shown callouts of this id.
    pub shown: u64,
    /// The sum of their targets' monthly deltas.
    pub monthly_delta: f64,
}

/// A rule's expected expansion MRR.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedMrr {
    /// Σ rate × monthly deltas over the rates used; `None`: no measured rate.
    pub value: Option<f64>,
    /// The low end, from the low ends of the rates' intervals.
    pub low: Option<f64>,
    /// The high end, from the high ends of the rates' intervals.
    pub high: Option<f64>,
    /// The monthly deltas the value is made of (shown callouts with a measured rate).
    pub monthly_delta: f64,
    /// The measured rates used, by callout id.
    pub rates: Vec<RateUse>,
    /// Shown callouts without a measured rate (not in the value).
    pub unrated: u64,
}

impl ExpectedMrr {
    /// Why there is no value, if there is none.
    pub fn reason(&self) -> Option<&'static str> {
        self.value.is_none().then_some(NO_RATE)
    }
}

/// What a row without a measured rate says.
pub const NO_RATE: &str = "no measured rate";

/// How a rate is measured, as the report names it.
pub const SOURCE: &str = "conversions/impressions";

impl ToJson for ExpectedMrr {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("value", &self.value)
            .field("low", &self.low)
            .field("high", &self.high)
            .field("reason", &self.reason())
            .field("monthlyDelta", &self.monthly_delta)
            .field("source", SOURCE)
            .field("rates", &self.rates)
            .field("unratedCallouts", &self.unrated)
            .end();
    }
}

impl ToJson for RateUse {
    fn write(&self, out: &mut Out) {
        let r = &self.rate;
        out.obj()
            .field("callout", &self.callout)
            .field("conversions", &r.conversions)
            .field("impressions", &r.impressions)
            .field("rate", &r.rate)
            .field("low", &r.low)
            .field("high", &r.high)
            .field("shown", &self.shown)
            .field("monthlyDelta", &self.monthly_delta)
            .end();
    }
}

/// The expected MRR of one account's shown callouts: `(callout's rate place, monthly delta)`
/// each; `None` when one of them has no measured rate.
pub fn account_expected(rates: &Rates, shown: &[(Option<usize>, Option<f64>)]) -> Option<f64> {
    let mut sum = 0.0;
    for (place, delta) in shown {
        let (_, r) = place.and_then(|i| rates.get(i))?;
        sum += expected(r, delta.unwrap_or(0.0)).0;
    }
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(conversions: u64, impressions: u64, low: f64, high: f64) -> MeasuredRate {
        MeasuredRate {
            conversions,
            impressions,
            rate: conversions as f64 / impressions as f64,
            low,
            high,
        }
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn expected_is_rate_times_the_deltas_with_the_interval_carried() {
        // 9 of 558 impressions converted; interval [0.0085, 0.0303] (written by hand).
        let r = rate(9, 558, 0.0085, 0.0303);
        // Three accounts shown, deltas 24 + 24 + 36 = 84 a month.
        let (v, l, h) = expected(&r, 84.0);
        close(v, 9.0 / 558.0 * 84.0); // 1.354838...
        close(v, 1.354_838_709_677_419_4);
        close(l, 0.714);
        close(h, 2.5452);
        // A downsell (negative delta): the interval's ends swap.
        let (v, l, h) = expected(&r, -100.0);
        close(v, -1.612_903_225_806_451_6);
        close(l, -3.03);
        close(h, -0.85);
    }

    #[test]
    fn a_rule_sums_its_callout_ids_and_counts_the_unrated() {
        let rates = Rates::new(
            "r.json",
            vec![
                ("usage_limit:seats".into(), rate(1, 10, 0.02, 0.4)),
                ("feature_gate:sso".into(), rate(1, 4, 0.05, 0.7)),
            ],
        );
        let seats = rates.find("usage_limit:seats");
        let sso = rates.find("feature_gate:sso");
        let mut acc = SizingAcc::new(&rates);
        acc.add(seats, Some(30.0));
        acc.add(seats, Some(10.0));
        acc.add(sso, Some(100.0));
        acc.add(sso, None);
        acc.add(rates.find("usage_limit:api_calls"), Some(40.0));
        let mut other = SizingAcc::new(&rates);
        other.add(seats, Some(60.0));
        acc.merge(&other);
        let e = acc.finish(&rates, None);
        // seats: 0.1 × 100 = 10 (2 to 40); sso: 0.25 × 100 = 25 (5 to 70).
        close(e.value.unwrap(), 35.0);
        close(e.low.unwrap(), 7.0);
        close(e.high.unwrap(), 110.0);
        close(e.monthly_delta, 200.0);
        assert_eq!(e.unrated, 1);
        assert_eq!(e.rates.len(), 2);
        assert_eq!(e.rates[1].shown, 3);
    }

    #[test]
    fn no_measured_rate_has_no_value() {
        let rates = Rates::new("r.json", vec![("a".into(), rate(1, 2, 0.1, 0.9))]);
        let mut acc = SizingAcc::new(&rates);
        acc.add(rates.find("b"), Some(10.0));
        let e = acc.finish(&rates, None);
        assert_eq!((e.value, e.low, e.high), (None, None, None));
        assert_eq!(e.unrated, 1);
        // A rule with a rate that showed nothing expects 0, not nothing.
        let e = SizingAcc::new(&rates).finish(&rates, rates.find("a"));
        assert_eq!(e.value, Some(0.0));
    }

    #[test]
    fn an_account_without_a_rate_for_a_shown_callout_has_no_value() {
        let rates = Rates::new("r.json", vec![("a".into(), rate(1, 4, 0.1, 0.6))]);
        let a = rates.find("a");
        close(
            account_expected(&rates, &[(a, Some(40.0)), (a, None)]).unwrap(),
            10.0,
        );
        assert_eq!(
            account_expected(&rates, &[(a, Some(40.0)), (None, None)]),
            None
        );
        assert_eq!(account_expected(&rates, &[]), Some(0.0));
    }
}
