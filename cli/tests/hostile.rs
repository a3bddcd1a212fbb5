//! The binary against hostile input: endless and oversize files stop at a bound with a coded
//! error, the header check grows linearly with the number of columns, every count and date
//! argument is range-checked before work starts, CSV cells never start a formula, and text
//! for a person or a CI log never carries control characters.

// Test helpers may panic: a failed step fails the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use upgrade_prompts::catalog::MAX_CONFIG_BYTES;
use upgrade_prompts_cli::columns::Layout;
use upgrade_prompts_cli::input::{MAX_COLUMNS, MAX_RECORD_BYTES};

const BIN: &str = env!("CARGO_BIN_EXE_upgrade-prompts");
const NOW: &str = "2026-11-24T09:00:00Z";

/// Virtual memory the binary may use here (KiB): far above what a bounded read needs, far
/// below what an unbounded one reaches, so a regression fails instead of filling the machine.
const MEMORY_KIB: u64 = 4 << 20;

/// How long one run may take before it counts as a hang (generous: a bounded read of
/// /dev/zero takes well under a second).
const HANG: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn config() -> PathBuf {
    root().join("../www/samples/team.json")
}

/// Runs the binary with a memory ceiling (where the shell can set one) and a hang guard.
fn run(args: &[&str]) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_KIB} 2>/dev/null; exec \"$0\" \"$@\""
        ))
        .arg(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Read both pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).unwrap();
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).unwrap();
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} did not finish within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn simulate(accounts: &Path, extra: &[&str]) -> Output {
    let config = config();
    let mut args = vec![
        "simulate",
        "--config",
        config.to_str().unwrap(),
        "--accounts",
        accounts.to_str().unwrap(),
        "--now",
        NOW,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Exit code 2 with `error[too_large]` naming `name` and the bound (on stderr, or in the
/// report `lint` prints on stdout).
fn assert_too_large(o: &Output, name: &str, bound: usize) {
    let err = text(&o.stderr) + &text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("error[too_large]"), "{err}");
    assert!(err.contains(name), "{err}");
    assert!(err.contains(&group(bound)), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `4194304` as `4,194,304`, as messages write bounds.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(unix)]
#[test]
fn endless_config_files_stop_at_the_config_bound() {
    // `lint` refuses what is not a regular file before opening it, as the npm bin does.
    let o = run(&["lint", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    let out = text(&o.stdout);
    assert!(
        out.starts_with(
            "/dev/zero: error[not_a_file]: cannot read `/dev/zero`: it is not a regular file\n"
        ),
        "{out}"
    );
    let accounts = root().join("tests/fixtures/accounts.jsonl");
    let o = run(&[
        "simulate",
        "--config",
        "/dev/zero",
        "--accounts",
        accounts.to_str().unwrap(),
    ]);
    assert_too_large(&o, "/dev/zero", MAX_CONFIG_BYTES);
    let o = run(&["generate", "--config", "/dev/zero", "--accounts", "1"]);
    assert_too_large(&o, "/dev/zero", MAX_CONFIG_BYTES);
}

#[cfg(unix)]
#[test]
fn endless_account_files_stop_at_the_record_bound() {
    for format in ["jsonl", "csv"] {
        let o = simulate(Path::new("/dev/zero"), &["--input-format", format]);
        assert_too_large(&o, "/dev/zero", MAX_RECORD_BYTES);
    }
    let o = simulate(Path::new("/dev/zero"), &["--input-format", "parquet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn oversize_files_are_too_large() {
    let dir = tempfile::tempdir().unwrap();
    // A config one byte over the bound (valid JSON otherwise).
    let mut big = b"{}".to_vec();
    big.resize(MAX_CONFIG_BYTES + 1, b' ');
    let big = write(dir.path(), "big.json", &big);
    assert_too_large(
        &run(&["lint", big.to_str().unwrap()]),
        "big.json",
        MAX_CONFIG_BYTES,
    );

    let good = br#"{"account":{"id":"a1","plan":"team"},"usage":{"seats":{"used":3}}}"#;
    // A JSON Lines file whose third line is one byte over the bound.
    let mut jsonl = Vec::new();
    for _ in 0..2 {
        jsonl.extend_from_slice(good);
        jsonl.push(b'\n');
    }
    jsonl.extend_from_slice(b"{\"x\":\"");
    jsonl.resize(jsonl.len() + MAX_RECORD_BYTES, b'a');
    jsonl.extend_from_slice(b"\"}\n");
    let path = write(dir.path(), "long.jsonl", &jsonl);
    let o = simulate(&path, &["--format", "json"]);
    assert_too_large(&o, "long.jsonl", MAX_RECORD_BYTES);
    assert!(text(&o.stderr).contains("line 3"), "{}", text(&o.stderr));

    // A CSV record over the bound: one quoted cell full of line breaks, so the bound is on
    // the record, not the line.
    let mut csv = b"account.id,account.plan\na1,team\n\"".to_vec();
    csv.resize(csv.len() + MAX_RECORD_BYTES, b'\n');
    csv.extend_from_slice(b"\",team\n");
    let path = write(dir.path(), "long.csv", &csv);
    let o = simulate(&path, &["--format", "json"]);
    assert_too_large(&o, "long.csv", MAX_RECORD_BYTES);
    assert!(text(&o.stderr).contains("row 2"), "{}", text(&o.stderr));

    // A CSV header with one column too many.
    let mut header = "account.id".to_owned();
    for i in 0..MAX_COLUMNS {
        header.push_str(&format!(",account.traits.c{i}"));
    }
    header.push_str("\na1\n");
    let path = write(dir.path(), "wide.csv", header.as_bytes());
    let o = simulate(&path, &["--format", "json"]);
    assert_too_large(&o, "wide.csv", MAX_COLUMNS);
}

#[test]
fn a_context_over_its_own_limit_is_an_error_of_that_account_alone() {
    // Longer than a context may be (1 MiB) but within the record bound: the engine reports
    // the account and the run goes on.
    let dir = tempfile::tempdir().unwrap();
    let good = br#"{"account":{"id":"a1","plan":"team"},"usage":{"seats":{"used":3}}}"#;
    let mut jsonl = b"{\"account\":{\"id\":\"big\",\"plan\":\"team\"},\"x\":\"".to_vec();
    jsonl.resize(jsonl.len() + (3 << 20), b'a');
    jsonl.extend_from_slice(b"\"}\n");
    jsonl.extend_from_slice(good);
    jsonl.push(b'\n');
    let path = write(dir.path(), "mixed.jsonl", &jsonl);
    let o = simulate(&path, &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["accounts"], 2);
    assert_eq!(v["totals"]["accountsWithErrors"], 1);
    assert_eq!(v["errors"][0]["index"], 1);
    assert_eq!(v["errors"][0]["code"], "too_large");
}

/// The shortest of `runs` timings of `f`.
fn fastest(runs: usize, f: &dyn Fn()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Asserts that `work(4n)` takes less than `limit` times `work(n)`: about 4 when the work is
/// linear, 16 when it is quadratic. A ratio of two timings on the same machine, never a time.
fn assert_linear(what: &str, n: usize, limit: f64, work: &dyn Fn(usize)) {
    // Warm up allocations and caches once.
    work(n);
    let small = fastest(3, &|| work(n)).as_secs_f64().max(1e-6);
    // Up to three tries at the large size, so one slow moment on a busy machine does not
    // fail the test; a super-linear cost fails all three.
    let mut ratios = Vec::new();
    for _ in 0..3 {
        let big = fastest(1, &|| work(4 * n)).as_secs_f64();
        let ratio = big / small;
        if ratio < limit {
            eprintln!("{what}: 4 × {n} takes {ratio:.1} times as long as {n} ({small:.4} s)");
            return;
        }
        ratios.push(ratio);
    }
    panic!(
        "{what}: 4 × {n} takes {ratios:.1?} times as long as {n} (limit {limit}); it grows faster than linearly"
    );
}

#[test]
fn the_header_check_is_linear_in_the_number_of_columns() {
    let engine = upgrade_prompts::Engine::new(&std::fs::read_to_string(config()).unwrap()).unwrap();
    let model = &engine.catalog().model;
    // The worst shape: every column a distinct, valid path under one parent.
    let headers =
        |n: usize| -> Vec<String> { (0..n).map(|i| format!("account.traits.c{i}")).collect() };
    let small = headers(10_000);
    let big = headers(40_000);
    assert_linear("Layout::new", 10_000, 10.0, &|n| {
        let h = if n == 10_000 { &small } else { &big };
        let layout = Layout::new(model, h);
        assert_eq!(layout.columns.len(), n);
    });
}

#[test]
fn counts_threads_and_dates_are_range_checked() {
    let accounts = root().join("tests/fixtures/accounts.jsonl");
    let accounts = accounts.to_str().unwrap();
    let config = config();
    let config = config.to_str().unwrap();
    let sim = |extra: &[&str]| {
        let mut args = vec![
            "simulate",
            "--config",
            config,
            "--accounts",
            accounts,
            "--quiet",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let cases: Vec<(Output, &str)> = vec![
        (sim(&["--threads", "100000"]), "--threads"),
        (sim(&["--threads", "0"]), "--threads"),
        (sim(&["--threads", "-1"]), "-1"),
        (sim(&["--top", "10001"]), "--top"),
        (sim(&["--horizon", "3651"]), "--horizon"),
        (sim(&["--horizon", "NaN"]), "--horizon"),
        (sim(&["--now", "1969-12-31T23:59:59Z"]), "from 1970 to 9999"),
        (sim(&["--now", "0000-01-01"]), "from 1970 to 9999"),
        (
            sim(&["--now", "9999-12-31T23:59:59-01:00"]),
            "from 1970 to 9999",
        ),
        (sim(&["--now", "yesterday"]), "RFC 3339"),
        (
            run(&["generate", "--config", config, "--accounts", "0"]),
            "--accounts",
        ),
        (
            run(&["generate", "--config", config, "--accounts", "1000000001"]),
            "--accounts",
        ),
        (
            run(&[
                "generate",
                "--config",
                config,
                "--accounts",
                "1",
                "--now",
                "1900-01-01",
            ]),
            "from 1970 to 9999",
        ),
    ];
    for (o, expected) in cases {
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{expected}: {err}");
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(o.stdout.is_empty(), "{expected}: work started");
    }
    // The ranges are in --help (compared with the lines unwrapped).
    let unwrapped = |o: Output| {
        text(&o.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let help = unwrapped(run(&["simulate", "--help"]));
    // The bounds too, as the readers have them.
    assert!(
        help.contains(&format!("at most {} columns", MAX_COLUMNS)),
        "{help}"
    );
    assert!(
        help.contains(&format!(
            "CSV record (the header too) at most {} MiB",
            MAX_RECORD_BYTES >> 20
        )),
        "{help}"
    );
    assert!(
        help.contains(&format!(
            "config file at most {} MiB",
            MAX_CONFIG_BYTES >> 20
        )),
        "{help}"
    );
    for range in ["1 to 256", "0 to 10000", "1 to 3650", "from 1970 to 9999"] {
        assert!(
            help.contains(range),
            "simulate --help lacks {range}:\n{help}"
        );
    }
    let help = unwrapped(run(&["generate", "--help"]));
    for range in ["1 to 1000000000", "from 1970 to 9999"] {
        assert!(
            help.contains(range),
            "generate --help lacks {range}:\n{help}"
        );
    }
    // The edges are accepted.
    let o = sim(&[
        "--threads",
        "256",
        "--top",
        "0",
        "--now",
        "1970-01-01T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

fn context(id: &str, plan: &str, seats: u32, api: u32) -> String {
    let account = serde_json::json!({
        "now": NOW,
        "locale": "en-US",
        "account": {
            "id": id, "plan": plan, "createdAt": "2024-01-01T00:00:00Z",
            "renewalAt": "2026-12-01T00:00:00Z", "healthScore": 80, "lifecycle": "renewal",
            "addons": [], "trials": {}, "openEscalations": 0
        },
        "user": { "id": "u", "role": "owner" },
        "usage": {
            "seats": { "used": seats },
            "api_calls": { "used": api, "periodStart": "2026-11-01T00:00:00Z" }
        },
        "features": { "reports": { "uses30d": 0 } }
    });
    account.to_string()
}

#[test]
fn csv_cells_never_start_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let ids = [
        "=HYPERLINK(\"http://example.invalid\",\"open\")",
        "+1",
        "@SUM(A1)",
        "-2+3",
        "\t=1",
        "\r=1",
    ];
    let mut lines: Vec<String> = ids.iter().map(|id| context(id, "free", 3, 10)).collect();
    // An add-on opportunity (the sample's `+100k API calls`) and a downsell (a negative
    // monthly delta, a number of the report's own), for an account whose id is a plain
    // negative number.
    lines.push(context("api", "team", 10, 49_000));
    lines.push(context("-7", "team", 1, 10));
    let path = write(dir.path(), "inject.jsonl", lines.join("\n").as_bytes());
    let o = simulate(&path, &["--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let cell = |id: &str, name: &str| -> String {
        rows.iter()
            .find(|row| row[col("account_id")].trim_start_matches('\'') == id)
            .unwrap_or_else(|| panic!("no row for {id:?}"))[col(name)]
        .to_owned()
    };
    for id in ids {
        assert_eq!(cell(id, "account_id"), format!("'{id}"), "{id:?}");
    }
    assert_eq!(cell("api", "target_label"), "'+100k API calls");
    assert_eq!(cell("-7", "account_id"), "-7");
    assert_eq!(cell("-7", "monthly_delta"), "-12");
    // No cell of the output starts a formula.
    for row in &rows {
        for c in row {
            assert!(
                !c.starts_with(['=', '+', '@', '\t', '\r'])
                    && (!c.starts_with('-') || c.parse::<f64>().is_ok()),
                "{c:?} in {row:?}"
            );
        }
    }
}

/// Whether `s` holds a control character other than the line breaks that end lines.
fn has_controls(s: &str) -> bool {
    s.lines().any(|l| l.chars().any(char::is_control))
}

#[test]
fn text_output_escapes_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    // A feature id that would start a CI workflow command on a line of its own, and set the
    // terminal's title.
    let hostile = "x\n::warning file=a::pwned\u{1b}]0;t\u{7}";
    let config = serde_json::json!({
        "metrics": { "seats": { "label": "Seats" } },
        "features": {},
        "plans": [{
            "id": "free", "label": "Free", "price": { "monthly": 0 },
            "features": [hostile], "limits": { "seats": 3 }
        }]
    });
    let path = write(dir.path(), "inject.json", config.to_string().as_bytes());
    let o = run(&["lint", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(!has_controls(&out), "{out:?}");
    assert!(!out.lines().any(|l| l.starts_with("::")), "{out}");
    assert!(
        out.contains("x\\u{a}::warning file=a::pwned\\u{1b}]0;t\\u{7}"),
        "{out}"
    );

    // The same in simulate's table (an account id), in a problem line on stderr (a header)
    // and in an error quoting an argument.
    let lines = [context("\u{1b}[31mred\n::error::x", "free", 3, 10)];
    let path = write(dir.path(), "inject.jsonl", lines.join("\n").as_bytes());
    let o = simulate(&path, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(!has_controls(&out), "{out:?}");
    assert!(out.contains("\\u{1b}[31mred\\u{a}::error::x"), "{out}");

    let path = write(
        dir.path(),
        "inject.csv",
        b"account.plan,\"acct\x1b]8;;http://x\x07\nid\"\nfree,1\n",
    );
    let o = simulate(&path, &["--format", "json"]);
    let err = text(&o.stderr);
    assert!(err.contains("error[unknown_column]"), "{err}");
    assert!(!has_controls(&err), "{err:?}");
    assert!(
        err.contains("acct\\u{1b}]8;;http://x\\u{7}\\u{a}id"),
        "{err}"
    );

    let accounts = root().join("tests/fixtures/accounts.jsonl");
    let catalog = self::config();
    let o = run(&[
        "simulate",
        "--config",
        catalog.to_str().unwrap(),
        "--accounts",
        accounts.to_str().unwrap(),
        "--now",
        "\u{1b}[2J",
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(!has_controls(&err), "{err:?}");
    assert!(err.contains("\\u{1b}[2J"), "{err}");
}

#[test]
fn lint_of_a_one_line_catalog_is_linear() {
    // Many problems on one long line: a cost per problem that rescans the text would make
    // this quadratic.
    let dir = tempfile::tempdir().unwrap();
    let catalog = |n: usize| {
        let features: Vec<String> = (0..n).map(|i| format!("missing{i}")).collect();
        serde_json::json!({
            "metrics": { "seats": { "label": "Seats" } },
            "features": {},
            "plans": [{
                "id": "free", "label": "Free", "price": { "monthly": 0 },
                "features": features, "limits": { "seats": 3 }
            }]
        })
        .to_string()
    };
    let small = write(dir.path(), "small.json", catalog(20_000).as_bytes());
    let big = write(dir.path(), "big.json", catalog(80_000).as_bytes());
    assert_linear("lint", 20_000, 10.0, &|n| {
        let path = if n == 20_000 { &small } else { &big };
        let o = run(&["lint", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
    });
}
