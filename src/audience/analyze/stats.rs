//! The statistics of the outcome report, each a pure function of counts:
//!
//! - [`wilson`]: the 95 % Wilson score interval of a conversion rate;
//! - [`lift`]: an arm against the holdout — the relative lift of the rate, its 95 % interval
//!   by the delta method on the log of the ratio of rates, the two-sided pooled
//!   two-proportion z-test, and the chance to beat the holdout under Beta(1, 1) priors
//!   ([`chance_to_beat`], computed exactly);
//! - [`srm`]: the chi-square goodness-of-fit test of the units per arm against the configured
//!   split (sample ratio mismatch).
//!
//! Every function answers `None` where its statistic is not defined (no units, no conversions
//! where it divides by them), never NaN or an infinity.

use super::math::{chi2_sf, exp, ln, ln_beta, two_sided_p};

/// The standard normal quantile of 0.975: a 95 % two-sided interval is ±Z95 standard errors.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The p-value below which the split check fails.
pub const SRM_ALPHA: f64 = 0.001;

/// `x` when it is finite.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// The 95 % Wilson score interval of `converted` out of `units`:
/// (p + z²/2n ± z √(p(1 − p)/n + z²/4n²)) / (1 + z²/n); `None` without units.
pub fn wilson(converted: u64, units: u64) -> Option<(f64, f64)> {
    if units == 0 || converted > units {
        return None;
    }
    let n = units as f64;
    let p = converted as f64 / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some((
        (center - half).clamp(0.0, 1.0),
        (center + half).clamp(0.0, 1.0),
    ))
}

/// Converted units out of units, for one arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    /// Units with at least one conversion.
    pub converted: u64,
    /// Units.
    pub units: u64,
}

impl Rate {
    /// converted / units; `None` without units.
    pub fn value(self) -> Option<f64> {
        (self.units > 0 && self.converted <= self.units)
            .then(|| self.converted as f64 / self.units as f64)
    }
}

/// An arm against the holdout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lift {
    /// rate(arm) / rate(holdout) − 1; `None` when the holdout's rate is 0 or an arm has no
    /// units.
    pub relative: Option<f64>,
    /// The 95 % interval of `relative`: exp(ln(ratio) ± z·se) − 1 with
    /// se² = (1 − p₁)/(n₁p₁) + (1 − p₀)/(n₀p₀); `None` when either arm has no conversion.
    pub ci: Option<(f64, f64)>,
    /// The two-sided p-value of the pooled two-proportion z-test; `None` when neither or both
    /// arms convert every unit (the pooled variance is 0) or an arm has no units.
    pub p_value: Option<f64>,
    /// P(rate(arm) > rate(holdout)) with Beta(1, 1) priors; `None` when an arm has no units.
    pub chance_to_beat: Option<f64>,
}

/// Compares `arm` with `holdout`.
pub fn lift(arm: Rate, holdout: Rate) -> Lift {
    let (Some(p1), Some(p0)) = (arm.value(), holdout.value()) else {
        return Lift {
            relative: None,
            ci: None,
            p_value: None,
            chance_to_beat: None,
        };
    };
    let relative = (p0 > 0.0).then(|| p1 / p0 - 1.0).and_then(finite);
    let ci = if arm.converted > 0 && holdout.converted > 0 {
        let (x1, n1) = (arm.converted as f64, arm.units as f64);
        let (x0, n0) = (holdout.converted as f64, holdout.units as f64);
        let log_ratio = ln(p1 / p0);
        let se = (1.0 / x1 - 1.0 / n1 + 1.0 / x0 - 1.0 / n0).max(0.0).sqrt();
        let lo = exp(log_ratio - Z95 * se) - 1.0;
        let hi = exp(log_ratio + Z95 * se) - 1.0;
        finite(lo).zip(finite(hi))
    } else {
        None
    };
    Lift {
        relative,
        ci,
        p_value: pooled_p(arm, holdout),
        chance_to_beat: chance_to_beat(arm, holdout),
    }
}

/// The two-sided p-value of the pooled two-proportion z-test of `a` against `b`.
pub fn pooled_p(a: Rate, b: Rate) -> Option<f64> {
    let (pa, pb) = (a.value()?, b.value()?);
    let (na, nb) = (a.units as f64, b.units as f64);
    let pooled = (a.converted + b.converted) as f64 / (na + nb);
    let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
    if se.is_nan() || se <= 0.0 {
        return None;
    }
    finite(two_sided_p((pa - pb) / se))
}

/// The probability that the rate of `b` is above the rate of `a`, where each rate has the
/// posterior Beta(1 + converted, 1 + units − converted) of a Beta(1, 1) prior; `None` when
/// either has no units. Exact, by a finite sum (see [`beats`]).
pub fn chance_to_beat(b: Rate, a: Rate) -> Option<f64> {
    if a.units == 0 || b.units == 0 || a.converted > a.units || b.converted > b.units {
        return None;
    }
    let (a1, b1) = (1 + a.converted, 1 + a.units - a.converted);
    let (a2, b2) = (1 + b.converted, 1 + b.units - b.converted);
    // Four equal forms; the one with the fewest terms is summed.
    let fewest = a1.min(b1).min(a2).min(b2);
    let p = if fewest == a2 {
        beats(a1, b1, a2, b2)
    } else if fewest == a1 {
        1.0 - beats(a2, b2, a1, b1)
    } else if fewest == b1 {
        // 1 − rate(b) > 1 − rate(a): the failure rates, Beta(b, a), swap roles.
        beats(b2, a2, b1, a1)
    } else {
        1.0 - beats(b1, a1, b2, a2)
    };
    finite(p.clamp(0.0, 1.0))
}

/// P(Y > X) for X ~ Beta(a1, b1) and Y ~ Beta(a2, b2) with whole-number parameters:
///
/// Σ_{i=0}^{a2−1} B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1)).
///
/// The first term is B(a1, b1 + b2) / B(a1, b1); each next one is the one before times
/// (a1 + i)(b2 + i) / ((a1 + b1 + b2 + i)(1 + i)). The terms are summed relative to the first
/// (rescaled when they grow large), so nothing underflows however many there are.
fn beats(a1: u64, b1: u64, a2: u64, b2: u64) -> f64 {
    let (fa1, fb1, fb2) = (a1 as f64, b1 as f64, b2 as f64);
    let log_first = ln_beta(fa1, fb1 + fb2) - ln_beta(fa1, fb1);
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut log_scale = 0.0;
    for i in 0..a2.saturating_sub(1) {
        let i = i as f64;
        term *= (fa1 + i) * (fb2 + i) / ((fa1 + fb1 + fb2 + i) * (1.0 + i));
        sum += term;
        if sum > 1e250 {
            term /= 1e250;
            sum /= 1e250;
            log_scale += 250.0 * std::f64::consts::LN_10;
        }
    }
    exp(log_first + log_scale + ln(sum))
}

/// The sample ratio mismatch test: the chi-square goodness-of-fit p-value of `units` per arm
/// against the configured `shares` (summing to 1), with one degree of freedom fewer than the
/// arms that have a share. `None` without units or with fewer than two such arms; 0 when an
/// arm without a share has units.
pub fn srm(units: &[u64], shares: &[f64]) -> Option<f64> {
    let total: u64 = units.iter().sum();
    if total == 0 || units.len() != shares.len() {
        return None;
    }
    let n = total as f64;
    let mut chi2 = 0.0;
    let mut arms = 0u32;
    for (&observed, &share) in units.iter().zip(shares) {
        if share > 0.0 {
            let expected = n * share;
            let d = observed as f64 - expected;
            chi2 += d * d / expected;
            arms += 1;
        } else if observed > 0 {
            return Some(0.0);
        }
    }
    if arms < 2 {
        return None;
    }
    finite(chi2_sf(chi2, f64::from(arms - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(converted: u64, units: u64) -> Rate {
        Rate { converted, units }
    }

    fn close(got: f64, want: f64, tol: f64, what: &str) {
        assert!((got - want).abs() <= tol, "{what}: got {got}, want {want}");
    }

    // Reference values computed with Python 3 and scipy 1.17.1 in this sandbox; each case
    // names the exact expression.

    #[test]
    fn wilson_agrees_with_the_reference() {
        let cases = [
            // stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method='wilson')
            (
                (30, 560),
                (0.037_779_975_052_244_43, 0.075_445_928_829_002_8),
            ),
            ((0, 100), (0.0, 0.036_993_498_206_985_68)),
            ((100, 100), (0.963_006_501_793_014_3, 1.0)),
            (
                (5, 120),
                (0.017_926_716_880_109_5, 0.093_840_852_337_035_35),
            ),
            ((1, 1), (0.206_549_314_377_237_45, 1.0)),
        ];
        for ((k, n), (lo, hi)) in cases {
            let (a, b) = wilson(k, n).unwrap();
            close(a, lo, 1e-14, &format!("wilson({k}, {n}) low"));
            close(b, hi, 1e-14, &format!("wilson({k}, {n}) high"));
        }
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    #[test]
    fn pooled_z_test_agrees_with_the_reference() {
        // stats.chi2_contingency([[x1, n1 − x1], [x0, n0 − x0]], correction=False)[1]: the
        // chi-square test of a 2 × 2 table equals the pooled two-proportion z-test.
        let cases = [
            ((30, 560, 5, 120), 0.592_230_460_102_864_7),
            ((130, 1000, 100, 1000), 0.035_488_450_466_474_63),
            ((520, 10_000, 400, 10_000), 5.109_912_575_984_709e-5),
        ];
        for ((x1, n1, x0, n0), want) in cases {
            let got = pooled_p(rate(x1, n1), rate(x0, n0)).unwrap();
            assert!(
                (got - want).abs() <= 1e-12 * want.max(1e-3),
                "{x1}/{n1} vs {x0}/{n0}: {got}"
            );
        }
        assert_eq!(pooled_p(rate(0, 10), rate(0, 10)), None);
        assert_eq!(pooled_p(rate(10, 10), rate(5, 5)), None);
        assert_eq!(pooled_p(rate(1, 10), rate(0, 0)), None);
    }

    #[test]
    fn lift_and_its_delta_method_interval_agree_with_the_reference() {
        // Computed in Python floats:
        //   p1, p0 = x1/n1, x0/n0; r = math.log(p1/p0)
        //   se = math.sqrt((1-p1)/(n1*p1) + (1-p0)/(n0*p0)); z = stats.norm.ppf(0.975)
        //   (p1/p0 - 1, math.exp(r - z*se) - 1, math.exp(r + z*se) - 1)
        let cases = [
            (
                (30, 560, 5, 120),
                (
                    0.285_714_285_714_285_8,
                    -0.490_681_394_826_617,
                    2.245_632_905_805_705,
                ),
            ),
            (
                (130, 1000, 100, 1000),
                (
                    0.300_000_000_000_000_04,
                    0.016_984_270_971_045_49,
                    0.661_775_947_022_602_3,
                ),
            ),
        ];
        for ((x1, n1, x0, n0), (rel, lo, hi)) in cases {
            let l = lift(rate(x1, n1), rate(x0, n0));
            close(l.relative.unwrap(), rel, 1e-14, "relative");
            let (a, b) = l.ci.unwrap();
            close(a, lo, 1e-13, "lift ci low");
            close(b, hi, 1e-13, "lift ci high");
        }
    }

    #[test]
    fn chance_to_beat_agrees_with_numerical_integration() {
        // a1, b1 = 1 + x0, 1 + n0 − x0; a2, b2 = 1 + x1, 1 + n1 − x1
        // integrate.quad(lambda p: stats.beta.pdf(p, a2, b2) * stats.beta.cdf(p, a1, b1),
        //     stats.beta.ppf(1e-12, a2, b2), stats.beta.isf(1e-12, a2, b2),
        //     points=[stats.beta.mean(a1, b1), stats.beta.mean(a2, b2)],
        //     epsabs=1e-14, epsrel=1e-12, limit=500)[0]
        // (the integral leaves out 1e-12 of each tail, hence the tolerance)
        let cases = [
            ((30, 560, 5, 120), 0.640_149_662_217_853_2),
            ((130, 1000, 100, 1000), 0.982_165_066_115_350_8),
            ((520, 10_000, 400, 10_000), 0.999_974_782_432_876_5),
            ((0, 50, 0, 50), 0.5),
            ((3, 10, 7, 10), 0.043_054_468_750_063_2),
            ((2000, 20_000, 1950, 20_000), 0.798_958_880_042_412_4),
        ];
        for ((x1, n1, x0, n0), want) in cases {
            let got = chance_to_beat(rate(x1, n1), rate(x0, n0)).unwrap();
            close(got, want, 1e-9, &format!("{x1}/{n1} vs {x0}/{n0}"));
            // Symmetry: the two chances sum to 1.
            let back = chance_to_beat(rate(x0, n0), rate(x1, n1)).unwrap();
            close(got + back, 1.0, 1e-9, "symmetry");
        }
        assert_eq!(chance_to_beat(rate(0, 0), rate(1, 2)), None);
        // Two equal posteriors: a half.
        close(
            chance_to_beat(rate(0, 1), rate(0, 1)).unwrap(),
            0.5,
            1e-12,
            "equal",
        );
    }

    #[test]
    fn srm_agrees_with_the_reference() {
        // stats.chisquare([600, 400], f_exp=[500, 500]).pvalue
        close(
            srm(&[600, 400], &[0.5, 0.5]).unwrap(),
            2.539_628_589_470_863_4e-10,
            1e-20,
            "60/40",
        );
        // stats.chisquare([130, 440, 430], f_exp=[100, 450, 450]).pvalue
        close(
            srm(&[130, 440, 430], &[0.1, 0.45, 0.45]).unwrap(),
            0.006_373_824_764_776_824,
            1e-15,
            "3 arms",
        );
        // stats.chisquare([98, 452, 450], f_exp=[100, 450, 450]).pvalue
        close(
            srm(&[98, 452, 450], &[0.1, 0.45, 0.45]).unwrap(),
            0.975_851_901_407_013_5,
            1e-14,
            "balanced",
        );
        assert_eq!(srm(&[0, 0], &[0.5, 0.5]), None);
        assert_eq!(srm(&[10, 0], &[1.0, 0.0]), None);
        assert_eq!(srm(&[10, 1], &[1.0, 0.0]), Some(0.0));
    }

    #[test]
    fn edge_cases_are_none_never_nan() {
        let none = Lift {
            relative: None,
            ci: None,
            p_value: None,
            chance_to_beat: None,
        };
        assert_eq!(lift(rate(0, 0), rate(0, 0)), none);
        let l = lift(rate(5, 100), rate(0, 100));
        assert_eq!((l.relative, l.ci), (None, None));
        assert!(l.p_value.is_some() && l.chance_to_beat.is_some());
        let l = lift(rate(0, 100), rate(0, 100));
        assert_eq!((l.relative, l.ci, l.p_value), (None, None, None));
        close(
            l.chance_to_beat.unwrap(),
            0.5,
            1e-12,
            "no conversions on either side",
        );
    }
}
