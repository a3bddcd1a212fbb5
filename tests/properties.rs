//! Property tests: for random contexts, `evaluate`, `checkFeature` and `checkUsage` never
//! panic and are deterministic (the same inputs give byte-identical JSON).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use proptest::prelude::*;
use serde_json::json;
use upgrade_prompts::engine::to_json;
use upgrade_prompts::Engine;
use upgrade_prompts::EvalOptions;

fn engine() -> Engine {
    let text = std::fs::read_to_string(common::root().join("www/samples/team.json")).unwrap();
    Engine::new(&text).unwrap()
}

fn number() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (0u32..100).prop_map(|n| json!(n)),
        (0.0f64..2_000_000.0).prop_map(|n| json!(n)),
        Just(json!(-5)),
        Just(json!(null)),
        Just(json!("12")),
    ]
}

fn date() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (0i64..4000).prop_map(|d| json!(upgrade_prompts::base::date::format(
            1.7e12 + d as f64 * 86_400_000.0
        ))),
        Just(json!("not a date")),
        Just(json!(null)),
    ]
}

prop_compose! {
    fn context()(
        plan in prop::sample::select(vec!["free", "team", "enterprise", "nope"]),
        role in prop::sample::select(vec!["owner", "member", "billing", ""]),
        lifecycle in prop::sample::select(vec!["onboarding", "adoption", "expansion"]),
        locale in prop::sample::select(vec!["en", "ja-JP", "fr", "x"]),
        feature in prop::sample::select(vec!["sso", "reports", "nope"]),
        route in prop::sample::select(vec!["/reports/x", "/", "/settings"]),
        account_id in prop::option::of("[a-z0-9_]{0,12}"),
        seats in number(), calls in number(), health in number(), escalations in number(), uses in number(),
        now in date(), created in date(), renewal in date(), h1 in date(), h2 in date(),
        h1v in number(), h2v in number(),
        boost in 0u32..4,
    ) -> serde_json::Value {
        json!({
            "now": now, "locale": locale,
            "account": { "id": account_id, "plan": plan, "createdAt": created, "renewalAt": renewal,
                         "healthScore": health, "lifecycle": lifecycle, "openEscalations": escalations,
                         "addons": [ { "id": "api_boost", "quantity": boost.max(1) } ],
                         "traits": { "employees": calls } },
            "user": { "id": "u", "role": role },
            "usage": { "seats": { "used": seats },
                       "api_calls": { "used": calls, "history": [ { "at": h1, "value": h1v }, { "at": h2, "value": h2v } ] } },
            "features": { "reports": { "uses30d": uses } },
            "page": { "route": route, "feature": feature },
            "signals": { "pendingInvites": seats }
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn evaluate_never_panics_and_is_deterministic(ctx in context()) {
        let e = engine();
        let text = ctx.to_string();
        let opts = EvalOptions { placement: None, trace: true, exposures: false };
        let a = to_json(&e.evaluate(&text, &opts, common::HOST_NOW));
        let b = to_json(&engine().evaluate(&text, &opts, common::HOST_NOW));
        prop_assert_eq!(&a, &b);
        for f in ["sso", "reports", "x"] {
            let x = to_json(&e.check_feature(f, &text, common::HOST_NOW));
            prop_assert_eq!(x, to_json(&e.check_feature(f, &text, common::HOST_NOW)));
        }
        for m in ["seats", "api_calls"] {
            let _ = e.check_usage(m, &text, common::HOST_NOW);
        }
    }

    /// Traced evaluation (every condition evaluated step by step) and the fast path (conditions
    /// over cached values) decide the same: the result without its trace is the same JSON.
    #[test]
    fn trace_does_not_change_the_decision(ctx in context()) {
        let e = engine();
        let text = ctx.to_string();
        let plain = |trace: bool| {
            let opts = EvalOptions { placement: None, trace, exposures: false };
            let mut v: serde_json::Value =
                serde_json::from_str(&to_json(&e.evaluate(&text, &opts, common::HOST_NOW))).unwrap();
            if let Some(o) = v.as_object_mut() {
                o.remove("trace");
            }
            v
        };
        prop_assert_eq!(plain(true), plain(false));
    }

    #[test]
    fn garbage_context_never_panics(s in ".{0,200}") {
        let e = engine();
        let _ = e.evaluate(&s, &EvalOptions::default(), common::HOST_NOW);
        let _ = e.check_feature("sso", &s, common::HOST_NOW);
    }
}
