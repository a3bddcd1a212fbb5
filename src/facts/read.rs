//! Reading a context from JSON text into [`Facts`]: one pass over the parsed tape, paths built
//! only when a problem is reported.

use crate::base::vocab::Code;
use std::cell::OnceCell;
use std::rc::Rc;

use super::credits::CreditInput;
use super::{Facts, UsageInput, WindowInput};
use crate::base::date;
use crate::base::diag::{At, Diagnostic};
use crate::base::json::{Doc, Kind as JsonKind, Val};
use crate::base::num::js;
use crate::base::read::Reader;
use crate::catalog::model::{Metric, Span};
use crate::catalog::template::locale_tag;
use crate::catalog::{Kind, Model};

/// Largest context accepted, in bytes of JSON.
pub const MAX_CONTEXT_BYTES: usize = 1 << 20;

/// Most history points kept per metric; older ones are dropped with a warning.
pub const MAX_HISTORY: usize = 10_000;

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
/// `keys_unique`: the text is `JSON.stringify` of an object, so no object in it repeats a key
/// and the check for repeated keys is skipped.
pub fn read_str(model: &Model, json: String, host_now: f64, keys_unique: bool) -> Facts {
    if json.len() > MAX_CONTEXT_BYTES {
        let msg = format!(
            "context is {} bytes; the limit is {MAX_CONTEXT_BYTES}",
            json.len()
        );
        return unreadable(
            model,
            host_now,
            Diagnostic::new(Code::TooLarge, msg, Vec::new()),
        );
    }
    let _meter = crate::base::diag::SuggestMeter::start(json.len());
    let doc = match Doc::parse(json, false) {
        Ok(doc) => doc,
        Err(e) => {
            let msg = format!(
                "context is not valid JSON: {} at line {} column {}",
                e.message, e.line, e.column
            );
            let d = Diagnostic::new(e.code, msg, e.path).at_position(e.line, e.column);
            return unreadable(model, host_now, d);
        }
    };
    let mut f = Facts::empty(model, host_now);
    let mut r = Reader {
        keys_unique,
        ..Reader::default()
    };
    if let Some(root) = doc.root() {
        read_root(&mut r, model, root, &mut f);
    }
    f.doc = doc;
    f.errors.append(&mut r.errors);
    f.warnings.append(&mut r.warnings);
    crate::base::diag::truncate(&mut f.errors);
    crate::base::diag::truncate(&mut f.warnings);
    finish(model, &mut f);
    f
}

/// Facts for a context that could not be read at all: `problem` says why.
pub fn unreadable(model: &Model, now: f64, problem: Diagnostic) -> Facts {
    let mut f = Facts::empty(model, now);
    f.errors.push(problem);
    finish(model, &mut f);
    f
}

fn finish(model: &Model, f: &mut Facts) {
    f.seats = model
        .seat_metric
        .and_then(|m| f.usage_input.get(m))
        .and_then(|u| u.used);
    f.limits = OnceCell::new();
}

fn read_root(r: &mut Reader, model: &Model, v: Val<'_>, f: &mut Facts) {
    let root = At::Root;
    let Some(obj) = r.map(v, &root) else { return };
    repeated(r, obj, &root);
    let (mut account, mut user, mut usage, mut features, mut page, mut signals) =
        (None, None, None, None, None, None);
    for (key, val) in obj.entries() {
        match key {
            "now" if !val.is_null() => {
                if let Some(t) = time(r, val, &root.key("now")) {
                    f.now = t;
                    f.now_given = true;
                }
            }
            "locale" if !val.is_null() => {
                if let Some(s) = r.str(val, &root.key("locale")) {
                    f.locale = locale_tag(s).into();
                }
            }
            "account" => account = Some(val),
            "user" => user = Some(val),
            "usage" => usage = Some(val),
            "features" => features = Some(val),
            "page" => page = Some(val),
            "signals" => signals = Some(val),
            k if ROOT_FIELDS.contains(&k) => {}
            k => r.warn(
                Code::UnknownField,
                format!("unknown context field `{k}` is ignored"),
                &root.key(k),
            ),
        }
    }
    match account {
        Some(a) => read_account(r, model, a, f),
        None => r.error(Code::MissingField, "missing field `account`", &root),
    }
    if let Some(u) = user.filter(|v| !v.is_null()) {
        read_user(r, u, f);
    }
    if let Some(u) = usage.filter(|v| !v.is_null()) {
        read_usage(r, model, u, f);
    }
    if let Some(fs) = features.filter(|v| !v.is_null()) {
        let p = root.key("features");
        for (id, fv) in r.map(fs, &p).into_iter().flat_map(|m| m.entries()) {
            let fp = p.key(id);
            let Some(i) = model.find(Kind::Feature, id) else {
                unknown(r, model, Kind::Feature, id, &fp, false);
                continue;
            };
            if let Some(o) = r.object(fv, &fp, &["uses30d"]) {
                if let Some(n) = o
                    .get("uses30d")
                    .and_then(|n| r.non_negative(n, &fp.key("uses30d")))
                {
                    if let Some(slot) = f.feature_uses.get_mut(i) {
                        *slot = Some(n);
                    }
                }
            }
        }
    }
    if let Some(pg) = page.filter(|v| !v.is_null()) {
        let p = root.key("page");
        if let Some(o) = r.object(pg, &p, &["route", "feature"]) {
            f.route = opt_str(r, o.get("route"), &p.key("route"));
            f.page_feature = opt_str(r, o.get("feature"), &p.key("feature"));
        }
    }
    if let Some(s) = signals.filter(|v| !v.is_null()) {
        let sp = root.key("signals");
        f.maps[2] = r.map(s, &sp).map(|m| {
            repeated(r, m, &sp);
            m.index()
        });
    }
}

/// Warns when an object of the context repeats a key (possible in JSON text, not in an object
/// from JavaScript): which one counts would be up to the reader.
fn repeated(r: &mut Reader, o: Val<'_>, path: &At<'_>) {
    if r.keys_unique {
        return;
    }
    if let Some(k) = o.repeated_key() {
        r.warn(
            Code::DuplicateKey,
            format!("key `{k}` appears more than once in this object; only one is read"),
            &path.key(k),
        );
    }
}

/// Diagnostics after which "did you mean" suggestions are no longer computed, so a context
/// full of unknown keys costs linear time.
const SUGGEST_LIMIT: usize = 50;

/// Reports an unknown id (as an error or a warning), with a suggestion while few problems
/// have been found.
fn unknown(r: &mut Reader, model: &Model, kind: Kind, id: &str, path: &At<'_>, error: bool) {
    use crate::base::diag::PathLike;
    let d = if r.errors.len() + r.warnings.len() < SUGGEST_LIMIT {
        model.unknown(kind, id, path.path())
    } else {
        model.unknown_plain(kind, id, path.path())
    };
    if error {
        r.errors.push(d);
    } else {
        r.warnings.push(d);
    }
}

fn opt_str(r: &mut Reader, v: Option<Val<'_>>, path: &At<'_>) -> Option<Rc<str>> {
    match v {
        None => None,
        Some(v) if v.is_null() => None,
        Some(v) => r.str(v, path).map(Rc::from),
    }
}

fn opt_num(r: &mut Reader, v: Option<Val<'_>>, path: &At<'_>) -> Option<f64> {
    match v {
        None => None,
        Some(v) if v.is_null() => None,
        Some(v) => r.number(v, path),
    }
}

fn time(r: &mut Reader, v: Val<'_>, path: &At<'_>) -> Option<f64> {
    let s = r.str(v, path)?;
    let t = date::parse(s);
    if t.is_none() {
        r.error(
            Code::InvalidDate,
            format!("`{s}` is not an RFC 3339 date such as `2026-11-24T09:00:00Z`"),
            path,
        );
    }
    t
}

fn read_account(r: &mut Reader, model: &Model, v: Val<'_>, f: &mut Facts) {
    let root = At::Root;
    let p = root.key("account");
    let Some(o) = r.map(v, &p) else { return };
    repeated(r, o, &p);
    let mut has_plan = false;
    for (key, val) in o.entries() {
        match key {
            "id" => f.account.id = opt_str(r, Some(val), &p.key("id")),
            "plan" if !val.is_null() => {
                has_plan = true;
                let pp = p.key("plan");
                if let Some(id) = r.str(val, &pp) {
                    f.account.plan = model.find(Kind::Plan, id);
                    if f.account.plan.is_none() {
                        unknown(r, model, Kind::Plan, id, &pp, true);
                    }
                }
            }
            "addons" if !val.is_null() => read_addons(r, model, val, &p.key("addons"), f),
            "trials" if !val.is_null() => {
                let tp = p.key("trials");
                for (fid, end) in r.map(val, &tp).into_iter().flat_map(|m| m.entries()) {
                    let fp = tp.key(fid);
                    let Some(fi) = model.find(Kind::Feature, fid) else {
                        unknown(r, model, Kind::Feature, fid, &fp, true);
                        continue;
                    };
                    if let Some(t) = time(r, end, &fp) {
                        f.account.trials.push((fi, t));
                    }
                }
            }
            "createdAt" if !val.is_null() => {
                f.account.created_at = time(r, val, &p.key("createdAt"));
            }
            "renewalAt" if !val.is_null() => {
                f.account.renewal_at = time(r, val, &p.key("renewalAt"));
            }
            "healthScore" => {
                f.account.health_score = opt_num(r, Some(val), &p.key("healthScore"));
            }
            "lifecycle" => f.account.lifecycle = opt_str(r, Some(val), &p.key("lifecycle")),
            "openEscalations" if !val.is_null() => {
                f.account.open_escalations = r.non_negative(val, &p.key("openEscalations"));
            }
            "traits" if !val.is_null() => {
                let tp = p.key("traits");
                f.maps[0] = r.map(val, &tp).map(|m| {
                    repeated(r, m, &tp);
                    m.index()
                });
            }
            k if ACCOUNT_FIELDS.contains(&k) => {}
            k => r.warn(
                Code::UnknownField,
                format!("unknown account field `{k}` is ignored"),
                &p.key(k),
            ),
        }
    }
    if !has_plan {
        r.error(Code::MissingField, "missing field `plan`", &p);
    }
}

fn read_addons(r: &mut Reader, model: &Model, list: Val<'_>, ap: &At<'_>, f: &mut Facts) {
    for (i, item) in r
        .array(list, ap)
        .into_iter()
        .flat_map(|a| a.items())
        .enumerate()
    {
        let ip = ap.index(i);
        let (id, qty) = if item.is_object() {
            let Some(obj) = r.object(item, &ip, &["id", "quantity"]) else {
                continue;
            };
            let Some(id) = obj.get("id").and_then(|v| r.str(v, &ip.key("id"))) else {
                if obj.get("id").is_none() {
                    r.error(Code::MissingField, "missing field `id`", &ip);
                }
                continue;
            };
            let qp = ip.key("quantity");
            let qty = match obj.get("quantity") {
                None => 1.0,
                Some(q) => match r.number(q, &qp) {
                    Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= 1e6 => n,
                    Some(n) => {
                        r.error(
                            Code::InvalidValue,
                            format!(
                                "quantity must be a whole number of at least 1, found `{}`",
                                js(n)
                            ),
                            &qp,
                        );
                        continue;
                    }
                    None => continue,
                },
            };
            (id, qty as u32)
        } else {
            match r.str(item, &ip) {
                Some(id) => (id, 1),
                None => continue,
            }
        };
        let Some(idx) = model.find(Kind::Addon, id) else {
            unknown(r, model, Kind::Addon, id, &ip, true);
            continue;
        };
        let max = model.addons.get(idx).map_or(1, |ad| ad.max_quantity);
        if qty > max {
            r.warn(
                Code::QuantityAboveMax,
                format!("quantity `{qty}` is above the add-on's maximum of {max}"),
                &ip,
            );
        }
        match f.account.addons.iter_mut().find(|(x, _)| *x == idx) {
            Some((_, q)) => *q = q.saturating_add(qty).min(1_000_000),
            None => f.account.addons.push((idx, qty)),
        }
    }
}

fn read_user(r: &mut Reader, v: Val<'_>, f: &mut Facts) {
    let root = At::Root;
    let p = root.key("user");
    let Some(o) = r.object(v, &p, &["id", "role", "traits"]) else {
        return;
    };
    f.user.id = opt_str(r, o.get("id"), &p.key("id"));
    f.user.role = opt_str(r, o.get("role"), &p.key("role"));
    repeated(r, o, &p);
    if let Some(t) = o.get("traits").filter(|n| !n.is_null()) {
        let tp = p.key("traits");
        f.maps[1] = r.map(t, &tp).map(|m| {
            repeated(r, m, &tp);
            m.index()
        });
    }
}

fn read_usage(r: &mut Reader, model: &Model, v: Val<'_>, f: &mut Facts) {
    let root = At::Root;
    let p = root.key("usage");
    let Some(map) = r.map(v, &p) else { return };
    repeated(r, map, &p);
    for (mid, uv) in map.entries() {
        let mp = p.key(mid);
        let Some(mi) = model.find(Kind::Metric, mid) else {
            unknown(r, model, Kind::Metric, mid, &mp, false);
            continue;
        };
        if model.metrics.get(mi).is_some_and(|m| m.is_credits()) {
            let c = read_credits(r, uv, &mp);
            if let Some(slot) = f.credit_input.get_mut(mi) {
                *slot = c;
            }
        } else if let Some(m) = model.metrics.get(mi).filter(|m| !m.windows.is_empty()) {
            let u = read_window_usage(r, m, uv, &mp, f.now);
            if let Some(slot) = f.usage_input.get_mut(mi) {
                *slot = u;
            }
        } else if let Some(slot) = f.usage_input.get_mut(mi) {
            *slot = read_metric_usage(r, uv, &mp);
        }
    }
}

/// `usage.<metric>` of a usage metric: a number (`used`) or an object.
fn read_metric_usage(r: &mut Reader, uv: Val<'_>, mp: &At<'_>) -> UsageInput {
    let mut u = UsageInput::default();
    if uv.kind() == JsonKind::Number {
        u.used = r.non_negative(uv, mp);
        return u;
    }
    let Some(o) = r.object(uv, mp, &["used", "periodStart", "periodEnd", "history"]) else {
        return u;
    };
    if let Some(n) = o.get("used").filter(|n| !n.is_null()) {
        u.used = r.non_negative(n, &mp.key("used"));
    }
    if let Some(t) = o.get("periodStart").filter(|n| !n.is_null()) {
        u.period_start = time(r, t, &mp.key("periodStart"));
    }
    if let Some(t) = o.get("periodEnd").filter(|n| !n.is_null()) {
        u.period_end = time(r, t, &mp.key("periodEnd"));
    }
    if u.period_start.is_some() != u.period_end.is_some() {
        r.warn(
            Code::IncompletePeriod,
            "give both `periodStart` and `periodEnd`; the calendar period of the metric is used instead",
            mp,
        );
        u.period_start = None;
        u.period_end = None;
    }
    if let (Some(s), Some(e)) = (u.period_start, u.period_end) {
        if e <= s {
            r.error(
                Code::InvalidPeriod,
                "`periodEnd` must be after `periodStart`",
                &mp.key("periodEnd"),
            );
            u.period_start = None;
            u.period_end = None;
        }
    }
    if let Some(h) = o.get("history").filter(|n| !n.is_null()) {
        u.history = read_history(r, h, &mp.key("history"), false);
    }
    u
}

/// `usage.<metric>` of a windowed metric: `{ windows: { <id>: { used, resetsAt? } | number } }`.
/// A rolling window's count drops within its span, so a `resetsAt` not after `now` or more
/// than one span after it cannot be right: it is ignored with a warning.
fn read_window_usage(r: &mut Reader, m: &Metric, uv: Val<'_>, mp: &At<'_>, now: f64) -> UsageInput {
    let mut u = UsageInput {
        windows: vec![WindowInput::default(); m.windows.len()],
        ..UsageInput::default()
    };
    let Some(o) = r.object(uv, mp, &["windows"]) else {
        return u;
    };
    let Some(wv) = o.get("windows").filter(|v| !v.is_null()) else {
        return u;
    };
    let wp = mp.key("windows");
    for (wid, v) in r.map(wv, &wp).into_iter().flat_map(|x| x.entries()) {
        let p = wp.key(wid);
        let Some(slot) = m
            .windows
            .iter()
            .position(|w| w.id == wid)
            .and_then(|i| u.windows.get_mut(i))
        else {
            r.warn(
                Code::UnknownField,
                format!("`{}` has no window `{wid}`; it is ignored", m.id),
                &p,
            );
            continue;
        };
        if v.kind() == JsonKind::Number {
            slot.used = r.non_negative(v, &p);
            continue;
        }
        let Some(wo) = r.object(v, &p, &["used", "resetsAt"]) else {
            continue;
        };
        if let Some(n) = wo.get("used").filter(|n| !n.is_null()) {
            slot.used = r.non_negative(n, &p.key("used"));
        }
        if let Some(t) = wo.get("resetsAt").filter(|n| !n.is_null()) {
            let rp = p.key("resetsAt");
            slot.resets_at = time(r, t, &rp);
            let span = m.windows.iter().find(|w| w.id == wid).map(|w| w.span);
            if let (Some(at), Some(Span::Rolling(len))) = (slot.resets_at, span) {
                if at <= now || at > now + len {
                    r.warn(
                        Code::OutOfRange,
                        format!("`resetsAt` of the rolling `{wid}` window must be after `now` and within one span of it; it is ignored"),
                        &rp,
                    );
                    slot.resets_at = None;
                }
            }
        }
    }
    u
}

/// `usage.<metric>` of a credit metric: a number (the balance) or an object with `balance`,
/// `granted`, `history` (earlier balances), `autoRecharge` and `expiresAt`. A balance may be
/// negative (an overdraft); a grant may not.
fn read_credits(r: &mut Reader, uv: Val<'_>, mp: &At<'_>) -> CreditInput {
    let mut c = CreditInput::default();
    if uv.kind() == JsonKind::Number {
        c.balance = r.number(uv, mp);
        return c;
    }
    let fields = ["balance", "granted", "history", "autoRecharge", "expiresAt"];
    let Some(o) = r.object(uv, mp, &fields) else {
        return c;
    };
    if let Some(n) = o.get("balance").filter(|n| !n.is_null()) {
        c.balance = r.number(n, &mp.key("balance"));
    }
    if let Some(n) = o.get("granted").filter(|n| !n.is_null()) {
        c.granted = r.non_negative(n, &mp.key("granted"));
    }
    if let Some(b) = o.get("autoRecharge").filter(|n| !n.is_null()) {
        c.auto_recharge = r.bool(b, &mp.key("autoRecharge")).unwrap_or(false);
    }
    if let Some(t) = o.get("expiresAt").filter(|n| !n.is_null()) {
        c.expires_at = time(r, t, &mp.key("expiresAt"));
    }
    if let Some(h) = o.get("history").filter(|n| !n.is_null()) {
        c.history = read_history(r, h, &mp.key("history"), true);
    }
    c
}

/// A `history` array of `{ at, value }` readings, the newest [`MAX_HISTORY`] kept (by time).
/// `signed`: values may be negative (credit balances).
fn read_history(r: &mut Reader, h: Val<'_>, hp: &At<'_>, signed: bool) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let n = h.len();
    if n > MAX_HISTORY {
        r.warn(
            Code::HistoryTruncated,
            format!("history has {n} points; only the newest {MAX_HISTORY} (by time) are used"),
            hp,
        );
    }
    for (i, item) in r
        .array(h, hp)
        .into_iter()
        .flat_map(|a| a.items())
        .enumerate()
    {
        let ip = hp.index(i);
        let Some(ho) = r.object(item, &ip, &["at", "value"]) else {
            continue;
        };
        let at = match ho.get("at") {
            Some(t) => time(r, t, &ip.key("at")),
            None => {
                r.error(Code::MissingField, "missing field `at`", &ip);
                None
            }
        };
        let val = match ho.get("value") {
            Some(n) if signed => r.number(n, &ip.key("value")),
            Some(n) => r.non_negative(n, &ip.key("value")),
            None => {
                r.error(Code::MissingField, "missing field `value`", &ip);
                None
            }
        };
        if let (Some(at), Some(val)) = (at, val) {
            out.push((at, val));
        }
    }
    if out.len() > MAX_HISTORY {
        // Keep the newest points: the forecast looks at the recent trend.
        crate::base::sort::sort_by(&mut out, |a, b| a.0.total_cmp(&b.0));
        let cut = out.len() - MAX_HISTORY;
        out.drain(..cut);
    }
    out
}
