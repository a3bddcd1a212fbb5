// Generated from src/base/vocab.rs by `cargo run --example vocabulary`; do not edit by hand.

/** What a callout is for. */
export type CalloutKind =
  /** a feature the user tried is not in the plan */
  | "feature_gate"
  /** a move to a higher tier */
  | "upsell"
  /** a metered limit is near, at or over */
  | "usage_limit"
  /** more seats for a growing team */
  | "seat_expansion"
  /** an add-on for an adjacent need */
  | "cross_sell"
  /** a trial of a premium feature */
  | "trial"
  /** a cheaper plan that still fits the account */
  | "downsell"
  /** a prepaid credit balance is low or spent: a pack, an add-on or an upgrade tops it up */
  | "top_up";

/** How strongly a callout interrupts. */
export type Severity =
  /** informational */
  | "info"
  /** a warning */
  | "warning"
  /** blocks the user's action (exempt from global caps) */
  | "blocking";

/** What a callout's call to action does. */
export type CtaAction =
  /** move to a higher plan */
  | "upgrade"
  /** buy an add-on */
  | "add_addon"
  /** buy seats */
  | "add_seats"
  /** start a trial */
  | "start_trial"
  /** talk to sales */
  | "contact_sales"
  /** ask someone who may buy */
  | "ask_admin"
  /** move to a cheaper plan */
  | "downgrade";

/** The placements every catalog has unless it lists its own. */
export type BuiltinPlacement =
  /** a banner across the page, one at a time by default */
  | "banner"
  /** inline next to the content, up to three by default */
  | "inline"
  /** a modal dialog, one at a time by default */
  | "modal";

/** How close a metric is to its limit. */
export type UsageState =
  /** below the approaching threshold, or unlimited */
  | "ok"
  /** at or above `thresholds.approaching` */
  | "approaching"
  /** at or above `thresholds.critical` */
  | "critical"
  /** exactly at the limit */
  | "at_limit"
  /** above the limit */
  | "over";

/** How close a prepaid credit balance is to running out. */
export type CreditState =
  /** more than the low share of the last grant is left (or the grant is unknown) */
  | "ok"
  /** at most `1 − thresholds.approaching` of the grant is left */
  | "low"
  /** at most `1 − thresholds.critical` of the grant is left */
  | "critical"
  /** nothing is left */
  | "empty";

/** What a metric measures. */
export type MetricKind =
  /** use counted against a limit per plan (the default) */
  | "usage"
  /** a prepaid balance that burns down; plans' limits are their monthly grants */
  | "credits";

/** Why a callout that matched was held back. */
export type SuppressionReason =
  /** the account's health score is below `readiness.minHealthScore` */
  | "readiness:health"
  /** the account is younger than `readiness.minTenureDays` */
  | "readiness:tenure"
  /** the account is onboarding and `readiness.onboarding` holds the callout back */
  | "readiness:onboarding"
  /** the account has open support escalations */
  | "readiness:escalations"
  /** the account uses less of its plan than `readiness.minFeatureAdoption` */
  | "readiness:adoption"
  /** the rule's own impression cap is reached */
  | "cap:rule"
  /** the global frequency cap is reached */
  | "cap:global"
  /** the callout was dismissed within `frequency.dismissCooldownDays` */
  | "cooldown:dismissed"
  /** the account already bought what the callout offers */
  | "converted"
  /** the unit is in the experiment's holdout */
  | "holdout"
  /** the unit is in the catalog's program-wide holdout (`holdout`), which sees no callout but a blocking one */
  | "holdout:program"
  /** higher-ranked callouts fill the placement */
  | "placement_full"
  /** a higher-ranked callout pushes the same target */
  | "duplicate_target"
  /** another blocking callout is shown (at most one at a time; the feature gate of the page's feature wins, then rank) */
  | "blocking_shown"
  /** outside the rule's `activeFrom`/`activeUntil` */
  | "schedule"
  /** the rule has nothing to offer this account */
  | "no_target"
  /** the account tops its credits up by itself (`usage.<metric>.autoRecharge`) */
  | "auto_recharge";

/** How a rule fared, in a trace. */
export type TraceStatus =
  /** returned */
  | "shown"
  /** held back (see the reason) */
  | "suppressed"
  /** its condition was not true */
  | "not_matched"
  /** shown, but filtered out by the `placement` option */
  | "other_placement";

/** Why a feature is or is not available (`checkFeature`). */
export type FeatureReason =
  /** included in the plan */
  | "included_in_plan"
  /** given by an add-on the account holds */
  | "included_in_addon"
  /** an unexpired trial */
  | "trial_active"
  /** not in the plan, no add-on, no trial */
  | "not_in_plan"
  /** a trial of it has ended */
  | "trial_expired"
  /** not a feature of the catalog */
  | "unknown_feature"
  /** the context could not be read well enough to deny it (access is not denied then) */
  | "invalid_context";

/** Where access to a feature comes from. */
export type AccessSource =
  /** included in the plan */
  | "plan"
  /** given by an owned add-on */
  | "addon"
  /** an unexpired trial */
  | "trial";

/** An event the host records. */
export type EventType =
  /** the callout was shown */
  | "impression"
  /** its call to action was clicked */
  | "click"
  /** the user dismissed it */
  | "dismiss"
  /** the user bought what it offered */
  | "convert";

/** How onboarding accounts are treated (`readiness.onboarding`). */
export type OnboardingPolicy =
  /** only cross-sells get through */
  | "cross_sell_only"
  /** nothing gets through */
  | "block"
  /** no special treatment */
  | "allow";

/** How often a metered usage counter resets. */
export type Period =
  /** every UTC day */
  | "day"
  /** every UTC week starting Monday */
  | "week"
  /** every UTC calendar month */
  | "month"
  /** every UTC calendar year */
  | "year";

/** The code of a diagnostic: what kind of problem it reports, in the config, a context, an input file or a call. */
export type DiagnosticCode =
  /** the text is not valid JSON (or not UTF-8) */
  | "invalid_json"
  /** an object has the same key twice */
  | "duplicate_key"
  /** the input is larger than the engine reads */
  | "too_large"
  /** more problems than a report lists; the rest are counted */
  | "too_many_problems"
  /** a key the format does not have */
  | "unknown_field"
  /** a required key is missing */
  | "missing_field"
  /** a value has the wrong JSON type */
  | "invalid_type"
  /** a number is infinite or not a number */
  | "not_finite"
  /** a value of the right type that the field does not accept */
  | "invalid_value"
  /** a number outside the range of its field */
  | "out_of_range"
  /** a number below zero where only zero or more makes sense */
  | "negative_value"
  /** a text that must say something is empty */
  | "empty_string"
  /** a text (an id, a rule condition, a message) is longer than allowed */
  | "too_long"
  /** a list or map has more entries than the engine accepts */
  | "too_many"
  /** an id is not a letter followed by letters, digits, `_` or `-` */
  | "invalid_id"
  /** two entries share one id */
  | "duplicate_id"
  /** a list names the same thing twice */
  | "duplicate_entry"
  /** two keys that cannot be used together */
  | "conflicting_fields"
  /** the config's `version` is not one this engine reads */
  | "unsupported_version"
  /** `currency` is not an ISO 4217 code */
  | "invalid_currency"
  /** the config lists no plans */
  | "empty_plans"
  /** an add-on gives neither features nor limits */
  | "empty_addon"
  /** a metric id the catalog does not define */
  | "unknown_metric"
  /** a feature id the catalog does not define */
  | "unknown_feature"
  /** a plan id the catalog does not define */
  | "unknown_plan"
  /** an add-on id the catalog does not define */
  | "unknown_addon"
  /** a plan does not list a limit for a metric, which makes it unlimited */
  | "implicit_unlimited"
  /** per-seat prices need a seat metric the catalog does not have */
  | "missing_seat_metric"
  /** thresholds that must rise do not */
  | "not_increasing"
  /** a rule's `kind` is not a callout kind */
  | "unknown_kind"
  /** a placement the catalog does not define */
  | "unknown_placement"
  /** a rule's `target` is not a plan or add-on of the catalog */
  | "unknown_target"
  /** a rule of this kind needs a `target` */
  | "missing_target"
  /** a message has no title in any locale */
  | "missing_title"
  /** an experiment lists no variants */
  | "missing_variants"
  /** a date is not RFC 3339 text */
  | "invalid_date"
  /** a period that ends before it starts, or an unknown period name */
  | "invalid_period"
  /** a locale tag that is not a language tag */
  | "invalid_locale"
  /** two locale tags that name the same locale */
  | "duplicate_locale"
  /** a URL that is neither absolute `https:`/`http:` nor a path */
  | "invalid_url"
  /** a `{` in a message has no closing `}` */
  | "unclosed_placeholder"
  /** a `}` in a message has no opening `{` */
  | "unmatched_brace"
  /** a message placeholder names a path messages cannot read */
  | "unknown_placeholder"
  /** a rule condition cannot be parsed */
  | "syntax_error"
  /** a string in a rule condition has no closing quote */
  | "unterminated_string"
  /** a number that cannot be read (in a rule condition or an input cell) */
  | "invalid_number"
  /** a rule condition nests deeper than the engine evaluates */
  | "too_deep"
  /** a rule reads a path the context does not have */
  | "unknown_path"
  /** a rule calls a function the rule language does not have */
  | "unknown_function"
  /** a function is called with the wrong number of arguments */
  | "wrong_arity"
  /** an argument that must be written as a literal is computed */
  | "not_literal"
  /** a rule names an id the catalog does not define */
  | "unknown_id"
  /** an operator or function is applied to values of the wrong type */
  | "type_mismatch"
  /** a rule condition is not true or false */
  | "not_boolean"
  /** bytes that are not a catalog compiled by this version */
  | "invalid_catalog"
  /** a config was given to the runtime entry, which reads compiled catalogs only */
  | "needs_authoring"
  /** the engine's wasm is not initialized yet */
  | "not_initialized"
  /** the context cannot be read as a context */
  | "invalid_context"
  /** a usage history has more points than are used */
  | "history_truncated"
  /** a usage report gives only one of `periodStart` and `periodEnd` */
  | "incomplete_period"
  /** an add-on quantity above the add-on's `maxQuantity` */
  | "quantity_above_max"
  /** a limit callout needs usage the context does not report */
  | "missing_usage"
  /** nothing in the catalog unlocks the feature or raises the limit */
  | "no_unlock_option"
  /** an event that cannot be recorded */
  | "invalid_event"
  /** an event names a callout the catalog cannot produce */
  | "unknown_callout"
  /** a stored state could not be read and was ignored */
  | "state_ignored"
  /** an option the call does not have */
  | "unknown_option"
  /** an option of the wrong type or value */
  | "invalid_option"
  /** the state cannot be kept in storage here; the engine works in memory */
  | "persist_unavailable"
  /** writing the state to storage failed */
  | "persist_failed"
  /** the `onEvent` handler threw; the call went on (reported once per engine) */
  | "event_handler_failed"
  /** recording an event through a binding failed */
  | "record_failed"
  /** a value passed as an engine is not a PromptEngine */
  | "invalid_engine"
  /** the engine could not open a session */
  | "engine_failed"
  /** the engine was freed and cannot answer */
  | "engine_freed"
  /** a catalog given to a binding could not be loaded */
  | "catalog_failed"
  /** the package's wasm could not be initialized */
  | "init_failed"
  /** a config needs `upgrade-prompts/authoring`, which could not be loaded */
  | "authoring_unavailable"
  /** a file named on the command line does not exist */
  | "file_not_found"
  /** a path names a directory where a file is needed */
  | "is_directory"
  /** a path names something that is not a regular file */
  | "not_a_file"
  /** a file could not be read */
  | "unreadable_file"
  /** a file is not UTF-8 text */
  | "invalid_utf8"
  /** a JSON file starts with a byte order mark */
  | "byte_order_mark"
  /** a file holds nothing to read */
  | "empty_file"
  /** an input holds no accounts */
  | "empty_input"
  /** a row of an input table cannot be read */
  | "invalid_row"
  /** a cell of an input table cannot be read */
  | "invalid_cell"
  /** a table column the context format does not have */
  | "unknown_column"
  /** two columns of a table have one name */
  | "duplicate_column"
  /** a column's type cannot hold the context value it names */
  | "wrong_column_type"
  /** a file named as Parquet is not a readable Parquet file */
  | "invalid_parquet"
  /** rows of an input could not be decoded */
  | "unreadable_rows"
  /** a command-line argument that cannot be used */
  | "invalid_argument"
  /** the config given to a command is not valid */
  | "invalid_config"
  /** an output could not be written */
  | "write_failed"
  /** a worker thread of the command-line tool could not start or failed */
  | "worker_failed"
  /** the npm bin cannot read this input format (Parquet) */
  | "unsupported_format"
  /** a failure inside the tool (a bug) */
  | "internal_error";
