//! The live policy against the tracked plan: drift from the intended policy, and a body
//! changed without a new id (RFC 8461 §8.1).

use crate::evidence::Evidence;
use crate::finding::{Code, Finding, Severity};
use crate::rfc::Policy;

use super::PlanContext;
use super::records::StsState;

/// Findings comparing the live policy with the plan.
pub(crate) fn check(
    ev: &Evidence,
    plan: &PlanContext,
    live: Option<&Policy>,
    sts: &StsState,
) -> Vec<Finding> {
    let Some(live) = live else {
        return Vec::new();
    };
    let url = ev.policy.url.as_str();
    let mut out = Vec::new();
    let diffs = differences(live, &plan.policy);
    if !diffs.is_empty() {
        out.push(Finding::new(
            Code::PolicyDiffersFromPlan,
            Severity::Warning,
            url,
            format!("the live policy differs from the planned one: {}", diffs.join("; ")),
            format!(
                "publish the planned policy at {url} and then a new id (`mtasts generate --target policy {}`), \
                 or change the plan to match",
                ev.domain.as_str()
            ),
        ));
    }
    if let StsState::Valid(record) = sts {
        let published = plan.published.iter().find(|(id, _)| *id == record.id);
        if let Some((id, hash)) = published
            && !hash.eq_ignore_ascii_case(&live.sha256_hex())
        {
            out.push(Finding::new(
                Code::StsIdNotBumped,
                Severity::Error,
                &ev.sts_record.name,
                format!(
                    "the policy at {url} changed since it was published under id {id}, but the id in \
                 {} was not changed: senders that cached the old policy never fetch the new one",
                    ev.sts_record.name
                ),
                format!(
                    "publish a new id in {} (e.g. `mtasts generate --target dns {}`)",
                    ev.sts_record.name,
                    ev.domain.as_str()
                ),
            ));
        }
    }
    out
}

fn differences(live: &Policy, plan: &Policy) -> Vec<String> {
    let mut d = Vec::new();
    if live.mode != plan.mode {
        d.push(format!("mode is {} (planned {})", live.mode, plan.mode));
    }
    if live.max_age != plan.max_age {
        d.push(format!("max_age is {} (planned {})", live.max_age, plan.max_age));
    }
    let extra: Vec<String> = live.mx.iter().filter(|m| !plan.mx.contains(m)).map(|m| m.to_string()).collect();
    let absent: Vec<String> =
        plan.mx.iter().filter(|m| !live.mx.contains(m)).map(|m| m.to_string()).collect();
    if !extra.is_empty() {
        d.push(format!("mx not in the plan: {}", extra.join(", ")));
    }
    if !absent.is_empty() {
        d.push(format!("planned mx missing: {}", absent.join(", ")));
    }
    d
}
