//! TLS-RPT numbers for one tracked domain, read from the report store (the domain's rows): the
//! testing window's tally (the enforce gate's input), a summary for display, and any
//! conflicting copies of a report. `status`, `advance`, `reports summary` and the wizard all
//! call this; none of them parses whole reports or reads other domains' rows, so time and
//! memory do not grow with the size of the store.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, ReportTally, testing_started};
use mtasts_probe::{ProbeConfig, resolver_config};
use mtasts_reports::{
    Conflict, DatedAhead, DkimSettings, DomainSummary, Range, ReportEntry, ReportError, ReportStore,
    dated_after, summarize_window,
};

/// Days summarised when the domain is not (yet) in its testing window.
pub const LOOKBACK_DAYS: i64 = 30;

/// Where the DKIM keys of e-mailed reports are looked up: the probes' resolver, with their
/// DNS timeout.
pub fn dkim_settings(cfg: &ProbeConfig) -> DkimSettings {
    DkimSettings { dns: resolver_config(&cfg.resolver), timeout: cfg.timeouts.dns.min(cfg.timeouts.overall) }
}

/// What the imported reports say about one domain.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportNumbers {
    /// The domain.
    pub domain: DomainName,
    /// The first UTC day summarised: the testing window's start (else [`LOOKBACK_DAYS`] ago),
    /// or the first day of a report that began before it and overlaps it.
    pub since: Date,
    /// Sessions in the testing window so far, each report counted once (its worst copy);
    /// `None` before testing or when no report overlaps the window. Always the tally of
    /// [`ReportNumbers::summary`].
    pub tally: Option<ReportTally>,
    /// The reports overlapping the window (the testing window, else the last
    /// [`LOOKBACK_DAYS`]) up to now; `None` without reports.
    pub summary: Option<DomainSummary>,
    /// Reports dated after now: counted nowhere, shown as a warning.
    pub ahead: Option<DatedAhead>,
    /// Reports stored in several different copies (same organisation and report-id) in the
    /// window (or since `since` outside testing); the worst copy of each is what counts.
    pub conflicts: Vec<Conflict>,
}

/// The numbers for `domain` from index entries: one summary of the reports overlapping the
/// window — from `window_start` (when the testing window has started, else [`LOOKBACK_DAYS`]
/// before `now`) to `now` — and, in testing, its tally for the gate; the same reports, so the
/// counts a screen shows beside its chart always agree. Pure.
pub fn numbers(
    entries: &[ReportEntry],
    domain: &DomainName,
    window_start: Option<Timestamp>,
    now: Timestamp,
) -> ReportNumbers {
    let from = window_from(window_start, now);
    let (summary, conflicts) = summarize_window(entries, domain.as_str(), from, now).unzip();
    let tally = window_start.and(summary.as_ref()).map(DomainSummary::tally);
    let first = summary.as_ref().and_then(|s| s.days.first()).map(|d| d.date);
    let since = first.into_iter().fold(from.to_zoned(TimeZone::UTC).date(), Date::min);
    let ahead = dated_after(entries, domain.as_str(), now);
    ReportNumbers {
        domain: domain.clone(),
        since,
        tally,
        summary,
        conflicts: conflicts.unwrap_or_default(),
        ahead,
    }
}

/// Where the window of [`numbers`] starts: the testing window's start, else [`LOOKBACK_DAYS`]
/// before `now`.
fn window_from(window_start: Option<Timestamp>, now: Timestamp) -> Timestamp {
    window_start
        .unwrap_or_else(|| now.checked_sub(SignedDuration::from_hours(24 * LOOKBACK_DAYS)).unwrap_or(now))
}

/// The numbers for one domain from the report store: only the domain's reports that end after
/// the window's start (an indexed query). `window_start` is when the testing window started
/// ([`testing_started`]); `now` the caller's clock.
///
/// This is the one function the CLI (`status`, `advance`) and the wizard use for a domain's
/// reports.
pub fn domain_reports(
    store: &ReportStore,
    domain: &DomainName,
    window_start: Option<Timestamp>,
    now: Timestamp,
) -> Result<ReportNumbers, ReportError> {
    let range = Range { ending_after: Some(window_from(window_start, now).min(now)), starting_from: None };
    Ok(numbers(&store.entries_for(domain.as_str(), range)?, domain, window_start, now))
}

/// [`domain_reports`] for a tracked domain, its window taken from its state.
pub fn for_state(
    store: &ReportStore,
    state: &DomainState,
    now: Timestamp,
) -> Result<ReportNumbers, ReportError> {
    domain_reports(store, &state.domain, testing_started(state), now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtasts_reports::{entry_of, parse_report};

    fn report(org: &str, id: &str, failed: u64) -> ReportEntry {
        report_on(org, id, failed, "2026-11-20T00:00:00Z", "2026-11-20T23:59:59Z")
    }

    fn report_on(org: &str, id: &str, failed: u64, start: &str, end: &str) -> ReportEntry {
        let json = serde_json::json!({
            "organization-name": org,
            "date-range": {"start-datetime": start, "end-datetime": end},
            "report-id": id,
            "policies": [{
                "policy": {"policy-type": "sts", "policy-domain": "example.org"},
                "summary": {"total-successful-session-count": 100, "total-failure-session-count": failed},
                "failure-details": if failed > 0 {
                    serde_json::json!([{"result-type": "certificate-expired", "failed-session-count": failed}])
                } else { serde_json::json!([]) },
            }],
        });
        entry_of(&parse_report(&serde_json::to_vec(&json).unwrap()).unwrap())
    }

    #[test]
    fn the_gate_tally_the_chart_and_the_totals_count_the_same_reports_and_none_from_the_future() {
        let d = DomainName::parse("example.org").unwrap();
        let start: Timestamp = "2026-11-10T12:00:00Z".parse().unwrap();
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let entries = [
            // Began the day before the window and overlaps it: counted, and charted from its day.
            report_on("A", "straddles", 1, "2026-11-10T00:00:00Z", "2026-11-10T23:59:59Z"),
            report_on("A", "inside", 0, "2026-11-20T00:00:00Z", "2026-11-20T23:59:59Z"),
            // Over before the window began: not counted.
            report_on("A", "before", 7, "2026-11-09T00:00:00Z", "2026-11-09T23:59:59Z"),
            // Dated after now: counted nowhere, reported as ahead.
            report_on("A", "ahead-1", 5, "2026-12-03T00:00:00Z", "2026-12-03T23:59:59Z"),
            report_on("B", "ahead-2", 0, "2026-12-07T00:00:00Z", "2026-12-07T23:59:59Z"),
        ];
        let n = numbers(&entries, &d, Some(start), now);
        let (t, s) = (n.tally.unwrap(), n.summary.unwrap());
        assert_eq!((t.reports, t.failed_sessions, t.successful_sessions), (2, 1, 200));
        assert_eq!((s.reports, s.counts.failed, s.counts.successful), (t.reports, t.failed_sessions, 200));
        let charted: (u64, u64) = s.days.iter().fold((0, 0), |a, d| (a.0 + d.successful, a.1 + d.failed));
        assert_eq!(charted, (s.counts.successful, s.counts.failed), "the chart sums to the totals");
        assert_eq!(n.since, "2026-11-10".parse().unwrap());
        let ahead = n.ahead.unwrap();
        assert_eq!((ahead.reports, ahead.latest), (2, "2026-12-07T00:00:00Z".parse().unwrap()));
        // Outside testing: the last 30 days, the same rules.
        let n = numbers(&entries, &d, None, now);
        assert_eq!(n.tally, None);
        assert_eq!(n.summary.unwrap().reports, 3);
    }

    #[test]
    fn a_forged_copy_never_hides_the_failures_of_the_real_report() {
        let d = DomainName::parse("example.org").unwrap();
        let start: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        // Another organisation, same report-id, no failures: both count.
        let n =
            numbers(&[report("Forger", "id-1", 0), report("Mail Giant", "id-1", 120)], &d, Some(start), now);
        let t = n.tally.unwrap();
        assert_eq!((t.reports, t.failed_sessions), (2, 120));
        assert!(n.conflicts.is_empty());
        // Same organisation and id, other content: one report, the worst copy, a conflict.
        for pair in [
            [report("Mail Giant", "id-1", 0), report("Mail Giant", "id-1", 120)],
            [report("Mail Giant", "id-1", 120), report("Mail Giant", "id-1", 0)],
        ] {
            let n = numbers(&pair, &d, Some(start), now);
            let t = n.tally.unwrap();
            assert_eq!((t.reports, t.failed_sessions), (1, 120));
            assert_eq!(t.failures_by_type, vec![("certificate-expired".to_owned(), 120)]);
            assert_eq!(n.conflicts.len(), 1);
            assert_eq!(n.conflicts[0].failed_per_copy, vec![120, 0]);
            assert_eq!(n.summary.unwrap().counts.failed, 120);
        }
        // Identical copies are one report and no conflict.
        let n = numbers(&[report("G", "id-2", 3), report("G", "id-2", 3)], &d, Some(start), now);
        assert_eq!(n.tally.unwrap().reports, 1);
        assert!(n.conflicts.is_empty());
    }
}
