//! Live probing: DNS, the HTTPS policy fetch and SMTP STARTTLS, gathered concurrently into
//! [`Evidence`]. Async I/O only; it never decides pass or fail (that is `judge`'s job), and a
//! failed probe is evidence, not an error.

mod cd;
mod config;
mod dns;
#[cfg(test)]
mod dns_tests;
mod dnssec;
mod dnssec_keys;
mod gate;
mod https;
mod limits;
mod ns;
#[cfg(test)]
mod run_tests;
mod smtp;
pub mod smtp_reply;
#[cfg(test)]
mod smtp_tests;
mod tls;
#[cfg(test)]
mod tls_tests;
mod wire;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use futures::future::{BoxFuture, FutureExt, Shared, join_all};
use futures::stream::{self, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, timeout_at};

pub use config::{
    MAX_CA_FILE_BYTES, ProbeConfig, ProbeError, ResolverChoice, StageHook, Timeouts, load_ca_file,
};
pub use dns::resolver_config;
pub use dnssec::{MAX_TLSA_RECORDS, parse_trust_anchor};
pub use limits::{default_limits, fd_limit, split_fds};
pub use ns::{MAX_NAMESERVERS, NS_GIVE_UP};

use mtasts_core::evidence::{
    Evidence, FetchOutcome, Lookup, MxEvidence, PolicyFetch, ProbeStage, SmtpEvidence, SmtpOutcome,
    SmtpStage, TlsaEvidence,
};
use mtasts_core::rfc::DomainName;

/// Probes one domain.
pub async fn probe_domain(domain: &DomainName, cfg: &ProbeConfig) -> Evidence {
    Prober::new(cfg).probe(domain).await
}

/// Domains in flight per connection permit, and at most this many domains at once: a domain
/// spends most of its time waiting on DNS and on MX probes shared with other domains, so
/// bounding domains by the connection limit alone would leave the connections idle (see
/// `benches/check.rs`), while the cap bounds memory whatever the limits.
const IN_FLIGHT_PER_PERMIT: usize = 8;
const MAX_DOMAINS_IN_FLIGHT: usize = 1024;

/// How many domains a run of `cfg` probes at once.
pub fn domain_window(cfg: &ProbeConfig) -> usize {
    cfg.concurrency.max(1).saturating_mul(IN_FLIGHT_PER_PERMIT).min(MAX_DOMAINS_IN_FLIGHT)
}

/// Probes several domains with one [`Prober`]: an MX host:address shared by several domains
/// is probed once. Output order is input order.
pub async fn probe_domains(domains: &[DomainName], cfg: &ProbeConfig) -> Vec<Evidence> {
    let prober = Prober::new(cfg);
    stream::iter(domains).map(|d| prober.probe(d)).buffered(domain_window(cfg)).collect().await
}

/// One run's shared state (resolver, trust stores, connection limits, MX probe cache), cheap
/// to clone into tasks: every clone shares it, so an MX host:address is probed once per run.
#[derive(Clone)]
pub struct Prober(Arc<Run>);

impl Prober {
    /// A new run with `cfg`'s limits.
    pub fn new(cfg: &ProbeConfig) -> Self {
        Self(Run::new(cfg))
    }

    /// Probes one domain within the run's limits; domains started earlier have their DNS
    /// questions answered first.
    pub async fn probe(&self, domain: &DomainName) -> Evidence {
        let order = self.0.started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        gate::ORDER.scope(order, self.0.domain(domain)).await
    }

    /// Probes MX hosts by name (their addresses, then STARTTLS on each), as if DNS had
    /// listed them: the planned hosts of a domain whose MX lookup gave no answer.
    pub async fn mx_hosts(&self, hosts: &[DomainName]) -> Vec<MxEvidence> {
        let deadline = Instant::now() + self.0.cfg.timeouts.overall;
        join_all(hosts.iter().map(|h| self.0.mx_host(0, h.as_str().to_owned(), deadline))).await
    }
}

type SmtpFuture = Shared<BoxFuture<'static, SmtpEvidence>>;
type AddressFuture = Shared<BoxFuture<'static, Lookup<Vec<IpAddr>>>>;
type TlsaFuture = Shared<BoxFuture<'static, TlsaEvidence>>;

/// The port DANE for SMTP names its TLSA records after (RFC 7672 §2.2.3), whatever port is probed.
const DANE_SMTP_PORT: u16 = 25;

/// The future under `key` in `cache`, made by `make` and stored the first time it is asked.
fn shared<K: std::hash::Hash + Eq, T: Clone>(
    cache: &Mutex<HashMap<K, Shared<BoxFuture<'static, T>>>>,
    key: K,
    make: impl FnOnce() -> BoxFuture<'static, T>,
) -> Shared<BoxFuture<'static, T>> {
    let mut cache = match cache.lock() {
        Ok(c) => c,
        Err(poisoned) => poisoned.into_inner(),
    };
    cache.entry(key).or_insert_with(|| make().shared()).clone()
}

/// State shared by every probe of one run.
struct Run {
    cfg: ProbeConfig,
    dns: dns::Dns,
    stores: Result<Arc<tls::TrustStores>, String>,
    permits: Arc<Semaphore>,
    per_host: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
    smtp_cache: Mutex<HashMap<(String, IpAddr), SmtpFuture>>,
    /// The addresses of MX hosts, asked once per run however many domains name them.
    mx_addresses: Mutex<HashMap<String, AddressFuture>>,
    /// DNSSEC-validated questions (TLSA, the domain's chain).
    validator: dnssec::Validator,
    /// The TLSA records of MX hosts, asked once per run.
    mx_tlsa: Mutex<HashMap<String, TlsaFuture>>,
    /// Domains started so far.
    started: std::sync::atomic::AtomicU64,
}

impl Run {
    fn new(cfg: &ProbeConfig) -> Arc<Self> {
        let dns = dns::Dns::new(&cfg.resolver, cfg.timeouts.dns, cfg.dns_in_flight);
        let validator = dnssec::Validator::new(&dns, cfg.dnssec_anchor.as_deref(), cfg.timeouts.dns);
        Arc::new(Self {
            cfg: cfg.clone(),
            dns,
            stores: tls::TrustStores::new(&cfg.extra_anchors, cfg.now)
                .map(Arc::new)
                .map_err(|e| e.to_string()),
            permits: Arc::new(Semaphore::new(cfg.concurrency.max(1))),
            per_host: Mutex::new(HashMap::new()),
            smtp_cache: Mutex::new(HashMap::new()),
            mx_addresses: Mutex::new(HashMap::new()),
            validator,
            mx_tlsa: Mutex::new(HashMap::new()),
            started: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// The permits of one connection to `ip`: first its destination's, then a global one, so
    /// waiting on a busy destination does not hold a global permit. `None` past `deadline`.
    async fn connection_permits(&self, ip: IpAddr, deadline: Instant) -> Option<Vec<OwnedSemaphorePermit>> {
        let host = {
            let mut map = match self.per_host.lock() {
                Ok(m) => m,
                Err(poisoned) => poisoned.into_inner(),
            };
            map.entry(ip).or_insert_with(|| Arc::new(Semaphore::new(self.cfg.per_host.max(1)))).clone()
        };
        let host = timeout_at(deadline, host.acquire_owned()).await.ok()?.ok()?;
        let global = timeout_at(deadline, self.permits.clone().acquire_owned()).await.ok()?.ok()?;
        Some(vec![host, global])
    }

    async fn domain(self: &Arc<Self>, domain: &DomainName) -> Evidence {
        let start = Instant::now();
        let deadline = start + self.cfg.timeouts.overall;
        let name = domain.as_str();
        let policy_host = domain.policy_host();
        let mx = async {
            let answer = self.dns.mx(name, deadline).await;
            if let (Some(hook), Lookup::Found(_) | Lookup::NoData) = (&self.cfg.stage, &answer) {
                (hook.0)(domain, ProbeStage::Servers);
            }
            match answer {
                Lookup::NoData => (Lookup::NoData, Some(self.mx_host(0, name.to_owned(), deadline).await)),
                other => {
                    let hosts = other.map(|list| list.into_iter().map(|(p, h)| self.mx_host(p, h, deadline)));
                    let mx = match hosts {
                        Lookup::Found(futs) => Lookup::Found(join_all(futs).await),
                        other => other.map(|_| Vec::new()),
                    };
                    (mx, None)
                }
            }
        };
        let policy = async {
            let addresses = self.dns.addresses(&policy_host, gate::Urgency::Normal, deadline).await;
            let fetch = self.policy(domain, &policy_host, &addresses, deadline).await;
            (addresses, fetch)
        };
        let (sts, tlsrpt, legacy) =
            (domain.child("_mta-sts"), domain.child("_smtp._tls"), domain.child("_smtp-tlsrpt"));
        let chain = self.validator.chain(name, &self.dns, deadline);
        let nameservers = ns::nameservers(&self.dns, name, self.cfg.ns_port, self.cfg.timeouts.dns, deadline);
        let (
            (mx, implicit_mx),
            sts_record,
            sts_dnssec,
            tlsrpt_record,
            tlsrpt_legacy_record,
            (addrs, policy),
            chain,
            nameservers,
        ) = tokio::join!(
            mx,
            self.dns.txt(&sts, deadline),
            self.dns.authenticated(&sts, deadline),
            self.dns.txt(&tlsrpt, deadline),
            self.dns.txt(&legacy, deadline),
            policy,
            chain,
            nameservers,
        );
        let null_mx = mx.found().is_some_and(|list| list.len() == 1 && list[0].host == ".");
        Evidence {
            domain: domain.clone(),
            mx,
            null_mx,
            implicit_mx,
            sts_record,
            sts_dnssec,
            tlsrpt_record,
            tlsrpt_legacy_record,
            policy_host,
            policy_host_addresses: addrs,
            policy,
            extra_anchors: self.cfg.extra_anchors.len(),
            overall_timeout_hit: Instant::now() >= deadline,
            dnssec_chain: Some(chain),
            nameservers: Some(nameservers),
            elapsed_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    async fn mx_host(self: &Arc<Self>, preference: u16, host: String, deadline: Instant) -> MxEvidence {
        if host == "." {
            return MxEvidence {
                preference,
                host,
                addresses: Lookup::NoData,
                probes: Vec::new(),
                tlsa: None,
            };
        }
        let run = self.clone();
        let name = host.clone();
        let addresses = shared(&self.mx_addresses, host.clone(), || {
            async move { run.dns.addresses(&name, gate::Urgency::Critical, deadline).await }.boxed()
        })
        .await;
        let ips = addresses.found().cloned().unwrap_or_default();
        let run = self.clone();
        let name = host.clone();
        let tlsa = shared(&self.mx_tlsa, host.clone(), || {
            async move { run.validator.tlsa(&run.dns, &name, DANE_SMTP_PORT, deadline).await }.boxed()
        });
        let probes = join_all(ips.into_iter().map(|ip| self.smtp(&host, ip, deadline)));
        let (probes, tlsa) = tokio::join!(probes, tlsa);
        MxEvidence { preference, host, addresses, probes, tlsa: Some(tlsa) }
    }

    /// The SMTP probe of `host` at `ip`, started once per run and shared.
    fn smtp(self: &Arc<Self>, host: &str, ip: IpAddr, deadline: Instant) -> SmtpFuture {
        let run = self.clone();
        let host = host.to_owned();
        shared(&self.smtp_cache, (host.clone(), ip), || {
            async move {
                let addr = SocketAddr::new(ip, run.cfg.smtp_port);
                let Some(permits) = run.connection_permits(ip, deadline).await else {
                    return waiting_timed_out(host, addr);
                };
                let t = &run.cfg.timeouts;
                let stores = run.stores.clone();
                smtp::probe_smtp(&host, addr, &run.cfg.ehlo_name, t, deadline, stores, permits).await
            }
            .boxed()
        })
    }

    async fn policy(
        &self,
        domain: &DomainName,
        host: &str,
        addresses: &Lookup<Vec<IpAddr>>,
        deadline: Instant,
    ) -> PolicyFetch {
        let url = domain.policy_url();
        let addrs = match addresses.found() {
            Some(a) if !a.is_empty() => a,
            _ => return PolicyFetch::unattempted(url, FetchOutcome::HostUnresolved),
        };
        let Ok(Ok(_permit)) = timeout_at(deadline, self.permits.clone().acquire_owned()).await else {
            return PolicyFetch::unattempted(url, FetchOutcome::Timeout);
        };
        let (port, step) = (self.cfg.https_port, self.cfg.timeouts.https);
        https::fetch_policy(host, &url, addrs, port, step, deadline, self.stores.clone()).await
    }
}

fn waiting_timed_out(host: String, addr: SocketAddr) -> SmtpEvidence {
    SmtpEvidence::bare(host, addr, SmtpOutcome::Timeout { stage: SmtpStage::Connect })
}
