//! `upgrade-prompts lint` and `compile`: configs checked with the engine's own validation and
//! every problem shown where it is (`file:line:col`, the source line, a caret under the exact
//! span, the help), as JSON, or as GitHub workflow annotations; with `--context`, also what a
//! context evaluates to. `compile` reports as `lint` does and, without an error, gives the
//! compiled catalog.
//!
//! Both programs called `upgrade-prompts` run these commands through [`run`]: the native
//! binary over files it reads with `std::fs`, the npm bin (through the audience build) over
//! files it reads with `node:fs`. Each hands over what it read ([`FileRead`]) and prints what
//! comes back, so both print the same bytes and exit with the same code: 0 without errors
//! (warnings allowed), 1 with an error in a config or context, 2 when a file cannot be read.
//!
//! Text for a terminal or a CI log shows the characters either would act on (controls, line
//! separators, bidirectional controls) as `\u{…}` escapes, so a value can neither start a
//! terminal sequence nor a workflow command; `--format json` is JSON and needs no more.

mod excerpt;
mod files;
mod machine;
mod source;
mod summary;
mod text;
mod tree;

pub use files::FileRead;

use crate::base::diag::Diagnostic;
use crate::base::vocab::Code;
use crate::catalog::MAX_CONFIG_BYTES;
use crate::decide::recommend::EvalOptions;
use crate::engine::{compile, validate_config, Engine};
use crate::facts::MAX_CONTEXT_BYTES;

use super::command::{fail_line, EXIT_ERRORS, EXIT_FAILED, EXIT_OK};
use super::report::printable;
use files::{bom_warning, open, Opened};
use source::{Located, Source};
use summary::{Evaluated, FileResult, Summary};

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Compiler-style messages with the source line and a caret.
    Text,
    /// One JSON document: `{ files: [{ file, errors, warnings }], errorCount, warningCount }`.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

impl Format {
    /// The format named by `--format` (`text`, `json`, `github`).
    pub fn from_word(word: &str) -> Option<Format> {
        match word {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// A file named on the command line and how it was read.
#[derive(Clone, Debug)]
pub struct NamedFile {
    /// The name as the command line gave it.
    pub name: String,
    /// What reading it gave.
    pub read: FileRead,
}

/// A `lint` or `compile` command, its files read.
#[derive(Clone, Debug)]
pub struct Request {
    /// The configs (`compile`: one).
    pub configs: Vec<NamedFile>,
    /// `--context` (with one config).
    pub context: Option<NamedFile>,
    /// `--format`.
    pub format: Format,
    /// Whether the text format is coloured (`--no-color` not given, `NO_COLOR` unset, stdout a
    /// terminal).
    pub color: bool,
    /// `compile -o`: the name of the file the compiled catalog is for.
    pub compile_to: Option<String>,
    /// The host clock (ms since the epoch), for a context without `now`.
    pub now: f64,
}

/// What a command prints, its exit code, and for `compile` the compiled catalog to write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    /// The text for stdout: the report.
    pub stdout: String,
    /// The text for stderr.
    pub stderr: String,
    /// The exit code.
    pub code: u8,
    /// `compile` without an error: the bytes to write to `-o`.
    pub artifact: Option<Vec<u8>>,
    /// With `artifact`, what stderr says once it is written.
    pub written: String,
}

/// What stderr says when the compiled catalog cannot be written to `out` (`why`: the system's
/// words), with its line end; the exit code is then [`EXIT_FAILED`].
pub fn write_failed(out: &str, why: &str) -> String {
    let mut s = fail_line(
        Code::WriteFailed.as_str(),
        &format!("cannot write `{out}`: {why}"),
    );
    s.push('\n');
    s
}

/// A usage error of `lint` or `compile` (exit code 2), with its line ends.
pub fn usage_error(message: &str) -> String {
    format!(
        "upgrade-prompts: error[usage]: {}\n(see `upgrade-prompts --help`)\n",
        printable(message)
    )
}

/// The checks the options of `lint` get beyond their syntax: `--context` goes with one config
/// and a format that can hold an evaluation.
///
/// # Errors
/// The message of a usage error.
pub fn check_options(configs: usize, context: bool, format: Format) -> Result<(), &'static str> {
    if context && configs != 1 {
        return Err("`--context` takes exactly one config file");
    }
    if context && format == Format::Github {
        return Err("`--context` prints `text` or `json`, not `github`");
    }
    Ok(())
}

/// Lints one config file.
fn lint_config(file: NamedFile) -> FileResult {
    match open(&file.name, file.read, MAX_CONFIG_BYTES, "config") {
        Opened::Problem(problem, source) => unreadable(file.name, problem, source),
        Opened::Text { mut source, bom } => {
            let report = validate_config(&source.text);
            let mut warnings = report.warnings;
            if bom {
                warnings.insert(0, bom_warning("config"));
            }
            FileResult {
                errors: source.locate_all(report.errors),
                warnings: source.locate_all(warnings),
                name: file.name,
                source: Some(source),
                readable: true,
            }
        }
    }
}

/// The result of a file that cannot be linted: its one problem.
fn unreadable(name: String, problem: Located, source: Option<Source>) -> FileResult {
    FileResult {
        name,
        source,
        readable: false,
        errors: vec![problem],
        warnings: Vec::new(),
    }
}

/// Reads `--context` and, when the config has no error, evaluates it (the whole context is
/// checked, unknown fields included). Returns the context's result and the evaluation (none
/// when the context cannot be read).
fn lint_context(
    file: NamedFile,
    config: Option<&FileResult>,
    now: f64,
) -> (FileResult, Option<Evaluated>) {
    let (mut source, bom) = match open(&file.name, file.read, MAX_CONTEXT_BYTES, "context") {
        Opened::Problem(problem, source) => return (unreadable(file.name, problem, source), None),
        Opened::Text { source, bom } => (source, bom),
    };
    let engine = match config {
        Some(c) if c.readable && c.errors.is_empty() => {
            c.source.as_ref().and_then(|s| Engine::new(&s.text).ok())
        }
        _ => None,
    };
    let (errors, warnings, evaluated) = match engine {
        None => {
            let why = if config.is_some_and(|c| c.readable) {
                "the config has errors, so the context was not evaluated"
            } else {
                "the config could not be read, so the context was not evaluated"
            };
            (Vec::new(), Vec::new(), Evaluated::Skipped(why))
        }
        Some(engine) => {
            let mut ev = engine.evaluate(&source.text, &EvalOptions::default(), now);
            let errors = source.locate_all(std::mem::take(&mut ev.errors));
            let mut warnings = std::mem::take(&mut ev.warnings);
            if bom {
                warnings.insert(0, bom_warning("context"));
            }
            let done = Evaluated::Done {
                currency: engine.catalog().currency.clone(),
                evaluation: Box::new(ev),
            };
            (errors, source.locate_all(warnings), done)
        }
    };
    let result = FileResult {
        name: file.name,
        source: Some(source),
        readable: true,
        errors,
        warnings,
    };
    (result, Some(evaluated))
}

/// Runs `lint` (or, with [`Request::compile_to`], `compile`) over the files read.
pub fn run(request: Request) -> Printed {
    let config_name = request
        .configs
        .first()
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let mut results: Vec<FileResult> = request.configs.into_iter().map(lint_config).collect();
    let mut evaluation = None;
    let mut context_name = String::new();
    if let Some(file) = request.context {
        context_name.clone_from(&file.name);
        let (result, ev) = lint_context(file, results.first(), request.now);
        results.push(result);
        evaluation = ev;
    }
    let summary = Summary {
        errors: results.iter().map(|r| r.errors.len()).sum(),
        warnings: results.iter().map(|r| r.warnings.len()).sum(),
        results,
        evaluation,
        config: config_name,
        context: context_name,
    };
    let stdout = match request.format {
        Format::Text => text::format(&summary, text::Paint::new(request.color)),
        Format::Json => machine::json(&summary),
        Format::Github => machine::github(&summary),
    };
    let code = if summary.results.iter().any(|r| !r.readable) {
        EXIT_FAILED
    } else if summary.errors > 0 {
        EXIT_ERRORS
    } else {
        EXIT_OK
    };
    let mut printed = Printed {
        stdout,
        code,
        ..Printed::default()
    };
    if let Some(out) = request.compile_to {
        compile_step(&mut printed, &summary, &out);
    }
    printed
}

/// `compile` after the report: nothing written with an error, else the compiled catalog.
fn compile_step(printed: &mut Printed, summary: &Summary, out: &str) {
    if printed.code != EXIT_OK {
        printed
            .stderr
            .push_str("upgrade-prompts: nothing written\n");
        return;
    }
    let text = summary
        .results
        .first()
        .and_then(|r| r.source.as_ref())
        .map_or("", |s| s.text.as_str());
    match compile(text) {
        Ok(c) => {
            printed.written = format!(
                "{}: {} bytes, hash {}, reads {} context paths\n",
                printable(out),
                c.bytes.len(),
                c.hash,
                c.paths.len()
            );
            printed.artifact = Some(c.bytes);
        }
        Err(errors) => {
            let why = errors
                .first()
                .map_or("", |d: &Diagnostic| d.message.as_str());
            printed.stderr.push_str(&fail_line(
                "compile_failed",
                &format!("the config does not compile: {why}"),
            ));
            printed.stderr.push('\n');
            printed.code = EXIT_ERRORS;
        }
    }
}
