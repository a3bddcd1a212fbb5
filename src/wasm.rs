//! JavaScript bindings: value conversion and error mapping only. Every decision is made in the
//! core; this file turns JS values into JSON text and results into plain JS objects.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::diag::Diagnostic;
use crate::engine::{self, Engine};

#[wasm_bindgen(inline_js = r#"
// Values JSON cannot carry are marked so the engine reports them: "\u0000nonfinite:" for NaN,
// Infinity and BigInt, "\u0000unsupported:" for Map, Set and invalid Dates.
function mark(k, x) {
  const raw = this[k];
  if (raw instanceof Date && Number.isNaN(raw.getTime())) return "\u0000unsupported:an invalid Date";
  if (raw instanceof Map) return "\u0000unsupported:a Map";
  if (raw instanceof Set) return "\u0000unsupported:a Set";
  if (typeof x === "number" && !Number.isFinite(x)) return "\u0000nonfinite:" + String(x);
  if (typeof x === "bigint") return "\u0000nonfinite:" + String(x) + "n";
  return x;
}
// JSON.stringify writes a lone surrogate as an escape the engine's parser refuses; write the
// replacement character instead (an even run of backslashes before `u` means a real escape).
function wellFormed(s) {
  return s.replace(/(\\*)\\u(d[89a-f][0-9a-f]{2})/gi, (m, slashes, hex, at, all) => {
    if (slashes.length % 2 === 1) return m;
    const next = all.slice(at + m.length, at + m.length + 6);
    const high = parseInt(hex, 16) < 0xdc00;
    if (high && /^\\ud[c-f][0-9a-f]{2}$/i.test(next)) return m;
    if (!high && /\\ud[89ab][0-9a-f]{2}$/i.test(all.slice(Math.max(0, at + slashes.length - 6), at + slashes.length))) return m;
    return slashes + "\\ufffd";
  });
}
export function toJsonText(v, max) {
  if (typeof v === "string") return v.length > max ? { error: "too_large" } : wellFormed(v);
  if (v === undefined) return { error: "undefined" };
  try {
    const s = JSON.stringify(v, mark);
    if (s === undefined) return { error: typeof v };
    return s.length > max ? { error: "too_large" } : wellFormed(s);
  } catch (e) {
    return { error: String(e && e.message || e) };
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = toJsonText)]
    fn to_json_text(v: &JsValue, max: f64) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `{ state? }`: options of the engine constructor.
    #[wasm_bindgen(typescript_type = "EngineOptions")]
    pub type EngineOptions;

    /// `{ placement?, trace? }`: options of `evaluate`.
    #[wasm_bindgen(typescript_type = "EvaluateOptions")]
    pub type EvaluateOptions;
}

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = include_str!("../ts/types.d.ts");

/// JSON text of a JS value, or a diagnostic saying why it has none (cycles, `undefined`, too
/// large: the size is checked in JS, before anything is copied into wasm memory).
fn json_of(v: &JsValue, what: &str, max: usize) -> Result<String, Diagnostic> {
    let out = to_json_text(v, max as f64);
    match out.as_string() {
        Some(s) => Ok(s),
        None => {
            let why = js_sys::Reflect::get(&out, &JsValue::from_str("error"))
                .ok()
                .and_then(|e| e.as_string())
                .unwrap_or_default();
            if why == "too_large" {
                return Err(Diagnostic::new(
                    "too_large",
                    format!("{what} is larger than {max} characters"),
                    Vec::new(),
                ));
            }
            Err(Diagnostic::new(
                "invalid_json",
                format!("{what} cannot be read as JSON: {why}"),
                Vec::new(),
            ))
        }
    }
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// Validates a config. Never throws: problems are in the report.
#[wasm_bindgen(js_name = validateConfig, unchecked_return_type = "ValidationReport")]
pub fn validate_config(
    #[wasm_bindgen(unchecked_param_type = "unknown")] config: JsValue,
) -> JsValue {
    let report = match json_of(&config, "config", crate::config::MAX_CONFIG_BYTES) {
        Ok(text) => engine::validate_config(&text),
        Err(d) => engine::ValidationReport {
            valid: false,
            errors: vec![d],
            warnings: Vec::new(),
        },
    };
    to_js(&report)
}

/// A compiled catalog. Construct once per config; evaluate many contexts.
#[wasm_bindgen]
pub struct PromptEngine {
    inner: Engine,
}

fn config_error(errors: &[Diagnostic]) -> JsValue {
    let first = errors
        .first()
        .map_or_else(String::new, |e| e.message.clone());
    let more = if errors.len() > 1 {
        format!(" (and {} more)", errors.len() - 1)
    } else {
        String::new()
    };
    let err = js_sys::Error::new(&format!("invalid config: {first}{more}"));
    err.set_name("ConfigError");
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("errors"), &to_js(&errors));
    err.into()
}

impl PromptEngine {
    fn facts(&self, context: &JsValue) -> crate::context::Facts {
        let now = js_sys::Date::now();
        match json_of(context, "context", crate::context::MAX_CONTEXT_BYTES) {
            Ok(text) => self.inner.facts(&text, now),
            Err(problem) => self.inner.unreadable(problem, now),
        }
    }
}

#[wasm_bindgen]
impl PromptEngine {
    /// Compiles a config (object or JSON text).
    ///
    /// # Errors
    /// Throws a `ConfigError` whose `errors` lists every problem when the config is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        options: Option<EngineOptions>,
    ) -> Result<PromptEngine, JsValue> {
        let text = json_of(&config, "config", crate::config::MAX_CONFIG_BYTES)
            .map_err(|d| config_error(&[d]))?;
        let mut inner = Engine::new(&text).map_err(|e| config_error(&e))?;
        if let Some(opts) = options {
            let state = js_sys::Reflect::get(&opts, &JsValue::from_str("state"))
                .unwrap_or(JsValue::UNDEFINED);
            if !state.is_undefined() && !state.is_null() {
                inner.restore_state(
                    &json_of(&state, "state", crate::context::MAX_CONTEXT_BYTES)
                        .unwrap_or_default(),
                );
            }
        }
        Ok(PromptEngine { inner })
    }

    /// May the user use `feature`? Never throws.
    #[wasm_bindgen(js_name = checkFeature, unchecked_return_type = "FeatureCheck")]
    pub fn check_feature(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
    ) -> JsValue {
        let feature = feature.as_string().unwrap_or_default();
        to_js(&self.inner.check_feature_in(&feature, &self.facts(&context)))
    }

    /// How close is the account to the limit on `metric`? Never throws.
    #[wasm_bindgen(js_name = checkUsage, unchecked_return_type = "UsageCheck")]
    pub fn check_usage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] metric: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
    ) -> JsValue {
        let metric = metric.as_string().unwrap_or_default();
        to_js(&self.inner.check_usage_in(&metric, &self.facts(&context)))
    }

    /// Evaluates built-in callouts and rules for a context. Never throws.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
        options: Option<EvaluateOptions>,
    ) -> JsValue {
        let mut opts = crate::recommend::EvalOptions::default();
        if let Some(o) = options {
            let get = |k: &str| {
                js_sys::Reflect::get(&o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
            };
            opts.placement = get("placement").as_string();
            opts.trace = get("trace").is_truthy();
        }
        to_js(&self.inner.evaluate_in(&self.facts(&context), &opts))
    }

    /// Records an impression, click, dismissal or conversion. Never throws; returns
    /// `{ recorded, error }`.
    #[wasm_bindgen(unchecked_return_type = "RecordResult")]
    pub fn record(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CalloutEvent")] event: JsValue,
    ) -> JsValue {
        let get = |k: &str| js_sys::Reflect::get(&event, &JsValue::from_str(k));
        let kind = get("type")
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let callout = get("callout")
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        // A getter that throws gives no time at all (refused), not "now".
        let at = get("at").unwrap_or_else(|_| JsValue::from_str("invalid"));
        let at = if at.is_undefined() || at.is_null() {
            Some(js_sys::Date::now())
        } else if let Some(n) = at.as_f64() {
            Some(n)
        } else if let Some(s) = at.as_string() {
            crate::date::parse(&s)
        } else if at.is_instance_of::<js_sys::Date>() {
            Some(js_sys::Date::from(at).get_time())
        } else {
            None
        };
        to_js(&self.inner.record(&kind, &callout, at.unwrap_or(f64::NAN)))
    }

    /// The state to persist (versioned, JSON-serializable, bounded).
    #[wasm_bindgen(js_name = exportState, unchecked_return_type = "EngineState")]
    pub fn export_state(&mut self) -> JsValue {
        to_js(&self.inner.export_state())
    }

    /// Warnings found while loading the config.
    #[wasm_bindgen(getter, unchecked_return_type = "Diagnostic[]")]
    pub fn warnings(&self) -> JsValue {
        to_js(&self.inner.warnings())
    }
}
