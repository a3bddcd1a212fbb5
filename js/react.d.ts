// Declarations of `upgrade-prompts/react` (source: js/react.js).
import type * as React from "react";
import type {
  Callout,
  CalloutEvent,
  Config,
  JsonConfig,
  Context,
  CreditState,
  Diagnostic,
  EngineOptions,
  Evaluation,
  FeatureCheck,
  PromptEngine,
  PromptSession,
  RecordResult,
  UsageCheck,
  UsageState,
} from "upgrade-prompts";

interface ProviderCommonProps {
  /** The context to evaluate (an object or JSON text). A bad context never throws. */
  context: Context | string;
  /** The placement `useCallouts()` and `useEvaluation()` read when given none. */
  placement?: string;
  children?: React.ReactNode;
}

/**
 * What the `catalog` prop takes: compiled bytes (what `upgrade-prompts compile catalog.json -o
 * catalog.bin` writes, as a `Uint8Array`, an `ArrayBuffer` or any view of one) or a config
 * (an object or JSON text, read by the `upgrade-prompts/authoring` entry).
 */
export type CatalogSource = Uint8Array | ArrayBuffer | ArrayBufferView | Config | JsonConfig | string;

/**
 * A catalog the provider builds its own engine from, once per catalog value (`Object.is`:
 * keep objects and promises stable; a new value builds a new engine), and frees on unmount.
 * It initializes the package itself: the engine is built during render when the entry that
 * reads the catalog is already initialized (always in Node, so server rendering shows the
 * callouts; in browsers after `await init()`, e.g. before `hydrateRoot`), else `fallback` is
 * rendered until it is ready (bytes wait for `init()` of `upgrade-prompts`, a config for
 * `import("upgrade-prompts/authoring")` and its `init()`, a promise for itself; on the server
 * a promise renders `fallback`). A catalog that cannot be loaded never throws: see
 * `UpgradePrompts.error` and `onError`.
 */
export interface ProviderWithCatalogProps extends ProviderCommonProps {
  catalog: CatalogSource | PromiseLike<CatalogSource>;
  /** Read only when the engine is built. */
  options?: EngineOptions;
  /** Rendered instead of the children while the catalog loads; default nothing. */
  fallback?: React.ReactNode;
  /**
   * Called once after commit when the catalog cannot be loaded, with the first diagnostic and
   * all of them (the same as `UpgradePrompts.error` and the answers' `errors`); when given,
   * the console is not warned. Not called during server rendering (no effects run there).
   */
  onError?: (error: Diagnostic, errors: readonly Diagnostic[]) => void;
  engine?: undefined;
  config?: undefined;
}

/** An engine owned by the caller: used as is, never freed by the provider. One that cannot
 * open a session (freed, or not an engine) never throws: see `UpgradePrompts.error`. */
export interface ProviderWithEngineProps extends ProviderCommonProps {
  engine: PromptEngine;
  config?: undefined;
  catalog?: undefined;
  options?: undefined;
}

/** The earlier form of `catalog`: a config the provider builds an engine from during render
 * with `new PromptEngine(config, options)` of `upgrade-prompts`, once per config object, and
 * frees. An invalid config throws the engine's `ConfigError` during render; in browsers
 * `await init()` first. Prefer `catalog`. */
export interface ProviderWithConfigProps extends ProviderCommonProps {
  config: Config | JsonConfig | string;
  /** Read only when the engine is built. */
  options?: EngineOptions;
  engine?: undefined;
  catalog?: undefined;
}

export type UpgradePromptsProviderProps = ProviderWithCatalogProps | ProviderWithEngineProps | ProviderWithConfigProps;

/**
 * Provides an engine session for `context` to the hooks below it, from a `catalog` (built,
 * initialized and freed here; `fallback` while it loads), a caller's `engine`, or a `config`.
 * One session is made per context value and engine state version; a click, dismissal or
 * conversion recorded through the binding makes every provider on the engine evaluate again.
 * A catalog that cannot be loaded, or a given `engine` that cannot open a session, never
 * throws: see `UpgradePrompts.error`.
 *
 * @throws {TypeError} when no `engine`, `catalog` or `config` is given
 */
export function UpgradePromptsProvider(props: UpgradePromptsProviderProps): React.ReactNode;

/** What `useUpgradePrompts()` returns. The helpers never throw; they return the engine's answer. */
export interface UpgradePrompts {
  /** The engine in use: the given one, or the one built from `catalog` or `config`; null when
   * the catalog could not be loaded. */
  engine: PromptEngine | null;
  /** The current session; replaced when the context or the engine state changes. Null when
   * there is none (see `error`). */
  session: PromptSession | null;
  /**
   * Null, or why there is no session. For a given `engine`: `engine_freed` (freed with
   * `free()`), `invalid_engine` (not a PromptEngine) or `engine_failed` (it threw); the
   * console is warned once per such engine. For a `catalog` that cannot be loaded: the
   * engine's first diagnostic (`invalid_catalog` for bytes it cannot read; for a config, its
   * own errors with their paths into the config), `catalog_failed` (a rejected promise,
   * anything else thrown), `init_failed` (the package could not be initialized) or
   * `authoring_unavailable` (a config needs `upgrade-prompts/authoring`, which could not be
   * loaded); every diagnostic is in the answers' `errors`, and `onError` is called, else the
   * console is warned once per catalog value. The hooks then answer as for an unreadable
   * context: no callouts (a CalloutView renders nothing), features let through (`allowed:
   * true`, reason `invalid_context`), usage unknown; `record` and its helpers return
   * `{ recorded: false, error }`.
   */
  error: Diagnostic | null;
  context: Context | string;
  /** The context's `locale` (undefined without one): the components' words and numbers follow it. */
  locale: string | undefined;
  placement: string | undefined;
  /** Bumped by every click, dismissal or conversion recorded through the binding. */
  version: number;
  /** Records an event; `at` defaults to the context's `now` when it has one, else the engine's clock. */
  record(event: CalloutEvent): RecordResult;
  /** Records an impression (does not evaluate again: a callout does not vanish once seen). */
  impression(callout: Callout | string): RecordResult;
  /** Records a click, then evaluates again. */
  click(callout: Callout | string): RecordResult;
  /** Records a dismissal, then evaluates again (the callout is then in its cooldown). */
  dismiss(callout: Callout | string): RecordResult;
  /** Records a conversion, then evaluates again. */
  convert(callout: Callout | string): RecordResult;
  /** Evaluates again, e.g. after events recorded on the engine directly. */
  refresh(): void;
}

/**
 * The provider's engine, session and event helpers.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useUpgradePrompts(): UpgradePrompts;

/**
 * The whole evaluation for a placement (`undefined`: the provider's placement; `null`: every
 * placement), computed once per session and placement; do not mutate it.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useEvaluation(placement?: string | null): Evaluation;

/**
 * The callouts to show in a placement, best first; empty when there are none.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useCallouts(placement?: string | null): Callout[];

/**
 * The session's frozen answer to "may the user use `feature`?".
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useFeature(feature: string): FeatureCheck;

/**
 * The session's frozen answer to "how close is the account to the limit on `metric`?".
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useUsage(metric: string): UsageCheck;

/**
 * Records an impression of `callout` once per callout id per mount, when at least half of the
 * element given to the returned ref callback is visible; on mount where IntersectionObserver
 * does not exist.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function useImpression(callout: Callout | string | null | undefined): (element: Element | null) => void;

/** The event helpers bound to one callout. */
export interface CalloutActions {
  click(): RecordResult;
  dismiss(): RecordResult;
  convert(): RecordResult;
}

export interface CalloutViewProps extends Omit<React.HTMLAttributes<HTMLElement>, "children"> {
  callout: Callout | null | undefined;
  /** The wrapping element's tag, default `div`. */
  as?: keyof React.JSX.IntrinsicElements;
  /** Custom rendering; wins over `children`. */
  render?: (callout: Callout, actions: CalloutActions) => React.ReactNode;
  /** Accessible name of the default dismiss button, default `Dismiss`. */
  dismissLabel?: string;
  children?: React.ReactNode;
}

/**
 * Shows one callout (by default its title, body, CTA and a dismiss button, as plain text) and
 * records its impression; renders nothing for a `null` callout.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function CalloutView(props: CalloutViewProps): React.ReactElement | null;

// ---- Components (source: js/react-ui.js; styled by `upgrade-prompts/styles.css`) ----

/** The components' own words; any of them may be replaced with the `labels` prop. `{n}`,
 * `{used}` and `{limit}` are filled in. */
export interface CalloutLabels {
  dismiss: string;
  notNow: string;
  usedOf: string;
  left: string;
  unlimited: string;
  runsOut: string;
  runsOutOne: string;
  reached: string;
  usedUp: string;
  ok: string;
  soon: string;
  approaching: string;
  critical: string;
  at_limit: string;
  over: string;
  low: string;
  empty: string;
  unknown: string;
}

/** The words for a locale (English and Japanese; others fall back to English) with `labels` over them. */
export function calloutWords(locale: string | undefined, labels?: Partial<CalloutLabels>): CalloutLabels;

/** A count formatted with `Intl.NumberFormat` in `locale`, at most `decimals` fraction digits (default 0); `—` for no number. */
export function formatCount(value: number | null | undefined, locale: string | undefined, decimals?: number): string;

/** A CTA URL a page may follow (relative, or http(s)); null otherwise. */
export function safeUrl(url: unknown): string | null;

/** What a meter shows: the engine's state, except `soon` for an `ok` metric the forecast sees
 * running out, `unlimited`, and `unknown`. */
export type MeterDisplayState = UsageState | CreditState | "soon" | "unlimited" | "unknown";

export interface MeterView {
  state: MeterDisplayState;
  /** The colour: agrees with the forecast (never `ok` beside a run-out date). */
  level: "ok" | "warning" | "critical" | "unknown";
  /** Days until the limit (or a credit balance's end) at the current pace; null when none. */
  days: number | null;
  /** Whether the meter shows a credit balance. */
  credits: boolean;
}

/** What a meter shows for a usage answer (a pure function; see `MeterView`). */
export function meterState(usage: UsageCheck | null | undefined): MeterView;

export interface CalloutProps extends Omit<React.HTMLAttributes<HTMLDivElement>, "children"> {
  callout: Callout | null | undefined;
  /** Overrides the callout's placement; other placements render inline. */
  layout?: "banner" | "inline" | "modal";
  labels?: Partial<CalloutLabels>;
  /** Overrides the context's locale for the component's words. */
  locale?: string;
  /** Extra content under the body (a price, a note). */
  meta?: React.ReactNode;
  /** Shows the dismiss button (and lets Escape close a modal); default true. */
  dismissible?: boolean;
  /** Records an impression when at least half of it is visible; default true. */
  impression?: boolean;
  /** Called after the CTA's click is recorded. */
  onCta?: (callout: Callout, result: RecordResult, event: React.MouseEvent<HTMLElement>) => void;
  /** Called after the dismissal is recorded (dismiss button, or Escape in a modal). */
  onDismiss?: (callout: Callout, result: RecordResult) => void;
}

/**
 * One callout, styled: a banner (a labelled region, an alert when blocking), an inline card or
 * a modal dialog (focus moved in and trapped, Escape dismisses, focus returned on close), by
 * `layout` or the callout's placement. Renders nothing for a null callout or once dismissed.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function Callout(props: CalloutProps): React.ReactElement | null;

export interface UsageMeterProps extends Omit<React.HTMLAttributes<HTMLDivElement>, "children"> {
  metric: string;
  /** The metric's name; default the usage answer's label, else the id. */
  label?: string;
  labels?: Partial<CalloutLabels>;
  locale?: string;
  /** Extra content at the end (a note, a breakdown). */
  children?: React.ReactNode;
}

/**
 * A usage meter for a metric: label, used of limit (a credit balance of its grant), a
 * `role="meter"` bar (none when unlimited), the state from `meterState` and the forecast.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function UsageMeter(props: UsageMeterProps): React.ReactElement;

export interface FeatureGateProps extends Omit<CalloutProps, "callout"> {
  feature: string;
  /** Rendered when the feature is allowed. */
  children?: React.ReactNode;
  /** Rendered when it is not and the engine gives no callout. */
  fallback?: React.ReactNode;
}

/**
 * `children` when the feature is allowed, else its gate callout (a `Callout`), else `fallback`.
 *
 * @throws {Error} outside an `UpgradePromptsProvider`
 */
export function FeatureGate(props: FeatureGateProps): React.ReactNode;
