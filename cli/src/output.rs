//! Writing the report (tables, JSON, CSV) and the lines for stderr. The writers live in the
//! library (`upgrade_prompts::audience::report`), shared with the npm bin so that both
//! programs print the same bytes; this module names them where the tool looks for them.

pub use upgrade_prompts::audience::report::*;
