//! Session tallies for one policy domain: of one report (an index entry, see
//! [`super::entry`]) or summed over reports (a summary, see [`super::summary`]). Counts come
//! from outside: sums saturate instead of overflowing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Sessions for one policy domain: of one report, or summed over reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainCounts {
    /// `total-successful-session-count`, summed over the domain's policies.
    pub successful: u64,
    /// `total-failure-session-count`, summed.
    pub failed: u64,
    /// Failed sessions per result type (`other: <value>` outside RFC 8460).
    pub by_type: BTreeMap<String, u64>,
    /// Failed sessions per receiving MX (`unknown` when not said).
    pub by_mx: BTreeMap<String, u64>,
    /// Sessions per policy type (`sts`, `tlsa`, `no-policy-found`, ...).
    pub policy_types: BTreeMap<String, u64>,
    /// Sessions per policy mode seen (STS only: `testing`, `enforce`, `none`).
    pub modes: BTreeMap<String, u64>,
    /// Failed sessions per (receiving MX, result type), sorted by the pair.
    #[serde(default)]
    pub failures: Vec<MxFailure>,
}

/// Failed sessions at one receiving MX with one result type, with what the reports said
/// about them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxFailure {
    /// `receiving-mx-hostname` (`unknown` when not said).
    pub mx: String,
    /// `result-type` (`other: <value>` outside RFC 8460).
    pub result_type: String,
    /// Failed sessions.
    pub sessions: u64,
    /// Failed sessions per `receiving-ip`.
    #[serde(default)]
    pub receiving_ips: BTreeMap<String, u64>,
    /// Failed sessions per `failure-reason-code`.
    #[serde(default)]
    pub reason_codes: BTreeMap<String, u64>,
    /// Failed sessions per `sending-mta-ip`.
    #[serde(default)]
    pub sending_mtas: BTreeMap<String, u64>,
}

impl MxFailure {
    fn add(&mut self, other: &MxFailure) {
        add(&mut self.sessions, other.sessions);
        add_all(&mut self.receiving_ips, &other.receiving_ips);
        add_all(&mut self.reason_codes, &other.reason_codes);
        add_all(&mut self.sending_mtas, &other.sending_mtas);
    }
}

/// Adds `f` to the pair list, merging it into the entry of its (MX, result type).
pub(super) fn add_failure(list: &mut Vec<MxFailure>, f: &MxFailure) {
    match list.binary_search_by(|e| (e.mx.as_str(), e.result_type.as_str()).cmp(&(&f.mx, &f.result_type))) {
        Ok(i) => list[i].add(f),
        Err(i) => list.insert(i, f.clone()),
    }
}

impl DomainCounts {
    /// Successful plus failed sessions.
    pub fn total(&self) -> u64 {
        self.successful.saturating_add(self.failed)
    }

    /// Failed sessions, then all sessions: the larger is the worse copy of a report.
    pub fn badness(&self) -> (u64, u64) {
        (self.failed, self.total())
    }

    /// Adds `other`'s sessions to these.
    pub fn add(&mut self, other: &DomainCounts) {
        add(&mut self.successful, other.successful);
        add(&mut self.failed, other.failed);
        add_all(&mut self.by_type, &other.by_type);
        add_all(&mut self.by_mx, &other.by_mx);
        add_all(&mut self.policy_types, &other.policy_types);
        add_all(&mut self.modes, &other.modes);
        for f in &other.failures {
            add_failure(&mut self.failures, f);
        }
    }
}

/// Adds `n` to `counter`, saturating.
pub(super) fn add(counter: &mut u64, n: u64) {
    *counter = counter.saturating_add(n);
}

/// Adds every count of `from` to the same key of `into`.
pub(super) fn add_all(into: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (k, v) in from {
        add(into.entry(k.clone()).or_default(), *v);
    }
}
