//! The engine handle: a catalog compiled once from a config, then asked questions about
//! contexts. This is the whole native API, one-to-one with the JavaScript API; `wasm.rs` only
//! converts values at the boundary.

use crate::base::vocab::Code;
use std::cell::Cell;
use std::rc::Rc;

use crate::base::diag::{join, Diagnostic};
use crate::base::json::Doc;
use crate::base::out::{Out, ToJson};
use crate::catalog::{self, Catalog};
use crate::decide::recommend::{self, Decision, EvalOptions};
pub use crate::decide::state::MAX_EVENT_LEAD_MS;
use crate::decide::state::{latest_storable, EngineState, EventType};
use crate::decide::{gate, limits, Session};
use crate::facts;
use crate::render::{self, Evaluation, FeatureCheck, UsageCheck};

pub use crate::base::out::to_json;

/// The result of validating a config. Never an error itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationReport {
    /// Whether the config loads.
    pub valid: bool,
    /// Every error found, each with a path into the config.
    pub errors: Vec<Diagnostic>,
    /// Every warning found.
    pub warnings: Vec<Diagnostic>,
}

impl ToJson for ValidationReport {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("valid", &self.valid)
            .field("errors", &self.errors)
            .field("warnings", &self.warnings)
            .end();
    }
}

/// Validates a config given as JSON text.
pub fn validate_config(json: &str) -> ValidationReport {
    validate_config_text(json.to_owned(), false)
}

/// [`validate_config`] taking the text; `keys_unique` as for [`Engine::from_text`].
pub fn validate_config_text(json: String, keys_unique: bool) -> ValidationReport {
    let loaded = catalog::load_text(json, keys_unique);
    ValidationReport {
        valid: loaded.catalog.is_some(),
        errors: loaded.errors,
        warnings: loaded.warnings,
    }
}

/// A config compiled ahead of time (see [`compile`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Compiled {
    /// The artifact: versioned, deterministic bytes a runtime loads with
    /// [`Engine::from_artifact`].
    pub bytes: Vec<u8>,
    /// Its content hash (16 hex digits).
    pub hash: String,
    /// The context paths the catalog reads, every metric and feature id written out.
    pub paths: Vec<String>,
    /// Warnings found while validating the config.
    pub warnings: Vec<Diagnostic>,
}

/// Validates a config given as JSON text, as [`validate_config`] does, and compiles it into an
/// artifact for the runtime.
///
/// # Errors
/// Every problem in the config, each with a path, when it does not load.
pub fn compile(config_json: &str) -> Result<Compiled, Vec<Diagnostic>> {
    let loaded = catalog::load_text(config_json.to_owned(), false);
    let catalog = loaded.catalog.ok_or(loaded.errors)?;
    let written = catalog::artifact::write(&catalog);
    Ok(Compiled {
        bytes: written.bytes,
        hash: written.hash,
        paths: written.paths,
        warnings: loaded.warnings,
    })
}

/// A compiled catalog, ready to evaluate contexts. A clone shares the compiled catalog and
/// copies the state.
#[derive(Clone, Debug)]
pub struct Engine {
    catalog: Rc<Catalog>,
    warnings: Vec<Diagnostic>,
    state: EngineState,
    /// The `now` of the latest context read (ms since the epoch; NaN before the first): the
    /// time an event without `at` is stamped with, so it counts for the decision it answers.
    last_now: Cell<f64>,
}

/// The outcome of `record`.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordResult {
    /// Whether the event was stored.
    pub recorded: bool,
    /// Why not, when it was not.
    pub error: Option<Diagnostic>,
    /// The time stored (ms since the epoch), when it was stored.
    pub at: Option<f64>,
}

impl ToJson for RecordResult {
    fn write(&self, out: &mut Out) {
        out.obj()
            .field("recorded", &self.recorded)
            .field("error", &self.error)
            .some("at", &self.at.map(crate::base::date::format))
            .end();
    }
}

fn bad_event(message: String, field: &str) -> RecordResult {
    RecordResult {
        recorded: false,
        error: Some(Diagnostic::new(
            Code::InvalidEvent,
            message,
            join(&[], field),
        )),
        at: None,
    }
}

impl Engine {
    /// Compiles a config given as JSON text.
    ///
    /// # Errors
    /// Every problem in the config, each with a path, when it does not load.
    pub fn new(config_json: &str) -> Result<Engine, Vec<Diagnostic>> {
        Engine::from_text(config_json.to_owned(), false)
    }

    /// [`Engine::new`] taking the text. `keys_unique`: the text is `JSON.stringify` of an
    /// object, which cannot repeat a key, so the check for repeated keys is skipped.
    ///
    /// # Errors
    /// Every problem in the config, each with a path, when it does not load.
    pub fn from_text(config_json: String, keys_unique: bool) -> Result<Engine, Vec<Diagnostic>> {
        let loaded = catalog::load_text(config_json, keys_unique);
        match loaded.catalog {
            Some(catalog) => Ok(Engine {
                catalog: Rc::new(catalog),
                warnings: loaded.warnings,
                state: EngineState::new(),
                last_now: Cell::new(f64::NAN),
            }),
            None => Err(loaded.errors),
        }
    }

    /// Loads a catalog compiled ahead of time by [`compile`] (no config is read or validated).
    ///
    /// # Errors
    /// An `invalid_catalog` diagnostic when the bytes are not a compiled catalog this engine
    /// reads: corrupt, truncated, foreign or of another format version.
    pub fn from_artifact(bytes: &[u8]) -> Result<Engine, Diagnostic> {
        let a = catalog::artifact::read(bytes)?;
        Ok(Engine {
            catalog: Rc::new(a.catalog),
            warnings: Vec::new(),
            state: EngineState::new(),
            last_now: Cell::new(f64::NAN),
        })
    }

    /// Restores a state exported earlier, on a host whose clock reads `host_now` (ms since
    /// the epoch). A corrupt, foreign or future-version state is ignored with a warning (see
    /// [`Engine::warnings`]); times more than a day after the host clock are dropped with a
    /// warning (see [`EngineState::restore`]).
    pub fn restore_state(&mut self, state_json: &str, host_now: f64) {
        let (state, warnings) = self.read_state(state_json, "state", "; starting fresh", host_now);
        self.state = state;
        self.warnings.extend(warnings);
    }

    fn read_state(
        &self,
        json: &str,
        path: &str,
        unread: &str,
        host_now: f64,
    ) -> (EngineState, Vec<Diagnostic>) {
        let doc = Doc::parse(json.to_owned(), false).ok();
        EngineState::restore(
            &self.catalog,
            doc.as_ref().and_then(Doc::root),
            path,
            unread,
            latest_storable(host_now),
        )
    }

    /// Merges a state stored by another engine with the same config (another tab, an earlier
    /// page; see [`EngineState::merge`]) into this one. What cannot be read is skipped with a
    /// `state_ignored` warning at `["persist"]`, the option the stored state comes from.
    /// Returns whether the stored text differs from what this engine would now write (it lacks
    /// events this engine holds, or holds times this engine dropped). `host_now` as for
    /// [`Engine::restore_state`].
    pub fn merge_state(&mut self, state_json: &str, host_now: f64) -> bool {
        let (stored, warnings) = self.read_state(
            state_json,
            "persist",
            "; ignored (the next record overwrites it)",
            host_now,
        );
        for w in warnings {
            self.warn(w);
        }
        self.state.merge(&self.catalog, &stored);
        to_json(&self.state) != state_json
    }

    /// Adds a warning to [`Engine::warnings`] unless one with the same code and message is
    /// there already (a problem met again and again is listed once).
    pub fn warn(&mut self, warning: Diagnostic) {
        if !self
            .warnings
            .iter()
            .any(|w| w.code == warning.code && w.message == warning.message)
        {
            self.warnings.push(warning);
        }
    }

    /// Starts with an empty state because the one given could not be read at all (`why`).
    pub fn ignore_state(&mut self, why: &str) {
        let mut message = String::from(why);
        message.push_str("; starting fresh");
        self.warnings.push(Diagnostic::new(
            Code::StateIgnored,
            message,
            join(&[], "state"),
        ));
    }

    /// Reads a context once, for several questions (`host_now`, ms since the epoch, stands in
    /// for a missing `now`).
    pub fn session(&self, context_json: String, host_now: f64) -> Session {
        self.session_of(context_json, host_now, false)
    }

    /// [`Engine::session`] for text that `JSON.stringify` wrote from an object, whose keys
    /// cannot repeat (`keys_unique`: the check for repeated keys is skipped).
    pub fn session_of(&self, context_json: String, host_now: f64, keys_unique: bool) -> Session {
        let facts = facts::read_str(&self.catalog, context_json, host_now, keys_unique);
        self.observe(facts.now);
        Session::new(Rc::clone(&self.catalog), facts)
    }

    /// A session for a context that could not be read at all (the diagnostic says why).
    pub fn unreadable(&self, problem: Diagnostic, host_now: f64) -> Session {
        let facts = facts::unreadable(&self.catalog, host_now, problem);
        self.observe(facts.now);
        Session::new(Rc::clone(&self.catalog), facts)
    }

    /// Evaluates every built-in callout and rule for a context.
    pub fn evaluate(&self, context_json: &str, opts: &EvalOptions, host_now: f64) -> Evaluation {
        self.evaluate_in(&self.session(context_json.to_owned(), host_now), opts)
    }

    /// [`Engine::evaluate`] in a session.
    pub fn evaluate_in(&self, s: &Session, opts: &EvalOptions) -> Evaluation {
        render::evaluation(s, self.decide_in(s, opts))
    }

    /// [`Engine::evaluate_in`] with the experiment exposures it makes ([`Evaluation::exposures`],
    /// the program-wide holdout's first), each marked `new` when this engine's state did not
    /// know it yet; the state remembers them from then on (and exports them), so a unit is
    /// logged once per experiment however often it is evaluated.
    pub fn evaluate_logged(&mut self, s: &Session, opts: &EvalOptions) -> Evaluation {
        let opts = EvalOptions {
            exposures: true,
            ..opts.clone()
        };
        let decision = recommend::decide(s, &self.state, &opts);
        let mut exposures = crate::decide::exposure::collect(s, &decision);
        for e in &mut exposures {
            e.new = self.state.expose(&e.experiment, &e.unit, e.at);
        }
        let mut ev = render::evaluation(s, decision);
        ev.exposures = exposures;
        ev
    }

    /// The typed decision [`Engine::evaluate_in`] words: what is shown and what is held back
    /// and why, before any text is made (for aggregates over many accounts).
    pub fn decide_in<'s>(&self, s: &'s Session, opts: &EvalOptions) -> Decision<'s> {
        recommend::decide(s, &self.state, opts)
    }

    /// May the user use `feature`, and if not, what unlocks it?
    pub fn check_feature(&self, feature: &str, context_json: &str, host_now: f64) -> FeatureCheck {
        self.check_feature_in(&self.session(context_json.to_owned(), host_now), feature)
    }

    /// [`Engine::check_feature`] in a session.
    pub fn check_feature_in(&self, s: &Session, feature: &str) -> FeatureCheck {
        render::feature_check(s, feature, &gate::check_feature(s, feature))
    }

    /// How close is the account to its limit on `metric`, and what raises it?
    pub fn check_usage(&self, metric: &str, context_json: &str, host_now: f64) -> UsageCheck {
        self.check_usage_in(&self.session(context_json.to_owned(), host_now), metric)
    }

    /// [`Engine::check_usage`] in a session.
    /// A unit in the program-wide holdout gets no callout that is not blocking.
    pub fn check_usage_in(&self, s: &Session, metric: &str) -> UsageCheck {
        let mut u = render::usage_check(s, metric, &limits::check_usage(s, metric));
        if u.callout
            .as_ref()
            .is_some_and(|c| c.severity != crate::catalog::model::Severity::Blocking)
            && recommend::program_assignment(s) == Some(true)
        {
            u.callout = None;
        }
        u
    }

    fn observe(&self, now: f64) {
        if now.is_finite() {
            self.last_now.set(now);
        }
    }

    /// Records an impression, click, dismissal or conversion of a callout at `at` (ms since
    /// the epoch), on the system clock. Never fails loudly: a refused event says why. See
    /// [`Engine::record_at`].
    #[cfg(not(target_arch = "wasm32"))]
    pub fn record(&mut self, kind: &str, callout: &str, at: f64) -> RecordResult {
        self.record_at(kind, callout, Some(at), host_now())
    }

    /// Records an event on a host whose clock reads `host_now` (ms since the epoch; NaN when
    /// the host gives none, which leaves stored times unbounded). The clock rule:
    ///
    /// - an event without `at` is stamped with the `now` of the latest context read (the
    ///   decision it answers), or the host clock when that is earlier or no context was read,
    ///   so re-evaluating that same context sees it;
    /// - an event stamped more than a day after the host clock is refused, so a device whose
    ///   clock runs ahead, or a context with a far-future `now`, cannot push real impressions
    ///   out of the state or hide a dismissal behind a future one. A context's `now` moves
    ///   what is evaluated (time travel), never what may be stored.
    pub fn record_at(
        &mut self,
        kind: &str,
        callout: &str,
        at: Option<f64>,
        host_now: f64,
    ) -> RecordResult {
        let kind = match EventType::parse(kind) {
            Some(kind) => kind,
            None => {
                let other = kind;
                return bad_event(
                    format!("unknown event type `{other}`; expected `impression`, `click`, `dismiss` or `convert`"),
                    "type",
                );
            }
        };
        let at = at.unwrap_or_else(|| {
            let last = self.last_now.get();
            match (last.is_finite(), host_now.is_finite()) {
                (true, true) => last.min(host_now),
                (true, false) => last,
                _ => host_now,
            }
        });
        if !crate::base::date::in_range(at) {
            return bad_event("`at` is not a time from 1970 to 9999".into(), "at");
        }
        if at > latest_storable(host_now) {
            return bad_event(
                format!(
                    "`at` is more than a day after the host clock (`{}`); events from a clock that runs ahead are refused",
                    crate::base::date::format(host_now)
                ),
                "at",
            );
        }
        match self.state.record(&self.catalog, kind, callout, at) {
            Ok(()) => RecordResult {
                recorded: true,
                error: None,
                at: Some(at),
            },
            Err(d) => RecordResult {
                recorded: false,
                error: Some(d),
                at: None,
            },
        }
    }

    /// The state to persist: versioned, JSON-serializable and bounded in size.
    pub fn export_state(&mut self) -> EngineState {
        self.state.prune(&self.catalog);
        self.state.clone()
    }

    /// The compiled catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The context paths and functions a rule of this catalog can name, for editors
    /// (the playground's rule form completes from it).
    pub fn vocabulary(&self) -> crate::catalog::vocabulary::Vocabulary {
        crate::catalog::vocabulary::vocabulary(&self.catalog.model)
    }

    /// Warnings found while loading the config, restoring a state or persisting it.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }
}

/// The host clock in ms since the epoch (native builds).
#[cfg(not(target_arch = "wasm32"))]
pub fn host_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}
