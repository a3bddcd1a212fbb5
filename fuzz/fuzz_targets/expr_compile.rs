//! Compiles arbitrary UTF-8 as a rule expression against a small mock schema, then evaluates
//! whatever compiles. Run with `cargo fuzz run expr_compile -- -dict=fuzz/expr.dict`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::expr::testing::{MockEnv, MockSchema};
use upgrade_prompts::expr::{compile, compile_value, HostFn, Limits, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let limits = Limits::default();
    let len = u32::try_from(src.chars().count()).unwrap_or(u32::MAX);
    match compile(src, &MockSchema, &limits) {
        Ok(program) => {
            let env = MockEnv::default()
                .with("usage.seats.ratio", Value::Number(0.85))
                .with("usage.seats.limit", Value::Null)
                .with("account.plan", Value::String("team".into()))
                .with("account.traits.industry", Value::Number(3.0))
                .grant(HostFn::HasFeature, "sso");
            let value = program.eval(&env);
            assert!(matches!(value, Value::Bool(_) | Value::Missing));
            let (traced, steps) = program.eval_traced(&env);
            assert_eq!(traced, value);
            // The fast matching path agrees with the general evaluator.
            assert_eq!(program.matches(&env), value == Value::Bool(true), "{src:?}");
            for step in steps {
                assert!(matches!(step.result.as_str(), "true" | "false" | "missing"));
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= len,
                    "{src:?}: {e:?}"
                );
            }
        }
    }
    if let Ok((program, _)) = compile_value(src, &MockSchema, &limits) {
        let _ = program.eval(&MockEnv::default());
    }
});
