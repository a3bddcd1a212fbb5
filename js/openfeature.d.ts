// Declarations of `upgrade-prompts/openfeature` (source: js/openfeature.js).
import type {
  EvaluationContext,
  JsonValue,
  Logger,
  OpenFeatureEventEmitter,
  Provider,
  ResolutionDetails,
} from "@openfeature/web-sdk";
import type { Config, Context, JsonConfig, EngineOptions, PromptEngine } from "upgrade-prompts";

/** Which id of the engine context the OpenFeature `targetingKey` fills (when not given). */
export type TargetingKeyOwner = "account" | "user";

/** An engine owned by the caller: used as is, never freed by the provider. */
export interface ProviderWithEngine {
  engine: PromptEngine;
  config?: undefined;
  options?: undefined;
  /** Default `"account"`: `targetingKey` becomes `account.id`. */
  targetingKey?: TargetingKeyOwner;
}

/**
 * A catalog the provider builds its engine from in `initialize`, and frees: compiled bytes
 * (what `upgrade-prompts compile` wrote; loaded by the runtime entry after its `init()`), or a
 * config as an object or JSON text (loaded through `upgrade-prompts/authoring`).
 */
export interface ProviderWithConfig {
  config: Config | JsonConfig | string | Uint8Array | ArrayBuffer;
  /** Passed to `new PromptEngine(config, options)`. */
  options?: EngineOptions;
  engine?: undefined;
  /** Default `"account"`: `targetingKey` becomes `account.id`. */
  targetingKey?: TargetingKeyOwner;
}

export type UpgradePromptsProviderOptions = ProviderWithEngine | ProviderWithConfig;

/** Boolean flags: may the user use the feature (`FeatureCheck.allowed`). */
export type FeatureFlagKey = `feature.${string}`;
/** Number flags: a number field of the metric's `UsageCheck`. */
export type UsageNumberFlagKey = `usage.${string}.${"used" | "limit" | "remaining" | "ratio" | "daysLeft" | "projected"}`;
/** String flags: the account's plan id, or a metric's usage state (`ok`, `approaching`, …). */
export type StringFlagKey = "plan" | `usage.${string}.state`;
/** Object flags: the callouts `evaluate` returns (of one placement with `callouts.<placement>`). */
export type CalloutsFlagKey = "callouts" | `callouts.${string}`;

/**
 * Flag metadata the provider sets (each only when it has a value). Feature flags:
 * `engineReason`, `source`, `trialEndsAt`, `calloutId` and the cheapest unlock option
 * (`unlockId`, `unlockType`, `unlockLabel`, `unlockMonthlyDelta`, `unlockQuantity`,
 * `unlockContactSales`, `unlockCount`). Usage flags: `state`, `used`, `limit`, `remaining`,
 * `ratio`, `daysLeft`, `projected`, `unlimited`, `calloutId` and the unlock fields. Callout
 * flags: `count`, `suppressed`. Any flag: `contextErrors` (how many) and `contextError` (the
 * first) when the engine read the context with problems.
 */
export interface UpgradePromptsFlagMetadata {
  engineReason?: string;
  source?: "plan" | "addon" | "trial";
  trialEndsAt?: string;
  calloutId?: string;
  unlockId?: string;
  unlockType?: "plan" | "addon";
  unlockLabel?: string;
  unlockMonthlyDelta?: number;
  unlockQuantity?: number;
  unlockContactSales?: boolean;
  unlockCount?: number;
  state?: "ok" | "approaching" | "critical" | "at_limit" | "over";
  used?: number;
  limit?: number;
  remaining?: number;
  ratio?: number;
  daysLeft?: number;
  projected?: number;
  unlimited?: boolean;
  count?: number;
  suppressed?: number;
  contextErrors?: number;
  contextError?: string;
}

/**
 * The OpenFeature web provider of upgrade-prompts. Resolve methods never throw: problems are
 * resolutions with `reason: "ERROR"` and an `errorCode` (`FLAG_NOT_FOUND`, `TYPE_MISMATCH`,
 * `INVALID_CONTEXT`, `PROVIDER_NOT_READY`, `PROVIDER_FATAL`, `GENERAL`).
 */
export declare class UpgradePromptsProvider implements Provider {
  constructor(options: UpgradePromptsProviderOptions);
  readonly metadata: { readonly name: "upgrade-prompts" };
  readonly runsOn: "client";
  readonly events: OpenFeatureEventEmitter;
  /** The engine answering now; null before `initialize` when built from a config. */
  readonly engine: PromptEngine | null;
  /**
   * Loads the wasm, builds the engine from `config` and opens a session for the context.
   * Rejects with an error whose `code` is `"PROVIDER_FATAL"` (and `errors`, the config's
   * diagnostics) when the config is invalid or the wasm cannot load.
   */
  initialize(context?: EvaluationContext): Promise<void>;
  /** Frees the old context's session and opens the new one (synchronously). */
  onContextChange(oldContext: EvaluationContext, newContext: EvaluationContext): void;
  /** Frees the sessions, and the engine when the provider built it. */
  onClose(): Promise<void>;
  /**
   * Replaces the engine with one built from `config`, emits `ConfigurationChanged` with the
   * flags asked so far whose answers changed (or `Ready` after a failed `initialize`) and
   * returns those flag keys. Before `initialize`, only stores the config.
   * @throws {import("upgrade-prompts").ConfigError} when the config is invalid (the engine in
   * use stays).
   */
  setConfig(config: Config | JsonConfig | string | Uint8Array | ArrayBuffer, options?: EngineOptions): string[];
  /** As `setConfig`, with an engine owned by the caller (never freed by the provider). */
  setEngine(engine: PromptEngine): string[];
  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger?: Logger): ResolutionDetails<boolean>;
  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger?: Logger): ResolutionDetails<string>;
  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger?: Logger): ResolutionDetails<number>;
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger?: Logger): ResolutionDetails<T>;
}

/**
 * The engine context an evaluation context maps to: `now`, `locale`, `account`, `user`,
 * `usage`, `features`, `page` and `signals` pass through; dotted keys such as `"account.plan"`
 * set that path (shorter paths first; where keys conflict the longer wins, a value on its way
 * that is not an object becoming one; keys with an empty segment or a segment `__proto__`,
 * `constructor` or `prototype` are ignored; the host's objects are copied, never changed);
 * `targetingKey` fills `account.id` (or `user.id`) when absent; other keys are ignored. Linear
 * in the size of the context. Throws only when reading the context throws.
 */
export declare function toEngineContext(
  evaluationContext: EvaluationContext,
  options?: { targetingKey?: TargetingKeyOwner },
): Partial<Context>;

/** The shape of a flag key, or null for a key the provider does not serve. */
export declare function parseFlagKey(flagKey: string):
  | { type: "boolean"; kind: "feature"; id: string }
  | { type: "number"; kind: "usage"; id: string; field: "used" | "limit" | "remaining" | "ratio" | "daysLeft" | "projected" }
  | { type: "string"; kind: "usage"; id: string; field: "state" }
  | { type: "string"; kind: "plan" }
  | { type: "object"; kind: "callouts"; placement: string | null }
  | null;
