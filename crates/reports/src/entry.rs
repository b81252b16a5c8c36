//! One report reduced to what every command needs: who sent it, which report it is, how it
//! is authenticated, its content hash, and per policy domain the session counts. The tally
//! index stores these, so no command has to parse whole reports (pure: no files).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::auth::Authentication;
use super::counts::{DomainCounts, MxFailure, add, add_failure};
use super::model::Report;

/// The bucket for policies whose domain is not named anywhere in the report, and for
/// failures without a receiving MX.
pub(crate) const UNKNOWN: &str = "unknown";

/// Most keys kept in one map of an indexed entry; the rest are folded into one bucket.
const MAX_KEYS: usize = 32;
/// Most policy domains kept per indexed report.
const MAX_DOMAINS: usize = 64;
/// Longest string kept in the index (characters).
const MAX_TEXT: usize = 256;

/// What identifies a report and what it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEntry {
    /// The report's identity (see [`report_key`]): copies under one key are the same report;
    /// copies with different [`ReportEntry::content`] conflict.
    pub key: String,
    /// SHA-256 (hex) of the parsed report.
    pub content: String,
    /// `organization-name`.
    pub organization: Option<String>,
    /// `contact-info`.
    #[serde(default)]
    pub contact: Option<String>,
    /// `report-id`.
    pub report_id: String,
    /// `date-range.start-datetime`.
    pub start: jiff::Timestamp,
    /// `date-range.end-datetime`.
    pub end: jiff::Timestamp,
    /// Per policy domain (`unknown` when unnamed).
    pub domains: BTreeMap<String, DomainCounts>,
    /// How the stored report is authenticated (the best of its deliveries).
    #[serde(default)]
    pub auth: Authentication,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The identity of a report (RFC 8460 §5.3): organisation and contact-info (trimmed,
/// lower-case), report-id and the sorted policy domains, SHA-256 over the length-prefixed
/// parts so no two lists share one. A report-id is only unique per producer: two MTAs of one
/// organisation (sys4's reporter uses `<day>_idx<n>_<domain>`) differ in their contact-info.
pub fn report_key(
    organization: Option<&str>,
    contact: Option<&str>,
    report_id: &str,
    domains: &[String],
) -> String {
    let norm = |s: Option<&str>| s.map(|o| o.trim().to_lowercase()).unwrap_or_default();
    let (org, contact) = (norm(organization), norm(contact));
    let mut h = Sha256::new();
    let parts =
        [org.as_str(), contact.as_str(), report_id].into_iter().chain(domains.iter().map(String::as_str));
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

/// Reduces a parsed report to its entry (nothing bounded yet: see [`ReportEntry::bounded`]).
pub fn entry_of(report: &Report) -> ReportEntry {
    let content = serde_json::to_vec(report).map(|v| hex(&Sha256::digest(v))).unwrap_or_default();
    let mut domains: BTreeMap<String, DomainCounts> = BTreeMap::new();
    for policy in &report.policies {
        let name = report.domain_for(policy).unwrap_or(UNKNOWN);
        let c = domains.entry(name.to_owned()).or_default();
        let sessions = policy.successful.saturating_add(policy.failed);
        add(&mut c.successful, policy.successful);
        add(&mut c.failed, policy.failed);
        add(c.policy_types.entry(policy.policy_type.as_str().to_owned()).or_default(), sessions);
        if let Some(mode) = policy.seen_mode() {
            add(c.modes.entry(mode.as_str().to_owned()).or_default(), sessions);
        }
        for f in &policy.failures {
            let n = f.failed_session_count;
            add(c.by_type.entry(f.result_type.to_string()).or_default(), n);
            let mx = f.receiving_mx_hostname.as_deref().unwrap_or(UNKNOWN);
            add(c.by_mx.entry(mx.to_owned()).or_default(), n);
            let one = |v: &Option<String>| v.iter().map(|k| (k.clone(), n)).collect::<BTreeMap<_, _>>();
            let pair = MxFailure {
                mx: mx.to_owned(),
                result_type: f.result_type.to_string(),
                sessions: n,
                receiving_ips: one(&f.receiving_ip),
                reason_codes: one(&f.failure_reason_code),
                sending_mtas: one(&f.sending_mta_ip),
            };
            add_failure(&mut c.failures, &pair);
        }
    }
    ReportEntry {
        key: report_key(
            report.organization.as_deref(),
            report.contact.as_deref(),
            &report.report_id,
            &report.domains(),
        ),
        content,
        organization: report.organization.clone(),
        contact: report.contact.clone(),
        report_id: report.report_id.clone(),
        start: report.start,
        end: report.end,
        domains,
        auth: Authentication::default(),
    }
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

/// Keeps the largest `MAX_KEYS - 1` counts and folds the rest into one bucket; clips keys.
fn bound_map(map: BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    if map.len() <= MAX_KEYS && map.keys().all(|k| k.chars().count() <= MAX_TEXT) {
        return map;
    }
    let mut all: Vec<(String, u64)> = map.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out = BTreeMap::new();
    let keep = if all.len() > MAX_KEYS { MAX_KEYS - 1 } else { all.len() };
    let rest: Vec<(String, u64)> = all.split_off(keep);
    for (k, v) in all {
        add(out.entry(clip(&k)).or_default(), v);
    }
    if !rest.is_empty() {
        let folded = format!("({} more)", rest.len());
        add(out.entry(folded).or_default(), rest.iter().fold(0u64, |a, (_, v)| a.saturating_add(*v)));
    }
    out
}

/// Keeps the `MAX_KEYS - 1` pairs with the most sessions (their maps bounded too) and folds
/// the rest into one.
fn bound_failures(list: Vec<MxFailure>) -> Vec<MxFailure> {
    let bound = |f: MxFailure| MxFailure {
        mx: clip(&f.mx),
        result_type: clip(&f.result_type),
        receiving_ips: bound_map(f.receiving_ips),
        reason_codes: bound_map(f.reason_codes),
        sending_mtas: bound_map(f.sending_mtas),
        ..f
    };
    if list.len() <= MAX_KEYS {
        let mut out = Vec::new();
        for f in list {
            add_failure(&mut out, &bound(f));
        }
        return out;
    }
    let mut all = list;
    all.sort_by(|a, b| {
        b.sessions.cmp(&a.sessions).then_with(|| (&a.mx, &a.result_type).cmp(&(&b.mx, &b.result_type)))
    });
    let rest = all.split_off(MAX_KEYS - 1);
    let mut out = Vec::new();
    for f in all {
        add_failure(&mut out, &bound(f));
    }
    let folded = MxFailure {
        mx: format!("({} more)", rest.len()),
        result_type: "various".to_owned(),
        sessions: rest.iter().fold(0u64, |a, f| a.saturating_add(f.sessions)),
        ..MxFailure::default()
    };
    add_failure(&mut out, &folded);
    out
}

impl ReportEntry {
    /// The entry with every string clipped and every map and the domain list bounded, so an
    /// index entry stays small whatever the report holds.
    pub fn bounded(mut self) -> ReportEntry {
        self.organization = self.organization.as_deref().map(clip);
        self.contact = self.contact.as_deref().map(clip);
        self.report_id = clip(&self.report_id);
        let domains = std::mem::take(&mut self.domains);
        for (name, c) in domains.into_iter().take(MAX_DOMAINS) {
            let c = DomainCounts {
                by_type: bound_map(c.by_type),
                by_mx: bound_map(c.by_mx),
                policy_types: bound_map(c.policy_types),
                modes: bound_map(c.modes),
                failures: bound_failures(c.failures),
                ..c
            };
            self.domains.insert(clip(&name), c);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_separate_organisations_and_bounded_entries_stay_small() {
        let d = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        let key = |org, contact, id| report_key(Some(org), contact, id, &d(&["example.org"]));
        assert_ne!(key("a", None, "bc"), key("ab", None, "c"));
        assert_ne!(key("Forger", None, "id-1"), key("Mail Giant", None, "id-1"));
        assert_eq!(key(" Mail Giant ", None, "id-1"), key("mail giant", None, "id-1"));
        // Two MTAs of one organisation: same name and report-id, their own contact-info.
        assert_ne!(
            key("Org", Some("tlsrpt@mx1.org.example"), "d_idx1"),
            key("Org", Some("tlsrpt@mx2.org.example"), "d_idx1")
        );
        assert_eq!(
            key("Org", Some("TLSRPT@mx1.org.example "), "i"),
            key("Org", Some("tlsrpt@mx1.org.example"), "i")
        );
        assert_ne!(
            report_key(None, None, "i", &d(&["a.example"])),
            report_key(None, None, "i", &d(&["b.example"]))
        );
        assert_ne!(report_key(None, Some("x"), "i", &[]), report_key(None, None, "i", &d(&["x"])));
        let mut c = DomainCounts::default();
        for i in 0..10_000u64 {
            c.by_mx.insert(format!("mx{i}.example"), i);
        }
        let mut domains = BTreeMap::new();
        for i in 0..1000 {
            domains.insert(format!("d{i}.example"), c.clone());
        }
        let e = ReportEntry {
            key: String::new(),
            content: String::new(),
            organization: Some("o".repeat(100_000)),
            contact: None,
            report_id: "r".into(),
            start: jiff::Timestamp::UNIX_EPOCH,
            end: jiff::Timestamp::UNIX_EPOCH,
            domains,
            auth: Authentication::default(),
        }
        .bounded();
        assert_eq!(e.domains.len(), MAX_DOMAINS);
        let first = e.domains.values().next().unwrap();
        assert_eq!(first.by_mx.len(), MAX_KEYS);
        assert_eq!(first.by_mx.get("(9969 more)").copied(), Some((0..9969u64).sum()));
        assert!(e.organization.unwrap().chars().count() <= MAX_TEXT + 1);
    }

    #[test]
    fn failure_pairs_are_bounded_and_the_rest_folded() {
        let pairs: Vec<MxFailure> = (0..1000u64)
            .map(|i| MxFailure {
                mx: format!("mx{i}.example"),
                result_type: "certificate-expired".into(),
                sessions: i,
                receiving_ips: (0..100u64).map(|j| (format!("192.0.2.{j}"), 1)).collect(),
                ..MxFailure::default()
            })
            .collect();
        let kept = bound_failures(pairs);
        assert_eq!(kept.len(), MAX_KEYS);
        let folded = kept.iter().find(|f| f.mx == "(969 more)").unwrap();
        assert_eq!(folded.sessions, (0..969u64).sum::<u64>());
        assert!(kept.iter().any(|f| f.mx == "mx999.example" && f.receiving_ips.len() == MAX_KEYS));
    }
}
