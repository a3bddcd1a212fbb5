//! The catalog model: metrics, features, plans, add-ons and thresholds, indexed by id, plus the
//! compiled messages and policy. Built once by [`super::load`] and never changed after.

pub use crate::base::date::Period;
use crate::base::diag::{did_you_mean, Diagnostic, PathSeg};
use crate::base::vocab::Code;
pub use crate::base::vocab::MetricKind;

/// A metered quantity the catalog limits (seats, API calls, storage, …).
#[derive(Clone, Debug)]
pub struct Metric {
    /// Id, usable as a rule path segment (`usage.<id>.ratio`).
    pub id: String,
    /// Display name.
    pub label: String,
    /// Reset period for metered usage; `None` for a standing count such as seats.
    pub period: Option<Period>,
    /// A usage count against limits, or a prepaid credit balance (`kind: "credits"`), whose
    /// plan "limits" are the plans' monthly grants.
    pub kind: MetricKind,
    /// Several limits on the same use, each over its own window (`windows`); empty for a
    /// metric with one limit.
    pub windows: Vec<Window>,
    /// Decimal places its quantities are written with in messages and meters (`decimals`,
    /// 0 to 2; default 0: counts are whole numbers).
    pub decimals: u8,
}

/// Most windows one metric may have.
pub const MAX_WINDOWS: usize = 8;

/// One of a metric's windows: the use within it has its own limit per plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// Id, a key of `metrics.<m>.windows` (`5h`, `week`).
    pub id: String,
    /// Display name (`label`, default `<id> window`).
    pub label: String,
    /// The window's span.
    pub span: Span,
}

/// How far back a window reaches.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Span {
    /// The last `ms` milliseconds, ending now (`rolling: "5h"`): never projected.
    Rolling(f64),
    /// The current calendar period (`period: "week"`).
    Period(Period),
}

impl Span {
    /// Its length in milliseconds (a calendar period's usual length), to break ties.
    pub fn length(self) -> f64 {
        use crate::base::date::DAY_MS;
        match self {
            Span::Rolling(ms) => ms,
            Span::Period(Period::Day) => DAY_MS,
            Span::Period(Period::Week) => 7.0 * DAY_MS,
            Span::Period(Period::Month) => 30.0 * DAY_MS,
            Span::Period(Period::Year) => 365.0 * DAY_MS,
        }
    }
}

impl Metric {
    /// Whether the metric is a prepaid credit balance.
    pub fn is_credits(&self) -> bool {
        self.kind == MetricKind::Credits
    }
}

/// A gated capability.
#[derive(Clone, Debug)]
pub struct Feature {
    /// Id.
    pub id: String,
    /// Display name.
    pub label: String,
}

/// A monthly price in the catalog currency.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Price {
    /// Fixed monthly amount.
    pub monthly: f64,
    /// Amount per seat in use, per month.
    pub per_seat: f64,
    /// Amount paid once (a credit pack), besides any monthly amount.
    pub once: f64,
}

impl Price {
    /// The monthly total at `seats` seats.
    pub fn at(&self, seats: f64) -> f64 {
        self.monthly + self.per_seat * seats
    }
}

/// A plan tier. Plans are ordered from lowest to highest; the index is the rank.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// `None` for contact-sales plans.
    pub price: Option<Price>,
    /// Priced by a sales conversation rather than self-serve.
    pub contact_sales: bool,
    /// Included feature indices.
    pub features: Vec<usize>,
    /// One limit per metric (by metric index); `None` = unlimited. For a credit metric, the
    /// credits the plan grants every month.
    pub limits: Vec<Option<f64>>,
    /// Per metric (by index), the price of one unit past the limit: `Some` makes the limit
    /// soft (`overage.<metric>.price`), `None` keeps it hard.
    pub overage: Vec<Option<f64>>,
    /// Per windowed metric, its limit in each window (`None` = unlimited there), as (metric
    /// index, limits by window index).
    pub window_limits: Vec<(usize, Vec<Option<f64>>)>,
    /// Where the host sends the user to buy this plan.
    pub url: Option<String>,
}

/// A purchasable add-on.
#[derive(Clone, Debug)]
pub struct Addon {
    /// Id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Price of one unit.
    pub price: Price,
    /// Feature indices it unlocks.
    pub features: Vec<usize>,
    /// Limit increments per unit, as (metric index, amount); for a credit metric, credits
    /// granted per unit every month.
    pub limits: Vec<(usize, f64)>,
    /// Credits granted once per unit bought, as (credit metric index, amount): a credit pack.
    pub credits: Vec<(usize, f64)>,
    /// Limit increments per unit of a windowed metric's windows, as (metric index, window
    /// index, amount).
    pub window_limits: Vec<(usize, usize, f64)>,
    /// Plan indices it can be bought on; `None` = every plan.
    pub available_on: Option<Vec<usize>>,
    /// May be bought several times.
    pub stackable: bool,
    /// Most units an account may hold (stackable add-ons).
    pub max_quantity: u32,
    /// Where the host sends the user to buy it.
    pub url: Option<String>,
}

impl Addon {
    /// Whether it can be bought on the plan at `plan` index.
    pub fn available_on(&self, plan: usize) -> bool {
        self.available_on.as_ref().is_none_or(|p| p.contains(&plan))
    }
}

/// Usage-ratio thresholds for the `approaching` and `critical` states.
#[derive(Clone, Copy, Debug)]
pub struct Thresholds {
    /// Ratio at which a limit is approaching (default 0.8).
    pub approaching: f64,
    /// Ratio at which a limit is critical (default 0.95).
    pub critical: f64,
}

/// The priced offer of a catalog: everything but messages and rules. Rules and messages are
/// checked against it, so it is complete before they are read.
#[derive(Debug)]
pub struct Model {
    /// ISO 4217 code of every price.
    pub currency: String,
    /// Metrics in config order.
    pub metrics: Vec<Metric>,
    /// Features in config order.
    pub features: Vec<Feature>,
    /// Plans, lowest tier first.
    pub plans: Vec<Plan>,
    /// Add-ons in config order.
    pub addons: Vec<Addon>,
    /// Usage thresholds.
    pub thresholds: Thresholds,
    /// Roles that may buy; others get "ask your admin".
    pub purchase_roles: Vec<String>,
    /// The metric `perSeat` prices multiply by.
    pub seat_metric: Option<usize>,
    /// How far ahead `daysToLimit` looks, in days (`forecast.horizonDays`).
    pub horizon_days: f64,
    /// Share of a metering period that must have passed before the period is projected
    /// (`forecast.minElapsed`).
    pub min_elapsed: f64,
    pub(crate) index: Index,
}

/// The context fields the engine reads whatever the catalog holds (see
/// [`Model::context_paths`]).
pub const CONTEXT_FIELDS: &[&str] = &[
    "now",
    "locale",
    "account.id",
    "account.plan",
    "account.lifecycle",
    "account.createdAt",
    "account.renewalAt",
    "account.healthScore",
    "account.openEscalations",
    "account.addons",
    "user.id",
    "user.role",
    "page.route",
    "page.feature",
];

/// The default of `forecast.horizonDays`.
pub const DEFAULT_HORIZON_DAYS: f64 = 90.0;

/// Default share of a period that must pass before it is projected (`forecast.minElapsed`).
pub const DEFAULT_MIN_ELAPSED: f64 = 0.2;

/// The largest `forecast.horizonDays` (ten years).
pub const MAX_HORIZON_DAYS: f64 = 3650.0;

/// Ids to their positions, one map per namespace; looked up by `&str` without a copy.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index([crate::base::FastMap<Box<str>, usize>; 4]);

impl Index {
    /// The position of `id` in its namespace.
    pub fn get(&self, kind: Kind, id: &str) -> Option<usize> {
        self.0.get(kind as usize)?.get(id).copied()
    }

    /// Records `id` at position `i` (replacing an earlier one); `true` when it was there.
    pub fn insert(&mut self, kind: Kind, id: &str, i: usize) -> bool {
        self.0
            .get_mut(kind as usize)
            .is_some_and(|m| m.insert(id.into(), i).is_some())
    }
}

/// Which id namespace an id belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Metric ids.
    Metric,
    /// Feature ids.
    Feature,
    /// Plan ids.
    Plan,
    /// Add-on ids.
    Addon,
}

impl Kind {
    /// The word for messages: `metric`, `feature`, `plan` or `add-on`.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Metric => "metric",
            Kind::Feature => "feature",
            Kind::Plan => "plan",
            Kind::Addon => "add-on",
        }
    }
}

impl Model {
    /// The context paths the engine reads for this model, every metric and feature id written
    /// out: the fixed fields, then `usage.<metric>.*` per metric (a credit metric's balance fields), then per feature its
    /// `features.<feature>.uses30d` and `account.trials.<feature>`. (Traits and signals are read
    /// by name only where a rule or message names them.)
    pub fn context_paths(&self) -> Vec<String> {
        let mut out: Vec<String> = CONTEXT_FIELDS.iter().map(|s| (*s).to_owned()).collect();
        for m in &self.metrics {
            let fields: &[&str] = if m.is_credits() {
                &["balance", "granted", "history", "autoRecharge", "expiresAt"]
            } else if !m.windows.is_empty() {
                &["windows"]
            } else {
                &["used", "periodStart", "periodEnd", "history"]
            };
            for f in fields {
                out.push(format!("usage.{}.{f}", m.id));
            }
        }
        for f in &self.features {
            out.push(format!("features.{}.uses30d", f.id));
            out.push(format!("account.trials.{}", f.id));
        }
        out
    }

    /// Index of the id in its namespace.
    pub fn find(&self, kind: Kind, id: &str) -> Option<usize> {
        // Namespaces are usually small; a scan avoids building an owned key per lookup.
        let small = match kind {
            Kind::Metric if self.metrics.len() <= 16 => {
                Some(self.metrics.iter().position(|m| m.id == id))
            }
            Kind::Feature if self.features.len() <= 16 => {
                Some(self.features.iter().position(|m| m.id == id))
            }
            Kind::Plan if self.plans.len() <= 16 => {
                Some(self.plans.iter().position(|m| m.id == id))
            }
            Kind::Addon if self.addons.len() <= 16 => {
                Some(self.addons.iter().position(|m| m.id == id))
            }
            _ => None,
        };
        match small {
            Some(found) => found,
            None => self.index.get(kind, id),
        }
    }

    /// All ids of a namespace, for suggestions.
    pub fn ids(&self, kind: Kind) -> Vec<&str> {
        match kind {
            Kind::Metric => self.metrics.iter().map(|m| m.id.as_str()).collect(),
            Kind::Feature => self.features.iter().map(|m| m.id.as_str()).collect(),
            Kind::Plan => self.plans.iter().map(|m| m.id.as_str()).collect(),
            Kind::Addon => self.addons.iter().map(|m| m.id.as_str()).collect(),
        }
    }

    /// "unknown plan `x`" without a suggestion (cheap), as a diagnostic at `path`.
    pub fn unknown_plain(&self, kind: Kind, id: &str, path: Path) -> Diagnostic {
        Diagnostic::new(
            unknown_code(kind),
            format!("unknown {} `{id}`", kind.noun()),
            path,
        )
    }

    /// "unknown plan `x`" with a suggestion, as a diagnostic at `path`.
    pub fn unknown(&self, kind: Kind, id: &str, path: Path) -> Diagnostic {
        Diagnostic::new(
            unknown_code(kind),
            format!("unknown {} `{id}`", kind.noun()),
            path,
        )
        .with_help(did_you_mean(id, self.ids(kind)))
    }

    /// The id and label of a plan or add-on.
    pub fn offer_names(&self, plan: bool, index: usize) -> (&str, &str) {
        if plan {
            self.plans
                .get(index)
                .map_or(("", ""), |p| (p.id.as_str(), p.label.as_str()))
        } else {
            self.addons
                .get(index)
                .map_or(("", ""), |a| (a.id.as_str(), a.label.as_str()))
        }
    }
}

type Path = Vec<PathSeg>;

/// The error code of an unknown id of `kind`.
pub fn unknown_code(kind: Kind) -> Code {
    match kind {
        Kind::Metric => Code::UnknownMetric,
        Kind::Feature => Code::UnknownFeature,
        Kind::Plan => Code::UnknownPlan,
        Kind::Addon => Code::UnknownAddon,
    }
}

pub use crate::base::vocab::{CalloutKind, Severity};
