//! Planned MX and `max_age` changes: each operation records the check it is given and then
//! plans, advances or cancels the change, in one locked update of the domain's state file.

use crate::store::Store;
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{self, DomainState, record_check};

use super::{Checked, OpsError};

/// What to change.
#[derive(Debug, Clone)]
pub enum ChangeRequest {
    /// Add and remove MX patterns.
    Mx {
        /// Patterns to add.
        add: Vec<MxPattern>,
        /// Patterns to remove.
        remove: Vec<MxPattern>,
    },
    /// A new `max_age` in seconds.
    MaxAge(u32),
}

/// Records the check, then plans the change and starts its first step.
pub fn plan(store: &Store, checked: &Checked, request: ChangeRequest) -> Result<DomainState, OpsError> {
    let now = checked.at;
    store.update(&checked.domain, |state| {
        let state = record_check(state, &checked.observation);
        let planned = match request {
            ChangeRequest::Mx { add, remove } => rollout::plan_mx(state, add, remove, now),
            ChangeRequest::MaxAge(to) => rollout::plan_max_age(state, to, now),
        };
        planned.map_err(OpsError::from)
    })
}

/// Records the check and completes every step it and the clock show done. Returns the new
/// state and the (0-based) steps completed now.
pub fn confirm(
    store: &Store,
    checked: &Checked,
    now: jiff::Timestamp,
) -> Result<(DomainState, Vec<usize>), OpsError> {
    let mut completed = Vec::new();
    let state = store.update(&checked.domain, |state| {
        let state = record_check(state, &checked.observation);
        let (state, done) = rollout::advance_change(state, Some(&checked.observation), now);
        completed = done;
        Ok::<_, OpsError>(state)
    })?;
    Ok((state, completed))
}

/// Abandons the change in progress.
pub fn cancel(store: &Store, domain: &DomainName) -> Result<DomainState, OpsError> {
    store.update(domain, |state| Ok(rollout::cancel(state)))
}
