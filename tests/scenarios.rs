//! Table tests: every fixture in `tests/fixtures/scenarios/` is run natively and each check's
//! result is compared with the fixture's expectation (a subset of the full result).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use upgrade_prompts::Engine;

#[test]
fn scenario_fixtures() {
    let mut failures = Vec::new();
    let mut checks = 0;
    for (name, fx) in common::scenarios() {
        let (config, context) = common::inputs(&fx);
        let config = config.to_string();
        let mut engine = match Engine::new(&config) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{name}: config does not load: {e:?}"));
                continue;
            }
        };
        for (i, check) in fx["checks"].as_array().unwrap().iter().enumerate() {
            checks += 1;
            let actual = common::run_check(&mut engine, &config, &context, check);
            let mut errs = Vec::new();
            common::subset(&actual, &check["expect"], "", &mut errs);
            for e in errs {
                failures.push(format!("{name} check {i}: {e}\n    full result: {actual}"));
            }
        }
    }
    assert!(
        checks >= 12,
        "expected at least 12 scenario checks, found {checks}"
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
