//! Runs `evaluate` many times on the files named on the command line (config, context), for
//! profiling with an external sampler or instruction counter.

use upgrade_prompts::{Engine, EvalOptions};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let config =
        std::fs::read_to_string(args.get(1).map_or("", String::as_str)).unwrap_or_default();
    let context =
        std::fs::read_to_string(args.get(2).map_or("", String::as_str)).unwrap_or_default();
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let what = args.get(4).map_or("evaluate", String::as_str);
    let Ok(engine) = Engine::new(&config) else {
        std::process::exit(2);
    };
    let opts = EvalOptions::default();
    for _ in 0..n {
        match what {
            "feature" => drop(std::hint::black_box(
                engine.check_feature("sso", &context, 0.0),
            )),
            _ => drop(std::hint::black_box(engine.evaluate(&context, &opts, 0.0))),
        }
    }
}
