// Type-checked as a Node ES module (`module: node16`/`nodenext`, no DOM lib): the Node entry's
// declarations must need no browser types, and `init()` resolves to nothing there.
import init, { PromptEngine, defineConfig, initSync, validateConfig } from "upgrade-prompts";
import type { Context, FeatureCheck, ValidationReport } from "upgrade-prompts";

const ready: Promise<void> = init();
initSync();

export async function check(context: Context): Promise<string> {
  await ready;
  const config = defineConfig({ version: 1, plans: [{ id: "free", price: { monthly: 0 } }] });
  const report: ValidationReport = validateConfig(config);
  const engine = new PromptEngine(config);
  const gate: FeatureCheck = engine.checkFeature("reports", context);
  engine.free();
  return `${report.valid} ${gate.allowed} ${gate.callout?.title ?? ""}`;
}

// @ts-expect-error: the Node entry's init resolves to nothing, not the wasm exports
export const memory: unknown = (await init()).memory;

// The audience entry in Node: initialized at import.
import { simulate as simulateAccounts, generateContext } from "upgrade-prompts/audience";
const population: Context = generateContext({ plans: [{ id: "free", price: { monthly: 0 } }] }, 3, 1, Date.UTC(2026, 10, 24));
const audienceReport = simulateAccounts({ plans: [{ id: "free", price: { monthly: 0 } }] }, [population]);
console.log(audienceReport.totals.accounts, audienceReport.rules.map((r) => `${r.rule}: ${r.shown}`).join());
