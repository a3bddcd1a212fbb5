//! Writing `simulate --accounts-out`: CSV and JSON Lines lines come from the library
//! (`upgrade_prompts::audience::accounts_out`, the npm bin's too); Parquet, the native
//! binary's alone, has the same columns (lists `;`-joined, numbers as doubles, empty cells as
//! nulls), a row group per batch of rows written.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use upgrade_prompts::audience::accounts_out::{self, Columns, RowFormat};
use upgrade_prompts::audience::AccountRow;

/// An open `--accounts-out` file.
pub enum Sink {
    /// CSV or JSON Lines.
    Text(BufWriter<File>, RowFormat, Columns),
    /// Parquet.
    Parquet(Box<ArrowWriter<File>>, Arc<Schema>, Columns),
}

fn schema(cols: &Columns) -> Arc<Schema> {
    let fields: Vec<Field> = cols
        .names()
        .into_iter()
        .map(|n| {
            let t = if n == "index" {
                DataType::UInt64
            } else if n.starts_with("daysToLimit.") || n == "monthlyValue" || n == "expectedMrr" {
                DataType::Float64
            } else {
                DataType::Utf8
            };
            let nullable = !matches!(
                n.as_str(),
                "index" | "callouts" | "suppressed" | "monthlyValue"
            );
            Field::new(n, t, nullable)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

impl Sink {
    /// Creates `path` and writes what comes before the rows (the CSV header).
    ///
    /// # Errors
    /// The file cannot be created or written.
    pub fn create(path: &Path, format: RowFormat, cols: Columns) -> Result<Sink, String> {
        let file = File::create(path).map_err(|e| e.to_string())?;
        match format {
            RowFormat::Parquet => {
                let schema = schema(&cols);
                let w = ArrowWriter::try_new(file, Arc::clone(&schema), None)
                    .map_err(|e| e.to_string())?;
                Ok(Sink::Parquet(Box::new(w), schema, cols))
            }
            _ => {
                let mut w = BufWriter::with_capacity(1 << 20, file);
                if format == RowFormat::Csv {
                    w.write_all(accounts_out::csv_header(&cols).as_bytes())
                        .map_err(|e| e.to_string())?;
                }
                Ok(Sink::Text(w, format, cols))
            }
        }
    }

    /// Writes rows.
    ///
    /// # Errors
    /// Writing fails.
    pub fn write(&mut self, rows: &[AccountRow]) -> Result<(), String> {
        if rows.is_empty() {
            return Ok(());
        }
        match self {
            Sink::Text(w, format, cols) => {
                let mut bytes = Vec::with_capacity(rows.len() * 128);
                accounts_out::text_lines(*format, cols, rows, &mut bytes);
                w.write_all(&bytes).map_err(|e| e.to_string())
            }
            Sink::Parquet(w, schema, cols) => {
                let batch = batch(schema, cols, rows)?;
                w.write(&batch).map_err(|e| e.to_string())
            }
        }
    }

    /// Flushes and closes the file.
    ///
    /// # Errors
    /// Writing fails.
    pub fn finish(self) -> Result<(), String> {
        match self {
            Sink::Text(mut w, _, _) => w.flush().map_err(|e| e.to_string()),
            Sink::Parquet(w, _, _) => w.close().map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

fn text(rows: &[AccountRow], f: impl Fn(&AccountRow) -> Option<String>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<StringArray>())
}

fn nums(rows: &[AccountRow], f: impl Fn(&AccountRow) -> Option<f64>) -> ArrayRef {
    Arc::new(rows.iter().map(f).collect::<Float64Array>())
}

/// The rows as one record batch.
fn batch(schema: &Arc<Schema>, cols: &Columns, rows: &[AccountRow]) -> Result<RecordBatch, String> {
    let mut arrays: Vec<ArrayRef> = vec![
        Arc::new(rows.iter().map(|r| r.index).collect::<UInt64Array>()),
        text(rows, |r| r.account_id.clone()),
        text(rows, |r| r.plan.clone()),
        text(rows, |r| Some(accounts_out::callouts_text(r))),
        text(rows, |r| Some(accounts_out::suppressed_text(r))),
    ];
    for m in 0..cols.metrics.len() {
        arrays.push(nums(rows, |r| r.days_to_limit.get(m).copied().flatten()));
    }
    arrays.push(nums(rows, |r| Some(r.monthly_value)));
    if cols.rates {
        arrays.push(nums(rows, |r| r.expected_mrr));
    }
    arrays.push(text(rows, |r| r.error.map(|c| c.as_str().to_owned())));
    RecordBatch::try_new(Arc::clone(schema), arrays).map_err(|e| e.to_string())
}
