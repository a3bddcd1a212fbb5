//! `upgrade-prompts compile`: validates like `lint` (the same report on stdout), writes
//! deterministic bytes the engine loads, and writes nothing for a config with errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_upgrade-prompts");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

#[test]
fn a_valid_config_compiles_to_the_same_bytes_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.bin"), dir.path().join("b.bin"));
    for out in [&a, &b] {
        let o = run(&[
            "compile",
            "www/samples/team.json",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            String::from_utf8(o.stdout).unwrap(),
            "0 errors, 0 warnings in 1 file\n"
        );
        let line = String::from_utf8(o.stderr).unwrap();
        assert!(
            line.starts_with(&format!("{}: ", out.display()))
                && line.contains(" bytes, hash ")
                && line.ends_with(" context paths\n"),
            "{line}"
        );
    }
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap());
    let config = std::fs::read_to_string(root().join("www/samples/team.json")).unwrap();
    assert_eq!(bytes, upgrade_prompts::compile(&config).unwrap().bytes);
    assert!(upgrade_prompts::Engine::from_artifact(&bytes).is_ok());
}

#[test]
fn a_config_with_errors_prints_them_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.bin");
    let o = run(&[
        "compile",
        "tests/lint/cases/broken.json",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("error[unknown_feature]"), "{text}");
    assert_eq!(
        text,
        String::from_utf8(run(&["lint", "tests/lint/cases/broken.json"]).stdout).unwrap()
    );
    assert_eq!(
        String::from_utf8(o.stderr).unwrap(),
        "upgrade-prompts: nothing written\n"
    );
    assert!(!out.exists());
    let o = run(&["compile", "no/such/file.json", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
}
