//! Generated hostile input against the native engine: junk at every config path, prototype
//! keys, depth bombs, inputs at the size limits, huge states and long random event sequences.
//! Every case must give coded problems with paths (or a clean result), never a panic, and the
//! engine must still answer afterwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use serde_json::{json, Value};
use upgrade_prompts::engine::to_json;
use upgrade_prompts::{validate_config, Engine, EvalOptions};

use common::HOST_NOW;

fn team() -> Value {
    let text = std::fs::read_to_string(common::root().join("www/samples/team.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn context() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/contexts/growing-team.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every leaf path of a JSON value.
fn leaves(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(json!(k));
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(json!(i));
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn set(v: &mut Value, path: &[Value], new: Value) {
    let mut cur = v;
    for seg in path {
        cur = match seg {
            Value::String(k) => &mut cur[k.as_str()],
            Value::Number(i) => &mut cur[i.as_u64().unwrap() as usize],
            _ => unreachable!(),
        };
    }
    *cur = new;
}

fn assert_coded(report: &upgrade_prompts::ValidationReport, what: &str) {
    assert!(!report.valid, "{what}: accepted");
    for e in &report.errors {
        assert!(
            !e.code.as_str().is_empty() && !e.message.is_empty(),
            "{what}: {e:?}"
        );
    }
}

#[test]
fn junk_at_every_config_path_gives_coded_errors() {
    let base = team();
    let mut paths = Vec::new();
    leaves(&base, &mut Vec::new(), &mut paths);
    assert!(paths.len() > 100, "{} leaves", paths.len());
    let junk = [
        json!(null),
        json!(-1),
        json!(1e308),
        json!("\u{0}nonfinite:NaN"),
        json!({ "__proto__": { "x": 1 } }),
        json!([[[[]]]]),
        json!("x".repeat(5000)),
        json!(true),
    ];
    let mut rejected = 0;
    for path in &paths {
        for j in &junk {
            let mut config = base.clone();
            set(&mut config, path, j.clone());
            let report = validate_config(&config.to_string());
            if !report.valid {
                rejected += 1;
                assert_coded(&report, &format!("{path:?} = {j}"));
                // Every error points somewhere inside the document or at its root.
                for e in &report.errors {
                    assert!(e.path.len() <= path.len() + 3, "{path:?}: {e:?}");
                }
            }
        }
    }
    // Most junk is refused; the rest (a label of 5,000 `x`…) is merely odd and must load.
    assert!(rejected > paths.len() * 4, "only {rejected} rejected");
}

#[test]
fn prototype_keys_are_ordinary_unknown_fields() {
    let mut config = team();
    config["__proto__"] = json!({ "polluted": true });
    config["metrics"]["constructor"] = json!({ "label": "Constructor" });
    let report = validate_config(&config.to_string());
    assert_coded(&report, "__proto__");
    assert!(report
        .errors
        .iter()
        .any(|e| e.code.as_str() == "unknown_field" && to_json(&e.path) == r#"["__proto__"]"#));
    // A metric called `constructor` is just an id.
    let mut config = team();
    config["metrics"]["constructor"] = json!({ "label": "Constructor" });
    assert!(validate_config(&config.to_string()).valid);
}

#[test]
fn depth_bombs_are_refused_without_overflowing_the_stack() {
    for depth in [200, 10_000, 1_000_000] {
        let text = "[".repeat(depth) + &"]".repeat(depth);
        let report = validate_config(&text);
        assert_eq!(report.errors[0].code.as_str(), "invalid_json");
        assert!(report.errors[0].message.contains("nested too deeply"));
        let e = Engine::new(&team().to_string()).unwrap();
        let nested = format!(
            "{{\"account\": {}}}",
            "{\"a\":".repeat(depth) + &"}".repeat(depth)
        );
        let ev = to_json(&e.evaluate(&nested, &EvalOptions::default(), HOST_NOW));
        // Past 1 MiB the size check refuses it first.
        assert!(
            ev.contains("nested too deeply") || ev.contains("too_large"),
            "{depth}"
        );
    }
    // Deep expressions are bounded by the rule language.
    let mut config = team();
    config["rules"] = json!([{ "id": "deep", "kind": "upsell", "when": "(".repeat(5000) + "true" + &")".repeat(5000),
        "message": { "en": { "title": "x" } } }]);
    let report = validate_config(&config.to_string());
    assert!(report
        .errors
        .iter()
        .any(|e| e.code.as_str() == "too_long" || e.code.as_str() == "too_deep"));
}

#[test]
fn inputs_at_the_size_limits() {
    // Just over 4 MiB: refused before parsing.
    let mut config = team();
    config["padding"] = json!("x".repeat(4 << 20));
    let report = validate_config(&config.to_string());
    assert_eq!(report.errors[0].code.as_str(), "too_large");
    // Just under: a valid config of many metrics loads.
    let mut config = team();
    let metrics = config["metrics"].as_object_mut().unwrap();
    for i in 0..30_000 {
        metrics.insert(
            format!("metric_{i:05}"),
            json!({ "label": format!("Metric number {i}") }),
        );
    }
    let text = config.to_string();
    assert!(
        text.len() > 1 << 20 && text.len() < 4 << 20,
        "{}",
        text.len()
    );
    let report = validate_config(&text);
    assert!(report.valid, "{:?}", report.errors.first());
    // A context over 1 MiB is refused with a code; the engine still answers.
    let e = Engine::new(&team().to_string()).unwrap();
    let mut ctx = context();
    ctx["signals"] = json!({ "blob": "y".repeat(1 << 20) });
    let ev: Value = serde_json::from_str(&to_json(&e.evaluate(
        &ctx.to_string(),
        &EvalOptions::default(),
        HOST_NOW,
    )))
    .unwrap();
    assert_eq!(ev["errors"][0]["code"], "too_large");
    let ok = to_json(&e.evaluate(&context().to_string(), &EvalOptions::default(), HOST_NOW));
    assert!(ok.contains("\"callouts\":[{"), "{ok}");
}

#[test]
fn a_state_of_a_million_impressions_is_cut_to_its_bounds() {
    let config = team().to_string();
    let impressions: Vec<f64> = (0..1_000_000).map(|i| 1.79e12 + f64::from(i)).collect();
    let state = json!({ "version": 1, "callouts": {
        "seats-near-limit": { "impressions": impressions },
        "no-such-rule": { "impressions": [1.79e12] },
    } });
    let mut e = Engine::new(&config).unwrap();
    e.restore_state(&state.to_string(), HOST_NOW);
    let exported = to_json(&e.export_state());
    assert!(exported.len() < 50_000, "{} bytes", exported.len());
    assert!(!exported.contains("no-such-rule"));
}

#[test]
fn a_hundred_thousand_random_events_keep_the_state_small() {
    let config = team().to_string();
    let mut e = Engine::new(&config).unwrap();
    // Reading a context sets the engine's clock.
    let _ = e.evaluate(&context().to_string(), &EvalOptions::default(), HOST_NOW);
    let kinds = ["impression", "click", "dismiss", "convert", "explode", ""];
    let callouts = [
        "seats-near-limit",
        "usage_limit:seats",
        "usage_limit:api_calls",
        "feature_gate:sso",
        "nope",
        "feature_gate:nope",
    ];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut refused = 0;
    for _ in 0..100_000 {
        let kind = kinds[(next() % kinds.len() as u64) as usize];
        let callout = callouts[(next() % callouts.len() as u64) as usize];
        let at = match next() % 5 {
            0 => f64::NAN,
            1 => -1.0,
            2 => 253_402_300_799_999.0,
            _ => 1.7e12 + (next() % 200_000_000_000) as f64,
        };
        if !e.record(kind, callout, at).recorded {
            refused += 1;
        }
    }
    assert!(refused > 40_000, "{refused}");
    let exported = to_json(&e.export_state());
    assert!(exported.len() < 50_000, "{} bytes", exported.len());
    // Still answers.
    let ev = to_json(&e.evaluate(&context().to_string(), &EvalOptions::default(), HOST_NOW));
    assert!(ev.starts_with("{\"callouts\":"));
}

#[test]
fn junk_at_every_context_path_never_creates_a_paywall() {
    let e = Engine::new(&team().to_string()).unwrap();
    let base = context();
    let mut paths = Vec::new();
    leaves(&base, &mut Vec::new(), &mut paths);
    for path in &paths {
        for j in [
            json!(null),
            json!("x"),
            json!({}),
            json!(-5),
            json!([1, [2]]),
        ] {
            let mut ctx = base.clone();
            set(&mut ctx, path, j.clone());
            let text = ctx.to_string();
            let check: Value =
                serde_json::from_str(&to_json(&e.check_feature("reports", &text, HOST_NOW)))
                    .unwrap();
            // `reports` is in the Team plan: junk elsewhere never takes it away.
            if path.first() != Some(&json!("account")) {
                assert_eq!(check["allowed"], true, "{path:?} = {j}");
            }
            let _ = to_json(&e.evaluate(
                &text,
                &EvalOptions {
                    placement: None,
                    trace: true,
                    exposures: false,
                },
                HOST_NOW,
            ));
        }
    }
}
