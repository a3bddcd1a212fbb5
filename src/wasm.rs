//! JavaScript bindings: value conversion and error mapping only. Every decision is made in the
//! core. Inputs cross as JSON text (objects are stringified on the JS side); results cross as
//! the JSON text the core writes, parsed once by `JSON.parse`. An evaluation's text is shaped
//! for the JS side to finish: its callouts as one flat list of values, its plain held-back
//! entries as index pairs beside the text (see `Evaluation::to_json_packed`).

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::base::diag::{path_text, Diagnostic};
use crate::base::out::{to_json, ToJson};
use crate::browser::Persist;
use crate::catalog::Kind;
use crate::decide::recommend::Reason;
use crate::decide::{EvalOptions, Session};
use crate::engine::Engine;

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
// Whether a plain JSON.stringify of an object lost something, found by one walk over it: true
// when it holds a value that stringify turns into null or {} (NaN, Infinity, a BigInt, a Map, a
// Set, an invalid Date; any other toJSON, arrays' included, on doubt). Called after a plain
// stringify of `length` characters succeeded: every object or array walked took at least two
// of them, so a walk that meets more (a proxy or a getter answering differently the second
// time, or inherited properties, which `for in` also visits) stops and answers true. Lone
// surrogates are looked for in the text (see `wellFormed`).
function lost(v, length) {
  const stack = [];
  // A number JSON cannot write or a BigInt; objects go on the stack.
  const look = (y) => {
    switch (typeof y) {
      case "object":
        if (y !== null) stack.push(y);
        return false;
      case "number":
        return y - y !== 0;
      case "bigint":
        return true;
    }
    return false;
  };
  try {
    // (The value itself may be a number: `JSON.stringify(NaN)` is "null".)
    if (look(v)) return true;
    let budget = length / 2 + 1;
    while (stack.length > 0) {
      if (--budget < 0) return true;
      const x = stack.pop();
      if (typeof x.toJSON === "function") {
        if (!(x instanceof Date) || Number.isNaN(x.getTime())) return true;
        continue;
      }
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) if (look(x[i])) return true;
        continue;
      }
      const proto = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null && (x instanceof Map || x instanceof Set)) return true;
      for (const k in x) if (look(x[k])) return true;
    }
    return false;
  } catch (e) {
    return true;
  }
}
// JSON.stringify writes a lone surrogate as an escape the engine's parser refuses; write the
// replacement character instead (an even run of backslashes before `u` means a real escape).
// JSON writes the `u` of an escape in lower case only (`\\U` is not an escape), and its hex
// digits in either case.
function wellFormed(s) {
  if (s.indexOf("\\u") < 0) return s;
  return s.replace(/(\\*)\\u([dD][89a-fA-F][0-9a-fA-F]{2})/g, (m, slashes, hex, at, all) => {
    if (slashes.length % 2 === 1) return m;
    const next = all.slice(at + m.length, at + m.length + 6);
    const high = parseInt(hex, 16) < 0xdc00;
    if (high && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(next)) return m;
    if (!high && /\\u[dD][89abAB][0-9a-fA-F]{2}$/.test(all.slice(Math.max(0, at + slashes.length - 6), at + slashes.length))) return m;
    return slashes + "\\ufffd";
  });
}
export function toJsonText(v, max) {
  if (typeof v === "string") return v.length > max ? { error: "too_large" } : wellFormed(v);
  if (v === undefined) return { error: "undefined" };
  try {
    // Fast path: a plain stringify. NaN, Infinity and invalid Dates would turn into `null`,
    // Maps and Sets into `{}`, and a BigInt throws: only then is the marking pass needed.
    let s;
    try { s = JSON.stringify(v); } catch (e) { s = null; }
    // A short text (a context) is searched for `null` or `{}`, what stringify writes for the
    // values it cannot carry, and the value is walked only on a hit. A long one (a big catalog)
    // is always walked, so that a Map or an invalid Date with its own `toJSON` or enumerable
    // properties is found there too.
    const odd = s === null || (s !== undefined &&
      (s.length > 65536 || s.indexOf("null") >= 0 || s.indexOf("{}") >= 0) && lost(v, s.length));
    if (odd) s = JSON.stringify(v, mark);
    if (s === undefined) return { error: typeof v };
    if (s.length > max) return { error: "too_large" };
    // Two keys that differ only in lone surrogates become the same key: say so.
    const t = wellFormed(s);
    return t === s ? s : { text: t, replaced: true };
  } catch (e) {
    return { error: String(e && e.message || e) };
  }
}
export function fromJson(s) {
  return JSON.parse(s);
}
// Callouts from the flat list of their values (the order is `Callout::write_flat`'s).
function callouts(v) {
  const out = [];
  let i = 0;
  while (i < v.length) {
    const id = v[i++], rule = v[i++], kind = v[i++], placement = v[i++], severity = v[i++];
    let target = null;
    const type = v[i++];
    if (type !== null) {
      target = { type, id: v[i++], label: v[i++], monthlyDelta: v[i++] };
      const quantity = v[i++];
      if (quantity !== null) target.quantity = quantity;
      target.contactSales = v[i++];
    }
    const title = v[i++], body = v[i++];
    const cta = { label: v[i++], action: v[i++] };
    const url = v[i++];
    if (url !== null) cta.url = url;
    const priority = v[i++];
    let experiment = null;
    const key = v[i++];
    if (key !== null) experiment = { key, variant: v[i++], holdout: v[i++] };
    const n = v[i++];
    const reasons = v.slice(i, i + n);
    i += n;
    out.push({ id, rule, kind, placement, severity, target, title, body, cta, priority, experiment, reasons });
  }
  return out;
}
// An evaluation from its JSON text, whose callouts are a flat list of values, and its
// held-back list packed beside the text as pairs (rule index, reason index); the pair
// (0xffffffff, 0) takes the text's next entry instead.
export function evaluation(text, packed, rules, reasons) {
  const r = JSON.parse(text);
  r.callouts = callouts(r.callouts);
  if (packed.length === 0) return r;
  const inText = r.suppressed;
  const list = [];
  for (let i = 0, j = 0; i < packed.length; i += 2) {
    const rule = packed[i];
    if (rule === 0xffffffff) {
      list.push(inText[j++]);
    } else {
      const id = rules[rule];
      list.push({ rule: id, callout: id, reason: reasons[packed[i + 1]] });
    }
  }
  r.suppressed = list;
  return r;
}
function deepFreeze(o) {
  if (o !== null && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const k of Object.keys(o)) deepFreeze(o[k]);
  }
  return o;
}
export function frozenJson(s) {
  return deepFreeze(JSON.parse(s));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = toJsonText)]
    fn to_json_text(v: &JsValue, max: f64) -> JsValue;
    #[wasm_bindgen(js_name = fromJson)]
    pub(crate) fn from_json(s: &str) -> JsValue;
    #[wasm_bindgen(js_name = frozenJson)]
    fn frozen_json(s: &str) -> JsValue;
    fn evaluation(text: &str, packed: &[u32], rules: &JsValue, reasons: &JsValue) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `{ state?, persist? }`: options of the engine constructor.
    #[wasm_bindgen(typescript_type = "EngineOptions")]
    pub type EngineOptions;

    /// `{ placement?, trace? }`: options of `evaluate`.
    #[wasm_bindgen(typescript_type = "EvaluateOptions")]
    pub type EvaluateOptions;
}

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = include_str!("../ts/types.d.ts");

pub(crate) fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// JSON text of a JS value, or a diagnostic saying why it has none (cycles, `undefined`, too
/// large: the size is checked in JS, before anything is copied into wasm memory).
pub(crate) fn json_of(v: &JsValue, what: &str, max: usize) -> Result<String, Diagnostic> {
    json_text(v, what, max).map(|(text, _)| text)
}

/// [`json_of`], and whether no object in the text can repeat a key: the text was written by
/// `JSON.stringify` from an object, and no lone surrogate in two keys was replaced by the same
/// character.
pub(crate) fn json_text(v: &JsValue, what: &str, max: usize) -> Result<(String, bool), Diagnostic> {
    let out = to_json_text(v, max as f64);
    if let Some(s) = out.as_string() {
        return Ok((s, !v.is_string()));
    }
    if let Some(s) = get(&out, "text").as_string() {
        return Ok((s, false));
    }
    let why = get(&out, "error").as_string().unwrap_or_default();
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

pub(crate) fn to_js<T: ToJson + ?Sized>(value: &T) -> JsValue {
    from_json(&to_json(value))
}

/// The names an evaluation's packed held-back list refers to: rule ids and reasons, as JS
/// arrays made once per engine, at its first evaluation.
struct Names {
    rules: JsValue,
    reasons: JsValue,
}

impl Names {
    fn of(engine: &Engine) -> Names {
        let rules: Vec<&str> = engine
            .catalog()
            .policy
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        let reasons: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
        Names {
            rules: to_js(&rules),
            reasons: to_js(&reasons),
        }
    }
}

/// The evaluation of a session as a JS object; most held-back entries are made in JS from the
/// engine's names (made at its first evaluation) instead of being written as text and parsed.
fn evaluate_js(
    names: &OnceCell<Names>,
    engine: &Engine,
    s: &Session,
    opts: &EvalOptions,
) -> JsValue {
    let names = names.get_or_init(|| Names::of(engine));
    let (text, packed) = engine.evaluate_in(s, opts).to_json_packed();
    evaluation(&text, &packed, &names.rules, &names.reasons)
}

fn busy() -> JsValue {
    js_sys::Error::new("the engine is in use by a call that has not returned (a getter of the context called back into it)").into()
}

/// Validates a config. Never throws: problems are in the report. (Not in the runtime build,
/// which never reads a config.)
#[cfg(not(feature = "runtime"))]
#[wasm_bindgen(js_name = validateConfig, unchecked_return_type = "ValidationReport")]
pub fn validate_config(
    #[wasm_bindgen(unchecked_param_type = "unknown")] config: JsValue,
) -> JsValue {
    let report = match json_text(&config, "config", crate::catalog::MAX_CONFIG_BYTES) {
        Ok((text, keys_unique)) => crate::engine::validate_config_text(text, keys_unique),
        Err(d) => crate::engine::ValidationReport {
            valid: false,
            errors: vec![d],
            warnings: Vec::new(),
        },
    };
    to_js(&report)
}

pub(crate) fn config_error(errors: &[Diagnostic]) -> JsValue {
    // "invalid config: rules[0].when: unknown path `usage.seat`; did you mean `usage.seats`?"
    // (a compiled catalog's message says what it is itself).
    let catalog = errors.first().is_some_and(|e| e.code == "invalid_catalog");
    let mut msg = String::from(if catalog { "" } else { "invalid config: " });
    if let Some(e) = errors.first() {
        if !e.path.is_empty() {
            msg.push_str(&path_text(&e.path));
            msg.push_str(": ");
        }
        msg.push_str(&e.message);
        if let Some(h) = &e.help {
            msg.push_str("; ");
            msg.push_str(h);
        }
    }
    if errors.len() > 1 {
        msg.push_str(&format!(" (and {} more)", errors.len() - 1));
    }
    let err = js_sys::Error::new(&msg);
    err.set_name("ConfigError");
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("errors"), &to_js(errors));
    err.into()
}

fn eval_options(options: Option<EvaluateOptions>) -> EvalOptions {
    let mut opts = EvalOptions::default();
    if let Some(o) = options {
        opts.placement = get(&o, "placement").as_string();
        opts.trace = get(&o, "trace").is_truthy();
    }
    opts
}

/// A compiled catalog. Construct once per config; evaluate many contexts.
#[wasm_bindgen]
pub struct PromptEngine {
    inner: Rc<RefCell<Engine>>,
    /// The `persist` option's link to `localStorage`.
    persist: Option<Persist>,
    names: Rc<OnceCell<Names>>,
}

/// An engine from a config (object or JSON text).
#[cfg(not(feature = "runtime"))]
fn from_config(config: &JsValue) -> Result<Engine, JsValue> {
    let (text, keys_unique) = json_text(config, "config", crate::catalog::MAX_CONFIG_BYTES)
        .map_err(|d| config_error(&[d]))?;
    Engine::from_text(text, keys_unique).map_err(|e| config_error(&e))
}

/// The runtime build reads no config: only the bytes `compile` wrote.
#[cfg(feature = "runtime")]
fn from_config(_: &JsValue) -> Result<Engine, JsValue> {
    Err(config_error(&[Diagnostic::new(
        "invalid_catalog",
        "the runtime entry loads compiled catalogs (a `Uint8Array` from `upgrade-prompts compile`), not configs",
        Vec::new(),
    )]))
}

/// A catalog compiled ahead of time. Builds with the `compiled` feature read it (the Node
/// entries and the audience entry); the browser entry's build, which still carries the config
/// reader, leaves the artifact reader out (8.6 KB gzipped) until the runtime build replaces it.
#[cfg(feature = "compiled")]
fn from_artifact(bytes: &js_sys::Uint8Array) -> Result<Engine, Diagnostic> {
    Engine::from_artifact(&bytes.to_vec())
}

#[cfg(not(feature = "compiled"))]
fn from_artifact(_: &js_sys::Uint8Array) -> Result<Engine, Diagnostic> {
    Err(Diagnostic::new(
        "invalid_catalog",
        "this build of the browser entry reads configs, not compiled catalogs; pass the config (the Node entries and `upgrade-prompts/audience` read compiled catalogs)",
        Vec::new(),
    ))
}

fn read_session(engine: &Engine, context: &JsValue) -> Session {
    let now = js_sys::Date::now();
    match json_text(context, "context", crate::facts::MAX_CONTEXT_BYTES) {
        Ok((text, keys_unique)) => engine.session_of(text, now, keys_unique),
        Err(problem) => engine.unreadable(problem, now),
    }
}

#[wasm_bindgen]
impl PromptEngine {
    /// Compiles a config (object or JSON text), or loads a catalog compiled ahead of time (the
    /// bytes `compile` wrote).
    ///
    /// # Errors
    /// Throws a `ConfigError` whose `errors` lists every problem when the config is invalid,
    /// or one `invalid_catalog` error when the bytes are not a compiled catalog it reads.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string | Uint8Array")] config: JsValue,
        options: Option<EngineOptions>,
    ) -> Result<PromptEngine, JsValue> {
        let mut inner = if let Some(bytes) = config.dyn_ref::<js_sys::Uint8Array>() {
            from_artifact(bytes).map_err(|d| config_error(&[d]))?
        } else {
            from_config(&config)?
        };
        let mut restore = true;
        if let Some(opts) = &options {
            let state = get(opts, "state");
            if !state.is_undefined() && !state.is_null() {
                restore = false; // an explicit state wins over the stored one
                match json_of(&state, "state", crate::facts::MAX_CONTEXT_BYTES) {
                    Ok(text) => inner.restore_state(&text, js_sys::Date::now()),
                    Err(d) => inner.ignore_state(&d.message),
                }
            }
        }
        let inner = Rc::new(RefCell::new(inner));
        let persist = options.and_then(|o| Persist::open(&get(&o, "persist"), &inner, restore));
        Ok(PromptEngine {
            inner,
            persist,
            names: Rc::default(),
        })
    }

    /// Reads a context once for several questions (`checkFeature`, `checkUsage`, `evaluate`).
    ///
    /// # Errors
    /// Only when called from inside another call of this engine.
    pub fn session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
    ) -> Result<PromptSession, JsValue> {
        let engine = self.inner.try_borrow().map_err(|_| busy())?;
        let session = read_session(&engine, &context);
        Ok(PromptSession {
            engine: Rc::clone(&self.inner),
            session,
            answers: RefCell::new(Vec::new()),
            names: Rc::clone(&self.names),
        })
    }

    /// May the user use `feature`? Never throws for a bad context.
    ///
    /// # Errors
    /// Only when called from inside another call of this engine.
    #[wasm_bindgen(js_name = checkFeature, unchecked_return_type = "FeatureCheck")]
    pub fn check_feature(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
    ) -> Result<JsValue, JsValue> {
        let feature = feature.as_string().unwrap_or_default();
        let engine = self.inner.try_borrow().map_err(|_| busy())?;
        let s = read_session(&engine, &context);
        Ok(to_js(&engine.check_feature_in(&s, &feature)))
    }

    /// How close is the account to the limit on `metric`? Never throws for a bad context.
    ///
    /// # Errors
    /// Only when called from inside another call of this engine.
    #[wasm_bindgen(js_name = checkUsage, unchecked_return_type = "UsageCheck")]
    pub fn check_usage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] metric: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
    ) -> Result<JsValue, JsValue> {
        let metric = metric.as_string().unwrap_or_default();
        let engine = self.inner.try_borrow().map_err(|_| busy())?;
        let s = read_session(&engine, &context);
        Ok(to_js(&engine.check_usage_in(&s, &metric)))
    }

    /// Evaluates built-in callouts and rules for a context. Never throws for a bad context.
    ///
    /// # Errors
    /// Only when called from inside another call of this engine.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Context | string")] context: JsValue,
        options: Option<EvaluateOptions>,
    ) -> Result<JsValue, JsValue> {
        let opts = eval_options(options);
        let engine = self.inner.try_borrow().map_err(|_| busy())?;
        let s = read_session(&engine, &context);
        Ok(evaluate_js(&self.names, &engine, &s, &opts))
    }

    /// Records an impression, click, dismissal or conversion. Never throws for a bad event;
    /// returns `{ recorded, error }`.
    ///
    /// # Errors
    /// Only when called from inside another call of this engine.
    #[wasm_bindgen(unchecked_return_type = "RecordResult")]
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CalloutEvent")] event: JsValue,
    ) -> Result<JsValue, JsValue> {
        let read = |k: &str| js_sys::Reflect::get(&event, &JsValue::from_str(k));
        let kind = read("type")
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let callout = read("callout")
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        // A getter that throws gives no time at all (refused), not "now".
        let at = read("at").unwrap_or_else(|_| JsValue::from_str("invalid"));
        // No `at`: the engine stamps the event (see `Engine::record_at`); one it cannot read
        // is refused (NaN).
        let at = if at.is_undefined() || at.is_null() {
            None
        } else if let Some(n) = at.as_f64() {
            Some(n)
        } else if let Some(s) = at.as_string() {
            Some(crate::base::date::parse(&s).unwrap_or(f64::NAN))
        } else if at.is_instance_of::<js_sys::Date>() {
            Some(js_sys::Date::from(at).get_time())
        } else {
            Some(f64::NAN)
        };
        let mut engine = self.inner.try_borrow_mut().map_err(|_| busy())?;
        if let Some(p) = &self.persist {
            p.before_record(&mut engine);
        }
        let result = engine.record_at(&kind, &callout, at, js_sys::Date::now());
        if let (Some(p), true) = (&self.persist, result.recorded) {
            p.after_record(&mut engine);
        }
        Ok(to_js(&result))
    }

    /// The state to persist (versioned, JSON-serializable, bounded).
    ///
    /// # Errors
    /// Only when called from inside another call of this engine.
    #[wasm_bindgen(js_name = exportState, unchecked_return_type = "EngineState")]
    pub fn export_state(&self) -> Result<JsValue, JsValue> {
        let mut engine = self.inner.try_borrow_mut().map_err(|_| busy())?;
        Ok(to_js(&engine.export_state()))
    }

    /// The `persist` option's key, when the engine keeps its state in `localStorage` (read by
    /// the glue's `storage` listener).
    #[wasm_bindgen(js_name = __persistKey, skip_typescript)]
    pub fn persist_key(&self) -> Option<String> {
        self.persist.as_ref().map(|p| p.key().to_owned())
    }

    /// Another tab wrote the `persist` key: `value` is what it stored (called by the glue's
    /// `storage` listener; `null` for a removal, which forgets nothing).
    #[wasm_bindgen(js_name = __storageChanged, skip_typescript)]
    pub fn storage_changed(&self, value: Option<String>) {
        let (Some(p), Some(text)) = (&self.persist, value) else {
            return;
        };
        // Storage events are tasks, never inside a call; a busy engine would only skip one.
        if let Ok(mut engine) = self.inner.try_borrow_mut() {
            p.changed(&mut engine, &text);
        }
    }

    /// Warnings found while loading the config, restoring a state or persisting it.
    #[wasm_bindgen(getter, unchecked_return_type = "Diagnostic[]")]
    pub fn warnings(&self) -> JsValue {
        match self.inner.try_borrow() {
            Ok(engine) => to_js(engine.warnings()),
            Err(_) => js_sys::Array::new().into(),
        }
    }
}

/// One context read once, asked several questions: `engine.session(context)`.
///
/// Feature and usage answers depend only on the context, so each is computed once per session
/// and handed out again as the same deeply frozen object.
#[wasm_bindgen]
pub struct PromptSession {
    engine: Rc<RefCell<Engine>>,
    session: Session,
    /// Answers by (usage question, catalog index).
    answers: RefCell<Vec<(bool, usize, JsValue)>>,
    names: Rc<OnceCell<Names>>,
}

impl PromptSession {
    fn answer(
        &self,
        usage: bool,
        name: &JsValue,
        compute: impl FnOnce(&Engine, &str) -> String,
    ) -> Result<JsValue, JsValue> {
        let name = name.as_string().unwrap_or_default();
        let kind = if usage { Kind::Metric } else { Kind::Feature };
        // Only names of the catalog are kept, so the memory stays bounded by it.
        let index = self.session.catalog.find(kind, &name);
        if let Some(i) = index {
            let answers = self.answers.try_borrow().map_err(|_| busy())?;
            if let Some((_, _, v)) = answers.iter().find(|(u, j, _)| *u == usage && *j == i) {
                return Ok(v.clone());
            }
        }
        let engine = self.engine.try_borrow().map_err(|_| busy())?;
        let value = frozen_json(&compute(&engine, &name));
        if let Some(i) = index {
            if let Ok(mut answers) = self.answers.try_borrow_mut() {
                answers.push((usage, i, value.clone()));
            }
        }
        Ok(value)
    }
}

#[wasm_bindgen]
impl PromptSession {
    /// May the user use `feature`? Reuses the facts read by `engine.session`; asked again, the
    /// same frozen answer is returned.
    ///
    /// # Errors
    /// Only when called from inside another call of the engine.
    #[wasm_bindgen(js_name = checkFeature, unchecked_return_type = "FeatureCheck")]
    pub fn check_feature(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] feature: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.answer(false, &feature, |engine, f| {
            to_json(&engine.check_feature_in(&self.session, f))
        })
    }

    /// How close is the account to the limit on `metric`?
    ///
    /// # Errors
    /// Only when called from inside another call of the engine.
    #[wasm_bindgen(js_name = checkUsage, unchecked_return_type = "UsageCheck")]
    pub fn check_usage(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] metric: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.answer(true, &metric, |engine, m| {
            to_json(&engine.check_usage_in(&self.session, m))
        })
    }

    /// Evaluates built-in callouts and rules for the session's context, with the engine's
    /// current state (events recorded since the session began count).
    ///
    /// # Errors
    /// Only when called from inside another call of the engine.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(&self, options: Option<EvaluateOptions>) -> Result<JsValue, JsValue> {
        let opts = eval_options(options);
        let engine = self.engine.try_borrow().map_err(|_| busy())?;
        Ok(evaluate_js(&self.names, &engine, &self.session, &opts))
    }
}
