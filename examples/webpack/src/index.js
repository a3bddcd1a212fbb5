import init, { PromptEngine } from "upgrade-prompts";

// The catalog compiled by `upgrade-prompts compile` (the build script); webpack emits it as an
// asset, like the package's .wasm.
const [, catalog] = await Promise.all([
  init(),
  fetch(new URL("./catalog.bin", import.meta.url)).then((r) => r.arrayBuffer()),
]);
const engine = new PromptEngine(catalog);
const context = {
  account: { id: "acct_1", plan: "free" },
  user: { id: "u_1", role: "owner" },
  usage: { seats: { used: 3 } },
  page: { route: "/reports", feature: "reports" },
};

// Callout texts are plain text: render them with textContent, never as HTML.
for (const callout of engine.evaluate(context).callouts) {
  const box = document.createElement("section");
  box.dataset.testid = "callout";
  const title = document.createElement("h2");
  title.textContent = callout.title;
  const body = document.createElement("p");
  body.textContent = callout.body;
  const button = document.createElement("button");
  button.textContent = callout.cta.label;
  button.onclick = () => engine.record({ type: "click", callout: callout.id });
  box.append(title, body, button);
  document.body.append(box);
}
