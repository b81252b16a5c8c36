//! Path C as a fleet: every tracked domain on the shared Worker ([`HostingPath::WorkerMulti`])
//! and, at its last check, whether the Worker serves its planned policy. One Worker serves
//! them all, so a plan that moved on (a new mode, MX host or max_age) without a redeploy shows
//! as "behind" for that domain, and any such domain means the Worker must be redeployed.

use super::checks::policy_diff;
use super::model::DomainState;
use super::observe::Observation;
use super::phase::{HostingPath, Phase};
use crate::rfc::{DomainName, Policy};

/// What the shared Worker serves for one domain, against its plan, at its last check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// Not checked yet: nothing to compare.
    Unchecked,
    /// The planned policy, as planned.
    Current,
    /// Nothing yet, before the hosting step: expected.
    NotYet,
    /// The check got no DNS answer (neither MX hosts nor a policy): nothing is known.
    Unanswered,
    /// No policy could be fetched: the Worker does not serve this domain (not deployed with
    /// it, or `mta-sts.DOMAIN` not routed to it).
    Missing,
    /// Another policy than the plan's: the Worker is behind. How it differs, in words (empty
    /// when only the text differs).
    Behind(Vec<String>),
}

impl Served {
    /// Whether a redeploy of the shared Worker would change what this domain serves.
    pub fn needs_redeploy(&self) -> bool {
        matches!(self, Served::Missing | Served::Behind(_))
    }

    /// A word or two for a table cell.
    pub fn word(&self) -> &'static str {
        match self {
            Served::Unchecked => "not checked",
            Served::Current => "current",
            Served::NotYet => "not yet served",
            Served::Unanswered => "unknown (no DNS answer)",
            Served::Missing => "not served",
            Served::Behind(_) => "behind",
        }
    }
}

/// One domain on the shared Worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSite {
    /// The domain.
    pub domain: DomainName,
    /// Its phase.
    pub phase: Phase,
    /// The policy its plan says the Worker must serve.
    pub planned: Policy,
    /// What the Worker served at the last check.
    pub served: Served,
    /// When that check ran.
    pub checked_at: Option<jiff::Timestamp>,
}

/// Every domain on the shared Worker, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedWorker {
    /// The domains.
    pub sites: Vec<WorkerSite>,
}

impl SharedWorker {
    /// How many domains the Worker serves something else (or nothing) for.
    pub fn behind(&self) -> usize {
        self.sites.iter().filter(|s| s.served.needs_redeploy()).count()
    }

    /// The headline: "the shared Worker is behind: redeploy (2 of 5 domains)", or that it
    /// serves every plan.
    pub fn headline(&self) -> String {
        let n = self.sites.len();
        match self.behind() {
            0 if self.sites.iter().all(|s| s.served == Served::Current) => {
                format!("the shared Worker serves every plan ({n} domain{})", plural(n))
            }
            0 => {
                format!("the shared Worker serves {n} domain{}; none is behind at its last check", plural(n))
            }
            b => format!("the shared Worker is behind: redeploy ({b} of {n} domain{})", plural(n)),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What the Worker serves for `state`, judged from `obs` (its latest check).
pub fn served(state: &DomainState, obs: Option<&Observation>) -> Served {
    let Some(obs) = obs else { return Served::Unchecked };
    let plan = state.plan.policy();
    match &obs.live_policy {
        None if obs.live_mx.is_none() => Served::Unanswered,
        None if state.phase < Phase::Hosting => Served::NotYet,
        None => Served::Missing,
        Some(live) if live == &plan && live.render() == plan.render() => Served::Current,
        Some(live) => Served::Behind(policy_diff(live, &plan)),
    }
}

/// Every domain of `tracked` on the shared Worker, each with its latest observation
/// (`observed` gives the wizard's fresher check; else the saved one is used).
pub fn shared_worker<'a>(
    tracked: impl IntoIterator<Item = &'a DomainState>,
    observed: impl Fn(&DomainState) -> Option<&'a Observation>,
) -> SharedWorker {
    let sites = tracked
        .into_iter()
        .filter(|s| s.plan.hosting == Some(HostingPath::WorkerMulti))
        .map(|s| {
            let obs = observed(s).or(s.last_observation.as_ref());
            WorkerSite {
                domain: s.domain.clone(),
                phase: s.phase,
                planned: s.plan.policy(),
                served: served(s, obs),
                checked_at: obs.map(|o| o.at),
            }
        })
        .collect();
    SharedWorker { sites }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Verdict;
    use crate::rfc::{Mode, MxPattern};
    use crate::rollout::{new_domain, set_hosting};

    fn now() -> jiff::Timestamp {
        jiff::Timestamp::from_second(1_800_000_000).unwrap()
    }

    fn state(name: &str, path: HostingPath, phase: Phase) -> DomainState {
        let d = DomainName::parse(name).unwrap();
        let mx = vec![MxPattern::parse("mx1.example.net").unwrap()];
        let mut s = set_hosting(new_domain(d, mx, vec![], None, now()), path);
        s.phase = phase;
        s
    }

    fn obs(live: Option<Policy>) -> Observation {
        let mx = DomainName::parse("mx1.example.net").unwrap();
        Observation {
            at: now(),
            verdict: Verdict::Pass,
            error_codes: vec![],
            warning_codes: vec![],
            live_mx: Some(vec![mx]),
            mx_results: vec![],
            sts_id: None,
            tlsrpt_rua: None,
            live_policy: live,
            ns_sts: None,
        }
    }

    #[test]
    fn a_plan_that_moved_on_without_a_redeploy_is_behind_with_the_difference() {
        let mut s = state("a.example", HostingPath::WorkerMulti, Phase::Enforce);
        let deployed = s.plan.policy();
        s.plan.mode = Mode::Enforce;
        let served = served(&s, Some(&obs(Some(deployed))));
        assert_eq!(served, Served::Behind(vec!["mode is testing (plan: enforce)".to_owned()]));
        assert!(served.needs_redeploy());
        assert_eq!(super::served(&s, Some(&obs(Some(s.plan.policy())))), Served::Current);
    }

    #[test]
    fn nothing_served_is_missing_from_hosting_on_and_expected_before() {
        let early = state("a.example", HostingPath::WorkerMulti, Phase::Records);
        assert_eq!(served(&early, Some(&obs(None))), Served::NotYet);
        let hosted = state("a.example", HostingPath::WorkerMulti, Phase::Validation);
        assert_eq!(served(&hosted, Some(&obs(None))), Served::Missing);
        assert_eq!(served(&hosted, None), Served::Unchecked);
        assert!(!Served::NotYet.needs_redeploy() && !Served::Unchecked.needs_redeploy());
        let offline = Observation { live_mx: None, ..obs(None) };
        assert_eq!(served(&hosted, Some(&offline)), Served::Unanswered, "no DNS answer: nothing known");
        assert!(!Served::Unanswered.needs_redeploy());
    }

    #[test]
    fn the_fleet_lists_only_path_c_and_counts_the_domains_behind() {
        let mut behind = state("b.example", HostingPath::WorkerMulti, Phase::Testing);
        behind.last_observation = Some(obs(None));
        let mut current = state("c.example", HostingPath::WorkerMulti, Phase::Testing);
        let fresh = obs(Some(current.plan.policy()));
        current.last_observation = Some(obs(None));
        let other = state("n.example", HostingPath::Nginx, Phase::Testing);
        let all = [behind, current.clone(), other];
        let fleet = shared_worker(&all, |s| (s.domain == current.domain).then_some(&fresh));
        let names: Vec<&str> = fleet.sites.iter().map(|s| s.domain.as_str()).collect();
        assert_eq!(names, ["b.example", "c.example"]);
        assert_eq!(fleet.sites[1].served, Served::Current, "the fresher check wins");
        assert_eq!(fleet.behind(), 1);
        assert_eq!(fleet.headline(), "the shared Worker is behind: redeploy (1 of 2 domains)");
        let fine = shared_worker(&all[1..], |_| Some(&fresh));
        assert_eq!(fine.headline(), "the shared Worker serves every plan (1 domain)");
    }
}
