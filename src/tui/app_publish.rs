//! The demo publishing what is due next into the lab (`p`): the records, the policy, the MX
//! records of a planned change, the removal — in RFC 8461 §8.1 order — and what confirming a
//! step of a planned change did.

use super::app::{App, Effect, Publish};
use super::offers::{self, Due};
use mtasts_core::rfc::{StsRecord, TlsRptRecord};
use mtasts_core::rollout::{DomainState, Phase};

impl App {
    /// Demo: publishes what is due next: the MX records of a planned change at its DNS step,
    /// else what [`offers::publish_due`] names (the records, unless the new policy must go
    /// live first; nothing that is live already).
    pub(super) fn publish(&mut self, state: DomainState, viewing: Phase) -> Vec<Effect> {
        let domain = state.domain.clone();
        if state.removal.is_none()
            && let Some(hosts) = offers::switched_mx(self, &state)
        {
            return vec![Effect::Publish(Publish::Mx { domain, hosts })];
        }
        let publish = match offers::publish_due(self, &state, viewing) {
            Some(Due::RemoveRecords) => Publish::RemoveRecords { domain },
            Some(Due::Records) => Publish::Records {
                sts: StsRecord::new(state.plan.id.clone()).render(),
                tlsrpt: TlsRptRecord::new(state.plan.rua.clone()).render(),
                domain,
            },
            Some(Due::Policy) => Publish::Policy { body: state.plan.policy().render(), domain },
            None if viewing == Phase::Records && !offers::records_next(self, &state) => {
                self.set_status(
                    "the records wait until the new policy is live (publish it on the hosting screen)",
                    true,
                );
                return Vec::new();
            }
            None => {
                self.set_status("nothing to publish: the latest check shows it live", false);
                return Vec::new();
            }
        };
        vec![Effect::Publish(publish)]
    }

    /// Says how a planned change moved once a confirmation is saved: a step done, the change
    /// complete, or not yet (its next step says when).
    pub(super) fn change_progress(&mut self, after: &mtasts_core::rollout::DomainState) {
        let confirming =
            self.status.as_ref().is_some_and(|s| s.text().ends_with("confirming the planned change's step…"));
        let Some(before) = self.state(&after.domain).and_then(|s| s.change.as_ref()) else { return };
        if !confirming {
            return;
        }
        let d = &after.domain;
        let text = match &after.change {
            None => format!("{d}: the planned change is complete"),
            Some(c) if c.done.len() > before.done.len() => {
                format!("{d}: step {} of the planned change done", before.done.len() + 1)
            }
            Some(_) => format!("{d}: this step is not done yet; the next step below says what and when"),
        };
        self.set_status(text, false);
    }
}
