//! The audience layer: the engine run over a whole customer base. [`simulate`] scores many
//! contexts with the same typed decision `evaluate` makes and aggregates it — reach of every
//! rule and built-in, suppression reasons, experiment arms, the top expansion opportunities and
//! downsells, the accounts whose usage trend reaches a limit within the forecast horizon,
//! readiness — in memory bounded by the options, not by the number of accounts.
//! [`generate`] makes a seeded synthetic population for a catalog. With the `tabular` feature,
//! [`columns`], [`input`], [`report`], [`command`] and [`lint`] are the command-line tool's
//! reading and printing, shared by the native binary and the npm bin (through the audience
//! build), and [`analyze`] measures what prompts earned from an event log.

#[cfg(feature = "tabular")]
pub mod accounts_out;
#[cfg(feature = "tabular")]
pub mod analyze;
#[cfg(feature = "tabular")]
pub mod columns;
#[cfg(feature = "tabular")]
pub mod command;
mod generate;
#[cfg(feature = "tabular")]
pub mod input;
#[cfg(feature = "tabular")]
pub mod lint;
#[cfg(feature = "tabular")]
pub mod rates;
#[cfg(feature = "tabular")]
pub mod report;
mod row;
mod simulate;
mod sizing;
mod top;

pub use generate::{generate, Population};
pub use row::AccountRow;
pub use simulate::{
    simulate, simulate_jsonl, ArmCount, ErrorRow, ExperimentReach, LimitHit, MetricForecast,
    Opportunity, PlacementReach, ReadinessCounts, RuleReach, SimulateOptions, Simulation,
    SimulationReport, Totals, MAX_ERROR_ROWS,
};
pub use sizing::{expected, ExpectedMrr, MeasuredRate, RateUse, Rates};
