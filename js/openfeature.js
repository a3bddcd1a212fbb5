// OpenFeature web provider of upgrade-prompts: feature gates, usage limits and the account's plan
// answered as OpenFeature flags (`feature.<id>`, `usage.<metric>.<field>`, `plan`, `callouts`).
//
// Rules this file keeps (see tests/openfeature/):
// - No resolve method ever throws: every problem is a resolution with `reason: "ERROR"` and an
//   `errorCode`, as the OpenFeature contract asks.
// - One engine session per evaluation context. The SDK hands each evaluation a shallow copy of
//   the static context, so contexts are compared key by key (same keys, same values); a few
//   recent sessions are kept, the old context's session is freed on `onContextChange`, all of
//   them on `onClose` and when the engine is replaced.
// - Engines built here (from `config`) are built in `initialize`, after the package's `init()`
//   (so the browser build has its wasm), and freed when replaced or closed. An engine passed in
//   is never freed.
// - Nothing touches `window` or `document`.
// - Mapping a context takes time linear in its size (each object on a dotted path is copied
//   once, then written in place) and never writes to the host's objects or a prototype.

import init, { PromptEngine } from "upgrade-prompts";

/** The authoring entry, once a config (not compiled bytes) needed it. */
let authoring = null;
const isBytes = (c) => c instanceof Uint8Array || c instanceof ArrayBuffer;

/** The engine class for `catalog`, after initializing its entry: the runtime for compiled
 * bytes, `upgrade-prompts/authoring` (loaded on first need) for a config. */
async function engineFor(catalog) {
  if (isBytes(catalog)) {
    await init();
    return PromptEngine;
  }
  authoring ??= await import("upgrade-prompts/authoring");
  await authoring.default();
  return authoring.PromptEngine;
}
import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
} from "@openfeature/web-sdk";

/** Top-level keys of the engine context that the evaluation context passes through. */
const ENGINE_KEYS = new Set(["now", "locale", "account", "user", "usage", "features", "page", "signals"]);

/** Path segments never written (they would reach `Object.prototype`). */
const UNSAFE_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

/** Number fields of a UsageCheck served as `usage.<metric>.<field>` number flags. */
const USAGE_NUMBER_FIELDS = new Set(["used", "limit", "remaining", "ratio", "daysLeft", "projected"]);

/** A feature id nobody defines: asking it tells whether the context itself is readable. */
const PROBE_FEATURE = "\u0000upgrade-prompts:probe";

/** Sessions kept for recent evaluation contexts (one per domain context in practice). */
const MAX_SESSIONS = 8;

/** Flag keys remembered for `flagsChanged` of a ConfigurationChanged event. */
const MAX_TRACKED_FLAGS = 1024;

const TYPE_NAMES = { boolean: "a boolean", number: "a number", string: "a string", object: "an object" };

// ---- flag keys ----

/**
 * Parses a flag key into `{ type, kind, id, field?, placement? }`, or null for a key of no known
 * shape.
 */
export function parseFlagKey(flagKey) {
  if (typeof flagKey !== "string" || flagKey.length === 0) return null;
  if (flagKey === "plan") return { type: "string", kind: "plan" };
  if (flagKey === "callouts") return { type: "object", kind: "callouts", placement: null };
  if (flagKey.startsWith("callouts.") && flagKey.length > 9) {
    return { type: "object", kind: "callouts", placement: flagKey.slice(9) };
  }
  if (flagKey.startsWith("feature.") && flagKey.length > 8) {
    return { type: "boolean", kind: "feature", id: flagKey.slice(8) };
  }
  if (flagKey.startsWith("usage.")) {
    const last = flagKey.lastIndexOf(".");
    const metric = flagKey.slice(6, last);
    const field = flagKey.slice(last + 1);
    if (last > 6 && metric.length > 0) {
      if (USAGE_NUMBER_FIELDS.has(field)) return { type: "number", kind: "usage", id: metric, field };
      if (field === "state") return { type: "string", kind: "usage", id: metric, field };
    }
  }
  return null;
}

// ---- context mapping ----

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * Maps an OpenFeature evaluation context to an engine context:
 * 1. the keys `now`, `locale`, `account`, `user`, `usage`, `features`, `page` and `signals` are
 *    passed through as they are (nested objects);
 * 2. dotted keys whose first segment is one of those (`"account.plan": "team"`,
 *    `"usage.seats": 18`, `"usage.api_calls.used": 41000`) set that path, shorter paths first
 *    (keys of one length in their order), over what step 1 gave (the host's objects are copied,
 *    never changed). Where keys conflict the longer one wins: a value on its way that is not a
 *    plain object is replaced by an object (`"account.plan": "x"` with `"account.plan.id": 1`
 *    gives `account.plan = { id: 1 }`; `account: 7` with `"account.plan": "team"` gives
 *    `account = { plan: "team" }`). A key with an empty segment (`"account..plan"`,
 *    `"account."`) or a segment `__proto__`, `constructor` or `prototype` is ignored;
 * 3. `targetingKey` becomes `account.id` (or `user.id` with `targetingKey: "user"`) when that
 *    id is not already given;
 * 4. every other key is ignored.
 * Time and memory are linear in the size of the context (each object on a path is copied once,
 * then written in place). Throws only when reading the context throws (a getter or a proxy).
 */
export function toEngineContext(evaluationContext, options = {}) {
  const out = {};
  if (!isPlainObject(evaluationContext)) return out;
  const byDepth = []; // dotted keys by number of segments: [[path, value], ...]
  for (const key of Object.keys(evaluationContext)) {
    if (ENGINE_KEYS.has(key)) {
      out[key] = evaluationContext[key];
    } else if (key.includes(".")) {
      const path = key.split(".");
      if (ENGINE_KEYS.has(path[0]) && path.every((s) => s.length > 0 && !UNSAFE_SEGMENTS.has(s))) {
        const group = byDepth[path.length];
        if (group === undefined) byDepth[path.length] = [[path, evaluationContext[key]]];
        else group.push([path, evaluationContext[key]]);
      }
    }
  }
  const own = new WeakSet(); // objects made here: written in place from then on
  for (const group of byDepth) {
    if (group === undefined) continue;
    for (const [path, value] of group) setPath(out, path, value, own);
  }
  const targetingKey = evaluationContext.targetingKey;
  if (typeof targetingKey === "string" && targetingKey.length > 0) {
    const owner = options.targetingKey === "user" ? "user" : "account";
    const holder = out[owner];
    if (holder === undefined || holder === null) {
      out[owner] = { id: targetingKey };
    } else if (isPlainObject(holder) && (holder.id === undefined || holder.id === null)) {
      out[owner] = { ...holder, id: targetingKey };
    }
  }
  return out;
}

/** Sets `path` (no unsafe segment) under `root`: an object on the way that the host gave is
 * copied once (into `own`), one made here is written in place, any other value is replaced by
 * an empty object. Only own properties are read, so `toString` or `valueOf` are plain keys. */
function setPath(root, path, value, own) {
  let node = root;
  for (let i = 0; i < path.length - 1; i += 1) {
    const key = path[i];
    const child = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    let next;
    if (isPlainObject(child) && own.has(child)) next = child;
    else {
      next = isPlainObject(child) ? { ...child } : {};
      own.add(next);
      node[key] = next;
    }
    node = next;
  }
  node[path[path.length - 1]] = value;
}

// ---- small helpers ----

function freeQuietly(handle) {
  if (handle === null || handle === undefined) return;
  try {
    handle.free();
  } catch {
    // Already freed, or refused because a call of the engine is running: the handle is then
    // left to the garbage collector (the package registers every handle for finalization).
  }
}

function describe(diagnostic) {
  const path = Array.isArray(diagnostic.path) && diagnostic.path.length > 0 ? ` at ${diagnostic.path.join(".")}` : "";
  return `${diagnostic.message}${path}`;
}

function errorMessage(error) {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "unreadable error";
  }
}

function sameShallow(snapshot, context) {
  const keys = Object.keys(context);
  if (keys.length !== snapshot.length) return false;
  for (const [key, value] of snapshot) {
    if (!Object.prototype.hasOwnProperty.call(context, key) || !Object.is(context[key], value)) return false;
  }
  return true;
}

function snapshotOf(context) {
  return Object.keys(context).map((key) => [key, context[key]]);
}

function errorResult(defaultValue, errorCode, message, flagMetadata) {
  const result = { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode, errorMessage: message };
  if (flagMetadata !== undefined) result.flagMetadata = flagMetadata;
  return result;
}

/** Puts the cheapest unlock option (the first) into flag metadata, without null values. */
function addUnlock(meta, unlock) {
  if (!Array.isArray(unlock) || unlock.length === 0) return;
  const [best] = unlock;
  meta.unlockCount = unlock.length;
  meta.unlockId = best.id;
  meta.unlockType = best.type;
  if (typeof best.label === "string") meta.unlockLabel = best.label;
  if (typeof best.monthlyDelta === "number") meta.unlockMonthlyDelta = best.monthlyDelta;
  if (typeof best.quantity === "number") meta.unlockQuantity = best.quantity;
  meta.unlockContactSales = best.contactSales === true;
}

function addContextErrors(meta, errors) {
  if (!Array.isArray(errors) || errors.length === 0) return;
  meta.contextErrors = errors.length;
  meta.contextError = describe(errors[0]);
}

// ---- the provider ----

export class UpgradePromptsProvider {
  /**
   * @param {{ engine: PromptEngine } | { config: object | string, options?: object }} setup
   *   plus `targetingKey?: "account" | "user"` (which id `targetingKey` fills; default account)
   */
  constructor(setup = {}) {
    this.metadata = Object.freeze({ name: "upgrade-prompts" });
    this.runsOn = "client";
    this.events = new OpenFeatureEventEmitter();
    const options = isPlainObject(setup) ? setup : {};
    this._targetingKey = options.targetingKey === "user" ? "user" : "account";
    this._engine = null;
    this._ownsEngine = false;
    this._config = null;
    this._engineOptions = undefined;
    if (options.engine !== undefined && options.engine !== null) {
      this._engine = options.engine;
    } else {
      this._config = options.config;
      this._engineOptions = options.options;
    }
    this._initialized = false;
    this._failure = null; // the message of a failed initialize, until a working engine arrives
    this._sessions = []; // [{ snapshot, session }], most recent first
    this._tracked = new Set();
  }

  /** The engine answering now (null before `initialize` when built from a config). */
  get engine() {
    return this._engine;
  }

  /**
   * Loads the wasm (`init()`), builds the engine from `config` when one was given and opens a
   * session for the context. Rejects with an error whose `code` is `PROVIDER_FATAL` (the SDK
   * then reports the status FATAL and emits an Error event) when the config is invalid or the
   * wasm cannot load; `setConfig` with a valid config recovers.
   */
  async initialize(context) {
    try {
      if (this._engine === null) {
        const Engine = await engineFor(this._config);
        this._engine = new Engine(this._config, this._engineOptions);
        this._ownsEngine = true;
      }
      this._initialized = true;
      this._failure = null;
    } catch (error) {
      this._failure = `upgrade-prompts could not start: ${errorMessage(error)}`;
      const fatal = new Error(this._failure);
      fatal.name = "ProviderFatalError";
      fatal.code = ErrorCode.PROVIDER_FATAL;
      fatal.cause = error;
      if (error !== null && typeof error === "object" && Array.isArray(error.errors)) fatal.errors = error.errors;
      throw fatal;
    }
    try {
      if (isPlainObject(context)) this._sessionFor(context);
    } catch {
      // An unreadable context is reported by each evaluation instead.
    }
  }

  /** Frees the session of the old context. Synchronous: the SDK does not enter RECONCILING. */
  onContextChange(oldContext, newContext) {
    try {
      const keep = [];
      for (const entry of this._sessions) {
        let old = false;
        try {
          old = isPlainObject(oldContext) && sameShallow(entry.snapshot, oldContext) &&
            !(isPlainObject(newContext) && sameShallow(entry.snapshot, newContext));
        } catch {
          old = false;
        }
        if (old) freeQuietly(entry.session);
        else keep.push(entry);
      }
      this._sessions = keep;
      if (this._engine !== null && isPlainObject(newContext)) this._sessionFor(newContext);
    } catch {
      // Never throws: the next evaluation opens what it needs.
    }
  }

  /** Frees every session and the engine built from `config` (a passed-in engine is kept). */
  async onClose() {
    this._freeSessions();
    if (this._ownsEngine) {
      freeQuietly(this._engine);
      this._engine = null;
      this._ownsEngine = false;
    }
    this._initialized = false;
  }

  /**
   * Replaces the engine with one built from `config` (freed later by the provider). Returns the
   * flag keys whose answers changed and emits ConfigurationChanged with them.
   * @throws {ConfigError} when the config is invalid; the current engine then stays.
   */
  setConfig(config, options) {
    if (!this._initialized && this._engine === null && this._failure === null) {
      // Not started yet (or closed): initialize builds it (after the wasm is loaded).
      this._config = config;
      this._engineOptions = options;
      return [];
    }
    // (A config needs the authoring entry, which `initialize` loaded if its catalog was one.)
    const Engine = isBytes(config) || authoring === null ? PromptEngine : authoring.PromptEngine;
    const engine = new Engine(config, options);
    this._config = config;
    this._engineOptions = options;
    return this._swap(engine, true);
  }

  /** Replaces the engine with one owned by the caller (never freed here). Same events. */
  setEngine(engine) {
    return this._swap(engine, false);
  }

  _swap(engine, owned) {
    const previous = this._engine;
    const previousOwned = this._ownsEngine;
    const recovering = this._failure !== null || previous === null;
    let changed = [...this._tracked];
    if (!recovering) {
      try {
        changed = this._changedFlags(engine);
      } catch {
        // Compare failed (an unreadable context): report every flag asked so far.
      }
    }
    this._freeSessions();
    this._engine = engine;
    this._ownsEngine = owned;
    this._initialized = true;
    if (previousOwned && previous !== engine) freeQuietly(previous);
    if (recovering) {
      this._failure = null;
      this.events.emit(ProviderEvents.Ready, { message: "upgrade-prompts: engine ready" });
    } else {
      this.events.emit(ProviderEvents.ConfigurationChanged, {
        message: "upgrade-prompts: config changed",
        flagsChanged: changed,
      });
    }
    return changed;
  }

  /** Flags asked so far whose answer differs between the current engine and `engine` for the
   * contexts in use. With no context in use, every flag asked so far. */
  _changedFlags(engine) {
    if (this._sessions.length === 0) return [...this._tracked];
    const changed = new Set();
    for (const entry of this._sessions) {
      const next = { session: engine.session(entry.engineContext), engineContext: entry.engineContext };
      try {
        for (const flagKey of this._tracked) {
          const parsed = parseFlagKey(flagKey);
          if (parsed === null) continue;
          const before = JSON.stringify(answer(parsed, undefined, entry));
          const after = JSON.stringify(answer(parsed, undefined, next));
          if (before !== after) changed.add(flagKey);
        }
      } finally {
        freeQuietly(next.session);
      }
    }
    return [...changed];
  }

  _freeSessions() {
    for (const entry of this._sessions) freeQuietly(entry.session);
    this._sessions = [];
  }

  /** The `{ session, engineContext }` of `context`, opened when none matches; the most recent
   * first. Throws when the context cannot be read. */
  _sessionFor(context) {
    for (let i = 0; i < this._sessions.length; i += 1) {
      const entry = this._sessions[i];
      if (sameShallow(entry.snapshot, context)) {
        if (i > 0) {
          this._sessions.splice(i, 1);
          this._sessions.unshift(entry);
        }
        return entry;
      }
    }
    const snapshot = snapshotOf(context);
    const engineContext = toEngineContext(context, { targetingKey: this._targetingKey });
    const entry = { snapshot, engineContext, session: this._engine.session(engineContext) };
    this._sessions.unshift(entry);
    while (this._sessions.length > MAX_SESSIONS) freeQuietly(this._sessions.pop().session);
    return entry;
  }

  resolveBooleanEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, "boolean", defaultValue, context);
  }

  resolveStringEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, "string", defaultValue, context);
  }

  resolveNumberEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, "number", defaultValue, context);
  }

  resolveObjectEvaluation(flagKey, defaultValue, context) {
    return this._resolve(flagKey, "object", defaultValue, context);
  }

  _resolve(flagKey, type, defaultValue, context) {
    try {
      const parsed = parseFlagKey(flagKey);
      if (parsed === null) {
        return errorResult(defaultValue, ErrorCode.FLAG_NOT_FOUND, `upgrade-prompts has no flag \`${String(flagKey)}\``);
      }
      if (parsed.type !== type) {
        return errorResult(
          defaultValue,
          ErrorCode.TYPE_MISMATCH,
          `flag \`${flagKey}\` is ${TYPE_NAMES[parsed.type]} flag, asked as ${TYPE_NAMES[type] ?? String(type)}`,
        );
      }
      if (this._engine === null || !this._initialized) {
        if (this._failure !== null) return errorResult(defaultValue, ErrorCode.PROVIDER_FATAL, this._failure);
        return errorResult(defaultValue, ErrorCode.PROVIDER_NOT_READY, "upgrade-prompts provider is not initialized");
      }
      let entry;
      try {
        entry = this._sessionFor(context !== null && typeof context === "object" ? context : {});
      } catch (error) {
        return errorResult(defaultValue, ErrorCode.INVALID_CONTEXT, `the evaluation context cannot be read: ${errorMessage(error)}`);
      }
      if (this._tracked.size < MAX_TRACKED_FLAGS) this._tracked.add(flagKey);
      return answer(parsed, defaultValue, entry);
    } catch (error) {
      return errorResult(defaultValue, ErrorCode.GENERAL, `upgrade-prompts: ${errorMessage(error)}`);
    }
  }

}

/** The resolution of a parsed flag of the right type, from a `{ session, engineContext }`. */
function answer(parsed, defaultValue, { session, engineContext }) {
  if (parsed.kind === "feature") return answerFeature(session.checkFeature(parsed.id), defaultValue);
  if (parsed.kind === "usage") return answerUsage(session.checkUsage(parsed.id), parsed.field, defaultValue);
  if (parsed.kind === "plan") return answerPlan(session, engineContext, defaultValue);
  return answerCallouts(session, parsed.placement, defaultValue);
}

function answerFeature(check, defaultValue) {
  const errors = Array.isArray(check.errors) ? check.errors : [];
  const unknown = errors.find((e) => e.code === "unknown_feature");
  if (unknown !== undefined) return errorResult(defaultValue, ErrorCode.FLAG_NOT_FOUND, describe(unknown));
  const meta = { engineReason: check.reason };
  if (check.reason === "invalid_context") {
    addContextErrors(meta, errors);
    return errorResult(defaultValue, ErrorCode.INVALID_CONTEXT, errors.length > 0 ? describe(errors[0]) : "invalid context", meta);
  }
  if (typeof check.source === "string") meta.source = check.source;
  if (typeof check.trialEndsAt === "string") meta.trialEndsAt = check.trialEndsAt;
  addUnlock(meta, check.unlock);
  if (check.callout !== null && typeof check.callout === "object") meta.calloutId = check.callout.id;
  addContextErrors(meta, errors);
  return { value: check.allowed === true, reason: StandardResolutionReasons.TARGETING_MATCH, variant: check.reason, flagMetadata: meta };
}

function answerUsage(check, field, defaultValue) {
  const errors = Array.isArray(check.errors) ? check.errors : [];
  const unknown = errors.find((e) => e.code === "unknown_metric");
  if (unknown !== undefined) return errorResult(defaultValue, ErrorCode.FLAG_NOT_FOUND, describe(unknown));
  const meta = {};
  if (typeof check.state === "string") meta.state = check.state;
  for (const key of ["used", "limit", "remaining", "ratio", "daysLeft", "projected"]) {
    if (typeof check[key] === "number") meta[key] = check[key];
  }
  meta.unlimited = check.unlimited === true;
  addUnlock(meta, check.unlock);
  if (check.callout !== null && typeof check.callout === "object") meta.calloutId = check.callout.id;
  addContextErrors(meta, errors);
  const value = check[field];
  if (value === null || value === undefined) {
    if (errors.length > 0) return errorResult(defaultValue, ErrorCode.INVALID_CONTEXT, describe(errors[0]), meta);
    return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT, flagMetadata: meta };
  }
  const result = { value, reason: StandardResolutionReasons.TARGETING_MATCH, flagMetadata: meta };
  if (typeof check.state === "string") result.variant = check.state;
  return result;
}

function answerPlan(session, engineContext, defaultValue) {
  const probe = session.checkFeature(PROBE_FEATURE);
  const errors = (Array.isArray(probe.errors) ? probe.errors : []).filter((e) => e.code !== "unknown_feature");
  const planError = errors.find(
    (e) => Array.isArray(e.path) && (e.path.length === 0 || (e.path[0] === "account" && (e.path.length === 1 || e.path[1] === "plan"))),
  );
  if (planError !== undefined) {
    const meta = {};
    addContextErrors(meta, errors);
    return errorResult(defaultValue, ErrorCode.INVALID_CONTEXT, describe(planError), meta);
  }
  const plan = isPlainObject(engineContext.account) ? engineContext.account.plan : undefined;
  const meta = {};
  addContextErrors(meta, errors);
  if (typeof plan !== "string") return errorResult(defaultValue, ErrorCode.INVALID_CONTEXT, "the context has no `account.plan`", meta);
  return { value: plan, reason: StandardResolutionReasons.TARGETING_MATCH, variant: plan, flagMetadata: meta };
}

function answerCallouts(session, placement, defaultValue) {
  const evaluation = session.evaluate(placement === null ? {} : { placement });
  const callouts = Array.isArray(evaluation.callouts) ? evaluation.callouts : [];
  const errors = Array.isArray(evaluation.errors) ? evaluation.errors : [];
  const meta = { count: callouts.length };
  if (Array.isArray(evaluation.suppressed)) meta.suppressed = evaluation.suppressed.length;
  addContextErrors(meta, errors);
  if (callouts.length === 0 && errors.length > 0) {
    return errorResult(defaultValue, ErrorCode.INVALID_CONTEXT, describe(errors[0]), meta);
  }
  return { value: callouts, reason: StandardResolutionReasons.TARGETING_MATCH, flagMetadata: meta };
}
