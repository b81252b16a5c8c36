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
use super::timeline::PolicyVersion;
use crate::rfc::{Policy, PolicyId};

/// Most versions kept per domain (the oldest, long expired, are dropped first).
pub const MAX_VERSIONS: usize = 100;

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
