//! Fuzzes decimal parsing against the standard library: the same double for every text both
//! accept, bit for bit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upgrade_prompts::base::float::parse_f64;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() > 2000 {
        return;
    }
    if let Some(ours) = parse_f64(text) {
        let std: f64 = text.parse().expect("accepted by ours, refused by std");
        assert_eq!(ours.to_bits(), std.to_bits(), "{text}");
    } else if let Ok(std) = text.parse::<f64>() {
        // Refused texts are outside the JSON grammar, or too large for a double.
        let json_like = text
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            && !text.starts_with('+')
            && !text.starts_with('.')
            && !text.ends_with('.')
            && !text.contains(".e")
            && !text.contains(".E");
        assert!(!json_like || std.is_infinite(), "{text}");
    }
});
