// Type-checked with `tsc --noEmit`: a consumer of the published declarations.
import init, { PromptEngine, validateConfig } from "upgrade-prompts/authoring";
import initRuntime, { PromptEngine as RuntimeEngine } from "upgrade-prompts";
import type { Callout, Config, Context, FeatureCheck, UsageCheck, ValidationReport } from "upgrade-prompts/authoring";

// The runtime entry loads compiled catalogs: bytes or an ArrayBuffer, never a config.
export async function runtime(bytes: Uint8Array, buffer: ArrayBuffer, config: Config): Promise<boolean> {
  await initRuntime();
  const engine = new RuntimeEngine(bytes, { strict: true });
  new RuntimeEngine(buffer).free();
  // @ts-expect-error: a config needs upgrade-prompts/authoring (or compiling ahead)
  new RuntimeEngine(config);
  return engine.evaluate({ account: { id: "a", plan: "free" } }).callouts.length > 0;
}

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

// @ts-expect-error: a plan needs a price unless it is sold by the sales team
export const unpriced: Config = { plans: [{ id: "team" }] };
export const bySales: Config = { plans: [{ id: "enterprise", contactSales: true }] };

// @ts-expect-error: this engine reads version 1 only
export const v2: Config = { version: 2, plans: [] };

// @ts-expect-error: checkFeature needs a context
new PromptEngine({ plans: [] }).checkFeature("x");

// @ts-expect-error: a misspelt top-level key is a type error
export const typo: Config = { plans: [], rulez: [] };

export function evaluateShapes(engine: PromptEngine, context: Context): string[] {
  const ev = engine.evaluate(context, { placement: "banner", trace: true });
  const steps = (ev.trace ?? []).flatMap((t) => t.steps.map((s) => `${t.rule} ${t.status} ${s.expr} → ${s.actual} = ${s.result}`));
  const held = ev.suppressed.map((s) => `${s.callout}: ${s.reason} ${s.experiment?.variant ?? ""}`);
  const rec = engine.record({ type: "impression", callout: ev.callouts[0]?.id ?? "", at: new Date() });
  const state = engine.exportState();
  const again = new PromptEngine({ plans: [] }, { state, persist: { key: "upgrade-prompts:acct_1" } });
  return [...steps, ...held, String(rec.recorded), rec.error?.code ?? "", String(state.version), String(again.warnings.length)];
}

// One context, many questions: a session reads the context once.
export function sessionShapes(engine: PromptEngine, context: Context): string[] {
  const s = engine.session(context);
  const gate: FeatureCheck = s.checkFeature("reports");
  const seats: UsageCheck = s.checkUsage("seats");
  const banner = s.evaluate({ placement: "banner" });
  s.free();
  return [String(gate.allowed), String(seats.ratio), String(banner.callouts.length)];
}

// The audience entry (browser build): simulate, parts, generate.
import initAudience, { PromptSimulation, generate, simulate } from "upgrade-prompts/audience";
import type { LimitHit, Opportunity, SimulationReport } from "upgrade-prompts/audience";

export async function audienceDemo(config: Config): Promise<[number, string | null, LimitHit | undefined]> {
  await initAudience();
  const text: string = generate(config, 100, 1, "2026-11-24T09:00:00Z");
  const report: SimulationReport = simulate(config, text, { now: "2026-11-24T09:00:00Z", horizonDays: 90, top: 5 });
  const sim = new PromptSimulation(config, { placement: "banner" });
  sim.addGenerated(0, 10, 1);
  sim.addInvalid(11, { code: "invalid_row", message: "bad row" });
  const best: Opportunity | undefined = sim.finish().opportunities[0];
  sim.free();
  const blocked: number = report.readiness.blocked["readiness:health"];
  return [report.totals.accounts + blocked, best?.accountId ?? null, report.limitForecast[0]?.soonest[0]];
}

// Codes are the generated `DiagnosticCode` union: a misspelled code is a type error, and
// positions in the JSON text come as fields.
import type { ConfigError, Diagnostic, DiagnosticCode, SuppressionReason } from "upgrade-prompts/authoring";

export function codes(error: ConfigError, report: ValidationReport): string[] {
  const known: DiagnosticCode[] = error.errors.map((d: Diagnostic) => d.code);
  const unknownField = report.errors.filter((d) => d.code === "unknown_field");
  // @ts-expect-error: `unknwon_field` is not a DiagnosticCode
  const misspelled = report.errors.filter((d) => d.code === "unknwon_field");
  // @ts-expect-error: `unknwon_field` is not a DiagnosticCode
  const wrong: DiagnosticCode = "unknwon_field";
  const at = report.errors.map((d) => (d.line === undefined ? "" : `${d.line}:${d.column ?? 0}`));
  const held: SuppressionReason = "readiness:health";
  return [...known, ...at, held, String(unknownField.length + misspelled.length), wrong];
}
