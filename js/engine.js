// The package's public classes, `PromptEngine` and `PromptSession`, in plain JavaScript over the
// wasm core (src/wasm.rs), which takes numbers, strings and bytes and answers JSON text.
//
// What this file does, and the core does not:
// - reads the options, warning on unknown keys and wrong types (`readOptions`);
// - turns a context into JSON text, copying only the paths the catalog reads unless the engine
//   is `strict` (`read`), so a big context object costs what the catalog reads of it;
// - keeps the `persist` option's link to `localStorage` and to other tabs' writes;
// - shapes the results (callouts from a flat list; the held-back list from index pairs);
// - guards the handles: used before `init()`, after `free()`, or freed from inside a call.
// Every decision is the core's.

import { toJsonText, wellFormed } from "./json.js";

/** The largest context, state or config text the engine reads (as the core's limits). */
const MAX_CONTEXT = 1 << 20;
const MAX_CONFIG = 4 << 20;

/** The error a failed load throws: `errors` lists every problem. */
class ConfigError extends Error {
  constructor(errors) {
    super(configMessage(errors));
    this.name = "ConfigError";
    this.errors = errors;
  }
}

// "invalid config: rules[0].when: unknown path `usage.seat`; did you mean `usage.seats`?"
// (a compiled catalog's message says what it is itself).
function configMessage(errors) {
  const first = errors[0];
  let msg = first && (first.code === "invalid_catalog" || first.code === "needs_authoring") ? "" : "invalid config: ";
  if (first) {
    const at = pathText(first.path || []);
    if (at !== "") msg += at + ": ";
    msg += first.message;
    if (first.help) msg += "; " + first.help;
  }
  if (errors.length > 1) msg += ` (and ${errors.length - 1} more)`;
  return msg;
}

function pathText(path) {
  let s = "";
  for (const seg of path) {
    if (typeof seg === "number") s += `[${seg}]`;
    else s += (s === "" ? "" : ".") + seg;
  }
  return s;
}

/** "`what` is larger than `max` characters", as a `too_large` diagnostic. */
function tooLarge(what, max) {
  return { code: "too_large", message: `${what} is larger than ${max} characters`, path: [] };
}

/**
 * The JSON text of `value` for the core, at most `max` characters: `{ text, unique }`, where
 * `unique` says no object in the text can repeat a key (it was written from an object, and no
 * two keys became one when lone surrogates were replaced), or `{ problem }`, the diagnostic
 * saying why there is none (`what` names the value in it).
 */
function jsonFor(value, what, max) {
  const out = toJsonText(value, max);
  if (typeof out === "string") return { text: out, unique: typeof value !== "string" };
  if (out.text !== undefined) return { text: out.text, unique: false };
  if (out.error === "too_large") return { problem: tooLarge(what, max) };
  return { problem: { code: "invalid_json", message: `${what} cannot be read as JSON: ${out.error}`, path: [] } };
}

/** A throw of the core (the JSON text of its diagnostics) as a `ConfigError`. */
function rethrow(e) {
  if (typeof e === "string") return new ConfigError(JSON.parse(e));
  return e;
}

// ---- Options ----

/**
 * Reads `options` by `schema` (key → "string" | "boolean" | "object" | "any"): the keys it
 * knows with the right type, and a warning through `warn(code, message, key)` for every other
 * key and every wrong type. Getters that throw count as absent.
 */
function readOptions(options, schema, warn) {
  const out = {};
  if (options === undefined || options === null) return out;
  if (typeof options !== "object") {
    warn("invalid_option", `options are a ${typeof options}, not an object; ignored`, "options");
    return out;
  }
  let keys;
  try {
    keys = Object.keys(options);
  } catch {
    return out;
  }
  const known = Object.keys(schema);
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(schema, key)) continue;
    const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
    warn("unknown_option", `unknown option \`${key}\` is ignored${near ? `; did you mean \`${near}\`?` : ""}`, key);
  }
  for (const key of known) {
    let v;
    try {
      v = options[key];
    } catch {
      continue;
    }
    if (v === undefined || v === null) continue;
    const type = schema[key];
    const ok = type === "any" || (type === "object" ? typeof v === "object" : typeof v === type);
    if (ok) out[key] = v;
    else warn("invalid_option", `option \`${key}\` is a ${typeof v}, not a ${type}; ignored`, key);
  }
  return out;
}

// (`persist` of any other shape is a `persist_unavailable` warning, which names its key.)
const ENGINE_OPTIONS = { state: "any", persist: "any", strict: "boolean", onEvent: "function" };
const EVALUATE_OPTIONS = { placement: "string", trace: "boolean" };

// ---- Contexts ----

/** The paths a catalog reads as a tree: a list of `[key, children]` pairs, `null` children for
 * a leaf (lists iterate faster than maps in the projection, which runs for every context). */
function pathTree(paths) {
  const lists = (node) => [...node].map(([k, child]) => [k, child === null ? null : lists(child)]);
  return lists(pathMap(paths));
}

function pathMap(paths) {
  const root = new Map();
  for (const p of paths) {
    let node = root;
    let parts = p.split(".");
    // A metric's or feature's entry, and the trials, are small objects read almost whole:
    // copied whole, they cost fewer lookups than field by field.
    if (parts[0] === "usage" || parts[0] === "features" || (parts[0] === "account" && parts[1] === "trials")) {
      parts = parts.slice(0, 2);
    }
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const k = parts[i];
      const child = node.get(k);
      if (last) {
        node.set(k, null);
        break;
      }
      if (child === null) break; // a shorter path already takes the whole value
      if (child === undefined) {
        const next = new Map();
        node.set(k, next);
        node = next;
      } else {
        node = child;
      }
    }
  }
  return root;
}

const own = Object.prototype.propertyIsEnumerable;

/**
 * The part of `v` under the paths of `tree`, as `JSON.stringify` would see it: own enumerable
 * keys only, `undefined` dropped. What is not a plain object is kept whole, so the engine
 * reports its type at its path. `seen.plain` stays true while every value copied is a string,
 * a boolean, null or a finite number: then `JSON.stringify` of the result loses nothing and
 * needs no second look (see `toJsonText`).
 */
function project(v, tree, seen) {
  if (v === null || typeof v !== "object" || Array.isArray(v) || typeof v.toJSON === "function") {
    if (!isPlainValue(v)) seen.plain = false;
    return v;
  }
  const out = {};
  for (let i = 0; i < tree.length; i++) {
    const k = tree[i][0];
    const x = v[k];
    if (x === undefined || !own.call(v, k)) continue;
    const child = tree[i][1];
    if (child === null) {
      if (!isPlainValue(x)) seen.plain = false;
      out[k] = x;
    } else {
      out[k] = project(x, child, seen);
    }
  }
  return out;
}

/** Whether `JSON.stringify` writes `x` as it is: a string, a boolean, null, a finite number, or
 * a plain object or array of such values, at most `depth` levels deep (a cycle or anything
 * deeper answers false, and the value takes the checked path). */
function isPlainValue(x, depth = 8) {
  switch (typeof x) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return x - x === 0;
    case "object": {
      if (x === null) return true;
      if (depth === 0 || typeof x.toJSON === "function") return false;
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) if (!isPlainValue(x[i], depth - 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(x);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in x) if (!isPlainValue(x[k], depth - 1)) return false;
      return true;
    }
  }
  return false;
}

const encoder = new TextEncoder();

// ---- Results ----

/** Callouts from the flat list of their values (the order is `Callout::write_flat`'s). */
function callouts(v) {
  const out = [];
  let i = 0;
  while (i < v.length) {
    const id = v[i++], rule = v[i++], kind = v[i++], placement = v[i++], severity = v[i++];
    /** @type {Record<string, unknown> | null} */
    let target = null;
    const type = v[i++];
    if (type !== null) {
      target = { type, id: v[i++], label: v[i++], monthlyDelta: v[i++] };
      const quantity = v[i++];
      if (quantity !== null) target.quantity = quantity;
      target.contactSales = v[i++];
      const once = v[i++];
      if (once !== null) target.once = once;
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

/** No rule index: the pair takes the text's next held-back entry instead. */
const IN_TEXT = 0xffffffff;

/** An evaluation from its JSON text and the held-back list packed beside it as pairs
 * (rule index, reason index). */
function evaluation(text, packed, rules, reasons) {
  const r = JSON.parse(text);
  r.callouts = callouts(r.callouts);
  if (packed.length === 0) return r;
  const inText = r.suppressed;
  const list = [];
  for (let i = 0, j = 0; i < packed.length; i += 2) {
    const rule = packed[i];
    if (rule === IN_TEXT) {
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

// ---- The classes ----

/** The wasm core the classes below use, set once by `bind`: each entry bundles its own copy of
 * this module over its own build's glue (`Core`, `Facts`, `reasons`, and `validateText` where
 * the build reads configs). */
let core;
/** The entry's name in messages, whether it reads raw configs, and whether an engine keeps its
 * config's text (the audience entry's `engine.simulate` reads it). */
let entryName = "upgrade-prompts";
let readsConfigs = false;
let keepsConfigs = false;
/** Whether the wasm is instantiated (by `init`, or at import in Node). */
let ready = false;
/** The reasons the packed held-back lists refer to, read once. */
let reasonList;

const notInitialized = () =>
  new Error(`${entryName} is not initialized: call \`await init()\` (the entry's default export) before using the engine; in Node the package initializes itself when imported`);
const freed = () => new Error("this engine was freed with `free()`; make a new one");

// Calls in flight; `free()` during one of them (from a getter of the context) is refused.
let callsInFlight = 0;

/** The `persist` option's link to `localStorage` (null when it has none). */
function openPersist(engine, c, option, restore) {
  const warn = (code, message) => c.warn(code, message, "persist");
  let key;
  try {
    key = option.key;
  } catch {
    key = undefined;
  }
  if (typeof key !== "string" || key === "") {
    warn("persist_unavailable", "`persist.key` is not a non-empty string; the state stays in memory");
    return null;
  }
  // Only an engine that persists touches `window`.
  const win = globalThis.window;
  if (win === undefined || win === null) {
    warn("persist_unavailable", "no `window` (Node or a worker); the state stays in memory");
    return null;
  }
  let storage = null;
  try {
    storage = win.localStorage ?? null;
  } catch {
    storage = null;
  }
  if (storage === null) {
    warn("persist_unavailable", "`localStorage` is disabled or blocked; the state stays in memory");
    return null;
  }
  const p = {
    key,
    wrote: false,
    load() {
      let text = null;
      try {
        text = storage.getItem(key);
      } catch {
        text = null;
      }
      if (typeof text === "string") c.merge(text, Date.now());
    },
    save() {
      try {
        storage.setItem(key, c.state());
        return true;
      } catch {
        warn("persist_failed", "`localStorage` refused the state (full or disabled); it stays in memory");
        return false;
      }
    },
    changed(text) {
      if (c.merge(text, Date.now())) {
        const wrote = p.wrote;
        p.wrote = false;
        if (wrote) p.save();
      }
    },
    listener: null,
  };
  if (restore) p.load();
  // Another tab's write reaches the engine through the `storage` event. The listener holds
  // the engine weakly, so an engine dropped without `free()` can still be collected.
  const ref = new WeakRef(engine);
  p.listener = (e) => {
    const target = ref.deref();
    if (target === undefined) {
      win.removeEventListener("storage", p.listener);
      return;
    }
    let ours = false;
    try {
      ours = e.key === key && e.storageArea === win.localStorage;
    } catch {
      // `localStorage` became unreadable: not a write this engine can take.
    }
    if (ours && typeof e.newValue === "string") target.__storageChanged(e.newValue);
  };
  win.addEventListener("storage", p.listener);
  p.window = win;
  return p;
}

/** The facts of a context: only the catalog's paths unless `strict`. */
function read(engine, context) {
  const c = engine.__core;
  const now = Date.now();
  let value = context;
  if (!engine.__strict && typeof context === "object" && context !== null) {
    engine.__tree ??= pathTree(JSON.parse(c.paths()));
    const seen = { plain: true };
    try {
      value = project(context, engine.__tree, seen);
    } catch (e) {
      // A getter or proxy trap that throws: the context cannot be read.
      return c.unreadable(false, `context cannot be read: ${String((e && e.message) || e)}`, now);
    }
    if (seen.plain) {
      // Only strings, booleans, null and finite numbers: nothing for stringify to lose.
      const raw = JSON.stringify(value);
      const text = wellFormed(raw);
      if (text.length > MAX_CONTEXT) return c.unreadable(true, tooLarge("context", MAX_CONTEXT).message, now);
      // (Two keys that differ only in lone surrogates may have become one.)
      return c.read(encoder.encode(text), text === raw, now);
    }
  }
  const json = jsonFor(value, "context", MAX_CONTEXT);
  if (json.problem !== undefined) return c.unreadable(json.problem.code === "too_large", json.problem.message, now);
  return c.read(encoder.encode(json.text), json.unique, now);
}

/** Runs `f` as a call of `engine`: checks that it can, and counts it in flight. */
function call(engine, f) {
  if (!ready) throw notInitialized();
  if (engine.__core === null) throw freed();
  callsInFlight += 1;
  try {
    return f(engine.__core);
  } finally {
    callsInFlight -= 1;
  }
}

/** `f` over the facts of `context`, read for this one question and released after it. */
function once(engine, context, f) {
  const facts = read(engine, context);
  try {
    return f(facts);
  } finally {
    facts.free();
  }
}

/** A feature (`usage` false) or usage check of `facts`, parsed. */
function check(engine, usage, facts, name) {
  const id = typeof name === "string" ? name : "";
  const r = JSON.parse(usage ? engine.__core.usage(facts, id) : engine.__core.feature(facts, id));
  if (engine.__onEvent !== null) noteShown(engine, facts, [r.callout ?? null]);
  return r;
}

function evaluate(engine, facts, options) {
  const extra = [];
  const opts = readOptions(options, EVALUATE_OPTIONS, (code, message, key) => extra.push({ code, message, path: ["options", key] }));
  const c = engine.__core;
  const listening = engine.__onEvent !== null;
  const text = c.evaluate(facts, opts.placement, opts.trace === true, listening);
  engine.__rules ??= JSON.parse(c.rules());
  reasonList ??= JSON.parse(core.reasons());
  const r = evaluation(text, c.packed(), engine.__rules, reasonList);
  if (extra.length > 0 && Array.isArray(r.warnings)) r.warnings.push(...extra);
  if (listening) logEvaluation(engine, facts, r);
  return r;
}

// ---- Events (the `onEvent` option) ----

/** Calls the host's `onEvent` with `event`; a handler that throws is reported once, in the
 * engine's warnings, and never reaches the caller. */
function emit(engine, event) {
  try {
    engine.__onEvent(event);
  } catch (e) {
    if (!engine.__onEventFailed) {
      engine.__onEventFailed = true;
      engine.__core.warn("event_handler_failed", `\`onEvent\` threw: ${String((e && e.message) || e)}; later failures are not reported`, "onEvent");
    }
  }
}

/** Remembers the unit of the latest context and what each shown callout was, so `record`
 * can log its events whole. */
function noteShown(engine, facts, list) {
  engine.__unit = facts.unit() ?? engine.__unit;
  for (const x of list) {
    if (x === null) continue;
    const t = x.target;
    engine.__shown.set(x.id, {
      unit: engine.__unit,
      placement: x.placement,
      kind: x.kind,
      target: t === null ? undefined : t.id,
      mrrDelta: t === null || t.monthlyDelta === null ? undefined : t.monthlyDelta,
    });
  }
}

/** Logs an evaluation's new exposures (its `exposures` list is the core's, not the host's). */
function logEvaluation(engine, facts, r) {
  const exposures = r.exposures ?? [];
  delete r.exposures;
  noteShown(engine, facts, r.callouts);
  let fresh = false;
  for (const e of exposures) {
    const shown = engine.__shown.get(e.callout);
    // A callout's events go under the unit of its own experiment.
    if (shown !== undefined && e.experiment !== "$program") shown.unit = e.unit;
    if (!e.new) continue;
    fresh = true;
    emit(engine, { type: "exposure", at: e.at, unit: e.unit, callout: e.callout, experiment: e.experiment, arm: e.arm });
  }
  // The state now remembers them: other tabs and later pages must not log them again. As
  // `record` does, the stored state is merged in before the whole state is written back.
  const p = engine.__persist;
  if (fresh && p !== null) {
    p.load();
    if (p.save()) p.wrote = true;
  }
}

/** The event `record` logs: the host's fields, completed from what the callout was. */
function recordedEvent(engine, get, type, callout, at) {
  const shown = engine.__shown.get(callout);
  const text = (k) => {
    const v = get(k);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const event = { type, at, unit: text("unit") ?? shown?.unit ?? engine.__unit ?? null, callout };
  if (shown !== undefined) {
    event.placement = shown.placement;
    event.kind = shown.kind;
  }
  if (type === "convert") {
    const target = text("target") ?? shown?.target;
    if (target !== undefined) event.target = target;
    const d = get("mrrDelta");
    const mrrDelta = typeof d === "number" && d - d === 0 ? d : shown?.mrrDelta;
    if (mrrDelta !== undefined) event.mrrDelta = mrrDelta;
  }
  return event;
}

class PromptEngine {
  /**
   * Loads a compiled catalog (the bytes `upgrade-prompts compile` wrote, as a `Uint8Array`
   * or `ArrayBuffer`), or compiles a config (object or JSON text) where the entry reads
   * configs.
   */
  constructor(catalog, options) {
    if (!ready) throw notInitialized();
    let c;
    if (catalog instanceof Uint8Array || catalog instanceof ArrayBuffer) {
      const bytes = catalog instanceof Uint8Array ? catalog : new Uint8Array(catalog);
      try {
        c = core.Core.fromBytes(bytes);
      } catch (e) {
        throw rethrow(e);
      }
    } else if (!readsConfigs) {
      throw new ConfigError([{
        code: "needs_authoring",
        message: "this entry loads compiled catalogs (a `Uint8Array` from `upgrade-prompts compile`), not configs; import `upgrade-prompts/authoring` to read a config in the page",
        path: [],
      }]);
    } else {
      const json = jsonFor(catalog, "config", MAX_CONFIG);
      if (json.problem !== undefined) throw new ConfigError([json.problem]);
      try {
        c = core.Core.fromConfig(json.text, json.unique);
      } catch (e) {
        throw rethrow(e);
      }
      // (Only the audience entry simulates an engine's config; the others need not keep it.)
      if (keepsConfigs) this.__config = json.text;
    }
    this.__core = c;
    const opts = readOptions(options, ENGINE_OPTIONS, (code, message, key) => c.warn(code, message, key));
    this.__strict = opts.strict === true;
    this.__onEvent = opts.onEvent ?? null;
    this.__onEventFailed = false;
    // What each callout was when last shown (bounded by the catalog's callouts), and the unit
    // of the latest context: `record` completes its events from them.
    this.__shown = new Map();
    this.__unit = undefined;
    this.__tree = undefined;
    this.__rules = undefined;
    let restore = true;
    if (opts.state !== undefined) {
      restore = false; // an explicit state wins over the stored one
      const json = jsonFor(opts.state, "state", MAX_CONTEXT);
      if (json.problem !== undefined) c.ignore(json.problem.message);
      else c.restore(json.text, Date.now());
    }
    this.__persist = opts.persist === undefined ? null : openPersist(this, c, opts.persist, restore);
  }

  /** Reads a context once for several questions (`checkFeature`, `checkUsage`, `evaluate`). */
  session(context) {
    return call(this, () => new PromptSession(this, read(this, context)));
  }

  /** May the user use `feature`? Never throws for a bad context. */
  checkFeature(feature, context) {
    return call(this, () => once(this, context, (facts) => check(this, false, facts, feature)));
  }

  /** How close is the account to the limit on `metric`? Never throws for a bad context. */
  checkUsage(metric, context) {
    return call(this, () => once(this, context, (facts) => check(this, true, facts, metric)));
  }

  /** Evaluates built-in callouts and rules for a context. Never throws for a bad context. */
  evaluate(context, options) {
    return call(this, () => once(this, context, (facts) => evaluate(this, facts, options)));
  }

  /** Records an impression, click, dismissal or conversion. Never throws for a bad event. */
  record(event) {
    return call(this, (c) => {
      const FAIL = {};
      const get = (k) => {
        try {
          return Reflect.get(event, k);
        } catch {
          return FAIL;
        }
      };
      const type = get("type");
      const callout = get("callout");
      const at = get("at");
      let atNumber;
      let atText;
      if (at === undefined || at === null) {
        // no time: the engine stamps the event
      } else if (typeof at === "number") atNumber = at;
      else if (typeof at === "string") atText = at;
      else if (at instanceof Date) atNumber = at.getTime();
      else atNumber = NaN; // (a getter that threw gives no time at all: refused)
      const p = this.__persist;
      if (p !== null) p.load();
      const result = JSON.parse(c.record(
        typeof type === "string" ? type : "",
        typeof callout === "string" ? callout : "",
        atNumber,
        atText,
        Date.now(),
      ));
      if (p !== null && result.recorded && p.save()) p.wrote = true;
      if (result.recorded && this.__onEvent !== null) {
        emit(this, recordedEvent(this, get, type, callout, result.at));
      }
      return result;
    });
  }

  /** The state to persist (versioned, JSON-serializable, bounded). */
  exportState() {
    return call(this, (c) => JSON.parse(c.state()));
  }

  /** Warnings found while loading the catalog, reading the options, restoring a state or
   * persisting it. */
  get warnings() {
    if (this.__core === null) return [];
    return JSON.parse(this.__core.warnings());
  }

  /** Another tab wrote the `persist` key (called by the `storage` listener). */
  __storageChanged(text) {
    if (this.__core === null || this.__persist === null) return;
    this.__persist.changed(text);
  }

  /** Releases the engine's memory now (it is otherwise released when collected). */
  free() {
    if (callsInFlight > 0) throw new Error("cannot free an engine from inside one of its calls; free it after the call returns");
    const p = this.__persist;
    if (p !== null && p.listener !== null) p.window.removeEventListener("storage", p.listener);
    this.__persist = null;
    if (this.__core !== null) {
      this.__core.free();
      this.__core = null;
    }
  }
}

/** One context read once, asked several questions: `engine.session(context)`. Feature and
 * usage answers are computed once per session and handed out again, deeply frozen. */
class PromptSession {
  constructor(engine, facts) {
    if (!(engine instanceof PromptEngine)) throw new TypeError("sessions are made by `engine.session(context)`");
    this.__engine = engine;
    this.__facts = facts;
    this.__answers = new Map();
  }

  /** The session's facts; throws once the session was freed. */
  __live() {
    if (this.__facts === null) throw new Error("this session was freed with `free()`; open a new one");
    return this.__facts;
  }

  __answer(usage, nameArg) {
    const engine = this.__engine;
    return call(engine, (c) => {
      const facts = this.__live();
      const name = typeof nameArg === "string" ? nameArg : "";
      // Only names of the catalog are kept, so the memory stays bounded by it.
      const index = c.find(usage, name);
      const key = usage ? -1 - index : index;
      if (index >= 0 && this.__answers.has(key)) return this.__answers.get(key);
      const value = deepFreeze(check(engine, usage, facts, name));
      if (index >= 0) this.__answers.set(key, value);
      return value;
    });
  }

  /** May the user use `feature`? Asked again, the same frozen answer is returned. */
  checkFeature(feature) {
    return this.__answer(false, feature);
  }

  /** How close is the account to the limit on `metric`? */
  checkUsage(metric) {
    return this.__answer(true, metric);
  }

  /** Evaluates for the session's context, with the engine's current state. */
  evaluate(options) {
    return call(this.__engine, () => evaluate(this.__engine, this.__live(), options));
  }

  /** Releases the session's memory now. */
  free() {
    if (this.__facts !== null) {
      this.__facts.free();
      this.__facts = null;
    }
  }
}

if (Symbol.dispose) {
  PromptEngine.prototype[Symbol.dispose] = PromptEngine.prototype.free;
  PromptSession.prototype[Symbol.dispose] = PromptSession.prototype.free;
}

/** Validates a config. Never throws: problems are in the report. */
function validateConfig(config) {
  if (!ready) {
    return { valid: false, errors: [{ code: "not_initialized", message: notInitialized().message, path: [] }], warnings: [] };
  }
  const json = jsonFor(config, "config", MAX_CONFIG);
  if (json.problem !== undefined) return { valid: false, errors: [json.problem], warnings: [] };
  return JSON.parse(core.validateText(json.text, json.unique));
}

/**
 * The public API over one wasm core: `glue` is the generated glue's namespace; `name` is the
 * entry's name in messages; `configs` whether this entry reads raw configs; `keepConfigs`
 * whether engines keep their config's text (for simulating it).
 */
export function bind(glue, { name, configs, keepConfigs = false }) {
  core = glue;
  entryName = name;
  readsConfigs = configs;
  keepsConfigs = keepConfigs;
  return {
    PromptEngine,
    PromptSession,
    ConfigError,
    validateConfig: configs ? validateConfig : undefined,
    /** Marks the wasm as instantiated (by `init`, or at import in Node). */
    ready() {
      ready = true;
    },
    isReady: () => ready,
  };
}

/** Returns the config unchanged: lets TypeScript check a config literal where it is written. */
export function defineConfig(config) {
  return config;
}
