//! One event of the log, read from any format: the fields as found ([`Raw`]: a JSON object, a
//! CSV row or a Parquet row, each value a text, a number or a time), checked into an
//! [`Event`], or the reason it is not one ([`Bad`], turned into a coded diagnostic only for
//! the lines a report lists).
//!
//! The format, one event per line (JSON Lines) or row (CSV, Parquet, same column names):
//! - `exposure`: `at`, `unit`, `callout`, `experiment`, `arm` (a variant id or `holdout`; the
//!   program-wide holdout logs the experiment `$program` with the arm `holdout` or `exposed`,
//!   and its `callout` is optional);
//! - `impression`, `click`, `dismiss`: `at`, `unit`, `callout`, optional `placement` and `kind`;
//! - `convert`: `at`, `unit`, optional `callout`, `target`, `mrrDelta`, `placement`, `kind`.
//!
//! Other keys are ignored; `null` (an empty CSV cell) is an absent value.

use crate::base::date;
use crate::base::diag::{did_you_mean, Diagnostic, PathSeg};
use crate::base::json::ParseError;
use crate::base::vocab::{CalloutKind, Code};

/// The experiment key of the program-wide holdout (the engine logs its exposures under it).
pub use crate::catalog::rules::PROGRAM_KEY as PROGRAM;

/// The arm every experiment's holdout is logged under, and the arm of the program-wide
/// holdout's exposed units: the words the engine's exposures use.
pub use crate::decide::exposure::{EXPOSED_ARM as EXPOSED, HOLDOUT_ARM as HOLDOUT};

/// The fields of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `type`.
    Type,
    /// `at`.
    At,
    /// `unit`.
    Unit,
    /// `callout`.
    Callout,
    /// `experiment`.
    Experiment,
    /// `arm`.
    Arm,
    /// `placement`.
    Placement,
    /// `kind`.
    Kind,
    /// `target`.
    Target,
    /// `mrrDelta`.
    MrrDelta,
}

impl Field {
    /// Every field, in the order of [`Raw::values`].
    pub const ALL: [Field; 10] = [
        Field::Type,
        Field::At,
        Field::Unit,
        Field::Callout,
        Field::Experiment,
        Field::Arm,
        Field::Placement,
        Field::Kind,
        Field::Target,
        Field::MrrDelta,
    ];

    /// The key (JSON) or column name (CSV, Parquet).
    pub fn name(self) -> &'static str {
        match self {
            Field::Type => "type",
            Field::At => "at",
            Field::Unit => "unit",
            Field::Callout => "callout",
            Field::Experiment => "experiment",
            Field::Arm => "arm",
            Field::Placement => "placement",
            Field::Kind => "kind",
            Field::Target => "target",
            Field::MrrDelta => "mrrDelta",
        }
    }

    /// The field with this key or column name.
    pub fn parse(name: &str) -> Option<Field> {
        Some(match name {
            "type" => Field::Type,
            "at" => Field::At,
            "unit" => Field::Unit,
            "callout" => Field::Callout,
            "experiment" => Field::Experiment,
            "arm" => Field::Arm,
            "placement" => Field::Placement,
            "kind" => Field::Kind,
            "target" => Field::Target,
            "mrrDelta" => Field::MrrDelta,
            _ => return None,
        })
    }

    fn path(self) -> Vec<PathSeg> {
        vec![PathSeg::Key(self.name().to_owned())]
    }
}

/// A value as a format gives it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A string (JSON), a cell (CSV) or a string column (Parquet).
    Text(&'a str),
    /// A JSON or Parquet number.
    Number(f64),
    /// A Parquet timestamp or date, in ms since the epoch.
    Time(f64),
    /// Any other JSON value or Parquet type, by its name (`a boolean`, `an object`).
    Other(&'static str),
}

/// The fields of one record, by [`Field`] (absent: `None`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Raw<'a> {
    /// One value per field of [`Field::ALL`].
    pub values: [Option<Value<'a>>; 10],
    /// Whether texts are untyped cells (CSV, Parquet string columns), so that `mrrDelta` may
    /// be a number written as text; a JSON string is not a number.
    pub cells: bool,
}

impl<'a> Raw<'a> {
    /// The value of `f`.
    pub fn get(&self, f: Field) -> Option<Value<'a>> {
        self.values.get(f as usize).copied().flatten()
    }

    /// Sets the value of `f`.
    pub fn set(&mut self, f: Field, v: Option<Value<'a>>) {
        if let Some(slot) = self.values.get_mut(f as usize) {
            *slot = v;
        }
    }
}

/// The type of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// The unit became eligible in an experiment (whatever its arm).
    Exposure,
    /// The callout was shown.
    Impression,
    /// Its call to action was clicked.
    Click,
    /// It was dismissed.
    Dismiss,
    /// The unit bought something.
    Convert,
}

/// The wire names of the event types, in the order of [`EventType`].
pub const TYPES: [&str; 5] = ["exposure", "impression", "click", "dismiss", "convert"];

impl EventType {
    fn parse(s: &str) -> Option<EventType> {
        match s {
            "exposure" => Some(EventType::Exposure),
            "impression" => Some(EventType::Impression),
            "click" => Some(EventType::Click),
            "dismiss" => Some(EventType::Dismiss),
            "convert" => Some(EventType::Convert),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        TYPES.get(self as usize).copied().unwrap_or("")
    }
}

/// A checked event, borrowing its texts from the record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event<'a> {
    /// Its type.
    pub ty: EventType,
    /// When (ms since the epoch).
    pub at: f64,
    /// The unit (account or user id).
    pub unit: &'a str,
    /// The callout id (absent only on a conversion without a prompt).
    pub callout: Option<&'a str>,
    /// Exposures: the experiment key.
    pub experiment: Option<&'a str>,
    /// Exposures: the arm.
    pub arm: Option<&'a str>,
    /// Where it was shown, when the event says.
    pub placement: Option<&'a str>,
    /// The callout kind, when the event says.
    pub kind: Option<CalloutKind>,
    /// Conversions: the plan or add-on bought.
    pub target: Option<&'a str>,
    /// Conversions: the change of monthly revenue, when the event says.
    pub mrr_delta: Option<f64>,
}

/// Why a record is not an event (turned into a [`Diagnostic`] by [`Bad::diagnostic`]; the
/// analysis adds the "did you mean" of arms and targets, which it knows).
#[derive(Clone, Debug, PartialEq)]
pub enum Bad<'a> {
    /// The line is not JSON.
    Json(ParseError),
    /// The line is JSON, but not an object (the JSON type's name).
    NotObject(&'static str),
    /// A JSON object gives a field twice.
    Repeated(Field),
    /// A CSV row with another number of fields than the header.
    Width {
        /// Fields in the row.
        found: usize,
        /// Fields in the header.
        want: usize,
    },
    /// A CSV cell that is not UTF-8 (the field's column).
    Utf8(&'static str),
    /// A field the event's type needs is absent (`None`: the type itself).
    Missing(Field, Option<EventType>),
    /// A field of the wrong type: the field, and the type found.
    WrongType(Field, &'static str),
    /// A text field that is empty.
    Empty(Field),
    /// An unknown event type.
    UnknownType(&'a str),
    /// A time that is not RFC 3339, or not from 1970 to 9999.
    BadTime(&'a str),
    /// A `kind` that is not a callout kind.
    UnknownKind(&'a str),
    /// An `mrrDelta` cell that is not a number.
    BadNumber(&'a str),
    /// An `mrrDelta` that is not finite.
    NotFinite,
    /// An exposure's arm that its experiment does not have: the experiment and the arm.
    UnknownArm(&'a str, &'a str),
    /// A conversion without `mrrDelta` whose target the catalog does not have.
    UnknownTarget(&'a str),
}

/// `an object`, `a number`: the JSON type names of messages.
pub fn article(kind: &'static str) -> &'static str {
    match kind {
        "object" => "an object",
        "array" => "an array",
        "number" => "a number",
        "string" => "a string",
        "boolean" => "a boolean",
        "null" => "null",
        other => other,
    }
}

impl Bad<'_> {
    /// The diagnostic of this problem (its path names the field, when it is about one).
    pub fn diagnostic(&self) -> Diagnostic {
        let d = |code: Code, message: String, f: Option<Field>| {
            Diagnostic::new(code, message, f.map(Field::path).unwrap_or_default())
        };
        match self {
            Bad::Json(e) => d(
                e.code,
                format!("the line is not JSON: {} (column {})", e.message, e.column),
                None,
            ),
            Bad::NotObject(kind) => d(
                Code::InvalidEvent,
                format!("the line is {}, not an event object", article(kind)),
                None,
            ),
            Bad::Repeated(f) => d(
                Code::DuplicateKey,
                format!("`{}` is given twice", f.name()),
                Some(*f),
            ),
            Bad::Width { found, want } => d(
                Code::InvalidEvent,
                format!("the row has {found} fields; the header has {want}"),
                None,
            ),
            Bad::Utf8(column) => Diagnostic::new(
                Code::InvalidUtf8,
                format!("column `{column}` is not UTF-8"),
                vec![PathSeg::Key((*column).to_owned())],
            ),
            Bad::Missing(f, ty) => d(
                Code::MissingField,
                match (f, ty) {
                    (Field::Type, _) | (_, None) => format!("an event needs `{}`", f.name()),
                    (_, Some(t)) => format!("a `{}` event needs `{}`", t.as_str(), f.name()),
                },
                Some(*f),
            ),
            Bad::WrongType(f, found) => d(
                Code::InvalidType,
                format!(
                    "`{}` must be {}, found {}",
                    f.name(),
                    expected(*f),
                    article(found)
                ),
                Some(*f),
            ),
            Bad::Empty(f) => d(
                Code::EmptyString,
                format!("`{}` is empty", f.name()),
                Some(*f),
            ),
            _ => self.value_diagnostic(),
        }
    }

    /// The diagnostics of values the field does not accept.
    fn value_diagnostic(&self) -> Diagnostic {
        let d = |code: Code, message: String, f: Field| Diagnostic::new(code, message, f.path());
        match self {
            Bad::UnknownType(t) => d(
                Code::InvalidValue,
                format!("unknown event type `{t}`"),
                Field::Type,
            )
            .with_help(
                did_you_mean(t, TYPES).or_else(|| Some(format!("types: {}", TYPES.join(", ")))),
            ),
            Bad::BadTime(t) => d(
                Code::InvalidDate,
                format!("`at` `{t}` is not an RFC 3339 time from 1970 to 9999 such as `2026-11-02T10:00:00Z`"),
                Field::At,
            ),
            Bad::UnknownKind(k) => d(
                Code::InvalidValue,
                format!("`kind` `{k}` is not a callout kind"),
                Field::Kind,
            )
            .with_help(did_you_mean(k, CalloutKind::NAMES).or_else(|| {
                Some(format!("kinds: {}", CalloutKind::NAMES.join(", ")))
            })),
            Bad::BadNumber(t) => d(
                Code::InvalidNumber,
                format!("`mrrDelta` `{t}` is not a number"),
                Field::MrrDelta,
            ),
            Bad::NotFinite => d(
                Code::NotFinite,
                "`mrrDelta` is not a finite number".to_owned(),
                Field::MrrDelta,
            ),
            Bad::UnknownArm(experiment, arm) => d(
                Code::InvalidValue,
                format!("experiment `{experiment}` has no arm `{arm}`"),
                Field::Arm,
            ),
            Bad::UnknownTarget(target) => d(
                Code::InvalidValue,
                format!("`target` `{target}` is neither a plan nor an add-on of the catalog, and the event has no `mrrDelta`"),
                Field::Target,
            ),
            _ => d(Code::InvalidEvent, "the event cannot be read".to_owned(), Field::Type),
        }
    }
}

/// What a field must hold, for messages.
fn expected(f: Field) -> &'static str {
    match f {
        Field::At => "an RFC 3339 time",
        Field::MrrDelta => "a number",
        _ => "a string",
    }
}

/// A text field: absent, a non-empty string, or a problem.
fn text<'a>(raw: &Raw<'a>, f: Field) -> Result<Option<&'a str>, Bad<'a>> {
    match raw.get(f) {
        None => Ok(None),
        Some(Value::Text("")) => Err(Bad::Empty(f)),
        Some(Value::Text(s)) => Ok(Some(s)),
        Some(Value::Number(_)) => Err(Bad::WrongType(f, "number")),
        Some(Value::Time(_)) => Err(Bad::WrongType(f, "a time")),
        Some(Value::Other(k)) => Err(Bad::WrongType(f, k)),
    }
}

/// A text field the event's type needs.
fn needed<'a>(raw: &Raw<'a>, f: Field, ty: EventType) -> Result<&'a str, Bad<'a>> {
    text(raw, f)?.ok_or(Bad::Missing(f, Some(ty)))
}

/// `at`: an RFC 3339 text or a Parquet time, from 1970 to 9999.
fn time<'a>(raw: &Raw<'a>) -> Result<f64, Bad<'a>> {
    match raw.get(Field::At) {
        None => Err(Bad::Missing(Field::At, None)),
        Some(Value::Text(s)) => date::parse(s)
            .filter(|ms| date::in_range(*ms))
            .ok_or(Bad::BadTime(s)),
        Some(Value::Time(ms)) if date::in_range(ms) => Ok(ms),
        Some(Value::Time(_)) => Err(Bad::BadTime("(a time outside 1970 to 9999)")),
        Some(Value::Number(_)) => Err(Bad::WrongType(Field::At, "number")),
        Some(Value::Other(k)) => Err(Bad::WrongType(Field::At, k)),
    }
}

/// `mrrDelta`: a finite number (a CSV or Parquet text must be a JSON number).
fn mrr<'a>(raw: &Raw<'a>) -> Result<Option<f64>, Bad<'a>> {
    match raw.get(Field::MrrDelta) {
        None => Ok(None),
        Some(Value::Number(n)) if n.is_finite() => Ok(Some(n)),
        Some(Value::Number(_)) => Err(Bad::NotFinite),
        Some(Value::Text(_)) if !raw.cells => Err(Bad::WrongType(Field::MrrDelta, "string")),
        Some(Value::Text(t)) => {
            let t = t.trim();
            if !crate::audience::columns::is_json_number(t) {
                return Err(Bad::BadNumber(t));
            }
            match crate::base::float::parse_f64(t) {
                Some(n) if n.is_finite() => Ok(Some(n)),
                _ => Err(Bad::NotFinite),
            }
        }
        Some(Value::Time(_)) => Err(Bad::WrongType(Field::MrrDelta, "a time")),
        Some(Value::Other(k)) => Err(Bad::WrongType(Field::MrrDelta, k)),
    }
}

/// Checks one record: the type first, then `at` and `unit`, then the fields of its type.
///
/// # Errors
/// The first problem found.
pub fn check<'a>(raw: &Raw<'a>) -> Result<Event<'a>, Bad<'a>> {
    let name = text(raw, Field::Type)?.ok_or(Bad::Missing(Field::Type, None))?;
    let ty = EventType::parse(name).ok_or(Bad::UnknownType(name))?;
    let at = time(raw)?;
    let unit = needed(raw, Field::Unit, ty)?;
    let (experiment, arm) = match ty {
        EventType::Exposure => (
            Some(needed(raw, Field::Experiment, ty)?),
            Some(needed(raw, Field::Arm, ty)?),
        ),
        _ => (None, None),
    };
    // A conversion may come without a prompt, and the program-wide holdout covers every
    // callout: only these may leave `callout` out.
    let callout = match ty {
        EventType::Convert => text(raw, Field::Callout)?,
        EventType::Exposure if experiment == Some(PROGRAM) => text(raw, Field::Callout)?,
        _ => Some(needed(raw, Field::Callout, ty)?),
    };
    let placement = text(raw, Field::Placement)?;
    let kind = match text(raw, Field::Kind)? {
        None => None,
        Some(k) => Some(CalloutKind::parse(k).ok_or(Bad::UnknownKind(k))?),
    };
    let (target, mrr_delta) = match ty {
        EventType::Convert => (text(raw, Field::Target)?, mrr(raw)?),
        _ => (None, None),
    };
    Ok(Event {
        ty,
        at,
        unit,
        callout,
        experiment,
        arm,
        placement,
        kind,
        target,
        mrr_delta,
    })
}
