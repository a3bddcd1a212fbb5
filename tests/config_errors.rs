//! Every kind of config problem gives a coded error with a path into the config, and all
//! problems are reported in one pass.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use serde_json::{json, Value};
use upgrade_prompts::validate_config;

fn sample() -> Value {
    let text = std::fs::read_to_string(common::root().join("www/samples/team.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn patched(patch: Value) -> Value {
    let mut c = sample();
    common::merge(&mut c, &patch);
    c
}

fn with(f: impl FnOnce(&mut Value)) -> Value {
    let mut c = sample();
    f(&mut c);
    c
}

#[track_caller]
fn expect_error(config: Value, code: &str, path: Value) -> Value {
    let report = validate_config(&config.to_string());
    assert!(!report.valid, "config unexpectedly valid");
    let errors = serde_json::from_str::<serde_json::Value>(&upgrade_prompts::engine::to_json(
        &report.errors,
    ))
    .unwrap();
    let found = errors
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == code && e["path"] == path);
    assert!(found.is_some(), "no `{code}` at {path}; errors: {errors:#}");
    found.unwrap().clone()
}

#[test]
fn sample_and_product_example_load() {
    let report = validate_config(&sample().to_string());
    assert!(report.valid, "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // The product brief's example config, verbatim.
    let text = std::fs::read_to_string(common::root().join("tests/fixtures/product-example.json"))
        .unwrap();
    let report = validate_config(&text);
    assert!(report.valid, "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn unknown_field_with_suggestion() {
    let e = expect_error(
        with(|c| c["plans"][1]["lables"] = json!("x")),
        "unknown_field",
        json!(["plans", 1, "lables"]),
    );
    assert_eq!(e["help"], "did you mean `label`?");
    let e = expect_error(
        patched(json!({"treshold": {}})),
        "unknown_field",
        json!(["treshold"]),
    );
    assert_eq!(e["help"], "did you mean `thresholds`?");
    let e = expect_error(
        with(|c| c["addons"][0]["price"]["perseat"] = json!(1)),
        "unknown_field",
        json!(["addons", 0, "price", "perseat"]),
    );
    assert_eq!(e["help"], "did you mean `perSeat`?");
    let e = expect_error(
        patched(json!({"metrics": {"seats": {"lable": "S"}}})),
        "unknown_field",
        json!(["metrics", "seats", "lable"]),
    );
    assert_eq!(e["help"], "did you mean `label`?");
}

#[test]
fn unknown_ids_everywhere() {
    let e = expect_error(
        with(|c| c["plans"][1]["features"] = json!(["reprots"])),
        "unknown_feature",
        json!(["plans", 1, "features", 0]),
    );
    assert_eq!(e["help"], "did you mean `reports`?");
    expect_error(
        with(|c| c["plans"][0]["limits"]["seat"] = json!(3)),
        "unknown_metric",
        json!(["plans", 0, "limits", "seat"]),
    );
    expect_error(
        with(|c| c["addons"][0]["availableOn"] = json!(["fre"])),
        "unknown_plan",
        json!(["addons", 0, "availableOn", 0]),
    );
    expect_error(
        with(|c| c["addons"][1]["limits"] = json!({"api": 5})),
        "unknown_metric",
        json!(["addons", 1, "limits", "api"]),
    );
    expect_error(
        with(|c| c["addons"][0]["features"] = json!(["sso", "nope"])),
        "unknown_feature",
        json!(["addons", 0, "features", 1]),
    );
    expect_error(
        patched(json!({"seatMetric": "users"})),
        "unknown_metric",
        json!(["seatMetric"]),
    );
}

#[test]
fn duplicate_ids() {
    expect_error(
        with(|c| c["plans"][2]["id"] = json!("free")),
        "duplicate_id",
        json!(["plans", 2, "id"]),
    );
    expect_error(
        with(|c| c["addons"][1]["id"] = json!("reports_plus")),
        "duplicate_id",
        json!(["addons", 1, "id"]),
    );
    expect_error(
        with(|c| c["addons"][1]["id"] = json!("team")),
        "duplicate_id",
        json!(["addons", 1, "id"]),
    );
}

#[test]
fn negative_and_non_finite_numbers() {
    expect_error(
        with(|c| c["plans"][0]["limits"]["seats"] = json!(-1)),
        "negative_value",
        json!(["plans", 0, "limits", "seats"]),
    );
    expect_error(
        with(|c| c["plans"][1]["price"]["perSeat"] = json!(-12)),
        "negative_value",
        json!(["plans", 1, "price", "perSeat"]),
    );
    expect_error(
        with(|c| c["addons"][0]["price"]["monthly"] = json!(-29)),
        "negative_value",
        json!(["addons", 0, "price", "monthly"]),
    );
    // NaN cannot be written in JSON; the JS boundary marks it so it is reported, not read as null.
    let e = expect_error(
        with(|c| c["plans"][0]["limits"]["seats"] = json!("\u{0}nonfinite:NaN")),
        "not_finite",
        json!(["plans", 0, "limits", "seats"]),
    );
    assert_eq!(e["message"], "expected a number, found `NaN`");
    expect_error(
        with(|c| c["plans"][0]["price"]["monthly"] = json!("\u{0}nonfinite:Infinity")),
        "not_finite",
        json!(["plans", 0, "price", "monthly"]),
    );
}

#[test]
fn metric_decimals() {
    let e = expect_error(
        with(|c| c["metrics"]["api_calls"]["decimals"] = json!(3)),
        "out_of_range",
        json!(["metrics", "api_calls", "decimals"]),
    );
    assert_eq!(e["message"], "`decimals` must be 0, 1 or 2, found `3`");
    expect_error(
        with(|c| c["metrics"]["seats"]["decimals"] = json!("one")),
        "invalid_type",
        json!(["metrics", "seats", "decimals"]),
    );
}

#[test]
fn thresholds() {
    expect_error(
        patched(json!({"thresholds": {"approaching": 0}})),
        "out_of_range",
        json!(["thresholds", "approaching"]),
    );
    expect_error(
        patched(json!({"thresholds": {"critical": 1.5}})),
        "out_of_range",
        json!(["thresholds", "critical"]),
    );
    expect_error(
        patched(json!({"thresholds": {"approaching": 0.9, "critical": 0.85}})),
        "not_increasing",
        json!(["thresholds", "critical"]),
    );
}

#[test]
fn plans_list() {
    expect_error(
        patched(json!({"plans": []})),
        "empty_plans",
        json!(["plans"]),
    );
    expect_error(
        with(|c| {
            c.as_object_mut().unwrap().remove("plans");
        }),
        "missing_field",
        json!([]),
    );
}

#[test]
fn wrong_types() {
    let e = expect_error(
        with(|c| c["plans"][0]["limits"]["seats"] = json!("3")),
        "invalid_type",
        json!(["plans", 0, "limits", "seats"]),
    );
    assert_eq!(e["message"], "expected a number, found string");
    expect_error(
        with(|c| c["plans"][0]["features"] = json!("reports")),
        "invalid_type",
        json!(["plans", 0, "features"]),
    );
    expect_error(
        with(|c| c["addons"][1]["stackable"] = json!("yes")),
        "invalid_type",
        json!(["addons", 1, "stackable"]),
    );
    expect_error(
        patched(json!({"metrics": []})),
        "invalid_type",
        json!(["metrics"]),
    );
    expect_error(
        patched(json!({"currency": "usd"})),
        "invalid_currency",
        json!(["currency"]),
    );
    expect_error(
        patched(json!({"version": 2})),
        "unsupported_version",
        json!(["version"]),
    );
    for root in [json!(null), json!(42), json!("x"), json!([])] {
        expect_error(root, "invalid_type", json!([]));
    }
}

#[test]
fn urls_and_messages() {
    expect_error(
        with(|c| c["plans"][1]["url"] = json!("javascript:alert(1)")),
        "invalid_url",
        json!(["plans", 1, "url"]),
    );
    let e = expect_error(
        patched(json!({"messages": {"featureGate": {"en": {"title": "Get {feature.lable} now"}}}})),
        "unknown_placeholder",
        json!(["messages", "featureGate", "en", "title"]),
    );
    assert_eq!(e["span"], json!({"start": 4, "end": 19}));
    assert_eq!(e["help"], "did you mean `{feature.label}`?");
    expect_error(
        patched(
            json!({"messages": {"usageLimit": {"over": {"ja": {"body": "{usage.seat.used}席"}}}}}),
        ),
        "unknown_placeholder",
        json!(["messages", "usageLimit", "over", "ja", "body"]),
    );
    expect_error(
        patched(json!({"messages": {"cta": {"upgrade": {"en": "Go {target.label"}}}})),
        "unclosed_placeholder",
        json!(["messages", "cta", "upgrade", "en"]),
    );
}

/// A title of only invisible characters (a zero-width space) used to pass as not empty.
#[test]
fn a_title_of_invisible_characters_is_empty() {
    for text in [
        "\u{200b}",
        " \u{200b}\u{feff} ",
        "\u{2060}\u{200d}",
        "\u{3164}",
        "\t",
    ] {
        let config = with(|c| c["rules"][0]["message"]["en"]["title"] = json!(text));
        expect_error(
            config,
            "empty_string",
            json!(["rules", 0, "message", "en", "title"]),
        );
    }
    let config = with(|c| c["rules"][0]["message"]["en"]["title"] = json!("\u{200b}Hi"));
    assert!(validate_config(&config.to_string()).valid);
}

#[test]
fn repeated_texts_are_checked_where_they_are_used() {
    // Texts are compiled once per load and reused; a text valid in one place (a feature
    // gate's message may name `feature.*`, and messages are read before rules) must still be
    // refused where those names do not exist (a rule's message), each time it is used.
    let text = "Unlock {feature.label}";
    let config = with(|c| {
        c["messages"] = json!({"featureGate": {"en": {"title": text}}});
        c["rules"][0]["message"]["en"]["title"] = json!(text);
        c["rules"][1]["message"]["en"]["title"] = json!(text);
    });
    assert!(
        validate_config(
            &patched(json!({"messages": {"featureGate": {"en": {"title": text}}}})).to_string()
        )
        .valid
    );
    for i in 0..2 {
        expect_error(
            config.clone(),
            "unknown_placeholder",
            json!(["rules", i, "message", "en", "title"]),
        );
    }
    // A bad text used twice is reported twice, each at its own path.
    let config = with(|c| {
        c["rules"][0]["message"]["en"]["body"] = json!("{usage.seat.used} seats");
        c["rules"][1]["message"]["en"]["body"] = json!("{usage.seat.used} seats");
    });
    for i in 0..2 {
        expect_error(
            config.clone(),
            "unknown_placeholder",
            json!(["rules", i, "message", "en", "body"]),
        );
    }
}

#[test]
fn all_problems_at_once() {
    let config = with(|c| {
        c["plans"][0]["lables"] = json!("x");
        c["plans"][1]["features"] = json!(["nope"]);
        c["plans"][2]["id"] = json!("free");
        c["addons"][0]["price"]["monthly"] = json!(-1);
        c["thresholds"] = json!({"approaching": 2});
    });
    let report = validate_config(&config.to_string());
    let codes: Vec<&str> = report.errors.iter().map(|e| e.code.as_str()).collect();
    for code in [
        "unknown_field",
        "unknown_feature",
        "duplicate_id",
        "negative_value",
        "out_of_range",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn never_panics_on_odd_input() {
    for text in [
        "",
        "{",
        "null",
        "[1,2",
        "\"\u{0}\"",
        "{\"plans\": [null, 1, \"x\", {}]}",
        "{\"metrics\": {\"\": {}}}",
    ] {
        let r = validate_config(text);
        assert!(!r.valid, "{text}");
        assert!(!r.errors.is_empty());
    }
    let deep = "[".repeat(100_000);
    assert!(!validate_config(&deep).valid);
    let huge = format!(
        "{{\"plans\": [{}]}}",
        vec!["{\"id\": \"p\"}"; 400_000].join(",")
    );
    let r = validate_config(&huge);
    assert_eq!(r.errors.first().map(|e| e.code.as_str()), Some("too_large"));
}

fn rule(when: &str) -> Value {
    with(|c| c["rules"][2]["when"] = json!(when))
}

#[test]
fn rule_expression_errors_have_path_span_and_help() {
    let e = expect_error(
        rule("usage.seat.ratio >= 0.8"),
        "unknown_path",
        json!(["rules", 2, "when"]),
    );
    assert_eq!(e["help"], "did you mean `usage.seats.ratio`?");
    assert_eq!(e["span"], json!({"start": 0, "end": 16}));
    let e = expect_error(
        rule("usage.seats.ratio == 'high'"),
        "type_mismatch",
        json!(["rules", 2, "when"]),
    );
    assert!(e["span"]["start"].as_u64().is_some(), "{e}");
    let e = expect_error(
        rule("hasFeatur('sso')"),
        "unknown_function",
        json!(["rules", 2, "when"]),
    );
    assert_eq!(e["help"], "did you mean `hasFeature`?");
    expect_error(
        rule("hasFeature('sso', 'reports')"),
        "wrong_arity",
        json!(["rules", 2, "when"]),
    );
    expect_error(
        rule("page.route == 'unterminated"),
        "unterminated_string",
        json!(["rules", 2, "when"]),
    );
    expect_error(
        rule(&format!("{}true{}", "(".repeat(200), ")".repeat(200))),
        "too_deep",
        json!(["rules", 2, "when"]),
    );
    expect_error(
        rule(&format!("true{}", " && true".repeat(400))),
        "too_long",
        json!(["rules", 2, "when"]),
    );
    let e = expect_error(
        rule("hasFeature('ssso')"),
        "unknown_id",
        json!(["rules", 2, "when"]),
    );
    assert!(e["help"].as_str().unwrap_or("").contains("sso"), "{e}");
    expect_error(
        rule("usage.seats.used + 1"),
        "not_boolean",
        json!(["rules", 2, "when"]),
    );
}

#[test]
fn rule_definition_errors() {
    let e = expect_error(
        with(|c| c["rules"][0]["kind"] = json!("upsel")),
        "unknown_kind",
        json!(["rules", 0, "kind"]),
    );
    assert_eq!(e["help"], "did you mean `upsell`?");
    let e = expect_error(
        with(|c| c["rules"][1]["target"] = json!("reports_pluss")),
        "unknown_target",
        json!(["rules", 1, "target"]),
    );
    assert_eq!(e["help"], "did you mean `reports_plus`?");
    expect_error(
        with(|c| c["rules"][1]["cta"] = json!({"url": "javascript:alert(1)"})),
        "invalid_url",
        json!(["rules", 1, "cta", "url"]),
    );
    expect_error(
        with(|c| c["rules"][3]["id"] = json!("seats-near-limit")),
        "duplicate_id",
        json!(["rules", 3, "id"]),
    );
    expect_error(
        with(|c| c["rules"][0]["placement"] = json!("sidebar")),
        "unknown_placement",
        json!(["rules", 0, "placement"]),
    );
    let e = expect_error(
        with(|c| c["rules"][0]["message"]["en"]["body"] = json!("{usage.seats.usd} used")),
        "unknown_placeholder",
        json!(["rules", 0, "message", "en", "body"]),
    );
    assert_eq!(e["help"], "did you mean `{usage.seats.used}`?");
    expect_error(
        with(|c| c["rules"][0]["experiment"]["holdout"] = json!(1.5)),
        "out_of_range",
        json!(["rules", 0, "experiment", "holdout"]),
    );
    expect_error(
        patched(json!({"readiness": {"onboarding": "cross_sell"}})),
        "invalid_value",
        json!(["readiness", "onboarding"]),
    );
    expect_error(
        patched(json!({"frequency": {"maxPerDy": 3}})),
        "unknown_field",
        json!(["frequency", "maxPerDy"]),
    );
}

#[test]
fn a_config_with_very_many_problems_lists_500_with_paths_and_counts_the_rest() {
    // 300 rules with two unknown paths each, and 300 with an unknown placeholder: 900 errors.
    let config = with(|c| {
        let rules: Vec<Value> = (0..600)
            .map(|i| {
                if i % 2 == 0 {
                    json!({"id": format!("r{i}"), "kind": "upsell", "target": "team",
                           "when": format!("usage.x{i}.ratio > 1 && usage.y{i}.ratio > 1"),
                           "message": {"en": {"title": "t"}}})
                } else {
                    json!({"id": format!("r{i}"), "kind": "upsell", "target": "team", "when": "true",
                           "message": {"en": {"title": "t", "body": format!("{{usage.z{i}.used}}")}}})
                }
            })
            .collect();
        c["rules"] = json!(rules);
    });
    let report = validate_config(&config.to_string());
    assert_eq!(report.errors.len(), 501);
    for (i, e) in report.errors.iter().take(500).enumerate() {
        assert!(!e.path.is_empty(), "error {i} has no path: {e:?}");
        assert!(!e.message.is_empty(), "error {i} has no message: {e:?}");
    }
    let last = report.errors.last().unwrap();
    assert_eq!(last.code.as_str(), "too_many_problems");
    assert_eq!(last.message, "400 more problems not listed");
}

fn credits_sample() -> Value {
    let text = std::fs::read_to_string(common::root().join("www/samples/credits.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn credits_with(f: impl FnOnce(&mut Value)) -> Value {
    let mut c = credits_sample();
    f(&mut c);
    c
}

#[test]
fn credits_sample_loads_without_warnings() {
    let report = validate_config(&credits_sample().to_string());
    assert!(report.valid, "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn credits_windows_and_overage_are_checked() {
    // A credit grant on a metric that is not a credit metric.
    expect_error(
        credits_with(|c| c["addons"][0]["credits"] = json!({ "documents": 100 })),
        "invalid_value",
        json!(["addons", 0, "credits", "documents"]),
    );
    // A zero or negative grant.
    expect_error(
        credits_with(|c| c["addons"][0]["credits"] = json!({ "ai_credits": 0 })),
        "invalid_value",
        json!(["addons", 0, "credits", "ai_credits"]),
    );
    // An unknown metric kind.
    expect_error(
        credits_with(|c| c["metrics"]["ai_credits"]["kind"] = json!("tokens")),
        "invalid_value",
        json!(["metrics", "ai_credits", "kind"]),
    );
    // Overage on a credit metric, and an overage without a price.
    expect_error(
        credits_with(|c| c["plans"][1]["overage"] = json!({ "ai_credits": { "price": 1 } })),
        "invalid_value",
        json!(["plans", 1, "overage", "ai_credits"]),
    );
    expect_error(
        credits_with(|c| c["plans"][1]["overage"] = json!({ "documents": {} })),
        "missing_field",
        json!(["plans", 1, "overage", "documents"]),
    );
    // Windows: a span that is not one, both kinds of span, neither, a bad id, with a period.
    for (window, code, path) in [
        (
            json!({ "rolling": "5 hours" }),
            "invalid_value",
            json!(["metrics", "messages", "windows", "5h", "rolling"]),
        ),
        (
            json!({ "rolling": "0m" }),
            "invalid_value",
            json!(["metrics", "messages", "windows", "5h", "rolling"]),
        ),
        (
            json!({ "rolling": "400d" }),
            "invalid_value",
            json!(["metrics", "messages", "windows", "5h", "rolling"]),
        ),
        (
            json!({ "rolling": "5h", "period": "week" }),
            "conflicting_fields",
            json!(["metrics", "messages", "windows", "5h"]),
        ),
        (
            json!({ "label": "x" }),
            "missing_field",
            json!(["metrics", "messages", "windows", "5h"]),
        ),
        (
            json!({ "period": "fortnight" }),
            "invalid_value",
            json!(["metrics", "messages", "windows", "5h", "period"]),
        ),
    ] {
        expect_error(
            credits_with(|c| c["metrics"]["messages"]["windows"]["5h"] = window),
            code,
            path,
        );
    }
    expect_error(
        credits_with(|c| c["metrics"]["messages"]["windows"]["5-h"] = json!({ "rolling": "5h" })),
        "invalid_id",
        json!(["metrics", "messages", "windows", "5-h"]),
    );
    expect_error(
        credits_with(|c| c["metrics"]["messages"]["period"] = json!("month")),
        "conflicting_fields",
        json!(["metrics", "messages", "windows"]),
    );
    // A plan gives one number for a windowed metric, or names a window it does not have.
    expect_error(
        credits_with(|c| c["plans"][1]["limits"]["messages"] = json!(50)),
        "invalid_type",
        json!(["plans", 1, "limits", "messages"]),
    );
    expect_error(
        credits_with(|c| c["plans"][1]["limits"]["messages"] = json!({ "5h": 50, "day": 9 })),
        "unknown_field",
        json!(["plans", 1, "limits", "messages", "day"]),
    );
    // A credit-only path on a usage metric, in a rule.
    let e = expect_error(
        credits_with(|c| {
            c["rules"][0]["when"] = json!("usage.documents.balance < 10");
        }),
        "unknown_path",
        json!(["rules", 0, "when"]),
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("not a credit metric"),
        "{e}"
    );
    // An unknown window in a rule path.
    expect_error(
        credits_with(|c| {
            c["rules"][0]["when"] = json!("usage.messages.windows.day.used > 1");
        }),
        "unknown_path",
        json!(["rules", 0, "when"]),
    );
}

#[test]
fn a_window_missing_from_a_plan_is_unlimited_with_a_warning() {
    let report = validate_config(
        &credits_with(|c| c["plans"][1]["limits"]["messages"] = json!({ "5h": 50 })).to_string(),
    );
    assert!(report.valid, "{:?}", report.errors);
    let warnings = upgrade_prompts::engine::to_json(&report.warnings);
    assert!(
        warnings.contains("implicit_unlimited") && warnings.contains("`week` window"),
        "{warnings}"
    );
}
