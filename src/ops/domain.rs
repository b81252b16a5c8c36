//! Tracked-domain operations shared by the CLI and the TUI: each is one read-modify-write of
//! the domain's state file under the store's lock, around the pure rollout functions.

use crate::store::{Store, StoreError};
use mtasts_core::rfc::{DomainName, MxPattern, RuaUri};
use mtasts_core::rollout::{
    self, Blocked, DomainState, HostingPath, ReportTally, Transition, adopt, new_domain, plan_rollback,
    record_check, set_hosting, set_window_days,
};

use super::Checked;

/// Why an operation could not be done.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// Reading or writing state failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No MX hosts were given and DNS named none; the second field says why, in words.
    #[error(
        "{0}: {1}; give the MX hosts with --mx HOST, or, if the domain receives no mail, it \
         needs no MTA-STS"
    )]
    NoMx(DomainName, String),
    /// The policy would list more MX hosts than mtasts plans for.
    #[error(
        "{0}: {1} MX hosts, more than the {max} a tracked domain may list; give the ones that \
         receive mail with --mx HOST",
        max = mtasts_core::rfc::MAX_POLICY_MX
    )]
    TooManyMx(DomainName, usize),
    /// A planned change could not be made.
    #[error(transparent)]
    Plan(#[from] rollout::PlanError),
    /// A way out of a rollback cannot be taken now.
    #[error(transparent)]
    WayOut(#[from] rollout::WayOutError),
}

/// What the MX lookup of a check said, in words, when it named no MX host: "the DNS resolver
/// did not answer", "the domain does not exist (NXDOMAIN)", "the domain has no MX records".
pub fn mx_lookup_words(checked: &Checked) -> Option<String> {
    use mtasts_core::evidence::Lookup;
    let words = match &checked.evidence.mx {
        Lookup::Found(list) if !list.is_empty() => return None,
        Lookup::Found(_) | Lookup::NoData => "the domain has no MX records".to_owned(),
        Lookup::NxDomain => "the domain does not exist (NXDOMAIN)".to_owned(),
        Lookup::Timeout => {
            "the DNS resolver did not answer in time — check the network or --resolver".to_owned()
        }
        Lookup::ServFail => "the DNS resolver did not answer: it returned SERVFAIL (often a DNSSEC \
                             failure upstream)"
            .to_owned(),
        Lookup::Error(e) => {
            format!(
                "the DNS resolver did not answer ({}) — check the network or --resolver",
                mtasts_core::sanitize::sanitize(e)
            )
        }
    };
    Some(words)
}

/// What `add` may override; empty values mean "from DNS" / "the default".
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// MX patterns for the policy (default: the MX hosts in DNS).
    pub mx: Vec<MxPattern>,
    /// TLS-RPT report URIs (default: `mailto:tlsrpt@DOMAIN`).
    pub rua: Vec<RuaUri>,
    /// The hosting path, when already decided.
    pub hosting: Option<HostingPath>,
    /// Length of the testing window in days (default 30).
    pub window_days: Option<u32>,
}

/// The result of [`add`].
#[derive(Debug, Clone)]
pub struct Added {
    /// The new state, as saved.
    pub state: DomainState,
    /// True when the domain already published MTA-STS and its live setup became the plan.
    pub adopted: bool,
}

/// Starts tracking a checked domain. A domain that already publishes MTA-STS is adopted: the
/// live policy, id and rua become the plan and it starts at the phase the live state shows.
pub fn add(store: &Store, checked: &Checked, opts: AddOptions) -> Result<Added, OpsError> {
    let obs = &checked.observation;
    let now = checked.at;
    let adopted = obs.sts_id.is_some() || obs.live_policy.is_some();
    let mut state = if adopted {
        record_check(adopt(checked.domain.clone(), obs, now), obs)
    } else {
        let mx = if opts.mx.is_empty() {
            obs.live_mx.clone().unwrap_or_default().into_iter().map(MxPattern::exact).collect()
        } else {
            opts.mx
        };
        if mx.is_empty() {
            let why = mx_lookup_words(checked).unwrap_or_else(|| "no MX host was given".to_owned());
            return Err(OpsError::NoMx(checked.domain.clone(), why));
        }
        let rua = if opts.rua.is_empty() { vec![RuaUri::default_for(&checked.domain)] } else { opts.rua };
        record_check(new_domain(checked.domain.clone(), mx, rua, opts.window_days, now), obs)
    };
    if let Some(path) = opts.hosting {
        state = set_hosting(state, path);
    }
    if adopted && let Some(days) = opts.window_days {
        state = set_window_days(state, days);
    }
    if state.plan.mx.len() > mtasts_core::rfc::MAX_POLICY_MX {
        return Err(OpsError::TooManyMx(checked.domain.clone(), state.plan.mx.len()));
    }
    store.create(&state)?;
    Ok(Added { state, adopted })
}

/// The result of [`advance`].
#[derive(Debug, Clone)]
pub struct Advanced {
    /// The state as saved (with the check recorded, moved on or not).
    pub state: DomainState,
    /// The move, when the gate passed.
    pub transition: Option<Transition>,
    /// The blockers, when it did not.
    pub blocked: Option<Blocked>,
}

/// Records the check (if any) and tries to pass the current gate, in one locked update. The
/// check is saved even when the gate blocks.
pub fn advance(
    store: &Store,
    domain: &DomainName,
    checked: Option<&Checked>,
    reports: Option<&ReportTally>,
    ack: Option<String>,
    now: jiff::Timestamp,
) -> Result<Advanced, OpsError> {
    let mut outcome = (None, None);
    let state = store.update(domain, |state| -> Result<DomainState, OpsError> {
        let state = match checked {
            Some(c) => record_check(state, &c.observation),
            None => state,
        };
        let obs = checked.map(|c| &c.observation).or(state.last_observation.as_ref()).cloned();
        match rollout::advance(state.clone(), obs.as_ref(), reports, ack, now) {
            Ok((next, transition)) => {
                outcome.0 = Some(transition);
                Ok(next)
            }
            Err(blocked) => {
                outcome.1 = Some(blocked);
                Ok(state)
            }
        }
    })?;
    Ok(Advanced { state, transition: outcome.0, blocked: outcome.1 })
}

/// Saves a check result for a tracked domain.
pub fn record(store: &Store, checked: &Checked) -> Result<DomainState, OpsError> {
    store.update(&checked.domain, |state| Ok(record_check(state, &checked.observation)))
}

/// Plans the rollback (`mode: none`, small max_age, new id).
pub fn rollback(store: &Store, domain: &DomainName, now: jiff::Timestamp) -> Result<DomainState, OpsError> {
    store.update(domain, |state| Ok(plan_rollback(state, now)))
}

/// Applies `change` to the plan under the lock (edit MX, rua, hosting, window).
pub fn edit(
    store: &Store,
    domain: &DomainName,
    change: impl FnOnce(DomainState) -> DomainState,
) -> Result<DomainState, OpsError> {
    store.update(domain, |state| Ok(change(state)))
}

/// Back to testing after a rollback: a new id and a fresh testing window.
pub fn resume(store: &Store, domain: &DomainName, now: jiff::Timestamp) -> Result<DomainState, OpsError> {
    store.update(domain, |state| Ok(rollout::resume_testing(state, now)?.0))
}

/// Starts removing MTA-STS after the rollback countdown: the records first.
pub fn retire(store: &Store, domain: &DomainName, now: jiff::Timestamp) -> Result<DomainState, OpsError> {
    store.update(domain, |state| Ok(rollout::plan_removal(state, now)?))
}

/// Replaces the planned MX hosts with `mx`: before any policy was published the plan simply
/// changes (with a new id); once one was, the change is planned step by step
/// ([`rollout::plan_mx`]) so no sender's cached policy refuses a live MX host.
pub fn set_mx(
    store: &Store,
    domain: &DomainName,
    mx: Vec<MxPattern>,
    now: jiff::Timestamp,
) -> Result<DomainState, OpsError> {
    store.update(domain, |state| {
        if state.published.is_empty() && state.history.is_empty() {
            if mx.is_empty() {
                return Err(rollout::PlanError::NoMx.into());
            }
            return Ok(rollout::set_mx(state, mx, now));
        }
        let add: Vec<MxPattern> = mx.iter().filter(|m| !state.plan.mx.contains(m)).cloned().collect();
        let remove: Vec<MxPattern> = state.plan.mx.iter().filter(|m| !mx.contains(m)).cloned().collect();
        Ok(rollout::plan_mx(state, add, remove, now)?)
    })
}
