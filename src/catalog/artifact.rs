//! A compiled catalog as bytes: what `upgrade-prompts compile` writes and a page's runtime
//! loads, so that the runtime never reads a raw config.
//!
//! Layout (all integers unsigned LEB128 unless said otherwise, see [`crate::base::bytes`]):
//!
//! Numbers are written short when they are whole numbers from 0 to 2^53 ([`Writer::num`]).
//!
//! | bytes | what |
//! |---|---|
//! | 4 | magic `\0upc` |
//! | 2 | format version, little-endian ([`FORMAT_VERSION`]) |
//! | 8 | the content hash of the body ([`content_hash`]), little-endian |
//! | … | body: the context paths the catalog reads, the model, the shared slots, the table of message templates, the table of rule constants, the messages and the policy |
//!
//! A template or constant used many times (the same text in every rule's message, the same
//! string in many conditions) is written once in its table and referred to by index, and read
//! once: the catalog shares it.
//!
//! The same catalog always gives the same bytes. Reading checks the magic, the version and the
//! hash before anything else, then every length, index and tag, so a corrupt, truncated,
//! foreign or newer artifact is refused with a reason and never panics or over-allocates.

use crate::base::vocab::Code;
use std::rc::Rc;

use super::assembled::Catalog;
use super::model::{
    Addon, CalloutKind, Feature, Index, Kind, Metric, Model, Plan, Price, Severity, Span,
    Thresholds, Window,
};
use super::rules::{
    Builtin, Cap, Experiment, Frequency, Onboarding, Policy, ProgramHoldout, Readiness, Rule,
    RuleTarget, Variant,
};
use super::schema::tag;
use super::template::{Fields, Localized, MessageSet, Part, Style, Template};
use crate::base::bytes::{content_hash, BytesError, Read, Reader, Table, Writer};
use crate::base::date::Period;
use crate::base::diag::Diagnostic;
use crate::base::vocab::MetricKind;
use crate::expr::stored::{read_const, read_slot, write_slot};
use crate::expr::{Program, Slot, SlotTable, Value};

/// The first bytes of every compiled catalog.
pub const MAGIC: [u8; 4] = *b"\0upc";

/// The format this engine writes and reads.
pub const FORMAT_VERSION: u16 = 6;

const HEADER: usize = 4 + 2 + 8;

/// A compiled catalog read back, with what the artifact says about itself.
#[derive(Debug)]
pub struct Artifact {
    /// The catalog.
    pub catalog: Catalog,
    /// The content hash, as 16 lowercase hex digits.
    pub hash: String,
    /// The context paths the catalog reads (see [`context_paths`]).
    pub paths: Vec<String>,
}

/// Whether `bytes` start like a compiled catalog (the magic), whatever their version.
pub fn is_artifact(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// The content hash of an artifact's body, as 16 lowercase hex digits.
pub fn hash_hex(h: u64) -> String {
    let mut s = String::with_capacity(16);
    for i in (0..16).rev() {
        let d = ((h >> (i * 4)) & 0xf) as u32;
        s.push(char::from_digit(d, 16).unwrap_or('0'));
    }
    s
}

/// The context paths a catalog reads, every metric and feature id written out: what a host
/// must pass for the answers to be complete, and all the runtime looks at. These are the
/// model's paths ([`Model::context_paths`]), then the traits and signals a rule or message
/// reads by name.
pub fn context_paths(catalog: &Catalog) -> Vec<String> {
    let mut out = catalog.model.context_paths();
    let mut dynamic: Vec<String> = catalog
        .slots
        .slots()
        .iter()
        .filter_map(|s| {
            let key = s.key.as_deref()?;
            let root = match s.id >> 24 {
                tag::ACCOUNT_TRAIT => "account.traits",
                tag::USER_TRAIT => "user.traits",
                tag::SIGNAL => "signals",
                _ => return None,
            };
            Some(format!("{root}.{key}"))
        })
        .collect();
    dynamic.sort();
    dynamic.dedup();
    out.extend(dynamic);
    out
}

// ---------------------------------------------------------------------------------------------
// Writing

/// An artifact as [`write`] made it, with what it says about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Written {
    /// The artifact: deterministic bytes.
    pub bytes: Vec<u8>,
    /// Its content hash, as 16 lowercase hex digits.
    pub hash: String,
    /// The context paths the catalog reads (see [`context_paths`]).
    pub paths: Vec<String>,
}

/// The artifact of a loaded catalog.
pub fn write(catalog: &Catalog) -> Written {
    let paths = context_paths(catalog);
    let mut pools = Pools {
        shared: catalog.slots.slots(),
        templates: Table::default(),
        consts: Table::default(),
    };
    let mut rest = Writer::default();
    write_messages(&mut rest, &mut pools, &catalog.messages);
    write_policy(&mut rest, &mut pools, &catalog.policy);
    let mut w = Writer::default();
    w.list(&paths, |w, p| w.str(p));
    write_model(&mut w, &catalog.model);
    w.list(pools.shared, write_slot);
    pools.templates.write(&mut w);
    pools.consts.write(&mut w);
    w.bytes.extend_from_slice(&rest.bytes);
    let body = w.bytes;
    let hash = content_hash(&body);
    let mut bytes = Vec::with_capacity(HEADER + body.len());
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&hash.to_le_bytes());
    bytes.extend_from_slice(&body);
    Written {
        bytes,
        hash: hash_hex(hash),
        paths,
    }
}

/// What the messages and rules refer to by index: the shared slots, and the tables filled while
/// writing them.
struct Pools<'c> {
    shared: &'c [Slot],
    templates: Table,
    consts: Table,
}

fn write_price(w: &mut Writer, p: &Price) {
    w.num(p.monthly);
    w.num(p.per_seat);
    w.num(p.once);
}

fn write_model(w: &mut Writer, m: &Model) {
    w.str(&m.currency);
    w.list(&m.metrics, |w, x| {
        w.str(&x.id);
        w.str(&x.label);
        w.opt(x.period, |w, p| w.byte(p as u8));
        w.byte(x.kind as u8);
        w.list(&x.windows, |w, win| {
            w.str(&win.id);
            w.str(&win.label);
            match win.span {
                Span::Rolling(ms) => {
                    w.byte(0);
                    w.num(ms);
                }
                Span::Period(p) => {
                    w.byte(1);
                    w.byte(p as u8);
                }
            }
        });
        w.byte(x.decimals);
    });
    w.list(&m.features, |w, x| {
        w.str(&x.id);
        w.str(&x.label);
    });
    w.list(&m.plans, |w, x| {
        w.str(&x.id);
        w.str(&x.label);
        w.opt(x.price.as_ref(), write_price);
        w.bool(x.contact_sales);
        w.list(&x.features, |w, i| w.len(*i));
        w.list(&x.limits, |w, l| w.opt(*l, Writer::num));
        w.list(&x.overage, |w, l| w.opt(*l, Writer::num));
        w.list(&x.window_limits, |w, (m, l)| {
            w.len(*m);
            w.list(l, |w, l| w.opt(*l, Writer::num));
        });
        w.opt(x.url.as_deref(), Writer::str);
    });
    w.list(&m.addons, |w, x| {
        w.str(&x.id);
        w.str(&x.label);
        write_price(w, &x.price);
        w.list(&x.features, |w, i| w.len(*i));
        w.list(&x.limits, |w, (i, n)| {
            w.len(*i);
            w.num(*n);
        });
        w.list(&x.credits, |w, (i, n)| {
            w.len(*i);
            w.num(*n);
        });
        w.list(&x.window_limits, |w, (m, win, n)| {
            w.len(*m);
            w.len(*win);
            w.num(*n);
        });
        w.opt(x.available_on.as_deref(), |w, l| {
            w.list(l, |w, i| w.len(*i))
        });
        w.bool(x.stackable);
        w.uint(u64::from(x.max_quantity));
        w.opt(x.url.as_deref(), Writer::str);
    });
    w.num(m.thresholds.approaching);
    w.num(m.thresholds.critical);
    w.list(&m.purchase_roles, |w, s| w.str(s));
    w.opt(m.seat_metric, Writer::len);
    w.num(m.horizon_days);
    w.num(m.min_elapsed);
}

fn write_template(w: &mut Writer, t: &Template) {
    w.str(&t.text);
    w.list(&t.parts, |w, p| match p {
        Part::Text(a, b) => {
            w.byte(0);
            w.uint(u64::from(*a));
            w.uint(u64::from(*b));
        }
        Part::Slot { slot, style } => {
            w.byte(1);
            write_slot(w, slot);
            w.byte(*style as u8);
        }
    });
}

/// A message: per locale, each text as 0 (none) or 1 + its index in the template table.
fn write_localized(w: &mut Writer, pools: &mut Pools<'_>, l: &Localized) {
    w.list(l, |w, (locale, f)| {
        w.str(locale);
        for t in [&f.title, &f.body, &f.body_forecast, &f.cta] {
            match t {
                None => w.byte(0),
                Some(t) => w.len(1 + pools.templates.add(|w| write_template(w, t))),
            }
        }
    });
}

fn write_messages(w: &mut Writer, pools: &mut Pools<'_>, m: &MessageSet) {
    for list in [m.overrides(), m.defaults()] {
        w.list(list, |w, (key, l)| {
            w.str(key);
            write_localized(w, pools, l);
        });
    }
}

fn write_builtin(w: &mut Writer, b: &Builtin) {
    w.bool(b.enabled);
    w.str(&b.placement);
    for p in b.priorities {
        w.num(p);
    }
}

fn write_policy(w: &mut Writer, pools: &mut Pools<'_>, p: &Policy) {
    w.list(&p.rules, |w, r| write_rule(w, pools, r));
    let r = &p.readiness;
    w.opt(r.min_tenure_days, Writer::num);
    w.opt(r.min_health_score, Writer::num);
    w.bool(r.block_on_open_escalations);
    w.byte(r.onboarding as u8);
    w.opt(r.min_feature_adoption, Writer::num);
    let f = &p.frequency;
    w.opt(f.max_per_day, |w, n| w.uint(u64::from(n)));
    w.opt(f.min_minutes_between, Writer::num);
    w.opt(f.dismiss_cooldown_days, Writer::num);
    w.list(&p.placements, |w, (name, max)| {
        w.str(name);
        w.opt(*max, |w, n| w.uint(u64::from(n)));
    });
    write_builtin(w, &p.feature_gate);
    write_builtin(w, &p.top_up);
    write_builtin(w, &p.usage_limit);
    w.num(p.headroom);
    w.opt(p.program.as_ref(), |w, h| {
        w.num(h.share);
        w.str(&h.seed);
        w.bool(h.unit_user);
    });
}

fn write_rule(w: &mut Writer, pools: &mut Pools<'_>, r: &Rule) {
    w.str(&r.id);
    w.byte(r.kind as u8);
    w.str(&r.placement);
    w.num(r.priority);
    w.byte(r.severity as u8);
    r.when.write(w, pools.shared, &mut pools.consts);
    write_localized(w, pools, &r.message);
    match r.target {
        RuleTarget::Plan(i) => {
            w.byte(0);
            w.len(i);
        }
        RuleTarget::Addon(i) => {
            w.byte(1);
            w.len(i);
        }
        RuleTarget::RightSize => w.byte(2),
        RuleTarget::Auto => w.byte(3),
    }
    w.opt(r.cta_url.as_deref(), Writer::str);
    w.opt(r.cap, |w, c| {
        w.uint(u64::from(c.max_impressions));
        w.num(c.per_days);
    });
    w.opt(r.experiment.as_ref(), |w, e| {
        w.str(&e.key);
        w.str(&e.seed);
        w.bool(e.unit_user);
        w.num(e.holdout);
        w.list(&e.variants, |w, v| {
            w.str(&v.id);
            w.num(v.weight);
            write_localized(w, pools, &v.message);
            w.opt(v.placement.as_deref(), Writer::str);
            w.opt(v.priority, Writer::num);
        });
    });
    w.opt(r.active_from, Writer::num);
    w.opt(r.active_until, Writer::num);
    w.bool(r.ignore_readiness);
}

// ---------------------------------------------------------------------------------------------
// Reading

/// Reads an artifact written by [`write`].
///
/// # Errors
/// An `invalid_catalog` diagnostic naming what is wrong: not an artifact, a newer or older
/// format, a hash that does not match (corrupt or truncated), or bytes that do not describe a
/// catalog (with the offset where reading stopped).
pub fn read(bytes: &[u8]) -> Result<Artifact, Diagnostic> {
    let bad = |m: String| Diagnostic::new(Code::InvalidCatalog, m, Vec::new());
    if !is_artifact(bytes) {
        return Err(bad(
            "not a compiled catalog (it does not start with the `\\0upc` magic bytes)".into(),
        ));
    }
    let (Some(version), Some(hash), Some(body)) = (
        bytes.get(4..6),
        bytes.get(6..14).and_then(|h| <[u8; 8]>::try_from(h).ok()),
        bytes.get(HEADER..),
    ) else {
        return Err(bad(
            "compiled catalog is truncated (its header is incomplete)".into(),
        ));
    };
    let version = u16::from_le_bytes([
        version.first().copied().unwrap_or(0),
        version.get(1).copied().unwrap_or(0),
    ]);
    if version != FORMAT_VERSION {
        return Err(bad(format!(
            "compiled catalog format {version} is not supported (this engine reads format {FORMAT_VERSION}); compile the catalog again with this version"
        )));
    }
    let hash = u64::from_le_bytes(hash);
    if content_hash(body) != hash {
        return Err(bad(
            "compiled catalog is corrupt or truncated (its content hash does not match)".into(),
        ));
    }
    let at = |e: BytesError| {
        bad(format!(
            "compiled catalog cannot be read: {} at byte {}",
            e.what,
            e.at + HEADER
        ))
    };
    let mut r = Reader::new(body);
    let (paths, catalog) = read_body(&mut r).map_err(at)?;
    if !r.at_end() {
        return Err(at(BytesError {
            what: "bytes follow the end of the catalog",
            at: body.len() - r.left(),
        }));
    }
    Ok(Artifact {
        catalog,
        hash: hash_hex(hash),
        paths,
    })
}

fn read_body(r: &mut Reader<'_>) -> Read<(Vec<String>, Catalog)> {
    let paths = r.list(1, Reader::string)?;
    let model = read_model(r)?;
    let slots = r.list(2, read_slot)?;
    let mut table = SlotTable::default();
    for s in &slots {
        table.intern(s);
    }
    if table.len() != slots.len() {
        return r.error("a shared slot is listed twice");
    }
    let pools = ReadPools {
        shared: &slots,
        templates: r.list(2, read_template)?,
        consts: r.list(1, read_const)?,
    };
    let messages = read_messages(r, &pools)?;
    let policy = read_policy(r, &pools, &model)?;
    Ok((
        paths,
        Catalog {
            model,
            messages,
            policy,
            slots: table,
            id_order: std::cell::OnceCell::new(),
        },
    ))
}

/// The tables a catalog's messages and rules refer to (see [`Pools`]).
struct ReadPools<'c> {
    shared: &'c [Slot],
    templates: Vec<Rc<Template>>,
    consts: Vec<Value>,
}

fn read_price(r: &mut Reader<'_>) -> Read<Price> {
    Ok(Price {
        monthly: r.num()?,
        per_seat: r.num()?,
        once: r.num()?,
    })
}

fn read_period(r: &mut Reader<'_>) -> Read<Period> {
    Ok(match r.byte()? {
        0 => Period::Day,
        1 => Period::Week,
        2 => Period::Month,
        3 => Period::Year,
        _ => return r.error("unknown period"),
    })
}

fn read_window(r: &mut Reader<'_>) -> Read<Window> {
    Ok(Window {
        id: r.string()?,
        label: r.string()?,
        span: match r.byte()? {
            0 => Span::Rolling(r.num()?),
            1 => Span::Period(read_period(r)?),
            _ => return r.error("unknown window span"),
        },
    })
}

/// Whether (metric, window) names a window of the metrics.
fn window_of(metrics: &[Metric], m: usize, w: usize) -> bool {
    metrics.get(m).is_some_and(|x| w < x.windows.len())
}

/// One plan of the model, its per-metric lists checked against the `metrics`.
fn read_plan(r: &mut Reader<'_>, metrics: &[Metric], nf: usize) -> Read<Plan> {
    let nm = metrics.len();
    let per_metric = |r: &mut Reader<'_>, what: &'static str| -> Read<Vec<Option<f64>>> {
        let l = r.list(1, |r| r.opt(Reader::num))?;
        if l.len() != nm {
            return r.error(what);
        }
        Ok(l)
    };
    Ok(Plan {
        id: r.string()?,
        label: r.string()?,
        price: r.opt(read_price)?,
        contact_sales: r.bool()?,
        features: r.list(1, |r| r.below(nf))?,
        limits: per_metric(r, "a plan's limits do not match the metrics")?,
        overage: per_metric(r, "a plan's overage prices do not match the metrics")?,
        window_limits: r.list(2, |r| {
            let m = r.below(nm)?;
            let l = r.list(1, |r| r.opt(Reader::num))?;
            if metrics.get(m).map(|x| x.windows.len()) != Some(l.len()) {
                return r.error("a plan's window limits do not match the metric's windows");
            }
            Ok((m, l))
        })?,
        url: r.opt(Reader::string)?,
    })
}

fn read_model(r: &mut Reader<'_>) -> Read<Model> {
    let currency = r.string()?;
    let metrics = r.list(6, |r| {
        Ok(Metric {
            id: r.string()?,
            label: r.string()?,
            period: r.opt(read_period)?,
            kind: match r.byte()? {
                0 => MetricKind::Usage,
                1 => MetricKind::Credits,
                _ => return r.error("unknown metric kind"),
            },
            windows: r.list(4, read_window)?,
            decimals: match r.byte()? {
                d @ 0..=2 => d,
                _ => return r.error("a metric's decimals are out of range"),
            },
        })
    })?;
    let features = r.list(2, |r| {
        Ok(Feature {
            id: r.string()?,
            label: r.string()?,
        })
    })?;
    let (nm, nf) = (metrics.len(), features.len());
    let plans = r.list(9, |r| read_plan(r, &metrics, nf))?;
    let np = plans.len();
    let addons = r.list(12, |r| {
        Ok(Addon {
            id: r.string()?,
            label: r.string()?,
            price: read_price(r)?,
            features: r.list(1, |r| r.below(nf))?,
            limits: r.list(2, |r| Ok((r.below(nm)?, r.num()?)))?,
            credits: r.list(2, |r| Ok((r.below(nm)?, r.num()?)))?,
            window_limits: r.list(3, |r| {
                let (m, w, n) = (r.below(nm)?, r.uint()?, r.num()?);
                match usize::try_from(w) {
                    Ok(w) if window_of(&metrics, m, w) => Ok((m, w, n)),
                    _ => r.error("an add-on's window limit names no window"),
                }
            })?,
            available_on: r.opt(|r| r.list(1, |r| r.below(np)))?,
            stackable: r.bool()?,
            max_quantity: r.u32()?,
            url: r.opt(Reader::string)?,
        })
    })?;
    if plans.is_empty() {
        return r.error("a catalog has no plans");
    }
    let thresholds = Thresholds {
        approaching: r.num()?,
        critical: r.num()?,
    };
    let purchase_roles = r.list(1, Reader::string)?;
    let seat_metric = r.opt(|r| r.below(nm))?;
    let horizon_days = r.num()?;
    let min_elapsed = r.num()?;
    let mut index = Index::default();
    let ids = [
        (
            Kind::Metric,
            metrics.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ),
        (
            Kind::Feature,
            features.iter().map(|m| m.id.as_str()).collect(),
        ),
        (Kind::Plan, plans.iter().map(|m| m.id.as_str()).collect()),
        (Kind::Addon, addons.iter().map(|m| m.id.as_str()).collect()),
    ];
    for (kind, list) in ids {
        for (i, id) in list.into_iter().enumerate() {
            if index.insert(kind, id, i) {
                return r.error("an id is listed twice");
            }
        }
    }
    Ok(Model {
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
    })
}

fn read_template(r: &mut Reader<'_>) -> Read<Rc<Template>> {
    let text = r.string()?;
    let parts = r.list(2, |r| {
        Ok(match r.byte()? {
            0 => {
                let (a, b) = (r.u32()?, r.u32()?);
                if a > b
                    || !text.is_char_boundary(a as usize)
                    || !text.is_char_boundary(b as usize)
                    || b as usize > text.len()
                {
                    return r.error("a text part is out of range");
                }
                Part::Text(a, b)
            }
            1 => Part::Slot {
                slot: read_slot(r)?,
                style: match r.byte()? {
                    0 => Style::Plain,
                    1 => Style::Money,
                    2 => Style::Quantity,
                    _ => return r.error("unknown placeholder style"),
                },
            },
            _ => return r.error("unknown text part"),
        })
    })?;
    Ok(Rc::new(Template { parts, text }))
}

fn read_localized(r: &mut Reader<'_>, pools: &ReadPools<'_>) -> Read<Localized> {
    r.list(5, |r| {
        let locale = r.string()?;
        let mut t = || match r.below(pools.templates.len() + 1)? {
            0 => Ok(None),
            i => Ok(pools.templates.get(i - 1).cloned()),
        };
        Ok((
            locale,
            Fields {
                title: t()?,
                body: t()?,
                body_forecast: t()?,
                cta: t()?,
            },
        ))
    })
}

fn read_messages(r: &mut Reader<'_>, pools: &ReadPools<'_>) -> Read<MessageSet> {
    let mut lists = Vec::with_capacity(2);
    for _ in 0..2 {
        lists.push(r.list(2, |r| {
            let key = r.str()?;
            let Some(key) = super::template::static_key(key) else {
                return r.error("unknown message key");
            };
            Ok((key, read_localized(r, pools)?))
        })?);
    }
    let defaults = lists.pop().unwrap_or_default();
    let overrides = lists.pop().unwrap_or_default();
    Ok(MessageSet::from_parts(overrides, defaults))
}

fn read_builtin(r: &mut Reader<'_>) -> Read<Builtin> {
    Ok(Builtin {
        enabled: r.bool()?,
        placement: r.string()?,
        priorities: [r.num()?, r.num()?, r.num()?],
    })
}

fn read_policy(r: &mut Reader<'_>, pools: &ReadPools<'_>, model: &Model) -> Read<Policy> {
    let rules = r.list(8, |r| read_rule(r, pools, model))?;
    let readiness = Readiness {
        min_tenure_days: r.opt(Reader::num)?,
        min_health_score: r.opt(Reader::num)?,
        block_on_open_escalations: r.bool()?,
        onboarding: match r.byte()? {
            0 => Onboarding::CrossSellOnly,
            1 => Onboarding::Block,
            2 => Onboarding::Allow,
            _ => return r.error("unknown onboarding policy"),
        },
        min_feature_adoption: r.opt(Reader::num)?,
    };
    let frequency = Frequency {
        max_per_day: r.opt(Reader::u32)?,
        min_minutes_between: r.opt(Reader::num)?,
        dismiss_cooldown_days: r.opt(Reader::num)?,
    };
    let placements = r.list(2, |r| Ok((r.string()?, r.opt(Reader::u32)?)))?;
    Ok(Policy {
        rules,
        readiness,
        frequency,
        placements,
        feature_gate: read_builtin(r)?,
        top_up: read_builtin(r)?,
        usage_limit: read_builtin(r)?,
        headroom: r.num()?,
        program: r.opt(|r| {
            Ok(ProgramHoldout {
                share: r.num()?,
                seed: r.string()?,
                unit_user: r.bool()?,
            })
        })?,
    })
}

fn read_rule(r: &mut Reader<'_>, pools: &ReadPools<'_>, model: &Model) -> Read<Rule> {
    let id = r.string()?;
    let kind = match CalloutKind::ALL.get(usize::from(r.byte()?)) {
        Some(k) => *k,
        None => return r.error("unknown callout kind"),
    };
    let placement = r.string()?;
    let priority = r.num()?;
    let severity = match r.byte()? {
        0 => Severity::Info,
        1 => Severity::Warning,
        2 => Severity::Blocking,
        _ => return r.error("unknown severity"),
    };
    let when = Program::read(r, pools.shared, &pools.consts)?;
    let message = read_localized(r, pools)?;
    let target = match r.byte()? {
        0 => RuleTarget::Plan(r.below(model.plans.len())?),
        1 => RuleTarget::Addon(r.below(model.addons.len())?),
        2 => RuleTarget::RightSize,
        3 => RuleTarget::Auto,
        _ => return r.error("unknown rule target"),
    };
    Ok(Rule {
        id,
        kind,
        placement,
        priority,
        severity,
        when,
        message,
        target,
        cta_url: r.opt(Reader::string)?,
        cap: r.opt(|r| {
            Ok(Cap {
                max_impressions: r.u32()?,
                per_days: r.num()?,
            })
        })?,
        experiment: r.opt(|r| {
            Ok(Experiment {
                key: r.string()?,
                seed: r.string()?,
                unit_user: r.bool()?,
                holdout: r.num()?,
                variants: r.list(5, |r| {
                    Ok(Variant {
                        id: r.string()?,
                        weight: r.num()?,
                        message: read_localized(r, pools)?,
                        placement: r.opt(Reader::string)?,
                        priority: r.opt(Reader::num)?,
                    })
                })?,
            })
        })?,
        active_from: r.opt(Reader::num)?,
        active_until: r.opt(Reader::num)?,
        ignore_readiness: r.bool()?,
    })
}
