//! The persistent per-domain rollout state and the small pure operations on it.

use jiff::Timestamp;

use super::change::PlannedChange;
use super::history::{self, PolicyVersion};
use super::observe::Observation;
use super::phase::{HostingPath, Phase};
use crate::finding::Verdict;
use crate::rfc::{DomainName, Mode, MxPattern, Policy, PolicyId, RuaUri};

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
    #[serde(default, skip_serializing_if = "super::testers::Walkthrough::is_empty")]
    pub walkthrough: super::testers::Walkthrough,
    /// The removal of MTA-STS after a rollback, once chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal: Option<super::removal::Removal>,
    /// When every authoritative nameserver was first seen serving the live `_mta-sts` id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns_settle: Option<super::settle::NsSettle>,
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
    pub server_paths: Option<crate::snippet::Options>,
    /// Length of the testing window in days (at least 1).
    pub window_days: u32,
}

impl Plan {
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
    pub overridden: Vec<super::gate::BlockerKind>,
    /// The user's words.
    pub text: String,
}

/// The policy the plan publishes.
pub fn planned_policy(state: &DomainState) -> Policy {
    state.plan.policy()
}

/// Starts tracking a domain in preflight: `mode: testing`, `max_age` one day, a fresh id,
/// `rua` defaulting to `mailto:tlsrpt@DOMAIN`, a testing window of `window_days` (default 30,
/// at least 1).
pub fn new_domain(
    domain: DomainName,
    mx: Vec<MxPattern>,
    rua: Vec<RuaUri>,
    window_days: Option<u32>,
    now: Timestamp,
) -> DomainState {
    let rua = if rua.is_empty() { vec![RuaUri::default_for(&domain)] } else { rua };
    DomainState {
        schema: SCHEMA,
        phase: Phase::Preflight,
        plan: Plan {
            mode: Mode::Testing,
            max_age: TESTING_MAX_AGE,
            mx,
            id: PolicyId::generate(now, None),
            id_generated_at: now,
            rua,
            hosting: None,
            server_paths: None,
            window_days: window_days.unwrap_or(DEFAULT_WINDOW_DAYS).max(1),
        },
        domain,
        transitions: vec![Transition { phase: Phase::Preflight, at: now }],
        published: Vec::new(),
        checks: Vec::new(),
        acks: Vec::new(),
        last_observation: None,
        history_since: Some(now),
        history: Vec::new(),
        change: None,
        walkthrough: Default::default(),
        removal: None,
        ns_settle: None,
    }
}

/// An id that differs from the plan's and from every id ever published.
pub(crate) fn fresh_id(state: &DomainState, now: Timestamp) -> PolicyId {
    let mut id = PolicyId::generate(now, Some(&state.plan.id));
    for _ in 0..1000 {
        if id != state.plan.id && !state.published.iter().any(|p| p.id == id) {
            break;
        }
        id = PolicyId::generate(now, Some(&id));
    }
    id
}

/// A new id for the current plan (the fix when a policy changed without one).
pub fn bump_id(mut state: DomainState, now: Timestamp) -> DomainState {
    state.plan.id = fresh_id(&state, now);
    state.plan.id_generated_at = now;
    state
}

/// Changes the plan; a new id is generated when the policy body changes.
pub(crate) fn replan(state: DomainState, now: Timestamp, change: impl FnOnce(&mut Plan)) -> DomainState {
    let before = state.plan.policy();
    let mut state = state;
    change(&mut state.plan);
    if state.plan.policy() != before {
        state = bump_id(state, now);
    }
    state
}

/// Replaces the planned MX patterns (new id when they change).
pub fn set_mx(state: DomainState, mx: Vec<MxPattern>, now: Timestamp) -> DomainState {
    replan(state, now, |p| p.mx = mx)
}

/// Replaces the planned `rua` URIs (empty means the default). The policy id is unaffected.
pub fn set_rua(mut state: DomainState, rua: Vec<RuaUri>) -> DomainState {
    state.plan.rua = if rua.is_empty() { vec![RuaUri::default_for(&state.domain)] } else { rua };
    state
}

/// Chooses how the policy is served.
pub fn set_hosting(mut state: DomainState, hosting: HostingPath) -> DomainState {
    state.plan.hosting = Some(hosting);
    state
}

/// Changes the testing window length (at least one day).
pub fn set_window_days(mut state: DomainState, days: u32) -> DomainState {
    state.plan.window_days = days.max(1);
    state
}

/// Moves to `phase` and records the transition.
pub(crate) fn enter(mut state: DomainState, phase: Phase, now: Timestamp) -> (DomainState, Transition) {
    let t = Transition { phase, at: now };
    state.phase = phase;
    state.transitions.push(t.clone());
    (state, t)
}

/// When the current phase was entered (the last transition into it).
pub fn entered_at(state: &DomainState, phase: Phase) -> Option<Timestamp> {
    state.transitions.iter().rev().find(|t| t.phase == phase).map(|t| t.at)
}

/// Records a check result (keeping the last [`MAX_CHECKS`]), notes when every nameserver came
/// to serve the live id and, the first time the planned id and the planned policy are both
/// live, logs the id as published with the policy's hash.
pub fn record_check(mut state: DomainState, obs: &Observation) -> DomainState {
    state.checks.push(CheckRecord {
        at: obs.at,
        verdict: obs.verdict,
        errors: u32::try_from(obs.error_codes.len()).unwrap_or(u32::MAX),
        warnings: u32::try_from(obs.warning_codes.len()).unwrap_or(u32::MAX),
    });
    let excess = state.checks.len().saturating_sub(MAX_CHECKS);
    state.checks.drain(..excess);
    state.last_observation = Some(obs.clone());
    state.history_since.get_or_insert(obs.at);
    state.history = history::observe(std::mem::take(&mut state.history), obs);
    state.ns_settle = super::settle::settle(state.ns_settle.take(), obs);
    let policy = state.plan.policy();
    if obs.sts_id.as_ref() == Some(&state.plan.id) && obs.live_policy.as_ref() == Some(&policy) {
        state = note_published(state, &policy, obs.at);
    }
    super::removal::observe_removal(state, obs)
}

/// Logs the plan's id as published with `policy`, unless already logged.
pub(crate) fn note_published(mut state: DomainState, policy: &Policy, at: Timestamp) -> DomainState {
    if !state.published.iter().any(|p| p.id == state.plan.id) {
        state.published.push(PublishedId {
            id: state.plan.id.clone(),
            policy_sha256: policy.sha256_hex(),
            max_age: policy.max_age,
            mode: policy.mode,
            at,
        });
    }
    state
}
