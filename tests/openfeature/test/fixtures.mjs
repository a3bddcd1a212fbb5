// Shared config, contexts and the module under test (js/openfeature.js staged beside the tests,
// or the packed `upgrade-prompts/openfeature` when UPGRADE_PROMPTS_OPENFEATURE names it).
import { fileURLToPath } from "node:url";

export const providerModule = await import(process.env.UPGRADE_PROMPTS_OPENFEATURE ?? "./openfeature.js");
export const { UpgradePromptsProvider, toEngineContext, parseFlagKey } = providerModule;

/** Where `upgrade-prompts` resolves from here: must be the packed package in node_modules. */
export const enginePath = fileURLToPath(import.meta.resolve("upgrade-prompts"));

export const config = {
  version: 1,
  currency: "USD",
  metrics: { seats: { label: "Seats" }, api_calls: { label: "API calls", period: "month" } },
  features: { sso: { label: "Single sign-on" }, reports: { label: "Advanced reports" } },
  plans: [
    { id: "free", label: "Free", price: { monthly: 0 }, features: [], limits: { seats: 3, api_calls: 1000 } },
    { id: "team", label: "Team", price: { monthly: 0, perSeat: 12 }, features: ["reports"],
      limits: { seats: 25, api_calls: 50000 } },
    { id: "enterprise", label: "Enterprise", contactSales: true, features: ["reports", "sso"],
      limits: { seats: null, api_calls: 1000000 } },
  ],
  addons: [
    { id: "reports_plus", label: "Reports+", price: { monthly: 29 }, features: ["reports"], availableOn: ["free"] },
    { id: "api_boost", label: "+100k API calls", price: { monthly: 40 }, limits: { api_calls: 100000 }, stackable: true },
  ],
  rules: [{
    id: "seat-copy", kind: "seat_expansion", placement: "banner", priority: 50,
    when: "usage.seats.ratio >= 0.5", ignoreReadiness: true,
    message: { en: { title: "Your team is growing", body: "{usage.seats.used} of {usage.seats.limit} seats." } },
    experiment: { key: "seat-copy", unit: "account", holdout: 0,
                  variants: [{ id: "control", weight: 1 },
                             { id: "roi", weight: 1, message: { en: { title: "Give every teammate a seat" } } }] },
  }],
};

/** The same catalog with `sso` moved into Team. */
export const configSsoInTeam = {
  ...config,
  plans: config.plans.map((p) => (p.id === "team" ? { ...p, features: ["reports", "sso"] } : p)),
};

export const now = "2026-11-24T09:00:00Z";

/** An evaluation context in the nested form. */
export function nested(plan, seats, extra = {}) {
  return {
    targetingKey: "acct_1",
    now,
    account: { plan, createdAt: "2025-01-01T00:00:00Z" },
    user: { id: "u_1", role: "owner" },
    usage: { seats: { used: seats }, api_calls: { used: 400 } },
    ...extra,
  };
}

/** The engine context `nested(plan, seats)` maps to. */
export function engineContext(plan, seats, extra = {}) {
  const { targetingKey, ...rest } = nested(plan, seats, extra);
  return { ...rest, account: { ...rest.account, id: targetingKey } };
}

let domainCount = 0;
/** A fresh OpenFeature domain per test keeps the global API's providers apart. */
export function domain(name) {
  domainCount += 1;
  return `${name}-${domainCount}`;
}

/** An engine wrapper counting sessions opened and freed (the provider never frees it). */
export function countingEngine(engine) {
  const counts = { opened: 0, freed: 0, contexts: [] };
  const wrapper = {
    counts,
    session(context) {
      counts.opened += 1;
      counts.contexts.push(context);
      const session = engine.session(context);
      return {
        checkFeature: (id) => session.checkFeature(id),
        checkUsage: (id) => session.checkUsage(id),
        evaluate: (options) => session.evaluate(options),
        free() {
          counts.freed += 1;
          session.free();
        },
      };
    },
    free() {
      counts.engineFreed = true;
    },
  };
  return wrapper;
}
