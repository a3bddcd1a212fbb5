//! Fuzzes `analyze`'s event-log readers: the first byte picks JSON Lines or CSV, the rest is
//! the file, read in both passes against the team sample. Reading must never panic, stops at
//! its bounds with a coded error, and a finished report must be JSON without NaN or infinity
//! that lists no more bad lines than it counts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::audience::analyze::{read_both, Analysis, Window};
use upgrade_prompts::audience::input::Format;
use upgrade_prompts::base::json::Doc;
use upgrade_prompts::base::out::to_json;
use upgrade_prompts::Engine;

const CONFIG: &str = include_str!("../../www/samples/team.json");

thread_local! {
    static LOADED: Engine = Engine::new(CONFIG).expect("the sample loads");
}

fuzz_target!(|data: &[u8]| {
    let Some((&format, file)) = data.split_first() else {
        return;
    };
    let format = if format & 1 == 0 {
        Format::Jsonl
    } else {
        Format::Csv
    };
    LOADED.with(|engine| {
        let mut analysis = Analysis::new(engine, Window::default());
        if read_both(file, "fuzz", format, &mut analysis).is_err() {
            return;
        }
        let report = analysis.finish();
        assert!(report.errors.len() as u64 <= report.totals.bad_lines);
        assert_eq!(
            report.totals.events,
            report.totals.used + report.totals.outside_window + report.totals.bad_lines
        );
        let text = to_json(&report);
        assert!(!text.contains("NaN") && !text.contains("Infinity"), "{text}");
        Doc::parse(text, true).expect("the report is JSON");
    });
});
