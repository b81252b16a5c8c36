//! Tracked-domain operations shared by the CLI and the TUI: each is one read-modify-write of
//! the domain's state file under the store's lock, around the pure rollout functions.

use crate::rfc::{DomainName, MxPattern, RuaUri};
use crate::rollout::{
    self, Blocked, DomainState, HostingPath, ReportTally, Transition, adopt, new_domain, plan_rollback,
    record_check, set_hosting, set_window_days,
};
use crate::store::{Store, StoreError};

use super::Checked;

/// Why an operation could not be done.
#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// Reading or writing state failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No MX hosts were given and DNS has none.
    #[error(
        "{0} has no MX records in DNS (or the lookup failed); give the MX hosts with --mx HOST, \
         or, if the domain receives no mail, it needs no MTA-STS"
    )]
    NoMx(DomainName),
    /// A planned change could not be made.
    #[error(transparent)]
    Plan(#[from] rollout::PlanError),
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
            return Err(OpsError::NoMx(checked.domain.clone()));
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
