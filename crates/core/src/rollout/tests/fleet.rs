//! Urgency, the summary's facts and the fleet's monitoring unit.

use super::*;
use crate::finding::Code;
use crate::rfc::{Mode, Policy};

#[test]
fn urgency_puts_refused_mail_then_failing_then_due_then_warnings_first() {
    let s = testing();
    let now = plus_secs(at(T0), 3 * DAY);
    let good = good_obs(&s, now);
    assert_eq!(urgency(&s, Some(&good), now), Urgency::Calm);
    assert_eq!(urgency(&s, None, now), Urgency::Due, "never checked");
    assert_eq!(urgency(&s, Some(&good), plus_secs(now, 5 * 3600)), Urgency::Due, "the check is old");
    let warn = Observation { verdict: Verdict::Warn, ..good.clone() };
    assert_eq!(urgency(&s, Some(&warn), now), Urgency::Warning);
    let fail = Observation { verdict: Verdict::Fail, error_codes: vec![Code::MxUnreachable], ..good.clone() };
    assert_eq!(urgency(&s, Some(&fail), now), Urgency::Failing);
    let over = plus_secs(at(T0), 40 * DAY);
    assert_eq!(urgency(&s, Some(&good_obs(&s, over)), over), Urgency::Due, "the window is over");
    let mut refused = fail.clone();
    refused.live_policy = Some(Policy { mode: Mode::Enforce, ..s.plan.policy() });
    refused.mx_results[0].starttls_ok = false;
    assert_eq!(urgency(&s, Some(&refused), now), Urgency::MailRefused);
    let mut order = [Urgency::Calm, Urgency::Due, Urgency::MailRefused, Urgency::Warning, Urgency::Failing];
    order.sort();
    assert_eq!(order.map(Urgency::word), ["refused", "fail", "due", "warn", "calm"]);
}

#[test]
fn a_window_ending_this_week_and_an_expiring_certificate_are_counted_from_saved_facts() {
    let s = testing();
    let ends = at("2026-12-02T10:00:00Z");
    assert!(!window_ends_within(&s, plus_secs(ends, -8 * DAY), 7));
    assert!(window_ends_within(&s, plus_secs(ends, -7 * DAY), 7));
    assert!(window_ends_within(&s, plus_secs(ends, -1), 7));
    assert!(!window_ends_within(&s, ends, 7), "an ended window no longer ends");
    assert!(!window_ends_within(&fresh(), at(T0), 7), "not in testing");
    let now = at(T0);
    let mut obs = good_obs(&s, now);
    assert_eq!(cert_end(&obs, now), None);
    obs.mx_results[1].not_after = Some(plus_secs(now, 14 * DAY + 1));
    assert_eq!(cert_end(&obs, now), None);
    obs.mx_results[1].not_after = Some(plus_secs(now, 14 * DAY));
    assert_eq!(cert_end(&obs, now), Some(CertEnd::Expiring));
    obs.mx_results[1].not_after = Some(now);
    assert_eq!(cert_end(&obs, now), Some(CertEnd::Expired), "ended at this second");
    obs.mx_results[1].not_after = Some(plus_secs(now, -DAY));
    assert_eq!(cert_end(&obs, now), Some(CertEnd::Expired), "expired is not expiring");
    for r in &mut obs.mx_results {
        r.not_after = None;
    }
    assert_eq!(cert_end(&obs, now), None, "no certificate seen");
}

#[test]
fn the_fleet_unit_checks_every_domain_of_its_list() {
    let units = fleet_monitoring_units(&[dn("client2.example"), dn("client10.example")]);
    let names: Vec<&str> = units.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "fleet.domains",
            "mtasts-check-fleet.cron",
            "mtasts-check-fleet.service",
            "mtasts-check-fleet.timer"
        ]
    );
    let list: Vec<&str> = units[0].1.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(list, ["client2.example", "client10.example"]);
    assert!(units[1].1.contains("mtasts check --domain-file /etc/mtasts/fleet.domains 2>&1"));
    assert!(
        units[2]
            .1
            .contains("ExecStart=/usr/local/bin/mtasts check --domain-file /etc/mtasts/fleet.domains\n")
    );
    assert!(units[2].1.contains("Description=MTA-STS check of 2 domain(s)"));
    assert!(units[3].1.contains("OnCalendar=daily"));
}
