//! Exposure logging: the experiments an evaluation exposed its unit to, as events of the log
//! `analyze` reads. A unit is exposed the first time one of an experiment's callouts passes
//! every guard for it, whatever its arm: a holdout unit would have seen the callout, so it is
//! logged as well. The program-wide holdout (`$program`) exposes a unit when any callout that
//! is not blocking passes the guards, with the arm `holdout` or `exposed`.

use super::recommend::{unit_id, Assigned, Decision, Eligible};
use super::Session;
use crate::base::date;
use crate::base::out::{Out, ToJson};
use crate::catalog::rules::PROGRAM_KEY;

/// The arm of a holdout, in every experiment's log.
pub const HOLDOUT_ARM: &str = "holdout";

/// The arm of the program-wide holdout's units that see callouts.
pub const EXPOSED_ARM: &str = "exposed";

/// One exposure event.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposure {
    /// When (the context's `now`, ms since the epoch).
    pub at: f64,
    /// The unit id (account or user, as the experiment's `unit` says).
    pub unit: String,
    /// The callout that exposed it.
    pub callout: String,
    /// Experiment key (`$program` for the program-wide holdout).
    pub experiment: String,
    /// Variant id, `holdout`, or for `$program` `exposed`.
    pub arm: String,
    /// Whether this is the unit's first exposure to the experiment that this engine's state
    /// knows of (only those are logged).
    pub new: bool,
}

impl ToJson for Exposure {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("type", "exposure")
            .field("at", date::format(self.at).as_str())
            .field("unit", self.unit.as_str())
            .field("callout", self.callout.as_str())
            .field("experiment", self.experiment.as_str())
            .field("arm", self.arm.as_str())
            .field("new", &self.new)
            .end();
    }
}

/// The exposures of a decision made with `exposures: true`, one per experiment (the first
/// eligible callout of the experiment names it), the program-wide holdout's first (named by
/// the eligible callout of highest priority that is not blocking: the one the unit would
/// most likely have seen). `new` is false: the state decides it.
pub fn collect(s: &Session, d: &Decision<'_>) -> Vec<Exposure> {
    let mut out: Vec<Exposure> = Vec::new();
    if let (Some(held), Some(h)) = (d.program, s.catalog.policy.program.as_ref()) {
        let first = d.eligible.iter().filter(|e| !e.blocking).reduce(|best, e| {
            if e.priority > best.priority {
                e
            } else {
                best
            }
        });
        if let (Some(e), Some(unit)) = (first, unit_id(s, h.unit_user)) {
            let arm = if held { HOLDOUT_ARM } else { EXPOSED_ARM };
            out.push(exposure(s, e, PROGRAM_KEY, arm, unit));
        }
    }
    // A unit the program-wide holdout holds back is in no rule experiment; its blocking
    // callouts, which the holdout lets through, still expose it.
    let program_held = d.program == Some(true);
    for e in d.eligible.iter().filter(|e| e.blocking || !program_held) {
        let (Some(a), Some(rule)) = (e.experiment, e.origin.rule_def(&s.catalog)) else {
            continue;
        };
        let Some(x) = rule.experiment.as_ref() else {
            continue;
        };
        if out.iter().any(|o| o.experiment == x.key) {
            continue;
        }
        let arm = match a {
            Assigned::Holdout => HOLDOUT_ARM,
            Assigned::Variant(v) => x.variants.get(v).map_or(HOLDOUT_ARM, |v| v.id.as_str()),
        };
        if let Some(unit) = unit_id(s, x.unit_user) {
            out.push(exposure(s, e, &x.key, arm, unit));
        }
    }
    out
}

fn exposure(s: &Session, e: &Eligible<'_>, experiment: &str, arm: &str, unit: &str) -> Exposure {
    Exposure {
        at: s.facts.now,
        unit: unit.to_owned(),
        callout: e.origin.callout_id(&s.catalog).into_owned(),
        experiment: experiment.to_owned(),
        arm: arm.to_owned(),
        new: false,
    }
}
