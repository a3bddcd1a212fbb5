//! Prints the full native result of every scenario fixture as JSON, for the test that compares
//! the wasm build with the native one.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let out = common::all_results();
    let text = serde_json::to_string(&out).unwrap_or_default();
    std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()).unwrap_or(());
}
