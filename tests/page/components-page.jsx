// The test page of tests/page/components.mjs: the package's drop-in components (pkg/react.js,
// styled by pkg/styles.css) over the real engine (the authoring entry, from the page's import
// map): banners (warning, blocking), an inline callout, a feature gate, meters (ok, runs out
// soon, approaching, unlimited, a credit balance) and a modal opened by a button. The query sets
// the page: `scheme=light-dark` declares `color-scheme: light dark` on the page (else it
// declares none: a light-only page), `theme=dark|light` puts `.up-theme-dark|light` on the body,
// `callout=<class>` gives every callout that class (the modal's: its dialog), `dir=rtl`,
// `locale=ja`. Every recorded event is kept in `window.recorded`.
import { useState } from "react";
import { createRoot } from "react-dom/client";
import init, { PromptEngine } from "upgrade-prompts";
import { Callout, FeatureGate, UpgradePromptsProvider, UsageMeter, useCallouts } from "../../pkg/react.js";

const query = new URLSearchParams(location.search);
document.documentElement.dir = query.get("dir") === "rtl" ? "rtl" : "ltr";
if (query.get("scheme") === "light-dark") document.documentElement.classList.add("page-light-dark");
if (query.get("theme")) document.body.classList.add(`up-theme-${query.get("theme")}`);
const calloutClass = query.get("callout") ?? undefined;

const NOW = "2026-11-24T09:00:00Z";
const base = {
  now: NOW, locale: query.get("locale") ?? "en",
  account: { id: "acct_1", plan: "team", createdAt: "2025-02-01T00:00:00Z", renewalAt: "2027-01-31T00:00:00Z",
             healthScore: 78, lifecycle: "adoption", openEscalations: 0 },
  user: { id: "u_1", role: "owner" },
  features: { reports: { uses30d: 5 } },
  page: { route: "/dashboard" },
};
const api = (used) => ({ used, periodStart: "2026-11-01T00:00:00Z", periodEnd: "2026-12-01T00:00:00Z",
  history: [{ at: "2026-11-10T00:00:00Z", value: 5000 }, { at: "2026-11-18T00:00:00Z", value: 17000 }] });
const growing = { ...base, usage: { seats: { used: 22 }, api_calls: api(38000) } };
const full = { ...base, usage: { seats: { used: 25 }, api_calls: { used: 1000 } } };
const reports = { ...base, account: { ...base.account, plan: "free" }, usage: { seats: { used: 2 }, api_calls: { used: 900 } },
  features: {}, page: { route: "/reports/export", feature: "reports" } };
const credits = { ...base, account: { ...base.account, plan: "enterprise" },
  usage: { documents: { used: 1234 }, ai_credits: { balance: 40000, granted: 500000 } } };

window.recorded = [];
function spied(engine) {
  const record = engine.record.bind(engine);
  engine.record = (event) => {
    window.recorded.push(event);
    return record(event);
  };
  return engine;
}

function Banners({ placement }) {
  return useCallouts(placement).map((c) => <Callout key={c.id} callout={c} className={calloutClass} />);
}

function ModalDemo({ engine }) {
  const [open, setOpen] = useState(false);
  return (
    <UpgradePromptsProvider engine={engine} context={reports}>
      <button type="button" id="open-modal" className="page-button" onClick={() => setOpen(true)}>Open the reports page</button>
      {open ? <Banners placement="modal" /> : null}
    </UpgradePromptsProvider>
  );
}

function Page({ team, creditEngine }) {
  return (
    <main>
      <h1>Components</h1>
      <section aria-label="Banners">
        <UpgradePromptsProvider engine={team} context={growing}><Banners placement="banner" /></UpgradePromptsProvider>
        <UpgradePromptsProvider engine={team} context={full}><Banners placement="banner" /></UpgradePromptsProvider>
      </section>
      <section aria-label="Inline">
        <UpgradePromptsProvider engine={team} context={reports}>
          <Banners placement="inline" />
          <FeatureGate feature="sso" layout="inline"><p>SSO settings</p></FeatureGate>
        </UpgradePromptsProvider>
      </section>
      <section aria-label="Meters" className="meters">
        <UpgradePromptsProvider engine={team} context={growing}>
          <UsageMeter metric="seats" label="Seats" />
          <UsageMeter metric="api_calls" label="API calls" />
        </UpgradePromptsProvider>
        <UpgradePromptsProvider engine={team} context={full}>
          <UsageMeter metric="seats" label="Seats (full)" />
        </UpgradePromptsProvider>
        <UpgradePromptsProvider engine={creditEngine} context={credits}>
          <UsageMeter metric="documents" label="Documents" />
          <UsageMeter metric="ai_credits" label="AI credits" />
        </UpgradePromptsProvider>
      </section>
      <ModalDemo engine={team} />
    </main>
  );
}

await init();
const [team, creditConfig] = await Promise.all(["/samples/team.json", "/samples/credits.json"].map((u) => fetch(u).then((r) => r.json())));
const teamEngine = spied(new PromptEngine(team));
const creditEngine = spied(new PromptEngine(creditConfig));
createRoot(document.getElementById("root")).render(<Page team={teamEngine} creditEngine={creditEngine} />);
document.documentElement.dataset.ready = "";
