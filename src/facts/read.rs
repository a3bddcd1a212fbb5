//! The runtime context (account, user, usage, page, signals) read from JSON, and the values the
//! engine derives from it: limits, ratios, states, forecasts, tenure, days to renewal.
//!
//! Reading never fails: every bad value becomes a diagnostic with a path into the context and
//! the value is treated as absent, so a broken context can silence a prompt but never create one.

use std::rc::Rc;

use serde_json::{Map, Value as Json};

use crate::config::read::Reader;
use crate::config::{Catalog, Kind};
use crate::date::{self, DAY_MS};
use crate::diag::{join, Diagnostic, PathSeg};
use crate::expr::{Env, HostFn, Slot, Value};
use crate::schema::{af, ff, split, tag, uf};
use crate::usage::{self, UsageFacts};

/// Largest context accepted, in bytes of JSON.
pub const MAX_CONTEXT_BYTES: usize = 1 << 20;

/// Usage reported for one metric.
#[derive(Clone, Debug, Default)]
pub struct UsageInput {
    /// Current value.
    pub used: Option<f64>,
    /// Start of the current metering period (ms since epoch).
    pub period_start: Option<f64>,
    /// End of the current metering period.
    pub period_end: Option<f64>,
    /// Earlier readings in this period, as (ms since epoch, value).
    pub history: Vec<(f64, f64)>,
}

/// The account part of the context.
#[derive(Clone, Debug, Default)]
pub struct Account {
    /// Account id (experiment unit).
    pub id: Option<String>,
    /// Plan index; `None` when missing or unknown (an error says which).
    pub plan: Option<usize>,
    /// Owned add-ons as (add-on index, quantity).
    pub addons: Vec<(usize, u32)>,
    /// Trials as (feature index, end in ms since epoch).
    pub trials: Vec<(usize, f64)>,
    /// Creation time.
    pub created_at: Option<f64>,
    /// Next renewal time.
    pub renewal_at: Option<f64>,
    /// Health score, usually 0–100.
    pub health_score: Option<f64>,
    /// `onboarding`, `adoption`, `expansion`, …
    pub lifecycle: Option<Rc<str>>,
    /// Open support escalations.
    pub open_escalations: Option<f64>,
    /// Free-form traits.
    pub traits: Map<String, Json>,
}

/// The user part of the context.
#[derive(Clone, Debug, Default)]
pub struct User {
    /// User id (experiment unit).
    pub id: Option<String>,
    /// Role, compared with the catalog's purchase roles.
    pub role: Option<Rc<str>>,
    /// Free-form traits.
    pub traits: Map<String, Json>,
}

/// A read context with its derived values.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Evaluation time (ms since epoch): `context.now` or the host clock.
    pub now: f64,
    /// Lowercased locale such as `ja-jp`.
    pub locale: Rc<str>,
    /// Account.
    pub account: Account,
    /// User.
    pub user: User,
    /// Reported usage, by metric index.
    pub usage_input: Vec<UsageInput>,
    /// Derived usage, by metric index.
    pub usage: Vec<UsageFacts>,
    /// `uses30d` by feature index.
    pub feature_uses: Vec<Option<f64>>,
    /// Current route.
    pub route: Option<Rc<str>>,
    /// Feature the user is touching (raw id; may be unknown to the catalog).
    pub page_feature: Option<Rc<str>>,
    /// Free-form signals.
    pub signals: Map<String, Json>,
    /// Problems in the context.
    pub errors: Vec<Diagnostic>,
    /// Questionable values that were still used.
    pub warnings: Vec<Diagnostic>,
    /// Whether `now` came from the context (for reports).
    pub now_given: bool,
    pub(crate) plan_ids: Vec<Rc<str>>,
    /// Seats in use (the seat metric's `used`), when reported.
    pub(crate) seats: Option<f64>,
}

const ROOT_FIELDS: &[&str] = &[
    "now", "locale", "account", "user", "usage", "features", "page", "signals",
];
const ACCOUNT_FIELDS: &[&str] = &[
    "id",
    "plan",
    "addons",
    "trials",
    "createdAt",
    "renewalAt",
    "healthScore",
    "lifecycle",
    "openEscalations",
    "traits",
];

/// Reads a context given as JSON text. `host_now` (ms since epoch) is used when `now` is absent.
pub fn read_str(catalog: &Catalog, json: &str, host_now: f64) -> Facts {
    if json.len() > MAX_CONTEXT_BYTES {
        return broken(
            catalog,
            host_now,
            Diagnostic::new(
                "too_large",
                format!(
                    "context is {} bytes; the limit is {MAX_CONTEXT_BYTES}",
                    json.len()
                ),
                Vec::new(),
            ),
        );
    }
    match serde_json::from_str::<Json>(json) {
        Ok(v) => read(catalog, &v, host_now),
        Err(e) => broken(
            catalog,
            host_now,
            Diagnostic::new(
                "invalid_json",
                format!("context is not valid JSON: {e}"),
                Vec::new(),
            ),
        ),
    }
}

/// Facts for a context that could not be read at all: `problem` says why.
pub fn unreadable(catalog: &Catalog, now: f64, problem: Diagnostic) -> Facts {
    broken(catalog, now, problem)
}

fn broken(catalog: &Catalog, now: f64, d: Diagnostic) -> Facts {
    let mut f = Facts {
        now,
        locale: "en".into(),
        ..Facts::default()
    };
    f.errors.push(d);
    derive(catalog, &mut f);
    f
}

/// Reads a parsed context. Never fails; problems are in `errors` and `warnings`.
pub fn read(catalog: &Catalog, v: &Json, host_now: f64) -> Facts {
    let mut r = Reader::default();
    let mut f = Facts {
        now: host_now,
        locale: "en".into(),
        usage_input: vec![UsageInput::default(); catalog.metrics.len()],
        feature_uses: vec![None; catalog.features.len()],
        ..Facts::default()
    };
    let root: Vec<PathSeg> = Vec::new();
    if let Some(obj) = r.map(v, &root) {
        for key in obj.keys() {
            if !ROOT_FIELDS.contains(&key.as_str()) {
                r.warn(
                    "unknown_field",
                    format!("unknown context field `{key}` is ignored"),
                    &join(&root, key.as_str()),
                );
            }
        }
        if let Some(now) = obj.get("now").filter(|n| !n.is_null()) {
            if let Some(t) = time(&mut r, now, &join(&root, "now")) {
                f.now = t;
                f.now_given = true;
            }
        }
        if let Some(l) = obj.get("locale").filter(|n| !n.is_null()) {
            if let Some(s) = r.string(l, &join(&root, "locale")) {
                f.locale = s.to_ascii_lowercase().replace('_', "-").into();
            }
        }
        if let Some(a) = obj.get("account") {
            read_account(&mut r, catalog, a, &mut f);
        } else {
            r.error("missing_field", "missing field `account`", &root);
        }
        if let Some(u) = obj.get("user").filter(|n| !n.is_null()) {
            read_user(&mut r, u, &mut f);
        }
        if let Some(u) = obj.get("usage").filter(|n| !n.is_null()) {
            read_usage(&mut r, catalog, u, &mut f);
        }
        if let Some(fs) = obj.get("features").filter(|n| !n.is_null()) {
            let p = join(&root, "features");
            for (id, fv) in r.map(fs, &p).into_iter().flatten() {
                let fp = join(&p, id.as_str());
                let Some(i) = catalog.find(Kind::Feature, id) else {
                    unknown(&mut r, catalog, Kind::Feature, id, fp, false);
                    continue;
                };
                if let Some(o) = r.object(fv, &fp, &["uses30d"]) {
                    if let Some(n) = o
                        .get("uses30d")
                        .and_then(|n| r.non_negative(n, &join(&fp, "uses30d")))
                    {
                        if let Some(slot) = f.feature_uses.get_mut(i) {
                            *slot = Some(n);
                        }
                    }
                }
            }
        }
        if let Some(pg) = obj.get("page").filter(|n| !n.is_null()) {
            let p = join(&root, "page");
            if let Some(o) = r.object(pg, &p, &["route", "feature"]) {
                f.route = opt_str(&mut r, o.get("route"), &join(&p, "route"));
                f.page_feature = opt_str(&mut r, o.get("feature"), &join(&p, "feature"));
            }
        }
        if let Some(s) = obj.get("signals").filter(|n| !n.is_null()) {
            if let Some(m) = r.map(s, &join(&root, "signals")) {
                f.signals = m.clone();
            }
        }
    }
    f.errors.append(&mut r.errors);
    f.warnings.append(&mut r.warnings);
    crate::diag::truncate(&mut f.errors);
    crate::diag::truncate(&mut f.warnings);
    derive(catalog, &mut f);
    f
}

/// Diagnostics after which "did you mean" suggestions are no longer computed, so a context
/// full of unknown keys costs linear time.
const SUGGEST_LIMIT: usize = 50;

/// Reports an unknown id (as an error or a warning), with a suggestion while few problems
/// have been found.
fn unknown(
    r: &mut Reader,
    catalog: &Catalog,
    kind: Kind,
    id: &str,
    path: Vec<PathSeg>,
    error: bool,
) {
    let d = if r.errors.len() + r.warnings.len() < SUGGEST_LIMIT {
        catalog.unknown(kind, id, path)
    } else {
        catalog.unknown_plain(kind, id, path)
    };
    if error {
        r.errors.push(d);
    } else {
        r.warnings.push(d);
    }
}

fn opt_str(r: &mut Reader, v: Option<&Json>, path: &[PathSeg]) -> Option<Rc<str>> {
    match v {
        None | Some(Json::Null) => None,
        Some(v) => r.string(v, path).map(Rc::from),
    }
}

fn opt_num(r: &mut Reader, v: Option<&Json>, path: &[PathSeg]) -> Option<f64> {
    match v {
        None | Some(Json::Null) => None,
        Some(v) => r.number(v, path),
    }
}

fn time(r: &mut Reader, v: &Json, path: &[PathSeg]) -> Option<f64> {
    let s = r.string(v, path)?;
    let t = date::parse(&s);
    if t.is_none() {
        r.error(
            "invalid_date",
            format!("`{s}` is not an RFC 3339 date such as `2026-11-24T09:00:00Z`"),
            path,
        );
    }
    t
}

fn read_account(r: &mut Reader, catalog: &Catalog, v: &Json, f: &mut Facts) {
    let p = join(&[], "account");
    let Some(o) = r.map(v, &p) else { return };
    for key in o.keys() {
        if !ACCOUNT_FIELDS.contains(&key.as_str()) {
            r.warn(
                "unknown_field",
                format!("unknown account field `{key}` is ignored"),
                &join(&p, key.as_str()),
            );
        }
    }
    let a = &mut f.account;
    a.id = opt_str(r, o.get("id"), &join(&p, "id")).map(|s| s.to_string());
    match o.get("plan") {
        None | Some(Json::Null) => r.error("missing_field", "missing field `plan`", &p),
        Some(pv) => {
            let pp = join(&p, "plan");
            if let Some(id) = r.string(pv, &pp) {
                a.plan = catalog.find(Kind::Plan, &id);
                if a.plan.is_none() {
                    unknown(r, catalog, Kind::Plan, &id, pp, true);
                }
            }
        }
    }
    if let Some(list) = o.get("addons").filter(|n| !n.is_null()) {
        let ap = join(&p, "addons");
        for (i, item) in r.array(list, &ap).into_iter().flatten().enumerate() {
            let ip = join(&ap, i);
            let (id, qty) = match item {
                Json::Object(_) => {
                    let Some(obj) = r.object(item, &ip, &["id", "quantity"]) else {
                        continue;
                    };
                    let Some(id) = obj.get("id").and_then(|v| r.string(v, &join(&ip, "id"))) else {
                        if !obj.contains_key("id") {
                            r.error("missing_field", "missing field `id`", &ip);
                        }
                        continue;
                    };
                    let qp = join(&ip, "quantity");
                    let qty = match obj.get("quantity") {
                        None => 1.0,
                        Some(q) => match r.number(q, &qp) {
                            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 1e6 => n,
                            Some(n) => {
                                r.error("invalid_value", format!("quantity must be a whole number of at least 1, found `{n}`"), &qp);
                                continue;
                            }
                            None => continue,
                        },
                    };
                    (id, qty as u32)
                }
                other => match r.string(other, &ip) {
                    Some(id) => (id, 1),
                    None => continue,
                },
            };
            let Some(idx) = catalog.find(Kind::Addon, &id) else {
                unknown(r, catalog, Kind::Addon, &id, ip, true);
                continue;
            };
            let max = catalog.addons.get(idx).map_or(1, |ad| ad.max_quantity);
            if qty > max {
                r.warn(
                    "quantity_above_max",
                    format!("quantity `{qty}` is above the add-on's maximum of {max}"),
                    &ip,
                );
            }
            match a.addons.iter_mut().find(|(x, _)| *x == idx) {
                Some((_, q)) => *q = q.saturating_add(qty).min(1_000_000),
                None => a.addons.push((idx, qty)),
            }
        }
    }
    if let Some(tr) = o.get("trials").filter(|n| !n.is_null()) {
        let tp = join(&p, "trials");
        for (fid, end) in r.map(tr, &tp).into_iter().flatten() {
            let fp = join(&tp, fid.as_str());
            let Some(fi) = catalog.find(Kind::Feature, fid) else {
                unknown(r, catalog, Kind::Feature, fid, fp, true);
                continue;
            };
            if let Some(t) = time(r, end, &fp) {
                a.trials.push((fi, t));
            }
        }
    }
    if let Some(t) = o.get("createdAt").filter(|n| !n.is_null()) {
        a.created_at = time(r, t, &join(&p, "createdAt"));
    }
    if let Some(t) = o.get("renewalAt").filter(|n| !n.is_null()) {
        a.renewal_at = time(r, t, &join(&p, "renewalAt"));
    }
    a.health_score = opt_num(r, o.get("healthScore"), &join(&p, "healthScore"));
    a.lifecycle = opt_str(r, o.get("lifecycle"), &join(&p, "lifecycle"));
    a.open_escalations = match o.get("openEscalations") {
        None | Some(Json::Null) => None,
        Some(v) => r.non_negative(v, &join(&p, "openEscalations")),
    };
    if let Some(t) = o.get("traits").filter(|n| !n.is_null()) {
        if let Some(m) = r.map(t, &join(&p, "traits")) {
            a.traits = m.clone();
        }
    }
}

fn read_user(r: &mut Reader, v: &Json, f: &mut Facts) {
    let p = join(&[], "user");
    let Some(o) = r.object(v, &p, &["id", "role", "traits"]) else {
        return;
    };
    f.user.id = opt_str(r, o.get("id"), &join(&p, "id")).map(|s| s.to_string());
    f.user.role = opt_str(r, o.get("role"), &join(&p, "role"));
    if let Some(t) = o.get("traits").filter(|n| !n.is_null()) {
        if let Some(m) = r.map(t, &join(&p, "traits")) {
            f.user.traits = m.clone();
        }
    }
}

fn read_usage(r: &mut Reader, catalog: &Catalog, v: &Json, f: &mut Facts) {
    let p = join(&[], "usage");
    for (mid, uv) in r.map(v, &p).into_iter().flatten() {
        let mp = join(&p, mid.as_str());
        let Some(mi) = catalog.find(Kind::Metric, mid) else {
            unknown(r, catalog, Kind::Metric, mid, mp, false);
            continue;
        };
        let mut u = UsageInput::default();
        let o = match uv {
            Json::Number(_) => {
                u.used = r.non_negative(uv, &mp);
                if let Some(slot) = f.usage_input.get_mut(mi) {
                    *slot = u;
                }
                continue;
            }
            _ => match r.object(uv, &mp, &["used", "periodStart", "periodEnd", "history"]) {
                Some(o) => o,
                None => continue,
            },
        };
        match o.get("used") {
            None | Some(Json::Null) => {}
            Some(n) => u.used = r.non_negative(n, &join(&mp, "used")),
        }
        if let Some(t) = o.get("periodStart").filter(|n| !n.is_null()) {
            u.period_start = time(r, t, &join(&mp, "periodStart"));
        }
        if let Some(t) = o.get("periodEnd").filter(|n| !n.is_null()) {
            u.period_end = time(r, t, &join(&mp, "periodEnd"));
        }
        if u.period_start.is_some() != u.period_end.is_some() {
            r.warn(
                "incomplete_period",
                "give both `periodStart` and `periodEnd`; the calendar period of the metric is used instead",
                &mp,
            );
            u.period_start = None;
            u.period_end = None;
        }
        if let (Some(s), Some(e)) = (u.period_start, u.period_end) {
            if e <= s {
                r.error(
                    "invalid_period",
                    "`periodEnd` must be after `periodStart`",
                    &join(&mp, "periodEnd"),
                );
                u.period_start = None;
                u.period_end = None;
            }
        }
        if let Some(h) = o.get("history").filter(|n| !n.is_null()) {
            let hp = join(&mp, "history");
            for (i, item) in r
                .array(h, &hp)
                .into_iter()
                .flatten()
                .enumerate()
                .take(10_000)
            {
                let ip = join(&hp, i);
                let Some(ho) = r.object(item, &ip, &["at", "value"]) else {
                    continue;
                };
                let at = match ho.get("at") {
                    Some(t) => time(r, t, &join(&ip, "at")),
                    None => {
                        r.error("missing_field", "missing field `at`", &ip);
                        None
                    }
                };
                let val = match ho.get("value") {
                    Some(n) => r.non_negative(n, &join(&ip, "value")),
                    None => {
                        r.error("missing_field", "missing field `value`", &ip);
                        None
                    }
                };
                if let (Some(at), Some(val)) = (at, val) {
                    u.history.push((at, val));
                }
            }
        }
        if let Some(slot) = f.usage_input.get_mut(mi) {
            *slot = u;
        }
    }
}

/// Computes the derived values after reading.
fn derive(catalog: &Catalog, f: &mut Facts) {
    f.usage_input
        .resize(catalog.metrics.len(), UsageInput::default());
    f.feature_uses.resize(catalog.features.len(), None);
    f.plan_ids = catalog
        .plans
        .iter()
        .map(|p| Rc::from(p.id.as_str()))
        .collect();
    let seats = catalog
        .seat_metric
        .and_then(|m| f.usage_input.get(m))
        .and_then(|u| u.used);
    f.seats = seats;
    let limits = f.account.plan.map(|p| usage::limits_on(catalog, f, p));
    f.usage = (0..catalog.metrics.len())
        .map(|m| {
            usage::derive(
                catalog,
                f,
                m,
                limits.as_ref().map(|l| l.get(m).copied().flatten()),
            )
        })
        .collect();
}

impl Facts {
    /// Share of the plan's features with `uses30d` > 0: `None` when unknown (no valid plan, or
    /// no use of a plan feature reported), `Some(None)` for a plan without features.
    pub fn feature_adoption(&self, catalog: &Catalog) -> Option<Option<f64>> {
        let plan = catalog.plans.get(self.account.plan?)?;
        if plan.features.is_empty() {
            return Some(None);
        }
        let uses = |i: &usize| self.feature_uses.get(*i).copied().flatten();
        if plan.features.iter().all(|i| uses(i).is_none()) {
            return None;
        }
        let used = plan
            .features
            .iter()
            .filter(|i| uses(i).unwrap_or(0.0) > 0.0)
            .count();
        Some(Some(used as f64 / plan.features.len() as f64))
    }

    /// Seats in use, which per-seat prices multiply by; `None` when not reported.
    pub fn seats(&self) -> Option<f64> {
        self.seats
    }

    /// Whole days since the account was created (floor); `None` without `createdAt`.
    pub fn tenure_days(&self) -> Option<f64> {
        self.account
            .created_at
            .map(|c| ((self.now - c) / DAY_MS).floor())
    }

    /// Days until renewal (rounded up; negative when past); `None` without `renewalAt`.
    pub fn days_to_renewal(&self) -> Option<f64> {
        self.account
            .renewal_at
            .map(|r| ((r - self.now) / DAY_MS).ceil())
    }

    /// Quantity of an add-on the account holds.
    pub fn addon_quantity(&self, addon: usize) -> u32 {
        self.account
            .addons
            .iter()
            .find(|(a, _)| *a == addon)
            .map_or(0, |(_, q)| *q)
    }

    /// Whether the user may buy (role in the catalog's purchase roles). Without a role, no.
    pub fn can_purchase(&self, catalog: &Catalog) -> bool {
        self.user
            .role
            .as_deref()
            .is_some_and(|r| catalog.purchase_roles.iter().any(|p| p == r))
    }

    /// Errors whose path starts with `prefix`.
    pub fn has_error_under(&self, prefix: &[&str]) -> bool {
        self.errors.iter().any(|e| {
            prefix
                .iter()
                .enumerate()
                .all(|(i, seg)| matches!(e.path.get(i), Some(PathSeg::Key(k)) if k == seg))
        })
    }
}

fn num(n: Option<f64>) -> Value {
    n.map_or(Value::Missing, Value::Number)
}

fn text(s: Option<&Rc<str>>) -> Value {
    s.map_or(Value::Missing, |s| Value::String(s.clone()))
}

/// A JSON value as a rule value (objects are not readable from rules).
pub(crate) fn json_value(v: Option<&Json>) -> Value {
    match v {
        None => Value::Missing,
        Some(Json::Null) => Value::Null,
        Some(Json::Bool(b)) => Value::Bool(*b),
        Some(Json::Number(n)) => n.as_f64().map_or(Value::Missing, Value::Number),
        Some(Json::String(s)) => Value::String(s.as_str().into()),
        Some(Json::Array(items)) => {
            let vals: Vec<Value> = items.iter().map(|i| json_value(Some(i))).collect();
            Value::List(vals.into())
        }
        Some(Json::Object(_)) => Value::Missing,
    }
}

/// Reads facts for rules and templates; needs the catalog for labels and plan data.
pub struct FactsEnv<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// The facts.
    pub facts: &'a Facts,
    /// Callout-local values (`feature.*`, `metric.*`, `target.*`).
    pub locals: Option<&'a crate::message::LocalValues>,
}

impl FactsEnv<'_> {
    /// `usage.<metric>.*` and `metric.*`.
    pub(crate) fn usage_field(&self, m: usize, field: u32) -> Value {
        let Some(u) = self.facts.usage.get(m) else {
            return Value::Missing;
        };
        match field {
            uf::USED => num(u.used),
            uf::LIMIT => u
                .limit
                .map_or(Value::Missing, |l| l.map_or(Value::Null, Value::Number)),
            uf::REMAINING => u.limit.map_or(Value::Missing, |l| match (l, u.used) {
                (None, _) => Value::Null,
                (Some(l), Some(used)) => Value::Number((l - used).max(0.0)),
                (Some(_), None) => Value::Missing,
            }),
            uf::RATIO => opt_null(u.ratio, u.used.is_some() && u.limit.is_some()),
            uf::PERCENT => opt_null(
                u.ratio.map(|r| (r * 100.0).round()),
                u.used.is_some() && u.limit.is_some(),
            ),
            uf::STATE => u
                .state
                .map_or(Value::Missing, |s| Value::String(s.as_str().into())),
            uf::PROJECTED => opt_null(u.projected, u.used.is_some()),
            uf::DAYS_LEFT => opt_null(u.days_left, u.used.is_some() && u.limit.is_some()),
            uf::LABEL => self
                .catalog
                .metrics
                .get(m)
                .map_or(Value::Missing, |x| Value::String(x.label.as_str().into())),
            uf::ID => self
                .catalog
                .metrics
                .get(m)
                .map_or(Value::Missing, |x| Value::String(x.id.as_str().into())),
            _ => Value::Missing,
        }
    }

    /// `features.<feature>.*` and `feature.*`.
    pub(crate) fn feature_field(&self, i: usize, field: u32) -> Value {
        match field {
            ff::USES30D => num(self.facts.feature_uses.get(i).copied().flatten()),
            ff::ALLOWED => Value::Bool(crate::gate::access(self.catalog, self.facts, i).is_some()),
            ff::LABEL => self
                .catalog
                .features
                .get(i)
                .map_or(Value::Missing, |x| Value::String(x.label.as_str().into())),
            ff::ID => self
                .catalog
                .features
                .get(i)
                .map_or(Value::Missing, |x| Value::String(x.id.as_str().into())),
            _ => Value::Missing,
        }
    }

    fn account_field(&self, field: u32) -> Value {
        let f = self.facts;
        match field {
            af::ID => f
                .account
                .id
                .as_deref()
                .map_or(Value::Missing, |s| Value::String(s.into())),
            af::PLAN => f
                .account
                .plan
                .and_then(|p| f.plan_ids.get(p))
                .map_or(Value::Missing, |s| Value::String(s.clone())),
            af::TENURE_DAYS => num(f.tenure_days()),
            af::DAYS_TO_RENEWAL => num(f.days_to_renewal()),
            af::HEALTH_SCORE => num(f.account.health_score),
            af::LIFECYCLE => text(f.account.lifecycle.as_ref()),
            af::OPEN_ESCALATIONS => num(f.account.open_escalations),
            af::FEATURE_ADOPTION => match f.feature_adoption(self.catalog) {
                None => Value::Missing,
                Some(a) => a.map_or(Value::Null, Value::Number),
            },
            af::UTILIZATION => {
                let mut best: Option<f64> = None;
                for u in &f.usage {
                    if let Some(r) = u.ratio {
                        best = Some(best.map_or(r, |b: f64| b.max(r)));
                    }
                }
                num(best)
            }
            af::RIGHT_SIZE_PLAN => {
                match crate::usage::right_size_plan(self.catalog, f, self.catalog.policy.headroom) {
                    Some(p) => self
                        .catalog
                        .plans
                        .get(p)
                        .map_or(Value::Missing, |p| Value::String(p.id.as_str().into())),
                    None => Value::Missing,
                }
            }
            af::ADDONS => {
                let ids: Vec<Value> = f
                    .account
                    .addons
                    .iter()
                    .filter_map(|(a, _)| self.catalog.addons.get(*a))
                    .map(|a| Value::String(a.id.as_str().into()))
                    .collect();
                Value::List(ids.into())
            }
            _ => Value::Missing,
        }
    }
}

fn opt_null(v: Option<f64>, known: bool) -> Value {
    match (v, known) {
        (Some(n), _) => Value::Number(n),
        (None, true) => Value::Null,
        (None, false) => Value::Missing,
    }
}

impl Env for FactsEnv<'_> {
    fn get(&self, slot: &Slot) -> Value {
        let (t, index, field) = split(slot.id);
        let f = self.facts;
        let key = slot.key.as_deref().unwrap_or("");
        match t {
            tag::USAGE => self.usage_field(index, field),
            tag::FEATURE => self.feature_field(index, field),
            tag::PLAN => {
                let Some(pi) = f.account.plan else {
                    return Value::Missing;
                };
                let Some(p) = self.catalog.plans.get(pi) else {
                    return Value::Missing;
                };
                match field {
                    0 => Value::String(p.id.as_str().into()),
                    1 => Value::String(p.label.as_str().into()),
                    2 => Value::Number(pi as f64),
                    3 => match p.price {
                        None => Value::Null,
                        Some(pr) => crate::unlock::Pricing::new(self.catalog, f, None)
                            .price(pr)
                            .map_or(Value::Missing, Value::Number),
                    },
                    _ => Value::Missing,
                }
            }
            tag::ACCOUNT => self.account_field(field),
            tag::ACCOUNT_TRAIT => json_value(f.account.traits.get(key)),
            tag::USER => match field {
                0 => f
                    .user
                    .id
                    .as_deref()
                    .map_or(Value::Missing, |s| Value::String(s.into())),
                1 => text(f.user.role.as_ref()),
                2 => Value::Bool(f.can_purchase(self.catalog)),
                _ => Value::Missing,
            },
            tag::USER_TRAIT => json_value(f.user.traits.get(key)),
            tag::PAGE => match field {
                0 => text(f.route.as_ref()),
                1 => text(f.page_feature.as_ref()),
                _ => Value::Missing,
            },
            tag::SIGNAL => json_value(f.signals.get(key)),
            tag::LOCALE => Value::String(f.locale.clone()),
            tag::L_FEATURE | tag::L_METRIC | tag::L_TARGET => match self.locals {
                Some(l) => l.get(self, t, field),
                None => Value::Missing,
            },
            _ => Value::Missing,
        }
    }

    fn call(&self, func: HostFn, id: u32) -> bool {
        let f = self.facts;
        let i = id as usize;
        match func {
            HostFn::HasFeature => crate::gate::access(self.catalog, f, i).is_some(),
            HostFn::HasAddon => f.addon_quantity(i) > 0,
            HostFn::PlanAtLeast => f.account.plan.is_some_and(|p| p >= i),
        }
    }
}
