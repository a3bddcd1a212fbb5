// Type-checked as a Node CommonJS module (`module: node16`/`nodenext`, no DOM lib): `import`
// here compiles to `require`, so this resolves the package's CommonJS entry and declarations.
import init, { PromptEngine, defineConfig, validateConfig } from "upgrade-prompts";
import type { Context, UsageCheck } from "upgrade-prompts";

export function check(context: Context): string {
  void init();
  const engine = new PromptEngine(defineConfig({ plans: [{ id: "free", price: { monthly: 0 }, limits: { seats: 3 } }], metrics: { seats: {} } }));
  const seats: UsageCheck = engine.checkUsage("seats", context);
  return `${validateConfig({}).valid} ${seats.state ?? "none"} ${seats.callout?.cta.action ?? ""}`;
}

// The audience entry's CommonJS build.
import { generate } from "upgrade-prompts/audience";
export const lines: string = generate({ plans: [{ id: "free", price: { monthly: 0 } }] }, 2, 1, "2026-11-24T09:00:00Z");
