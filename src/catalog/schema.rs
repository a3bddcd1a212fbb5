//! The names rules and message placeholders can read, and their types: `usage.<metric>.ratio`,
//! `account.tenureDays`, `account.traits.<key>`, … Each path resolves once, at load time, to a
//! compact [`Slot`] that [`crate::facts::Facts`] answers without string lookups.

use super::model::{Kind, Model};
use crate::base::diag::{may_suggest, suggest};
use crate::expr::{HostFn, PathError, Resolved, Schema, Slot, Type};

/// Slot namespaces (the top byte of a slot id).
#[allow(missing_docs)]
pub mod tag {
    pub const USAGE: u32 = 1;
    pub const FEATURE: u32 = 2;
    pub const PLAN: u32 = 3;
    pub const ACCOUNT: u32 = 4;
    pub const ACCOUNT_TRAIT: u32 = 5;
    pub const USER: u32 = 6;
    pub const USER_TRAIT: u32 = 7;
    pub const PAGE: u32 = 8;
    pub const SIGNAL: u32 = 9;
    pub const LOCALE: u32 = 10;
    pub const L_FEATURE: u32 = 11;
    pub const L_METRIC: u32 = 12;
    pub const L_TARGET: u32 = 13;
}

type FieldList = &'static [(&'static str, Type, bool)];

use Type::{Bool, List, Number, String as Str};

/// `usage.<metric>.*` and `metric.*` (index = field code).
pub const USAGE_FIELDS: FieldList = &[
    ("used", Number, true),
    ("limit", Number, true),
    ("remaining", Number, true),
    ("ratio", Number, true),
    ("percent", Number, true),
    ("state", Str, true),
    ("projected", Number, true),
    ("daysLeft", Number, true),
    ("label", Str, false),
    ("id", Str, false),
    ("daysToLimit", Number, true),
    ("balance", Number, true),
    ("granted", Number, true),
    ("burnPerDay", Number, true),
    ("daysToEmpty", Number, true),
    ("emptyDate", Str, true),
    ("daysToExpiry", Number, true),
    ("autoRecharge", Bool, true),
    ("overagePrice", Number, true),
    ("binding", Str, true),
];

/// `usage.<metric>.windows.<window>.*` of a windowed metric; the field code of window `w`'s
/// field `f` is [`window_field`]`(w, f)`.
pub const WINDOW_FIELDS: FieldList = &[
    ("used", Number, true),
    ("limit", Number, true),
    ("remaining", Number, true),
    ("ratio", Number, true),
    ("percent", Number, true),
    ("state", Str, true),
    ("resetsAt", Str, true),
];

/// The first field code of the window fields (codes below it are [`USAGE_FIELDS`]).
pub const WINDOW_BASE: u32 = 32;

/// The field code of window `w`'s field `f` ([`WINDOW_FIELDS`] index).
pub fn window_field(w: usize, f: u32) -> u32 {
    WINDOW_BASE + (w as u32) * 8 + f
}
/// The fields of [`USAGE_FIELDS`] only a credit metric has.
pub const CREDIT_ONLY: &[&str] = &[
    "balance",
    "granted",
    "burnPerDay",
    "daysToEmpty",
    "emptyDate",
    "daysToExpiry",
    "autoRecharge",
];

/// Field codes of [`USAGE_FIELDS`].
#[allow(missing_docs)]
pub mod uf {
    pub const USED: u32 = 0;
    pub const LIMIT: u32 = 1;
    pub const REMAINING: u32 = 2;
    pub const RATIO: u32 = 3;
    pub const PERCENT: u32 = 4;
    pub const STATE: u32 = 5;
    pub const PROJECTED: u32 = 6;
    pub const DAYS_LEFT: u32 = 7;
    pub const LABEL: u32 = 8;
    pub const ID: u32 = 9;
    pub const DAYS_TO_LIMIT: u32 = 10;
    pub const BALANCE: u32 = 11;
    pub const GRANTED: u32 = 12;
    pub const BURN_PER_DAY: u32 = 13;
    pub const DAYS_TO_EMPTY: u32 = 14;
    pub const EMPTY_DATE: u32 = 15;
    pub const DAYS_TO_EXPIRY: u32 = 16;
    pub const AUTO_RECHARGE: u32 = 17;
    pub const OVERAGE_PRICE: u32 = 18;
    pub const BINDING: u32 = 19;
}

/// `features.<feature>.*` and `feature.*`.
pub const FEATURE_FIELDS: FieldList = &[
    ("uses30d", Number, true),
    ("allowed", Bool, false),
    ("label", Str, false),
    ("id", Str, false),
];
/// Field codes of [`FEATURE_FIELDS`].
#[allow(missing_docs)]
pub mod ff {
    pub const USES30D: u32 = 0;
    pub const ALLOWED: u32 = 1;
    pub const LABEL: u32 = 2;
    pub const ID: u32 = 3;
}

/// `plan.*`.
pub const PLAN_FIELDS: FieldList = &[
    ("id", Str, true),
    ("label", Str, true),
    ("rank", Number, true),
    ("price", Number, true),
];

/// `account.*` (besides `traits`).
pub const ACCOUNT_FIELDS: FieldList = &[
    ("id", Str, true),
    ("plan", Str, true),
    ("tenureDays", Number, true),
    ("daysToRenewal", Number, true),
    ("healthScore", Number, true),
    ("lifecycle", Str, true),
    ("openEscalations", Number, true),
    ("featureAdoption", Number, true),
    ("utilization", Number, true),
    ("rightSizePlan", Str, true),
    ("addons", List, false),
];
/// Field codes of [`ACCOUNT_FIELDS`].
#[allow(missing_docs)]
pub mod af {
    pub const ID: u32 = 0;
    pub const PLAN: u32 = 1;
    pub const TENURE_DAYS: u32 = 2;
    pub const DAYS_TO_RENEWAL: u32 = 3;
    pub const HEALTH_SCORE: u32 = 4;
    pub const LIFECYCLE: u32 = 5;
    pub const OPEN_ESCALATIONS: u32 = 6;
    pub const FEATURE_ADOPTION: u32 = 7;
    pub const UTILIZATION: u32 = 8;
    pub const RIGHT_SIZE_PLAN: u32 = 9;
    pub const ADDONS: u32 = 10;
}

/// `user.*` (besides `traits`).
pub const USER_FIELDS: FieldList = &[
    ("id", Str, true),
    ("role", Str, true),
    ("canPurchase", Bool, false),
];
/// `page.*`.
pub const PAGE_FIELDS: FieldList = &[("route", Str, true), ("feature", Str, true)];
/// `target.*` (the plan or add-on a callout pushes).
pub const TARGET_FIELDS: FieldList = &[
    ("id", Str, true),
    ("label", Str, true),
    ("type", Str, true),
    ("monthlyDelta", Number, true),
    ("quantity", Number, true),
    ("offer", Str, true),
];
/// Field codes of [`TARGET_FIELDS`].
#[allow(missing_docs)]
pub mod tf {
    pub const ID: u32 = 0;
    pub const LABEL: u32 = 1;
    pub const TYPE: u32 = 2;
    pub const MONTHLY_DELTA: u32 = 3;
    pub const QUANTITY: u32 = 4;
    pub const OFFER: u32 = 5;
}

/// Packs a namespace, an index (metric or feature) and a field code into a slot id.
pub fn slot_id(tag: u32, index: usize, field: u32) -> u32 {
    (tag << 24) | (((index as u32) & 0xffff) << 8) | (field & 0xff)
}

/// Splits a slot id into (namespace, index, field).
pub fn split(id: u32) -> (u32, usize, u32) {
    (id >> 24, ((id >> 8) & 0xffff) as usize, id & 0xff)
}

/// Which callout-local names (`feature.*`, `metric.*`, `target.*`) a template may use.
#[derive(Clone, Copy, Debug, Default)]
pub struct Locals {
    /// `feature.*`: the gated feature.
    pub feature: bool,
    /// `metric.*`: the limited metric.
    pub metric: bool,
    /// `target.*`: the plan or add-on offered.
    pub target: bool,
}

impl Locals {
    /// The three flags as one number below 8.
    pub fn bits(self) -> u8 {
        u8::from(self.feature) | u8::from(self.metric) << 1 | u8::from(self.target) << 2
    }
}

/// The schema of a catalog: every readable path, for the rule checker and message templates.
pub struct CatalogSchema<'a> {
    /// The model whose metrics and features name paths.
    pub model: &'a Model,
    /// Callout-local names in scope.
    pub locals: Locals,
}

fn field(
    list: FieldList,
    tag: u32,
    index: usize,
    name: &str,
    prefix: &str,
) -> Result<Resolved, PathError> {
    match list.iter().position(|(n, _, _)| *n == name) {
        Some(code) => {
            let (_, ty, nullable) = list.get(code).copied().unwrap_or(("", Type::Dyn, true));
            Ok(Resolved {
                slot: Slot {
                    id: slot_id(tag, index, code as u32),
                    key: None,
                },
                ty,
                nullable,
            })
        }
        None => Err(unknown(
            &format!("{prefix}.{name}"),
            list.iter().map(|(n, _, _)| format!("{prefix}.{n}")),
            name,
            true,
        )),
    }
}

fn unknown(
    path: &str,
    candidates: impl Iterator<Item = String>,
    last: &str,
    allowed: bool,
) -> PathError {
    if !allowed {
        return PathError {
            message: format!("unknown path `{path}`"),
            suggestion: None,
        };
    }
    let all: Vec<String> = candidates.collect();
    if !crate::base::diag::spend(all.iter().map(|c| c.len() as u64).sum()) {
        return PathError {
            message: format!("unknown path `{path}`"),
            suggestion: None,
        };
    }
    let lasts: Vec<&str> = all
        .iter()
        .map(|c| c.rsplit('.').next().unwrap_or(c))
        .collect();
    let suggestion = suggest(last, lasts.iter().copied())
        .and_then(|s| {
            all.iter()
                .find(|c| c.rsplit('.').next() == Some(s))
                .cloned()
        })
        .or_else(|| suggest(path, all.iter().map(String::as_str)).map(str::to_owned));
    PathError {
        message: format!("unknown path `{path}`"),
        suggestion,
    }
}

fn dynamic(tag: u32, key: &str) -> Resolved {
    Resolved {
        slot: Slot {
            id: slot_id(tag, 0, 0),
            key: Some(key.into()),
        },
        ty: Type::Dyn,
        nullable: true,
    }
}

const ROOTS: &[&str] = &[
    "usage", "features", "plan", "account", "user", "page", "signals", "locale",
];

impl CatalogSchema<'_> {
    fn indexed(
        &self,
        kind: Kind,
        tag: u32,
        root: &str,
        rest: &[&str],
        fields: FieldList,
    ) -> Result<Resolved, PathError> {
        let full = || {
            std::iter::once(root)
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join(".")
        };
        match rest {
            [id, name] => match self.model.find(kind, id) {
                Some(i) if kind == Kind::Metric && CREDIT_ONLY.contains(name) => {
                    if self.model.metrics.get(i).is_some_and(|m| m.is_credits()) {
                        field(fields, tag, i, name, &format!("{root}.{id}"))
                    } else {
                        Err(PathError {
                            message: format!(
                                "`{}` is read from credit balances, and `{id}` is not a credit metric",
                                full()
                            ),
                            suggestion: None,
                        })
                    }
                }
                Some(i) => field(fields, tag, i, name, &format!("{root}.{id}")),
                None => {
                    // The candidates are built lazily: nothing when no search is left.
                    let allowed = may_suggest();
                    let ids = if allowed {
                        self.model.ids(kind)
                    } else {
                        Vec::new()
                    };
                    Err(unknown(
                        &full(),
                        ids.into_iter().map(|m| format!("{root}.{m}.{name}")),
                        id,
                        allowed,
                    ))
                }
            },
            [id, "windows", w, name] if kind == Kind::Metric => self.window_path(id, w, name),
            [id] => Err(PathError {
                message: format!("`{}` is an object, not a value", full()),
                suggestion: fields.first().map(|(n, _, _)| format!("{root}.{id}.{n}")),
            }),
            _ => Err(PathError {
                message: format!("unknown path `{}`", full()),
                suggestion: self
                    .model
                    .ids(kind)
                    .first()
                    .and_then(|m| fields.first().map(|(n, _, _)| format!("{root}.{m}.{n}"))),
            }),
        }
    }

    /// `usage.<metric>.windows.<window>.<field>`.
    fn window_path(&self, id: &str, w: &str, name: &str) -> Result<Resolved, PathError> {
        let path = format!("usage.{id}.windows.{w}");
        let Some(m) = self.model.find(Kind::Metric, id) else {
            return Err(PathError {
                message: format!("unknown path `{path}.{name}`"),
                suggestion: None,
            });
        };
        let windows = self
            .model
            .metrics
            .get(m)
            .map(|x| x.windows.as_slice())
            .unwrap_or_default();
        let Some(wi) = windows.iter().position(|x| x.id == w) else {
            return Err(unknown(
                &format!("{path}.{name}"),
                windows
                    .iter()
                    .map(|x| format!("usage.{id}.windows.{}.{name}", x.id)),
                w,
                true,
            ));
        };
        let r = field(WINDOW_FIELDS, tag::USAGE, m, name, &path)?;
        let (_, _, f) = split(r.slot.id);
        Ok(Resolved {
            slot: Slot {
                id: slot_id(tag::USAGE, m, window_field(wi, f)),
                key: None,
            },
            ..r
        })
    }

    fn flat(
        &self,
        tag: u32,
        root: &str,
        rest: &[&str],
        fields: FieldList,
        traits: Option<u32>,
    ) -> Result<Resolved, PathError> {
        match (rest, traits) {
            ([name], _) => field(fields, tag, 0, name, root),
            (["traits", key], Some(t)) => Ok(dynamic(t, key)),
            _ => {
                let path = std::iter::once(root)
                    .chain(rest.iter().copied())
                    .collect::<Vec<_>>()
                    .join(".");
                let last = rest.first().copied().unwrap_or("");
                Err(unknown(
                    &path,
                    fields.iter().map(|(n, _, _)| format!("{root}.{n}")),
                    last,
                    true,
                ))
            }
        }
    }
}

impl Schema for CatalogSchema<'_> {
    fn resolve(&self, path: &[&str]) -> Result<Resolved, PathError> {
        let Some((root, rest)) = path.split_first() else {
            return Err(PathError {
                message: "empty path".into(),
                suggestion: None,
            });
        };
        match *root {
            "usage" => self.indexed(Kind::Metric, tag::USAGE, "usage", rest, USAGE_FIELDS),
            "features" => self.indexed(
                Kind::Feature,
                tag::FEATURE,
                "features",
                rest,
                FEATURE_FIELDS,
            ),
            "plan" => self.flat(tag::PLAN, "plan", rest, PLAN_FIELDS, None),
            "account" => self.flat(
                tag::ACCOUNT,
                "account",
                rest,
                ACCOUNT_FIELDS,
                Some(tag::ACCOUNT_TRAIT),
            ),
            "user" => self.flat(tag::USER, "user", rest, USER_FIELDS, Some(tag::USER_TRAIT)),
            "page" => self.flat(tag::PAGE, "page", rest, PAGE_FIELDS, None),
            "signals" => match rest {
                [key] => Ok(dynamic(tag::SIGNAL, key)),
                _ => Err(PathError {
                    message: format!("unknown path `{}`", path.join(".")),
                    suggestion: Some("signals.pendingInvites".into()),
                }),
            },
            "locale" if rest.is_empty() => Ok(Resolved {
                slot: Slot {
                    id: slot_id(tag::LOCALE, 0, 0),
                    key: None,
                },
                ty: Str,
                nullable: false,
            }),
            "feature" if self.locals.feature => {
                self.flat(tag::L_FEATURE, "feature", rest, FEATURE_FIELDS, None)
            }
            "metric" if self.locals.metric => {
                self.flat(tag::L_METRIC, "metric", rest, USAGE_FIELDS, None)
            }
            "target" if self.locals.target => {
                self.flat(tag::L_TARGET, "target", rest, TARGET_FIELDS, None)
            }
            other => {
                let mut roots: Vec<&str> = ROOTS.to_vec();
                if self.locals.feature {
                    roots.push("feature");
                }
                if self.locals.metric {
                    roots.push("metric");
                }
                if self.locals.target {
                    roots.push("target");
                }
                let suggestion = suggest(other, roots.iter().copied()).map(|r| {
                    std::iter::once(r)
                        .chain(rest.iter().copied())
                        .collect::<Vec<_>>()
                        .join(".")
                });
                Err(PathError {
                    message: format!("unknown path `{}`", path.join(".")),
                    suggestion,
                })
            }
        }
    }

    fn resolve_id(&self, func: HostFn, id: &str) -> Result<u32, PathError> {
        let kind = match func {
            HostFn::HasFeature => Kind::Feature,
            HostFn::HasAddon => Kind::Addon,
            HostFn::PlanAtLeast => Kind::Plan,
        };
        self.model
            .find(kind, id)
            .map(|i| i as u32)
            .ok_or_else(|| PathError {
                message: format!(
                    "unknown {} `{id}`",
                    match kind {
                        Kind::Feature => "feature",
                        Kind::Addon => "add-on",
                        _ => "plan",
                    }
                ),
                suggestion: if may_suggest() {
                    suggest(id, self.model.ids(kind)).map(str::to_owned)
                } else {
                    None
                },
            })
    }
}
