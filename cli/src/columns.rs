//! Tabular input (CSV and Parquet): column headers are context paths. The mapping lives in the
//! library (`upgrade_prompts::audience::columns`, shared with the npm bin); this module names
//! it where the tool's readers and tests look for it.

pub use upgrade_prompts::audience::columns::*;
