//! wasm-bindgen tests of the Rust half of the JS boundary (`src/wasm.rs`), run in Node
//! (`wasm_node.rs`) and in headless Chromium (`wasm_browser.rs`): `Core`, `Facts`,
//! `validate_text` and `reasons` take strings, numbers and bytes and answer JSON text that
//! equals the native engine's, refuse bad configs, bytes, events and states with coded
//! diagnostics, and never panic on odd input. What JavaScript values become on the way in
//! (NaN objects, Maps, cycles, getters) is the JavaScript side's (`js/engine.js`), tested by
//! `tests/js/`.
//!
//! The functions are called as the plain Rust functions they also are, so a thrown error is
//! the `Err` text the JavaScript side receives.

use serde_json::{json, Value};
use upgrade_prompts::engine::{compile, to_json, validate_config_text, Engine};
use upgrade_prompts::render::IN_TEXT;
use upgrade_prompts::wasm::{reasons, validate_text, Core, Facts};
use upgrade_prompts::EvalOptions;
use wasm_bindgen_test::wasm_bindgen_test;

const TEAM: &str = include_str!("../../www/samples/team.json");
const PRODUCT: &str = include_str!("../fixtures/contexts/product.json");
const GROWING_TEAM: &str = include_str!("../fixtures/contexts/growing-team.json");

/// The host clock of these tests: an hour after the fixtures' `now`.
fn host_now() -> f64 {
    upgrade_prompts::base::date::parse("2026-11-24T10:00:00Z").unwrap()
}

/// The growing team near its API limit too: two banners match, so one is held back for the
/// placement (a packed entry) beside built-in callouts held back as duplicates (entries that
/// stay in the text).
fn crowded() -> String {
    let ctx = GROWING_TEAM.replace(
        "\"api_calls\": { \"used\": 10000 }",
        "\"api_calls\": { \"used\": 48000, \"periodStart\": \"2026-11-01T00:00:00Z\", \"periodEnd\": \"2026-12-01T00:00:00Z\" }",
    );
    assert_ne!(ctx, GROWING_TEAM, "the fixture changed; update `crowded`");
    ctx
}

/// Every context fixture, and the crowded one.
fn contexts() -> Vec<(&'static str, String)> {
    vec![
        ("product", PRODUCT.to_owned()),
        ("growing-team", GROWING_TEAM.to_owned()),
        ("crowded", crowded()),
    ]
}

fn value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// JSON text through one serializer, so two texts of the same value compare equal (the keys
/// keep their order: `serde_json` is built with `preserve_order`).
fn canonical(text: &str) -> String {
    value(text).to_string()
}

fn core() -> Core {
    match Core::from_config(TEAM.to_owned(), false) {
        Ok(c) => c,
        Err(e) => panic!("team.json refused: {e}"),
    }
}

fn native() -> Engine {
    Engine::new(TEAM).unwrap()
}

fn facts(core: &Core, context: &str) -> Facts {
    core.read(context.as_bytes().to_vec(), false, host_now())
}

fn opts(placement: Option<&str>, trace: bool) -> EvalOptions {
    EvalOptions {
        placement: placement.map(str::to_owned),
        trace,
        exposures: false,
    }
}

/// An evaluation as `js/engine.js` shapes it: callouts rebuilt from their flat list and the
/// held-back list rebuilt from `packed()` (asserting the packed list is consistent with the
/// text on the way).
fn evaluation(core: &mut Core, facts: &Facts, placement: Option<&str>, trace: bool) -> Value {
    let text = core.evaluate(facts, placement.map(str::to_owned), trace, false);
    let rules: Vec<String> = serde_json::from_str(&core.rules()).unwrap();
    let reasons: Vec<String> = serde_json::from_str(&reasons()).unwrap();
    crate::packed::rebuild(&text, &core.packed(), &rules, &reasons).0
}

fn warnings(core: &Core) -> Vec<Value> {
    value(&core.warnings()).as_array().unwrap().clone()
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[wasm_bindgen_test]
fn validate_text_reports_what_the_native_validator_reports() {
    for keys_unique in [false, true] {
        let report = value(&validate_text(TEAM.to_owned(), keys_unique));
        assert_eq!(report["valid"], true, "{report}");
    }
    let repeated = TEAM.replacen("\"version\": 1,", "\"version\": 1, \"version\": 1,", 1);
    assert_ne!(repeated, TEAM);
    let huge = format!("\"{}\"", "x".repeat(5 << 20));
    for input in [
        "",
        "{not json",
        "42",
        "null",
        "[]",
        "\"text\"",
        "{}",
        repeated.as_str(),
        huge.as_str(),
    ] {
        let text = validate_text(input.to_owned(), false);
        let report = value(&text);
        let shown = &input[..input.len().min(40)];
        assert_eq!(report["valid"], false, "{shown}: {text}");
        let errors = report["errors"].as_array().unwrap();
        assert!(!errors.is_empty(), "{shown}");
        for e in errors {
            assert!(e["code"].is_string(), "{shown}: {e}");
            assert!(e["path"].is_array(), "{shown}: {e}");
        }
        assert_eq!(
            text,
            to_json(&validate_config_text(input.to_owned(), false)),
            "{shown}"
        );
    }
    let report = value(&validate_text(huge, false));
    assert_eq!(codes(report["errors"].as_array().unwrap()), ["too_large"]);
}

#[wasm_bindgen_test]
fn from_config_throws_the_json_of_every_diagnostic() {
    let mut config = value(TEAM);
    config["plans"][1]["features"] = json!(["reprots", "sso2"]);
    let bad = config.to_string();
    let thrown = match Core::from_config(bad.clone(), true) {
        Ok(_) => panic!("invalid config accepted"),
        Err(e) => e,
    };
    let errors = value(&thrown);
    let errors = errors.as_array().unwrap();
    assert_eq!(
        codes(errors),
        ["unknown_feature", "unknown_feature"],
        "{thrown}"
    );
    assert_eq!(errors[0]["path"], json!(["plans", 1, "features", 0]));
    assert_eq!(errors[1]["path"], json!(["plans", 1, "features", 1]));
    let help = errors[0]["help"].as_str().unwrap();
    assert!(help.contains("did you mean `reports`?"), "{help}");
    let native = match Engine::new(&bad) {
        Ok(_) => panic!("native engine accepted it"),
        Err(e) => to_json(&e),
    };
    assert_eq!(thrown, native);

    // Text that is no config at all throws too (a list, never a panic).
    for input in ["", "{", "[]", "null"] {
        let thrown = match Core::from_config(input.to_owned(), false) {
            Ok(_) => panic!("{input:?} accepted"),
            Err(e) => e,
        };
        let errors = value(&thrown);
        assert!(!errors.as_array().unwrap().is_empty(), "{input:?}");
        assert_eq!(
            thrown,
            to_json(&Engine::new(input).err().unwrap()),
            "{input:?}"
        );
    }
}

#[wasm_bindgen_test]
fn answers_equal_the_native_engine_for_every_fixture() {
    let mut core = core();
    let native = native();
    for (name, ctx) in contexts() {
        for keys_unique in [false, true] {
            let facts = core.read(ctx.clone().into_bytes(), keys_unique, host_now());
            for feature in ["sso", "reports", "nope", ""] {
                assert_eq!(
                    canonical(&core.feature(&facts, feature)),
                    canonical(&to_json(&native.check_feature(feature, &ctx, host_now()))),
                    "{name} feature {feature:?}"
                );
            }
            for metric in ["seats", "api_calls", "nope", ""] {
                assert_eq!(
                    canonical(&core.usage(&facts, metric)),
                    canonical(&to_json(&native.check_usage(metric, &ctx, host_now()))),
                    "{name} metric {metric:?}"
                );
            }
            for placement in [None, Some("banner"), Some("inline"), Some("nowhere")] {
                for trace in [false, true] {
                    let ours = evaluation(&mut core, &facts, placement, trace);
                    let theirs = native.evaluate(&ctx, &opts(placement, trace), host_now());
                    assert_eq!(
                        ours.to_string(),
                        canonical(&to_json(&theirs)),
                        "{name} {placement:?} trace {trace}"
                    );
                    // The text and the packed list are the native engine's, byte for byte.
                    let (text, packed) = theirs.to_json_packed();
                    assert_eq!(
                        core.evaluate(&facts, placement.map(str::to_owned), trace, false),
                        text
                    );
                    assert_eq!(core.packed(), packed, "{name} {placement:?}");
                }
            }
        }
    }
}

#[wasm_bindgen_test]
fn packed_list_matches_the_suppressed_list_of_the_latest_evaluate() {
    let mut core = core();
    let crowded = facts(&core, &crowded());
    let v = evaluation(&mut core, &crowded, None, false);
    let suppressed = v["suppressed"].as_array().unwrap();
    let packed = core.packed();
    assert_eq!(packed.len(), suppressed.len() * 2, "{packed:?} {v}");
    // Both kinds of entry are here: a rule's, left out of the text, and built-in callouts'.
    assert!(packed.chunks(2).any(|p| p[0] != IN_TEXT), "{packed:?}");
    assert!(packed.chunks(2).any(|p| p[0] == IN_TEXT), "{packed:?}");
    assert_eq!(
        suppressed[0],
        json!({ "rule": "api-running-out", "callout": "api-running-out", "reason": "placement_full" })
    );
    // Reading it again gives the same list; the next evaluate replaces it.
    assert_eq!(core.packed(), packed);
    let quiet = facts(&core, PRODUCT);
    let text = core.evaluate(&quiet, None, false, false);
    assert!(value(&text)["suppressed"].as_array().unwrap().is_empty());
    assert!(core.packed().is_empty(), "{:?}", core.packed());
    // A rule held back by a dismissal (no experiment) is packed too.
    let r = value(&core.record("dismiss", "api-running-out", None, None, host_now()));
    assert_eq!(r["recorded"], true, "{r}");
    let v = evaluation(&mut core, &crowded, None, false);
    let dismissed = json!({ "rule": "api-running-out", "callout": "api-running-out", "reason": "cooldown:dismissed" });
    assert!(
        v["suppressed"].as_array().unwrap().contains(&dismissed),
        "{v}"
    );
}

#[wasm_bindgen_test]
fn reasons_and_rules_name_the_packed_indexes() {
    let list: Vec<String> = serde_json::from_str(&reasons()).unwrap();
    assert!(list.len() > 5, "{list:?}");
    let mut sorted = list.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        list.len(),
        "a reason is listed twice: {list:?}"
    );
    for r in ["placement_full", "duplicate_target", "cooldown:dismissed"] {
        assert!(list.iter().any(|x| x == r), "{r} in {list:?}");
    }
    let core = core();
    let rules: Vec<String> = serde_json::from_str(&core.rules()).unwrap();
    assert_eq!(
        rules,
        [
            "seats-near-limit",
            "reports-cross-sell",
            "api-running-out",
            "right-size"
        ]
    );
}

#[wasm_bindgen_test]
fn find_gives_catalog_indexes_or_minus_one() {
    let core = core();
    let sso = core.find(false, "sso");
    let reports = core.find(false, "reports");
    assert!(
        sso >= 0 && reports >= 0 && sso != reports,
        "{sso} {reports}"
    );
    let seats = core.find(true, "seats");
    let api = core.find(true, "api_calls");
    assert!(seats >= 0 && api >= 0 && seats != api, "{seats} {api}");
    for (usage, name) in [
        (false, "seats"),
        (true, "sso"),
        (false, "nope"),
        (true, ""),
        (false, "SSO"),
    ] {
        assert_eq!(core.find(usage, name), -1, "{usage} {name:?}");
    }
}

#[wasm_bindgen_test]
fn one_read_answers_every_question_as_fresh_reads_do() {
    let mut core = core();
    let ctx = crowded();
    let once = facts(&core, &ctx);
    for feature in ["sso", "reports", "nope"] {
        assert_eq!(
            core.feature(&once, feature),
            core.feature(&facts(&core, &ctx), feature)
        );
    }
    for metric in ["seats", "api_calls"] {
        assert_eq!(
            core.usage(&once, metric),
            core.usage(&facts(&core, &ctx), metric)
        );
    }
    let fresh = facts(&core, &ctx);
    assert_eq!(
        evaluation(&mut core, &once, None, true),
        evaluation(&mut core, &fresh, None, true)
    );
    // The facts are read once; the state is the engine's current one.
    let r = value(&core.record("dismiss", "seats-near-limit", None, None, host_now()));
    assert_eq!(r["recorded"], true, "{r}");
    let after = evaluation(&mut core, &once, None, false);
    assert!(
        !after["callouts"]
            .to_string()
            .contains("\"seats-near-limit\""),
        "{after}"
    );
}

#[wasm_bindgen_test]
fn lone_surrogate_escapes_are_refused_with_a_path_and_replaced_ones_read() {
    let core = core();
    let native = native();
    // `js/json.js` writes a lone surrogate as U+FFFD: that text reads as any other.
    for x in ["\\ufffd!", "\\ud83d\\ude00 Team", "\u{fffd}!"] {
        let text = PRODUCT.replace("\"traits\": {}", &format!("\"traits\": {{\"x\": \"{x}\"}}"));
        assert_ne!(text, PRODUCT);
        let f = value(&core.feature(&facts(&core, &text), "reports"));
        assert_eq!(f["reason"], "included_in_plan", "{x}: {f}");
        assert_eq!(f["errors"], json!([]), "{x}: {f}");
    }
    // A lone surrogate escape given as text anyway is a coded error at its path; it does not
    // gate.
    for x in ["\\ud83d!", "\\ude00", "\\ud83d\\ud83d"] {
        let text = PRODUCT.replace("\"traits\": {}", &format!("\"traits\": {{\"x\": \"{x}\"}}"));
        let f = core.feature(&facts(&core, &text), "reports");
        assert_eq!(
            f,
            to_json(&native.check_feature("reports", &text, host_now()))
        );
        let f = value(&f);
        assert_eq!(f["allowed"], true, "{x}: {f}");
        assert_eq!(
            codes(f["errors"].as_array().unwrap()),
            ["invalid_json"],
            "{x}: {f}"
        );
        assert_eq!(
            f["errors"][0]["path"],
            json!(["user", "traits", "x"]),
            "{x}: {f}"
        );
    }
}

#[wasm_bindgen_test]
fn contexts_that_cannot_be_read_never_gate_or_panic() {
    let mut core = core();
    let native = native();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let too_large = format!("{{\"x\": \"{}\"}}", "y".repeat(1 << 20));
    let read: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("cut", "{".into()),
        ("null", "null".into()),
        ("number", "1".into()),
        ("list", "[]".into()),
        ("wrong types", "{\"account\": {\"plan\": 5}}".into()),
        ("deep", deep),
        ("too large", too_large),
    ];
    for (name, ctx) in &read {
        for host in [host_now(), f64::NAN, f64::INFINITY, -1.0] {
            let facts = core.read(ctx.clone().into_bytes(), false, host);
            let f = value(&core.feature(&facts, "reports"));
            assert_eq!(
                f["allowed"], true,
                "{name}: a broken context must not gate: {f}"
            );
            assert_eq!(f["callout"], Value::Null, "{name}");
            assert!(!f["errors"].as_array().unwrap().is_empty(), "{name}: {f}");
            let u = value(&core.usage(&facts, "seats"));
            assert_eq!(u["callout"], Value::Null, "{name}: {u}");
            let ev = evaluation(&mut core, &facts, None, true);
            assert!(!ev["errors"].as_array().unwrap().is_empty(), "{name}: {ev}");
            if host == host_now() {
                assert_eq!(
                    ev.to_string(),
                    canonical(&to_json(&native.evaluate(ctx, &opts(None, true), host))),
                    "{name}"
                );
            }
        }
    }
    let f = value(&core.feature(&facts(&core, &read[7].1), "reports"));
    assert_eq!(f["errors"][0]["code"], "too_large", "{f}");

    // What the JavaScript side could not turn into JSON at all.
    for (too_large, code) in [(true, "too_large"), (false, "invalid_json")] {
        for host in [host_now(), f64::NAN, f64::NEG_INFINITY, 1e300] {
            let facts = core.unreadable(too_large, "context cannot be read".into(), host);
            let f = value(&core.feature(&facts, "reports"));
            assert_eq!(f["allowed"], true, "{f}");
            assert_eq!(f["callout"], Value::Null, "{f}");
            let errors = f["errors"].as_array().unwrap();
            assert_eq!(codes(errors), [code], "{f}");
            assert_eq!(errors[0]["message"], "context cannot be read");
            let u = value(&core.usage(&facts, "seats"));
            assert_eq!(u["callout"], Value::Null, "{u}");
            let ev = evaluation(&mut core, &facts, Some("banner"), true);
            assert_eq!(ev["callouts"], json!([]), "{ev}");
            assert_eq!(codes(ev["errors"].as_array().unwrap()), [code], "{ev}");
        }
    }

    // The engine answers as before afterwards.
    let facts = facts(&core, &crowded());
    assert_eq!(
        evaluation(&mut core, &facts, None, false).to_string(),
        canonical(&to_json(&native.evaluate(
            &crowded(),
            &opts(None, false),
            host_now()
        )))
    );
}

#[wasm_bindgen_test]
fn events_with_unreadable_or_out_of_range_times_are_refused() {
    let mut core = core();
    let refused = |r: &str, field: &str| {
        let r = value(r);
        assert_eq!(r["recorded"], false, "{r}");
        assert_eq!(r["error"]["code"], "invalid_event", "{r}");
        assert_eq!(r["error"]["path"], json!([field]), "{r}");
    };
    let now = host_now();
    for at in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        1e20,
        -5.0,
        now + 2.0 * 86_400_000.0, // a clock more than a day ahead
    ] {
        refused(
            &core.record("impression", "seats-near-limit", Some(at), None, now),
            "at",
        );
    }
    for text in [
        "not a time",
        "",
        "2026-13-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
    ] {
        refused(
            &core.record(
                "impression",
                "seats-near-limit",
                None,
                Some(text.into()),
                now,
            ),
            "at",
        );
        // A date string wins over a number.
        refused(
            &core.record(
                "impression",
                "seats-near-limit",
                Some(now),
                Some(text.into()),
                now,
            ),
            "at",
        );
    }
    refused(
        &core.record("explode", "seats-near-limit", Some(now), None, now),
        "type",
    );
    refused(&core.record("", "", None, None, now), "type");
    // No time and no host clock: nothing to stamp the event with.
    let mut fresh = self::core();
    let r = value(&fresh.record("impression", "seats-near-limit", None, None, f64::NAN));
    assert_eq!(r["recorded"], false, "{r}");
    assert_eq!(
        value(&fresh.state()),
        json!({ "version": 1, "callouts": {} })
    );
    // Nothing refused was stored.
    assert_eq!(
        value(&core.state()),
        json!({ "version": 1, "callouts": {} })
    );

    for (at, at_text) in [
        (None, Some("2026-11-24T08:00:00Z".to_owned())),
        (Some(now - 60_000.0), None),
        (Some(now + 3_600_000.0), None), // ahead, but within the day allowed
        (None, None),                    // stamped by the engine
    ] {
        // The result says the time stored, to the second.
        let want = at_text
            .clone()
            .unwrap_or_else(|| upgrade_prompts::base::date::format(at.unwrap_or(now)));
        let r = value(&core.record("impression", "seats-near-limit", at, at_text, now));
        assert_eq!(r, json!({ "recorded": true, "error": null, "at": want }));
    }
    // After a context is read, an event without a time is stamped with its `now` (the
    // decision it answers), not the later host clock.
    let mut read = self::core();
    let _facts = facts(&read, GROWING_TEAM);
    let r = value(&read.record("impression", "seats-near-limit", None, None, now));
    assert_eq!(r["recorded"], true, "{r}");
    let nine = upgrade_prompts::base::date::parse("2026-11-24T09:00:00Z").unwrap();
    let state = value(&read.state());
    assert_eq!(
        state["callouts"]["seats-near-limit"]["impressions"][0].as_f64(),
        Some(nine),
        "{state}"
    );
    // The state keeps the latest impressions, as many as the largest cap (team.json: 3);
    // the one recorded without a time was stamped with the host clock (no context was read).
    let state = value(&core.state());
    let times: Vec<f64> = state["callouts"]["seats-near-limit"]["impressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    assert_eq!(times, [now - 60_000.0, now, now + 3_600_000.0], "{state}");
}

#[wasm_bindgen_test]
fn states_round_trip_and_merge() {
    let mut core = core();
    let ctx = GROWING_TEAM;
    let read = facts(&core, ctx);
    let first = evaluation(&mut core, &read, None, false);
    let id = first["callouts"][0]["id"].as_str().unwrap().to_owned();
    let r = value(&core.record(
        "dismiss",
        &id,
        None,
        Some("2026-11-24T09:00:00Z".into()),
        host_now(),
    ));
    assert_eq!(r["recorded"], true, "{r}");
    let state = core.state();
    assert_eq!(value(&state)["version"], 1, "{state}");

    // Restored, the dismissed callout stays hidden, and the state is written back unchanged.
    let mut restored = self::core();
    restored.restore(&state, host_now());
    assert_eq!(warnings(&restored), Vec::<Value>::new());
    assert_eq!(restored.state(), state);
    let read = facts(&restored, ctx);
    let again = evaluation(&mut restored, &read, None, false);
    let shown: Vec<&str> = again["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!shown.contains(&id.as_str()), "{again}");
    let mut native = native();
    native.restore_state(&state, host_now());
    assert_eq!(
        again.to_string(),
        canonical(&to_json(&native.evaluate(
            ctx,
            &opts(None, false),
            host_now()
        )))
    );

    // Merged into a fresh engine: nothing more to write; merged into the engine that holds
    // the events from an empty state: the stored text lacks them.
    let mut merged = self::core();
    assert!(!merged.merge(&state, host_now()));
    assert_eq!(merged.state(), state);
    assert!(core.merge("{\"version\":1,\"callouts\":{}}", host_now()));
    assert_eq!(core.state(), state);
}

#[wasm_bindgen_test]
fn states_that_cannot_be_read_are_ignored_with_a_warning() {
    for bad in [
        "",
        "{not json",
        "[]",
        "null",
        "{\"callouts\": {}}",
        "{\"version\": 99, \"callouts\": {}}",
        "{\"version\": 1}",
    ] {
        let mut core = core();
        core.restore(bad, host_now());
        let w = warnings(&core);
        assert_eq!(codes(&w), ["state_ignored"], "{bad:?}");
        assert_eq!(w[0]["path"], json!(["state"]), "{bad:?}");
        assert_eq!(
            value(&core.state()),
            json!({ "version": 1, "callouts": {} })
        );
        // A stored state (`persist`) that cannot be read is a warning at `persist`.
        let mut core = self::core();
        core.merge(bad, host_now());
        let w = warnings(&core);
        assert_eq!(codes(&w), ["state_ignored"], "{bad:?}");
        assert_eq!(w[0]["path"], json!(["persist"]), "{bad:?}");
    }
    // The JavaScript side refuses a state too large to copy (`ignore`).
    let mut core = core();
    core.ignore("state is larger than 1048576 characters");
    let w = warnings(&core);
    assert_eq!(codes(&w), ["state_ignored"]);
    assert_eq!(w[0]["path"], json!(["state"]));
    let message = w[0]["message"].as_str().unwrap();
    assert!(message.contains("larger than"), "{message}");
    assert!(message.ends_with("; starting fresh"), "{message}");
    // A huge state given as text anyway is read without a panic; its unknown callouts are
    // dropped.
    let huge = format!(
        "{{\"version\":1,\"callouts\":{{\"x\":\"{}\"}}}}",
        "y".repeat(2 << 20)
    );
    let mut core = self::core();
    core.restore(&huge, host_now());
    assert_eq!(
        value(&core.state()),
        json!({ "version": 1, "callouts": {} })
    );
    let f = value(&core.feature(&facts(&core, PRODUCT), "reports"));
    assert_eq!(f["reason"], "included_in_plan", "{f}");
}

#[wasm_bindgen_test]
fn warn_keeps_known_codes_and_maps_the_rest_to_invalid_option() {
    let mut core = core();
    for (code, key) in [
        ("persist_unavailable", "persist"),
        ("persist_failed", "persist"),
        ("unknown_option", "stirct"),
        ("invalid_option", "strict"),
        ("state_ignored", "state"),
        ("not_a_code", "x"),
        ("", "y"),
    ] {
        core.warn(code, format!("{code} message"), key.into());
    }
    // A warning met again is listed once.
    core.warn(
        "persist_failed",
        "persist_failed message".into(),
        "persist".into(),
    );
    let w = warnings(&core);
    assert_eq!(
        codes(&w),
        [
            "persist_unavailable",
            "persist_failed",
            "unknown_option",
            "invalid_option",
            "invalid_option",
            "invalid_option",
            "invalid_option"
        ]
    );
    assert_eq!(w[2]["path"], json!(["stirct"]));
    assert_eq!(w[4]["message"], "state_ignored message");
    assert_eq!(w[4]["path"], json!(["state"]));
    assert_eq!(w[6]["path"], json!(["y"]));
}

#[wasm_bindgen_test]
fn paths_list_the_compiled_catalogs_paths() {
    let core = core();
    let paths: Vec<String> = serde_json::from_str(&core.paths()).unwrap();
    assert_eq!(paths, compile(TEAM).unwrap().paths);
    for p in ["usage.seats.used", "account.plan", "page.route", "now"] {
        assert!(paths.iter().any(|x| x == p), "{p} in {paths:?}");
    }
}

#[cfg(feature = "compiled")]
#[wasm_bindgen_test]
fn compiled_bytes_load_and_answer_as_the_config_does() {
    let compiled = compile(TEAM).unwrap();
    let mut bytes = match Core::from_bytes(&compiled.bytes) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let mut config = core();
    assert_eq!(warnings(&bytes), Vec::<Value>::new());
    assert_eq!(bytes.paths(), config.paths());
    let paths: Vec<String> = serde_json::from_str(&bytes.paths()).unwrap();
    assert_eq!(paths, compiled.paths);
    assert_eq!(bytes.rules(), config.rules());
    let native = Engine::from_artifact(&compiled.bytes).unwrap();
    for (name, ctx) in contexts() {
        let (a, b) = (facts(&bytes, &ctx), facts(&config, &ctx));
        for feature in ["sso", "reports", "nope"] {
            assert_eq!(
                bytes.feature(&a, feature),
                config.feature(&b, feature),
                "{name} {feature}"
            );
            assert_eq!(
                bytes.feature(&a, feature),
                to_json(&native.check_feature(feature, &ctx, host_now()))
            );
        }
        for metric in ["seats", "api_calls", "nope"] {
            assert_eq!(
                bytes.usage(&a, metric),
                config.usage(&b, metric),
                "{name} {metric}"
            );
        }
        for trace in [false, true] {
            assert_eq!(
                evaluation(&mut bytes, &a, None, trace),
                evaluation(&mut config, &b, None, trace),
                "{name} trace {trace}"
            );
            assert_eq!(bytes.packed(), config.packed(), "{name}");
        }
    }
}

#[cfg(feature = "compiled")]
#[wasm_bindgen_test]
fn bad_bytes_are_refused_with_one_invalid_catalog_error() {
    let good = compile(TEAM).unwrap().bytes;
    let mut newer = good.clone();
    let next = upgrade_prompts::catalog::artifact::FORMAT_VERSION + 1;
    newer[4] = u8::try_from(next).unwrap();
    let newer_says = format!("format {next} is not supported");
    let mut flipped = good.clone();
    flipped[good.len() / 3] ^= 0x40;
    let mut longer = good.clone();
    longer.push(0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "not a compiled catalog"),
        ("JSON", TEAM.as_bytes().to_vec(), "not a compiled catalog"),
        ("header cut", good[..10].to_vec(), "truncated"),
        ("body cut", good[..good.len() / 2].to_vec(), "hash"),
        ("last byte cut", good[..good.len() - 1].to_vec(), "hash"),
        ("longer", longer, "hash"),
        ("flipped", flipped, "hash"),
        ("newer", newer, newer_says.as_str()),
    ];
    for (name, bytes, says) in cases {
        let thrown = match Core::from_bytes(&bytes) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => e,
        };
        let errors = value(&thrown);
        let errors = errors.as_array().unwrap();
        assert_eq!(codes(errors), ["invalid_catalog"], "{name}: {thrown}");
        assert_eq!(errors[0]["path"], json!([]), "{name}");
        let message = errors[0]["message"].as_str().unwrap();
        assert!(message.contains(says), "{name}: {message}");
        assert_eq!(
            thrown,
            to_json(&[Engine::from_artifact(&bytes).err().unwrap()][..]),
            "{name}"
        );
    }
}

#[wasm_bindgen_test]
fn context_bytes_that_are_not_utf8_are_an_unreadable_context() {
    let core = core();
    let facts = core.read(vec![b'{', 0xff, 0xfe, b'}'], true, host_now());
    let feature: serde_json::Value =
        serde_json::from_str(&core.feature(&facts, "reports")).unwrap();
    assert_eq!(
        feature["allowed"],
        serde_json::Value::Bool(true),
        "{feature}"
    );
    assert_eq!(feature["errors"][0]["code"], "invalid_json", "{feature}");
}
