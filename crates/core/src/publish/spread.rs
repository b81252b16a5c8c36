//! After publishing: does every authoritative nameserver serve what was published? Judged
//! from a check's nameserver evidence (each server asked directly, so no resolver cache
//! hides a lagging secondary); without it, from the resolver's view.

use std::net::IpAddr;

use super::intent::{Intent, Role};
use super::record::RData;
use crate::evidence::{Lookup, NsAnswers, NsEvidence};
use crate::rollout::Observation;
use crate::sanitize::sanitize;

/// Where the published records stand on the authoritative nameservers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spread {
    /// Servers (`name (address)`) serving every wanted record.
    pub serving: Vec<String>,
    /// Servers still serving something else, with what differs.
    pub lagging: Vec<String>,
    /// Servers that gave no answer, with why.
    pub silent: Vec<String>,
}

impl Spread {
    /// Every server that answered serves the records (and at least one answered).
    pub fn done(&self) -> bool {
        self.lagging.is_empty() && !self.serving.is_empty()
    }

    /// One line: `2 of 3 nameservers serve the new records; ns2.example.com (…) still …`.
    pub fn summary(&self) -> String {
        let total = self.serving.len() + self.lagging.len() + self.silent.len();
        let mut line = format!("{} of {total} nameservers serve the new records", self.serving.len());
        if let Some(first) = self.lagging.first() {
            line.push_str(&format!("; {first}"));
        }
        if !self.silent.is_empty() {
            line.push_str(&format!("; no answer from {}", self.silent.join(", ")));
        }
        line
    }
}

/// Texts of the role's TXT records in one answer (any of them: the caller filters ours).
fn texts(lookup: &Lookup<Vec<String>>) -> Result<Vec<String>, String> {
    match lookup {
        Lookup::Found(v) => Ok(v.clone()),
        Lookup::NoData | Lookup::NxDomain => Ok(Vec::new()),
        Lookup::ServFail => Err("SERVFAIL".into()),
        Lookup::Timeout => Err("no answer (timeout)".into()),
        Lookup::Error(e) => Err(sanitize(e).into_owned()),
    }
}

fn wanted_texts(intent: &Intent, role: Role) -> Option<Vec<String>> {
    let want = intent.want(role)?;
    let mut v: Vec<String> = want
        .records
        .iter()
        .filter_map(RData::joined)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    v.sort();
    Some(v)
}

/// What differs on one server, or `None` when it serves every wanted record.
fn differs(intent: &Intent, answers: &NsAnswers) -> Option<String> {
    for (role, lookup) in [(Role::Sts, &answers.sts), (Role::TlsRpt, &answers.tlsrpt)] {
        let Some(want) = wanted_texts(intent, role) else { continue };
        let name = role.name(&intent.domain);
        let mut ours: Vec<String> = match texts(lookup) {
            Ok(all) => all.into_iter().filter(|t| role.owns(&RData::txt(t))).collect(),
            Err(e) => return Some(format!("TXT {name}: {e}")),
        };
        ours.sort();
        if ours != want {
            let shown = if ours.is_empty() {
                "nothing".to_owned()
            } else {
                format!("\"{}\"", sanitize(&ours.join("\", \"")))
            };
            return Some(format!("still serves {shown} at {name}"));
        }
    }
    let want = intent.want(Role::PolicyHost)?;
    if want.records.iter().any(|r| matches!(r, RData::Cname(_))) {
        return None;
    }
    let mut addrs: Vec<String> = want
        .records
        .iter()
        .filter_map(|r| match r {
            RData::A(ip) => Some(IpAddr::V4(*ip).to_string()),
            RData::Aaaa(ip) => Some(IpAddr::V6(*ip).to_string()),
            _ => None,
        })
        .collect();
    addrs.sort();
    let served = texts(&answers.policy_host).unwrap_or_default();
    let mut served: Vec<String> =
        served.into_iter().filter_map(|s| s.parse::<IpAddr>().ok().map(|ip| ip.to_string())).collect();
    served.sort();
    (served != addrs).then(|| {
        format!(
            "still serves {} for {}",
            if served.is_empty() { "no address".into() } else { served.join(", ") },
            want.name
        )
    })
}

/// Where the intent's records stand on every nameserver of `ns`.
pub fn spread(intent: &Intent, ns: &NsEvidence) -> Spread {
    let mut out = Spread::default();
    for s in &ns.servers {
        let who = format!("{} ({})", sanitize(&s.name), s.addr.ip());
        match &s.answers {
            None => out.silent.push(match &s.error {
                Some(e) => format!("{who}: {}", sanitize(e)),
                None => who,
            }),
            Some(a) => match differs(intent, a) {
                None => out.serving.push(who),
                Some(what) => out.lagging.push(format!("{who} {what}")),
            },
        }
    }
    out
}

/// Whether the resolver's view in `obs` shows the intent's `_mta-sts` and `_smtp._tls`
/// records (the fallback when no nameserver could be asked directly).
pub fn resolver_shows(intent: &Intent, obs: &Observation) -> bool {
    let sts_ok = match wanted_texts(intent, Role::Sts) {
        None => true,
        Some(w) if w.is_empty() => obs.sts_id.is_none(),
        Some(w) => obs.sts_id.as_ref().is_some_and(|id| w.iter().any(|t| t.ends_with(&format!("id={id}")))),
    };
    let rpt_ok = match wanted_texts(intent, Role::TlsRpt) {
        None => true,
        Some(w) if w.is_empty() => obs.tlsrpt_rua.is_none(),
        Some(w) => obs.tlsrpt_rua.as_ref().is_some_and(|rua| {
            w.iter().any(|t| t.ends_with(&rua.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")))
        }),
    };
    sts_ok && rpt_ok
}
