//! Policy history: every policy version seen live for a domain, the input of the sender-cache
//! model ([`super::cache`]).
//!
//! A version is an id together with the policy body served under it (a body changed without a
//! new id is a second version: senders that cached the first keep it). Checks record what is
//! live; a version stops being live only when a check sees a *different* valid version (a
//! missing record or an unreachable policy host is not a replacement: senders keep what they
//! cached, RFC 8461 §5.1). Since nothing is known between two checks, the moment a version was
//! last possibly live is the first check that saw it replaced, not the last one that saw it.

use jiff::Timestamp;

use super::observe::Observation;
use crate::rfc::{Mode, MxPattern, Policy, PolicyId};

/// Most versions kept per domain (the oldest, long expired, are dropped first).
pub const MAX_VERSIONS: usize = 100;

/// One policy version that was live.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyVersion {
    /// The `_mta-sts` id it was published under.
    pub id: PolicyId,
    /// SHA-256 (hex) of the canonical policy body.
    pub policy_sha256: String,
    /// The policy's mode.
    pub mode: Mode,
    /// The policy's `mx` patterns.
    pub mx: Vec<MxPattern>,
    /// The policy's `max_age` in seconds.
    pub max_age: u32,
    /// When it was first seen live.
    pub first_seen: Timestamp,
    /// When it was last seen live.
    pub last_seen: Timestamp,
    /// When a check first saw another version live instead; `None` while it is the live one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_seen: Option<Timestamp>,
}

impl PolicyVersion {
    /// The policy this version stands for.
    pub fn policy(&self) -> Policy {
        Policy { mode: self.mode, max_age: self.max_age, mx: self.mx.clone() }
    }

    /// Whether this version is `id` with `policy`.
    pub fn is(&self, id: &PolicyId, policy: &Policy) -> bool {
        &self.id == id && self.policy_sha256 == policy.sha256_hex()
    }

    /// The latest moment it may have been live: when it was seen replaced, or (still live)
    /// `now`.
    pub fn live_until(&self, now: Timestamp) -> Timestamp {
        match self.replaced_seen {
            Some(t) => t,
            None => now.max(self.last_seen),
        }
    }
}

/// Records that `id` with `policy` was seen live at `at`: extends its version or starts a new
/// one, and marks the version live before it as replaced at `at`. Observations older than the
/// newest recorded one change nothing (history only moves forward).
pub fn note_live(
    mut history: Vec<PolicyVersion>,
    id: &PolicyId,
    policy: &Policy,
    at: Timestamp,
) -> Vec<PolicyVersion> {
    if history.iter().any(|v| v.last_seen > at || v.replaced_seen.is_some_and(|r| r > at)) {
        return history;
    }
    let sha = policy.sha256_hex();
    for v in
        history.iter_mut().filter(|v| v.replaced_seen.is_none() && !(v.id == *id && v.policy_sha256 == sha))
    {
        v.replaced_seen = Some(at);
    }
    match history.iter_mut().find(|v| v.id == *id && v.policy_sha256 == sha) {
        Some(v) => {
            v.last_seen = at;
            v.replaced_seen = None;
        }
        None => history.push(PolicyVersion {
            id: id.clone(),
            policy_sha256: sha,
            mode: policy.mode,
            mx: policy.mx.clone(),
            max_age: policy.max_age,
            first_seen: at,
            last_seen: at,
            replaced_seen: None,
        }),
    }
    history.sort_by_key(|v| (v.replaced_seen.is_none(), v.replaced_seen, v.first_seen));
    let excess = history.len().saturating_sub(MAX_VERSIONS);
    history.drain(..excess);
    history
}

/// The history after one check: the version it saw live, if it saw a valid id and policy.
pub fn observe(history: Vec<PolicyVersion>, obs: &Observation) -> Vec<PolicyVersion> {
    match (&obs.sts_id, &obs.live_policy) {
        (Some(id), Some(policy)) => note_live(history, id, policy, obs.at),
        _ => history,
    }
}

/// The version live as of the latest check, if any.
pub fn current(history: &[PolicyVersion]) -> Option<&PolicyVersion> {
    history.iter().rev().find(|v| v.replaced_seen.is_none())
}
