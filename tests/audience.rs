//! The audience layer: simulation aggregates equal what per-account `evaluate` and
//! `checkUsage` calls give (on the fixtures, every scenario and generated populations of every
//! sample catalog), merging the simulations of two halves (on two threads) equals one run,
//! bad rows are counted and located, the generator is deterministic, and the forecast horizon
//! (`daysToLimit`, `limitDate`, `forecast.horizonDays`, the simulate override).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::HashMap;

use serde_json::{json, Value};
use upgrade_prompts::audience::{Population, Simulation, MAX_ERROR_ROWS};
use upgrade_prompts::base::date;
use upgrade_prompts::base::diag::Diagnostic;
use upgrade_prompts::base::out::to_json;
use upgrade_prompts::{
    generate, simulate, simulate_jsonl, validate_config, Engine, EvalOptions, SimulateOptions,
    SimulationReport,
};

fn now() -> f64 {
    date::parse("2026-11-24T09:00:00Z").unwrap()
}

fn sample(name: &str) -> String {
    std::fs::read_to_string(common::root().join("www/samples").join(name)).unwrap()
}

const SAMPLES: [&str; 3] = ["team.json", "api.json", "features.json"];

fn opts(placement: Option<&str>) -> SimulateOptions {
    SimulateOptions {
        now: Some(now()),
        horizon_days: None,
        placement: placement.map(str::to_owned),
        top: 100_000,
        ..SimulateOptions::default()
    }
}

fn report_json(r: &SimulationReport) -> Value {
    serde_json::from_str(&to_json(r)).unwrap()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// Checks a report against one `evaluate` (and `checkUsage`) call per context.
fn check_against_evaluate(engine: &Engine, contexts: &[String], placement: Option<&str>) {
    let report = simulate(
        engine,
        contexts.iter().map(String::as_str),
        &opts(placement),
    );
    let r = report_json(&report);
    let eval_opts = EvalOptions {
        placement: placement.map(str::to_owned),
        trace: false,
        exposures: false,
    };
    // Per rule: shown, suppressed by reason, shown per placement, experiment arms.
    let mut shown: HashMap<String, u64> = HashMap::new();
    let mut suppressed: HashMap<(String, String), u64> = HashMap::new();
    let mut per_placement: HashMap<(String, String), u64> = HashMap::new();
    let mut exposed: HashMap<(String, String), u64> = HashMap::new();
    let mut callouts = 0;
    let mut with_callouts = 0;
    let mut with_errors = 0;
    let mut evals = Vec::new();
    for c in contexts {
        let e: Value =
            serde_json::from_str(&to_json(&engine.evaluate(c, &eval_opts, now()))).unwrap();
        let list = e["callouts"].as_array().unwrap();
        callouts += list.len() as u64;
        with_callouts += u64::from(!list.is_empty());
        with_errors += u64::from(!e["errors"].as_array().unwrap().is_empty());
        for co in list {
            let rule = co["rule"].as_str().unwrap().to_owned();
            *shown.entry(rule.clone()).or_default() += 1;
            let place = co["placement"].as_str().unwrap().to_owned();
            *per_placement.entry((rule.clone(), place)).or_default() += 1;
            if let Some(x) = co["experiment"].as_object() {
                let arm = x["variant"].as_str().unwrap_or("holdout").to_owned();
                *exposed.entry((rule, arm)).or_default() += 1;
            }
        }
        for s in e["suppressed"].as_array().unwrap() {
            let rule = s["rule"].as_str().unwrap().to_owned();
            let reason = s["reason"].as_str().unwrap().to_owned();
            if reason == "holdout" {
                *exposed.entry((rule.clone(), "holdout".into())).or_default() += 1;
            }
            *suppressed.entry((rule, reason)).or_default() += 1;
        }
        evals.push(e);
    }
    let what = format!("{placement:?} over {} contexts", contexts.len());
    let t = &r["totals"];
    assert_eq!(n(&t["accounts"]), contexts.len() as u64, "{what}");
    assert_eq!(n(&t["callouts"]), callouts, "{what}");
    assert_eq!(n(&t["accountsWithCallouts"]), with_callouts, "{what}");
    assert_eq!(n(&t["accountsWithErrors"]), with_errors, "{what}");
    let mut report_shown = 0;
    for rule in r["rules"].as_array().unwrap() {
        let id = rule["rule"].as_str().unwrap().to_owned();
        report_shown += n(&rule["shown"]);
        assert_eq!(
            n(&rule["shown"]),
            shown.get(&id).copied().unwrap_or(0),
            "{what}: {id} shown"
        );
        let mut suppressed_total = 0;
        for (reason, count) in rule["suppressed"].as_object().unwrap() {
            suppressed_total += n(count);
            assert_eq!(
                n(count),
                suppressed
                    .get(&(id.clone(), reason.clone()))
                    .copied()
                    .unwrap_or(0),
                "{what}: {id} suppressed {reason}"
            );
        }
        let expected_total: u64 = suppressed
            .iter()
            .filter(|((r, _), _)| *r == id)
            .map(|(_, c)| c)
            .sum();
        assert_eq!(
            suppressed_total, expected_total,
            "{what}: {id} suppressed in all"
        );
        let schedule = n(&rule["suppressed"]["schedule"]);
        assert_eq!(
            n(&rule["matched"]) + schedule,
            n(&rule["shown"]) + n(&rule["otherPlacement"]) + suppressed_total,
            "{what}: {id} matched"
        );
        for (place, count) in rule["placements"].as_object().unwrap() {
            assert_eq!(
                n(count),
                per_placement
                    .get(&(id.clone(), place.clone()))
                    .copied()
                    .unwrap_or(0),
                "{what}: {id} in {place}"
            );
        }
        if let Some(x) = rule["experiment"].as_object() {
            for arm in x["arms"].as_array().unwrap() {
                let name = arm["arm"].as_str().unwrap().to_owned();
                assert_eq!(
                    n(&arm["exposed"]),
                    exposed
                        .get(&(id.clone(), name.clone()))
                        .copied()
                        .unwrap_or(0),
                    "{what}: {id} arm {name}"
                );
            }
        }
    }
    assert_eq!(report_shown, callouts, "{what}");
    // Opportunities (every one is listed: `top` is above the count): each is a callout the
    // account's evaluation shows, or holds back by the readiness guard it names, or holds
    // back behind another blocking callout.
    let opps = r["opportunities"].as_array().unwrap();
    assert_eq!(opps.len() as u64, n(&t["opportunityAccounts"]), "{what}");
    let mut uplift = 0.0;
    for o in opps {
        uplift += o["monthlyDelta"].as_f64().unwrap();
        let e = &evals[n(&o["index"]) as usize];
        let callout = o["callout"].as_str().unwrap();
        if o["shown"].as_bool().unwrap() {
            let c = e["callouts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == callout);
            let c = c.unwrap_or_else(|| panic!("{what}: {o} not shown in {e}"));
            assert_eq!(c["target"]["id"], o["target"]["id"], "{what}");
            assert_eq!(c["target"]["monthlyDelta"], o["monthlyDelta"], "{what}");
            // No shown expansion is worth more.
            for other in e["callouts"].as_array().unwrap() {
                if other["kind"] != "downsell" {
                    assert!(
                        other["target"]["monthlyDelta"].as_f64().unwrap_or(0.0)
                            <= o["monthlyDelta"].as_f64().unwrap()
                    );
                }
            }
        } else {
            // Held back by the readiness guard it names, or (without one) behind another
            // blocking callout.
            let guard = o["guard"].as_str().unwrap_or("blocking_shown");
            assert!(
                e["suppressed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["callout"] == callout && s["reason"] == guard),
                "{what}: {o} not held back by {guard} in {e}"
            );
        }
    }
    let total = t["potentialMonthlyUplift"].as_f64().unwrap();
    assert!(
        (uplift - total).abs() < 1e-6,
        "{what}: uplift {uplift} vs {total}"
    );
    for d in r["downsells"].as_array().unwrap() {
        let e = &evals[n(&d["index"]) as usize];
        assert!(
            e["callouts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == d["callout"] && c["kind"] == "downsell"),
            "{what}: {d}"
        );
    }
    // Readiness covers every account with a plan.
    let rd = &r["readiness"];
    let blocked: u64 = rd["blocked"].as_object().unwrap().values().map(n).sum();
    assert_eq!(
        n(&rd["ready"]) + blocked + n(&rd["noPlan"]),
        contexts.len() as u64,
        "{what}"
    );
    // Limit forecast: per metric, the accounts whose `checkUsage` has a `daysToLimit` (for a
    // credit metric, a `credits.daysToEmpty`).
    for f in r["limitForecast"].as_array().unwrap() {
        let metric = f["metric"].as_str().unwrap();
        let (mut reaching, mut at_or_over) = (0, 0);
        let mut days_of: HashMap<u64, f64> = HashMap::new();
        for (i, c) in contexts.iter().enumerate() {
            let u: Value =
                serde_json::from_str(&to_json(&engine.check_usage(metric, c, now()))).unwrap();
            // A credit metric runs out instead: `credits.daysToEmpty`, empty at a balance of 0.
            let credits = &u["credits"];
            let (days, reached, date) = if credits.is_object() {
                let Some(days) = credits["daysToEmpty"].as_f64() else {
                    continue;
                };
                let empty = credits["balance"].as_f64().unwrap() <= 0.0;
                (days, empty, &credits["emptyDate"])
            } else {
                let Some(days) = u["daysToLimit"].as_f64() else {
                    continue;
                };
                let over = u["used"].as_f64().unwrap() >= u["limit"].as_f64().unwrap();
                (days, over, &u["limitDate"])
            };
            if reached {
                at_or_over += 1;
                assert_eq!(days, 0.0);
            } else {
                reaching += 1;
                days_of.insert(i as u64, days);
                assert!(date.is_string());
            }
        }
        assert_eq!(n(&f["accounts"]), reaching, "{what}: {metric}");
        assert_eq!(n(&f["atOrOver"]), at_or_over, "{what}: {metric}");
        let weeks: u64 = f["byWeek"].as_array().unwrap().iter().map(n).sum();
        assert_eq!(weeks, reaching, "{what}: {metric} by week");
        let soonest = f["soonest"].as_array().unwrap();
        assert_eq!(soonest.len() as u64, reaching);
        for (a, b) in soonest.iter().zip(soonest.iter().skip(1)) {
            assert!(a["daysToLimit"].as_f64() <= b["daysToLimit"].as_f64());
        }
        for h in soonest {
            assert_eq!(
                Some(&h["daysToLimit"].as_f64().unwrap()),
                days_of.get(&n(&h["index"]))
            );
        }
    }
}

fn fixture_contexts() -> Vec<String> {
    ["growing-team.json", "product.json"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(common::root().join("tests/fixtures/contexts").join(f)).unwrap()
        })
        .collect()
}

#[test]
fn aggregates_equal_per_account_evaluate_on_generated_populations() {
    for name in SAMPLES {
        let engine = Engine::new(&sample(name)).unwrap();
        let mut contexts: Vec<String> = generate(&engine, 400, 11, now()).collect();
        contexts.extend(fixture_contexts());
        for placement in [None, Some("banner"), Some("inline")] {
            check_against_evaluate(&engine, &contexts, placement);
        }
        // The report has something to check: callouts, opportunities and forecasts.
        let r = report_json(&simulate(
            &engine,
            contexts.iter().map(String::as_str),
            &opts(None),
        ));
        assert!(n(&r["totals"]["callouts"]) > 50, "{name}: {}", r["totals"]);
        assert!(
            n(&r["totals"]["opportunityAccounts"]) > 10,
            "{name}: {}",
            r["totals"]
        );
        let reaching: u64 = r["limitForecast"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| n(&f["accounts"]))
            .sum();
        assert!(reaching > 5, "{name}: {}", r["limitForecast"]);
    }
}

#[test]
fn aggregates_equal_per_account_evaluate_on_every_scenario() {
    for (_, fx) in common::scenarios() {
        let (config, context) = common::inputs(&fx);
        let Ok(engine) = Engine::new(&config.to_string()) else {
            continue;
        };
        let contexts = vec![context.to_string()];
        for placement in [None, Some("banner")] {
            check_against_evaluate(&engine, &contexts, placement);
        }
    }
}

#[test]
fn merging_two_halves_on_two_threads_equals_one_run() {
    let config = sample("team.json");
    let engine = Engine::new(&config).unwrap();
    let contexts: Vec<String> = generate(&engine, 1500, 3, now()).collect();
    let o = SimulateOptions {
        now: Some(now()),
        top: 15,
        ..SimulateOptions::default()
    };
    let one = simulate(&engine, contexts.iter().map(String::as_str), &o);
    // Interleaved halves, each on its own thread with its own engine.
    let halves: Vec<Simulation> = [0, 1]
        .into_iter()
        .map(|half| {
            let (config, contexts, o) = (config.clone(), contexts.clone(), o.clone());
            std::thread::spawn(move || {
                let engine = Engine::new(&config).unwrap();
                let mut sim = Simulation::new(&engine, &o);
                for (i, c) in contexts.iter().enumerate().filter(|(i, _)| i % 2 == half) {
                    sim.add(&engine, i as u64, c);
                }
                sim
            })
        })
        .map(|h| h.join().unwrap())
        .collect();
    let mut it = halves.into_iter();
    let (mut a, b) = (it.next().unwrap(), it.next().unwrap());
    a.merge(b);
    let merged = a.finish();
    assert_eq!(to_json(&merged), to_json(&one));
    assert_eq!(merged, one);
    assert_eq!(one.opportunities.len(), 15);
}

#[test]
fn bad_rows_are_counted_and_located_never_dropped() {
    let engine = Engine::new(&sample("team.json")).unwrap();
    let good: Vec<String> = generate(&engine, 3, 1, now()).collect();
    let text = format!(
        "{}\n\n{{\"account\": \n{}\n[1, 2]\n{{\"account\": {{\"plan\": \"platinum\"}}}}\n   \n{}\n",
        good[0], good[1], good[2]
    );
    let r = simulate_jsonl(&engine, &text, &opts(None));
    assert_eq!(r.totals.accounts, 6);
    assert_eq!(r.totals.evaluated, 6);
    assert_eq!(r.totals.accounts_with_errors, 3);
    let rows: Vec<(u64, &str)> = r
        .errors
        .iter()
        .map(|e| (e.index, e.error.code.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (3, "invalid_json"),
            (5, "invalid_type"),
            (6, "unknown_plan")
        ],
        "{:?}",
        r.errors
    );
    let j = report_json(&r);
    assert_eq!(j["errors"][2]["path"], json!(["account", "plan"]));
    assert_eq!(j["readiness"]["noPlan"], 3);

    // Rows a reader could not turn into a context: counted, the first ones kept by index.
    let mut sim = Simulation::new(&engine, &opts(None));
    for i in (0..250u64).rev() {
        sim.add_error(
            i,
            Diagnostic::new(
                upgrade_prompts::base::vocab::Code::InvalidRow,
                format!("row {i} is bad"),
                vec![],
            ),
        );
    }
    sim.add(&engine, 1000, &good[0]);
    let r = sim.finish();
    assert_eq!(r.totals.accounts, 251);
    assert_eq!(r.totals.error_rows, 250);
    assert_eq!(r.totals.accounts_with_errors, 250);
    assert_eq!(r.totals.evaluated, 1);
    assert_eq!(r.errors.len(), MAX_ERROR_ROWS);
    assert!(r
        .errors
        .iter()
        .enumerate()
        .all(|(i, e)| e.index == i as u64));

    // Bad options are warnings, never a failure.
    let bad = SimulateOptions {
        now: Some(f64::NAN),
        horizon_days: Some(0.5),
        placement: Some("baner".into()),
        top: 5,
        ..SimulateOptions::default()
    };
    let r = simulate(&engine, good.iter().map(String::as_str), &bad);
    let codes: Vec<&str> = r.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(
        codes,
        ["invalid_option", "invalid_option", "unknown_placement"]
    );
    assert_eq!(
        r.warnings[2].help.as_deref(),
        Some("did you mean `banner`?")
    );
    assert_eq!(r.horizon_days, 90.0);
    assert_eq!(r.totals.callouts, 0);
    // Empty input.
    let r = simulate_jsonl(&engine, "\n\n", &opts(None));
    assert_eq!(r.totals.accounts, 0);
    assert!(r.opportunities.is_empty());
}

/// FNV-1a over the bytes, to pin the generator's output.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[test]
fn the_generator_is_deterministic_and_its_contexts_are_valid() {
    for name in SAMPLES {
        let engine = Engine::new(&sample(name)).unwrap();
        let a: Vec<String> = generate(&engine, 300, 42, now()).collect();
        let b: Vec<String> = generate(&engine, 300, 42, now()).collect();
        let c: Vec<String> = generate(&engine, 300, 43, now()).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        // Account i does not depend on the others.
        let p = Population::new(&engine, 42, now());
        assert_eq!(p.context(123), a[123]);
        for ctx in &a {
            let e: Value = serde_json::from_str(&to_json(&engine.evaluate(
                ctx,
                &EvalOptions::default(),
                now(),
            )))
            .unwrap();
            assert_eq!(e["errors"], json!([]), "{name}: {ctx}");
            assert_eq!(e["warnings"], json!([]), "{name}: {ctx}");
        }
    }
    // Pinned: the same seed gives the same bytes on every platform and in every version
    // (change this only with a documented change of the distributions).
    let engine = Engine::new(&sample("team.json")).unwrap();
    let all: String = generate(&engine, 200, 7, now()).collect();
    assert_eq!(
        fnv(&all),
        PINNED,
        "generator output changed: {:#x}",
        fnv(&all)
    );
}

const PINNED: u64 = 0xe366_84fd_864b_efe5;

// ---- The forecast horizon ----

fn forecast_config(extra: Value) -> String {
    let mut c = json!({
        "version": 1,
        "metrics": { "seats": { "label": "Seats" }, "api_calls": { "label": "API calls", "period": "month" } },
        "plans": [
            { "id": "team", "price": { "monthly": 0, "perSeat": 10 }, "limits": { "seats": 25, "api_calls": 50000 } },
            { "id": "business", "price": { "monthly": 0, "perSeat": 20 }, "limits": { "seats": 100, "api_calls": 500000 } }
        ],
        "rules": [{ "id": "seats-soon", "kind": "upsell", "placement": "inline", "priority": 50,
                    "when": "usage.seats.daysToLimit <= 60",
                    "message": { "en": { "title": "Seats run out in {usage.seats.daysToLimit} days" } } }]
    });
    common::merge(&mut c, &extra);
    c.to_string()
}

fn context(usage: Value) -> String {
    json!({
        "now": "2026-11-24T09:00:00Z",
        "account": { "id": "a", "plan": "team" },
        "user": { "id": "u", "role": "owner" },
        "usage": usage
    })
    .to_string()
}

fn usage_of(engine: &Engine, metric: &str, ctx: &str) -> Value {
    serde_json::from_str(&to_json(&engine.check_usage(metric, ctx, now()))).unwrap()
}

fn seats(history: &[(&str, f64)], used: f64) -> Value {
    let h: Vec<Value> = history
        .iter()
        .map(|(at, v)| json!({ "at": at, "value": v }))
        .collect();
    json!({ "seats": { "used": used, "history": h }, "api_calls": { "used": 1000 } })
}

#[test]
fn standing_metrics_reach_their_limit_on_the_least_squares_trend() {
    let engine = Engine::new(&forecast_config(json!({}))).unwrap();
    // One seat a week: from 20, the limit of 25 is 35 days away.
    let rising = seats(
        &[
            ("2026-11-03T09:00:00Z", 17.0),
            ("2026-11-10T09:00:00Z", 18.0),
            ("2026-11-17T09:00:00Z", 19.0),
        ],
        20.0,
    );
    let u = usage_of(&engine, "seats", &context(rising.clone()));
    assert_eq!(u["daysToLimit"], 35.0, "{u}");
    assert_eq!(u["limitDate"], "2026-12-29");
    assert_eq!(u["daysLeft"], 35.0, "daysLeft is unchanged: {u}");
    // The rule reads it, and so does its message.
    let e: Value = serde_json::from_str(&to_json(&engine.evaluate(
        &context(rising),
        &EvalOptions::default(),
        now(),
    )))
    .unwrap();
    let c = e["callouts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "seats-soon")
        .cloned();
    assert_eq!(c.unwrap()["title"], "Seats run out in 35 days");
    // Too few points (two readings), too short a span (under 7 days), flat or falling: null.
    for (history, used) in [
        (vec![("2026-11-17T09:00:00Z", 19.0)], 20.0),
        (
            vec![
                ("2026-11-20T09:00:00Z", 17.0),
                ("2026-11-22T09:00:00Z", 18.0),
            ],
            20.0,
        ),
        (
            vec![
                ("2026-11-03T09:00:00Z", 20.0),
                ("2026-11-10T09:00:00Z", 20.0),
                ("2026-11-17T09:00:00Z", 20.0),
            ],
            20.0,
        ),
        (
            vec![
                ("2026-11-03T09:00:00Z", 23.0),
                ("2026-11-10T09:00:00Z", 22.0),
                ("2026-11-17T09:00:00Z", 21.0),
            ],
            20.0,
        ),
    ] {
        let u = usage_of(&engine, "seats", &context(seats(&history, used)));
        assert_eq!(u["daysToLimit"], Value::Null, "{history:?}: {u}");
        assert_eq!(u["limitDate"], Value::Null);
    }
    // At or over the limit: 0, today, whatever the history.
    let u = usage_of(&engine, "seats", &context(seats(&[], 25.0)));
    assert_eq!(
        (u["daysToLimit"].clone(), u["limitDate"].clone()),
        (json!(0), json!("2026-11-24"))
    );
    // No history, unlimited or unknown usage: null.
    let u = usage_of(&engine, "seats", &context(json!({ "seats": 20 })));
    assert_eq!(u["daysToLimit"], Value::Null);
    // Beyond the horizon: one seat a month is 150 days away.
    let slow = seats(
        &[
            ("2026-08-26T09:00:00Z", 16.0),
            ("2026-09-25T09:00:00Z", 17.0),
            ("2026-10-25T09:00:00Z", 18.0),
        ],
        20.0,
    );
    assert_eq!(
        usage_of(&engine, "seats", &context(slow.clone()))["daysToLimit"],
        Value::Null
    );
    let longer = Engine::new(&forecast_config(
        json!({ "forecast": { "horizonDays": 365 } }),
    ))
    .unwrap();
    let u = usage_of(&longer, "seats", &context(slow.clone()));
    assert!(u["daysToLimit"].as_f64().unwrap() > 90.0, "{u}");
    // The simulate option overrides the config.
    let o = SimulateOptions {
        now: Some(now()),
        horizon_days: Some(365.0),
        ..SimulateOptions::default()
    };
    let r = simulate(&engine, [context(slow).as_str()], &o);
    assert_eq!(r.horizon_days, 365.0);
    assert_eq!(r.limit_forecast[0].accounts, 1);
    assert_eq!(
        r.limit_forecast[0].soonest[0].days_to_limit,
        u["daysToLimit"].as_f64().unwrap()
    );
    assert_eq!(r.limit_forecast[0].by_week.len(), 53);
}

#[test]
fn metered_metrics_reach_their_limit_on_the_trend_of_period_totals() {
    let engine = Engine::new(&forecast_config(json!({}))).unwrap();
    // Monthly totals 30k, 36k, 42k (read an hour before each month's end), and 36k so far in
    // November (23.4 of 30 days: a 46k month). November stays under the 50k limit; the trend
    // of totals (about +5.4k a month) gives December about 51.8k, which reaches 50k on
    // December 30 (31 days × 50 ÷ 51.8 into the month).
    let api = json!({ "seats": 5, "api_calls": { "used": 36000, "history": [
        { "at": "2026-08-31T23:00:00Z", "value": 30000 },
        { "at": "2026-09-30T23:00:00Z", "value": 36000 },
        { "at": "2026-10-31T23:00:00Z", "value": 42000 },
        { "at": "2026-11-10T00:00:00Z", "value": 15000 } ] } });
    let u = usage_of(&engine, "api_calls", &context(api));
    assert_eq!(u["daysLeft"], Value::Null, "{u}");
    assert_eq!(u["projected"], 45678.26, "projected is unchanged: {u}");
    assert_eq!(u["daysToLimit"], 36.0, "{u}");
    assert_eq!(u["limitDate"], "2026-12-30", "{u}");
    // With only two period totals there is no trend.
    let short = json!({ "seats": 5, "api_calls": { "used": 36000, "history": [
        { "at": "2026-10-31T23:00:00Z", "value": 42000 } ] } });
    assert_eq!(
        usage_of(&engine, "api_calls", &context(short))["daysToLimit"],
        Value::Null
    );
    // Reached within this period: the in-period forecast, as `daysLeft`.
    let fast = json!({ "seats": 5, "api_calls": { "used": 45000, "history": [{ "at": "2026-11-10T00:00:00Z", "value": 20000 }] } });
    let u = usage_of(&engine, "api_calls", &context(fast));
    assert_eq!(u["daysToLimit"], u["daysLeft"], "{u}");
    assert!(u["daysToLimit"].as_f64().unwrap() <= 6.0);
    // Falling totals that stay under the limit: null.
    let falling = json!({ "seats": 5, "api_calls": { "used": 20000, "history": [
        { "at": "2026-08-31T23:00:00Z", "value": 40000 },
        { "at": "2026-09-30T23:00:00Z", "value": 35000 },
        { "at": "2026-10-31T23:00:00Z", "value": 30000 } ] } });
    assert_eq!(
        usage_of(&engine, "api_calls", &context(falling))["daysToLimit"],
        Value::Null
    );
}

#[test]
fn the_horizon_is_validated_like_every_other_key() {
    for (forecast, code, path) in [
        (
            json!({ "horizonDays": 0 }),
            "out_of_range",
            json!(["forecast", "horizonDays"]),
        ),
        (
            json!({ "horizonDays": 30.5 }),
            "out_of_range",
            json!(["forecast", "horizonDays"]),
        ),
        (
            json!({ "horizonDays": 3651 }),
            "out_of_range",
            json!(["forecast", "horizonDays"]),
        ),
        (
            json!({ "horizonDays": "90" }),
            "invalid_type",
            json!(["forecast", "horizonDays"]),
        ),
        (
            json!({ "horizon": 90 }),
            "unknown_field",
            json!(["forecast", "horizon"]),
        ),
        (json!(90), "invalid_type", json!(["forecast"])),
    ] {
        let report = validate_config(&forecast_config(json!({ "forecast": forecast })));
        let errors: Value = serde_json::from_str(&to_json(&report.errors)).unwrap();
        assert_eq!(errors.as_array().unwrap().len(), 1, "{forecast}: {errors}");
        assert_eq!(errors[0]["code"], code, "{forecast}: {errors}");
        assert_eq!(errors[0]["path"], path, "{forecast}: {errors}");
    }
    assert!(
        validate_config(&forecast_config(
            json!({ "forecast": { "horizonDays": 3650 } })
        ))
        .valid
    );
    // The rule language knows the path, with a suggestion for a typo.
    let report = validate_config(&forecast_config(
        json!({ "rules": [{ "id": "x", "kind": "upsell", "placement": "inline",
        "when": "usage.seats.daysToLimt < 30", "message": { "en": { "title": "t" } } }] }),
    ));
    let errors: Value = serde_json::from_str(&to_json(&report.errors)).unwrap();
    assert_eq!(
        errors[0]["help"], "did you mean `usage.seats.daysToLimit`?",
        "{errors}"
    );
}
