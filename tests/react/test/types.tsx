// Type-checked with `tsc --noEmit` against @types/react 18 and 19 (strict, skipLibCheck false):
// a consumer of upgrade-prompts/react's declarations.
import * as React from "react";
import { StrictMode, useMemo } from "react";
import { PromptEngine } from "upgrade-prompts/authoring";
import type { Callout, Config, Context, Diagnostic, Evaluation, FeatureCheck, RecordResult, UsageCheck } from "upgrade-prompts";
import {
  CalloutView,
  UpgradePromptsProvider,
  useCallouts,
  useEvaluation,
  useFeature,
  useImpression,
  useUpgradePrompts,
  useUsage,
} from "./react.js";
import type { CalloutActions, CatalogSource, UpgradePrompts, UpgradePromptsProviderProps } from "./react.js";
import { Callout as CalloutCard, FeatureGate, UsageMeter, calloutWords, formatCount, meterState, safeUrl } from "./react.js";
import type { CalloutLabels, CalloutProps, MeterView, UsageMeterProps } from "./react.js";

function Banner(): React.ReactElement | null {
  const callouts: Callout[] = useCallouts("banner");
  const all: Callout[] = useCallouts(null);
  const byDefault: Callout[] = useCallouts();
  const evaluation: Evaluation = useEvaluation();
  const gate: FeatureCheck = useFeature("reports");
  const seats: UsageCheck = useUsage("seats");
  const api: UpgradePrompts = useUpgradePrompts();
  const ref = useImpression(callouts[0]);
  const first = callouts[0];
  if (first === undefined) return null;
  const result: RecordResult = api.dismiss(first);
  api.record({ type: "click", callout: first.id, at: new Date() });
  api.refresh();
  const version: number = api.version;
  // null when a catalog could not be loaded
  const built: PromptEngine | null = api.engine;
  // @ts-expect-error: the engine may be null
  api.engine.exportState();
  built?.exportState();
  // an engine that cannot be used (freed, or not an engine): a Diagnostic and no session
  const problem: Diagnostic | null = api.error;
  const code: string | undefined = problem?.code;
  // @ts-expect-error: the session may be null
  api.session.evaluate();
  api.session?.evaluate({ placement: code ?? "banner" });
  return (
    <section ref={ref} data-n={all.length + byDefault.length + evaluation.errors.length + version}>
      {gate.allowed ? null : gate.unlock[0]?.label}
      {seats.state}
      {String(result.recorded)}
      <CalloutView callout={first} as="aside" className="callout" dismissLabel="閉じる" />
      <CalloutView
        callout={first}
        render={(c: Callout, actions: CalloutActions) => <button onClick={() => actions.convert()}>{c.cta.label}</button>}
      />
      <CalloutView callout={null}>text</CalloutView>
    </section>
  );
}

type JSXElement = ReturnType<typeof Banner>;

export function App({ config, context }: { config: Config; context: Context }): JSXElement {
  const engine = useMemo(() => new PromptEngine(config), [config]);
  return (
    <StrictMode>
      <UpgradePromptsProvider engine={engine} context={context} placement="inline">
        <Banner />
      </UpgradePromptsProvider>
      <UpgradePromptsProvider config={config} options={{ state: undefined }} context={JSON.stringify(context)}>
        <Banner />
      </UpgradePromptsProvider>
    </StrictMode>
  );
}

// a catalog: compiled bytes, an ArrayBuffer, a config or its JSON text, or a promise of one
export function FromCatalog({ bytes, context }: { bytes: Uint8Array; context: Context }): JSXElement {
  const fetched = useMemo(() => fetch("/catalog.bin").then((r) => r.arrayBuffer()), []);
  const config: Config = { plans: [] };
  const sources: CatalogSource[] = [bytes, bytes.buffer as ArrayBuffer, new DataView(bytes.buffer), config, "{}"];
  return (
    <>
      <UpgradePromptsProvider
        catalog={bytes}
        options={{ state: undefined }}
        fallback={<p>loading</p>}
        onError={(error: Diagnostic, all: readonly Diagnostic[]) => console.warn(error.code, all.length)}
        context={context}
      >
        <Banner />
      </UpgradePromptsProvider>
      <UpgradePromptsProvider catalog={fetched} fallback="loading" context={context} placement="banner" />
      <UpgradePromptsProvider catalog={Promise.resolve(config)} context={context} />
      {sources.map((catalog, i) => (
        <UpgradePromptsProvider key={i} catalog={catalog} context={context} />
      ))}
    </>
  );
}

// @ts-expect-error: a catalog is bytes, a config or a promise of one, not a number
export const numberCatalog = <UpgradePromptsProvider catalog={42} context="{}" />;

// @ts-expect-error: not an engine and a catalog
export const engineAndCatalog = (e: PromptEngine, b: Uint8Array) => <UpgradePromptsProvider engine={e} catalog={b} context="{}" />;

// @ts-expect-error: fallback and onError belong to a catalog
export const fallbackWithEngine = (e: PromptEngine) => <UpgradePromptsProvider engine={e} fallback="x" context="{}" />;

export const props: UpgradePromptsProviderProps = { config: { plans: [] }, context: { account: { plan: "free" } } };

// @ts-expect-error: an engine, a catalog or a config is required
export const neither = <UpgradePromptsProvider context={{ account: { plan: "free" } }} />;

// @ts-expect-error: not both
export const both = (e: PromptEngine, c: Config) => <UpgradePromptsProvider engine={e} config={c} context="{}" />;

// @ts-expect-error: a context is required
export const noContext = (e: PromptEngine) => <UpgradePromptsProvider engine={e} />;

// @ts-expect-error: useFeature takes a feature id
useFeature(1);

// ---- the drop-in components ----

export function Components({ callout, usage }: { callout: Callout; usage: UsageCheck }): JSXElement {
  const view: MeterView = meterState(usage);
  const level: "ok" | "warning" | "critical" | "unknown" = view.level;
  const days: number | null = view.days;
  const words: CalloutLabels = calloutWords("ja-JP", { dismiss: "閉じる" });
  const text: string = formatCount(usage.used, "en", 2);
  const url: string | null = safeUrl(callout.cta.url);
  const cardProps: CalloutProps = { callout, layout: "modal", labels: { notNow: "Later" } };
  const meterProps: UsageMeterProps = { metric: "seats", label: "Seats", className: "wide" };
  return (
    <div data-level={level} data-days={days ?? undefined} title={words.dismiss + text + (url ?? "")}>
      <CalloutCard {...cardProps} />
      <CalloutCard
        callout={callout}
        layout="banner"
        meta={<span>+$12 / month</span>}
        dismissible={false}
        impression={false}
        data-testid="card"
        onCta={(c: Callout, r: RecordResult) => console.log(c.id, r.recorded)}
        onDismiss={(c: Callout) => console.log(c.id)}
      />
      <CalloutCard callout={null} />
      <UsageMeter {...meterProps} />
      <UsageMeter metric="api_calls" locale="ja" labels={{ soon: "Soon" }} />
      <FeatureGate feature="sso" fallback={<p>locked</p>} layout="inline">
        <p>SSO settings</p>
      </FeatureGate>
    </div>
  );
}

// @ts-expect-error: a layout is banner, inline or modal
export const badLayout = (c: Callout) => <CalloutCard callout={c} layout="sidebar" />;

// @ts-expect-error: a meter needs a metric
export const noMetric = <UsageMeter />;

// @ts-expect-error: labels are the components' words
export const badLabel = calloutWords("en", { nope: "x" });
