//! `upgrade-prompts analyze` end to end: one event log as JSON Lines, CSV and Parquet (written
//! here from the JSON Lines, the Parquet one with typed columns and a timestamp `at`) gives
//! one report; bad rows of each format are located and coded; `generate --events` writes the
//! library's demo log; a golden table of a generated log; exit codes and `--help`.
//!
//! `UPDATE_GOLDEN=1 cargo test -p upgrade-prompts-cli` rewrites the golden files.

// Test helpers may panic: a failed step fails the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use arrow_array::TimestampMillisecondArray;
use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_upgrade-prompts");
const NOW: &str = "2026-11-24T09:00:00Z";
const FIELDS: [&str; 10] = [
    "type",
    "at",
    "unit",
    "callout",
    "experiment",
    "arm",
    "placement",
    "kind",
    "target",
    "mrrDelta",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn config() -> String {
    root()
        .join("../www/samples/team.json")
        .to_str()
        .unwrap()
        .to_owned()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn analyze(dir: &Path, events: &str, extra: &[&str]) -> Output {
    let config = config();
    let mut args = vec![
        "analyze", "--config", &config, "--events", events, "--quiet",
    ];
    args.extend_from_slice(extra);
    run_in(dir, &args)
}

fn json_report(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stderr)))
}

/// Compares with a golden file, or rewrites it under `UPDATE_GOLDEN=1`.
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/fixtures/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden {name}; run with UPDATE_GOLDEN=1"));
    assert_eq!(
        actual, expected,
        "golden {name} differs (UPDATE_GOLDEN=1 rewrites it)"
    );
}

/// A clean log: exposures in three arms, conversions before and after them in the file, the
/// program holdout, callouts with and without a placement.
fn events() -> Vec<Value> {
    let at = |d: u32, h: u32| format!("2026-11-{d:02}T{h:02}:00:00Z");
    let mut out = Vec::new();
    for i in 0..60u32 {
        let unit = format!("acct_{i}");
        let arm = ["holdout", "control", "roi"][(i % 3) as usize];
        if i % 4 == 0 {
            out.push(
                serde_json::json!({"type": "convert", "at": at(10, i % 24), "unit": unit,
                "callout": "seats-near-limit", "target": "team", "mrrDelta": f64::from(i) + 0.5}),
            );
        }
        out.push(
            serde_json::json!({"type": "exposure", "at": at(2, i % 24), "unit": unit,
            "callout": "seats-near-limit", "experiment": "seat-copy", "arm": arm}),
        );
        out.push(serde_json::json!({"type": "impression", "at": at(3, 1), "unit": unit,
            "callout": "reports-cross-sell", "placement": if i % 2 == 0 { "inline" } else { "modal" }}));
        if i % 5 == 0 {
            out.push(
                serde_json::json!({"type": "convert", "at": at(4, 0), "unit": unit,
                "target": "reports_plus"}),
            );
            out.push(
                serde_json::json!({"type": "exposure", "at": at(1, 0), "unit": unit,
                "callout": "seats-near-limit", "experiment": "$program",
                "arm": if i % 2 == 0 { "holdout" } else { "exposed" }}),
            );
        }
    }
    out
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn write_jsonl(path: &Path, events: &[Value]) {
    let lines: Vec<String> = events.iter().map(Value::to_string).collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn write_csv(path: &Path, events: &[Value]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(FIELDS).unwrap();
    for e in events {
        w.write_record(FIELDS.iter().map(|f| cell(&e[*f]))).unwrap();
    }
    w.flush().unwrap();
}

/// Parquet: text columns, `at` as a millisecond timestamp, `mrrDelta` as a double.
fn write_parquet(path: &Path, events: &[Value]) {
    let mut columns: Vec<(&str, ArrayRef)> = Vec::new();
    for f in FIELDS {
        let array: ArrayRef = match f {
            "at" => Arc::new(
                TimestampMillisecondArray::from(
                    events
                        .iter()
                        .map(|e| {
                            let s = e["at"].as_str().unwrap();
                            Some(upgrade_prompts::base::date::parse(s).unwrap() as i64)
                        })
                        .collect::<Vec<_>>(),
                )
                .with_timezone("UTC"),
            ),
            "mrrDelta" => Arc::new(Float64Array::from(
                events.iter().map(|e| e[f].as_f64()).collect::<Vec<_>>(),
            )),
            _ => Arc::new(StringArray::from(
                events
                    .iter()
                    .map(|e| e[f].as_str().map(str::to_owned))
                    .collect::<Vec<_>>(),
            )),
        };
        columns.push((f, array));
    }
    write_batch(path, columns);
}

fn write_batch(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    ));
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn one_log_in_three_formats_gives_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let events = events();
    write_jsonl(&dir.path().join("events.jsonl"), &events);
    write_csv(&dir.path().join("events.csv"), &events);
    write_parquet(&dir.path().join("events.parquet"), &events);
    let mut reports = Vec::new();
    for f in ["events.jsonl", "events.csv", "events.parquet"] {
        let o = analyze(dir.path(), f, &["--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{f}: {}", text(&o.stderr));
        reports.push(json_report(&o));
    }
    assert_eq!(reports[0], reports[1], "JSON Lines vs CSV");
    assert_eq!(reports[0], reports[2], "JSON Lines vs Parquet");
    let r = &reports[0];
    assert_eq!(r["totals"]["badLines"], 0);
    assert_eq!(r["experiments"][0]["units"], 60);
    assert_eq!(r["program"]["units"], 12);
    // Conversions in the file before their exposure (in time after it) are credited.
    let converted: u64 = r["experiments"][0]["arms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["converted"].as_u64().unwrap())
        .sum();
    assert_eq!(converted, 15 + 9);
    // The same with a window, and as the CSV of the arms.
    let o = analyze(
        dir.path(),
        "events.parquet",
        &["--from", "2026-11-02", "--format", "csv"],
    );
    let csv = text(&o.stdout);
    assert!(
        csv.starts_with("experiment,arm,holdout,expected_share,units,"),
        "{csv}"
    );
    // (The program's exposures, on November 1, are outside the window: no `$program` rows.)
    assert_eq!(csv.lines().count(), 1 + 3);
    let o = analyze(dir.path(), "events.parquet", &["--format", "csv"]);
    assert_eq!(text(&o.stdout).lines().count(), 1 + 3 + 2);
}

#[test]
fn bad_rows_are_located_and_coded_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // JSON Lines: line numbers count blank lines.
    let jsonl =
        "{\"type\":\"click\",\"at\":\"2026-11-02T00:00:00Z\",\"unit\":\"u\",\"callout\":\"x\"}\n\n\
        not json\n{\"type\":\"click\",\"at\":\"2026-11-02T00:00:00Z\",\"unit\":\"u\"}\n";
    std::fs::write(dir.path().join("bad.jsonl"), jsonl).unwrap();
    // CSV: errors at the line a record starts on.
    let csv = "type,at,unit,callout,color\nclick,2026-11-02,u,x,\nclick,2026-13-02,u,x,\n\
        click,2026-11-02,u\nconvert,2026-11-02,u,,\n";
    std::fs::write(dir.path().join("bad.csv"), csv).unwrap();
    // Parquet: a missing type (null), an unknown kind, and `unit` stored as booleans.
    write_batch(
        &dir.path().join("bad.parquet"),
        vec![
            (
                "type",
                Arc::new(StringArray::from(vec![Some("click"), None, Some("click")])) as ArrayRef,
            ),
            (
                "at",
                Arc::new(StringArray::from(vec!["2026-11-02T00:00:00Z"; 3])) as ArrayRef,
            ),
            (
                "unit",
                Arc::new(BooleanArray::from(vec![true, true, true])) as ArrayRef,
            ),
            (
                "callout",
                Arc::new(StringArray::from(vec!["x"; 3])) as ArrayRef,
            ),
            (
                "kind",
                Arc::new(StringArray::from(vec![None, None, Some("seat")])) as ArrayRef,
            ),
        ],
    );
    let codes = |f: &str| {
        let o = analyze(dir.path(), f, &["--format", "json"]);
        assert_eq!(o.status.code(), Some(1), "{f}: {}", text(&o.stderr));
        let r = json_report(&o);
        let errors: Vec<(u64, String)> = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["line"].as_u64().unwrap(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        (errors, r["inputErrors"].clone(), text(&o.stderr))
    };
    let (e, _, _) = codes("bad.jsonl");
    assert_eq!(e, [(3, "invalid_json".into()), (4, "missing_field".into())]);
    let (e, input, stderr) = codes("bad.csv");
    assert_eq!(e, [(3, "invalid_date".into()), (4, "invalid_event".into())]);
    assert_eq!(input[0]["code"], "unknown_column");
    assert!(
        stderr.contains("bad.csv:1:5: error[unknown_column]: column `color` is not an event field"),
        "{stderr}"
    );
    let (e, _, _) = codes("bad.parquet");
    assert_eq!(
        e,
        [
            (1, "invalid_type".into()),
            (2, "missing_field".into()),
            (3, "invalid_type".into())
        ]
    );
}

#[test]
fn generate_writes_the_library_demo_log() {
    let dir = tempfile::tempdir().unwrap();
    let config = config();
    let o = run_in(
        dir.path(),
        &[
            "generate",
            "--config",
            &config,
            "--accounts",
            "120",
            "--seed",
            "9",
            "--now",
            NOW,
            "--events",
            "ev.jsonl",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "no contexts without --out");
    let engine = upgrade_prompts::Engine::new(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let now = upgrade_prompts::base::date::parse(NOW).unwrap();
    let log = upgrade_prompts::audience::analyze::EventLog::new(&engine, 9, now);
    let mut want = String::new();
    for i in 0..120 {
        log.lines(i, &mut want);
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ev.jsonl")).unwrap(),
        want
    );
    // With --out, the contexts too (the same as without --events).
    let both = run_in(
        dir.path(),
        &[
            "generate",
            "--config",
            &config,
            "--accounts",
            "3",
            "--now",
            NOW,
            "--events",
            "e2.jsonl",
            "--out",
            "-",
        ],
    );
    let plain = run_in(
        dir.path(),
        &[
            "generate",
            "--config",
            &config,
            "--accounts",
            "3",
            "--now",
            NOW,
        ],
    );
    assert_eq!(both.stdout, plain.stdout);
    let bad = run_in(
        dir.path(),
        &[
            "generate",
            "--config",
            &config,
            "--accounts",
            "3",
            "--events",
            "no-such-dir/e.jsonl",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("error[write_failed]"));
}

#[test]
fn golden_table_of_a_generated_log() {
    let dir = tempfile::tempdir().unwrap();
    let config = config();
    let gen = run_in(
        dir.path(),
        &[
            "generate",
            "--config",
            &config,
            "--accounts",
            "2000",
            "--seed",
            "7",
            "--now",
            NOW,
            "--events",
            "events.jsonl",
        ],
    );
    assert_eq!(gen.status.code(), Some(0));
    let o = analyze(dir.path(), "events.jsonl", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    golden("analyze.txt", &text(&o.stdout));
}

#[test]
fn exit_codes_and_help() {
    let dir = tempfile::tempdir().unwrap();
    write_jsonl(&dir.path().join("e.jsonl"), &events());
    std::fs::write(dir.path().join("empty.jsonl"), "").unwrap();
    let code = |events: &str, extra: &[&str]| analyze(dir.path(), events, extra).status.code();
    assert_eq!(code("e.jsonl", &[]), Some(0));
    assert_eq!(code("empty.jsonl", &[]), Some(1));
    assert_eq!(code("missing.jsonl", &[]), Some(2));
    assert_eq!(code("e.unknown", &[]), Some(2));
    assert_eq!(code("e.jsonl", &["--from", "soon"]), Some(2));
    assert_eq!(
        code("e.jsonl", &["--from", "2026-11-03", "--to", "2026-11-02"]),
        Some(2)
    );
    assert_eq!(code("/dev/zero", &["--input-format", "jsonl"]), Some(2));
    let o = analyze(dir.path(), "e.jsonl", &["--from", "soon"]);
    assert!(text(&o.stderr).starts_with("upgrade-prompts: error[invalid_argument]: `--from soon`"));
    // Without --quiet, the timing line.
    let config = config();
    let o = run_in(
        dir.path(),
        &["analyze", "--config", &config, "--events", "e.jsonl"],
    );
    assert!(
        text(&o.stderr).starts_with("analyzed 159 events in "),
        "{}",
        text(&o.stderr)
    );
    let help = run_in(dir.path(), &["analyze", "--help"]);
    let help = text(&help.stdout);
    for needle in [
        "--events <FILE>",
        "--from <ISO>",
        "$program",
        "chance to beat",
        "Exit codes:",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}
