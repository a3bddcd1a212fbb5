//! Fuzzes message templates: any text as a rule's title and body must load or give coded
//! problems with spans inside the text; a loaded one must render without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::{Engine, EvalOptions};

/// A small catalog (loads in a few microseconds) with a metric of each kind, a gated feature,
/// plans, an add-on and a trait, so every placeholder family has something to name.
const CONFIG: &str = r#"{
  "version": 1, "currency": "USD",
  "metrics": { "seats": { "label": "Seats" }, "api_calls": { "label": "API calls", "period": "month" } },
  "features": { "sso": { "label": "SSO" } },
  "plans": [
    { "id": "team", "label": "Team", "price": { "monthly": 20, "perSeat": true }, "features": [], "limits": { "seats": 10, "api_calls": 1000 } },
    { "id": "business", "label": "Business", "price": { "monthly": 50, "perSeat": true }, "features": ["sso"], "limits": { "seats": 50, "api_calls": 10000 } }
  ],
  "addons": [ { "id": "more_calls", "label": "More calls", "price": { "monthly": 5 }, "limits": { "api_calls": 1000 }, "stackable": true } ],
  "rules": [
    { "id": "base", "kind": "upsell", "when": "usage.seats.ratio > 0.5", "target": "business", "message": { "en": { "title": "More", "body": "{usage.seats.used} of {usage.seats.limit}" } } }
  ]
}"#;
const CONTEXT: &str = include_str!("../../tests/fixtures/contexts/growing-team.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The text as a JSON string literal.
    let mut out = upgrade_prompts::base::out::Out::new();
    out.str(text);
    let escaped = out.finish();
    let config = CONFIG.replacen(
        "\"rules\": [",
        &format!(
            "\"rules\": [{{\"id\": \"fz\", \"kind\": \"upsell\", \"when\": \"true\", \"target\": \"business\", \"message\": {{\"en\": {{\"title\": {escaped}, \"body\": {escaped}}}}}}},"
        ),
        1,
    );
    // One load per input: its errors are the validation report's errors.
    match Engine::new(&config) {
        Ok(engine) => {
            let _ = engine.evaluate(CONTEXT, &EvalOptions::default(), 1.8e12);
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            let chars = text.chars().count() as u32;
            for e in &errors {
                if let Some(span) = e.span {
                    assert!(span.start <= span.end && span.end <= chars + 1, "{e:?}");
                }
            }
        }
    }
});
