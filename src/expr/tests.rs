//! Tests of the rule language.
use super::testing::{MockEnv, MockSchema};
use super::*;

#[test]
fn smoke() {
    let p = compile("usage.seats.ratio >= 0.8", &MockSchema, &Limits::default()).unwrap();
    let env = MockEnv::default().with("usage.seats.ratio", Value::Number(0.9));
    assert_eq!(p.eval(&env), Value::Bool(true));
}
