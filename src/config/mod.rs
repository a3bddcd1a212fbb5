//! The pricing catalog: metrics, features, plans, add-ons, thresholds and message overrides,
//! read from JSON and validated once into an immutable [`Catalog`].
//!
//! Validation walks the whole document and reports every problem it finds, each with a path
//! into the config, so a designer fixes a broken catalog in one pass.

pub(crate) mod read;
pub mod rules;
mod strict;

use std::collections::HashMap;

use serde_json::Value;

use crate::diag::{did_you_mean, join, Diagnostic, PathSeg};
use crate::message::{self, MessageSet};
use read::{list, valid_id, Reader};
use rules::Policy;

/// Most metrics, and most features, in one catalog (slot ids hold 16-bit indices).
pub const MAX_IDS: usize = 65_535;

/// Largest config accepted, in bytes of JSON.
pub const MAX_CONFIG_BYTES: usize = 4 << 20;

/// A metered quantity the catalog limits (seats, API calls, storage, …).
#[derive(Clone, Debug)]
pub struct Metric {
    /// Id, usable as a rule path segment (`usage.<id>.ratio`).
    pub id: String,
    /// Display name.
    pub label: String,
    /// Reset period for metered usage; `None` for a standing count such as seats.
    pub period: Option<Period>,
}

/// How often a metered usage counter resets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// Every UTC day.
    Day,
    /// Every UTC week starting Monday.
    Week,
    /// Every UTC calendar month.
    Month,
    /// Every UTC calendar year.
    Year,
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
    /// One limit per metric (by metric index); `None` = unlimited.
    pub limits: Vec<Option<f64>>,
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
    /// Limit increments per unit, as (metric index, amount).
    pub limits: Vec<(usize, f64)>,
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

/// The validated, immutable catalog.
#[derive(Debug)]
pub struct Catalog {
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
    /// Built-in and overridden message texts.
    pub messages: MessageSet,
    /// Rules, readiness, frequency, placements and built-in settings.
    pub policy: Policy,
    index: HashMap<(Kind, String), usize>,
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
    fn noun(self) -> &'static str {
        match self {
            Kind::Metric => "metric",
            Kind::Feature => "feature",
            Kind::Plan => "plan",
            Kind::Addon => "add-on",
        }
    }
}

impl Catalog {
    /// Index of the id in its namespace.
    pub fn find(&self, kind: Kind, id: &str) -> Option<usize> {
        self.index.get(&(kind, id.to_owned())).copied()
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
}

type Path = Vec<PathSeg>;

fn unknown_code(kind: Kind) -> &'static str {
    match kind {
        Kind::Metric => "unknown_metric",
        Kind::Feature => "unknown_feature",
        Kind::Plan => "unknown_plan",
        Kind::Addon => "unknown_addon",
    }
}

/// Outcome of validating a config: the catalog when there were no errors, and every problem.
pub struct Loaded {
    /// The compiled catalog, if valid.
    pub catalog: Option<Catalog>,
    /// Every error found.
    pub errors: Vec<Diagnostic>,
    /// Every warning found (the config is still usable).
    pub warnings: Vec<Diagnostic>,
}

const ROOT_FIELDS: &[&str] = &[
    "version",
    "currency",
    "metrics",
    "features",
    "plans",
    "addons",
    "thresholds",
    "purchaseRoles",
    "seatMetric",
    "messages",
    "rules",
    "readiness",
    "frequency",
    "placements",
    "builtins",
    "rightSizing",
    "$schema",
];

/// Parses and validates a config given as JSON text.
pub fn load_str(json: &str) -> Loaded {
    if json.len() > MAX_CONFIG_BYTES {
        return failed(Diagnostic::new(
            "too_large",
            format!(
                "config is {} bytes; the limit is {MAX_CONFIG_BYTES}",
                json.len()
            ),
            Vec::new(),
        ));
    }
    match serde_json::from_str::<strict::Strict>(json) {
        Ok(strict::Strict(v)) => load(&v),
        Err(e) if e.to_string().starts_with("duplicate key") => failed(Diagnostic::new(
            "duplicate_key",
            format!("config has a {e}"),
            Vec::new(),
        )),
        Err(e) => failed(Diagnostic::new(
            "invalid_json",
            format!("config is not valid JSON: {e}"),
            Vec::new(),
        )),
    }
}

fn failed(d: Diagnostic) -> Loaded {
    Loaded {
        catalog: None,
        errors: vec![d],
        warnings: Vec::new(),
    }
}

/// Validates a parsed config.
pub fn load(v: &Value) -> Loaded {
    let mut r = Reader::default();
    let catalog = build(&mut r, v);
    let catalog = if r.errors.is_empty() { catalog } else { None };
    crate::diag::truncate(&mut r.errors);
    crate::diag::truncate(&mut r.warnings);
    Loaded {
        catalog,
        errors: r.errors,
        warnings: r.warnings,
    }
}

fn build(r: &mut Reader, v: &Value) -> Option<Catalog> {
    let root: Path = Vec::new();
    let obj = r.object(v, &root, ROOT_FIELDS)?;
    let at = |k: &str| join(&[], k);

    if let Some(ver) = obj.get("version") {
        if ver.as_f64() != Some(1.0) {
            let shown = ver
                .as_f64()
                .map_or_else(|| read::type_name(ver).to_owned(), |n| format!("`{n}`"));
            r.error(
                "unsupported_version",
                format!("unsupported config version {shown}; this engine reads version 1"),
                &at("version"),
            );
        }
    }
    let currency = match obj.get("currency") {
        None => "USD".to_owned(),
        Some(c) => match r.string(c, &at("currency")) {
            Some(s) if s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) => s,
            Some(s) => {
                r.error(
                    "invalid_currency",
                    format!("`{s}` is not a three-letter currency code such as `USD`"),
                    &at("currency"),
                );
                String::new()
            }
            None => String::new(),
        },
    };

    let mut index = HashMap::new();
    let metrics = read_metrics(r, obj.get("metrics"), &mut index);
    let features = read_features(r, obj.get("features"), &mut index);
    let plan_ids = collect_ids(r, obj.get("plans"), "plans", Kind::Plan, &mut index);
    let ctx = Ids {
        index: &index,
        metrics: &metrics,
        features: &features,
        plan_ids: &plan_ids,
    };
    let plans = read_plans(r, obj.get("plans"), &ctx);
    let addons = read_addons(r, obj.get("addons"), &ctx);
    for (i, a) in addons.iter().enumerate() {
        if index.insert((Kind::Addon, a.id.clone()), i).is_some() {
            r.error(
                "duplicate_id",
                format!("duplicate add-on id `{}`", a.id),
                &[PathSeg::from("addons"), i.into(), "id".into()],
            );
        }
        if plan_ids.contains(&a.id) {
            r.error(
                "duplicate_id",
                format!("add-on id `{}` is also a plan id", a.id),
                &[PathSeg::from("addons"), i.into(), "id".into()],
            );
        }
    }
    let thresholds = read_thresholds(r, obj.get("thresholds"));
    let purchase_roles = match obj.get("purchaseRoles") {
        None => vec!["owner".to_owned(), "admin".to_owned(), "billing".to_owned()],
        Some(v) => {
            let path = at("purchaseRoles");
            let mut roles = Vec::new();
            for (i, item) in r.array(v, &path).into_iter().flatten().enumerate() {
                if let Some(s) = r.text(item, &join(&path, i), 64) {
                    roles.push(s);
                }
            }
            roles
        }
    };
    let seat_metric = match obj.get("seatMetric") {
        Some(v) => {
            let path = at("seatMetric");
            r.string(v, &path).and_then(|id| {
                let found = metrics.iter().position(|m| m.id == id);
                if found.is_none() {
                    r.error_help(
                        "unknown_metric",
                        format!("unknown metric `{id}`"),
                        &path,
                        did_you_mean(&id, metrics.iter().map(|m| m.id.as_str())),
                    );
                }
                found
            })
        }
        None => metrics.iter().position(|m| m.id == "seats"),
    };
    let per_seat = plans
        .iter()
        .filter_map(|p| p.price)
        .chain(addons.iter().map(|a| a.price))
        .any(|p| p.per_seat > 0.0);
    if per_seat && seat_metric.is_none() {
        r.error(
            "missing_seat_metric",
            "a `perSeat` price needs a metric named `seats` or a `seatMetric`",
            &at("seatMetric"),
        );
    }
    if plans.is_empty()
        && obj
            .get("plans")
            .is_some_and(|p| p.as_array().is_some_and(|a| a.is_empty()))
    {
        r.error(
            "empty_plans",
            "`plans` must list at least one plan",
            &at("plans"),
        );
    } else if !obj.contains_key("plans") {
        r.error("missing_field", "missing field `plans`", &root);
    }

    let mut catalog = Catalog {
        currency,
        metrics,
        features,
        plans,
        addons,
        thresholds,
        purchase_roles,
        seat_metric,
        messages: MessageSet::default(),
        policy: Policy::default(),
        index,
    };
    let messages = message::load_overrides(r, obj.get("messages"), &catalog);
    catalog.messages = messages;
    catalog.policy = rules::read_policy(r, obj, &catalog);
    Some(catalog)
}

struct Ids<'a> {
    index: &'a HashMap<(Kind, String), usize>,
    metrics: &'a [Metric],
    features: &'a [Feature],
    plan_ids: &'a [String],
}

impl Ids<'_> {
    /// Resolves an id reference, reporting unknown ones with a suggestion.
    fn resolve(&self, r: &mut Reader, kind: Kind, v: &Value, path: &[PathSeg]) -> Option<usize> {
        let id = r.string(v, path)?;
        if let Some(i) = self.index.get(&(kind, id.clone())) {
            return Some(*i);
        }
        let names: Vec<&str> = match kind {
            Kind::Metric => self.metrics.iter().map(|m| m.id.as_str()).collect(),
            Kind::Feature => self.features.iter().map(|m| m.id.as_str()).collect(),
            Kind::Plan => self.plan_ids.iter().map(String::as_str).collect(),
            Kind::Addon => Vec::new(),
        };
        r.error_help(
            unknown_code(kind),
            format!("unknown {} `{id}`", kind.noun()),
            path,
            // Suggestions cost a pass over the namespace; stop offering them once a config
            // has many problems, so a huge broken config still validates in linear time.
            if r.errors.len() < 50 {
                did_you_mean(&id, names)
            } else {
                None
            },
        );
        None
    }
}

fn read_metrics(
    r: &mut Reader,
    v: Option<&Value>,
    index: &mut HashMap<(Kind, String), usize>,
) -> Vec<Metric> {
    let mut out = Vec::new();
    let path = join(&[], "metrics");
    let Some(map) = v.and_then(|v| r.map(v, &path)) else {
        return out;
    };
    for (id, m) in map {
        let p = join(&path, id.as_str());
        if !valid_id(id, true) {
            r.id_error(id, &p, true);
            continue;
        }
        let Some(o) = r.object(m, &p, &["label", "period", "description"]) else {
            continue;
        };
        let label = o
            .get("label")
            .and_then(|l| r.text(l, &join(&p, "label"), 200))
            .unwrap_or_else(|| id.clone());
        let period = match o.get("period") {
            None | Some(Value::Null) => None,
            Some(pv) => match r.string(pv, &join(&p, "period")).as_deref() {
                Some("day") => Some(Period::Day),
                Some("week") => Some(Period::Week),
                Some("month") => Some(Period::Month),
                Some("year") => Some(Period::Year),
                Some(other) => {
                    let opts = ["day", "week", "month", "year"];
                    r.error_help(
                        "invalid_value",
                        format!("unknown period `{other}`"),
                        &join(&p, "period"),
                        did_you_mean(other, opts)
                            .or_else(|| Some(format!("expected one of {}", list(&opts)))),
                    );
                    None
                }
                None => None,
            },
        };
        if let Some(d) = o.get("description") {
            r.string(d, &join(&p, "description"));
        }
        index.insert((Kind::Metric, id.clone()), out.len());
        out.push(Metric {
            id: id.clone(),
            label,
            period,
        });
    }
    if out.len() > MAX_IDS {
        r.error(
            "too_many",
            format!(
                "at most {MAX_IDS} metrics are supported, found {}",
                out.len()
            ),
            &path,
        );
    }
    out
}

fn read_features(
    r: &mut Reader,
    v: Option<&Value>,
    index: &mut HashMap<(Kind, String), usize>,
) -> Vec<Feature> {
    let mut out = Vec::new();
    let path = join(&[], "features");
    let Some(map) = v.and_then(|v| r.map(v, &path)) else {
        return out;
    };
    for (id, f) in map {
        let p = join(&path, id.as_str());
        if !valid_id(id, false) {
            r.id_error(id, &p, false);
            continue;
        }
        let Some(o) = r.object(f, &p, &["label", "description"]) else {
            continue;
        };
        let label = o
            .get("label")
            .and_then(|l| r.text(l, &join(&p, "label"), 200))
            .unwrap_or_else(|| id.clone());
        if let Some(d) = o.get("description") {
            r.string(d, &join(&p, "description"));
        }
        index.insert((Kind::Feature, id.clone()), out.len());
        out.push(Feature {
            id: id.clone(),
            label,
        });
    }
    if out.len() > MAX_IDS {
        r.error(
            "too_many",
            format!(
                "at most {MAX_IDS} features are supported, found {}",
                out.len()
            ),
            &path,
        );
    }
    out
}

/// First pass over plans: ids in order (so add-ons and plans can refer to plans), duplicates reported.
fn collect_ids(
    r: &mut Reader,
    v: Option<&Value>,
    key: &str,
    kind: Kind,
    index: &mut HashMap<(Kind, String), usize>,
) -> Vec<String> {
    let mut ids = Vec::new();
    let Some(Value::Array(items)) = v else {
        return ids;
    };
    for (i, item) in items.iter().enumerate() {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| valid_id(s, false))
            .unwrap_or("")
            .to_owned();
        if !id.is_empty() && index.insert((kind, id.clone()), i).is_some() {
            r.error(
                "duplicate_id",
                format!("duplicate {} id `{id}`", kind.noun()),
                &[PathSeg::from(key), i.into(), "id".into()],
            );
        }
        ids.push(id);
    }
    ids
}

/// The entries of a `limits` object whose keys are known metrics, as (metric index, value,
/// path); unknown metric keys are reported.
fn metric_entries<'a>(
    r: &mut Reader,
    ids: &Ids,
    v: &'a Value,
    path: &[PathSeg],
) -> Vec<(usize, &'a Value, Path)> {
    let mut out = Vec::new();
    for (mid, val) in r.map(v, path).into_iter().flatten() {
        let mp = join(path, mid.as_str());
        if let Some(m) = ids.resolve(r, Kind::Metric, &Value::String(mid.clone()), &mp) {
            out.push((m, val, mp));
        }
    }
    out
}

/// The required `id` and optional `label` of a plan or add-on.
fn id_and_label(
    r: &mut Reader,
    o: &serde_json::Map<String, Value>,
    p: &[PathSeg],
) -> (Option<String>, Option<String>) {
    let id = r
        .required(o, "id", p)
        .and_then(|x| r.id(x, &join(p, "id"), false));
    let label = o
        .get("label")
        .and_then(|l| r.text(l, &join(p, "label"), 200));
    (id, label)
}

fn read_price(r: &mut Reader, v: &Value, path: &[PathSeg]) -> Option<Price> {
    let o = r.object(v, path, &["monthly", "perSeat"])?;
    let monthly = match o.get("monthly") {
        Some(m) => r.non_negative(m, &join(path, "monthly"))?,
        None if o.contains_key("perSeat") => 0.0,
        None => {
            r.error("missing_field", "missing field `monthly`", path);
            return None;
        }
    };
    let per_seat = match o.get("perSeat") {
        Some(m) => r.non_negative(m, &join(path, "perSeat"))?,
        None => 0.0,
    };
    Some(Price { monthly, per_seat })
}

fn read_feature_list(r: &mut Reader, ids: &Ids, v: Option<&Value>, path: &[PathSeg]) -> Vec<usize> {
    let mut out = Vec::new();
    let Some(v) = v else { return out };
    for (i, f) in r.array(v, path).into_iter().flatten().enumerate() {
        let p = join(path, i);
        if let Some(idx) = ids.resolve(r, Kind::Feature, f, &p) {
            if out.contains(&idx) {
                r.warn("duplicate_entry", "feature listed twice", &p);
            } else {
                out.push(idx);
            }
        }
    }
    out
}

fn read_url(r: &mut Reader, v: Option<&Value>, path: &[PathSeg]) -> Option<String> {
    let s = r.string(v?, path)?;
    match crate::message::check_url(&s) {
        Ok(()) => Some(s),
        Err(msg) => {
            r.error("invalid_url", msg, path);
            None
        }
    }
}

fn read_plans(r: &mut Reader, v: Option<&Value>, ids: &Ids) -> Vec<Plan> {
    let mut out = Vec::new();
    let path = join(&[], "plans");
    let Some(items) = v.and_then(|v| r.array(v, &path)) else {
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        let p = join(&path, i);
        let Some(o) = r.object(
            item,
            &p,
            &[
                "id",
                "label",
                "price",
                "contactSales",
                "features",
                "limits",
                "url",
                "description",
            ],
        ) else {
            continue;
        };
        let (id, label) = id_and_label(r, o, &p);
        let contact_sales = o
            .get("contactSales")
            .and_then(|c| r.bool(c, &join(&p, "contactSales")))
            .unwrap_or(false);
        let price = match o.get("price") {
            Some(pv) if contact_sales => {
                let _ = read_price(r, pv, &join(&p, "price"));
                r.error(
                    "conflicting_fields",
                    "a `contactSales` plan has no price",
                    &join(&p, "price"),
                );
                None
            }
            Some(pv) => read_price(r, pv, &join(&p, "price")),
            None if contact_sales => None,
            None => {
                r.error_help(
                    "missing_field",
                    "missing field `price`",
                    &p,
                    Some("give a `price` or set `contactSales: true`".into()),
                );
                None
            }
        };
        let features = read_feature_list(r, ids, o.get("features"), &join(&p, "features"));
        let mut limits: Vec<Option<f64>> = vec![None; ids.metrics.len()];
        let mut listed = vec![false; ids.metrics.len()];
        if let Some(lv) = o.get("limits") {
            for (m, val, mp) in metric_entries(r, ids, lv, &join(&p, "limits")) {
                let lim = match val {
                    Value::Null => None,
                    other => match r.non_negative(other, &mp) {
                        Some(n) => Some(n),
                        None => continue,
                    },
                };
                if let (Some(slot), Some(seen)) = (limits.get_mut(m), listed.get_mut(m)) {
                    *slot = lim;
                    *seen = true;
                }
            }
        }
        for (m, seen) in listed.iter().enumerate() {
            if !seen {
                if let Some(metric) = ids.metrics.get(m) {
                    r.warn("implicit_unlimited", format!("plan does not list a limit for `{}`; it is treated as unlimited (write `null` to say so)", metric.id), &join(&p, "limits"));
                }
            }
        }
        let url = read_url(r, o.get("url"), &join(&p, "url"));
        if let Some(d) = o.get("description") {
            r.string(d, &join(&p, "description"));
        }
        if let Some(id) = id {
            let label = label.unwrap_or_else(|| id.clone());
            out.push(Plan {
                id,
                label,
                price,
                contact_sales,
                features,
                limits,
                url,
            });
        }
    }
    // A contact-sales plan below a priced plan is allowed; nothing else to check in the order.
    out
}

fn read_addons(r: &mut Reader, v: Option<&Value>, ids: &Ids) -> Vec<Addon> {
    let mut out = Vec::new();
    let path = join(&[], "addons");
    let Some(items) = v.and_then(|v| r.array(v, &path)) else {
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        let p = join(&path, i);
        let Some(o) = r.object(
            item,
            &p,
            &[
                "id",
                "label",
                "price",
                "features",
                "limits",
                "availableOn",
                "stackable",
                "maxQuantity",
                "url",
                "description",
            ],
        ) else {
            continue;
        };
        let (id, label) = id_and_label(r, o, &p);
        let price = match o.get("price") {
            Some(pv) => read_price(r, pv, &join(&p, "price")),
            None => {
                r.error("missing_field", "missing field `price`", &p);
                None
            }
        };
        let features = read_feature_list(r, ids, o.get("features"), &join(&p, "features"));
        let mut limits = Vec::new();
        if let Some(lv) = o.get("limits") {
            for (m, val, mp) in metric_entries(r, ids, lv, &join(&p, "limits")) {
                if let Some(n) = r.non_negative(val, &mp) {
                    if n == 0.0 {
                        r.error(
                            "invalid_value",
                            "an add-on limit increment must be greater than zero",
                            &mp,
                        );
                    } else {
                        limits.push((m, n));
                    }
                }
            }
        }
        let available_on = o.get("availableOn").map(|av| {
            let ap = join(&p, "availableOn");
            let mut plans = Vec::new();
            for (j, pid) in r.array(av, &ap).into_iter().flatten().enumerate() {
                if let Some(idx) = ids.resolve(r, Kind::Plan, pid, &join(&ap, j)) {
                    plans.push(idx);
                }
            }
            plans
        });
        let stackable = o
            .get("stackable")
            .and_then(|s| r.bool(s, &join(&p, "stackable")))
            .unwrap_or(false);
        let max_quantity = match o.get("maxQuantity") {
            Some(mv) => {
                let mp = join(&p, "maxQuantity");
                match r.number(mv, &mp) {
                    Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 1_000_000.0 => {
                        if !stackable && n > 1.0 {
                            r.error(
                                "conflicting_fields",
                                "`maxQuantity` above 1 needs `stackable: true`",
                                &mp,
                            );
                        }
                        n as u32
                    }
                    Some(n) => {
                        r.error("invalid_value", format!("`maxQuantity` must be a whole number from 1 to 1000000, found `{n}`"), &mp);
                        1
                    }
                    None => 1,
                }
            }
            None if stackable => 1000,
            None => 1,
        };
        if features.is_empty() && limits.is_empty() {
            r.warn(
                "empty_addon",
                "add-on unlocks no feature and raises no limit",
                &p,
            );
        }
        let url = read_url(r, o.get("url"), &join(&p, "url"));
        if let Some(d) = o.get("description") {
            r.string(d, &join(&p, "description"));
        }
        if let (Some(id), Some(price)) = (id, price) {
            let label = label.unwrap_or_else(|| id.clone());
            out.push(Addon {
                id,
                label,
                price,
                features,
                limits,
                available_on,
                stackable,
                max_quantity,
                url,
            });
        }
    }
    out
}

fn read_thresholds(r: &mut Reader, v: Option<&Value>) -> Thresholds {
    let mut t = Thresholds {
        approaching: 0.8,
        critical: 0.95,
    };
    let path = join(&[], "thresholds");
    let Some(o) = v.and_then(|v| r.object(v, &path, &["approaching", "critical"])) else {
        return t;
    };
    let mut ok = true;
    for (key, slot) in [
        ("approaching", &mut t.approaching),
        ("critical", &mut t.critical),
    ] {
        let Some(val) = o.get(key) else { continue };
        let p = join(&path, key);
        match r.number(val, &p) {
            Some(n) if n > 0.0 && n <= 1.0 => *slot = n,
            Some(n) => {
                r.error(
                    "out_of_range",
                    format!("`{key}` must be greater than 0 and at most 1, found `{n}`"),
                    &p,
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    if ok && t.approaching >= t.critical {
        r.error(
            "not_increasing",
            format!(
                "`approaching` ({}) must be below `critical` ({})",
                t.approaching, t.critical
            ),
            &join(&path, "critical"),
        );
    }
    t
}
