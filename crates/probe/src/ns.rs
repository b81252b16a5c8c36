//! Every authoritative nameserver, asked directly: the zone's NS set, each nameserver's
//! addresses, and what each address serves for the MTA-STS names. A nameserver where nothing
//! listens is known at once (its host's ICMP error); a silent one is given up after
//! [`NS_GIVE_UP`]; either is remembered for the rest of the run.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures::future::join_all;
use hickory_resolver::proto::op::{DnsRequestOptions, Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{RData, RecordType};
use tokio::time::Instant;

use super::dns::{Dns, fqdn, host_text};
use super::gate::Urgency;
use super::wire::{MAX_SENDS, WireError};
use mtasts_core::evidence::{Lookup, NsAnswers, NsEvidence, NsServer};

/// How long a nameserver that answers nothing is waited for: the question is sent three
/// times (at 0, 333 and 666 ms), and an authoritative server that has not answered any of
/// them within 2 s (a dozen round trips across the world) is reported as silent. A shorter
/// `--timeout` wins.
pub const NS_GIVE_UP: Duration = Duration::from_secs(2);

/// Most nameservers asked, and most addresses asked per nameserver.
pub const MAX_NAMESERVERS: usize = 8;
const MAX_ADDRESSES_PER_NS: usize = 4;

/// The NS set of `domain` and what every address of every nameserver serves (`port`: 53,
/// or the lab's).
pub(crate) async fn nameservers(
    dns: &Dns,
    domain: &str,
    port: u16,
    step: Duration,
    deadline: Instant,
) -> NsEvidence {
    let ns = dns.query(domain, RecordType::NS, deadline).await.map(|msg| {
        let mut names: Vec<String> = msg
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(host_text(&ns.0)),
                _ => None,
            })
            .collect();
        names.sort();
        names.dedup();
        names.truncate(MAX_NAMESERVERS);
        names
    });
    let names = ns.found().cloned().unwrap_or_default();
    let addresses = join_all(names.iter().map(|n| dns.addresses(n, Urgency::Normal, deadline))).await;
    let mut unresolved = Vec::new();
    let mut targets = Vec::new();
    for (name, addrs) in names.iter().zip(addresses) {
        match addrs {
            Lookup::Found(ips) if !ips.is_empty() => {
                targets.extend(ips.into_iter().take(MAX_ADDRESSES_PER_NS).map(|ip| (name.clone(), ip)));
            }
            _ => unresolved.push(name.clone()),
        }
    }
    let servers = join_all(
        targets
            .into_iter()
            .map(|(name, ip)| server(dns, name, SocketAddr::new(ip, port), domain, step, deadline)),
    )
    .await;
    NsEvidence { ns, unresolved, servers }
}

async fn server(
    dns: &Dns,
    name: String,
    addr: SocketAddr,
    domain: &str,
    step: Duration,
    deadline: Instant,
) -> NsServer {
    let ask = |qname: String, rtype: RecordType| async move {
        if let Some(why) = dns.failure(addr) {
            return Err(failure_words(&why, step));
        }
        let Some(_permit) = dns.permit(deadline).await else {
            return Err("no answer (timeout)".to_owned());
        };
        ask(dns, addr, &qname, rtype, step, deadline).await
    };
    let policy_host = format!("mta-sts.{domain}");
    let (sts, tlsrpt, mx, a, aaaa) = tokio::join!(
        ask(format!("_mta-sts.{domain}"), RecordType::TXT),
        ask(format!("_smtp._tls.{domain}"), RecordType::TXT),
        ask(domain.to_owned(), RecordType::MX),
        ask(policy_host.clone(), RecordType::A),
        ask(policy_host, RecordType::AAAA),
    );
    let all = [&sts, &tlsrpt, &mx, &a, &aaaa];
    if let Some(Err(first)) = all.iter().find(|r| r.is_err()).filter(|_| all.iter().all(|r| r.is_err())) {
        return NsServer { name, addr, answers: None, error: Some(first.clone()) };
    }
    let sts_ttl = sts.as_ref().ok().and_then(|(_, ttl)| *ttl);
    let lookup = |r: Result<Answer, String>| r.map_or_else(Lookup::Error, |(l, _)| l);
    let addresses = match (lookup(a), lookup(aaaa)) {
        (Lookup::Found(mut v4), Lookup::Found(v6)) => {
            v4.extend(v6);
            Lookup::Found(v4)
        }
        (Lookup::Found(v), _) | (_, Lookup::Found(v)) => Lookup::Found(v),
        (first, _) => first,
    };
    let answers = NsAnswers {
        sts: lookup(sts),
        sts_ttl,
        tlsrpt: lookup(tlsrpt),
        mx: lookup(mx),
        policy_host: addresses,
    };
    NsServer { name, addr, answers: Some(answers), error: None }
}

/// An authoritative answer: the records, and their TTL when there are any.
type Answer = (Lookup<Vec<String>>, Option<u32>);

/// One non-recursive question to `addr`. `Err` when the server gave no authoritative answer
/// (timeout, REFUSED, SERVFAIL, or an answer without the AA bit: lame).
async fn ask(
    dns: &Dns,
    addr: SocketAddr,
    name: &str,
    rtype: RecordType,
    step: Duration,
    deadline: Instant,
) -> Result<Answer, String> {
    let qname = fqdn(name)?;
    let mut opts = DnsRequestOptions::default();
    opts.use_edns = true;
    opts.recursion_desired = false;
    let window = step.min(NS_GIVE_UP);
    let until = Instant::now() + window;
    let full_window = until <= deadline;
    let until = until.min(deadline);
    let resp = match dns.exchange(addr, Query::query(qname, rtype), opts, until).await {
        Err(WireError::Io(e)) => return Err(e),
        // Cut short by the domain's own deadline, the server has not had its chance.
        Err(WireError::Timeout) if !full_window => return Err(WireError::Timeout.words()),
        Err(why) => {
            dns.remember_failure(addr, why.clone());
            return Err(failure_words(&why, step));
        }
        Ok(resp) => resp,
    };
    match resp.metadata.response_code {
        ResponseCode::NoError | ResponseCode::NXDomain if !resp.metadata.authoritative => {
            Err("answered without authority (lame delegation)".to_owned())
        }
        ResponseCode::NXDomain => Ok((Lookup::NxDomain, None)),
        ResponseCode::NoError => {
            let ttl = resp.answers.iter().filter(|r| r.record_type() == rtype).map(|r| r.ttl).max();
            Ok((values(&resp, rtype), ttl))
        }
        other => Err(format!("response code {other}")),
    }
}

/// Why a nameserver gave no answer, in the words evidence keeps (`step`: the DNS timeout).
fn failure_words(why: &WireError, step: Duration) -> String {
    match why {
        WireError::Timeout => format!(
            "silent: no answer to {MAX_SENDS} sends within {} ms (given up)",
            step.min(NS_GIVE_UP).as_millis()
        ),
        other => other.words(),
    }
}

/// The answer's records of `rtype` as comparable text, sorted.
fn values(msg: &Message, rtype: RecordType) -> Lookup<Vec<String>> {
    let mut out: Vec<String> = msg
        .answers
        .iter()
        .filter(|r| r.record_type() == rtype)
        .filter_map(|r| match &r.data {
            RData::TXT(t) => {
                Some(t.txt_data.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect())
            }
            RData::MX(mx) => Some(format!("{} {}", mx.preference, host_text(&mx.exchange))),
            other => other.ip_addr().map(|ip: IpAddr| ip.to_string()),
        })
        .collect();
    out.sort();
    if out.is_empty() { Lookup::NoData } else { Lookup::Found(out) }
}
