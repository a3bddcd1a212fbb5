//! Loading a config: JSON text parsed without duplicate keys, then every part validated and
//! compiled in dependency order — the priced model first, then the message templates and rules
//! that are checked against it — into a [`Catalog`] that is complete when it is first built.
//!
//! Validation walks the whole document and reports every problem it finds, each with a path
//! into the config, so a designer fixes a broken catalog in one pass.

use super::assembled::Catalog;
use super::model::{
    unknown_code, Addon, Feature, Index, Kind, Metric, Model, Period, Plan, Price, Span,
    Thresholds, Window, DEFAULT_HORIZON_DAYS, DEFAULT_MIN_ELAPSED, MAX_HORIZON_DAYS, MAX_WINDOWS,
};
use super::template::read_url;
use super::{rules, template};
use crate::base::diag::{did_you_mean, join, At, Diagnostic, PathLike, PathSeg};
use crate::base::json::{Doc, Kind as JsonKind, Val};
use crate::base::num::js;
use crate::base::read::{list, valid_id, Reader};
use crate::base::vocab::{Code, MetricKind};
use crate::expr::SlotTable;

/// Most metrics, and most features, in one catalog (slot ids hold 16-bit indices).
pub const MAX_IDS: usize = 65_535;

/// Largest config accepted, in bytes of JSON.
pub const MAX_CONFIG_BYTES: usize = 4 << 20;

type Path = Vec<PathSeg>;

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
    "forecast",
    "holdout",
    "$schema",
];

/// Parses and validates a config given as JSON text. `keys_unique`: the text is
/// `JSON.stringify` of an object, so no object in it repeats a key and the check for repeated
/// keys is skipped.
pub fn load_text(json: String, keys_unique: bool) -> Loaded {
    if json.len() > MAX_CONFIG_BYTES {
        return failed(Diagnostic::new(
            Code::TooLarge,
            format!(
                "config is {} bytes; the limit is {MAX_CONFIG_BYTES}",
                json.len()
            ),
            Vec::new(),
        ));
    }
    let _meter = crate::base::diag::SuggestMeter::start(json.len());
    match Doc::parse(json, !keys_unique) {
        Ok(doc) => match doc.root() {
            Some(v) => load(v),
            None => failed(Diagnostic::new(
                Code::InvalidJson,
                "config is empty",
                Vec::new(),
            )),
        },
        Err(e) => {
            let message = if e.code == Code::DuplicateKey {
                format!(
                    "config has a {} at line {} column {}",
                    e.message, e.line, e.column
                )
            } else {
                format!(
                    "config is not valid JSON: {} at line {} column {}",
                    e.message, e.line, e.column
                )
            };
            failed(Diagnostic::new(e.code, message, e.path).at_position(e.line, e.column))
        }
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
pub fn load(v: Val<'_>) -> Loaded {
    let mut r = Reader::default();
    let catalog = build(&mut r, v);
    let catalog = if r.errors.is_empty() { catalog } else { None };
    crate::base::diag::truncate(&mut r.errors);
    crate::base::diag::truncate(&mut r.warnings);
    Loaded {
        catalog,
        errors: r.errors,
        warnings: r.warnings,
    }
}

fn build(r: &mut Reader, v: Val<'_>) -> Option<Catalog> {
    let root: Path = Vec::new();
    let obj = r.object(v, &root, ROOT_FIELDS)?;
    let model = read_model(r, obj);
    // Messages and rules are checked against the finished model; the catalog is assembled
    // only once every part exists. Texts repeated across them are compiled once (`memo`,
    // dropped with this load).
    let memo = template::Memo::default();
    let messages = template::load_overrides(r, obj.get("messages"), &model, &memo);
    let mut slots = SlotTable::default();
    let policy = rules::read_policy(r, obj, &model, &memo, &mut slots);
    Some(Catalog {
        model,
        messages,
        policy,
        slots,
        id_order: std::cell::OnceCell::new(),
    })
}

/// The priced model of the config root `obj`: everything rules and messages are checked
/// against, read in dependency order (ids before the references to them).
fn read_model(r: &mut Reader, obj: Val<'_>) -> Model {
    check_version(r, obj);
    let currency = read_currency(r, obj);
    let mut index = Index::default();
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
    index_addons(r, &addons, &plan_ids, &mut index);
    let thresholds = read_thresholds(r, obj.get("thresholds"));
    let (horizon_days, min_elapsed) = read_forecast(r, obj.get("forecast"));
    let purchase_roles = read_purchase_roles(r, obj.get("purchaseRoles"));
    let seat_metric = read_seat_metric(r, obj.get("seatMetric"), &metrics);
    check_seat_prices(r, &plans, &addons, seat_metric);
    check_plans_listed(r, obj, &plans);
    Model {
        currency,
        metrics,
        features,
        plans,
        addons,
        thresholds,
        purchase_roles,
        seat_metric,
        horizon_days,
        min_elapsed,
        index,
    }
}

/// `version`, when given, must be 1.
fn check_version(r: &mut Reader, obj: Val<'_>) {
    let Some(ver) = obj.get("version") else {
        return;
    };
    if ver.as_f64() != Some(1.0) {
        let shown = ver
            .as_f64()
            .map_or_else(|| ver.kind_name().to_owned(), |n| format!("`{}`", js(n)));
        r.error(
            Code::UnsupportedVersion,
            format!("unsupported config version {shown}; this engine reads version 1"),
            &join(&[], "version"),
        );
    }
}

/// `currency`: three capital letters (default `USD`; empty when unreadable).
fn read_currency(r: &mut Reader, obj: Val<'_>) -> String {
    let Some(c) = obj.get("currency") else {
        return "USD".to_owned();
    };
    let path = join(&[], "currency");
    match r.string(c, &path) {
        Some(s) if s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) => s,
        Some(s) => {
            r.error(
                Code::InvalidCurrency,
                format!("`{s}` is not a three-letter currency code such as `USD`"),
                &path,
            );
            String::new()
        }
        None => String::new(),
    }
}

/// Adds the add-on ids to the index, refusing repeated ids and ids plans already use.
fn index_addons(r: &mut Reader, addons: &[Addon], plan_ids: &[String], index: &mut Index) {
    for (i, a) in addons.iter().enumerate() {
        if index.insert(Kind::Addon, &a.id, i) {
            r.error(
                Code::DuplicateId,
                format!("duplicate add-on id `{}`", a.id),
                &vec![PathSeg::from("addons"), i.into(), "id".into()],
            );
        }
        if plan_ids.contains(&a.id) {
            r.error(
                Code::DuplicateId,
                format!("add-on id `{}` is also a plan id", a.id),
                &vec![PathSeg::from("addons"), i.into(), "id".into()],
            );
        }
    }
}

/// `purchaseRoles` (default owner, admin and billing).
fn read_purchase_roles(r: &mut Reader, v: Option<Val<'_>>) -> Vec<String> {
    let Some(v) = v else {
        return vec!["owner".to_owned(), "admin".to_owned(), "billing".to_owned()];
    };
    let path = join(&[], "purchaseRoles");
    let mut roles = Vec::new();
    for (i, item) in r
        .array(v, &path)
        .into_iter()
        .flat_map(|x| x.items())
        .enumerate()
    {
        if let Some(s) = r.text(item, &join(&path, i), 64) {
            roles.push(s);
        }
    }
    roles
}

/// `seatMetric`, or the metric named `seats` when absent. Seats are a count of users: a credit
/// metric (a balance) or a windowed metric (no single count) cannot be the seat metric; named
/// in `seatMetric` it is an error, and a metric merely called `seats` is then not one.
fn read_seat_metric(r: &mut Reader, v: Option<Val<'_>>, metrics: &[Metric]) -> Option<usize> {
    let countable = |m: &Metric| !m.is_credits() && m.windows.is_empty();
    let Some(v) = v else {
        return metrics.iter().position(|m| m.id == "seats" && countable(m));
    };
    let path = join(&[], "seatMetric");
    let id = r.string(v, &path)?;
    let found = metrics.iter().position(|m| m.id == id);
    match found.and_then(|i| metrics.get(i)) {
        None => r.error_help(
            Code::UnknownMetric,
            format!("unknown metric `{id}`"),
            &path,
            did_you_mean(&id, metrics.iter().map(|m| m.id.as_str())),
        ),
        Some(m) if !countable(m) => {
            r.error(
                Code::InvalidValue,
                format!(
                    "`{id}` cannot count seats: a seat metric is a usage metric without windows"
                ),
                &path,
            );
            return None;
        }
        Some(_) => {}
    }
    found
}

/// A `perSeat` price needs a seat metric.
fn check_seat_prices(r: &mut Reader, plans: &[Plan], addons: &[Addon], seat: Option<usize>) {
    let per_seat = plans
        .iter()
        .filter_map(|p| p.price)
        .chain(addons.iter().map(|a| a.price))
        .any(|p| p.per_seat > 0.0);
    if per_seat && seat.is_none() {
        r.error(
            Code::MissingSeatMetric,
            "a `perSeat` price needs a metric named `seats` or a `seatMetric`",
            &join(&[], "seatMetric"),
        );
    }
}

/// `plans` is required and lists at least one plan.
fn check_plans_listed(r: &mut Reader, obj: Val<'_>, plans: &[Plan]) {
    if plans.is_empty()
        && obj
            .get("plans")
            .is_some_and(|p| p.kind() == JsonKind::Array && p.is_empty())
    {
        r.error(
            Code::EmptyPlans,
            "`plans` must list at least one plan",
            &join(&[], "plans"),
        );
    } else if obj.get("plans").is_none() {
        r.error(Code::MissingField, "missing field `plans`", &Path::new());
    }
}

struct Ids<'a> {
    index: &'a Index,
    metrics: &'a [Metric],
    features: &'a [Feature],
    plan_ids: &'a [String],
}

impl Ids<'_> {
    /// Resolves an id reference, reporting unknown ones with a suggestion.
    fn resolve(
        &self,
        r: &mut Reader,
        kind: Kind,
        v: Val<'_>,
        path: &dyn PathLike,
    ) -> Option<usize> {
        let id = r.str(v, path)?;
        self.resolve_id(r, kind, id, path)
    }

    fn resolve_id(
        &self,
        r: &mut Reader,
        kind: Kind,
        id: &str,
        path: &dyn PathLike,
    ) -> Option<usize> {
        if let Some(i) = self.index.get(kind, id) {
            return Some(i);
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
                did_you_mean(id, names)
            } else {
                None
            },
        );
        None
    }
}

fn read_metrics(r: &mut Reader, v: Option<Val<'_>>, index: &mut Index) -> Vec<Metric> {
    let mut out = Vec::new();
    let path = join(&[], "metrics");
    let Some(map) = v.and_then(|v| r.map(v, &path)) else {
        return out;
    };
    for (id, m) in map.entries() {
        let p = join(&path, id);
        if !valid_id(id, true) {
            r.id_error(id, &p, true);
            continue;
        }
        let fields = [
            "label",
            "period",
            "kind",
            "windows",
            "decimals",
            "description",
        ];
        let Some(o) = r.object(m, &p, &fields) else {
            continue;
        };
        let kind = o
            .get("kind")
            .and_then(|k| read_metric_kind(r, k, &join(&p, "kind")))
            .unwrap_or(MetricKind::Usage);
        let label = o
            .get("label")
            .and_then(|l| r.text(l, &join(&p, "label"), 200))
            .unwrap_or_else(|| id.to_owned());
        let period = o
            .get("period")
            .filter(|pv| !pv.is_null())
            .and_then(|pv| read_period(r, pv, &join(&p, "period")));
        let windows = o
            .get("windows")
            .map(|wv| read_windows(r, wv, &join(&p, "windows")))
            .unwrap_or_default();
        if !windows.is_empty() && (period.is_some() || kind == MetricKind::Credits) {
            r.error_help(
                Code::ConflictingFields,
                "a metric with `windows` has no `period` and is not a credit metric",
                &join(&p, "windows"),
                Some("give each window its own `period` or `rolling` span".into()),
            );
        }
        if let Some(d) = o.get("description") {
            r.string(d, &join(&p, "description"));
        }
        let decimals = o
            .get("decimals")
            .map_or(0, |d| read_decimals(r, d, &join(&p, "decimals")));
        index.insert(Kind::Metric, id, out.len());
        out.push(Metric {
            id: id.to_owned(),
            label,
            period,
            kind,
            windows,
            decimals,
        });
    }
    if out.len() > MAX_IDS {
        r.error(
            Code::TooMany,
            format!(
                "at most {MAX_IDS} metrics are supported, found {}",
                out.len()
            ),
            &path,
        );
    }
    out
}

/// A `period` name.
fn read_period(r: &mut Reader, pv: Val<'_>, path: &Vec<PathSeg>) -> Option<Period> {
    let s = r.string(pv, path)?;
    let period = Period::parse(&s);
    if period.is_none() {
        let opts = Period::NAMES;
        r.error_help(
            Code::InvalidValue,
            format!("unknown period `{s}`"),
            path,
            did_you_mean(&s, opts).or_else(|| Some(format!("expected one of {}", list(&opts)))),
        );
    }
    period
}

/// A rolling span such as `5h`: a whole number of minutes (`m`), hours (`h`), days (`d`) or
/// weeks (`w`), from one minute to 366 days, in milliseconds.
pub fn parse_span(s: &str) -> Option<f64> {
    let unit = match s.chars().last()? {
        'm' => 60_000.0,
        'h' => 3_600_000.0,
        'd' => crate::base::date::DAY_MS,
        'w' => 7.0 * crate::base::date::DAY_MS,
        _ => return None,
    };
    let digits = s.get(..s.len() - 1)?;
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms = f64::from(digits.parse::<u32>().ok()?) * unit;
    (60_000.0..=366.0 * crate::base::date::DAY_MS)
        .contains(&ms)
        .then_some(ms)
}

/// A window id: 1 to 32 letters, digits and `_`; it may start with a digit (`5h`), since in a
/// rule it always follows `windows.`.
fn valid_window_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.bytes().all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

/// `metrics.<m>.windows`: up to [`MAX_WINDOWS`] windows, each `{ rolling: "5h" }` or
/// `{ period: "week" }`, with an optional `label`.
fn read_windows(r: &mut Reader, v: Val<'_>, path: &Vec<PathSeg>) -> Vec<Window> {
    let mut out = Vec::new();
    let Some(map) = r.map(v, path) else {
        return out;
    };
    for (id, wv) in map.entries() {
        let p = join(path, id);
        if !valid_window_id(id) {
            r.error(
                Code::InvalidId,
                format!("`{id}` is not a valid window id: use 1 to 32 letters, digits and `_`"),
                &p,
            );
            continue;
        }
        let Some(o) = r.object(wv, &p, &["rolling", "period", "label"]) else {
            continue;
        };
        let span = match (o.get("rolling"), o.get("period")) {
            (Some(rv), None) => r.string(rv, &join(&p, "rolling")).and_then(|s| {
                let ms = parse_span(&s);
                if ms.is_none() {
                    r.error_help(Code::InvalidValue, format!("`{s}` is not a rolling span"), &join(&p, "rolling"), Some("a whole number and a unit: `30m`, `5h`, `7d` or `2w`, from 1 minute to 366 days".into()));
                }
                ms.map(Span::Rolling)
            }),
            (None, Some(pv)) => read_period(r, pv, &join(&p, "period")).map(Span::Period),
            (Some(_), Some(_)) => {
                r.error(Code::ConflictingFields, "a window is `rolling` or a `period`, not both", &p);
                None
            }
            (None, None) => {
                r.error_help(Code::MissingField, "a window needs `rolling` or `period`", &p, Some("`{ \"rolling\": \"5h\" }` or `{ \"period\": \"week\" }`".into()));
                None
            }
        };
        let label = o
            .get("label")
            .and_then(|l| r.text(l, &join(&p, "label"), 200))
            .unwrap_or_else(|| format!("{id} window"));
        if let Some(span) = span {
            out.push(Window {
                id: id.to_owned(),
                label,
                span,
            });
        }
    }
    if out.len() > MAX_WINDOWS {
        r.error(
            Code::TooMany,
            format!(
                "at most {MAX_WINDOWS} windows per metric, found {}",
                out.len()
            ),
            path,
        );
        out.truncate(MAX_WINDOWS);
    }
    out
}

/// `metrics.<m>.kind`: `usage` (the default) or `credits`.
fn read_metric_kind(r: &mut Reader, v: Val<'_>, p: &Vec<PathSeg>) -> Option<MetricKind> {
    let s = r.string(v, p)?;
    let kind = MetricKind::parse(&s);
    if kind.is_none() {
        r.error_help(
            Code::InvalidValue,
            format!("unknown metric kind `{s}`"),
            p,
            Some(format!("expected one of {}", list(&MetricKind::NAMES))),
        );
    }
    kind
}

fn read_features(r: &mut Reader, v: Option<Val<'_>>, index: &mut Index) -> Vec<Feature> {
    let mut out = Vec::new();
    let path = join(&[], "features");
    let Some(map) = v.and_then(|v| r.map(v, &path)) else {
        return out;
    };
    for (id, f) in map.entries() {
        let p = join(&path, id);
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
            .unwrap_or_else(|| id.to_owned());
        if let Some(d) = o.get("description") {
            r.string(d, &join(&p, "description"));
        }
        index.insert(Kind::Feature, id, out.len());
        out.push(Feature {
            id: id.to_owned(),
            label,
        });
    }
    if out.len() > MAX_IDS {
        r.error(
            Code::TooMany,
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
    v: Option<Val<'_>>,
    key: &str,
    kind: Kind,
    index: &mut Index,
) -> Vec<String> {
    let mut ids = Vec::new();
    let Some(items) = v.filter(|v| v.kind() == JsonKind::Array) else {
        return ids;
    };
    for (i, item) in items.items().enumerate() {
        let id = item
            .get("id")
            .and_then(|v| v.as_str())
            .filter(|s| valid_id(s, false))
            .unwrap_or("")
            .to_owned();
        if !id.is_empty() && index.insert(kind, &id, i) {
            r.error(
                Code::DuplicateId,
                format!("duplicate {} id `{id}`", kind.noun()),
                &vec![PathSeg::from(key), i.into(), "id".into()],
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
    v: Val<'a>,
    path: &At<'_>,
) -> Vec<(usize, Val<'a>, &'a str)> {
    let mut out = Vec::new();
    for (mid, val) in r.map(v, path).into_iter().flat_map(|x| x.entries()) {
        if let Some(m) = ids.resolve_id(r, Kind::Metric, mid, &path.key(mid)) {
            out.push((m, val, mid));
        }
    }
    out
}

/// The required `id` and optional `label` of a plan or add-on.
fn id_and_label(r: &mut Reader, o: Val<'_>, p: &At<'_>) -> (Option<String>, Option<String>) {
    let id = r
        .required(o, "id", p)
        .and_then(|x| r.id(x, &p.key("id"), false));
    let label = o.get("label").and_then(|l| r.text(l, &p.key("label"), 200));
    (id, label)
}

fn read_price(r: &mut Reader, v: Val<'_>, path: &At<'_>) -> Option<Price> {
    let o = r.object(v, path, &["monthly", "perSeat", "once"])?;
    let once = match o.get("once") {
        Some(m) => r.non_negative(m, &path.key("once"))?,
        None => 0.0,
    };
    let monthly = match o.get("monthly") {
        Some(m) => r.non_negative(m, &path.key("monthly"))?,
        None if o.get("perSeat").is_some() || o.get("once").is_some() => 0.0,
        None => {
            r.error(Code::MissingField, "missing field `monthly`", path);
            return None;
        }
    };
    let per_seat = match o.get("perSeat") {
        Some(m) => r.non_negative(m, &path.key("perSeat"))?,
        None => 0.0,
    };
    Some(Price {
        monthly,
        per_seat,
        once,
    })
}

fn read_feature_list(r: &mut Reader, ids: &Ids, v: Option<Val<'_>>, path: &At<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    let Some(v) = v else { return out };
    for (i, f) in r
        .array(v, path)
        .into_iter()
        .flat_map(|x| x.items())
        .enumerate()
    {
        let p = path.index(i);
        if let Some(idx) = ids.resolve(r, Kind::Feature, f, &p) {
            if out.contains(&idx) {
                r.warn(Code::DuplicateEntry, "feature listed twice", &p);
            } else {
                out.push(idx);
            }
        }
    }
    out
}

fn read_plans(r: &mut Reader, v: Option<Val<'_>>, ids: &Ids) -> Vec<Plan> {
    let mut out = Vec::new();
    let path = At::Root;
    let path = path.key("plans");
    let Some(items) = v.and_then(|v| r.array(v, &path)) else {
        return out;
    };
    for (i, item) in items.items().enumerate() {
        let p = path.index(i);
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
                "overage",
                "url",
                "description",
            ],
        ) else {
            continue;
        };
        let (id, label) = id_and_label(r, o, &p);
        let contact_sales = o
            .get("contactSales")
            .and_then(|c| r.bool(c, &p.key("contactSales")))
            .unwrap_or(false);
        let price = match o.get("price") {
            Some(pv) if contact_sales => {
                let _ = read_price(r, pv, &p.key("price"));
                r.error(
                    Code::ConflictingFields,
                    "a `contactSales` plan has no price",
                    &p.key("price"),
                );
                None
            }
            Some(pv) => read_price(r, pv, &p.key("price")),
            None if contact_sales => None,
            None => {
                r.error_help(
                    Code::MissingField,
                    "missing field `price`",
                    &p,
                    Some("give a `price` or set `contactSales: true`".into()),
                );
                None
            }
        };
        let features = read_feature_list(r, ids, o.get("features"), &p.key("features"));
        let (limits, window_limits) = read_plan_limits(r, ids, o.get("limits"), &p);
        let overage = o
            .get("overage")
            .map(|ov| read_overage(r, ids, ov, &p.key("overage")))
            .unwrap_or_else(|| vec![None; ids.metrics.len()]);
        let url = read_url(r, o.get("url"), &p.key("url"));
        if let Some(d) = o.get("description") {
            r.string(d, &p.key("description"));
        }
        if let Some(id) = id {
            let label = label.unwrap_or_else(|| id.to_owned());
            out.push(Plan {
                id,
                label,
                price,
                contact_sales,
                features,
                limits,
                overage,
                window_limits,
                url,
            });
        }
    }
    // A contact-sales plan below a priced plan is allowed; nothing else to check in the order.
    out
}

/// The limits of a plan: one per metric, and per windowed metric one per window.
type PlanLimits = (Vec<Option<f64>>, Vec<(usize, Vec<Option<f64>>)>);

/// A plan's `limits`: one per metric (`null` = unlimited); a metric it does not list is
/// unlimited, with a warning. A windowed metric takes an object of limits by window id.
fn read_plan_limits(r: &mut Reader, ids: &Ids, v: Option<Val<'_>>, p: &At<'_>) -> PlanLimits {
    let mut limits: Vec<Option<f64>> = vec![None; ids.metrics.len()];
    let mut windows = Vec::new();
    let mut listed = vec![false; ids.metrics.len()];
    if let Some(lv) = v {
        let lp = p.key("limits");
        for (m, val, key) in metric_entries(r, ids, lv, &lp) {
            if let Some(metric) = ids.metrics.get(m).filter(|x| !x.windows.is_empty()) {
                windows.push((m, read_window_limits(r, metric, val, &lp.key(key), true)));
                if let Some(seen) = listed.get_mut(m) {
                    *seen = true;
                }
                continue;
            }
            let lim = match val {
                v if v.is_null() => None,
                other => match r.non_negative(other, &lp.key(key)) {
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
    // (A credit metric a plan does not list gets no monthly grant: nothing to warn about.)
    for (m, seen) in listed.iter().enumerate() {
        if !seen {
            if let Some(metric) = ids.metrics.get(m).filter(|x| !x.is_credits()) {
                r.warn(Code::ImplicitUnlimited, format!("plan does not list a limit for `{}`; it is treated as unlimited (write `null` to say so)", metric.id), &p.key("limits"));
            }
        }
    }
    (limits, windows)
}

/// A plan's limits of a windowed metric: `{ <window>: number | null }` (a window it does not
/// list is unlimited, with a warning), or `null` for unlimited in every window. For an add-on
/// (`plan` false) the same shape gives increments, and a window it does not list gets none.
fn read_window_limits(
    r: &mut Reader,
    metric: &Metric,
    v: Val<'_>,
    mp: &At<'_>,
    plan: bool,
) -> Vec<Option<f64>> {
    let mut out = vec![None; metric.windows.len()];
    if v.is_null() {
        return out;
    }
    if v.kind() != JsonKind::Object {
        let ids: Vec<&str> = metric.windows.iter().map(|w| w.id.as_str()).collect();
        r.error_help(
            Code::InvalidType,
            format!("`{}` has windows: give a limit per window", metric.id),
            mp,
            Some(format!("an object with the keys {}", list(&ids))),
        );
        return out;
    }
    let mut listed = vec![false; metric.windows.len()];
    for (wid, wv) in r.map(v, mp).into_iter().flat_map(|m| m.entries()) {
        let Some(w) = metric.windows.iter().position(|x| x.id == wid) else {
            let ids = metric.windows.iter().map(|x| x.id.as_str());
            r.error_help(
                Code::UnknownField,
                format!("`{}` has no window `{wid}`", metric.id),
                &mp.key(wid),
                did_you_mean(wid, ids),
            );
            continue;
        };
        if let Some(seen) = listed.get_mut(w) {
            *seen = true;
        }
        if !wv.is_null() {
            if let (Some(n), Some(slot)) = (r.non_negative(wv, &mp.key(wid)), out.get_mut(w)) {
                *slot = Some(n);
            }
        }
    }
    for (w, seen) in listed.iter().enumerate() {
        if let (false, true, Some(win)) = (*seen, plan, metric.windows.get(w)) {
            r.warn(Code::ImplicitUnlimited, format!("no limit for the `{}` window of `{}`; it is treated as unlimited (write `null` to say so)", win.id, metric.id), mp);
        }
    }
    out
}

/// A plan's `overage`: per metric `{ price }`, the price of one unit past the limit, which
/// makes that limit soft. Credit metrics have balances, not limits, and take no overage.
fn read_overage(r: &mut Reader, ids: &Ids, v: Val<'_>, op: &At<'_>) -> Vec<Option<f64>> {
    let mut out = vec![None; ids.metrics.len()];
    for (m, val, key) in metric_entries(r, ids, v, op) {
        let mp = op.key(key);
        if ids.metrics.get(m).is_some_and(Metric::is_credits) {
            r.error(
                Code::InvalidValue,
                format!(
                    "`{key}` is a credit metric: its balance runs out, it has no limit to go past"
                ),
                &mp,
            );
            continue;
        }
        let Some(o) = r.object(val, &mp, &["price"]) else {
            continue;
        };
        let price = match o.get("price") {
            Some(pv) => r.non_negative(pv, &mp.key("price")),
            None => {
                r.error(Code::MissingField, "missing field `price`", &mp);
                None
            }
        };
        if let (Some(slot), Some(price)) = (out.get_mut(m), price) {
            *slot = Some(price);
        }
    }
    out
}

fn read_addons(r: &mut Reader, v: Option<Val<'_>>, ids: &Ids) -> Vec<Addon> {
    let path = At::Root;
    let path = path.key("addons");
    let Some(items) = v.and_then(|v| r.array(v, &path)) else {
        return Vec::new();
    };
    items
        .items()
        .enumerate()
        .filter_map(|(i, item)| read_addon(r, item, &path.index(i), ids))
        .collect()
}

/// One add-on of `addons`; `None` when it has no usable id or price (problems are reported).
fn read_addon(r: &mut Reader, item: Val<'_>, p: &At<'_>, ids: &Ids) -> Option<Addon> {
    let o = r.object(
        item,
        p,
        &[
            "id",
            "label",
            "price",
            "features",
            "limits",
            "credits",
            "availableOn",
            "stackable",
            "maxQuantity",
            "url",
            "description",
        ],
    )?;
    let (id, label) = id_and_label(r, o, p);
    let price = match o.get("price") {
        Some(pv) => read_price(r, pv, &p.key("price")),
        None => {
            r.error(Code::MissingField, "missing field `price`", p);
            None
        }
    };
    let features = read_feature_list(r, ids, o.get("features"), &p.key("features"));
    let (limits, window_limits) = o
        .get("limits")
        .map(|lv| read_addon_limits(r, ids, lv, &p.key("limits")))
        .unwrap_or_default();
    let credits = o
        .get("credits")
        .map(|cv| read_addon_credits(r, ids, cv, &p.key("credits")))
        .unwrap_or_default();
    let available_on = o
        .get("availableOn")
        .map(|av| read_available_on(r, ids, av, &p.key("availableOn")));
    let stackable = o
        .get("stackable")
        .and_then(|s| r.bool(s, &p.key("stackable")))
        .unwrap_or(false);
    let max_quantity = read_max_quantity(r, o.get("maxQuantity"), &p.key("maxQuantity"), stackable);
    let credits = without_recurring(r, ids, credits, &limits, &p.key("credits"));
    if features.is_empty() && limits.is_empty() && window_limits.is_empty() && credits.is_empty() {
        r.warn(
            Code::EmptyAddon,
            "add-on unlocks no feature, raises no limit and grants no credits",
            p,
        );
    }
    let url = read_url(r, o.get("url"), &p.key("url"));
    if let Some(d) = o.get("description") {
        r.string(d, &p.key("description"));
    }
    let (id, price) = (id?, price?);
    let label = label.unwrap_or_else(|| id.to_owned());
    Some(Addon {
        id,
        label,
        price,
        features,
        limits,
        credits,
        window_limits,
        available_on,
        stackable,
        max_quantity,
        url,
    })
}

/// An add-on's `credits`: what each unit grants once to a credit metric, more than zero.
fn read_addon_credits(r: &mut Reader, ids: &Ids, cv: Val<'_>, cp: &At<'_>) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    for (m, val, key) in metric_entries(r, ids, cv, cp) {
        let mp = cp.key(key);
        if !ids.metrics.get(m).is_some_and(Metric::is_credits) {
            r.error_help(
                Code::InvalidValue,
                format!("`{key}` is not a credit metric; only credit metrics take `credits`"),
                &mp,
                Some(format!(
                    "give `metrics.{key}.kind: \"credits\"`, or raise its limit with `limits`"
                )),
            );
            continue;
        }
        match r.non_negative(val, &mp) {
            Some(n) if n > 0.0 => out.push((m, n)),
            Some(_) => r.error(
                Code::InvalidValue,
                "a credit grant must be greater than zero",
                &mp,
            ),
            None => {}
        }
    }
    out
}

/// An add-on's one-off `credits` less those of metrics its `limits` also raise every month: a
/// unit grants a credit metric once or monthly, never both (reported as a conflict).
fn without_recurring(
    r: &mut Reader,
    ids: &Ids,
    credits: Vec<(usize, f64)>,
    limits: &[(usize, f64)],
    cp: &At<'_>,
) -> Vec<(usize, f64)> {
    credits
        .into_iter()
        .filter(|(m, _)| {
            if !limits.iter().any(|(x, _)| x == m) {
                return true;
            }
            let key = ids.metrics.get(*m).map_or("", |x| x.id.as_str());
            r.error_help(
                Code::ConflictingFields,
                format!("`{key}` is in both `credits` and `limits` of this add-on"),
                &cp.key(key),
                Some(
                    "`credits` grants a pack once, `limits` adds to the monthly grant: use one"
                        .into(),
                ),
            );
            false
        })
        .collect()
}

/// The increments of an add-on's `limits`: per metric, and per window of windowed metrics.
type AddonLimits = (Vec<(usize, f64)>, Vec<(usize, usize, f64)>);

/// An add-on's `limits`: what each unit adds to a metric's limit (for a windowed metric, to
/// each window it names), more than zero.
fn read_addon_limits(r: &mut Reader, ids: &Ids, lv: Val<'_>, lp: &At<'_>) -> AddonLimits {
    let mut limits = Vec::new();
    let mut windows = Vec::new();
    for (m, val, key) in metric_entries(r, ids, lv, lp) {
        let mp = lp.key(key);
        if let Some(metric) = ids.metrics.get(m).filter(|x| !x.windows.is_empty()) {
            for (w, n) in read_window_limits(r, metric, val, &mp, false)
                .iter()
                .enumerate()
            {
                match n {
                    Some(n) if *n > 0.0 => windows.push((m, w, *n)),
                    Some(_) => r.error(
                        Code::InvalidValue,
                        "an add-on limit increment must be greater than zero",
                        &mp,
                    ),
                    None => {}
                }
            }
            continue;
        }
        if let Some(n) = r.non_negative(val, &mp) {
            if n == 0.0 {
                r.error(
                    Code::InvalidValue,
                    "an add-on limit increment must be greater than zero",
                    &mp,
                );
            } else {
                limits.push((m, n));
            }
        }
    }
    (limits, windows)
}

/// An add-on's `availableOn`: the plans it can be bought with.
fn read_available_on(r: &mut Reader, ids: &Ids, av: Val<'_>, ap: &At<'_>) -> Vec<usize> {
    let mut plans = Vec::new();
    for (j, pid) in r
        .array(av, ap)
        .into_iter()
        .flat_map(|x| x.items())
        .enumerate()
    {
        if let Some(idx) = ids.resolve(r, Kind::Plan, pid, &ap.index(j)) {
            plans.push(idx);
        }
    }
    plans
}

/// A metric's `decimals`: 0, 1 or 2 (0 when unreadable, after the error).
fn read_decimals(r: &mut Reader, v: Val<'_>, path: &dyn PathLike) -> u8 {
    match r.number(v, path) {
        Some(n) if n.fract() == 0.0 && (0.0..=2.0).contains(&n) => n as u8,
        Some(n) => {
            r.error(
                Code::OutOfRange,
                format!("`decimals` must be 0, 1 or 2, found `{}`", js(n)),
                path,
            );
            0
        }
        None => 0,
    }
}

/// An add-on's `maxQuantity`: a whole number from 1 to 1,000,000, above 1 only when stackable
/// (default 1000 for stackable add-ons, else 1).
fn read_max_quantity(r: &mut Reader, v: Option<Val<'_>>, mp: &At<'_>, stackable: bool) -> u32 {
    let Some(mv) = v else {
        return if stackable { 1000 } else { 1 };
    };
    match r.number(mv, mp) {
        Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 1_000_000.0 => {
            if !stackable && n > 1.0 {
                r.error(
                    Code::ConflictingFields,
                    "`maxQuantity` above 1 needs `stackable: true`",
                    mp,
                );
            }
            n as u32
        }
        Some(n) => {
            r.error(
                Code::InvalidValue,
                format!(
                    "`maxQuantity` must be a whole number from 1 to 1000000, found `{}`",
                    js(n)
                ),
                mp,
            );
            1
        }
        None => 1,
    }
}

fn read_thresholds(r: &mut Reader, v: Option<Val<'_>>) -> Thresholds {
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
                    Code::OutOfRange,
                    format!(
                        "`{key}` must be greater than 0 and at most 1, found `{}`",
                        js(n)
                    ),
                    &p,
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    if ok && t.approaching >= t.critical {
        r.error(
            Code::NotIncreasing,
            format!(
                "`approaching` ({}) must be below `critical` ({})",
                js(t.approaching),
                js(t.critical)
            ),
            &join(&path, "critical"),
        );
    }
    t
}

/// `forecast`: `{ horizonDays }`, a whole number of days from 1 to 3650 (default 90).
fn read_forecast(r: &mut Reader, v: Option<Val<'_>>) -> (f64, f64) {
    let path = join(&[], "forecast");
    let defaults = (DEFAULT_HORIZON_DAYS, DEFAULT_MIN_ELAPSED);
    let Some(o) = v.and_then(|v| r.object(v, &path, &["horizonDays", "minElapsed"])) else {
        return defaults;
    };
    let horizon = match o.get("horizonDays") {
        None => DEFAULT_HORIZON_DAYS,
        Some(h) => {
            let p = join(&path, "horizonDays");
            match r.number(h, &p) {
                Some(n) if (1.0..=MAX_HORIZON_DAYS).contains(&n) && n.fract() == 0.0 => n,
                Some(n) => {
                    r.error(
                        Code::OutOfRange,
                        format!(
                            "`horizonDays` must be a whole number of days from 1 to {}, found `{}`",
                            js(MAX_HORIZON_DAYS),
                            js(n)
                        ),
                        &p,
                    );
                    DEFAULT_HORIZON_DAYS
                }
                None => DEFAULT_HORIZON_DAYS,
            }
        }
    };
    let min_elapsed = match o.get("minElapsed") {
        None => DEFAULT_MIN_ELAPSED,
        Some(m) => {
            let p = join(&path, "minElapsed");
            match r.number(m, &p) {
                Some(n) if (0.0..=1.0).contains(&n) => n,
                Some(n) => {
                    r.error(
                        Code::OutOfRange,
                        format!(
                            "`minElapsed` must be a share of the period from 0 to 1, found `{}`",
                            js(n)
                        ),
                        &p,
                    );
                    DEFAULT_MIN_ELAPSED
                }
                None => DEFAULT_MIN_ELAPSED,
            }
        }
    };
    (horizon, min_elapsed)
}
