//! Validation is linear in its input, and "did you mean" costs no more than reading: the worst
//! shapes found are measured against a valid config of the same size, and at two sizes. Ratios
//! of times measured side by side, never absolute times (the machine may be busy).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use serde_json::{json, Value};
use upgrade_prompts::validate_config;

/// An id of `len` characters, all alike but for the number at the end.
fn long_id(prefix: &str, i: usize, len: usize) -> String {
    let n = i.to_string();
    let mut s = String::from(prefix);
    while s.len() + n.len() < len {
        s.push('x');
    }
    s.push_str(&n);
    s
}

fn catalog(metrics: usize, plans: usize, placements: usize, id_len: usize) -> Value {
    let m: serde_json::Map<String, Value> = (0..metrics)
        .map(|i| (long_id("m", i, id_len), json!({ "label": "M" })))
        .collect();
    let limits: serde_json::Map<String, Value> =
        m.keys().map(|k| (k.clone(), json!(100))).collect();
    let pl: serde_json::Map<String, Value> = (0..placements)
        .map(|i| (long_id("s", i, id_len), json!({ "max": 1 })))
        .collect();
    let mut c = json!({
        "version": 1,
        "metrics": m,
        "features": { "reports": { "label": "Reports" } },
        "plans": (0..plans).map(|i| json!({ "id": long_id("p", i, id_len), "label": "P",
            "price": { "monthly": i }, "features": [], "limits": limits })).collect::<Vec<_>>(),
        "rules": [],
    });
    if placements > 0 {
        c["placements"] = Value::Object(pl);
    }
    c
}

/// The shapes: a valid config, and configs full of near-miss names among long, alike ids.
fn shape(name: &str, rules: usize) -> String {
    let len = 63;
    let (mut c, rule): (Value, Box<dyn Fn(usize) -> Value>) = match name {
        "valid" => (
            catalog(300, 3, 0, len),
            Box::new(move |i| {
                json!({ "id": format!("r{i}"), "kind": "upsell", "target": long_id("p", 2, len),
                    "when": format!("usage.{}.ratio > 0.5", long_id("m", i % 300, len)),
                    "message": { "en": { "title": "T" } } })
            }),
        ),
        "unknown targets" => (
            catalog(3, 300, 0, len),
            Box::new(move |i| {
                json!({ "id": format!("r{i}"), "kind": "upsell", "target": long_id("p", 5000 + i, len),
                    "when": "true", "message": { "en": { "title": "T" } } })
            }),
        ),
        "unknown placements" => (
            catalog(3, 3, 100, len),
            Box::new(move |i| {
                json!({ "id": format!("r{i}"), "kind": "upsell", "placement": long_id("s", 5000 + i, len),
                    "when": "true", "message": { "en": { "title": "T" } } })
            }),
        ),
        "unknown paths" => (
            catalog(300, 3, 0, len),
            Box::new(move |i| {
                json!({ "id": format!("r{i}"), "kind": "upsell",
                    "when": format!("usage.{}.ratio > 0.5", long_id("m", 5000 + i, len)),
                    "message": { "en": { "title": "T" } } })
            }),
        ),
        "unknown placeholders" => (
            catalog(300, 3, 0, len),
            Box::new(move |i| {
                json!({ "id": format!("r{i}"), "kind": "upsell", "when": "true",
                    "message": { "en": { "title": format!("{{usage.{}.used}}", long_id("m", 5000 + i, len)) } } })
            }),
        ),
        "unknown plan features" => {
            let mut c = catalog(3, 3, 0, len);
            let f: serde_json::Map<String, Value> = (0..300)
                .map(|i| (long_id("f", i, len), json!({ "label": "F" })))
                .collect();
            c["features"] = Value::Object(f);
            c["plans"][0]["features"] = json!((0..rules)
                .map(|i| long_id("f", 5000 + i, len))
                .collect::<Vec<_>>());
            (c, Box::new(|_| Value::Null))
        }
        other => panic!("{other}"),
    };
    if name != "unknown plan features" {
        c["rules"] = Value::Array((0..rules).map(rule).collect());
    }
    c.to_string()
}

/// The fastest of five validations of `text`, in seconds, and whether it was valid.
fn time(text: &str) -> (f64, bool) {
    let mut best = f64::MAX;
    let mut valid = false;
    for _ in 0..5 {
        let t = Instant::now();
        valid = validate_config(text).valid;
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, valid)
}

const SHAPES: &[&str] = &[
    "unknown targets",
    "unknown placements",
    "unknown paths",
    "unknown placeholders",
    "unknown plan features",
];

/// Per byte, every hostile shape validates within a few times a valid config of about the same
/// size, and four times the input takes about four times as long (quadratic work would take
/// sixteen). Before "did you mean" was metered by work, these shapes took 22 to 2,700 times a
/// valid config per byte.
#[test]
fn validation_is_linear_and_suggestions_are_bounded() {
    let valid_small = shape("valid", 1000);
    let valid_large = shape("valid", 4000);
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for name in SHAPES {
        let small = shape(name, 1000);
        let large = shape(name, 4000);
        // A shared machine can stall one timing: a shape fails only if it is out of bounds in
        // each of three measurements, the valid baseline measured again beside it each time
        // (quadratic work is 20 to 2,700 times out, not a stall's 10 %).
        let mut line = String::new();
        let mut out_of_bounds = true;
        for _ in 0..3 {
            let (_, ok_small) = time(&valid_small);
            let (vl, ok_large) = time(&valid_large);
            assert!(ok_small && ok_large);
            let valid_per_byte = vl / valid_large.len() as f64;
            let (ts, invalid_small) = time(&small);
            let (tl, _) = time(&large);
            assert!(!invalid_small, "{name} should be invalid");
            let vs_valid = tl / large.len() as f64 / valid_per_byte;
            let growth = (tl / large.len() as f64) / (ts / small.len() as f64);
            line = format!(
                "{name}: {:.0} KB, {vs_valid:.1}x a valid config per byte; per byte at 4x the size: {growth:.2}x",
                large.len() as f64 / 1024.0
            );
            if vs_valid <= 10.0 && growth <= 2.5 {
                out_of_bounds = false;
                break;
            }
        }
        if out_of_bounds {
            failures.push(line.clone());
        }
        report.push(line);
    }
    eprintln!(
        "valid: {:.0} KB and {:.0} KB\n{}",
        valid_small.len() as f64 / 1024.0,
        valid_large.len() as f64 / 1024.0,
        report.join("\n")
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
