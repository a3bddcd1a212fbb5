//! Fuzzes the compiled-catalog reader: any bytes as an artifact. It must refuse or accept
//! without panicking or allocating beyond what the bytes describe, and an accepted catalog must
//! answer a context. Inputs are also tried with a correct content hash over their own bytes,
//! so the fuzzer reaches the body reader instead of stopping at the hash check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::{Engine, EvalOptions};

const CONTEXT: &str = include_str!("../../tests/fixtures/contexts/growing-team.json");

fn try_load(bytes: &[u8]) {
    if let Ok(engine) = Engine::from_artifact(bytes) {
        let _ = engine.evaluate(CONTEXT, &EvalOptions::default(), 1.8e12);
        let _ = engine.check_usage("seats", CONTEXT, 1.8e12);
        let _ = engine.check_feature("sso", CONTEXT, 1.8e12);
    }
}

fuzz_target!(|data: &[u8]| {
    try_load(data);
    // The same bytes as a body behind a valid header.
    let mut framed = Vec::with_capacity(data.len() + 14);
    framed.extend_from_slice(b"\0upc");
    framed.extend_from_slice(&upgrade_prompts::catalog::artifact::FORMAT_VERSION.to_le_bytes());
    framed.extend_from_slice(&upgrade_prompts::base::bytes::content_hash(data).to_le_bytes());
    framed.extend_from_slice(data);
    try_load(&framed);
});
