// The packed CommonJS build of upgrade-prompts/openfeature answers a flag through the SDK.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { OpenFeature } = require("@openfeature/web-sdk");
const { UpgradePromptsProvider } = require("upgrade-prompts/openfeature");

test("require('upgrade-prompts/openfeature') works with the CommonJS SDK", async () => {
  const config = { plans: [{ id: "free", price: { monthly: 0 }, features: [], limits: { seats: 3 } },
    { id: "team", price: { monthly: 10 }, features: ["sso"], limits: { seats: 9 } }], features: { sso: {} }, metrics: { seats: {} } };
  await OpenFeature.setProviderAndWait("cjs", new UpgradePromptsProvider({ config }));
  await OpenFeature.setContext("cjs", { "account.plan": "free", "usage.seats": 1 });
  const details = OpenFeature.getClient("cjs").getBooleanDetails("feature.sso", true);
  assert.deepEqual([details.value, details.reason, details.flagMetadata.unlockId], [false, "TARGETING_MATCH", "team"]);
  assert.equal(OpenFeature.getClient("cjs").getNumberValue("usage.seats.remaining", 0), 2);
});
