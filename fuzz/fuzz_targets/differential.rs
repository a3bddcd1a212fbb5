//! Differential: the same context answered two ways must give the same bytes. One way asks each
//! question on a fresh read (`evaluate`, `check_feature`, `check_usage`); the other asks them all
//! in one session, in the opposite order, so facts are derived lazily in a different sequence and
//! answers come from the session's cache. Any difference is a bug in laziness or caching.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::engine::to_json;
use upgrade_prompts::{Engine, EvalOptions};

thread_local! {
    static ENGINE: Option<Engine> = {
        let config = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../www/samples/team.json"));
        config.ok().and_then(|c| Engine::new(&c).ok())
    };
}

const NOW: f64 = 1.8e12;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    ENGINE.with(|engine| {
        let Some(engine) = engine else { return };
        let features: Vec<String> = engine
            .catalog()
            .model
            .features
            .iter()
            .map(|f| f.id.clone())
            .chain(["nope".into()])
            .collect();
        let metrics: Vec<String> = engine
            .catalog()
            .model
            .metrics
            .iter()
            .map(|m| m.id.clone())
            .chain(["nope".into()])
            .collect();
        let opts = EvalOptions {
            placement: None,
            trace: true,
            exposures: false,
        };

        let eval_fresh = to_json(&engine.evaluate(text, &opts, NOW));
        let feat_fresh: Vec<String> = features
            .iter()
            .map(|f| to_json(&engine.check_feature(f, text, NOW)))
            .collect();
        let usage_fresh: Vec<String> = metrics
            .iter()
            .map(|m| to_json(&engine.check_usage(m, text, NOW)))
            .collect();

        let s = engine.session(text.to_owned(), NOW);
        for (m, fresh) in metrics.iter().zip(&usage_fresh).rev() {
            assert_eq!(
                &to_json(&engine.check_usage_in(&s, m)),
                fresh,
                "usage {m}: {text}"
            );
        }
        for (f, fresh) in features.iter().zip(&feat_fresh).rev() {
            assert_eq!(
                &to_json(&engine.check_feature_in(&s, f)),
                fresh,
                "feature {f}: {text}"
            );
        }
        assert_eq!(
            to_json(&engine.evaluate_in(&s, &opts)),
            eval_fresh,
            "evaluate: {text}"
        );
        // Asked again in the same session: the same answer.
        assert_eq!(
            to_json(&engine.evaluate_in(&s, &opts)),
            eval_fresh,
            "evaluate again: {text}"
        );
    });
});
