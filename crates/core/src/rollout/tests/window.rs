use super::*;
use crate::finding::Code;
use crate::rfc::Mode;

fn start() -> Timestamp {
    plus_secs(at(T0), DAY)
}

#[test]
fn day_counting_is_in_whole_utc_days_from_the_start() {
    let s = testing();
    let p = |secs| testing_progress(&s, plus_secs(start(), secs)).unwrap();
    let first = p(0);
    assert_eq!((first.day, first.total, first.days_remaining, first.complete), (1, 30, 29, false));
    assert_eq!(first.window_ends, jiff::civil::date(2026, 12, 2));
    assert_eq!(first.ends_at, at("2026-12-02T10:00:00Z"));
    let end_of_day_one = p(DAY - 1);
    assert_eq!((end_of_day_one.day, end_of_day_one.days_remaining), (1, 29));
    let day29 = p(28 * DAY);
    assert_eq!((day29.day, day29.days_remaining, day29.complete), (29, 1, false));
    let day30 = p(29 * DAY);
    assert_eq!((day30.day, day30.days_remaining, day30.complete), (30, 0, false));
    let last_second = p(30 * DAY - 1);
    assert_eq!((last_second.day, last_second.days_remaining, last_second.complete), (30, 0, false));
    let done = p(30 * DAY);
    assert_eq!((done.day, done.days_remaining, done.complete), (30, 0, true));
    for secs in (0..30 * DAY).step_by(3600) {
        let q = p(secs);
        assert_eq!(q.day + q.days_remaining, q.total, "day N of W and D days left add up to W");
    }
    assert_eq!(day29.words(plus_secs(start(), 28 * DAY)), "day 29 of 30, 1 day left");
    assert_eq!(day30.words(plus_secs(start(), 29 * DAY)), "day 30 of 30, the last day");
    assert_eq!(first.words(start()), "day 1 of 30, 29 days left");
    let later = p(45 * DAY);
    assert_eq!((later.day, later.days_remaining, later.complete), (30, 0, true));
    assert_eq!(testing_progress(&fresh(), start()), None);
}

#[test]
fn window_length_is_per_domain() {
    let s = set_window_days(testing(), 7);
    let p = testing_progress(&s, plus_secs(start(), 6 * DAY)).unwrap();
    assert_eq!((p.day, p.total, p.days_remaining), (7, 7, 0));
    assert!(testing_progress(&s, plus_secs(start(), 7 * DAY)).unwrap().complete);
    assert_eq!(set_window_days(s, 0).plan.window_days, 1);
}

#[test]
fn enforce_gate_waits_for_the_window() {
    let s = testing();
    let day30 = plus_secs(start(), 29 * DAY);
    let obs = good_obs(&s, day30);
    let g = evaluate(&s, Some(&obs), Some(&reports_ok()), day30);
    assert_eq!(kinds(&g), vec![BlockerKind::WindowIncomplete]);
    assert_eq!(
        g.blockers[0].message,
        "testing day 30 of 30, the last day: the window ends at 2026-12-02 10:00 UTC"
    );
    assert!(g.next_action.starts_with("Keep testing until 2026-12-02 10:00 UTC (day 30 of 30"));
    let done = plus_secs(start(), 30 * DAY);
    let g = evaluate(&s, Some(&good_obs(&s, done)), Some(&reports_ok()), done);
    assert!(g.passed, "{:?}", g.blockers);
    assert!(g.next_action.starts_with("Advance (mtasts advance example.com) to enforce"));
}

#[test]
fn advancing_to_enforce_plans_enforce_with_a_fresh_id() {
    let s = testing();
    let old = s.plan.id.clone();
    let done = plus_secs(start(), 30 * DAY);
    let (e, t) = advance(s, Some(&good_obs(&testing(), done)), Some(&reports_ok()), None, done).unwrap();
    assert_eq!(t, Transition { phase: Phase::Enforce, at: done });
    assert_eq!((e.plan.mode, e.plan.max_age), (Mode::Enforce, 604_800));
    assert_ne!(e.plan.id, old);
    assert_eq!(e.plan.id.as_str(), "20261202T100000");
    assert_eq!(e.plan.id_generated_at, done);
    assert!(e.published.iter().all(|p| p.id != e.plan.id));
    assert!(e.published.iter().any(|p| p.id == old));
}

#[test]
fn early_enforce_needs_an_acknowledgement_that_is_recorded() {
    let s = testing();
    let day10 = plus_secs(start(), 9 * DAY);
    let obs = good_obs(&s, day10);
    let err = advance(s.clone(), Some(&obs), None, None, day10).unwrap_err();
    let got: Vec<BlockerKind> = err.blockers.iter().map(|b| b.kind).collect();
    assert_eq!(got, vec![BlockerKind::WindowIncomplete, BlockerKind::NoTlsRptReports]);
    assert!(err.blockers[1].message.starts_with("no TLS-RPT reports seen yet"));
    assert!(err.overridable());
    let (e, _) = advance(s, Some(&obs), None, Some("all senders are internal".into()), day10).unwrap();
    assert_eq!(e.phase, Phase::Enforce);
    let ack = e.acks.last().unwrap();
    assert_eq!(ack.at, day10);
    assert_eq!(ack.phase, Phase::Testing);
    assert_eq!(ack.overridden, vec![BlockerKind::WindowIncomplete, BlockerKind::NoTlsRptReports]);
}

#[test]
fn enforce_gate_checks_certificates_reports_and_errors() {
    let s = testing();
    let done = plus_secs(start(), 30 * DAY);
    let mut obs = good_obs(&s, done);
    obs.mx_results[0].not_after = Some(plus_secs(done, 13 * DAY));
    obs.mx_results[1].cert_trusted = false;
    let failures = ReportTally {
        reports: 2,
        failed_sessions: 3,
        successful_sessions: 97,
        failures_by_type: vec![("certificate-expired".into(), 3)],
        ..ReportTally::default()
    };
    let g = evaluate(&s, Some(&obs), Some(&failures), done);
    assert_eq!(
        kinds(&g),
        vec![BlockerKind::MxCertExpiring, BlockerKind::MxCertUntrusted, BlockerKind::TlsRptFailures]
    );
    assert!(g.blockers[0].overridable && !g.blockers[1].overridable && g.blockers[2].overridable);
    assert_eq!(
        g.blockers[2].message,
        "TLS-RPT reports show 3 failed of 100 sessions in the window (certificate-expired ×3); \
         failures count from every report, authenticated or not"
    );
    assert!(advance(s.clone(), Some(&obs), Some(&failures), Some("x".into()), done).is_err());
    obs.mx_results[1].cert_trusted = true;
    obs.mx_results[0].not_after = Some(plus_secs(done, 14 * DAY));
    obs.verdict = Verdict::Fail;
    obs.error_codes = vec![Code::MxNotCovered];
    let g = evaluate(&s, Some(&obs), Some(&reports_ok()), done);
    assert_eq!(kinds(&g), vec![BlockerKind::CheckFailing]);
}

#[test]
fn only_authenticated_reports_show_a_clean_window_and_failures_count_from_any() {
    let s = testing();
    let done = plus_secs(start(), 30 * DAY);
    let obs = good_obs(&s, done);
    // Two reports anyone could have mailed, all clean: they prove nothing.
    let unauthenticated =
        ReportTally { authenticated_reports: 0, authenticated_successful_sessions: 0, ..reports_ok() };
    let g = evaluate(&s, Some(&obs), Some(&unauthenticated), done);
    assert_eq!(kinds(&g), vec![BlockerKind::TlsRptUnauthenticated]);
    let m = &g.blockers[0].message;
    assert!(
        m.starts_with("4 TLS-RPT reports in the window (120 successful sessions), none authenticated"),
        "{m}"
    );
    assert!(m.contains("DKIM-signed by the reporting domain") && m.contains("https rua"), "{m}");
    assert!(g.blockers[0].overridable);
    // One authenticated report among them is enough.
    let one = ReportTally { authenticated_reports: 1, authenticated_successful_sessions: 30, ..reports_ok() };
    assert!(evaluate(&s, Some(&obs), Some(&one), done).passed);
    // An unauthenticated report's failures still block.
    let failing = ReportTally {
        failed_sessions: 2,
        failures_by_type: vec![("starttls-not-supported".into(), 2)],
        ..unauthenticated
    };
    assert_eq!(kinds(&evaluate(&s, Some(&obs), Some(&failing), done)), vec![BlockerKind::TlsRptFailures]);
}
