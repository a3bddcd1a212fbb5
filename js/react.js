// React binding of upgrade-prompts: a provider that owns one engine session per context, hooks
// that read callouts, feature gates and usage limits from it, and impression tracking.
//
// Rules this file keeps (see tests/react/):
// - Nothing touches `window`, `document` or `IntersectionObserver` at import time or during
//   render, so `renderToString` works in Node; the browser is only used inside effects.
// - Engines and sessions are native handles with `free()`. Those created here are freed after
//   the component that made them is gone, one microtask after the effect cleanup, so that
//   StrictMode's simulated unmount and remount (which run synchronously, one after the other)
//   never frees a handle that is about to be used again.
// - Texts are rendered as plain text nodes only.
// - A given `engine` that cannot open a session (freed with `free()`, or not an engine at all)
//   never throws into render: the hooks answer as for an unreadable context, with the coded
//   error in their `errors` (no callouts; features let through, as the engine does), and the
//   console is warned once per such engine.
// - A `catalog` is built into an engine during render when the entry that reads it is already
//   initialized (always in Node, so server rendering shows the callouts), else after `init()`
//   (compiled bytes: `upgrade-prompts`) or the lazily imported `upgrade-prompts/authoring`
//   (configs), in an effect, with `fallback` rendered meanwhile. A catalog that cannot be
//   loaded never throws into render either: the hooks answer as for an unusable engine, with
//   the engine's own diagnostics (or `catalog_failed`, `init_failed`, `authoring_unavailable`).

import {
  createContext,
  createElement,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from "react";
import init, { PromptEngine } from "upgrade-prompts";

const PromptsContext = createContext(null);

/** Key of the provider value holding what the hooks ask: the session, or the answers of an
 * engine that cannot be used (see `unavailableAnswers`). */
const ANSWERS = Symbol("answers");

/** Event types after which the provider evaluates again (an impression does not: a callout
 * must not vanish because it was seen). */
const REEVALUATE_AFTER = new Set(["click", "dismiss", "convert"]);

/** Share of a callout's box that must be visible for an impression. */
const VISIBLE_SHARE = 0.5;

// ---- per-engine version store ----

/** One store per engine: a version bumped by every state-changing record made through the
 * binding, so that every provider using the engine evaluates again. */
const stores = new WeakMap();

function storeOf(engine) {
  let store = stores.get(engine);
  if (store === undefined) {
    const listeners = new Set();
    store = {
      version: 0,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      get: () => store.version,
      bump() {
        store.version += 1;
        for (const listener of [...listeners]) listener();
      },
    };
    stores.set(engine, store);
  }
  return store;
}

/** The store of a value that is not an engine: nothing to subscribe to, version 0. */
const NO_STORE = { version: 0, subscribe: () => () => {}, get: () => 0, bump: () => {} };

// ---- owned native handles ----

const later = typeof queueMicrotask === "function" ? queueMicrotask : (fn) => Promise.resolve().then(fn);

function sameKey(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function freeQuietly(handle) {
  if (handle === null || handle === undefined) return;
  try {
    handle.free();
  } catch {
    // Already freed, or refused because a call of the engine is running: the handle is then
    // left to the garbage collector (the package registers every handle for finalization).
  }
}

/**
 * A handle created in render (the server renders too, without effects) for `key`, reused while
 * `key` stays the same, and freed (`release(value)`) once the component no longer uses it.
 */
function useOwned(key, create, release = freeQuietly) {
  const ref = useRef(null);
  const [, retry] = useState(0);
  let slot = ref.current;
  if (slot === null || slot.disposed || !sameKey(slot.key, key)) {
    slot = { key, value: create(), disposed: false, pending: false };
    ref.current = slot;
  }
  useEffect(() => {
    if (slot.disposed) {
      // Freed while hidden (an effect reconnecting without a render): render again, which
      // creates a fresh handle.
      retry((n) => n + 1);
      return undefined;
    }
    slot.pending = false;
    return () => {
      slot.pending = true;
      later(() => {
        if (!slot.pending || slot.disposed) return;
        slot.disposed = true;
        release(slot.value);
      });
    };
  }, [slot]);
  return slot.value;
}

// ---- context identity ----

/** A token that changes when the context changes: by identity first, then by its JSON text, so
 * that a context object written inline in JSX (equal, but new every render) keeps its session. */
function useContextKey(context) {
  const ref = useRef(null);
  const prev = ref.current;
  if (prev !== null && Object.is(prev.context, context)) return prev.token;
  let text;
  try {
    text = typeof context === "string" ? context : JSON.stringify(context);
  } catch {
    text = undefined; // circular or a BigInt: the engine reports it; compare by identity only
  }
  const token = prev !== null && text !== undefined && prev.text === text ? prev.token : {};
  ref.current = { context, text, token };
  return token;
}

/** A context as an object (parsed when it is JSON text); null when it is neither. */
function contextObject(context) {
  let value = context;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return value !== null && typeof value === "object" ? value : null;
}

/** Reads `key` of a context (a getter may throw); undefined when it is missing, throws or
 * `accept` refuses it. */
function contextField(context, key, accept) {
  const value = contextObject(context);
  if (value === null) return undefined;
  try {
    const field = value[key];
    return accept(field) ? field : undefined;
  } catch {
    return undefined;
  }
}

/** The context's `now`, used as the time of recorded events so that a time-travelled context
 * (a demo's date slider, a test) sees its own events in caps and cooldowns. */
function nowOf(context) {
  return contextField(context, "now", (now) => typeof now === "string" || typeof now === "number" || now instanceof Date);
}

/** The context's `locale`, for the components' words and numbers. */
function localeOf(context) {
  return contextField(context, "locale", (locale) => typeof locale === "string");
}

function calloutId(callout) {
  if (typeof callout === "string") return callout;
  if (callout !== null && typeof callout === "object" && typeof callout.id === "string") return callout.id;
  return null;
}

function failure(code, message) {
  return { recorded: false, error: { code, message, path: [] } };
}

function makeActions(engine, store, now, error) {
  const record = (event) => {
    if (error !== null) return { recorded: false, error };
    if (event === null || typeof event !== "object") {
      return failure("invalid_event", "expected an event object `{ type, callout, at? }`");
    }
    const full = event.at === undefined && now !== undefined ? { ...event, at: now } : event;
    let result;
    try {
      result = engine.record(full);
    } catch (error) {
      return failure("record_failed", String(error && error.message ? error.message : error));
    }
    if (result && result.recorded && REEVALUATE_AFTER.has(event.type)) store.bump();
    return result;
  };
  const of = (type) => (callout) => {
    const id = calloutId(callout);
    if (id === null) return failure("invalid_event", "expected a callout or a callout id");
    return record({ type, callout: id });
  };
  return {
    record,
    impression: of("impression"),
    click: of("click"),
    dismiss: of("dismiss"),
    convert: of("convert"),
    refresh: () => store.bump(),
  };
}

// ---- an engine that cannot be used ----

/** Whether `value` has the methods the binding calls on an engine. Not `instanceof`: an engine
 * from another copy of the package (a CommonJS and an ES module build side by side) is fine. */
function isEngineLike(value) {
  return hasMethods(value, ["session", "record"]);
}

function isSessionLike(value) {
  return hasMethods(value, ["evaluate", "checkFeature", "checkUsage"]);
}

/** Whether `value` is an object with these methods (false when reading them throws). */
function hasMethods(value, names) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return names.every((name) => typeof value[name] === "function");
  } catch {
    return false;
  }
}

/** Whether a handle was freed: wasm-bindgen sets its pointer to 0 then. */
function isFreed(handle) {
  try {
    // (An engine of this package drops its wasm core when freed.)
    return handle.__core === null;
  } catch {
    return false;
  }
}

/** Text of a thrown value or an id, whatever it is (never throws). */
function textOf(error) {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "unreadable value";
  }
}

/**
 * `{ session, error, answers }` for `context`: the engine's session, or null and the Diagnostic
 * saying why there is none (`invalid_engine`: not an engine; `engine_freed`: freed with
 * `free()`; `engine_failed`: the engine threw); `answers` is what the hooks ask (the session,
 * or `unavailableAnswers(error)`). Never throws.
 */
function openSession(engine, context) {
  const problem = (code, message, help) => {
    const error = Object.freeze({ code, message, path: Object.freeze([]), help });
    return { session: null, error, answers: unavailableAnswers(Object.freeze([error])) };
  };
  if (!isEngineLike(engine)) {
    return problem("invalid_engine", "the `engine` prop is not a PromptEngine",
      "pass an engine made with `new PromptEngine(config)`, or a `config` for the provider to build one from");
  }
  let session;
  try {
    session = engine.session(context);
  } catch (error) {
    if (isFreed(engine)) {
      return problem("engine_freed", "the `engine` prop was freed (`engine.free()`) and cannot be used",
        "free an engine only after every provider using it has unmounted");
    }
    return problem("engine_failed", `the \`engine\` prop cannot open a session: ${textOf(error)}`,
      "pass an engine made with `new PromptEngine(config)`, or a `config` for the provider to build one from");
  }
  if (!isSessionLike(session)) {
    freeQuietly(session);
    return problem("invalid_engine", "the `engine` prop is not a PromptEngine: its `session()` gave no session",
      "pass an engine made with `new PromptEngine(config)`, or a `config` for the provider to build one from");
  }
  return { session, error: null, answers: session };
}

/** A test "not seen before" for values: objects in a WeakSet, up to 64 other values. */
function onceRegistry() {
  const objects = new WeakSet();
  const values = new Set();
  return (value) => {
    const object = value !== null && (typeof value === "object" || typeof value === "function");
    if (object ? objects.has(value) : values.has(value) || values.size >= 64) return false;
    if (object) objects.add(value);
    else values.add(value);
    return true;
  };
}

function warn(text) {
  if (typeof console !== "undefined" && typeof console.warn === "function") console.warn(text);
}

/** Whether an `engine` prop was not warned about yet. */
const firstEngineWarning = onceRegistry();

function warnOnce(engine, error) {
  if (!firstEngineWarning(engine)) return;
  warn(`upgrade-prompts/react: error[${error.code}]: ${error.message} (${error.help}); the hooks answer with this error and no callouts`);
}

const NONE = Object.freeze([]);

/** The answers when there is no session: those of an unreadable context, with `errors` (a
 * frozen array of Diagnostics). */
function unavailableAnswers(errors) {
  const evaluation = Object.freeze({ callouts: NONE, suppressed: NONE, errors, warnings: NONE });
  const features = new Map();
  const usages = new Map();
  return {
    evaluate: () => evaluation,
    checkFeature(feature) {
      const id = textOf(feature);
      if (!features.has(id)) {
        // Let through, as the engine does for a context it cannot read: never a paywall by accident.
        features.set(id, Object.freeze({
          feature: id, allowed: true, source: null, reason: "invalid_context", trialEndsAt: null, unlock: NONE,
          callout: null, errors, warnings: NONE,
        }));
      }
      return features.get(id);
    },
    checkUsage(metric) {
      const id = textOf(metric);
      if (!usages.has(id)) {
        usages.set(id, Object.freeze({
          metric: id, used: null, limit: null, unlimited: false, remaining: null, ratio: null, state: null,
          projected: null, daysLeft: null, daysToLimit: null, limitDate: null, period: null, estimate: false,
          unlock: NONE,
          callout: null, errors, warnings: NONE,
        }));
      }
      return usages.get(id);
    },
  };
}

// ---- catalogs ----

/** The entry that reads raw configs, imported the first time a config needs it. */
const AUTHORING = "upgrade-prompts/authoring";

/** The promise of the authoring module with its `init()` resolved (one for every provider),
 * or null before the first config needs it and after a failed attempt. */
let authoringLoad = null;
/** The authoring module once it is ready, so that later configs are built during render. */
let authoring = null;

function loadAuthoring() {
  if (authoringLoad === null) {
    const loading = import("upgrade-prompts/authoring").then(async (mod) => {
      if (typeof mod.default === "function") await mod.default();
      authoring = mod;
      return mod;
    });
    // A failed import (no such entry, a chunk that did not load) is tried again next time.
    loading.catch(() => {
      if (authoringLoad === loading) authoringLoad = null;
    });
    authoringLoad = loading;
  }
  return authoringLoad;
}

function isThenable(value) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  try {
    return typeof value.then === "function";
  } catch {
    return false;
  }
}

/** Compiled bytes as a Uint8Array of this realm (an ArrayBuffer, a view of one, a Buffer), or
 * the value itself: a config object or JSON text, or anything else, for the engine to judge. */
function inputOf(value) {
  if (value instanceof Uint8Array) return value;
  try {
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const tag = Object.prototype.toString.call(value);
    if (tag === "[object ArrayBuffer]" || tag === "[object SharedArrayBuffer]") return new Uint8Array(value);
  } catch {
    // a hostile object: the engine reports it
  }
  return value;
}

function isBytes(input) {
  return input instanceof Uint8Array;
}

/** Whether `thrown` carries the diagnostic `code` (on itself or in its `errors`). */
function hasCode(thrown, code) {
  try {
    if (thrown.code === code) return true;
    return Array.isArray(thrown.errors) && thrown.errors.some((d) => d !== null && typeof d === "object" && d.code === code);
  } catch {
    return false;
  }
}

/** Whether `thrown` is the engine's ConfigError (an Error with `errors[]`). */
function isConfigError(thrown) {
  try {
    return thrown !== null && typeof thrown === "object" && Array.isArray(thrown.errors) && thrown.errors.length > 0;
  } catch {
    return false;
  }
}

function diagnostic(code, message, help) {
  return Object.freeze({ code, message, path: Object.freeze([]), help });
}

/** A frozen copy of one of the engine's diagnostics (never throws). */
function copyDiagnostic(d) {
  if (d === null || typeof d !== "object") {
    return diagnostic("catalog_failed", `the \`catalog\` prop cannot be loaded: ${textOf(d)}`);
  }
  try {
    const path = Array.isArray(d.path) ? Object.freeze([...d.path]) : Object.freeze([]);
    return Object.freeze({ ...d, code: String(d.code), message: String(d.message), path });
  } catch {
    return diagnostic("catalog_failed", "the `catalog` prop cannot be loaded: the engine gave an unreadable error");
  }
}

/** `{ error, errors }`: the first diagnostic and all of them, frozen. */
function failureOf(errors) {
  const list = Object.freeze(errors);
  return Object.freeze({ error: list[0], errors: list });
}

/** The failure for a catalog the engine refused: its own diagnostics (`invalid_catalog` for
 * bytes it cannot read, the config's errors with their paths), else `catalog_failed`. */
function refused(thrown) {
  if (isConfigError(thrown)) return failureOf(thrown.errors.map(copyDiagnostic));
  return failureOf([diagnostic("catalog_failed", `the \`catalog\` prop cannot be loaded: ${textOf(thrown)}`,
    "pass compiled bytes (`upgrade-prompts compile catalog.json -o catalog.bin`) or a config object")]);
}

function construct(Engine, input, options) {
  try {
    return { engine: new Engine(input, options) };
  } catch (thrown) {
    return { thrown };
  }
}

/**
 * Builds an engine from `input` now if the entry that reads it is ready. Returns `{ engine }`,
 * `{ failure }`, or `{ need, thrown }`: `need` is `"init"` when the runtime entry threw
 * something other than a ConfigError (not initialized yet), `"authoring"` when it refused a
 * config with `needs_authoring` (the lean browser runtime).
 */
function attempt(input, options) {
  if (!isBytes(input) && authoring !== null) {
    const made = construct(authoring.PromptEngine, input, options);
    return made.engine !== undefined ? made : { failure: refused(made.thrown) };
  }
  const made = construct(PromptEngine, input, options);
  if (made.engine !== undefined) return made;
  const { thrown } = made;
  if (!isBytes(input) && hasCode(thrown, "needs_authoring")) return { need: "authoring", thrown };
  if (hasCode(thrown, "not_initialized") || !isConfigError(thrown)) return { need: "init", thrown };
  return { failure: refused(thrown) };
}

/** Builds an engine from `input` once the entry it needs is ready; `{ engine }` or
 * `{ failure }`, never a rejection. Configs go to `upgrade-prompts/authoring` (the runtime
 * entry reads them itself where that entry is missing: Node, older packages). */
async function complete(input, need, options) {
  if (!isBytes(input)) {
    let mod = null;
    try {
      mod = await loadAuthoring();
    } catch (thrown) {
      if (need === "authoring") {
        return { failure: failureOf([diagnostic("authoring_unavailable",
          `the \`catalog\` prop is a config, which needs \`${AUTHORING}\`, and it could not be loaded: ${textOf(thrown)}`,
          "compile the catalog ahead (`upgrade-prompts compile catalog.json -o catalog.bin`) and pass the bytes")]) };
      }
    }
    if (mod !== null) {
      const made = construct(mod.PromptEngine, input, options);
      return made.engine !== undefined ? made : { failure: refused(made.thrown) };
    }
  }
  try {
    await init();
  } catch (thrown) {
    return { failure: failureOf([diagnostic("init_failed", `upgrade-prompts could not be initialized: ${textOf(thrown)}`,
      "check that the package's `.wasm` file is served (bundlers emit it as an asset), or call `init(input)` yourself before rendering")]) };
  }
  const again = attempt(input, options);
  if (again.need === "authoring" && need !== "authoring") return complete(input, "authoring", options);
  if (again.need !== undefined) return { failure: refused(again.thrown) };
  return again;
}

/** A catalog's state for one provider: built in render when possible, else loaded in an effect. */
function openCatalog(catalog, options) {
  const slot = {
    catalog, options, status: "none", engine: null, failure: null, input: undefined, need: null,
    loading: false, leaving: false, disposed: false, reported: false,
  };
  if (catalog == null) return slot;
  if (isThenable(catalog)) {
    slot.status = "pending";
    slot.need = "value";
    return slot;
  }
  slot.input = inputOf(catalog);
  settle(slot, attempt(slot.input, options));
  return slot;
}

function settle(slot, result) {
  if (result.engine !== undefined) {
    slot.status = "ready";
    slot.engine = result.engine;
  } else if (result.failure !== undefined) {
    slot.status = "failed";
    slot.failure = result.failure;
  } else {
    slot.status = "pending";
    slot.need = result.need;
  }
}

/** Loads a pending slot's engine; never rejects. */
async function load(slot) {
  try {
    let { input, need } = slot;
    if (need === "value") {
      let value;
      try {
        value = await slot.catalog;
      } catch (thrown) {
        return { failure: failureOf([diagnostic("catalog_failed", `the \`catalog\` promise was rejected: ${textOf(thrown)}`,
          "resolve it with compiled bytes, an ArrayBuffer, or a config")]) };
      }
      input = inputOf(value);
      need = "init"; // after an await anyway: configs go to the authoring entry
    }
    return await complete(input, need, slot.options);
  } catch (thrown) {
    return { failure: refused(thrown) };
  }
}

/** Whether a `catalog` prop was not warned about yet. */
const firstCatalogWarning = onceRegistry();

function warnCatalogOnce(catalog, failure) {
  if (!firstCatalogWarning(catalog)) return;
  const { error, errors } = failure;
  const at = error.path.length > 0 ? ` at ${JSON.stringify(error.path)}` : "";
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  const help = typeof error.help === "string" ? ` (${error.help})` : "";
  warn(`upgrade-prompts/react: the \`catalog\` prop cannot be loaded: error[${error.code}]${at}: ${error.message}${more}${help}; the hooks answer with this error and no callouts`);
}

/**
 * The engine for `catalog` (undefined: none wanted): a slot `{ status, engine, failure }`
 * whose status is `"none"`, `"ready"`, `"pending"` (loading; rendered as `fallback`) or
 * `"failed"`. One slot per catalog value (`Object.is`); its engine is freed after the
 * provider stops using it, by the rules of `useOwned`, also when it arrives after that.
 */
function useCatalog(catalog, options, onError) {
  const ref = useRef(null);
  const [, rerender] = useState(0);
  let slot = ref.current;
  if (slot === null || slot.disposed || !Object.is(slot.catalog, catalog)) {
    slot = openCatalog(catalog, options);
    ref.current = slot;
  }
  useEffect(() => {
    if (slot.disposed) {
      rerender((n) => n + 1);
      return undefined;
    }
    slot.leaving = false;
    if (slot.status === "pending" && !slot.loading) {
      slot.loading = true;
      load(slot).then((result) => {
        if (slot.disposed) {
          if (result.engine !== undefined) freeQuietly(result.engine);
          return;
        }
        settle(slot, result);
        rerender((n) => n + 1);
      });
    }
    return () => {
      slot.leaving = true;
      later(() => {
        if (!slot.leaving || slot.disposed) return;
        slot.disposed = true;
        freeQuietly(slot.engine);
      });
    };
  }, [slot]);
  const { status } = slot;
  useEffect(() => {
    if (status !== "failed" || slot.reported || slot.disposed) return;
    slot.reported = true;
    if (typeof onError === "function") onError(slot.failure.error, slot.failure.errors);
  }, [slot, status, onError]);
  return slot;
}

// ---- provider ----

/**
 * Provides an engine session for `context` to the hooks below it. The engine comes from one of
 * three props:
 *
 * - `catalog`: compiled bytes (a `Uint8Array`, `ArrayBuffer` or any view of one, as written by
 *   `upgrade-prompts compile catalog.json -o catalog.bin`), a config (object or JSON text), or
 *   a promise of either (e.g. `fetch(url).then((r) => r.arrayBuffer())`). The provider
 *   initializes the package itself and builds the engine with `options`, once per catalog
 *   value (`Object.is`: keep objects and promises stable, e.g. module constants, state or
 *   `useMemo`; a new value builds a new engine), and frees it when the provider unmounts or
 *   the catalog changes. When the entry that reads the catalog is already initialized the
 *   engine is built during render: always in Node (server rendering shows the callouts), and
 *   in browsers after `await init()` (do that before `hydrateRoot` to hydrate without a
 *   mismatch). Otherwise `fallback` (default nothing) is rendered instead of the children
 *   until it is ready: compiled bytes wait for `init()` of `upgrade-prompts`; a config makes
 *   the provider `import("upgrade-prompts/authoring")` and wait for that entry's `init()`; a
 *   promise always loads after it resolves (on the server: `fallback`). A catalog that cannot
 *   be loaded never throws: `useUpgradePrompts().error` is the engine's first diagnostic
 *   (`invalid_catalog` for bytes it cannot read; a config's own errors with their paths) or
 *   `catalog_failed` (a rejected promise, anything else thrown), `init_failed` or
 *   `authoring_unavailable`, every diagnostic is in the answers' `errors`, the children render
 *   with the answers of an unreadable context, and `onError(error, errors)` is called once
 *   after commit — or, without `onError`, the console is warned once per catalog value.
 * - `engine`: an existing engine, used as is and never freed here.
 * - `config`: the earlier form, built with `new PromptEngine(config, options)` of
 *   `upgrade-prompts` during render (once per config object, freed like a catalog's engine);
 *   an invalid config throws the engine's `ConfigError` during render, and in browsers
 *   `await init()` is needed first. Prefer `catalog`.
 *
 * One `engine.session(context)` is made per context value (an equal context written inline is
 * the same value) and per engine state version: recording a click, dismissal or conversion
 * through the binding makes every provider on that engine evaluate again. A bad context never
 * throws: its problems are in `useEvaluation().errors` and the answers' `errors`.
 *
 * Neither does a given `engine` that cannot open a session (freed with `engine.free()`, or not
 * a PromptEngine): `useUpgradePrompts().error` is a Diagnostic with the code `engine_freed`,
 * `invalid_engine` or `engine_failed`, the hooks answer as for an unreadable context with that
 * error in their `errors` (no callouts, so CalloutViews render nothing; features let through;
 * usage unknown), `record` and its helpers return `{ recorded: false, error }`, and the console
 * is warned once per such engine. Passing a working engine recovers.
 *
 * @param {object} props
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView | import("upgrade-prompts").Config | string | PromiseLike<unknown>} [props.catalog]
 *   compiled bytes or a config, or a promise of one, to build an engine from
 * @param {import("upgrade-prompts").PromptEngine} [props.engine] an engine owned by the caller
 * @param {import("upgrade-prompts").Config | string} [props.config] a config to build an engine from during render
 * @param {import("upgrade-prompts").EngineOptions} [props.options] options for a built engine, read when it is built
 * @param {import("react").ReactNode} [props.fallback] rendered while a catalog loads, default nothing
 * @param {(error: import("upgrade-prompts").Diagnostic, errors: import("upgrade-prompts").Diagnostic[]) => void} [props.onError]
 *   called once after commit when a catalog cannot be loaded (instead of the console warning)
 * @param {import("upgrade-prompts").Context | string} props.context the context to evaluate
 * @param {string} [props.placement] the placement `useCallouts()` reads when given none
 * @param {import("react").ReactNode} [props.children]
 * @returns {import("react").ReactNode}
 * @throws {TypeError} when no `engine`, `catalog` or `config` is given
 */
export function UpgradePromptsProvider(props) {
  const { engine: given, config, catalog, options, fallback = null, onError, context, placement, children } = props;
  const from = given != null ? "engine" : config != null ? "config" : catalog != null ? "catalog" : null;
  if (from === null) {
    throw new TypeError("UpgradePromptsProvider needs an `engine`, a `catalog` or a `config`");
  }
  const owned = useOwned([from === "config" ? config : null], () =>
    from === "config" ? new PromptEngine(config, options) : null,
  );
  const loaded = useCatalog(from === "catalog" ? catalog : undefined, options, onError);
  if (from === "catalog") {
    if (loaded.status === "pending") return fallback === undefined ? null : fallback;
    if (loaded.status === "failed" && typeof onError !== "function") warnCatalogOnce(catalog, loaded.failure);
  }
  const engine = from === "engine" ? given : from === "config" ? owned : loaded.engine;
  const failure = from === "catalog" ? loaded.failure : null;
  return createElement(SessionProvider, { engine, failure, context, placement }, children);
}

/** The provider's session part, once there is an engine (or a catalog's failure). */
function SessionProvider({ engine, failure, context, placement, children }) {
  const store = failure === null && isEngineLike(engine) ? storeOf(engine) : NO_STORE;
  const version = useSyncExternalStore(store.subscribe, store.get, store.get);
  const contextKey = useContextKey(context);
  const opened = useOwned(
    [engine, failure, contextKey, version],
    () => (failure !== null ? { session: null, error: failure.error, answers: unavailableAnswers(failure.errors) } : openSession(engine, context)),
    (o) => freeQuietly(o.session),
  );
  const { session, error, answers } = opened;
  if (error !== null && failure === null) warnOnce(engine, error);
  const now = useMemo(() => nowOf(context), [contextKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const locale = useMemo(() => localeOf(context), [contextKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const actions = useMemo(() => makeActions(engine, store, now, error), [engine, store, now, error]);
  const value = useMemo(
    () => ({ engine, session, error, context, locale, placement, version, ...actions, [ANSWERS]: answers }),
    [engine, session, error, answers, context, locale, placement, version, actions],
  );
  return createElement(PromptsContext.Provider, { value }, children);
}

function useRequired(name) {
  const value = useContext(PromptsContext);
  if (value === null) throw new Error(`${name} must be used inside <UpgradePromptsProvider>`);
  return value;
}

// ---- hooks ----

/**
 * The provider's engine, session and event helpers.
 *
 * `error` is null, or the Diagnostic saying why the given `engine` cannot be used or the
 * `catalog` could not be loaded (then `session` is null, and `engine` too for a catalog; see
 * `UpgradePromptsProvider`).
 *
 * `record(event)` records `{ type, callout, at? }` (the time defaults to the context's `now`
 * when it has one, else the engine's clock) and returns the engine's `{ recorded, error }`; it
 * never throws. `impression`, `click`, `dismiss` and `convert` take a callout or its id. After a
 * click, dismissal or conversion every provider on the engine evaluates again; `refresh()` does
 * the same after events recorded on the engine directly.
 *
 * @returns {{ engine: import("upgrade-prompts").PromptEngine | null, session: import("upgrade-prompts").PromptSession | null,
 *   error: import("upgrade-prompts").Diagnostic | null,
 *   context: import("upgrade-prompts").Context | string, locale: string | undefined, placement: string | undefined, version: number,
 *   record: Function, impression: Function, click: Function, dismiss: Function, convert: Function, refresh: Function }}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useUpgradePrompts() {
  return useRequired("useUpgradePrompts");
}

const evaluations = new WeakMap();

/**
 * The whole evaluation (`callouts`, `suppressed`, `errors`, `warnings`) for a placement,
 * computed once per session and placement and then shared; do not mutate it.
 *
 * @param {string | null} [placement] a placement; `undefined` reads the provider's `placement`,
 *   `null` every placement
 * @returns {import("upgrade-prompts").Evaluation}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useEvaluation(placement) {
  const value = useRequired("useEvaluation");
  const wanted = placement === undefined ? value.placement : placement;
  const answers = value[ANSWERS];
  let cache = evaluations.get(answers);
  if (cache === undefined) {
    cache = new Map();
    evaluations.set(answers, cache);
  }
  const key = wanted == null ? null : String(wanted);
  let evaluation = cache.get(key);
  if (evaluation === undefined) {
    evaluation = answers.evaluate(key === null ? {} : { placement: key });
    cache.set(key, evaluation);
  }
  return evaluation;
}

/**
 * The callouts to show in a placement, best first (empty when there are none).
 *
 * @param {string | null} [placement] a placement; `undefined` reads the provider's `placement`,
 *   `null` every placement
 * @returns {import("upgrade-prompts").Callout[]}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useCallouts(placement) {
  return useEvaluation(placement).callouts;
}

/**
 * May the user use `feature`? The session's frozen answer, the same object on every render
 * until the context or the engine state changes.
 *
 * @param {string} feature a feature id of the config
 * @returns {import("upgrade-prompts").FeatureCheck}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useFeature(feature) {
  return useRequired("useFeature")[ANSWERS].checkFeature(feature);
}

/**
 * How close is the account to the limit on `metric`? The session's frozen answer, the same
 * object on every render until the context or the engine state changes.
 *
 * @param {string} metric a metric id of the config
 * @returns {import("upgrade-prompts").UsageCheck}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useUsage(metric) {
  return useRequired("useUsage")[ANSWERS].checkUsage(metric);
}

/**
 * Records an impression of `callout` once per callout id while the calling component stays
 * mounted, when at least half of the element given to the returned ref callback is visible
 * (IntersectionObserver). Where IntersectionObserver does not exist (old browsers, jsdom) the
 * impression is recorded when the component mounts. Nothing is recorded for `null`.
 *
 * @param {import("upgrade-prompts").Callout | string | null | undefined} callout a callout or its id
 * @returns {(element: Element | null) => void} a ref callback for the element showing it
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useImpression(callout) {
  const { impression } = useRequired("useImpression");
  const [element, setElement] = useState(null);
  const seen = useRef(null);
  const id = calloutId(callout);
  useEffect(() => {
    if (id === null) return undefined;
    if (seen.current === null) seen.current = new Set();
    const ids = seen.current;
    if (ids.has(id)) return undefined;
    const Observer = typeof IntersectionObserver === "function" ? IntersectionObserver : undefined;
    if (Observer === undefined) {
      ids.add(id);
      impression(id);
      return undefined;
    }
    if (element === null) return undefined;
    const observer = new Observer(
      (entries) => {
        if (ids.has(id)) return;
        // Browsers may report a ratio a hair under the threshold that fired the callback.
        if (entries.some((e) => e.isIntersecting && e.intersectionRatio >= VISIBLE_SHARE - 0.001)) {
          ids.add(id);
          observer.disconnect();
          impression(id);
        }
      },
      { threshold: VISIBLE_SHARE },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [id, element, impression]);
  return setElement;
}

function defaultContent(callout, actions, dismissLabel) {
  const cta = callout.cta;
  const ctaElement =
    cta && typeof cta.url === "string"
      ? createElement("a", { key: "cta", href: cta.url, onClick: actions.click, "data-action": cta.action }, cta.label)
      : createElement(
          "button",
          { key: "cta", type: "button", onClick: actions.click, "data-action": cta ? cta.action : undefined },
          cta ? cta.label : "",
        );
  return [
    createElement("strong", { key: "title" }, callout.title),
    createElement("p", { key: "body" }, callout.body),
    ctaElement,
    createElement("button", { key: "dismiss", type: "button", "aria-label": dismissLabel, onClick: actions.dismiss }, "×"),
  ];
}

/**
 * Shows one callout and records its impression (see `useImpression`). Renders
 * `render(callout, actions)`, else `children`, else a title, body, CTA (a link when the callout
 * has a URL, else a button; clicking records a click) and a dismiss button, all as plain text.
 * `actions` holds `click()`, `dismiss()` and `convert()` bound to the callout. Other props go to
 * the wrapping element (`as`, default `div`), which also gets `data-callout`, `data-kind` and
 * `data-severity`. Renders nothing for a `null` callout.
 *
 * @param {object} props
 * @param {import("upgrade-prompts").Callout | null | undefined} props.callout
 * @param {string} [props.as] the wrapping element's tag, default `div`
 * @param {(callout: import("upgrade-prompts").Callout, actions: object) => import("react").ReactNode} [props.render]
 * @param {string} [props.dismissLabel] accessible name of the dismiss button, default `Dismiss`
 * @param {import("react").ReactNode} [props.children]
 * @returns {import("react").ReactElement | null}
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function CalloutView(props) {
  const { callout, as = "div", render, dismissLabel = "Dismiss", children, ...rest } = props;
  const prompts = useRequired("CalloutView");
  const ref = useImpression(callout);
  const actions = useMemo(
    () =>
      callout == null
        ? null
        : {
            click: () => prompts.click(callout),
            dismiss: () => prompts.dismiss(callout),
            convert: () => prompts.convert(callout),
          },
    [callout, prompts.click, prompts.dismiss, prompts.convert],
  );
  if (callout == null || actions === null) return null;
  const content =
    typeof render === "function"
      ? render(callout, actions)
      : children !== undefined
        ? children
        : defaultContent(callout, actions, dismissLabel);
  return createElement(
    as,
    { ...rest, ref, "data-callout": callout.id, "data-kind": callout.kind, "data-severity": callout.severity },
    content,
  );
}

// ---- components ----
// The styled drop-in components live in ./react-ui.js (which uses the hooks above).
export { Callout, FeatureGate, UsageMeter, calloutWords, formatCount, meterState, safeUrl } from "./react-ui.js";
