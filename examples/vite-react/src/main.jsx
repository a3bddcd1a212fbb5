import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { CalloutView, UpgradePromptsProvider, useCallouts, useUsage } from "upgrade-prompts/react";
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

function Seats() {
  const seats = useUsage("seats");
  return <p>Seats: {seats.used} of {seats.limit}</p>;
}

function Callouts() {
  // Every placement; CalloutView records an impression once the callout is half visible.
  return useCallouts(null).map((c) => <CalloutView key={c.id} callout={c} data-testid="callout" />);
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <UpgradePromptsProvider catalog={catalog} fallback={<p>Loading…</p>} context={context}>
      <Seats />
      <Callouts />
    </UpgradePromptsProvider>
  </StrictMode>,
);
