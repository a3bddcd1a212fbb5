//! The catalog layer: the priced model (metrics, features, plans, add-ons), the schema of the
//! paths rules and messages can read, message templates, rules and policy — validated and
//! compiled in one pass by [`load`] into an immutable [`Catalog`].

pub mod load;
pub mod model;
pub mod rules;
pub mod schema;
pub mod template;

pub use load::{load_str, load_text, Loaded, MAX_CONFIG_BYTES};
pub use model::{Addon, Feature, Kind, Metric, Model, Period, Plan, Price, Thresholds};

use crate::expr::SlotTable;
use rules::Policy;
use template::MessageSet;

/// The validated, immutable catalog: the model, the compiled messages and the policy.
#[derive(Debug)]
pub struct Catalog {
    /// Metrics, features, plans, add-ons and prices.
    pub model: Model,
    /// Built-in and overridden message texts.
    pub messages: MessageSet,
    /// Rules, readiness, frequency, placements and built-in settings.
    pub policy: Policy,
    /// Every value any rule reads, with the id shared by all rules.
    pub slots: SlotTable,
}

impl std::ops::Deref for Catalog {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.model
    }
}
