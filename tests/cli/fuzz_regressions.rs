//! The fuzz targets' properties (see `fuzz/fuzz_targets/`), replayed in the normal test suite
//! over the committed seed corpora (`fuzz/seeds/TARGET/`) and over every input a fuzzer ever
//! found failing (`tests/fixtures/fuzz/TARGET/`, kept as regression tests).

use std::path::Path;

use mtasts_core::finding::{Code, Severity};
use mtasts_core::rfc::{
    DomainName, MxPattern, Selection, StsRecord, TlsRptRecord, lint_policy, parse_lenient, parse_strict,
    parse_sts_record, parse_tlsrpt_record, select,
};
use mtasts_core::sanitize::sanitize;
use mtasts_probe::smtp_reply::{MAX_LINES, MAX_REPLY_BYTES, ReplyAccumulator, parse_reply_line};
use mtasts_reports::{Report, parse_report, report_json, summarize};

/// Every seed and regression input of a target; fails if there are none (a typo in the name).
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [root.join("fuzz/seeds").join(target), root.join("tests/fixtures/fuzz").join(target)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    assert!(!out.is_empty(), "no inputs for {target}");
    out
}

#[test]
fn policy_strict_implies_lenient_and_round_trips() {
    let mut valid = 0;
    for (name, body) in inputs("policy") {
        let strict = parse_strict(&body);
        let lenient = parse_lenient(&body);
        let lint = lint_policy(&body);
        assert_eq!(lint.strict_valid, strict.policy.is_some(), "{name}");
        assert_eq!(lint.lenient_valid, lenient.policy.is_some(), "{name}");
        let Some(policy) = &strict.policy else { continue };
        valid += 1;
        let conflict = strict
            .findings
            .iter()
            .any(|f| f.code == Code::PolicyDuplicateKey && f.severity == Severity::Error);
        if conflict {
            assert_eq!(lenient.policy.as_ref().map(|p| &p.mx), Some(&policy.mx), "{name}");
        } else {
            assert_eq!(lenient.policy.as_ref(), Some(policy), "{name}");
        }
        let rendered = policy.render();
        let again = parse_strict(rendered.as_bytes());
        assert!(again.findings.is_empty(), "{name}: {:?}", again.findings);
        assert_eq!(again.policy.as_ref(), Some(policy), "{name}");
    }
    assert!(valid >= 3, "the seeds include valid policies");
}

#[test]
fn records_round_trip_and_select_like_parse() {
    for (name, data) in inputs("sts_record") {
        let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default());
        if let Ok(record) = parse_sts_record(&text) {
            assert_eq!(parse_sts_record(&record.render()), Ok(record.clone()), "{name}");
            let selected = select::<StsRecord>(&[vec![record.render()]]);
            assert!(matches!(selected, Selection::One { record: r, .. } if r == record), "{name}");
        }
    }
    for (name, data) in inputs("tlsrpt_record") {
        let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default());
        if let Ok(record) = parse_tlsrpt_record(&text) {
            assert_eq!(parse_tlsrpt_record(&record.render()), Ok(record.clone()), "{name}");
            let selected = select::<TlsRptRecord>(&[vec![record.render()]]);
            assert!(matches!(selected, Selection::One { record: r, .. } if r == record), "{name}");
        }
    }
}

#[test]
fn reports_stay_bounded_and_round_trip() {
    let mut parsed = 0;
    for (name, data) in inputs("report") {
        let json = report_json(&data).unwrap();
        let Ok(report) = parse_report(&json) else { continue };
        parsed += 1;
        assert!(report.start <= report.end, "{name}");
        let again: Report = serde_json::from_slice(&serde_json::to_vec(&report).unwrap()).unwrap();
        assert_eq!(again, report, "{name}");
        for d in report.domains() {
            assert_eq!(summarize(std::slice::from_ref(&report), Some(&d), None).len(), 1, "{name}: {d:?}");
        }
    }
    assert!(parsed >= 2, "the seeds include valid reports");
}

#[test]
fn smtp_replies_respect_their_caps() {
    for (name, data) in inputs("smtp_reply") {
        let mut acc = ReplyAccumulator::new();
        let mut fed = 0;
        for raw in data.split(|b| *b == b'\n') {
            if let Ok(line) = parse_reply_line(raw) {
                assert!((200..600).contains(&line.code), "{name}");
            }
            fed += raw.len() + 1;
            match acc.push(raw) {
                Ok(Some(reply)) => {
                    assert!(reply.lines.len() <= MAX_LINES && fed <= MAX_REPLY_BYTES, "{name}");
                    fed = 0;
                }
                Ok(None) => {}
                Err(_) => {
                    acc = ReplyAccumulator::new();
                    fed = 0;
                }
            }
        }
    }
}

#[test]
fn domain_names_are_canonical_ldh() {
    for (name, data) in inputs("domain") {
        let input = String::from_utf8_lossy(&data);
        if let Ok(d) = DomainName::parse(&input) {
            let s = d.as_str();
            assert!(s.len() <= 253 && s.split('.').count() >= 2, "{name}");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            );
            assert_eq!(DomainName::parse(s), Ok(d.clone()), "{name}");
        }
        if let Ok(p) = MxPattern::parse(&input) {
            assert_eq!(MxPattern::parse(&p.to_string()), Ok(p.clone()), "{name}");
        }
    }
}

#[test]
fn sanitized_text_has_no_control_or_bidi_characters() {
    let bidi = |c: char| matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    for (name, data) in inputs("sanitize") {
        let clean = sanitize(&String::from_utf8_lossy(&data)).into_owned();
        assert!(!clean.chars().any(|c| c.is_control() || bidi(c)), "{name}: {clean:?}");
    }
}

/// Found while writing the `report` target's property (every domain a report names can be
/// summarised by that name): `policy-domain` "Example.COM. ." was stored as "example.com. "
/// (trailing space), which `--domain example.com` never matched.
#[test]
fn report_domains_are_normalised_to_a_fixed_point() {
    let json = br#"{"organization-name":"x","report-id":"r1",
        "date-range":{"start-datetime":"2026-11-01T00:00:00Z","end-datetime":"2026-11-02T00:00:00Z"},
        "policies":[{"policy":{"policy-type":"sts","policy-domain":"Example.COM. ."},
        "summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]}"#;
    let report = parse_report(json).unwrap();
    assert_eq!(report.domains(), vec!["example.com".to_owned()]);
    assert_eq!(summarize(&[report], Some("example.com"), None).len(), 1);
}

/// Found while writing the `sanitize` target's property (no Unicode `Bidi_Control` character
/// survives): U+061C ARABIC LETTER MARK passed through raw.
#[test]
fn arabic_letter_mark_is_escaped() {
    assert_eq!(sanitize("a\u{061C}b"), "a\\u{061c}b");
}
