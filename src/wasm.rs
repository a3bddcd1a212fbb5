//! The Rust half of the JavaScript boundary: numbers, strings and bytes in, JSON text out.
//!
//! The package's public classes are plain JavaScript (`js/engine.js`): it reads the options,
//! turns a context into JSON text (only the fields the catalog reads, unless `strict`), keeps
//! the `persist` link to `localStorage`, and shapes the results. Nothing here calls back into
//! JavaScript, so a getter in a context can never run while the engine is borrowed. Every
//! decision is made in the core.

use wasm_bindgen::prelude::*;

use crate::base::diag::{Code, Diagnostic, PathSeg};
use crate::base::out::to_json;
use crate::decide::recommend::{unit_id, Reason};
use crate::decide::{EvalOptions, Session};
use crate::engine::Engine;

/// A loaded catalog and its recorded state (the JavaScript `PromptEngine` holds one).
#[wasm_bindgen(skip_typescript)]
pub struct Core {
    engine: Engine,
    /// The packed held-back list of the latest `evaluate` (see `Evaluation::to_json_packed`).
    packed: Vec<u32>,
}

/// A context read once (the JavaScript `PromptSession` holds one).
#[wasm_bindgen(skip_typescript)]
pub struct Facts {
    session: Session,
}

#[wasm_bindgen]
impl Facts {
    /// The unit events are logged under when no experiment names one: the account id, else
    /// the user id (`undefined` for neither).
    pub fn unit(&self) -> Option<String> {
        let s = &self.session;
        unit_id(s, false)
            .or_else(|| unit_id(s, true))
            .map(str::to_owned)
    }
}

/// The JSON text of a list of diagnostics: what a failed load throws, for the JavaScript side
/// to turn into a `ConfigError`.
fn thrown(errors: &[Diagnostic]) -> String {
    to_json(errors)
}

/// Validates a config given as JSON text (`keys_unique`: `JSON.stringify` wrote it from an
/// object, so no object in it repeats a key). Returns the report as JSON text. (Not in the
/// runtime build, which never reads a config.)
#[cfg(not(feature = "runtime"))]
#[wasm_bindgen(js_name = validateText, skip_typescript)]
pub fn validate_text(text: String, keys_unique: bool) -> String {
    to_json(&crate::engine::validate_config_text(text, keys_unique))
}

/// A catalog compiled for the Node entries to warm the engine at import (`src/warm.json`: the
/// team sample with rules over traits, signals, lists, text functions and `?:`): one load and
/// evaluation of it runs the code of a first request, which the wasm engine otherwise compiles
/// lazily during that request. (Only in the Node build.)
#[cfg(feature = "node")]
#[wasm_bindgen(js_name = warmCatalog, skip_typescript)]
pub fn warm_catalog() -> Vec<u8> {
    crate::engine::compile(include_str!("warm.json"))
        .map(|c| c.bytes)
        .unwrap_or_default()
}

/// The reasons an evaluation's packed held-back list refers to, by index (JSON text).
#[wasm_bindgen(skip_typescript)]
pub fn reasons() -> String {
    let names: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    to_json(&names)
}

#[wasm_bindgen]
impl Core {
    /// Compiles a config given as JSON text. Throws the JSON text of its errors.
    #[cfg(not(feature = "runtime"))]
    #[wasm_bindgen(js_name = fromConfig)]
    pub fn from_config(text: String, keys_unique: bool) -> Result<Core, String> {
        Engine::from_text(text, keys_unique)
            .map(Core::of)
            .map_err(|e| thrown(&e))
    }

    /// Loads a catalog compiled ahead of time. Throws the JSON text of one `invalid_catalog`
    /// error.
    #[cfg(feature = "compiled")]
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Core, String> {
        Engine::from_artifact(bytes)
            .map(Core::of)
            .map_err(|d| thrown(&[d]))
    }

    fn of(engine: Engine) -> Core {
        Core {
            engine,
            packed: Vec::new(),
        }
    }

    /// Restores a state given as JSON text (see `Engine::restore_state`).
    pub fn restore(&mut self, text: &str, host_now: f64) {
        self.engine.restore_state(text, host_now);
    }

    /// Starts fresh because the given state could not be read at all (`why`).
    pub fn ignore(&mut self, why: &str) {
        self.engine.ignore_state(why);
    }

    /// Merges a stored state (another tab's, an earlier page's); returns whether the stored
    /// text differs from what this engine would now write (see `Engine::merge_state`).
    pub fn merge(&mut self, text: &str, host_now: f64) -> bool {
        self.engine.merge_state(text, host_now)
    }

    /// A warning found by the JavaScript side (options, `persist`), at `[key]`. Codes outside
    /// the known list are recorded as `invalid_option`.
    pub fn warn(&mut self, code: &str, message: String, key: String) {
        // Compared with the four wire names it may be rather than parsed against every code:
        // the parser's table of all codes would otherwise be linked into the runtime.
        let code = [
            Code::PersistUnavailable,
            Code::PersistFailed,
            Code::UnknownOption,
            Code::EventHandlerFailed,
        ]
        .into_iter()
        .find(|c| c.as_str() == code)
        .unwrap_or(Code::InvalidOption);
        self.engine
            .warn(Diagnostic::new(code, message, vec![PathSeg::Key(key)]));
    }

    /// Reads a context given as JSON text in UTF-8 (`keys_unique` as for `validateText`). The
    /// JavaScript side encodes it with `TextEncoder`, which is faster than copying a string
    /// character by character; bytes that are not UTF-8 are read as an unreadable context.
    pub fn read(&self, text: Vec<u8>, keys_unique: bool, host_now: f64) -> Facts {
        let session = match String::from_utf8(text) {
            Ok(text) => self.engine.session_of(text, host_now, keys_unique),
            Err(_) => self.engine.unreadable(
                Diagnostic::new(Code::InvalidJson, "context is not UTF-8 text", Vec::new()),
                host_now,
            ),
        };
        Facts { session }
    }

    /// A session for a context the JavaScript side could not turn into JSON at all.
    pub fn unreadable(&self, too_large: bool, message: String, host_now: f64) -> Facts {
        let code = if too_large {
            Code::TooLarge
        } else {
            Code::InvalidJson
        };
        Facts {
            session: self
                .engine
                .unreadable(Diagnostic::new(code, message, Vec::new()), host_now),
        }
    }

    /// `checkFeature` as JSON text.
    pub fn feature(&self, facts: &Facts, name: &str) -> String {
        to_json(&self.engine.check_feature_in(&facts.session, name))
    }

    /// `checkUsage` as JSON text.
    pub fn usage(&self, facts: &Facts, name: &str) -> String {
        to_json(&self.engine.check_usage_in(&facts.session, name))
    }

    /// The catalog index of a feature (`usage` false) or metric, or -1: the JavaScript side
    /// keeps a session's answers by it, so its memory is bounded by the catalog.
    pub fn find(&self, usage: bool, name: &str) -> i32 {
        let kind = if usage {
            crate::catalog::Kind::Metric
        } else {
            crate::catalog::Kind::Feature
        };
        self.engine
            .catalog()
            .model
            .find(kind, name)
            .and_then(|i| i32::try_from(i).ok())
            .unwrap_or(-1)
    }

    /// Evaluates a session: the JSON text whose callouts are a flat list; the held-back
    /// entries packed beside it are read next with `packed`.
    /// With `exposures` (the host listens to events) its `exposures` list the experiments it
    /// exposed the unit to, each marked `new` the first time (see `Engine::evaluate_logged`).
    pub fn evaluate(
        &mut self,
        facts: &Facts,
        placement: Option<String>,
        trace: bool,
        exposures: bool,
    ) -> String {
        let opts = EvalOptions {
            placement,
            trace,
            exposures,
        };
        let ev = if exposures {
            self.engine.evaluate_logged(&facts.session, &opts)
        } else {
            self.engine.evaluate_in(&facts.session, &opts)
        };
        let (text, packed) = ev.to_json_packed();
        self.packed = packed;
        text
    }

    /// The packed held-back list of the latest `evaluate`.
    pub fn packed(&self) -> Vec<u32> {
        self.packed.clone()
    }

    /// Records an event (`at`: ms since the epoch, NaN when unreadable; `at_text` a date
    /// string; neither: the engine stamps it). Returns `{ recorded, error }` as JSON text.
    pub fn record(
        &mut self,
        kind: &str,
        callout: &str,
        at: Option<f64>,
        at_text: Option<String>,
        host_now: f64,
    ) -> String {
        let at = match at_text {
            Some(s) => Some(crate::base::date::parse(&s).unwrap_or(f64::NAN)),
            None => at,
        };
        to_json(&self.engine.record_at(kind, callout, at, host_now))
    }

    /// The state to persist, as JSON text.
    pub fn state(&mut self) -> String {
        to_json(&self.engine.export_state())
    }

    /// The warnings so far, as JSON text.
    pub fn warnings(&self) -> String {
        to_json(self.engine.warnings())
    }

    /// The rule ids, by index (JSON text): the names the packed held-back list refers to.
    pub fn rules(&self) -> String {
        let ids: Vec<&str> = self
            .engine
            .catalog()
            .policy
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        to_json(&ids)
    }

    /// The context paths the catalog reads (JSON text): the JavaScript side copies only these
    /// from a context unless the engine is `strict`.
    pub fn paths(&self) -> String {
        to_json(&crate::catalog::artifact::context_paths(
            self.engine.catalog(),
        ))
    }
}
