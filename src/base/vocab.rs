//! The vocabulary: every closed set of words the host sees (callout kinds, CTA actions,
//! severities, built-in placements, usage states, suppression reasons, trace statuses, feature
//! check reasons, access sources, event types, onboarding policies, metering periods and
//! diagnostic codes), each one enum with its wire name, a one-line meaning and, for diagnostic
//! codes, how to fix the problem.
//!
//! These enums are the only list of these words: the TypeScript unions (`ts/vocabulary.d.ts`),
//! the JSON Schema's enum arrays and `docs/codes.md` are generated from them by
//! `cargo run --example vocabulary`, and `tests/vocabulary.rs` fails when they drift.

/// Defines a closed set: the enum, its wire names (`as_str`, `parse`), its meanings and fixes,
/// and the name of its TypeScript union.
macro_rules! vocabulary {
    (
        $(#[doc = $doc:literal])*
        $name:ident as $ts:literal {
            $( $var:ident = $wire:literal : $meaning:literal $(; fix $fix:literal)? ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( #[doc = $meaning] $var, )*
        }

        impl $name {
            /// Every word of the set, in declaration order.
            pub const ALL: [$name; [$($wire),*].len()] = [$($name::$var),*];

            /// Every wire name, in declaration order.
            pub const NAMES: [&'static str; [$($wire),*].len()] = [$($wire),*];

            /// The name of the TypeScript union generated from this set.
            pub const TS_NAME: &'static str = $ts;

            /// What the set is (its doc comment, one line per doc line).
            pub const DOC: &'static [&'static str] = &[$($doc),*];

            /// Every wire name, one after another: `as_str` slices it by [`Self::ENDS`]. One
            /// string and a table of ends take less room in the shipped wasm than a pointer and
            /// a length per word, which a `match` to string literals compiles to.
            const JOINED: &'static str = concat!($($wire),*);

            /// Where each wire name ends in [`Self::JOINED`]. (Computed when the crate is
            /// compiled: an index out of range fails the build, never a call.)
            #[allow(clippy::indexing_slicing)]
            const ENDS: [u16; [$($wire),*].len()] = {
                let mut ends = [0u16; [$($wire),*].len()];
                let mut i = 0;
                let mut at = 0;
                while i < ends.len() {
                    at += Self::NAMES[i].len();
                    ends[i] = at as u16;
                    i += 1;
                }
                ends
            };

            /// The wire name, as serialized to the host.
            pub fn as_str(self) -> &'static str {
                let i = self as usize;
                let end = Self::ENDS.get(i).map_or(0, |e| usize::from(*e));
                let start = match i.checked_sub(1) {
                    Some(p) => Self::ENDS.get(p).map_or(0, |e| usize::from(*e)),
                    None => 0,
                };
                Self::JOINED.get(start..end).unwrap_or("")
            }

            /// The word with this wire name.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $( $wire => Some($name::$var), )*
                    _ => None,
                }
            }

            /// One line on what the word means.
            pub fn meaning(self) -> &'static str {
                match self {
                    $( $name::$var => $meaning, )*
                }
            }

            /// How to fix the problem the word names (empty outside diagnostic codes).
            pub fn fix(self) -> &'static str {
                match self {
                    $( $name::$var => vocabulary!(@fix $($fix)?), )*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl super::out::ToJson for $name {
            fn write(&self, out: &mut super::out::Out) {
                out.str(self.as_str());
            }
        }
    };
    (@fix $fix:literal) => { $fix };
    (@fix) => { "" };
}

vocabulary! {
    /// What a callout is for.
    CalloutKind as "CalloutKind" {
        FeatureGate = "feature_gate": "a feature the user tried is not in the plan",
        Upsell = "upsell": "a move to a higher tier",
        UsageLimit = "usage_limit": "a metered limit is near, at or over",
        SeatExpansion = "seat_expansion": "more seats for a growing team",
        CrossSell = "cross_sell": "an add-on for an adjacent need",
        Trial = "trial": "a trial of a premium feature",
        Downsell = "downsell": "a cheaper plan that still fits the account",
        TopUp = "top_up": "a prepaid credit balance is low or spent: a pack, an add-on or an upgrade tops it up",
    }
}

vocabulary! {
    /// How strongly a callout interrupts.
    Severity as "Severity" {
        Info = "info": "informational",
        Warning = "warning": "a warning",
        Blocking = "blocking": "blocks the user's action (exempt from global caps)",
    }
}

vocabulary! {
    /// What a callout's call to action does.
    Action as "CtaAction" {
        Upgrade = "upgrade": "move to a higher plan",
        AddAddon = "add_addon": "buy an add-on",
        AddSeats = "add_seats": "buy seats",
        StartTrial = "start_trial": "start a trial",
        ContactSales = "contact_sales": "talk to sales",
        AskAdmin = "ask_admin": "ask someone who may buy",
        Downgrade = "downgrade": "move to a cheaper plan",
    }
}

vocabulary! {
    /// The placements every catalog has unless it lists its own.
    Placement as "BuiltinPlacement" {
        Banner = "banner": "a banner across the page, one at a time by default",
        Inline = "inline": "inline next to the content, up to three by default",
        Modal = "modal": "a modal dialog, one at a time by default",
    }
}

vocabulary! {
    /// How close a metric is to its limit.
    UsageState as "UsageState" {
        Ok = "ok": "below the approaching threshold, or unlimited",
        Approaching = "approaching": "at or above `thresholds.approaching`",
        Critical = "critical": "at or above `thresholds.critical`",
        AtLimit = "at_limit": "exactly at the limit",
        Over = "over": "above the limit",
    }
}

vocabulary! {
    /// How close a prepaid credit balance is to running out.
    CreditState as "CreditState" {
        Ok = "ok": "more than the low share of the last grant is left (or the grant is unknown)",
        Low = "low": "at most `1 − thresholds.approaching` of the grant is left",
        Critical = "critical": "at most `1 − thresholds.critical` of the grant is left",
        Empty = "empty": "nothing is left",
    }
}

vocabulary! {
    /// What a metric measures.
    MetricKind as "MetricKind" {
        Usage = "usage": "use counted against a limit per plan (the default)",
        Credits = "credits": "a prepaid balance that burns down; plans' limits are their monthly grants",
    }
}

vocabulary! {
    /// Why a callout that matched was held back.
    SuppressionReason as "SuppressionReason" {
        ReadinessHealth = "readiness:health": "the account's health score is below `readiness.minHealthScore`",
        ReadinessTenure = "readiness:tenure": "the account is younger than `readiness.minTenureDays`",
        ReadinessOnboarding = "readiness:onboarding": "the account is onboarding and `readiness.onboarding` holds the callout back",
        ReadinessEscalations = "readiness:escalations": "the account has open support escalations",
        ReadinessAdoption = "readiness:adoption": "the account uses less of its plan than `readiness.minFeatureAdoption`",
        CapRule = "cap:rule": "the rule's own impression cap is reached",
        CapGlobal = "cap:global": "the global frequency cap is reached",
        CooldownDismissed = "cooldown:dismissed": "the callout was dismissed within `frequency.dismissCooldownDays`",
        Converted = "converted": "the account already bought what the callout offers",
        Holdout = "holdout": "the unit is in the experiment's holdout",
        HoldoutProgram = "holdout:program": "the unit is in the catalog's program-wide holdout (`holdout`), which sees no callout but a blocking one",
        PlacementFull = "placement_full": "higher-ranked callouts fill the placement",
        DuplicateTarget = "duplicate_target": "a higher-ranked callout pushes the same target",
        BlockingShown = "blocking_shown": "another blocking callout is shown (at most one at a time; the feature gate of the page's feature wins, then rank)",
        Schedule = "schedule": "outside the rule's `activeFrom`/`activeUntil`",
        NoTarget = "no_target": "the rule has nothing to offer this account",
        AutoRecharge = "auto_recharge": "the account tops its credits up by itself (`usage.<metric>.autoRecharge`)",
    }
}

vocabulary! {
    /// How a rule fared, in a trace.
    TraceStatus as "TraceStatus" {
        Shown = "shown": "returned",
        Suppressed = "suppressed": "held back (see the reason)",
        NotMatched = "not_matched": "its condition was not true",
        OtherPlacement = "other_placement": "shown, but filtered out by the `placement` option",
    }
}

vocabulary! {
    /// Why a feature is or is not available (`checkFeature`).
    FeatureReason as "FeatureReason" {
        IncludedInPlan = "included_in_plan": "included in the plan",
        IncludedInAddon = "included_in_addon": "given by an add-on the account holds",
        TrialActive = "trial_active": "an unexpired trial",
        NotInPlan = "not_in_plan": "not in the plan, no add-on, no trial",
        TrialExpired = "trial_expired": "a trial of it has ended",
        UnknownFeature = "unknown_feature": "not a feature of the catalog",
        InvalidContext = "invalid_context": "the context could not be read well enough to deny it (access is not denied then)",
    }
}

vocabulary! {
    /// Where access to a feature comes from.
    AccessSource as "AccessSource" {
        Plan = "plan": "included in the plan",
        Addon = "addon": "given by an owned add-on",
        Trial = "trial": "an unexpired trial",
    }
}

vocabulary! {
    /// An event the host records.
    EventType as "EventType" {
        Impression = "impression": "the callout was shown",
        Click = "click": "its call to action was clicked",
        Dismiss = "dismiss": "the user dismissed it",
        Convert = "convert": "the user bought what it offered",
    }
}

vocabulary! {
    /// How onboarding accounts are treated (`readiness.onboarding`).
    Onboarding as "OnboardingPolicy" {
        CrossSellOnly = "cross_sell_only": "only cross-sells get through",
        Block = "block": "nothing gets through",
        Allow = "allow": "no special treatment",
    }
}

vocabulary! {
    /// How often a metered usage counter resets.
    Period as "Period" {
        Day = "day": "every UTC day",
        Week = "week": "every UTC week starting Monday",
        Month = "month": "every UTC calendar month",
        Year = "year": "every UTC calendar year",
    }
}

vocabulary! {
    /// The code of a diagnostic: what kind of problem it reports, in the config, a context, an
    /// input file or a call.
    Code as "DiagnosticCode" {
        // ---- JSON text ----
        InvalidJson = "invalid_json": "the text is not valid JSON (or not UTF-8)";
            fix "fix the JSON syntax at the reported line and column; strings need double quotes and no trailing commas",
        DuplicateKey = "duplicate_key": "an object has the same key twice";
            fix "remove one of the two entries; JSON readers disagree on which one wins",
        TooLarge = "too_large": "the input is larger than the engine reads";
            fix "split the input, or trim what the engine does not need",
        TooManyProblems = "too_many_problems": "more problems than a report lists; the rest are counted";
            fix "fix the listed problems first, then validate again",
        // ---- Shapes ----
        UnknownField = "unknown_field": "a key the format does not have";
            fix "check the spelling (the help suggests the closest key) or remove the key",
        MissingField = "missing_field": "a required key is missing";
            fix "add the key named in the message",
        InvalidType = "invalid_type": "a value has the wrong JSON type";
            fix "write the type the message expects (a number, a string, an object, …)",
        NotFinite = "not_finite": "a number is infinite or not a number";
            fix "give a finite number",
        InvalidValue = "invalid_value": "a value of the right type that the field does not accept";
            fix "use one of the values the message or the help lists",
        OutOfRange = "out_of_range": "a number outside the range of its field";
            fix "give a number within the range the message states",
        NegativeValue = "negative_value": "a number below zero where only zero or more makes sense";
            fix "give zero or a positive number",
        EmptyString = "empty_string": "a text that must say something is empty";
            fix "write the text, or remove the key",
        TooLong = "too_long": "a text (an id, a rule condition, a message) is longer than allowed";
            fix "shorten it below the limit the message states",
        TooMany = "too_many": "a list or map has more entries than the engine accepts";
            fix "remove entries below the limit the message states",
        InvalidId = "invalid_id": "an id is not a letter followed by letters, digits, `_` or `-`";
            fix "rename the id so rules can read it (`[A-Za-z][A-Za-z0-9_]*` for metrics and features)",
        DuplicateId = "duplicate_id": "two entries share one id";
            fix "give each plan, add-on, rule or variant its own id",
        DuplicateEntry = "duplicate_entry": "a list names the same thing twice";
            fix "remove the repeated entry",
        ConflictingFields = "conflicting_fields": "two keys that cannot be used together";
            fix "keep one of the two keys the message names",
        // ---- The catalog ----
        UnsupportedVersion = "unsupported_version": "the config's `version` is not one this engine reads";
            fix "write `\"version\": 1`, or leave the key out",
        InvalidCurrency = "invalid_currency": "`currency` is not an ISO 4217 code";
            fix "write three capital letters, such as `USD` or `JPY`",
        EmptyPlans = "empty_plans": "the config lists no plans";
            fix "add at least one plan to `plans`",
        EmptyAddon = "empty_addon": "an add-on gives neither features nor limits";
            fix "list what the add-on gives in `features` or `limits`, or remove it",
        UnknownMetric = "unknown_metric": "a metric id the catalog does not define";
            fix "define the metric in `metrics`, or fix the id (the help suggests the closest)",
        UnknownFeature = "unknown_feature": "a feature id the catalog does not define";
            fix "define the feature in `features`, or fix the id (the help suggests the closest)",
        UnknownPlan = "unknown_plan": "a plan id the catalog does not define";
            fix "add the plan to `plans`, or fix the id (the help suggests the closest)",
        UnknownAddon = "unknown_addon": "an add-on id the catalog does not define";
            fix "add the add-on to `addons`, or fix the id (the help suggests the closest)",
        ImplicitUnlimited = "implicit_unlimited": "a plan does not list a limit for a metric, which makes it unlimited";
            fix "write the limit, or `null` to say the plan is unlimited on purpose",
        MissingSeatMetric = "missing_seat_metric": "per-seat prices need a seat metric the catalog does not have";
            fix "define a `seats` metric, or name the seat metric with `seatMetric`",
        NotIncreasing = "not_increasing": "thresholds that must rise do not";
            fix "make `thresholds.approaching` lower than `thresholds.critical`",
        // ---- Rules and messages ----
        UnknownKind = "unknown_kind": "a rule's `kind` is not a callout kind";
            fix "use one of the callout kinds (the help suggests the closest)",
        UnknownPlacement = "unknown_placement": "a placement the catalog does not define";
            fix "define it in `placements`, or use one that is defined",
        UnknownTarget = "unknown_target": "a rule's `target` is not a plan or add-on of the catalog";
            fix "name a plan or add-on id of the catalog",
        MissingTarget = "missing_target": "a rule of this kind needs a `target`";
            fix "add `\"target\": \"<plan or add-on id>\"` to the rule",
        MissingTitle = "missing_title": "a message has no title in any locale";
            fix "give the message a `title` in at least one locale",
        MissingVariants = "missing_variants": "an experiment lists no variants";
            fix "add at least one variant to `experiment.variants`",
        InvalidDate = "invalid_date": "a date is not RFC 3339 text";
            fix "write a date such as `2026-11-24` or `2026-11-24T09:00:00Z`",
        InvalidPeriod = "invalid_period": "a period that ends before it starts, or an unknown period name";
            fix "make the start come before the end, or use `day`, `week`, `month` or `year`",
        InvalidLocale = "invalid_locale": "a locale tag that is not a language tag";
            fix "use a tag such as `en`, `ja` or `pt-BR`",
        DuplicateLocale = "duplicate_locale": "two locale tags that name the same locale";
            fix "merge the texts under one tag",
        InvalidUrl = "invalid_url": "a URL that is neither absolute `https:`/`http:` nor a path";
            fix "write an `https://` URL or a path starting with `/`",
        UnclosedPlaceholder = "unclosed_placeholder": "a `{` in a message has no closing `}`";
            fix "close the placeholder, or write `{{` for a literal brace",
        UnmatchedBrace = "unmatched_brace": "a `}` in a message has no opening `{`";
            fix "write `}}` for a literal brace",
        UnknownPlaceholder = "unknown_placeholder": "a message placeholder names a path messages cannot read";
            fix "use a readable path such as `{usage.seats.used}` (the help suggests the closest)",
        // ---- The rule language ----
        SyntaxError = "syntax_error": "a rule condition cannot be parsed";
            fix "fix the expression at the reported span",
        UnterminatedString = "unterminated_string": "a string in a rule condition has no closing quote";
            fix "close the string with the quote it opened with",
        InvalidNumber = "invalid_number": "a number that cannot be read (in a rule condition or an input cell)";
            fix "write a plain decimal number such as `0.8` or `1000`",
        TooDeep = "too_deep": "a rule condition nests deeper than the engine evaluates";
            fix "split the condition, or remove redundant parentheses",
        UnknownPath = "unknown_path": "a rule reads a path the context does not have";
            fix "use a readable path such as `usage.seats.ratio` (the help suggests the closest)",
        UnknownFunction = "unknown_function": "a rule calls a function the rule language does not have";
            fix "use one of the functions the help lists",
        WrongArity = "wrong_arity": "a function is called with the wrong number of arguments";
            fix "pass the number of arguments the message states",
        NotLiteral = "not_literal": "an argument that must be written as a literal is computed";
            fix "write the argument as a literal string",
        UnknownId = "unknown_id": "a rule names an id the catalog does not define";
            fix "use an id of the catalog (the help suggests the closest)",
        TypeMismatch = "type_mismatch": "an operator or function is applied to values of the wrong type";
            fix "compare numbers with numbers and strings with strings; test lists with `in`",
        NotBoolean = "not_boolean": "a rule condition is not true or false";
            fix "compare the value, such as `usage.seats.ratio >= 0.8`",
        // ---- Compiled catalogs and authoring ----
        InvalidCatalog = "invalid_catalog": "bytes that are not a catalog compiled by this version";
            fix "compile the config again with `upgrade-prompts compile` of the same version",
        NeedsAuthoring = "needs_authoring": "a config was given to the runtime entry, which reads compiled catalogs only";
            fix "compile the config ahead (`upgrade-prompts compile`), or import `upgrade-prompts/authoring`",
        NotInitialized = "not_initialized": "the engine's wasm is not initialized yet";
            fix "await `init()` before using the engine",
        // ---- Contexts ----
        InvalidContext = "invalid_context": "the context cannot be read as a context";
            fix "pass an object with at least `account.plan`",
        HistoryTruncated = "history_truncated": "a usage history has more points than are used";
            fix "send only the newest points",
        IncompletePeriod = "incomplete_period": "a usage report gives only one of `periodStart` and `periodEnd`";
            fix "give both, or neither to use the metric's calendar period",
        QuantityAboveMax = "quantity_above_max": "an add-on quantity above the add-on's `maxQuantity`";
            fix "report the quantity the account holds, or raise `maxQuantity`",
        MissingUsage = "missing_usage": "a limit callout needs usage the context does not report";
            fix "report the metric's usage in the context",
        NoUnlockOption = "no_unlock_option": "nothing in the catalog unlocks the feature or raises the limit";
            fix "add a plan or add-on that gives it, or accept that no unlock is offered",
        // ---- Calls, options and state ----
        InvalidEvent = "invalid_event": "an event that cannot be recorded";
            fix "pass `{ type, callout, at? }` with a type of `impression`, `click`, `dismiss` or `convert`",
        UnknownCallout = "unknown_callout": "an event names a callout the catalog cannot produce";
            fix "record the `id` of a callout the engine returned",
        StateIgnored = "state_ignored": "a stored state could not be read and was ignored";
            fix "pass a state from `exportState()`, or clear the stored one",
        UnknownOption = "unknown_option": "an option the call does not have";
            fix "check the spelling (the message suggests the closest option) or remove it",
        InvalidOption = "invalid_option": "an option of the wrong type or value";
            fix "give the type the message states",
        PersistUnavailable = "persist_unavailable": "the state cannot be kept in storage here; the engine works in memory";
            fix "pass `persist: { key }` where `localStorage` is available, or keep the state yourself with `exportState()`",
        PersistFailed = "persist_failed": "writing the state to storage failed";
            fix "free storage space, or keep the state yourself with `exportState()`",
        EventHandlerFailed = "event_handler_failed": "the `onEvent` handler threw; the call went on (reported once per engine)";
            fix "catch errors inside the handler, or fix what it throws",
        RecordFailed = "record_failed": "recording an event through a binding failed";
            fix "check the engine is not freed and the event is well formed",
        // ---- Framework bindings ----
        InvalidEngine = "invalid_engine": "a value passed as an engine is not a PromptEngine";
            fix "pass an engine made with `new PromptEngine(config)`",
        EngineFailed = "engine_failed": "the engine could not open a session";
            fix "check the engine and the context; the message carries the engine's error",
        EngineFreed = "engine_freed": "the engine was freed and cannot answer";
            fix "keep the engine alive while components use it",
        CatalogFailed = "catalog_failed": "a catalog given to a binding could not be loaded";
            fix "fix the catalog; the message carries the engine's error",
        InitFailed = "init_failed": "the package's wasm could not be initialized";
            fix "serve the package's `.wasm` file, or call `init(input)` yourself",
        AuthoringUnavailable = "authoring_unavailable": "a config needs `upgrade-prompts/authoring`, which could not be loaded";
            fix "compile the catalog ahead and pass the bytes",
        // ---- Files and tables (command-line tools, simulation) ----
        FileNotFound = "file_not_found": "a file named on the command line does not exist";
            fix "check the path",
        IsDirectory = "is_directory": "a path names a directory where a file is needed";
            fix "name a file",
        NotAFile = "not_a_file": "a path names something that is not a regular file";
            fix "name a regular file",
        UnreadableFile = "unreadable_file": "a file could not be read";
            fix "check the file's permissions",
        InvalidUtf8 = "invalid_utf8": "a file is not UTF-8 text";
            fix "save the file as UTF-8",
        ByteOrderMark = "byte_order_mark": "a JSON file starts with a byte order mark";
            fix "save the file as UTF-8 without BOM",
        EmptyFile = "empty_file": "a file holds nothing to read";
            fix "give a file with content",
        EmptyInput = "empty_input": "an input holds no accounts";
            fix "give at least one account",
        InvalidRow = "invalid_row": "a row of an input table cannot be read";
            fix "fix the row at the reported line",
        InvalidCell = "invalid_cell": "a cell of an input table cannot be read";
            fix "fix the cell at the reported line and column",
        UnknownColumn = "unknown_column": "a table column the context format does not have";
            fix "rename the column to a context path (the help suggests the closest), or remove it",
        DuplicateColumn = "duplicate_column": "two columns of a table have one name";
            fix "rename or remove one of them",
        WrongColumnType = "wrong_column_type": "a column's type cannot hold the context value it names";
            fix "store the column with the type the message states",
        InvalidParquet = "invalid_parquet": "a file named as Parquet is not a readable Parquet file";
            fix "check the file is complete and written by a Parquet writer",
        UnreadableRows = "unreadable_rows": "rows of an input could not be decoded";
            fix "check the file is complete and written by a supported writer",
        InvalidArgument = "invalid_argument": "a command-line argument that cannot be used";
            fix "see `--help` for the arguments",
        InvalidConfig = "invalid_config": "the config given to a command is not valid";
            fix "run `upgrade-prompts lint` on it and fix the errors",
        WriteFailed = "write_failed": "an output could not be written";
            fix "check the output path and free space",
        WorkerFailed = "worker_failed": "a worker thread of the command-line tool could not start or failed";
            fix "run again with fewer threads (`--threads`)",
        UnsupportedFormat = "unsupported_format": "the npm bin cannot read this input format (Parquet)";
            fix "convert the file to JSON Lines or CSV, or run the native binary (`cargo install --path cli`), which reads Parquet",
        InternalError = "internal_error": "a failure inside the tool (a bug)";
            fix "report it with the input that caused it",
    }
}

/// Every closed set, by TypeScript name: its doc lines and its words (wire name, meaning, fix),
/// for the generator of the TypeScript unions, the JSON Schema's enums and `docs/codes.md`.
pub fn sets() -> Vec<Set> {
    fn set<T: Copy>(
        ts: &'static str,
        doc: &'static [&'static str],
        all: &[T],
        word: impl Fn(T) -> Word,
    ) -> Set {
        Set {
            ts,
            doc,
            words: all.iter().map(|w| word(*w)).collect(),
        }
    }
    macro_rules! of {
        ($t:ident) => {
            set($t::TS_NAME, $t::DOC, &$t::ALL, |w| Word {
                wire: w.as_str(),
                meaning: w.meaning(),
                fix: w.fix(),
            })
        };
    }
    vec![
        of!(CalloutKind),
        of!(Severity),
        of!(Action),
        of!(Placement),
        of!(UsageState),
        of!(CreditState),
        of!(MetricKind),
        of!(SuppressionReason),
        of!(TraceStatus),
        of!(FeatureReason),
        of!(AccessSource),
        of!(EventType),
        of!(Onboarding),
        of!(Period),
        of!(Code),
    ]
}

/// One closed set, as the generator reads it.
#[derive(Clone, Debug)]
pub struct Set {
    /// The TypeScript union's name.
    pub ts: &'static str,
    /// The set's doc lines.
    pub doc: &'static [&'static str],
    /// Its words, in declaration order.
    pub words: Vec<Word>,
}

/// One word of a closed set.
#[derive(Clone, Copy, Debug)]
pub struct Word {
    /// The wire name.
    pub wire: &'static str,
    /// One line on what it means.
    pub meaning: &'static str,
    /// How to fix it (diagnostic codes only).
    pub fix: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_unique_and_parse_back() {
        for s in sets() {
            let mut seen = std::collections::HashSet::new();
            for w in &s.words {
                assert!(seen.insert(w.wire), "{} repeats `{}`", s.ts, w.wire);
                assert!(
                    !w.meaning.is_empty(),
                    "{} `{}` has no meaning",
                    s.ts,
                    w.wire
                );
            }
        }
        // `as_str` slices one joined string: every word gives back its own literal.
        assert!(Code::ALL.iter().map(|c| c.as_str()).eq(Code::NAMES));
        assert!(CalloutKind::ALL
            .iter()
            .map(|c| c.as_str())
            .eq(CalloutKind::NAMES));
        assert!(Severity::ALL.iter().map(|c| c.as_str()).eq(Severity::NAMES));
        for c in Code::ALL {
            assert_eq!(Code::parse(c.as_str()), Some(c));
            assert!(!c.fix().is_empty(), "`{}` has no fix", c.as_str());
        }
        assert_eq!(Code::parse("no_such_code"), None);
        assert_eq!(
            CalloutKind::parse("seat_expansion"),
            Some(CalloutKind::SeatExpansion)
        );
    }
}
