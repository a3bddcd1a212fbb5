//! CSV output: every CSV the project writes goes through [`push_cell`], which keeps a
//! spreadsheet from reading a cell as a formula and quotes the cell as RFC 4180 requires.
//!
//! Ids, plan names and labels come from the people who wrote the accounts and the catalog; a
//! cell such as `=HYPERLINK("http://…")` or `@SUM(A1)` would run as a formula when the file is
//! opened in a spreadsheet. Such a cell is written with a leading `'`, which spreadsheets
//! take as "this is text" (the rule OWASP recommends against CSV injection).

/// Whether `cell` is a number in JSON syntax with a minus sign (`-3`, `-12.5`, `-1e3`).
fn is_negative_number(cell: &str) -> bool {
    let b = cell.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let digits = |mut i: usize| {
        let start = i;
        while matches!(at(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        (i > start).then_some(i)
    };
    if at(0) != Some(b'-') {
        return false;
    }
    let Some(mut i) = digits(1) else {
        return false;
    };
    if at(i) == Some(b'.') {
        let Some(j) = digits(i + 1) else {
            return false;
        };
        i = j;
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(at(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let Some(j) = digits(i) else {
            return false;
        };
        i = j;
    }
    i == b.len()
}

/// Whether a spreadsheet could read `cell` as a formula: it begins with `=`, `+`, `-`, `@`, a
/// tab or a carriage return, and is not a plain negative number.
pub fn is_formula(cell: &str) -> bool {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r') => true,
        Some(b'-') => !is_negative_number(cell),
        _ => false,
    }
}

/// Appends one CSV cell to `out`: the one place where the project turns a value into CSV.
///
/// - A cell a spreadsheet could read as a formula — one beginning with `=`, `+`, `-`, `@`, a
///   tab (0x09) or a carriage return (0x0D) — gets a leading `'`, so it is shown as the text
///   it is (`+100k API calls` becomes `'+100k API calls`). This holds for every cell, whoever
///   wrote it: an account id, a plan or add-on label, a rule id.
/// - The one exception is a plain negative number in JSON syntax (`-3`, `-12.5`, `-1e3`): a
///   spreadsheet reads it as that number and nothing more, so it cannot start a formula, and
///   the report's own negative amounts (a downsell's monthly delta) stay numbers. `-2+3` or
///   `-1+cmd|…` is not such a number and gets the quote.
/// - Then the cell is quoted when it holds a comma, a double quote, a line feed or a carriage
///   return, with each double quote doubled (RFC 4180).
pub fn push_cell(out: &mut String, cell: &str) {
    let formula = is_formula(cell);
    let quote = cell.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        for (i, part) in cell.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// One CSV row of `cells` separated by commas, without a line ending (the caller chooses
/// `\n` or `\r\n`). A row of one empty cell is written `""`, so it is not read as a blank line.
pub fn row<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    let mut count = 0;
    for cell in cells {
        if count > 0 {
            out.push(',');
        }
        push_cell(&mut out, cell);
        count += 1;
    }
    if count == 1 && out.is_empty() {
        out.push_str("\"\"");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str) -> String {
        let mut out = String::new();
        push_cell(&mut out, s);
        out
    }

    #[test]
    fn formula_cells_get_a_quote_mark() {
        for (input, expected) in [
            (
                "=HYPERLINK(\"http://example.invalid\",\"open\")",
                "\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"open\"\")\"",
            ),
            ("+1", "'+1"),
            ("+100k API calls", "'+100k API calls"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
            ("\t=1", "'\t=1"),
            ("\r=1", "\"'\r=1\""),
            ("=1,2", "\"'=1,2\""),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("-5.", "'-5."),
            ("-1e", "'-1e"),
            ("- 1", "'- 1"),
        ] {
            assert_eq!(cell(input), expected, "{input:?}");
        }
    }

    #[test]
    fn other_cells_are_written_as_csv() {
        for (input, expected) in [
            ("", ""),
            ("acct_1", "acct_1"),
            ("Team", "Team"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("48", "48"),
            ("-12", "-12"),
            ("-12.5", "-12.5"),
            ("-1e3", "-1e3"),
            ("-0", "-0"),
            (" =1", " =1"),
            ("a=1", "a=1"),
        ] {
            assert_eq!(cell(input), expected, "{input:?}");
        }
    }

    #[test]
    fn rows() {
        assert_eq!(row(["a", "+b", "c,d", "-3"]), "a,'+b,\"c,d\",-3");
        assert_eq!(row([""]), "\"\"");
        assert_eq!(row(["", ""]), ",");
        assert_eq!(row(std::iter::empty()), "");
    }
}
