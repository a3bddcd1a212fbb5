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
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(all(target_arch = "wasm32", feature = "audience"))]
pub mod wasm_audience;

pub use audience::{
    generate, simulate, simulate_jsonl, SimulateOptions, Simulation, SimulationReport,
};
pub use decide::recommend::EvalOptions;
pub use engine::{validate_config, Engine, ValidationReport};
