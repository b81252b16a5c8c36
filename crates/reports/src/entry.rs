//! One report reduced to what every command needs: who sent it, which report it is, its
//! content hash, and per policy domain the session counts. The tally index stores these, so
//! no command has to parse whole reports (pure: no files).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::counts::{DomainCounts, add};
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
    /// SHA-256 (hex) of the organisation and the report-id: copies under one key are the
    /// same report; copies with different [`ReportEntry::content`] conflict.
    pub key: String,
    /// SHA-256 (hex) of the parsed report.
    pub content: String,
    /// `organization-name`.
    pub organization: Option<String>,
    /// `report-id`.
    pub report_id: String,
    /// `date-range.start-datetime`.
    pub start: jiff::Timestamp,
    /// `date-range.end-datetime`.
    pub end: jiff::Timestamp,
    /// Per policy domain (`unknown` when unnamed).
    pub domains: BTreeMap<String, DomainCounts>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of a report: organisation (trimmed, lower-case) and report-id, length-prefixed so
/// no two pairs share one.
pub fn report_key(organization: Option<&str>, report_id: &str) -> String {
    let org = organization.map(|o| o.trim().to_lowercase()).unwrap_or_default();
    let mut h = Sha256::new();
    for part in [org.as_str(), report_id] {
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
            add(c.by_type.entry(f.result_type.to_string()).or_default(), f.failed_session_count);
            let mx = f.receiving_mx_hostname.as_deref().unwrap_or(UNKNOWN);
            add(c.by_mx.entry(mx.to_owned()).or_default(), f.failed_session_count);
        }
    }
    ReportEntry {
        key: report_key(report.organization.as_deref(), &report.report_id),
        content,
        organization: report.organization.clone(),
        report_id: report.report_id.clone(),
        start: report.start,
        end: report.end,
        domains,
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

impl ReportEntry {
    /// The entry with every string clipped and every map and the domain list bounded, so an
    /// index entry stays small whatever the report holds.
    pub fn bounded(mut self) -> ReportEntry {
        self.organization = self.organization.as_deref().map(clip);
        self.report_id = clip(&self.report_id);
        let domains = std::mem::take(&mut self.domains);
        for (name, c) in domains.into_iter().take(MAX_DOMAINS) {
            let c = DomainCounts {
                by_type: bound_map(c.by_type),
                by_mx: bound_map(c.by_mx),
                policy_types: bound_map(c.policy_types),
                modes: bound_map(c.modes),
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
        assert_ne!(report_key(Some("a"), "bc"), report_key(Some("ab"), "c"));
        assert_ne!(report_key(Some("Forger"), "id-1"), report_key(Some("Mail Giant"), "id-1"));
        assert_eq!(report_key(Some(" Mail Giant "), "id-1"), report_key(Some("mail giant"), "id-1"));
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
            report_id: "r".into(),
            start: jiff::Timestamp::UNIX_EPOCH,
            end: jiff::Timestamp::UNIX_EPOCH,
            domains,
        }
        .bounded();
        assert_eq!(e.domains.len(), MAX_DOMAINS);
        let first = e.domains.values().next().unwrap();
        assert_eq!(first.by_mx.len(), MAX_KEYS);
        assert_eq!(first.by_mx.get("(9969 more)").copied(), Some((0..9969u64).sum()));
        assert!(e.organization.unwrap().chars().count() <= MAX_TEXT + 1);
    }
}
