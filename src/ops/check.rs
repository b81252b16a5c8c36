//! What a live check gives ([`Checked`]: probe → judge → observation) and what it is judged
//! against (a tracked domain's [`PlanContext`]). Running checks is [`super::fleet`]'s job.

use mtasts_core::evidence::Evidence;
use mtasts_core::judge::{HeldPolicy, Judgement, PlanContext};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, Observation, held_until};

/// One checked domain.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The domain.
    pub domain: DomainName,
    /// When it was checked.
    pub at: jiff::Timestamp,
    /// What the probes saw.
    pub evidence: Evidence,
    /// What the judge made of it.
    pub judgement: Judgement,
    /// The facts the rollout gates need.
    pub observation: Observation,
    /// The planned MX hosts, probed because DNS gave no MX answer (empty otherwise); their
    /// results are in the observation's `mx_results`.
    pub planned_mx: Vec<mtasts_core::evidence::MxEvidence>,
}

impl Checked {
    /// The check of `evidence` as judged at `at`, with no planned MX hosts probed.
    pub fn new(evidence: Evidence, judgement: Judgement, at: jiff::Timestamp) -> Checked {
        let observation = super::observe(&evidence, &judgement, at);
        Checked {
            domain: evidence.domain.clone(),
            at,
            evidence,
            judgement,
            observation,
            planned_mx: Vec::new(),
        }
    }
}

/// The plan's exact MX hosts to probe when DNS gives no MX host (lookup failed, NXDOMAIN or
/// no MX records), else none.
pub fn planned_hosts(evidence: &Evidence, plan: Option<&PlanContext>) -> Vec<DomainName> {
    let dns_named = evidence.mx.found().is_some_and(|l| !l.is_empty()) || evidence.null_mx;
    match plan {
        Some(p) if !dns_named => {
            p.policy.mx.iter().filter(|m| !m.is_wildcard()).map(|m| m.base().clone()).collect()
        }
        _ => Vec::new(),
    }
}

/// The judge's view of a tracked plan: the intended policy, every id published so far, and
/// every recorded policy version with the time senders may hold it until (the judge drops
/// those already expired at its `now`).
pub fn plan_context(state: &DomainState) -> PlanContext {
    PlanContext {
        policy: state.plan.policy(),
        id: state.plan.id.clone(),
        published: state.published.iter().map(|p| (p.id.clone(), p.policy_sha256.clone())).collect(),
        held: held_policies(state),
        window_days: state.plan.window_days,
    }
}

/// Every recorded policy version with the time senders may hold it until (`None`: the
/// version live at the last check), for the judge.
pub fn held_policies(state: &DomainState) -> Vec<HeldPolicy> {
    state
        .history
        .iter()
        .map(|v| HeldPolicy {
            id: v.id.clone(),
            policy: v.policy(),
            sha256: v.policy_sha256.clone(),
            until: v.replaced_seen.map(|r| held_until(v, r)),
        })
        .collect()
}
