//! What the domain's current step needs published, from its state and a fresh check: the
//! `_mta-sts` record (only once the gates allow the id: RFC 8461 §8.1, the policy first), the
//! `_smtp._tls` record, the `mta-sts` host record when mtasts manages it, and at retirement
//! their removal. Nothing outside these three names is ever wanted.

use jiff::Timestamp;

use super::host::PolicyHost;
use super::record::{RData, RrType};
use crate::finding::Code;
use crate::rfc::{DomainName, StsRecord, TlsRptRecord};
use crate::rollout::{DomainState, Observation, Phase, publish_steps, removal_view};

/// The three records mtasts may publish, one role per name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// `_mta-sts.DOMAIN` TXT `v=STSv1; id=…`.
    Sts,
    /// `_smtp._tls.DOMAIN` TXT `v=TLSRPTv1; rua=…`.
    TlsRpt,
    /// `mta-sts.DOMAIN` A/AAAA or CNAME.
    PolicyHost,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Sts, Role::TlsRpt, Role::PolicyHost];

    /// The owner name of the role's records.
    pub fn name(self, domain: &DomainName) -> String {
        domain.child(match self {
            Role::Sts => "_mta-sts",
            Role::TlsRpt => "_smtp._tls",
            Role::PolicyHost => "mta-sts",
        })
    }

    /// The record types mtasts reads at the role's name.
    pub fn types(self) -> &'static [RrType] {
        match self {
            Role::Sts | Role::TlsRpt => &[RrType::Txt, RrType::Cname],
            Role::PolicyHost => &[RrType::A, RrType::Aaaa, RrType::Cname],
        }
    }

    /// Whether a record at the role's name is mtasts's to replace: a TXT that begins with the
    /// version tag (any case, so a mistyped attempt is replaced too), or any address or
    /// alias of the policy host. Every other record there (SPF, site verification) is left
    /// alone.
    pub fn owns(self, data: &RData) -> bool {
        let tagged = |tag: &[u8]| {
            data.joined().is_some_and(|t| t.len() >= tag.len() && t[..tag.len()].eq_ignore_ascii_case(tag))
        };
        match self {
            Role::Sts => tagged(b"v=STSv1"),
            Role::TlsRpt => tagged(b"v=TLSRPTv1"),
            Role::PolicyHost => matches!(data, RData::A(_) | RData::Aaaa(_) | RData::Cname(_)),
        }
    }
}

/// The records one role should have (empty: none of the role's records may remain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Want {
    /// The role.
    pub role: Role,
    /// Its owner name.
    pub name: String,
    /// The wanted records.
    pub records: Vec<RData>,
}

impl Want {
    fn new(role: Role, domain: &DomainName, records: Vec<RData>) -> Want {
        Want { role, name: role.name(domain), records }
    }
}

/// What the current step needs published, and what it may not publish yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// The domain.
    pub domain: DomainName,
    /// The step in words ("the first _mta-sts and _smtp._tls records").
    pub step: String,
    /// What the records should be, role by role; a role not listed is left as it is.
    pub wants: Vec<Want>,
    /// Why something is not publishable yet, in words (e.g. the new id waits for the policy).
    pub held: Vec<String>,
}

impl Intent {
    /// The wanted records of `role`, when the intent sets them.
    pub fn want(&self, role: Role) -> Option<&Want> {
        self.wants.iter().find(|w| w.role == role)
    }
}

/// Settings that shape the intent.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The `mta-sts` host record to publish, when mtasts manages it.
    pub policy_host: Option<&'a PolicyHost>,
    /// At retirement, keep the `_smtp._tls` record (reports for DANE, say).
    pub keep_tlsrpt: bool,
}

/// What the current step of `state` needs published, judged by the fresh check `obs`.
pub fn intent(state: &DomainState, obs: &Observation, opts: &Options<'_>, now: Timestamp) -> Intent {
    let d = &state.domain;
    let mut out = Intent { domain: d.clone(), step: step_words(state), wants: Vec::new(), held: Vec::new() };
    let host = opts.policy_host.map(|h| Want::new(Role::PolicyHost, d, h.records()));
    if state.phase == Phase::Preflight {
        out.held.push(format!(
            "nothing is published in preflight: every MX host of {d} must pass STARTTLS first; advance to \
             records, then publish"
        ));
        return out;
    }
    if let Some(removal) = removal_view(state, now) {
        out.wants.push(Want::new(Role::Sts, d, Vec::new()));
        if !opts.keep_tlsrpt {
            out.wants.push(Want::new(Role::TlsRpt, d, Vec::new()));
        }
        match (host, removal.host_removable_at) {
            (Some(_), Some(_)) if removal.complete => {
                out.wants.push(Want::new(Role::PolicyHost, d, Vec::new()))
            }
            (Some(h), at) => {
                out.wants.push(h);
                out.held.push(match at {
                    Some(t) => format!(
                        "{} stays until {t}: senders may still refresh a cached policy",
                        d.policy_host()
                    ),
                    None => format!(
                        "{} stays until the records are seen gone and the largest max_age has passed",
                        d.policy_host()
                    ),
                });
            }
            (None, _) => {}
        }
        return out;
    }
    match id_ready(state, obs) {
        Ok(()) => out.wants.push(Want::new(
            Role::Sts,
            d,
            vec![RData::txt(&StsRecord::new(state.plan.id.clone()).render())],
        )),
        Err(why) => out.held.push(why),
    }
    out.wants.push(Want::new(
        Role::TlsRpt,
        d,
        vec![RData::txt(&TlsRptRecord::new(state.plan.rua.clone()).render())],
    ));
    out.wants.extend(host);
    out
}

/// Whether the plan's id may go live now: it already is; or it is the domain's first id and
/// no policy is live; or the plan's policy is served and a check verified it (§8.1).
fn id_ready(state: &DomainState, obs: &Observation) -> Result<(), String> {
    let id = &state.plan.id;
    if obs.sts_id.as_ref() == Some(id) {
        return Ok(());
    }
    let first = state.published.is_empty() && state.history.is_empty() && obs.live_policy.is_none();
    if first && matches!(state.phase, Phase::Records | Phase::Hosting | Phase::Validation) {
        return Ok(());
    }
    let steps = publish_steps(state, Some(obs));
    let Some(step) = steps.iter().take(2).find(|s| !s.done) else { return Ok(()) };
    let others: Vec<&str> = obs
        .error_codes
        .iter()
        .filter(|c| !matches!(c, Code::StsIdNotBumped | Code::PolicyDiffersFromPlan))
        .map(|c| c.as_str())
        .collect();
    let found = if steps[0].done && !others.is_empty() {
        format!(" (the check finds: {})", others.join(", "))
    } else {
        String::new()
    };
    Err(format!(
        "the new id {id} is not published yet: senders would cache the old policy under it. First {}{found}",
        step.action
    ))
}

fn step_words(state: &DomainState) -> String {
    let d = &state.domain;
    if state.removal.is_some() {
        return format!("retiring MTA-STS for {d}: the records go first, the policy host last");
    }
    if state.change.is_some() {
        return format!("the planned change of {d}: the id of the policy its current step serves");
    }
    match state.phase {
        Phase::Preflight => format!("preflight of {d}: nothing to publish yet"),
        Phase::Records | Phase::Hosting | Phase::Validation => {
            format!("the first {} and {} records", d.child("_mta-sts"), d.child("_smtp._tls"))
        }
        Phase::Testing | Phase::Enforce | Phase::Enforced => {
            format!("the id of {d}'s planned policy (mode: {})", state.plan.mode)
        }
        Phase::Rollback => format!("rollback of {d}: the id of the mode: none policy"),
    }
}
