//! Decimal text to `f64`, correctly rounded (round half to even), in little code.
//!
//! Most numbers in configs and contexts take the exact fast path: at most 15 significant
//! digits and a power of ten up to 22, where one IEEE multiplication or division is correctly
//! rounded. Others start from an approximation and are corrected by comparing the exact decimal
//! value with the midpoints between neighbouring doubles, using a small big-integer type. The
//! standard library's parser is faster on hard inputs but brings a 10 KB table of powers of
//! five into the WebAssembly build.

use std::cmp::Ordering;

/// Significant digits kept; a non-zero tail beyond them is kept as one sticky digit, which
/// cannot change a comparison with a midpoint (those have fewer than 770 significant digits).
const MAX_DIGITS: usize = 800;

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `[-]digits[.digits]` with at most 15 digits in all, without building a digit list: the
/// mantissa and its power of ten are exact, so one division is correctly rounded. `None` for
/// any other text.
fn parse_short(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (neg, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let (mut m, mut count, mut frac, mut dot) = (0u64, 0usize, 0usize, false);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(c - b'0');
                count += 1;
                frac += usize::from(dot);
            }
            // A dot needs digits on both sides.
            b'.' if !dot && i > 0 && i + 1 < b.len() => dot = true,
            _ => return None,
        }
    }
    if count > 15 {
        return None;
    }
    let v = m as f64 / *POW10.get(frac)?;
    Some(if neg { -v } else { v })
}

/// Parses `[-]digits[.digits][(e|E)[+|-]digits]`; `None` for anything else, and for values too
/// large for an `f64`.
pub fn parse_f64(text: &str) -> Option<f64> {
    if let Some(v) = parse_short(text) {
        return Some(v);
    }
    let b = text.as_bytes();
    let mut i = 0;
    let neg = b.first() == Some(&b'-');
    if neg {
        i += 1;
    }
    let mut digits: Vec<u8> = Vec::new();
    let mut sticky = false;
    // Decimal exponent of the last kept digit.
    let mut exp: i64 = 0;
    let mut seen = 0;
    let mut push = |d: u8, frac: bool, digits: &mut Vec<u8>, exp: &mut i64| {
        if digits.is_empty() && d == 0 {
            if frac {
                *exp -= 1;
            }
            return;
        }
        if digits.len() < MAX_DIGITS {
            digits.push(d);
            if frac {
                *exp -= 1;
            }
        } else {
            sticky |= d != 0;
            if !frac {
                *exp += 1;
            }
        }
    };
    while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        push(c - b'0', false, &mut digits, &mut exp);
        i += 1;
        seen += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            push(c - b'0', true, &mut digits, &mut exp);
            i += 1;
        }
        if i == start {
            return None;
        }
        seen += i - start;
    }
    if seen == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let eneg = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            e = (e * 10 + i64::from(c - b'0')).min(1_000_000);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if eneg { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    if sticky {
        digits.push(1);
        exp -= 1;
    }
    let v = magnitude(&digits, exp)?;
    Some(if neg { -v } else { v })
}

/// The double nearest to `digits × 10^exp` (digits without leading zeros).
fn magnitude(digits: &[u8], exp: i64) -> Option<f64> {
    let n = digits.len() as i64;
    if n == 0 {
        return Some(0.0);
    }
    // Beyond the range of doubles: too large (an error), or zero.
    if n + exp > 310 {
        return None;
    }
    if n + exp < -330 {
        return Some(0.0);
    }
    let lead: u64 = digits
        .iter()
        .take(19)
        .fold(0u64, |acc, d| acc * 10 + u64::from(*d));
    if n <= 15 && (-22..=22).contains(&exp) {
        let w = lead as f64;
        let p = POW10
            .get(exp.unsigned_abs() as usize)
            .copied()
            .unwrap_or(1.0);
        return Some(if exp >= 0 { w * p } else { w / p });
    }
    // An approximation from the leading digits, then exact correction.
    let rest = exp + (n - n.min(19));
    let mut z = approx(lead as f64, rest);
    if z == 0.0 {
        z = f64::from_bits(1);
    }
    if !z.is_finite() {
        z = f64::MAX;
    }
    let value = Big::from_digits(digits);
    for _ in 0..4000 {
        let bits = z.to_bits();
        // Upper midpoint, towards the next double (or the overflow threshold).
        match cmp_value(&value, exp, upper_mid(z)) {
            Ordering::Greater => {
                if z == f64::MAX {
                    return None;
                }
                z = f64::from_bits(bits + 1);
                continue;
            }
            Ordering::Equal => {
                return if bits & 1 == 0 {
                    Some(z)
                } else if z == f64::MAX {
                    None
                } else {
                    Some(f64::from_bits(bits + 1))
                };
            }
            Ordering::Less => {}
        }
        match cmp_value(&value, exp, lower_mid(z)) {
            Ordering::Less => {
                if bits <= 1 {
                    // Below half of the smallest subnormal.
                    return Some(0.0);
                }
                z = f64::from_bits(bits - 1);
            }
            Ordering::Equal => {
                return Some(if bits & 1 == 0 {
                    z
                } else {
                    f64::from_bits(bits - 1)
                });
            }
            Ordering::Greater => return Some(z),
        }
    }
    Some(z)
}

/// `w × 10^e`, approximately, without overflowing in the intermediate steps.
fn approx(w: f64, e: i64) -> f64 {
    let mut z = w;
    let mut e = e;
    while e > 0 {
        let step = e.min(22);
        z *= POW10.get(step as usize).copied().unwrap_or(1.0);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(22);
        z /= POW10.get(step as usize).copied().unwrap_or(1.0);
        e += step;
    }
    z
}

/// A positive double as `m × 2^k`.
fn parts(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let e = ((bits >> 52) & 0x7ff) as i64;
    let f = bits & ((1u64 << 52) - 1);
    if e == 0 {
        (f, -1074)
    } else {
        (f | (1u64 << 52), e - 1075)
    }
}

/// The midpoint of two adjacent positive values given as parts, as `s × 2^j`.
fn mid(a: (u64, i64), b: (u64, i64)) -> (u64, i64) {
    let k = a.1.min(b.1);
    let ma = a.0 << (a.1 - k);
    let mb = b.0 << (b.1 - k);
    (ma + mb, k - 1)
}

fn upper_mid(z: f64) -> (u64, i64) {
    if z == f64::MAX {
        // The overflow threshold: MAX plus half an ulp.
        let (m, k) = parts(z);
        return (2 * m + 1, k - 1);
    }
    mid(parts(z), parts(f64::from_bits(z.to_bits() + 1)))
}

fn lower_mid(z: f64) -> (u64, i64) {
    let bits = z.to_bits();
    if bits <= 1 {
        return (1, -1075);
    }
    mid(parts(f64::from_bits(bits - 1)), parts(z))
}

/// Compares `value × 10^exp` with `s × 2^j`.
fn cmp_value(value: &Big, exp: i64, (s, j): (u64, i64)) -> Ordering {
    let mut lhs = value.clone();
    let mut rhs = Big::from_u64(s);
    let (mut l2, mut r2) = (0i64, j);
    if exp >= 0 {
        lhs.mul_pow5(exp as u32);
        l2 += exp;
    } else {
        rhs.mul_pow5((-exp) as u32);
        r2 -= exp;
    }
    if l2 > r2 {
        lhs.shl((l2 - r2) as u32);
    } else {
        rhs.shl((r2 - l2) as u32);
    }
    lhs.cmp(&rhs)
}

/// An unsigned big integer, little-endian 32-bit limbs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Big {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut b = Big(Vec::with_capacity(digits.len() / 9 + 1));
        for chunk in digits.chunks(9) {
            let mut scale = 1u32;
            let mut add = 0u32;
            for d in chunk {
                scale *= 10;
                add = add * 10 + u32::from(*d);
            }
            b.mul_small(scale);
            b.add_small(add);
        }
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn add_small(&mut self, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.0 {
            if carry == 0 {
                return;
            }
            let v = u64::from(*limb) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow5(&mut self, mut e: u32) {
        // 5^13 is the largest power of five in a u32.
        while e >= 13 {
            self.mul_small(1_220_703_125);
            e -= 13;
        }
        let mut p = 1u32;
        for _ in 0..e {
            p *= 5;
        }
        self.mul_small(p);
    }

    fn shl(&mut self, bits: u32) {
        let words = (bits / 32) as usize;
        let rest = bits % 32;
        if rest > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let v = (*limb << rest) | carry;
                carry = *limb >> (32 - rest);
                *limb = v;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        if words > 0 && !self.0.is_empty() {
            let mut v = vec![0u32; words];
            v.extend_from_slice(&self.0);
            self.0 = v;
        }
    }

    fn cmp(&self, other: &Big) -> Ordering {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.trim();
        b.trim();
        a.0.len()
            .cmp(&b.0.len())
            .then_with(|| a.0.iter().rev().cmp(b.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(s: &str) {
        let want: f64 = s.parse().unwrap();
        let got = parse_f64(s).unwrap_or(f64::NAN);
        assert_eq!(
            got.to_bits(),
            want.to_bits(),
            "{s}: got {got:e}, want {want:e}"
        );
    }

    #[test]
    fn agrees_with_the_standard_parser() {
        for s in [
            "0",
            "-0",
            "1",
            "12.5",
            "0.95",
            "41000",
            "1e21",
            "1.5e-7",
            "0.1",
            "0.2",
            "0.3",
            "0.30000000000000004",
            "123456789012345678901234567890",
            "9007199254740993",
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "4.9406564584124654e-324",
            "2.4703282292062328e-324",
            "2.4703282292062327e-324",
            "1e-400",
            "8.98846567431158e307",
            "0.000001",
            "7.0e-10",
            "1.448997445238699",
            "3.0540316373582542e-310",
            "9.109383e-31",
            "6.02214076e23",
            "299792458",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.1000000000000000055511151231257827021181583404541015626",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "5e-324",
            "1e308",
            "123.456e-2",
            "00012",
            "1E5",
            "1e+5",
        ] {
            same(s);
        }
        assert_eq!(parse_f64("1e309"), None);
        assert_eq!(parse_f64("1.7976931348623159e308"), None);
        for bad in ["", "-", ".", "1e", "1e+", "abc", "1x", "--1", "1.2.3"] {
            assert_eq!(parse_f64(bad), None, "{bad}");
        }
    }

    /// A deterministic xorshift sequence from `seed`.
    fn numbers(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    #[test]
    fn short_decimals_take_the_exact_path_and_agree() {
        let mut next = numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let digits = 1 + (next() % 15) as usize;
            let mut s = String::new();
            if next().is_multiple_of(2) {
                s.push('-');
            }
            let dot = (next() % digits as u64) as usize;
            for k in 0..digits {
                if k == dot && k > 0 {
                    s.push('.');
                }
                s.push(char::from(b'0' + (next() % 10) as u8));
            }
            assert!(parse_short(&s).is_some(), "{s}");
            same(&s);
        }
        for other in ["1.", ".5", "1e5", "1234567890123456", "1.2.3", "-", ""] {
            assert_eq!(parse_short(other), None, "{other}");
        }
    }

    #[test]
    fn agrees_on_many_generated_numbers() {
        // A deterministic spread of digit counts and exponents, hard cases included.
        let mut next = numbers(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let digits = 1 + (next() % 25) as usize;
            let mut s = String::new();
            for k in 0..digits {
                let d = (next() % 10) as u8;
                s.push(char::from(b'0' + if k == 0 { d.max(1) } else { d }));
            }
            let e = (next() % 700) as i64 - 350;
            let text = format!("{s}e{e}");
            let want: f64 = text.parse().unwrap();
            match parse_f64(&text) {
                Some(got) => assert_eq!(got.to_bits(), want.to_bits(), "{text}"),
                None => assert!(want.is_infinite(), "{text}"),
            }
            // Every double written shortest reads back as itself.
            let bits = next() & 0x7fef_ffff_ffff_ffff;
            let v = f64::from_bits(bits);
            let shortest = format!("{v:e}");
            same(&shortest);
        }
    }
}
