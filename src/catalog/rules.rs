//! Designer rules and the policies around them: readiness guards, frequency caps, placements,
//! built-in callout settings and right-sizing headroom.

use super::model::{CalloutKind, Kind, Model, Severity};
use super::schema::{CatalogSchema, Locals};
use super::template::{read_localized, read_url, Localized, Memo};
use crate::base::date;
use crate::base::diag::{did_you_mean, join, At, PathLike, PathSeg};
use crate::base::json::Val;
use crate::base::num::js;
use crate::base::read::{list, valid_id, Reader};
use crate::base::vocab::{Code, Placement};
use crate::expr::{self, Limits, Program, SlotTable};

/// What a rule's callout pushes.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleTarget {
    /// A plan by index.
    Plan(usize),
    /// An add-on by index.
    Addon(usize),
    /// The right-size plan (downsell).
    RightSize,
    /// The default of the kind: the next plan or add-on that fixes the situation.
    Auto,
}

/// A per-rule impression cap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cap {
    /// Most impressions in the window.
    pub max_impressions: u32,
    /// Window length in days (rolling, ending at `now`).
    pub per_days: f64,
}

/// A variant of a rule's experiment.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Variant id.
    pub id: String,
    /// Relative weight.
    pub weight: f64,
    /// Message overrides (field by field).
    pub message: Localized,
    /// Placement override.
    pub placement: Option<String>,
    /// Priority override.
    pub priority: Option<f64>,
}

/// A rule's experiment.
#[derive(Clone, Debug)]
pub struct Experiment {
    /// Experiment key (reported with exposures).
    pub key: String,
    /// Hash seed (default: the key).
    pub seed: String,
    /// Whether the unit is the user (else the account).
    pub unit_user: bool,
    /// Share of units held out.
    pub holdout: f64,
    /// Variants, in order.
    pub variants: Vec<Variant>,
}

/// The experiment key and hash seed of the program-wide holdout (a key no rule may use).
pub const PROGRAM_KEY: &str = "$program";

/// The catalog's program-wide holdout (`holdout`): a share of units kept away from every
/// callout but the blocking ones, so the whole program's lift can be measured.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgramHoldout {
    /// Share of units held out, in [0, 1).
    pub share: f64,
    /// Hash seed (default `$program`).
    pub seed: String,
    /// Whether the unit is the user (else the account).
    pub unit_user: bool,
}

/// A designer rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Id (also the callout id): a valid id (letters, digits, `_` and `-`), so JSON writes it
    /// as it is, between quotes.
    pub id: String,
    /// Callout kind.
    pub kind: CalloutKind,
    /// Placement.
    pub placement: String,
    /// Priority (higher first).
    pub priority: f64,
    /// Severity of its callout.
    pub severity: Severity,
    /// Condition.
    pub when: Program,
    /// Message per locale.
    pub message: Localized,
    /// Target.
    pub target: RuleTarget,
    /// CTA URL (relative or http(s)).
    pub cta_url: Option<String>,
    /// Per-rule cap.
    pub cap: Option<Cap>,
    /// Experiment.
    pub experiment: Option<Experiment>,
    /// Active from (ms since epoch).
    pub active_from: Option<f64>,
    /// Active until (exclusive).
    pub active_until: Option<f64>,
    /// Skip readiness guards.
    pub ignore_readiness: bool,
}

pub use crate::base::vocab::Onboarding;

/// Readiness guards.
#[derive(Clone, Copy, Debug)]
pub struct Readiness {
    /// Minimum account age in days.
    pub min_tenure_days: Option<f64>,
    /// Minimum health score.
    pub min_health_score: Option<f64>,
    /// Block while support escalations are open.
    pub block_on_open_escalations: bool,
    /// Onboarding policy.
    pub onboarding: Onboarding,
    /// Minimum share of plan features in use.
    pub min_feature_adoption: Option<f64>,
}

impl Default for Readiness {
    fn default() -> Self {
        Readiness {
            min_tenure_days: None,
            min_health_score: None,
            block_on_open_escalations: false,
            onboarding: Onboarding::Allow,
            min_feature_adoption: None,
        }
    }
}

/// Global frequency caps.
#[derive(Clone, Copy, Debug, Default)]
pub struct Frequency {
    /// Most distinct callouts shown in 24 hours.
    pub max_per_day: Option<u32>,
    /// Minutes between two different callouts.
    pub min_minutes_between: Option<f64>,
    /// Days a dismissed callout stays hidden.
    pub dismiss_cooldown_days: Option<f64>,
}

/// Settings of one built-in callout.
#[derive(Clone, Debug)]
pub struct Builtin {
    /// Whether it takes part in `evaluate`.
    pub enabled: bool,
    /// Placement.
    pub placement: String,
    /// Priorities: feature gate uses `[0]`; usage limit uses approaching, critical, at/over.
    pub priorities: [f64; 3],
}

/// Everything around the catalog that `evaluate` needs.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Rules in config order.
    pub rules: Vec<Rule>,
    /// Readiness guards.
    pub readiness: Readiness,
    /// Frequency caps.
    pub frequency: Frequency,
    /// Placements with their maximum number of callouts (`None` = no maximum).
    pub placements: Vec<(String, Option<u32>)>,
    /// Built-in feature gate.
    pub feature_gate: Builtin,
    /// Built-in usage limit.
    pub usage_limit: Builtin,
    /// Built-in top-up of a credit metric (priorities for `low`, `critical`, `empty`).
    pub top_up: Builtin,
    /// Right-sizing headroom (0.2 = 20% spare).
    pub headroom: f64,
    /// The program-wide holdout, when configured.
    pub program: Option<ProgramHoldout>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            rules: Vec::new(),
            readiness: Readiness::default(),
            frequency: Frequency::default(),
            placements: vec![
                (Placement::Banner.as_str().into(), Some(1)),
                (Placement::Inline.as_str().into(), Some(3)),
                (Placement::Modal.as_str().into(), Some(1)),
            ],
            feature_gate: Builtin {
                enabled: true,
                placement: Placement::Modal.as_str().into(),
                priorities: [100.0; 3],
            },
            usage_limit: Builtin {
                enabled: true,
                placement: Placement::Banner.as_str().into(),
                priorities: [10.0, 20.0, 100.0],
            },
            top_up: Builtin {
                enabled: true,
                placement: Placement::Banner.as_str().into(),
                priorities: [10.0, 20.0, 100.0],
            },
            headroom: 0.2,
            program: None,
        }
    }
}

fn opt_number(
    r: &mut Reader,
    o: Val<'_>,
    key: &str,
    path: &dyn PathLike,
    min: f64,
    max: f64,
) -> Option<f64> {
    let v = o.get(key)?;
    let base = path.at();
    let p = base.key(key);
    let n = r.number(v, &p)?;
    if n < min || n > max {
        r.error(
            Code::OutOfRange,
            format!(
                "`{key}` must be from {} to {}, found `{}`",
                js(min),
                js(max),
                js(n)
            ),
            &p,
        );
        return None;
    }
    Some(n)
}

/// A whole number from 0 to `max`.
fn opt_count(r: &mut Reader, o: Val<'_>, key: &str, path: &dyn PathLike, max: f64) -> Option<u32> {
    let n = opt_number(r, o, key, path, 0.0, max)?;
    if n.fract() != 0.0 {
        r.error(
            Code::InvalidValue,
            format!("`{key}` must be a whole number, found `{}`", js(n)),
            &path.at().key(key),
        );
        return None;
    }
    Some(n as u32)
}

/// Reads the policy keys of the config root, in order: placements first (built-ins and rules
/// name them), then readiness, frequency, right-sizing, the built-ins and the rules.
pub(crate) fn read_policy(
    r: &mut Reader,
    root: Val<'_>,
    model: &Model,
    memo: &Memo,
    slots: &mut SlotTable,
) -> Policy {
    let mut policy = Policy::default();
    let at = |k: &str| join(&[], k);
    if let Some(v) = root.get("placements") {
        if let Some(placements) = read_placements(r, v, &at("placements")) {
            policy.placements = placements;
        }
    }
    if let Some(v) = root.get("readiness") {
        read_readiness(r, v, &at("readiness"), &mut policy.readiness);
    }
    if let Some(v) = root.get("frequency") {
        read_frequency(r, v, &at("frequency"), &mut policy.frequency);
    }
    if let Some(v) = root.get("rightSizing") {
        if let Some(h) = read_right_sizing(r, v, &at("rightSizing")) {
            policy.headroom = h;
        }
    }
    if let Some(v) = root.get("builtins") {
        read_builtins(r, v, &at("builtins"), &mut policy);
    }
    if let Some(v) = root.get("holdout") {
        policy.program = read_program(r, v, &at("holdout"));
    }
    if root.get("placements").is_some() {
        let credits = model.metrics.iter().any(|m| m.is_credits());
        check_builtin_placements(r, &policy, &at("placements"), credits);
    }
    if let Some(v) = root.get("rules") {
        let scope = RuleScope {
            model,
            memo,
            placements: &policy.placements,
        };
        policy.rules = read_rules(r, v, &at("rules"), &scope, slots);
    }
    policy
}

/// `placements`: names with an optional `max`, replacing the default placements.
fn read_placements(
    r: &mut Reader,
    v: Val<'_>,
    p: &[PathSeg],
) -> Option<Vec<(String, Option<u32>)>> {
    let m = r.map(v, &p)?;
    if m.len() > MAX_PLACEMENTS {
        r.error(
            Code::TooMany,
            format!(
                "at most {MAX_PLACEMENTS} placements are supported, found {}",
                m.len()
            ),
            &p,
        );
    }
    let mut placements = Vec::new();
    for (name, pv) in m.entries().take(MAX_PLACEMENTS) {
        let pp = join(p, name);
        if !valid_id(name, false) {
            r.id_error(name, &pp, false);
            continue;
        }
        let Some(o) = r.object(pv, &pp, &["max"]) else {
            continue;
        };
        let max = opt_count(r, o, "max", &pp, 1000.0);
        placements.push((name.to_owned(), max));
    }
    Some(placements)
}

/// `readiness`: the guards that hold callouts back from accounts not ready for them.
fn read_readiness(r: &mut Reader, v: Val<'_>, p: &[PathSeg], rd: &mut Readiness) {
    let fields = [
        "minTenureDays",
        "minHealthScore",
        "blockOnOpenEscalations",
        "onboarding",
        "minFeatureAdoption",
    ];
    let Some(o) = r.object(v, &p, &fields) else {
        return;
    };
    rd.min_tenure_days = opt_number(r, o, "minTenureDays", &p, 0.0, 36500.0);
    rd.min_health_score = opt_number(r, o, "minHealthScore", &p, f64::MIN, f64::MAX);
    rd.min_feature_adoption = opt_number(r, o, "minFeatureAdoption", &p, 0.0, 1.0);
    if let Some(b) = o.get("blockOnOpenEscalations") {
        rd.block_on_open_escalations = r
            .bool(b, &join(p, "blockOnOpenEscalations"))
            .unwrap_or(false);
    }
    if let Some(ov) = o.get("onboarding") {
        rd.onboarding = read_onboarding(r, ov, &join(p, "onboarding"));
    }
}

/// `readiness.onboarding`: one of the [`Onboarding`] policies (`allow` when unreadable).
fn read_onboarding(r: &mut Reader, v: Val<'_>, op: &[PathSeg]) -> Onboarding {
    let opts = Onboarding::NAMES;
    let read = r.string(v, &op);
    match read.as_deref().map(|s| (s, Onboarding::parse(s))) {
        Some((_, Some(policy))) => policy,
        Some((other, None)) => {
            r.error_help(
                Code::InvalidValue,
                format!("unknown onboarding policy `{other}`"),
                &op,
                did_you_mean(other, opts)
                    .or_else(|| Some(format!("expected one of {}", list(&opts)))),
            );
            Onboarding::Allow
        }
        None => Onboarding::Allow,
    }
}

/// `frequency`: the caps across all callouts.
fn read_frequency(r: &mut Reader, v: Val<'_>, p: &[PathSeg], f: &mut Frequency) {
    if let Some(o) = r.object(
        v,
        &p,
        &["maxPerDay", "minMinutesBetween", "dismissCooldownDays"],
    ) {
        f.max_per_day = opt_count(r, o, "maxPerDay", &p, 1000.0);
        f.min_minutes_between = opt_number(r, o, "minMinutesBetween", &p, 0.0, 525_600.0);
        f.dismiss_cooldown_days = opt_number(r, o, "dismissCooldownDays", &p, 0.0, 3650.0);
    }
}

/// `rightSizing`: the headroom a cheaper plan must leave, when given.
fn read_right_sizing(r: &mut Reader, v: Val<'_>, p: &[PathSeg]) -> Option<f64> {
    let o = r.object(v, &p, &["headroom"])?;
    opt_number(r, o, "headroom", &p, 0.0, 10.0)
}

/// `builtins`: the settings of the feature-gate and usage-limit callouts.
fn read_builtins(r: &mut Reader, v: Val<'_>, p: &[PathSeg], policy: &mut Policy) {
    let Some(o) = r.object(v, &p, &["featureGate", "usageLimit", "topUp"]) else {
        return;
    };
    let placements = policy.placements.clone();
    if let Some(b) = o.get("featureGate") {
        read_builtin(
            r,
            b,
            &join(p, "featureGate"),
            &mut policy.feature_gate,
            &placements,
            &["placement", "priority"],
            LIMIT_LEVELS,
        );
    }
    if let Some(b) = o.get("usageLimit") {
        read_builtin(
            r,
            b,
            &join(p, "usageLimit"),
            &mut policy.usage_limit,
            &placements,
            &["placement", "priority", "priorities"],
            LIMIT_LEVELS,
        );
    }
    if let Some(b) = o.get("topUp") {
        read_builtin(
            r,
            b,
            &join(p, "topUp"),
            &mut policy.top_up,
            &placements,
            &["placement", "priority", "priorities"],
            ["low", "critical", "empty"],
        );
    }
}

/// The levels of `builtins.usageLimit.priorities`.
const LIMIT_LEVELS: [&str; 3] = ["approaching", "critical", "atLimit"];

/// With `placements` given, each enabled built-in must use one of them.
/// (The top-up only counts in a catalog with a credit metric, `credits`.)
fn check_builtin_placements(r: &mut Reader, policy: &Policy, p: &[PathSeg], credits: bool) {
    for (name, b) in [
        ("featureGate", &policy.feature_gate),
        ("usageLimit", &policy.usage_limit),
        ("topUp", &policy.top_up),
    ] {
        if name == "topUp" && !credits {
            continue;
        }
        if b.enabled && !policy.placements.iter().any(|(p, _)| *p == b.placement) {
            r.error_help(
                Code::UnknownPlacement,
                format!("the built-in `{name}` callout uses placement `{}`, which `placements` does not define", b.placement),
                &p,
                Some(format!("add `{}` to `placements`, or set `builtins.{name}.placement`", b.placement)),
            );
        }
    }
}

/// `rules`: each rule read, its slots shared with the others, repeated ids refused.
fn read_rules(
    r: &mut Reader,
    v: Val<'_>,
    p: &[PathSeg],
    scope: &RuleScope<'_>,
    slots: &mut SlotTable,
) -> Vec<Rule> {
    let mut out = Vec::new();
    // Ids as the document holds them (a rule that loaded has a valid id there).
    let mut seen = crate::base::FastSet::<&str>::default();
    for (i, rv) in r
        .array(v, &p)
        .into_iter()
        .flat_map(|x| x.items())
        .enumerate()
    {
        let rules = p.at();
        let rp = rules.index(i);
        if let Some(mut rule) = read_rule(r, rv, &rp, scope) {
            rule.when.share_slots(slots);
            if !seen.insert(rv.get("id").and_then(|x| x.as_str()).unwrap_or_default()) {
                r.error(
                    Code::DuplicateId,
                    format!("duplicate rule id `{}`", rule.id),
                    &rp.key("id"),
                );
                continue;
            }
            out.push(rule);
        }
    }
    out
}

/// The most placements a config may define: a page has a handful of places for callouts, and
/// every rule and every evaluation looks its placement up among them.
pub const MAX_PLACEMENTS: usize = 100;

fn check_placement(
    r: &mut Reader,
    name: &str,
    path: &dyn PathLike,
    placements: &[(String, Option<u32>)],
) -> bool {
    if placements.iter().any(|(p, _)| p == name) {
        return true;
    }
    let names: Vec<&str> = placements.iter().map(|(p, _)| p.as_str()).collect();
    let help = did_you_mean(name, names.iter().copied())
        .or_else(|| Some(format!("expected one of {}", list(&names))));
    r.error_help(
        Code::UnknownPlacement,
        format!("unknown placement `{name}`"),
        path,
        help,
    );
    false
}

fn read_builtin(
    r: &mut Reader,
    v: Val<'_>,
    p: &[PathSeg],
    b: &mut Builtin,
    placements: &[(String, Option<u32>)],
    fields: &[&str],
    levels: [&str; 3],
) {
    if let Some(on) = v.as_bool() {
        b.enabled = on;
        return;
    }
    let Some(o) = r.object(v, &p, fields) else {
        return;
    };
    if let Some(pl) = o
        .get("placement")
        .and_then(|x| r.string(x, &join(p, "placement")))
    {
        if check_placement(r, &pl, &join(p, "placement"), placements) {
            b.placement = pl;
        }
    }
    if let Some(n) = opt_number(r, o, "priority", &p, -1e9, 1e9) {
        b.priorities = [n; 3];
    }
    if let Some(pv) = o.get("priorities") {
        let pp = join(p, "priorities");
        if let Some(po) = r.object(pv, &pp, &levels) {
            for (i, key) in levels.iter().enumerate() {
                if let (Some(n), Some(slot)) = (
                    opt_number(r, po, key, &pp, -1e9, 1e9),
                    b.priorities.get_mut(i),
                ) {
                    *slot = n;
                }
            }
        }
    }
}

const RULE_FIELDS: &[&str] = &[
    "id",
    "kind",
    "when",
    "placement",
    "priority",
    "severity",
    "message",
    "target",
    "cta",
    "cap",
    "experiment",
    "activeFrom",
    "activeUntil",
    "ignoreReadiness",
    "description",
];

/// What reading a rule needs besides the rule: the finished model, the load's template memo
/// and the placements the config defines.
struct RuleScope<'a> {
    model: &'a Model,
    memo: &'a Memo,
    placements: &'a [(String, Option<u32>)],
}

fn read_rule(r: &mut Reader, v: Val<'_>, rp: &At<'_>, scope: &RuleScope<'_>) -> Option<Rule> {
    let o = r.object(v, rp, RULE_FIELDS)?;
    let before = r.errors.len();
    let id = r
        .required(o, "id", rp)
        .and_then(|x| r.id(x, &rp.key("id"), false));
    let kind = read_rule_kind(r, o, rp);
    let placement = read_rule_placement(r, o, rp, scope.placements);
    let priority = opt_number(r, o, "priority", rp, -1e9, 1e9).unwrap_or(0.0);
    let severity = read_rule_severity(r, o, rp);
    let schema = CatalogSchema {
        model: scope.model,
        locals: Locals {
            feature: false,
            metric: false,
            target: true,
        },
    };
    let when = read_rule_when(r, o, rp, scope.model);
    let message = read_rule_message(r, o, rp, &schema, scope.memo, before);
    let target = read_rule_target(r, o, rp, scope.model);
    if kind == Some(CalloutKind::CrossSell)
        && !matches!(target, RuleTarget::Addon(_))
        && r.errors.len() == before
    {
        r.error_help(
            Code::MissingTarget,
            "a `cross_sell` rule needs a `target` add-on",
            rp,
            Some("add `\"target\": \"<add-on id>\"`".into()),
        );
    }
    let cta_url = read_rule_cta(r, o, rp);
    let cap = read_rule_cap(r, o, rp);
    let experiment = o.get("experiment").and_then(|e| {
        let ep = rp.key("experiment").path();
        read_experiment(r, e, &ep, &schema, scope.memo, scope.placements)
    });
    let (active_from, active_until) = read_rule_schedule(r, o, rp);
    let ignore_readiness = o
        .get("ignoreReadiness")
        .and_then(|b| r.bool(b, &rp.key("ignoreReadiness")))
        .unwrap_or(false);
    if let Some(d) = o.get("description") {
        r.str(d, &rp.key("description"));
    }
    if r.errors.len() != before {
        return None;
    }
    Some(Rule {
        id: id?,
        kind: kind?,
        placement: placement?,
        priority,
        severity,
        when: when?,
        message,
        target,
        cta_url,
        cap,
        experiment,
        active_from,
        active_until,
        ignore_readiness,
    })
}

/// A rule's `kind` (required), one of the [`CalloutKind`]s.
fn read_rule_kind(r: &mut Reader, o: Val<'_>, rp: &At<'_>) -> Option<CalloutKind> {
    let Some(k) = o.get("kind") else {
        r.error(Code::MissingField, "missing field `kind`", rp);
        return None;
    };
    let kp = rp.key("kind");
    let s = r.str(k, &kp)?;
    let found = CalloutKind::parse(s);
    if found.is_none() {
        r.error_help(
            Code::UnknownKind,
            format!("unknown rule kind `{s}`"),
            &kp,
            did_you_mean(s, CalloutKind::NAMES.iter().copied())
                .or_else(|| Some(format!("expected one of {}", list(&CalloutKind::NAMES)))),
        );
    }
    found
}

/// A rule's `placement`, one the config defines (default `banner`).
fn read_rule_placement(
    r: &mut Reader,
    o: Val<'_>,
    rp: &At<'_>,
    placements: &[(String, Option<u32>)],
) -> Option<String> {
    match o.get("placement") {
        Some(pv) => {
            let pp = rp.key("placement");
            r.string(pv, &pp)
                .filter(|s| check_placement(r, s, &pp, placements))
        }
        None => Some(Placement::Banner.as_str().to_owned())
            .filter(|s| check_placement(r, s, rp, placements)),
    }
}

/// A rule's `severity` (default `info`).
fn read_rule_severity(r: &mut Reader, o: Val<'_>, rp: &At<'_>) -> Severity {
    let Some(sv) = o.get("severity") else {
        return Severity::Info;
    };
    let sp = rp.key("severity");
    match r.str(sv, &sp).map(|s| (s, Severity::parse(s))) {
        Some((_, Some(severity))) => severity,
        Some((other, None)) => {
            r.error(
                Code::InvalidValue,
                format!("unknown severity `{other}`; expected `info`, `warning` or `blocking`"),
                &sp,
            );
            Severity::Info
        }
        None => Severity::Info,
    }
}

/// A rule's `when` (required), compiled against the model's readable paths.
fn read_rule_when(r: &mut Reader, o: Val<'_>, rp: &At<'_>, model: &Model) -> Option<Program> {
    let Some(w) = o.get("when") else {
        r.error(Code::MissingField, "missing field `when`", rp);
        return None;
    };
    let wp = rp.key("when");
    let when_schema = CatalogSchema {
        model,
        locals: Locals::default(),
    };
    let src = r.str(w, &wp)?;
    match expr::compile(src, &when_schema, &Limits::default()) {
        Ok(p) => Some(p),
        Err(errs) => {
            for e in errs {
                r.error_span(e.code, e.message, (&wp, w), e.help, e.span);
            }
            None
        }
    }
}

/// A rule's `message` (required): texts per locale, with a title in at least one when the
/// rule has no other problem (`before`: the error count when the rule's reading began).
fn read_rule_message(
    r: &mut Reader,
    o: Val<'_>,
    rp: &At<'_>,
    schema: &CatalogSchema,
    memo: &Memo,
    before: usize,
) -> Localized {
    let Some(m) = o.get("message") else {
        r.error(Code::MissingField, "missing field `message`", rp);
        return Localized::new();
    };
    let mp = rp.key("message");
    let msg_fields = &["title", "body", "cta"];
    let loc = read_localized(r, m, &mp, schema, memo, msg_fields);
    if loc.iter().all(|(_, f)| f.title.is_none()) && r.errors.len() == before {
        r.error(
            Code::MissingTitle,
            "the message needs a `title` in at least one locale",
            &mp,
        );
    }
    loc
}

/// A rule's `target`: a plan, an add-on, `rightSize`, or chosen per account when absent.
fn read_rule_target(r: &mut Reader, o: Val<'_>, rp: &At<'_>, model: &Model) -> RuleTarget {
    let Some(tv) = o.get("target") else {
        return RuleTarget::Auto;
    };
    let tp = rp.key("target");
    let Some(t) = r.str(tv, &tp) else {
        return RuleTarget::Auto;
    };
    if t == "rightSize" {
        return RuleTarget::RightSize;
    }
    match (model.find(Kind::Plan, t), model.find(Kind::Addon, t)) {
        (Some(p), _) => RuleTarget::Plan(p),
        (None, Some(a)) => RuleTarget::Addon(a),
        _ => {
            let help = if crate::base::diag::may_suggest() {
                let mut names = model.ids(Kind::Plan);
                names.extend(model.ids(Kind::Addon));
                names.push("rightSize");
                did_you_mean(t, names)
            } else {
                None
            };
            r.error_help(
                Code::UnknownTarget,
                format!("unknown target `{t}`: not a plan, an add-on or `rightSize`"),
                &tp,
                help,
            );
            RuleTarget::Auto
        }
    }
}

/// A rule's `cta.url`, if any.
fn read_rule_cta(r: &mut Reader, o: Val<'_>, rp: &At<'_>) -> Option<String> {
    let c = o.get("cta")?;
    let cp = rp.key("cta");
    let co = r.object(c, &cp, &["url"])?;
    read_url(r, co.get("url"), &cp.key("url"))
}

/// A rule's `cap`: at most `maxImpressions` (required) per `perDays` (default ten years).
fn read_rule_cap(r: &mut Reader, o: Val<'_>, rp: &At<'_>) -> Option<Cap> {
    let c = o.get("cap")?;
    let cp = rp.key("cap");
    let co = r.object(c, &cp, &["maxImpressions", "perDays"])?;
    let max = opt_count(r, co, "maxImpressions", &cp, 1e6);
    let per = opt_number(r, co, "perDays", &cp, 0.001, 3650.0);
    if max.is_none() && co.get("maxImpressions").is_none() {
        r.error(Code::MissingField, "missing field `maxImpressions`", &cp);
    }
    Some(Cap {
        max_impressions: max?,
        per_days: per.unwrap_or(3650.0),
    })
}

/// A rule's `activeFrom` and `activeUntil`, the second after the first.
fn read_rule_schedule(r: &mut Reader, o: Val<'_>, rp: &At<'_>) -> (Option<f64>, Option<f64>) {
    let active_from = date_field(r, o, "activeFrom", rp);
    let active_until = date_field(r, o, "activeUntil", rp);
    if let (Some(f), Some(u)) = (active_from, active_until) {
        if u <= f {
            r.error(
                Code::InvalidPeriod,
                "`activeUntil` must be after `activeFrom`",
                &rp.key("activeUntil"),
            );
        }
    }
    (active_from, active_until)
}

fn date_field(r: &mut Reader, o: Val<'_>, key: &str, rp: &At<'_>) -> Option<f64> {
    let v = o.get(key)?;
    let p = rp.key(key);
    let s = r.string(v, &p)?;
    let t = date::parse(&s);
    if t.is_none() {
        r.error(
            Code::InvalidDate,
            format!("`{s}` is not an RFC 3339 date such as `2026-11-24T09:00:00Z`"),
            &p,
        );
    }
    t
}

/// `unit`: `account` (the default, false) or `user` (true).
fn read_unit(r: &mut Reader, o: Val<'_>, p: &[PathSeg]) -> bool {
    let Some(u) = o.get("unit") else {
        return false;
    };
    match r.string(u, &join(p, "unit")).as_deref() {
        Some("user") => true,
        Some("account") | None => false,
        Some(other) => {
            r.error(
                Code::InvalidValue,
                format!("unknown unit `{other}`; expected `account` or `user`"),
                &join(p, "unit"),
            );
            false
        }
    }
}

/// `holdout`: the program-wide holdout, `{ share, seed?, unit? }`.
fn read_program(r: &mut Reader, v: Val<'_>, p: &[PathSeg]) -> Option<ProgramHoldout> {
    let o = r.object(v, &p, &["share", "seed", "unit"])?;
    if o.get("share").is_none() {
        r.error(Code::MissingField, "missing field `share`", &p);
        return None;
    }
    let share = opt_number(r, o, "share", &p, 0.0, 0.99)?;
    let seed = match o.get("seed") {
        Some(s) => r.text(s, &join(p, "seed"), 200)?,
        None => PROGRAM_KEY.to_owned(),
    };
    let unit_user = read_unit(r, o, p);
    Some(ProgramHoldout {
        share,
        seed,
        unit_user,
    })
}

fn read_experiment(
    r: &mut Reader,
    v: Val<'_>,
    p: &[PathSeg],
    schema: &CatalogSchema,
    memo: &Memo,
    placements: &[(String, Option<u32>)],
) -> Option<Experiment> {
    let o = r.object(v, &p, &["key", "seed", "unit", "holdout", "variants"])?;
    let key = match o.get("key") {
        Some(k) => r.text(k, &join(p, "key"), 200)?,
        None => {
            r.error(Code::MissingField, "missing field `key`", &p);
            return None;
        }
    };
    let seed = match o.get("seed") {
        Some(s) => r.string(s, &join(p, "seed"))?,
        None => key.clone(),
    };
    if key == PROGRAM_KEY {
        r.error(
            Code::InvalidValue,
            format!("experiment key `{PROGRAM_KEY}` is the program-wide holdout's (`holdout`)"),
            &join(p, "key"),
        );
    }
    let unit_user = read_unit(r, o, p);
    let holdout = opt_number(r, o, "holdout", &p, 0.0, 0.99).unwrap_or(0.0);
    let mut variants = Vec::new();
    let vp = join(p, "variants");
    for (i, item) in o
        .get("variants")
        .and_then(|v| r.array(v, &vp))
        .into_iter()
        .flat_map(|v| v.items())
        .enumerate()
    {
        let ip = join(&vp, i);
        let Some(vo) = r.object(
            item,
            &ip,
            &["id", "weight", "message", "placement", "priority"],
        ) else {
            continue;
        };
        let Some(id) = vo.get("id").and_then(|x| r.text(x, &join(&ip, "id"), 64)) else {
            if vo.get("id").is_none() {
                r.error(Code::MissingField, "missing field `id`", &ip);
            }
            continue;
        };
        if variants.iter().any(|x: &Variant| x.id == id) {
            r.error(
                Code::DuplicateId,
                format!("duplicate variant id `{id}`"),
                &join(&ip, "id"),
            );
        }
        let weight = opt_number(r, vo, "weight", &ip, 0.0, 1e6).unwrap_or(1.0);
        let message = vo
            .get("message")
            .map(|m| {
                read_localized(
                    r,
                    m,
                    &ip.at().key("message"),
                    schema,
                    memo,
                    &["title", "body", "cta"],
                )
            })
            .unwrap_or_default();
        let placement = vo.get("placement").and_then(|x| {
            let pp = join(&ip, "placement");
            r.string(x, &pp)
                .filter(|s| check_placement(r, s, &pp, placements))
        });
        let priority = opt_number(r, vo, "priority", &ip, -1e9, 1e9);
        variants.push(Variant {
            id,
            weight,
            message,
            placement,
            priority,
        });
    }
    if variants.is_empty() {
        r.error(
            Code::MissingVariants,
            "an experiment needs at least one variant",
            &vp,
        );
    } else if variants.iter().map(|v| v.weight).sum::<f64>() <= 0.0 {
        r.error(
            Code::InvalidValue,
            "variant weights must not all be zero",
            &vp,
        );
    }
    Some(Experiment {
        key,
        seed,
        unit_user,
        holdout,
        variants,
    })
}
