//! Fuzzes context reading, the checks and `evaluate` against the sample catalog: arbitrary
//! context text must give a result, never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::recommend::EvalOptions;

fn config() -> &'static str {
    static CONFIG: OnceLock<String> = OnceLock::new();
    CONFIG.get_or_init(|| {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/samples/team.json")).unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(engine) = upgrade_prompts::Engine::new(config()) else { return };
    let _ = engine.evaluate(text, &EvalOptions { placement: None, trace: true }, 1.8e12);
    let _ = engine.check_feature("sso", text, 1.8e12);
    let _ = engine.check_usage("api_calls", text, 1.8e12);
});
