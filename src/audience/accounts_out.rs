//! `simulate --accounts-out FILE`: one row per account for BI tools, as CSV (RFC 4180, every
//! cell through [`crate::base::csv::row`]) or JSON Lines; the native binary also writes
//! Parquet with the same columns. The format comes from the file's extension.
//!
//! Columns: `index`, `accountId`, `plan`, `callouts` (the shown callout ids in rank order),
//! `suppressed` (`<callout>:<reason>` pairs), `daysToLimit.<metric>` (one per metric of the
//! catalog, empty when the trend does not reach the limit within the horizon), `monthlyValue`
//! (the sum of the shown callouts' targets' monthly deltas), `expectedMrr` (with `--rates`
//! only) and `error` (the code of the account's first problem). Lists are `;`-joined text in
//! CSV and Parquet, arrays in JSON Lines.

use super::row::AccountRow;
use crate::base::num::js;
use crate::base::out::{Out, ToJson};

/// The formats of `--accounts-out`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFormat {
    /// `.csv`.
    Csv,
    /// `.jsonl`, `.ndjson`.
    Jsonl,
    /// `.parquet` (the native binary only).
    Parquet,
}

impl RowFormat {
    /// The format of a file name, by its extension (any case).
    pub fn from_name(name: &str) -> Option<RowFormat> {
        let (_, ext) = name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(RowFormat::Csv),
            "jsonl" | "ndjson" => Some(RowFormat::Jsonl),
            "parquet" => Some(RowFormat::Parquet),
            _ => None,
        }
    }
}

/// `--accounts-out`'s format, or the message of an `invalid_argument` error.
///
/// # Errors
/// The extension is none of `.csv`, `.jsonl`, `.ndjson`, `.parquet`.
pub fn check(name: &str) -> Result<RowFormat, String> {
    RowFormat::from_name(name).ok_or_else(|| {
        format!(
            "cannot tell the format of `--accounts-out {name}` from its extension; use .csv, .jsonl, .ndjson or .parquet"
        )
    })
}

/// The columns of the rows of one simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct Columns {
    /// The catalog's metric ids (a `daysToLimit.<metric>` column each).
    pub metrics: Vec<String>,
    /// Whether there is an `expectedMrr` column (`--rates`).
    pub rates: bool,
}

impl Columns {
    /// The column names, in order.
    pub fn names(&self) -> Vec<String> {
        let mut n: Vec<String> = ["index", "accountId", "plan", "callouts", "suppressed"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        n.extend(self.metrics.iter().map(|m| format!("daysToLimit.{m}")));
        n.push("monthlyValue".to_owned());
        if self.rates {
            n.push("expectedMrr".to_owned());
        }
        n.push("error".to_owned());
        n
    }
}

/// The shown callout ids, `;`-joined.
pub fn callouts_text(row: &AccountRow) -> String {
    row.callouts.join(";")
}

/// The suppressed callouts as `<callout>:<reason>`, `;`-joined.
pub fn suppressed_text(row: &AccountRow) -> String {
    let pairs: Vec<String> = row
        .suppressed
        .iter()
        .map(|(c, r)| format!("{c}:{}", r.as_str()))
        .collect();
    pairs.join(";")
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(String::new, js)
}

/// The CSV header line (with its line end).
pub fn csv_header(cols: &Columns) -> String {
    let names = cols.names();
    let mut s = crate::base::csv::row(names.iter().map(String::as_str));
    s.push('\n');
    s
}

/// One row as a CSV line (with its line end).
pub fn csv_line(cols: &Columns, row: &AccountRow) -> String {
    let mut cells = vec![
        row.index.to_string(),
        row.account_id.clone().unwrap_or_default(),
        row.plan.clone().unwrap_or_default(),
        callouts_text(row),
        suppressed_text(row),
    ];
    cells.extend(row.days_to_limit.iter().map(|d| num(*d)));
    cells.push(js(row.monthly_value));
    if cols.rates {
        cells.push(num(row.expected_mrr));
    }
    cells.push(row.error.map(|c| c.as_str()).unwrap_or_default().to_owned());
    let mut s = crate::base::csv::row(cells.iter().map(String::as_str));
    s.push('\n');
    s
}

/// One row as a JSON Lines line (with its line end).
pub fn jsonl_line(cols: &Columns, row: &AccountRow) -> String {
    let mut out = Out::new();
    {
        let mut o = out.obj();
        o.field("index", &row.index)
            .field("accountId", &row.account_id)
            .field("plan", &row.plan)
            .field("callouts", &row.callouts);
        let list = o.key("suppressed");
        list.raw("[");
        for (i, (c, r)) in row.suppressed.iter().enumerate() {
            if i > 0 {
                list.raw(",");
            }
            list.obj()
                .field("callout", c)
                .field("reason", r.as_str())
                .end();
        }
        list.raw("]");
        for (m, d) in cols.metrics.iter().zip(&row.days_to_limit) {
            d.write(o.key_text(&format!("daysToLimit.{m}")));
        }
        o.field("monthlyValue", &row.monthly_value);
        if cols.rates {
            o.field("expectedMrr", &row.expected_mrr);
        }
        o.field("error", &row.error.map(|c| c.as_str())).end();
    }
    let mut s = out.finish();
    s.push('\n');
    s
}

/// Rows in `format` (CSV or JSON Lines; nothing for Parquet, which the native binary writes).
pub fn text_lines(format: RowFormat, cols: &Columns, rows: &[AccountRow], out: &mut Vec<u8>) {
    for row in rows {
        let line = match format {
            RowFormat::Csv => csv_line(cols, row),
            RowFormat::Jsonl => jsonl_line(cols, row),
            RowFormat::Parquet => return,
        };
        out.extend_from_slice(line.as_bytes());
    }
}
