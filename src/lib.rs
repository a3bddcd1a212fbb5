#![doc = include_str!("../README.md")]

// Layers, bottom to top; a module only imports from layers below it (checked by
// tests/architecture.rs against this list).
pub mod base;
pub mod expr;
pub mod catalog;
pub mod facts;
pub mod decide;
pub mod render;
pub mod engine;
pub mod audience;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(all(target_arch = "wasm32", feature = "audience"))]
pub mod wasm_audience;

/// The wasm heap: a smaller and faster allocator than the default one (see docs/design.md for
/// the measured difference).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The Rust examples of docs/audience.md, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/audience.md")]
pub struct AudienceDocs;

pub use audience::{
    generate, simulate, simulate_jsonl, SimulateOptions, Simulation, SimulationReport,
};
pub use decide::recommend::EvalOptions;
pub use engine::{compile, validate_config, Compiled, Engine, ValidationReport};
