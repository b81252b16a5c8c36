//! DNS questions through hickory-resolver, each answer classified as a [`Lookup`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::{DnsRequestOptions, Message, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::{Resolver, TokioResolver};
use tokio::time::{Instant, timeout_at};

use super::ResolverChoice;
use super::gate::{Gate, Permit, Urgency};
use super::wire::{self, Wire, WireError};
use mtasts_core::evidence::{Lookup, TxtEvidence};

/// Most CNAME hops retraced for a name without data.
const MAX_CNAME_HOPS: usize = 8;

/// One run's resolver, plus the server the DNSSEC (DO bit) question goes to.
pub(crate) struct Dns {
    resolver: Result<TokioResolver, String>,
    dnssec_server: Option<SocketAddr>,
    step: Duration,
    /// Bounds the questions in flight at once, critical ones first.
    gate: Gate,
    /// The run's own sockets, for questions asked without hickory's resolver.
    wire: Arc<Wire>,
    /// The resolver, when it is the only one and plain questions may go to it directly.
    direct: Option<Direct>,
    /// Servers that failed a question this run (refused, unreachable, silent) and why, so that
    /// later questions to them fail at once instead of waiting again.
    failed: Mutex<HashMap<SocketAddr, WireError>>,
}

/// Where plain questions go without hickory's resolver: its only name server, and whether
/// address questions must still go through hickory (which reads the hosts file).
#[derive(Debug, Clone, Copy)]
struct Direct {
    server: SocketAddr,
    addresses_too: bool,
}

impl Dns {
    /// Builds the resolver. A broken system configuration becomes an error inside every answer.
    pub(crate) fn new(choice: &ResolverChoice, step: Duration, in_flight: usize) -> Self {
        let built = resolver_config(choice);
        let dnssec_server = built.as_ref().ok().and_then(|(config, _)| {
            let ns = config.name_servers().first()?;
            let port = ns.connections.first().map_or(53, |c| c.port);
            Some(SocketAddr::new(ns.ip, port))
        });
        let direct = built.as_ref().ok().and_then(|(config, opts)| {
            let server = dnssec_server.filter(|_| config.name_servers().len() == 1)?;
            Some(Direct { server, addresses_too: opts.use_hosts_file == ResolveHosts::Never })
        });
        let resolver = built.and_then(|(config, mut opts)| {
            opts.timeout = step;
            opts.attempts = 1;
            opts.preserve_intermediates = true;
            Resolver::builder_with_config(config, TokioRuntimeProvider::default())
                .with_options(opts)
                .build()
                .map_err(|e| format!("building the resolver: {e}"))
        });
        let wire = Arc::new(Wire::new(dnssec_server));
        let failed = Mutex::new(HashMap::new());
        Self { resolver, dnssec_server, step, gate: Gate::new(in_flight), wire, direct, failed }
    }

    /// One question off the critical path.
    pub(crate) async fn query(&self, name: &str, rtype: RecordType, deadline: Instant) -> Lookup<Message> {
        self.ask(name, rtype, Urgency::Normal, deadline).await
    }

    async fn ask(
        &self,
        name: &str,
        rtype: RecordType,
        urgency: Urgency,
        deadline: Instant,
    ) -> Lookup<Message> {
        let resolver = match &self.resolver {
            Ok(r) => r,
            Err(e) => return Lookup::Error(e.clone()),
        };
        let name = match fqdn(name) {
            Ok(n) => n,
            Err(e) => return Lookup::Error(e),
        };
        let Some(_permit) = self.gate.enter(urgency, deadline).await else {
            return Lookup::Timeout;
        };
        let until = step_deadline(self.step, deadline);
        let address = matches!(rtype, RecordType::A | RecordType::AAAA);
        if let Some(direct) = self.direct.filter(|d| d.addresses_too || !address) {
            let request = wire::request(Query::query(name.clone(), rtype), DnsRequestOptions::default());
            match self.wire.exchange(direct.server, &request, until).await {
                Err(WireError::Timeout) => return Lookup::Timeout,
                Err(e @ (WireError::Refused | WireError::Unreachable(_))) => return Lookup::Error(e.words()),
                Ok(answer) => {
                    if let Some(plain) = wire::plain_answer(answer, &name, rtype) {
                        return plain;
                    }
                }
                Err(WireError::Io(_)) => {}
            }
        }
        // Anything but a plain answer (a CNAME, truncation, an unusual response code) goes
        // through hickory's resolver, which follows CNAMEs and retries over TCP.
        match timeout_at(until, resolver.lookup(name, rtype)).await {
            Err(_) => Lookup::Timeout,
            Ok(Ok(lookup)) if !lookup.answers().iter().any(|r| r.record_type() == rtype) => Lookup::NoData,
            Ok(Ok(lookup)) => Lookup::Found(lookup.message().clone()),
            Ok(Err(e)) => classify(&e),
        }
    }

    /// One question to `server` over the run's own sockets, as hickory would send it.
    pub(crate) async fn exchange(
        &self,
        server: SocketAddr,
        query: Query,
        opts: DnsRequestOptions,
        until: Instant,
    ) -> Result<Message, WireError> {
        self.wire.exchange(server, &wire::request(query, opts), until).await
    }

    /// Why `server` failed an earlier question of this run, if it did.
    pub(crate) fn failure(&self, server: SocketAddr) -> Option<WireError> {
        self.failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&server).cloned()
    }

    /// Remembers that `server` failed, for the rest of the run.
    pub(crate) fn remember_failure(&self, server: SocketAddr, why: WireError) {
        self.failed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(server, why);
    }

    /// The run's sockets, shared with the validator.
    pub(crate) fn wire(&self) -> Arc<Wire> {
        self.wire.clone()
    }

    /// The resolver's address when there is one to ask directly.
    pub(crate) fn resolver_addr(&self) -> Option<SocketAddr> {
        self.dnssec_server
    }

    /// A permit for one more question in flight; `None` past `deadline`.
    pub(crate) async fn permit(&self, deadline: Instant) -> Option<Permit> {
        self.gate.enter(Urgency::Normal, deadline).await
    }

    /// MX records as (preference, exchange), sorted by preference then host: a critical question.
    pub(crate) async fn mx(&self, name: &str, deadline: Instant) -> Lookup<Vec<(u16, String)>> {
        self.ask(name, RecordType::MX, Urgency::Critical, deadline).await.map(|msg| {
            let mut mx: Vec<(u16, String)> = msg
                .answers
                .iter()
                .filter_map(|r| match &r.data {
                    RData::MX(mx) => Some((mx.preference, host_text(&mx.exchange))),
                    _ => None,
                })
                .collect();
            mx.sort();
            mx.dedup();
            mx
        })
    }

    /// TXT records of `name`, following CNAMEs.
    pub(crate) async fn txt(&self, name: &str, deadline: Instant) -> TxtEvidence {
        let answer = self.query(name, RecordType::TXT, deadline).await;
        let cname_chain = match &answer {
            Lookup::Found(msg) => cname_targets(msg),
            // The resolver reports a dangling or looping CNAME as no data; retrace it to say which.
            Lookup::NoData => self.cname_chain(name, deadline).await,
            _ => Vec::new(),
        };
        let records = answer.map(|msg| {
            msg.answers
                .iter()
                .filter_map(|r| match &r.data {
                    RData::TXT(txt) => {
                        Some(txt.txt_data.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect())
                    }
                    _ => None,
                })
                .collect()
        });
        TxtEvidence { name: name.to_owned(), cname_chain, records }
    }

    /// The CNAMEs from `name`, asked one hop at a time, at most [`MAX_CNAME_HOPS`]; a name seen
    /// before ends the chain (a loop).
    async fn cname_chain(&self, name: &str, deadline: Instant) -> Vec<String> {
        let mut chain: Vec<String> = Vec::new();
        let mut current = name.trim_end_matches('.').to_ascii_lowercase();
        for _ in 0..MAX_CNAME_HOPS {
            let Lookup::Found(msg) = self.query(&current, RecordType::CNAME, deadline).await else {
                break;
            };
            let Some(target) = cname_targets(&msg).into_iter().next() else {
                break;
            };
            let looped = target == name || chain.contains(&target);
            chain.push(target.clone());
            if looped {
                break;
            }
            current = target;
        }
        chain
    }

    /// A and AAAA of `name`, IPv4 first.
    pub(crate) async fn addresses(
        &self,
        name: &str,
        urgency: Urgency,
        deadline: Instant,
    ) -> Lookup<Vec<IpAddr>> {
        let (a, aaaa) = tokio::join!(
            self.ask(name, RecordType::A, urgency, deadline),
            self.ask(name, RecordType::AAAA, urgency, deadline)
        );
        let ips =
            |msg: Message| -> Vec<IpAddr> { msg.answers.iter().filter_map(|r| r.data.ip_addr()).collect() };
        merge_addresses(a.map(ips), aaaa.map(ips))
    }

    /// Whether the resolver sets the AD bit on `name`'s TXT answer, asked with the DO bit.
    pub(crate) async fn authenticated(&self, name: &str, deadline: Instant) -> Lookup<bool> {
        let Some(server) = self.dnssec_server else {
            return Lookup::Error("no name server configured".into());
        };
        let name = match fqdn(name) {
            Ok(n) => n,
            Err(e) => return Lookup::Error(e),
        };
        let Some(_permit) = self.permit(deadline).await else {
            return Lookup::Timeout;
        };
        let mut opts = DnsRequestOptions::default();
        opts.use_edns = true;
        opts.edns_set_dnssec_ok = true;
        opts.recursion_desired = true;
        let query = Query::query(name, RecordType::TXT);
        match self.exchange(server, query, opts, step_deadline(self.step, deadline)).await {
            Err(WireError::Timeout) => Lookup::Timeout,
            Err(e) => Lookup::Error(e.words()),
            Ok(resp) => match resp.metadata.response_code {
                ResponseCode::NoError | ResponseCode::NXDomain => Lookup::Found(resp.metadata.authentic_data),
                ResponseCode::ServFail => Lookup::ServFail,
                other => Lookup::Error(format!("response code {other}")),
            },
        }
    }
}

/// The resolver configuration and options for `choice` (hosts file unused for an explicit
/// resolver); also what the DKIM check of e-mailed reports asks.
pub fn resolver_config(choice: &ResolverChoice) -> Result<(ResolverConfig, ResolverOpts), String> {
    match choice {
        ResolverChoice::System => hickory_resolver::system_conf::read_system_conf()
            .map_err(|e| format!("reading the system resolver configuration: {e}")),
        ResolverChoice::At(addr) => {
            let conns = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
                .into_iter()
                .map(|mut c| {
                    c.port = addr.port();
                    c
                })
                .collect();
            let ns = NameServerConfig::new(addr.ip(), true, conns);
            let mut opts = ResolverOpts::default();
            opts.use_hosts_file = ResolveHosts::Never;
            Ok((ResolverConfig::from_name_servers(vec![ns]), opts))
        }
    }
}

pub(crate) fn step_deadline(step: Duration, overall: Instant) -> Instant {
    (Instant::now() + step).min(overall)
}

pub(crate) fn fqdn(name: &str) -> Result<Name, String> {
    Name::from_ascii(format!("{}.", name.trim_end_matches('.')))
        .map_err(|e| format!("bad name {name:?}: {e}"))
}

/// A host name as text: lower case, no trailing dot; the root (null MX) is ".".
pub(crate) fn host_text(name: &Name) -> String {
    if name.is_root() {
        return ".".to_owned();
    }
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

fn cname_targets(msg: &Message) -> Vec<String> {
    msg.answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::CNAME(c) => Some(host_text(&c.0)),
            _ => None,
        })
        .collect()
}

pub(crate) fn classify<T>(err: &NetError) -> Lookup<T> {
    match err {
        NetError::Dns(DnsError::NoRecordsFound(nr)) => match nr.response_code {
            ResponseCode::NXDomain => Lookup::NxDomain,
            ResponseCode::NoError => Lookup::NoData,
            ResponseCode::ServFail => Lookup::ServFail,
            other => Lookup::Error(format!("response code {other}")),
        },
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => Lookup::ServFail,
        NetError::Timeout => Lookup::Timeout,
        other => Lookup::Error(other.to_string()),
    }
}

/// Combines the A and AAAA answers: any address wins; NXDOMAIN on either means the name does not
/// exist; otherwise a failure beats NODATA, since it leaves the question open.
fn merge_addresses(a: Lookup<Vec<IpAddr>>, aaaa: Lookup<Vec<IpAddr>>) -> Lookup<Vec<IpAddr>> {
    match (a, aaaa) {
        (Lookup::Found(mut v4), Lookup::Found(v6)) => {
            v4.extend(v6);
            Lookup::Found(v4)
        }
        (Lookup::Found(v), _) | (_, Lookup::Found(v)) => Lookup::Found(v),
        (Lookup::NxDomain, _) | (_, Lookup::NxDomain) => Lookup::NxDomain,
        (Lookup::NoData, other) | (other, Lookup::NoData) => other,
        (first, _) => first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_prefers_addresses_then_nxdomain_then_failures() {
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(
            merge_addresses(Lookup::Found(vec![v4]), Lookup::Found(vec![v6])),
            Lookup::Found(vec![v4, v6])
        );
        assert_eq!(merge_addresses(Lookup::Timeout, Lookup::Found(vec![v6])), Lookup::Found(vec![v6]));
        assert_eq!(merge_addresses(Lookup::NoData, Lookup::NxDomain), Lookup::NxDomain);
        assert_eq!(merge_addresses(Lookup::NoData, Lookup::NoData), Lookup::NoData);
        assert_eq!(merge_addresses(Lookup::NoData, Lookup::ServFail), Lookup::ServFail);
        assert_eq!(merge_addresses(Lookup::Timeout, Lookup::NoData), Lookup::Timeout);
    }

    #[test]
    fn host_text_strips_the_root() {
        assert_eq!(host_text(&Name::root()), ".");
        assert_eq!(host_text(&Name::from_ascii("MX1.Example.COM.").unwrap()), "mx1.example.com");
    }
}
