// Hostile JavaScript values through the package, as a page could pass them: getters that throw,
// proxies, cycles, depth bombs, prototype keys, re-entrant calls and long random event streams.
// Every call must answer with data (or, for misuse of the handle, a clear Error), and the engine
// must keep working afterwards.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { root, readJson } from "./helpers.mjs";

const pkg = await import(path.join(root, "pkg/node.js"));
const team = readJson("www/samples/team.json");
const context = { ...readJson("tests/fixtures/contexts/growing-team.json"), now: "2026-11-24T09:00:00Z" };

function stillAnswers(engine) {
  const ev = engine.evaluate(context);
  assert.ok(Array.isArray(ev.callouts) && Array.isArray(ev.suppressed), JSON.stringify(ev).slice(0, 200));
  assert.ok(ev.callouts.length + ev.suppressed.length > 0, JSON.stringify(ev).slice(0, 200));
}

test("contexts that cannot be read become coded errors, never exceptions", () => {
  const cyclic = { ...context };
  cyclic.self = cyclic;
  const cyclicRead = { ...context, account: { ...context.account } };
  cyclicRead.account.addons = [cyclicRead];
  let deep = {};
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  let deepRead = [];
  for (let i = 0; i < 100_000; i++) deepRead = [deepRead];
  const throwing = { ...context, get account() { throw new Error("boom"); } };
  const proxy = new Proxy({}, { get() { throw new Error("trap"); }, ownKeys() { throw new Error("trap"); } });
  const trapping = new Proxy({}, { getOwnPropertyDescriptor() { throw new Error("trap"); } });
  const broken = [["depth bomb", { account: deep }], ["throwing getter", throwing], ["proxy", proxy], ["trapping proxy", trapping], ["symbol", Symbol("x")], ["function", () => 1]];
  // Strict engines read the whole context; the others only what the catalog reads, so a
  // cycle or depth bomb elsewhere is never looked at (but one in a field read still is).
  const strict = new pkg.PromptEngine(team, { strict: true });
  const lean = new pkg.PromptEngine(team);
  for (const [engine, cases] of [
    [strict, [...broken, ["cycle", cyclic], ["read cycle", cyclicRead], ["read depth bomb", { ...context, account: { ...context.account, addons: deepRead } }]]],
    [lean, [...broken, ["read cycle", cyclicRead], ["read depth bomb", { ...context, account: { ...context.account, addons: deepRead } }]]],
  ]) {
    for (const [name, ctx] of cases) {
      const ev = engine.evaluate(ctx);
      assert.ok(ev.errors.length > 0 && ev.errors[0].code, `${name}: ${JSON.stringify(ev.errors)}`);
      const gate = engine.checkFeature("reports", ctx);
      assert.equal(gate.allowed, true, `${name}: a broken context never puts up a paywall`);
    }
    stillAnswers(engine);
  }
  const ev = lean.evaluate(cyclic);
  assert.deepEqual(ev.errors, [], "a cycle in a field the catalog does not read is not read");
  assert.deepEqual(ev.callouts, strict.evaluate(context).callouts);
});

test("prototype keys in a context are ordinary keys", () => {
  const engine = new pkg.PromptEngine(team);
  const ctx = JSON.parse(JSON.stringify(context));
  ctx.account.traits = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x"}');
  const ev = engine.evaluate(ctx);
  assert.ok(Array.isArray(ev.callouts));
  assert.equal({}.polluted, undefined);
});

test("configs that cannot be read give a ConfigError with coded problems", () => {
  const cyclic = { ...team };
  cyclic.self = cyclic;
  let deep = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  for (const config of [cyclic, { ...team, plans: deep }, "x".repeat(5 << 20), new Proxy({}, { ownKeys() { throw new Error("trap"); } })]) {
    assert.throws(() => new pkg.PromptEngine(config), (e) => e.name === "ConfigError" && e.errors.length > 0 && typeof e.errors[0].code === "string");
    const report = pkg.validateConfig(config);
    assert.equal(report.valid, false);
  }
});

test("a getter that calls back into the engine is served, freeing is refused, and the engine survives", () => {
  const engine = new pkg.PromptEngine(team);
  let recordError;
  let freeError;
  const ctx = {
    ...context,
    get user() {
      // The context is read in JavaScript before the engine works on it, so a getter may
      // ask again or record; freeing the engine mid-call is refused.
      engine.checkFeature("reports", context);
      try { engine.record({ type: "impression", callout: "seats-near-limit" }); } catch (e) { recordError = e; }
      try { engine.free(); } catch (e) { freeError = e; }
      return { role: "owner" };
    },
  };
  for (let i = 0; i < 3000; i++) engine.evaluate(ctx);
  assert.equal(recordError, undefined);
  assert.ok(freeError instanceof Error && /inside one of its calls/.test(freeError.message), String(freeError));
  stillAnswers(engine);
  // Freed after the call, it is gone as usual.
  engine.free();
  assert.throws(() => engine.evaluate(context));
});

test("a hundred thousand random events keep the exported state small", () => {
  const engine = new pkg.PromptEngine(team);
  engine.evaluate(context);
  const kinds = ["impression", "click", "dismiss", "convert", "explode", 7, null];
  const callouts = ["seats-near-limit", "usage_limit:seats", "feature_gate:sso", "nope", {}, ""];
  const times = [undefined, null, NaN, -1, "9999-12-31T23:59:59Z", "2026-11-24T08:00:00Z", new Date("x"), 1.795e12, {}];
  let seed = 42;
  const pick = (xs) => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length];
  for (let i = 0; i < 100_000; i++) {
    const r = engine.record({ type: pick(kinds), callout: pick(callouts), at: pick(times) });
    assert.equal(typeof r.recorded, "boolean", JSON.stringify(r));
  }
  const size = JSON.stringify(engine.exportState()).length;
  assert.ok(size < 50_000, `${size} bytes`);
  stillAnswers(engine);
});

test("a context string that repeats a key is warned about; an object (whose keys cannot repeat) skips the check", () => {
  const engine = new pkg.PromptEngine(team);
  const text = JSON.stringify(context);
  const repeated = text.replace('"account":{', '"account":{"plan":"free",');
  assert.notEqual(repeated, text);
  const dup = (ev) => ev.warnings.filter((w) => w.code === "duplicate_key");
  const fromText = dup(engine.evaluate(repeated));
  assert.equal(fromText.length, 1, JSON.stringify(fromText));
  assert.deepEqual(fromText[0].path, ["account", "plan"]);
  assert.equal(dup(engine.session(repeated).evaluate()).length, 1);
  // The same context as an object: JSON.stringify cannot write a key twice, so no warning.
  assert.equal(dup(engine.evaluate(JSON.parse(repeated))).length, 0);
  // A proxy whose ownKeys lists a key twice is refused by JavaScript itself, not read twice.
  const twice = new Proxy({ a: 1 }, { ownKeys: () => ["a", "a"] });
  const ev = engine.evaluate(twice);
  assert.ok(ev.errors.length > 0 && ev.errors[0].code, JSON.stringify(ev.errors));
});

// Objects whose JSON text is long (a big catalog, a context with many traits) are walked for
// what JSON.stringify would lose instead of having their text searched: the answers must be
// the ones a short object gets.
test("long objects: lone surrogates, NaN, BigInt and Maps are handled as in short ones", () => {
  const padding = "x".repeat(70_000);
  const big = structuredClone(team);
  big.plans[0].description = padding;
  const label = "Free \ud83d plan"; // a label cut inside an emoji
  big.plans[0].label = label;
  const fromObject = new pkg.PromptEngine(big);
  const fromText = new pkg.PromptEngine(JSON.stringify(big).replace("\\ud83d", "\ufffd"));
  const ask = (engine) => JSON.stringify([engine.checkFeature("reports", context), engine.evaluate(context)]);
  assert.equal(ask(fromObject), ask(fromText));
  assert.ok(JSON.stringify(fromObject.checkUsage("seats", { ...context, account: { ...context.account, plan: "free" } })).length > 0);
  // Values JSON cannot carry are reported with their path, as for a short config.
  for (const bad of [NaN, 10n, new Map()]) {
    const config = structuredClone(big);
    config.plans[0].limits.seats = bad;
    const short = structuredClone(team);
    short.plans[0].limits.seats = bad;
    const a = pkg.validateConfig(config).errors.map((e) => [e.code, e.message, e.path]);
    const b = pkg.validateConfig(short).errors.map((e) => [e.code, e.message, e.path]);
    assert.deepEqual(a, b, String(bad));
    assert.ok(a.length > 0 && a[0][2].join(".") === "plans.0.limits.seats", JSON.stringify(a));
  }
  // A long context with a lone surrogate in a trait answers like the same context as text.
  const ctx = structuredClone(context);
  ctx.user.traits = { note: padding, name: "\udc00 cut" };
  const engine = new pkg.PromptEngine(team);
  const textCtx = JSON.stringify(ctx).replace("\\udc00", "\ufffd");
  assert.equal(JSON.stringify(engine.evaluate(ctx)), JSON.stringify(engine.evaluate(textCtx)));
});

// A toJSON method on an array decides what JSON.stringify writes, as on any object: the walk
// for lost values must not look inside such an array (it may hide a cycle) and must not miss
// a NaN it returns.
test("arrays with toJSON: no hang behind a hidden cycle, and a NaN they return is reported", { timeout: 10_000 }, () => {
  const engine = new pkg.PromptEngine(team);
  const cyclic = [1];
  cyclic.push(cyclic);
  cyclic.toJSON = () => "list";
  const ctx = structuredClone(context);
  ctx.user.traits = { tags: cyclic, nothing: null };
  assert.ok(Array.isArray(engine.evaluate(ctx).callouts));
  const nan = [1];
  nan.toJSON = () => NaN;
  const viaArray = structuredClone(context);
  viaArray.account.healthScore = nan;
  const direct = structuredClone(context);
  direct.account.healthScore = NaN;
  const errors = (c) => engine.evaluate(c).errors.map((e) => [e.code, e.path.join(".")]);
  assert.deepEqual(errors(viaArray), errors(direct));
  assert.ok(errors(direct).some(([, p]) => p === "account.healthScore"), JSON.stringify(errors(direct)));
});

test("a config object whose keys differ only in lone surrogates repeats a key once written", () => {
  const config = structuredClone(team);
  config.features["\ud800"] = { label: "a" };
  config.features["\udc00"] = { label: "b" };
  const fromObject = pkg.validateConfig(config).errors.map((e) => e.code);
  const fromText = pkg.validateConfig(JSON.stringify(config).replace("\\ud800", "\ufffd").replace("\\udc00", "\ufffd")).errors.map((e) => e.code);
  assert.ok(fromObject.includes("duplicate_key"), JSON.stringify(fromObject));
  assert.deepEqual(fromObject, fromText);
});

test("JSON text: lone surrogate escapes read as U+FFFD in either case of hex, `\\U` is no escape", () => {
  const label = (text) => `{"metrics":{"seats":{"label":"${text}"}},"plans":[{"id":"free","price":{"monthly":0},"limits":{"seats":3}}]}`;
  for (const text of ["a\\ud800b", "a\\uD800b", "a\\uDC00", "a\\uD83D\\uDE00b"]) {
    const r = pkg.validateConfig(label(text));
    assert.ok(r.valid, `${text}: ${JSON.stringify(r.errors)}`);
  }
  for (const text of ["a\\UD800b", "a\\Ud800", "a\\U0041"]) {
    const r = pkg.validateConfig(label(text));
    assert.equal(r.errors[0]?.code, "invalid_json", `${text}: ${JSON.stringify(r.errors)}`);
  }
  // Read as the replacement character: the label of a lone surrogate is the one of U+FFFD.
  const engine = new pkg.PromptEngine(label("x\\uD800"));
  const same = new pkg.PromptEngine(label("x\uFFFD"));
  assert.deepEqual(engine.checkUsage("seats", context), same.checkUsage("seats", context));
});

test("a NaN or Infinity given in place of a context or config is reported as such", () => {
  const engine = new pkg.PromptEngine(team);
  for (const bad of [NaN, Infinity, -Infinity]) {
    const ev = engine.evaluate(bad);
    assert.equal(ev.errors[0]?.code, "not_finite", `${bad}: ${JSON.stringify(ev.errors)}`);
    assert.equal(pkg.validateConfig(bad).errors[0]?.code, "not_finite", String(bad));
    assert.throws(() => new pkg.PromptEngine(bad), (e) => e.errors?.[0]?.code === "not_finite");
  }
});

// A long config whose text holds neither `null` nor `{}` is still checked for values that
// JSON.stringify writes as something else: a Map with enumerable properties of its own, or an
// invalid Date whose class writes its own JSON.
test("long configs without null or {} are still checked for Maps and invalid Dates", () => {
  const strip = (x) => {
    if (Array.isArray(x)) return x.map(strip);
    if (x === null || typeof x !== "object") return x;
    const out = {};
    for (const [k, v] of Object.entries(x)) {
      if (v === null || (typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0)) continue;
      out[k] = strip(v);
    }
    return out;
  };
  const base = strip(structuredClone(team));
  base.rules = base.rules.filter((r) => !r.when.includes("null"));
  base.plans[0].description = "x".repeat(70_000);
  const text = JSON.stringify(base);
  assert.ok(text.length > 65_536 && !text.includes("null") && !text.includes("{}"));
  assert.equal(pkg.validateConfig(base).valid, true, JSON.stringify(pkg.validateConfig(base).errors));
  const withMap = structuredClone(base);
  withMap.plans[0].limits = Object.assign(new Map(), base.plans[0].limits);
  const odd = class extends Date { toJSON() { return "2026-01-01"; } };
  const withDate = structuredClone(base);
  withDate.rules[0].activeFrom = new odd(NaN);
  for (const [name, config, found] of [["Map", withMap, "a Map"], ["Date", withDate, "an invalid Date"]]) {
    const errors = pkg.validateConfig(config).errors;
    assert.ok(errors.some((e) => e.message.includes(found)), `${name}: ${JSON.stringify(errors)}`);
  }
});
