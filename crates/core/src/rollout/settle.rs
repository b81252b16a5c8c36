//! Nameserver settling: a newly published `_mta-sts` id reaches every sender only once every
//! authoritative nameserver serves it and the previous record's TTL has passed since the last
//! one did (until then a resolver may still hold the old record). The state remembers when a
//! check first saw them all serve the id ([`NsSettle`]); the gates that depend on a new id and
//! each publication step of a planned change wait for it ([`ns_settled`]).

use jiff::Timestamp;

use super::model::DomainState;
use super::observe::Observation;
use super::time::short_time;
use super::timeline::NsSettle;
use crate::rfc::PolicyId;

/// The settle after one more check. A check that did not hear from the nameservers leaves it
/// as it was; applying the same check twice changes nothing.
pub fn settle(prev: Option<NsSettle>, obs: &Observation) -> Option<NsSettle> {
    let Some(ns) = &obs.ns_sts else { return prev };
    let Some(id) = &ns.id else {
        return prev.map(|p| NsSettle { lapsed: true, ..p });
    };
    let ttl = ns.ttl.unwrap_or(0);
    match prev {
        Some(p) if &p.id == id && !p.lapsed => Some(p),
        Some(p) if &p.id == id => Some(NsSettle { since: obs.at, lapsed: false, ..p }),
        prev => Some(NsSettle {
            id: id.clone(),
            since: obs.at,
            ttl,
            wait_secs: prev.map_or(ttl, |p| p.ttl.max(ttl)),
            lapsed: false,
        }),
    }
}

/// The settle of an adopted domain: an id every nameserver serves was live before tracking
/// started, so there is nothing to wait for.
pub(crate) fn adopted(obs: &Observation) -> Option<NsSettle> {
    let ns = obs.ns_sts.as_ref()?;
    Some(NsSettle {
        id: ns.id.clone()?,
        since: obs.at,
        ttl: ns.ttl.unwrap_or(0),
        wait_secs: 0,
        lapsed: false,
    })
}

/// Whether no resolver can hold a record older than `id` at `now`, judged by the check `obs`
/// and the settle the state remembers: `Ok(None)` when nothing is known about the nameservers
/// (no wait is invented) or no other id was ever live (nothing older to drop), `Ok(Some(t))` when the wait ended at `t`, `Err(what is left)` while
/// a nameserver lags or the previous record's TTL runs.
pub fn ns_settled(
    state: &DomainState,
    obs: &Observation,
    id: &PolicyId,
    now: Timestamp,
) -> Result<Option<Timestamp>, String> {
    let skipped = skipped(obs);
    if obs.ns_sts.as_ref().is_some_and(|ns| ns.id.as_ref() != Some(id)) {
        return Err(format!(
            "not every authoritative nameserver serves id {id} yet{skipped}; wait until each one does, then \
             for the previous record's TTL"
        ));
    }
    // A first publication replaces no record, so no resolver holds one to drop.
    if !state.published.iter().any(|p| &p.id != id) {
        return Ok(None);
    }
    let Some(s) = known(state, Some(obs), id) else { return Ok(None) };
    let until = s.until();
    if until > now {
        let who = if skipped.is_empty() { "every nameserver" } else { "every nameserver that answered" };
        return Err(format!(
            "{who} serves id {id} since {}{skipped}; wait until {} (TTL {} s, {} left) for resolvers to drop \
             the old record",
            short_time(s.since),
            until.strftime("%Y-%m-%d %H:%M:%S UTC"),
            s.wait_secs,
            crate::words::left(until.as_second() - now.as_second(), Some(i64::from(s.wait_secs)))
        ));
    }
    Ok(Some(until))
}

/// The nameservers the check skipped, as a clause (`; ns2… gave no answer (refused: …) and
/// was skipped`), empty when every one answered: no claim is made over a server not heard.
fn skipped(obs: &Observation) -> String {
    let Some(ns) = obs.ns_sts.as_ref().filter(|ns| !ns.skipped.is_empty()) else { return String::new() };
    let (list, verb) = match ns.skipped.as_slice() {
        [one] => (one.clone(), "was"),
        many => (many.join(", "), "were"),
    };
    format!("; {list} gave no answer and {verb} skipped, so what it serves is not known")
}

/// The settle of `id` as known after `obs` (or from the state alone when `obs` did not hear
/// from the nameservers): `None` when no check saw every nameserver serve `id`.
fn known(state: &DomainState, obs: Option<&Observation>, id: &PolicyId) -> Option<NsSettle> {
    let s = match obs.filter(|o| o.ns_sts.is_some()) {
        Some(o) => settle(state.ns_settle.clone(), o)?,
        None => state.ns_settle.clone()?,
    };
    (&s.id == id && !s.lapsed).then_some(s)
}

/// When no resolver can hold a record older than `id` any more, once every nameserver was
/// seen serving it.
pub(crate) fn settles_at(state: &DomainState, obs: Option<&Observation>, id: &PolicyId) -> Option<Timestamp> {
    known(state, obs, id).map(|s| s.until())
}
