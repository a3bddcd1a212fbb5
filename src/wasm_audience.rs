//! JavaScript bindings of the audience layer (`simulate`, `generate`, `analyzeEvents` for the
//! playground, and the npm bin's commands: `simulate`, `generate`, `analyze`, `lint`,
//! `compile`), built only with the `audience` feature
//! into the second package entry, `upgrade-prompts/audience`, so the runtime `.wasm` stays as
//! small as it was. Conversion and error mapping only: every number and every line printed
//! comes from [`crate::audience`].

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::audience::analyze::command::{self as analyze_command, AnalyzeRun};
use crate::audience::analyze::{print, read_pass, Analysis, EventLog, Pass};
use crate::audience::command::{self, OutFormat, Printed, SimulateRun};
use crate::audience::input::{Format, Unreadable};
use crate::audience::lint::{self, FileRead};
use crate::audience::{Population, SimulateOptions, Simulation, SimulationReport};
use crate::base::date;
use crate::base::diag::path_text;
use crate::base::diag::{join, Code, Diagnostic, PathSeg};
use crate::base::num::js;
use crate::base::out::{to_json, ToJson};
use crate::engine::Engine;

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = include_str!("../ts/audience.d.ts");

#[wasm_bindgen]
extern "C" {
    /// `{ now?, horizonDays?, placement?, top? }`: options of a simulation.
    #[wasm_bindgen(typescript_type = "SimulateOptions")]
    pub type SimulateOptionsJs;
}

#[wasm_bindgen(module = "/js/json.js")]
extern "C" {
    #[wasm_bindgen(js_name = toJsonText)]
    fn to_json_text(v: &JsValue, max: f64) -> JsValue;
    #[wasm_bindgen(js_name = fromJson)]
    fn from_json(s: &str) -> JsValue;
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// JSON text of a JS value, or a diagnostic saying why it has none (cycles, `undefined`, too
/// large: the size is checked in JS, before anything is copied into wasm memory).
fn json_of(v: &JsValue, what: &str, max: usize) -> Result<String, Diagnostic> {
    json_text(v, what, max).map(|(text, _)| text)
}

/// [`json_of`], and whether no object in the text can repeat a key.
fn json_text(v: &JsValue, what: &str, max: usize) -> Result<(String, bool), Diagnostic> {
    let out = to_json_text(v, max as f64);
    if let Some(s) = out.as_string() {
        return Ok((s, !v.is_string()));
    }
    if let Some(s) = get(&out, "text").as_string() {
        return Ok((s, false));
    }
    let why = get(&out, "error").as_string().unwrap_or_default();
    if why == Code::TooLarge.as_str() {
        return Err(Diagnostic::new(
            Code::TooLarge,
            format!("{what} is larger than {max} characters"),
            Vec::new(),
        ));
    }
    Err(Diagnostic::new(
        Code::InvalidJson,
        format!("{what} cannot be read as JSON: {why}"),
        Vec::new(),
    ))
}

fn to_js<T: ToJson + ?Sized>(value: &T) -> JsValue {
    from_json(&to_json(value))
}

/// A `ConfigError` listing `errors` (the message names the first).
fn config_error(errors: &[Diagnostic]) -> JsValue {
    let mut msg = String::from("invalid config: ");
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

/// The longest top list a report may ask for.
const MAX_TOP: f64 = 10_000.0;

/// A simulation's options read from JS, and the problems found reading them (the core reports
/// the others). `now` falls back to the host clock here, since the core has none on wasm.
fn read_options(options: &JsValue) -> (SimulateOptions, Vec<Diagnostic>) {
    let mut opts = SimulateOptions::default();
    let mut warnings = Vec::new();
    let host = js_sys::Date::now();
    opts.now = Some(host);
    if options.is_undefined() || options.is_null() {
        return (opts, warnings);
    }
    let now = get(options, "now");
    if !now.is_undefined() && !now.is_null() {
        let (ms, shown) = if let Some(s) = now.as_string() {
            (date::parse(&s), s)
        } else if let Some(n) = now.as_f64() {
            (Some(n), js(n))
        } else if let Some(d) = now.dyn_ref::<js_sys::Date>() {
            let n = d.get_time();
            (Some(n), js(n))
        } else {
            (None, String::from("(not a date)"))
        };
        match ms {
            Some(ms) if date::in_range(ms) => opts.now = Some(ms),
            _ => warnings.push(Diagnostic::new(
                Code::InvalidOption,
                format!("`now` `{shown}` is not a time from 1970 to 9999; the host clock is used"),
                join(&[], "now"),
            )),
        }
    }
    let horizon = get(options, "horizonDays");
    if !horizon.is_undefined() && !horizon.is_null() {
        // A value that is not a number is passed on as NaN, which the core reports.
        opts.horizon_days = Some(horizon.as_f64().unwrap_or(f64::NAN));
    }
    let placement = get(options, "placement");
    if !placement.is_undefined() && !placement.is_null() {
        opts.placement = placement.as_string();
    }
    let top = get(options, "top");
    if !top.is_undefined() && !top.is_null() {
        match top.as_f64() {
            Some(n) if (0.0..=MAX_TOP).contains(&n) && n.fract() == 0.0 => opts.top = n as usize,
            _ => warnings.push(Diagnostic::new(
                Code::InvalidOption,
                format!(
                    "`top` must be a whole number from 0 to {}; 20 is used",
                    js(MAX_TOP)
                ),
                join(&[], "top"),
            )),
        }
    }
    (opts, warnings)
}

fn engine_of(config: &JsValue) -> Result<Engine, JsValue> {
    let (text, keys_unique) = json_text(config, "config", crate::catalog::MAX_CONFIG_BYTES)
        .map_err(|d| config_error(&[d]))?;
    Engine::from_text(text, keys_unique).map_err(|e| config_error(&e))
}

/// A count or index from JS: a whole number from 0 to 2^53.
fn whole(v: f64, what: &str) -> Result<u64, JsValue> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 {
        Ok(v as u64)
    } else {
        Err(js_sys::RangeError::new(&format!(
            "{what} must be a whole number from 0 to 2^53, found `{}`",
            js(v)
        ))
        .into())
    }
}

/// The most accounts one `generate` or `addGenerated` call makes: `generate` builds one string
/// (about 1 KB an account, 3 s per 100,000 here), and one call blocks the thread it runs on, so
/// larger populations are added in parts (or generated by the native CLI, which streams).
const MAX_GENERATE: f64 = 100_000.0;

/// How many accounts to generate: a whole number from 0 to [`MAX_GENERATE`].
fn generate_count(v: f64) -> Result<u64, JsValue> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_GENERATE {
        Ok(v as u64)
    } else {
        Err(js_sys::RangeError::new(&format!(
            "`count` must be a whole number from 0 to {} per call (add larger populations in parts), found `{}`",
            js(MAX_GENERATE),
            js(v)
        ))
        .into())
    }
}

/// A seed from JS (default 1).
fn seed_of(seed: Option<f64>) -> Result<u64, JsValue> {
    whole(seed.unwrap_or(1.0), "`seed`")
}

/// `now` for the generator: ms, an RFC 3339 string or a Date; the host clock when absent.
fn generator_now(now: &JsValue) -> Result<f64, JsValue> {
    if now.is_undefined() || now.is_null() {
        return Ok(js_sys::Date::now());
    }
    let ms = if let Some(s) = now.as_string() {
        date::parse(&s)
    } else if let Some(d) = now.dyn_ref::<js_sys::Date>() {
        Some(d.get_time())
    } else {
        now.as_f64()
    };
    match ms {
        Some(ms) if date::in_range(ms) => Ok(ms),
        _ => Err(js_sys::RangeError::new("`now` must be a time from 1970 to 9999").into()),
    }
}

/// The simulation state behind [`PromptSimulation`] and the one-call forms.
struct Run {
    engine: Engine,
    sim: Option<Simulation>,
    warnings: Vec<Diagnostic>,
    /// JSON Lines read so far (line numbers continue across `add` calls).
    lines: u64,
    /// Array items read so far (positions continue across `add` calls).
    items: u64,
    /// Accounts added so far.
    accounts: u64,
    /// The generator of `addGenerated`, with its seed.
    population: Option<(u64, Population)>,
}

impl Run {
    fn new(mut engine: Engine, options: &JsValue) -> Run {
        let (opts, warnings) = read_options(options);
        // An engine's recorded state (caps, cooldowns, conversions), as `new PromptEngine`
        // takes it; the glue passes an engine's own when `simulate` is given an engine.
        if !options.is_undefined() && !options.is_null() {
            let state = get(options, "state");
            if !state.is_undefined() && !state.is_null() {
                match json_of(&state, "state", crate::facts::MAX_CONTEXT_BYTES) {
                    Ok(text) => engine.restore_state(&text, js_sys::Date::now()),
                    Err(d) => engine.ignore_state(&d.message),
                }
            }
        }
        let sim = Simulation::new(&engine, &opts);
        Run {
            engine,
            sim: Some(sim),
            warnings,
            lines: 0,
            items: 0,
            accounts: 0,
            population: None,
        }
    }

    fn sim(&mut self) -> Result<&mut Simulation, JsValue> {
        self.sim.as_mut().ok_or_else(|| {
            js_sys::Error::new("this simulation is finished; start a new one").into()
        })
    }

    /// Adds JSON Lines text or an array of contexts; returns how many accounts were added.
    fn add(&mut self, contexts: &JsValue) -> Result<u64, JsValue> {
        let engine = &self.engine;
        let Some(sim) = self.sim.as_mut() else {
            return Err(js_sys::Error::new("this simulation is finished; start a new one").into());
        };
        let before = self.lines;
        if let Some(text) = contexts.as_string() {
            let text = if before == 0 {
                text.strip_prefix('\u{feff}').unwrap_or(&text)
            } else {
                &text
            };
            // A text's final line end ends its last line (as in `simulate_jsonl`), so a file
            // split after any line end is numbered as the whole file.
            let text = text.strip_suffix('\n').unwrap_or(text);
            let mut added = 0;
            let mut n = before;
            if !text.is_empty() {
                for line in text.split('\n') {
                    n += 1;
                    let line = line.trim();
                    if !line.is_empty() {
                        sim.add(engine, n, line);
                        added += 1;
                    }
                }
            }
            self.lines = n;
            self.accounts += added;
            return Ok(added);
        }
        if !js_sys::Array::is_array(contexts) {
            return Err(js_sys::TypeError::new(
                "contexts must be an array of contexts or JSON Lines text",
            )
            .into());
        }
        let array = js_sys::Array::from(contexts);
        let len = u64::from(array.length());
        for (i, item) in array.iter().enumerate() {
            let index = self.items + i as u64;
            match json_of(&item, "context", crate::facts::MAX_CONTEXT_BYTES) {
                Ok(text) => sim.add(engine, index, &text),
                Err(problem) => sim.add_error(index, problem),
            }
        }
        self.items += len;
        self.accounts += len;
        Ok(len)
    }

    fn add_generated(&mut self, start: u64, count: u64, seed: u64) -> Result<(), JsValue> {
        let now = self.sim()?.now();
        if self.population.as_ref().map(|(s, _)| *s) != Some(seed) {
            self.population = Some((seed, Population::new(&self.engine, seed, now)));
        }
        let engine = &self.engine;
        let (Some(sim), Some((_, population))) = (self.sim.as_mut(), self.population.as_ref())
        else {
            return Ok(());
        };
        for i in start..start.saturating_add(count) {
            sim.add(engine, i, &population.context(i));
        }
        self.accounts += count;
        Ok(())
    }

    fn report(&self, sim: Simulation) -> SimulationReport {
        let mut report = sim.finish();
        let mut warnings = self.warnings.clone();
        warnings.append(&mut report.warnings);
        report.warnings = warnings;
        report
    }

    fn finish(&mut self) -> Result<JsValue, JsValue> {
        let sim = self
            .sim
            .take()
            .ok_or_else(|| js_sys::Error::new("this simulation is already finished"))?;
        Ok(to_js(&self.report(sim)))
    }
}

/// Scores many accounts with a config and reports reach, opportunities and limit forecasts
/// (the glue also takes an engine of this entry: its config and recorded state). `contexts` is an array of contexts or JSON Lines text (one context per line; indices are
/// line numbers from 1, array positions from 0). A bad account is counted and listed in the
/// report's `errors`, never thrown.
///
/// # Errors
/// Throws a `ConfigError` when the config is invalid, a `TypeError` when `contexts` is neither
/// an array nor text.
#[wasm_bindgen(js_name = simulate, unchecked_return_type = "SimulationReport")]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "Config | string | PromptEngine")] config: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Context[] | string")] contexts: JsValue,
    options: Option<SimulateOptionsJs>,
) -> Result<JsValue, JsValue> {
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    let mut run = Run::new(engine_of(&config)?, &options);
    run.add(&contexts)?;
    run.finish()
}

/// One CSV row of `cells` (no line ending), written as every CSV of the project is: a cell a
/// spreadsheet could read as a formula gets a leading `'`, and cells with commas, quotes or
/// line breaks are quoted (see `base::csv`). The playground's export uses it.
#[wasm_bindgen(js_name = csvRow)]
pub fn csv_row(cells: Vec<String>) -> String {
    crate::base::csv::row(cells.iter().map(String::as_str))
}

/// Validates a config as `validateConfig` does and compiles it for the runtime:
/// `{ bytes, hash, paths, warnings }`, where `bytes` (a `Uint8Array`) is what
/// `new PromptEngine(bytes)` loads.
///
/// # Errors
/// Throws a `ConfigError` when the config is invalid.
#[wasm_bindgen(js_name = compile, unchecked_return_type = "CompiledCatalog")]
pub fn compile(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let (text, _) = json_text(&config, "config", crate::catalog::MAX_CONFIG_BYTES)
        .map_err(|d| config_error(&[d]))?;
    let c = crate::engine::compile(&text).map_err(|e| config_error(&e))?;
    let out = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(k), v);
    let _ = set(
        "bytes",
        &js_sys::Uint8Array::from(c.bytes.as_slice()).into(),
    );
    let _ = set("hash", &JsValue::from_str(&c.hash));
    let paths = js_sys::Array::new();
    for p in &c.paths {
        paths.push(&JsValue::from_str(p));
    }
    let _ = set("paths", &paths.into());
    let _ = set("warnings", &to_js(&c.warnings));
    Ok(out.into())
}

/// The context paths (`{ path, type, nullable, description? }`) and functions (`{ name,
/// method, receiver, args: [{ name, type, values }], returns, description }`) a rule of the
/// catalog can name, every metric, feature, plan and add-on id written out: what an editor
/// completes from.
///
/// # Errors
/// Throws a `ConfigError` when the config is invalid.
#[wasm_bindgen(js_name = contextVocabulary, unchecked_return_type = "ContextVocabulary")]
pub fn context_vocabulary(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
) -> Result<JsValue, JsValue> {
    Ok(to_js(&engine_of(&config)?.vocabulary()))
}

/// `count` generated contexts as JSON Lines, drawn from `seed` as of `now` (ms since the
/// epoch, an RFC 3339 string or a Date; the host clock when absent). The same arguments give
/// the same text on every platform.
///
/// # Errors
/// Throws a `ConfigError` when the config is invalid, a `RangeError` for a count (at most
/// 100,000 per call), seed or `now` out of range.
#[wasm_bindgen(js_name = generate)]
pub fn generate(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
    count: f64,
    seed: Option<f64>,
    #[wasm_bindgen(unchecked_param_type = "number | string | Date")] now: JsValue,
) -> Result<String, JsValue> {
    let count = generate_count(count)?;
    let engine = engine_of(&config)?;
    let population = Population::new(&engine, seed_of(seed)?, generator_now(&now)?);
    let mut out = String::new();
    for i in 0..count {
        out.push_str(&population.context(i));
        out.push('\n');
    }
    Ok(out)
}

/// The generated context of account `index` (the same as line `index + 1` of `generate` with
/// the same config, seed and `now`).
///
/// # Errors
/// As [`generate`].
#[wasm_bindgen(js_name = generateContext, unchecked_return_type = "Context")]
pub fn generate_context(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
    index: f64,
    seed: Option<f64>,
    #[wasm_bindgen(unchecked_param_type = "number | string | Date")] now: JsValue,
) -> Result<JsValue, JsValue> {
    let engine = engine_of(&config)?;
    let index = whole(index, "`index`")?;
    let population = Population::new(&engine, seed_of(seed)?, generator_now(&now)?);
    Ok(from_json(&population.context(index)))
}

/// A simulation fed in parts (for progress and cancellation): `add` accounts, or
/// `addGenerated` ones, then `finish` for the report. Memory stays bounded by the options,
/// not by the number of accounts.
#[wasm_bindgen]
pub struct PromptSimulation {
    run: Run,
}

#[wasm_bindgen]
impl PromptSimulation {
    /// Starts a simulation of a config (object or JSON text).
    ///
    /// # Errors
    /// Throws a `ConfigError` when the config is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
        options: Option<SimulateOptionsJs>,
    ) -> Result<PromptSimulation, JsValue> {
        let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
        Ok(PromptSimulation {
            run: Run::new(engine_of(&config)?, &options),
        })
    }

    /// Adds accounts: an array of contexts (indices continue from the previous arrays, from 0)
    /// or JSON Lines text (line numbers continue from the previous texts, from 1: split a file
    /// at line ends). Returns how many accounts were added.
    ///
    /// # Errors
    /// After `finish`, or when `contexts` is neither an array nor text.
    pub fn add(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Context[] | string")] contexts: JsValue,
    ) -> Result<f64, JsValue> {
        self.run.add(&contexts).map(|n| n as f64)
    }

    /// Adds generated accounts `start .. start + count` of the population drawn from `seed`
    /// (default 1) as of the simulation's `now` (the same as `generate(config, …, seed, now)`),
    /// each with its index as account index.
    ///
    /// # Errors
    /// After `finish`, or a `RangeError` for a start or seed that is not a whole number or a
    /// count above 100,000 (add more in parts).
    #[wasm_bindgen(js_name = addGenerated)]
    pub fn add_generated(
        &mut self,
        start: f64,
        count: f64,
        seed: Option<f64>,
    ) -> Result<(), JsValue> {
        let start = whole(start, "`start`")?;
        let count = generate_count(count)?;
        if start.saturating_add(count) > 9_007_199_254_740_992 {
            return Err(js_sys::RangeError::new("`start + count` must be at most 2^53").into());
        }
        let seed = seed_of(seed)?;
        self.run.add_generated(start, count, seed)
    }

    /// Counts account `index` as one that could not be read (a CSV row with a bad cell, say):
    /// it is listed in the report's `errors` with `problem` (`{ code, message, path? }`) and
    /// counted in `totals.errorRows`. Known codes are kept (`invalid_row`, `invalid_number`,
    /// `invalid_cell`, `invalid_json`, `invalid_utf8`); any other becomes `invalid_row`.
    ///
    /// # Errors
    /// After `finish`, or for an index that is not a whole number.
    #[wasm_bindgen(js_name = addInvalid)]
    pub fn add_invalid(
        &mut self,
        index: f64,
        #[wasm_bindgen(unchecked_param_type = "{ code?: string; message: string; path?: Path }")]
        problem: JsValue,
    ) -> Result<(), JsValue> {
        let index = whole(index, "`index`")?;
        let code = match get(&problem, "code")
            .as_string()
            .as_deref()
            .and_then(Code::parse)
        {
            Some(
                c @ (Code::InvalidNumber
                | Code::InvalidCell
                | Code::InvalidJson
                | Code::InvalidUtf8),
            ) => c,
            _ => Code::InvalidRow,
        };
        let message = get(&problem, "message")
            .as_string()
            .unwrap_or_else(|| String::from("the row cannot be read"));
        let mut path = Vec::new();
        let p = get(&problem, "path");
        if js_sys::Array::is_array(&p) {
            for seg in js_sys::Array::from(&p).iter() {
                if let Some(k) = seg.as_string() {
                    path.push(PathSeg::Key(k));
                } else if let Some(i) = seg.as_f64() {
                    path.push(PathSeg::Index(i.max(0.0) as usize));
                }
            }
        }
        self.run
            .sim()?
            .add_error(index, Diagnostic::new(code, message, path));
        self.run.accounts += 1;
        Ok(())
    }

    /// Accounts added so far.
    #[wasm_bindgen(getter)]
    pub fn accounts(&self) -> f64 {
        self.run.accounts as f64
    }

    /// The clock used for accounts without `now` (RFC 3339).
    #[wasm_bindgen(getter)]
    pub fn now(&self) -> String {
        date::format(self.run.sim.as_ref().map_or(0.0, Simulation::now))
    }

    /// The report of the accounts added so far; more may be added after.
    ///
    /// # Errors
    /// After `finish`.
    #[wasm_bindgen(unchecked_return_type = "SimulationReport")]
    pub fn report(&mut self) -> Result<JsValue, JsValue> {
        let sim = self.run.sim()?.clone();
        Ok(to_js(&self.run.report(sim)))
    }

    /// The report; the simulation cannot be added to after.
    ///
    /// # Errors
    /// When called twice.
    #[wasm_bindgen(unchecked_return_type = "SimulationReport")]
    pub fn finish(&mut self) -> Result<JsValue, JsValue> {
        self.run.finish()
    }
}

// ---------------------------------------------------------------------------------------------
// The npm bin's commands (`js/cli/`): the native tool's steps (`crate::audience::command` and
// `crate::audience::lint`) over files the bin has read, so that both programs print the same
// bytes.

/// How the bin found a file: `"ok"` (its bytes are given), `"missing"`, `"directory"`,
/// `"over_memory_limit"`, or the reason it cannot be read.
fn file_state(name: &str, state: &JsValue) -> Result<(), Unreadable> {
    match state.as_string().as_deref() {
        None | Some("ok") => Ok(()),
        Some("missing") => Err(Unreadable::not_found(name)),
        Some("directory") => Err(Unreadable::directory(name)),
        Some("over_memory_limit") => Err(Unreadable::new(
            Code::TooLarge,
            format!(
                "`{name}` is larger than {}, the most the npm bin reads into memory; the \
                 native binary streams files of any size (`cargo install --path cli`)",
                crate::audience::input::bytes_text(1 << 30)
            ),
        )),
        Some(why) => Err(Unreadable::new(
            Code::UnreadableFile,
            format!("cannot read `{name}`: {why}"),
        )),
    }
}

fn string_of(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

/// The config of a command request: `configName`, `configState`, `config` (bytes).
fn config_of(request: &JsValue) -> (String, Result<Vec<u8>, Unreadable>) {
    let name = string_of(request, "configName").unwrap_or_default();
    let bytes = file_state(&name, &get(request, "configState"))
        .map(|()| js_sys::Uint8Array::new(&get(request, "config")).to_vec());
    (name, bytes)
}

/// `{ stdout: Uint8Array, stderr, code }` for JS.
fn printed_to_js(p: &Printed) -> JsValue {
    let out = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(k), v);
    let _ = set(
        "stdout",
        &js_sys::Uint8Array::from(p.stdout.as_slice()).into(),
    );
    let _ = set("stderr", &JsValue::from_str(&p.stderr));
    let _ = set("code", &JsValue::from(p.code));
    if let Some(bytes) = &p.accounts_out {
        let _ = set(
            "accountsOut",
            &js_sys::Uint8Array::from(bytes.as_slice()).into(),
        );
    }
    out.into()
}

/// `upgrade-prompts simulate` for the npm bin, over files it has read: the request holds
/// `configName`, `configState`, `config` (bytes), `accountsName`, `accountsState`, `accounts`
/// (bytes), and the options as the command line gave them (`inputFormat`, `now`, `horizon`,
/// `top`, `placement`, `format`, `quiet`, `ratesName`/`ratesState`/`rates`, `accountsOut`).
/// Returns `{ stdout, stderr, code, accountsOut? }` as the native binary prints them (one
/// thread here; the timing line says so); `accountsOut` holds the bytes of that file, which
/// the caller writes.
#[wasm_bindgen(js_name = cliSimulate, unchecked_return_type = "CliPrinted")]
pub fn cli_simulate(
    #[wasm_bindgen(unchecked_param_type = "CliSimulateRequest")] request: JsValue,
) -> JsValue {
    let start = js_sys::Date::now();
    let (config_name, config) = config_of(&request);
    let accounts_name = string_of(&request, "accountsName").unwrap_or_default();
    let bytes = js_sys::Uint8Array::new(&get(&request, "accounts")).to_vec();
    let accounts =
        file_state(&accounts_name, &get(&request, "accountsState")).map(|()| bytes.as_slice());
    let format = match string_of(&request, "format").as_deref() {
        Some("json") => OutFormat::Json,
        Some("csv") => OutFormat::Csv,
        Some("reach-csv") => OutFormat::ReachCsv,
        _ => OutFormat::Table,
    };
    let now = string_of(&request, "now");
    let rates_name = string_of(&request, "ratesName");
    let rates = rates_name.as_deref().map(|name| {
        let bytes = file_state(name, &get(&request, "ratesState"))
            .map(|()| js_sys::Uint8Array::new(&get(&request, "rates")).to_vec());
        (name, bytes)
    });
    let accounts_out = string_of(&request, "accountsOut");
    let run = SimulateRun {
        config: (&config_name, config),
        accounts: (&accounts_name, accounts),
        input_format: string_of(&request, "inputFormat")
            .as_deref()
            .and_then(Format::from_word),
        now: now.as_deref(),
        horizon: get(&request, "horizon").as_f64().unwrap_or(90.0),
        top: get(&request, "top").as_f64().map_or(20, |n| n as usize),
        placement: string_of(&request, "placement"),
        format,
        rates,
        accounts_out: accounts_out.as_deref(),
    };
    let (mut printed, records) = command::simulate(run);
    let ran = printed.code != command::EXIT_FAILED;
    if ran && !get(&request, "quiet").is_truthy() {
        let secs = (js_sys::Date::now() - start) / 1000.0;
        // (The account errors are those the report counts, as the native tool says.)
        let errors = printed.account_errors;
        printed
            .stderr
            .push_str(&command::timing_line(records, secs, 1, errors));
        printed.stderr.push('\n');
    }
    printed_to_js(&printed)
}

/// `upgrade-prompts generate` for the npm bin: built from the request (`configName`,
/// `configState`, `config`, `now`, `seed` as decimal text), it holds the loaded population;
/// `lines(start, count)` gives accounts `start .. start + count` as JSON Lines, the same bytes
/// the native binary writes.
#[wasm_bindgen(js_name = CliGenerate)]
pub struct CliGenerate {
    population: Option<Population>,
    /// The demo event log of the same accounts (`generate --events`).
    log: Option<EventLog>,
    stderr: String,
}

#[wasm_bindgen(js_class = CliGenerate)]
impl CliGenerate {
    /// Checks `--now` and loads the config as the native binary does (in that order).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "CliGenerateRequest")] request: JsValue,
    ) -> CliGenerate {
        let failed = |stderr: String| CliGenerate {
            population: None,
            log: None,
            stderr,
        };
        let now = match command::parse_now(string_of(&request, "now").as_deref()) {
            Ok(n) => n.unwrap_or_else(js_sys::Date::now),
            Err(m) => return failed(format!("{}\n", command::fail_line("invalid_argument", &m))),
        };
        let seed = string_of(&request, "seed")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(1);
        let (name, bytes) = config_of(&request);
        match command::load(&name, bytes) {
            Ok(engine) => CliGenerate {
                population: Some(Population::new(&engine, seed, now)),
                log: Some(EventLog::new(&engine, seed, now)),
                stderr: String::new(),
            },
            Err(stderr) => failed(stderr),
        }
    }

    /// What stderr says when the command cannot run (empty when it can).
    #[wasm_bindgen(getter)]
    pub fn stderr(&self) -> String {
        self.stderr.clone()
    }

    /// Accounts `start .. start + count` as JSON Lines (each line ends with a line feed).
    pub fn lines(&self, start: f64, count: f64) -> String {
        let mut out = String::new();
        let Some(population) = &self.population else {
            return out;
        };
        let start = start.max(0.0) as u64;
        for i in start..start.saturating_add(count.max(0.0) as u64) {
            out.push_str(&population.context(i));
            out.push('\n');
        }
        out
    }

    /// The demo events of accounts `start .. start + count` as JSON Lines (`generate
    /// --events`), the same bytes the native binary writes.
    pub fn events(&self, start: f64, count: f64) -> String {
        let mut out = String::new();
        let Some(log) = &self.log else {
            return out;
        };
        let start = start.max(0.0) as u64;
        for i in start..start.saturating_add(count.max(0.0) as u64) {
            log.lines(i, &mut out);
        }
        out
    }
}

/// `upgrade-prompts analyze` for the npm bin, over files it has read: the request holds
/// `configName`, `configState`, `config` (bytes), `eventsName`, `eventsState`, `events`
/// (bytes), and the options as the command line gave them (`inputFormat`, `from`, `to`,
/// `format`, `quiet`). Returns `{ stdout, stderr, code }` as the native binary prints them.
#[wasm_bindgen(js_name = cliAnalyze, unchecked_return_type = "CliPrinted")]
pub fn cli_analyze(
    #[wasm_bindgen(unchecked_param_type = "CliAnalyzeRequest")] request: JsValue,
) -> JsValue {
    let start = js_sys::Date::now();
    let (config_name, config) = config_of(&request);
    let events_name = string_of(&request, "eventsName").unwrap_or_default();
    let bytes = js_sys::Uint8Array::new(&get(&request, "events")).to_vec();
    let events = file_state(&events_name, &get(&request, "eventsState")).map(|()| bytes.as_slice());
    let format = match string_of(&request, "format").as_deref() {
        Some("json") => OutFormat::Json,
        Some("csv") => OutFormat::Csv,
        _ => OutFormat::Table,
    };
    let (from, to) = (string_of(&request, "from"), string_of(&request, "to"));
    let run = AnalyzeRun {
        config: (&config_name, config),
        events: (&events_name, events),
        input_format: string_of(&request, "inputFormat")
            .as_deref()
            .and_then(Format::from_word),
        from: from.as_deref(),
        to: to.as_deref(),
        format,
    };
    let (mut printed, events) = analyze_command::analyze(run);
    if printed.code != command::EXIT_FAILED && !get(&request, "quiet").is_truthy() {
        let secs = (js_sys::Date::now() - start) / 1000.0;
        printed
            .stderr
            .push_str(&analyze_command::analysis_timing_line(
                events,
                secs,
                printed.account_errors,
            ));
        printed.stderr.push('\n');
    }
    printed_to_js(&printed)
}

/// A file of `lint` or `compile` as the bin read it: `{ name, state, bytes?, size?, reason? }`
/// (see `CliLintFile`).
fn lint_file(v: &JsValue) -> lint::NamedFile {
    let read = match string_of(v, "state").as_deref() {
        Some("ok") => FileRead::Bytes(js_sys::Uint8Array::new(&get(v, "bytes")).to_vec()),
        Some("missing") => FileRead::Missing,
        Some("parent_not_directory") => FileRead::ParentNotDirectory,
        Some("directory") => FileRead::Directory,
        Some("not_a_file") => FileRead::NotAFile,
        Some("too_large") => FileRead::TooLarge(get(v, "size").as_f64().map_or(0, |n| n as u64)),
        _ => FileRead::Failed(string_of(v, "reason").unwrap_or_default()),
    };
    lint::NamedFile {
        name: string_of(v, "name").unwrap_or_default(),
        read,
    }
}

/// `upgrade-prompts lint` and `compile` for the npm bin, over files it has read: the request
/// holds `configs` and `context` (files as `CliLintFile`), `format`, `color` and, for
/// `compile`, `compileTo` (the output's name). Returns `{ stdout, stderr, code, artifact,
/// written }` as the native binary prints them; `compile` without an error gives the compiled
/// catalog in `artifact` and what stderr says once it is written in `written`.
#[wasm_bindgen(js_name = cliLint, unchecked_return_type = "CliLintPrinted")]
pub fn cli_lint(
    #[wasm_bindgen(unchecked_param_type = "CliLintRequest")] request: JsValue,
) -> JsValue {
    let configs = get(&request, "configs");
    let configs = if js_sys::Array::is_array(&configs) {
        js_sys::Array::from(&configs)
            .iter()
            .map(|f| lint_file(&f))
            .collect()
    } else {
        Vec::new()
    };
    let context = get(&request, "context");
    let request = lint::Request {
        configs,
        context: (context.is_object()).then(|| lint_file(&context)),
        format: string_of(&request, "format")
            .as_deref()
            .and_then(lint::Format::from_word)
            .unwrap_or(lint::Format::Text),
        color: get(&request, "color").is_truthy(),
        compile_to: string_of(&request, "compileTo"),
        now: js_sys::Date::now(),
    };
    let p = lint::run(request);
    let out = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&out, &JsValue::from_str(k), v);
    let _ = set("stdout", &JsValue::from_str(&p.stdout));
    let _ = set("stderr", &JsValue::from_str(&p.stderr));
    let _ = set("code", &JsValue::from(p.code));
    let artifact = p
        .artifact
        .as_deref()
        .map_or(JsValue::NULL, |b| js_sys::Uint8Array::from(b).into());
    let _ = set("artifact", &artifact);
    let _ = set("written", &JsValue::from_str(&p.written));
    out.into()
}

/// What stderr says when `compile` cannot write its output `out` (`why`: the system's words, as
/// the native binary gives them), with its line end; the exit code is then 2.
#[wasm_bindgen(js_name = cliWriteFailed)]
pub fn cli_write_failed(out: &str, why: &str) -> String {
    lint::write_failed(out, why)
}

/// An event log read through a JS function, `read(offset, max, pass)`, which returns the
/// next bytes (at most `max`, from `offset`; none at the end) as a `Uint8Array`: a worker reads
/// a `File` slice by slice with `FileReaderSync`, so a log is never held in memory whole.
/// `pass` (0, then 1) says which of the analysis's two reads asks.
struct JsRead<'a> {
    read: &'a js_sys::Function,
    pass: u32,
    offset: f64,
}

impl std::io::Read for JsRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let got = self
            .read
            .call3(
                &JsValue::NULL,
                &JsValue::from(self.offset),
                &JsValue::from(buf.len() as f64),
                &JsValue::from(self.pass),
            )
            .map_err(|e| {
                let why = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .or_else(|| e.as_string())
                    .unwrap_or_else(|| String::from("the reader failed"));
                std::io::Error::other(why)
            })?;
        let bytes = got
            .dyn_into::<js_sys::Uint8Array>()
            .map_err(|_| std::io::Error::other("`read` must return a Uint8Array"))?;
        let n = (bytes.length() as usize).min(buf.len());
        let Some(into) = buf.get_mut(..n) else {
            return Ok(0);
        };
        bytes.subarray(0, n as u32).copy_to(into);
        self.offset += n as f64;
        Ok(n)
    }
}

/// `analyze` over an event log that JS hands over piece by piece (the playground's Results
/// tab): `read(offset, max, pass)` returns the log's next bytes (at most `max`, from `offset`;
/// none at the end) in each of the two passes (0, then 1), `options` `{ name?, format? }` (the
/// format `jsonl` or `csv`, else told by the name's extension). Returns the report as
/// `analyze --format json` prints it (with `inputErrors`); bad lines are data in it.
///
/// # Errors
/// Throws a `ConfigError` when the config is invalid, and an `Error` with a `code` when the
/// log cannot be read at all (its format unknown, a line over its bound, `read` failing).
#[wasm_bindgen(js_name = analyzeEvents, unchecked_return_type = "EventAnalysis")]
pub fn analyze_events(
    #[wasm_bindgen(unchecked_param_type = "Config | string")] config: JsValue,
    #[wasm_bindgen(
        unchecked_param_type = "(offset: number, max: number, pass: 0 | 1) => Uint8Array"
    )]
    read: js_sys::Function,
    #[wasm_bindgen(unchecked_param_type = "AnalyzeEventsOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let engine = engine_of(&config)?;
    let name = string_of(&options, "name").unwrap_or_else(|| String::from("events"));
    let format = string_of(&options, "format")
        .as_deref()
        .and_then(Format::from_word);
    let fail = |e: Unreadable| -> JsValue {
        let err = js_sys::Error::new(&e.message);
        let _ = js_sys::Reflect::set(
            &err,
            &JsValue::from_str("code"),
            &JsValue::from_str(e.code.as_str()),
        );
        err.into()
    };
    let (format, window) = analyze_command::check_analyze(format, &name, None, None)
        .map_err(|m| fail(Unreadable::new(Code::InvalidArgument, m)))?;
    let mut analysis = Analysis::new(&engine, window);
    let mut problems = Vec::new();
    for (pass, which) in [(0, Pass::Count), (1, Pass::Attribute)] {
        let input = JsRead {
            read: &read,
            pass,
            offset: 0.0,
        };
        let found = read_pass(input, &name, format, which, &mut analysis, &|_| {}).map_err(fail)?;
        if pass == 0 {
            problems = found;
        }
    }
    let report = analysis.finish();
    let mut out = Vec::new();
    print::json(&mut out, &report, &problems)
        .map_err(|e| fail(Unreadable::new(Code::WriteFailed, e.to_string())))?;
    Ok(from_json(&String::from_utf8_lossy(&out)))
}
