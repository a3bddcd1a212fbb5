//! Fuzzes sequences of `record` calls, with clocks that jump, run backwards and land far in the
//! future, between evaluations and export/restore round trips. The engine must keep answering,
//! its exported state must stay bounded, and a restored state must export the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::engine::to_json;
use upgrade_prompts::{Engine, EvalOptions};

const CONFIG: &str = include_str!("../../www/samples/team.json");
const CONTEXT: &str = include_str!("../../tests/fixtures/contexts/growing-team.json");
const BASE: f64 = 1.79e12;
/// The host clock: a month after `BASE`, so some stamps are past it and some far ahead.
const HOST: f64 = BASE + 30.0 * 8.64e7;

fn time(b: u8, c: u8) -> f64 {
    let step = f64::from(c);
    match b % 8 {
        0 => BASE + step * 60_000.0,       // minutes apart
        1 => BASE + step * 3.6e6,          // hours apart
        2 => BASE + step * 8.64e7,         // days apart
        3 => BASE - step * 8.64e7,         // the past
        4 => 253_402_300_799_000.0 - step, // year 9999
        5 => [f64::NAN, f64::INFINITY, -1.0, 0.0][usize::from(c) % 4],
        6 => BASE + step * 8.64e7 * 365.0,  // years ahead
        _ => f64::from(u32::from(c) << 24), // near the epoch
    }
}

thread_local! {
    static LOADED: Engine = Engine::new(CONFIG).expect("the sample loads");
}

fuzz_target!(|data: &[u8]| {
    // A clone shares the compiled catalog: each input starts from an empty state.
    let mut engine = LOADED.with(Engine::clone);
    let kinds = ["impression", "click", "dismiss", "convert", "snooze", ""];
    let callouts = [
        "seats-near-limit",
        "usage_limit:seats",
        "feature_gate:sso",
        "x",
        "",
    ];
    for op in data.chunks(4).take(512) {
        let [a, b, c, d] = [
            op[0],
            *op.get(1).unwrap_or(&0),
            *op.get(2).unwrap_or(&0),
            *op.get(3).unwrap_or(&0),
        ];
        match a % 16 {
            0 => {
                let _ = engine.evaluate(CONTEXT, &EvalOptions::default(), time(b, c));
            }
            1 => {
                let exported = to_json(&engine.export_state());
                let mut again = LOADED.with(Engine::clone);
                again.restore_state(&exported, HOST);
                assert!(
                    again.warnings().iter().all(|w| w.code.as_str() != "state_ignored"),
                    "{exported}"
                );
                assert_eq!(to_json(&again.export_state()), exported);
            }
            _ => {
                let k = kinds[usize::from(b) % kinds.len()];
                let id = callouts[usize::from(d) % callouts.len()];
                let at = (b % 7 != 0).then(|| time(c, d)); // sometimes no `at`: the engine stamps it
                let _ = engine.record_at(k, id, at, HOST);
            }
        }
    }
    let _ = engine.evaluate(CONTEXT, &EvalOptions::default(), BASE);
    let exported = to_json(&engine.export_state());
    assert!(exported.len() < 50_000, "{}", exported.len());
});
