//! The catalog layer: the priced model (metrics, features, plans, add-ons), the schema of the
//! paths rules and messages can read, message templates, rules and policy — validated and
//! compiled in one pass by [`load`] into an immutable [`Catalog`].

pub mod artifact;
pub mod assembled;
pub mod load;
pub mod model;
pub mod rules;
pub mod schema;
pub mod template;
pub mod vocabulary;

pub use assembled::{Catalog, IdOrder, GATE_RULE, LIMIT_RULE, TOP_UP_RULE};
pub use load::{load_text, Loaded, MAX_CONFIG_BYTES};
pub use model::{Addon, Feature, Kind, Metric, Model, Period, Plan, Price, Thresholds};
