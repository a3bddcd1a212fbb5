// Type-checked with `tsc --noEmit` (`resolveJsonModule`): a config imported from a JSON file is
// accepted as JSON without a cast, and checked when it is loaded.
import init, { PromptEngine, defineConfig } from "upgrade-prompts/authoring";
import initRuntime, { PromptEngine as RuntimeEngine } from "upgrade-prompts";
import catalog from "./catalog.json";

export async function fromJsonFile(): Promise<number> {
  await init();
  const engine = new PromptEngine(catalog);
  const callouts = engine.evaluate({ account: { id: "a", plan: "free" } }).callouts.length;
  engine.free();
  return callouts;
}

export async function runtimeTakesBytes(): Promise<void> {
  await initRuntime();
  // @ts-expect-error: the runtime entry takes compiled bytes; a JSON config needs upgrade-prompts/authoring
  new RuntimeEngine(catalog);
}

// @ts-expect-error: TypeScript widens a JSON module's literals (`"version": 1` is a number), so a JSON file is not a `Config`; `defineConfig` keeps precise checking for configs written in code
export const precise = defineConfig(catalog);

// Not every object is a config: one with no `plans` is still a type error.
// @ts-expect-error: a config needs `plans`
new PromptEngine({ rules: [] });
