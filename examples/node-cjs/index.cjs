// A Node service in CommonJS: the package loads its wasm itself, no init() needed.
const { PromptEngine } = require("upgrade-prompts");
const config = require("./catalog.json");

const engine = new PromptEngine(config);
const context = {
  now: "2026-11-24T09:00:00Z",
  account: { id: "acct_1", plan: "free" },
  user: { id: "u_1", role: "owner" },
  usage: { seats: { used: 3 } },
};
const gate = engine.checkFeature("reports", context);
const seats = engine.checkUsage("seats", context);
console.log(`reports allowed: ${gate.allowed}; cheapest unlock: ${gate.unlock[0].id}`);
console.log(`seats: ${seats.state}; ${seats.callout ? seats.callout.title : "no callout"}`);
