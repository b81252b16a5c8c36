//! Parsing report JSON (the RFC example and real-world shapes) and per-domain summaries.

use crate::common::reports::{load, map, ts};
use jiff::civil::date;
use mtasts_core::rfc::policy::Mode;
use mtasts_reports::{DaySummary, PolicyType, Report, ResultType, parse_report, summarize};

#[test]
fn parses_the_rfc_8460_example() {
    let r = load("rfc8460-example.json");
    assert_eq!(r.organization.as_deref(), Some("Company-X"));
    assert_eq!(r.contact.as_deref(), Some("sts-reporting@company-x.example"));
    assert_eq!(r.report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    assert_eq!((r.start, r.end), (ts("2016-04-01T00:00:00Z"), ts("2016-04-01T23:59:59Z")));
    let p = &r.policies[0];
    assert_eq!(p.policy_type, PolicyType::Sts);
    assert_eq!(p.policy_domain.as_deref(), Some("company-y.example"));
    assert_eq!(p.mx_host, vec!["*.mail.company-y.example"]);
    assert_eq!((p.successful, p.failed), (5326, 303));
    assert_eq!(p.seen_mode(), Some(Mode::Testing));
    assert_eq!(p.seen_mx(), vec!["*.mail.company-y.example"]);
    let types: Vec<&ResultType> = p.failures.iter().map(|f| &f.result_type).collect();
    assert_eq!(
        types,
        vec![
            &ResultType::CertificateExpired,
            &ResultType::StarttlsNotSupported,
            &ResultType::ValidationFailure
        ]
    );
    assert_eq!(p.failures[1].receiving_ip.as_deref(), Some("203.0.113.56"));
    assert_eq!(p.failures[2].failure_reason_code.as_deref(), Some("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"));
    assert!(p.failures[1].additional_information.as_deref().unwrap().ends_with("#StarttlsNotSupported"));
}

#[test]
fn tolerates_what_large_providers_send() {
    let a = load("giant-a.json.gz");
    assert_eq!(a.contact, None); // null
    let sts = &a.policies[0];
    assert_eq!(sts.policy_domain.as_deref(), Some("example.org")); // "Example.ORG." normalized
    assert_eq!(sts.mx_host, vec!["mx1.example.org", "mx2.example.org"]); // mx-host-pattern
    assert_eq!(sts.failures[0].sending_mta_ip, None);
    assert_eq!(sts.failures[1].result_type, ResultType::Other("tls-handshake-timeout".into()));
    assert_eq!(sts.failures[1].result_type.to_string(), "other: tls-handshake-timeout");
    assert_eq!(sts.failures[1].additional_information.as_deref(), Some("timed out after 30s"));
    let none = &a.policies[1];
    assert_eq!(none.policy_type, PolicyType::NoPolicyFound);
    assert_eq!((none.policy_domain.as_deref(), none.seen_mode()), (None, None));
    assert!(none.policy_strings.is_empty() && none.mx_host.is_empty());
    assert_eq!(a.domain_for(none), Some("example.org"));
    assert_eq!(a.domains(), vec!["example.org"]);

    let b = load("giant-b.json");
    assert_eq!(b.contact, None); // missing
    assert!(b.policies[0].mx_host.is_empty());
    assert_eq!(b.policies[0].seen_mode(), Some(Mode::Enforce));
    assert_eq!(b.start, ts("2026-11-21T00:00:00Z")); // +00:00 offset
    assert_eq!(b.policies[0].failures[0].receiving_mx_hostname, None);
}

#[test]
fn model_round_trips_through_serde() {
    let a = load("giant-a.json");
    let json = serde_json::to_string(&a).unwrap();
    assert!(json.contains("\"result_type\":\"tls-handshake-timeout\""));
    assert!(json.contains("\"policy_type\":\"no-policy-found\""));
    let back: Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
}

#[test]
fn summarizes_per_domain_exactly() {
    let reports =
        vec![load("rfc8460-example.json"), load("giant-a.json"), load("giant-b.json"), load("giant-a.json")];
    let all = summarize(&reports, None, None);
    let domains: Vec<&str> = all.iter().map(|s| s.domain.as_str()).collect();
    assert_eq!(domains, vec!["company-y.example", "example.org"]);

    let s = &all[1];
    assert_eq!(s.reports, 2); // the duplicate counts once
    assert_eq!(s.organizations, vec!["Mail Giant A", "Mail Giant B"]);
    assert_eq!((s.counts.total(), s.counts.failed), (1550, 120));
    assert_eq!(s.failure_rate, 120.0 / 1550.0);
    assert_eq!(
        s.counts.by_type,
        map(&[
            ("certificate-expired", 60),
            ("other: tls-handshake-timeout", 40),
            ("sts-policy-fetch-error", 20)
        ])
    );
    assert_eq!(s.counts.by_mx, map(&[("mx1.example.org", 60), ("mx2.example.org", 40), ("unknown", 20)]));
    assert_eq!(s.counts.policy_types, map(&[("no-policy-found", 50), ("sts", 1500)]));
    assert_eq!(s.counts.modes, map(&[("enforce", 500), ("testing", 1000)]));
    assert_eq!(
        s.days,
        vec![
            DaySummary { date: date(2026, 11, 20), successful: 950, failed: 100 },
            DaySummary { date: date(2026, 11, 21), successful: 480, failed: 20 },
        ]
    );
    assert_eq!((s.window_start, s.window_end), (ts("2026-11-20T00:00:00Z"), ts("2026-11-22T00:00:00Z")));

    let y = &all[0];
    assert_eq!((y.reports, y.counts.total(), y.counts.failed), (1, 5629, 303));
    assert_eq!(y.failure_rate, 303.0 / 5629.0);
    assert_eq!(
        y.counts.by_type,
        map(&[("certificate-expired", 100), ("starttls-not-supported", 200), ("validation-failure", 3)])
    );
    assert_eq!(
        y.counts.by_mx,
        map(&[
            ("mx-backup.mail.company-y.example", 3),
            ("mx1.mail.company-y.example", 100),
            ("mx2.mail.company-y.example", 200),
        ])
    );
    assert_eq!(y.days, vec![DaySummary { date: date(2016, 4, 1), successful: 5326, failed: 303 }]);
}

#[test]
fn filters_by_domain_and_since() {
    let reports = vec![load("rfc8460-example.json"), load("giant-a.json"), load("giant-b.json")];
    let only = summarize(&reports, Some("EXAMPLE.org."), Some(date(2026, 11, 21)));
    assert_eq!(only.len(), 1);
    assert_eq!((only[0].domain.as_str(), only[0].reports, only[0].counts.total()), ("example.org", 1, 500));
    assert_eq!(only[0].organizations, vec!["Mail Giant B"]);
    assert!(summarize(&reports, Some("nowhere.example"), None).is_empty());
    assert!(summarize(&[], None, None).is_empty());
}

#[test]
fn zero_sessions_give_a_zero_failure_rate() {
    let json = br#"{"organization-name": "Quiet", "report-id": "q1",
        "date-range": {"start-datetime": "2026-01-01T00:00:00Z", "end-datetime": "2026-01-02T00:00:00Z"},
        "policies": [{"policy": {"policy-type": "sts", "policy-domain": "example.net"},
                      "summary": {"total-successful-session-count": 0, "total-failure-session-count": 0}}]}"#;
    let s = summarize(&[parse_report(json).unwrap()], None, None);
    assert_eq!((s[0].counts.total(), s[0].failure_rate), (0, 0.0));
}

#[test]
fn summary_json_uses_the_documented_field_names() {
    let s = summarize(&[load("giant-b.json")], None, None);
    let v = serde_json::to_value(&s[0]).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    let expected = [
        "authentication",
        "days",
        "domain",
        "failed_sessions",
        "failure_rate",
        "failures",
        "failures_by_mx",
        "failures_by_type",
        "modes_seen",
        "organizations",
        "policy_types_seen",
        "reports",
        "total_sessions",
        "window_end",
        "window_start",
    ];
    assert_eq!(keys, expected);
    assert_eq!(v["days"][0], serde_json::json!({"date": "2026-11-21", "successful": 480, "failed": 20}));
    assert_eq!(v["window_start"], "2026-11-21T00:00:00Z");
}
