//! Timestamps: RFC 3339 parsing to milliseconds since the Unix epoch, and day arithmetic.
//!
//! Hand-written (about a hundred lines) rather than a date crate: the engine needs only parsing
//! of `2026-11-24T09:00:00Z`-style strings and whole-day differences, not calendars or zones.

/// Milliseconds in a day.
pub const DAY_MS: f64 = 86_400_000.0;

pub use super::vocab::Period;

/// Parses an RFC 3339 timestamp (`2026-11-24T09:00:00Z`, `2026-11-24T18:00:00.5+09:00`) or a
/// plain date (`2026-11-24`, midnight UTC) into milliseconds since the Unix epoch.
pub fn parse(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let year = num(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(b, 5, 2)?;
    let day = num(b, 8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Some(days as f64 * DAY_MS);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
        return None;
    }
    let hour = num(b, 11, 2)?;
    let minute = num(b, 14, 2)?;
    let (second, mut i) = if b.get(16) == Some(&b':') {
        (num(b, 17, 2)?, 19)
    } else {
        (0, 16)
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut millis = 0.0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100.0;
        while let Some(d) = b.get(i).filter(|c| c.is_ascii_digit()) {
            millis += f64::from(d - b'0') * scale;
            scale /= 10.0;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
            let oh = num(b, i + 1, 2)?;
            let om = num(b, i + 4, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Some(secs as f64 * 1000.0 + millis.floor())
}

/// Latest instant the engine accepts: 9999-12-31T23:59:59.999Z.
pub const MAX_MS: f64 = 253_402_300_799_999.0;

/// Whether `ms` is an instant from 1970 to 9999 (events outside are refused, so one bad
/// timestamp cannot push real ones out of the state).
pub fn in_range(ms: f64) -> bool {
    (0.0..=MAX_MS).contains(&ms)
}

/// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC).
pub fn format(ms: f64) -> String {
    let secs = (ms / 1000.0).floor() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(20);
    let two = |out: &mut String, n: i64, sep: char| {
        out.push(char::from(b'0' + (n / 10 % 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
        out.push(sep);
    };
    // Years outside 0000–9999 (a period that ends after 9999) use the expanded form JavaScript's
    // `Date` reads: a sign and six digits.
    let expanded = !(0..=9999).contains(&y);
    if expanded {
        out.push(if y < 0 { '-' } else { '+' });
    }
    let digits = y.unsigned_abs().to_string();
    for _ in digits.len()..(if expanded { 6 } else { 4 }) {
        out.push('0');
    }
    out.push_str(&digits);
    out.push('-');
    two(&mut out, m, '-');
    two(&mut out, d, 'T');
    two(&mut out, rem / 3600, ':');
    two(&mut out, rem % 3600 / 60, ':');
    two(&mut out, rem % 60, 'Z');
    out
}

/// Formats milliseconds since the epoch as the UTC date `YYYY-MM-DD`.
pub fn format_date(ms: f64) -> String {
    let mut s = format(ms);
    if let Some(t) = s.bytes().position(|b| b == b'T') {
        s.truncate(t);
    }
    s
}

/// The UTC calendar window (start, end) of `period` that contains `now`: a day, a week from
/// Monday, a month or a year.
pub fn period_window(period: Period, now: f64) -> (f64, f64) {
    let days = (now / DAY_MS).floor() as i64;
    let (y, m, _) = civil_from_days(days);
    let (start, end) = match period {
        Period::Day => (days, days + 1),
        Period::Week => {
            // 1970-01-01 was a Thursday: Monday-based weekday = (days + 3) mod 7.
            let start = days - (days + 3).rem_euclid(7);
            (start, start + 7)
        }
        Period::Month => {
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            (days_from_civil(y, m, 1), days_from_civil(ny, nm, 1))
        }
        Period::Year => (days_from_civil(y, 1, 1), days_from_civil(y + 1, 1, 1)),
    };
    (start as f64 * DAY_MS, end as f64 * DAY_MS)
}

fn num(b: &[u8], start: usize, len: usize) -> Option<i64> {
    let digits = b.get(start..start + len)?;
    digits.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse("1970-01-02"), Some(DAY_MS));
        assert_eq!(parse("2026-11-24T09:00:00Z"), Some(1_795_510_800_000.0));
        assert_eq!(
            parse("2026-11-24T18:00:00+09:00"),
            parse("2026-11-24T09:00:00Z")
        );
        assert_eq!(parse("2026-11-24T09:00:00.250Z"), Some(1_795_510_800_250.0));
        assert_eq!(
            parse("2024-02-29T00:00:00Z").map(format),
            Some("2024-02-29T00:00:00Z".into())
        );
        for bad in [
            "",
            "2026-13-01",
            "2026-02-30",
            "2026-11-24T25:00:00Z",
            "2026-11-24T09:00:00",
            "tomorrow",
            "2026-11-24T09:00:00Zjunk",
            "2026-11-24T09:00:00.Z",
            "２０２６-11-24",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn period_windows() {
        let now = parse("2026-11-24T09:00:00Z").unwrap();
        let w = |p| {
            let (s, e) = period_window(p, now);
            (format(s), format(e))
        };
        assert_eq!(
            w(Period::Month),
            ("2026-11-01T00:00:00Z".into(), "2026-12-01T00:00:00Z".into())
        );
        assert_eq!(
            w(Period::Week),
            ("2026-11-23T00:00:00Z".into(), "2026-11-30T00:00:00Z".into())
        );
        assert_eq!(
            w(Period::Day),
            ("2026-11-24T00:00:00Z".into(), "2026-11-25T00:00:00Z".into())
        );
        assert_eq!(
            w(Period::Year),
            ("2026-01-01T00:00:00Z".into(), "2027-01-01T00:00:00Z".into())
        );
        let dec = parse("2026-12-31T23:59:59Z").unwrap();
        assert_eq!(
            format(period_window(Period::Month, dec).1),
            "2027-01-01T00:00:00Z"
        );
    }

    #[test]
    fn years_past_9999_use_the_expanded_form() {
        let end = period_window(Period::Month, parse("9999-12-31T23:59:59Z").unwrap()).1;
        assert_eq!(format(end), "+010000-01-01T00:00:00Z");
    }

    #[test]
    fn round_trips_many_days() {
        for day in (-700_000i64..2_900_000).step_by(997) {
            let s = format(day as f64 * DAY_MS);
            assert_eq!(parse(&s), Some(day as f64 * DAY_MS), "{s}");
        }
    }
}
