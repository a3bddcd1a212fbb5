//! Merging stored states (the core of the `persist` option, src/browser.rs): what two tabs
//! record ends up in both, in any order, and what cannot be read is a warning, never a loss.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use upgrade_prompts::engine::to_json;
use upgrade_prompts::Engine;

fn engine() -> Engine {
    let config = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/team.json"),
    )
    .unwrap();
    Engine::new(&config).unwrap()
}

/// The host clock: the states below were stored before it.
const HOST: f64 = 1_795_510_800_000.0; // 2026-11-24T09:00:00Z

fn ms(s: &str) -> f64 {
    upgrade_prompts::base::date::parse(s).unwrap()
}

/// A time as the exported JSON writes it (whole milliseconds).
fn t(s: &str) -> Value {
    json!(ms(s) as i64)
}

fn record(e: &mut Engine, kind: &str, callout: &str, at: &str) {
    let r = e.record(kind, callout, ms(at));
    assert!(r.recorded, "{r:?}");
}

fn export(e: &mut Engine) -> String {
    to_json(&e.export_state())
}

fn value(e: &mut Engine) -> Value {
    serde_json::from_str(&export(e)).unwrap()
}

#[test]
fn dismissals_of_two_tabs_end_up_in_both_in_any_order() {
    let mut a = engine();
    let mut b = engine();
    record(
        &mut a,
        "dismiss",
        "seats-near-limit",
        "2026-11-24T08:00:00Z",
    );
    record(
        &mut b,
        "dismiss",
        "reports-cross-sell",
        "2026-11-24T08:01:00Z",
    );
    let (sa, sb) = (export(&mut a), export(&mut b));
    assert!(
        a.merge_state(&sb, HOST),
        "a holds a dismissal b's store lacks"
    );
    assert!(b.merge_state(&sa, HOST));
    assert_eq!(export(&mut a), export(&mut b));
    let merged = value(&mut a);
    assert_eq!(
        merged["callouts"]["seats-near-limit"]["dismissedAt"],
        t("2026-11-24T08:00:00Z")
    );
    assert_eq!(
        merged["callouts"]["reports-cross-sell"]["dismissedAt"],
        t("2026-11-24T08:01:00Z")
    );
    // Merging what one already holds changes nothing and says the store is current.
    let again = export(&mut a);
    assert!(!a.merge_state(&again, HOST));
    assert_eq!(export(&mut a), again);
    assert!(a
        .warnings()
        .iter()
        .all(|w| w.code.as_str() != "state_ignored"));
}

#[test]
fn impressions_both_hold_count_once_and_later_ones_are_added() {
    let mut a = engine();
    record(
        &mut a,
        "impression",
        "seats-near-limit",
        "2026-11-24T07:00:00Z",
    );
    let mut b = engine();
    b.restore_state(&export(&mut a), HOST); // b started from what a stored
    record(
        &mut b,
        "impression",
        "seats-near-limit",
        "2026-11-24T08:00:00Z",
    );
    record(
        &mut a,
        "impression",
        "seats-near-limit",
        "2026-11-24T07:30:00Z",
    );
    a.merge_state(&export(&mut b), HOST);
    let times = value(&mut a)["callouts"]["seats-near-limit"]["impressions"].clone();
    assert_eq!(
        times,
        json!([
            t("2026-11-24T07:00:00Z"),
            t("2026-11-24T07:30:00Z"),
            t("2026-11-24T08:00:00Z")
        ])
    );
    // Two impressions at the same time in one tab are two impressions.
    let mut c = engine();
    record(
        &mut c,
        "impression",
        "seats-near-limit",
        "2026-11-24T07:00:00Z",
    );
    record(
        &mut c,
        "impression",
        "seats-near-limit",
        "2026-11-24T07:00:00Z",
    );
    let mut d = engine();
    d.merge_state(&export(&mut c), HOST);
    d.merge_state(&export(&mut c), HOST);
    assert_eq!(
        value(&mut d)["callouts"]["seats-near-limit"]["impressions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn latest_dismissal_and_earliest_conversion_win() {
    let mut a = engine();
    let mut b = engine();
    record(
        &mut a,
        "dismiss",
        "seats-near-limit",
        "2026-11-20T00:00:00Z",
    );
    record(
        &mut b,
        "dismiss",
        "seats-near-limit",
        "2026-11-22T00:00:00Z",
    );
    record(
        &mut a,
        "convert",
        "reports-cross-sell",
        "2026-11-23T00:00:00Z",
    );
    record(
        &mut b,
        "convert",
        "reports-cross-sell",
        "2026-11-21T00:00:00Z",
    );
    a.merge_state(&export(&mut b), HOST);
    let s = value(&mut a);
    assert_eq!(
        s["callouts"]["seats-near-limit"]["dismissedAt"],
        t("2026-11-22T00:00:00Z")
    );
    assert_eq!(
        s["callouts"]["reports-cross-sell"]["convertedAt"],
        t("2026-11-21T00:00:00Z")
    );
}

#[test]
fn an_unreadable_store_is_a_warning_once_and_the_state_is_kept() {
    let mut a = engine();
    record(
        &mut a,
        "dismiss",
        "seats-near-limit",
        "2026-11-24T08:00:00Z",
    );
    let before = export(&mut a);
    for junk in ["not json", "{\"version\": 9, \"callouts\": {}}", "[]"] {
        assert!(a.merge_state(junk, HOST), "the store is behind: `{junk}`");
        assert!(a.merge_state(junk, HOST));
    }
    assert_eq!(export(&mut a), before);
    let ignored: Vec<_> = a
        .warnings()
        .iter()
        .filter(|w| w.code.as_str() == "state_ignored")
        .collect();
    assert_eq!(ignored.len(), 2, "{ignored:?}"); // `not json` and `[]` read alike
    for w in ignored {
        assert_eq!(to_json(&w.path), "[\"persist\"]");
        assert!(w
            .message
            .ends_with("; ignored (the next record overwrites it)"));
    }
    // A stored history of an unknown callout (a rule removed since) is skipped silently.
    let other = json!({ "version": 1, "callouts": { "gone": { "dismissedAt": 1 } } });
    a.merge_state(&other.to_string(), HOST);
    assert_eq!(export(&mut a), before);
}

/// A state whose exposures are `units` of the team sample's `seat-copy` experiment, the n-th
/// exposed n minutes after `HOST - 1 day`.
fn exposures_of(units: std::ops::Range<u32>) -> String {
    let list: Vec<Value> = units
        .map(|i| {
            json!({ "experiment": "seat-copy", "unit": format!("acct_{i}"),
                    "at": HOST - 86_400_000.0 + f64::from(i) * 60_000.0 })
        })
        .collect();
    json!({ "version": 1, "callouts": {}, "exposures": list }).to_string()
}

#[test]
fn exposures_merge_in_any_order_and_keep_the_latest_256() {
    let (a, b) = (exposures_of(0..200), exposures_of(150..320));
    let mut ab = engine();
    ab.restore_state(&a, HOST);
    ab.merge_state(&b, HOST);
    let mut ba = engine();
    ba.restore_state(&b, HOST);
    ba.merge_state(&a, HOST);
    let (x, y) = (value(&mut ab), value(&mut ba));
    assert_eq!(x, y);
    let kept: Vec<&str> = x["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["unit"].as_str().unwrap())
        .collect();
    assert_eq!(kept.len(), 256);
    // The 320 units exposed, less the 64 earliest.
    assert!(!kept.contains(&"acct_63") && kept.contains(&"acct_64") && kept.contains(&"acct_319"));
    // Exposures of an experiment the catalog does not have, or unreadable, are skipped with a
    // warning; the rest is kept.
    let odd = json!({ "version": 1, "callouts": {}, "exposures": [
        { "experiment": "gone", "unit": "u", "at": HOST - 1000.0 },
        { "experiment": "seat-copy", "unit": "", "at": HOST - 1000.0 },
        { "experiment": "seat-copy", "unit": "u", "at": "yesterday" },
        { "experiment": "seat-copy", "unit": "u", "at": HOST - 1000.0 } ] });
    let mut e = engine();
    e.restore_state(&odd.to_string(), HOST);
    assert_eq!(value(&mut e)["exposures"].as_array().unwrap().len(), 1);
    assert!(e
        .warnings()
        .iter()
        .any(|w| w.message.contains("3 stored exposure(s)")));
}
