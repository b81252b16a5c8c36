//! What a domain's state and its latest check make possible, for the keys that depend on it:
//! a key is offered only where it can act (`n` with a phase to leave, `x` once the countdown
//! is over, the demo's `p` while something is due). Pure rules on the [`App`].

use super::app::App;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{
    DomainState, Observation, Phase, Step, current_step, detect_drift, id_not_bumped, publish_steps,
    rollback_countdown,
};

/// The latest observation of `s`: this session's check, else the saved one.
fn observed<'a>(app: &'a App, s: &'a DomainState) -> Option<&'a Observation> {
    app.checked(&s.domain).map(|c| &c.observation).or(s.last_observation.as_ref())
}

/// Whether `n` can do something: a phase to leave, a planned change to confirm, or (enforced)
/// maintenance the latest check calls for. Enforced and rollback have no next phase.
pub fn can_advance(app: &App, s: &DomainState) -> bool {
    match s.phase {
        _ if s.change.is_some() => true,
        Phase::Enforced => {
            observed(app, s).is_some_and(|o| detect_drift(s, o).is_some() || id_not_bumped(s, o))
        }
        Phase::Rollback => false,
        _ => true,
    }
}

/// Whether MTA-STS can be removed now: the rollback countdown is over and no removal runs.
pub fn can_retire(app: &App, s: &DomainState) -> bool {
    s.removal.is_none() && rollback_countdown(s, app.now).is_some_and(|c| c.complete)
}

/// Whether the chosen hosting path has a snippet (copy and write have something to act on).
pub fn has_snippet(app: &App, s: &DomainState) -> bool {
    matches!(app.snippet(s), Some(Ok(_)))
}

/// In the enforce phase, a rollback or a planned change the id goes out only after the new policy is live
/// (RFC 8461 §8.1): the first of the publication steps.
pub fn records_next(app: &App, s: &DomainState) -> bool {
    if !matches!(s.phase, Phase::Enforce | Phase::Rollback) && s.change.is_none() {
        return true;
    }
    publish_steps(s, observed(app, s)).first().is_some_and(|step| step.done)
}

/// What the demo's `p` publishes from `viewing`'s screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Remove the records (retiring).
    RemoveRecords,
    /// The `_mta-sts` and `_smtp._tls` records.
    Records,
    /// The policy file.
    Policy,
}

/// What `p` publishes from `viewing`'s screen, if anything is due: nothing once the latest
/// check shows it live already (publishing it again would change nothing).
pub fn publish_due(app: &App, s: &DomainState, viewing: Phase) -> Option<Due> {
    let obs = observed(app, s);
    if s.removal.is_some() {
        return obs.is_none_or(|o| o.sts_id.is_some()).then_some(Due::RemoveRecords);
    }
    let records_first =
        matches!(viewing, Phase::Records | Phase::Enforce | Phase::Enforced) && records_next(app, s);
    if records_first {
        let live = obs.is_some_and(|o| {
            o.sts_id.as_ref() == Some(&s.plan.id) && o.tlsrpt_rua.as_ref() == Some(&s.plan.rua)
        });
        (!live).then_some(Due::Records)
    } else if viewing != Phase::Records {
        let live = obs.is_some_and(|o| o.live_policy.as_ref() == Some(&s.plan.policy()));
        (!live).then_some(Due::Policy)
    } else {
        None
    }
}

/// While a planned MX change is at its DNS step: the MX hosts it wants (the live ones, less
/// those it removes, plus the exact hosts it adds).
pub fn switched_mx(app: &App, s: &DomainState) -> Option<Vec<DomainName>> {
    let (_, Step::SwitchMx { add, remove }) = current_step(s)? else { return None };
    let live = observed(app, s).and_then(|o| o.live_mx.clone()).unwrap_or_default();
    let mut hosts: Vec<DomainName> =
        live.into_iter().filter(|h| !remove.iter().any(|p| p.matches(h.as_str()))).collect();
    for p in add.iter().filter(|p| !p.is_wildcard()) {
        if !hosts.contains(p.base()) {
            hosts.push(p.base().clone());
        }
    }
    Some(hosts)
}

/// Whether the demo's `p` has MX records to publish: a planned change at its DNS step whose
/// hosts the latest check does not show live yet.
pub fn mx_due(app: &App, s: &DomainState) -> bool {
    let Some(mut want) = switched_mx(app, s) else { return false };
    let mut live = observed(app, s).and_then(|o| o.live_mx.clone()).unwrap_or_default();
    want.sort();
    live.sort();
    want != live
}
