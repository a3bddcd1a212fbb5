// A consumer of js/openfeature.d.ts, type-checked by run.sh (strict, skipLibCheck false).
import { OpenFeature, ProviderEvents, type EvaluationDetails, type JsonValue, type Provider } from "@openfeature/web-sdk";
import { PromptEngine, type Callout, type Config } from "upgrade-prompts/authoring";
import { UpgradePromptsProvider, parseFlagKey, toEngineContext, type FeatureFlagKey } from "./openfeature.js";

const config: Config = { plans: [{ id: "free", price: { monthly: 0 }, features: [], limits: { seats: 3 } }] };

export async function setup(): Promise<void> {
  const provider = new UpgradePromptsProvider({ config, options: {}, targetingKey: "account" });
  const asProvider: Provider = provider;
  void asProvider;
  await OpenFeature.setProviderAndWait(provider);
  await OpenFeature.setContext({ targetingKey: "acct_1", account: { plan: "free" }, "usage.seats": 2 });
  const client = OpenFeature.getClient();
  const key: FeatureFlagKey = "feature.sso";
  const gate: EvaluationDetails<boolean> = client.getBooleanDetails(key, false);
  const unlock: string | number | boolean | undefined = gate.flagMetadata.unlockId;
  const remaining: number = client.getNumberValue("usage.seats.remaining", 0);
  const plan: string = client.getStringValue("plan", "free");
  const callouts = client.getObjectValue<JsonValue>("callouts.banner", []);
  console.log(gate.value, unlock, remaining, plan, callouts);
  const changed: string[] = provider.setConfig(config);
  provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => console.log(details?.flagsChanged, changed));

  const engine = new PromptEngine(config);
  const owned = new UpgradePromptsProvider({ engine });
  const direct = owned.resolveBooleanEvaluation("feature.sso", false, {}, console);
  const reason: string | undefined = direct.reason;
  const current: PromptEngine | null = owned.engine;
  const parsed = parseFlagKey("usage.seats.ratio");
  if (parsed !== null && parsed.kind === "usage") console.log(parsed.field);
  const mapped = toEngineContext({ "account.plan": "free" }, { targetingKey: "user" });
  console.log(reason, current, mapped.account?.plan, owned.setEngine(engine));
  const shown: Callout[] = [];
  console.log(shown);
}

// @ts-expect-error: engine and config cannot both be given
new UpgradePromptsProvider({ engine: new PromptEngine(config), config });
// @ts-expect-error: targetingKey owner is account or user
new UpgradePromptsProvider({ config, targetingKey: "page" });
