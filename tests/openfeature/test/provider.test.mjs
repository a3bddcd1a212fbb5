// The provider through the real OpenFeature web SDK, checked against direct engine calls.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus, StandardResolutionReasons } from "@openfeature/web-sdk";
import { PromptEngine } from "upgrade-prompts";
import {
  UpgradePromptsProvider, config, configSsoInTeam, countingEngine, domain, engineContext, enginePath,
  nested, parseFlagKey, toEngineContext,
} from "./fixtures.mjs";

const { TARGETING_MATCH, DEFAULT, ERROR } = StandardResolutionReasons;

async function ready(name, provider, context) {
  const d = domain(name);
  if (context !== undefined) await OpenFeature.setContext(d, context);
  await OpenFeature.setProviderAndWait(d, provider);
  return { d, client: OpenFeature.getClient(d) };
}

test("the engine comes from the packed package in node_modules", () => {
  assert.match(enginePath, /tests\/openfeature\/node_modules\/upgrade-prompts\//);
});

test("status goes NOT_READY → READY; Ready is emitted; metadata and paradigm", async () => {
  const provider = new UpgradePromptsProvider({ config });
  assert.equal(provider.metadata.name, "upgrade-prompts");
  assert.equal(provider.runsOn, "client");
  assert.equal(provider.engine, null, "a config-built engine waits for initialize");
  const d = domain("status");
  const client = OpenFeature.getClient(d);
  let readyEvents = 0;
  client.addHandler(ProviderEvents.Ready, () => { readyEvents += 1; });
  const done = OpenFeature.setProviderAndWait(d, provider, nested("free", 1));
  assert.equal(client.providerStatus, ProviderStatus.NOT_READY);
  const early = client.getBooleanDetails("feature.reports", true);
  assert.equal(early.errorCode, ErrorCode.PROVIDER_NOT_READY);
  assert.equal(early.value, true);
  await done;
  assert.equal(client.providerStatus, ProviderStatus.READY);
  assert.equal(readyEvents, 1);
  assert.ok(provider.engine instanceof PromptEngine);
  assert.equal(client.getBooleanValue("feature.reports", true), false);
});

test("feature.<id> answers checkFeature: value, reason, variant and unlock metadata", async () => {
  const engine = new PromptEngine(config);
  const provider = new UpgradePromptsProvider({ engine });
  const { d, client } = await ready("feature", provider);
  let compared = 0;
  for (const plan of ["free", "team", "enterprise"]) {
    for (const seats of [1, 3, 30]) {
      await OpenFeature.setContext(d, nested(plan, seats));
      for (const feature of ["sso", "reports"]) {
        const expected = engine.checkFeature(feature, engineContext(plan, seats));
        const details = client.getBooleanDetails(`feature.${feature}`, !expected.allowed);
        assert.equal(details.value, expected.allowed, `${plan}/${seats}/${feature}`);
        assert.equal(details.reason, TARGETING_MATCH);
        assert.equal(details.errorCode, undefined);
        assert.equal(details.variant, expected.reason);
        assert.equal(details.flagMetadata.engineReason, expected.reason);
        const best = expected.unlock[0];
        if (best === undefined) {
          assert.equal(details.flagMetadata.unlockId, undefined);
        } else {
          assert.equal(details.flagMetadata.unlockId, best.id);
          assert.equal(details.flagMetadata.unlockType, best.type);
          assert.equal(details.flagMetadata.unlockLabel, best.label);
          assert.equal(details.flagMetadata.unlockMonthlyDelta, best.monthlyDelta ?? undefined);
          assert.equal(details.flagMetadata.unlockContactSales, best.contactSales);
          assert.equal(details.flagMetadata.unlockCount, expected.unlock.length);
        }
        assert.equal(details.flagMetadata.calloutId, expected.callout?.id);
        for (const value of Object.values(details.flagMetadata)) {
          assert.ok(["string", "number", "boolean"].includes(typeof value), `metadata value ${value}`);
        }
        compared += 1;
      }
    }
  }
  assert.equal(compared, 18);
  // The cheapest unlock of reports on free at 1 seat is Team ($12) before Reports+ ($29).
  await OpenFeature.setContext(d, nested("free", 1));
  const reports = client.getBooleanDetails("feature.reports", true);
  assert.deepEqual(
    [reports.value, reports.flagMetadata.unlockId, reports.flagMetadata.unlockMonthlyDelta],
    [false, "team", 12],
  );
  const sso = client.getBooleanDetails("feature.sso", true);
  assert.deepEqual([sso.flagMetadata.unlockId, sso.flagMetadata.unlockContactSales, sso.flagMetadata.unlockMonthlyDelta],
    ["enterprise", true, undefined]);
  engine.free();
});

test("a trial and an add-on are reported as the source", async () => {
  const engine = new PromptEngine(config);
  const { client } = await ready("source", new UpgradePromptsProvider({ engine }), nested("free", 1, {
    account: { plan: "free", addons: ["reports_plus"], trials: { sso: "2026-12-01T00:00:00Z" } },
  }));
  const sso = client.getBooleanDetails("feature.sso", false);
  assert.deepEqual([sso.value, sso.variant, sso.flagMetadata.source, sso.flagMetadata.trialEndsAt],
    [true, "trial_active", "trial", "2026-12-01T00:00:00Z"]);
  const reports = client.getBooleanDetails("feature.reports", false);
  assert.deepEqual([reports.value, reports.flagMetadata.source], [true, "addon"]);
  engine.free();
});

test("usage.<metric>.<field> answers checkUsage; null values give the default with DEFAULT", async () => {
  const engine = new PromptEngine(config);
  const { d, client } = await ready("usage", new UpgradePromptsProvider({ engine }));
  for (const [plan, seats] of [["free", 1], ["free", 3], ["free", 5], ["team", 21], ["team", 24]]) {
    await OpenFeature.setContext(d, nested(plan, seats));
    const expected = engine.checkUsage("seats", engineContext(plan, seats));
    for (const field of ["remaining", "ratio", "used", "limit"]) {
      const details = client.getNumberDetails(`usage.seats.${field}`, -1);
      assert.equal(details.value, expected[field], `${plan}/${seats}/${field}`);
      assert.equal(details.reason, TARGETING_MATCH);
      assert.equal(details.variant, expected.state);
      assert.equal(details.flagMetadata.state, expected.state);
      assert.equal(details.flagMetadata.used, seats);
      assert.equal(details.flagMetadata.unlockId, expected.unlock[0]?.id);
    }
    const state = client.getStringDetails("usage.seats.state", "none");
    assert.deepEqual([state.value, state.reason], [expected.state, TARGETING_MATCH]);
  }
  // 5 of 3 seats on free: over the limit.
  await OpenFeature.setContext(d, nested("free", 5));
  assert.equal(client.getStringValue("usage.seats.state", "none"), "over");
  assert.equal(client.getNumberValue("usage.seats.ratio", -1), 5 / 3);

  // Enterprise seats are unlimited: no remaining, no ratio → the default, reason DEFAULT.
  await OpenFeature.setContext(d, nested("enterprise", 40));
  for (const field of ["remaining", "ratio", "limit"]) {
    const details = client.getNumberDetails(`usage.seats.${field}`, 7);
    assert.deepEqual([details.value, details.reason, details.errorCode], [7, DEFAULT, undefined], field);
    assert.equal(details.flagMetadata.unlimited, true);
    assert.equal(details.flagMetadata.used, 40);
  }
  assert.equal(client.getNumberValue("usage.seats.used", 7), 40);

  // Usage not reported: DEFAULT too, and no state.
  await OpenFeature.setContext(d, { account: { plan: "team" }, now: "2026-11-24T09:00:00Z" });
  const unreported = client.getNumberDetails("usage.api_calls.remaining", 99);
  assert.deepEqual([unreported.value, unreported.reason], [99, DEFAULT]);
  assert.equal(unreported.flagMetadata.limit, 50000);
  assert.deepEqual(client.getStringDetails("usage.api_calls.state", "?").reason, DEFAULT);
  engine.free();
});

test("plan is the context's account plan", async () => {
  const engine = new PromptEngine(config);
  const { d, client } = await ready("plan", new UpgradePromptsProvider({ engine }), nested("team", 2));
  assert.deepEqual(pick(client.getStringDetails("plan", "none")), { value: "team", reason: TARGETING_MATCH, errorCode: undefined });
  await OpenFeature.setContext(d, { "account.plan": "enterprise" });
  assert.equal(client.getStringValue("plan", "none"), "enterprise");
  await OpenFeature.setContext(d, { account: { plan: "platinum" } });
  const unknown = client.getStringDetails("plan", "none");
  assert.deepEqual(pick(unknown), { value: "none", reason: ERROR, errorCode: ErrorCode.INVALID_CONTEXT });
  assert.match(unknown.errorMessage, /unknown plan `platinum`/);
  await OpenFeature.setContext(d, {});
  assert.equal(client.getStringDetails("plan", "none").errorCode, ErrorCode.INVALID_CONTEXT);
  engine.free();
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

function pick(details) {
  return { value: details.value, reason: details.reason, errorCode: details.errorCode };
}

test("unknown flags, features and metrics are FLAG_NOT_FOUND with the default", async () => {
  const { client } = await ready("notfound", new UpgradePromptsProvider({ config }), nested("free", 1));
  const cases = [
    () => client.getBooleanDetails("feature.nope", true),
    () => client.getNumberDetails("usage.nope.remaining", 5),
    () => client.getNumberDetails("usage.nope.ratio", 5),
    () => client.getStringDetails("usage.nope.state", "x"),
    () => client.getBooleanDetails("something-else", true),
    () => client.getNumberDetails("usage.seats.bogus", 5),
    () => client.getBooleanDetails("feature.", true),
    () => client.getNumberDetails("usage..ratio", 5),
    () => client.getStringDetails("", "x"),
  ];
  for (const call of cases) {
    const details = call();
    assert.equal(details.reason, ERROR, details.flagKey);
    assert.equal(details.errorCode, ErrorCode.FLAG_NOT_FOUND, details.flagKey);
    assert.ok([true, 5, "x"].includes(details.value), details.flagKey);
  }
  assert.match(client.getBooleanDetails("feature.nope", true).errorMessage, /unknown feature `nope`/);
  // Unknown even when the context is unreadable too.
  await OpenFeature.setContext(domainOf(client), {});
  assert.equal(client.getBooleanDetails("feature.nope", true).errorCode, ErrorCode.FLAG_NOT_FOUND);
  assert.equal(client.getNumberDetails("usage.nope.used", 1).errorCode, ErrorCode.FLAG_NOT_FOUND);
});

function domainOf(client) {
  return client.metadata.domain;
}

test("a flag asked with the wrong type is TYPE_MISMATCH", async () => {
  const { client } = await ready("types", new UpgradePromptsProvider({ config }), nested("free", 1));
  const cases = [
    [client.getNumberDetails("feature.sso", 3), 3],
    [client.getStringDetails("feature.sso", "s"), "s"],
    [client.getObjectDetails("feature.sso", { a: 1 }), { a: 1 }],
    [client.getBooleanDetails("plan", true), true],
    [client.getBooleanDetails("usage.seats.ratio", false), false],
    [client.getStringDetails("usage.seats.remaining", "s"), "s"],
    [client.getNumberDetails("usage.seats.state", 1), 1],
    [client.getBooleanDetails("callouts", false), false],
  ];
  for (const [details, fallback] of cases) {
    assert.deepEqual(pick(details), { value: fallback, reason: ERROR, errorCode: ErrorCode.TYPE_MISMATCH }, details.flagKey);
  }
  assert.equal(client.getNumberDetails("feature.sso", 3).errorMessage, "flag `feature.sso` is a boolean flag, asked as a number");
});

test("an unreadable context is INVALID_CONTEXT with the default; a partly bad one still decides", async () => {
  const engine = new PromptEngine(config);
  const { d, client } = await ready("invalid", new UpgradePromptsProvider({ engine }));
  for (const context of [{}, { account: { plan: "gold" } }, { account: { plan: 5 } }, { account: "free" },
    { account: { plan: "free", addons: 5 } }]) {
    await OpenFeature.setContext(d, context);
    const direct = engine.checkFeature("reports", toEngineContext(context));
    assert.equal(direct.reason, "invalid_context", JSON.stringify(context));
    const details = client.getBooleanDetails("feature.reports", false);
    assert.deepEqual(pick(details), { value: false, reason: ERROR, errorCode: ErrorCode.INVALID_CONTEXT }, JSON.stringify(context));
    assert.equal(details.errorMessage.split(" at ")[0], direct.errors[0].message);
    assert.equal(details.flagMetadata.engineReason, "invalid_context");
    assert.equal(details.flagMetadata.contextErrors, direct.errors.length);
    const usage = client.getNumberDetails("usage.seats.remaining", 4);
    assert.deepEqual(pick(usage), { value: 4, reason: ERROR, errorCode: ErrorCode.INVALID_CONTEXT });
  }
  // A bad `usage` does not stop the feature gate: the engine decides and says what it skipped.
  await OpenFeature.setContext(d, { account: { plan: "free" }, usage: "lots" });
  const partial = client.getBooleanDetails("feature.reports", true);
  assert.deepEqual(pick(partial), { value: false, reason: TARGETING_MATCH, errorCode: undefined });
  assert.equal(partial.flagMetadata.contextErrors, 1);
  assert.equal(partial.flagMetadata.contextError, "expected an object, found string at usage");
  engine.free();
});

test("nothing throws for garbage contexts and keys (direct calls and through the SDK)", async () => {
  const provider = new UpgradePromptsProvider({ config });
  const { d, client } = await ready("garbage", provider, nested("free", 1));
  // (The cycle is in a field the catalog reads: one elsewhere is never looked at.)
  const cyclic = { account: { plan: "free" } };
  cyclic.account.addons = [cyclic];
  const throwingGetter = { get account() { throw new Error("boom"); } };
  const throwingProxy = new Proxy({}, { ownKeys() { throw new Error("no keys"); } });
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const contexts = [
    undefined, null, 0, 5, "free", [], [1, 2], true, Symbol("s"), 10n, () => {}, new Date(), Object.create(null),
    { account: null }, { account: [] }, { account: { plan: null } }, { account: { plan: "free", addons: [{ quantity: -1 }] } },
    { usage: { seats: { used: Infinity } }, account: { plan: "free" } }, { usage: { seats: NaN }, account: { plan: "free" } },
    { "account.plan": { nested: true } }, { "account.__proto__.polluted": "yes", "usage.constructor.x": 1 },
    { targetingKey: 42, account: { plan: "free" } }, { now: "not a date", account: { plan: "free" } },
    { now: new Date("invalid"), account: { plan: "free" } }, { account: { plan: "x".repeat(100000) } },
    { account: { plan: "free", traits: { big: 10n } } }, { account: { plan: "free", sym: Symbol("x") } },
    cyclic, throwingGetter, throwingProxy, revoked.proxy,
  ];
  const keys = ["feature.sso", "feature.reports", "usage.seats.remaining", "usage.seats.ratio", "usage.seats.state",
    "plan", "callouts", "callouts.banner", "feature.nope", undefined, null, 5, {}, "__proto__", "feature.__proto__",
    "usage.__proto__.ratio", "toString", "constructor"];
  const methods = ["resolveBooleanEvaluation", "resolveNumberEvaluation", "resolveStringEvaluation", "resolveObjectEvaluation"];
  const defaults = [false, 0, "", {}];
  let calls = 0;
  for (const context of contexts) {
    for (const key of keys) {
      methods.forEach((method, i) => {
        const result = provider[method](key, defaults[i], context, console);
        assert.ok(result !== null && typeof result === "object" && "value" in result, `${method}(${String(key)})`);
        if (result.reason === ERROR) assert.equal(typeof result.errorCode, "string");
        if (result.flagMetadata !== undefined) {
          for (const v of Object.values(result.flagMetadata)) assert.ok(["string", "number", "boolean"].includes(typeof v));
        }
        calls += 1;
      });
    }
  }
  assert.equal(calls, contexts.length * keys.length * 4);
  assert.equal({}.polluted, undefined, "no prototype pollution");
  assert.equal(Object.prototype.polluted, undefined);
  // The getter that throws is reported as an unreadable context.
  const fromGetter = provider.resolveBooleanEvaluation("feature.sso", false, throwingGetter, console);
  assert.deepEqual(pick(fromGetter), { value: false, reason: ERROR, errorCode: ErrorCode.INVALID_CONTEXT });
  assert.match(fromGetter.errorMessage, /boom/);
  // Through the SDK: setContext with garbage, then every flag type.
  // Each is unreadable as a whole (a cycle, no account, a plan that is not text): every
  // flag gives the default with INVALID_CONTEXT.
  // (A context whose getter throws is left out here: the SDK's own copy of the context throws
  // before the provider is called.)
  for (const context of [cyclic, { account: 7 }, Object.create(null), { account: { plan: ["free"] } }]) {
    await OpenFeature.setContext(d, context);
    const answers = [
      client.getBooleanDetails("feature.sso", true), client.getNumberDetails("usage.seats.remaining", 9),
      client.getStringDetails("plan", "p"), client.getObjectDetails("callouts", []),
    ];
    assert.deepEqual(answers.map((a) => a.value), [true, 9, "p", []]);
    assert.deepEqual(answers.map((a) => a.errorCode), Array(4).fill(ErrorCode.INVALID_CONTEXT));
  }
  assert.match(provider.resolveStringEvaluation("plan", "p", cyclic).errorMessage, /circular/);
  // A sane context afterwards still works.
  await OpenFeature.setContext(d, nested("enterprise", 1));
  assert.equal(client.getBooleanValue("feature.sso", false), true);
});

test("context mapping: nested objects, flat dotted keys and targetingKey give the same answers", async () => {
  assert.deepEqual(
    toEngineContext({ targetingKey: "acct_9", "account.plan": "team", "usage.seats": 4, "usage.api_calls.used": 10, other: 1 }),
    { account: { plan: "team", id: "acct_9" }, usage: { seats: 4, api_calls: { used: 10 } } },
  );
  // Flat keys override the nested object and never change the host's objects.
  const account = Object.freeze({ plan: "free", id: "mine" });
  assert.deepEqual(toEngineContext({ account, "account.plan": "team", targetingKey: "ignored" }),
    { account: { plan: "team", id: "mine" } });
  assert.equal(account.plan, "free");
  assert.deepEqual(toEngineContext({ targetingKey: "u_3", user: { role: "admin" } }, { targetingKey: "user" }),
    { user: { role: "admin", id: "u_3" } });
  assert.deepEqual(toEngineContext({ "account.__proto__.x": 1, "nope.x": 1, ".x": 1 }), {});

  const engine = new PromptEngine(config);
  const { d, client } = await ready("mapping", new UpgradePromptsProvider({ engine }), nested("team", 20));
  const fromNested = ["feature.reports", "feature.sso"].map((k) => client.getBooleanDetails(k, false));
  const seatsNested = client.getNumberDetails("usage.seats.remaining", -1);
  await OpenFeature.setContext(d, {
    targetingKey: "acct_1", now: "2026-11-24T09:00:00Z", "account.plan": "team", "account.createdAt": "2025-01-01T00:00:00Z",
    "user.id": "u_1", "user.role": "owner", "usage.seats.used": 20, "usage.api_calls.used": 400,
  });
  const fromFlat = ["feature.reports", "feature.sso"].map((k) => client.getBooleanDetails(k, false));
  assert.deepEqual(fromFlat, fromNested);
  assert.deepEqual(client.getNumberDetails("usage.seats.remaining", -1), seatsNested);
  assert.equal(seatsNested.value, 5);

  // targetingKey reaches the engine as account.id: the experiment variant follows it.
  const variants = new Set();
  for (const id of ["acct_1", "acct_2", "acct_3", "acct_4", "acct_5", "acct_6"]) {
    await OpenFeature.setContext(d, { ...nested("team", 20), targetingKey: id });
    const banner = client.getObjectDetails("callouts.banner", []);
    const direct = engineContext("team", 20);
    const expected = engine.evaluate({ ...direct, account: { ...direct.account, id } }, { placement: "banner" });
    assert.deepEqual(banner.value, expected.callouts, id);
    assert.equal(banner.reason, TARGETING_MATCH);
    assert.equal(banner.flagMetadata.count, expected.callouts.length);
    variants.add(banner.value[0].experiment.variant);
  }
  assert.deepEqual([...variants].sort(), ["control", "roi"], "both variants are reached across ids");
  engine.free();
});

test("one session per context: reused across evaluations, the old one freed on context change and close", async () => {
  const real = new PromptEngine(config);
  const engine = countingEngine(real);
  const provider = new UpgradePromptsProvider({ engine });
  const { d, client } = await ready("sessions", provider, nested("free", 1));
  assert.equal(engine.counts.opened, 1, "initialize opens the context's session");
  for (let i = 0; i < 20; i += 1) {
    client.getBooleanValue("feature.reports", true);
    client.getNumberValue("usage.seats.ratio", 0);
    client.getStringValue("plan", "");
  }
  assert.equal(engine.counts.opened, 1, "the SDK's per-evaluation copies of the context reuse the session");
  assert.deepEqual(engine.counts.contexts[0], engineContext("free", 1));

  let contextChanged = 0;
  client.addHandler(ProviderEvents.ContextChanged, () => { contextChanged += 1; });
  const teamContext = nested("team", 1);
  await OpenFeature.setContext(d, teamContext);
  assert.equal(contextChanged, 1);
  assert.deepEqual([engine.counts.opened, engine.counts.freed], [2, 1], "old freed, new opened");
  assert.equal(client.getBooleanValue("feature.reports", false), true, "answers follow the new context");
  assert.equal(client.getStringValue("plan", ""), "team");
  assert.equal(engine.counts.opened, 2);

  // Setting the same context again keeps its session; a copy with new nested objects is a new
  // context (contexts are compared key by key, by identity).
  await OpenFeature.setContext(d, teamContext);
  client.getBooleanValue("feature.reports", false);
  assert.deepEqual([engine.counts.opened, engine.counts.freed], [2, 1]);
  await OpenFeature.setContext(d, nested("team", 1));
  client.getBooleanValue("feature.reports", false);
  assert.deepEqual([engine.counts.opened, engine.counts.freed], [3, 2]);

  await OpenFeature.clearProviders();
  assert.equal(engine.counts.opened, engine.counts.freed, "onClose frees every session");
  assert.equal(engine.counts.engineFreed, undefined, "an engine passed in is never freed");
  assert.equal(real.checkFeature("reports", engineContext("team", 1)).allowed, true);
  const after = provider.resolveBooleanEvaluation("feature.reports", true, nested("free", 1));
  assert.equal(after.errorCode, ErrorCode.PROVIDER_NOT_READY, "a closed provider answers not ready");
  real.free();
});

test("setConfig swaps the engine and emits ConfigurationChanged with the changed flags only", async () => {
  const provider = new UpgradePromptsProvider({ config });
  const { client } = await ready("config", provider, nested("team", 2));
  assert.equal(client.getBooleanValue("feature.sso", true), false);
  assert.equal(client.getBooleanValue("feature.reports", false), true);
  assert.equal(client.getNumberValue("usage.seats.remaining", 0), 23);
  const oldEngine = provider.engine;
  const events = [];
  client.addHandler(ProviderEvents.ConfigurationChanged, (details) => events.push(details));

  const changed = provider.setConfig(configSsoInTeam);
  assert.deepEqual(changed, ["feature.sso"]);
  await tick();
  assert.equal(events.length, 1);
  assert.deepEqual(events[0].flagsChanged, ["feature.sso"]);
  assert.notEqual(provider.engine, oldEngine);
  assert.throws(() => oldEngine.checkFeature("sso", engineContext("team", 2)), "the engine built by the provider is freed");
  assert.equal(client.getBooleanValue("feature.sso", false), true);
  assert.equal(client.getBooleanDetails("feature.sso", false).variant, "included_in_plan");

  // An invalid config throws the engine's ConfigError and changes nothing.
  assert.throws(() => provider.setConfig({ plans: [{ id: "x", features: ["ghost"] }] }), (e) => e.name === "ConfigError" && e.errors.length > 0);
  assert.equal(events.length, 1);
  assert.equal(client.getBooleanValue("feature.sso", false), true);

  // A limit change shows in the number flag.
  const more = { ...configSsoInTeam, plans: configSsoInTeam.plans.map((p) => (p.id === "team" ? { ...p, limits: { ...p.limits, seats: 30 } } : p)) };
  const engine = new PromptEngine(more);
  assert.deepEqual(provider.setEngine(engine), ["usage.seats.remaining"]);
  await tick();
  assert.equal(client.getNumberValue("usage.seats.remaining", 0), 28);
  assert.deepEqual(events.at(-1).flagsChanged, ["usage.seats.remaining"]);
  await OpenFeature.clearProviders();
  assert.equal(engine.checkFeature("sso", engineContext("team", 2)).allowed, true, "an engine set by the caller stays usable");
  engine.free();
});

test("an invalid config fails initialize (FATAL, Error event); a valid setConfig recovers (Ready)", async () => {
  const provider = new UpgradePromptsProvider({ config: { plans: [{ id: "free", price: { monthly: 0 }, features: ["ghost"] }] } });
  const d = domain("fatal");
  const client = OpenFeature.getClient(d);
  const errors = [];
  const readies = [];
  client.addHandler(ProviderEvents.Error, (details) => errors.push(details));
  client.addHandler(ProviderEvents.Ready, (details) => readies.push(details));
  await assert.rejects(OpenFeature.setProviderAndWait(d, provider, nested("free", 1)), (e) => {
    assert.equal(e.code, "PROVIDER_FATAL");
    assert.match(e.message, /ghost/);
    assert.ok(e.errors.length > 0);
    return true;
  });
  assert.equal(client.providerStatus, ProviderStatus.FATAL);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /ghost/);
  assert.equal(client.getBooleanDetails("feature.sso", true).errorCode, ErrorCode.PROVIDER_FATAL);
  assert.equal(provider.resolveBooleanEvaluation("feature.sso", true, nested("free", 1)).errorCode, ErrorCode.PROVIDER_FATAL);

  provider.setConfig(config);
  await tick();
  assert.equal(readies.length, 1);
  assert.equal(client.providerStatus, ProviderStatus.READY);
  assert.deepEqual(pick(client.getBooleanDetails("feature.sso", true)), { value: false, reason: TARGETING_MATCH, errorCode: undefined });
});

test("hooks run around evaluations: before/after/finally on success, error/finally on an error", async () => {
  const { client } = await ready("hooks", new UpgradePromptsProvider({ config }), nested("free", 3));
  const seen = [];
  client.addHooks({
    before: (h) => { seen.push(`before ${h.flagKey} ${h.providerMetadata.name}`); },
    after: (h, details) => { seen.push(`after ${h.flagKey} ${details.value} ${details.reason}`); },
    error: (h, err) => { seen.push(`error ${h.flagKey} ${err.code}`); },
    finally: (h, details) => { seen.push(`finally ${h.flagKey} ${details.reason}`); },
  });
  client.getStringValue("usage.seats.state", "");
  client.getBooleanValue("feature.nope", false);
  client.getNumberValue("feature.sso", 1);
  assert.deepEqual(seen, [
    "before usage.seats.state upgrade-prompts", "after usage.seats.state at_limit TARGETING_MATCH", "finally usage.seats.state TARGETING_MATCH",
    "before feature.nope upgrade-prompts", "error feature.nope FLAG_NOT_FOUND", "finally feature.nope ERROR",
    "before feature.sso upgrade-prompts", "error feature.sso TYPE_MISMATCH", "finally feature.sso ERROR",
  ]);
});

test("callouts object flags equal evaluate()", async () => {
  const engine = new PromptEngine(config);
  // The gate and a critical API-calls banner (a blocking at-limit seat notice would wait behind
  // the gate: one blocking callout at a time).
  const extra = { page: { feature: "sso" }, usage: { seats: { used: 1 }, api_calls: { used: 960 } } };
  const { d, client } = await ready("callouts", new UpgradePromptsProvider({ engine }), nested("free", 1, extra));
  const expected = engine.evaluate(engineContext("free", 1, extra));
  const all = client.getObjectDetails("callouts", []);
  assert.deepEqual(all.value, expected.callouts);
  assert.ok(all.value.length >= 2, "a feature gate and a usage banner");
  assert.equal(all.flagMetadata.suppressed, expected.suppressed.length);
  const modal = client.getObjectValue("callouts.modal", []);
  assert.deepEqual(modal.map((c) => c.id), ["feature_gate:sso"]);
  await OpenFeature.setContext(d, {});
  assert.equal(client.getObjectDetails("callouts", []).errorCode, ErrorCode.INVALID_CONTEXT);
  engine.free();
});

test("parseFlagKey names the type of every served key", () => {
  assert.deepEqual(parseFlagKey("feature.sso"), { type: "boolean", kind: "feature", id: "sso" });
  assert.deepEqual(parseFlagKey("usage.api_calls.ratio"), { type: "number", kind: "usage", id: "api_calls", field: "ratio" });
  assert.deepEqual(parseFlagKey("usage.seats.state"), { type: "string", kind: "usage", id: "seats", field: "state" });
  assert.deepEqual(parseFlagKey("plan"), { type: "string", kind: "plan" });
  assert.deepEqual(parseFlagKey("callouts.banner"), { type: "object", kind: "callouts", placement: "banner" });
  for (const key of ["", "feature.", "usage.seats", "usage.seats.", "usage..ratio", "plans", 5, null]) assert.equal(parseFlagKey(key), null, String(key));
});
