//! The catalog layer: the priced model (metrics, features, plans, add-ons), the schema of the
//! paths rules and messages can read, message templates, rules and policy — validated and
//! compiled in one pass by [`load`] into an immutable [`Catalog`].

pub mod load;
pub mod model;
pub mod rules;
pub mod schema;
pub mod template;

pub use load::{load_str, Loaded, MAX_CONFIG_BYTES};
pub use model::{Addon, Catalog, Feature, Kind, Metric, Model, Period, Plan, Price, Thresholds};
