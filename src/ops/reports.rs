//! TLS-RPT numbers for one tracked domain, read from the report store's tally index: the
//! testing window's tally (the enforce gate's input), a summary for display, and any
//! conflicting copies of a report. `status`, `advance`, `reports summary` and the wizard all
//! call this; none of them parses whole reports, so time and memory do not grow with the size
//! of the stored reports.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, ReportTally, testing_started};
use mtasts_probe::{ProbeConfig, resolver_config};
use mtasts_reports::{
    Conflict, DkimSettings, DomainSummary, ReportEntry, ReportError, ReportStore, summarize_entries,
    tally_entries,
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
    /// The first UTC day summarised: the testing window's start, else [`LOOKBACK_DAYS`] ago.
    pub since: Date,
    /// Sessions in the testing window so far, each report counted once (its worst copy);
    /// `None` before testing or when no report overlaps the window.
    pub tally: Option<ReportTally>,
    /// Everything since [`ReportNumbers::since`]; `None` without reports.
    pub summary: Option<DomainSummary>,
    /// Reports stored in several different copies (same organisation and report-id) in the
    /// window (or since `since` outside testing); the worst copy of each is what counts.
    pub conflicts: Vec<Conflict>,
}

/// The numbers for `domain` from index entries: the window tally from `window_start` (when the
/// testing window has started) to `now`, and the summary since the window's start (or
/// [`LOOKBACK_DAYS`] before `now`). Pure.
pub fn numbers(
    entries: &[ReportEntry],
    domain: &DomainName,
    window_start: Option<Timestamp>,
    now: Timestamp,
) -> ReportNumbers {
    let from = window_start
        .unwrap_or_else(|| now.checked_sub(SignedDuration::from_hours(24 * LOOKBACK_DAYS)).unwrap_or(now));
    let since = from.to_zoned(TimeZone::UTC).date();
    let (tally, window_conflicts) = match window_start {
        Some(start) => tally_entries(entries, domain.as_str(), start, now),
        None => (None, Vec::new()),
    };
    let (summary, summary_conflicts) =
        summarize_entries(entries, Some(domain.as_str()), Some(since)).into_iter().next().unzip();
    let conflicts =
        if window_start.is_some() { window_conflicts } else { summary_conflicts.unwrap_or_default() };
    ReportNumbers { domain: domain.clone(), since, tally, summary, conflicts }
}

/// The numbers for one domain from the store's tally index (brought up to date first: only
/// report files imported or changed since the last index write are parsed). `window_start` is
/// when the testing window started ([`testing_started`]); `now` the caller's clock.
///
/// This is the one function the CLI (`status`, `advance`) and the wizard use for a domain's
/// reports.
pub fn domain_reports(
    store: &ReportStore,
    domain: &DomainName,
    window_start: Option<Timestamp>,
    now: Timestamp,
) -> Result<ReportNumbers, ReportError> {
    Ok(numbers(&store.index()?.entries(), domain, window_start, now))
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
        let json = serde_json::json!({
            "organization-name": org,
            "date-range": {"start-datetime": "2026-11-20T00:00:00Z", "end-datetime": "2026-11-20T23:59:59Z"},
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
