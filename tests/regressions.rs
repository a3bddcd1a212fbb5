//! Regression tests for defects found in review: each test states the expected behaviour
//! (from the README and the product brief); the comment above it says what used to go wrong.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use serde_json::{json, Value};
use upgrade_prompts::engine::to_json;
use upgrade_prompts::EvalOptions;
use upgrade_prompts::{validate_config, Engine};

use common::{merge, HOST_NOW};

fn team_config() -> Value {
    let text = std::fs::read_to_string(common::root().join("www/samples/team.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn growing_team() -> Value {
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/contexts/growing-team.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn engine(config: &Value) -> Engine {
    Engine::new(&config.to_string()).unwrap_or_else(|e| panic!("config invalid: {e:?}"))
}

fn eval(engine: &Engine, ctx: &Value, placement: Option<&str>) -> Value {
    let opts = EvalOptions {
        placement: placement.map(str::to_owned),
        trace: false,
        exposures: false,
    };
    serde_json::from_str(&to_json(&engine.evaluate(
        &ctx.to_string(),
        &opts,
        HOST_NOW,
    )))
    .unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

fn reason_of(ev: &Value, callout: &str) -> Option<String> {
    ev["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["callout"] == callout)
        .map(|s| s["reason"].as_str().unwrap().to_owned())
}

fn ms(s: &str) -> f64 {
    upgrade_prompts::base::date::parse(s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. `usage.<m>.ratio` is rounded to 4 decimals before rules see it, so a rule on the ratio
//    fires below the threshold while the engine's own `state` says `ok`.
// ---------------------------------------------------------------------------------------------
#[test]
fn rules_see_the_exact_ratio() {
    let mut config = team_config();
    merge(
        &mut config,
        &json!({ "readiness": null, "frequency": null }),
    );
    config["rules"] = json!([{
        "id": "api-80", "kind": "usage_limit", "placement": "inline", "priority": 5,
        "when": "usage.api_calls.ratio >= 0.8",
        "message": { "en": { "title": "80% of API calls used" } }
    }]);
    let e = engine(&config);
    let mut ctx = growing_team();
    // 39,998 of 50,000 = 0.79996: below 0.8.
    ctx["usage"]["api_calls"] = json!({ "used": 39998 });
    let check: Value = serde_json::from_str(&to_json(&e.check_usage(
        "api_calls",
        &ctx.to_string(),
        HOST_NOW,
    )))
    .unwrap();
    assert_eq!(check["state"], "ok");
    let ev = eval(&e, &ctx, None);
    assert!(
        !ids(&ev["callouts"]).contains(&"api-80".to_owned()),
        "rule `usage.api_calls.ratio >= 0.8` fired at 39,998/50,000 (ratio reported as {}), \
         while the state is `ok`",
        check["ratio"]
    );
}

// ---------------------------------------------------------------------------------------------
// 2. `minMinutesBetween` (validated up to 525,600) only looks at impressions of the last 24 h,
//    and pruning keeps only max(perDays, cooldown, 1 day): a 2-day gap is not enforced.
// ---------------------------------------------------------------------------------------------
#[test]
fn min_minutes_between_longer_than_a_day_is_enforced() {
    let mut config = team_config();
    merge(
        &mut config,
        &json!({ "frequency": { "maxPerDay": 3, "minMinutesBetween": 2880, "dismissCooldownDays": 7 } }),
    );
    let mut e = engine(&config);
    // Another callout was shown 25 hours before `now` (2026-11-24T09:00:00Z).
    let r = e.record(
        "impression",
        "usage_limit:api_calls",
        ms("2026-11-23T08:00:00Z"),
    );
    assert!(r.recorded);
    let ev = eval(&e, &growing_team(), None);
    assert_eq!(
        reason_of(&ev, "seats-near-limit").as_deref(),
        Some("cap:global"),
        "a different callout was shown 25 h ago with minMinutesBetween = 2880 (48 h); got {}",
        ev["callouts"]
    );
}

// ---------------------------------------------------------------------------------------------
// 3. `evaluate({placement})` skips other placements *before* counting them against
//    `maxPerDay`, so a host that asks per placement is shown more than `maxPerDay` callouts.
// ---------------------------------------------------------------------------------------------
#[test]
fn placement_filter_is_a_view_of_the_same_decision() {
    let mut config = team_config();
    merge(
        &mut config,
        &json!({ "frequency": { "maxPerDay": 1 }, "readiness": null }),
    );
    let e = engine(&config);
    let mut ctx = growing_team();
    merge(
        &mut ctx,
        &json!({ "account": { "plan": "free" },
                 "usage": { "seats": { "used": 2 }, "api_calls": { "used": 900 } },
                 "page": { "route": "/reports/export" } }),
    );
    let all = eval(&e, &ctx, None);
    let all_ids = ids(&all["callouts"]);
    assert_eq!(all_ids.len(), 1, "maxPerDay 1: {all_ids:?}");
    let mut union = Vec::new();
    for p in ["banner", "inline", "modal"] {
        union.extend(ids(&eval(&e, &ctx, Some(p))["callouts"]));
    }
    assert_eq!(
        union, all_ids,
        "per-placement evaluations together show more than maxPerDay = 1 (unfiltered: {all_ids:?}; suppressed {})",
        all["suppressed"]
    );
}

// ---------------------------------------------------------------------------------------------
// 4. A restored state is not bounded: export keeps every restored impression, not "the latest
//    impressions up to the largest maxImpressions" (README, How evaluate decides).
// ---------------------------------------------------------------------------------------------
#[test]
fn restored_state_is_bounded_on_export() {
    let config = team_config(); // largest maxImpressions = 3
    let mut e = engine(&config);
    let base = ms("2026-11-24T00:00:00Z");
    let impressions: Vec<f64> = (0..500).map(|i| base + f64::from(i) * 60_000.0).collect();
    let state =
        json!({ "version": 1, "callouts": { "seats-near-limit": { "impressions": impressions } } });
    e.restore_state(&state.to_string(), HOST_NOW);
    let exported: Value = serde_json::from_str(&to_json(&e.export_state())).unwrap();
    let n = exported["callouts"]["seats-near-limit"]["impressions"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        n <= 3,
        "exported {n} impressions for one callout; maxImpressions is 3"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Add-on quantities are summed in u32 without a check: repeated entries overflow
//    (a panic in debug builds, a silently wrapped quantity and limit in release).
// ---------------------------------------------------------------------------------------------
#[test]
fn repeated_addon_quantities_do_not_overflow() {
    let e = engine(&team_config());
    let mut ctx = growing_team();
    let addons: Vec<Value> = (0..4300)
        .map(|_| json!({ "id": "api_boost", "quantity": 1_000_000 }))
        .collect();
    ctx["account"]["addons"] = Value::Array(addons);
    let text = ctx.to_string();
    assert!(text.len() < 1 << 20);
    let out: Value =
        serde_json::from_str(&to_json(&e.check_usage("api_calls", &text, HOST_NOW))).unwrap();
    // The quantity saturates at 1,000,000 units instead of wrapping, and is flagged.
    assert_eq!(out["limit"].as_f64(), Some(50_000.0 + 1e6 * 1e5));
    let warned = out["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "quantity_above_max");
    assert!(warned, "{}", out["warnings"]);
}

// ---------------------------------------------------------------------------------------------
// 6. Slot ids keep only 16 bits of the metric/feature index: with more than 65,536 metrics,
//    `usage.m65536.used` silently reads metric `m0`.
// ---------------------------------------------------------------------------------------------
#[test]
fn more_than_65535_metrics_is_a_load_error() {
    let mut metrics = serde_json::Map::new();
    for i in 0..=65_536u32 {
        metrics.insert(format!("m{i}"), json!({ "label": "x" }));
    }
    let config = json!({
        "metrics": metrics,
        "features": {},
        "plans": [ { "id": "free", "price": { "monthly": 0 }, "features": [], "limits": { "m0": 100, "m65536": 100 } } ]
    });
    let report = validate_config(&config.to_string());
    assert!(
        report.errors.iter().any(|e| e.code.as_str() == "too_many"),
        "{:?}",
        report.errors.first()
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Without reported seats, per-seat plans are priced at 0 seats: Team shows as a $0 upgrade
//    and outranks the $29 add-on as "cheapest".
// ---------------------------------------------------------------------------------------------
#[test]
fn per_seat_price_is_unknown_without_seats() {
    let e = engine(&team_config());
    let ctx = json!({ "now": "2026-11-24T09:00:00Z", "account": { "id": "a", "plan": "free" },
                      "user": { "role": "owner" }, "usage": { "api_calls": 10 } });
    let out: Value = serde_json::from_str(&to_json(&e.check_feature(
        "reports",
        &ctx.to_string(),
        HOST_NOW,
    )))
    .unwrap();
    let team = out["unlock"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "team")
        .unwrap()
        .clone();
    assert!(
        team["monthlyDelta"].is_null() || !out["warnings"].as_array().unwrap().is_empty(),
        "seat count unknown, yet Team (12/seat) is priced {} with no warning; unlock = {}",
        team["monthlyDelta"],
        out["unlock"]
    );
}

// ---------------------------------------------------------------------------------------------
// 8. A rule whose message exists only in Japanese validates, but renders an empty title and
//    body for every non-Japanese user (fallback chain ends at `en`, which is absent).
// ---------------------------------------------------------------------------------------------
#[test]
fn rule_message_without_en_falls_back_to_another_language() {
    let mut config = team_config();
    merge(&mut config, &json!({ "readiness": null }));
    config["rules"] = json!([{
        "id": "ja-only", "kind": "upsell", "placement": "inline", "priority": 60, "target": "enterprise", "when": "true",
        "message": { "ja": { "title": "アップグレード", "body": "本文" } }
    }]);
    let report = validate_config(&config.to_string());
    let e = engine(&config);
    let ev = eval(&e, &growing_team(), None); // locale "en"
    let c = ev["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ja-only");
    let c = c.unwrap_or_else(|| panic!("not shown: {}", ev));
    {
        assert_ne!(
            c["title"], "",
            "config accepted (valid = {}, warnings = {:?}) but the callout has an empty title: {c}",
            report.valid, report.warnings
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 9. `messages.cta.<action>` keys are lowercased but `_` is not turned into `-` (unlike every
//    other message), so `ja_JP` — accepted by validation — never matches.
// ---------------------------------------------------------------------------------------------
#[test]
fn cta_override_with_underscore_locale_is_used() {
    let mut config = team_config();
    merge(
        &mut config,
        &json!({ "messages": { "cta": { "upgrade": { "ja_JP": "今すぐアップグレード" } } } }),
    );
    let e = engine(&config);
    let ctx = json!({ "now": "2026-11-24T09:00:00Z", "locale": "ja-JP", "account": { "id": "a", "plan": "free" },
                      "user": { "role": "owner" }, "usage": { "seats": 3, "api_calls": 10 } });
    let out: Value = serde_json::from_str(&to_json(&e.check_usage(
        "seats",
        &ctx.to_string(),
        HOST_NOW,
    )))
    .unwrap();
    assert_eq!(out["callout"]["cta"]["label"], "今すぐアップグレード");
}

// ---------------------------------------------------------------------------------------------
// 10. README: "`cross_sell` needs an explicit add-on" — a cross_sell rule targeting a plan
//     (or `rightSize`) is accepted.
// ---------------------------------------------------------------------------------------------
#[test]
fn cross_sell_rule_with_plan_target_is_rejected() {
    let mut config = team_config();
    config["rules"] = json!([{
        "id": "xs", "kind": "cross_sell", "placement": "inline", "target": "enterprise", "when": "true",
        "message": { "en": { "title": "x" } }
    }]);
    let report = validate_config(&config.to_string());
    assert!(!report.valid, "cross_sell with a plan target validated");
}

// ---------------------------------------------------------------------------------------------
// 11. An explicit add-on target is offered even when it cannot be bought on the account's plan
//     (Reports+ is `availableOn: ["free"]`; the account is on Team).
// ---------------------------------------------------------------------------------------------
#[test]
fn explicit_addon_target_not_available_on_plan_is_not_pitched() {
    let mut config = team_config();
    merge(&mut config, &json!({ "readiness": null }));
    config["rules"] = json!([{
        "id": "reports-xs", "kind": "cross_sell", "placement": "inline", "target": "reports_plus",
        "when": "page.route.startsWith('/reports')",
        "message": { "en": { "title": "Get Reports+" } }
    }]);
    let e = engine(&config);
    let mut ctx = growing_team(); // plan team
    ctx["page"] = json!({ "route": "/reports/export" });
    let ev = eval(&e, &ctx, None);
    assert!(
        !ids(&ev["callouts"]).contains(&"reports-xs".to_owned()),
        "Team account is offered Reports+, which is only available on Free: {}",
        ev["callouts"]
    );
}

// ---------------------------------------------------------------------------------------------
// 12. Holdout is decided before the per-callout guards, so units that would never have seen
//     the callout (unready account, converted, dismissed, capped) are reported as holdout
//     exposures — README lists the guards first, and the holdout exposure is for lift analysis.
// ---------------------------------------------------------------------------------------------
#[test]
fn unready_account_is_not_reported_as_holdout() {
    let e = engine(&team_config());
    let mut ctx = growing_team();
    merge(
        &mut ctx,
        &json!({ "account": { "id": "acct_5", "healthScore": 10 } }),
    ); // acct_5 is in the holdout
    let ev = eval(&e, &ctx, None);
    assert_eq!(
        reason_of(&ev, "seats-near-limit").as_deref(),
        Some("readiness:health"),
        "{}",
        ev["suppressed"]
    );
}

// ---------------------------------------------------------------------------------------------
// 13. `minMinutesBetween` is not applied among callouts of one evaluation: two different,
//     never-shown, non-blocking callouts are returned together although they must be 30 minutes
//     apart.
// ---------------------------------------------------------------------------------------------
#[test]
fn min_minutes_between_applies_within_one_evaluation() {
    let mut config = team_config();
    merge(
        &mut config,
        &json!({ "frequency": { "maxPerDay": 10, "minMinutesBetween": 30 }, "readiness": null }),
    );
    let e = engine(&config);
    let mut ctx = growing_team();
    merge(
        &mut ctx,
        &json!({ "account": { "plan": "free" },
                 "usage": { "seats": { "used": 2 }, "api_calls": { "used": 900 } },
                 "page": { "route": "/reports/export" } }),
    );
    let ev = eval(&e, &ctx, None);
    let non_blocking: Vec<&Value> = ev["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["severity"] != "blocking")
        .collect();
    assert!(
        non_blocking.len() <= 1,
        "{} different new callouts at once with minMinutesBetween = 30: {:?}",
        non_blocking.len(),
        non_blocking.iter().map(|c| &c["id"]).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------------------------------------
// 14. Numbers above u64::MAX are printed as 18,446,744,073,709,551,615 in messages.
// ---------------------------------------------------------------------------------------------
#[test]
fn huge_numbers_are_formatted_in_full() {
    assert_eq!(
        upgrade_prompts::base::num::format_number(1e20),
        "100,000,000,000,000,000,000"
    );
}

// ---------------------------------------------------------------------------------------------
// 15. The right-size plan is "the cheapest plan that covers current usage with headroom" — when
//     the current plan no longer covers it, that plan is *more expensive*, and a downsell rule
//     (never guarded by readiness) pitches it with `downgrade` and a positive delta.
// ---------------------------------------------------------------------------------------------
#[test]
fn downsell_never_targets_a_more_expensive_plan() {
    let text = std::fs::read_to_string(common::root().join("www/samples/api.json")).unwrap();
    let mut config: Value = serde_json::from_str(&text).unwrap();
    config["rules"] = json!([{
        "id": "right-size", "kind": "downsell", "placement": "inline",
        "when": "account.rightSizePlan != null && account.rightSizePlan != plan.id",
        "message": { "en": { "title": "Save with {target.label}" } }
    }]);
    let e = engine(&config);
    let ctx = json!({ "now": "2026-11-24T09:00:00Z", "account": { "id": "a", "plan": "starter" },
                      "user": { "role": "owner" }, "usage": { "requests": 95000, "storage_gb": 2 } });
    let ev = eval(&e, &ctx, None);
    for c in ev["callouts"].as_array().unwrap() {
        if c["kind"] == "downsell" {
            let delta = c["target"]["monthlyDelta"].as_f64().unwrap_or(0.0);
            assert!(
                delta < 0.0,
                "downsell pitches `{}` (action `{}`) at {delta:+} a month",
                c["target"]["id"],
                c["cta"]["action"]
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 16. README: "duplicate ids … are load-time errors" — duplicate metric/feature keys in the
//     JSON text are silently merged (last one wins).
// ---------------------------------------------------------------------------------------------
#[test]
fn duplicate_metric_keys_are_a_load_error() {
    let text = r#"{ "metrics": { "seats": { "label": "Seats" }, "seats": { "label": "Other", "period": "day" } },
                   "features": {}, "plans": [ { "id": "free", "price": { "monthly": 0 }, "limits": { "seats": 3 } } ] }"#;
    let report = validate_config(text);
    assert!(!report.valid);
    assert_eq!(report.errors[0].code.as_str(), "duplicate_key");
    assert!(
        report.errors[0].message.contains("`seats`"),
        "{}",
        report.errors[0].message
    );
}

// ---------------------------------------------------------------------------------------------
// 17. When `placements` is given, the built-ins keep their default placements (`banner`,
//     `modal`) even if those no longer exist; they then have no maximum at all.
// ---------------------------------------------------------------------------------------------
#[test]
fn builtins_need_their_placement_defined() {
    let mut config = team_config();
    config["placements"] = json!({ "inline": { "max": 3 } });
    config["rules"] = json!([]);
    let report = validate_config(&config.to_string());
    let found: Vec<&str> = report
        .errors
        .iter()
        .filter(|e| e.code.as_str() == "unknown_placement")
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(found.len(), 2, "{:?}", report.errors);
    // Moving the built-ins into a defined placement (or switching them off) makes it valid.
    config["builtins"] = json!({ "featureGate": { "placement": "inline" }, "usageLimit": false });
    let report = validate_config(&config.to_string());
    assert!(report.valid, "{:?}", report.errors);
}

// ---------------------------------------------------------------------------------------------
// 18. Cost of large inputs (measured, not asserted tightly): many add-ons in config and context.
// ---------------------------------------------------------------------------------------------
#[test]
fn many_owned_addons_give_correct_options() {
    let n = 10_000;
    let addons: Vec<Value> = (0..n)
        .map(|i| json!({ "id": format!("a{i}"), "price": { "monthly": 1 }, "limits": { "seats": 1 } }))
        .collect();
    let config = json!({
        "metrics": { "seats": {} }, "features": {},
        "plans": [ { "id": "free", "price": { "monthly": 0 }, "limits": { "seats": 3 } },
                   { "id": "pro", "price": { "monthly": 5 }, "limits": { "seats": 100 } } ],
        "addons": addons
    });
    let e = engine(&config);
    let owned: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
    let ctx = json!({ "now": "2026-11-24T09:00:00Z", "account": { "plan": "free", "addons": owned },
                      "user": { "role": "owner" }, "usage": { "seats": 50000 } });
    let out: Value = serde_json::from_str(&to_json(&e.check_usage(
        "seats",
        &ctx.to_string(),
        HOST_NOW,
    )))
    .unwrap();
    // 3 + 10,000 owned units = 10,003 seats; Pro (100 + 10,000 units) = 10,100 does not cover 50,000.
    assert_eq!(out["limit"].as_f64(), Some(10_003.0));
    assert_eq!(out["state"], "over");
    assert_eq!(out["unlock"], json!([]));
}

// ---------------------------------------------------------------------------------------------
// 19. Readiness: "values the context does not give pass". A context without `features` makes
//     `account.featureAdoption` 0 (not missing) on a plan with features, so `minFeatureAdoption`
//     silences every guarded callout.
// ---------------------------------------------------------------------------------------------
#[test]
fn missing_feature_usage_is_unknown_adoption() {
    let e = engine(&team_config()); // minFeatureAdoption 0.3; Team has one feature
    let mut ctx = growing_team();
    ctx.as_object_mut().unwrap().remove("features");
    let ev = eval(&e, &ctx, None);
    assert_eq!(
        reason_of(&ev, "seats-near-limit"),
        None,
        "no `features` in the context, yet: {}",
        ev["suppressed"]
    );
}

// ---------------------------------------------------------------------------------------------
// 20. Same root cause for right-sizing: an unreported metric counts as covered by every plan,
//     so a Team account that reports only seats is told to switch to Free (1,000 API calls).
// ---------------------------------------------------------------------------------------------
#[test]
fn right_size_does_not_assume_unreported_usage_fits() {
    let e = engine(&team_config());
    let mut ctx = growing_team();
    ctx["usage"] = json!({ "seats": { "used": 2 } }); // api_calls not reported
    ctx["features"] = json!({ "reports": { "uses30d": 0 } });
    let ev = eval(&e, &ctx, None);
    let downsell: Vec<&Value> = ev["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "downsell")
        .collect();
    assert!(
        downsell.is_empty(),
        "API usage unknown, yet the account is told to switch to `{}`",
        downsell[0]["target"]["id"]
    );
}

// ---------------------------------------------------------------------------------------------
// 21. Every unknown key in the context runs "did you mean" against every catalog id (up to
//     2,000, each an O(len²) edit distance with allocations), and the diagnostics are not
//     capped: a 1 MiB context of unknown feature keys takes seconds.
// ---------------------------------------------------------------------------------------------
#[test]
fn unknown_context_keys_give_a_capped_list() {
    let mut features = serde_json::Map::new();
    for i in 0..200 {
        features.insert(format!("feature_number_{i}"), json!({ "label": "x" }));
    }
    let config = json!({
        "metrics": {}, "features": features,
        "plans": [ { "id": "free", "price": { "monthly": 0 }, "limits": {} } ]
    });
    let e = engine(&config);
    let mut fs = serde_json::Map::new();
    for i in 0..20_000 {
        fs.insert(format!("zz{i}"), json!({}));
    }
    let ctx = json!({ "account": { "plan": "free" }, "features": fs });
    let out = e.check_feature("feature_number_1", &ctx.to_string(), HOST_NOW);
    let capped = out
        .warnings
        .iter()
        .filter(|w| w.code.as_str() == "unknown_feature")
        .count();
    assert_eq!(capped, 500);
    assert!(out
        .warnings
        .iter()
        .any(|w| w.code.as_str() == "too_many_problems"));
    // Suggestions stop after the first few problems, so the cost stays linear in the keys.
    assert!(out.warnings.iter().filter(|w| w.help.is_some()).count() <= 50);
}

// ---------------------------------------------------------------------------------------------
// Hostile input found by review of the previous version (each states the behaviour now).
// ---------------------------------------------------------------------------------------------

/// Many unknown paths against many ids: "did you mean" searches stop after a fixed budget, so
/// the work grows linearly with the config instead of with unknown names × ids.
#[test]
fn unknown_paths_get_a_bounded_number_of_suggestions() {
    let mut config = team_config();
    let metrics = config["metrics"].as_object_mut().unwrap();
    for i in 0..2000 {
        metrics.insert(format!("m{i}"), json!({ "label": format!("M{i}") }));
    }
    let when: Vec<String> = (0..80).map(|i| format!("usage.x{i}.ratio > 0")).collect();
    let rules: Vec<Value> = (0..10)
        .map(|r| {
            json!({ "id": format!("r{r}"), "kind": "upsell", "when": when.join(" && "),
                    "message": { "en": { "title": "{usage.y.used} {usage.z.used}" } } })
        })
        .collect();
    config["rules"] = Value::Array(rules);
    let report = validate_config(&config.to_string());
    assert!(!report.valid);
    let unknown = report
        .errors
        .iter()
        .filter(|e| e.code.as_str() == "unknown_path" || e.code.as_str() == "unknown_placeholder")
        .count();
    let helped = report.errors.iter().filter(|e| e.help.is_some()).count();
    assert!(unknown >= 500, "{unknown}");
    assert!(helped <= 60, "{helped} suggestions computed");
}

/// `en` and `EN` (or `en_US` and `en-us`) are the same locale: an error, not a silent winner.
#[test]
fn colliding_locale_keys_are_an_error() {
    let mut config = team_config();
    config["rules"] = json!([{ "id": "r", "kind": "upsell", "when": "true",
        "message": { "en": { "title": "A" }, "EN": { "title": "B" } } }]);
    let report = validate_config(&config.to_string());
    let e = report
        .errors
        .iter()
        .find(|e| e.code.as_str() == "duplicate_locale")
        .expect("duplicate_locale reported");
    assert_eq!(to_json(&e.path), r#"["rules",0,"message","EN"]"#);
}

/// A blank title would render an empty callout.
#[test]
fn blank_titles_are_an_error() {
    let mut config = team_config();
    config["rules"] = json!([{ "id": "r", "kind": "upsell", "when": "true",
        "message": { "en": { "title": "   " } } }]);
    let report = validate_config(&config.to_string());
    assert!(report
        .errors
        .iter()
        .any(|e| e.code.as_str() == "empty_string"
            && to_json(&e.path) == r#"["rules",0,"message","en","title"]"#));
}

/// A character reference would become a script URL if the host put the URL into HTML.
#[test]
fn character_references_in_urls_are_refused() {
    let mut config = team_config();
    config["plans"][1]["url"] = json!("&#106;avascript:alert(1)");
    let report = validate_config(&config.to_string());
    assert!(report
        .errors
        .iter()
        .any(|e| e.code.as_str() == "invalid_url"));
}

/// Beyond 10,000 history points the newest are kept (the forecast follows the recent trend),
/// with a warning.
#[test]
fn long_history_keeps_the_newest_points_with_a_warning() {
    let config = team_config();
    let e = engine(&config);
    let mut ctx = growing_team();
    let start = ms("2026-11-01T00:00:00Z");
    let history: Vec<Value> = (0..12_000)
        .map(|i| {
            let at = start + f64::from(i) * 150_000.0;
            json!({ "at": upgrade_prompts::base::date::format(at), "value": i })
        })
        .collect();
    ctx["usage"]["api_calls"] = json!({ "used": 12_000, "history": history });
    ctx["now"] = json!("2026-11-24T09:00:00Z");
    let check: Value = serde_json::from_str(&to_json(&e.check_usage(
        "api_calls",
        &ctx.to_string(),
        HOST_NOW,
    )))
    .unwrap();
    assert!(check["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "history_truncated"));
    // The kept points are the newest, on the same steady trend: the forecast goes up.
    assert!(check["projected"].as_f64().unwrap() > 12_000.0, "{check}");
}

/// Values that overflow give no ratio and no "inf" text.
#[test]
fn overflowing_values_give_no_infinite_results() {
    let mut config = team_config();
    config["plans"][0]["limits"]["seats"] = json!(1e-320);
    let e = engine(&config);
    let mut ctx = growing_team();
    ctx["account"]["plan"] = json!("free");
    ctx["usage"]["seats"] = json!(5);
    let text = to_json(&e.check_usage("seats", &ctx.to_string(), HOST_NOW));
    let check: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(check["ratio"], Value::Null, "{text}");
    assert!(!text.contains("inf"), "{text}");
    assert!(!upgrade_prompts::base::num::format_number(1e308).contains("inf"));
}

/// JSON syntax errors point into the document.
#[test]
fn json_errors_have_a_path_and_a_position() {
    let report = validate_config("{\"plans\": [{\"id\": \"a\",}]}");
    let e = &report.errors[0];
    assert_eq!(e.code.as_str(), "invalid_json");
    assert_eq!(to_json(&e.path), r#"["plans",0]"#);
    assert!(e.message.contains("line 1 column 23"), "{}", e.message);
    // The position is also given as fields, and serialized with the diagnostic.
    assert_eq!((e.line, e.column), (Some(1), Some(23)));
    assert!(
        to_json(e).ends_with(r#""line":1,"column":23}"#),
        "{}",
        to_json(e)
    );
    let report = validate_config("{\n  \"plans\": [],\n  \"plans\": []}");
    let e = &report.errors[0];
    assert_eq!(e.code.as_str(), "duplicate_key");
    assert_eq!(to_json(&e.path), r#"["plans"]"#);
    assert_eq!((e.line, e.column), (Some(3), Some(3)));
    // Problems found after parsing have no text position.
    let report = validate_config("{\"plans\": [], \"nope\": 1}");
    assert!(report
        .errors
        .iter()
        .all(|e| e.line.is_none() && e.column.is_none()));
}

/// A device whose clock runs ahead cannot defeat caps and cooldowns: events stamped more than a
/// day after the host clock are refused, so the real impressions stay and a real dismissal is
/// not hidden behind a future one.
#[test]
fn events_from_a_clock_far_ahead_are_refused() {
    let config = team_config();
    let mut e = engine(&config);
    let ctx = growing_team();
    let first = eval(&e, &ctx, None);
    assert!(ids(&first["callouts"]).contains(&"seats-near-limit".to_owned()));
    let far = ms("9999-01-01T00:00:00Z");
    for _ in 0..2 {
        let r: Value = serde_json::from_str(&to_json(&e.record_at(
            "impression",
            "seats-near-limit",
            Some(far),
            HOST_NOW,
        )))
        .unwrap();
        assert_eq!(r["recorded"], false);
        assert_eq!(r["error"]["path"], json!(["at"]));
    }
    // The real impressions reach the rule's cap of 3 per 7 days.
    for at in [
        "2026-11-20T09:00:00Z",
        "2026-11-22T09:00:00Z",
        "2026-11-24T08:00:00Z",
    ] {
        assert!(e.record("impression", "seats-near-limit", ms(at)).recorded);
    }
    assert_eq!(
        reason_of(&eval(&e, &ctx, None), "seats-near-limit").as_deref(),
        Some("cap:rule")
    );
    // A future dismissal is refused; a real one starts the cooldown.
    assert!(
        !e.record_at("dismiss", "usage_limit:seats", Some(far), HOST_NOW)
            .recorded
    );
    assert!(
        e.record("dismiss", "usage_limit:seats", ms("2026-11-24T08:59:00Z"))
            .recorded
    );
    assert_eq!(
        reason_of(&eval(&e, &ctx, None), "usage_limit:seats").as_deref(),
        Some("cooldown:dismissed")
    );
}

/// One context with `now` in year 9999 used to move the engine's clock for good: after it,
/// events stamped in 9999 were taken and outranked real dismissals. A context's `now` moves what
/// is evaluated (time travel), never what may be stored.
#[test]
fn a_far_future_context_does_not_move_what_may_be_stored() {
    let mut e = engine(&team_config());
    let mut future = growing_team();
    future["now"] = json!("9999-06-01T00:00:00Z");
    eval(&e, &future, None);
    let far = ms("9999-06-01T00:00:05Z");
    let r = e.record_at("dismiss", "seats-near-limit", Some(far), HOST_NOW);
    assert!(!r.recorded, "{r:?}");
    // An event without `at` after that context is stamped with the host clock, not 9999.
    assert!(
        e.record_at("dismiss", "seats-near-limit", None, HOST_NOW)
            .recorded
    );
    let state: Value = serde_json::from_str(&to_json(&e.export_state())).unwrap();
    assert_eq!(
        state["callouts"]["seats-near-limit"]["dismissedAt"],
        json!(HOST_NOW as i64)
    );
    // ... and counts for the real present (in 9999 its 7-day cooldown is long over).
    let mut present = growing_team();
    present["now"] = json!("2026-11-24T09:05:00Z");
    assert_eq!(
        reason_of(&eval(&e, &present, None), "seats-near-limit").as_deref(),
        Some("cooldown:dismissed")
    );
}

/// `record` without `at` used to stamp the host clock; evaluating the same context again (its
/// `now` taken a moment before the click) then saw the dismissal "in the future" and kept
/// showing the callout. An event without `at` counts for the context it follows.
#[test]
fn an_event_without_at_counts_for_the_context_it_follows() {
    let mut e = engine(&team_config());
    let ctx = growing_team(); // now: 2026-11-24T09:00:00Z
    let shown = eval(&e, &ctx, None);
    assert!(ids(&shown["callouts"]).contains(&"seats-near-limit".to_owned()));
    // The user dismisses it 40 seconds later; the host re-evaluates the same context object.
    let click = ms("2026-11-24T09:00:40Z");
    assert!(
        e.record_at("dismiss", "seats-near-limit", None, click)
            .recorded
    );
    let again = eval(&e, &ctx, None);
    assert!(
        !ids(&again["callouts"]).contains(&"seats-near-limit".to_owned()),
        "{again}"
    );
    assert_eq!(
        reason_of(&again, "seats-near-limit").as_deref(),
        Some("cooldown:dismissed")
    );
    // A host clock behind the context's `now` stamps the host time (still before `now`).
    let mut e = engine(&team_config());
    eval(&e, &ctx, None);
    let behind = ms("2026-11-24T08:00:00Z");
    assert!(
        e.record_at("dismiss", "seats-near-limit", None, behind)
            .recorded
    );
    let state: Value = serde_json::from_str(&to_json(&e.export_state())).unwrap();
    assert_eq!(
        state["callouts"]["seats-near-limit"]["dismissedAt"],
        json!(behind as i64)
    );
}

/// A restored state or another tab's stored value with a future `dismissedAt` used to be kept
/// silently (and spread to every tab), hiding later real dismissals: `merge` keeps the latest
/// and the cooldown ignores one after `now`. Times more than a day after the host clock are
/// dropped with a warning.
#[test]
fn stored_times_from_a_clock_far_ahead_are_dropped() {
    let future = ms("9999-01-01T00:00:00Z");
    let stored = json!({ "version": 1, "callouts": {
        "seats-near-limit": { "impressions": [future, ms("2026-11-24T08:00:00Z")],
                                   "dismissedAt": future }
    } })
    .to_string();
    for merge in [false, true] {
        let mut e = engine(&team_config());
        if merge {
            e.merge_state(&stored, HOST_NOW);
        } else {
            e.restore_state(&stored, HOST_NOW);
        }
        let w = e
            .warnings()
            .iter()
            .find(|w| w.code.as_str() == "state_ignored")
            .unwrap_or_else(|| panic!("no warning: {:?}", e.warnings()));
        assert!(w.message.contains("2 stored time(s)"), "{}", w.message);
        let state: Value = serde_json::from_str(&to_json(&e.export_state())).unwrap();
        let h = &state["callouts"]["seats-near-limit"];
        assert_eq!(h["impressions"], json!([ms("2026-11-24T08:00:00Z") as i64]));
        assert!(h.get("dismissedAt").is_none(), "{state}");
        // A real dismissal now counts.
        assert!(
            e.record("dismiss", "seats-near-limit", ms("2026-11-24T08:30:00Z"))
                .recorded
        );
        assert_eq!(
            reason_of(&eval(&e, &growing_team(), None), "seats-near-limit").as_deref(),
            Some("cooldown:dismissed")
        );
    }
}

/// JSON text can repeat a key (an object from JavaScript cannot): the reader says so.
#[test]
fn repeated_keys_in_a_context_are_reported() {
    let e = engine(&team_config());
    let text = r#"{"now": "2026-11-24T09:00:00Z", "account": {"plan": "team", "plan": "free",
        "traits": {"industry": "retail", "industry": "saas"}}}"#;
    let ev: Value = serde_json::from_str(&to_json(&e.evaluate(
        text,
        &EvalOptions::default(),
        HOST_NOW,
    )))
    .unwrap();
    let paths: Vec<String> = ev["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "duplicate_key")
        .map(|w| w["path"].to_string())
        .collect();
    assert_eq!(
        paths,
        [
            r#"["account","plan"]"#,
            r#"["account","traits","industry"]"#
        ]
    );
}

// Targets are told apart by kind and index: a plan and an add-on at the same index are
// different targets, and only a repeated target is held back as a duplicate.
#[test]
fn duplicate_targets_are_told_apart_by_kind_and_index() {
    let mut config = team_config();
    let rule = |id: &str, kind: &str, target: &str, priority: u32| {
        json!({
            "id": id, "kind": kind, "target": target, "placement": "inline",
            "priority": priority, "when": "true", "ignoreReadiness": true,
            "message": { "en": { "title": "Try {target.label}" } }
        })
    };
    config["frequency"] = json!({});
    config["rules"] = json!([
        rule("team-a", "upsell", "team", 90),
        rule("boost-a", "cross_sell", "api_boost", 80),
        rule("boost-b", "cross_sell", "api_boost", 70),
        rule("team-b", "upsell", "team", 60),
        rule("reports", "cross_sell", "reports_plus", 50),
    ]);
    let mut ctx = growing_team();
    merge(
        &mut ctx,
        &json!({"account": {"plan": "free"}, "usage": {"seats": {"used": 1}, "api_calls": {"used": 10}}}),
    );
    let ev = eval(&engine(&config), &ctx, Some("inline"));
    // `team` is plan 1 and `api_boost` add-on 1 in the sample catalog.
    assert_eq!(
        ids(&ev["callouts"]),
        ["team-a", "boost-a", "reports"],
        "{ev:#}"
    );
    assert_eq!(
        reason_of(&ev, "boost-b").as_deref(),
        Some("duplicate_target")
    );
    assert_eq!(
        reason_of(&ev, "team-b").as_deref(),
        Some("duplicate_target")
    );
}

/// A period is projected only once `forecast.minElapsed` of it has passed (default 0.2): five
/// days into a 30-day month, the default makes no projection, and `minElapsed: 0` projects
/// from the first reading. Out-of-range shares are config errors.
#[test]
fn a_period_is_projected_once_enough_of_it_has_passed() {
    let context = json!({
        "now": "2026-11-06T00:00:00Z",
        "account": { "plan": "team" },
        "usage": { "api_calls": { "used": 12000, "periodStart": "2026-11-01T00:00:00Z", "periodEnd": "2026-12-01T00:00:00Z",
          "history": [ { "at": "2026-11-02T00:00:00Z", "value": 2000 }, { "at": "2026-11-04T00:00:00Z", "value": 7000 } ] } }
    });
    let usage = |config: &Value| -> Value {
        let e = engine(config);
        serde_json::from_str(&to_json(&e.check_usage(
            "api_calls",
            &context.to_string(),
            HOST_NOW,
        )))
        .unwrap()
    };
    let early = usage(&team_config());
    assert_eq!(
        (&early["projected"], &early["daysLeft"]),
        (&Value::Null, &Value::Null)
    );
    let mut eager = team_config();
    eager["forecast"] = json!({ "minElapsed": 0 });
    let projected = usage(&eager);
    assert!(
        projected["projected"].as_f64().unwrap() > 50_000.0,
        "{projected}"
    );
    assert_eq!(projected["daysLeft"], json!(15));
    for bad in [json!(-0.1), json!(1.5)] {
        let mut c = team_config();
        c["forecast"] = json!({ "minElapsed": bad });
        let report = validate_config(&c.to_string());
        assert_eq!(report.errors[0].code.as_str(), "out_of_range", "{bad}");
        assert_eq!(
            report.errors[0].path,
            vec!["forecast".into(), "minElapsed".into()]
        );
    }
}

/// A problem at a span of a rule condition or a message text also says where that span starts
/// in the config text, escapes read as the characters they stand for.
#[test]
fn span_errors_have_a_line_and_column_in_the_config_text() {
    let config = "{\n  \"plans\": [{ \"id\": \"free\", \"price\": { \"monthly\": 0 } }],\n  \"rules\": [{\n    \"id\": \"r\", \"kind\": \"upsell\",\n    \"when\": \"account.plan == 'free' && usage.seat.ratio > 1\",\n    \"message\": { \"en\": { \"title\": \"\\u00e9\\ud83d\\ude00 {usage.nope.used}\" } }\n  }]\n}";
    let report = validate_config(config);
    let when = report
        .errors
        .iter()
        .find(|e| e.code.as_str() == "unknown_path")
        .expect("an unknown path");
    // `usage.seat.ratio` starts 26 characters into the condition, which starts after the quote
    // at column 13 of line 5.
    assert_eq!(when.span.map(|s| s.start), Some(26));
    assert_eq!((when.line, when.column), (Some(5), Some(14 + 26)));
    let title = report
        .errors
        .iter()
        .find(|e| e.code.as_str() == "unknown_placeholder")
        .expect("an unknown placeholder");
    // Two characters written as three escapes (one a surrogate pair) and a space come first.
    assert_eq!(title.span.map(|s| s.start), Some(3));
    let line6 = config.lines().nth(5).unwrap();
    let brace = line6.find("{usage").unwrap();
    assert_eq!(
        (title.line, title.column),
        (Some(6), Some(brace as u32 + 1))
    );
}

/// Bad credit balances and windowed use in a context: coded errors (or warnings) with paths
/// into the context, the value treated as absent, and never a callout made up from them.
#[test]
fn bad_credit_and_window_input_is_reported_and_ignored() {
    let text = std::fs::read_to_string(common::root().join("www/samples/credits.json")).unwrap();
    let config: Value = serde_json::from_str(&text).unwrap();
    let engine = engine(&config);
    let ctx = json!({
        "now": "2026-12-07T00:00:00Z",
        "account": { "id": "a", "plan": "pro" }, "user": { "role": "owner" },
        "usage": {
            "ai_credits": { "balance": "lots", "granted": -5, "autoRecharge": "yes",
                            "history": [ { "at": "yesterday", "value": 1 }, { "value": 2 } ] },
            "messages": { "windows": { "5h": -3, "day": 4, "week": { "used": 10, "resetsAt": 7 } } }
        }
    });
    let ev = eval(&engine, &ctx, None);
    let errors = ev["errors"].as_array().unwrap();
    let at = |path: Value| errors.iter().find(|e| e["path"] == path).cloned();
    for (path, code) in [
        (json!(["usage", "ai_credits", "balance"]), "invalid_type"),
        (json!(["usage", "ai_credits", "granted"]), "negative_value"),
        (
            json!(["usage", "ai_credits", "autoRecharge"]),
            "invalid_type",
        ),
        (
            json!(["usage", "ai_credits", "history", 0, "at"]),
            "invalid_date",
        ),
        (
            json!(["usage", "ai_credits", "history", 1]),
            "missing_field",
        ),
        (
            json!(["usage", "messages", "windows", "5h"]),
            "negative_value",
        ),
        (
            json!(["usage", "messages", "windows", "week", "resetsAt"]),
            "invalid_type",
        ),
    ] {
        let e = at(path.clone()).unwrap_or_else(|| panic!("no error at {path}: {errors:#?}"));
        assert_eq!(e["code"], code, "{path}");
    }
    let warned = ev["warnings"].as_array().unwrap().iter().any(|w| {
        w["code"] == "unknown_field" && w["path"] == json!(["usage", "messages", "windows", "day"])
    });
    assert!(warned, "{:#}", ev["warnings"]);
    // Nothing was read for the balance, so no top-up; the week's 10 of 500 is fine.
    assert_eq!(ev["callouts"], json!([]), "{ev:#}");
}

fn credits_config() -> Value {
    let text = std::fs::read_to_string(common::root().join("www/samples/credits.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn errors_of(config: &Value) -> Vec<(String, Value)> {
    let report = validate_config(&config.to_string());
    let v: Value = serde_json::from_str(&to_json(&report)).unwrap();
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["code"].as_str().unwrap().to_owned(), e["path"].clone()))
        .collect()
}

/// A metered use near the largest number: scaling the projection for rounding overflowed, and
/// `projected` came out as an infinity (written as `null`).
#[test]
fn a_huge_use_is_projected_as_a_finite_number() {
    let engine = engine(&credits_config());
    let ctx = json!({
        "now": "2026-12-20T00:00:00Z",
        "account": { "id": "a", "plan": "pro" },
        "usage": { "documents": 1e307 }
    });
    let check = engine.check_usage("documents", &ctx.to_string(), HOST_NOW);
    let projected = check.projected.expect("a settled period is projected");
    assert!(projected.is_finite() && projected >= 1e307, "{projected}");
}

/// A windowed or credit metric named as `seatMetric` was accepted, and per-seat prices then
/// never had a seat count (the context of such a metric has no single `used`).
#[test]
fn a_windowed_or_credit_metric_cannot_count_seats() {
    for metric in ["messages", "ai_credits"] {
        let mut config = credits_config();
        config["seatMetric"] = json!(metric);
        let errors = errors_of(&config);
        assert!(
            errors.contains(&("invalid_value".to_owned(), json!(["seatMetric"]))),
            "{metric}: {errors:?}"
        );
    }
    // A metric merely called `seats` that holds credits is not taken as the seat count.
    let mut config = credits_config();
    config["metrics"]["seats"]["kind"] = json!("credits");
    config["plans"][0]["price"] = json!({ "perSeat": 5 });
    let errors = errors_of(&config);
    assert!(
        errors.contains(&("missing_seat_metric".to_owned(), json!(["seatMetric"]))),
        "{errors:?}"
    );
}

/// An add-on granting the same credit metric in `credits` (once) and `limits` (monthly) was
/// accepted: the headroom quoted it as a pack and ignored the monthly grant it also adds.
#[test]
fn an_add_on_grants_credits_once_or_monthly_not_both() {
    let mut config = credits_config();
    config["addons"][0]["limits"] = json!({ "ai_credits": 1000 });
    let errors = errors_of(&config);
    assert!(
        errors.contains(&(
            "conflicting_fields".to_owned(),
            json!(["addons", 0, "credits", "ai_credits"])
        )),
        "{errors:?}"
    );
}

/// A rolling window's `resetsAt` in the past (or further ahead than the window's span) was
/// shown as when the window resets.
#[test]
fn a_rolling_reset_outside_the_span_is_ignored() {
    let engine = engine(&credits_config());
    for at in ["2026-12-06T00:00:00Z", "2026-12-09T00:00:00Z"] {
        let ctx = json!({
            "now": "2026-12-07T00:00:00Z",
            "account": { "id": "a", "plan": "pro" },
            "usage": { "messages": { "windows": { "5h": { "used": 49, "resetsAt": at }, "week": 10 } } }
        });
        let check = engine.check_usage("messages", &ctx.to_string(), HOST_NOW);
        let w = check.windows.iter().find(|w| w.id == "5h").unwrap();
        assert_eq!(w.resets_at, None, "{at}");
        let ev = eval(&engine, &ctx, None);
        let warned = ev["warnings"].as_array().unwrap().iter().any(|w| {
            w["code"] == "out_of_range"
                && w["path"] == json!(["usage", "messages", "windows", "5h", "resetsAt"])
        });
        assert!(warned, "{at}: {:#}", ev["warnings"]);
    }
    // Within the span it is kept.
    let ctx = json!({
        "now": "2026-12-07T00:00:00Z",
        "account": { "id": "a", "plan": "pro" },
        "usage": { "messages": { "windows": { "5h": { "used": 49, "resetsAt": "2026-12-07T03:00:00Z" } } } }
    });
    let check = engine.check_usage("messages", &ctx.to_string(), HOST_NOW);
    let w = check.windows.iter().find(|w| w.id == "5h").unwrap();
    assert_eq!(w.resets_at.as_deref(), Some("2026-12-07T03:00:00Z"));
}

/// A credit balance above the last grant (a top-up on top of it) gave a negative `ratio` and
/// `percent` while `used` said 0 was spent.
#[test]
fn a_balance_above_the_grant_reads_as_nothing_spent() {
    let mut config = credits_config();
    config["rules"] = json!([{
        "id": "spent-nothing", "kind": "top_up", "placement": "inline",
        "when": "usage.ai_credits.ratio == 0 && usage.ai_credits.percent == 0",
        "message": { "en": { "title": "t", "body": "b" } }
    }]);
    let engine = engine(&config);
    let ctx = json!({
        "now": "2026-12-07T00:00:00Z",
        "account": { "id": "a", "plan": "pro" }, "user": { "role": "owner" },
        "usage": { "ai_credits": { "balance": 15000, "granted": 10000 } }
    });
    let check = engine.check_usage("ai_credits", &ctx.to_string(), HOST_NOW);
    assert_eq!((check.used, check.ratio), (Some(0.0), Some(0.0)));
    let ev = eval(&engine, &ctx, None);
    assert_eq!(ids(&ev["callouts"]), vec!["spent-nothing"], "{ev:#}");
}

/// A windowed metric with no use reported is still limited: its first limited window stands
/// for it (nothing binds yet), so `checkUsage` never calls it unlimited.
#[test]
fn a_windowed_metric_without_use_is_not_unlimited() {
    let text = std::fs::read_to_string(common::root().join("www/samples/credits.json")).unwrap();
    let engine = engine(&serde_json::from_str(&text).unwrap());
    let ctx = json!({ "now": "2026-12-07T00:00:00Z", "account": { "plan": "pro" } });
    let u: Value = serde_json::from_str(&to_json(&engine.check_usage(
        "messages",
        &ctx.to_string(),
        HOST_NOW,
    )))
    .unwrap();
    assert_eq!(u["limit"], json!(50), "{u:#}");
    assert_eq!(u["unlimited"], json!(false), "{u:#}");
    assert_eq!(u["binding"], Value::Null, "{u:#}");
    assert_eq!(u["used"], Value::Null, "{u:#}");
}
