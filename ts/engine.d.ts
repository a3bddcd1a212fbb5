
/** A loaded catalog and its recorded state. Construct once per catalog; evaluate many contexts. */
export class PromptEngine {
  /**
   * Loads a compiled catalog: the bytes `upgrade-prompts compile` wrote, as a `Uint8Array` or
   * an `ArrayBuffer`. Entries that read configs (`upgrade-prompts/authoring`, and every Node
   * entry) also take a config, as an object or JSON text.
   *
   * Throws a `ConfigError` whose `errors` lists every problem: `invalid_catalog` for bytes
   * that are not a compiled catalog this version reads, `needs_authoring` for a config given
   * to the runtime entry, config errors otherwise.
   */
  constructor(catalog: Catalog, options?: EngineOptions | null);
  /** Reads a context once for several questions (`checkFeature`, `checkUsage`, `evaluate`). */
  session(context: Context | string): PromptSession;
  /** May the user use `feature`? Never throws for a bad context. */
  checkFeature(feature: string, context: Context | string): FeatureCheck;
  /** How close is the account to the limit on `metric`? Never throws for a bad context. */
  checkUsage(metric: string, context: Context | string): UsageCheck;
  /** Evaluates built-in callouts and rules for a context. Never throws for a bad context. */
  evaluate(context: Context | string, options?: EvaluateOptions | null): Evaluation;
  /** Records an impression, click, dismissal or conversion. Never throws for a bad event. */
  record(event: CalloutEvent): RecordResult;
  /** The state to persist (versioned, JSON-serializable, bounded). */
  exportState(): EngineState;
  /** Warnings found while loading the catalog, reading the options, restoring a state or persisting it. */
  readonly warnings: Diagnostic[];
  /** Releases the engine's memory now (otherwise it is released when collected). */
  free(): void;
}

/**
 * One context read once, asked several questions: `engine.session(context)`. Feature and
 * usage answers depend only on the context, so each is computed once per session and handed
 * out again as the same deeply frozen object.
 */
export class PromptSession {
  private constructor();
  /** May the user use `feature`? Asked again, the same frozen answer is returned. */
  checkFeature(feature: string): FeatureCheck;
  /** How close is the account to the limit on `metric`? */
  checkUsage(metric: string): UsageCheck;
  /** Evaluates for the session's context, with the engine's current state (events recorded since the session began count). */
  evaluate(options?: EvaluateOptions | null): Evaluation;
  /** Releases the session's memory now. */
  free(): void;
}

/** The error a failed load throws. */
export const ConfigError: { new (errors: Diagnostic[]): ConfigError; prototype: ConfigError };

/**
 * Returns the config unchanged. Lets TypeScript check a config literal where it is written
 * (`version: 1`, kinds and actions keep their literal types), without a cast.
 */
export function defineConfig(config: Config): Config;
