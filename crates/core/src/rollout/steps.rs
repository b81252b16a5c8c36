//! The ordered publication steps of a policy change (RFC 8461 §8.1): the new policy file
//! first, verified live, and only then the new id in DNS.

use super::model::DomainState;
use super::observe::Observation;
use crate::finding::Code;
use crate::rfc::{Mode, Policy, StsRecord};

/// One step of a policy change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublishStep {
    /// What to do, with the exact text to publish.
    pub action: String,
    /// Whether the latest check shows it done.
    pub done: bool,
}

/// The policy body on one line (`version: STSv1; mode: …; mx: …; max_age: …`).
pub fn policy_one_line(policy: &Policy) -> String {
    policy.render().trim_end().replace("\r\n", "; ")
}

/// The errors of MX hosts refusing (or unable to receive) TLS mail.
const MX_DELIVERY: [Code; 7] = [
    Code::MxNotCovered,
    Code::MxUnreachable,
    Code::MxStarttlsMissing,
    Code::MxCertExpired,
    Code::MxCertUntrusted,
    Code::MxCertNameMismatch,
    Code::MxTlsTooOld,
];

/// The three steps for switching the live policy to the plan: (a) serve the new policy file,
/// (b) verify it live, (c) publish the new id.
pub fn publish_steps(state: &DomainState, obs: Option<&Observation>) -> Vec<PublishStep> {
    let plan = state.plan.policy();
    let served = obs.is_some_and(|o| o.live_policy.as_ref() == Some(&plan));
    // A mode: none policy is what leaves MTA-STS after a delivery problem (the certificate
    // emergency): the MX problem it answers does not make the step undone.
    let leaving = plan.mode == Mode::None;
    let verified = served
        && obs.is_some_and(|o| {
            o.error_codes.iter().all(|c| {
                matches!(c, Code::StsIdNotBumped | Code::PolicyDiffersFromPlan)
                    || (leaving && MX_DELIVERY.contains(c))
            })
        });
    let id_live = obs.is_some_and(|o| o.sts_id.as_ref() == Some(&state.plan.id));
    vec![
        PublishStep {
            action: format!(
                "serve the new policy at {} (text/plain): {}",
                state.domain.policy_url(),
                policy_one_line(&plan)
            ),
            done: served,
        },
        PublishStep {
            action: format!(
                "run a check to verify the new policy is live at {} with no other errors",
                state.domain.policy_url()
            ),
            done: verified,
        },
        PublishStep {
            action: format!(
                "then publish TXT {} \"{}\"",
                state.domain.child("_mta-sts"),
                StsRecord::new(state.plan.id.clone()).render()
            ),
            done: id_live,
        },
    ]
}
