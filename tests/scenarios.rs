//! Table tests: every fixture in `tests/fixtures/scenarios/` is run natively and each check's
//! result is compared with the fixture's expectation (a subset of the full result).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod packed;

use upgrade_prompts::Engine;

#[test]
fn scenario_fixtures() {
    let mut failures = Vec::new();
    let mut checks = 0;
    for (name, fx) in common::scenarios() {
        let (config, context) = common::inputs(&fx);
        let config = config.to_string();
        let mut engine = match Engine::new(&config) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{name}: config does not load: {e:?}"));
                continue;
            }
        };
        for (i, check) in fx["checks"].as_array().unwrap().iter().enumerate() {
            checks += 1;
            let actual = common::run_check(&mut engine, &config, &context, check);
            let mut errs = Vec::new();
            common::subset(&actual, &check["expect"], "", &mut errs);
            for e in errs {
                failures.push(format!("{name} check {i}: {e}\n    full result: {actual}"));
            }
        }
    }
    assert!(
        checks >= 12,
        "expected at least 12 scenario checks, found {checks}"
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The packed form of every fixture's evaluation (callouts as a flat list of values, held-back
/// rule entries beside the text), rebuilt as the JS bindings rebuild it, gives the full text.
#[test]
fn packed_evaluations_rebuild_the_full_text() {
    use upgrade_prompts::decide::recommend::Reason;
    let reasons: Vec<String> = Reason::ALL.iter().map(|r| r.as_str().to_owned()).collect();
    let (mut packed_entries, mut text_entries, mut shown) = (0, 0, 0);
    for (name, fx) in common::scenarios() {
        let (config, context) = common::inputs(&fx);
        let Ok(engine) = Engine::new(&config.to_string()) else {
            continue;
        };
        for (i, check) in fx["checks"].as_array().unwrap().iter().enumerate() {
            let Some(o) = check.get("evaluate") else {
                continue;
            };
            let ctx = common::check_context(&context, check).to_string();
            let e = engine.evaluate(&ctx, &common::eval_options(o), common::HOST_NOW);
            let (text, packed) = e.to_json_packed();
            let rules: Vec<String> = engine
                .catalog()
                .policy
                .rules
                .iter()
                .map(|r| r.id.clone())
                .collect();
            let (v, from_pairs, from_text) = packed::rebuild(&text, &packed, &rules, &reasons);
            shown += v["callouts"].as_array().unwrap().len();
            packed_entries += from_pairs;
            text_entries += from_text;
            let full = upgrade_prompts::engine::to_json(&e);
            assert_eq!(serde_json::to_string(&v).unwrap(), full, "{name} check {i}");
        }
    }
    assert!(shown >= 10, "only {shown} callouts rebuilt");
    assert!(packed_entries >= 3, "only {packed_entries} packed entries");
    assert!(
        text_entries >= 1,
        "only {text_entries} entries kept in the text"
    );
}

/// Callouts of equal priority and revenue are ranked by rule id in text order (byte order:
/// capitals first, and `builtin:…` between ids starting with `a` and `c`), then by callout id.
#[test]
fn equal_callouts_are_ranked_by_rule_id_in_text_order() {
    use serde_json::{json, Value};
    let ids = ["c_rule", "Zed", "builtins", "a_rule", "b2", "b10", "B"];
    let addons: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "id": format!("x_{id}"), "label": id, "price": { "monthly": 5 }, "features": ["f"] }))
        .collect();
    let rules: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({ "id": id, "kind": "cross_sell", "target": format!("x_{id}"), "placement": "inline",
                    "priority": 10, "when": "true", "message": { "en": { "title": "t" } } })
        })
        .collect();
    let config = json!({
        "version": 1,
        "metrics": { "seats": { "label": "Seats" } },
        "features": { "f": { "label": "F" } },
        "plans": [ { "id": "free", "label": "Free", "price": { "monthly": 0 }, "limits": { "seats": 100 } } ],
        "addons": addons,
        "placements": { "inline": { "max": 3 }, "banner": { "max": 1 }, "modal": { "max": 1 } },
        "readiness": { "minTenureDays": 0 },
        "rules": rules,
    });
    let engine = Engine::new(&config.to_string()).unwrap_or_else(|e| panic!("{e:?}"));
    let ctx = json!({ "now": "2026-11-24T09:00:00Z", "account": { "id": "a", "plan": "free" },
                      "user": { "id": "u", "role": "owner" }, "usage": { "seats": { "used": 1 } } });
    let e = engine.evaluate(&ctx.to_string(), &Default::default(), common::HOST_NOW);
    let v: Value = serde_json::from_str(&upgrade_prompts::engine::to_json(&e)).unwrap();
    let mut got: Vec<String> = v["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    got.extend(
        v["suppressed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["callout"].as_str().unwrap().to_owned()),
    );
    let mut want: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(got, want, "{v}");
}
