//! Per-domain numbers over imported reports (pure: no files, no clock).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::model::{PolicyResult, Report};
use super::parse::normalize_domain as normalize;

/// The bucket for policies whose domain is not named anywhere in the report, and for
/// failures without a receiving MX.
const UNKNOWN: &str = "unknown";

/// Sessions of one UTC day (by the reports' start-datetime).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaySummary {
    /// The UTC day.
    pub date: Date,
    /// Successful sessions.
    pub successful: u64,
    /// Failed sessions.
    pub failed: u64,
}

/// Everything the reports say about one policy domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainSummary {
    /// The policy domain (`unknown` for policies no report entry names).
    pub domain: String,
    /// Number of distinct reports.
    pub reports: u32,
    /// Reporting organizations, sorted.
    pub organizations: Vec<String>,
    /// Successful plus failed sessions.
    pub total_sessions: u64,
    /// Failed sessions (the summaries' `total-failure-session-count`).
    pub failed_sessions: u64,
    /// `failed_sessions / total_sessions`, 0 without sessions.
    pub failure_rate: f64,
    /// Failed sessions per result type (`other: <value>` for types outside RFC 8460).
    pub failures_by_type: BTreeMap<String, u64>,
    /// Failed sessions per receiving MX (`unknown` when the sender did not say).
    pub failures_by_mx: BTreeMap<String, u64>,
    /// Sessions per policy type (`sts`, `tlsa`, `no-policy-found`, ...).
    pub policy_types_seen: BTreeMap<String, u64>,
    /// Sessions per policy mode seen by senders (`testing`, `enforce`, `none`).
    pub modes_seen: BTreeMap<String, u64>,
    /// Per UTC day, sorted.
    pub days: Vec<DaySummary>,
    /// Earliest start-datetime of the reports.
    pub window_start: jiff::Timestamp,
    /// Latest end-datetime of the reports.
    pub window_end: jiff::Timestamp,
}

/// Session counts of the reports overlapping a time window: the rollout's enforce-gate input.
pub use crate::rollout::ReportTally as Tally;

/// The domain a policy entry is counted under.
fn domain_of<'a>(report: &'a Report, policy: &'a PolicyResult) -> &'a str {
    report.domain_for(policy).unwrap_or(UNKNOWN)
}

/// Each `report-id` once (the first wins), in the given order.
fn distinct(reports: &[Report]) -> impl Iterator<Item = &Report> {
    let mut seen = HashSet::new();
    reports.iter().filter(move |r| seen.insert(r.report_id.as_str()))
}

fn utc_day(t: jiff::Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

/// Sums per policy domain, sorted by domain. `domain` keeps only that domain; `since` keeps
/// reports whose start-datetime falls on or after that UTC day. Duplicate report-ids count once.
pub fn summarize(reports: &[Report], domain: Option<&str>, since: Option<Date>) -> Vec<DomainSummary> {
    let wanted = domain.map(normalize);
    let mut by_domain: BTreeMap<&str, Acc<'_>> = BTreeMap::new();
    for report in distinct(reports) {
        let day = utc_day(report.start);
        if since.is_some_and(|s| day < s) {
            continue;
        }
        for policy in &report.policies {
            let name = domain_of(report, policy);
            if wanted.as_deref().is_some_and(|w| w != name) {
                continue;
            }
            let Acc { sum, ids, days } = by_domain.entry(name).or_insert_with(|| Acc {
                sum: empty(name, report),
                ids: BTreeSet::new(),
                days: BTreeMap::new(),
            });
            if ids.insert(report.report_id.as_str()) {
                sum.reports += 1;
                if let Some(org) = report.organization.as_ref().filter(|o| !sum.organizations.contains(o)) {
                    sum.organizations.push(org.clone());
                }
                sum.window_start = sum.window_start.min(report.start);
                sum.window_end = sum.window_end.max(report.end);
            }
            let sessions = policy.successful.saturating_add(policy.failed);
            add(&mut sum.total_sessions, sessions);
            add(&mut sum.failed_sessions, policy.failed);
            add(sum.policy_types_seen.entry(policy.policy_type.as_str().to_owned()).or_default(), sessions);
            if let Some(mode) = policy.seen_mode() {
                add(sum.modes_seen.entry(mode.as_str().to_owned()).or_default(), sessions);
            }
            for f in &policy.failures {
                add(
                    sum.failures_by_type.entry(f.result_type.to_string()).or_default(),
                    f.failed_session_count,
                );
                let mx = f.receiving_mx_hostname.as_deref().unwrap_or(UNKNOWN);
                add(sum.failures_by_mx.entry(mx.to_owned()).or_default(), f.failed_session_count);
            }
            let (ok, failed) = days.entry(day).or_default();
            add(ok, policy.successful);
            add(failed, policy.failed);
        }
    }
    by_domain
        .into_values()
        .map(|Acc { mut sum, days, .. }| {
            sum.organizations.sort();
            sum.failure_rate = rate(sum.failed_sessions, sum.total_sessions);
            sum.days = days
                .into_iter()
                .map(|(date, (successful, failed))| DaySummary { date, successful, failed })
                .collect();
            sum
        })
        .collect()
}

/// A summary under construction, with the report-ids and days seen so far.
struct Acc<'a> {
    sum: DomainSummary,
    ids: BTreeSet<&'a str>,
    days: BTreeMap<Date, (u64, u64)>,
}

fn empty(domain: &str, first: &Report) -> DomainSummary {
    DomainSummary {
        domain: domain.to_owned(),
        reports: 0,
        organizations: Vec::new(),
        total_sessions: 0,
        failed_sessions: 0,
        failure_rate: 0.0,
        failures_by_type: BTreeMap::new(),
        failures_by_mx: BTreeMap::new(),
        policy_types_seen: BTreeMap::new(),
        modes_seen: BTreeMap::new(),
        days: Vec::new(),
        window_start: first.start,
        window_end: first.end,
    }
}

/// Counts come from outside: saturate instead of overflowing.
fn add(counter: &mut u64, n: u64) {
    *counter = counter.saturating_add(n);
}

fn rate(failed: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { failed as f64 / total as f64 }
}

/// Sessions for `domain` in the reports whose date range overlaps `[from, to)`; `None` when
/// no such report exists. Duplicate report-ids count once.
pub fn window_tally(
    reports: &[Report],
    domain: &str,
    from: jiff::Timestamp,
    to: jiff::Timestamp,
) -> Option<Tally> {
    let wanted = normalize(domain);
    let mut tally =
        Tally { reports: 0, successful_sessions: 0, failed_sessions: 0, failures_by_type: Vec::new() };
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for report in distinct(reports).filter(|r| r.start < to && r.end > from) {
        let mut counted = false;
        for policy in report.policies.iter().filter(|p| domain_of(report, p) == wanted) {
            counted = true;
            add(&mut tally.successful_sessions, policy.successful);
            add(&mut tally.failed_sessions, policy.failed);
            for f in &policy.failures {
                add(by_type.entry(f.result_type.to_string()).or_default(), f.failed_session_count);
            }
        }
        tally.reports += u32::from(counted);
    }
    if tally.reports == 0 {
        return None;
    }
    tally.failures_by_type = by_type.into_iter().collect();
    tally.failures_by_type.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Some(tally)
}
