//! Fuzzes message templates: any text as a rule's title and body must load or give coded
//! problems with spans inside the text; a loaded one must render without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::{Engine, EvalOptions};

const CONFIG: &str = include_str!("../../www/samples/team.json");
const CONTEXT: &str = include_str!("../../tests/fixtures/contexts/growing-team.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
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
    let report = upgrade_prompts::validate_config(&config);
    let chars = text.chars().count() as u32;
    for e in &report.errors {
        if let Some(span) = e.span {
            assert!(span.start <= span.end && span.end <= chars + 1, "{e:?}");
        }
    }
    if let Ok(engine) = Engine::new(&config) {
        let _ = engine.evaluate(CONTEXT, &EvalOptions::default(), 1.8e12);
    }
});
