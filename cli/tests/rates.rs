//! `simulate --rates` (revenue sizing from `analyze`'s measured rates), `--accounts-out`
//! (one row per account as CSV, JSON Lines and Parquet) and `--format reach-csv`, run through
//! the native binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::{Array, StringArray, UInt64Array};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;

const NOW: &str = "2026-11-24T09:00:00Z";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_upgrade-prompts"))
}

fn config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/product-example.json")
}

/// A temporary directory with 300 generated accounts (`accounts.jsonl`) and their demo event
/// log (`events.jsonl`).
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "upgrade-prompts-rates-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let out = bin()
        .args([
            "generate",
            "--accounts",
            "300",
            "--seed",
            "3",
            "--now",
            NOW,
            "--config",
        ])
        .arg(config())
        .arg("--out")
        .arg(dir.join("accounts.jsonl"))
        .arg("--events")
        .arg(dir.join("events.jsonl"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn simulate(dir: &Path, more: &[&str]) -> Output {
    bin()
        .args(["simulate", "--now", NOW, "-q", "--config"])
        .arg(config())
        .arg("--accounts")
        .arg(dir.join("accounts.jsonl"))
        .args(more)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn rule<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == id)
        .unwrap()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn a_hand_written_rate_sizes_a_rule_and_a_rule_without_one_says_so() {
    let dir = workdir("hand");
    // 1 conversion in 10 impressions: rate 0.1, Wilson 95 % interval 0.0178762… to 0.4041500…
    // (written by hand from the formula). Another catalog's callout is a warning.
    let rates = r#"{"callouts": [{"id": "usage_limit:seats", "impressions": 10, "conversions": 1},
                                 {"id": "gone", "impressions": 4, "conversions": 1}]}"#;
    std::fs::write(dir.join("rates.json"), rates).unwrap();
    let out = simulate(&dir, &["--rates", "rates.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("rates.json: warning[unknown_callout] at `callouts`: 1 of 2 callouts with a rate are unknown to the catalog"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rates"], "rates.json");
    let limits = &rule(&report, "builtin:usage_limit")["expectedMrr"];
    let used = &limits["rates"][0];
    assert_eq!(used["callout"], "usage_limit:seats");
    let delta = used["monthlyDelta"].as_f64().unwrap();
    assert!(delta > 0.0);
    close(limits["value"].as_f64().unwrap(), 0.1 * delta);
    close(
        limits["low"].as_f64().unwrap(),
        0.017_876_213_095_072_896 * delta,
    );
    close(
        limits["high"].as_f64().unwrap(),
        0.404_150_026_795_238_5 * delta,
    );
    assert!(
        limits["unratedCallouts"].as_u64().unwrap() > 0,
        "api_calls has no rate"
    );
    let seats = &rule(&report, "seats-near-limit")["expectedMrr"];
    assert_eq!(seats["value"], Value::Null);
    assert_eq!(seats["reason"], "no measured rate");
    // The table says the same.
    let table = String::from_utf8(simulate(&dir, &["--rates", "rates.json"]).stdout).unwrap();
    assert!(
        table.contains("  rates from rates.json (expected MRR"),
        "{table}"
    );
    let line = table
        .lines()
        .find(|l| l.starts_with("  seats-near-limit"))
        .unwrap();
    assert!(line.contains("no measured rate"), "{line}");
}

#[test]
fn the_rates_of_analyze_are_read() {
    let dir = workdir("analyze");
    let out = bin()
        .args(["analyze", "--format", "json", "--config"])
        .arg(config())
        .args(["--events", "events.jsonl"])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::write(dir.join("rates.json"), &out.stdout).unwrap();
    let out = simulate(&dir, &["--rates", "rates.json", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let seats = &rule(&report, "seats-near-limit")["expectedMrr"];
    assert_eq!(seats["source"], "conversions/impressions");
    assert_eq!(seats["rates"][0]["callout"], "seats-near-limit");
    assert!(seats["value"].is_number());
}

#[test]
fn bad_rates_files_are_coded_errors_with_a_path() {
    let dir = workdir("bad");
    for (text, expected) in [
        ("{ nope", "error[invalid_json]"),
        ("[1]", "error[invalid_type]: expected the object"),
        ("{}", "error[missing_field] at `callouts`"),
        (r#"{"callouts": {}}"#, "error[invalid_type] at `callouts`"),
        (
            r#"{"callouts": [{"id": "a", "impressions": 1.5, "conversions": 0}]}"#,
            "error[invalid_number] at `callouts[0].impressions`",
        ),
        (
            r#"{"callouts": [3]}"#,
            "error[invalid_type] at `callouts[0]`",
        ),
    ] {
        std::fs::write(dir.join("bad.json"), text).unwrap();
        let out = simulate(&dir, &["--rates", "bad.json"]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains(expected), "{text}: {stderr}");
        assert!(
            stderr.contains("is not the JSON report of `analyze`"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
    let out = simulate(&dir, &["--rates", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    // More conversions than impressions: a warning, and that callout has no rate.
    std::fs::write(
        dir.join("odd.json"),
        r#"{"callouts": [{"id": "seats-near-limit", "impressions": 1, "conversions": 2}]}"#,
    )
    .unwrap();
    let out = simulate(&dir, &["--rates", "odd.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("warning[invalid_value] at `callouts[0].conversions`"));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rule(&report, "seats-near-limit")["expectedMrr"]["reason"],
        "no measured rate"
    );
}

#[test]
fn accounts_out_writes_one_row_per_account_in_every_format() {
    let dir = workdir("rows");
    std::fs::write(
        dir.join("rates.json"),
        r#"{"callouts": [{"id": "usage_limit:seats", "impressions": 10, "conversions": 1}]}"#,
    )
    .unwrap();
    let rates = ["--rates", "rates.json", "--threads", "3"];
    let out = simulate(
        &dir,
        &[&rates[..], &["--accounts-out", "rows.csv"]].concat(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.join("rows.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 301);
    assert_eq!(lines[0], "index,accountId,plan,callouts,suppressed,daysToLimit.seats,daysToLimit.api_calls,monthlyValue,expectedMrr,error");
    // The first account: usage_limit:seats shown (36 a month, so 0.1 × 36 expected), the seat
    // rule held back as a duplicate target, already at its seat limit.
    assert_eq!(
        lines[1],
        "1,acct_1,free,usage_limit:seats,seats-near-limit:duplicate_target,0,,36,3.6,"
    );
    // Input order, whatever the threads.
    for (i, l) in lines.iter().skip(1).enumerate() {
        assert!(l.starts_with(&format!("{},acct_{},", i + 1, i + 1)), "{l}");
    }
    assert_eq!(
        simulate(
            &dir,
            &[&rates[..], &["--accounts-out", "rows.ndjson"]].concat()
        )
        .status
        .code(),
        Some(0)
    );
    let jsonl = std::fs::read_to_string(dir.join("rows.ndjson")).unwrap();
    let rows: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 300);
    assert_eq!(
        rows[0]["callouts"],
        serde_json::json!(["usage_limit:seats"])
    );
    assert_eq!(rows[0]["suppressed"][0]["reason"], "duplicate_target");
    assert_eq!(rows[0]["daysToLimit.seats"], 0);
    assert_eq!(rows[0]["expectedMrr"], 3.6);
    assert_eq!(
        simulate(
            &dir,
            &[&rates[..], &["--accounts-out", "rows.parquet"]].concat()
        )
        .status
        .code(),
        Some(0)
    );
    let file = std::fs::File::open(dir.join("rows.parquet")).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(Result::unwrap).collect();
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 300);
    let first = &batches[0];
    let index = first
        .column_by_name("index")
        .unwrap()
        .as_any()
        .downcast_ref::<UInt64Array>()
        .unwrap();
    let callouts = first
        .column_by_name("callouts")
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    assert_eq!(
        (index.value(0), callouts.value(0)),
        (1, "usage_limit:seats")
    );
    assert!(first
        .column_by_name("daysToLimit.api_calls")
        .unwrap()
        .is_null(0));
    // An unknown extension is a usage error.
    let out = simulate(&dir, &["--accounts-out", "rows.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("upgrade-prompts: error[invalid_argument]: cannot tell the format of `--accounts-out rows.txt`"));
}

#[test]
fn reach_csv_has_a_header_and_a_row_per_rule() {
    let dir = workdir("reach");
    let out = simulate(&dir, &["--format", "reach-csv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "rule,kind,builtin,matched,shown,other_placement,suppressed,suppressed_by_reason"
    );
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[1].starts_with("seats-near-limit,seat_expansion,false,60,5,0,55,readiness:health:9;"),
        "{text}"
    );
}
