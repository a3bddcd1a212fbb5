//! `Engine::vocabulary` (the audience entry's `contextVocabulary`): every path it lists reads
//! in a rule of that catalog, every function it lists is accepted with the ids it offers, and
//! it writes out the catalog's own metric, feature, plan and add-on ids.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use upgrade_prompts::base::out::to_json;
use upgrade_prompts::{validate_config, Engine};

fn sample(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("www/samples/{name}.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The sample with one more rule whose `when` is `expr`; the errors of that rule's `when`.
fn when_errors(config: &Value, expr: &str) -> Vec<String> {
    let mut config = config.clone();
    let target = config["plans"][1]["id"].clone();
    let rules = config
        .as_object_mut()
        .unwrap()
        .entry("rules")
        .or_insert(json!([]))
        .as_array_mut()
        .unwrap();
    let at = rules.len();
    rules.push(json!({
        "id": "vocabulary-probe", "kind": "upsell", "placement": "inline",
        "target": target,
        "when": expr,
        "message": { "en": { "title": "t", "body": "b", "cta": "c" } }
    }));
    let report = validate_config(&config.to_string());
    report
        .errors
        .iter()
        .filter(|d| to_json(&d.path) == format!("[\"rules\",{at},\"when\"]"))
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn every_listed_path_and_function_reads_in_a_rule() {
    for name in ["team", "api", "features", "credits"] {
        let config = sample(name);
        let engine = Engine::new(&config.to_string()).unwrap();
        let vocab = engine.vocabulary();
        assert!(
            vocab.paths.len() > 20,
            "{name}: {} paths",
            vocab.paths.len()
        );
        for p in &vocab.paths {
            let path = if p.path.ends_with('.') {
                format!("{}x", p.path)
            } else {
                p.path.clone()
            };
            let errors = when_errors(&config, &format!("{path} != null"));
            assert!(errors.is_empty(), "{name}: `{path}`: {errors:?}");
        }
        for f in &vocab.functions {
            let arg = f.args[0]
                .values
                .first()
                .map_or("'a'".to_owned(), |v| format!("'{v}'"));
            let expr = if f.method {
                format!("page.route.{}({arg})", f.name)
            } else if f.name == "size" {
                "size(account.addons) >= 0".to_owned()
            } else {
                format!("{}({arg})", f.name)
            };
            let errors = when_errors(&config, &expr);
            assert!(errors.is_empty(), "{name}: `{expr}`: {errors:?}");
        }
    }
}

#[test]
fn the_vocabulary_names_the_catalogs_ids() {
    let config = sample("team");
    let vocab = Engine::new(&config.to_string()).unwrap().vocabulary();
    let paths: Vec<&str> = vocab.paths.iter().map(|p| p.path.as_str()).collect();
    for metric in config["metrics"].as_object().unwrap().keys() {
        for field in ["used", "limit", "ratio", "state", "daysToLimit"] {
            let want = format!("usage.{metric}.{field}");
            assert!(paths.contains(&want.as_str()), "missing {want}");
        }
        // Credit fields belong to credit metrics only.
        assert!(!paths.contains(&format!("usage.{metric}.balance").as_str()));
    }
    for feature in config["features"].as_object().unwrap().keys() {
        let want = format!("features.{feature}.uses30d");
        assert!(paths.contains(&want.as_str()), "missing {want}");
    }
    for want in [
        "account.healthScore",
        "user.role",
        "plan.rank",
        "page.route",
        "account.traits.",
        "signals.pendingInvites",
        "locale",
    ] {
        assert!(paths.contains(&want), "missing {want}");
    }
    let ratio = vocab
        .paths
        .iter()
        .find(|p| p.path.ends_with(".ratio"))
        .unwrap();
    assert_eq!(ratio.ty, "number");
    assert!(!ratio.description.is_empty());

    let f = |name: &str| vocab.functions.iter().find(|f| f.name == name).unwrap();
    let plan_ids: Vec<String> = config["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(f("planAtLeast").args[0].values, plan_ids);
    let addon_ids: Vec<String> = config["addons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(f("hasAddon").args[0].values, addon_ids);
    assert!(f("startsWith").method && !f("hasFeature").method);
    for name in ["hasFeature", "size", "endsWith", "contains"] {
        f(name);
    }
    let json: Value = serde_json::from_str(&to_json(&vocab)).unwrap();
    assert_eq!(json["paths"][0]["type"], "number");
    assert!(json["functions"][0]["args"][0]["values"].is_array());
}
