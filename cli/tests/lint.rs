//! `upgrade-prompts lint` of the native binary against the goldens of the npm bin
//! (`tests/lint/golden/`): both programs print their reports through
//! `upgrade_prompts::audience::lint`, so one set of goldens holds for both. The options
//! (`--format`, `--context`, `--no-color`) and their usage errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_upgrade-prompts");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the binary from the repository root, without a terminal and without `NO_COLOR`.
fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/lint/golden").join(name)).unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

const BROKEN: &str = "tests/lint/cases/broken.json";
const TEAM: &str = "www/samples/team.json";
const CONTEXT: &str = "tests/lint/cases/context.json";

#[test]
fn the_three_formats_print_the_npm_bins_goldens() {
    for (args, file) in [
        (vec!["lint", BROKEN], "broken.txt"),
        (vec!["lint", BROKEN, "--format", "json"], "broken.json"),
        (vec!["lint", BROKEN, "--format=github"], "broken.github.txt"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&o.stdout), golden(file), "{args:?}");
        assert_eq!(text(&o.stderr), "");
    }
}

#[test]
fn a_context_is_evaluated_against_the_config() {
    let o = run(&["lint", TEAM, "--context", CONTEXT]);
    assert_eq!(o.status.code(), Some(1), "the context has errors");
    assert_eq!(text(&o.stdout), golden("context.txt"));
    let o = run(&["lint", TEAM, "--context", CONTEXT, "--format", "json"]);
    assert_eq!(text(&o.stdout), golden("context.json"));
    let o = run(&["lint", BROKEN, "--context", CONTEXT]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout)
        .contains("  not evaluated: the config has errors, so the context was not evaluated\n"));
}

#[test]
fn bad_inputs_are_located_and_unreadable_files_exit_2() {
    let cases = [
        "not-json.json",
        "trailing-comma.json",
        "duplicate-key.json",
        "latin1.json",
        "bom.json",
        "",
        "missing.json",
    ];
    let files: Vec<String> = cases
        .iter()
        .map(|c| {
            if c.is_empty() {
                "tests/lint/cases/bad".to_owned()
            } else {
                format!("tests/lint/cases/bad/{c}")
            }
        })
        .collect();
    let mut args = vec!["lint"];
    args.extend(files.iter().map(String::as_str));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stdout), golden("bad-inputs.txt"));
    assert_eq!(text(&o.stderr), "");
}

#[test]
fn usage_errors_of_the_options() {
    for (args, message) in [
        (
            vec!["lint", TEAM, BROKEN, "--context", CONTEXT],
            "`--context` takes exactly one config file",
        ),
        (
            vec!["lint", TEAM, "--context", CONTEXT, "--format", "github"],
            "`--context` prints `text` or `json`, not `github`",
        ),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(o.stdout.len(), 0);
        assert_eq!(
            text(&o.stderr),
            format!("upgrade-prompts: error[usage]: {message}\n(see `upgrade-prompts --help`)\n")
        );
    }
    for args in [
        vec!["lint", TEAM, "--format", "xml"],
        vec!["lint"],
        vec!["compile", TEAM],
        vec!["compile", TEAM, "-o", "x.bin", "--context", CONTEXT],
    ] {
        assert_eq!(run(&args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn no_colours_without_a_terminal_and_none_with_no_color() {
    for args in [
        vec!["lint", BROKEN],
        vec!["lint", BROKEN, "--no-color"],
        vec!["lint", TEAM, "--context", CONTEXT],
    ] {
        let o = run(&args);
        assert!(!o.stdout.contains(&0x1b), "{args:?}");
    }
}

#[test]
fn compile_reports_in_every_format_and_a_failed_write_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("team.bin");
    let o = run(&[
        "compile",
        TEAM,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["errorCount"], 0);
    assert!(out.exists());
    let o = run(&[
        "compile",
        BROKEN,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "github",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), golden("broken.github.txt"));
    let nowhere = dir.path().join("no/such/dir/x.bin");
    let o = run(&["compile", TEAM, "-o", nowhere.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        format!(
            "upgrade-prompts: error[write_failed]: cannot write `{}`: No such file or directory (os error 2)\n",
            nowhere.display()
        )
    );
}
