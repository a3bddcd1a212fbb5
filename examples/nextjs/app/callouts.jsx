"use client";
// A client component: the provider loads the engine's wasm itself, from the compiled catalog
// the server used (fetched once the page is in the browser).
import { useEffect, useState } from "react";
import { CalloutView, UpgradePromptsProvider, useCallouts } from "upgrade-prompts/react";
import { context } from "./context";

function List() {
  return useCallouts(null).map((c) => <CalloutView key={c.id} callout={c} data-testid="callout" />);
}

export default function Callouts() {
  const [catalog, setCatalog] = useState(null);
  useEffect(() => {
    fetch("/catalog.bin").then((r) => r.arrayBuffer()).then(setCatalog);
  }, []);
  if (catalog === null) return null;
  return (
    <UpgradePromptsProvider catalog={catalog} context={context}>
      <List />
    </UpgradePromptsProvider>
  );
}
