//! The result shapes handed to the host: callouts, their targets and calls to action, and the
//! options that unlock a feature or raise a limit.

use serde::Serialize;

use crate::config::Catalog;
use crate::context::{Facts, FactsEnv};
use crate::message::{self, Field, LocalValues, Localized};

/// One way to unlock a feature or raise a limit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnlockOption {
    /// `plan` or `addon`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Plan or add-on id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Add-ons: how many units to buy. Plans: `null`.
    pub quantity: Option<u32>,
    /// Change of the monthly bill; `null` for contact-sales plans.
    pub monthly_delta: Option<f64>,
    /// Priced by sales.
    pub contact_sales: bool,
    /// Purchase URL from the catalog, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What a callout pushes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// `plan` or `addon`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Plan or add-on id.
    pub id: String,
    /// Display name.
    pub label: String,
    /// Change of the monthly bill; `null` for contact-sales plans.
    pub monthly_delta: Option<f64>,
    /// Add-ons: units to buy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<u32>,
    /// Sold by a sales conversation.
    pub contact_sales: bool,
    #[serde(skip)]
    pub(crate) url: Option<String>,
}

impl From<&UnlockOption> for Target {
    fn from(o: &UnlockOption) -> Self {
        Target {
            kind: o.kind,
            id: o.id.clone(),
            label: o.label.clone(),
            monthly_delta: o.monthly_delta,
            quantity: o.quantity,
            contact_sales: o.contact_sales,
            url: o.url.clone(),
        }
    }
}

/// The call to action.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cta {
    /// Button text.
    pub label: String,
    /// `upgrade`, `add_addon`, `add_seats`, `start_trial`, `contact_sales`, `ask_admin` or `downgrade`.
    pub action: &'static str,
    /// Where the button goes (relative or http(s)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Experiment assignment of a callout.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExperimentRef {
    /// Experiment key.
    pub key: String,
    /// Assigned variant id (`null` in the holdout).
    pub variant: Option<String>,
    /// Whether the unit is in the holdout.
    pub holdout: bool,
}

/// A prompt the host may render.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Callout {
    /// Stable id to pass to `record`.
    pub id: String,
    /// Rule id (`builtin:feature_gate`, `builtin:usage_limit` for built-ins).
    pub rule: String,
    /// `feature_gate`, `usage_limit`, `upsell`, …
    pub kind: &'static str,
    /// `banner`, `inline`, `modal`, …
    pub placement: String,
    /// `info`, `warning` or `blocking`.
    pub severity: &'static str,
    /// What it pushes.
    pub target: Option<Target>,
    /// Headline (plain text).
    pub title: String,
    /// Body (plain text).
    pub body: String,
    /// Call to action.
    pub cta: Cta,
    /// Higher shows first.
    pub priority: f64,
    /// Experiment assignment.
    pub experiment: Option<ExperimentRef>,
    /// Why it fired, in words.
    pub reasons: Vec<String>,
}

/// The CTA action for a target, given the user's purchase rights.
pub fn action_for(target: Option<&Target>, can_purchase: bool, seat_metric: bool) -> &'static str {
    if !can_purchase {
        return "ask_admin";
    }
    match target {
        None => "contact_sales",
        Some(t) if t.contact_sales => "contact_sales",
        Some(t) if t.kind == "plan" => "upgrade",
        Some(_) if seat_metric => "add_seats",
        Some(_) => "add_addon",
    }
}

/// Renders title, body and CTA label from message layers (most specific first).
pub(crate) struct Texts {
    pub title: String,
    pub body: String,
    pub cta: String,
}

pub(crate) fn render(
    catalog: &Catalog,
    facts: &Facts,
    layers: &[&Localized],
    action: &'static str,
    locals: &LocalValues,
    forecast: bool,
) -> Texts {
    let env = FactsEnv {
        catalog,
        facts,
        locals: Some(locals),
    };
    let chain = message::locale_chain(&facts.locale);
    let text = |which: Field| {
        message::lookup(layers, &chain, which)
            .map(|t| t.render(&env, &catalog.currency))
            .unwrap_or_default()
    };
    let body = if forecast {
        message::lookup(layers, &chain, Field::BodyForecast)
            .map(|t| t.render(&env, &catalog.currency))
            .unwrap_or_else(|| text(Field::Body))
    } else {
        text(Field::Body)
    };
    // A rule's own CTA text is for buyers; others always get the "ask your admin" label.
    let cta_layers = catalog.messages.layers(&format!("cta.{action}"));
    let cta = if action == "ask_admin" {
        None
    } else {
        message::lookup(layers, &chain, Field::Cta).map(|t| t.render(&env, &catalog.currency))
    }
    .or_else(|| {
        message::lookup(&cta_layers, &chain, Field::Cta).map(|t| t.render(&env, &catalog.currency))
    })
    .unwrap_or_default();
    Texts {
        title: text(Field::Title),
        body,
        cta,
    }
}
