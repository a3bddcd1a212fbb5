//! `simulate --rates`: reading the JSON report of `analyze` as measured conversion rates. Of
//! the report, only `callouts[]` is read: per callout id, `conversions` and `impressions`
//! (counts of events; the report has no per-unit numbers per callout, so the rate is
//! conversions ÷ impressions, a rate per impression) and its 95 % Wilson interval.
//!
//! A file that is not JSON, or not shaped like the report, is an error with a path; a callout
//! the catalog cannot produce (a report of another catalog) and a callout with more
//! conversions than impressions (which has no rate) are warnings, and the run goes on.

use super::analyze::stats::wilson;
use super::input::{text_of_bytes, Unreadable};
use super::sizing::{MeasuredRate, Rates};
use crate::base::diag::{Diagnostic, Path, PathSeg};
use crate::base::json::{Doc, Kind, Val};
use crate::base::vocab::Code;
use crate::catalog::Catalog;

/// The longest rates file read.
pub const MAX_RATES_BYTES: usize = 64 << 20;

/// A rates file read: its rates and its warnings.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadRates {
    /// The measured rates.
    pub rates: Rates,
    /// Callouts the catalog cannot produce, callouts without a rate.
    pub warnings: Vec<Diagnostic>,
}

/// Why a rates file cannot be used.
#[derive(Debug)]
pub enum RatesError {
    /// It cannot be read (missing, too large, not UTF-8).
    Unreadable(Unreadable),
    /// It is not an `analyze` report: each problem with its path.
    Invalid(Vec<Diagnostic>),
}

fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.to_owned())
}

/// Reads the rates file `name` (its bytes, or why they cannot be read) for `catalog`.
///
/// # Errors
/// The file cannot be read, is not JSON, or is not shaped like an `analyze` report.
pub fn read(
    name: &str,
    bytes: Result<Vec<u8>, Unreadable>,
    catalog: &Catalog,
) -> Result<ReadRates, RatesError> {
    let text = bytes
        .and_then(|b| text_of_bytes(b, name, "a rates file", MAX_RATES_BYTES))
        .map_err(RatesError::Unreadable)?;
    let doc = Doc::parse(text, false).map_err(|e| {
        let d = Diagnostic::new(
            Code::InvalidJson,
            format!(
                "not JSON: {} (the rates are the output of `analyze --format json`)",
                e.message
            ),
            e.path,
        );
        RatesError::Invalid(vec![d.at_position(e.line, e.column)])
    })?;
    let callouts = doc
        .root()
        .filter(|r| r.kind() == Kind::Object)
        .ok_or_else(|| {
            invalid(
                Code::InvalidType,
                "expected the object `analyze --format json` prints",
                vec![],
            )
        })?
        .get("callouts")
        .ok_or_else(|| {
            invalid(
                Code::MissingField,
                "no `callouts` list: not an `analyze` report",
                vec![key("callouts")],
            )
        })?;
    if callouts.kind() != Kind::Array {
        return Err(invalid(
            Code::InvalidType,
            format!("`callouts` must be a list, found {}", callouts.kind_name()),
            vec![key("callouts")],
        ));
    }
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (i, item) in callouts.items().enumerate() {
        match entry(item, i) {
            Ok(Some(e)) => entries.push(e),
            Ok(None) => {}
            Err(Problem::Error(d)) => errors.push(d),
            Err(Problem::Warning(d)) => warnings.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(RatesError::Invalid(errors));
    }
    warnings.extend(unknown_callouts(&entries, catalog));
    Ok(ReadRates {
        rates: Rates::new(name, entries),
        warnings,
    })
}

fn invalid(code: Code, message: impl Into<String>, path: Path) -> RatesError {
    RatesError::Invalid(vec![Diagnostic::new(code, message, path)])
}

enum Problem {
    Error(Diagnostic),
    Warning(Diagnostic),
}

fn at(i: usize, field: &str) -> Path {
    let mut p = vec![key("callouts"), PathSeg::Index(i)];
    if !field.is_empty() {
        p.push(key(field));
    }
    p
}

/// A count: a whole number from 0.
fn count(item: Val<'_>, i: usize, field: &str) -> Result<u64, Problem> {
    let Some(v) = item.get(field) else {
        return Err(Problem::Error(Diagnostic::new(
            Code::MissingField,
            format!("callout {i} has no `{field}`"),
            at(i, field),
        )));
    };
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9.0e15 => Ok(n as u64),
        _ => Err(Problem::Error(Diagnostic::new(
            Code::InvalidNumber,
            format!(
                "`{field}` must be a whole number from 0, found `{}`",
                v.source()
            ),
            at(i, field),
        ))),
    }
}

/// One callout's rate: `None` (with no problem) when it has no impressions.
fn entry(item: Val<'_>, i: usize) -> Result<Option<(String, MeasuredRate)>, Problem> {
    if item.kind() != Kind::Object {
        return Err(Problem::Error(Diagnostic::new(
            Code::InvalidType,
            format!("callout {i} must be an object, found {}", item.kind_name()),
            at(i, ""),
        )));
    }
    let Some(id) = item.get("id").and_then(|v| v.as_str()) else {
        return Err(Problem::Error(Diagnostic::new(
            Code::MissingField,
            format!("callout {i} has no `id` text"),
            at(i, "id"),
        )));
    };
    let conversions = count(item, i, "conversions")?;
    let impressions = count(item, i, "impressions")?;
    if impressions == 0 {
        return Ok(None);
    }
    let Some((low, high)) = wilson(conversions, impressions) else {
        return Err(Problem::Warning(Diagnostic::new(
            Code::InvalidValue,
            format!(
                "callout `{id}` has {conversions} conversions but {impressions} impressions; it has no measured rate"
            ),
            at(i, "conversions"),
        )));
    };
    // At the ends the interval's end is the rate itself, not a rounding error near it.
    let low = if conversions == 0 { 0.0 } else { low };
    let high = if conversions == impressions {
        1.0
    } else {
        high
    };
    Ok(Some((
        id.to_owned(),
        MeasuredRate {
            conversions,
            impressions,
            rate: conversions as f64 / impressions as f64,
            low,
            high,
        },
    )))
}

/// Whether `catalog` can produce a callout with id `id`.
fn known(catalog: &Catalog, id: &str) -> bool {
    if catalog.policy.rules.iter().any(|r| r.id == id) {
        return true;
    }
    let metric = |m: &str, credits: bool| {
        catalog
            .metrics
            .iter()
            .any(|x| x.id == m && (!credits || x.is_credits()))
    };
    match id.split_once(':') {
        Some(("feature_gate", f)) => catalog.features.iter().any(|x| x.id == f),
        Some(("usage_limit", m)) => metric(m, false),
        Some(("top_up", m)) => metric(m, true),
        _ => false,
    }
}

/// The warning listing the callouts of the rates the catalog cannot produce, if any.
fn unknown_callouts(entries: &[(String, MeasuredRate)], catalog: &Catalog) -> Option<Diagnostic> {
    let unknown: Vec<&str> = entries
        .iter()
        .filter(|(id, _)| !known(catalog, id))
        .map(|(id, _)| id.as_str())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let mut listed: Vec<String> = unknown
        .iter()
        .take(20)
        .map(|id| format!("`{id}`"))
        .collect();
    if unknown.len() > 20 {
        listed.push(format!("and {} more", unknown.len() - 20));
    }
    Some(Diagnostic::new(
        Code::UnknownCallout,
        format!(
            "{} of {} callouts with a rate are unknown to the catalog (a report of another catalog?): {}",
            unknown.len(),
            entries.len(),
            listed.join(", ")
        ),
        vec![key("callouts")],
    ))
}
