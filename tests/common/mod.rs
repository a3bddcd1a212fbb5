//! Fixture loading shared by the native scenario test and the `fixtures` example, which prints
//! every result so the wasm build can be compared with the native one.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use upgrade_prompts::engine::to_json;
use upgrade_prompts::Engine;

/// Fixed host clock for fixtures without `now` (2026-11-24T09:00:00Z).
pub const HOST_NOW: f64 = 1_795_510_800_000.0;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// RFC 7386 JSON merge patch.
pub fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    b.remove(k);
                } else {
                    merge(b.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

fn read(path: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fixture's config and context after applying bases and patches.
pub fn inputs(fx: &Value) -> (Value, Value) {
    let mut config = match &fx["config"] {
        Value::String(name) if name.ends_with(".json") => read(&root().join(name)),
        Value::String(name) => read(&root().join("www/samples").join(format!("{name}.json"))),
        other => other.clone(),
    };
    if let Some(p) = fx.get("configPatch") {
        merge(&mut config, p);
    }
    let mut context = match fx.get("contextBase") {
        Some(Value::String(name)) => read(
            &root()
                .join("tests/fixtures/contexts")
                .join(format!("{name}.json")),
        ),
        _ => json!({}),
    };
    if let Some(c) = fx.get("context") {
        merge(&mut context, c);
    }
    (config, context)
}

/// Every scenario fixture, by file name.
pub fn scenarios() -> Vec<(String, Value)> {
    let dir = root().join("tests/fixtures/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read(&p),
            )
        })
        .collect()
}

/// Runs one step of a fixture and returns the full result as JSON. Steps: `checkFeature`,
/// `checkUsage`, `evaluate` (options; `context` patches the fixture context for this step),
/// `record` (an event with `at`), `exportRestore` (export the state and continue with a new
/// engine restored from it; the result is the exported state).
pub fn run_check(engine: &mut Engine, config: &str, context: &Value, check: &Value) -> Value {
    serde_json::from_str(&run_check_text(engine, config, context, check)).unwrap()
}

/// The options of an `evaluate` check (`{ placement?, trace? }`).
pub fn eval_options(o: &Value) -> upgrade_prompts::EvalOptions {
    upgrade_prompts::EvalOptions {
        placement: o
            .get("placement")
            .and_then(Value::as_str)
            .map(str::to_owned),
        trace: o.get("trace").and_then(Value::as_bool).unwrap_or(false),
        exposures: o.get("exposures").and_then(Value::as_bool).unwrap_or(false),
    }
}

/// The context of a check: the fixture's, with the check's `context` patch merged in.
pub fn check_context(context: &Value, check: &Value) -> Value {
    let mut ctx = context.clone();
    if let Some(p) = check.get("context") {
        merge(&mut ctx, p);
    }
    ctx
}

/// [`run_check`] as the exact JSON text of the result.
pub fn run_check_text(engine: &mut Engine, config: &str, context: &Value, check: &Value) -> String {
    let ctx = check_context(context, check).to_string();
    let text = if let Some(f) = check.get("checkFeature").and_then(Value::as_str) {
        to_json(&engine.check_feature(f, &ctx, HOST_NOW))
    } else if let Some(m) = check.get("checkUsage").and_then(Value::as_str) {
        to_json(&engine.check_usage(m, &ctx, HOST_NOW))
    } else if let Some(o) = check.get("evaluate") {
        let opts = eval_options(o);
        if opts.exposures {
            let s = engine.session(ctx, HOST_NOW);
            to_json(&engine.evaluate_logged(&s, &opts))
        } else {
            to_json(&engine.evaluate(&ctx, &opts, HOST_NOW))
        }
    } else if let Some(e) = check.get("record") {
        let at = e["at"]
            .as_str()
            .and_then(upgrade_prompts::base::date::parse)
            .unwrap_or(f64::NAN);
        to_json(&engine.record(
            e["type"].as_str().unwrap_or(""),
            e["callout"].as_str().unwrap_or(""),
            at,
        ))
    } else if check.get("exportRestore").is_some() {
        let state = to_json(&engine.export_state());
        let mut fresh = Engine::new(config).unwrap();
        // The host clock is the real one, as in the package's runner of the same fixtures.
        fresh.restore_state(&state, upgrade_prompts::engine::host_now());
        *engine = fresh;
        state
    } else {
        panic!("unknown check {check}")
    };
    text
}

/// Full results of every check of every fixture as exact JSON texts: `{ file: ["{…}", …] }`.
pub fn all_results() -> Value {
    let mut out = serde_json::Map::new();
    for (name, fx) in scenarios() {
        let (config, context) = inputs(&fx);
        let config = config.to_string();
        let mut engine =
            Engine::new(&config).unwrap_or_else(|e| panic!("{name}: config invalid: {e:?}"));
        let results: Vec<Value> = fx["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Value::String(run_check_text(&mut engine, &config, &context, c)))
            .collect();
        out.insert(name, Value::Array(results));
    }
    Value::Object(out)
}

/// Subset match: every key of `expected` must match in `actual`; arrays match element-wise with
/// equal length; numbers compare with a 1e-9 tolerance. Mismatches are appended to `errs`.
pub fn subset(actual: &Value, expected: &Value, path: &str, errs: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset(av, ev, &format!("{path}.{k}"), errs),
                    None => errs.push(format!("{path}.{k}: missing, expected {ev}")),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            if a.len() != e.len() {
                errs.push(format!(
                    "{path}: expected {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
                return;
            }
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                subset(av, ev, &format!("{path}[{i}]"), errs);
            }
        }
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            if (a - e).abs() > 1e-9 {
                errs.push(format!("{path}: expected {e}, got {a}"));
            }
        }
        (a, e) if a == e => {}
        (a, e) => errs.push(format!("{path}: expected {e}, got {a}")),
    }
}
