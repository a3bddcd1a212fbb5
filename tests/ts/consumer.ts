// Type-checked with `tsc --noEmit`: a consumer of the published declarations.
import init, { PromptEngine, validateConfig } from "upgrade-prompts";
import type { Callout, Config, Context, FeatureCheck, UsageCheck, ValidationReport } from "upgrade-prompts";

export async function demo(config: Config, context: Context): Promise<string[]> {
  await init();
  const report: ValidationReport = validateConfig(config);
  if (!report.valid) return report.errors.map((e) => `${e.path.join(".")}: ${e.message} ${e.help ?? ""}`);
  const engine = new PromptEngine(config);
  const gate: FeatureCheck = engine.checkFeature("reports", context);
  const usage: UsageCheck = engine.checkUsage("seats", JSON.stringify(context));
  const callouts: Callout[] = [gate.callout, usage.callout].filter((c): c is Callout => c !== null);
  const cheapest: number | null = gate.unlock[0]?.monthlyDelta ?? null;
  const state: "ok" | "approaching" | "critical" | "at_limit" | "over" | null = usage.state;
  const days: number | null = usage.daysLeft;
  return [
    ...callouts.map((c) => `${c.kind} ${c.severity} ${c.cta.action} ${c.cta.url ?? ""}`),
    String(cheapest), String(state), String(days), gate.reason, String(gate.source),
  ];
}

// @ts-expect-error: checkFeature needs a context
new PromptEngine({ plans: [] }).checkFeature("x");
