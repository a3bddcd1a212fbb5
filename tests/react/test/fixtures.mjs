// Shared inputs: the team sample config, the growing-team context and the module under test
// (a copy of js/react.js placed beside these files by run.sh, or the package's `./react` export
// when UPGRADE_PROMPTS_REACT names it).
import { readFileSync } from "node:fs";
import { createElement as h } from "react";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(process.env.UPGRADE_PROMPTS_ROOT ?? "../../../", import.meta.url));
const json = (path) => JSON.parse(readFileSync(root + path, "utf8"));

/** www/samples/team.json */
export const config = json("www/samples/team.json");
/** tests/fixtures/contexts/growing-team.json: 22 of 25 seats, the seat banner shows. */
export const context = json("tests/fixtures/contexts/growing-team.json");
/** The same account on the free plan, on the reports page: a feature-gate modal and a
 * cross-sell inline callout. */
export const reportsPage = {
  ...context,
  account: { ...context.account, plan: "free" },
  usage: { seats: { used: 2 }, api_calls: { used: 900 } },
  features: {},
  page: { route: "/reports/export", feature: "reports" },
};
/** The team plan with few seats used: no callout at all. */
export const quiet = { ...context, usage: { seats: { used: 5 }, api_calls: { used: 1000 } } };

export const mod = await import(process.env.UPGRADE_PROMPTS_REACT ?? "./react.js");

/**
 * A page that keeps everything it reads in `seen` (the hooks' answers, and how many times it
 * rendered), and renders a marker and the banner callouts.
 */
export function probe(seen) {
  const { CalloutView, useCallouts, useEvaluation, useFeature, useUpgradePrompts, useUsage } = mod;
  seen.renders = 0;
  return function Page() {
    seen.renders += 1;
    seen.prompts = useUpgradePrompts();
    seen.evaluation = useEvaluation(null);
    seen.callouts = useCallouts("banner");
    seen.feature = useFeature("sso");
    seen.usage = useUsage("seats");
    return h(
      "div",
      null,
      h("p", null, "page content"),
      seen.callouts.map((c) => h(CalloutView, { key: c.id, callout: c })),
    );
  };
}
