//! Native timings for `make bench`: median nanoseconds per call of each operation, as JSON.
//! Inputs are the files named on the command line: config, context.

use std::time::Instant;

use upgrade_prompts::EvalOptions;
use upgrade_prompts::{validate_config, Engine};

fn median(mut f: impl FnMut(), rounds: usize, per_round: usize) -> f64 {
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per_round {
            f();
        }
        samples.push(t.elapsed().as_nanos() as f64 / per_round as f64);
    }
    samples.sort_by(f64::total_cmp);
    samples.get(rounds / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(cfg_path), Some(ctx_path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: bench <config.json> <context.json>");
        std::process::exit(2);
    };
    let config = std::fs::read_to_string(cfg_path).unwrap_or_default();
    let context = std::fs::read_to_string(ctx_path).unwrap_or_default();
    let Ok(engine) = Engine::new(&config) else {
        eprintln!("invalid config");
        std::process::exit(2);
    };
    let now = 1.8e12;
    let opts = EvalOptions::default();
    let traced = EvalOptions {
        placement: None,
        trace: true,
        exposures: false,
    };
    let rows = [
        (
            "validateConfig",
            median(
                || drop(std::hint::black_box(validate_config(&config))),
                31,
                50,
            ),
        ),
        (
            "new PromptEngine",
            median(|| drop(std::hint::black_box(Engine::new(&config))), 31, 50),
        ),
        (
            "checkFeature",
            median(
                || {
                    drop(std::hint::black_box(
                        engine.check_feature("sso", &context, now),
                    ))
                },
                31,
                500,
            ),
        ),
        (
            "checkUsage",
            median(
                || {
                    drop(std::hint::black_box(engine.check_usage(
                        "api_calls",
                        &context,
                        now,
                    )))
                },
                31,
                500,
            ),
        ),
        (
            "evaluate",
            median(
                || drop(std::hint::black_box(engine.evaluate(&context, &opts, now))),
                31,
                500,
            ),
        ),
        (
            "evaluate (trace)",
            median(
                || {
                    drop(std::hint::black_box(
                        engine.evaluate(&context, &traced, now),
                    ))
                },
                31,
                500,
            ),
        ),
    ];
    let body: Vec<String> = rows
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v:.0}"))
        .collect();
    let text = format!("{{{}}}", body.join(", "));
    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()).unwrap_or(());
}
