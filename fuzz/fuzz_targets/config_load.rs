//! Fuzzes config validation: arbitrary text must give a report, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let report = upgrade_prompts::validate_config(text);
        assert_eq!(report.valid, report.errors.is_empty());
    }
});
