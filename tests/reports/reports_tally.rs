//! The enforce-gate tally over a time window, and the fix text for every failure type.

use crate::common::reports::{load, ts};
use mtasts_reports::{failure_fix, window_tally};

#[test]
fn tallies_reports_overlapping_a_window() {
    let reports = vec![load("rfc8460-example.json"), load("giant-a.json"), load("giant-b.json")];
    let t = window_tally(&reports, "example.org", ts("2026-11-20T12:00:00Z"), ts("2026-11-21T00:00:00Z"))
        .unwrap();
    assert_eq!((t.reports, t.successful_sessions, t.failed_sessions), (1, 950, 100));
    assert_eq!(
        t.failures_by_type,
        vec![("certificate-expired".to_owned(), 60), ("other: tls-handshake-timeout".to_owned(), 40)]
    );
    let both = window_tally(&reports, "example.org", ts("2026-11-01T00:00:00Z"), ts("2026-12-01T00:00:00Z"));
    let both = both.unwrap();
    assert_eq!((both.reports, both.successful_sessions, both.failed_sessions), (2, 1430, 120));
    assert_eq!(both.failures_by_type[2], ("sts-policy-fetch-error".to_owned(), 20));
    assert_eq!(
        window_tally(&reports, "example.org", ts("2026-12-01T00:00:00Z"), ts("2026-12-02T00:00:00Z")),
        None
    );
    assert_eq!(
        window_tally(&reports, "other.example", ts("2016-01-01T00:00:00Z"), ts("2030-01-01T00:00:00Z")),
        None
    );
}

#[test]
fn every_failure_type_has_a_specific_fix() {
    let types = [
        "starttls-not-supported",
        "certificate-host-mismatch",
        "certificate-expired",
        "certificate-not-trusted",
        "validation-failure",
        "tlsa-invalid",
        "dnssec-invalid",
        "dane-required",
        "sts-policy-fetch-error",
        "sts-policy-invalid",
        "sts-webpki-invalid",
    ];
    let fallback = failure_fix("made-up", Some("example.org"), Some("mx1.example.org"));
    assert!(fallback.starts_with("unrecognized failure type \"made-up\""), "{fallback}");
    let mut seen = std::collections::HashSet::new();
    for t in types {
        let fix = failure_fix(t, Some("example.org"), Some("mx1.example.org"));
        assert_ne!(fix, fallback);
        assert!(seen.insert(fix), "{t} shares its fix");
    }
    assert!(
        failure_fix("certificate-expired", None, Some("mx1.example.org"))
            .starts_with("renew the certificate on mx1.example.org")
    );
    assert!(
        failure_fix("sts-policy-fetch-error", Some("example.org"), None)
            .starts_with("the policy host mta-sts.example.org did not serve the policy: check")
    );
    assert!(
        failure_fix("starttls-not-supported", None, None).starts_with("a downgrade attack or a broken MX: ")
    );
    assert_eq!(failure_fix("other: made-up", Some("example.org"), Some("mx1.example.org")), fallback);
}

#[test]
fn hostile_counts_saturate_instead_of_overflowing() {
    let json = |id: &str| {
        format!(
            r#"{{"report-id": "{id}", "date-range": {{"start-datetime": "2026-01-01T00:00:00Z",
            "end-datetime": "2026-01-02T00:00:00Z"}}, "policies": [{{"policy": {{"policy-type": "sts",
            "policy-domain": "example.net"}}, "summary": {{"total-successful-session-count": {max},
            "total-failure-session-count": {max}}}, "failure-details": [{{"result-type": "certificate-expired",
            "failed-session-count": {max}}}]}}]}}"#,
            max = u64::MAX
        )
    };
    let reports: Vec<_> =
        ["a", "b"].iter().map(|id| mtasts_reports::parse_report(json(id).as_bytes()).unwrap()).collect();
    let s = mtasts_reports::summarize(&reports, None, None);
    assert_eq!((s[0].counts.total(), s[0].counts.failed), (u64::MAX, u64::MAX));
    assert_eq!(s[0].counts.by_type["certificate-expired"], u64::MAX);
    let t = window_tally(&reports, "example.net", ts("2026-01-01T00:00:00Z"), ts("2026-01-03T00:00:00Z"));
    assert_eq!(t.unwrap().successful_sessions, u64::MAX);
}
