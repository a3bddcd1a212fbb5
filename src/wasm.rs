//! JavaScript bindings: value conversion and error mapping only. Every decision is made in the
//! core; this file turns JS values into JSON text and results into plain JS objects.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::diag::Diagnostic;
use crate::engine::{self, Engine};

#[wasm_bindgen(inline_js = r#"
export function toJsonText(v) {
  if (typeof v === "string") return v;
  if (v === undefined) return { error: "undefined" };
  try {
    const s = JSON.stringify(v, (k, x) =>
      typeof x === "number" && !Number.isFinite(x) ? "\u0000nonfinite:" + String(x)
      : typeof x === "bigint" ? "\u0000nonfinite:" + String(x) + "n" : x);
    return s === undefined ? { error: typeof v } : s;
  } catch (e) {
    return { error: String(e && e.message || e) };
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = toJsonText)]
    fn to_json_text(v: &JsValue) -> JsValue;
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

/// JSON text of a JS value, or a diagnostic saying why it has none (cycles, `undefined`).
fn json_of(v: &JsValue, what: &str) -> Result<String, Diagnostic> {
    let out = to_json_text(v);
    match out.as_string() {
        Some(s) => Ok(s),
        None => {
            let why = js_sys::Reflect::get(&out, &JsValue::from_str("error"))
                .ok()
                .and_then(|e| e.as_string())
                .unwrap_or_default();
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
    let report = match json_of(&config, "config") {
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
        match json_of(context, "context") {
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
        let text = json_of(&config, "config").map_err(|d| config_error(&[d]))?;
        let mut inner = Engine::new(&text).map_err(|e| config_error(&e))?;
        if let Some(opts) = options {
            let state = js_sys::Reflect::get(&opts, &JsValue::from_str("state"))
                .unwrap_or(JsValue::UNDEFINED);
            if !state.is_undefined() && !state.is_null() {
                inner.restore_state(&json_of(&state, "state").unwrap_or_default());
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
        let get = |k: &str| {
            js_sys::Reflect::get(&event, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
        };
        let kind = get("type").as_string().unwrap_or_default();
        let callout = get("callout").as_string().unwrap_or_default();
        let at = get("at");
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
