// A server component: the engine runs in Node while the page renders (the package loads its
// wasm itself there), from the same compiled catalog the browser loads (public/catalog.bin,
// written by `upgrade-prompts compile` in the build script).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PromptEngine } from "upgrade-prompts";
import { context } from "./context";
import Callouts from "./callouts";

export const dynamic = "force-dynamic";

export default function Page() {
  const engine = new PromptEngine(readFileSync(join(process.cwd(), "public/catalog.bin")));
  const gate = engine.checkFeature("reports", context);
  engine.free();
  return (
    <main>
      <p data-testid="server">reports allowed on the server: {String(gate.allowed)}</p>
      <Callouts />
    </main>
  );
}
