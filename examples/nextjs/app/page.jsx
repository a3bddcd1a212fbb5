// A server component: the engine runs in Node while the page renders (the package loads its
// wasm itself there).
import { PromptEngine } from "upgrade-prompts";
import catalog from "./catalog.json";
import { context } from "./context";
import Callouts from "./callouts";

export const dynamic = "force-dynamic";

export default function Page() {
  const engine = new PromptEngine(catalog);
  const gate = engine.checkFeature("reports", context);
  engine.free();
  return (
    <main>
      <p data-testid="server">reports allowed on the server: {String(gate.allowed)}</p>
      <Callouts />
    </main>
  );
}
