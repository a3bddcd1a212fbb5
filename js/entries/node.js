// The Node entries (ESM and CommonJS, the same for `upgrade-prompts` and
// `upgrade-prompts/authoring`): the speed build, which reads configs and compiled catalogs,
// instantiated at import from bytes held in a JS module, so no file is looked up at run time
// (server bundlers rewrite or break `import.meta.url` and `__dirname` paths, but keep a JS
// module).
import bytes from "./wasm-inline.cjs";
import { initSync as initCoreSync } from "upgrade-prompts-core";
import * as core from "upgrade-prompts-core";
import { bind } from "../engine.js";

const api = bind(core, { name: "upgrade-prompts", configs: true });
initCoreSync({ module: Buffer.from(bytes, "base64") });
api.ready();
warm();

/**
 * Runs a first load and evaluation at import, on a compiled catalog (src/warm.json): the wasm engine
 * compiles each function on its first call, which would otherwise fall on the first request
 * (about 20 ms for a 20-rule catalog, measured by bench/coldstart.mjs).
 */
function warm() {
  const context = {
    now: "2026-11-24T09:00:00Z",
    account: {
      id: "a", plan: "free", addons: [], trials: { sso: "2026-12-01T00:00:00Z" }, healthScore: 50, openEscalations: 0,
      traits: { industry: "retail", employees: 40, vip: false },
    },
    user: { id: "u", role: "owner", traits: { department: "sales" } },
    usage: { seats: { used: 3 }, api_calls: { used: 900, periodStart: "2026-11-01T00:00:00Z", periodEnd: "2026-12-01T00:00:00Z", history: [{ at: "2026-11-08T00:00:00Z", value: 300 }] } },
    features: { reports: { uses30d: 4 } },
    page: { route: "/reports", feature: "reports" },
    signals: { pendingInvites: 1, trialEnded: false },
  };
  try {
    const engine = new api.PromptEngine(core.warmCatalog());
    const session = engine.session(context);
    session.evaluate({ trace: true });
    session.checkFeature("reports");
    session.checkUsage("seats");
    session.free();
    engine.evaluate(context);
    engine.free();
  } catch {
    // Warming is an optimization only.
  }
}

/** In Node the package initializes itself when imported: resolves at once. */
export default async function init() {}

/** In Node the package initializes itself when imported: a no-op. */
export function initSync() {}

export const { PromptEngine, PromptSession, ConfigError, validateConfig } = api;
export { defineConfig } from "../engine.js";
