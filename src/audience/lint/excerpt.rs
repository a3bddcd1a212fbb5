//! A problem's source line as a terminal shows it, with the caret line under it: tabs as four
//! spaces, a byte order mark as a space, the characters a terminal or a CI log would act on
//! as `\u{…}` escapes (see `report::printable`), East Asian wide characters and emoji two
//! columns wide, and a line wider than [`MAX_SHOWN_WIDTH`] columns cut to a window around the
//! caret, marked with `…` where it is cut. Only that window is read of a long line, so a
//! one-line (minified) file costs the same per problem as a formatted one.

use crate::audience::report::is_hidden;

/// Source lines wider than this many columns are cut around the caret.
pub(super) const MAX_SHOWN_WIDTH: usize = 120;

/// Columns of a cut line shown before the caret.
const SHOWN_BEFORE: usize = 40;

/// A source line as shown, and where its caret goes.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Excerpt {
    /// The line (or the window of it) as shown.
    pub shown: String,
    /// Columns before the caret.
    pub caret_pad: usize,
    /// Columns the caret spans (at least one).
    pub caret_width: usize,
}

/// East Asian Wide and Fullwidth characters, and emoji: two terminal columns.
fn is_wide(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x115f | 0x2e80..=0x303e | 0x3041..=0x33ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff
        | 0xa000..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xfe30..=0xfe4f | 0xff00..=0xff60
        | 0xffe0..=0xffe6 | 0x1f300..=0x1f64f | 0x1f900..=0x1f9ff | 0x20000..=0x3fffd)
}

/// The columns a character takes as shown.
fn width(c: char) -> usize {
    match c {
        '\t' => 4,
        '\u{feff}' => 1,
        c if is_hidden(c) => escape_len(c),
        c if is_wide(c) => 2,
        _ => 1,
    }
}

/// The length of `\u{…}` for `c`.
fn escape_len(c: char) -> usize {
    let digits = (32 - u32::from(c).leading_zeros()).div_ceil(4).max(1);
    digits as usize + 4
}

/// Appends a character as shown.
fn push_shown(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("    "),
        '\u{feff}' => out.push(' '),
        c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// The excerpt of `line` (without its line end) for a problem from byte `start` to byte
/// `end` of it (`end` is the line's length when the problem goes on past the line). A problem
/// at the end of the line, or an empty one, gets a caret one column wide.
pub(super) fn excerpt(line: &str, start: usize, end: usize) -> Excerpt {
    let mut first = start.min(line.len());
    while !line.is_char_boundary(first) {
        first += 1;
    }
    let mut seen = 0;
    let cut = line.chars().any(|c| {
        seen += width(c);
        seen > MAX_SHOWN_WIDTH
    });
    let (from, to) = if cut {
        window(line, first)
    } else {
        (0, line.len())
    };
    let head = if from > 0 { "…" } else { "" };
    let tail = if to < line.len() { "…" } else { "" };
    let mut shown = String::from(head);
    let mut caret_pad = usize::from(from > 0);
    let mut caret_width = 0;
    let mut at_first = true;
    for (i, c) in line.get(from..to).unwrap_or("").char_indices() {
        let at = from + i;
        push_shown(&mut shown, c);
        if at < first {
            caret_pad += width(c);
        } else if at_first || at < end {
            // The first character at the start is under the caret, and those before `end`.
            caret_width += width(c);
            at_first = false;
        }
    }
    shown.push_str(tail);
    Excerpt {
        shown,
        caret_pad,
        caret_width: caret_width.max(1),
    }
}

/// The byte range of a long line shown: from [`SHOWN_BEFORE`] columns before `first`, then
/// [`MAX_SHOWN_WIDTH`] columns on (each side stops at the first character that reaches the
/// width).
fn window(line: &str, first: usize) -> (usize, usize) {
    let mut from = first;
    let mut w = 0;
    for (i, c) in line.get(..first).unwrap_or("").char_indices().rev() {
        if w >= SHOWN_BEFORE {
            break;
        }
        w += width(c);
        from = i;
    }
    let mut to = from;
    w = 0;
    for c in line.get(from..).unwrap_or("").chars() {
        if w >= MAX_SHOWN_WIDTH {
            break;
        }
        w += width(c);
        to += c.len_utf8();
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn carets(e: &Excerpt) -> String {
        format!("{}{}", " ".repeat(e.caret_pad), "^".repeat(e.caret_width))
    }

    #[test]
    fn a_short_line_is_shown_whole_with_the_caret_under_the_span() {
        let line = r#"  "features": ["reprts"],"#;
        let s = line.find("\"reprts\"").unwrap();
        let e = excerpt(line, s, s + 8);
        assert_eq!(e.shown, line);
        assert_eq!(carets(&e), "               ^^^^^^^^");
    }

    #[test]
    fn wide_characters_take_two_columns_and_tabs_four() {
        let line = "\t\"席中{usage.x}\"";
        let s = line.find('{').unwrap();
        let e = excerpt(line, s, s + "{usage.x}".len());
        assert_eq!(e.shown, "    \"席中{usage.x}\"");
        assert_eq!((e.caret_pad, e.caret_width), (9, 9));
    }

    #[test]
    fn control_and_bidi_characters_are_escaped_and_counted_as_shown() {
        let line = "a\u{1b}[2J\u{202e}b\u{feff}c";
        let s = line.find('c').unwrap();
        let e = excerpt(line, s, s + 1);
        assert_eq!(e.shown, "a\\u{1b}[2J\\u{202e}b c");
        assert_eq!(
            carets(&e),
            format!("{}^", " ".repeat(e.shown.chars().count() - 1))
        );
        assert_eq!(escape_len('\u{0}'), 5);
        assert_eq!(escape_len('\u{10ffff}'), 10);
    }

    #[test]
    fn an_empty_span_or_one_at_the_end_gets_one_caret() {
        assert_eq!(
            excerpt("", 0, 0),
            Excerpt {
                shown: String::new(),
                caret_pad: 0,
                caret_width: 1
            }
        );
        let e = excerpt("ab", 2, 2);
        assert_eq!((e.caret_pad, e.caret_width), (2, 1));
        let e = excerpt("abc", 1, 1);
        assert_eq!((e.caret_pad, e.caret_width), (1, 1));
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let line = format!("{}TARGET{}", "x".repeat(5000), "y".repeat(5000));
        let s = line.find("TARGET").unwrap();
        let e = excerpt(&line, s, s + 6);
        assert!(e.shown.starts_with('…') && e.shown.ends_with('…'));
        assert_eq!(e.shown.chars().count(), MAX_SHOWN_WIDTH + 2);
        let caret_at: String = e
            .shown
            .chars()
            .skip(e.caret_pad)
            .take(e.caret_width)
            .collect();
        assert_eq!(caret_at, "TARGET");
        assert_eq!(e.caret_pad, SHOWN_BEFORE + 1);
        // Near the start: no mark before.
        let e = excerpt(&line, 3, 4);
        assert!(!e.shown.starts_with('…'));
        assert_eq!(e.caret_pad, 3);
        // A span longer than the window: the caret stops where the window does.
        let e = excerpt(&line, 0, line.len());
        assert_eq!(e.caret_width, MAX_SHOWN_WIDTH);
    }

    #[test]
    fn a_line_of_wide_characters_is_cut_by_columns() {
        let line = "席".repeat(100);
        let s = 3 * 50;
        let e = excerpt(&line, s, s + 3);
        assert_eq!(e.caret_pad, 1 + SHOWN_BEFORE);
        assert_eq!(e.caret_width, 2);
        assert_eq!(e.shown.chars().count(), 2 + MAX_SHOWN_WIDTH / 2);
    }
}
