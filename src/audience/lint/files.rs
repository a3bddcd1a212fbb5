//! A file named on the command line, as the program that runs the command read it (the native
//! binary with `std::fs`, the npm bin with `node:fs`), turned into the text that is linted or
//! the coded problem that says why there is none. Both programs read the same way: a path
//! that is not a regular file is refused before it is opened, a file over its limit is not
//! read (at most the limit and one more byte are), so both report the same problem.

use crate::base::diag::Diagnostic;
use crate::base::num::format_int;
use crate::base::vocab::Code;

use super::source::{Located, Source};

/// How a file was found and read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRead {
    /// Its bytes: all of them, or the first limit and one more when it is longer.
    Bytes(Vec<u8>),
    /// No such file.
    Missing,
    /// A parent of the path is not a directory.
    ParentNotDirectory,
    /// A directory.
    Directory,
    /// Something that is not a regular file (a device, a pipe, a socket).
    NotAFile,
    /// A regular file of this many bytes, over the limit, so not read.
    TooLarge(u64),
    /// The system refused: the error's name (`EACCES`, `ELOOP`, …), or its text when it has
    /// no name.
    Failed(String),
}

/// A file read: its text (without a byte order mark), or why there is none; `bom` says the
/// file started with one.
pub(super) enum Opened {
    /// The text.
    Text {
        /// The text, ready to be located in.
        source: Source,
        /// Whether a byte order mark was dropped.
        bom: bool,
    },
    /// Why the file cannot be linted; for a file that is not UTF-8, the text read as far as
    /// it goes (the rest with replacement characters) that the problem points into.
    Problem(Located, Option<Source>),
}

/// `permission denied` for `EACCES`, and the like: the reason words of a system error.
fn reason_words(name: &str) -> &str {
    match name {
        "EACCES" | "EPERM" => "permission denied",
        "ELOOP" => "too many symbolic links",
        other => other,
    }
}

fn problem(code: Code, message: String, help: Option<String>) -> Opened {
    let d = Diagnostic::new(code, message, Vec::new()).with_help(help);
    Opened::Problem(
        Located {
            diagnostic: d,
            place: None,
        },
        None,
    )
}

/// `config file is 10,485,760 bytes; the limit is 4,194,304 bytes (4 MiB)`.
fn too_large(what: &str, size: u64, limit: usize) -> Opened {
    problem(
        Code::TooLarge,
        format!(
            "{what} file is {} bytes; the limit is {} bytes ({} MiB)",
            format_int(size),
            format_int(limit as u64),
            limit >> 20
        ),
        None,
    )
}

/// The text of a file `name` holding a `what` (`config`, `context`) of at most `limit` bytes,
/// or the problem that says why it cannot be linted.
pub(super) fn open(name: &str, read: FileRead, limit: usize, what: &str) -> Opened {
    let cannot = |why: &str| format!("cannot read `{name}`: {why}");
    let bytes = match read {
        FileRead::Bytes(b) => b,
        FileRead::Missing => return problem(Code::FileNotFound, cannot("no such file"), None),
        FileRead::ParentNotDirectory => {
            let why = "a parent of it is not a directory";
            return problem(Code::FileNotFound, cannot(why), None);
        }
        FileRead::Directory => {
            let sep = if name.ends_with('/') { "" } else { "/" };
            let help = format!("name the {what} files in it, such as `{name}{sep}catalog.json`");
            return problem(Code::IsDirectory, cannot("it is a directory"), Some(help));
        }
        FileRead::NotAFile => {
            return problem(Code::NotAFile, cannot("it is not a regular file"), None);
        }
        FileRead::TooLarge(size) => return too_large(what, size, limit),
        FileRead::Failed(why) => {
            return problem(Code::UnreadableFile, cannot(reason_words(&why)), None);
        }
    };
    if bytes.len() > limit {
        return too_large(what, bytes.len() as u64, limit);
    }
    let bom = bytes.starts_with(b"\xef\xbb\xbf");
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if bom {
                text.drain(..3);
            }
            Opened::Text {
                source: Source::new(text),
                bom,
            }
        }
        Err(e) => not_utf8(e.into_bytes(), what),
    }
}

/// The problem of a file that is not UTF-8, located at its first bad byte in the text read as
/// far as it goes (without a byte order mark; the rest with replacement characters).
fn not_utf8(bytes: Vec<u8>, what: &str) -> Opened {
    let bad = std::str::from_utf8(&bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let byte = bytes.get(bad).copied().unwrap_or(0);
    let (before, after) = bytes.split_at(bad.min(bytes.len()));
    let before = before.strip_prefix(b"\xef\xbb\xbf").unwrap_or(before);
    let mut text = String::from_utf8_lossy(before).into_owned();
    let start = text.len();
    text.push_str(&String::from_utf8_lossy(after));
    let source = Source::new(text);
    let end = start + '\u{fffd}'.len_utf8();
    let place = source.places(&[(start, end)]).pop();
    let d = Diagnostic::new(
        Code::InvalidUtf8,
        format!(
            "{what} file is not UTF-8: byte `0x{byte:02X}` at byte offset {bad} cannot start or continue a character"
        ),
        Vec::new(),
    )
    .with_help(Some("save the file as UTF-8".to_owned()));
    Opened::Problem(
        Located {
            diagnostic: d,
            place,
        },
        Some(source),
    )
}

/// The warning for a file that started with a byte order mark (it is linted without one).
pub(super) fn bom_warning(what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ByteOrderMark,
        format!(
            "{what} file starts with a byte order mark (U+FEFF); `JSON.parse` and the engine refuse it when given the text as it is"
        ),
        Vec::new(),
    )
    .with_help(Some(
        "save the file as UTF-8 without BOM (`require` and bundlers strip it; `readFileSync` does not)"
            .to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(name: &str, read: FileRead) -> (Code, String, Option<String>) {
        match open(name, read, 4 << 20, "config") {
            Opened::Problem(l, _) => (l.diagnostic.code, l.diagnostic.message, l.diagnostic.help),
            Opened::Text { .. } => panic!("read"),
        }
    }

    #[test]
    fn unreadable_files_say_why() {
        let (code, m, help) = message("dir/", FileRead::Directory);
        assert_eq!(code, Code::IsDirectory);
        assert_eq!(m, "cannot read `dir/`: it is a directory");
        assert_eq!(
            help.as_deref(),
            Some("name the config files in it, such as `dir/catalog.json`")
        );
        let (code, m, _) = message("a.json", FileRead::Failed("EACCES".into()));
        assert_eq!(
            (code, m.as_str()),
            (
                Code::UnreadableFile,
                "cannot read `a.json`: permission denied"
            )
        );
        let (_, m, _) = message("a.json", FileRead::Failed("EIO".into()));
        assert_eq!(m, "cannot read `a.json`: EIO");
        let (code, m, _) = message("big.json", FileRead::TooLarge(10 << 20));
        assert_eq!(code, Code::TooLarge);
        assert_eq!(
            m,
            "config file is 10,485,760 bytes; the limit is 4,194,304 bytes (4 MiB)"
        );
        let (_, m, _) = message("big.json", FileRead::Bytes(vec![b' '; (4 << 20) + 1]));
        assert_eq!(
            m,
            "config file is 4,194,305 bytes; the limit is 4,194,304 bytes (4 MiB)"
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_is_located_at_its_first_bad_byte() {
        let bytes = b"\xef\xbb\xbf{\n  \"a\": \"Gr\xe1tis\" }".to_vec();
        let Opened::Problem(l, Some(source)) = open("x", FileRead::Bytes(bytes), 100, "config")
        else {
            panic!("not utf-8")
        };
        assert_eq!(
            l.diagnostic.message,
            "config file is not UTF-8: byte `0xE1` at byte offset 15 cannot start or continue a character"
        );
        let p = l.place.unwrap();
        assert_eq!((p.line, p.column, p.end_line, p.end_column), (2, 11, 2, 12));
        assert_eq!(&source.text[p.start..p.end], "\u{fffd}");
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let Opened::Text { source, bom } = open(
            "x",
            FileRead::Bytes(b"\xef\xbb\xbf{}".to_vec()),
            100,
            "config",
        ) else {
            panic!("text")
        };
        assert!(bom);
        assert_eq!(source.text, "{}");
    }
}
