// Declarations of `upgrade-prompts/react` (source: js/react.js).
import type * as React from "react";
import type {
  Callout,
  CalloutEvent,
  Config,
  Context,
  Diagnostic,
  EngineOptions,
  Evaluation,
  FeatureCheck,
  PromptEngine,
  PromptSession,
  RecordResult,
  UsageCheck,
} from "upgrade-prompts";

interface ProviderCommonProps {
  /** The context to evaluate (an object or JSON text). A bad context never throws. */
  context: Context | string;
  /** The placement `useCallouts()` and `useEvaluation()` read when given none. */
  placement?: string;
  children?: React.ReactNode;
}

/** An engine owned by the caller: used as is, never freed by the provider. One that cannot
 * open a session (freed, or not an engine) never throws: see `UpgradePrompts.error`. */
export interface ProviderWithEngineProps extends ProviderCommonProps {
  engine: PromptEngine;
  config?: undefined;
  options?: undefined;
}

/** A config the provider builds its own engine from, once per config object, and frees. */
export interface ProviderWithConfigProps extends ProviderCommonProps {
  config: Config | string;
  /** Read only when the engine is built. */
  options?: EngineOptions;
  engine?: undefined;
}

export type UpgradePromptsProviderProps = ProviderWithEngineProps | ProviderWithConfigProps;

/**
 * Provides an engine session for `context` to the hooks below it. With `config`, builds an
 * engine once per config object (keep it stable) and frees it on unmount; an invalid config
 * throws the engine's `ConfigError` during render. One session is made per context value and
 * engine state version; a click, dismissal or conversion recorded through the binding makes
 * every provider on the engine evaluate again. A given `engine` that cannot open a session
 * never throws either: see `UpgradePrompts.error`.
 *
 * @throws {TypeError} when neither `engine` nor `config` is given
 */
export function UpgradePromptsProvider(props: UpgradePromptsProviderProps): React.ReactElement;

/** What `useUpgradePrompts()` returns. The helpers never throw; they return the engine's answer. */
export interface UpgradePrompts {
  engine: PromptEngine;
  /** The current session; replaced when the context or the engine state changes. Null when
   * the given engine cannot open one (see `error`). */
  session: PromptSession | null;
  /**
   * Null, or why the given `engine` cannot be used: `engine_freed` (freed with `free()`),
   * `invalid_engine` (not a PromptEngine) or `engine_failed` (it threw). The hooks then answer
   * as for an unreadable context, with this error in their `errors`: no callouts (a
   * CalloutView renders nothing), features let through (`allowed: true`, reason
   * `invalid_context`), usage unknown; `record` and its helpers return `{ recorded: false,
   * error }`. The console is warned once per such engine.
   */
  error: Diagnostic | null;
  context: Context | string;
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
