// Application code under test: which upgrade button to show for a gated feature.
const { PromptEngine } = require("upgrade-prompts");
const engine = new PromptEngine(require("./catalog.json"));

function upgradeButton(feature, context) {
  const gate = engine.checkFeature(feature, context);
  return gate.allowed ? null : gate.callout && gate.callout.cta.label;
}

module.exports = { upgradeButton };
