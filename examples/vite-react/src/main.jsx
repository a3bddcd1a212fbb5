import init from "upgrade-prompts";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { CalloutView, UpgradePromptsProvider, useCallouts, useUsage } from "upgrade-prompts/react";
import catalog from "./catalog.json";

// Fetches the .wasm Vite emitted beside the bundle.
await init();

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
    <UpgradePromptsProvider config={catalog} context={context}>
      <Seats />
      <Callouts />
    </UpgradePromptsProvider>
  </StrictMode>,
);
