/** A path into the config or the context, such as `["rules", 3, "when"]`. */
export type Path = (string | number)[];

// The closed sets (`CalloutKind`, `CtaAction`, `Severity`, `UsageState`, `CreditState`,
// `MetricKind`, `SuppressionReason`,
// `TraceStatus`, `FeatureReason`, `AccessSource`, `EventType`, `OnboardingPolicy`, `Period`,
// `BuiltinPlacement`, `DiagnosticCode`) are declared in ts/vocabulary.d.ts, generated from
// src/base/vocab.rs and placed before this file in the package's declarations.

/** A coded problem with a path (see docs/codes.md for every code). */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  path: Path;
  help?: string;
  /** Character range in a rule expression or message template. */
  span?: { start: number; end: number };
  /** 1-based line of the problem in the JSON text or the rule expression, when known. */
  line?: number;
  /** 1-based column (in Unicode characters) of the problem, when known. */
  column?: number;
}

export interface ValidationReport {
  valid: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** The error thrown by `new PromptEngine(config)` for an invalid config. */
export interface ConfigError extends Error {
  name: "ConfigError";
  errors: Diagnostic[];
}

export type Limit = number | null;
/** A price: a flat `monthly` amount, a `perSeat` amount (times the seat metric), an amount paid
 * `once` (credit packs), or a mix. */
export type Price =
  | { monthly: number; perSeat?: number; once?: number }
  | { monthly?: number; perSeat: number; once?: number }
  | { monthly?: number; perSeat?: number; once: number };
/** A plan of the catalog: priced, or sold by the sales team (`contactSales: true`, price optional). */
export type PlanConfig = {
  id: string; label?: string; features?: string[];
  /** Per metric: the limit (`null` = unlimited); for a windowed metric, limits by window id;
   * for a credit metric, the monthly grant. */
  limits?: Record<string, Limit | Record<string, Limit>>;
  /** Soft limits: per metric, the price of one unit past the limit (an overage notice instead of a block). */
  overage?: Record<string, { price: number }>;
  url?: string; description?: string;
} & ({ price: Price; contactSales?: boolean } | { contactSales: true; price?: Price });
/** Texts per locale tag (`en`, `ja`, `pt-BR`). */
export type LocalizedText = Record<string, { title?: string; body?: string; cta?: string }>;
/** Usage-limit texts per locale; `bodyForecast` replaces `body` when a forecast is known. */
export type LocalizedUsageText = Record<string, { title?: string; body?: string; bodyForecast?: string; cta?: string }>;

/**
 * A config read from a JSON file (`import catalog from "./catalog.json"` with
 * `resolveJsonModule`). TypeScript widens the literals of a JSON module (`"version": 1` is typed
 * `number`, a rule's `"kind"` is typed `string`), so such a config is accepted as JSON and
 * checked when it is loaded, with `ConfigError` listing every problem. Write configs in code
 * with `defineConfig` to have them checked where they are written.
 */
export type JsonConfig = { readonly plans: readonly unknown[]; readonly [key: string]: unknown };

export interface Config {
  version?: 1;
  currency?: string;
  /** `kind: "credits"` makes a metric a prepaid balance (`usage.<metric>.balance`); `windows`
   * gives it several limits, each over a rolling span (`"5h"`) or a calendar period. */
  metrics?: Record<string, {
    label?: string; period?: Period | null; kind?: MetricKind; description?: string;
    /** Decimals of its quantities in messages and meters: 0 (default, whole numbers), 1 or 2. */
    decimals?: 0 | 1 | 2;
    windows?: Record<string, ({ rolling: string; period?: never } | { period: Period; rolling?: never }) & { label?: string }>;
  }>;
  features?: Record<string, { label?: string; description?: string }>;
  plans: PlanConfig[];
  addons?: {
    id: string; label?: string; price: Price; features?: string[];
    /** Per metric: the increment per unit (for a windowed metric, by window id). */
    limits?: Record<string, number | Record<string, number | null>>;
    /** Credits granted once per unit, per credit metric (a credit pack, priced with `price.once`). */
    credits?: Record<string, number>;
    availableOn?: string[]; stackable?: boolean; maxQuantity?: number; url?: string; description?: string;
  }[];
  thresholds?: { approaching?: number; critical?: number };
  purchaseRoles?: string[];
  seatMetric?: string;
  readiness?: { minTenureDays?: number; minHealthScore?: number; blockOnOpenEscalations?: boolean;
                onboarding?: OnboardingPolicy; minFeatureAdoption?: number };
  frequency?: { maxPerDay?: number; minMinutesBetween?: number; dismissCooldownDays?: number };
  placements?: Record<string, { max?: number }>;
  builtins?: { featureGate?: boolean | { placement?: string; priority?: number };
               usageLimit?: boolean | { placement?: string; priority?: number; priorities?: { approaching?: number; critical?: number; atLimit?: number } };
               topUp?: boolean | { placement?: string; priority?: number; priorities?: { low?: number; critical?: number; empty?: number } } };
  rightSizing?: { headroom?: number };
  /**
   * `horizonDays`: how far ahead `daysToLimit` looks, a whole number of days from 1 to 3650
   * (default 90). `minElapsed`: the share of a metering period that must have passed before
   * the period is projected (`projected`, `daysLeft`), from 0 to 1 (default 0.2).
   */
  forecast?: { horizonDays?: number; minElapsed?: number };
  rules?: Rule[];
  messages?: {
    featureGate?: LocalizedText;
    usageLimit?: { approaching?: LocalizedUsageText; critical?: LocalizedUsageText; atLimit?: LocalizedUsageText; over?: LocalizedUsageText };
    topUp?: { low?: LocalizedUsageText; critical?: LocalizedUsageText; empty?: LocalizedUsageText };
    cta?: Partial<Record<CtaAction, Record<string, string>>>;
  };
  /** Ignored: lets editors attach a JSON schema. */
  $schema?: string;
}

export interface Rule {
  id: string;
  kind: CalloutKind;
  when: string;
  placement?: string;
  priority?: number;
  severity?: Severity;
  message: Record<string, { title?: string; body?: string; cta?: string }>;
  target?: string;
  cta?: { url?: string };
  cap?: { maxImpressions: number; perDays?: number };
  experiment?: { key: string; seed?: string; unit?: "account" | "user"; holdout?: number;
                 variants: { id: string; weight?: number; message?: Record<string, { title?: string; body?: string; cta?: string }>; placement?: string; priority?: number }[] };
  activeFrom?: string;
  activeUntil?: string;
  ignoreReadiness?: boolean;
  description?: string;
}

export interface UsageReport {
  used?: number | null;
  periodStart?: string;
  periodEnd?: string;
  history?: { at: string; value: number }[];
}

/** The use of a windowed metric, per window id (a number is `used`). */
export interface WindowedUsageReport {
  windows?: Record<string, number | {
    used?: number | null;
    /** When a rolling window's count next drops (its oldest use leaves it). */
    resetsAt?: string;
  }>;
}

/** The balance of a credit metric (`kind: "credits"`); a bare number is the balance. */
export interface CreditReport {
  /** Credits left now (negative for an overdraft). */
  balance?: number | null;
  /** Credits of the last grant or purchase; default the plan's monthly grant. */
  granted?: number | null;
  /** Earlier balances; the burn rate is the sum of the drops (top-ups do not count). */
  history?: { at: string; value: number }[];
  /** The account tops up by itself: top-up callouts are held back (`auto_recharge`). */
  autoRecharge?: boolean;
  /** When the balance expires. */
  expiresAt?: string;
}

export interface Context {
  now?: string;
  locale?: string;
  account: {
    id?: string; plan: string; addons?: (string | { id: string; quantity?: number })[];
    trials?: Record<string, string>; createdAt?: string; renewalAt?: string; healthScore?: number;
    lifecycle?: string; openEscalations?: number; traits?: Record<string, unknown>;
  };
  user?: { id?: string; role?: string; traits?: Record<string, unknown> };
  usage?: Record<string, UsageReport | CreditReport | WindowedUsageReport | number>;
  features?: Record<string, { uses30d?: number }>;
  page?: { route?: string; feature?: string };
  signals?: Record<string, unknown>;
}

export interface EngineOptions {
  /** A state exported earlier; when given, it is used instead of the stored one at construction. */
  state?: EngineState | unknown;
  /**
   * Keeps the state in `localStorage[key]` (restored at construction, written after each
   * recorded event) and merges what other tabs of the origin record into it (`storage` event).
   * Where storage cannot be used (Node, workers, disabled, full) the engine works in memory and
   * says why in `warnings` (`persist_unavailable`, `persist_failed`, `state_ignored`).
   */
  persist?: { key: string };
  /**
   * Read and check the whole context (unknown fields, ids and types everywhere), as the
   * playground and `lint --context` do. By default the engine reads only the paths the catalog
   * reads (the compiled catalog lists them), so a large context costs what the catalog uses.
   */
  strict?: boolean;
  /**
   * Called with each event of the log `analyze` reads, as a plain object: an `exposure` the
   * first time a unit is eligible in an experiment (or in the catalog's program-wide holdout,
   * `$program`), whatever its arm, remembered in the state so it is sent once; and every
   * event `record` stores, completed with its unit, placement, kind and, for a conversion,
   * target and `mrrDelta`. A handler that throws is reported once in `warnings`
   * (`event_handler_failed`) and never breaks the call.
   */
  onEvent?: (event: LogEvent) => void;
}

/** An exposure of a unit to an experiment (`$program`: the program-wide holdout). */
export interface ExposureEvent {
  type: "exposure";
  /** RFC 3339 (the context's `now`). */
  at: string;
  unit: string;
  /** The callout that made the unit eligible. */
  callout: string;
  experiment: string;
  /** A variant id, `holdout`, or for `$program` `holdout` or `exposed`. */
  arm: string;
}

/** What a user did with a callout, as `record` stored it. */
export interface OutcomeEvent {
  type: EventType;
  /** RFC 3339, the time stored. */
  at: string;
  /** The unit of the callout's experiment, else the account (else the user) of the latest
   * context; the event's own `unit` wins; `null` when none is known. */
  unit: string | null;
  callout: string;
  placement?: string;
  kind?: CalloutKind;
  /** Conversions: what was bought (the event's `target`, else the callout's target id). */
  target?: string;
  /** Conversions: the monthly revenue change (the event's, else the callout target's). */
  mrrDelta?: number;
}

/** One line of the event log (`schema/events.schema.json`). */
export type LogEvent = ExposureEvent | OutcomeEvent;


export interface UnlockOption {
  type: "plan" | "addon";
  id: string;
  label: string;
  /** Add-ons: how many units to buy; plans: null. */
  quantity: number | null;
  /** Change of the monthly bill; null for contact-sales plans and for per-seat prices when the
   * context reports no seats. */
  monthlyDelta: number | null;
  contactSales: boolean;
  url?: string;
  /** Paid once for the quantity (credit packs); absent otherwise. */
  once?: number;
}

export interface Callout {
  id: string;
  rule: string;
  kind: CalloutKind;
  placement: string;
  severity: Severity;
  /** `quantity` is present for add-ons only; `monthlyDelta` is null for contact-sales plans and
   * for per-seat prices when the context reports no seats. */
  target: { type: "plan" | "addon"; id: string; label: string; monthlyDelta: number | null; quantity?: number; contactSales: boolean;
            /** Paid once for the quantity (credit packs); absent otherwise. */
            once?: number } | null;
  title: string;
  body: string;
  cta: { label: string; action: CtaAction; url?: string };
  priority: number;
  experiment: { key: string; variant: string | null; holdout: boolean } | null;
  reasons: string[];
}

export interface FeatureCheck {
  feature: string;
  allowed: boolean;
  source: AccessSource | null;
  reason: FeatureReason;
  trialEndsAt: string | null;
  unlock: UnlockOption[];
  callout: Callout | null;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface UsageCheck {
  metric: string;
  used: number | null;
  limit: number | null;
  unlimited: boolean;
  remaining: number | null;
  ratio: number | null;
  state: UsageState | null;
  projected: number | null;
  daysLeft: number | null;
  /** Whole days until the usage trend reaches the limit, across periods, up to the forecast horizon (`forecast.horizonDays`, default 90); null beyond it or without a rising trend; 0 at or over the limit. */
  daysToLimit: number | null;
  /** UTC date (`YYYY-MM-DD`) the trend reaches the limit; null when `daysToLimit` is. */
  limitDate: string | null;
  period: { start: string; end: string } | null;
  /** Whether a number above is a projection (`projected`, `daysLeft`, `daysToLimit`, `limitDate`, or a credit run-out): word it as an estimate. */
  estimate: boolean;
  /** The metric's `decimals` when above 0 (absent otherwise): show quantities with at most this
   * many decimals, whole numbers without it. */
  decimals?: 1 | 2;
  /** A credit metric's balance and run-out (present for credit metrics only; `used`, `limit`,
   * `remaining` and `ratio` above are then the grant spent, the grant, the balance and the share spent). */
  credits?: {
    balance: number | null; granted: number | null; state: CreditState | null; burnPerDay: number | null;
    daysToEmpty: number | null; emptyDate: string | null; daysToExpiry: number | null; autoRecharge: boolean;
    /** Credits needed over the forecast horizon beyond the balance and the plan's refills. */
    need: number | null;
  };
  /** A windowed metric's binding window (present, with `windows`, for windowed metrics only;
   * null without reported use in a limited window). `used`, `limit` and the rest above are that window's. */
  binding?: string | null;
  windows?: {
    id: string; label: string; used: number | null; limit: number | null; remaining: number | null;
    ratio: number | null; state: UsageState | null;
    /** When the count drops next: a calendar window's end, a rolling window's `resetsAt`. */
    resetsAt: string | null;
  }[];
  unlock: UnlockOption[];
  callout: Callout | null;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export interface EvaluateOptions { placement?: string; trace?: boolean }

export interface TraceStep { expr: string; actual: string; result: "true" | "false" | "missing"; missing: boolean }

export interface RuleTrace {
  rule: string;
  callout: string | null;
  status: TraceStatus;
  /** The suppression reason; for `builtin:feature_gate` not shown, the FeatureCheck reason. */
  reason: SuppressionReason | FeatureReason | null;
  steps: TraceStep[];
  /** `builtin:top_up`: the need over the horizon, then every offer's arithmetic, best first. */
  headroom?: string[];
}

export interface Suppressed {
  rule: string;
  callout: string;
  reason: SuppressionReason;
  experiment?: { key: string; variant: string | null; holdout: boolean };
}

export interface Evaluation {
  callouts: Callout[];
  suppressed: Suppressed[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
  trace?: RuleTrace[];
}

export interface CalloutEvent {
  type: EventType;
  callout: string;
  /** RFC 3339 text, ms since the epoch, or a Date; default now. */
  at?: string | number | Date;
  /** For `onEvent`: the unit to log the event under (default: see `OutcomeEvent.unit`). */
  unit?: string;
  /** For `onEvent`, conversions: what was bought (default: the callout's target). */
  target?: string;
  /** For `onEvent`, conversions: the monthly revenue change (default: the callout target's). */
  mrrDelta?: number;
}

/** `at`: the time stored (RFC 3339), when the event was stored. */
export interface RecordResult { recorded: boolean; error: Diagnostic | null; at?: string }

export interface EngineState {
  version: 1;
  callouts: Record<string, { impressions: number[]; clickedAt?: number; dismissedAt?: number; convertedAt?: number }>;
  /** Experiments whose exposure was logged, per unit (at most 256, the latest kept). */
  exposures?: { experiment: string; unit: string; at: number }[];
}
