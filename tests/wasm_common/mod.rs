//! wasm-bindgen tests of the JS boundary, run in Node (`wasm_node.rs`) and in headless
//! Chromium (`wasm_browser.rs`): inputs as objects or JSON text, plain-object results, the
//! ConfigError shape, and that `validateConfig` and the checks never throw on odd input.

use js_sys::{Array, Object, Reflect, JSON};
use upgrade_prompts::engine::to_json;
use upgrade_prompts::wasm::{validate_config, PromptEngine};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const TEAM: &str = include_str!("../../www/samples/team.json");
const PRODUCT_CONTEXT: &str = include_str!("../fixtures/contexts/product.json");

fn parse(s: &str) -> JsValue {
    JSON::parse(s).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

fn stringify(v: &JsValue) -> String {
    JSON::stringify(v).unwrap().as_string().unwrap()
}

/// Sorted-key JSON text, to compare with the native result.
fn canonical(text: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    serde_json::to_string(&v).unwrap()
}

#[wasm_bindgen_test]
fn validate_config_never_throws() {
    let cyclic = Object::new();
    Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let huge = "x".repeat(5 << 20);
    let inputs: Vec<JsValue> = vec![
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_f64(42.0),
        JsValue::from_f64(f64::NAN),
        JsValue::from_str("{not json"),
        cyclic.into(),
        JsValue::from_str(&huge),
        Array::new().into(),
        js_sys::Function::new_no_args("return 1").into(),
    ];
    for input in inputs {
        let report = validate_config(input);
        assert_eq!(get(&report, "valid"), JsValue::FALSE);
        let errors: Array = get(&report, "errors").dyn_into().unwrap();
        assert!(errors.length() >= 1);
        let first = errors.get(0);
        assert!(get(&first, "code").is_string());
        assert!(Array::is_array(&get(&first, "path")));
    }
}

#[wasm_bindgen_test]
fn valid_config_as_object_or_text() {
    for input in [parse(TEAM), JsValue::from_str(TEAM)] {
        let report = validate_config(input);
        assert_eq!(
            get(&report, "valid"),
            JsValue::TRUE,
            "{}",
            stringify(&report)
        );
    }
}

#[wasm_bindgen_test]
fn nan_limit_is_reported_not_read_as_null() {
    let config = parse(TEAM);
    let plan0 = Array::from(&get(&config, "plans")).get(0);
    Reflect::set(
        &get(&plan0, "limits"),
        &"seats".into(),
        &JsValue::from_f64(f64::NAN),
    )
    .unwrap();
    let report = validate_config(config);
    let text = stringify(&report);
    assert!(text.contains("\"code\":\"not_finite\""), "{text}");
    assert!(
        text.contains("[\"plans\",0,\"limits\",\"seats\"]"),
        "{text}"
    );
}

#[wasm_bindgen_test]
fn constructor_throws_config_error_with_errors() {
    let mut config: serde_json::Value = serde_json::from_str(TEAM).unwrap();
    config["plans"][1]["features"] = serde_json::json!(["reprots"]);
    let bad = config.to_string();
    let err = match PromptEngine::new(JsValue::from_str(&bad), None) {
        Ok(_) => panic!("invalid config accepted"),
        Err(e) => e,
    };
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "name"), JsValue::from_str("ConfigError"));
    let errors: Array = get(&err, "errors").dyn_into().unwrap();
    assert!(errors.length() >= 1);
    assert_eq!(
        get(&errors.get(0), "code"),
        JsValue::from_str("unknown_feature")
    );
    let message = get(&err, "message").as_string().unwrap();
    assert!(
        message.starts_with("invalid config: plans[1].features[0]: unknown feature `reprots`; did you mean `reports`?"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn results_are_plain_objects_equal_to_native() {
    let engine = PromptEngine::new(parse(TEAM), None).unwrap();
    let native = upgrade_prompts::Engine::new(TEAM).unwrap();
    let ctx_text = PRODUCT_CONTEXT;
    for (feature, metric) in [("sso", "seats"), ("reports", "api_calls"), ("nope", "nope")] {
        let f = engine
            .check_feature(feature.into(), parse(ctx_text))
            .unwrap();
        assert_eq!(
            Object::get_prototype_of(&f),
            Object::get_prototype_of(&Object::new())
        );
        let now = 0.0; // the context has `now`, so the host clock is not used
        assert_eq!(
            canonical(&stringify(&f)),
            canonical(&to_json(&native.check_feature(feature, ctx_text, now)))
        );
        let u = engine
            .check_usage(metric.into(), JsValue::from_str(ctx_text))
            .unwrap();
        assert_eq!(
            canonical(&stringify(&u)),
            canonical(&to_json(&native.check_usage(metric, ctx_text, now)))
        );
    }
}

#[wasm_bindgen_test]
fn checks_never_throw_on_bad_context() {
    let engine = PromptEngine::new(parse(TEAM), None).unwrap();
    let cyclic = Object::new();
    Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let contexts: Vec<JsValue> = vec![
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_f64(1.0),
        "{".into(),
        cyclic.into(),
        parse("{\"account\": {\"plan\": 5}}"),
    ];
    for ctx in contexts {
        let f = engine.check_feature("reports".into(), ctx.clone()).unwrap();
        assert_eq!(
            get(&f, "allowed"),
            JsValue::TRUE,
            "a broken context must not gate: {}",
            stringify(&f)
        );
        assert_eq!(get(&f, "callout"), JsValue::NULL);
        assert!(Array::from(&get(&f, "errors")).length() >= 1);
        let u = engine.check_usage("seats".into(), ctx).unwrap();
        assert_eq!(get(&u, "callout"), JsValue::NULL);
    }
    // A non-string feature name is an error entry, not an exception.
    let f = engine
        .check_feature(JsValue::from_f64(3.0), parse(PRODUCT_CONTEXT))
        .unwrap();
    assert_eq!(get(&f, "reason"), JsValue::from_str("unknown_feature"));
}

#[wasm_bindgen_test]
fn evaluate_record_and_state_have_documented_shapes() {
    let engine = PromptEngine::new(parse(TEAM), None).unwrap();
    let ctx = PRODUCT_CONTEXT
        .replace("\"used\": 18", "\"used\": 22")
        .replace("\"role\": \"member\"", "\"role\": \"owner\"");
    let opts: Object = parse("{\"trace\": true}").unchecked_into();
    let ev = engine
        .evaluate(parse(&ctx), Some(opts.unchecked_into()))
        .unwrap();
    for key in ["callouts", "suppressed", "errors", "warnings", "trace"] {
        assert!(Array::is_array(&get(&ev, key)), "{key}: {}", stringify(&ev));
    }
    let callouts = Array::from(&get(&ev, "callouts"));
    assert!(callouts.length() >= 1, "{}", stringify(&ev));
    let first = callouts.get(0);
    for key in [
        "id",
        "rule",
        "kind",
        "placement",
        "severity",
        "target",
        "title",
        "body",
        "cta",
        "priority",
        "experiment",
        "reasons",
    ] {
        assert!(
            Reflect::has(&first, &key.into()).unwrap(),
            "callout lacks {key}"
        );
    }
    let native = upgrade_prompts::Engine::new(TEAM).unwrap();
    let opts = upgrade_prompts::EvalOptions {
        placement: None,
        trace: true,
    };
    assert_eq!(
        canonical(&stringify(&ev)),
        canonical(&to_json(&native.evaluate(&ctx, &opts, 0.0)))
    );

    let id = get(&first, "id");
    let event = parse(&format!(
        "{{\"type\": \"dismiss\", \"callout\": {}, \"at\": \"2026-11-24T09:00:00Z\"}}",
        stringify(&id)
    ));
    let rec = engine.record(event).unwrap();
    assert_eq!(get(&rec, "recorded"), JsValue::TRUE, "{}", stringify(&rec));
    let bad = engine
        .record(parse("{\"type\": \"explode\", \"callout\": \"x\"}"))
        .unwrap();
    assert_eq!(get(&rec, "error"), JsValue::NULL);
    assert_eq!(get(&bad, "recorded"), JsValue::FALSE);
    let state = engine.export_state().unwrap();
    assert_eq!(get(&state, "version"), JsValue::from_f64(1.0));
    // Restored from the exported state, the dismissed callout stays hidden.
    let opts = Object::new();
    Reflect::set(&opts, &"state".into(), &state).unwrap();
    let restored = PromptEngine::new(parse(TEAM), Some(opts.unchecked_into())).unwrap();
    let again = restored.evaluate(parse(&ctx), None).unwrap();
    assert!(!stringify(&get(&again, "callouts")).contains(&format!("\"id\":{}", stringify(&id))));
    // A future-version state is ignored with a warning, not an exception.
    let opts = Object::new();
    Reflect::set(
        &opts,
        &"state".into(),
        &parse("{\"version\": 99, \"callouts\": {}}"),
    )
    .unwrap();
    let fresh = PromptEngine::new(parse(TEAM), Some(opts.unchecked_into())).unwrap();
    assert!(stringify(&fresh.warnings()).contains("state_ignored"));
}

#[wasm_bindgen_test]
fn odd_javascript_values_are_reported_not_lost() {
    let engine = PromptEngine::new(parse(TEAM), None).unwrap();
    // A lone surrogate (a display name cut inside an emoji) does not make the context unreadable.
    let ctx = parse(PRODUCT_CONTEXT);
    let traits = get(&get(&ctx, "user"), "traits");
    let cut = js_sys::JsString::from("😀 Team").slice(1, 7);
    Reflect::set(&traits, &"displayName".into(), &cut).unwrap();
    let f = engine.check_feature("reports".into(), ctx).unwrap();
    assert_eq!(
        get(&f, "reason"),
        JsValue::from_str("included_in_plan"),
        "{}",
        stringify(&f)
    );
    // An escaped lone surrogate in JSON text is read too (as U+FFFD).
    let text = PRODUCT_CONTEXT.replace("\"traits\": {}", "\"traits\": {\"x\": \"\\ud83d!\"}");
    let f = engine
        .check_feature("reports".into(), JsValue::from_str(&text))
        .unwrap();
    assert_eq!(
        get(&f, "reason"),
        JsValue::from_str("included_in_plan"),
        "{}",
        stringify(&f)
    );
    // A Map where an object belongs and an invalid Date are errors, not silently empty values.
    let ctx = parse(PRODUCT_CONTEXT);
    Reflect::set(&ctx, &"usage".into(), &js_sys::Map::new()).unwrap();
    Reflect::set(
        &ctx,
        &"now".into(),
        &js_sys::Date::new(&JsValue::from_str("invalid")),
    )
    .unwrap();
    let u = engine.check_usage("seats".into(), ctx).unwrap();
    let text = stringify(&get(&u, "errors"));
    assert!(text.contains("expected an object, found a Map"), "{text}");
    assert!(text.contains("found an invalid Date"), "{text}");
    // Oversized input is refused before it is copied into wasm memory.
    let huge = JsValue::from_str(&"x".repeat((2 << 20) + 1));
    let f = engine.check_feature("reports".into(), huge).unwrap();
    assert!(stringify(&get(&f, "errors")).contains("too_large"));
}

#[wasm_bindgen_test]
fn events_outside_1970_to_9999_are_refused() {
    let engine = PromptEngine::new(parse(TEAM), None).unwrap();
    for at in ["1e20", "-5", "\"not a time\""] {
        let rec = engine
            .record(parse(&format!(
                "{{\"type\": \"impression\", \"callout\": \"seats-near-limit\", \"at\": {at}}}"
            )))
            .unwrap();
        assert_eq!(get(&rec, "recorded"), JsValue::FALSE, "{at}");
    }
    let rec = engine.record(parse("{\"type\": \"impression\", \"callout\": \"seats-near-limit\", \"at\": \"2026-11-24T08:00:00Z\"}")).unwrap();
    assert_eq!(get(&rec, "recorded"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn session_answers_like_one_off_calls() {
    let engine = PromptEngine::new(parse(TEAM), None).unwrap();
    let ctx = parse(PRODUCT_CONTEXT);
    let session = engine.session(ctx.clone()).unwrap();
    for feature in ["reports", "sso", "nope"] {
        assert_eq!(
            stringify(&session.check_feature(feature.into()).unwrap()),
            stringify(&engine.check_feature(feature.into(), ctx.clone()).unwrap())
        );
    }
    assert_eq!(
        stringify(&session.check_usage("seats".into()).unwrap()),
        stringify(&engine.check_usage("seats".into(), ctx.clone()).unwrap())
    );
    assert_eq!(
        stringify(&session.evaluate(None).unwrap()),
        stringify(&engine.evaluate(ctx, None).unwrap())
    );
    // The session keeps the engine alive after the engine is freed.
    drop(engine);
    assert!(session.check_feature("reports".into()).is_ok());
}

#[wasm_bindgen_test]
fn a_state_too_large_is_ignored_with_a_warning_that_says_so() {
    let opts = Object::new();
    let huge = format!(
        "{{\"version\":1,\"callouts\":{{\"x\":\"{}\"}}}}",
        "y".repeat(2 << 20)
    );
    Reflect::set(&opts, &"state".into(), &parse(&huge)).unwrap();
    let engine = PromptEngine::new(parse(TEAM), Some(opts.unchecked_into())).unwrap();
    let warnings = stringify(&engine.warnings());
    assert!(warnings.contains("state_ignored"), "{warnings}");
    assert!(warnings.contains("larger than"), "{warnings}");
}
