//! Strict and lenient policy parsers and the linter on arbitrary bytes.
//!
//! Properties: a strictly valid policy is also leniently valid, and with the same value unless
//! the strict parse reported a conflicting duplicate key (where strict senders keep the first
//! value and lenient ones the last); it renders to a body that parses strictly, without
//! findings, to the same policy, and rendering that is a fixed point; the linter agrees with
//! both parsers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::finding::{Code, Severity};
use mtasts_core::rfc::{lint_policy, parse_lenient, parse_strict};

fuzz_target!(|body: &[u8]| {
    let strict = parse_strict(body);
    let lenient = parse_lenient(body);
    let lint = lint_policy(body);
    assert_eq!(lint.strict_valid, strict.policy.is_some());
    assert_eq!(lint.lenient_valid, lenient.policy.is_some());
    let Some(policy) = &strict.policy else {
        return;
    };
    assert_eq!(lint.policy.as_ref(), Some(policy));
    let lenient_policy = lenient.policy.as_ref();
    assert!(lenient_policy.is_some(), "strict accepts, lenient rejects: {:?}", lenient.findings);
    let conflict =
        strict.findings.iter().any(|f| f.code == Code::PolicyDuplicateKey && f.severity == Severity::Error);
    if conflict {
        assert_eq!(lenient_policy.map(|p| &p.mx), Some(&policy.mx));
    } else {
        assert_eq!(lenient_policy, Some(policy));
    }
    let rendered = policy.render();
    let again = parse_strict(rendered.as_bytes());
    assert!(again.findings.is_empty(), "{rendered:?}: {:?}", again.findings);
    assert_eq!(again.policy.as_ref(), Some(policy), "{rendered:?}");
    assert_eq!(parse_lenient(rendered.as_bytes()).policy.as_ref(), Some(policy));
});
