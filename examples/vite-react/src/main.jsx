import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Callout, UpgradePromptsProvider, UsageMeter, useCallouts } from "upgrade-prompts/react";
// The components' look: scoped `up-` classes, light and dark, right-to-left safe.
import "upgrade-prompts/styles.css";
// The catalog compiled by `upgrade-prompts compile` (the build script); Vite serves it as an
// asset. The provider loads the engine's .wasm itself and shows `fallback` until both are in.
import catalogUrl from "./catalog.bin?url";

const catalog = fetch(catalogUrl).then((r) => r.arrayBuffer());

const context = {
  account: { id: "acct_1", plan: "free" },
  user: { id: "u_1", role: "owner" },
  usage: { seats: { used: 3 } },
  page: { route: "/reports", feature: "reports" },
};

function Callouts() {
  // Every placement, each in its layout (the feature gate is a modal); a Callout records an
  // impression once it is half visible, and a click or dismissal when the user acts.
  return useCallouts(null).map((c) => <Callout key={c.id} callout={c} data-testid="callout" />);
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <UpgradePromptsProvider catalog={catalog} fallback={<p>Loading…</p>} context={context}>
      <UsageMeter metric="seats" label="Seats" />
      <Callouts />
    </UpgradePromptsProvider>
  </StrictMode>,
);
