//! Per-domain numbers over imported reports (pure: no files, no clock). Copies of one report
//! (same organisation, contact-info, report-id and policy domains) count once, as the worst
//! of them, so a forged copy can never hide a real one's failures; copies that differ are
//! returned as [`Conflict`]s. Successes count toward the enforce gate only from authenticated
//! reports (DKIM of the reporting domain, or the https rua); failures from every report.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use super::auth::Authentication;
use super::counts::{DomainCounts, add};
use super::entry::{ReportEntry, entry_of};
use super::model::Report;
use super::parse::normalize_domain as normalize;
use mtasts_core::sanitize::sanitize;

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

/// How the reports counted for one domain are authenticated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuthSummary {
    /// Reports whose successes count toward enforce: DKIM-verified by the reporting domain,
    /// or delivered to the https rua.
    pub authenticated_reports: u32,
    /// Successful sessions in those reports.
    pub authenticated_successful_sessions: u64,
    /// Authenticated reports per kind: `DKIM <signer>` or `https` (from outside: sanitize
    /// before printing).
    pub authenticated_by: BTreeMap<String, u32>,
    /// The other reports per reason: `signed by <domain>, not the reporting domain`, `e-mail
    /// without a valid DKIM signature`, `imported from a file`, ...
    pub unauthenticated_by: BTreeMap<String, u32>,
}

impl AuthSummary {
    fn add(&mut self, auth: &Authentication, successful: u64) {
        let kinds = if auth.counts_successes() {
            self.authenticated_reports = self.authenticated_reports.saturating_add(1);
            add(&mut self.authenticated_successful_sessions, successful);
            &mut self.authenticated_by
        } else {
            &mut self.unauthenticated_by
        };
        let n = kinds.entry(auth.kind()).or_default();
        *n = n.saturating_add(1);
    }
}

/// Everything the reports say about one policy domain. Serialized (`reports summary --json`)
/// with the sessions spelled out: `total_sessions`, `failed_sessions`, `failures` (per MX and
/// result type), `failures_by_type`, `failures_by_mx`, `policy_types_seen`, `modes_seen`,
/// `authentication`.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainSummary {
    /// The policy domain (`unknown` for policies no report entry names).
    pub domain: String,
    /// Number of distinct reports.
    pub reports: u32,
    /// Reporting organizations, sorted.
    pub organizations: Vec<String>,
    /// The sessions of every report, summed (each report once: its worst copy).
    pub counts: DomainCounts,
    /// How those reports are authenticated.
    pub auth: AuthSummary,
    /// Failed sessions over all sessions, 0 without sessions.
    pub failure_rate: f64,
    /// Per UTC day, sorted.
    pub days: Vec<DaySummary>,
    /// Earliest start-datetime of the reports.
    pub window_start: jiff::Timestamp,
    /// Latest end-datetime of the reports.
    pub window_end: jiff::Timestamp,
}

impl Serialize for DomainSummary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = &self.counts;
        let mut s = serializer.serialize_struct("DomainSummary", 15)?;
        s.serialize_field("domain", &self.domain)?;
        s.serialize_field("reports", &self.reports)?;
        s.serialize_field("organizations", &self.organizations)?;
        s.serialize_field("total_sessions", &c.total())?;
        s.serialize_field("failed_sessions", &c.failed)?;
        s.serialize_field("failure_rate", &self.failure_rate)?;
        s.serialize_field("failures", &c.failures)?;
        s.serialize_field("failures_by_type", &c.by_type)?;
        s.serialize_field("failures_by_mx", &c.by_mx)?;
        s.serialize_field("policy_types_seen", &c.policy_types)?;
        s.serialize_field("modes_seen", &c.modes)?;
        s.serialize_field("authentication", &self.auth)?;
        s.serialize_field("days", &self.days)?;
        s.serialize_field("window_start", &self.window_start)?;
        s.serialize_field("window_end", &self.window_end)?;
        s.end()
    }
}

/// Session counts of the reports overlapping a time window: the rollout's enforce-gate input.
pub use mtasts_core::rollout::ReportTally as Tally;

/// Two or more different copies of one report (same organisation, contact-info, report-id and
/// policy domains) for a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    /// The organisation (from outside: sanitize before printing).
    pub organization: Option<String>,
    /// Its contact-info (from outside: sanitize before printing).
    pub contact: Option<String>,
    /// The report-id (from outside: sanitize before printing).
    pub report_id: String,
    /// Failed sessions for the domain in each copy, largest first; the first is counted.
    pub failed_per_copy: Vec<u64>,
}

impl std::fmt::Display for Conflict {
    /// One terminal-safe line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let failed: Vec<String> = self.failed_per_copy.iter().map(u64::to_string).collect();
        let contact = self.contact.as_deref().map(|c| format!(" ({})", sanitize(c))).unwrap_or_default();
        write!(
            f,
            "report {} from {}{contact} exists in {} different copies (failed sessions {}); the worst is counted",
            sanitize(&self.report_id),
            sanitize(self.organization.as_deref().unwrap_or("an unnamed organization")),
            self.failed_per_copy.len(),
            failed.join(" / ")
        )
    }
}

fn utc_day(t: jiff::Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

fn rate(failed: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { failed as f64 / total as f64 }
}

/// Per domain, per report key, the copies (entry and the domain's counts), worst first.
type Copies<'a> = BTreeMap<&'a str, BTreeMap<&'a str, Vec<(&'a ReportEntry, &'a DomainCounts)>>>;

/// Groups the entries kept by `keep` per domain (only `wanted`, when given) and report key,
/// one copy per distinct content, the worst copy first.
fn copies<'a>(
    entries: &'a [ReportEntry],
    wanted: Option<&str>,
    keep: impl Fn(&ReportEntry) -> bool,
) -> Copies<'a> {
    let mut out: Copies<'a> = BTreeMap::new();
    for e in entries.iter().filter(|e| keep(e)) {
        for (domain, counts) in &e.domains {
            if wanted.is_some_and(|w| w != domain) {
                continue;
            }
            let list = out.entry(domain.as_str()).or_default().entry(e.key.as_str()).or_default();
            if !list.iter().any(|(other, _)| other.content == e.content) {
                list.push((e, counts));
            }
        }
    }
    for by_key in out.values_mut() {
        for list in by_key.values_mut() {
            list.sort_by(|a, b| {
                b.1.badness().cmp(&a.1.badness()).then_with(|| a.0.content.cmp(&b.0.content))
            });
        }
    }
    out
}

fn conflicts_of(by_key: &BTreeMap<&str, Vec<(&ReportEntry, &DomainCounts)>>) -> Vec<Conflict> {
    by_key
        .values()
        .filter(|list| list.len() > 1)
        .map(|list| Conflict {
            organization: list[0].0.organization.clone(),
            contact: list[0].0.contact.clone(),
            report_id: list[0].0.report_id.clone(),
            failed_per_copy: list.iter().map(|(_, c)| c.failed).collect(),
        })
        .collect()
}

/// Sums per policy domain over report entries, sorted by domain, with the conflicting copies
/// of each domain. `domain` keeps only that domain; `since` keeps reports starting on or after
/// that UTC day. Copies of one report count once: the worst of them.
pub fn summarize_entries(
    entries: &[ReportEntry],
    domain: Option<&str>,
    since: Option<Date>,
) -> Vec<(DomainSummary, Vec<Conflict>)> {
    let wanted = domain.map(normalize);
    let grouped = copies(entries, wanted.as_deref(), |e| since.is_none_or(|s| utc_day(e.start) >= s));
    grouped.into_iter().filter_map(|(name, by_key)| sum_domain(name, &by_key)).collect()
}

/// [`summarize_entries`] for one domain over the reports whose date range overlaps
/// `[from, to)`: the same reports [`tally_entries`] counts, so a summary shown beside the
/// gate's tally always agrees with it. Reports dated after `to` are left out (see
/// [`dated_after`]).
pub fn summarize_window(
    entries: &[ReportEntry],
    domain: &str,
    from: jiff::Timestamp,
    to: jiff::Timestamp,
) -> Option<(DomainSummary, Vec<Conflict>)> {
    let wanted = normalize(domain);
    let grouped = copies(entries, Some(&wanted), |e| e.start < to && e.end > from);
    grouped.get(wanted.as_str()).and_then(|by_key| sum_domain(&wanted, by_key))
}

/// Reports for one domain whose date range starts after `now`: nothing in them can have
/// happened yet (the sender's clock or this machine's is wrong), so they are counted nowhere
/// and shown as a warning instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatedAhead {
    /// How many (each report once).
    pub reports: u32,
    /// The latest start-datetime among them.
    pub latest: jiff::Timestamp,
}

/// The reports of `domain` dated after `now` ([`DatedAhead`]); `None` when there are none.
pub fn dated_after(entries: &[ReportEntry], domain: &str, now: jiff::Timestamp) -> Option<DatedAhead> {
    let wanted = normalize(domain);
    let grouped = copies(entries, Some(&wanted), |e| e.start > now);
    let by_key = grouped.get(wanted.as_str())?;
    let firsts = by_key.values().filter_map(|list| list.first());
    let latest = firsts.clone().map(|(e, _)| e.start).max()?;
    Some(DatedAhead { reports: u32::try_from(firsts.count()).unwrap_or(u32::MAX), latest })
}

/// Sums one domain's reports (the worst copy of each), with the conflicting copies.
fn sum_domain(
    name: &str,
    by_key: &BTreeMap<&str, Vec<(&ReportEntry, &DomainCounts)>>,
) -> Option<(DomainSummary, Vec<Conflict>)> {
    let mut picked = by_key.values().filter_map(|list| list.first());
    let (first, _) = picked.clone().next()?;
    let mut sum = empty(name, first.start, first.end);
    let mut days: BTreeMap<Date, (u64, u64)> = BTreeMap::new();
    for (e, c) in picked.by_ref() {
        sum.reports = sum.reports.saturating_add(1);
        if let Some(org) = e.organization.as_ref().filter(|o| !sum.organizations.contains(o)) {
            sum.organizations.push(org.clone());
        }
        sum.window_start = sum.window_start.min(e.start);
        sum.window_end = sum.window_end.max(e.end);
        sum.counts.add(c);
        sum.auth.add(&e.auth, c.successful);
        let (ok, failed) = days.entry(utc_day(e.start)).or_default();
        add(ok, c.successful);
        add(failed, c.failed);
    }
    sum.organizations.sort();
    sum.failure_rate = rate(sum.counts.failed, sum.counts.total());
    sum.days = days
        .into_iter()
        .map(|(date, (successful, failed))| DaySummary { date, successful, failed })
        .collect();
    Some((sum, conflicts_of(by_key)))
}

impl DomainSummary {
    /// The sessions as the rollout's gate counts them: reports, successful and failed
    /// sessions, failures by result type (most first), and what authenticated reports vouch for.
    pub fn tally(&self) -> Tally {
        let mut failures_by_type: Vec<(String, u64)> =
            self.counts.by_type.iter().map(|(k, n)| (k.clone(), *n)).collect();
        failures_by_type.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Tally {
            reports: self.reports,
            successful_sessions: self.counts.successful,
            failed_sessions: self.counts.failed,
            failures_by_type,
            authenticated_reports: self.auth.authenticated_reports,
            authenticated_successful_sessions: self.auth.authenticated_successful_sessions,
        }
    }
}

/// [`summarize_entries`] over parsed reports, without the conflicts.
pub fn summarize(reports: &[Report], domain: Option<&str>, since: Option<Date>) -> Vec<DomainSummary> {
    let entries: Vec<ReportEntry> = reports.iter().map(entry_of).collect();
    summarize_entries(&entries, domain, since).into_iter().map(|(s, _)| s).collect()
}

fn empty(domain: &str, start: jiff::Timestamp, end: jiff::Timestamp) -> DomainSummary {
    DomainSummary {
        domain: domain.to_owned(),
        reports: 0,
        organizations: Vec::new(),
        counts: DomainCounts::default(),
        auth: AuthSummary::default(),
        failure_rate: 0.0,
        days: Vec::new(),
        window_start: start,
        window_end: end,
    }
}

/// Sessions for `domain` in the report entries whose date range overlaps `[from, to)`, each
/// report once (its worst copy), and the conflicting copies; `None` when no report overlaps.
/// The [`DomainSummary::tally`] of [`summarize_window`]: one source for both.
pub fn tally_entries(
    entries: &[ReportEntry],
    domain: &str,
    from: jiff::Timestamp,
    to: jiff::Timestamp,
) -> (Option<Tally>, Vec<Conflict>) {
    match summarize_window(entries, domain, from, to) {
        Some((s, conflicts)) => (Some(s.tally()), conflicts),
        None => (None, Vec::new()),
    }
}

/// [`tally_entries`] over parsed reports, without the conflicts.
pub fn window_tally(
    reports: &[Report],
    domain: &str,
    from: jiff::Timestamp,
    to: jiff::Timestamp,
) -> Option<Tally> {
    let entries: Vec<ReportEntry> = reports.iter().map(entry_of).collect();
    tally_entries(&entries, domain, from, to).0
}
