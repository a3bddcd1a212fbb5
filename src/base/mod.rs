//! The bottom layer: diagnostics with paths and spans, JSON reading and writing, dates, and
//! number formatting. Nothing here knows what a catalog or a context is.

pub mod date;
pub mod diag;
pub mod float;
pub mod json;
pub mod num;
pub mod out;
pub mod read;
pub mod sort;
