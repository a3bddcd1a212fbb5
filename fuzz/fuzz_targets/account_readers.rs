//! Fuzzes the command-line tool's account readers: the first byte picks JSON Lines, CSV or
//! Parquet, the rest is the file. Every row a CSV or Parquet reader hands on is converted to a
//! context as a worker does. Reading must never panic, must stop at its bounds with a coded
//! error instead of growing, and every context a tabular row becomes must be one JSON object
//! the engine's parser accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::base::json::Doc;
use upgrade_prompts::Engine;
use upgrade_prompts_cli::input::{self, Chunk};

const CONFIG: &str = include_str!("../../www/samples/team.json");

thread_local! {
    static LOADED: Engine = Engine::new(CONFIG).expect("the sample loads");
}

/// A converted row must be a JSON object without repeated keys. (A history cell may hold
/// arrays nested as deep as a JSON parser allows; the context around it adds three levels,
/// which the engine reports as an error of that account.)
fn check(buf: &[u8]) {
    let text = std::str::from_utf8(buf)
        .expect("a converted row is UTF-8")
        .to_owned();
    assert!(text.starts_with('{'), "{text}");
    if let Err(e) = Doc::parse(text.clone(), true) {
        assert!(
            e.message.contains("nested too deeply"),
            "a converted row is not JSON ({e:?}): {text}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&format, file)) = data.split_first() else {
        return;
    };
    LOADED.with(|engine| {
        let mut buf = Vec::new();
        let mut records = 0u64;
        let mut last = 0u64;
        let mut send = |chunk: Chunk| match chunk {
            Chunk::Json(items) => {
                for (index, _) in items {
                    // Lines are numbered from 1 and only go up.
                    assert!(index > last);
                    last = index;
                    records += 1;
                }
            }
            Chunk::Csv {
                first,
                lines,
                rows,
                layout,
                width,
            } => {
                assert_eq!(first, records + 1);
                for (row, line) in rows.iter().zip(lines) {
                    buf.clear();
                    if input::csv_context(&layout, width, row, line, &mut buf).is_ok() {
                        check(&buf);
                    }
                    records += 1;
                }
            }
            Chunk::Parquet { first, batch, plan } => {
                assert_eq!(first, records + 1);
                for row in 0..batch.num_rows() {
                    buf.clear();
                    let index = first + row as u64;
                    if input::parquet_context(&plan, &batch, row, index, &mut buf).is_ok() {
                        check(&buf);
                    }
                    records += 1;
                }
            }
            Chunk::Lost(items) => {
                for (index, _) in items {
                    assert_eq!(index, records + 1);
                    records += 1;
                }
            }
        };
        let progress = |_: u64| {};
        let model = &engine.catalog().model;
        let read = match format % 3 {
            0 => input::read_jsonl(file, "fuzz.jsonl", &mut send, &progress),
            1 => input::read_csv(file, "fuzz.csv", model, &mut send, &progress),
            _ => {
                let bytes = bytes::Bytes::copy_from_slice(file);
                input::read_parquet(bytes, "fuzz.parquet", model, &mut send, &progress)
            }
        };
        if let Err(e) = read {
            assert!(!e.code.as_str().is_empty() && !e.message.is_empty());
        }
    });
});
