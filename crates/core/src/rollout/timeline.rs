//! What the state keeps over time besides the plan: every policy version seen live (the
//! sender-cache model's input), when every nameserver came to serve the live id, and a planned
//! change or a removal in progress. Plain data; the operations are in [`super::history`],
//! [`super::settle`], [`super::change`] and [`super::removal`].

use jiff::Timestamp;

use super::time::add_secs;
use crate::rfc::{Mode, MxPattern, Policy, PolicyId};

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

/// When every authoritative nameserver came to serve one `_mta-sts` id (kept in the state
/// file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NsSettle {
    /// The id they all serve.
    pub id: PolicyId,
    /// When a check first saw every nameserver serve it.
    pub since: Timestamp,
    /// The TTL (seconds) they give its record.
    #[serde(default)]
    pub ttl: u32,
    /// How long after `since` a resolver may still hold the record before it (seconds): the
    /// longer of that record's TTL, when a check saw it, and this one's.
    #[serde(default)]
    pub wait_secs: u32,
    /// The last check that asked the nameservers did not see every one serve `id`; `since`
    /// starts again when one does.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lapsed: bool,
}

impl NsSettle {
    /// When a resolver can no longer hold the record before `id`.
    pub fn until(&self) -> Timestamp {
        add_secs(self.since, i64::from(self.wait_secs))
    }
}

/// What is being changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChangeKind {
    /// MX hosts added and removed, against the plan's patterns `from`.
    Mx {
        /// The plan's patterns when the change was planned.
        from: Vec<MxPattern>,
        /// Patterns to add.
        add: Vec<MxPattern>,
        /// Patterns to remove.
        remove: Vec<MxPattern>,
    },
    /// A new `max_age`.
    MaxAge {
        /// The `max_age` when the change was planned.
        from: u32,
        /// The new `max_age`.
        to: u32,
    },
}

/// A change in progress, as saved in the state file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlannedChange {
    /// What changes.
    #[serde(flatten)]
    pub kind: ChangeKind,
    /// When it was planned.
    pub planned_at: Timestamp,
    /// When each step so far was completed, in step order.
    #[serde(default)]
    pub done: Vec<Timestamp>,
}

/// A removal of MTA-STS in progress, as saved in the state file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Removal {
    /// When the user chose to remove MTA-STS.
    pub planned_at: Timestamp,
    /// When a check first saw the `_mta-sts` record gone (`None` while it is live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_gone_at: Option<Timestamp>,
}
