//! Fuzzes context reading, the checks and `evaluate` against the sample catalog: arbitrary
//! context text must give a result, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::Engine;
use upgrade_prompts::EvalOptions;

thread_local! {
    static ENGINE: Option<Engine> = {
        let config = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/samples/team.json"));
        config.ok().and_then(|c| Engine::new(&c).ok())
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    ENGINE.with(|engine| {
        let Some(engine) = engine else { return };
        let _ = engine.evaluate(
            text,
            &EvalOptions {
                placement: None,
                trace: true,
                exposures: false,
            },
            1.8e12,
        );
        let _ = engine.check_feature("sso", text, 1.8e12);
        let _ = engine.check_usage("api_calls", text, 1.8e12);
    });
});
