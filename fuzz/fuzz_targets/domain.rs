//! `DomainName` and `MxPattern` parsing on arbitrary text.
//!
//! Properties: an accepted name is lower-case LDH A-labels (no empty label, none over 63
//! octets or with a hyphen at an edge), at most 253 octets, at least two labels, and parses
//! again to itself; an accepted pattern displays as `[*.]name` and parses again to itself; a
//! pattern matches its own base (exact) or any one-label child of it (wildcard), in any case.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::rfc::{DomainName, MxPattern};

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    if let Ok(name) = DomainName::parse(&input) {
        check_name(&name);
        let with_dot = format!("{}.", name.as_str().to_ascii_uppercase());
        assert_eq!(DomainName::parse(&with_dot).as_ref(), Ok(&name));
    }
    if let Ok(pattern) = MxPattern::parse(&input) {
        check_name(pattern.base());
        let shown = pattern.to_string();
        let expected =
            if pattern.is_wildcard() { format!("*.{}", pattern.base()) } else { pattern.base().to_string() };
        assert_eq!(shown, expected);
        assert_eq!(MxPattern::parse(&shown).as_ref(), Ok(&pattern));
        let base = pattern.base().as_str();
        if pattern.is_wildcard() {
            assert!(pattern.matches(&format!("MX1.{}.", base.to_ascii_uppercase())));
            assert!(!pattern.matches(base));
            assert!(!pattern.matches(&format!("a.b.{base}")));
        } else {
            assert!(pattern.matches(&base.to_ascii_uppercase()));
            assert!(!pattern.matches(&format!("x.{base}")));
        }
    }
});

fn check_name(name: &DomainName) {
    let s = name.as_str();
    assert!(s.len() <= 253, "{s:?}");
    let labels: Vec<&str> = s.split('.').collect();
    assert!(labels.len() >= 2, "{s:?}");
    for label in labels {
        assert!(!label.is_empty() && label.len() <= 63, "{s:?}");
        assert!(label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{s:?}");
        assert!(!label.starts_with('-') && !label.ends_with('-'), "{s:?}");
    }
    assert_eq!(DomainName::parse(s).as_ref(), Ok(name));
}
