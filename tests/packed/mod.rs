//! An evaluation's packed form rebuilt as `js/engine.js` rebuilds it: the callouts from their
//! flat list of values (the order of `Callout::write_flat`), and the held-back list from the
//! pairs (rule index, reason index) beside the text, a pair `(IN_TEXT, 0)` taking the text's
//! next entry. Shared by the native fixture test (`tests/scenarios.rs`) and the wasm tests of
//! the boundary (`tests/wasm_common/`).

use serde_json::{json, Map, Value};
use upgrade_prompts::render::IN_TEXT;

/// The full evaluation from its packed text and pairs, with how many entries came from pairs
/// and how many from the text. Panics on pairs that do not match the text.
pub fn rebuild(
    text: &str,
    packed: &[u32],
    rules: &[String],
    reasons: &[String],
) -> (Value, usize, usize) {
    let mut v: Value = serde_json::from_str(text).unwrap();
    let flat = v["callouts"].as_array().unwrap().clone();
    v["callouts"] = Value::Array(callouts(&flat));
    if packed.is_empty() {
        return (v, 0, 0);
    }
    assert_eq!(packed.len() % 2, 0, "pairs: {packed:?}");
    let in_text = v["suppressed"].as_array().unwrap().clone();
    let mut left = in_text.iter();
    let (mut from_pairs, mut from_text) = (0, 0);
    let mut list = Vec::new();
    for pair in packed.chunks(2) {
        let (rule, reason) = (pair[0], pair[1]);
        if rule == IN_TEXT {
            assert_eq!(reason, 0, "{packed:?}");
            let entry = left.next().unwrap_or_else(|| {
                panic!("more in-text pairs than entries in the text: {packed:?} {text}")
            });
            list.push(entry.clone());
            from_text += 1;
        } else {
            let id = rules
                .get(rule as usize)
                .unwrap_or_else(|| panic!("rule index {rule} of {rules:?}"));
            let reason = reasons
                .get(reason as usize)
                .unwrap_or_else(|| panic!("reason index {reason} of {reasons:?}"));
            list.push(json!({ "rule": id, "callout": id, "reason": reason }));
            from_pairs += 1;
        }
    }
    assert!(
        left.next().is_none(),
        "entries of the text not listed in packed: {packed:?} {text}"
    );
    v["suppressed"] = Value::Array(list);
    (v, from_pairs, from_text)
}

/// Callouts from the flat list of their values.
pub fn callouts(v: &[Value]) -> Vec<Value> {
    let mut it = v.iter().cloned().peekable();
    let mut out = Vec::new();
    while it.peek().is_some() {
        let mut next = || it.next().expect("the flat list ends inside a callout");
        let mut c = Map::new();
        for key in ["id", "rule", "kind", "placement", "severity"] {
            c.insert(key.into(), next());
        }
        let kind = next();
        let target = if kind.is_null() {
            Value::Null
        } else {
            let mut t = Map::new();
            t.insert("type".into(), kind);
            for key in ["id", "label", "monthlyDelta"] {
                t.insert(key.into(), next());
            }
            let quantity = next();
            if !quantity.is_null() {
                t.insert("quantity".into(), quantity);
            }
            t.insert("contactSales".into(), next());
            let once = next();
            if !once.is_null() {
                t.insert("once".into(), once);
            }
            Value::Object(t)
        };
        c.insert("target".into(), target);
        c.insert("title".into(), next());
        c.insert("body".into(), next());
        let mut cta = Map::new();
        cta.insert("label".into(), next());
        cta.insert("action".into(), next());
        let url = next();
        if !url.is_null() {
            cta.insert("url".into(), url);
        }
        c.insert("cta".into(), Value::Object(cta));
        c.insert("priority".into(), next());
        let key = next();
        let experiment = if key.is_null() {
            Value::Null
        } else {
            json!({ "key": key, "variant": next(), "holdout": next() })
        };
        c.insert("experiment".into(), experiment);
        let n = next().as_u64().expect("a count of reasons");
        let reasons: Vec<Value> = (0..n).map(|_| next()).collect();
        c.insert("reasons".into(), Value::Array(reasons));
        out.push(Value::Object(c));
    }
    out
}
