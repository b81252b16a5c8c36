use jiff::Timestamp;

use super::*;

fn at(day: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + day * DAY_SECS).unwrap()
}

fn seen(code: &str) -> Seen {
    Seen {
        code: code.into(),
        severity: Severity::Error,
        subject: "mx1.example.org".into(),
        message: "broken".into(),
    }
}

const RULES: Rules = Rules { remind_days: 7, expiry_warning_days: 14 };

#[test]
fn nothing_changed_means_no_change() {
    let cur = Current {
        findings: vec![seen("mx-starttls-missing")],
        phase: Some(Phase::Testing),
        ..Current::default()
    };
    let (first, memory) = diff(None, &cur, at(0), RULES);
    assert_eq!(first.len(), 1, "{first:?}");
    let (second, _) = diff(Some(&memory), &cur, at(1), RULES);
    assert_eq!(second, vec![]);
}

#[test]
fn appeared_cleared_and_reminded() {
    let cur = Current { findings: vec![seen("mx-starttls-missing")], ..Current::default() };
    let (_, m0) = diff(None, &cur, at(0), RULES);
    let (none, m6) = diff(Some(&m0), &cur, at(6), RULES);
    assert!(none.is_empty());
    let (remind, m7) = diff(Some(&m6), &cur, at(7), RULES);
    assert!(matches!(&remind[..], [Change::StillFailing { days: 7, .. }]), "{remind:?}");
    assert_eq!(m7.findings.values().next().unwrap().since, at(0));
    let (again, m8) = diff(Some(&m7), &cur, at(8), RULES);
    assert!(again.is_empty());
    let (cleared, _) = diff(Some(&m8), &Current::default(), at(9), RULES);
    assert_eq!(
        cleared,
        vec![Change::FindingCleared {
            code: "mx-starttls-missing".into(),
            subject: "mx1.example.org".into()
        }]
    );
}

#[test]
fn phase_window_and_certificates() {
    let testing = Current { phase: Some(Phase::Testing), window_ends: Some(at(30)), ..Current::default() };
    let (_, m0) = diff(None, &testing, at(0), RULES);
    let (ended, m31) = diff(Some(&m0), &testing, at(31), RULES);
    assert_eq!(ended, vec![Change::WindowEnded { ended_at: at(30) }]);
    let (not_again, _) = diff(Some(&m31), &testing, at(32), RULES);
    assert!(not_again.is_empty());
    let enforce = Current {
        phase: Some(Phase::Enforce),
        certs: vec![("mx1.example.org".into(), at(40)), ("mta-sts.example.org".into(), at(100))],
        ..Current::default()
    };
    let (changes, m) = diff(Some(&m31), &enforce, at(31), RULES);
    assert_eq!(
        changes,
        vec![
            Change::PhaseMoved { from: Phase::Testing, to: Phase::Enforce },
            Change::CertExpiring { host: "mx1.example.org".into(), not_after: at(40), days: 9 },
        ]
    );
    assert!(diff(Some(&m), &enforce, at(32), RULES).0.is_empty(), "announced once per certificate");
}

#[test]
fn metric_labels_are_escaped_and_absent_values_give_no_sample() {
    use super::metrics::{CertRole, DomainMetrics, render};
    let d = DomainMetrics {
        domain: "example.org".into(),
        checked_at: at(0),
        verdict: mtasts_core::finding::Verdict::Warn,
        phase: None,
        testing_days_remaining: None,
        certs: vec![(CertRole::Mx, "mx\"1\\\n.example.org".into(), at(10))],
        sessions: Some((90, 10)),
    };
    let text = render(&[d]);
    assert!(text.contains(r#"host="mx\"1\\\n.example.org"} "#), "{text}");
    assert!(text.contains("mtasts_verdict{domain=\"example.org\",verdict=\"warn\"} 1\n"), "{text}");
    assert!(text.contains("mtasts_tlsrpt_window_sessions{domain=\"example.org\",result=\"failed\"} 10\n"));
    assert!(!text.contains("mtasts_phase{"), "no phase for an untracked domain");
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 1 + 3 + 1 + 2);
}
