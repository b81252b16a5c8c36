//! The terminal sanitiser on arbitrary text and bytes.
//!
//! Properties: the output contains no control character (C0, DEL, C1) and no Unicode
//! `Bidi_Control` character (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069);
//! text that needs nothing is returned unchanged; escaping is reversible in the sense that
//! every unsafe character becomes exactly one `\x..` or `\u{....}` escape and everything else
//! is kept in order.
#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use mtasts_core::sanitize::{sanitize, sanitize_bytes};

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let clean = sanitize(&text);
    assert!(!clean.chars().any(is_unsafe), "{clean:?}");
    if !text.chars().any(is_unsafe) {
        assert!(matches!(clean, Cow::Borrowed(_)));
        assert_eq!(clean, text);
    }
    let expected: String = text
        .chars()
        .map(|c| match c {
            c if !is_unsafe(c) => c.to_string(),
            c if (c as u32) < 0x100 => format!("\\x{:02x}", c as u32),
            c => format!("\\u{{{:04x}}}", c as u32),
        })
        .collect();
    assert_eq!(clean, expected);
    let from_bytes = sanitize_bytes(data);
    assert_eq!(from_bytes, expected);
    assert!(!from_bytes.chars().any(is_unsafe));
});
