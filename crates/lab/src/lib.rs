//! The in-process "internet in a box": real DNS, SMTP (with STARTTLS) and HTTPS servers on
//! loopback with ephemeral ports, serving a [`Scenario`] with certificates from a private CA.
//!
//! Used by `mtasts demo`, the integration tests and the benchmarks. Point a probe's resolver
//! at [`Lab::dns_addr`], its SMTP and HTTPS ports at [`Lab::smtp_port`] and
//! [`Lab::https_port`], and trust [`Lab::ca_pem`]. Everything stops when the `Lab` is dropped.
//!
//! A running lab can be changed through `&self` ([`Lab::publish_txt`], [`Lab::publish_policy`],
//! [`Lab::set_mx`]), so one `Arc<Lab>` can be served and updated from several tasks.

mod authority;
mod behaviour;
pub mod ca;
mod catalog;
mod dns;
mod dnssec;
mod dnssec_spec;
mod hostile;
mod https;
mod nameservers;
mod net;
mod publish;
pub mod registry;
pub mod scenario;
mod smtp;
mod validating;
mod zones;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::PoisonError;

use rustls::pki_types::CertificateDer;

pub use ca::{IssuedCert, LabCa};
pub use publish::MAX_PUBLISHED_BODY;
pub use registry::{ALL_SCENARIOS, fleet, scenario};
pub use scenario::{
    CertKind, CnameSpec, DomainSpec, DsState, MxBehaviour, MxHostSpec, MxSpec, NsRole, NsSpec, Padding,
    PolicyBehaviour, PolicyHostSpec, Scenario, SignedZone, TlsaOf, TlsaSpec, TxtFiller,
};

/// Why the lab could not start.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// The scenario is malformed.
    #[error("scenario: {0}")]
    Scenario(String),
    /// Certificate generation failed.
    #[error("certificate: {0}")]
    Cert(#[from] rcgen::Error),
    /// TLS configuration failed.
    #[error("tls: {0}")]
    Tls(String),
    /// A DNS zone could not be built.
    #[error("dns: {0}")]
    Dns(String),
    /// A socket could not be bound.
    #[error("bind: {0}")]
    Io(#[from] std::io::Error),
    /// The name is not one of the lab's domains (or under one), so the lab cannot change it.
    #[error("{0} is not a lab domain")]
    NotLabDomain(String),
    /// The content to publish is malformed or too large.
    #[error("cannot publish: {0}")]
    Invalid(String),
}

/// A running lab. Dropping it stops every server.
pub struct Lab {
    /// The authoritative DNS server (UDP and TCP on the same port).
    pub dns_addr: SocketAddr,
    /// The SMTP port every MX host listens on (each on its own loopback address).
    pub smtp_port: u16,
    /// The HTTPS port of the policy host(s), on 127.0.0.1.
    pub https_port: u16,
    /// The CA certificate (PEM), to be given to a probe as an extra trust anchor.
    pub ca_pem: String,
    /// The CA certificate (DER).
    pub ca_der: CertificateDer<'static>,
    /// The instant certificates are dated from.
    pub now: jiff::Timestamp,
    /// The loopback address of each MX host at start (lower-case name → address); see
    /// [`Lab::mx_hosts`] for hosts added since.
    pub mx_addrs: BTreeMap<String, Ipv4Addr>,
    /// The scenario the lab started with; see [`Lab::published`] for what it serves now.
    pub scenario: Scenario,
    /// The lab root's DNSKEY in zone-file form, to be given to a probe as its DNSSEC trust
    /// anchor (`--trust-anchor`), when the scenario signs zones.
    pub dnssec_anchor: Option<String>,
    live: publish::Live,
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab")
            .field("scenario", &self.scenario.name)
            .field("dns_addr", &self.dns_addr)
            .field("smtp_port", &self.smtp_port)
            .field("https_port", &self.https_port)
            .field("mx_addrs", &self.mx_addrs)
            .finish_non_exhaustive()
    }
}

impl Lab {
    /// Starts DNS, SMTP and HTTPS servers for `scenario`, certificates dated from `now`.
    pub async fn start(scenario: &Scenario, now: jiff::Timestamp) -> Result<Lab, LabError> {
        scenario.validate()?;
        let ca = LabCa::new(now)?;
        let hosts = scenario.all_mx_hosts();
        let mut tasks = Vec::new();

        let smtp = smtp::start(&hosts, &ca).await?;
        tasks.extend(smtp.tasks);
        let https = https::start(scenario, &ca).await?;
        tasks.push(https.task);
        let signing = dnssec::Signing::new(scenario, &smtp.leaves, &ca)?;
        let dns = dns::start(scenario, &smtp.addrs, signing).await?;
        let dnssec_anchor = dns.zones.anchor();
        tasks.push(dns.task);
        tasks.extend(dns.extra_tasks);

        Ok(Lab {
            dns_addr: dns.addr,
            smtp_port: smtp.port,
            https_port: https.port,
            ca_pem: ca.cert_pem().to_owned(),
            ca_der: ca.cert_der().clone(),
            now,
            mx_addrs: smtp.addrs.clone(),
            scenario: scenario.clone(),
            dnssec_anchor,
            live: publish::Live::new(publish::Started {
                scenario: scenario.clone(),
                mx_addrs: smtp.addrs,
                zones: dns.zones,
                sites: https.sites,
                ca,
                smtp_port: smtp.port,
                smtp_gauge: smtp.gauge,
                tasks,
            }),
        })
    }

    /// Starts the registry scenario called `name`.
    pub async fn start_named(name: &str, now: jiff::Timestamp) -> Result<Lab, LabError> {
        let s = scenario(name).ok_or_else(|| LabError::Scenario(format!("no scenario named {name:?}")))?;
        Lab::start(&s, now).await
    }

    /// The HTTPS server's address (127.0.0.1).
    pub fn https_addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.https_port))
    }

    /// Where MX host `name` accepts SMTP, if the lab serves it (now, including hosts added by
    /// [`Lab::set_mx`]).
    pub fn mx_addr(&self, name: &str) -> Option<SocketAddr> {
        let ip = self.live.mx_addr(name)?;
        Some(SocketAddr::from((ip, self.smtp_port)))
    }

    /// The most SMTP sessions that were open at once, over every MX host, since the lab started.
    /// A session counts from its accept until the client sends QUIT or the connection ends.
    pub fn smtp_peak_sessions(&self) -> usize {
        self.live.smtp_gauge.peak()
    }

    /// Stops every server now (also done on drop).
    pub fn shutdown(&mut self) {
        let tasks = self.live.tasks.get_mut().unwrap_or_else(PoisonError::into_inner);
        for t in tasks.drain(..) {
            t.abort();
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.shutdown();
    }
}
