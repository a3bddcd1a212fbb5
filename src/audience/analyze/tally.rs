//! [`Analysis`]: the outcome report's counts, built in two passes over the same records, in
//! memory bounded by the units, experiments and callouts of the log, never by its events.
//!
//! - The first pass ([`Analysis::add`]) checks every record and counts it: totals, each
//!   callout's events by placement and kind, the units, and each unit's first exposure in each
//!   experiment (earliest `at`; its arm is the unit's arm).
//! - The second pass ([`Analysis::attribute`]) reads the conversions again and credits each to
//!   every experiment in which its unit was first exposed at or before it. Two passes make
//!   this exact whatever the order of the log: a conversion read before an exposure that
//!   precedes it in time is still credited.

use super::event::{check, Bad, Event, EventType, Raw, EXPOSED, HOLDOUT, PROGRAM};
use super::report::{
    AnalysisReport, ArmResult, Breakdown, CalloutResult, Counts, EventTotals, ExperimentResult,
    LineError, Srm, Window,
};
use super::stats::{lift, srm, wilson, Rate, SRM_ALPHA};
use crate::audience::MAX_ERROR_ROWS;
use crate::base::diag::{did_you_mean, Diagnostic};
use crate::base::vocab::{CalloutKind, Code};
use crate::base::FastMap;
use crate::catalog::Catalog;
use crate::decide::unlock::list_price;
use crate::engine::Engine;

/// Which of the two passes reads the records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// Every record is checked and counted ([`Analysis::add`]).
    Count,
    /// Conversions are credited to exposures ([`Analysis::attribute`]).
    Attribute,
}

/// No index (an absent placement or kind, the end of a unit's exposures).
const NONE: u32 = u32::MAX;

/// Money in millionths of the currency unit.
fn micros(x: f64) -> i64 {
    (x * 1e6).round() as i64
}

fn from_micros(m: i128) -> f64 {
    m as f64 / 1e6
}

/// An experiment: configured by a rule, or found in the log.
struct ExperimentAcc {
    key: String,
    rules: Vec<String>,
    unit: Option<&'static str>,
    /// Arm ids: the holdout first when configured (or seen).
    arms: Vec<String>,
    /// The configured share of each arm.
    shares: Option<Vec<f64>>,
    /// Whether other arms are refused (a configured experiment, the program holdout).
    closed: bool,
}

/// A unit's first exposure in one experiment, in the unit's list.
struct Expo {
    experiment: u32,
    arm: u32,
    first: f64,
    next: u32,
    several: bool,
    converted: bool,
    mrr: i64,
}

/// Events in millionths.
#[derive(Clone, Copy, Default)]
struct Tally {
    exposures: u64,
    impressions: u64,
    clicks: u64,
    dismissals: u64,
    conversions: u64,
    mrr: i128,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.exposures += o.exposures;
        self.impressions += o.impressions;
        self.clicks += o.clicks;
        self.dismissals += o.dismissals;
        self.conversions += o.conversions;
        self.mrr += o.mrr;
    }

    /// Whether any event was counted.
    fn any(&self) -> bool {
        self.exposures + self.impressions + self.clicks + self.dismissals + self.conversions > 0
    }

    fn counts(&self) -> Counts {
        Counts {
            exposures: self.exposures,
            impressions: self.impressions,
            clicks: self.clicks,
            dismissals: self.dismissals,
            conversions: self.conversions,
            mrr: from_micros(self.mrr),
        }
    }
}

/// What the catalog says of a callout id: kind and placement index.
#[derive(Clone, Copy)]
struct Known {
    kind: CalloutKind,
    placement: u32,
}

#[derive(Default)]
struct Totals {
    events: u64,
    used: u64,
    outside: u64,
    bad: u64,
    conversions: u64,
    without_callout: u64,
    mrr: i128,
    first_at: Option<f64>,
    last_at: Option<f64>,
}

/// The analysis of an event log against a catalog (see the module's documentation).
pub struct Analysis {
    window: Window,
    /// The catalog's callouts: rule ids, then `feature_gate:<f>` and `usage_limit:<m>`.
    known: FastMap<String, Known>,
    /// Plans and add-ons: list price (`None`: contact sales).
    targets: FastMap<String, Option<f64>>,
    target_ids: Vec<String>,
    experiments: Vec<ExperimentAcc>,
    experiment_index: FastMap<String, u32>,
    units: FastMap<Box<str>, u32>,
    /// The unit of the last event and its index (units: the first has index 0, so the empty
    /// id, which no event has, stands for none).
    last_unit: (String, u32),
    /// Per unit, its first exposure record (or [`NONE`]).
    heads: Vec<u32>,
    expos: Vec<Expo>,
    /// Callout ids, each with what the catalog says of it.
    callouts: Vec<(Box<str>, Option<Known>)>,
    callout_index: FastMap<Box<str>, u32>,
    placements: Vec<Box<str>>,
    placement_index: FastMap<Box<str>, u32>,
    /// Events per (callout, placement, kind slot).
    cells: FastMap<(u32, u32, u8), Tally>,
    totals: Totals,
    errors: Vec<LineError>,
    /// Bad lines per code (by the code's place in the vocabulary).
    codes: Vec<u64>,
}

impl Analysis {
    /// An empty analysis of `engine`'s catalog, counting the events inside `window`.
    pub fn new(engine: &Engine, window: Window) -> Analysis {
        let catalog = engine.catalog();
        let mut a = Analysis {
            window,
            known: FastMap::default(),
            targets: FastMap::default(),
            target_ids: Vec::new(),
            experiments: Vec::new(),
            experiment_index: FastMap::default(),
            units: FastMap::default(),
            last_unit: (String::new(), 0),
            heads: Vec::new(),
            expos: Vec::new(),
            callouts: Vec::new(),
            callout_index: FastMap::default(),
            placements: Vec::new(),
            placement_index: FastMap::default(),
            cells: FastMap::default(),
            totals: Totals::default(),
            errors: Vec::new(),
            codes: vec![0; Code::ALL.len()],
        };
        a.read_catalog(catalog);
        a
    }

    /// Copies what the analysis needs from the catalog: callouts, targets, experiments.
    fn read_catalog(&mut self, catalog: &Catalog) {
        for r in &catalog.policy.rules {
            let placement = self.placement(&r.placement);
            self.known.entry(r.id.clone()).or_insert(Known {
                kind: r.kind,
                placement,
            });
            if let Some(e) = &r.experiment {
                self.configure(&r.id, e);
            }
        }
        if let Some(h) = &catalog.policy.program {
            self.configure_program(h);
        }
        let gate = self.placement(&catalog.policy.feature_gate.placement);
        for f in &catalog.features {
            self.known.insert(
                format!("feature_gate:{}", f.id),
                Known {
                    kind: CalloutKind::FeatureGate,
                    placement: gate,
                },
            );
        }
        let limit = self.placement(&catalog.policy.usage_limit.placement);
        let top_up = self.placement(&catalog.policy.top_up.placement);
        for m in &catalog.metrics {
            self.known.insert(
                format!("usage_limit:{}", m.id),
                Known {
                    kind: CalloutKind::UsageLimit,
                    placement: limit,
                },
            );
            if m.is_credits() {
                self.known.insert(
                    format!("top_up:{}", m.id),
                    Known {
                        kind: CalloutKind::TopUp,
                        placement: top_up,
                    },
                );
            }
        }
        for (i, p) in catalog.plans.iter().enumerate() {
            self.targets
                .insert(p.id.clone(), list_price(catalog, true, i));
            self.target_ids.push(p.id.clone());
        }
        for (i, ad) in catalog.addons.iter().enumerate() {
            if !self.targets.contains_key(&ad.id) {
                self.targets
                    .insert(ad.id.clone(), list_price(catalog, false, i));
                self.target_ids.push(ad.id.clone());
            }
        }
    }

    /// Adds the catalog's program-wide holdout as the experiment `$program`, with its arms
    /// `holdout` and `exposed` split as configured (so its split is checked too).
    fn configure_program(&mut self, h: &crate::catalog::rules::ProgramHoldout) {
        self.experiment_index
            .insert(PROGRAM.to_owned(), self.experiments.len() as u32);
        self.experiments.push(ExperimentAcc {
            key: PROGRAM.to_owned(),
            rules: Vec::new(),
            unit: Some(if h.unit_user { "user" } else { "account" }),
            arms: vec![HOLDOUT.to_owned(), EXPOSED.to_owned()],
            shares: Some(vec![h.share, 1.0 - h.share]),
            closed: true,
        });
    }

    /// Adds a rule's experiment (a key shared by several rules is configured by the first).
    fn configure(&mut self, rule: &str, e: &crate::catalog::rules::Experiment) {
        if let Some(&i) = self.experiment_index.get(&e.key) {
            if let Some(x) = self.experiments.get_mut(i as usize) {
                x.rules.push(rule.to_owned());
            }
            return;
        }
        let total: f64 = e.variants.iter().map(|v| v.weight).sum();
        let mut arms = vec![HOLDOUT.to_owned()];
        let mut shares = vec![e.holdout];
        for v in &e.variants {
            arms.push(v.id.clone());
            shares.push(if total > 0.0 {
                (1.0 - e.holdout) * v.weight / total
            } else {
                0.0
            });
        }
        self.experiment_index
            .insert(e.key.clone(), self.experiments.len() as u32);
        self.experiments.push(ExperimentAcc {
            key: e.key.clone(),
            rules: vec![rule.to_owned()],
            unit: Some(if e.unit_user { "user" } else { "account" }),
            arms,
            shares: Some(shares),
            closed: true,
        });
    }

    /// The index of a placement name, added when new.
    fn placement(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.placement_index.get(name) {
            return i;
        }
        let i = self.placements.len() as u32;
        self.placements.push(name.into());
        self.placement_index.insert(name.into(), i);
        i
    }

    /// The index of a unit, added when new.
    fn unit(&mut self, id: &str) -> u32 {
        // A unit's events often come together: the last one is compared before hashing.
        if self.last_unit.0 == id {
            return self.last_unit.1;
        }
        let i = match self.units.get(id) {
            Some(&i) => i,
            None => {
                let i = self.heads.len() as u32;
                self.heads.push(NONE);
                self.units.insert(id.into(), i);
                i
            }
        };
        self.last_unit.0.clear();
        self.last_unit.0.push_str(id);
        self.last_unit.1 = i;
        i
    }

    /// The index of a callout id (added when new) and what the catalog says of it.
    fn callout(&mut self, id: &str) -> (u32, Option<Known>) {
        if let Some(&i) = self.callout_index.get(id) {
            return (i, self.callouts.get(i as usize).and_then(|c| c.1));
        }
        let i = self.callouts.len() as u32;
        let known = self.known.get(id).copied();
        self.callouts.push((id.into(), known));
        self.callout_index.insert(id.into(), i);
        (i, known)
    }

    /// The MRR delta of a conversion: its own, else its target's list price (0 for a
    /// contact-sales plan or without a target).
    fn mrr_of<'a>(&self, e: &Event<'a>) -> Result<f64, Bad<'a>> {
        if let Some(m) = e.mrr_delta {
            return Ok(m);
        }
        match e.target {
            None => Ok(0.0),
            Some(t) => match self.targets.get(t) {
                Some(price) => Ok(price.unwrap_or(0.0)),
                None => Err(Bad::UnknownTarget(t)),
            },
        }
    }

    /// The experiment and arm of an exposure; an experiment the catalog does not configure
    /// is added with the arms its log gives (`$program`: `holdout` and `exposed` only).
    fn arm_of<'a>(&mut self, experiment: &'a str, arm: &'a str) -> Result<(u32, u32), Bad<'a>> {
        let index = match self.experiment_index.get(experiment) {
            Some(&i) => i,
            None => {
                let program = experiment == PROGRAM;
                if program && arm != HOLDOUT && arm != EXPOSED {
                    return Err(Bad::UnknownArm(experiment, arm));
                }
                let i = self.experiments.len() as u32;
                self.experiments.push(ExperimentAcc {
                    key: experiment.to_owned(),
                    rules: Vec::new(),
                    unit: None,
                    arms: if program {
                        vec![HOLDOUT.to_owned(), EXPOSED.to_owned()]
                    } else {
                        Vec::new()
                    },
                    shares: None,
                    closed: program,
                });
                self.experiment_index.insert(experiment.to_owned(), i);
                i
            }
        };
        let Some(x) = self.experiments.get_mut(index as usize) else {
            return Err(Bad::UnknownArm(experiment, arm));
        };
        if let Some(a) = x.arms.iter().position(|a| a == arm) {
            return Ok((index, a as u32));
        }
        if x.closed {
            return Err(Bad::UnknownArm(experiment, arm));
        }
        x.arms.push(arm.to_owned());
        Ok((index, x.arms.len() as u32 - 1))
    }

    /// Records an exposure of `unit`: the earliest one in each experiment gives the arm.
    fn expose(&mut self, unit: u32, experiment: u32, arm: u32, at: f64) {
        let Some(head) = self.heads.get_mut(unit as usize) else {
            return;
        };
        let mut i = *head;
        while let Some(x) = self.expos.get_mut(i as usize) {
            if x.experiment == experiment {
                if x.arm != arm {
                    x.several = true;
                }
                if at < x.first {
                    x.first = at;
                    x.arm = arm;
                }
                return;
            }
            i = x.next;
        }
        let next = *head;
        *head = self.expos.len() as u32;
        self.expos.push(Expo {
            experiment,
            arm,
            first: at,
            next,
            several: false,
            converted: false,
            mrr: 0,
        });
    }

    /// A bad record at `line`: counted, and listed while the list has room.
    fn bad(&mut self, line: u64, b: &Bad<'_>) {
        if self.errors.len() < MAX_ERROR_ROWS {
            let d = self.diagnostic(b);
            self.add_problem(line, d);
        } else {
            self.totals.events += 1;
            self.totals.bad += 1;
            self.count_code(b.code());
        }
    }

    /// The diagnostic of a bad record, with "did you mean" for arms and targets.
    fn diagnostic(&self, b: &Bad<'_>) -> Diagnostic {
        let d = b.diagnostic();
        match b {
            Bad::UnknownTarget(t) => {
                d.with_help(did_you_mean(t, self.target_ids.iter().map(String::as_str)))
            }
            Bad::UnknownArm(experiment, arm) => {
                let arms: Vec<&str> = match self.experiment_index.get(*experiment) {
                    Some(&i) => self
                        .experiments
                        .get(i as usize)
                        .map(|x| x.arms.iter().map(String::as_str).collect())
                        .unwrap_or_default(),
                    None => vec![HOLDOUT, EXPOSED],
                };
                let help = did_you_mean(arm, arms.iter().copied())
                    .unwrap_or_else(|| format!("its arms: {}", arms.join(", ")));
                d.with_help(Some(help))
            }
            _ => d,
        }
    }

    fn count_code(&mut self, code: Code) {
        if let Some(n) = self.codes.get_mut(code as usize) {
            *n += 1;
        }
    }

    /// A record at `line` that could not be read at all (not UTF-8, say): counted as a bad
    /// line and listed while the list has room.
    pub fn add_problem(&mut self, line: u64, d: Diagnostic) {
        self.totals.events += 1;
        self.totals.bad += 1;
        self.count_code(d.code);
        if self.errors.len() < MAX_ERROR_ROWS {
            self.errors.push(LineError { line, error: d });
        }
    }

    /// First pass: checks and counts the record at `line` (or lists why it is not an event).
    pub fn add(&mut self, line: u64, raw: &Raw<'_>) {
        match check(raw) {
            Ok(e) => {
                if let Err(b) = self.count(&e) {
                    self.bad(line, &b);
                }
            }
            Err(b) => self.bad(line, &b),
        }
    }

    /// First pass over a record that is not an event (a JSON line that does not parse).
    pub fn add_bad(&mut self, line: u64, b: &Bad<'_>) {
        self.bad(line, b);
    }

    /// Counts one checked event (every check passes before anything is counted).
    fn count<'a>(&mut self, e: &Event<'a>) -> Result<(), Bad<'a>> {
        if !self.window.contains(e.at) {
            self.totals.events += 1;
            self.totals.outside += 1;
            return Ok(());
        }
        let mrr = match e.ty {
            EventType::Convert => micros(self.mrr_of(e)?),
            _ => 0,
        };
        let arm = match (e.experiment, e.arm) {
            (Some(x), Some(a)) => Some(self.arm_of(x, a)?),
            _ => None,
        };
        let t = &mut self.totals;
        t.events += 1;
        t.used += 1;
        t.first_at = Some(t.first_at.map_or(e.at, |f| f.min(e.at)));
        t.last_at = Some(t.last_at.map_or(e.at, |l| l.max(e.at)));
        if e.ty == EventType::Convert {
            t.conversions += 1;
            t.mrr += i128::from(mrr);
            if e.callout.is_none() {
                t.without_callout += 1;
            }
        }
        let unit = self.unit(e.unit);
        if let Some((x, a)) = arm {
            self.expose(unit, x, a, e.at);
        }
        if let Some(c) = e.callout {
            self.count_callout(c, e, mrr);
        }
        Ok(())
    }

    /// Counts an event in its callout's cell (placement and kind from the event, else the
    /// catalog).
    fn count_callout(&mut self, id: &str, e: &Event<'_>, mrr: i64) {
        let (c, known) = self.callout(id);
        let placement = match e.placement {
            Some(p) => self.placement(p),
            None => known.map_or(NONE, |k| k.placement),
        };
        let kind = e
            .kind
            .or(known.map(|k| k.kind))
            .map_or(u8::MAX, |k| k as u8);
        let cell = self.cells.entry((c, placement, kind)).or_default();
        match e.ty {
            EventType::Exposure => cell.exposures += 1,
            EventType::Impression => cell.impressions += 1,
            EventType::Click => cell.clicks += 1,
            EventType::Dismiss => cell.dismissals += 1,
            EventType::Convert => {
                cell.conversions += 1;
                cell.mrr += i128::from(mrr);
            }
        }
    }

    /// Second pass: credits a conversion to every experiment in which its unit was first
    /// exposed at or before it. Other records, bad ones and those outside the window, were
    /// counted in the first pass and are passed over.
    pub fn attribute(&mut self, raw: &Raw<'_>) {
        let Ok(e) = check(raw) else {
            return;
        };
        if e.ty != EventType::Convert || !self.window.contains(e.at) {
            return;
        }
        let Ok(mrr) = self.mrr_of(&e) else {
            return;
        };
        let Some(&unit) = self.units.get(e.unit) else {
            return;
        };
        let mut i = self.heads.get(unit as usize).copied().unwrap_or(NONE);
        while let Some(x) = self.expos.get_mut(i as usize) {
            if e.at >= x.first {
                x.converted = true;
                x.mrr = x.mrr.saturating_add(micros(mrr));
            }
            i = x.next;
        }
    }
}

impl Bad<'_> {
    /// The code of the problem, without building its message.
    pub fn code(&self) -> Code {
        match self {
            Bad::Json(e) => e.code,
            Bad::Repeated(_) => Code::DuplicateKey,
            Bad::NotObject(_) | Bad::Width { .. } => Code::InvalidEvent,
            Bad::Utf8(_) => Code::InvalidUtf8,
            Bad::Missing(..) => Code::MissingField,
            Bad::WrongType(..) => Code::InvalidType,
            Bad::Empty(_) => Code::EmptyString,
            Bad::BadTime(_) => Code::InvalidDate,
            Bad::BadNumber(_) => Code::InvalidNumber,
            Bad::NotFinite => Code::NotFinite,
            Bad::UnknownType(_)
            | Bad::UnknownKind(_)
            | Bad::UnknownArm(..)
            | Bad::UnknownTarget(_) => Code::InvalidValue,
        }
    }
}

/// Per experiment and arm: (units, converted, MRR in millionths), and units in several arms.
type ArmTallies = Vec<(Vec<(u64, u64, i128)>, u64)>;

impl Analysis {
    /// The report.
    pub fn finish(self) -> AnalysisReport {
        let mut arms: ArmTallies = self
            .experiments
            .iter()
            .map(|x| (vec![(0, 0, 0); x.arms.len()], 0))
            .collect();
        for x in &self.expos {
            let Some((list, several)) = arms.get_mut(x.experiment as usize) else {
                continue;
            };
            if x.several {
                *several += 1;
            }
            if let Some(a) = list.get_mut(x.arm as usize) {
                a.0 += 1;
                a.1 += u64::from(x.converted);
                a.2 += i128::from(x.mrr);
            }
        }
        let mut experiments = Vec::new();
        let mut program = None;
        for (x, (tallies, several)) in self.experiments.iter().zip(arms) {
            let result = experiment_result(x, &tallies, several);
            if x.key == PROGRAM {
                program = Some(result);
            } else {
                experiments.push(result);
            }
        }
        // Configured experiments keep rule order; the others follow by key.
        let configured = experiments.iter().filter(|x| x.configured).count();
        let mut rest = experiments.split_off(configured.min(experiments.len()));
        crate::base::sort::sort_by(&mut rest, |a, b| a.key.cmp(&b.key));
        experiments.append(&mut rest);
        let (callouts, placements, kinds) = self.callout_results();
        let t = &self.totals;
        AnalysisReport {
            window: self.window,
            totals: EventTotals {
                events: t.events,
                used: t.used,
                outside_window: t.outside,
                bad_lines: t.bad,
                units: self.heads.len() as u64,
                conversions: t.conversions,
                conversions_without_callout: t.without_callout,
                mrr: from_micros(t.mrr),
                first_at: t.first_at,
                last_at: t.last_at,
            },
            experiments,
            program,
            callouts,
            placements,
            kinds,
            errors: self.errors,
            error_codes: Code::ALL
                .iter()
                .zip(self.codes)
                .filter(|(_, n)| *n > 0)
                .map(|(c, n)| (*c, n))
                .collect(),
        }
    }

    /// Each callout's events (by id) with its breakdowns, and the report-level breakdowns by
    /// placement and by kind (placements by name, then the unknown one; kinds in vocabulary
    /// order, then the unknown one).
    fn callout_results(&self) -> (Vec<CalloutResult>, Vec<Breakdown>, Vec<Breakdown>) {
        // Cells grouped by callout (each callout's cells in a row).
        let mut cells: Vec<((u32, u32, u8), Tally)> =
            self.cells.iter().map(|(k, t)| (*k, *t)).collect();
        crate::base::sort::sort_by(&mut cells, |a, b| a.0.cmp(&b.0));
        let mut placements = vec![Tally::default(); self.placements.len() + 1];
        let mut kinds = [Tally::default(); 8];
        let mut callouts = Vec::with_capacity(self.callouts.len());
        let mut rest = cells.as_slice();
        while let Some(((c, _, _), _)) = rest.first() {
            let n = rest.iter().take_while(|x| x.0 .0 == *c).count();
            let (group, tail) = rest.split_at(n);
            rest = tail;
            let mut total = Tally::default();
            let mut by_placement: Vec<(u32, Tally)> = Vec::new();
            let mut by_kind = [Tally::default(); 8];
            for &((_, p, k), t) in group {
                total.add(&t);
                match by_placement.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, x)) => x.add(&t),
                    None => by_placement.push((p, t)),
                }
                let slot = usize::from(k).min(7);
                if let Some(x) = by_kind.get_mut(slot) {
                    x.add(&t);
                }
                if let Some(x) = kinds.get_mut(slot) {
                    x.add(&t);
                }
                if let Some(x) = placements.get_mut((p as usize).min(self.placements.len())) {
                    x.add(&t);
                }
            }
            callouts.push(self.callout_result(*c, total, by_placement, &by_kind));
        }
        crate::base::sort::sort_by(&mut callouts, |a, b| a.id.cmp(&b.id));
        let all: Vec<(u32, Tally)> = placements
            .into_iter()
            .enumerate()
            .filter(|(_, t)| t.any())
            .map(|(p, t)| (p as u32, t))
            .collect();
        let placements = self
            .placement_list(all)
            .into_iter()
            .map(|(name, counts)| Breakdown { name, counts })
            .collect();
        let kinds = kind_list(&kinds)
            .into_iter()
            .map(|(k, counts)| Breakdown {
                name: k.map(|k| k.as_str().to_owned()),
                counts,
            })
            .collect();
        (callouts, placements, kinds)
    }

    /// One callout's result from its totals.
    fn callout_result(
        &self,
        c: u32,
        total: Tally,
        by_placement: Vec<(u32, Tally)>,
        by_kind: &[Tally; 8],
    ) -> CalloutResult {
        let (id, known) = self
            .callouts
            .get(c as usize)
            .map_or(("", None), |(s, k)| (&**s, k.as_ref()));
        CalloutResult {
            id: id.to_owned(),
            known: known.is_some(),
            kind: known.map(|k| k.kind),
            placement: known
                .and_then(|k| self.placements.get(k.placement as usize))
                .map(|p| p.to_string()),
            counts: total.counts(),
            by_placement: self.placement_list(by_placement),
            by_kind: kind_list(by_kind),
        }
    }

    /// Placements by name, the unknown one ([`NONE`], or any index past the names) last.
    fn placement_list(&self, mut list: Vec<(u32, Tally)>) -> Vec<(Option<String>, Counts)> {
        let name = |p: u32| self.placements.get(p as usize).map(|s| &**s);
        crate::base::sort::sort_by(&mut list, |a: &(u32, Tally), b: &(u32, Tally)| {
            let (x, y) = (name(a.0), name(b.0));
            x.is_none().cmp(&y.is_none()).then(x.cmp(&y))
        });
        list.iter()
            .map(|(p, t)| (name(*p).map(str::to_owned), t.counts()))
            .collect()
    }
}

/// The kinds with events, in vocabulary order, then the unknown one (slot 7).
fn kind_list(slots: &[Tally; 8]) -> Vec<(Option<CalloutKind>, Counts)> {
    slots
        .iter()
        .enumerate()
        .filter(|(_, t)| t.any())
        .map(|(i, t)| (CalloutKind::ALL.get(i).copied(), t.counts()))
        .collect()
}

/// An experiment's arms with their statistics, and its split check.
fn experiment_result(
    x: &ExperimentAcc,
    tallies: &[(u64, u64, i128)],
    several: u64,
) -> ExperimentResult {
    // Unconfigured experiments list the holdout first, then the other arms by id.
    let mut order: Vec<usize> = (0..x.arms.len()).collect();
    if x.shares.is_none() {
        let key = |i: usize| {
            let id = x.arms.get(i).map_or("", String::as_str);
            (id != HOLDOUT, id)
        };
        crate::base::sort::sort_by(&mut order, |a, b| key(*a).cmp(&key(*b)));
    }
    let rate_of = |i: usize| {
        let (units, converted, _) = tallies.get(i).copied().unwrap_or_default();
        Rate { converted, units }
    };
    let holdout = x.arms.iter().position(|a| a == HOLDOUT);
    let arms: Vec<ArmResult> = order
        .iter()
        .map(|&i| {
            let (units, converted, mrr) = tallies.get(i).copied().unwrap_or_default();
            let is_holdout = Some(i) == holdout;
            let mrr = from_micros(mrr);
            ArmResult {
                id: x.arms.get(i).cloned().unwrap_or_default(),
                holdout: is_holdout,
                expected_share: x.shares.as_ref().and_then(|s| s.get(i).copied()),
                units,
                converted,
                rate: rate_of(i).value(),
                ci: wilson(converted, units),
                mrr,
                mrr_per_unit: (units > 0).then(|| mrr / units as f64),
                lift: match holdout {
                    Some(h) if !is_holdout => Some(lift(rate_of(i), rate_of(h))),
                    _ => None,
                },
            }
        })
        .collect();
    let units: Vec<u64> = tallies.iter().map(|t| t.0).collect();
    let p_value = x.shares.as_ref().and_then(|s| srm(&units, s));
    let attributed_mrr = if x.key == PROGRAM {
        let per = |id: &str| arms.iter().find(|a| a.id == id);
        match (per(EXPOSED), per(HOLDOUT)) {
            (Some(e), Some(h)) => e
                .mrr_per_unit
                .zip(h.mrr_per_unit)
                .map(|(pe, ph)| (pe - ph) * e.units as f64),
            _ => None,
        }
    } else {
        None
    };
    ExperimentResult {
        key: x.key.clone(),
        configured: x.shares.is_some(),
        rules: x.rules.clone(),
        unit: x.unit,
        units: units.iter().sum(),
        units_in_several_arms: several,
        srm: Srm {
            p_value,
            ok: p_value.map(|p| p >= SRM_ALPHA),
        },
        arms,
        attributed_mrr,
    }
}
