//! A small schema and environment for tests, property tests and the fuzz target. Not part of
//! the supported API.

use crate::base::diag::suggest;

use super::{Env, HostFn, PathError, Resolved, Schema, Slot, Type, Value};

/// Paths of the mock schema: name, type, nullable. Slot ids are indexes into this table.
pub const PATHS: &[(&str, Type, bool)] = &[
    ("usage.seats.used", Type::Number, false),
    ("usage.seats.limit", Type::Number, true),
    ("usage.seats.ratio", Type::Number, false),
    ("usage.seats.state", Type::String, false),
    ("usage.api_calls.ratio", Type::Number, false),
    ("account.plan", Type::String, false),
    ("account.lifecycle", Type::String, false),
    ("account.healthScore", Type::Number, true),
    ("account.tenureDays", Type::Number, false),
    ("account.addons", Type::List, false),
    ("user.role", Type::String, false),
    ("page.route", Type::String, true),
    ("signals.sharedLoginSuspected", Type::Bool, false),
    ("signals.pendingInvites", Type::Number, false),
];

/// Slot id of the dynamic map `account.traits`; `user.traits` is one more.
pub const TRAITS: u32 = 100;

/// Feature ids, add-on ids and plan ids known to the mock schema.
pub const IDS: [&[&str]; 3] = [
    &["sso", "reports"],
    &["reports_plus", "api_boost"],
    &["free", "team", "enterprise"],
];

fn ids(f: HostFn) -> &'static [&'static str] {
    let i = match f {
        HostFn::HasFeature => 0,
        HostFn::HasAddon => 1,
        HostFn::PlanAtLeast => 2,
    };
    IDS.get(i).copied().unwrap_or(&[])
}

/// A schema over [`PATHS`], `account.traits.*` and `user.traits.*` (dynamic) and [`IDS`].
#[derive(Clone, Copy, Debug, Default)]
pub struct MockSchema;

impl Schema for MockSchema {
    fn resolve(&self, path: &[&str]) -> Result<Resolved, PathError> {
        if let [root @ ("account" | "user"), "traits", key] = path {
            let id = if *root == "account" {
                TRAITS
            } else {
                TRAITS + 1
            };
            return Ok(Resolved {
                slot: Slot {
                    id,
                    key: Some((*key).into()),
                },
                ty: Type::Dyn,
                nullable: true,
            });
        }
        let name = path.join(".");
        match PATHS.iter().position(|p| p.0 == name) {
            Some(i) => Ok(Resolved {
                slot: Slot {
                    id: super::offset(i),
                    key: None,
                },
                ty: PATHS.get(i).map_or(Type::Dyn, |p| p.1),
                nullable: PATHS.get(i).is_some_and(|p| p.2),
            }),
            None => Err(PathError {
                suggestion: suggest(&name, PATHS.iter().map(|p| p.0)).map(str::to_owned),
                message: format!("unknown path `{name}`"),
            }),
        }
    }

    fn resolve_id(&self, func: HostFn, id: &str) -> Result<u32, PathError> {
        let known = ids(func);
        match known.iter().position(|k| *k == id) {
            Some(i) => Ok(super::offset(i)),
            None => Err(PathError {
                suggestion: suggest(id, known.iter().copied()).map(str::to_owned),
                message: format!("unknown id `{id}` for `{}`", func.name()),
            }),
        }
    }
}

/// Values by slot and the host calls that return true.
#[derive(Clone, Debug, Default)]
pub struct MockEnv {
    /// Slot values; absent slots read as [`Value::Missing`].
    pub values: Vec<(Slot, Value)>,
    /// Host calls answering true.
    pub granted: Vec<(HostFn, u32)>,
}

impl MockEnv {
    /// Sets the value at a dotted path of [`MockSchema`] (ignored if the path is unknown).
    #[must_use]
    pub fn with(mut self, path: &str, value: Value) -> Self {
        let segs: Vec<&str> = path.split('.').collect();
        if let Ok(r) = MockSchema.resolve(&segs) {
            self.values.push((r.slot, value));
        }
        self
    }

    /// Makes a host call answer true (ignored if the id is unknown).
    #[must_use]
    pub fn grant(mut self, func: HostFn, id: &str) -> Self {
        if let Ok(i) = MockSchema.resolve_id(func, id) {
            self.granted.push((func, i));
        }
        self
    }
}

impl Env for MockEnv {
    fn get(&self, slot: &Slot) -> Value {
        self.values
            .iter()
            .rev()
            .find(|(s, _)| s == slot)
            .map_or(Value::Missing, |(_, v)| v.clone())
    }

    fn call(&self, func: HostFn, id: u32) -> bool {
        self.granted.contains(&(func, id))
    }
}
