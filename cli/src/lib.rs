//! The command-line tool's parts below argument parsing: reading accounts (JSON Lines, CSV,
//! Parquet) with bounded memory, mapping tabular columns to context paths, running a
//! simulation across threads, analyzing event logs (`analyze`), and writing reports. The
//! binary (`src/main.rs`) parses the arguments and calls these; the fuzz targets call the
//! readers directly.

pub mod accounts_out;
pub mod analyze;
pub mod audience;
pub mod columns;
pub mod input;
pub mod output;
pub mod run;
