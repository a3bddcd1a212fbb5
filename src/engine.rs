//! The engine handle: a catalog compiled once from a config, then asked questions about
//! contexts. This is the whole native API; `wasm.rs` only converts values at the boundary.

use serde::Serialize;

use crate::config::{self, Catalog};
use crate::context::{self, Facts};
use crate::diag::Diagnostic;
use crate::gate::{self, FeatureCheck};
use crate::recommend::{self, EvalOptions, Evaluation};
use crate::state::{EngineState, EventType};
use crate::usage::{self, UsageCheck};

/// The result of validating a config. Never an error itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    /// Whether the config loads.
    pub valid: bool,
    /// Every error found, each with a path into the config.
    pub errors: Vec<Diagnostic>,
    /// Every warning found.
    pub warnings: Vec<Diagnostic>,
}

/// Validates a config given as JSON text.
pub fn validate_config(json: &str) -> ValidationReport {
    let loaded = config::load_str(json);
    ValidationReport {
        valid: loaded.catalog.is_some(),
        errors: loaded.errors,
        warnings: loaded.warnings,
    }
}

/// A compiled catalog, ready to evaluate contexts.
#[derive(Debug)]
pub struct Engine {
    catalog: Catalog,
    warnings: Vec<Diagnostic>,
    state: EngineState,
}

/// The outcome of `record`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordResult {
    /// Whether the event was stored.
    pub recorded: bool,
    /// Why not, when it was not.
    pub error: Option<Diagnostic>,
}

impl Engine {
    /// Compiles a config given as JSON text.
    ///
    /// # Errors
    /// Every problem in the config, each with a path, when it does not load.
    pub fn new(config_json: &str) -> Result<Engine, Vec<Diagnostic>> {
        let loaded = config::load_str(config_json);
        match loaded.catalog {
            Some(catalog) => Ok(Engine {
                catalog,
                warnings: loaded.warnings,
                state: EngineState::new(),
            }),
            None => Err(loaded.errors),
        }
    }

    /// Restores a state exported earlier. A corrupt, foreign or future-version state is
    /// ignored with a warning (see [`Engine::warnings`]).
    pub fn restore_state(&mut self, state_json: &str) {
        let parsed = serde_json::from_str::<serde_json::Value>(state_json)
            .unwrap_or(serde_json::Value::Null);
        let (state, warnings) = EngineState::restore(&self.catalog, &parsed);
        self.state = state;
        self.warnings.extend(warnings);
    }

    /// Evaluates every built-in callout and rule for a context.
    pub fn evaluate(&self, context_json: &str, opts: &EvalOptions, host_now: f64) -> Evaluation {
        self.evaluate_in(&self.facts(context_json, host_now), opts)
    }

    /// [`Engine::evaluate`] over facts already read.
    pub fn evaluate_in(&self, facts: &Facts, opts: &EvalOptions) -> Evaluation {
        recommend::evaluate(&self.catalog, facts, &self.state, opts)
    }

    /// Records an impression, click, dismissal or conversion of a callout at `at` (ms since
    /// the epoch). Never fails loudly: a refused event says why.
    pub fn record(&mut self, kind: &str, callout: &str, at: f64) -> RecordResult {
        let kind = match kind {
            "impression" => EventType::Impression,
            "click" => EventType::Click,
            "dismiss" => EventType::Dismiss,
            "convert" => EventType::Convert,
            other => {
                let d = recommend::bad_event(format!("unknown event type `{other}`; expected `impression`, `click`, `dismiss` or `convert`"), "type");
                return RecordResult {
                    recorded: false,
                    error: Some(d),
                };
            }
        };
        if !crate::date::in_range(at) {
            return RecordResult {
                recorded: false,
                error: Some(recommend::bad_event(
                    "`at` is not a time from 1970 to 9999".into(),
                    "at",
                )),
            };
        }
        match self.state.record(&self.catalog, kind, callout, at) {
            Ok(()) => RecordResult {
                recorded: true,
                error: None,
            },
            Err(d) => RecordResult {
                recorded: false,
                error: Some(d),
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

    /// Warnings found while loading the config.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// Reads a context given as JSON text; `host_now` (ms since epoch) stands in for a missing `now`.
    pub fn facts(&self, context_json: &str, host_now: f64) -> Facts {
        context::read_str(&self.catalog, context_json, host_now)
    }

    /// Facts for a context that could not be read at all (the diagnostic says why).
    pub fn unreadable(&self, problem: Diagnostic, host_now: f64) -> Facts {
        context::unreadable(&self.catalog, host_now, problem)
    }

    /// May the user use `feature`, and if not, what unlocks it?
    pub fn check_feature(&self, feature: &str, context_json: &str, host_now: f64) -> FeatureCheck {
        self.check_feature_in(feature, &self.facts(context_json, host_now))
    }

    /// [`Engine::check_feature`] over facts already read.
    pub fn check_feature_in(&self, feature: &str, facts: &Facts) -> FeatureCheck {
        gate::check_feature(&self.catalog, facts, feature)
    }

    /// How close is the account to its limit on `metric`, and what raises it?
    pub fn check_usage(&self, metric: &str, context_json: &str, host_now: f64) -> UsageCheck {
        self.check_usage_in(metric, &self.facts(context_json, host_now))
    }

    /// [`Engine::check_usage`] over facts already read.
    pub fn check_usage_in(&self, metric: &str, facts: &Facts) -> UsageCheck {
        usage::check_usage(&self.catalog, facts, metric)
    }
}

/// The host clock in ms since the epoch (native builds).
#[cfg(not(target_arch = "wasm32"))]
pub fn host_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

/// Serializes a result as JSON text with whole numbers written without a fraction (`18`, not
/// `18.0`), the same text `JSON.stringify` gives for the wasm result.
pub fn to_json<T: Serialize>(value: &T) -> String {
    let v = serde_json::to_value(value)
        .map(normalize)
        .unwrap_or(serde_json::Value::Null);
    serde_json::to_string(&v).unwrap_or_default()
}

fn normalize(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 && !n.is_i64() && !n.is_u64() => {
                Value::from(f as i64)
            }
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(normalize).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, normalize(v))).collect()),
        other => other,
    }
}
