"use client";
// A client component: in the browser the wasm is fetched once by init().
import { useEffect, useState } from "react";
import init from "upgrade-prompts";
import { CalloutView, UpgradePromptsProvider, useCallouts } from "upgrade-prompts/react";
import catalog from "./catalog.json";
import { context } from "./context";

function List() {
  return useCallouts(null).map((c) => <CalloutView key={c.id} callout={c} data-testid="callout" />);
}

export default function Callouts() {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    init().then(() => setReady(true));
  }, []);
  if (!ready) return null;
  return (
    <UpgradePromptsProvider config={catalog} context={context}>
      <List />
    </UpgradePromptsProvider>
  );
}
