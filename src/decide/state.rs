//! What the user has seen and done: impressions, dismissals and conversions per callout, kept
//! only as far back as any cap or cooldown can look, exported as versioned JSON the host
//! persists and restored on the next page load.

use crate::base::vocab::Code;
use std::cell::Cell;

use crate::base::date;
use crate::base::diag::{join, Diagnostic};
use crate::base::json::{Kind as JsonKind, Val};
use crate::base::num::js;
use crate::base::out::{Out, ToJson};
use crate::catalog::Catalog;

/// How far after the host clock a stored time may be (clocks differ a little).
pub const MAX_EVENT_LEAD_MS: f64 = date::DAY_MS;

/// The latest time the engine stores for a host whose clock reads `host_now` (ms since the
/// epoch): a day after it, or no bound when the host gives no clock (NaN).
pub fn latest_storable(host_now: f64) -> f64 {
    if host_now.is_finite() {
        host_now + MAX_EVENT_LEAD_MS
    } else {
        f64::INFINITY
    }
}

/// Version of the exported state format.
pub const STATE_VERSION: u32 = 1;

/// History of one callout.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CalloutHistory {
    /// Most recent impressions (ms since epoch), oldest first.
    pub impressions: Vec<f64>,
    /// Last click.
    pub clicked_at: Option<f64>,
    /// Last dismissal.
    pub dismissed_at: Option<f64>,
    /// Conversion (never shown again).
    pub converted_at: Option<f64>,
}

impl ToJson for CalloutHistory {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("impressions", &self.impressions)
            .some("clickedAt", &self.clicked_at)
            .some("dismissedAt", &self.dismissed_at)
            .some("convertedAt", &self.converted_at)
            .end();
    }
}

impl ToJson for EngineState {
    fn write(&self, out: &mut Out) {
        let mut o = out.obj();
        o.field("version", &self.version);
        let c = o.key("callouts");
        let mut co = c.obj();
        for (id, h) in self.callouts.iter() {
            h.write(co.key_text(id));
        }
        co.end();
        if !self.exposures.is_empty() {
            o.field("exposures", &self.exposures);
        }
        o.end();
    }
}

/// Histories by callout id, kept sorted by id (a short list: its length is bounded by the
/// config's rules, features and metrics).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histories(Vec<(String, CalloutHistory)>);

impl Histories {
    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(id))
    }

    /// The history of callout `id`.
    pub fn get(&self, id: &str) -> Option<&CalloutHistory> {
        self.find(id)
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, h)| h)
    }

    /// The history of callout `id`, created empty when missing (always `Some`).
    pub fn entry(&mut self, id: &str) -> Option<&mut CalloutHistory> {
        let i = match self.find(id) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (id.to_owned(), CalloutHistory::default()));
                i
            }
        };
        self.0.get_mut(i).map(|(_, h)| h)
    }

    /// Sets the history of callout `id`.
    pub fn insert(&mut self, id: &str, h: CalloutHistory) {
        if let Some(slot) = self.entry(id) {
            *slot = h;
        }
    }

    /// Keeps the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &CalloutHistory) -> bool) {
        self.0.retain(|(k, h)| keep(k, h));
    }

    /// Entries in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &CalloutHistory)> {
        self.0.iter().map(|(k, h)| (k, h))
    }

    /// Number of callouts with a history.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no callout has a history.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Most exposures a state remembers; past it the earliest are forgotten (and would be logged
/// again, which `analyze` reads as the same exposure).
pub const MAX_EXPOSURES: usize = 256;

/// Longest experiment key or unit id an exposure is remembered by.
const MAX_EXPOSURE_TEXT: usize = 256;

/// An experiment a unit was exposed to: logged once, then remembered here.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposed {
    /// Experiment key (`$program` for the program-wide holdout).
    pub experiment: String,
    /// Unit id.
    pub unit: String,
    /// When it was first exposed (ms since the epoch).
    pub at: f64,
}

impl ToJson for Exposed {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("experiment", self.experiment.as_str())
            .field("unit", self.unit.as_str())
            .field("at", &self.at)
            .end();
    }
}

/// The engine's memory of events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EngineState {
    /// Format version.
    pub version: u32,
    /// By callout id.
    pub callouts: Histories,
    /// Exposures already logged, sorted by experiment and unit (at most [`MAX_EXPOSURES`]).
    pub exposures: Vec<Exposed>,
}

pub use crate::base::vocab::EventType;

/// The callout ids a catalog can produce: rule ids, `feature_gate:<feature>`, `usage_limit:<metric>`,
/// `top_up:<credit metric>`.
pub fn known_callout(catalog: &Catalog, id: &str) -> bool {
    catalog.policy.rules.iter().any(|r| r.id == id)
        || id
            .strip_prefix("feature_gate:")
            .is_some_and(|f| catalog.features.iter().any(|x| x.id == f))
        || id
            .strip_prefix("usage_limit:")
            .is_some_and(|m| catalog.metrics.iter().any(|x| x.id == m))
        || id
            .strip_prefix("top_up:")
            .is_some_and(|m| catalog.metrics.iter().any(|x| x.id == m && x.is_credits()))
}

/// The experiment keys a catalog exposes units to: its rules' experiments and, when configured,
/// the program-wide holdout (`$program`).
pub fn known_experiment(catalog: &Catalog, key: &str) -> bool {
    let policy = &catalog.policy;
    (key == crate::catalog::rules::PROGRAM_KEY && policy.program.is_some())
        || policy
            .rules
            .iter()
            .any(|r| r.experiment.as_ref().is_some_and(|e| e.key == key))
}

/// The rule id behind a callout id.
pub fn rule_of(id: &str) -> &str {
    if id.starts_with("feature_gate:") {
        crate::catalog::GATE_RULE
    } else if id.starts_with("usage_limit:") {
        crate::catalog::LIMIT_RULE
    } else if id.starts_with("top_up:") {
        crate::catalog::TOP_UP_RULE
    } else {
        id
    }
}

/// Two optional times combined by `pick` (either one when the other is missing).
fn either(a: Option<f64>, b: Option<f64>, pick: fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, y) => x.or(y),
    }
}

/// How many impressions per callout are worth keeping: enough for the largest per-rule cap.
fn keep_impressions(catalog: &Catalog) -> usize {
    catalog
        .policy
        .rules
        .iter()
        .filter_map(|r| r.cap)
        .map(|c| c.max_impressions as usize)
        .max()
        .unwrap_or(1)
        .max(1)
}

impl EngineState {
    /// An empty state.
    pub fn new() -> Self {
        EngineState {
            version: STATE_VERSION,
            callouts: Histories::default(),
            exposures: Vec::new(),
        }
    }

    fn find_exposure(&self, experiment: &str, unit: &str) -> Result<usize, usize> {
        self.exposures
            .binary_search_by(|e| (e.experiment.as_str(), e.unit.as_str()).cmp(&(experiment, unit)))
    }

    /// Remembers that `unit` was exposed to `experiment` at `at`; returns whether it is new
    /// (a unit already remembered keeps its first time). Past [`MAX_EXPOSURES`] the earliest
    /// are forgotten.
    pub fn expose(&mut self, experiment: &str, unit: &str, at: f64) -> bool {
        match self.find_exposure(experiment, unit) {
            Ok(i) => {
                if let Some(e) = self.exposures.get_mut(i) {
                    e.at = e.at.min(at);
                }
                false
            }
            Err(i) => {
                self.exposures.insert(
                    i,
                    Exposed {
                        experiment: experiment.to_owned(),
                        unit: unit.to_owned(),
                        at,
                    },
                );
                self.trim_exposures();
                true
            }
        }
    }

    /// Forgets the earliest exposures past [`MAX_EXPOSURES`] (one at a time: each insertion
    /// adds one).
    fn trim_exposures(&mut self) {
        while self.exposures.len() > MAX_EXPOSURES {
            let earliest = self
                .exposures
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.at.total_cmp(&b.1.at))
                .map_or(0, |(i, _)| i);
            self.exposures.remove(earliest);
        }
    }

    /// Reads the `exposures` list of a stored state: entries of experiments the catalog has,
    /// with readable times up to `latest`.
    fn restore_exposures(&mut self, catalog: &Catalog, v: Option<Val<'_>>, latest: f64) -> usize {
        let mut skipped = 0;
        let items = v.filter(|a| a.kind() == JsonKind::Array);
        for item in items.iter().flat_map(|a| a.items()) {
            let text = |k: &str| {
                item.get(k)
                    .and_then(|v| v.as_str())
                    .filter(|s| !s.is_empty() && s.len() <= MAX_EXPOSURE_TEXT)
            };
            let at = item
                .get("at")
                .and_then(|v| v.as_f64())
                .filter(|t| date::in_range(*t) && *t <= latest);
            match (text("experiment"), text("unit"), at) {
                (Some(x), Some(u), Some(at)) if known_experiment(catalog, x) => {
                    self.expose(x, u, at);
                }
                _ => skipped += 1,
            }
        }
        skipped
    }

    /// Restores an exported state. A corrupt, foreign or future-version state gives an empty
    /// state and a warning, never an error. Warnings carry `path` (the option the state came
    /// from), and `unread` ends the message of a state that is ignored as a whole (what
    /// happens instead, such as "; starting fresh"). Times after `latest` (a day after the
    /// host clock) are dropped with one warning: a stored value from a clock that ran ahead
    /// would otherwise outrank real dismissals and push real impressions out.
    pub fn restore(
        catalog: &Catalog,
        v: Option<Val<'_>>,
        path: &str,
        unread: &str,
        latest: f64,
    ) -> (EngineState, Vec<Diagnostic>) {
        let mut warnings = Vec::new();
        let path = join(&[], path);
        let mut warn = |mut msg: String, whole: bool| {
            if whole {
                msg.push_str(unread);
            }
            warnings.push(Diagnostic::new(Code::StateIgnored, msg, path.clone()));
        };
        let Some(o) = v.filter(|v| v.is_object()) else {
            warn("state is not an object".into(), true);
            return (EngineState::new(), warnings);
        };
        match o.get("version").and_then(|v| v.as_f64()) {
            Some(x) if x == f64::from(STATE_VERSION) => {}
            Some(x) => {
                warn(
                    format!(
                        "state version `{}` is not supported (this engine writes {STATE_VERSION})",
                        js(x)
                    ),
                    true,
                );
                return (EngineState::new(), warnings);
            }
            None => {
                warn("state has no version".into(), true);
                return (EngineState::new(), warnings);
            }
        }
        let mut state = EngineState::new();
        let Some(callouts) = o.get("callouts").filter(|v| v.is_object()) else {
            warn("state has no `callouts` object".into(), true);
            return (state, warnings);
        };
        let future = Cell::new(0usize);
        let time = |x: Option<Val<'_>>| {
            let t = x.and_then(|v| v.as_f64()).filter(|t| date::in_range(*t))?;
            if t > latest {
                future.set(future.get() + 1);
                return None;
            }
            Some(t)
        };
        for (id, h) in callouts.entries() {
            if !known_callout(catalog, id) {
                continue; // a rule removed since the state was saved
            }
            let Some(ho) = Some(h).filter(|h| h.is_object()) else {
                warn(
                    format!("history of `{id}` is not an object; skipped"),
                    false,
                );
                continue;
            };
            let mut impressions: Vec<f64> = ho
                .get("impressions")
                .filter(|a| a.kind() == JsonKind::Array)
                .map(|a| a.items().filter_map(|t| time(Some(t))).collect())
                .unwrap_or_default();
            crate::base::sort::sort_by(&mut impressions, |a, b| a.total_cmp(b));
            let hist = CalloutHistory {
                impressions,
                clicked_at: time(ho.get("clickedAt")),
                dismissed_at: time(ho.get("dismissedAt")),
                converted_at: time(ho.get("convertedAt")),
            };
            state.callouts.insert(id, hist);
        }
        if future.get() > 0 {
            warn(
                format!(
                    "{} stored time(s) more than a day after the host clock (`{}`) dropped",
                    future.get(),
                    date::format(latest - MAX_EVENT_LEAD_MS)
                ),
                false,
            );
        }
        let skipped = state.restore_exposures(catalog, o.get("exposures"), latest);
        if skipped > 0 {
            warn(
                format!("{skipped} stored exposure(s) unreadable or of another catalog; skipped"),
                false,
            );
        }
        state.prune(catalog);
        (state, warnings)
    }

    /// Adds the events of `other` (a state restored from another tab or an earlier page):
    /// impressions are united (an impression both hold counts once), the latest click and
    /// dismissal and the earliest conversion are kept, then the state is pruned. Merging is
    /// commutative and idempotent, so states merged in any order agree.
    pub fn merge(&mut self, catalog: &Catalog, other: &EngineState) {
        for (id, o) in other.callouts.iter() {
            let Some(h) = self.callouts.entry(id) else {
                continue;
            };
            // Both lists are sorted: walk them together, adding the times `h` lacks.
            let mut i = 0;
            for &t in &o.impressions {
                while h.impressions.get(i).is_some_and(|x| *x < t) {
                    i += 1;
                }
                if h.impressions.get(i) != Some(&t) {
                    h.impressions.insert(i, t);
                }
                i += 1;
            }
            h.clicked_at = either(h.clicked_at, o.clicked_at, f64::max);
            h.dismissed_at = either(h.dismissed_at, o.dismissed_at, f64::max);
            h.converted_at = either(h.converted_at, o.converted_at, f64::min);
        }
        for e in &other.exposures {
            self.expose(&e.experiment, &e.unit, e.at);
        }
        self.prune(catalog);
    }

    /// Records an event. Unknown callout ids are refused (so the state stays bounded by the config).
    ///
    /// # Errors
    /// A diagnostic when the callout id is not one the config can produce.
    pub fn record(
        &mut self,
        catalog: &Catalog,
        kind: EventType,
        callout: &str,
        at: f64,
    ) -> Result<(), Diagnostic> {
        if !known_callout(catalog, callout) {
            return Err(Diagnostic::new(
                Code::UnknownCallout,
                format!("unknown callout `{callout}`"),
                join(&[], "callout"),
            ));
        }
        let keep = keep_impressions(catalog);
        let Some(h) = self.callouts.entry(callout) else {
            return Ok(());
        };
        match kind {
            EventType::Impression => {
                let pos = h.impressions.partition_point(|t| *t <= at);
                h.impressions.insert(pos, at);
                let extra = h.impressions.len().saturating_sub(keep);
                h.impressions.drain(..extra);
            }
            EventType::Click => h.clicked_at = Some(h.clicked_at.map_or(at, |t| t.max(at))),
            EventType::Dismiss => h.dismissed_at = Some(h.dismissed_at.map_or(at, |t| t.max(at))),
            EventType::Convert => h.converted_at = Some(h.converted_at.map_or(at, |t| t.min(at))),
        }
        Ok(())
    }

    /// Drops what no cap can need: per callout only the latest impressions up to the largest
    /// `maxImpressions` of any rule. The state is then bounded by the config (its rules,
    /// features and metrics), however long it is used and whatever the clock says.
    pub fn prune(&mut self, catalog: &Catalog) {
        let keep = keep_impressions(catalog);
        self.callouts.retain(|id, _| known_callout(catalog, id));
        self.exposures
            .retain(|e| known_experiment(catalog, &e.experiment));
        for (_, h) in self.callouts.0.iter_mut() {
            let extra = h.impressions.len().saturating_sub(keep);
            h.impressions.drain(..extra);
        }
        self.callouts.retain(|_, h| {
            !h.impressions.is_empty()
                || h.dismissed_at.is_some()
                || h.converted_at.is_some()
                || h.clicked_at.is_some()
        });
    }

    /// Impressions of a callout in (now - window, now].
    pub fn impressions_within(&self, callout: &str, now: f64, window: f64) -> usize {
        self.callouts.get(callout).map_or(0, |h| {
            h.impressions
                .iter()
                .filter(|t| **t > now - window && **t <= now)
                .count()
        })
    }

    /// Impressions of every callout of a rule in (now - window, now].
    pub fn rule_impressions_within(&self, rule: &str, now: f64, window: f64) -> usize {
        self.callouts
            .iter()
            .filter(|(id, _)| rule_of(id) == rule)
            .map(|(id, _)| self.impressions_within(id, now, window))
            .sum()
    }

    /// Distinct callouts with an impression in (now - window, now], and their ids.
    pub fn shown_within(&self, now: f64, window: f64) -> (usize, Vec<&str>) {
        let ids: Vec<&str> = self
            .callouts
            .iter()
            .filter(|(_, h)| h.impressions.iter().any(|t| *t > now - window && *t <= now))
            .map(|(id, _)| id.as_str())
            .collect();
        (ids.len(), ids)
    }

    /// The latest impression of any callout at or before `now`.
    pub fn latest_impression(&self, now: f64) -> Option<f64> {
        self.callouts
            .iter()
            .map(|(_, h)| h)
            .flat_map(|h| h.impressions.iter().copied())
            .filter(|t| *t <= now)
            .fold(None, |acc: Option<f64>, t| {
                Some(acc.map_or(t, |a| a.max(t)))
            })
    }
}
