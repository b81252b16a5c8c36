//! What changed since the previous check, for `check --notify`: the findings, phase, testing
//! window and certificate expiries of one domain are remembered after each check
//! ([`Memory`]), and the next check compares what it saw with that memory ([`diff`]). Pure: no
//! I/O, and "now" is passed in.

pub mod metrics;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use jiff::Timestamp;

use mtasts_core::finding::Severity;
use mtasts_core::rollout::Phase;

const DAY_SECS: i64 = 86_400;

/// One finding as seen by a check: its code, severity, subject and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The finding code (`mx-starttls-missing`, ...).
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// What it is about.
    pub subject: String,
    /// What is wrong.
    pub message: String,
}

/// What one check saw of a domain, as far as alerts are concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Current {
    /// Findings of severity warning or error.
    pub findings: Vec<Seen>,
    /// The rollout phase, for a tracked domain.
    pub phase: Option<Phase>,
    /// When the testing window ends, for a domain in testing.
    pub window_ends: Option<Timestamp>,
    /// `(host, notAfter)` of every MX and policy-host certificate seen.
    pub certs: Vec<(String, Timestamp)>,
}

/// A remembered finding: since when it has been present.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Remembered {
    /// Its severity when last seen.
    pub severity: Severity,
    /// When it was first seen (in the current unbroken run of checks that saw it).
    pub since: Timestamp,
}

/// What the previous check of a domain left for the next one.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Memory {
    /// When the check ran.
    pub at: Option<Timestamp>,
    /// Findings by `"code subject"`.
    #[serde(default)]
    pub findings: BTreeMap<String, Remembered>,
    /// The phase, for a tracked domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    /// When the testing window ends, for a domain in testing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_ends: Option<Timestamp>,
    /// Certificates already announced as expiring: host → notAfter.
    #[serde(default)]
    pub expiring: BTreeMap<String, Timestamp>,
}

/// How alerts are raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A finding still present is announced again every this many days (at least 1).
    pub remind_days: i64,
    /// A certificate expiring within this many days is announced (once per notAfter).
    pub expiry_warning_days: i64,
}

/// One change worth telling someone about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    /// A finding that the previous check did not have.
    FindingAppeared {
        /// Finding code.
        code: String,
        /// Its severity.
        severity: Severity,
        /// What it is about.
        subject: String,
        /// What is wrong.
        message: String,
    },
    /// A finding present for another [`Rules::remind_days`] days.
    StillFailing {
        /// Finding code.
        code: String,
        /// Its severity.
        severity: Severity,
        /// What it is about.
        subject: String,
        /// Days since it was first seen.
        days: i64,
    },
    /// A finding the previous check had and this one does not.
    FindingCleared {
        /// Finding code.
        code: String,
        /// What it was about.
        subject: String,
    },
    /// The rollout phase changed.
    PhaseMoved {
        /// The previous phase.
        from: Phase,
        /// The current phase.
        to: Phase,
    },
    /// The testing window ended since the previous check.
    WindowEnded {
        /// When it ended.
        ended_at: Timestamp,
    },
    /// A certificate expires within the warning period.
    CertExpiring {
        /// The host presenting it.
        host: String,
        /// Its notAfter.
        not_after: Timestamp,
        /// Whole days left (negative once expired).
        days: i64,
    },
}

fn days_between(from: Timestamp, to: Timestamp) -> i64 {
    to.as_second().saturating_sub(from.as_second()).div_euclid(DAY_SECS)
}

/// The changes between the previous check's memory (`None` for the first check) and what this
/// check saw, and the memory to keep for the next one.
pub fn diff(prev: Option<&Memory>, cur: &Current, now: Timestamp, rules: Rules) -> (Vec<Change>, Memory) {
    let empty = Memory::default();
    let prev = prev.unwrap_or(&empty);
    let remind = rules.remind_days.max(1);
    let mut changes = Vec::new();
    let mut findings = BTreeMap::new();
    for f in cur.findings.iter().filter(|f| f.severity >= Severity::Warning) {
        let key = format!("{} {}", f.code, f.subject);
        let since = match prev.findings.get(&key) {
            Some(old) => {
                let (before, after) =
                    (days_between(old.since, prev.at.unwrap_or(old.since)), days_between(old.since, now));
                if after / remind > before / remind {
                    changes.push(Change::StillFailing {
                        code: f.code.clone(),
                        severity: f.severity,
                        subject: f.subject.clone(),
                        days: after,
                    });
                }
                old.since
            }
            None => {
                changes.push(Change::FindingAppeared {
                    code: f.code.clone(),
                    severity: f.severity,
                    subject: f.subject.clone(),
                    message: f.message.clone(),
                });
                now
            }
        };
        findings.insert(key, Remembered { severity: f.severity, since });
    }
    for key in prev.findings.keys().filter(|k| !findings.contains_key(*k)) {
        let (code, subject) = key.split_once(' ').unwrap_or((key.as_str(), ""));
        changes.push(Change::FindingCleared { code: code.to_owned(), subject: subject.to_owned() });
    }
    if let (Some(from), Some(to)) = (prev.phase, cur.phase)
        && from != to
    {
        changes.push(Change::PhaseMoved { from, to });
    }
    if let Some(ends) = prev.window_ends
        && prev.at.is_some_and(|at| at < ends)
        && now >= ends
    {
        changes.push(Change::WindowEnded { ended_at: ends });
    }
    let mut expiring = BTreeMap::new();
    for (host, not_after) in &cur.certs {
        let days = days_between(now, *not_after);
        if days >= rules.expiry_warning_days {
            continue;
        }
        if prev.expiring.get(host) != Some(not_after) {
            changes.push(Change::CertExpiring { host: host.clone(), not_after: *not_after, days });
        }
        expiring.insert(host.clone(), *not_after);
    }
    let memory = Memory { at: Some(now), findings, phase: cur.phase, window_ends: cur.window_ends, expiring };
    (changes, memory)
}
