//! Tests of the rule language against the mock schema.

use std::cell::Cell;

use proptest::prelude::*;

use super::testing::{MockEnv, MockSchema, PATHS};
use super::*;

fn sp(start: u32, end: u32) -> Span {
    Span::new(start, end)
}

fn errs(src: &str) -> Vec<ExprError> {
    match compile(src, &MockSchema, &Limits::default()) {
        Ok(_) => panic!("`{src}` compiled"),
        Err(e) => e,
    }
}

fn err1(src: &str) -> ExprError {
    let e = errs(src);
    assert_eq!(e.len(), 1, "{src}: {e:#?}");
    e.into_iter().next().unwrap()
}

fn err_with(src: &str, limits: Limits) -> ExprError {
    let e = compile(src, &MockSchema, &limits).err().unwrap();
    e.into_iter().next().unwrap()
}

fn prog(src: &str) -> Program {
    compile(src, &MockSchema, &Limits::default()).unwrap_or_else(|e| panic!("{src}: {e:#?}"))
}

fn run(src: &str, env: &MockEnv) -> Value {
    let p = prog(src);
    let v = p.eval(env);
    // The fast matching path agrees with full evaluation.
    assert_eq!(p.matches(env), v == T, "matches() disagrees on {src}");
    v
}

#[test]
fn fast_matching_agrees_with_evaluation() {
    let e = env();
    for src in [
        "usage.seats.ratio >= 0.8",
        "usage.seats.ratio >= 0.95",
        "!(usage.seats.ratio >= 0.95)",
        "!account.traits.vip",
        "account.traits.vip",
        "signals.sharedLoginSuspected",
        "!signals.sharedLoginSuspected",
        "account.traits.industry in ['retail', 'saas'] && usage.seats.used > 10",
        "account.traits.industry in ['saas'] || account.traits.employees >= 100",
        "account.traits.nope == 1 || !(account.traits.nope == 1)",
        "account.traits.nope != 1",
        "usage.seats.used > 10 ? account.plan == 'team' : false",
        "usage.seats.used > 100 ? true : account.traits.vip",
        "page.route.startsWith('/reports') && !hasAddon('api_boost')",
        "size(account.addons) == 2 && 'api_boost' in account.addons",
        "usage.seats.used / 0 > 1",
        "(usage.seats.used + 2) * 1 == usage.seats.limit",
        "account.lifecycle + '-x' == 'adoption-x'",
        "usage.seats.limit - usage.seats.used < 3 && (account.plan != 'free' || false)",
    ] {
        run(src, &e);
        run(src, &MockEnv::default());
    }
}

fn value(src: &str) -> Value {
    value_in(src, &MockEnv::default())
}

fn value_in(src: &str, env: &MockEnv) -> Value {
    let (p, _) = compile_value(src, &MockSchema, &Limits::default())
        .unwrap_or_else(|e| panic!("{src}: {e:#?}"));
    p.eval(env)
}

fn ty(src: &str) -> Type {
    compile_value(src, &MockSchema, &Limits::default())
        .unwrap()
        .1
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

fn s(x: &str) -> Value {
    Value::String(x.into())
}

const T: Value = Value::Bool(true);
const F: Value = Value::Bool(false);

fn env() -> MockEnv {
    MockEnv::default()
        .with("usage.seats.used", n(18.0))
        .with("usage.seats.limit", n(20.0))
        .with("usage.seats.ratio", n(0.9))
        .with("account.plan", s("team"))
        .with("account.lifecycle", s("adoption"))
        .with(
            "account.addons",
            Value::List(vec![s("reports_plus"), s("api_boost")].into()),
        )
        .with("page.route", s("/reports/export"))
        .with("account.traits.industry", s("retail"))
        .with("account.traits.employees", n(120.0))
        .with("signals.sharedLoginSuspected", F)
}

fn step(expr: &str, actual: &str, result: &str, missing: bool) -> TraceStep {
    TraceStep {
        expr: expr.into(),
        actual: actual.into(),
        result: result.into(),
        missing,
    }
}

// ---- error codes and spans ----

#[test]
fn syntax_errors() {
    let e = err1("usage.seats.ratio >=");
    assert_eq!((e.code.as_str(), e.span), ("syntax_error", sp(20, 20)));
    assert_eq!(
        e.message,
        "unexpected end of expression, expected an expression"
    );

    let e = err1("(1 + 2 > 0");
    assert_eq!((e.code.as_str(), e.span), ("syntax_error", sp(10, 10)));
    assert_eq!(e.message, "unexpected end of expression, expected `)`");

    let e = err1("true false");
    assert_eq!((e.code.as_str(), e.span), ("syntax_error", sp(5, 10)));
    assert_eq!(
        e.message,
        "unexpected `false`, expected an operator or the end of the expression"
    );

    let e = err1("account.plan = 'team'");
    assert_eq!((e.code.as_str(), e.span), ("syntax_error", sp(13, 14)));
    assert_eq!(e.message, "unexpected character `=`");
    assert_eq!(e.help.as_deref(), Some("did you mean `==`?"));

    let e = err1("true and false");
    assert_eq!((e.code.as_str(), e.span), ("syntax_error", sp(5, 8)));
    assert_eq!(e.help.as_deref(), Some("did you mean `&&`?"));
    assert_eq!(
        err1("true & false").help.as_deref(),
        Some("did you mean `&&`?")
    );
    assert_eq!(
        err1("true | false").help.as_deref(),
        Some("did you mean `||`?")
    );

    let e = err1("account.plan == 'a\\qb'");
    assert_eq!((e.code.as_str(), e.span), ("syntax_error", sp(18, 20)));
    assert_eq!(e.message, "invalid escape `\\q` in string");
    assert_eq!(err1("'\\ud800' == 'x'").span, sp(1, 7));

    assert_eq!(err1("1 # 2").span, sp(2, 3));
    assert_eq!(
        err1("account.plan. == 'x'").message,
        "unexpected `==`, expected a field or method name"
    );
    assert_eq!(
        err1("'x'.size == 1").message,
        "unexpected `==`, expected `(`"
    );
    assert_eq!(
        err1("(account).plan == 'x'").message,
        "unexpected `==`, expected `(`"
    );
    assert_eq!(err1("size('a',) > 1").code, Code::SyntaxError);
    assert_eq!(
        err1("true ? true").message,
        "unexpected end of expression, expected `:`"
    );
    assert_eq!(
        err1("[1, 2").message,
        "unexpected end of expression, expected `,` or `]`"
    );
    assert_eq!(
        err1("").message,
        "unexpected end of expression, expected an expression"
    );
    assert_eq!(err1("usage[0] > 1").code, Code::SyntaxError);
}

#[test]
fn unterminated_string() {
    let e = err1("account.plan == 'team");
    assert_eq!(
        (e.code.as_str(), e.span),
        ("unterminated_string", sp(16, 21))
    );
    assert_eq!(e.message, "unterminated string, expected a closing `'`");
    assert_eq!(err1("account.plan == \"team\\\"").span, sp(16, 23));
    assert_eq!(err1("'a\\").code, Code::UnterminatedString);
}

#[test]
fn string_literals_count_characters_not_bytes() {
    // Without escapes (the source slice is the value) and with one, spans are in characters.
    for src in ["'日本語' == 1 #", "'日\\n本' == 1 #", "\"é\" in ['x'] #"] {
        let e = err1(src);
        let at = src.chars().count() as u32 - 1;
        assert_eq!(
            (e.code.as_str(), e.span),
            ("syntax_error", sp(at, at + 1)),
            "{src}"
        );
    }
    assert_eq!(value("'日本' + '語'"), s("日本語"));
    assert_eq!(value("'a\\'b' + \"c\""), s("a'bc"));
}

#[test]
fn invalid_number() {
    let e = err1("usage.seats.ratio >= 0.8.1");
    assert_eq!((e.code.as_str(), e.span), ("invalid_number", sp(21, 26)));
    assert_eq!(e.message, "invalid number `0.8.1`");
    for (src, span) in [
        ("1e > 0", sp(0, 2)),
        ("0x1f > 0", sp(0, 4)),
        ("5kb > 0", sp(0, 3)),
        ("1e999 > 0", sp(0, 5)),
    ] {
        let e = err1(src);
        assert_eq!((e.code.as_str(), e.span), ("invalid_number", span), "{src}");
    }
    assert_eq!(value("1e3 + 2.5E-1 + 007"), n(1007.25));
}

#[test]
fn unknown_path() {
    let e = err1("usage.seats.ratoi >= 0.8");
    assert_eq!((e.code.as_str(), e.span), ("unknown_path", sp(0, 17)));
    assert_eq!(e.message, "unknown path `usage.seats.ratoi`");
    assert_eq!(e.help.as_deref(), Some("did you mean `usage.seats.ratio`?"));
    let e = err1("true && nothing.here");
    assert_eq!(
        (e.code.as_str(), e.span, e.help),
        ("unknown_path", sp(8, 20), None)
    );
}

#[test]
fn type_mismatch() {
    let e = err1("usage.seats.ratio == 'high'");
    assert_eq!((e.code.as_str(), e.span), ("type_mismatch", sp(0, 27)));
    assert_eq!(e.message, "cannot compare `number` with `string`");

    let cases = [
        (
            "'a' - 1 > 0",
            sp(0, 7),
            "cannot apply `-` to `string` and `number`",
        ),
        (
            "'a' + 1 == 'a1'",
            sp(0, 7),
            "cannot apply `+` to `string` and `number`",
        ),
        (
            "!1",
            sp(1, 2),
            "the operand of `!` must be a `bool`, found `number`",
        ),
        (
            "1 && true",
            sp(0, 1),
            "an operand of `&&` must be a `bool`, found `number`",
        ),
        (
            "true || 'x'",
            sp(8, 11),
            "an operand of `||` must be a `bool`, found `string`",
        ),
        (
            "account.plan in 'abc'",
            sp(16, 21),
            "`in` needs a `list` on the right, found `string`",
        ),
        ("true < false", sp(0, 12), "cannot order `bool` values"),
        ("1 > 'a'", sp(0, 7), "cannot compare `number` with `string`"),
        (
            "usage.seats.ratio in [1, 'a', null]",
            sp(25, 28),
            "cannot compare `number` with `string`",
        ),
        (
            "(true ? 1 : 'a') == 1",
            sp(1, 15),
            "the branches of `?:` have different types `number` and `string`",
        ),
        (
            "1 ? true : false",
            sp(0, 1),
            "the condition of `?:` must be a `bool`, found `number`",
        ),
        ("-'a' > 1", sp(0, 4), "cannot apply `-` to `string`"),
        (
            "account.plan.startsWith(1)",
            sp(24, 25),
            "`startsWith` needs a `string` argument, found `number`",
        ),
        (
            "usage.seats.used.endsWith('a')",
            sp(0, 16),
            "`endsWith` needs a `string`, found `number`",
        ),
        (
            "usage.seats.used.contains(1)",
            sp(0, 16),
            "`contains` needs a `string` or `list`, found `number`",
        ),
        (
            "size(1) > 0",
            sp(5, 6),
            "`size` needs a `string` or `list`, found `number`",
        ),
    ];
    for (src, span, message) in cases {
        let e = err1(src);
        assert_eq!(
            (e.code.as_str(), e.span, e.message.as_str()),
            ("type_mismatch", span, message),
            "{src}"
        );
    }
}

#[test]
fn accepted_typings() {
    for src in [
        "usage.seats.limit == null",
        "null != usage.seats.limit",
        "account.traits.employees > 100",
        "account.traits.industry == 'retail'",
        "account.traits.x == 1 && account.traits.y == 'a' && account.traits.z",
        "account.traits.tags.contains('x') && 'x' in account.traits.tags",
        "size(account.traits.tags) > 1 && account.traits.s.startsWith('a')",
        "account.traits.a + account.traits.b > 1",
        "account.traits.a * 2 > 1",
        "(account.traits.flag ? 1 : null) == 1",
        "[1, 'a', [true]] == [1, 'a', [true]]",
        "account.plan in ['team', null, account.lifecycle]",
        "!(account.traits.x)",
        "account.addons.contains(1)",
    ] {
        prog(src);
    }
    assert_eq!(ty("1 + 2"), Type::Number);
    assert_eq!(ty("account.plan + '!'"), Type::String);
    assert_eq!(ty("account.traits.x"), Type::Dyn);
    assert_eq!(ty("account.traits.x + 1"), Type::Number);
    assert_eq!(ty("account.traits.x + account.traits.y"), Type::Dyn);
    assert_eq!(ty("[1]"), Type::List);
    assert_eq!(ty("null"), Type::Null);
    assert_eq!(ty("true ? null : 1"), Type::Number);
    assert_eq!(ty("account.plan.size()"), Type::Number);
}

#[test]
fn unknown_function() {
    let e = err1("hasFeatur('sso')");
    assert_eq!((e.code.as_str(), e.span), ("unknown_function", sp(0, 9)));
    assert_eq!(e.message, "unknown function `hasFeatur`");
    assert_eq!(e.help.as_deref(), Some("did you mean `hasFeature`?"));

    let e = err1("account.plan.startWith('t')");
    assert_eq!((e.code.as_str(), e.span), ("unknown_function", sp(13, 22)));
    assert_eq!(e.message, "unknown method `startWith`");
    assert_eq!(e.help.as_deref(), Some("did you mean `startsWith`?"));

    let e = err1("startsWith(account.plan, 't')");
    assert_eq!(
        e.help.as_deref(),
        Some("`startsWith` is a method: write `x.startsWith(…)`")
    );
    assert_eq!(err1("frobnicate(1)").help, None);
    // Arguments of an unknown function are still checked.
    let e = errs("frob(usage.seats.ratoi)");
    assert_eq!(
        e.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(),
        ["unknown_function", "unknown_path"]
    );
}

#[test]
fn wrong_arity() {
    let e = err1("size('a', 'b') > 1");
    assert_eq!((e.code.as_str(), e.span), ("wrong_arity", sp(0, 14)));
    assert_eq!(e.message, "`size` takes 1 argument, found 2");
    let e = err1("hasFeature()");
    assert_eq!(
        (e.code.as_str(), e.span, e.message.as_str()),
        (
            "wrong_arity",
            sp(0, 12),
            "`hasFeature` takes 1 argument, found 0"
        )
    );
    assert_eq!(
        err1("account.plan.size(1) > 0").message,
        "`size` takes 0 arguments, found 1"
    );
    assert_eq!(
        err1("account.plan.contains()").message,
        "`contains` takes 1 argument, found 0"
    );
    assert_eq!(
        err1("size() > 0").message,
        "`size` takes 1 argument, found 0"
    );
}

#[test]
fn unknown_id_and_not_literal() {
    let e = err1("hasFeature('ssoo')");
    assert_eq!((e.code.as_str(), e.span), ("unknown_id", sp(11, 17)));
    assert_eq!(e.message, "unknown id `ssoo` for `hasFeature`");
    assert_eq!(e.help.as_deref(), Some("did you mean `sso`?"));
    assert_eq!(err1("planAtLeast('pro')").code, Code::UnknownId);

    let e = err1("hasFeature(account.plan)");
    assert_eq!((e.code.as_str(), e.span), ("not_literal", sp(11, 23)));
    assert_eq!(
        e.message,
        "the argument of `hasFeature` must be a string literal"
    );
    assert_eq!(err1("hasAddon('a' + 'b')").code, Code::NotLiteral);
}

#[test]
fn too_long() {
    let src = format!("'{}' == 'x'", "a".repeat(2000));
    let e = err1(&src);
    assert_eq!((e.code.as_str(), e.span), ("too_long", sp(2000, 2009)));
    assert_eq!(e.message, "expression is longer than 2000 characters");
    // Exactly at the limit is fine; characters, not bytes, count.
    prog(&format!("'{}' == 'x'", "日".repeat(1991)));
}

#[test]
fn too_deep() {
    let big = Limits {
        max_len: usize::MAX,
        max_depth: 32,
    };
    let levels = 100_000;
    let parens = format!("{}true{}", "(".repeat(levels), ")".repeat(levels));
    let nots = format!("{}true", "!".repeat(levels));
    let negs = format!("{}1 > 0", "-".repeat(levels));
    let lists = format!("{}1{} == []", "[".repeat(levels), "]".repeat(levels));
    let calls = format!("{}'a'{} > 0", "size(".repeat(levels), ")".repeat(levels));
    for src in [&parens, &nots, &negs, &lists, &calls] {
        let e = err_with(src, big);
        assert_eq!(e.code.as_str(), "too_deep", "{}", &src[..20]);
        assert_eq!(e.message, "expression is nested more than 32 levels deep");
        assert!(e.span.end <= 200, "{:?}", e.span);
        // The default length limit rejects them first.
        assert_eq!(err1(src).code, Code::TooLong);
    }
    // The token that would open the 33rd level is blamed.
    assert_eq!(err_with(&parens, big).span, sp(31, 32));
    assert_eq!(err_with(&nots, big).span, sp(31, 32));
    assert_eq!(err_with(&negs, big).span, sp(31, 32));
    assert_eq!(err_with(&calls, big).span, sp(159, 160));
    // A caller asking for more than MAX_DEPTH gets MAX_DEPTH.
    let huge = Limits {
        max_len: usize::MAX,
        max_depth: usize::MAX,
    };
    let e = err_with(&parens, huge);
    assert_eq!(e.code.as_str(), "too_deep");
    assert_eq!(e.span, sp(MAX_DEPTH as u32 - 1, MAX_DEPTH as u32));
    assert!(compile(
        &format!(
            "{}true{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        ),
        &MockSchema,
        &huge
    )
    .is_ok());

    // Just inside the limit.
    prog(&format!("{}true{}", "(".repeat(31), ")".repeat(31)));
    prog(&format!("{}true", "!".repeat(31)));
    // Long operator chains are depth too, except `&&` / `||` chains, which are flat.
    assert_eq!(
        err1(&format!("{}1 > 0", "1 + ".repeat(40))).code.as_str(),
        "too_deep"
    );
    assert_eq!(run(&format!("{}true", "true && ".repeat(200)), &env()), T);
    assert_eq!(run(&format!("{}true", "false || ".repeat(180)), &env()), T);
}

/// The deepest accepted programs of every shape compile and evaluate within a 1 MiB stack
/// (WebAssembly's default), even in debug builds.
#[test]
fn deepest_programs_fit_a_small_stack() {
    let d = MAX_DEPTH;
    let sources = [
        format!("{}true{}", "(".repeat(d - 2), ")".repeat(d - 2)),
        format!("{}true", "!".repeat(d - 1)),
        format!("{}1 > 0", "-".repeat(d - 2)),
        format!("{}true{} == []", "[".repeat(d - 3), "]".repeat(d - 3)),
        format!(
            "{}'a'{} > 0",
            "size([".repeat(d / 2 - 2),
            "])".repeat(d / 2 - 2)
        ),
        format!(
            "{}true{}",
            "(true ? ".repeat(d / 2 - 1),
            " : false)".repeat(d / 2 - 1)
        ),
        format!(
            "{}1{} > 0",
            "(1 + ".repeat(d / 2 - 1),
            ")".repeat(d / 2 - 1)
        ),
    ];
    let limits = Limits {
        max_len: usize::MAX,
        max_depth: d,
    };
    let worker = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            for src in &sources {
                let p =
                    compile(src, &MockSchema, &limits).unwrap_or_else(|e| panic!("{src}: {e:?}"));
                let _ = p.eval_traced(&env());
            }
        });
    worker.unwrap().join().unwrap();
}

#[test]
fn not_boolean() {
    let e = err1("usage.seats.ratio + 1");
    assert_eq!((e.code.as_str(), e.span), ("not_boolean", sp(0, 21)));
    assert_eq!(e.message, "the expression must be a `bool`, found `number`");
    assert_eq!(err1("account.plan").code, Code::NotBoolean);
    assert_eq!(err1("null").code, Code::NotBoolean);
    assert_eq!(err1("(1)").span, sp(1, 2));
}

#[test]
fn reports_every_checker_error() {
    let e =
        errs("usage.seats.ratoi > 1 && account.plan == 3 && hasFeatur('x') && hasAddon('nope')");
    let got: Vec<_> = e.iter().map(|e| (e.code.as_str(), e.span)).collect();
    assert_eq!(
        got,
        [
            ("unknown_path", sp(0, 17)),
            ("type_mismatch", sp(25, 42)),
            ("unknown_function", sp(46, 55)),
            ("unknown_id", sp(73, 79)),
        ]
    );
    // A failed operand does not cascade into its parent.
    assert_eq!(errs("usage.seats.ratoi + 1 > 2 && !nope").len(), 2);
}

#[test]
fn unicode_spans() {
    let e = err1("account.plan == '日本語' && usage.seats.ratoi > 1");
    assert_eq!((e.code.as_str(), e.span), ("unknown_path", sp(25, 42)));
    let e = err1("'チームが成長' == account.plan && #");
    assert_eq!((e.code.as_str(), e.span), ("syntax_error", sp(28, 29)));
    let e = err1("account.plan == '日本");
    assert_eq!(
        (e.code.as_str(), e.span),
        ("unterminated_string", sp(16, 19))
    );
    let e = err1("'席' == 1");
    assert_eq!((e.code.as_str(), e.span), ("type_mismatch", sp(0, 8)));
    assert_eq!(err1("'é' == 'e' && ü").span, sp(14, 15));
}

#[test]
fn errors_serialize() {
    let e = err1("hasFeature('ssoo')");
    let json = serde_json::from_str::<serde_json::Value>(&crate::base::out::to_json(&e)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"code": "unknown_id", "message": "unknown id `ssoo` for `hasFeature`",
                           "span": {"start": 11, "end": 17}, "help": "did you mean `sso`?"})
    );
    let json = serde_json::from_str::<serde_json::Value>(&crate::base::out::to_json(&err1("1 +")))
        .unwrap();
    assert!(json.get("help").is_none());
}

// ---- evaluation ----

#[test]
fn precedence() {
    let cases = [
        ("1 + 2 * 3", n(7.0)),
        ("(1 + 2) * 3", n(9.0)),
        ("10 - 4 - 3", n(3.0)),
        ("12 / 3 / 2", n(2.0)),
        ("2 * 3 % 4", n(2.0)),
        ("-2 * 3", n(-6.0)),
        ("-(1 + 2)", n(-3.0)),
        ("- -1", n(1.0)),
        ("1 - -1", n(2.0)),
        ("true || false && false", T),
        ("(true || false) && false", F),
        ("!false && false", F),
        ("!(false && false)", T),
        ("1 + 1 == 2 && 'a' < 'b'", T),
        ("1 < 2 == true", T),
        ("false ? 1 : 2 + 3", n(5.0)),
        ("false ? 1 : true ? 2 : 3", n(2.0)),
        ("true ? false : true ? true : true", F),
        ("true || false ? 'y' : 'n'", s("y")),
        ("2 in [1, 2] && !(3 in [1, 2])", T),
        ("1 + 2 in [3]", T),
        ("'a' + 'b' == 'ab'", T),
        ("7 % 4 == 3 || false", T),
        ("5.5 % 2", n(1.5)),
        ("-7 % 3", n(-1.0)),
        ("0.1 + 0.2", n(0.1 + 0.2)),
        ("size([1, 2, 3]) + 'ab'.size()", n(5.0)),
        ("size('日本語')", n(3.0)),
        (
            "[1, 'a', null]",
            Value::List(vec![n(1.0), s("a"), Value::Null].into()),
        ),
    ];
    for (src, want) in cases {
        assert_eq!(value(src), want, "{src}");
    }
}

#[test]
fn literals_and_strings() {
    let e = env();
    for src in [
        "'a\\'b' == \"a'b\"",
        "\"a\\\"b\" == 'a\"b'",
        "'\\u65e5\\u672c' == '日本'",
        "'tab\\t\\n\\\\'.size() == 6",
        "'' == \"\"",
        "account.plan.startsWith('te') && account.plan.endsWith('am') && account.plan.contains('ea')",
        "!account.plan.startsWith('x')",
        "account.addons.contains('api_boost') && 'reports_plus' in account.addons",
        "[account.plan, 'x'].contains('team')",
        "account.plan in ['free', 'team']",
        "[1, [2, 'a']] == [1, [2, 'a']] && [1] != [2] && [] == []",
        "account.traits.industry == 'retail' && account.traits.employees >= 120",
        "usage.seats.used == 18 && usage.seats.used / usage.seats.limit == usage.seats.ratio",
        "'b' > 'a' && 'a' <= 'a' && 'B' < 'a'",
        "true == true && false != true && null == null",
        "page.route.startsWith('/reports')",
        "account.plan + '!' == 'team!'",
    ] {
        assert_eq!(run(src, &e), T, "{src}");
    }
}

#[test]
fn host_functions() {
    let e = env()
        .grant(HostFn::HasFeature, "reports")
        .grant(HostFn::PlanAtLeast, "team");
    assert_eq!(run("hasFeature('reports') && planAtLeast('team')", &e), T);
    assert_eq!(run("hasFeature('sso')", &e), F);
    assert_eq!(run("!hasAddon('api_boost')", &e), T);
    let (v, trace) = prog("hasFeature(\"sso\") || planAtLeast('team')").eval_traced(&e);
    assert_eq!(v, T);
    assert_eq!(
        trace,
        [
            step("hasFeature(\"sso\")", "hasFeature(\"sso\")", "false", false),
            step("planAtLeast('team')", "planAtLeast('team')", "true", false),
        ]
    );
}

struct Counting {
    inner: MockEnv,
    calls: Cell<u32>,
    reads: Cell<u32>,
}

impl Env for Counting {
    fn get(&self, slot: &Slot) -> Value {
        self.reads.set(self.reads.get() + 1);
        self.inner.get(slot)
    }
    fn call(&self, func: HostFn, id: u32) -> bool {
        self.calls.set(self.calls.get() + 1);
        self.inner.call(func, id)
    }
}

#[test]
fn short_circuit() {
    let counting = || Counting {
        inner: env(),
        calls: Cell::new(0),
        reads: Cell::new(0),
    };
    for (src, want, calls) in [
        ("false && hasFeature('sso')", F, 0),
        ("true || hasFeature('sso')", T, 0),
        ("true && hasFeature('sso')", F, 1),
        ("false || hasFeature('sso') || hasAddon('api_boost')", F, 2),
        ("true ? hasFeature('sso') : hasAddon('api_boost')", F, 1),
        ("usage.seats.ratio > 2 && hasFeature('sso')", F, 0),
    ] {
        let env = counting();
        assert_eq!(prog(src).eval(&env), want, "{src}");
        assert_eq!(env.calls.get(), calls, "{src}");
    }
    let env = counting();
    let p = prog("usage.seats.ratio > 2 && account.plan == 'team' && hasFeature('sso')");
    let (v, trace) = p.eval_traced(&env);
    assert_eq!(
        (v, env.reads.get(), env.calls.get(), trace.len()),
        (F, 1, 0, 1)
    );
}

#[test]
fn trace_of_the_seat_rule() {
    let src = "usage.seats.ratio >= 0.8 && account.lifecycle != 'onboarding'";
    let p = prog(src);
    assert_eq!(p.source(), src);

    let (v, trace) = p.eval_traced(&env());
    assert_eq!(v, T);
    assert_eq!(
        trace,
        [
            step("usage.seats.ratio >= 0.8", "0.9 >= 0.8", "true", false),
            step(
                "account.lifecycle != 'onboarding'",
                "'adoption' != 'onboarding'",
                "true",
                false
            ),
        ]
    );

    let low = env().with("usage.seats.ratio", n(0.45));
    let (v, trace) = p.eval_traced(&low);
    assert_eq!(v, F);
    assert_eq!(
        trace,
        [step(
            "usage.seats.ratio >= 0.8",
            "0.45 >= 0.8",
            "false",
            false
        )]
    );

    let onboarding = env().with("account.lifecycle", s("onboarding"));
    let (v, trace) = p.eval_traced(&onboarding);
    assert_eq!(v, F);
    assert_eq!(
        trace.get(1),
        Some(&step(
            "account.lifecycle != 'onboarding'",
            "'onboarding' != 'onboarding'",
            "false",
            false
        ))
    );

    let (v, trace) = p.eval_traced(&MockEnv::default());
    assert_eq!(v, F);
    assert_eq!(
        trace,
        [step(
            "usage.seats.ratio >= 0.8",
            "missing >= 0.8",
            "false",
            true
        )]
    );
    assert_eq!(p.eval(&MockEnv::default()), F);

    let json =
        serde_json::from_str::<serde_json::Value>(&crate::base::out::to_json(&trace)).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"expr": "usage.seats.ratio >= 0.8", "actual": "missing >= 0.8",
                            "result": "false", "missing": true}])
    );
}

#[test]
fn trace_shapes() {
    let e = env();
    let (_, trace) = prog("(usage.seats.used + 2 > usage.seats.limit) == false").eval_traced(&e);
    assert_eq!(
        trace,
        [
            step(
                "usage.seats.used + 2 > usage.seats.limit",
                "20 > 20",
                "false",
                false
            ),
            step(
                "(usage.seats.used + 2 > usage.seats.limit) == false",
                "false == false",
                "true",
                false
            ),
        ]
    );
    let (_, trace) =
        prog("page.route.startsWith('/reports') && account.plan in ['team', 'enterprise']")
            .eval_traced(&e);
    assert_eq!(
        trace,
        [
            step(
                "page.route.startsWith('/reports')",
                "'/reports/export'.startsWith('/reports')",
                "true",
                false
            ),
            step(
                "account.plan in ['team', 'enterprise']",
                "'team' in ['team', 'enterprise']",
                "true",
                false
            ),
        ]
    );
    let (v, trace) = prog("!signals.sharedLoginSuspected && !account.traits.vip").eval_traced(&e);
    assert_eq!(v, F);
    assert_eq!(
        trace,
        [
            step("signals.sharedLoginSuspected", "false", "false", false),
            step("account.traits.vip", "missing", "missing", true),
        ]
    );
    // size() and arithmetic are not steps of their own; their values show in the comparison.
    let (_, trace) = prog("size(account.addons) * 2 >= 4").eval_traced(&e);
    assert_eq!(
        trace,
        [step(
            "size(account.addons) * 2 >= 4",
            "4 >= 4",
            "true",
            false
        )]
    );
}

#[test]
fn missing_semantics() {
    let e = env();
    for src in [
        "account.healthScore > 50",
        "account.healthScore <= 50",
        "account.healthScore == 50",
        "account.healthScore != 50",
        "account.healthScore == null",
        "account.healthScore in [1, 2]",
        "account.healthScore + 1 > 0",
        "-account.healthScore < 0",
        "account.traits.tags.contains('a')",
        "'a' in account.traits.tags",
        "account.traits.s.startsWith('a')",
        "account.plan.startsWith(account.traits.s)",
        "size(account.traits.s) >= 0",
        "signals.sharedLoginSuspected || account.traits.vip",
        "account.traits.vip ? true : false",
    ] {
        let (v, trace) = prog(src).eval_traced(&e);
        assert_eq!(v, F, "{src}");
        assert!(trace.iter().any(|t| t.missing), "{src}: {trace:?}");
    }
    for src in [
        "!(account.healthScore > 50)",
        "!(account.healthScore != 50)",
        "account.traits.vip || true",
        "account.traits.vip ? false : true",
    ] {
        assert_eq!(run(src, &e), T, "{src}");
    }
    // A missing value used directly as a condition, or negated, stays missing.
    assert_eq!(run("account.traits.vip", &e), Value::Missing);
    assert_eq!(run("!account.traits.vip", &e), Value::Missing);
    assert_eq!(run("!!account.traits.vip", &e), Value::Missing);
    assert_eq!(value_in("account.healthScore + 1", &e), Value::Missing);
    assert_eq!(value_in("-account.healthScore", &e), Value::Missing);
    assert_eq!(value_in("size(account.traits.s)", &e), Value::Missing);
    assert_eq!(value_in("account.traits.vip ? 1 : 2", &e), n(2.0));
}

#[test]
fn null_semantics() {
    let e = env().with("usage.seats.limit", Value::Null);
    let cases = [
        ("usage.seats.limit == null", T, false),
        ("null == usage.seats.limit", T, false),
        ("usage.seats.limit != null", F, false),
        ("usage.seats.limit == 20", F, false),
        ("usage.seats.limit != 20", T, false),
        ("usage.seats.limit > 10", F, false),
        ("usage.seats.limit <= 10", F, false),
        ("usage.seats.limit in [null]", T, false),
        ("usage.seats.used / usage.seats.limit > 0.5", F, true),
    ];
    for (src, want, missing) in cases {
        let (v, trace) = prog(src).eval_traced(&e);
        assert_eq!(v, want, "{src}");
        assert_eq!(trace.last().map(|t| t.missing), Some(missing), "{src}");
    }
    assert_eq!(value_in("usage.seats.limit - 1", &e), Value::Missing);
    assert_eq!(value_in("usage.seats.limit", &e), Value::Null);
}

#[test]
fn no_nan_or_infinity() {
    assert_eq!(value("1 / 0"), Value::Missing);
    assert_eq!(value("0 / 0"), Value::Missing);
    assert_eq!(value("5 % 0"), Value::Missing);
    assert_eq!(value("1e308 * 10"), Value::Missing);
    assert_eq!(run("usage.seats.used / 0 > 1", &env()), F);
    assert_eq!(run("usage.seats.used / 0 <= 1", &env()), F);
    let bad = env()
        .with("usage.seats.ratio", n(f64::NAN))
        .with("usage.seats.used", n(f64::INFINITY));
    assert_eq!(value_in("usage.seats.ratio", &bad), Value::Missing);
    assert_eq!(value_in("usage.seats.used", &bad), Value::Missing);
    let (v, trace) = prog("usage.seats.ratio < 1").eval_traced(&bad);
    assert_eq!((v, trace[0].missing), (F, true));
}

#[test]
fn dynamic_values_are_checked_at_run_time() {
    let e = env()
        .with("account.traits.employees", s("120"))
        .with("account.traits.vip", n(1.0))
        .with("account.traits.flag", T);
    let (v, trace) = prog("account.traits.employees > 100").eval_traced(&e);
    assert_eq!(v, F);
    assert_eq!(
        trace,
        [step(
            "account.traits.employees > 100",
            "'120' > 100",
            "false",
            true
        )]
    );
    assert_eq!(run("account.traits.employees == 120", &e), F);
    assert_eq!(run("account.traits.employees != 120", &e), F);
    assert_eq!(run("account.traits.employees == '120'", &e), T);
    assert_eq!(run("account.traits.flag", &e), T);
    let (v, trace) = prog("account.traits.vip").eval_traced(&e);
    assert_eq!(v, Value::Missing);
    assert_eq!(trace, [step("account.traits.vip", "1", "missing", true)]);
    let (_, trace) =
        prog("signals.sharedLoginSuspected ? account.traits.flag : account.traits.vip")
            .eval_traced(&e);
    assert_eq!(
        trace,
        [
            step("signals.sharedLoginSuspected", "false", "false", false),
            step("account.traits.vip", "1", "missing", true)
        ]
    );
    // A condition whose value is not a boolean at run time is missing.
    assert_eq!(run("true ? account.traits.vip : false", &e), Value::Missing);
    // Values of the wrong type for a typed path are handled the same way.
    let wrong = env().with("usage.seats.ratio", s("high"));
    assert_eq!(run("usage.seats.ratio >= 0.8", &wrong), F);
    assert_eq!(value_in("usage.seats.ratio * 2", &wrong), Value::Missing);
}

#[test]
fn slots_are_distinct_and_ordered() {
    let p = prog(
        "usage.seats.ratio > 0.5 && usage.seats.ratio < 0.9 && account.traits.industry == 'x' \
         && user.traits.industry == 'y' && account.traits.industry != ''",
    );
    let slots = p.slots();
    assert_eq!(
        slots,
        [
            Slot { id: 2, key: None },
            Slot {
                id: testing::TRAITS,
                key: Some("industry".into())
            },
            Slot {
                id: testing::TRAITS + 1,
                key: Some("industry".into())
            },
        ]
    );
    assert!(prog("hasFeature('sso') && 1 < 2").slots().is_empty());
}

#[test]
fn display_values() {
    let cases = [
        (n(18.0), "18"),
        (n(0.45), "0.45"),
        (n(-0.0), "0"),
        (n(-2.5), "-2.5"),
        (n(0.1 + 0.2), "0.30000000000000004"),
        (n(1e21), "1e+21"),
        (s("it's \\ ok"), "'it\\'s \\\\ ok'"),
        (s("日本"), "'日本'"),
        (
            Value::List(vec![n(1.0), s("a"), Value::Null, Value::List(vec![].into())].into()),
            "[1, 'a', null, []]",
        ),
        (Value::Missing, "missing"),
        (Value::Null, "null"),
        (T, "true"),
    ];
    for (v, want) in cases {
        assert_eq!(v.to_string(), want);
    }
}

#[test]
fn programs_are_reusable_and_limits_default() {
    assert_eq!(
        Limits::default(),
        Limits {
            max_len: 2000,
            max_depth: 32
        }
    );
    let p = prog("account.plan == 'team'");
    let q = p.clone();
    assert_eq!(p.eval(&env()), T);
    assert_eq!(q.eval(&MockEnv::default()), F);
    assert_eq!(p.eval(&env()), T);
}

// ---- properties ----

/// Source fragments that combine into many almost-valid expressions.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "!",
    "-",
    "+",
    "*",
    "/",
    "%",
    "<",
    "<=",
    ">=",
    "==",
    "!=",
    "&&",
    "||",
    "?",
    ":",
    "in",
    "true",
    "null",
    "0",
    "1.5",
    "1e",
    "'a'",
    "\"日本\"",
    "'",
    "\\",
    "\\u12",
    "usage",
    "seats",
    "ratio",
    "usage.seats.ratio",
    "account.traits.x",
    "account.plan",
    "size",
    "hasFeature",
    "('sso')",
    "startsWith",
    "contains",
    " ",
    "é",
    "=",
    "&",
];

fn check_errors(src: &str, errors: &[ExprError]) {
    let len = src.chars().count() as u32;
    assert!(!errors.is_empty());
    for e in errors {
        assert!(
            e.span.start <= e.span.end && e.span.end <= len,
            "{src:?}: {e:?}"
        );
        assert!(!e.message.is_empty() && !e.message.ends_with('.'), "{e:?}");
    }
}

fn compile_anything(src: &str, limits: Limits) {
    match compile(src, &MockSchema, &limits) {
        Ok(p) => {
            let v = p.eval(&env());
            assert!(matches!(v, Value::Bool(_) | Value::Missing));
            assert_eq!(p.eval_traced(&env()).0, v);
        }
        Err(e) => check_errors(src, &e),
    }
    if let Err(e) = compile_value(src, &MockSchema, &limits) {
        check_errors(src, &e);
    }
}

/// A tiny deterministic generator (xorshift) driving the well-typed expression grammar below.
struct Gen(u64);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick(&mut self, xs: &[&str]) -> String {
        xs[self.below(xs.len())].to_owned()
    }

    fn num(&mut self, d: u32) -> String {
        if d == 0 || self.below(3) == 0 {
            return self.pick(&[
                "0",
                "1",
                "2.5",
                "-3",
                "0.8",
                "1e3",
                "usage.seats.used",
                "usage.seats.limit",
                "usage.seats.ratio",
                "account.healthScore",
                "signals.pendingInvites",
                "account.traits.employees",
                "-usage.seats.used",
            ]);
        }
        match self.below(4) {
            0 => {
                let op = self.pick(&["+", "-", "*", "/", "%"]);
                format!("({} {op} {})", self.num(d - 1), self.num(d - 1))
            }
            1 => format!(
                "size({})",
                if self.below(2) == 0 {
                    self.str(d - 1)
                } else {
                    self.list(d - 1)
                }
            ),
            2 => format!(
                "({} ? {} : {})",
                self.bool(d - 1),
                self.num(d - 1),
                self.num(d - 1)
            ),
            _ => format!("-{}", self.num(d - 1)),
        }
    }

    fn str(&mut self, d: u32) -> String {
        if d == 0 || self.below(3) == 0 {
            return self.pick(&[
                "'a'",
                "\"日本\"",
                "''",
                "'x\\'y'",
                "'team'",
                "account.plan",
                "account.lifecycle",
                "user.role",
                "page.route",
                "usage.seats.state",
                "account.traits.industry",
            ]);
        }
        match self.below(2) {
            0 => format!("({} + {})", self.str(d - 1), self.str(d - 1)),
            _ => format!(
                "({} ? {} : {})",
                self.bool(d - 1),
                self.str(d - 1),
                self.str(d - 1)
            ),
        }
    }

    fn list(&mut self, d: u32) -> String {
        if d == 0 || self.below(2) == 0 {
            return self.pick(&[
                "account.addons",
                "[1, 2]",
                "['team', 'free']",
                "[]",
                "account.traits.tags",
            ]);
        }
        format!("[{}, {}, null]", self.num(d - 1), self.str(d - 1))
    }

    fn bool(&mut self, d: u32) -> String {
        if d == 0 || self.below(4) == 0 {
            return self.pick(&[
                "true",
                "false",
                "signals.sharedLoginSuspected",
                "account.traits.vip",
                "hasFeature('sso')",
                "hasAddon('api_boost')",
                "planAtLeast('team')",
                "usage.seats.limit == null",
            ]);
        }
        let d = d - 1;
        match self.below(10) {
            0 => {
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("{} {op} {}", self.num(d), self.num(d))
            }
            1 => {
                let op = self.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("{} {op} {}", self.str(d), self.str(d))
            }
            2 => {
                let m = self.pick(&["startsWith", "endsWith", "contains"]);
                format!("{}.{m}({})", self.str(d), self.str(d))
            }
            3 => format!("{}.contains({})", self.list(d), self.num(d)),
            4 if self.below(2) == 0 => {
                let list = self.pick(&[
                    "[1, 2]",
                    "[usage.seats.used, 0.8, null]",
                    "account.addons",
                    "account.traits.tags",
                ]);
                format!("{} in {list}", self.num(d))
            }
            4 => {
                let list = self.pick(&[
                    "['team', 'free']",
                    "[account.plan, null]",
                    "account.addons",
                    "[]",
                ]);
                format!("{} in {list}", self.str(d))
            }
            5 => format!("!({})", self.bool(d)),
            6 => format!("({} && {})", self.bool(d), self.bool(d)),
            7 => format!("({} || {})", self.bool(d), self.bool(d)),
            8 => format!("({} ? {} : {})", self.bool(d), self.bool(d), self.bool(d)),
            _ => format!("{} == {}", self.list(d), self.list(d)),
        }
    }
}

/// An environment giving every slot a pseudo-random value, of its declared type or not.
struct RandEnv {
    seed: u64,
    typed: bool,
}

impl Env for RandEnv {
    fn get(&self, slot: &Slot) -> Value {
        let mut h = self.seed ^ (u64::from(slot.id) << 32);
        for b in slot.key.as_deref().unwrap_or("").bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        let mut g = Gen(h | 1);
        let declared = PATHS.get(slot.id as usize).map_or(Type::Dyn, |p| p.1);
        let kind = if self.typed && declared != Type::Dyn && g.below(4) != 0 {
            match declared {
                Type::Bool => 2,
                Type::Number => 3,
                Type::String => 4,
                _ => 5,
            }
        } else {
            g.below(6)
        };
        let numbers = [
            0.0,
            -0.0,
            1.0,
            0.8,
            18.0,
            -3.5,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
        ];
        let strings = ["", "team", "a", "日本", "/reports/export", "x'y"];
        match kind {
            0 => Value::Missing,
            1 => Value::Null,
            2 => Value::Bool(g.below(2) == 0),
            3 => Value::Number(numbers[g.below(numbers.len())]),
            4 => Value::String(strings[g.below(strings.len())].into()),
            _ => Value::List(
                vec![
                    Value::Number(1.0),
                    Value::String("team".into()),
                    Value::Null,
                    Value::List(vec![].into()),
                ]
                .into(),
            ),
        }
    }

    fn call(&self, _func: HostFn, id: u32) -> bool {
        (self.seed >> (id % 64)) & 1 == 1
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn compile_never_panics_on_arbitrary_text(src in any::<String>()) {
        compile_anything(&src, Limits::default());
    }

    #[test]
    fn compile_never_panics_on_token_soup(parts in prop::collection::vec(prop::sample::select(TOKENS), 0..80),
                                         small in any::<bool>()) {
        let src = parts.concat();
        let limits = if small { Limits { max_len: 40, max_depth: 4 } } else { Limits::default() };
        compile_anything(&src, limits);
    }

    #[test]
    fn well_typed_programs_evaluate(seed in any::<u64>(), env_seed in any::<u64>(), typed in any::<bool>()) {
        let src = Gen(seed | 1).bool(5);
        let limits = Limits { max_len: 100_000, max_depth: MAX_DEPTH };
        let p = compile(&src, &MockSchema, &limits).unwrap_or_else(|e| panic!("{src}: {e:#?}"));
        let env = RandEnv { seed: env_seed, typed };
        let v = p.eval(&env);
        prop_assert!(matches!(v, Value::Bool(_) | Value::Missing), "{src}: {v:?}");
        let (tv, trace) = p.eval_traced(&env);
        prop_assert_eq!(&tv, &v);
        prop_assert_eq!(p.eval(&env), v);
        for t in &trace {
            prop_assert!(["true", "false", "missing"].contains(&t.result.as_str()), "{:?}", t);
            prop_assert!(!t.expr.is_empty() && src.contains(t.expr.as_str()), "{:?}", t);
        }
    }
}
