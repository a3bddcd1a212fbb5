//! Number formatting: the shortest text that reads back as the same `f64`, written the way
//! JavaScript's `String(n)` writes it (so native and wasm results are byte-identical), and the
//! human formats used in messages (`41,000`, `$12.50`).

/// Appends `n` as JavaScript's `String(n)` would write it (`18`, `0.95`, `1e+21`, `1.5e-7`).
/// Non-finite values are written as `null`, as `JSON.stringify` does.
// Not inlined: its callers (output, templates, rule text) would each get a copy.
#[inline(never)]
pub fn write_js(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push_str("null");
        return;
    }
    if n == 0.0 {
        out.push('0');
        return;
    }
    // Whole numbers below 2^53 are written directly, without the shortest-digits search.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        let i = n as i64;
        push_int(out, i);
        return;
    }
    if n < 0.0 {
        out.push('-');
    }
    let (buf, len, point) = shortest(n.abs());
    let digits = buf.get(..len).unwrap_or(&[]);
    let k = len as i32;
    if k <= point && point <= 21 {
        push_ascii(out, digits);
        push_zeros(out, point - k);
    } else if 0 < point && point <= 21 {
        let (a, b) = digits.split_at(point as usize);
        push_ascii(out, a);
        out.push('.');
        push_ascii(out, b);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        push_zeros(out, -point);
        push_ascii(out, digits);
    } else {
        let (first, rest) = digits.split_at(1);
        push_ascii(out, first);
        if !rest.is_empty() {
            out.push('.');
            push_ascii(out, rest);
        }
        out.push('e');
        out.push(if point - 1 < 0 { '-' } else { '+' });
        push_int(out, i64::from((point - 1).abs()));
    }
}

/// The shortest decimal digits that read back as the finite, positive `n`: the digits (no
/// leading or trailing zeros, at least one), how many there are, and the position of the
/// decimal point counted from the first digit (`0.0123` → `123`, 3, -1).
#[inline(never)]
fn shortest(n: f64) -> ([u8; 24], usize, i32) {
    let mut text = ryu::Buffer::new();
    // Ryu writes `1234.5`, `0.001234`, `1e30` or `1.234e-7`: read its digits, where its point
    // is and its exponent, rather than parsing the text as a number again.
    let mut digits = [b'0'; 24];
    let mut len = 0usize;
    let mut int_len = None;
    let (mut exp, mut exp_neg, mut in_exp) = (0i32, false, false);
    for &b in text.format_finite(n).as_bytes() {
        match b {
            b'.' => int_len = Some(len),
            b'e' | b'E' => in_exp = true,
            b'-' => exp_neg = true,
            _ if in_exp => exp = exp * 10 + i32::from(b.wrapping_sub(b'0')),
            _ => {
                if let Some(slot) = digits.get_mut(len) {
                    *slot = b;
                    len += 1;
                }
            }
        }
    }
    let mut point = int_len.unwrap_or(len) as i32 + if exp_neg { -exp } else { exp };
    // Leading zeros (`0.001234`) move the point; trailing ones (`1234.0`) are dropped.
    let lead = digits
        .iter()
        .take(len.saturating_sub(1))
        .take_while(|&&d| d == b'0')
        .count();
    digits.copy_within(lead..len, 0);
    len -= lead;
    point -= lead as i32;
    while len > 1 && digits.get(len - 1) == Some(&b'0') {
        len -= 1;
    }
    (digits, len, point)
}

/// Appends ASCII bytes (digits).
fn push_ascii(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        out.push(char::from(b));
    }
}

/// Appends `count` zeros (none if `count` is not positive).
fn push_zeros(out: &mut String, count: i32) {
    for _ in 0..count {
        out.push('0');
    }
}

/// `n` as JavaScript's `String(n)` writes it.
pub fn js(n: f64) -> String {
    let mut s = String::new();
    write_js(&mut s, n);
    s
}

/// Appends a whole number in decimal.
pub fn push_int(out: &mut String, i: i64) {
    if i < 0 {
        out.push('-');
    }
    let mut v = i.unsigned_abs();
    let mut tmp = [0u8; 20];
    let mut at = tmp.len();
    loop {
        at -= 1;
        if let Some(slot) = tmp.get_mut(at) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || at == 0 {
            break;
        }
    }
    // ASCII digits: always valid UTF-8.
    out.push_str(std::str::from_utf8(tmp.get(at..).unwrap_or(&[])).unwrap_or(""));
}

/// A whole number with thousands separators: `1,000,000`.
pub fn format_int(n: u64) -> String {
    let mut out = String::new();
    group(&mut out, &int_digits(n));
    out
}

/// Formats a number with thousands separators and at most two decimals: `41,000`, `0.95`.
pub fn format_number(n: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, n);
    out
}

/// Appends a number with thousands separators and at most two decimals.
pub fn push_number(out: &mut String, n: f64) {
    if !n.is_finite() {
        out.push('—');
        return;
    }
    let neg = n < 0.0;
    // Cents only where they can matter; huge values (where `n * 100` could overflow) are whole.
    let (whole, frac) = if n.abs() < 1e15 {
        let cents = (n.abs() * 100.0).round();
        let whole = (cents / 100.0).trunc();
        (whole, (cents - whole * 100.0) as u64)
    } else {
        (n.abs().round(), 0)
    };
    if neg && (whole > 0.0 || frac > 0) {
        out.push('-');
    }
    if whole < 9_007_199_254_740_992.0 {
        group(out, &int_digits(whole as u64));
    } else {
        // Every digit of large values (no exponent): the shortest digits padded with zeros
        // (a whole number's shortest digits all stand before the point).
        let (buf, len, point) = shortest(whole);
        let mut digits = buf.get(..len).unwrap_or(&[]).to_vec();
        digits.resize(usize::try_from(point).unwrap_or(0).max(len), b'0');
        group(out, &digits);
    }
    if frac > 0 {
        out.push('.');
        out.push(char::from(b'0' + (frac / 10) as u8));
        if frac % 10 != 0 {
            out.push(char::from(b'0' + (frac % 10) as u8));
        }
    }
}

/// Appends a quantity with at most `decimals` decimals (0 to 2), rounded half away from zero,
/// with thousands separators: `153,367` for 153366.93 with 0 decimals.
pub fn push_quantity(out: &mut String, n: f64, decimals: u8) {
    let scale = match decimals {
        0 => 1.0,
        1 => 10.0,
        _ => 100.0,
    };
    let v = if n.is_finite() && n.abs() < 1e15 {
        (n * scale).round() / scale
    } else {
        n
    };
    push_number(out, v);
}

/// The decimal digits of `v` (at most 20), most significant first.
fn int_digits(mut v: u64) -> Vec<u8> {
    let mut d = Vec::with_capacity(20);
    loop {
        d.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    d.reverse();
    d
}

/// Appends digits with a comma every three from the right.
fn group(out: &mut String, digits: &[u8]) {
    let len = digits.len();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(char::from(*c));
    }
}

/// Formats an amount of money: `$12`, `$12.50`, `¥1,200`, `CHF 40`.
pub fn format_money(n: f64, currency: &str) -> String {
    let mut out = String::new();
    push_money(&mut out, n, currency);
    out
}

/// Appends an amount of money.
pub fn push_money(out: &mut String, n: f64, currency: &str) {
    let (symbol, space) = match currency {
        "USD" => ("$", false),
        "EUR" => ("€", false),
        "GBP" => ("£", false),
        "JPY" => ("¥", false),
        "CNY" => ("CN¥", false),
        "INR" => ("₹", false),
        "KRW" => ("₩", false),
        other => (other, true),
    };
    if n < 0.0 {
        out.push('-');
    }
    out.push_str(symbol);
    if space {
        out.push(' ');
    }
    let start = out.len();
    push_number(out, n.abs());
    let num = out.as_bytes().get(start..).unwrap_or(&[]);
    let one_decimal = num.len() >= 2 && num.get(num.len() - 2) == Some(&b'.');
    if one_decimal {
        out.push('0');
    }
}

/// Rounds to `digits` decimal places. A number so large that scaling it would overflow has no
/// fraction at those places and is returned as it is (never turned into an infinity).
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    let scaled = x * f;
    if scaled.is_finite() {
        scaled.round() / f
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_grouped_by_thousands() {
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_int(1000), "1,000");
        assert_eq!(format_int(1_234_567), "1,234,567");
        assert_eq!(format_int(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn writes_numbers_like_javascript() {
        for (n, want) in [
            (18.0, "18"),
            (-0.0, "0"),
            (0.95, "0.95"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123.456, "123.456"),
            (-2.5, "-2.5"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (9007199254740993.0, "9007199254740992"),
            (f64::NAN, "null"),
        ] {
            assert_eq!(js(n), want, "{n:e}");
        }
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(format_number(41000.0), "41,000");
        assert_eq!(format_number(1234567.891), "1,234,567.89");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(format_number(18.0), "18");
        assert_eq!(format_number(-1500.0), "-1,500");
        assert_eq!(format_number(1e22), "10,000,000,000,000,000,000,000");
        assert!(format_number(1e308).starts_with("100,000,"));
        assert_eq!(format_money(12.5, "USD"), "$12.50");
        assert_eq!(format_money(1200.0, "JPY"), "¥1,200");
        assert_eq!(format_money(40.0, "CHF"), "CHF 40");
        assert_eq!(format_money(-29.0, "USD"), "-$29");
    }

    /// The former writer (digits taken from ryu's text through `str::parse`), kept to check
    /// the smaller one against.
    fn reference_write_js(out: &mut String, n: f64) {
        if !n.is_finite() {
            out.push_str("null");
            return;
        }
        if n == 0.0 {
            out.push('0');
            return;
        }
        // Whole numbers below 2^53 are written directly, without the shortest-digits search.
        if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
            let i = n as i64;
            push_int(out, i);
            return;
        }
        let mut buf = ryu::Buffer::new();
        let text = buf.format_finite(n);
        let (neg, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exp) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
            None => (text, 0),
        };
        // Digits without the point, and the position of the point after the first digit.
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut digits: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
        let mut point = int_part.len() as i32 + exp;
        while digits.first() == Some(&b'0') && digits.len() > 1 {
            digits.remove(0);
            point -= 1;
        }
        while digits.last() == Some(&b'0') && digits.len() > 1 {
            digits.pop();
        }
        if neg {
            out.push('-');
        }
        let k = digits.len() as i32;
        let push_digits = |out: &mut String, d: &[u8]| {
            out.push_str(std::str::from_utf8(d).unwrap_or(""));
        };
        if k <= point && point <= 21 {
            push_digits(out, &digits);
            for _ in 0..(point - k) {
                out.push('0');
            }
        } else if 0 < point && point <= 21 {
            let (a, b) = digits.split_at(point as usize);
            push_digits(out, a);
            out.push('.');
            push_digits(out, b);
        } else if -6 < point && point <= 0 {
            out.push_str("0.");
            for _ in 0..(-point) {
                out.push('0');
            }
            push_digits(out, &digits);
        } else {
            let (first, rest) = digits.split_at(1);
            push_digits(out, first);
            if !rest.is_empty() {
                out.push('.');
                push_digits(out, rest);
            }
            out.push('e');
            out.push(if point - 1 < 0 { '-' } else { '+' });
            push_int(out, i64::from((point - 1).abs()));
        }
    }

    #[test]
    fn writes_the_same_text_as_the_former_writer() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let check = |n: f64| {
            let mut want = String::new();
            reference_write_js(&mut want, n);
            assert_eq!(js(n), want, "{n:e}");
        };
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            check(f64::from_bits(state));
            // Short decimals and values around the exponent thresholds too.
            let scale = 10f64.powi((state % 60) as i32 - 30);
            check((state >> 40) as f64 / 1000.0 * scale);
        }
        for e in -330..310 {
            for m in [1.0, 1.5, 9.99, 123.456, 5.0] {
                check(m * 10f64.powi(e));
                check(-m * 10f64.powi(e));
            }
        }
    }

    #[test]
    fn formats_large_numbers_digit_by_digit() {
        assert_eq!(format_number(9007199254740993.0), "9,007,199,254,740,992");
        assert_eq!(format_number(1.2345e21), "1,234,500,000,000,000,000,000");
        assert_eq!(format_number(-4.5e17), "-450,000,000,000,000,000");
    }

    #[test]
    fn rounding_a_huge_number_keeps_it_finite() {
        assert_eq!(round(1e307, 4), 1e307);
        assert_eq!(round(-1.5e305, 4), -1.5e305);
        assert_eq!(round(f64::MAX, 2), f64::MAX);
        assert_eq!(round(2.345_67, 2), 2.35);
    }
}
