//! Experiment assignment: a pure function of the unit id, with the same hashing as GrowthBook's
//! v2 (`fnv1a32(String(fnv1a32(seed + id))) % 10000 / 10000` over UTF-16 code units), so
//! exposures can be analysed in tools that already speak it.

/// 32-bit FNV-1a over the string's UTF-16 code units (as JavaScript's `charCodeAt` sees them).
pub fn fnv1a32(s: &str) -> u32 {
    s.encode_utf16().fold(0x811c_9dc5u32, |h, unit| {
        (h ^ u32::from(unit)).wrapping_mul(0x0100_0193)
    })
}

/// The unit's position in [0, 1): `fnv1a32(String(fnv1a32(seed + id))) % 10000 / 10000`.
pub fn bucket(seed: &str, id: &str) -> f64 {
    let mut first = String::with_capacity(seed.len() + id.len());
    first.push_str(seed);
    first.push_str(id);
    let mut inner = String::new();
    crate::base::num::push_int(&mut inner, i64::from(fnv1a32(&first)));
    f64::from(fnv1a32(&inner) % 10_000) / 10_000.0
}

/// Where a unit lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignment {
    /// In the holdout: sees nothing, reported for exposure logging.
    Holdout,
    /// In the variant at this index.
    Variant(usize),
}

/// Assigns position `n` on [0, 1): below `holdout` → holdout; otherwise the variants share
/// [holdout, 1) in proportion to `weights`, in order.
pub fn assign(n: f64, holdout: f64, weights: &[f64]) -> Assignment {
    if n < holdout {
        return Assignment::Holdout;
    }
    let total: f64 = weights.iter().sum();
    let mut edge = holdout;
    for (i, w) in weights.iter().enumerate() {
        edge += (1.0 - holdout) * w / total;
        if n < edge {
            return Assignment::Variant(i);
        }
    }
    Assignment::Variant(weights.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_fnv1a_vectors() {
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a32("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn published_growthbook_v2_vectors() {
        let cases = [
            ("seed", "a", 0.0505),
            ("seed", "b", 0.2696),
            ("foo", "ab", 0.2575),
            ("foo", "def", 0.2019),
            ("89123klj", "8952klfjas09ujkasdf", 0.124),
            ("90850943850283058242805", "123", 0.7516),
            ("()**(%$##$%#$#", "___)((*\":&", 0.0128),
        ];
        for (seed, id, want) in cases {
            assert!(
                (bucket(seed, id) - want).abs() < 1e-12,
                "{seed} {id}: {}",
                bucket(seed, id)
            );
        }
    }

    #[test]
    fn utf16_code_units_not_bytes() {
        // "é" is one UTF-16 unit (0xE9) but two UTF-8 bytes; "😀" is two surrogate units.
        let by_units = |units: &[u16]| {
            units.iter().fold(0x811c_9dc5u32, |h, u| {
                (h ^ u32::from(*u)).wrapping_mul(0x0100_0193)
            })
        };
        assert_eq!(fnv1a32("é"), by_units(&[0xe9]));
        assert_eq!(fnv1a32("😀"), by_units(&[0xd83d, 0xde00]));
    }

    #[test]
    fn split_follows_weights() {
        let weights = [1.0, 3.0];
        let (mut hold, mut a, mut b) = (0, 0, 0);
        let n = 100_000;
        for i in 0..n {
            match assign(bucket("seat-copy", &format!("acct_{i}")), 0.1, &weights) {
                Assignment::Holdout => hold += 1,
                Assignment::Variant(0) => a += 1,
                Assignment::Variant(_) => b += 1,
            }
        }
        let share = |x: i32| f64::from(x) / f64::from(n);
        assert!((share(hold) - 0.1).abs() < 0.02, "holdout {}", share(hold));
        assert!((share(a) - 0.225).abs() < 0.02, "a {}", share(a));
        assert!((share(b) - 0.675).abs() < 0.02, "b {}", share(b));
    }
}
