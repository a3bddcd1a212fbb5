// Types of the audience entry (`upgrade-prompts/audience`): simulate, generate and analyze.

/** Options of `simulate`, `engine.simulate` and `new PromptSimulation`. */
export interface SimulateOptions {
  /** Stands in for contexts without `now`: RFC 3339 text, ms since the epoch or a Date (default: the host clock). */
  now?: string | number | Date;
  /** Forecast horizon of `daysToLimit` in days, a whole number from 1 to 3650 (default: the config's `forecast.horizonDays`, else 90). */
  horizonDays?: number;
  /** Count only callouts shown in this placement, as `evaluate({ placement })` does. */
  placement?: string;
  /** Length of each top list (opportunities, downsells, soonest limits per metric); default 20. */
  top?: number;
  /** A recorded engine state (`engine.exportState()`): caps, cooldowns and conversions apply as in that engine. */
  state?: EngineState | unknown;
}

/** A catalog compiled for the runtime by `compile(config)`. */
export interface CompiledCatalog {
  /** The artifact: what `new PromptEngine(bytes)` loads (save it as `catalog.bin`). Deterministic for a config. */
  bytes: Uint8Array;
  /** Content hash of the artifact, 16 hex digits. */
  hash: string;
  /** The context paths the catalog reads, every metric and feature id written out. */
  paths: string[];
  /** Warnings found while validating the config. */
  warnings: Diagnostic[];
}

/** What a rule of a catalog can name (`contextVocabulary(config)`): for editors that complete rules. */
export interface ContextVocabulary {
  /** Readable paths, every metric and feature id written out; a path ending in `.` takes a key the host chooses (`account.traits.`). */
  paths: { path: string; type: "number" | "string" | "bool" | "list" | "dyn"; nullable: boolean; description?: string }[];
  /** Functions (`hasFeature('sso')`), then methods (`page.route.startsWith('/x')`). */
  functions: {
    name: string;
    /** Called on a value: `x.contains('a')`. */
    method: boolean;
    /** The type of the value a method is called on, or null for a function. */
    receiver: string | null;
    /** Arguments; `values` lists the ids accepted (the catalog's feature, add-on or plan ids), empty when any value goes. */
    args: { name: string; type: string; values: string[] }[];
    returns: string;
    description: string;
  }[];
}

/** In this entry an engine can also simulate, with its config and recorded state. */
export interface PromptEngine {
  /** `simulate(thisEngine's config, contexts, { ...options, state: this.exportState() })`. */
  simulate(contexts: Context[] | string, options?: SimulateOptions): SimulationReport;
  /** A simulation fed in parts with this engine's config and recorded state. */
  simulation(options?: SimulateOptions): PromptSimulation;
}

export type ReadinessGuard = Extract<SuppressionReason, `readiness:${string}`>;

/** The result of a simulation. Counts are of callouts: one per rule and account, except the usage-limit built-in, which may give one per metric. */
export interface SimulationReport {
  /** The clock used for contexts without `now` (RFC 3339). */
  now: string;
  horizonDays: number;
  /** The placement counted, if one was asked for. */
  placement: string | null;
  top: number;
  totals: SimulationTotals;
  /** Per rule, then `builtin:feature_gate` and `builtin:usage_limit`. */
  rules: RuleReach[];
  /** Per placement of the config: accounts shown at least one callout there, and callouts. */
  placements: { placement: string; accounts: number; callouts: number }[];
  readiness: {
    /** Accounts no guard holds back. */
    ready: number;
    /** Accounts per first failing guard (every guard, in order). */
    blocked: Record<ReadinessGuard, number>;
    /** Accounts without a readable plan (neither ready nor blocked). */
    noPlan: number;
  };
  /** The accounts with the most valuable expansion callout (shown, or held back only by readiness), best first. */
  opportunities: Opportunity[];
  /** The accounts with the largest downsell saving, largest first. */
  downsells: Opportunity[];
  /** Per metric: accounts whose usage trend reaches the limit within the horizon. */
  limitForecast: MetricForecast[];
  /** The first 100 accounts with an error, by index (all are counted in `totals`). */
  errors: SimulationErrorRow[];
  /** Problems with the options. */
  warnings: Diagnostic[];
}

export interface SimulationTotals {
  /** Accounts read (error rows included). */
  accounts: number;
  /** Accounts scored. */
  evaluated: number;
  /** Accounts with an error: rows that are not contexts and contexts with problems. */
  accountsWithErrors: number;
  /** Rows that could not be turned into a context (not scored). */
  errorRows: number;
  accountsWithCallouts: number;
  callouts: number;
  opportunityAccounts: number;
  /** Sum over accounts of the best opportunity's monthly delta. */
  potentialMonthlyUplift: number;
  downsellAccounts: number;
  /** Sum over accounts of the downsell's monthly saving. */
  potentialMonthlySavings: number;
}

export interface RuleReach {
  /** Rule id, or `builtin:feature_gate` / `builtin:usage_limit`. */
  rule: string;
  kind: CalloutKind;
  builtin: boolean;
  /** Callouts built (condition true and in schedule). */
  matched: number;
  /** Callouts shown (in the asked placement). */
  shown: number;
  /** Callouts shown in a placement other than the one asked for. */
  otherPlacement: number;
  /** Suppressed callouts per reason (reasons with a count only). */
  suppressed: Partial<Record<SuppressionReason, number>>;
  /** Shown callouts per placement (placements with a count only). */
  placements: Record<string, number>;
  experiment: {
    key: string;
    /** The holdout first, then the variants in config order. */
    arms: { arm: string; holdout: boolean; assigned: number; exposed: number }[];
  } | null;
}

export interface Opportunity {
  accountId: string | null;
  /** Index of the account in the input (JSON Lines: line number from 1; arrays and generated populations: position from 0). */
  index: number;
  plan: string | null;
  callout: string;
  rule: string;
  kind: CalloutKind;
  target: { type: "plan" | "addon"; id: string; label: string; monthlyDelta: number | null; quantity?: number; contactSales: boolean };
  /** Change of the monthly bill (negative for a downsell). */
  monthlyDelta: number;
  /** Whether the callout is shown (else a readiness guard holds it back). */
  shown: boolean;
  /** Whether the account passes the readiness guards for this kind. */
  ready: boolean;
  guard: ReadinessGuard | null;
}

export interface MetricForecast {
  metric: string;
  label: string;
  /** Accounts below the limit whose trend reaches it within the horizon. */
  accounts: number;
  /** Accounts already at or over the limit. */
  atOrOver: number;
  /** `accounts` per week of `daysToLimit` (week 0 = days 0–6). */
  byWeek: number[];
  /** The soonest of `accounts`, soonest first. */
  soonest: LimitHit[];
}

export interface LimitHit {
  accountId: string | null;
  index: number;
  plan: string | null;
  metric: string;
  daysToLimit: number;
  /** `YYYY-MM-DD`. */
  limitDate: string;
  used: number;
  limit: number;
}

export interface SimulationErrorRow {
  index: number;
  accountId: string | null;
  code: DiagnosticCode;
  message: string;
  path: Path;
  help?: string;
}

/** Options of `analyzeEvents`. */
export interface AnalyzeEventsOptions {
  /** The log's name in messages; its extension tells the format when `format` is absent. */
  name?: string;
  format?: "jsonl" | "csv";
}

/** What `analyzeEvents` gives: the report of `upgrade-prompts analyze --format json`. */
export interface EventAnalysis {
  /** The window counted (RFC 3339), `null` when open. */
  from: string | null;
  to: string | null;
  totals: EventTotals;
  /** Every experiment of the catalog's rules (in rule order), then any other of the log. */
  experiments: ExperimentResult[];
  /** The program-wide holdout (`$program`), when the log has exposures to it. */
  program: ExperimentResult | null;
  callouts: CalloutResult[];
  placements: (EventCounts & { placement: string | null })[];
  kinds: (EventCounts & { kind: CalloutKind | null })[];
  /** The first bad lines, by line. */
  errors: EventLineError[];
  errorsNotListed: number;
  /** Bad lines per code. */
  errorCodes: Partial<Record<DiagnosticCode, number>>;
  /** Problems with the whole file or a CSV column. */
  inputErrors: (Diagnostic & { line: number | null; column: number | null })[];
}

export interface EventTotals {
  events: number;
  used: number;
  outsideWindow: number;
  badLines: number;
  units: number;
  conversions: number;
  conversionsWithoutCallout: number;
  mrr: number;
  firstAt: string | null;
  lastAt: string | null;
}

export interface ExperimentResult {
  key: string;
  configured: boolean;
  rules: string[];
  unit: "account" | "user" | null;
  units: number;
  unitsInSeveralArms: number;
  /** The split check: chi-square p-value against the configured split; `ok` when it is at least 0.001. */
  srm: { pValue: number | null; ok: boolean | null };
  /** The holdout first, then the variants. */
  arms: ArmResult[];
  /** `$program` only: (MRR per exposed unit − MRR per holdout unit) × exposed units. */
  attributedMrr?: number | null;
}

export interface ArmResult {
  id: string;
  holdout: boolean;
  expectedShare: number | null;
  units: number;
  converted: number;
  rate: number | null;
  /** The 95 % Wilson interval of the rate. */
  ci: [number, number] | null;
  mrr: number;
  mrrPerUnit: number | null;
  /** Against the holdout (variants only). */
  lift: { relative: number | null; ci: [number, number] | null; pValue: number | null; chanceToBeat: number | null } | null;
}

export interface EventCounts {
  exposures: number;
  impressions: number;
  clicks: number;
  dismissals: number;
  conversions: number;
  mrr: number;
}

export interface CalloutResult extends EventCounts {
  id: string;
  known: boolean;
  kind: CalloutKind | null;
  placement: string | null;
  byPlacement: (EventCounts & { placement: string | null })[];
  byKind: (EventCounts & { kind: CalloutKind | null })[];
}

export interface EventLineError {
  line: number;
  code: DiagnosticCode;
  message: string;
  path: Path;
  help?: string;
}

/**
 * How the command-line tool found a file: `"ok"` (its bytes are given), `"missing"`,
 * `"directory"`, `"over_memory_limit"`, or the reason it cannot be read (as the system says it).
 */
export type CliFileState = string;

/** A config file as `cliSimulate`, `cliAnalyze` and `CliGenerate` take it. */
export interface CliConfigFile {
  configName: string;
  configState: CliFileState;
  /** At most 4 MiB and one byte of it (a longer file is reported as `too_large`). */
  config: Uint8Array;
}

/** `upgrade-prompts simulate`'s files and flags, as the command line gave them. */
export interface CliSimulateRequest extends CliConfigFile {
  accountsName: string;
  accountsState: CliFileState;
  accounts: Uint8Array;
  inputFormat?: "jsonl" | "csv" | "parquet" | null;
  now?: string | null;
  horizon?: number;
  top?: number;
  placement?: string | null;
  format?: "table" | "json" | "csv" | "reach-csv";
  quiet?: boolean;
  /** `--rates`: the JSON report of `analyze`, read as the config is (`null`: no `--rates`). */
  ratesName?: string | null;
  ratesState?: CliFileState;
  rates?: Uint8Array;
  /** `--accounts-out`: the file's name; its bytes come back in `CliPrinted.accountsOut`. */
  accountsOut?: string | null;
}

/** `upgrade-prompts analyze`'s files and flags, as the command line gave them. */
export interface CliAnalyzeRequest extends CliConfigFile {
  eventsName: string;
  eventsState: CliFileState;
  events: Uint8Array;
  inputFormat?: "jsonl" | "csv" | "parquet" | null;
  from?: string | null;
  to?: string | null;
  format?: "table" | "json" | "csv";
  quiet?: boolean;
}

/** `upgrade-prompts generate`'s config and flags. */
export interface CliGenerateRequest extends CliConfigFile {
  now?: string | null;
  /** A whole number from 0 to 2^64 - 1, in decimal. */
  seed?: string;
}

/** What a command printed and its exit code (0, 1 or 2). */
export interface CliPrinted {
  stdout: Uint8Array;
  stderr: string;
  code: number;
  /** `simulate --accounts-out`: the file's bytes (CSV or JSON Lines) for the caller to write. */
  accountsOut?: Uint8Array;
}

/**
 * A file of `lint` or `compile` as the command-line tool read it: `"ok"` with its `bytes` (at
 * most the limit and one more byte), `"missing"`, `"parent_not_directory"`, `"directory"`,
 * `"not_a_file"`, `"too_large"` with its `size` (not read), or `"failed"` with the system
 * error's `reason` (`EACCES`, …).
 */
export interface CliLintFile {
  name: string;
  state: "ok" | "missing" | "parent_not_directory" | "directory" | "not_a_file" | "too_large" | "failed";
  bytes?: Uint8Array;
  size?: number;
  reason?: string;
}

/** `upgrade-prompts lint`'s (or `compile`'s) files and flags. */
export interface CliLintRequest {
  configs: CliLintFile[];
  context?: CliLintFile | null;
  format?: "text" | "json" | "github";
  /** Whether the text format is coloured. */
  color?: boolean;
  /** `compile -o`: the name of the output (makes the command `compile`). */
  compileTo?: string | null;
}

/** What `lint` or `compile` printed and its exit code (0, 1 or 2). */
export interface CliLintPrinted {
  stdout: string;
  stderr: string;
  code: number;
  /** `compile` without an error: the compiled catalog, to write to the output. */
  artifact: Uint8Array | null;
  /** With `artifact`: what stderr says once it is written. */
  written: string;
}
