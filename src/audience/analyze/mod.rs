//! `analyze`: what the prompts earned, measured offline from an event log (JSON Lines, CSV;
//! Parquet in the native tool). For every experiment it checks the split (sample ratio
//! mismatch), gives each arm's conversion rate with its interval and the MRR its units
//! brought, and compares every variant with the holdout (relative lift with its interval, a
//! z-test and the chance to beat it); the program-wide holdout the same way; and every
//! callout's impressions, clicks, dismissals and conversions by placement and kind.
//!
//! - [`event`]: the log's format, checked record by record;
//! - [`lines`], [`record`]: JSON Lines, CSV records, and the two passes over an input;
//! - [`tally`]: the counts, in memory bounded by units and callouts, not events;
//! - [`stats`] over [`math`]: the statistics, in IEEE-exact arithmetic so both programs agree;
//! - [`report`], [`print`]: the report and how the tool prints it;
//! - [`command`]: the command's steps shared by the native binary and the npm bin;
//! - [`demo`]: a demo event log with known rates (`generate --events`).

pub mod command;
pub mod demo;
pub mod event;
pub mod lines;
pub mod math;
pub mod print;
pub mod record;
pub mod report;
pub mod stats;
pub mod tally;

pub use demo::EventLog;
pub use lines::{add_parsed, parse, read_lines, Lines, Parsed};
pub use record::{read_both, read_pass, EventColumns};
pub use report::{AnalysisReport, Window};
pub use tally::Analysis;
pub use tally::Pass;

#[cfg(test)]
mod tests;
