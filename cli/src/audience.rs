//! The simulation API of the library (`upgrade_prompts::audience`).
pub use upgrade_prompts::audience::*;
