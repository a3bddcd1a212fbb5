//! Times loading a compiled catalog (`Engine::from_artifact`): compiles the config named on the
//! command line (the peer bench's 1000-rule workload, written to JSON with node), then loads the
//! artifact many times and prints (on stderr) the median, with the artifact's size and the
//! time of the content hash alone.
//!
//! `cargo run --release --example load_artifact -- build/artifact-1000.json [iterations] [out.bin]`

use std::time::Instant;

use upgrade_prompts::base::bytes::content_hash;
use upgrade_prompts::engine::{compile, Engine};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let config =
        std::fs::read_to_string(args.get(1).map_or("", String::as_str)).unwrap_or_default();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let Ok(compiled) = compile(&config) else {
        eprintln!("the config does not compile");
        std::process::exit(2);
    };
    let bytes = compiled.bytes;
    if let Some(out) = args.get(3) {
        if std::fs::write(out, &bytes).is_err() {
            eprintln!("cannot write {out}");
            std::process::exit(2);
        }
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let e = Engine::from_artifact(std::hint::black_box(&bytes));
        std::hint::black_box(&e);
        drop(e);
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    report("load", &mut times, bytes.len());
    // The content hash alone: a split of the load time.
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        std::hint::black_box(content_hash(std::hint::black_box(&bytes)));
        times.push(t.elapsed().as_secs_f64() * 1e6);
    }
    report("hash", &mut times, bytes.len());
}

fn report(what: &str, times: &mut [f64], bytes: usize) {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    let at = |q: f64| {
        times
            .get((q * (n - 1) as f64) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    eprintln!(
        "{what}: bytes {bytes}  median {:.1} us  p10 {:.1}  p90 {:.1}  (n={n})",
        at(0.5),
        at(0.1),
        at(0.9)
    );
}
