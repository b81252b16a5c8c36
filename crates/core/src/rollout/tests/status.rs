use super::*;

#[test]
fn status_json_of_a_testing_domain() {
    let s = testing();
    let now = plus_secs(at(T0), 10 * DAY);
    let obs = good_obs(&s, now);
    let s = record_check(s, &obs);
    let v = status_line(&s, Some(&obs), Some(&reports_ok()), now);
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "domain": "example.com",
            "phase": "testing",
            "mode": "testing",
            "testing_day": 10,
            "testing_days_total": 30,
            "days_remaining": 20,
            "window_ends": "2026-12-02",
            "next_action": v.next_action,
            "blockers": ["testing day 10 of 30, 20 days left: the window ends at 2026-12-02 10:00 UTC"],
            "last_check": {"verdict": "pass", "at": "2026-11-11T10:00:00Z"},
            "senders_may_hold": [{
                "id": "20261101T100000", "mode": "testing", "mx": ["mx1.example.com", "mx2.example.com"],
                "max_age": 86400, "live": true, "until": "2026-11-12T10:00:00Z", "not_covered": [],
            }],
            "history_since": "2026-11-01T10:00:00Z",
            "change": null,
        })
    );
}

#[test]
fn the_testing_window_in_words_says_when_it_is_over() {
    let s = testing();
    let words = |days: i64| status_line(&s, None, None, plus_secs(at(T0), days * DAY)).testing_words.unwrap();
    assert_eq!(words(10), "testing day 10 of 30, 20 days left (ends 2026-12-02)");
    let ends = plus_secs(at(T0), 31 * DAY);
    let last = status_line(&s, None, None, plus_secs(ends, -1)).testing_words.unwrap();
    assert_eq!(last, "testing day 30 of 30, the last day (ends 2026-12-02)");
    assert_eq!(words(39), "testing window ended 8 days ago (2026-12-02)", "not day 30 of 30, 0 days left");
    assert_eq!(status_line(&fresh(), None, None, at(T0)).testing_words, None);
}

#[test]
fn fields_that_do_not_apply_are_null() {
    let v = status_line(&fresh(), None, None, at(T0));
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["phase"], "preflight");
    for key in ["testing_day", "testing_days_total", "days_remaining", "window_ends", "last_check"] {
        assert!(json[key].is_null(), "{key}");
    }
    assert_eq!(json["blockers"], serde_json::json!(["no live check of example.com has been run yet"]));
    assert_eq!(json["next_action"], "Run a check: mtasts check example.com");
}

#[test]
fn phases_and_hosting_paths_have_stable_names() {
    for p in Phase::ORDER.into_iter().chain([Phase::Rollback]) {
        assert_eq!(Phase::parse(p.as_str()), Some(p));
        assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
    }
    for h in HostingPath::ALL {
        assert_eq!(HostingPath::parse(h.as_str()), Some(h));
        assert_eq!(serde_json::to_value(h).unwrap(), h.as_str());
    }
    assert_eq!(HostingPath::WorkerMulti.as_str(), "worker-multi");
    for k in BlockerKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        assert_eq!(BlockerKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(BlockerKind::NoTlsRptReports.as_str(), "no-tlsrpt-reports");
}
