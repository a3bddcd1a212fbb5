//! The vocabulary of a catalog's rules, for editors: every context path a rule can read (from
//! the same field lists [`super::schema::CatalogSchema`] resolves, each metric and feature id
//! written out) with its type and a short description, and the functions and methods of the
//! rule language with the ids their arguments accept. The playground's rule form completes
//! from it; nothing here is used to evaluate.

use super::model::{Kind, Model};
use super::schema::{
    ACCOUNT_FIELDS, CREDIT_ONLY, FEATURE_FIELDS, PAGE_FIELDS, PLAN_FIELDS, USAGE_FIELDS,
    USER_FIELDS, WINDOW_FIELDS,
};
use crate::base::out::{Out, ToJson};
use crate::expr::{HostFn, Type};

/// A readable path: `usage.seats.ratio`, or a prefix such as `account.traits.` whose last part
/// the host chooses.
#[derive(Clone, Debug, PartialEq)]
pub struct VocabPath {
    /// The dotted path (a trailing dot for a host-chosen key).
    pub path: String,
    /// Its type name: `number`, `string`, `bool`, `list` or `dyn`.
    pub ty: &'static str,
    /// Whether the value may be missing (a comparison with it is then false).
    pub nullable: bool,
    /// What it is, in a few words.
    pub description: String,
}

/// One argument of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct VocabArg {
    /// Its name in the description: `feature`, `plan`, `prefix`, …
    pub name: &'static str,
    /// Its type name.
    pub ty: &'static str,
    /// The ids it accepts (empty when any value of the type goes).
    pub values: Vec<String>,
}

/// A function (`hasFeature('sso')`) or a method (`page.route.startsWith('/x')`).
#[derive(Clone, Debug, PartialEq)]
pub struct VocabFunction {
    /// Its name in the rule language.
    pub name: &'static str,
    /// `true` for a method, written after a value: `x.contains('a')`.
    pub method: bool,
    /// The type of the value a method is called on (`string`), or `None` for a function.
    pub receiver: Option<&'static str>,
    /// Its arguments.
    pub args: Vec<VocabArg>,
    /// The type it returns.
    pub returns: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// Everything a rule of a catalog can name.
#[derive(Clone, Debug, PartialEq)]
pub struct Vocabulary {
    /// Readable paths, in the order of the context: usage, features, plan, account, user, page,
    /// signals, locale.
    pub paths: Vec<VocabPath>,
    /// Functions, then methods.
    pub functions: Vec<VocabFunction>,
}

/// What a field of `usage.<metric>`, `plan`, `account`, … holds.
fn describe(group: &str, field: &str) -> &'static str {
    match (group, field) {
        ("usage", "used") => "amount used (this period for a metered metric)",
        ("usage", "limit") => "limit from the plan and add-ons; missing when unlimited",
        ("usage", "remaining") => "limit minus used",
        ("usage", "ratio") => "used ÷ limit (1 = at the limit)",
        ("usage", "percent") => "ratio × 100, rounded",
        ("usage", "state") => "'ok', 'approaching', 'critical', 'at_limit' or 'over'",
        ("usage", "projected") => "use at the end of the period, from the trend",
        ("usage", "daysLeft") => "days until the limit at the current pace (this period)",
        ("usage", "label") => "the metric's label",
        ("usage", "id") => "the metric's id",
        ("usage", "daysToLimit") => "days until the limit at the trend, within the horizon",
        ("usage", "balance") => "credits left",
        ("usage", "granted") => "credits granted",
        ("usage", "burnPerDay") => "credits spent per day at the current pace",
        ("usage", "daysToEmpty") => "days until the balance is empty at the current pace",
        ("usage", "emptyDate") => "the date the balance runs out",
        ("usage", "daysToExpiry") => "days until the credits expire",
        ("usage", "autoRecharge") => "whether the balance recharges by itself",
        ("usage", "overagePrice") => "price of a unit over the limit",
        ("usage", "binding") => "the window whose limit binds first",
        ("window", "resetsAt") => "when the window starts again",
        ("window", _) => "of this window",
        ("features", "uses30d") => "uses in the last 30 days",
        ("features", "allowed") => "whether the plan, an add-on or a trial includes it",
        ("features", "label") => "the feature's label",
        ("features", "id") => "the feature's id",
        ("plan", "id") => "the account's plan id",
        ("plan", "label") => "the plan's label",
        ("plan", "rank") => "tier rank, 0 = lowest",
        ("plan", "price") => "monthly price of the plan for this account",
        ("account", "id") => "the account's id",
        ("account", "plan") => "the account's plan id",
        ("account", "tenureDays") => "days since the account was created",
        ("account", "daysToRenewal") => "days until renewal",
        ("account", "healthScore") => "health score, 0–100",
        ("account", "lifecycle") => "'onboarding', 'adoption' or 'expansion'",
        ("account", "openEscalations") => "open support escalations",
        ("account", "featureAdoption") => "share of the plan's features in use",
        ("account", "utilization") => "highest usage ratio",
        ("account", "rightSizePlan") => "cheapest plan that covers current use",
        ("account", "addons") => "ids of the add-ons the account has",
        ("user", "id") => "the user's id",
        ("user", "role") => "the user's role ('owner', 'admin', 'member', …)",
        ("user", "canPurchase") => "whether the role is a purchase role",
        ("page", "route") => "the route the user is on",
        ("page", "feature") => "the feature the user just opened",
        _ => "",
    }
}

fn push_fields(
    out: &mut Vec<VocabPath>,
    prefix: &str,
    group: &str,
    fields: &[(&'static str, Type, bool)],
    keep: impl Fn(&str) -> bool,
) {
    for (name, ty, nullable) in fields {
        if keep(name) {
            out.push(VocabPath {
                path: format!("{prefix}.{name}"),
                ty: ty.name(),
                nullable: *nullable,
                description: describe(group, name).to_owned(),
            });
        }
    }
}

fn prefix_path(path: &str, description: &str) -> VocabPath {
    VocabPath {
        path: path.to_owned(),
        ty: Type::Dyn.name(),
        nullable: true,
        description: description.to_owned(),
    }
}

/// The fields of `usage.<metric>` a metric has: credit fields only on credit metrics.
fn usage_field_kept(credits: bool, name: &str) -> bool {
    credits || !CREDIT_ONLY.contains(&name)
}

/// The readable paths of a model.
fn paths(model: &Model) -> Vec<VocabPath> {
    let mut out = Vec::new();
    for m in &model.metrics {
        let prefix = format!("usage.{}", m.id);
        let credits = m.is_credits();
        push_fields(&mut out, &prefix, "usage", USAGE_FIELDS, |f| {
            usage_field_kept(credits, f)
        });
        for w in &m.windows {
            let wp = format!("{prefix}.windows.{}", w.id);
            push_fields(&mut out, &wp, "window", WINDOW_FIELDS, |_| true);
        }
    }
    for f in &model.features {
        let prefix = format!("features.{}", f.id);
        push_fields(&mut out, &prefix, "features", FEATURE_FIELDS, |_| true);
    }
    push_fields(&mut out, "plan", "plan", PLAN_FIELDS, |_| true);
    push_fields(&mut out, "account", "account", ACCOUNT_FIELDS, |_| true);
    out.push(prefix_path(
        "account.traits.",
        "an account trait the host sends",
    ));
    push_fields(&mut out, "user", "user", USER_FIELDS, |_| true);
    out.push(prefix_path("user.traits.", "a user trait the host sends"));
    push_fields(&mut out, "page", "page", PAGE_FIELDS, |_| true);
    out.push(prefix_path(
        "signals.pendingInvites",
        "invitations not yet accepted",
    ));
    out.push(prefix_path(
        "signals.sharedLoginSuspected",
        "whether a login seems shared",
    ));
    out.push(prefix_path("signals.", "a signal the host sends"));
    out.push(VocabPath {
        path: "locale".to_owned(),
        ty: Type::String.name(),
        nullable: false,
        description: "the context's locale, such as 'ja-JP'".to_owned(),
    });
    out
}

fn ids(model: &Model, kind: Kind) -> Vec<String> {
    model.ids(kind).into_iter().map(str::to_owned).collect()
}

fn host_function(model: &Model, f: HostFn) -> VocabFunction {
    let (kind, arg, description) = match f {
        HostFn::HasFeature => (
            Kind::Feature,
            "feature",
            "the account has the feature (plan, add-on or trial)",
        ),
        HostFn::HasAddon => (Kind::Addon, "addon", "the account has the add-on"),
        HostFn::PlanAtLeast => (
            Kind::Plan,
            "plan",
            "the account's plan ranks at or above the plan",
        ),
    };
    VocabFunction {
        name: f.name(),
        method: false,
        receiver: None,
        args: vec![VocabArg {
            name: arg,
            ty: Type::String.name(),
            values: ids(model, kind),
        }],
        returns: Type::Bool.name(),
        description,
    }
}

fn method(name: &'static str, arg: &'static str, description: &'static str) -> VocabFunction {
    VocabFunction {
        name,
        method: true,
        receiver: Some(Type::String.name()),
        args: vec![VocabArg {
            name: arg,
            ty: Type::String.name(),
            values: Vec::new(),
        }],
        returns: Type::Bool.name(),
        description,
    }
}

/// The vocabulary of a model: its paths, functions and methods.
pub fn vocabulary(model: &Model) -> Vocabulary {
    let mut functions: Vec<VocabFunction> =
        [HostFn::HasFeature, HostFn::HasAddon, HostFn::PlanAtLeast]
            .into_iter()
            .map(|f| host_function(model, f))
            .collect();
    functions.push(VocabFunction {
        name: "size",
        method: false,
        receiver: None,
        args: vec![VocabArg {
            name: "value",
            ty: Type::Dyn.name(),
            values: Vec::new(),
        }],
        returns: Type::Number.name(),
        description: "the length of a list or a string",
    });
    functions.push(method(
        "startsWith",
        "prefix",
        "the string starts with the prefix",
    ));
    functions.push(method(
        "endsWith",
        "suffix",
        "the string ends with the suffix",
    ));
    functions.push(method("contains", "part", "the string contains the part"));
    Vocabulary {
        paths: paths(model),
        functions,
    }
}

impl ToJson for VocabPath {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("path", self.path.as_str())
            .field("type", self.ty)
            .field("nullable", &self.nullable);
        if !self.description.is_empty() {
            o.field("description", self.description.as_str());
        }
        o.end();
    }
}

impl ToJson for VocabArg {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("name", self.name)
            .field("type", self.ty)
            .field("values", &self.values)
            .end();
    }
}

impl ToJson for VocabFunction {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("name", self.name)
            .field("method", &self.method)
            .field("receiver", &self.receiver)
            .field("args", &self.args)
            .field("returns", self.returns)
            .field("description", self.description)
            .end();
    }
}

impl ToJson for Vocabulary {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("paths", &self.paths)
            .field("functions", &self.functions)
            .end();
    }
}
