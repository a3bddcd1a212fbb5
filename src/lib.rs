#![doc = include_str!("../README.md")]

pub mod callout;
pub mod config;
pub mod context;
pub mod date;
pub mod diag;
pub mod engine;
pub mod experiment;
pub mod expr;
pub mod gate;
pub mod message;
pub mod recommend;
pub mod schema;
pub mod state;
pub mod unlock;
pub mod usage;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use engine::{validate_config, Engine, ValidationReport};
