//! Every authoritative nameserver: which ones do not answer, and which serve something else
//! than the others.

use std::collections::BTreeMap;

use super::{Code, Finding, Severity};
use crate::evidence::{Evidence, Lookup, NsAnswers, NsServer};
use crate::rfc::{PolicyId, Selection, StsRecord, select};

/// Picks one compared answer out of a nameserver's answers.
type Pick = fn(&NsAnswers) -> &Lookup<Vec<String>>;

/// The names compared across nameservers, with how each is shown.
const ITEMS: [(&str, Pick); 4] = [
    ("_mta-sts TXT", |a| &a.sts),
    ("_smtp._tls TXT", |a| &a.tlsrpt),
    ("MX", |a| &a.mx),
    ("mta-sts addresses", |a| &a.policy_host),
];

/// `ns1.example.net [192.0.2.1]:53`.
pub fn server_label(s: &NsServer) -> String {
    format!("{} [{}]:{}", s.name, s.addr.ip(), s.addr.port())
}

/// An answer in a few words: the records, or what stood in for them.
pub fn shown(l: &Lookup<Vec<String>>) -> String {
    match l {
        Lookup::Found(v) => v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", "),
        Lookup::NoData => "no record".to_owned(),
        Lookup::NxDomain => "NXDOMAIN".to_owned(),
        Lookup::ServFail => "SERVFAIL".to_owned(),
        Lookup::Timeout => "no answer".to_owned(),
        Lookup::Error(e) => format!("error ({e})"),
    }
}

/// Per compared name, the distinct answers and who serves each (only names where the
/// answering nameservers disagree).
pub fn disagreements(ev: &Evidence) -> Vec<(&'static str, BTreeMap<String, Vec<String>>)> {
    let Some(ns) = &ev.nameservers else { return Vec::new() };
    let mut out = Vec::new();
    for (label, pick) in ITEMS {
        let mut by_answer: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in &ns.servers {
            if let Some(a) = &s.answers {
                by_answer.entry(shown(pick(a))).or_default().push(server_label(s));
            }
        }
        if by_answer.len() > 1 {
            out.push((label, by_answer));
        }
    }
    out
}

/// The `_mta-sts` answer of every nameserver that answered, by server label.
pub fn sts_by_server(ev: &Evidence) -> Vec<(String, Lookup<Vec<String>>)> {
    let Some(ns) = &ev.nameservers else { return Vec::new() };
    ns.servers.iter().filter_map(|s| Some((server_label(s), s.answers.as_ref()?.sts.clone()))).collect()
}

/// What the nameservers that answered serve for `_mta-sts`: `None` when none was asked or none
/// answered; otherwise the id every one of them serves (`None` when they disagree or serve no
/// single valid record) and the highest TTL they give it.
pub fn sts_agreement(ev: &Evidence) -> Option<(Option<PolicyId>, Option<u32>)> {
    let answers: Vec<&NsAnswers> =
        ev.nameservers.as_ref()?.servers.iter().filter_map(|s| s.answers.as_ref()).collect();
    let first = answers.first()?;
    let id = |a: &NsAnswers| {
        let records: Vec<Vec<String>> = a.sts.found()?.iter().map(|r| vec![r.clone()]).collect();
        match select::<StsRecord>(&records) {
            Selection::One { record, .. } => Some(record.id),
            _ => None,
        }
    };
    let agreed = id(first).filter(|x| answers.iter().all(|a| id(a).as_ref() == Some(x)));
    Some((agreed, answers.iter().filter_map(|a| a.sts_ttl).max()))
}

/// The nameservers that gave no answer, each as `NAME [ADDRESS]:PORT (why)`, and the names
/// without an address: what they serve is not known.
pub fn skipped(ev: &Evidence) -> Vec<String> {
    let Some(ns) = &ev.nameservers else { return Vec::new() };
    let dead = ns
        .servers
        .iter()
        .filter(|s| s.answers.is_none())
        .map(|s| format!("{} ({})", server_label(s), s.error.as_deref().unwrap_or("no answer")));
    dead.chain(ns.unresolved.iter().map(|n| format!("{n} (no address)"))).collect()
}

/// Findings: `ns-unreachable` per dead or lame address or unresolvable name,
/// `ns-inconsistent` per name the nameservers disagree on.
pub(crate) fn check(ev: &Evidence) -> Vec<Finding> {
    let Some(ns) = &ev.nameservers else { return Vec::new() };
    let mut out = Vec::new();
    for name in &ns.unresolved {
        out.push(Finding::new(
            Code::NsUnreachable,
            Severity::Warning,
            name,
            format!("the nameserver {name} of {} has no address", ev.domain),
            format!(
                "give {name} an address, or remove it from the NS records of {} (at the registrar too)",
                ev.domain
            ),
        ));
    }
    for s in ns.servers.iter().filter(|s| s.answers.is_none()) {
        let label = server_label(s);
        out.push(Finding::new(
            Code::NsUnreachable,
            Severity::Warning,
            &label,
            format!(
                "the nameserver {label} of {} gave no authoritative answer: {}; resolvers that ask it wait \
                 and retry",
                ev.domain,
                s.error.as_deref().unwrap_or("no answer")
            ),
            format!(
                "make {} serve the zone {} again, or remove it from the NS records at the zone and the registrar",
                s.name, ev.domain
            ),
        ));
    }
    for (label, by_answer) in disagreements(ev) {
        let who = by_answer
            .iter()
            .map(|(answer, servers)| {
                let verb = if servers.len() == 1 { "serves" } else { "serve" };
                format!("{} {verb} {answer}", servers.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.push(Finding::new(
            Code::NsInconsistent,
            Severity::Warning,
            format!("{} {label}", ev.domain),
            format!("the nameservers of {} disagree on {label}: {who}", ev.domain),
            "publish the same records on every nameserver (a secondary that stopped transferring the zone, \
             or a provider change not finished); mtasts waits for every nameserver before the next step",
        ));
    }
    out
}

/// `2 of 2 answer, all serve the same records` (or what they disagree on).
pub fn summary(ev: &Evidence) -> Option<String> {
    let ns = ev.nameservers.as_ref()?;
    if ns.servers.is_empty() {
        return None;
    }
    let answering = ns.servers.iter().filter(|s| s.answers.is_some()).count();
    let disagree: Vec<&str> = disagreements(ev).into_iter().map(|(what, _)| what).collect();
    let agreement = if disagree.is_empty() {
        "all serve the same records".to_owned()
    } else {
        format!("they disagree on {}", disagree.join(", "))
    };
    Some(format!("{answering} of {} answer, {agreement}", ns.servers.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::NsEvidence;
    use crate::judge::fixtures::healthy;

    fn server(name: &str, sts: Lookup<Vec<String>>, ttl: Option<u32>) -> NsServer {
        let answers = NsAnswers {
            sts,
            sts_ttl: ttl,
            tlsrpt: Lookup::NoData,
            mx: Lookup::NoData,
            policy_host: Lookup::NoData,
        };
        NsServer {
            name: name.into(),
            addr: "192.0.2.53:53".parse().unwrap(),
            answers: Some(answers),
            error: None,
        }
    }

    fn with(servers: Vec<NsServer>) -> Evidence {
        let mut ev = healthy("enforce");
        ev.nameservers = Some(NsEvidence { ns: Lookup::NoData, unresolved: Vec::new(), servers });
        ev
    }

    fn sts(id: &str) -> Lookup<Vec<String>> {
        Lookup::Found(vec![format!("v=STSv1; id={id}")])
    }

    #[test]
    fn the_agreed_id_is_the_one_every_answering_nameserver_serves_with_the_highest_ttl() {
        assert_eq!(sts_agreement(&healthy("enforce")), None, "no nameserver asked");
        let dead =
            NsServer { answers: None, error: Some("no answer".into()), ..server("ns3", sts("a"), None) };
        let ev =
            with(vec![server("ns1", sts("a"), Some(300)), server("ns2", sts("a"), Some(3600)), dead.clone()]);
        let id = PolicyId::parse("a").unwrap();
        assert_eq!(sts_agreement(&ev), Some((Some(id), Some(3600))));
        let ev = with(vec![server("ns1", sts("a"), Some(300)), server("ns2", sts("b"), Some(300))]);
        assert_eq!(sts_agreement(&ev), Some((None, Some(300))));
        let ev = with(vec![server("ns1", Lookup::NoData, None), server("ns2", Lookup::NoData, None)]);
        assert_eq!(sts_agreement(&ev), Some((None, None)));
        assert_eq!(sts_agreement(&with(vec![dead])), None, "nobody answered: nothing known");
    }
}
