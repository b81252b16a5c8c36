//! The rollout's model: everything mtasts remembers about one domain ([`DomainState`]), as the
//! state file keeps it, and the records it is made of. Plain data; the operations are above it.

use jiff::Timestamp;

use super::blocker::BlockerKind;
use super::observe::Observation;
use super::phase::{HostingPath, Phase};
use super::timeline::{NsSettle, PlannedChange, PolicyVersion, Removal};
use super::walkthrough::Walkthrough;
use crate::finding::Verdict;
use crate::publish::setup::DnsSetup;
use crate::rfc::{DomainName, Mode, MxPattern, Policy, PolicyId, RuaUri};
use crate::snippet;

/// Version of the state file layout. 2 added the policy history (`history`,
/// `history_since`) and the planned change (`change`); a schema-1 file loads with both empty.
pub const SCHEMA: u32 = 2;
/// Default length of the testing window in days.
pub const DEFAULT_WINDOW_DAYS: u32 = 30;
/// `max_age` while testing (one day).
pub const TESTING_MAX_AGE: u32 = 86_400;
/// `max_age` once enforcing (one week).
pub const ENFORCE_MAX_AGE: u32 = 604_800;
/// `max_age` of the `mode: none` policy published to roll back.
pub const ROLLBACK_MAX_AGE: u32 = 86_400;
/// How many check results are kept.
pub const MAX_CHECKS: usize = 60;

/// Everything mtasts remembers about one domain.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DomainState {
    /// File layout version ([`SCHEMA`]).
    pub schema: u32,
    /// The domain (A-labels).
    pub domain: DomainName,
    /// Current phase.
    pub phase: Phase,
    /// The intended records and policy.
    pub plan: Plan,
    /// Phase history, oldest first.
    #[serde(default)]
    pub transitions: Vec<Transition>,
    /// Every id seen live, with the policy it stands for.
    #[serde(default)]
    pub published: Vec<PublishedId>,
    /// The most recent check results, oldest first (at most [`MAX_CHECKS`]).
    #[serde(default)]
    pub checks: Vec<CheckRecord>,
    /// Gate overrides the user acknowledged.
    #[serde(default)]
    pub acks: Vec<Ack>,
    /// What the most recent check saw, so status and gates can be shown without probing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_observation: Option<Observation>,
    /// Since when live policies are recorded in `history` (tracking, adoption, or the first
    /// check by an mtasts that keeps history); versions live before are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_since: Option<Timestamp>,
    /// Every policy version seen live, oldest first (the sender-cache model's input).
    #[serde(default)]
    pub history: Vec<PolicyVersion>,
    /// A planned MX or `max_age` change in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<PlannedChange>,
    /// The walkthrough's checklist: testers run, reports reviewed.
    #[serde(default, skip_serializing_if = "Walkthrough::is_empty")]
    pub walkthrough: Walkthrough,
    /// The removal of MTA-STS after a rollback, once chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal: Option<Removal>,
    /// When every authoritative nameserver was first seen serving the live `_mta-sts` id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns_settle: Option<NsSettle>,
    /// The DNS provider mtasts publishes the records through, when one is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<DnsSetup>,
}

impl DomainState {
    /// A domain just taken on in preflight with `plan`: no phase entered yet, nothing
    /// published, checked or planned, its policy history starting `now`.
    pub(crate) fn new(domain: DomainName, plan: Plan, now: Timestamp) -> DomainState {
        DomainState {
            schema: SCHEMA,
            domain,
            phase: Phase::Preflight,
            plan,
            transitions: Vec::new(),
            published: Vec::new(),
            checks: Vec::new(),
            acks: Vec::new(),
            last_observation: None,
            history_since: Some(now),
            history: Vec::new(),
            change: None,
            walkthrough: Walkthrough::default(),
            removal: None,
            ns_settle: None,
            dns: None,
        }
    }
}

/// The intended `_mta-sts` / `_smtp._tls` records and policy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Plan {
    /// Policy mode.
    pub mode: Mode,
    /// Policy `max_age` in seconds.
    pub max_age: u32,
    /// Policy `mx` patterns.
    pub mx: Vec<MxPattern>,
    /// The id for the `_mta-sts` record; a new one for every policy body.
    pub id: PolicyId,
    /// When `id` was generated.
    pub id_generated_at: Timestamp,
    /// Report URIs for the `_smtp._tls` record.
    pub rua: Vec<RuaUri>,
    /// How the policy is served, once chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting: Option<HostingPath>,
    /// Certificate, key and webroot paths edited for the web server snippets (defaults when
    /// absent; state files written before this field read as absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_paths: Option<snippet::Options>,
    /// Length of the testing window in days (at least 1).
    pub window_days: u32,
}

impl Plan {
    /// A plan publishing `policy` under `id` (generated `now`), reporting to `rua`, with a
    /// testing window of `window_days` and no hosting path chosen yet.
    pub(crate) fn new(
        policy: Policy,
        id: PolicyId,
        rua: Vec<RuaUri>,
        window_days: u32,
        now: Timestamp,
    ) -> Plan {
        Plan {
            mode: policy.mode,
            max_age: policy.max_age,
            mx: policy.mx,
            id,
            id_generated_at: now,
            rua,
            hosting: None,
            server_paths: None,
            window_days,
        }
    }

    /// The policy this plan publishes.
    pub fn policy(&self) -> Policy {
        Policy { mode: self.mode, max_age: self.max_age, mx: self.mx.clone() }
    }
}

/// Entry into a phase.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Transition {
    /// The phase entered.
    pub phase: Phase,
    /// When.
    pub at: Timestamp,
}

/// An id seen live in DNS and the policy published under it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublishedId {
    /// The id.
    pub id: PolicyId,
    /// SHA-256 (hex) of the canonical policy body for this id.
    pub policy_sha256: String,
    /// The policy's `max_age`.
    pub max_age: u32,
    /// The policy's mode.
    pub mode: Mode,
    /// When the id was first seen live.
    pub at: Timestamp,
}

/// A summary of one full check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckRecord {
    /// When it ran.
    pub at: Timestamp,
    /// Its verdict.
    pub verdict: Verdict,
    /// Number of error findings.
    pub errors: u32,
    /// Number of warning findings.
    pub warnings: u32,
}

/// A recorded decision to move on despite blockers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ack {
    /// When.
    pub at: Timestamp,
    /// The phase whose gate was overridden.
    pub phase: Phase,
    /// The blocker kinds overridden.
    pub overridden: Vec<BlockerKind>,
    /// The user's words.
    pub text: String,
}
