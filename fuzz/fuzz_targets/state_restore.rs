//! Fuzzes state restore and the events after it: any text as an exported state, then a few
//! events derived from the same bytes. The engine must keep answering, and the exported state
//! must stay bounded by the config.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::{Engine, EvalOptions};

const CONFIG: &str = include_str!("../../www/samples/team.json");
const CONTEXT: &str = include_str!("../../tests/fixtures/contexts/growing-team.json");
/// The host clock.
const HOST: f64 = 1.8e12;

thread_local! {
    static LOADED: Engine = Engine::new(CONFIG).expect("the sample loads");
}

fuzz_target!(|data: &[u8]| {
    // A clone shares the compiled catalog: each input starts from an empty state.
    let mut engine = LOADED.with(Engine::clone);
    let text = String::from_utf8_lossy(data);
    engine.restore_state(&text, HOST);
    let kinds = ["impression", "click", "dismiss", "convert"];
    let callouts = [
        "seats-near-limit",
        "usage_limit:seats",
        "feature_gate:sso",
        "x",
    ];
    for chunk in data.chunks(3).take(64) {
        let k = kinds[usize::from(chunk[0]) % kinds.len()];
        let c = callouts[usize::from(*chunk.get(1).unwrap_or(&0)) % callouts.len()];
        let at = 1.79e12 + f64::from(*chunk.get(2).unwrap_or(&0)) * 3.6e6;
        let _ = engine.record_at(k, c, Some(at), HOST);
    }
    let _ = engine.evaluate(CONTEXT, &EvalOptions::default(), 1.8e12);
    let exported = upgrade_prompts::engine::to_json(&engine.export_state());
    assert!(exported.len() < 50_000, "{}", exported.len());
});
