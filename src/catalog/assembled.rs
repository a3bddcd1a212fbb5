//! The assembled catalog: the model, the compiled messages and the policy, put together once
//! every part is read (by [`super::load`] from a config, by [`super::artifact`] from compiled
//! bytes), and the ranks of its ids used to order callouts.

use super::model::Model;
use super::rules::Policy;
use super::template::MessageSet;
use crate::expr::SlotTable;

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
    /// Ranks of ids in text order, made at the first evaluation (see [`Catalog::id_order`]).
    pub(crate) id_order: std::cell::OnceCell<IdOrder>,
}

/// The rule id of the built-in feature gate callouts.
pub const GATE_RULE: &str = "builtin:feature_gate";

/// The rule id of the built-in usage limit callouts.
pub const LIMIT_RULE: &str = "builtin:usage_limit";

/// The rule id of the built-in top-up callouts of credit metrics.
pub const TOP_UP_RULE: &str = "builtin:top_up";

/// The position of every id callouts are ranked by in the text order of those ids, so that
/// ranking compares numbers instead of strings: designer rule ids with the built-ins' rule ids
/// ([`GATE_RULE`], [`LIMIT_RULE`]), and, among the callouts of one built-in, features and
/// metrics by id.
#[derive(Clone, Debug, Default)]
pub struct IdOrder {
    /// Per designer rule.
    pub rules: Vec<u32>,
    /// Of [`GATE_RULE`].
    pub gate: u32,
    /// Of [`LIMIT_RULE`].
    pub limit: u32,
    /// Of [`TOP_UP_RULE`].
    pub top_up: u32,
    /// Per feature, among feature ids.
    pub features: Vec<u32>,
    /// Per metric, among metric ids.
    pub metrics: Vec<u32>,
}

/// Each id's position in the sorted list of `ids`.
fn ranks<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let ids: Vec<&str> = ids.collect();
    let order = crate::base::sort::order(ids.len(), &mut |a, b| ids.get(a).cmp(&ids.get(b)));
    let mut rank = vec![0; ids.len()];
    for (r, i) in order.into_iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = r as u32;
        }
    }
    rank
}

impl Catalog {
    /// The ids' text order (see [`IdOrder`]), made once.
    pub fn id_order(&self) -> &IdOrder {
        self.id_order.get_or_init(|| {
            let rules = self.policy.rules.iter().map(|r| r.id.as_str());
            let mut all = ranks(rules.chain([GATE_RULE, LIMIT_RULE, TOP_UP_RULE]));
            let top_up = all.pop().unwrap_or(0);
            let limit = all.pop().unwrap_or(0);
            let gate = all.pop().unwrap_or(0);
            IdOrder {
                rules: all,
                gate,
                limit,
                top_up,
                features: ranks(self.features.iter().map(|f| f.id.as_str())),
                metrics: ranks(self.metrics.iter().map(|m| m.id.as_str())),
            }
        })
    }
}

impl std::ops::Deref for Catalog {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.model
    }
}
