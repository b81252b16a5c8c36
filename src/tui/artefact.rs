//! What the wizard writes besides the hosting snippet, and which policy a phase screen shows:
//! pure rules on a domain's state, shared by the keys, the key table and the screens.

use mtasts_core::rfc::{Mode, Policy};
use mtasts_core::rollout::{DomainState, ENFORCE_MAX_AGE, HostingPath, Phase};

/// What a write prompt writes (besides the hosting snippet, which has its own prompt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artefact {
    /// The policy file `mta-sts.txt`.
    Policy,
    /// The `_mta-sts` and `_smtp._tls` records as zone-file lines, with what the policy host
    /// needs (one new file).
    Records,
    /// The daily check: crontab entry, systemd service and timer (a new folder).
    Monitoring,
    /// `wrangler.jsonc` and the Worker module beside it (a new folder).
    Wrangler,
}

impl Artefact {
    /// Whether it is written as a new folder of files (else one new file).
    pub fn is_folder(self) -> bool {
        !matches!(self, Artefact::Policy | Artefact::Records)
    }
}

/// The policy the screen `viewing` shows: the plan's, except that the enforce screens seen
/// before the domain gets there preview the enforce policy (`mode: enforce`,
/// `max_age: 604800`; its new id is generated when `n` advances).
pub fn shown_policy(state: &DomainState, viewing: Phase) -> Policy {
    let plan = state.plan.policy();
    if previewing_enforce(state, viewing) {
        Policy { mode: Mode::Enforce, max_age: ENFORCE_MAX_AGE, ..plan }
    } else {
        plan
    }
}

/// Whether `viewing` is an enforce screen the domain has not reached yet.
pub fn previewing_enforce(state: &DomainState, viewing: Phase) -> bool {
    matches!(viewing, Phase::Enforce | Phase::Enforced) && state.phase < Phase::Enforce
}

/// Whether `state`'s hosting path reads certificate and webroot paths.
pub fn edits_paths(state: &DomainState) -> bool {
    matches!(state.plan.hosting, Some(HostingPath::Nginx | HostingPath::Apache | HostingPath::Caddy))
}

/// Whether `state`'s hosting path is a Worker (so the wrangler project applies).
pub fn is_worker(state: &DomainState) -> bool {
    matches!(state.plan.hosting, Some(HostingPath::Worker | HostingPath::WorkerMulti))
}

/// Whether `state` is on the shared Worker (path C: one Worker for every such domain).
pub fn is_shared_worker(state: &DomainState) -> bool {
    state.plan.hosting == Some(HostingPath::WorkerMulti)
}
