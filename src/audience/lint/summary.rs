//! What a lint run found, before it is written in one of the formats: each file with its
//! errors and warnings in place, and what the context evaluated to.

use crate::render::Evaluation;

use super::source::{Located, Source};

/// One file's problems.
pub(super) struct FileResult {
    /// The file's name as the command line gave it.
    pub name: String,
    /// Its text (for a file that is not UTF-8, the text the problem points into).
    pub source: Option<Source>,
    /// Whether the file was read as text (else its one error says why not).
    pub readable: bool,
    /// Its errors, in the order found.
    pub errors: Vec<Located>,
    /// Its warnings, in the order found.
    pub warnings: Vec<Located>,
}

impl FileResult {
    /// Errors and warnings (`true` for an error) by line and column, errors first where they
    /// share a place.
    pub fn by_position(&self) -> Vec<(&Located, bool)> {
        let mut all: Vec<(&Located, bool)> = self
            .errors
            .iter()
            .map(|l| (l, true))
            .chain(self.warnings.iter().map(|l| (l, false)))
            .collect();
        all.sort_by_key(|(l, _)| l.key());
        all
    }
}

/// A list sorted by line and column (stable).
pub(super) fn sorted(list: &[Located]) -> Vec<&Located> {
    let mut all: Vec<&Located> = list.iter().collect();
    all.sort_by_key(|l| l.key());
    all
}

/// What `--context` gave.
pub(super) enum Evaluated {
    /// The context was not evaluated, and why.
    Skipped(&'static str),
    /// The evaluation, and the config's currency for the prices shown.
    Done {
        /// The catalog's currency.
        currency: String,
        /// What the context evaluates to.
        evaluation: Box<Evaluation>,
    },
}

/// A whole run's findings.
pub(super) struct Summary {
    /// Every file: the configs, then the context.
    pub results: Vec<FileResult>,
    /// Errors in all files.
    pub errors: usize,
    /// Warnings in all files.
    pub warnings: usize,
    /// The evaluation of `--context`, unless the context could not be read.
    pub evaluation: Option<Evaluated>,
    /// The config's name.
    pub config: String,
    /// The context's name.
    pub context: String,
}

/// `1 error`, `2 errors`.
pub(super) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

impl Summary {
    /// `5 errors, 1 warning in 1 file`.
    pub fn totals(&self) -> String {
        format!(
            "{}, {} in {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.results.len(), "file")
        )
    }
}
