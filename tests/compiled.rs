//! Compiled catalogs: `compile` then `Engine::from_artifact` answers exactly as the raw config
//! does, for every fixture step and for 100,000 generated contexts; the bytes are deterministic;
//! a corrupt, truncated, foreign or newer artifact is refused with `invalid_catalog`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use serde_json::Value;
use upgrade_prompts::engine::to_json;
use upgrade_prompts::{compile, Engine, EvalOptions};

use common::HOST_NOW;

fn compiled(config: &str) -> Engine {
    let c = compile(config).unwrap_or_else(|e| panic!("{e:?}"));
    Engine::from_artifact(&c.bytes).unwrap_or_else(|e| panic!("{e:?}"))
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(common::root().join("www/samples").join(name)).unwrap()
}

/// Every step of every scenario fixture gives the same JSON text from both engines.
#[test]
fn every_fixture_step_answers_the_same() {
    let mut steps = 0;
    for (name, fx) in common::scenarios() {
        let (config, context) = common::inputs(&fx);
        let config = config.to_string();
        let Ok(mut raw) = Engine::new(&config) else {
            continue;
        };
        let mut comp = compiled(&config);
        for (i, check) in fx["checks"].as_array().unwrap().iter().enumerate() {
            let (a, b) = if check.get("exportRestore").is_some() {
                let (sa, sb) = (to_json(&raw.export_state()), to_json(&comp.export_state()));
                let mut fresh = Engine::new(&config).unwrap();
                fresh.restore_state(&sa, upgrade_prompts::engine::host_now());
                raw = fresh;
                let mut fresh = compiled(&config);
                fresh.restore_state(&sb, upgrade_prompts::engine::host_now());
                comp = fresh;
                (sa, sb)
            } else {
                (
                    common::run_check_text(&mut raw, &config, &context, check),
                    common::run_check_text(&mut comp, &config, &context, check),
                )
            };
            assert_eq!(a, b, "{name} step {i}");
            steps += 1;
        }
        // With the trace too.
        let ctx = context.to_string();
        let opts = EvalOptions {
            placement: None,
            trace: true,
            exposures: false,
        };
        assert_eq!(
            to_json(&raw.evaluate(&ctx, &opts, HOST_NOW)),
            to_json(&comp.evaluate(&ctx, &opts, HOST_NOW)),
            "{name} traced"
        );
    }
    assert!(steps > 50, "{steps}");
}

/// 100,000 generated contexts over the four samples: evaluate (traced and not), and every
/// feature and usage check, give the same JSON text.
#[test]
fn generated_contexts_answer_the_same() {
    let samples = ["team.json", "api.json", "features.json", "credits.json"];
    let per_sample = 100_000 / samples.len() as u64 + 1;
    let mut n = 0;
    for s in samples {
        // Two of the samples with a program-wide holdout (by account, and by user).
        let config = match s {
            "team.json" => with_holdout(&sample(s), r#"{ "share": 0.2 }"#),
            "credits.json" => with_holdout(
                &sample(s),
                r#"{ "share": 0.1, "seed": "p", "unit": "user" }"#,
            ),
            _ => sample(s),
        };
        let mut raw = Engine::new(&config).unwrap();
        let mut comp = compiled(&config);
        let cat = raw.catalog();
        let features: Vec<String> = cat.model.features.iter().map(|f| f.id.clone()).collect();
        let metrics: Vec<String> = cat.model.metrics.iter().map(|m| m.id.clone()).collect();
        for (i, ctx) in
            upgrade_prompts::audience::generate(&raw, per_sample, 7, HOST_NOW).enumerate()
        {
            let opts = EvalOptions {
                placement: None,
                trace: i % 16 == 0,
                exposures: i % 4 == 1,
            };
            let (sa, sb) = (
                raw.session(ctx.clone(), HOST_NOW),
                comp.session(ctx, HOST_NOW),
            );
            let (a, b) = if opts.exposures {
                (
                    to_json(&raw.evaluate_logged(&sa, &opts)),
                    to_json(&comp.evaluate_logged(&sb, &opts)),
                )
            } else {
                (
                    to_json(&raw.evaluate_in(&sa, &opts)),
                    to_json(&comp.evaluate_in(&sb, &opts)),
                )
            };
            assert_eq!(a, b, "{s} context {i}");
            if i % 8 == 0 {
                for f in &features {
                    assert_eq!(
                        to_json(&raw.check_feature_in(&sa, f)),
                        to_json(&comp.check_feature_in(&sb, f))
                    );
                }
                for m in &metrics {
                    assert_eq!(
                        to_json(&raw.check_usage_in(&sa, m)),
                        to_json(&comp.check_usage_in(&sb, m))
                    );
                }
            }
            n += 1;
        }
    }
    assert!(n >= 100_000);
}

/// `config` with the catalog-level `holdout` set to `holdout` (JSON text).
fn with_holdout(config: &str, holdout: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(config).unwrap();
    v["holdout"] = serde_json::from_str(holdout).unwrap();
    v.to_string()
}

/// The same config compiles to the same bytes, and the artifact describes itself.
#[test]
fn artifacts_are_deterministic_and_say_what_they_read() {
    for s in ["team.json", "api.json", "features.json"] {
        let config = sample(s);
        let a = compile(&config).unwrap();
        let b = compile(&config).unwrap();
        assert_eq!(a.bytes, b.bytes, "{s}");
        assert_eq!(a.hash.len(), 16);
        assert!(a.bytes.starts_with(b"\0upc"));
        assert!(a.paths.iter().any(|p| p == "account.plan"), "{:?}", a.paths);
        // Smaller than the JSON it comes from.
        let v: Value = serde_json::from_str(&config).unwrap();
        eprintln!(
            "{s}: JSON {} bytes ({} minified), compiled {} bytes",
            config.len(),
            v.to_string().len(),
            a.bytes.len()
        );
    }
}

fn refused(bytes: &[u8]) -> String {
    match Engine::from_artifact(bytes) {
        Ok(_) => panic!("accepted {} bytes", bytes.len()),
        Err(d) => {
            assert_eq!(d.code.as_str(), "invalid_catalog");
            d.message
        }
    }
}

/// Corrupt, truncated, foreign and newer artifacts are refused, each saying why.
#[test]
fn bad_artifacts_are_refused_with_a_reason() {
    let good = compile(&sample("team.json")).unwrap().bytes;
    assert!(refused(b"{\"version\": 1}").contains("not a compiled catalog"));
    assert!(refused(b"").contains("not a compiled catalog"));
    assert!(refused(&good[..10]).contains("truncated"));
    for cut in [14, 15, good.len() / 2, good.len() - 1] {
        assert!(refused(&good[..cut]).contains("hash"), "{cut}");
    }
    // Newer and older formats than this engine's.
    let format = upgrade_prompts::catalog::artifact::FORMAT_VERSION;
    let mut newer = good.clone();
    newer[4..6].copy_from_slice(&(format + 1).to_le_bytes());
    assert!(refused(&newer).contains(&format!("format {} is not supported", format + 1)));
    let mut older = good.clone();
    older[4..6].copy_from_slice(&(format - 1).to_le_bytes());
    assert!(refused(&older).contains(&format!("format {} is not supported", format - 1)));
    for i in [20, good.len() / 3, good.len() - 3] {
        let mut flipped = good.clone();
        flipped[i] ^= 0x40;
        assert!(refused(&flipped).contains("hash"), "{i}");
    }
    // A body that hashes right but is not a catalog: the reader says where it stopped.
    let mut forged = good[..14].to_vec();
    let body = [0xffu8; 40];
    forged[6..14].copy_from_slice(&upgrade_prompts::base::bytes::content_hash(&body).to_le_bytes());
    forged.extend_from_slice(&body);
    assert!(refused(&forged).contains("cannot be read"));
}

/// Lists of the smallest items (add-ons with one-byte prices, variants of weight 1) read back:
/// the reader's bound on a list's length, from the bytes left, must never refuse a real one.
#[test]
fn catalogs_of_the_smallest_items_read_back() {
    let addons: Vec<Value> = (0..200)
        .map(|i| serde_json::json!({ "id": format!("a{i}"), "label": "A", "price": { "monthly": 0 } }))
        .collect();
    let variants: Vec<Value> = (0..50)
        .map(|i| serde_json::json!({ "id": format!("v{i}"), "weight": 1 }))
        .collect();
    let config = serde_json::json!({
        "version": 1,
        "plans": [{ "id": "p", "label": "P", "price": { "monthly": 0 } }],
        "addons": addons,
        "rules": [{ "id": "r", "kind": "upsell", "when": "true", "target": "a1",
                    "message": { "en": { "title": "T" } },
                    "experiment": { "key": "k", "variants": variants } }],
    })
    .to_string();
    let engine = compiled(&config);
    assert_eq!(engine.catalog().model.addons.len(), 200);
    let raw = Engine::new(&config).unwrap();
    let ctx = r#"{"now": "2026-11-24T09:00:00Z", "account": {"id": "x", "plan": "p"}}"#;
    assert_eq!(
        to_json(&raw.evaluate(ctx, &EvalOptions::default(), HOST_NOW)),
        to_json(&engine.evaluate(ctx, &EvalOptions::default(), HOST_NOW))
    );
}
