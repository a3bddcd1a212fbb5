//! The decide layer: feature gates, usage limits, unlock options, right-sizing, the rule
//! environment, readiness guards, experiments, caps and ranking — all on typed values. What
//! the host sees is worded afterwards by the render layer, for the callouts actually returned.

pub mod env;
pub mod experiment;
pub mod exposure;
pub mod gate;
pub mod headroom;
pub mod limits;
pub mod recommend;
pub mod rightsize;
pub mod state;
pub mod unlock;

pub use env::{Locals, Session};
pub use recommend::{Decision, EvalOptions};
pub use state::{EngineState, EventType};
