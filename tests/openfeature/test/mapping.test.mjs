// The evaluation-context mapping (toEngineContext): its documented outcomes, its time as the
// number of dotted keys grows, and a property test over seeded hostile flat contexts.
//
//   UPGRADE_PROMPTS_MAPPING_RUNS=10000000 tests/openfeature/run.sh   a long property run
//   UPGRADE_PROMPTS_MAPPING_SEED=7 …                                  another seed (default 1)
import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { Worker } from "node:worker_threads";
import { toEngineContext } from "./fixtures.mjs";

// ---- documented outcomes ----

test("mapping: conflicting keys have the documented outcome (the longer key wins)", () => {
  // a value on the way that is not a plain object becomes an object
  assert.deepEqual(toEngineContext({ "account.plan": "team", "account.plan.id": 1 }), { account: { plan: { id: 1 } } });
  assert.deepEqual(toEngineContext({ account: 7, "account.plan": "team" }), { account: { plan: "team" } });
  assert.deepEqual(toEngineContext({ usage: { seats: [1, 2] }, "usage.seats.used": 3 }), { usage: { seats: { used: 3 } } });
  // whatever the order of the keys
  assert.deepEqual(toEngineContext({ "account.plan.id": 1, "account.plan": "team" }), { account: { plan: { id: 1 } } });
  // keys of one length apply in their order, over the nested object, which is copied
  const account = Object.freeze({ plan: "free", seats: Object.freeze({ used: 1 }) });
  assert.deepEqual(toEngineContext({ account, "account.seats.limit": 5, "account.plan": "team" }),
    { account: { plan: "team", seats: { used: 1, limit: 5 } } });
  // names of Object.prototype are plain keys; unsafe segments and empty segments are ignored
  assert.deepEqual(toEngineContext({ "account.toString.x": 1, "account.valueOf": 2 }), { account: { toString: { x: 1 }, valueOf: 2 } });
  assert.deepEqual(toEngineContext({
    "account.__proto__.polluted": 1, "account.constructor.prototype.polluted": 1, "user.prototype": 1,
    "account..plan": 1, "account.": 1, ".account": 1,
  }), {});
  assert.equal({}.polluted, undefined);
});

// ---- time ----

test("mapping time grows linearly with the number of dotted keys (1,000 and 16,000 under one parent)", async (t) => {
  const worker = new Worker(new URL("./mapping-timer.mjs", import.meta.url));
  try {
    const failed = new Promise((resolve, reject) => worker.once("error", reject));
    failed.catch(() => {});
    await Promise.race([once(worker, "message"), failed]); // ready
    /** Milliseconds for `reps` mappings of `size` keys, as the worker measures them; Infinity
     * when no answer came within `guard` ms (the worker is then still busy). */
    const time = (size, reps, guard = Infinity) => Promise.race([failed, new Promise((resolve, reject) => {
      const timer = Number.isFinite(guard) ? setTimeout(() => resolve(Infinity), Math.ceil(guard)) : null;
      worker.once("message", (m) => {
        clearTimeout(timer);
        if (reps > 0 && m.members !== size + 1) reject(new Error(`expected ${size + 1} members of account, got ${m.members}`));
        else resolve(m.ms);
      });
      worker.postMessage({ size, reps });
    })]);
    // 16 times the keys: a linear mapping takes 16 to 24 times as long (a bigger object and heap
    // cost more per key), 40 on a busy machine; one that copies the parent for every key 256
    // times and more (the first version: 400). Allowed: 80. Each is the least of 7 samples, the
    // sizes taking turns so that both see the same load; the small size is repeated until a
    // sample takes 50 ms, and a big sample is not waited for beyond twice the allowed time.
    const SMALL = 1000;
    const BIG = 16000;
    const RATIO = 80;
    await time(BIG, 0); // builds the big context
    // warm-up (the first calls are not yet compiled): 200 ms or 20 calls, whichever comes first
    for (let spent = 0, k = 0; spent < 200 && k < 20; k += 1) spent += await time(SMALL, 1);
    let reps = 1;
    while (Math.min(await time(SMALL, reps), await time(SMALL, reps)) < 50 && reps < 1 << 16) reps *= 2;
    let small = Infinity;
    let big = Infinity;
    for (let k = 0; k < 7; k += 1) {
      small = Math.min(small, await time(SMALL, reps));
      big = Math.min(big, await time(BIG, reps, small * RATIO * 2 + 1000));
      if (big === Infinity) break;
    }
    t.diagnostic(`${reps} × ${SMALL} keys: ${small.toFixed(1)} ms; ${reps} × ${BIG} keys: ${big.toFixed(1)} ms; ratio ${(big / small).toFixed(2)}`);
    assert.ok(big <= small * RATIO,
      `${BIG} keys took ${big === Infinity ? `over ${RATIO * 2}` : (big / small).toFixed(1)} times as long as ${SMALL} keys ` +
      `(${small.toFixed(1)} ms for ${reps} mappings of those; allowed: ${RATIO} times)`);
  } finally {
    await worker.terminate();
  }
});

// ---- property test over hostile flat contexts ----

const RUNS = Number(process.env.UPGRADE_PROMPTS_MAPPING_RUNS ?? 20000);
const SEED = Number(process.env.UPGRADE_PROMPTS_MAPPING_SEED ?? 1);

const ENGINE_KEYS = ["now", "locale", "account", "user", "usage", "features", "page", "signals"];
const UNSAFE_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);
const SEGMENTS = [
  ...ENGINE_KEYS, "__proto__", "constructor", "prototype", "", "toString", "valueOf", "hasOwnProperty",
  "__defineSetter__", "isPrototypeOf", "length", "id", "plan", "seats", "used", "0", "1", "-1", "1e3", "NaN",
  "é", "\u{1f600}", "\u0000", "\ud800", "\u202e", "a b", "targetingKey", " ", "\n",
];
const CHARS = ["a", "b", "z", "0", "_", "-", ".", ".", "é", "\u{1f600}", "\u0000", "\ud800", "\udc00", "\u202e", "\u2028", " "];

/** A 32-bit seeded generator (mulberry32). */
function generator(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

function randomString(g, max) {
  let s = "";
  for (let n = g.int(max + 1); n > 0; n -= 1) s += g.pick(CHARS);
  return s;
}

function segment(g) {
  return g.chance(0.8) ? g.pick(SEGMENTS) : randomString(g, 5);
}

function dottedKey(g) {
  const first = g.chance(0.9) ? g.pick(ENGINE_KEYS) : segment(g);
  // now and then a huge depth (a few thousand segments, rarely twenty thousand)
  const depth = g.chance(0.003) ? 100 + g.int(g.chance(0.05) ? 20000 : 2000) : g.int(5);
  const parts = [first];
  // a small pool per key, so that keys share prefixes and conflict
  for (let i = 0; i < depth; i += 1) parts.push(g.chance(0.7) ? g.pick(["plan", "seats", "id", "used", "x"]) : segment(g));
  let key = parts.join(".");
  if (g.chance(0.05)) key = `.${key}`;
  if (g.chance(0.05)) key = `${key}.`;
  if (g.chance(0.05)) key = key.replace(".", "..");
  return key;
}

/** A value as a host might pass it: primitives, arrays, nested, null-prototype, JSON-parsed
 * (with an own `__proto__` key), Dates, functions, cycles and one object shared by two keys. */
function value(g, shared, depth = 0) {
  switch (g.int(depth > 2 ? 8 : 14)) {
    case 0: return g.pick([0, -0, 1, -1, 0.5, NaN, Infinity, -Infinity, 1e308, Number.MAX_SAFE_INTEGER + 2]);
    case 1: return randomString(g, 8);
    case 2: return g.pick([null, undefined, true, false]);
    case 3: return g.int(1000);
    case 4: return g.pick(["free", "team", "enterprise", "2026-11-24T09:00:00Z", ""]);
    case 5: return 10n;
    case 6: return () => 1;
    case 7: return shared;
    case 8: return [value(g, shared, depth + 1), value(g, shared, depth + 1)];
    case 9: return new Date(g.int(2e12));
    case 10: return JSON.parse('{"__proto__": {"polluted": 1}, "plan": "team", "x": {"y": 1}}');
    case 11: {
      const o = Object.create(null);
      o[segment(g)] = value(g, shared, depth + 1);
      return o;
    }
    case 12: {
      const o = { a: 1 };
      o.self = o;
      return o;
    }
    default: {
      const o = {};
      for (let n = g.int(4); n > 0; n -= 1) setOwn(o, segment(g), value(g, shared, depth + 1));
      return o;
    }
  }
}

/** Sets an own enumerable property; a key `__proto__` too (as in a JSON-parsed object), which
 * an assignment would take as the prototype. */
function setOwn(o, key, v) {
  if (key === "__proto__") Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** One hostile evaluation context (and mapping options). */
function hostileContext(g) {
  if (g.chance(0.02)) return { context: g.pick([null, undefined, 7, "account.plan", [{ "account.plan": "x" }], new Date(0)]), options: {} };
  const context = g.chance(0.1) ? Object.create(null) : {};
  const shared = { plan: "team", seats: { used: 1 } };
  const keys = g.chance(0.01) ? 50 + g.int(300) : g.int(12);
  for (let n = 0; n < keys; n += 1) {
    const r = g.next();
    const key = r < 0.6 ? dottedKey(g) : r < 0.8 ? g.pick(ENGINE_KEYS) : r < 0.88 ? "targetingKey" : segment(g);
    setOwn(context, key, value(g, shared));
  }
  const options = g.pick([{}, { targetingKey: "user" }, { targetingKey: "account" }, { targetingKey: "__proto__" }, undefined]);
  return { context, options };
}

/** Freezes every object reachable from `root` (the mapping must never write to the host's
 * objects: a write then throws) and returns them. */
function deepFreeze(root) {
  const seen = new Set();
  const stack = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || (typeof v !== "object" && typeof v !== "function") || seen.has(v)) continue;
    seen.add(v);
    // (the generated values have enumerable data properties only)
    for (const key of Object.keys(v)) stack.push(v[key]);
    Object.freeze(v);
  }
  return seen;
}

/** The mapping as first written (each dotted key copies the objects on its path): the
 * definition the linear one must agree with. */
function referenceMapping(evaluationContext, options = {}) {
  const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);
  const out = {};
  if (!isPlainObject(evaluationContext)) return out;
  const flat = [];
  for (const key of Object.keys(evaluationContext)) {
    if (ENGINE_KEYS.includes(key)) out[key] = evaluationContext[key];
    else if (key.includes(".")) {
      const path = key.split(".");
      if (ENGINE_KEYS.includes(path[0]) && path.every((s) => s.length > 0 && !UNSAFE_SEGMENTS.has(s))) flat.push([path, evaluationContext[key]]);
    }
  }
  flat.sort((a, b) => a[0].length - b[0].length);
  for (const [path, v] of flat) {
    let node = out;
    for (let i = 0; i < path.length - 1; i += 1) {
      node[path[i]] = isPlainObject(node[path[i]]) ? { ...node[path[i]] } : {};
      node = node[path[i]];
    }
    node[path[path.length - 1]] = v;
  }
  const targetingKey = evaluationContext.targetingKey;
  if (typeof targetingKey === "string" && targetingKey.length > 0) {
    const owner = options.targetingKey === "user" ? "user" : "account";
    const holder = out[owner];
    if (holder === undefined || holder === null) out[owner] = { id: targetingKey };
    else if (isPlainObject(holder) && (holder.id === undefined || holder.id === null)) out[owner] = { ...holder, id: targetingKey };
  }
  return out;
}

/** Structural equality without recursion (mapped contexts nest thousands deep) and with cycles:
 * same prototypes, same own keys in the same order, the same values (Object.is for primitives
 * and functions). Returns null, or the path where they differ. */
function difference(a, b) {
  const paired = new Map();
  const stack = [{ x: a, y: b, parent: null, key: null }];
  const pathOf = (entry, last) => {
    const path = last === undefined ? [] : [last];
    for (let e = entry; e !== null && e.parent !== null; e = e.parent) path.unshift(e.key);
    return path.length > 10 ? [...path.slice(0, 4), `… ${path.length - 8} more …`, ...path.slice(-4)] : path;
  };
  while (stack.length > 0) {
    const entry = stack.pop();
    const { x, y } = entry;
    if (Object.is(x, y)) continue;
    if (x === null || y === null || typeof x !== "object" || typeof y !== "object") return pathOf(entry);
    if (paired.get(x) === y) continue;
    paired.set(x, y);
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return pathOf(entry, "[[Prototype]]");
    if (x instanceof Date && x.getTime() !== y.getTime()) return pathOf(entry);
    const kx = Reflect.ownKeys(x);
    const ky = Reflect.ownKeys(y);
    if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return pathOf(entry, "[[OwnKeys]]");
    for (const key of kx) stack.push({ x: x[key], y: y[key], parent: entry, key });
  }
  return null;
}

/** Objects of the result made by the mapping (host objects are passed through and skipped)
 * must be ordinary objects: prototype Object.prototype, data properties only. */
function madeObjectsAreOrdinary(result, hostObjects) {
  const stack = [result];
  const seen = new Set();
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object" || hostObjects.has(v) || seen.has(v)) continue;
    seen.add(v);
    if (Object.getPrototypeOf(v) !== Object.prototype) return false;
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key);
      if (!("value" in d)) return false;
      stack.push(d.value);
    }
  }
  return true;
}

function prototypeState() {
  return [Object.prototype, Array.prototype, Function.prototype].map((p) =>
    Reflect.ownKeys(p).map((k) => [k, Object.getOwnPropertyDescriptor(p, k)]));
}

function sameState(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i].length !== b[i].length) return false;
    for (let j = 0; j < a[i].length; j += 1) {
      const [ka, da] = a[i][j];
      const [kb, db] = b[i][j];
      if (ka !== kb || !Object.is(da.value, db.value) || da.get !== db.get || da.set !== db.set) return false;
    }
  }
  return true;
}

function describeCase(input) {
  try {
    const keys = input.context !== null && typeof input.context === "object" ? Object.keys(input.context) : [];
    return JSON.stringify({ keys: keys.map((k) => (k.length > 80 ? `${k.slice(0, 80)}… (${k.length} chars)` : k)), options: input.options });
  } catch (error) {
    return String(error);
  }
}

test(`mapping property: ${RUNS} seeded hostile flat contexts (seed ${SEED}) never throw, never pollute a prototype, never change the host's objects, and map deterministically to the reference`, (t) => {
  const before = prototypeState();
  const objectKeys = Reflect.ownKeys(Object.prototype).length;
  const started = performance.now();
  for (let run = 0; run < RUNS; run += 1) {
    const g = generator(Math.imul(SEED, 0x9e3779b1) ^ run);
    const input = hostileContext(g);
    const hostObjects = deepFreeze(input);
    const where = () => `run ${run} (UPGRADE_PROMPTS_MAPPING_SEED=${SEED}): ${describeCase(input)}`;
    let first;
    let second;
    try {
      first = toEngineContext(input.context, input.options);
      second = toEngineContext(input.context, input.options);
    } catch (error) {
      assert.fail(`threw ${error && error.message} at ${where()}`);
    }
    if (Reflect.ownKeys(Object.prototype).length !== objectKeys || {}.polluted !== undefined) {
      assert.fail(`Object.prototype changed at ${where()}`);
    }
    const again = difference(first, second);
    if (again !== null) assert.fail(`two mappings differ at ${JSON.stringify(again.map(String))}, ${where()}`);
    const expected = difference(first, referenceMapping(input.context, input.options));
    if (expected !== null) assert.fail(`differs from the reference at ${JSON.stringify(expected.map(String))}, ${where()}`);
    if (!madeObjectsAreOrdinary(first, hostObjects)) assert.fail(`an object made by the mapping is not ordinary at ${where()}`);
    if (run % 1000 === 999 && !sameState(before, prototypeState())) assert.fail(`a prototype changed by ${where()}`);
  }
  assert.ok(sameState(before, prototypeState()), "Object, Array and Function prototypes unchanged");
  t.diagnostic(`${RUNS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
});
